// RecentCases: socwb's own list and the desktop's recently-used.xbel, read and written as the
// freedesktop.org spec (https://www.freedesktop.org/wiki/Specifications/desktop-bookmark-spec/) says,
// without ever wiping what other applications keep there.
#include "core/recent_cases.h"
#include "test_paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QXmlStreamReader>

using namespace socwb;

namespace {

void touch(const QString& path) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// What an xbel holds, read independently of GLib: href -> (mime type, registered applications).
struct Bookmark {
    QString mime;
    QStringList applications;
};
QMap<QString, Bookmark> parseXbel(const QString& path) {
    QMap<QString, Bookmark> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return out;
    }
    QXmlStreamReader x(&f);
    QString href;
    while (!x.atEnd()) {
        x.readNext();
        if (!x.isStartElement()) {
            continue;
        }
        if (x.name() == QLatin1String("bookmark")) {
            href = x.attributes().value(QLatin1String("href")).toString();
            out[href];
        } else if (x.name() == QLatin1String("mime-type")) {
            out[href].mime = x.attributes().value(QLatin1String("type")).toString();
        } else if (x.name() == QLatin1String("application")) {
            out[href].applications << x.attributes().value(QLatin1String("name")).toString();
        }
    }
    return out;
}

// An xbel as another application (a file manager) writes it, written after the spec: a case it
// opened (@CASE@), a text file (@TEXT@), and a web page whose name ends in .socwb.
QByteArray foreignXbel(const QString& casePath, const QString& textPath) {
    QFile f(socwb::test::fixture(QStringLiteral("recent/foreign.xbel")));
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    QString text = QString::fromUtf8(f.readAll());
    text.replace(QStringLiteral("@CASE@"), casePath).replace(QStringLiteral("@TEXT@"), textPath);
    return text.toUtf8();
}

} // namespace

class TestRecentCases : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void init();
    void addedCasesAreNewestFirstInBothLists();
    void casesOtherApplicationsOpenedAreListed();
    void otherApplicationsEntriesAreKept();
    void anUnreadableXbelIsNotOverwritten();
    void clearTakesOnlySocwbsRegistrations();
    void aMissingCaseIsListedAsMissing();

  private:
    // The file manager's list: from-files.socwb and notes.txt, both created.
    void writeForeignXbel() {
        touch(file("from-files.socwb"));
        touch(file("notes.txt"));
        QFile f(xbel());
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(foreignXbel(file("from-files.socwb"), file("notes.txt")));
    }
    QTemporaryDir dir_;
    QString xbel() const { return dir_.filePath(QStringLiteral("share/recently-used.xbel")); }
    QString file(const char* name) const { return dir_.filePath(QString::fromLatin1(name)); }
};

void TestRecentCases::initTestCase() {
    QStandardPaths::setTestModeEnabled(true); // QSettings in ~/.qttest, not the user's
    QCoreApplication::setOrganizationName(QStringLiteral("socwb-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_recent_cases"));
}

void TestRecentCases::init() {
    QSettings().clear();
    QFile::remove(xbel());
    QDir(dir_.path()).mkpath(QStringLiteral("share"));
}

void TestRecentCases::addedCasesAreNewestFirstInBothLists() {
    touch(file("one.socwb"));
    QDir(dir_.path()).mkpath(QStringLiteral("other"));
    touch(file("other/one.socwb"));
    RecentCases recent(xbel());
    recent.add(file("one.socwb"));
    QTest::qSleep(1100); // xbel keeps seconds
    recent.add(file("other/one.socwb"));
    QVERIFY2(recent.desktopProblem().isEmpty(), qPrintable(recent.desktopProblem()));

    const QList<RecentCases::Entry> e = recent.entries();
    QCOMPARE(e.size(), 2);
    QCOMPARE(e[0].path, file("other/one.socwb"));
    QCOMPARE(e[1].path, file("one.socwb"));
    QVERIFY(e[0].exists && e[1].exists);
    QVERIFY(e[0].lastUsed > e[1].lastUsed);

    const QMap<QString, Bookmark> b = parseXbel(xbel());
    QCOMPARE(b.size(), 2);
    const QString href = QUrl::fromLocalFile(file("one.socwb")).toString(QUrl::FullyEncoded);
    QVERIFY2(b.contains(href), qPrintable(b.keys().join(QLatin1Char(' '))));
    QCOMPARE(b[href].mime, QStringLiteral("application/x-socwb-case"));
    QCOMPARE(b[href].applications, QStringList{QStringLiteral("socwb")});

    // Opened again: moves to the top, still once in each list.
    QTest::qSleep(1100);
    recent.add(file("one.socwb"));
    QCOMPARE(recent.entries().first().path, file("one.socwb"));
    QCOMPARE(recent.entries().size(), 2);
    QCOMPARE(parseXbel(xbel()).size(), 2);
}

void TestRecentCases::casesOtherApplicationsOpenedAreListed() {
    writeForeignXbel();
    RecentCases recent(xbel());
    const QList<RecentCases::Entry> e = recent.entries();
    QVERIFY2(recent.desktopProblem().isEmpty(), qPrintable(recent.desktopProblem()));
    QCOMPARE(e.size(), 1); // not the text file, not the web page
    QCOMPARE(e[0].path, file("from-files.socwb"));
    QCOMPARE(e[0].lastUsed, QDateTime(QDate(2026, 1, 2), QTime(10, 0), Qt::UTC));
}

void TestRecentCases::otherApplicationsEntriesAreKept() {
    writeForeignXbel();
    touch(file("mine.socwb"));
    RecentCases(xbel()).add(file("from-files.socwb"));
    RecentCases(xbel()).add(file("mine.socwb"));
    const QMap<QString, Bookmark> b = parseXbel(xbel());
    QCOMPARE(b.size(), 4);
    QCOMPARE(b.value(QStringLiteral("https://example.org/notes.socwb")).applications, QStringList{"Firefox"});
    const QString text = QUrl::fromLocalFile(file("notes.txt")).toString(QUrl::FullyEncoded);
    QCOMPARE(b.value(text).applications, QStringList{"gedit"});
    const QString fromFiles = QUrl::fromLocalFile(file("from-files.socwb")).toString(QUrl::FullyEncoded);
    QCOMPARE(b.value(fromFiles).applications, (QStringList{"Files", "socwb"}));
}

void TestRecentCases::anUnreadableXbelIsNotOverwritten() {
    touch(file("case.socwb"));
    const QByteArray broken("<?xml version=\"1.0\"?><xbel version=\"1.0\"><bookmark href=\"file:///x\"><info>");
    QFile f(xbel());
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(broken);
    f.close();
    RecentCases recent(xbel());
    recent.add(file("case.socwb"));
    QVERIFY(!recent.desktopProblem().isEmpty());
    QCOMPARE(readAll(xbel()), broken);
    // socwb's own list still has it.
    QCOMPARE(recent.entries().size(), 1);
    QCOMPARE(recent.entries().first().path, file("case.socwb"));
    recent.clear();
    QCOMPARE(readAll(xbel()), broken);
}

void TestRecentCases::clearTakesOnlySocwbsRegistrations() {
    writeForeignXbel();
    touch(file("mine.socwb"));
    RecentCases recent(xbel());
    recent.add(file("from-files.socwb"));
    recent.add(file("mine.socwb"));
    recent.clear();
    const QMap<QString, Bookmark> b = parseXbel(xbel());
    QCOMPARE(b.size(), 3); // mine.socwb, which only socwb had opened, is gone
    const QString fromFiles = QUrl::fromLocalFile(file("from-files.socwb")).toString(QUrl::FullyEncoded);
    QCOMPARE(b.value(fromFiles).applications, QStringList{"Files"});
    // What the file manager opened is still a recent case; nothing of socwb's own list is.
    const QList<RecentCases::Entry> e = recent.entries();
    QCOMPARE(e.size(), 1);
    QCOMPARE(e[0].path, file("from-files.socwb"));
}

void TestRecentCases::aMissingCaseIsListedAsMissing() {
    touch(file("gone.socwb"));
    RecentCases recent(xbel());
    recent.add(file("gone.socwb"));
    QVERIFY(QFile::remove(file("gone.socwb")));
    const QList<RecentCases::Entry> e = recent.entries();
    QCOMPARE(e.size(), 1);
    QVERIFY(!e[0].exists);
}

QTEST_GUILESS_MAIN(TestRecentCases)
#include "tst_recent_cases.moc"
