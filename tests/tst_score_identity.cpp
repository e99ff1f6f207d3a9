// The identity guard (issue 20): what scoring produces on the sample case, the three exercises and
// generated world-2 seeds 1–5 — every channel's host, process, destination, endpoint, score,
// severity, factors, suppression, features and member ids, and every request's (and sensor
// connection's) attribution to a process — digested and compared with the digests the engine
// produced before a speed change (tests/fixtures/score-identity/digests.txt). A change that is
// only meant to make scoring faster must leave them as they are; a re-score over unchanged
// features must give them again and write no row.
//
// A scoring change that is MEANT to change scores regenerates the file (and says so in its commit):
//   SOCWB_WRITE_IDENTITY=1 build/bin/tst_score_identity
// writes the digests this build computes into tests/fixtures/score-identity/digests.txt (the test
// still fails on the cases that differed, so the run says which ones moved); run it again to see
// it pass, and review `git diff` of the file: only the cases the change should move may differ.
#include "scoring/channel_features.h"
#include "scoring/scoring_engine.h"
#include "scoring/suppression_store.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "test_paths.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QMap>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace socwb;
using namespace socwb::scoring;
using namespace socwb::test;

namespace {

const char* kDigestFile = "score-identity/digests.txt";

// The row ids a channel's stored features name (its host, process and registered domain): the
// features hold each of them by value too (host, process_image, registered_domain, ...), and the
// ids are the order those rows were first written in, which is bookkeeping: a case whose endpoint
// log was imported before its proxy log has other host and domain ids and the same results.
const QRegularExpression kFeatureRowIds(QStringLiteral("\"(host_id|process_id|domain_id)\":(-?[0-9]+|null),?"));

// Every column value of every row, in the statement's order, fed to one hash (a column named
// `features` without its row ids). Reals are printed with 17 significant digits, so a score that
// moves in its last bit changes the digest.
QByteArray digestOf(sqlite3* db, const char* sql, int64_t* rows = nullptr) {
    QCryptographicHash h(QCryptographicHash::Sha256);
    Statement st(db, sql);
    int64_t n = 0;
    const int columns = sqlite3_column_count(st.handle());
    while (st.step()) {
        ++n;
        for (int c = 0; c < columns; ++c) {
            switch (sqlite3_column_type(st.handle(), c)) {
            case SQLITE_NULL:
                h.addData(QByteArrayView("\x01N"));
                break;
            case SQLITE_INTEGER:
                h.addData(QByteArray::number(static_cast<qlonglong>(st.int64(c))));
                break;
            case SQLITE_FLOAT:
                h.addData(QByteArray::number(st.real(c), 'g', 17));
                break;
            default: {
                const auto* p = static_cast<const char*>(sqlite3_column_blob(st.handle(), c));
                const QByteArrayView value(p, sqlite3_column_bytes(st.handle(), c));
                if (qstrcmp(sqlite3_column_name(st.handle(), c), "features") == 0) {
                    h.addData(QString::fromUtf8(value).remove(kFeatureRowIds).toUtf8());
                } else {
                    h.addData(value);
                }
            }
            }
            h.addData(QByteArrayView("\x1f"));
        }
        h.addData(QByteArrayView("\x1e"));
    }
    if (rows) {
        *rows = n;
    }
    return h.result().toHex().left(32);
}

// The channels and what the queue, the detail and the views show of them. Row ids (the alerts',
// and those inside the features) and scoring times are left out: they are bookkeeping, not results.
constexpr const char* kAlertsSql =
    "SELECT channel_key, host, host_ips, host_role, process_image, process_name, destination, registered_domain, "
    "service, service_category, endpoint, path_prefix, requests, proxy_requests, dns_queries, net_connections, "
    "first_ts, last_ts, median_interval_s, jitter, bytes_out, bytes_in, score, severity, factors, suppressed_by, "
    "features, proxy_ids, dns_ids, dnsq_ids, net_ids, sensor_ids FROM alerts ORDER BY channel_key";
// The request → process attributions, the process named by its GUID and image.
constexpr const char* kAttributionsSql =
    "SELECT a.request_kind, a.request_id, p.process_guid, p.image, a.method, a.confidence, a.skew_ms, "
    "a.matched_event_id FROM attributions a JOIN processes p ON p.id = a.process_id "
    "UNION ALL SELECT 'sensor', s.conn_id, p.process_guid, p.image, s.method, s.confidence, s.skew_ms, "
    "s.matched_event_id FROM sensor_attributions s JOIN processes p ON p.id = s.process_id ORDER BY 1, 2";

struct Digest {
    QByteArray alerts;
    QByteArray attributions;
    int64_t channels = 0;
    int64_t attributed = 0;
    QByteArray line(const QString& name) const {
        return name.toUtf8() + ' ' + alerts + ' ' + attributions + ' ' + QByteArray::number(channels) + ' ' +
               QByteArray::number(attributed);
    }
};

Digest digestCase(sqlite3* db) {
    Digest d;
    d.alerts = digestOf(db, kAlertsSql, &d.channels);
    d.attributions = digestOf(db, kAttributionsSql, &d.attributed);
    return d;
}

QMap<QString, QByteArray> readDigests() {
    QMap<QString, QByteArray> out;
    QFile f(fixture(QString::fromLatin1(kDigestFile)));
    if (f.open(QIODevice::ReadOnly)) {
        for (const QByteArray& raw : f.readAll().split('\n')) {
            const QByteArray line = raw.trimmed();
            if (!line.isEmpty() && !line.startsWith('#')) {
                out.insert(QString::fromUtf8(line.left(line.indexOf(' '))), line);
            }
        }
    }
    return out;
}

} // namespace

class TestScoreIdentity : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void scoresAreAsCommitted_data();
    void scoresAreAsCommitted();
    void cleanupTestCase();

  private:
    QTemporaryDir dir_;
    QMap<QString, QByteArray> expected_;
    QMap<QString, QByteArray> computed_;
};

void TestScoreIdentity::initTestCase() {
    QVERIFY(dir_.isValid());
    expected_ = readDigests();
    if (!qEnvironmentVariableIsSet("SOCWB_WRITE_IDENTITY")) {
        QCOMPARE(expected_.size(), 9); // the sample, three exercises, five seeds
    }
}

void TestScoreIdentity::scoresAreAsCommitted_data() {
    QTest::addColumn<QString>("evidence"); // a folder of evidence, or empty: generate
    QTest::addColumn<int>("seed");
    const QString data = QStringLiteral(SOCWB_SOURCE_DIR "/sample-data/");
    QTest::newRow("sample") << data + QStringLiteral("case") << 0;
    for (const char* e : {"1-easy", "2-medium", "3-hard"}) {
        QTest::newRow(e) << data + QStringLiteral("exercises/%1/evidence").arg(QLatin1String(e)) << 0;
    }
    for (int seed = 1; seed <= 5; ++seed) {
        QTest::newRow(qPrintable(QStringLiteral("world2-seed%1").arg(seed))) << QString() << seed;
    }
}

void TestScoreIdentity::scoresAreAsCommitted() {
    QFETCH(QString, evidence);
    QFETCH(int, seed);
    const QString name = QString::fromLatin1(QTest::currentDataTag());
    if (evidence.isEmpty()) {
        // World 2 (the tuning world), small enough for the suite: 10 workstations, 3 servers, 2 days;
        // the seed picks its log formats too.
        evidence = dir_.filePath(name);
        const CliRun g = runCli({"generate", evidence, "--world", "2", "--seed", QString::number(seed), "--hosts", "10",
                                 "--servers", "3", "--days", "2"});
        QVERIFY2(g.exitCode == 0, g.err.constData());
        QVERIFY(QFile::remove(evidence + QStringLiteral("/truth.json")));
    }
    const QString casePath = dir_.filePath(name + QStringLiteral(".socwb"));
    QStringList import{"import", casePath, "--tz", "UTC"}; // the generator writes UTC
    for (const QString& f : QDir(evidence).entryList(QDir::Files, QDir::Name)) {
        import << evidence + QLatin1Char('/') + f;
    }
    QVERIFY(import.size() >= 7); // proxy, DNS, Sysmon and the inventory at least
    const CliRun i = runCli(import);
    QVERIFY2(i.exitCode == 0, i.err.constData());
    const CliRun s = runCli({"score", casePath});
    QVERIFY2(s.exitCode == 0, s.err.constData());

    auto store = CaseStore::open(casePath);
    sqlite3* db = store->db();
    const Digest d = digestCase(db);
    QVERIFY(d.channels > 50);
    QVERIFY(d.attributed > 100);
    computed_.insert(name, d.line(name));
    QVERIFY2(expected_.value(name) == d.line(name),
             qPrintable(QStringLiteral("%1: committed\n  %2\nthis build computes\n  %3\n(see the top of "
                                       "tst_score_identity.cpp for when and how to regenerate)")
                            .arg(name, QString::fromUtf8(expected_.value(name)), QString::fromUtf8(d.line(name)))));

    // A re-score over the features the pass just stored: the same results, and not one row written
    // but the run's own record (score_runs). A temporary trigger counts every write to alerts.
    execSql(db, "CREATE TEMP TABLE alert_writes(n INTEGER); INSERT INTO alert_writes VALUES (0);"
                "CREATE TEMP TRIGGER aw_u AFTER UPDATE ON main.alerts BEGIN UPDATE alert_writes SET n = n + 1; END;"
                "CREATE TEMP TRIGGER aw_i AFTER INSERT ON main.alerts BEGIN UPDATE alert_writes SET n = n + 1; END;"
                "CREATE TEMP TRIGGER aw_d AFTER DELETE ON main.alerts BEGIN UPDATE alert_writes SET n = n + 1; END;");
    const int64_t changesBefore = sqlite3_total_changes64(db);
    const ScoreOutcome r = ScoringEngine(*store).run(ScoreMode::Rescore);
    QCOMPARE(r.status, QStringLiteral("done"));
    QCOMPARE(r.events, qint64(0));
    QCOMPARE(queryInt(db, "SELECT n FROM temp.alert_writes").value(), int64_t(0));
    QCOMPARE(sqlite3_total_changes64(db) - changesBefore, int64_t(1)); // the score_runs row
    const Digest again = digestCase(db);
    QCOMPARE(again.line(name), d.line(name));
    // A full score of the unchanged case (schema 14): every row's content and result digests equal
    // the stored ones, so it reads the events again and writes nothing but its run's record.
    {
        const int64_t before = sqlite3_total_changes64(db);
        const ScoreOutcome full = ScoringEngine(*store).run(ScoreMode::Full);
        QCOMPARE(full.status, QStringLiteral("done"));
        QVERIFY(full.events > 0);
        QCOMPARE(queryInt(db, "SELECT n FROM temp.alert_writes").value(), int64_t(0));
        QCOMPARE(sqlite3_total_changes64(db) - before, int64_t(1)); // the score_runs row
        QCOMPARE(digestCase(db).line(name), d.line(name));
    }

    // The compact form the re-score read (alert_features, schema 10) holds what the JSON holds,
    // field for field, for every alert.
    {
        Statement st(db,
                     "SELECT a.id, a.features, f.features FROM alerts a JOIN alert_features f ON f.alert_id = a.id");
        int64_t rows = 0;
        while (st.step()) {
            const std::string blob = st.text(2);
            QVERIFY(!blob.empty());
            QVERIFY2(ChannelFeatures::fromBinary(st.int64(0), blob).toJson() ==
                         ChannelFeatures::fromStored(st.int64(0), st.text(1)).toJson(),
                     qPrintable(QStringLiteral("alert %1").arg(st.int64(0))));
            ++rows;
        }
        QCOMPARE(rows, d.channels);
    }
    // A case scored before schema 10 has no compact form: its re-score decodes the JSON, gives the
    // same results, writes no alert row, and stores the compact form for the next one.
    execSql(db, "DELETE FROM alert_features");
    QCOMPARE(ScoringEngine(*store).run(ScoreMode::Rescore).status, QStringLiteral("done"));
    QCOMPARE(queryInt(db, "SELECT n FROM temp.alert_writes").value(), int64_t(0));
    QCOMPARE(queryInt(db, "SELECT count(*) FROM alert_features").value(), d.channels);
    QCOMPARE(digestCase(db).line(name), d.line(name));

    // Every compact row carries the digest of its alert's stored result (schema 13), the one the
    // scorer computes for it now.
    QCOMPARE(queryInt(db, "SELECT count(*) FROM alert_features WHERE result IS NULL").value(), int64_t(0));
    // A case scored before schema 13 has no digests: its re-score compares with the alert rows,
    // writes none of them, and stores the digests.
    execSql(db, "UPDATE alert_features SET result = NULL");
    QCOMPARE(ScoringEngine(*store).run(ScoreMode::Rescore).status, QStringLiteral("done"));
    QCOMPARE(queryInt(db, "SELECT n FROM temp.alert_writes").value(), int64_t(0));
    QCOMPARE(queryInt(db, "SELECT count(*) FROM alert_features WHERE result IS NULL").value(), int64_t(0));
    QCOMPARE(digestCase(db).line(name), d.line(name));
    // A result changed by another program (here by hand) clears its digest through the trigger;
    // the next re-score compares that row with what it computes and writes it back, and only it.
    {
        const int64_t edited = queryInt(db, "SELECT max(id) FROM alerts").value();
        const int64_t other = queryInt(db, "SELECT min(id) FROM alerts").value();
        execSql(db, "UPDATE alerts SET score = score + 7, factors = '[]' WHERE id = " + std::to_string(edited));
        execSql(db, "UPDATE alerts SET host_ips = host_ips WHERE id = " + std::to_string(other)); // not a result
        Statement cleared(db, "SELECT alert_id FROM alert_features WHERE result IS NULL");
        QVERIFY(cleared.step());
        QCOMPARE(cleared.int64(0), edited);
        QVERIFY(!cleared.step());
        QVERIFY(digestCase(db).line(name) != d.line(name));
        execSql(db, "UPDATE temp.alert_writes SET n = 0");
        QCOMPARE(ScoringEngine(*store).run(ScoreMode::Rescore).status, QStringLiteral("done"));
        QCOMPARE(queryInt(db, "SELECT n FROM temp.alert_writes").value(), int64_t(1));
        QCOMPARE(queryInt(db, "SELECT count(*) FROM alert_features WHERE result IS NULL").value(), int64_t(0));
        QCOMPARE(digestCase(db).line(name), d.line(name));
        execSql(db, "UPDATE temp.alert_writes SET n = 0");
    }

    // A suppression then writes exactly the rows it suppresses.
    if (name == QLatin1String("sample")) {
        const QString dest = QString::fromStdString(
            queryText(db, "SELECT destination FROM alerts GROUP BY destination HAVING count(*) BETWEEN 2 AND 20 "
                          "ORDER BY destination LIMIT 1"));
        QVERIFY(!dest.isEmpty());
        Statement n(db, "SELECT count(*) FROM alerts WHERE destination = ?1 OR destination LIKE '%.' || ?1");
        n.bind(1, dest.toStdString());
        QVERIFY(n.step());
        const int64_t matching = n.int64(0);
        SuppressionRule rule;
        rule.destination = dest;
        rule.reason = QStringLiteral("identity test");
        addSuppression(*store, rule);
        QCOMPARE(ScoringEngine(*store).run(ScoreMode::Rescore).status, QStringLiteral("done")); // as `suppress add`
        QCOMPARE(queryInt(db, "SELECT n FROM temp.alert_writes").value(), matching);
        QCOMPARE(queryInt(db, "SELECT count(*) FROM alerts WHERE suppressed_by IS NOT NULL").value(), matching);

        // The same case as a schema-12 build left it (no digest column, no trigger, attributions in
        // v2's table keyed by kind and request), upgraded by open(): the re-score after the
        // migration gives the same results and attributions, writes no alert row and fills every digest.
        const QByteArray suppressed = digestCase(db).line(name);
        store.reset();
        {
            sqlite3* raw = nullptr;
            QCOMPARE(sqlite3_open(QFile::encodeName(casePath).constData(), &raw), SQLITE_OK);
            execSql(raw, "CREATE TABLE attributions_v2 (request_kind TEXT NOT NULL CHECK (request_kind IN ('proxy', "
                         "'dns')), request_id INTEGER NOT NULL, process_id INTEGER NOT NULL REFERENCES processes(id) "
                         "ON DELETE CASCADE, method TEXT NOT NULL CHECK (method IN ('five-tuple', 'dns-answer', "
                         "'time-window')), confidence REAL NOT NULL, skew_ms INTEGER, matched_event_id INTEGER "
                         "REFERENCES sysmon_events(id) ON DELETE CASCADE, PRIMARY KEY (request_kind, request_id)) "
                         "WITHOUT ROWID; INSERT INTO attributions_v2 SELECT * FROM attributions; "
                         "DROP VIEW attributions; DROP TABLE proxy_attributions; DROP TABLE dns_attributions; "
                         "ALTER TABLE attributions_v2 RENAME TO attributions; "
                         "CREATE INDEX attributions_process ON attributions(process_id); " // schema 15's
                         "DROP TRIGGER alert_content_edited; DROP TRIGGER alert_content_inserted; "
                         "ALTER TABLE alert_features DROP COLUMN content; " // schema 14's
                         "DROP TRIGGER alert_result_edited; ALTER TABLE alert_features DROP COLUMN result; "
                         "PRAGMA user_version = 12");
            sqlite3_close(raw);
        }
        store = CaseStore::open(casePath);
        db = store->db();
        QCOMPARE(store->upgradedFrom(), 12);
        QCOMPARE(store->schemaVersion(), schema::latestVersion());
        QCOMPARE(queryInt(db, "SELECT count(*) FROM alert_features WHERE result IS NULL").value(), d.channels);
        execSql(db, "CREATE TEMP TABLE alert_writes(n INTEGER); INSERT INTO alert_writes VALUES (0);"
                    "CREATE TEMP TRIGGER aw_u AFTER UPDATE ON main.alerts BEGIN UPDATE alert_writes SET n = n + 1; "
                    "END;");
        QCOMPARE(ScoringEngine(*store).run(ScoreMode::Rescore).status, QStringLiteral("done"));
        QCOMPARE(queryInt(db, "SELECT n FROM temp.alert_writes").value(), int64_t(0));
        QCOMPARE(queryInt(db, "SELECT count(*) FROM alert_features WHERE result IS NULL").value(), int64_t(0));
        QCOMPARE(digestCase(db).line(name), suppressed);
    }
}

void TestScoreIdentity::cleanupTestCase() {
    if (!qEnvironmentVariableIsSet("SOCWB_WRITE_IDENTITY")) {
        return;
    }
    QFile f(fixture(QString::fromLatin1(kDigestFile)));
    QDir().mkpath(QFileInfo(f).path());
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write("# name  alerts-digest  attributions-digest  channels  attributions\n"
            "# Written by SOCWB_WRITE_IDENTITY=1 build/bin/tst_score_identity (see tst_score_identity.cpp).\n");
    for (const QByteArray& line : computed_) {
        f.write(line + '\n');
    }
}

QTEST_GUILESS_MAIN(TestScoreIdentity)
#include "tst_score_identity.moc"
