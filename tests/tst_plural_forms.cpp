// English plural forms: every tr("... %n ...") in app/, models/ and views/ has its singular and
// plural written in resources/translations/socwb_en.ts, and every program loads them as it starts.
#include "core/resources.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

namespace {

struct Message {
    QString context;
    QString source;
    QStringList forms;
    bool unfinished = false;
};

// The numerus messages of a .ts file, read with Qt's XML reader (no DTD or entities resolved).
QList<Message> numerusMessages(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    QList<Message> out;
    QXmlStreamReader xml(&f);
    QString context;
    Message m;
    bool numerus = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) {
            continue;
        }
        const auto name = xml.name();
        if (name == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (name == QLatin1String("message")) {
            if (numerus) {
                out << m;
            }
            numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
            m = Message{context, {}, {}, false};
        } else if (name == QLatin1String("source")) {
            m.source = xml.readElementText();
        } else if (name == QLatin1String("translation")) {
            m.unfinished = xml.attributes().value(QLatin1String("type")) == QLatin1String("unfinished");
        } else if (name == QLatin1String("numerusform")) {
            m.forms << xml.readElementText();
        }
    }
    if (numerus) {
        out << m;
    }
    return out;
}

QString committedTs() {
    return QStringLiteral(SOCWB_SOURCE_DIR "/resources/translations/socwb_en.ts");
}

} // namespace

class TestPluralForms : public QObject {
    Q_OBJECT
  private slots:
    void everyCountedStringHasBothForms();
    void formsKeepTheirPlaceholders();
    void programsLoadTheForms();
};

// lupdate run over today's sources into a copy of the committed file: a new tr("%n ...") shows up
// unfinished there, so the check fails until its two forms are written (packaging/plurals.py).
void TestPluralForms::everyCountedStringHasBothForms() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString copy = dir.filePath(QStringLiteral("socwb_en.ts"));
    QVERIFY(QFile::copy(committedTs(), copy));
    QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);
    QProcess lupdate;
    lupdate.setWorkingDirectory(QStringLiteral(SOCWB_SOURCE_DIR));
    lupdate.start(QStringLiteral(SOCWB_LUPDATE),
                  {QStringLiteral("-silent"), QStringLiteral("-pluralonly"), QStringLiteral("-no-obsolete"),
                   QStringLiteral("-locations"), QStringLiteral("none"), QStringLiteral("-target-language"),
                   QStringLiteral("en"), QStringLiteral("app"), QStringLiteral("models"), QStringLiteral("views"),
                   QStringLiteral("-ts"), copy});
    QVERIFY(lupdate.waitForFinished(60000));
    QCOMPARE(lupdate.exitCode(), 0);

    const QList<Message> found = numerusMessages(copy);
    QVERIFY2(found.size() >= 30, qPrintable(QString::number(found.size())));
    QStringList missing;
    for (const Message& m : found) {
        // Every class is in namespace socwb: a context without it is one lupdate misread (it then
        // never matches the class's tr() at run time, and the text stays "(s)").
        QVERIFY2(m.context == QLatin1String("QObject") || m.context.startsWith(QLatin1String("socwb::")),
                 qPrintable(m.context + QStringLiteral(": ") + m.source));
        if (m.unfinished || m.forms.size() != 2 || m.forms[0].isEmpty() || m.forms[1].isEmpty()) {
            missing << m.context + QStringLiteral(": ") + m.source;
        }
    }
    QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("write both forms (packaging/plurals.py): ") +
                                           missing.join(QStringLiteral(" | "))));
    // Nothing in the committed file that the sources no longer say (lupdate -no-obsolete drops it).
    QCOMPARE(numerusMessages(committedTs()).size(), found.size());
}

// A form that loses a %n, %Ln or %1 would print the wrong thing; "(s)" left in a form is a missed plural.
void TestPluralForms::formsKeepTheirPlaceholders() {
    static const QRegularExpression placeholder(QStringLiteral("%L?(n|\\d)"));
    auto placeholders = [](const QString& text) {
        QStringList out;
        for (auto it = placeholder.globalMatch(text); it.hasNext();) {
            out << it.next().captured(0);
        }
        out.sort();
        return out;
    };
    const QList<Message> messages = numerusMessages(committedTs());
    QVERIFY(!messages.isEmpty());
    for (const Message& m : messages) {
        QCOMPARE(m.forms.size(), 2);
        QVERIFY2(!m.forms[1].contains(QLatin1String("(s)")), qPrintable(m.source));
        QVERIFY2(!m.forms[0].contains(QLatin1String("(s)")), qPrintable(m.source));
        // A singular that kept the plural's grammar ("Why are these 1 channel benign?", seen in the
        // window's justification dialog).
        static const QRegularExpression pluralWords(QStringLiteral("\\b(these|those|are|were)\\b"));
        QVERIFY2(!m.forms[0].contains(pluralWords), qPrintable(m.forms[0]));
        // The plural keeps every placeholder; the singular may say "the selected channel" for %n.
        QCOMPARE(placeholders(m.forms[1]), placeholders(m.source));
        QStringList one = placeholders(m.forms[0]);
        QStringList source = placeholders(m.source);
        one.removeAll(QStringLiteral("%n"));
        source.removeAll(QStringLiteral("%n"));
        QCOMPARE(one, source);
    }
}

// Loaded at QCoreApplication start by the models library: this test does nothing to load it.
void TestPluralForms::programsLoadTheForms() {
    QVERIFY(socwb::resources::pluralFormsLoaded());
    const char* context = "socwb::AlertQueueDock";
    QCOMPARE(QCoreApplication::translate(context, "%n channel(s)", nullptr, 1), QStringLiteral("1 channel"));
    QCOMPARE(QCoreApplication::translate(context, "%n channel(s)", nullptr, 2), QStringLiteral("2 channels"));
    QCOMPARE(QCoreApplication::translate(context, "%n channel(s)", nullptr, 0), QStringLiteral("0 channels"));
    QCOMPARE(QCoreApplication::translate("socwb::MainWindow",
                                         "%n rule(s) could not be compiled for this case and were not run. Show "
                                         "Details for each rule's reason.",
                                         nullptr, 1),
             QStringLiteral("1 rule could not be compiled for this case and was not run. Show Details for each "
                            "rule's reason."));
}

QTEST_GUILESS_MAIN(TestPluralForms)
#include "tst_plural_forms.moc"
