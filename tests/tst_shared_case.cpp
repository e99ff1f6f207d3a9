// Two programs, one case (issue 27). SQLite's locks are POSIX advisory locks, which belong to a
// process and a file, not to a descriptor: when this process closes ANY descriptor on a case, every
// lock it holds on that case is gone, those of its open SQLite connections included
// (https://www.sqlite.org/howtocorrupt.html, section 2.2). Another program then finds the case
// unlocked, checkpoints it and deletes the -wal and -shm files this process is still writing into.
//
// Each row opens a case and writes through a connection (as the window does), runs one of the
// paths that open or inspect a case in this process, lets socwb-cli open and close the case in a
// second process, and then checks that the -wal/-shm files are still there and that a verdict set
// through the first connection is what socwb-cli reads back.
#include "import/import_plan.h"
#include "ingest/import_worker.h"
#include "scoring/score_job.h"
#include "store/case_file.h"
#include "store/case_reader.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "tables/alert_export.h"
#include "tables/alert_table_model.h"
#include "tables/read_connection.h"
#include "test_paths.h"
#include "triage/triage_store.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace socwb;
using namespace socwb::test;

namespace {

using Path = std::function<void(const QString& casePath, const QTemporaryDir& dir)>;

// Every way this process opens or inspects a case, by the name the failure message shows.
const QList<QPair<const char*, Path>>& openingPaths() {
    static const QList<QPair<const char*, Path>> paths{
        {"CaseStore::inspect", [](const QString& c, const QTemporaryDir&) { CaseStore::inspect(c); }},
        {"CaseStore::versionOf", [](const QString& c, const QTemporaryDir&) { CaseStore::versionOf(c); }},
        {"CaseStore::open read-write", [](const QString& c, const QTemporaryDir&) { CaseStore::open(c); }},
        {"CaseStore::open read-only",
         [](const QString& c, const QTemporaryDir&) { CaseStore::open(c, CaseStore::Access::ReadOnly); }},
        // A non-empty -journal beside the case sends open() through the check for an interrupted
        // import. All zeros: SQLite does not take it for a hot journal, so nothing is rolled back.
        {"CaseStore::open with a stray -journal",
         [](const QString& c, const QTemporaryDir&) {
             QFile j(c + QStringLiteral("-journal"));
             QVERIFY(j.open(QIODevice::WriteOnly));
             j.write(QByteArray(512, '\0'));
             j.close();
             CaseStore::open(c);
             QFile::remove(c + QStringLiteral("-journal"));
         }},
        {"ReadConnection",
         [](const QString& c, const QTemporaryDir&) {
             ReadConnection r(c);
             QCOMPARE(queryInt(r.db(), "SELECT count(*) > 0 FROM alerts").value_or(0), 1);
         }},
        {"CaseReader (the investigation views)",
         [](const QString& c, const QTemporaryDir&) {
             auto reader = std::make_unique<CaseReader>();
             reader->open(c);
             bool ran = false;
             reader->post([&ran](sqlite3* db) { ran = queryInt(db, "SELECT count(*) FROM alerts").value_or(0) > 0; });
             reader->drain();
             QVERIFY(ran);
         }},
        {"ScoreWorker (a re-score)",
         [](const QString& c, const QTemporaryDir&) {
             ScoreWorker w(c);
             ScoreOutcome outcome;
             QObject::connect(&w, &ScoreWorker::finished, [&outcome](const ScoreOutcome& o) { outcome = o; });
             w.run(ScoreMode::Rescore);
             QCOMPARE(outcome.status, QStringLiteral("done"));
         }},
        {"ImportWorker",
         [](const QString& c, const QTemporaryDir& dir) {
             const QString log =
                 writeSquidLog(dir.filePath(QStringLiteral("more.log")), {{QStringLiteral("10.9.9.9"), 3}});
             ImportWorker w(c);
             QList<ImportResult> results;
             QObject::connect(&w, &ImportWorker::finished, [&results](const QList<ImportResult>& r) { results = r; });
             w.run({log}, ImportOptions{});
             QCOMPARE(results.size(), 1);
             QCOMPARE(results.first().status, QStringLiteral("imported"));
         }},
        {"exportAlerts",
         [](const QString& c, const QTemporaryDir& dir) {
             QVERIFY(exportAlerts(c, AlertQuery{}, dir.filePath(QStringLiteral("out.csv")), ExportFormat::Csv) > 0);
         }},
    };
    return paths;
}

QJsonArray cliAlerts(const QString& casePath) {
    const CliRun r = runCli({QStringLiteral("alerts"), casePath, QStringLiteral("--format"), QStringLiteral("json")});
    if (r.exitCode != 0) {
        qWarning("socwb-cli alerts: %s", r.err.constData());
        return {};
    }
    return QJsonDocument::fromJson(r.out).array();
}

QString statusOf(const QJsonArray& alerts, qint64 id) {
    for (const QJsonValue& v : alerts) {
        if (v.toObject().value(QLatin1String("id")).toInteger() == id) {
            return v.toObject().value(QLatin1String("status")).toString();
        }
    }
    return QStringLiteral("(not listed)");
}

} // namespace

class TestSharedCase : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void openingPathsKeepTheLocks_data();
    void openingPathsKeepTheLocks();
    void headerIsReadThroughSqlite();
    void caseFilesAreNotEvidence();
    void onlyCaseFileOpensCases();

  private:
    QTemporaryDir dir_;
    QString template_;
};

void TestSharedCase::initTestCase() {
    QVERIFY(dir_.isValid());
    // A small scored case, made by another process so that this one never held it.
    template_ = dir_.filePath(QStringLiteral("template.socwb"));
    QCOMPARE(runCli({QStringLiteral("import"), template_, fixture(QStringLiteral("squid/access.log"))}).exitCode, 0);
    QCOMPARE(runCli({QStringLiteral("score"), template_}).exitCode, 0);
    QCOMPARE(cliAlerts(template_).size(), 4);
}

void TestSharedCase::openingPathsKeepTheLocks_data() {
    QTest::addColumn<int>("path");
    for (int i = 0; i < openingPaths().size(); ++i) {
        QTest::newRow(openingPaths()[i].first) << i;
    }
}

void TestSharedCase::openingPathsKeepTheLocks() {
    QFETCH(int, path);
    QTemporaryDir dir;
    const QString c = dir.filePath(QStringLiteral("case.socwb"));
    QVERIFY(QFile::copy(template_, c));
    const QString wal = c + QStringLiteral("-wal");
    const QString shm = c + QStringLiteral("-shm");

    // The window's connection: open, and a first verdict written through it.
    auto holder = CaseStore::open(c);
    Statement first(holder->db(), "SELECT id, channel_key FROM alerts ORDER BY id LIMIT 2");
    QVERIFY(first.step());
    const qint64 id1 = first.int64(0);
    const QString key1 = QString::fromStdString(first.text(1));
    QVERIFY(first.step());
    const qint64 id2 = first.int64(0);
    const QString key2 = QString::fromStdString(first.text(1));
    first.reset();
    TriageStore(*holder).setStatus({key1}, QStringLiteral("malicious"));
    QVERIFY(QFileInfo::exists(wal) && QFileInfo::exists(shm));

    openingPaths()[path].second(c, dir);
    if (QTest::currentTestFailed()) {
        return;
    }

    // Another program opens the case and closes it again. Were this process's locks gone, SQLite
    // in socwb-cli would take the case for unused, checkpoint it and delete the -wal and -shm.
    const CliRun info = runCli({QStringLiteral("info"), c});
    QVERIFY2(info.exitCode == 0, info.err.constData());
    QVERIFY2(QFileInfo::exists(wal), "socwb-cli deleted the -wal file of a case this process holds open");
    QVERIFY2(QFileInfo::exists(shm), "socwb-cli deleted the -shm file of a case this process holds open");

    // The holder's next write lands in the case that other programs read.
    try {
        TriageStore(*holder).setStatus({key2}, QStringLiteral("escalated"));
    } catch (const std::exception& e) {
        QFAIL(qPrintable(QStringLiteral("the holder's next write failed: %1").arg(QString::fromUtf8(e.what()))));
    }
    const QJsonArray alerts = cliAlerts(c);
    QCOMPARE(statusOf(alerts, id1), QStringLiteral("malicious"));
    QCOMPARE(statusOf(alerts, id2), QStringLiteral("escalated"));
}

// The header comes through the connection's descriptor, byte for byte what is on disk, and
// neither opening nor reading it makes -wal/-shm files; the registry counts the connection.
void TestSharedCase::headerIsReadThroughSqlite() {
    QTemporaryDir dir;
    const QString c = dir.filePath(QStringLiteral("case.socwb"));
    QVERIFY(QFile::copy(template_, c));
    QByteArray onDisk;
    {
        QFile f(c); // no connection is open on this case yet
        QVERIFY(f.open(QIODevice::ReadOnly));
        onDisk = f.read(100);
    }
    QCOMPARE(case_file::openConnections(c), 0);
    std::string error;
    case_file::Connection conn = case_file::connect(c, case_file::Mode::ReadOnly, error);
    QVERIFY2(conn, error.c_str());
    QCOMPARE(case_file::openConnections(c), 1);
    const case_file::Header h = case_file::header(conn.get());
    QVERIFY(h.readable);
    QCOMPARE(h.size, QFileInfo(c).size());
    QCOMPARE(h.bytes, onDisk);
    QVERIFY(!QFileInfo::exists(c + QStringLiteral("-wal")));
    QVERIFY(!QFileInfo::exists(c + QStringLiteral("-shm")));
    QCOMPARE(CaseStore::versionOf(c), schema::latestVersion());
    QCOMPARE(case_file::openConnections(c), 1); // versionOf's own connection is closed again
    conn.reset();
    QCOMPARE(case_file::openConnections(c), 0);

    // A short file: the bytes there are, and its size.
    const QString tiny = dir.filePath(QStringLiteral("tiny.socwb"));
    {
        QFile f(tiny);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("SQLite");
    }
    conn = case_file::connect(tiny, case_file::Mode::ReadOnly, error);
    QVERIFY(conn);
    QCOMPARE(case_file::header(conn.get()).bytes, QByteArray("SQLite"));
    QCOMPARE(case_file::header(conn.get()).size, 6);
}

// Evidence dropped on the window may include the case itself or its -wal/-shm (a folder that holds
// both): reading one would drop the locks, so neither the preview nor the import reads them.
void TestSharedCase::caseFilesAreNotEvidence() {
    QTemporaryDir dir;
    const QString c = dir.filePath(QStringLiteral("case.socwb"));
    QVERIFY(QFile::copy(template_, c));
    auto holder = CaseStore::open(c);
    const QString wal = c + QStringLiteral("-wal");
    const QString shm = c + QStringLiteral("-shm");
    const QString other = writeSquidLog(dir.filePath(QStringLiteral("proxy.log")), {{QStringLiteral("10.1.1.1"), 2}});
    QVERIFY(case_file::isHeld(c) && case_file::isHeld(wal) && case_file::isHeld(shm));
    QVERIFY(!case_file::isHeld(other));
    QVERIFY(!case_file::isHeld(template_)); // a case file, but not one this process has open

    const QStringList files = expandImportPaths({dir.path()});
    QVERIFY(files.contains(c) && files.contains(wal) && files.contains(shm));
    const QVector<ImportPlanItem> plan = previewImport(files);
    for (const ImportPlanItem& item : plan) {
        const bool caseFile = item.path != other;
        QCOMPARE(item.reason.contains(QLatin1String("not evidence")), caseFile);
        QCOMPARE(item.firstLines.isEmpty(), caseFile);
    }
    for (const QString& f : {c, wal, shm}) {
        const ImportResult r = importInto(*holder, f);
        QCOMPARE(r.status, QStringLiteral("refused"));
        QVERIFY2(r.message.contains(QLatin1String("not evidence")), qPrintable(r.message));
    }
    QCOMPARE(runCli({QStringLiteral("info"), c}).exitCode, 0);
    QVERIFY(QFileInfo::exists(wal) && QFileInfo::exists(shm));
}

// The rule made checkable: outside models/store/case_file.cpp no source calls sqlite3_open*, and no
// file of models/store opens a file by other means (QFile, streams, open(2), fopen).
void TestSharedCase::onlyCaseFileOpensCases() {
    const QString root = QStringLiteral(SOCWB_SOURCE_DIR);
    const QRegularExpression sqliteOpen(QStringLiteral("\\bsqlite3_open"));
    const QRegularExpression otherOpen(QStringLiteral(
        "\\bQFile\\s+\\w+\\s*\\(|\\bQFile\\s*\\(|QSaveFile|fstream|\\bfopen\\s*\\(|(?<!\\w)::open\\s*\\("));
    QStringList offenders;
    int scanned = 0;
    for (const char* folder : {"models", "views", "app"}) {
        QDirIterator it(root + QLatin1Char('/') + QLatin1String(folder),
                        {QStringLiteral("*.cpp"), QStringLiteral("*.h")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const QString relative = path.mid(root.size() + 1);
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QString text = QString::fromUtf8(f.readAll());
            ++scanned;
            if (relative != QLatin1String("models/store/case_file.cpp") && text.contains(sqliteOpen)) {
                offenders << relative + QStringLiteral(" calls sqlite3_open");
            }
            if (relative.startsWith(QLatin1String("models/store/")) && text.contains(otherOpen)) {
                offenders << relative + QStringLiteral(" opens a file outside SQLite");
            }
        }
    }
    QVERIFY(scanned > 100);
    QVERIFY2(offenders.isEmpty(), qPrintable(offenders.join(QStringLiteral("; "))));
}

QTEST_GUILESS_MAIN(TestSharedCase)
#include "tst_shared_case.moc"
