// The alert queue's filter language: what each term becomes in SQL (values only ever as bound
// parameters), and which rows of a real case it selects.
#include "alert_fixture.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "tables/alert_filter.h"
#include "tables/read_connection.h"

#include <QTemporaryDir>
#include <QTest>

using namespace socwb;
using namespace socwb::test;

class TestAlertFilter : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void sql_data();
    void sql();
    void selects_data();
    void selects();
    void injectionStaysAValue();
    void errorsAreReported();
    void comparisonAfterColon();
    void quotedHostMatchesExactlyIt();

  private:
    QStringList matching(const QString& filter);
    QTemporaryDir dir_;
    std::unique_ptr<CaseStore> store_;
};

void TestAlertFilter::initTestCase() {
    store_ = CaseStore::open(dir_.filePath(QStringLiteral("f.socwb")));
    sqlite3* db = store_->db();
    auto add = [db](QString host, QString process, QString dest, QString service, double score, qint64 suppressed = 0) {
        FixtureAlert a;
        a.host = host;
        a.process = process;
        a.image = process.isEmpty() ? QString() : QStringLiteral("C:\\x\\") + process;
        a.destination = dest;
        a.service = service;
        a.score = score;
        a.suppressedBy = suppressed;
        insertAlert(db, a);
    };
    execSql(db,
            "INSERT INTO suppressions(id, host, reason, author, created_at) VALUES (1, 'WS09', 'lab', 'me', 'now')");
    add(QStringLiteral("WS01"), QStringLiteral("powershell.exe"), QStringLiteral("pastebin.com"),
        QStringLiteral("pastebin"), 91);
    add(QStringLiteral("WS02"), QStringLiteral("git.exe"), QStringLiteral("api.github.com"), QStringLiteral("github"),
        40);
    add(QStringLiteral("WS03"), QStringLiteral("curl.exe"), QStringLiteral("pastebin.com"), QStringLiteral("pastebin"),
        70);
    add(QStringLiteral("SRV1"), QString(), QStringLiteral("hooks.slack.com"), QStringLiteral("slack"), 55);
    add(QStringLiteral("WS_5"), QStringLiteral("teams.exe"), QStringLiteral("teams.microsoft.com"), QString(), 10);
    add(QStringLiteral("WS09"), QStringLiteral("git.exe"), QStringLiteral("pastebin.com"), QStringLiteral("pastebin"),
        99, 1);
    // Host names as evidence may spell them: a quote, a wildcard, a backslash (suppressed by rule 1,
    // so only the tests that ask for suppressed:any see them).
    add(QStringLiteral("W\"S*9"), QStringLiteral("a.exe"), QStringLiteral("x.example"), QString(), 5, 1);
    add(QStringLiteral("W\"SX9"), QStringLiteral("a.exe"), QStringLiteral("x.example"), QString(), 5, 1);
    add(QStringLiteral("W\\S9"), QStringLiteral("a.exe"), QStringLiteral("x.example"), QString(), 5, 1);
    execSql(db, "INSERT INTO triage(channel_key, status, tags, updated_at, updated_by) VALUES "
                "('WS03|curl.exe|pastebin.com', 'malicious', 'c2,apt', 'now', 'me')");
    // SRV1's channel is a SIEM export's row; WS02's is of events and absorbed one (issue 21).
    execSql(db, "UPDATE alerts SET features = json_object('siem_origin', 'From Splunk export s.csv, row 2: 10 "
                "requests, median 60 s, spread 0.1') WHERE host = 'SRV1'");
    execSql(db, "UPDATE alerts SET features = json_object('also_in_siem', 'From Splunk export s.csv, row 3: 10 "
                "requests, median 60 s, spread 0.1') WHERE host = 'WS02'");
}

void TestAlertFilter::sql_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QVariantList>("params");
    QTest::newRow("empty") << QString() << QStringLiteral("a.suppressed_by IS NULL") << QVariantList{};
    QTest::newRow("host glob")
        << QStringLiteral("host:WS0*")
        << QStringLiteral(
               "a.suppressed_by IS NULL AND (a.host LIKE ? ESCAPE '\\' OR coalesce(a.host_ips,'') LIKE ? ESCAPE '\\')")
        << QVariantList{QStringLiteral("WS0%"), QStringLiteral("WS0%")};
    QTest::newRow("score") << QStringLiteral("score>=70") << QStringLiteral("a.suppressed_by IS NULL AND a.score >= ?")
                           << QVariantList{70.0};
    QTest::newRow("negated process")
        << QStringLiteral("-process:git.exe")
        << QStringLiteral("a.suppressed_by IS NULL AND NOT ((coalesce(a.process_name,'') LIKE ? ESCAPE '\\' OR "
                          "coalesce(a.process_image,'') LIKE ? ESCAPE '\\'))")
        << QVariantList{QStringLiteral("git.exe"), QStringLiteral("git.exe")};
    QTest::newRow("status list") << QStringLiteral("status:new,review")
                                 << QStringLiteral("a.suppressed_by IS NULL AND coalesce(t.status,'new') IN (?,?)")
                                 << QVariantList{QStringLiteral("new"), QStringLiteral("in-review")};
    QTest::newRow("suppressed any") << QStringLiteral("suppressed:any") << QStringLiteral("1") << QVariantList{};
    QTest::newRow("source siem")
        << QStringLiteral("source:SIEM")
        << QStringLiteral("a.suppressed_by IS NULL AND json_extract(a.features, '$.siem_origin') IS NOT NULL")
        << QVariantList{};
    QTest::newRow("source events")
        << QStringLiteral("source:events")
        << QStringLiteral("a.suppressed_by IS NULL AND json_extract(a.features, '$.siem_origin') IS NULL")
        << QVariantList{};
    QTest::newRow("LIKE metacharacters are literal")
        << QStringLiteral("role:a_b%")
        << QStringLiteral("a.suppressed_by IS NULL AND coalesce(a.host_role,'') LIKE ? ESCAPE '\\'")
        << QVariantList{QStringLiteral("a\\_b\\%")};
}

void TestAlertFilter::sql() {
    QFETCH(QString, text);
    QFETCH(QString, where);
    QFETCH(QVariantList, params);
    const AlertFilter f = parseAlertFilter(text);
    QVERIFY2(f.errors.isEmpty(), qPrintable(f.errors.join(QLatin1Char(';'))));
    QCOMPARE(f.where, where);
    QCOMPARE(f.params, params);
}

QStringList TestAlertFilter::matching(const QString& filter) {
    const AlertFilter f = parseAlertFilter(filter);
    Statement st(store_->db(),
                 QStringLiteral("SELECT a.host FROM alerts a LEFT JOIN triage t ON t.channel_key = a.channel_key "
                                "WHERE %1 ORDER BY a.host")
                     .arg(f.where)
                     .toStdString());
    bindAll(st, f.params);
    QStringList hosts;
    while (st.step()) {
        hosts << QString::fromStdString(st.text(0));
    }
    return hosts;
}

void TestAlertFilter::selects_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("hosts");
    QTest::newRow("everything not suppressed") << QString() << QStringList{"SRV1", "WS01", "WS02", "WS03", "WS_5"};
    QTest::newRow("the issue's example") << QStringLiteral(
                                                "host:WS0* service:pastebin score>=70 status:new -process:git.exe")
                                         << QStringList{"WS01"};
    QTest::newRow("status malicious") << QStringLiteral("status:malicious") << QStringList{"WS03"};
    QTest::newRow("case-insensitive exact") << QStringLiteral("process:POWERSHELL.EXE") << QStringList{"WS01"};
    QTest::newRow("unattributed process still matches a negation")
        << QStringLiteral("-process:git.exe") << QStringList{"SRV1", "WS01", "WS03", "WS_5"};
    QTest::newRow("underscore is not a wildcard") << QStringLiteral("host:WS_*") << QStringList{"WS_5"};
    QTest::newRow("free text") << QStringLiteral("slack") << QStringList{"SRV1"};
    QTest::newRow("quoted free text") << QStringLiteral("\"github.com\"") << QStringList{"WS02"};
    QTest::newRow("tag") << QStringLiteral("tag:apt") << QStringList{"WS03"};
    QTest::newRow("score range") << QStringLiteral("score>40 score<=70") << QStringList{"SRV1", "WS03"};
    QTest::newRow("only suppressed") << QStringLiteral("suppressed:yes")
                                     << QStringList{"W\"S*9", "W\"SX9", "WS09", "W\\S9"};
    QTest::newRow("source siem") << QStringLiteral("source:siem") << QStringList{"SRV1"};
    // WS02 absorbed a SIEM row into its events: it is of events.
    QTest::newRow("source events") << QStringLiteral("source:events") << QStringList{"WS01", "WS02", "WS03", "WS_5"};
    QTest::newRow("not from siem") << QStringLiteral("-source:siem") << QStringList{"WS01", "WS02", "WS03", "WS_5"};
    QTest::newRow("dest suffix glob") << QStringLiteral("dest:*.com service:pastebin suppressed:any")
                                      << QStringList{"WS01", "WS03", "WS09"};
}

void TestAlertFilter::selects() {
    QFETCH(QString, text);
    QFETCH(QStringList, hosts);
    QCOMPARE(matching(text), hosts);
}

void TestAlertFilter::injectionStaysAValue() {
    const QString evil = QStringLiteral("host:x')OR(1=1)-- \"'; DROP TABLE alerts; --\"");
    const AlertFilter f = parseAlertFilter(evil);
    QVERIFY(!f.where.contains(QLatin1String("DROP")));
    QVERIFY(!f.where.contains(QLatin1String("1=1")));
    QVERIFY(matching(evil).isEmpty());
    QCOMPARE(queryInt(store_->db(), "SELECT count(*) FROM alerts").value_or(0), 9);
}

void TestAlertFilter::errorsAreReported() {
    const AlertFilter f =
        parseAlertFilter(QStringLiteral("colour:red score>=lots status:done host:WS01 source:splunk"));
    QCOMPARE(f.errors.size(), 4);
    QCOMPARE(f.errors[3], QStringLiteral("'source:splunk': source takes siem or events"));
    QVERIFY(f.errors[0].contains(QLatin1String("colour")));
    // What was understood still applies.
    QCOMPARE(matching(QStringLiteral("colour:red host:WS01")), QStringList{"WS01"});
}

// "score:>=70" (issue 18): the operator was cut at two signs (":>"), leaving "=70" as the value.
void TestAlertFilter::comparisonAfterColon() {
    const AlertFilter f = parseAlertFilter(QStringLiteral("score:>=70"));
    QVERIFY2(f.errors.isEmpty(), qPrintable(f.errors.join(QLatin1Char(';'))));
    QCOMPARE(matching(QStringLiteral("score:>=70")), (QStringList{"WS01", "WS03"}));
    QCOMPARE(matching(QStringLiteral("score:<=40")), (QStringList{"WS02", "WS_5"}));
    QCOMPARE(parseAlertFilter(QStringLiteral("score:>==70")).errors.size(), 1);
}

// "Filter to this host" on a host whose name holds a quote, a wildcard or a backslash (issue 18):
// the term it writes matches that host and no other.
void TestAlertFilter::quotedHostMatchesExactlyIt() {
    for (const QString& host : {QStringLiteral("W\"S*9"), QStringLiteral("W\\S9"), QStringLiteral("WS01")}) {
        const QString text = QStringLiteral("host:") + quoteFilterValue(host) + QStringLiteral(" suppressed:any");
        const AlertFilter f = parseAlertFilter(text);
        QVERIFY2(f.errors.isEmpty(), qPrintable(text + QLatin1String(": ") + f.errors.join(QLatin1Char(';'))));
        QCOMPARE(matching(text), QStringList{host});
    }
    // Outside quotes a backslash is only itself (Windows paths), and a glob still globs.
    QCOMPARE(matching(QStringLiteral("process:C:\\x\\curl.exe")), QStringList{"WS03"});
}

QTEST_GUILESS_MAIN(TestAlertFilter)
#include "tst_alert_filter.moc"
