// EXPLAIN QUERY PLAN for the queries an import runs per row, per address or per host (STYLE.md
// 5): each must reach its rows through an index, never by scanning a table that grows with the
// evidence. A schema change that drops the index a query relies on fails here, not in production.
#include "scoring/scoring_engine.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "tables/alert_table_model.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace socwb;

namespace {
// The plan's detail lines, one string per step.
QStringList plan(sqlite3* db, const QString& sql) {
    Statement st(db, "EXPLAIN QUERY PLAN " + sql.toStdString());
    QStringList steps;
    while (st.step()) {
        steps << QString::fromStdString(st.text(3));
    }
    return steps;
}
// RequestAttributor for an asset import: only the requests of the hosts it moved requests onto,
// each host's through its host_ts index.
struct AskedHostRead {
    const char *name, *sql, *index;
};
constexpr AskedHostRead kAskedHostReads[] = {
    {"attributor: proxy requests of an asked host",
     "SELECT p.id, p.ts_us, p.host_id, p.client_ip_s, p.domain_id, p.dest_ip_s, p.dest_port FROM proxy_rows p WHERE "
     "p.id > ?1 AND p.host_id = ?2 AND NOT EXISTS (SELECT 1 FROM proxy_attributions a WHERE "
     "a.request_id = p.id)",
     "proxy_rows_host_ts"},
    {"attributor: dns requests of an asked host",
     "SELECT d.id, d.ts_us, d.host_id, d.domain_id, d.answers_s FROM dns_rows d WHERE d.id > ?1 AND d.host_id = ?2 AND "
     "NOT EXISTS (SELECT 1 FROM dns_attributions a WHERE a.request_id = d.id)",
     "dns_rows_host_ts"},
    {"attributor: sensor connections of an asked host",
     "SELECT c.id, c.ts_us, c.host_id, c.orig_ip_s, c.orig_port, c.resp_ip_s, c.resp_port FROM sensor_conn_rows c "
     "WHERE c.id > ?1 AND c.host_id = ?2 AND NOT EXISTS (SELECT 1 FROM sensor_attributions a WHERE a.conn_id = c.id)",
     "sensor_conn_rows_host_ts"},
};
} // namespace

class TestQueryPlans : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void usesAnIndex_data();
    void usesAnIndex();
    void viewsReadOnlyWhatIsAsked_data();
    void viewsReadOnlyWhatIsAsked();
    void queueDefaultOrderReadsItsIndex();
    void rescoreReadsNarrowRows();
    void attributorReadsAskedHostsByIndex_data();
    void attributorReadsAskedHostsByIndex();

  private:
    QTemporaryDir dir_;
    std::unique_ptr<CaseStore> store_;
};

void TestQueryPlans::initTestCase() {
    store_ = CaseStore::open(dir_.filePath(QStringLiteral("plans.socwb")));
    // The statistics an imported case has after PRAGMA optimize: big event tables, small others.
    execSql(store_->db(), "ANALYZE");
}

void TestQueryPlans::usesAnIndex_data() {
    QTest::addColumn<QString>("sql");
    // A temporary sort is fine where it sorts the few rows of one key (an address's hosts).
    QTest::addColumn<bool>("smallSort");
    // CaseWriter: per new address and per new name.
    QTest::newRow("writer: host of an address")
        << "SELECT host_id FROM host_addresses WHERE ip = ? ORDER BY last_ts DESC LIMIT 1" << true;
    QTest::newRow("writer: domain by name") << "SELECT id FROM domains WHERE name = ?" << false;
    QTest::newRow("importer: duplicate by hash")
        << "SELECT path FROM evidence WHERE sha256 = ? AND status = 'imported'" << false;
    // HostLinker: per address.
    QTest::newRow("linker: inventoried address")
        << "SELECT 1 FROM host_addresses WHERE ip = ? AND source = 'asset' LIMIT 1" << false;
    QTest::newRow("linker: proxy events of an address on a host")
        << "SELECT id, ts_us FROM proxy_rows WHERE host_id = ? AND client_ip_s = (SELECT id FROM strings WHERE value = "
           "?)"
        << false;
    QTest::newRow("linker: dns events of an address on a host")
        << "SELECT id, ts_us FROM dns_rows WHERE host_id = ? AND client_ip_s = (SELECT id FROM strings WHERE value = ?)"
        << false;
    QTest::newRow("linker: sensor connections of an address on a host")
        << "SELECT id, ts_us FROM sensor_conn_rows WHERE host_id = ? AND orig_ip_s = (SELECT id FROM strings WHERE "
           "value = ?)"
        << false;
    QTest::newRow("linker: TLS sessions of an address on a host")
        << "SELECT id, ts_us FROM tls_rows WHERE host_id = ? AND orig_ip_s = (SELECT id FROM strings WHERE value = ?)"
        << false;
    QTest::newRow("inventory: a host's sensor connections move")
        << "SELECT id FROM sensor_conn_rows WHERE host_id = ?" << false;
    // Sensor connections named by their TLS session; a flow's alerts (timeline record).
    QTest::newRow("timeline: a connection's TLS server name")
        << "SELECT d.name FROM tls_rows t JOIN domains d ON d.id = t.domain_id WHERE t.uid = ? LIMIT 1" << false;
    QTest::newRow("timeline: the alerts of a flow") << "SELECT signature FROM sensor_alerts WHERE uid = ?" << false;
    QTest::newRow("attributor: sensor connections not yet attributed")
        << "SELECT c.id, c.ts_us, c.host_id, c.orig_ip_s, c.orig_port, c.resp_ip_s, c.resp_port FROM sensor_conn_rows "
           "c WHERE c.id > ? AND c.host_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sensor_attributions a WHERE "
           "a.conn_id = c.id) ORDER BY c.id"
        << false;
    // RequestAttributor: a host's connections and EID 22 queries are read in one pass in row order
    // when every request is in memory; parked (past a batch of requests), a run of consecutive hosts
    // reads its range through host_ts, not the whole table once per run.
    QTest::newRow("attributor: a parked run's connections")
        << "SELECT id, event_id, ts_us, process_id, src_ip, src_port, dst_ip, dst_port, initiated, host_id FROM "
           "net_connections WHERE host_id BETWEEN ?1 AND ?2 AND process_id IS NOT NULL"
        << false;
    QTest::newRow("attributor: a parked run's DNS queries")
        << "SELECT id, event_id, ts_us, process_id, domain_id, answers, host_id FROM dns_queries WHERE host_id BETWEEN "
           "?1 AND ?2 AND process_id IS NOT NULL"
        << false;
    QTest::newRow("attributor: proxy requests of a host")
        << "SELECT p.id, p.ts_us, p.client_ip, p.domain_id, p.dest_ip, p.dest_port FROM proxy_events p WHERE p.host_id "
           "= ? "
           "AND NOT EXISTS (SELECT 1 FROM proxy_attributions a WHERE a.request_id = p.id) "
           "ORDER BY p.ts_us"
        << false;
    // ChannelSeries: a host's requests to one destination, in time order (no per-domain index since
    // schema 4: the host's rows through host_ts, no sort).
    QTest::newRow("charts: a host's requests to one domain")
        << "SELECT ts_us, bytes_out, bytes_in FROM proxy_events WHERE domain_id = ? AND host_id = ? ORDER BY ts_us"
        << false;
    QTest::newRow("attributor: dns requests of a host")
        << "SELECT d.id, d.ts_us, d.domain_id, d.answers FROM dns_events d WHERE d.host_id = ? AND NOT EXISTS "
           "(SELECT 1 FROM dns_attributions a WHERE a.request_id = d.id) ORDER BY d.ts_us"
        << false;
    // Schema 15: attributions in a table per request kind keyed by request id. The scoring engine
    // reads a kind's in request order beside that table; the timeline a process's requests.
    QTest::newRow("scoring: a kind's attributions in request order")
        << "SELECT request_id, process_id, confidence FROM proxy_attributions WHERE request_id >= ? AND confidence >= "
           "? "
           "ORDER BY request_id"
        << false;
    QTest::newRow("scoring: the events matched to a part's requests")
        << "SELECT matched_event_id FROM dns_attributions WHERE request_id BETWEEN ? AND ? AND matched_event_id IS NOT "
           "NULL"
        << false;
    QTest::newRow("timeline: a process's proxy requests")
        << "SELECT request_id FROM proxy_attributions WHERE process_id = ?" << false;
    QTest::newRow("alert detail: how a channel's requests were attributed")
        << "SELECT CASE method WHEN 0 THEN 'five-tuple' END, count(*), sum(confidence) FROM dns_attributions WHERE "
           "request_id IN (?, ?, ?) GROUP BY method"
        << true;
    // The `attributions` view (v2's shape, for tests and hand queries): one request's row is a
    // lookup in its kind's table, not a scan of both.
    QTest::newRow("the attributions view: one request")
        << "SELECT process_id, method FROM attributions WHERE request_kind = 'proxy' AND request_id = ?" << false;
    QTest::newRow("the attributions view: a process's")
        << "SELECT request_kind, request_id FROM attributions WHERE process_id = ?" << false;
    for (const AskedHostRead& r : kAskedHostReads) {
        QTest::newRow(r.name) << QString::fromLatin1(r.sql) << false;
    }
}

void TestQueryPlans::attributorReadsAskedHostsByIndex_data() {
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("index");
    for (const AskedHostRead& r : kAskedHostReads) {
        QTest::newRow(r.name) << QString::fromLatin1(r.sql) << QString::fromLatin1(r.index);
    }
}

// Not the row id range (`id > ?1`), which reads the whole table from the scope's first id.
void TestQueryPlans::attributorReadsAskedHostsByIndex() {
    QFETCH(QString, sql);
    QFETCH(QString, index);
    const QStringList steps = plan(store_->db(), sql);
    QVERIFY(!steps.isEmpty());
    QVERIFY2(steps.first().contains(QStringLiteral("INDEX ") + index + QStringLiteral(" (host_id=?)")),
             qPrintable(steps.first()));
}

void TestQueryPlans::usesAnIndex() {
    QFETCH(QString, sql);
    QFETCH(bool, smallSort);
    const QStringList steps = plan(store_->db(), sql);
    qInfo("%s", qPrintable(steps.join(QStringLiteral(" | "))));
    QVERIFY(!steps.isEmpty());
    for (const QString& step : steps) {
        // "SCAN t" reads a whole table; "SCAN t USING ... INDEX" a whole index: both grow with the case.
        QVERIFY2(!step.startsWith(QStringLiteral("SCAN")), qPrintable(step));
        QVERIFY2(smallSort || !step.contains(QStringLiteral("USE TEMP B-TREE")), qPrintable(step));
    }
}

// The views in schema 3's shape over the slim rows (schema 4) look text up only for the columns a
// query reads: counting or summing through them reads the row table alone.
void TestQueryPlans::viewsReadOnlyWhatIsAsked_data() {
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("table");
    QTest::newRow("count proxy") << "SELECT count(*) FROM proxy_events"
                                 << "proxy_rows";
    QTest::newRow("time span proxy") << "SELECT min(ts_us), max(ts_us) FROM proxy_events"
                                     << "proxy_rows";
    QTest::newRow("per host proxy") << "SELECT host_id, count(*) FROM proxy_events WHERE host_id IS NOT NULL "
                                       "GROUP BY host_id"
                                    << "proxy_rows";
    QTest::newRow("count dns") << "SELECT count(*) FROM dns_events"
                               << "dns_rows";
}

void TestQueryPlans::viewsReadOnlyWhatIsAsked() {
    QFETCH(QString, sql);
    QFETCH(QString, table);
    const QStringList steps = plan(store_->db(), sql);
    qInfo("%s", qPrintable(steps.join(QStringLiteral(" | "))));
    // One step: the row table (alias p or r, or its index); no lookup of strings or domains.
    QCOMPARE(steps.size(), 1);
    QVERIFY2(steps.front().contains(QRegularExpression(QStringLiteral("^(SCAN|SEARCH) (p|r)\\b"))) ||
                 steps.front().contains(table),
             qPrintable(steps.front()));
}

// The alert queue as it opens (the model's own default filter and order: unsuppressed, highest
// score first): its first page and an anchored page read the rows in order through an index, and
// stop after a page; a sort of every unsuppressed row (USE TEMP B-TREE FOR ORDER BY) before the
// first row shows would grow with the case (issue 20). Statistics of 5,000 alerts, a tenth suppressed.
void TestQueryPlans::queueDefaultOrderReadsItsIndex() {
    auto store = CaseStore::open(dir_.filePath(QStringLiteral("queue.socwb")));
    sqlite3* db = store->db();
    execSql(db, "INSERT INTO suppressions(id, destination, reason, author, created_at) VALUES "
                "(1, 'example.com', 'plans', 'test', '2026-01-01T00:00:00Z');"
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
                "INSERT INTO alerts(channel_key, host, destination, requests, first_ts, last_ts, features, score, "
                "suppressed_by) SELECT 'k' || i, 'h' || (i % 50), 'd' || (i % 300), 10, 0, 1, '{}', (i * 37) % 100, "
                "CASE WHEN i % 10 = 0 THEN 1 END FROM n;"
                "ANALYZE");
    AlertTableModel model;
    const AlertQuery query = model.query();
    QCOMPARE(query.where, QStringLiteral("a.suppressed_by IS NULL")); // what the queue shows first
    for (const bool anchored : {false, true}) {
        const QStringList steps = plan(db, alertPageSql(query, anchored));
        qInfo("%s", qPrintable(steps.join(QStringLiteral(" | "))));
        for (const QString& step : steps) {
            QVERIFY2(!step.contains(QStringLiteral("TEMP B-TREE")), qPrintable(step));
        }
        // The alerts are read through the queue's index: in its order, a range when anchored.
        const QStringList alerts = steps.filter(
            QRegularExpression(QStringLiteral("^(SCAN|SEARCH) a USING (COVERING )?INDEX alerts_queue\\b")));
        QVERIFY2(alerts.size() == 1, qPrintable(steps.join(QStringLiteral(" | "))));
        QVERIFY2(!anchored || alerts.front().startsWith(QStringLiteral("SEARCH")), qPrintable(alerts.front()));
    }
}

// A re-score (issue 20, schema 13) reads the alerts' ids from an index, not from the alert rows
// (each several KB, with its features JSON), and the compact rows in id order without a sort.
void TestQueryPlans::rescoreReadsNarrowRows() {
    auto store = CaseStore::open(dir_.filePath(QStringLiteral("rescore.socwb")));
    sqlite3* db = store->db();
    execSql(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                "INSERT INTO alerts(channel_key, host, destination, requests, first_ts, last_ts, features, score) "
                "SELECT 'k' || i, 'h' || (i % 50), 'd' || (i % 300), 10, 0, 1, '{}', i % 100 FROM n;"
                "INSERT INTO alert_features(alert_id, features, result) SELECT id, x'01', id FROM alerts;"
                "ANALYZE");
    const QStringList ids = plan(db, QString::fromLatin1(ScoringEngine::kRescoreIdsSql));
    QVERIFY2(ids.size() == 1 && ids.front().contains(QRegularExpression(QStringLiteral("USING COVERING INDEX"))),
             qPrintable(ids.join(QStringLiteral(" | "))));
    const QStringList narrow = plan(db, QString::fromLatin1(ScoringEngine::kRescoreNarrowSql));
    QVERIFY2(narrow.size() == 1 && narrow.front() == QStringLiteral("SCAN alert_features"),
             qPrintable(narrow.join(QStringLiteral(" | "))));
    // A full score (schema 14) finds each channel's row and digests the same way: the keys from
    // their own index, the digests from the narrow rows.
    const QStringList keys = plan(db, QString::fromLatin1(ScoringEngine::kStoredKeysSql));
    QVERIFY2(keys.size() == 1 && keys.front() == QStringLiteral("SCAN alerts USING COVERING INDEX "
                                                                "sqlite_autoindex_alerts_1"),
             qPrintable(keys.join(QStringLiteral(" | "))));
    const QStringList digests = plan(db, QString::fromLatin1(ScoringEngine::kStoredDigestsSql));
    QVERIFY2(digests.size() == 1 && digests.front() == QStringLiteral("SCAN alert_features"),
             qPrintable(digests.join(QStringLiteral(" | "))));
}

QTEST_GUILESS_MAIN(TestQueryPlans)
#include "tst_query_plans.moc"
