// Sigma hits as triage items (issue 21): one queue item per rule and host beside the channels, the
// kind filter, their triage (stored and audited under "sigma:<rule key>:<host>"), their export, the
// detail with each matched row's provenance, and a channel's detail naming the rules that matched
// its rows. Rule titles and matched URLs are evidence: they stay text.
#include "alert_fixture.h"
#include "scoring/channel_members.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "tables/alert_detail.h"
#include "tables/alert_export.h"
#include "tables/alert_filter.h"
#include "tables/alert_table_model.h"
#include "tables/sigma_detail.h"
#include "triage/triage_store.h"

#include <QAbstractItemModelTester>
#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace socwb;
using namespace socwb::test;

namespace {
// A rule title that would be markup, a bidi override and a formula if anything rendered it.
const QString kHostileTitle = QStringLiteral("=<b>Raw</b> paste \u202Eevil & <img src=x>");
const QString kHostileUrl = QStringLiteral("https://pastebin.com/raw/<script>alert(1)</script>");
const qint64 kT0 = 1709510400000000; // 2024-03-04T00:00:00Z
} // namespace

class TestSigmaQueue : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void readableTagsAndAttribution();
    void queueListsSigmaItemsAboveChannels();
    void kindFilter();
    void triageOfASigmaItemIsStoredAndAudited();
    void exportNamesTheKind();
    void detailListsRowsWithProvenance();
    void channelDetailNamesTheRulesOnItsRows();

  private:
    bool waitCounted(AlertTableModel& m);
    QTemporaryDir dir_;
    QString path_;
    std::unique_ptr<CaseStore> store_;
    qint64 channelId_ = 0;
};

void TestSigmaQueue::initTestCase() {
    QVERIFY(dir_.isValid());
    path_ = dir_.filePath(QStringLiteral("q.socwb"));
    store_ = CaseStore::open(path_);
    sqlite3* db = store_->db();
    execSql(db, "INSERT INTO evidence(id, path, sha256, size, status) VALUES (1, '/cases/in/access.log', 'a', 1, "
                "'imported'), (2, '/cases/in/sysmon.evtx', 'b', 1, 'imported')");
    execSql(db, "INSERT INTO hosts(id, name, role, source) VALUES (3, 'WS-A', 'workstation', 'asset'), "
                "(4, 'WS-B', NULL, 'asset')");
    execSql(db, "INSERT INTO domains(id, name) VALUES (5, 'pastebin.com')");
    // Four proxy lines of WS-A (ids 100..103, lines 11..14) and one Sysmon process creation of WS-B.
    for (int i = 0; i < 4; ++i) {
        Statement st(db, "INSERT INTO proxy_events(id, evidence_id, line_no, ts_us, host_id, domain_id, method, url) "
                         "VALUES (?, 1, ?, ?, 3, 5, 'GET', ?)");
        st.bind(1, int64_t(100 + i)).bind(2, 11 + i).bind(3, int64_t(kT0 + i * 60000000LL));
        st.bind(4, (i == 1 ? kHostileUrl : QStringLiteral("https://pastebin.com/raw/k%1").arg(i)).toStdString());
        st.exec();
    }
    execSql(db, "INSERT INTO sysmon_events(id, evidence_id, record_no, ts_us, host_id, event_id, fields) VALUES "
                "(200, 2, 4711, 1709517600000000, 4, 1, '{\"Image\":\"C:\\\\w\\\\curl.exe\",\"CommandLine\":\"curl "
                "https://pastebin.com/raw/zz\"}')");
    // The channel: WS-A's proxy lines 100..102 (not 103).
    FixtureAlert a;
    a.host = QStringLiteral("WS-A");
    a.hostId = 3;
    a.score = 80;
    a.severity = QStringLiteral("high");
    a.proxyIds = {100, 101, 102};
    channelId_ = insertAlert(db, a);
    FixtureAlert b;
    b.host = QStringLiteral("WS-C");
    b.destination = QStringLiteral("github.com");
    b.score = 30;
    b.severity = QStringLiteral("low");
    insertAlert(db, b);
    // Hits: the hostile-titled rule (high) on lines 100, 101, 103 of WS-A; a critical rule on 101;
    // a low rule on WS-B's Sysmon event.
    auto hit = [db](const QString& key, const QString& title, const QString& level, const char* table, qint64 row,
                    qint64 ts, qint64 host) {
        Statement st(db, "INSERT INTO sigma_hits(rule_key, rule_id, title, level, tags, refs, author, rule_path, "
                         "row_table, row_id, ts_us, host_id, found_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                         "'2026-01-01T00:00:00Z')");
        st.bind(1, key.toStdString()).bind(2, key.toStdString()).bind(3, title.toStdString());
        st.bind(4, level.toStdString())
            .bind(5, std::string("[\"attack.command_and_control\",\"attack.t1102.003\"]"))
            .bind(6, std::string("[\"https://example.org/ref\"]"))
            .bind(7, std::string("Jane Doe"))
            .bind(8, std::string("/rules/raw.yml"))
            .bind(9, table)
            .bind(10, int64_t(row))
            .bind(11, int64_t(ts))
            .bind(12, int64_t(host));
        st.exec();
    };
    hit(QStringLiteral("r-raw"), kHostileTitle, QStringLiteral("high"), "proxy_rows", 100, kT0, 3);
    hit(QStringLiteral("r-raw"), kHostileTitle, QStringLiteral("high"), "proxy_rows", 101, kT0 + 60000000, 3);
    hit(QStringLiteral("r-raw"), kHostileTitle, QStringLiteral("high"), "proxy_rows", 103, kT0 + 180000000, 3);
    hit(QStringLiteral("r-crit"), QStringLiteral("Pwndrop"), QStringLiteral("critical"), "proxy_rows", 101,
        kT0 + 60000000, 3);
    hit(QStringLiteral("r-curl"), QStringLiteral("Curl to paste"), QStringLiteral("low"), "sysmon_events", 200,
        1709517600000000, 4);
}

bool TestSigmaQueue::waitCounted(AlertTableModel& m) {
    return QTest::qWaitFor([&] { return !m.isCounting() && (m.rowCount() == 0 || m.rowAt(m.rowCount() - 1)); }, 10000);
}

void TestSigmaQueue::readableTagsAndAttribution() {
    QCOMPARE(readableSigmaTag(QStringLiteral("attack.t1102.003")), QStringLiteral("ATT&CK T1102.003"));
    QCOMPARE(readableSigmaTag(QStringLiteral("attack.command_and_control")),
             QStringLiteral("ATT&CK tactic: command and control"));
    QCOMPARE(readableSigmaTag(QStringLiteral("attack.g0010")), QStringLiteral("ATT&CK group G0010"));
    QCOMPARE(readableSigmaTag(QStringLiteral("cve.2021-44228")), QStringLiteral("cve.2021-44228"));
    QCOMPARE(sigmaAttribution(QStringLiteral("Jane Doe")),
             QStringLiteral("rule by Jane Doe, Detection Rule License (DRL) 1.1"));
    QCOMPARE(sigmaAttribution(QString()),
             QStringLiteral("rule by an unnamed author, Detection Rule License (DRL) 1.1"));
}

void TestSigmaQueue::queueListsSigmaItemsAboveChannels() {
    AlertTableModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setCase(path_);
    QVERIFY(waitCounted(m));
    QCOMPARE(m.sigmaCount(), 3);
    QCOMPARE(m.total(), qint64(2));
    QCOMPARE(m.rowCount(), 5);
    // Sorted by score: the Sigma items by level (critical, high, low), then the channels by score.
    auto cell = [&m](int row, int column) { return m.index(row, column).data().toString(); };
    QCOMPARE(cell(0, AlertTableModel::DestinationColumn), QStringLiteral("Pwndrop"));
    QCOMPARE(cell(0, AlertTableModel::ScoreColumn), QStringLiteral("Sigma"));
    QCOMPARE(cell(0, AlertTableModel::SeverityColumn), QStringLiteral("critical"));
    QCOMPARE(cell(0, AlertTableModel::RequestsColumn), QStringLiteral("1 row"));
    QCOMPARE(cell(0, AlertTableModel::ServiceColumn), QStringLiteral("Sigma rule"));
    QVERIFY(!m.index(0, 0).data(AlertTableModel::ScoreRole).isValid()); // no invented score
    QCOMPARE(cell(1, AlertTableModel::SeverityColumn), QStringLiteral("high"));
    QCOMPARE(cell(1, AlertTableModel::HostColumn), QStringLiteral("WS-A"));
    QCOMPARE(cell(1, AlertTableModel::RoleColumn), QStringLiteral("workstation"));
    QCOMPARE(cell(1, AlertTableModel::RequestsColumn), QStringLiteral("3 rows"));
    QCOMPARE(cell(1, AlertTableModel::FirstSeenColumn), QStringLiteral("2024-03-04 00:00:00"));
    QCOMPARE(cell(1, AlertTableModel::LastSeenColumn), QStringLiteral("2024-03-04 00:03:00"));
    // The hostile title is the text it is: the bidi override shown as a mark, nothing interpreted.
    const QString shown = cell(1, AlertTableModel::DestinationColumn);
    QVERIFY(shown.startsWith(QStringLiteral("=<b>Raw</b> paste ")));
    QVERIFY(shown.endsWith(QStringLiteral("evil & <img src=x>")));
    QVERIFY(!shown.contains(QChar(0x202E)));
    QCOMPARE(m.index(1, 0).data(AlertTableModel::ChannelKeyRole).toString(), QStringLiteral("sigma:r-raw:WS-A"));
    QCOMPARE(cell(2, AlertTableModel::DestinationColumn), QStringLiteral("Curl to paste"));
    QCOMPARE(cell(2, AlertTableModel::HostColumn), QStringLiteral("WS-B"));
    QCOMPARE(cell(3, AlertTableModel::ScoreColumn), QStringLiteral("80"));
    QCOMPARE(cell(4, AlertTableModel::ScoreColumn), QStringLiteral("30"));
    QCOMPARE(m.loadedRowOf(QStringLiteral("sigma:r-curl:WS-B")), 2);
    QCOMPARE(
        m.channelKeysOfRows(store_->db(), 1, 3),
        (QStringList{QStringLiteral("sigma:r-raw:WS-A"), QStringLiteral("sigma:r-curl:WS-B"), m.rowAt(3)->channelKey}));
    // Ascending by host: the Sigma items among themselves, still above the channels.
    m.sort(AlertTableModel::HostColumn, Qt::AscendingOrder);
    QVERIFY(waitCounted(m));
    QCOMPARE(cell(0, AlertTableModel::HostColumn), QStringLiteral("WS-A"));
    QCOMPARE(cell(2, AlertTableModel::HostColumn), QStringLiteral("WS-B"));
    QCOMPARE(cell(3, AlertTableModel::HostColumn), QStringLiteral("WS-A"));
    QCOMPARE(cell(4, AlertTableModel::HostColumn), QStringLiteral("WS-C"));
}

void TestSigmaQueue::kindFilter() {
    QCOMPARE(parseAlertFilter(QStringLiteral("kind:sigma")).kinds, AlertKinds::Sigma);
    QCOMPARE(parseAlertFilter(QStringLiteral("kind:channels")).kinds, AlertKinds::Channels);
    QCOMPARE(parseAlertFilter(QStringLiteral("-kind:sigma")).kinds, AlertKinds::Channels);
    QCOMPARE(parseAlertFilter(QStringLiteral("kind:any")).kinds, AlertKinds::Both);
    QCOMPARE(parseAlertFilter(QStringLiteral("kind:rules")).errors.size(), 1);
    AlertTableModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setCase(path_);
    QVERIFY(waitCounted(m));
    m.setFilter(parseAlertFilter(QStringLiteral("kind:sigma")));
    QVERIFY(waitCounted(m));
    QCOMPARE(m.rowCount(), 3);
    QCOMPARE(m.total(), qint64(0));
    m.setFilter(parseAlertFilter(QStringLiteral("kind:channel")));
    QVERIFY(waitCounted(m));
    QCOMPARE(m.rowCount(), 2);
    QCOMPARE(m.sigmaCount(), 0);
    // The other terms apply to Sigma items too: the level is their severity, the title their destination.
    m.setFilter(parseAlertFilter(QStringLiteral("severity:high")));
    QVERIFY(waitCounted(m));
    QCOMPARE(m.sigmaCount(), 1);
    QCOMPARE(m.total(), qint64(1));
    m.setFilter(parseAlertFilter(QStringLiteral("kind:sigma pwn")));
    QVERIFY(waitCounted(m));
    QCOMPARE(m.rowCount(), 1);
    QCOMPARE(m.index(0, AlertTableModel::DestinationColumn).data().toString(), QStringLiteral("Pwndrop"));
}

void TestSigmaQueue::triageOfASigmaItemIsStoredAndAudited() {
    const QString key = sigmaItemKey(QStringLiteral("r-curl"), QStringLiteral("WS-B"));
    QCOMPARE(key, QStringLiteral("sigma:r-curl:WS-B"));
    TriageStore t(*store_);
    t.setStatus({key}, QStringLiteral("benign"), QStringLiteral("admin's own download script"));
    QCOMPARE(t.record(key).status, QStringLiteral("benign"));
    Statement audit(store_->db(), "SELECT action, target, detail FROM audit_log ORDER BY id DESC LIMIT 1");
    QVERIFY(audit.step());
    QCOMPARE(QString::fromStdString(audit.text(0)), QStringLiteral("triage.status"));
    QCOMPARE(QString::fromStdString(audit.text(1)), key);
    QCOMPARE(QString::fromStdString(audit.text(2)), QStringLiteral("new -> benign: admin's own download script"));
    AlertTableModel m;
    m.setCase(path_);
    QVERIFY(waitCounted(m));
    const int row = m.loadedRowOf(key);
    QCOMPARE(row, 2);
    QCOMPARE(m.index(row, AlertTableModel::StatusColumn).data().toString(), QStringLiteral("Benign"));
    QVERIFY(m.index(row, 0).data(AlertTableModel::DimmedRole).toBool());
    m.setFilter(parseAlertFilter(QStringLiteral("status:new kind:sigma")));
    QVERIFY(waitCounted(m));
    QCOMPARE(m.rowCount(), 2);
    t.setStatus({key}, QStringLiteral("new"));
}

void TestSigmaQueue::exportNamesTheKind() {
    AlertQuery q;
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QCOMPARE(writeAlerts(store_->db(), q, buffer, ExportFormat::Json), qint64(5));
    const QJsonArray rows = QJsonDocument::fromJson(buffer.data()).array();
    QCOMPARE(rows.size(), 5);
    const QJsonObject first = rows[0].toObject();
    QCOMPARE(first.value(QLatin1String("kind")).toString(), QStringLiteral("sigma"));
    QVERIFY(first.value(QLatin1String("score")).isNull());
    QCOMPARE(first.value(QLatin1String("severity")).toString(), QStringLiteral("critical"));
    QCOMPARE(first.value(QLatin1String("destination")).toString(), QStringLiteral("Pwndrop"));
    QCOMPARE(first.value(QLatin1String("channel_key")).toString(), QStringLiteral("sigma:r-crit:WS-A"));
    QCOMPARE(rows[1].toObject().value(QLatin1String("destination")).toString(), kHostileTitle);
    QCOMPARE(rows[3].toObject().value(QLatin1String("kind")).toString(), QStringLiteral("channel"));
    QCOMPARE(rows[3].toObject().value(QLatin1String("score")).toDouble(), 80.0);
    // CSV: the hostile title's leading '=' is defused, the kind is the last column.
    q.channels = false;
    QBuffer csv;
    csv.open(QIODevice::WriteOnly);
    QCOMPARE(writeAlerts(store_->db(), q, csv, ExportFormat::Csv), qint64(3));
    const QList<QByteArray> lines = csv.data().split('\n');
    QVERIFY(lines[0].trimmed().endsWith(",id,kind"));
    QVERIFY(lines[2].contains(",'=<b>Raw</b> paste"));
    QVERIFY(lines[2].trimmed().endsWith(",sigma"));
}

void TestSigmaQueue::detailListsRowsWithProvenance() {
    AlertTableModel m;
    m.setCase(path_);
    QVERIFY(waitCounted(m));
    const qint64 id = m.rowAt(1)->id;
    QVERIFY(id < 0);
    const SigmaDetail d = loadSigmaDetail(path_, id);
    QVERIFY2(d.found, qPrintable(d.error));
    QCOMPARE(d.title, kHostileTitle);
    QCOMPARE(d.level, QStringLiteral("high"));
    QCOMPARE(d.author, QStringLiteral("Jane Doe"));
    QCOMPARE(d.rulePath, QStringLiteral("/rules/raw.yml"));
    QCOMPARE(d.tags, (QStringList{QStringLiteral("attack.command_and_control"), QStringLiteral("attack.t1102.003")}));
    QCOMPARE(d.references, QStringList{QStringLiteral("https://example.org/ref")});
    QCOMPARE(d.row.channelKey, QStringLiteral("sigma:r-raw:WS-A"));
    QCOMPARE(d.hitTotal, qint64(3));
    QCOMPARE(d.hits.size(), 3);
    QCOMPARE(d.hits[0].kind, QStringLiteral("proxy request"));
    QCOMPARE(d.hits[0].text, QStringLiteral("GET https://pastebin.com/raw/k0"));
    QCOMPARE(d.hits[0].evidence, QStringLiteral("access.log"));
    QCOMPARE(d.hits[0].location, qint64(11));
    QCOMPARE(d.hits[1].text, QStringLiteral("GET ") + kHostileUrl);
    QCOMPARE(d.hits[2].location, qint64(14));
    SigmaHitModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setHits(d.hits);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, SigmaHitModel::TimeColumn).data().toString(), QStringLiteral("2024-03-04 00:00:00.000"));
    QCOMPARE(model.index(1, SigmaHitModel::RowColumn).data().toString(), QStringLiteral("GET ") + kHostileUrl);
    QCOMPARE(model.index(2, SigmaHitModel::LocationColumn).data().toString(), QStringLiteral("line 14"));
    QCOMPARE(model.index(2, SigmaHitModel::EvidenceColumn).data().toString(), QStringLiteral("access.log"));
    // The Sysmon hit: its event id, command line, file and record.
    const SigmaDetail curl = loadSigmaDetail(path_, m.rowAt(2)->id);
    QVERIFY2(curl.found, qPrintable(curl.error));
    QCOMPARE(curl.hits.size(), 1);
    QCOMPARE(curl.hits[0].kind, QStringLiteral("Sysmon event 1"));
    QCOMPARE(curl.hits[0].text, QStringLiteral("curl https://pastebin.com/raw/zz"));
    QCOMPARE(curl.hits[0].evidence, QStringLiteral("sysmon.evtx"));
    model.setHits(curl.hits);
    QCOMPARE(model.index(0, SigmaHitModel::LocationColumn).data().toString(), QStringLiteral("record 4711"));
    // An id that is no item says so.
    QVERIFY(!loadSigmaDetail(path_, -999).found);
}

void TestSigmaQueue::channelDetailNamesTheRulesOnItsRows() {
    const AlertDetail d = loadAlertDetail(path_, channelId_);
    QVERIFY2(d.found, qPrintable(d.error));
    // Rows 100 and 101 of the channel's 100..102 were matched (103 is not the channel's); two rules.
    QCOMPARE(d.sigma.rowsMatched, qint64(2));
    QCOMPARE(d.sigma.items.size(), 2);
    QCOMPARE(d.sigma.items[0].title, QStringLiteral("Pwndrop"));
    QCOMPARE(d.sigma.items[0].rows, qint64(1));
    QCOMPARE(d.sigma.items[0].itemKey, QStringLiteral("sigma:r-crit:WS-A"));
    QCOMPARE(d.sigma.items[1].rows, qint64(2));
    QCOMPARE(d.sigma.items[1].itemKey, QStringLiteral("sigma:r-raw:WS-A"));
    // The item ids are the queue's.
    AlertTableModel m;
    m.setCase(path_);
    QVERIFY(waitCounted(m));
    QCOMPARE(d.sigma.items[0].itemId, m.rowAt(0)->id);
    QCOMPARE(d.sigma.items[1].itemId, m.rowAt(1)->id);
    QCOMPARE(sigmaMatchesSentence(d.sigma),
             QStringLiteral("Sigma: 2 rules matched 2 of this channel's rows: Pwndrop (critical), ") + kHostileTitle +
                 QStringLiteral(" (high)"));
    // The other channel: none.
    const AlertDetail other = loadAlertDetail(path_, m.rowAt(4)->id);
    QVERIFY(other.found);
    QVERIFY(other.sigma.items.isEmpty());
    QCOMPARE(sigmaMatchesSentence(other.sigma), QString());
}

QTEST_MAIN(TestSigmaQueue)
#include "tst_sigma_queue.moc"
