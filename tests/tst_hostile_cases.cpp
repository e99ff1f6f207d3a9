// Case files handed in are untrusted (issue 19): the crash inputs of tests/fixtures/cases/hostile/,
// the readers' own bounds checks (for cases too big for the check on open), and the tampered-case
// sweep — one change at a time to a small case's tables, each run through info, score, alerts,
// explain and the window's screenshot: no crash, no figure printed from a bad row, and every run
// names the table, the row and the column.
#include "core/resources.h"
#include "hostile_case.h"
#include "scoring/channel_builder.h"
#include "scoring/channel_features.h"
#include "scoring/scoring_config.h"
#include "scoring/web_service_catalog.h"
#include "store/case_store.h"
#include "store/case_validation.h"
#include "store/schema.h"
#include "store/statement.h"
#include "test_paths.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

#include <climits>
#include <iterator>
#include <limits>
#include <memory>

using namespace socwb;
using namespace socwb::test;

namespace {

struct RawDb {
    sqlite3* db = nullptr;
    explicit RawDb(const QString& path) { sqlite3_open(QFile::encodeName(path).constData(), &db); }
    ~RawDb() { sqlite3_close(db); }
};

// The four commands a script runs on a case, as the sweep and the crash inputs run them.
QList<QStringList> commandsOn(const QString& c) {
    return {{"info", c},
            {"score", c},
            {"alerts", c, "--format", "json"},
            {"explain", c, "--host", "10.0.0.5", "--dest", "pastebin.com"}};
}

int64_t scoreRuns(const QString& path) {
    RawDb raw(path);
    return queryInt(raw.db, "SELECT count(*) FROM score_runs").value_or(-1);
}

// info, score, alerts and explain each exit 3, name the problem, print nothing, write nothing.
void expectRefusedByEveryCommand(const QString& c, const QString& names) {
    const int64_t runsBefore = scoreRuns(c);
    for (const QStringList& args : commandsOn(c)) {
        const CliRun r = runCli(args);
        QVERIFY2(r.exitCode == 3, qPrintable(args.first() + QStringLiteral(": exit %1, ").arg(r.exitCode) + r.err));
        QVERIFY2(r.err.contains(names.toUtf8()), qPrintable(args.first() + QStringLiteral(": ") + r.err));
        QVERIFY2(r.out.isEmpty(), qPrintable(args.first() + QStringLiteral(" printed: ") + r.out));
    }
    QCOMPARE(scoreRuns(c), runsBefore);
}

QString goodFeatures() {
    return QStringLiteral(R"({"key":"k","host":"h","destination":"d","first_ts":1700000000000000,)"
                          R"("last_ts":1700000060000000,"polls":2,"median_interval_s":60,"feature_version":%1})")
        .arg(scoring::kFeatureVersion);
}

} // namespace

class TestHostileCases : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void crashInputsExit3NamingTheRow_data();
    void crashInputsExit3NamingTheRow();
    void schemaVersionsOutOfRangeAreRefused_data();
    void schemaVersionsOutOfRangeAreRefused();
    void builderNamesTheRowItCannotUse_data();
    void builderNamesTheRowItCannotUse();
    void storedFeaturesAreCheckedWhenRead_data();
    void storedFeaturesAreCheckedWhenRead();
    void compactFeaturesAreCheckedWhenRead();
    void featuresJsonIsTheKeyByKeyText();
    void alertRowsAreCheckedWhenRead();
    void soundCasePassesEveryCheck();
    void tamperedCaseSweep_data();
    void tamperedCaseSweep();

  private:
    QTemporaryDir dir_;
};

void TestHostileCases::initTestCase() {
    QVERIFY(dir_.isValid());
    QVERIFY(!hostileBase(dir_.path()).isEmpty());
}

void TestHostileCases::crashInputsExit3NamingTheRow_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("names");
    QTest::newRow("negative schema version") << "negative-version"
                                             << "not a case this version can open (case schema -1";
    QTest::newRow("dangling proxy domain") << "dangling-domain"
                                           << "proxy_rows row 1: domain_id 9999 is not a row of domains";
    QTest::newRow("negative proxy domain") << "negative-domain"
                                           << "domain_id -7 is not a row of domains";
    QTest::newRow("dangling Sysmon DNS domain") << "dangling-dns-domain"
                                                << "dns_queries row 1: domain_id 9999";
}

// Before issue 19 these segfaulted (or failed with std::bad_alloc); now every command refuses the
// case with exit 3, names what is wrong, and writes nothing.
void TestHostileCases::crashInputsExit3NamingTheRow() {
    QFETCH(QString, name);
    QFETCH(QString, names);
    const QString c = hostileCase(dir_.path(), name);
    QVERIFY(!c.isEmpty());
    expectRefusedByEveryCommand(c, names);
    if (QTest::currentTestFailed()) {
        return;
    }
}

void TestHostileCases::schemaVersionsOutOfRangeAreRefused_data() {
    QTest::addColumn<int>("version");
    for (int v : {-1, -2, -3, -4, -5, -8, -100, INT_MIN}) {
        QTest::newRow(qPrintable(QString::number(v))) << v;
    }
    QTest::newRow("newer") << schema::latestVersion() + 1;
}

// kMigrations[version] was read out of bounds (−1..−3 crashed, −4, −5, −8 ran random bytes as SQL).
void TestHostileCases::schemaVersionsOutOfRangeAreRefused() {
    QFETCH(int, version);
    const QString c = tamperedCase(dir_.path(), QStringLiteral("version%1").arg(version),
                                   QStringLiteral("PRAGMA user_version = %1;").arg(version));
    QVERIFY(!c.isEmpty());
    for (auto access : {CaseStore::Access::ReadWrite, CaseStore::Access::ReadOnly}) {
        try {
            CaseStore::open(c, access);
            QFAIL("opened");
        } catch (const CaseError& e) {
            QCOMPARE(e.kind(), CaseError::Kind::Unusable);
            QVERIFY2(QByteArray(e.what()).contains(QByteArray::number(version)), e.what());
        }
    }
    // migrate() itself never indexes its list with a version it was not written for.
    RawDb raw(c);
    QVERIFY_THROWS_EXCEPTION(SqlError, schema::migrate(raw.db));
}

void TestHostileCases::builderNamesTheRowItCannotUse_data() {
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("names");
    QTest::newRow("dangling proxy domain") << "UPDATE proxy_rows SET domain_id = 9999 WHERE id = 3"
                                           << "proxy_rows row 3: domain_id 9999 is not a row of domains";
    QTest::newRow("negative proxy domain") << "UPDATE proxy_rows SET domain_id = -7 WHERE id = 3"
                                           << "proxy_rows row 3: domain_id -7";
    QTest::newRow("dangling proxy host") << "UPDATE proxy_rows SET host_id = 777 WHERE id = 4"
                                         << "proxy_rows row 4: host_id 777 is not a row of hosts";
    QTest::newRow("deleted method string")
        << "DELETE FROM strings WHERE id = (SELECT method_s FROM proxy_rows WHERE id = 5)"
        << "proxy_rows row 1: method_s";
    QTest::newRow("time past INT64") << "UPDATE proxy_rows SET ts_us = 9223372036854775807 WHERE id = 6"
                                     << "proxy_rows row 6: ts_us 9223372036854775807 is not a time";
    QTest::newRow("negative bytes") << "UPDATE proxy_rows SET bytes_in = -5 WHERE id = 7"
                                    << "proxy_rows row 7: bytes_in -5";
    QTest::newRow("infinite bytes") << "UPDATE proxy_rows SET bytes_out = 9e999 WHERE id = 7"
                                    << "proxy_rows row 7: bytes_out Inf";
    QTest::newRow("dangling Sysmon DNS domain") << "UPDATE dns_queries SET domain_id = 9999 WHERE id = 1"
                                                << "dns_queries row 1: domain_id 9999";
    QTest::newRow("dangling connection process") << "UPDATE net_connections SET process_id = 9999"
                                                 << "process_id 9999 is not a row of processes";
    QTest::newRow("dangling attributed process")
        << "INSERT INTO attributions VALUES ('proxy', 2, 9999, 'five-tuple', 0.9, 0, NULL)"
        << "attributions row 2: process_id 9999 is not a row of processes";
    QTest::newRow("domain ids far past their count")
        << "INSERT INTO domains(id, name) VALUES (4294967296, 'far.example')"
        << "domains: ids reach 4294967296";
}

// The engine's own checks, for a case the check on open did not scan (too big, or changed since):
// the builder indexes arrays with these ids, and before issue 19 it crashed or read past them.
void TestHostileCases::builderNamesTheRowItCannotUse() {
    QFETCH(QString, sql);
    QFETCH(QString, names);
    const QString c = tamperedCase(dir_.path(), QStringLiteral("builder"), sql);
    QVERIFY(!c.isEmpty());
    RawDb raw(c);
    const auto config = scoring::ScoringConfig::fromYaml(resources::read(QStringLiteral("scoring/scoring.yaml")));
    const auto catalog = scoring::WebServiceCatalog::load();
    scoring::ChannelBuilder builder(raw.db, catalog, config);
    try {
        builder.build();
        QFAIL("built channels from a tampered case");
    } catch (const CaseError& e) {
        QVERIFY2(QByteArray(e.what()).contains(names.toUtf8()), e.what());
    }
}

void TestHostileCases::storedFeaturesAreCheckedWhenRead_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("names");
    const QString good = goodFeatures();
    QTest::newRow("not JSON") << "{\"key\":"
                              << "alerts row 7: features is not a JSON object";
    QTest::newRow("an array") << "[1,2]"
                              << "alerts row 7: features is not a JSON object";
    QTest::newRow("no key") << QString(good).replace(QStringLiteral("\"key\":\"k\","), QString())
                            << "alerts row 7: features.key is missing";
    QTest::newRow("time past INT64") << QString(good).replace(QStringLiteral("1700000060000000"),
                                                              QStringLiteral("9223372036854775807"))
                                     << "alerts row 7: features.last_ts";
    QTest::newRow("huge number") << QString(good).replace(QStringLiteral("\"polls\":2"),
                                                          QStringLiteral("\"polls\":1e300"))
                                 << "alerts row 7: features.polls is not a finite number";
    QTest::newRow("negative polls") << QString(good).replace(QStringLiteral("\"polls\":2"),
                                                             QStringLiteral("\"polls\":-2"))
                                    << "alerts row 7: features.polls is negative";
}

// Unreadable features made `explain` say a listed channel was never seen, and `--rescore` drop it.
void TestHostileCases::storedFeaturesAreCheckedWhenRead() {
    QFETCH(QString, json);
    QFETCH(QString, names);
    try {
        scoring::ChannelFeatures::fromStored(7, json.toStdString());
        QFAIL("read as features");
    } catch (const CaseError& e) {
        QVERIFY2(QByteArray(e.what()).contains(names.toUtf8()), e.what());
    }
    QCOMPARE(scoring::ChannelFeatures::fromStored(7, goodFeatures().toStdString()).polls, int64_t(2));
}

// Issue 20: toJson() sets each value in a copy of a prepared object instead of inserting the keys
// one at a time; the stored text (in tst_score_identity's digests) must not change by a byte, for
// any evidence: escapes, control characters, text beyond the BMP, invalid UTF-16 (lone
// surrogates), non-finite and extreme numbers, empty and many members, SIEM marks.
void TestHostileCases::featuresJsonIsTheKeyByKeyText() {
    const QString hostile[] = {
        QString(),
        QStringLiteral("plain"),
        QStringLiteral("\"quoted\" \\back\\slash/ \b\f\n\r\t"),
        QString::fromUtf8("caf\xc3\xa9 \xe2\x80\xa8 \xe2\x80\xa9 \xf0\x9f\x98\x80 \xef\xbb\xbf"),
        QString(QChar(0)) + QChar(0x1b) + QChar(0x7f) + QChar(0x9f) + QStringLiteral("</script>"),
        QString(QChar(0xd800)) + QStringLiteral("lone high") + QChar(0xdfff) + QChar(0xdc00) + QChar(0xd83d),
        QString(5000, QChar(0x4e2d)),
    };
    const double numbers[] = {0.0,
                              -0.0,
                              1.0 / 3,
                              1e-320,
                              -1e300,
                              9007199254740993.0,
                              std::numeric_limits<double>::quiet_NaN(),
                              std::numeric_limits<double>::infinity(),
                              -std::numeric_limits<double>::infinity(),
                              std::numeric_limits<double>::max()};
    const int64_t integers[] = {0, -1, INT64_MAX, INT64_MIN, int64_t(1) << 53, (int64_t(1) << 53) + 1};
    int compared = 0;
    for (size_t i = 0; i < std::size(hostile) * std::size(numbers); ++i) {
        scoring::ChannelFeatures f;
        const QString& text = hostile[i % std::size(hostile)];
        const QString& other = hostile[(i / std::size(hostile) + 1) % std::size(hostile)];
        const double d = numbers[i % std::size(numbers)];
        const int64_t n = integers[i % std::size(integers)];
        f.key = text;
        f.host = other;
        f.hostIps = text + other;
        f.commandLine = other;
        f.userAgent = text;
        f.timingNote = other;
        f.outputPeer = text;
        f.hostId = n;
        f.polls = n;
        f.bytesIn = integers[(i + 1) % std::size(integers)];
        f.jitter = d;
        f.serviceRisk = numbers[(i + 3) % std::size(numbers)];
        f.idleShare = -d;
        f.hostShared = i % 2 == 0;
        f.ttlPaced = i % 3 == 0;
        for (size_t m = 0; m < i % 4; ++m) {
            f.members.push_back({text, other, n});
        }
        if (i % 5 == 0) {
            f.siemOrigin = other; // keys of their own: the key-by-key object
        }
        if (i % 7 == 0) {
            f.alsoInSiem = text;
        }
        const QByteArray got = QJsonDocument(f.toJson()).toJson(QJsonDocument::Compact);
        const QByteArray want = QJsonDocument(f.toJsonKeyByKey()).toJson(QJsonDocument::Compact);
        QCOMPARE(got, want);
        QCOMPARE(f.toJson(), f.toJsonKeyByKey());
        ++compared;
    }
    // Every field the object holds took its value, not the prepared placeholder.
    scoring::ChannelFeatures f;
    f.key = QStringLiteral("k");
    f.outputDelayS = 2.5;
    f.featureVersion = 9;
    const QJsonObject o = f.toJson();
    QCOMPARE(o.value(QLatin1String("key")).toString(), QStringLiteral("k"));
    QCOMPARE(o.value(QLatin1String("output_delay_s")).toDouble(), 2.5);
    QCOMPARE(o.value(QLatin1String("feature_version")).toInteger(), qint64(9));
    QCOMPARE(compared, 70);
}

// The compact form a re-score reads (alert_features) is as untrusted as the JSON: every length is
// checked against what is left, a cut or padded blob is refused naming the row, the JSON's own
// checks hold, and features of another version are recomputed, not read.
void TestHostileCases::compactFeaturesAreCheckedWhenRead() {
    const scoring::ChannelFeatures good = scoring::ChannelFeatures::fromStored(7, goodFeatures().toStdString());
    const QByteArray blob = good.toBinary();
    const std::string whole = blob.toStdString();
    const scoring::ChannelFeatures back = scoring::ChannelFeatures::fromBinary(7, whole);
    QCOMPARE(back.toJson(), good.toJson());
    auto refused = [](const std::string& b, const char* names) {
        try {
            scoring::ChannelFeatures::fromBinary(7, b);
            return QStringLiteral("read as features");
        } catch (const CaseError& e) {
            return QByteArray(e.what()).contains(names) ? QString() : QString::fromUtf8(e.what());
        }
    };
    for (size_t cut : {size_t(0), size_t(1), size_t(5), whole.size() / 2, whole.size() - 1}) {
        const QString r = refused(whole.substr(0, cut), "alert_features row 7: features");
        QVERIFY2(r.isEmpty(), qPrintable(QStringLiteral("cut at %1: %2").arg(cut).arg(r)));
    }
    QVERIFY2(refused(whole + "x", "alert_features row 7: features is truncated or malformed").isEmpty(), "padded");
    std::string layout = whole;
    layout[0] = 9;
    QVERIFY2(refused(layout, "alert_features row 7: features is not of this build's compact layout").isEmpty(),
             "layout");
    // The key's length (after the layout byte and the version) made to promise more than the blob holds.
    std::string longKey = whole;
    const uint32_t huge = 0x7fffffff;
    std::memcpy(longKey.data() + 9, &huge, sizeof huge);
    QVERIFY2(refused(longKey, "alert_features row 7: features is truncated or malformed").isEmpty(), "key length");
    // The JSON's checks: a key that is empty, a negative count.
    scoring::ChannelFeatures bad = good;
    bad.key.clear();
    QVERIFY2(refused(bad.toBinary().toStdString(), "alerts row 7: features.key is missing").isEmpty(), "no key");
    bad = good;
    bad.polls = -2;
    QVERIFY2(refused(bad.toBinary().toStdString(), "alerts row 7: features.polls is negative").isEmpty(), "polls");
    bad = good;
    bad.serviceRisk = 1e300;
    QVERIFY2(refused(bad.toBinary().toStdString(), "features.service_risk is not a finite number").isEmpty(),
             "huge number");
    bad = good;
    bad.featureVersion = scoring::kFeatureVersion - 1;
    QVERIFY_THROWS_EXCEPTION(scoring::StaleFeatures,
                             scoring::ChannelFeatures::fromBinary(7, bad.toBinary().toStdString()));
}

// The check `alerts` runs on every row it prints (problemSql), for cases the open check skipped.
void TestHostileCases::alertRowsAreCheckedWhenRead() {
    const QString c = tamperedCase(dir_.path(), QStringLiteral("alert-rows"),
                                   QStringLiteral("UPDATE alerts SET score = 'NaN' WHERE id = 2; "
                                                  "UPDATE alerts SET first_ts = 9223372036854775807 WHERE id = 3; "
                                                  "UPDATE alerts SET factors = '[{' WHERE id = 4;"));
    QVERIFY(!c.isEmpty());
    RawDb raw(c);
    Statement st(raw.db, "SELECT id, " + validation::problemSql("alerts") + " FROM alerts ORDER BY id");
    QStringList problems;
    while (st.step()) {
        if (!st.isNull(1)) {
            problems << QStringLiteral("%1: %2").arg(st.int64(0)).arg(QString::fromStdString(st.text(1)));
        }
    }
    QCOMPARE(problems,
             (QStringList{"2: score 'NaN' is not a number from 0 to 100",
                          "3: first_ts 9223372036854775807 is not a time from 1990 to 2099 (UTC microseconds)",
                          "4: factors '[{' is not a JSON array"}));
}

// The checks must not refuse what socwb itself writes.
void TestHostileCases::soundCasePassesEveryCheck() {
    const QString base = hostileBase(dir_.path());
    for (const QStringList& args : commandsOn(base)) {
        const CliRun r = runCli(args);
        QVERIFY2(r.exitCode == 0, qPrintable(args.first() + QStringLiteral(": ") + r.err));
    }
    auto store = CaseStore::open(base, CaseStore::Access::ReadOnly);
    QVERIFY(queryInt(store->db(), "SELECT count(*) FROM alerts").value_or(0) > 0);
}

void TestHostileCases::tamperedCaseSweep_data() {
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("names"); // what every run must say: "TABLE row ...: COLUMN"
    auto add = [](const char* tag, const char* sql, const char* names) {
        QTest::newRow(tag) << QString::fromUtf8(sql) << QString::fromUtf8(names);
    };
    // Dangling ids
    add("proxy domain", "UPDATE proxy_rows SET domain_id = 9999 WHERE id = 2", "proxy_rows row 2: domain_id 9999");
    add("proxy host", "UPDATE proxy_rows SET host_id = 9999 WHERE id = 2", "proxy_rows row 2: host_id 9999");
    add("Sysmon DNS domain", "UPDATE dns_queries SET domain_id = 9999 WHERE id = 2",
        "dns_queries row 2: domain_id 9999");
    add("connection process", "UPDATE net_connections SET process_id = 9999 WHERE id = 1",
        "net_connections row 1: process_id 9999");
    add("process host", "UPDATE processes SET host_id = 9999 WHERE id = 1", "processes row 1: host_id 9999");
    add("address host", "UPDATE host_addresses SET host_id = 9999 WHERE ip = (SELECT min(ip) FROM host_addresses)",
        "host_id 9999 is not a row of hosts");
    add("alert host", "UPDATE alerts SET host_id = 9999 WHERE id = 1", "alerts row 1: host_id 9999");
    add("alert rule", "UPDATE alerts SET suppressed_by = 9999 WHERE id = 1", "alerts row 1: suppressed_by 9999");
    add("attributed process", "INSERT INTO attributions VALUES ('proxy', 2, 9999, 'five-tuple', 0.9, 0, NULL)",
        "attributions row proxy 2: process_id 9999");
    // Negative ids
    add("negative domain", "UPDATE proxy_rows SET domain_id = -7 WHERE id = 2", "proxy_rows row 2: domain_id -7");
    add("negative host id", "UPDATE hosts SET id = -3 WHERE id = (SELECT max(id) FROM hosts)", "hosts row -3: id -3");
    add("negative event id", "UPDATE proxy_rows SET id = -5 WHERE id = 1", "proxy_rows row -5: id -5");
    // NaN, infinite and huge numbers
    add("score NaN", "UPDATE alerts SET score = 'NaN' WHERE id = 1", "alerts row 1: score 'NaN'");
    add("score infinite", "UPDATE alerts SET score = 9e999 WHERE id = 1", "alerts row 1: score Inf");
    add("score 1e300", "UPDATE alerts SET score = 1e300 WHERE id = 1", "alerts row 1: score 1.0e+300");
    add("interval infinite", "UPDATE alerts SET median_interval_s = -9e999 WHERE id = 1",
        "alerts row 1: median_interval_s -Inf");
    add("alert time INT64", "UPDATE alerts SET first_ts = 9223372036854775807 WHERE id = 1",
        "alerts row 1: first_ts 9223372036854775807");
    add("event time INT64", "UPDATE proxy_rows SET ts_us = -9223372036854775808 WHERE id = 2",
        "proxy_rows row 2: ts_us -9223372036854775808");
    add("bytes negative", "UPDATE proxy_rows SET bytes_out = -5 WHERE id = 2", "proxy_rows row 2: bytes_out -5");
    add("confidence NaN", "INSERT INTO attributions VALUES ('proxy', 2, 1, 'five-tuple', 'NaN', 0, NULL)",
        "attributions row proxy 2: confidence 'NaN'");
    // Invalid JSON
    add("features not JSON", "UPDATE alerts SET features = '{\"key\":' WHERE id = 1", "alerts row 1: features");
    add("factors not an array", "UPDATE alerts SET factors = '{}' WHERE id = 1", "alerts row 1: factors '{}'");
    // Missing strings and text
    add("method string deleted", "DELETE FROM strings WHERE id = (SELECT method_s FROM proxy_rows WHERE id = 1)",
        "proxy_rows row 1: method_s");
    add("host name empty", "UPDATE hosts SET name = '' WHERE id = 1", "hosts row 1: name ''");
    add("severity unknown", "UPDATE alerts SET severity = 'bogus' WHERE id = 1", "alerts row 1: severity 'bogus'");
    add("rule time not a date",
        "INSERT INTO suppressions(host, reason, author, created_at) VALUES "
        "('x', 'r', 'a', 'not a date')",
        "suppressions row 1: created_at 'not a date'");
}

void TestHostileCases::tamperedCaseSweep() {
    QFETCH(QString, sql);
    QFETCH(QString, names);
    const QString c = tamperedCase(dir_.path(), QStringLiteral("sweep"), sql);
    QVERIFY(!c.isEmpty());
    expectRefusedByEveryCommand(c, names);
    if (QTest::currentTestFailed()) {
        return;
    }
    const QString gui = QStringLiteral(SOCWB_GUI_PATH);
    if (gui.isEmpty()) {
        return; // a build without the window
    }
    QProcess window;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    window.setProcessEnvironment(env);
    const QString png = c + QStringLiteral(".png");
    QFile::remove(png);
    window.start(gui, {c, QStringLiteral("--screenshot"), png, QStringLiteral("--size"), QStringLiteral("1366x768")});
    QVERIFY(window.waitForFinished(60000));
    const QByteArray err = window.readAllStandardError();
    QCOMPARE(window.exitStatus(), QProcess::NormalExit);
    QVERIFY2(window.exitCode() == 3, err.constData());
    QVERIFY2(err.contains(names.toUtf8()), err.constData());
    QVERIFY(QFile::exists(png));
}

QTEST_GUILESS_MAIN(TestHostileCases)
#include "tst_hostile_cases.moc"
