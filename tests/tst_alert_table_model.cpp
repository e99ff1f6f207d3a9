// The lazy alert queue model: rows come from the worker a page at a time, sorted and filtered in
// SQL; a reload after a triage change updates rows in place; stale results are dropped.
#include "alert_fixture.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "tables/alert_detail.h"
#include "tables/alert_export.h"
#include "tables/alert_table_model.h"
#include "tables/audit_log_model.h"
#include "tables/channel_request_model.h"
#include "triage/triage_store.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace socwb;
using namespace socwb::test;

class TestAlertTableModel : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void pollsSentenceNamesOnlyItsSources();
    void countsThenLoadsPagesSortedByScore();
    void filterAndSortAreSql();
    void deepPagesSeekFromAnchors_data();
    void deepPagesSeekFromAnchors();
    void followedChannelIsFoundOffTheLoadedPages();
    void staleResultsAreDropped();
    void reloadUpdatesInPlace();
    void triageNeedsJustificationAndAudits();
    void detailAndRequests();
    void exportKeepsFilterOrderAndDefusesFormulas();
    void exportAsJsonAndChannelRequests();

  private:
    // Waits until row's page is loaded; returns false on timeout.
    bool waitLoaded(AlertTableModel& m, int row);
    QTemporaryDir dir_;
    QString path_;
    std::unique_ptr<CaseStore> store_;
};

void TestAlertTableModel::initTestCase() {
    path_ = dir_.filePath(QStringLiteral("m.socwb"));
    store_ = CaseStore::open(path_);
    insertSyntheticAlerts(store_->db(), 3000);
}

bool TestAlertTableModel::waitLoaded(AlertTableModel& m, int row) {
    m.rowAt(row); // asks for the page
    return QTest::qWaitFor([&] { return m.rowAt(row) != nullptr; }, 10000);
}

void TestAlertTableModel::countsThenLoadsPagesSortedByScore() {
    AlertTableModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy counted(&m, &AlertTableModel::countChanged);
    m.setCase(path_);
    QVERIFY(counted.wait(10000));
    QCOMPARE(m.rowCount(), 3000);
    QVERIFY(waitLoaded(m, 0));
    QCOMPARE(m.index(0, AlertTableModel::ScoreColumn).data().toString(), QStringLiteral("100"));
    QCOMPARE(m.index(0, AlertTableModel::SeverityColumn).data().toString(), QStringLiteral("critical"));
    // A row far down is loading until its page arrives, then it is the right one.
    QCOMPARE(m.index(2999, AlertTableModel::HostColumn).data().toString(), QStringLiteral("loading\u2026"));
    QVERIFY(waitLoaded(m, 2999));
    QCOMPARE(m.index(2999, AlertTableModel::ScoreColumn).data(AlertTableModel::ScoreRole).toDouble(), 0.0);
    // Scores never rise down the queue, across a page boundary too.
    QVERIFY(waitLoaded(m, AlertTableModel::kPageSize));
    QVERIFY(m.index(AlertTableModel::kPageSize - 1, 0).data(AlertTableModel::ScoreRole).toDouble() >=
            m.index(AlertTableModel::kPageSize, 0).data(AlertTableModel::ScoreRole).toDouble());
}

void TestAlertTableModel::filterAndSortAreSql() {
    AlertTableModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy counted(&m, &AlertTableModel::countChanged);
    m.setCase(path_);
    QVERIFY(counted.wait(10000));
    m.setFilter(parseAlertFilter(QStringLiteral("service:pastebin -process:curl.exe host:WS000*")));
    QVERIFY(counted.wait(10000));
    // i % 10 == 3 is pastebin, and i % 5 == 3 is then always curl.exe: none left.
    QCOMPARE(m.rowCount(), 0);
    m.setFilter(parseAlertFilter(QStringLiteral("service:pastebin host:WS000*")));
    QVERIFY(counted.wait(10000));
    QCOMPARE(m.rowCount(), 10); // i = 3, 13, ..., 93
    m.sort(AlertTableModel::HostColumn, Qt::AscendingOrder);
    QVERIFY(counted.wait(10000));
    QVERIFY(waitLoaded(m, 9));
    QCOMPARE(m.index(0, AlertTableModel::HostColumn).data().toString(), QStringLiteral("WS0000"));
    QCOMPARE(m.index(9, AlertTableModel::HostColumn).data().toString(), QStringLiteral("WS0009"));
    QCOMPARE(m.index(9, AlertTableModel::ProcessColumn).data().toString(), QStringLiteral("curl.exe"));
}

void TestAlertTableModel::deepPagesSeekFromAnchors_data() {
    QTest::addColumn<int>("column");
    QTest::addColumn<int>("order");
    QTest::addColumn<QString>("orderBy"); // the same order, written out for the check
    QTest::newRow("score, index") << int(AlertTableModel::ScoreColumn) << int(Qt::DescendingOrder)
                                  << QStringLiteral("score DESC, id");
    QTest::newRow("host, ties") << int(AlertTableModel::HostColumn) << int(Qt::AscendingOrder)
                                << QStringLiteral("host, id");
    QTest::newRow("severity, composite") << int(AlertTableModel::SeverityColumn) << int(Qt::AscendingOrder)
                                         << QStringLiteral(
                                                "(CASE severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN "
                                                "'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END) * 1000 + score, id");
}

void TestAlertTableModel::deepPagesSeekFromAnchors() {
    QFETCH(int, column);
    QFETCH(int, order);
    QFETCH(QString, orderBy);
    AlertTableModel m;
    QSignalSpy indexed(&m, &AlertTableModel::pagesIndexed);
    m.sort(column, Qt::SortOrder(order));
    m.setCase(path_);
    QVERIFY(indexed.wait(20000));
    // Rows on deep pages, read by seeking from their page's first row, are exactly the rows the
    // plain ORDER BY puts there, across page boundaries too.
    Statement st(store_->db(), QStringLiteral("SELECT id FROM alerts ORDER BY %1").arg(orderBy).toStdString());
    QVector<qint64> expected;
    while (st.step()) {
        expected << st.int64(0);
    }
    QCOMPARE(m.rowCount(), expected.size());
    for (int row : {AlertTableModel::kPageSize * 5 - 1, AlertTableModel::kPageSize * 5,
                    AlertTableModel::kPageSize * 11 + 7, int(expected.size()) - 1}) {
        QVERIFY(waitLoaded(m, row));
        QCOMPARE(m.index(row, 0).data(AlertTableModel::AlertIdRole).toLongLong(), expected[row]);
    }
}

// The queue follows its current channel through a filter or a sort: each count says where its row
// is now, loaded or not (the queue scrolls there), or that the filter hides it (the detail says so).
void TestAlertTableModel::followedChannelIsFoundOffTheLoadedPages() {
    const auto rowOf = [this](const QString& orderBy, const QString& where, const QString& key) {
        Statement st(
            store_->db(),
            QStringLiteral("SELECT channel_key FROM alerts WHERE %1 ORDER BY %2").arg(where, orderBy).toStdString());
        for (int row = 0; st.step(); ++row) {
            if (QString::fromStdString(st.text(0)) == key) {
                return row;
            }
        }
        return -1;
    };
    AlertTableModel m;
    QSignalSpy followed(&m, &AlertTableModel::followedRow);
    m.setFollowKey(QStringLiteral("syn|1234"));
    m.sort(AlertTableModel::HostColumn, Qt::AscendingOrder);
    m.setCase(path_);
    QVERIFY(followed.wait(10000));
    const int byHost = rowOf(QStringLiteral("host, id"), QStringLiteral("1"), QStringLiteral("syn|1234"));
    QCOMPARE(byHost, 1234); // hosts ascend with i, ten a host
    QCOMPARE(followed.last().at(0).toString(), QStringLiteral("syn|1234"));
    QCOMPARE(followed.last().at(1).toInt(), byHost);
    // Scores repeat every 101 channels: ties are broken by id, as the queue orders them.
    m.sort(AlertTableModel::ScoreColumn, Qt::DescendingOrder);
    QVERIFY(followed.wait(10000));
    const int byScore = rowOf(QStringLiteral("score DESC, id"), QStringLiteral("1"), QStringLiteral("syn|1234"));
    QVERIFY(byScore > AlertTableModel::kPageSize); // not on the page first loaded
    QCOMPARE(followed.last().at(1).toInt(), byScore);
    QVERIFY(waitLoaded(m, byScore));
    QCOMPARE(m.index(byScore, 0).data(AlertTableModel::ChannelKeyRole).toString(), QStringLiteral("syn|1234"));
    // i % 10 == 4 is on github: a pastebin filter hides it.
    m.setFilter(parseAlertFilter(QStringLiteral("service:pastebin")));
    QVERIFY(followed.wait(10000));
    QCOMPARE(followed.last().at(1).toInt(), -1);
    m.setFollowKey(QStringLiteral("syn|2993"));
    m.reload();
    QVERIFY(followed.wait(10000));
    QCOMPARE(followed.last().at(1).toInt(), rowOf(QStringLiteral("score DESC, id"),
                                                  QStringLiteral("service = 'pastebin'"), QStringLiteral("syn|2993")));
    QVERIFY(followed.last().at(1).toInt() >= 0);
    // Sigma items only: no channel is in the queue.
    m.setFilter(parseAlertFilter(QStringLiteral("service:pastebin kind:sigma")));
    QVERIFY(followed.wait(10000));
    QCOMPARE(followed.last().at(0).toString(), QStringLiteral("syn|2993"));
    QCOMPARE(followed.last().at(1).toInt(), -1);
}

void TestAlertTableModel::staleResultsAreDropped() {
    AlertTableModel m;
    QSignalSpy counted(&m, &AlertTableModel::countChanged);
    m.setCase(path_);
    // Three filters in a row, before the event loop runs: only the last one may be answered.
    m.setFilter(parseAlertFilter(QStringLiteral("score>=90")));
    m.setFilter(parseAlertFilter(QStringLiteral("host:WS0001")));
    QVERIFY(counted.wait(10000));
    QTest::qWait(200); // would let late answers of the older generations through, if they were not dropped
    QCOMPARE(counted.size(), 1);
    QCOMPARE(m.rowCount(), 10);
}

void TestAlertTableModel::reloadUpdatesInPlace() {
    AlertTableModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy counted(&m, &AlertTableModel::countChanged);
    m.setCase(path_);
    QVERIFY(counted.wait(10000));
    QVERIFY(waitLoaded(m, 5));
    const QString key = m.index(5, 0).data(AlertTableModel::ChannelKeyRole).toString();
    QCOMPARE(m.index(5, AlertTableModel::StatusColumn).data().toString(), QStringLiteral("New"));
    TriageStore(*store_).setStatus({key}, QStringLiteral("malicious"));
    QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    m.reload();
    // Until the page comes back, the row still shows what it showed: no flash of "loading".
    QCOMPARE(m.index(5, AlertTableModel::StatusColumn).data().toString(), QStringLiteral("New"));
    QVERIFY(QTest::qWaitFor(
        [&] { return m.index(5, AlertTableModel::StatusColumn).data().toString() == QLatin1String("Malicious"); },
        10000));
    QCOMPARE(reset.size(), 0);
    QVERIFY(!changed.isEmpty());
    QCOMPARE(m.index(5, 0).data(AlertTableModel::ChannelKeyRole).toString(), key);
    // Filtered to status:new, the malicious row leaves the queue on reload.
    m.setFilter(parseAlertFilter(QStringLiteral("status:new")));
    QVERIFY(counted.wait(10000));
    QCOMPARE(m.rowCount(), 2999);
    TriageStore(*store_).setStatus({key}, QStringLiteral("new"));
}

void TestAlertTableModel::triageNeedsJustificationAndAudits() {
    TriageStore t(*store_);
    const QStringList keys{QStringLiteral("syn|1"), QStringLiteral("syn|2")};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, t.setStatus(keys, QStringLiteral("benign")));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, t.setStatus(keys, QStringLiteral("benign"), QStringLiteral("   ")));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, t.setStatus(keys, QStringLiteral("closed")));
    QCOMPARE(t.record(keys[0]).status, QStringLiteral("new"));
    const auto before = queryInt(store_->db(), "SELECT count(*) FROM audit_log").value_or(0);
    t.setStatus(keys, QStringLiteral("benign"), QStringLiteral("IT's patch tool, ticket 4411"));
    t.setNote({keys[0]}, QStringLiteral("asked the owner"));
    t.addTags({keys[0]}, QStringLiteral("patching, it"));
    t.addTags({keys[0]}, QStringLiteral("it,known"));
    const TriageRecord r = t.record(keys[0]);
    QCOMPARE(r.status, QStringLiteral("benign"));
    QCOMPARE(r.justification, QStringLiteral("IT's patch tool, ticket 4411"));
    QCOMPARE(r.note, QStringLiteral("asked the owner"));
    QCOMPARE(r.tags, QStringLiteral("patching,it,known"));
    QCOMPARE(r.updatedBy, CaseStore::actorName());
    QCOMPARE(queryInt(store_->db(), "SELECT count(*) FROM audit_log").value_or(0), before + 5);
    AuditLogModel audit;
    QAbstractItemModelTester tester(&audit, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&audit, &AuditLogModel::loaded);
    audit.load(path_);
    QVERIFY(loaded.wait(10000));
    // Newest first: the tags, the note, then the two status changes.
    QCOMPARE(audit.index(0, AuditLogModel::ActionColumn).data().toString(), QStringLiteral("triage.tags"));
    QCOMPARE(audit.index(0, AuditLogModel::DetailColumn).data().toString(), QStringLiteral("patching,it,known"));
    QCOMPARE(audit.index(3, AuditLogModel::TargetColumn).data().toString(), QStringLiteral("syn|2"));
    QCOMPARE(audit.index(3, AuditLogModel::DetailColumn).data().toString(),
             QStringLiteral("new -> benign: IT's patch tool, ticket 4411"));
    QCOMPARE(audit.index(3, AuditLogModel::ActorColumn).data().toString(), CaseStore::actorName());
}

void TestAlertTableModel::detailAndRequests() {
    sqlite3* db = store_->db();
    execSql(db, "INSERT INTO evidence(id, path, sha256, size, status) VALUES (7, 'p.log', 'x', 1, 'imported')");
    execSql(db, "INSERT INTO hosts(id, name, source) VALUES (3, 'WSX', 'asset')");
    execSql(db, "INSERT INTO domains(id, name) VALUES (4, 'pastebin.com')");
    execSql(db, "INSERT INTO processes(id, host_id, process_guid, image, command_line, known_from) VALUES "
                "(11, 3, '{g}', 'C:\\p.exe', 'p.exe -enc AAA', 'create')");
    for (int i = 0; i < 450; ++i) {
        Statement st(db, "INSERT INTO proxy_events(id, evidence_id, line_no, ts_us, host_id, domain_id, method, url) "
                         "VALUES (?, 7, ?, ?, 3, 4, 'GET', ?)");
        st.bind(1, int64_t(1000 + i)).bind(2, i + 1).bind(3, int64_t(1709510400000000) + int64_t(i) * 60000000);
        st.bind(4, QStringLiteral("https://pastebin.com/raw/%1").arg(i).toStdString());
        st.exec();
        if (i < 300) {
            Statement at(db, "INSERT INTO attributions(request_kind, request_id, process_id, method, confidence) "
                             "VALUES ('proxy', ?, 11, ?, ?)");
            at.bind(1, int64_t(1000 + i)).bind(2, i < 200 ? "five-tuple" : "time-window").bind(3, i < 200 ? 0.9 : 0.5);
            at.exec();
        }
    }
    FixtureAlert a;
    a.host = QStringLiteral("WSX");
    a.hostId = 3;
    a.domainId = 4;
    a.processId = 11;
    a.requests = 450;
    a.firstTs = 1709510400000000;
    a.lastTs = 1709510400000000 + 449LL * 60000000;
    for (int i = 0; i < 450; ++i) {
        a.proxyIds.push_back(1000 + i);
    }
    a.factors = QStringLiteral(R"([{"name":"regularity","contribution":12.5,"detail":"polls every 60 s"},
                                  {"name":"process","contribution":30,"detail":"PowerShell with -enc"}])");
    const qint64 id = insertAlert(db, a);
    // The member ids of the alert, as the engine writes them, are what the detail pages through.
    const AlertDetail d = loadAlertDetail(path_, id);
    QVERIFY2(d.found, qPrintable(d.error));
    QCOMPARE(d.row.host, QStringLiteral("WSX"));
    QCOMPARE(d.factors.size(), 2);
    QCOMPARE(d.factors[0].name, QStringLiteral("process")); // largest contribution first
    QCOMPARE(d.factors[1].detail, QStringLiteral("polls every 60 s"));
    QCOMPARE(d.commandLine, QStringLiteral("p.exe -enc AAA"));
    QCOMPARE(int(d.proxyIds.size()), 450);
    QCOMPARE(d.attribution.size(), 2);
    QCOMPARE(d.attribution[0].method, QStringLiteral("five-tuple"));
    QCOMPARE(d.attribution[0].requests, 200);
    QCOMPARE(d.attribution[0].meanConfidence, 0.9);
    QCOMPARE(d.attribution[1].requests, 100);
    QCOMPARE(d.unattributed, 150);

    ChannelRequestModel requests;
    QAbstractItemModelTester tester(&requests, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy page(&requests, &ChannelRequestModel::pageLoaded);
    requests.setRequests(path_, d.proxyIds);
    QCOMPARE(requests.rowCount(), 0);
    requests.fetchMore({}); // the tester may have asked already: a second ask while loading is ignored
    QVERIFY(page.wait(10000));
    QCOMPARE(requests.rowCount(), ChannelRequestModel::kPageSize);
    QCOMPARE(requests.index(0, ChannelRequestModel::UrlColumn).data().toString(),
             QStringLiteral("https://pastebin.com/raw/0"));
    QCOMPARE(requests.index(0, ChannelRequestModel::AttributionColumn).data().toString(),
             QStringLiteral("five-tuple 0.90"));
    QCOMPARE(requests.index(0, ChannelRequestModel::ProcessColumn).data().toString(), QStringLiteral("C:\\p.exe"));
    // The fixture's lines log no sizes: blank, not a measured "0".
    QCOMPARE(requests.index(0, ChannelRequestModel::BytesOutColumn).data().toString(), QString());
    QCOMPARE(requests.index(0, ChannelRequestModel::BytesInColumn).data().toString(), QString());
    QCOMPARE(d.bytesOut, qint64(-1)); // the fixture alert's bytes_out is NULL
    // Scrolling on: each ask loads the next page until the channel's 450 requests are all there.
    QVERIFY(QTest::qWaitFor(
        [&] {
            if (requests.canFetchMore({})) {
                requests.fetchMore({});
            }
            return requests.rowCount() >= 450;
        },
        10000));
    QCOMPARE(requests.rowCount(), 450);
    QVERIFY(!requests.canFetchMore({}));
    QCOMPARE(requests.index(449, ChannelRequestModel::UrlColumn).data().toString(),
             QStringLiteral("https://pastebin.com/raw/449"));
    QCOMPARE(requests.index(449, ChannelRequestModel::AttributionColumn).data().toString(), QString());
}

void TestAlertTableModel::exportKeepsFilterOrderAndDefusesFormulas() {
    FixtureAlert a;
    a.host = QStringLiteral("=HYPERLINK(\"http://x\",\"y\")");
    a.process = QStringLiteral("evil,\"quoted\".exe");
    a.destination = QStringLiteral("export.example");
    a.score = 99.5;
    insertAlert(store_->db(), a);
    AlertQuery q;
    const AlertFilter f = parseAlertFilter(QStringLiteral("dest:export.example"));
    q.where = f.where;
    q.params = f.params;
    const QString out = QDir(dir_.path()).filePath(QStringLiteral("alerts.csv"));
    QCOMPARE(exportAlerts(path_, q, out, ExportFormat::Csv), 1);
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QVERIFY(lines[0].startsWith("score,severity,status,host,"));
    // A spreadsheet must not run evidence as a formula; commas and quotes stay inside their field.
    QVERIFY2(lines[1].startsWith("99.5,medium,new,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",workstation,"
                                 "\"evil,\"\"quoted\"\".exe\","),
             lines[1].constData());
}

// The detail's count line names the sources the channel has, with their singular: the sample case's
// pastebin poll read "869 polls (of 869 proxy lines, 316 DNS lookups, 0 connections)" beside a
// timeline lane of 869 Sysmon connections (those carried the requests, counted once, as requests).
void TestAlertTableModel::pollsSentenceNamesOnlyItsSources() {
    QLocale::setDefault(QLocale::c());
    AlertDetail d;
    d.row.requests = 869;
    d.proxyRequests = 869;
    d.dnsQueries = 316;
    QCOMPARE(pollsSentence(d), QStringLiteral("869 polls (of 869 proxy lines and 316 DNS lookups)"));
    d.row.requests = 1;
    d.proxyRequests = 0;
    d.dnsQueries = 1;
    d.netConnections = 1;
    QCOMPARE(pollsSentence(d), QStringLiteral("1 poll (of 1 DNS lookup and 1 connection)"));
    d.proxyRequests = 1;
    QCOMPARE(pollsSentence(d), QStringLiteral("1 poll (of 1 proxy line, 1 DNS lookup and 1 connection)"));
    d.row.unmeasurable = true;
    d.proxyRequests = d.dnsQueries = 0;
    QCOMPARE(pollsSentence(d), QStringLiteral("1 long-lived session, cadence unmeasurable (of 1 connection)"));
    d.netConnections = 0;
    d.row.unmeasurable = false;
    d.row.requests = 0;
    QCOMPARE(pollsSentence(d), QStringLiteral("0 polls"));
    // The charts' stats line said "763 polls (sensor_conn)": the stored id, not words.
    QCOMPARE(memberSourceWords(QStringLiteral("sensor_conn")), QStringLiteral("sensor connections"));
    QCOMPARE(memberSourceWords(QStringLiteral("dns_log")), QStringLiteral("resolver-log lookups"));
    QCOMPARE(memberSourceWords(QStringLiteral("future_source")), QStringLiteral("future_source")); // shown as stored
}

namespace {
QByteArray fileBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

// The queue as JSON (typed values, null where nothing was measured) and one channel's requests in
// both formats: paged reads joined in order, the process each was tied to, evidence text literal.
void TestAlertTableModel::exportAsJsonAndChannelRequests() {
    sqlite3* db = store_->db();
    execSql(db, "INSERT INTO evidence(id, path, sha256, size, status) VALUES (8, 'q.log', 'y', 1, 'imported')");
    execSql(db, "INSERT INTO hosts(id, name, source) VALUES (5, 'WSJ', 'asset')");
    execSql(db, "INSERT INTO domains(id, name) VALUES (6, 'json.example')");
    execSql(db, "INSERT INTO processes(id, host_id, process_guid, image, known_from) VALUES "
                "(12, 5, '{j}', 'C:\\j.exe', 'create')");
    const QString hostileUrl = QStringLiteral("=cmd|' /C calc'!A0");
    const QString hostileAgent = QStringLiteral("Mozilla \"x\",\n<b>\u202Eevil");
    FixtureAlert a;
    a.host = QStringLiteral("WSJ");
    a.destination = QStringLiteral("json.example");
    a.score = 98.25;
    a.jitter = -1; // not measured
    a.hostId = 5;
    a.domainId = 6;
    a.channelKey = QStringLiteral("json|key");
    for (int i = 0; i < 450; ++i) { // more than two pages of reads
        Statement st(db, "INSERT INTO proxy_events(id, evidence_id, line_no, ts_us, host_id, domain_id, method, url, "
                         "user_agent, bytes_out) VALUES (?, 8, ?, ?, 5, 6, 'POST', ?, ?, ?)");
        st.bind(1, int64_t(20000 + i)).bind(2, i + 1).bind(3, int64_t(1709510400000000) + int64_t(i) * 1000000);
        st.bind(4, (i == 7 ? hostileUrl : QStringLiteral("https://json.example/c/%1").arg(i)).toStdString());
        st.bind(5, hostileAgent.toStdString());
        if (i % 2 == 0) {
            st.bind(6, int64_t(100 + i));
        }
        st.exec();
        a.proxyIds.push_back(20000 + i);
    }
    execSql(db, "INSERT INTO attributions(request_kind, request_id, process_id, method, confidence) VALUES "
                "('proxy', 20001, 12, 'five-tuple', 0.95)");
    const qint64 id = insertAlert(db, a);
    execSql(db, "UPDATE alerts SET median_interval_s = NULL, jitter = NULL WHERE channel_key = 'json|key'");

    AlertQuery q;
    const AlertFilter f = parseAlertFilter(QStringLiteral("dest:json.example"));
    q.where = f.where;
    q.params = f.params;
    const QString alertsOut = QDir(dir_.path()).filePath(QStringLiteral("alerts.json"));
    QCOMPARE(exportFormatForPath(alertsOut), ExportFormat::Json);
    QCOMPARE(exportAlerts(path_, q, alertsOut, ExportFormat::Json), 1);
    QJsonParseError error;
    const QJsonArray rows = QJsonDocument::fromJson(fileBytes(alertsOut), &error).array();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(rows.size(), 1);
    const QJsonObject row = rows[0].toObject();
    QCOMPARE(row.value(QStringLiteral("score")).toDouble(), 98.3); // one decimal, as the queue shows it
    QCOMPARE(row.value(QStringLiteral("requests")).toInt(), 10);
    QVERIFY(row.value(QStringLiteral("median_interval_s")).isNull());
    QVERIFY(row.value(QStringLiteral("jitter")).isNull());
    QCOMPARE(row.value(QStringLiteral("channel_key")).toString(), QStringLiteral("json|key"));
    QCOMPARE(row.value(QStringLiteral("id")).toInteger(), id);
    QCOMPARE(row.value(QStringLiteral("first_seen_utc")).toString(), QStringLiteral("2024-03-04T00:00:00.000Z"));
    // An empty result is still a JSON document.
    AlertQuery none;
    none.where = QStringLiteral("0");
    QCOMPARE(exportAlerts(path_, none, alertsOut, ExportFormat::Json), 0);
    QVERIFY(QJsonDocument::fromJson(fileBytes(alertsOut), &error).isArray());
    QCOMPARE(error.error, QJsonParseError::NoError);

    // The channel's requests, found by its id or its key.
    const std::vector<int64_t> ids = channelProxyIds(db, QString::number(id));
    QCOMPARE(int(ids.size()), 450);
    QVERIFY(channelProxyIds(db, QStringLiteral("json|key")) == ids);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, channelProxyIds(db, QStringLiteral("no-such-channel")));

    const QString json = QDir(dir_.path()).filePath(QStringLiteral("requests.json"));
    QCOMPARE(exportChannelRequests(path_, ids, json, ExportFormat::Json), 450);
    const QJsonArray requests = QJsonDocument::fromJson(fileBytes(json), &error).array();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(requests.size(), 450);
    QCOMPARE(requests[0].toObject().value(QStringLiteral("bytes_out")).toInt(), 100);
    QVERIFY(requests[1].toObject().value(QStringLiteral("bytes_out")).isNull()); // not logged, not 0
    QCOMPARE(requests[1].toObject().value(QStringLiteral("process")).toString(), QStringLiteral("C:\\j.exe"));
    QCOMPARE(requests[1].toObject().value(QStringLiteral("attribution")).toString(), QStringLiteral("five-tuple 0.95"));
    QCOMPARE(requests[7].toObject().value(QStringLiteral("url")).toString(), hostileUrl); // JSON: the text as logged
    QCOMPARE(requests[7].toObject().value(QStringLiteral("user_agent")).toString(), hostileAgent);
    QCOMPARE(requests[449].toObject().value(QStringLiteral("request_id")).toInteger(), 20449);
    QCOMPARE(requests[449].toObject().value(QStringLiteral("time_utc")).toString(),
             QStringLiteral("2024-03-04T00:07:29.000Z"));

    const QString csv = QDir(dir_.path()).filePath(QStringLiteral("requests.csv"));
    QCOMPARE(exportChannelRequests(path_, ids, csv, ExportFormat::Csv), 450);
    const QByteArray text = fileBytes(csv);
    QVERIFY(text.startsWith("time_utc,method,url,status,bytes_out,bytes_in,process,attribution,user_agent,action,"
                            "request_id\r\n"));
    // The formula is defused, the agent's quotes doubled and its line break kept inside the quoted
    // field; the bidi control is shown as its code point, not obeyed.
    const QByteArray line = text.mid(text.indexOf("2024-03-04T00:00:07.000Z"), 100);
    QVERIFY2(line.startsWith("2024-03-04T00:00:07.000Z,POST,'=cmd|' /C calc'!A0,,,,,,\"Mozilla \"\"x\"\",\n<b>"),
             line.constData());
    QVERIFY(!text.contains("\u202E"));
    QCOMPARE(text.count("\r\n"), 451);
}

QTEST_GUILESS_MAIN(TestAlertTableModel)
#include "tst_alert_table_model.moc"
