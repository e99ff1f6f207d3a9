// Network sensor evidence in a case (issue 26): what Zeek conn/ssl logs and Suricata eve.json
// become (sensor_conn_rows, tls_rows, sensor_alerts, proxy and DNS rows), each row back to its
// line; connections named by their TLS server name through the uid; the originator's address
// linked to a host as a proxy client's is, and to a Sysmon process by five-tuple; what each file
// became (evidence_contents); the host timeline's sensor lane; the upgrade of an older case.
#include "charts/channel_series.h"
#include "charts/timeline_query.h"
#include "collecting_sink.h"
#include "core/resources.h"
#include "scoring/channel_builder.h"
#include "scoring/channel_members.h"
#include "scoring/channel_scorer.h"
#include "scoring/scoring_config.h"
#include "scoring/scoring_engine.h"
#include "scoring/web_service_catalog.h"
#include "store/case_store.h"
#include "store/case_summary.h"
#include "store/schema.h"
#include "store/statement.h"
#include "tables/alert_detail.h"
#include "tables/alert_table_model.h"
#include "tables/channel_sensor_model.h"
#include "tables/host_table_model.h"
#include "test_paths.h"

#include <QSignalSpy>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace socwb;
using namespace socwb::test;

namespace {

QStringList rows(sqlite3* db, const std::string& sql) {
    Statement st(db, sql);
    QStringList out;
    while (st.step()) {
        QStringList cols;
        for (int c = 0; c < st.columnCount(); ++c) {
            cols << (st.isNull(c) ? QStringLiteral("NULL") : QString::fromStdString(st.text(c)));
        }
        out << cols.join(QLatin1Char('|'));
    }
    return out;
}

int64_t count(sqlite3* db, const std::string& sql) {
    return queryInt(db, sql).value_or(-1);
}

QStringList linesOf(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    QStringList out;
    for (const QByteArray& l : f.readAll().split('\n')) {
        out << QString::fromUtf8(l);
    }
    return out;
}

// Every row of the query (path, line, text the line must hold) leads back to a line holding it.
int checkProvenance(sqlite3* db, const std::string& sql) {
    Statement st(db, sql);
    int checked = 0;
    while (st.step()) {
        const QString file = QString::fromStdString(st.text(0));
        const QStringList lines = linesOf(file);
        const int64_t line = st.int64(1);
        if (line < 1 || line > lines.size()) {
            qWarning("%s: no line %lld", qPrintable(file), static_cast<long long>(line));
            return -1;
        }
        if (!lines.at(int(line - 1)).contains(QString::fromStdString(st.text(2)))) {
            qWarning("%s:%lld lacks %s", qPrintable(file), static_cast<long long>(line), st.text(2).c_str());
            return -1;
        }
        ++checked;
    }
    return checked;
}

// Zeek TSV conn.log and ssl.log headers with the columns the channel tests write, and one TLS
// poll: its connection (duration in s, payload bytes each way) and its session with the same uid.
constexpr const char* kConnHeader =
    "#separator \\x09\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\t"
    "duration\torig_bytes\tresp_bytes\tconn_state\n#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\t"
    "interval\tcount\tcount\tstring\n";
constexpr const char* kSslHeader =
    "#separator \\x09\n#path\tssl\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\t"
    "server_name\testablished\n#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\tbool\n";

struct TlsPoll {
    QByteArray ts, uid, origIp;
    int origPort;
    QByteArray respIp, duration;
    qint64 out, in;
    QByteArray sni;
    QByteArray connLine() const {
        return ts + "\t" + uid + "\t" + origIp + "\t" + QByteArray::number(origPort) + "\t" + respIp +
               "\t443\ttcp\tssl\t" + duration + "\t" + QByteArray::number(out) + "\t" + QByteArray::number(in) +
               "\tSF\n";
    }
    QByteArray sslLine() const {
        return ts + "\t" + uid + "\t" + origIp + "\t" + QByteArray::number(origPort) + "\t" + respIp +
               "\t443\tTLSv13\t" + sni + "\tT\n";
    }
};

// Writes the polls as a Zeek conn.log and ssl.log pair, and then more conn.log lines.
bool writeZeekPair(const QString& connPath, const QString& sslPath, const std::vector<TlsPoll>& polls,
                   const QByteArray& moreConn = {}) {
    QFile conn(connPath), ssl(sslPath);
    if (!conn.open(QIODevice::WriteOnly) || !ssl.open(QIODevice::WriteOnly)) {
        return false;
    }
    conn.write(kConnHeader);
    ssl.write(kSslHeader);
    for (const TlsPoll& poll : polls) {
        conn.write(poll.connLine());
        ssl.write(poll.sslLine());
    }
    conn.write(moreConn);
    return true;
}

// The alert ids of a scored case by host name.
QMap<QString, qint64> alertsByHost(sqlite3* db) {
    QMap<QString, qint64> out;
    Statement st(db, "SELECT host, id FROM alerts ORDER BY id");
    while (st.step()) {
        out.insert(QString::fromStdString(st.text(0)), st.int64(1));
    }
    return out;
}

} // namespace

class TestSensorEvidence : public QObject {
    Q_OBJECT
  private:
    QTemporaryDir tmp_;
    std::unique_ptr<CaseStore> freshCase(const QString& name) {
        const QString p = tmp_.filePath(name);
        QFile::remove(p);
        return CaseStore::open(p);
    }

  private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }
    void zeekConnAndSsl();
    void suricataEve();
    void hostLinkingAndAttribution_data();
    void hostLinkingAndAttribution();
    void inventoryNamesSensorHosts();
    void hostTableCountsSensorConnections();
    void timelineSensorLane();
    void cliInfoCounts();
    void upgradeFromSchema3();
    void realApt29IsNoLongerRefused();
    void realLsassWithItsSysmon();
    void sensorConnectionsAreChannelMembers();
    void generatedSensorOnlyCase_data();
    void generatedSensorOnlyCase();
    void sensorDurationWords();
    void oneWayFromBytesEachWay();
    void detailNamesTheSensor();
    void sensorAlertShownOnItsChannel();
};

void TestSensorEvidence::zeekConnAndSsl() {
    auto store = freshCase(QStringLiteral("zeek.socwb"));
    sqlite3* db = store->db();
    // ssl.log first: the join is by uid, whichever came first.
    const ImportResult ssl = importInto(*store, fixture(QStringLiteral("zeek/ssl.log")));
    const ImportResult conn = importInto(*store, fixture(QStringLiteral("zeek/conn.log")));
    QCOMPARE(ssl.status, QStringLiteral("imported"));
    QCOMPARE(ssl.format, QStringLiteral("zeek-ssl"));
    QCOMPARE(conn.format, QStringLiteral("zeek-conn"));
    QCOMPARE(conn.accepted, int64_t(6));
    QCOMPARE(ssl.accepted, int64_t(4));
    QCOMPARE(count(db, "SELECT count(*) FROM sensor_conn_rows"), int64_t(6));
    QCOMPARE(count(db, "SELECT count(*) FROM tls_rows"), int64_t(4));
    // A connection named by its TLS server name.
    QCOMPARE(rows(db, "SELECT c.uid, c.resp_ip, t.server_name, t.version FROM sensor_connections c JOIN tls_sessions t "
                      "ON t.uid = c.uid ORDER BY c.ts_us"),
             (QStringList{"CHhAvVGS1DHFjwGM9|149.154.167.220|api.telegram.org|TLSv12",
                          "CmES5u32sYpV7JYN|2001:db8::443|ipv6.example.net|TLSv13"}));
    // The server name is a domain like any other: registrable and service domains from the PSL.
    QCOMPARE(rows(db, "SELECT d.name, d.reg_domain FROM tls_rows t JOIN domains d ON d.id = t.domain_id "
                      "WHERE t.uid = 'CHhAvVGS1DHFjwGM9'"),
             QStringList{"api.telegram.org|telegram.org"});
    // The view gives every stored column back as the log had it.
    QCOMPARE(
        rows(db, "SELECT ts_us, duration_us, orig_ip, orig_port, resp_ip, resp_port, proto, service, orig_bytes, "
                 "resp_bytes, orig_ip_bytes, resp_ip_bytes, orig_pkts, resp_pkts, state, history, sensor "
                 "FROM sensor_connections WHERE uid = 'CP5puj4I8PtEU4qzYg'"),
        QStringList{"1709287204750000|NULL|10.1.2.6|49152|198.51.100.20|80|tcp|NULL|NULL|NULL|52|0|1|0|S0|S|NULL"});
    // Hosts from the originators, each with its connections; the responders are not hosts.
    QCOMPARE(rows(db, "SELECT h.name, count(*) FROM sensor_conn_rows c JOIN hosts h ON h.id = c.host_id "
                      "GROUP BY h.name ORDER BY h.name"),
             (QStringList{"10.1.2.3|2", "10.1.2.5|1", "10.1.2.6|1", "10.1.2.7|1", "2001:db8::5|1"}));
    QCOMPARE(count(db, "SELECT count(*) FROM hosts WHERE name = '149.154.167.220'"), int64_t(0));
    QCOMPARE(rows(db, "SELECT v.format, c.kind, c.records FROM evidence_contents c JOIN evidence v ON v.id = "
                      "c.evidence_id ORDER BY v.id"),
             (QStringList{"zeek-ssl|tls|4", "zeek-conn|connections|6"}));
    // Every row leads back to its line.
    QCOMPARE(checkProvenance(db, "SELECT v.path, c.line_no, c.uid FROM sensor_conn_rows c JOIN evidence v ON v.id = "
                                 "c.evidence_id"),
             6);
    QCOMPARE(checkProvenance(db, "SELECT v.path, t.line_no, t.uid FROM tls_rows t JOIN evidence v ON v.id = "
                                 "t.evidence_id"),
             4);
}

void TestSensorEvidence::suricataEve() {
    auto store = freshCase(QStringLiteral("eve.socwb"));
    sqlite3* db = store->db();
    const ImportResult r = importInto(*store, fixture(QStringLiteral("suricata/eve.json")));
    QCOMPARE(r.status, QStringLiteral("imported"));
    QCOMPARE(r.format, QStringLiteral("suricata-eve"));
    QCOMPARE(r.accepted, int64_t(13));
    QCOMPARE(r.rejected, int64_t(0));
    QCOMPARE(r.message,
             QStringLiteral("eve.json: 13 records imported as suricata-eve (2 proxy requests, 5 DNS queries, "
                            "3 connections, 2 TLS sessions, 1 alert), 0 rejected"));
    QCOMPARE(count(db, "SELECT count(*) FROM proxy_events"), int64_t(2));
    QCOMPARE(count(db, "SELECT count(*) FROM dns_events"), int64_t(5));
    QCOMPARE(count(db, "SELECT count(*) FROM sensor_conn_rows"), int64_t(3));
    QCOMPARE(count(db, "SELECT count(*) FROM tls_rows"), int64_t(2));
    QCOMPARE(count(db, "SELECT count(*) FROM sensor_alerts"), int64_t(1));
    // The flow, its TLS session and the alert on it share the flow id.
    QCOMPARE(rows(db, "SELECT t.server_name, a.signature_id, a.severity, c.orig_ip_bytes, c.sensor FROM "
                      "sensor_connections c JOIN tls_sessions t ON t.uid = c.uid JOIN sensor_alerts a ON a.uid = "
                      "c.uid"),
             QStringList{"api.telegram.org|2033966|2|2152|suri-edge-1"});
    // http and dns events are proxy and DNS rows of this file, with their lines.
    QCOMPARE(rows(db, "SELECT line_no, url, client_ip FROM proxy_events ORDER BY id"),
             (QStringList{"7|http://www.example.com:8080/index.html?q=1|10.1.2.4",
                          "17|http://files.example.net/a.exe|10.1.2.8"}));
    QCOMPARE(rows(db, "SELECT e.line_no, d.name, e.answers FROM dns_events e JOIN domains d ON d.id = e.domain_id "
                      "ORDER BY e.id LIMIT 2"),
             (QStringList{"3|raw.githubusercontent.com|github.map.fastly.net,185.199.108.133,185.199.109.133",
                          "9|pastebin.com|104.20.67.143,172.67.34.170"}));
    // What the file became, as the evidence table and `info` show it.
    const CaseSummary s = summarize(db);
    QCOMPARE(s.sensorConnections, int64_t(3));
    QCOMPARE(s.tlsSessions, int64_t(2));
    QCOMPARE(s.sensorAlerts, int64_t(1));
    QCOMPARE(s.evidence.size(), 1);
    QCOMPARE(contentsText(s.evidence[0].contents),
             QStringLiteral("2 proxy requests, 5 DNS queries, 3 connections, 2 TLS sessions, 1 alert"));
    const QJsonObject json = toJson(s);
    QCOMPARE(json.value("counts").toObject().value("sensor_connections").toInteger(), 3);
    QCOMPARE(json.value("counts").toObject().value("tls_sessions").toInteger(), 2);
    QCOMPARE(json.value("counts").toObject().value("sensor_alerts").toInteger(), 1);
    QCOMPARE(json.value("evidence").toArray()[0].toObject().value("contents").toObject().value("tls").toInteger(), 2);
    // Every row back to its line: the flow id is on each.
    for (const char* sql :
         {"SELECT v.path, c.line_no, c.uid FROM sensor_conn_rows c JOIN evidence v ON v.id = c.evidence_id",
          "SELECT v.path, t.line_no, t.uid FROM tls_rows t JOIN evidence v ON v.id = t.evidence_id",
          "SELECT v.path, a.line_no, a.signature FROM sensor_alerts a JOIN evidence v ON v.id = a.evidence_id",
          "SELECT v.path, e.line_no, e.client_ip FROM proxy_events e JOIN evidence v ON v.id = e.evidence_id",
          "SELECT v.path, e.line_no, d.name FROM dns_events e JOIN evidence v ON v.id = e.evidence_id JOIN domains d "
          "ON d.id = e.domain_id"}) {
        QVERIFY2(checkProvenance(db, sql) > 0, sql);
    }
}

void TestSensorEvidence::hostLinkingAndAttribution_data() {
    QTest::addColumn<bool>("sysmonFirst");
    QTest::newRow("Sysmon first") << true;
    QTest::newRow("sensor first") << false;
}

void TestSensorEvidence::hostLinkingAndAttribution() {
    QFETCH(bool, sysmonFirst);
    auto store = freshCase(QStringLiteral("attr.socwb"));
    sqlite3* db = store->db();
    const QString sysmon = fixture(QStringLiteral("sysmon/process_tree.xml"));
    const QString conn = fixture(QStringLiteral("zeek/conn_attribution.log"));
    for (const QString& f : sysmonFirst ? QStringList{sysmon, conn} : QStringList{conn, sysmon}) {
        QCOMPARE(importInto(*store, f).status, QStringLiteral("imported"));
    }
    // 10.1.2.3 was WS-ALICE's address (its EID 3 events say so): the sensor's connections are
    // that host's, as proxy lines from the address would be.
    QCOMPARE(rows(db, "SELECT h.name, count(*) FROM sensor_conn_rows c JOIN hosts h ON h.id = c.host_id GROUP BY 1"),
             QStringList{"WS-ALICE.corp.example|6"});
    // Five-tuple: the EID 3 with the same addresses, ports and time. updater.exe and pythonw.exe
    // both reached 149.154.167.220:443 within 300 ms; the source port tells them apart, and the
    // connection whose source port was not logged stays unattributed (nothing is guessed), as
    // does the one with no EID 3 near it.
    QCOMPARE(rows(db,
                  "SELECT c.uid, p.image, a.method, a.confidence, a.skew_ms FROM sensor_attributions a JOIN "
                  "sensor_conn_rows c ON c.id = a.conn_id JOIN processes p ON p.id = a.process_id ORDER BY c.ts_us"),
             (QStringList{"CAtt1powershell01|C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe|five-tuple|"
                          "0.95|-50",
                          "CAtt2updater00002|C:\\Users\\alice\\AppData\\Local\\Temp\\updater.exe|five-tuple|0.95|10",
                          "CAtt4pythonw00004|C:\\Python311\\pythonw.exe|five-tuple|0.95|20",
                          "CAtt5cmd000000005|C:\\Windows\\System32\\cmd.exe|five-tuple|0.95|-100"}));
    // The Sysmon event that tied each one.
    QCOMPARE(count(db, "SELECT count(*) FROM sensor_attributions a JOIN sysmon_events s ON s.id = a.matched_event_id "
                       "WHERE s.event_id = 3"),
             int64_t(4));
    // The scoring pass's attribution table is left alone (sensor connections are not channels yet).
    QCOMPARE(count(db, "SELECT count(*) FROM attributions WHERE request_kind NOT IN ('proxy', 'dns')"), int64_t(0));
    // The timeline's process filter shows what the process did on the sensor's lane too.
    const int64_t host = count(db, "SELECT id FROM hosts WHERE name = 'WS-ALICE.corp.example'");
    const int64_t pythonw = count(db, "SELECT id FROM processes WHERE image LIKE '%pythonw.exe'");
    QCOMPARE(TimelineQuery(db, host, pythonw).minuteCounts().total(TimelineQuery::SensorLane), int64_t(1));
    QCOMPARE(TimelineQuery(db, host).minuteCounts().total(TimelineQuery::SensorLane), int64_t(6));
}

void TestSensorEvidence::inventoryNamesSensorHosts() {
    auto store = freshCase(QStringLiteral("assets.socwb"));
    sqlite3* db = store->db();
    importInto(*store, fixture(QStringLiteral("zeek/conn.log")));
    importInto(*store, fixture(QStringLiteral("zeek/ssl.log")));
    const QString assets = tmp_.filePath(QStringLiteral("assets.csv"));
    QFile f(assets);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("ip,hostname,role,owner\n10.1.2.3,ws-alice,workstation,alice\n");
    f.close();
    QCOMPARE(importInto(*store, assets, QStringLiteral("assets")).status, QStringLiteral("imported"));
    QCOMPARE(rows(db, "SELECT h.name, h.role, count(*) FROM sensor_conn_rows c JOIN hosts h ON h.id = c.host_id WHERE "
                      "h.name = 'ws-alice'"),
             QStringList{"ws-alice|workstation|2"});
    QCOMPARE(rows(db, "SELECT h.name FROM tls_rows t JOIN hosts h ON h.id = t.host_id WHERE t.uid = "
                      "'CHhAvVGS1DHFjwGM9'"),
             QStringList{"ws-alice"});
    QCOMPARE(count(db, "SELECT count(*) FROM hosts WHERE name = '10.1.2.3'"), int64_t(0));
}

void TestSensorEvidence::hostTableCountsSensorConnections() {
    const QString c = tmp_.filePath(QStringLiteral("hosts.socwb"));
    {
        auto store = freshCase(QStringLiteral("hosts.socwb"));
        importInto(*store, fixture(QStringLiteral("zeek/conn.log")));
    }
    HostTableModel model;
    QSignalSpy loaded(&model, &HostTableModel::loaded);
    model.setCase(c);
    QVERIFY(loaded.wait(10000));
    model.sort(HostTableModel::SensorColumn, Qt::DescendingOrder);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(model.headerData(HostTableModel::SensorColumn, Qt::Horizontal).toString(), QStringLiteral("Sensor"));
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.index(0, HostTableModel::NameColumn).data().toString(), QStringLiteral("10.1.2.3"));
    QCOMPARE(model.index(0, HostTableModel::SensorColumn).data().toString(), QStringLiteral("2"));
    QCOMPARE(model.index(4, HostTableModel::SensorColumn).data().toString(), QStringLiteral("1"));
}

void TestSensorEvidence::timelineSensorLane() {
    auto store = freshCase(QStringLiteral("lane.socwb"));
    sqlite3* db = store->db();
    importInto(*store, fixture(QStringLiteral("zeek/conn.log")));
    importInto(*store, fixture(QStringLiteral("zeek/ssl.log")));
    importInto(*store, fixture(QStringLiteral("suricata/eve.json")));
    const int64_t host = count(db, "SELECT id FROM hosts WHERE name = '10.1.2.3'");
    TimelineQuery q(db, host);
    QCOMPARE(TimelineQuery::laneNames().at(TimelineQuery::SensorLane), QStringLiteral("Sensor connections"));
    // Zeek's two connections of 10.1.2.3 and Suricata's two flows of it.
    QCOMPARE(q.minuteCounts().total(TimelineQuery::SensorLane), int64_t(4));
    const QVector<TimelineEvent> events =
        q.events(TimelineQuery::SensorLane, us("2024-03-01T10:00:00Z"), us("2024-03-01T10:00:02Z"), 10);
    QCOMPARE(events.size(), 4);
    // Named by the TLS server name of the same uid; payload bytes where Zeek logs them, IP bytes
    // (Suricata) otherwise.
    QCOMPARE(events[0].summary, QStringLiteral("tcp 10.1.2.3:50123 -> api.telegram.org:443 ssl 1520/4811 B SF"));
    QCOMPARE(events[1].summary, QStringLiteral("tcp 10.1.2.3:50123 -> api.telegram.org:443 tls 2152/5335 B closed"));
    QCOMPARE(events[2].summary, QStringLiteral("udp 10.1.2.3:53211 -> 10.1.0.53:53 dns 34/50 B SF"));
    // The record names who saw it and where it came from, with its TLS session and alerts.
    const QString zeek = TimelineQuery::record(db, TimelineQuery::SensorLane, events[0].id);
    QVERIFY2(zeek.contains(QStringLiteral("Provenance: %1 (zeek-conn), line 9").arg(fixture("zeek/conn.log"))),
             qPrintable(zeek));
    QVERIFY2(zeek.contains(QStringLiteral("Seen by: Zeek conn.log (the log does not name its sensor)")),
             qPrintable(zeek));
    QVERIFY2(zeek.contains(QStringLiteral("TLS session: server name api.telegram.org, TLSv12, established yes, JA3 "
                                          "e7d705a3286e19ea42f587b344ee6865, JA3S ec74a5c51106f0419184d0dd08fb05bc, "
                                          "JA4 t13d1516h2_8daaf6152771_b0da82dd1658, certificate subject "
                                          "CN=api.telegram.org,O=Telegram Messenger Inc,C=GB")),
             qPrintable(zeek));
    QVERIFY2(zeek.contains(QStringLiteral("from %1 (zeek-ssl), line 9").arg(fixture("zeek/ssl.log"))),
             qPrintable(zeek));
    const QString suri = TimelineQuery::record(db, TimelineQuery::SensorLane, events[1].id);
    QVERIFY2(suri.contains(QStringLiteral("Seen by: sensor suri-edge-1, Suricata eve.json")), qPrintable(suri));
    QVERIFY2(suri.contains(QStringLiteral("Sensor alert (severity 2): ET POLICY Observed Telegram API Domain (api "
                                          ".telegram .org in TLS SNI) [sid 2033966] Potentially Bad Traffic")),
             qPrintable(suri));
    QVERIFY2(suri.contains(QStringLiteral("from %1 (suricata-eve), line 2").arg(fixture("suricata/eve.json"))),
             qPrintable(suri));
    // The merged page puts the lane among the others in (time, lane, id) order.
    const QVector<TimelineEvent> page = q.page(us("2024-03-01T10:00:00Z"), us("2024-03-01T10:00:02Z"), {}, 20);
    QCOMPARE(page.size(), 5); // four connections and one DNS query (eve.json line 3)
    QCOMPARE(page[0].lane, int(TimelineQuery::SensorLane));
    QCOMPARE(page[2].lane, int(TimelineQuery::DnsLane));
    // Read by key through the lane's index, never a scan or a sort of the table.
    const QString plan = q.pagePlan(TimelineQuery::SensorLane);
    QVERIFY2(plan.contains(QStringLiteral("sensor_conn_rows_host_ts")), qPrintable(plan));
    QVERIFY2(!plan.contains(QStringLiteral("TEMP B-TREE")), qPrintable(plan));
    QVERIFY2(!plan.contains(QStringLiteral("SCAN t")), qPrintable(plan)); // the TLS name by its uid index
}

void TestSensorEvidence::cliInfoCounts() {
    const QString c = tmp_.filePath(QStringLiteral("cli.socwb"));
    QFile::remove(c);
    const CliRun imp = runCli({QStringLiteral("import"), c, fixture(QStringLiteral("suricata/eve.json")),
                               fixture(QStringLiteral("zeek/conn.log"))});
    QCOMPARE(imp.exitCode, 0);
    const CliRun info = runCli({QStringLiteral("info"), c});
    QCOMPARE(info.exitCode, 0);
    const QString out = QString::fromUtf8(info.out);
    QVERIFY2(out.contains(QStringLiteral("\nsensor connections: 9\ntls sessions: 2\nsensor alerts: 1\n")),
             qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("    2 proxy requests, 5 DNS queries, 3 connections, 2 TLS sessions, 1 "
                                         "alert\n")),
             qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("  10.1.2.3  10.1.2.3  proxy 0, dns 2, sensor 4, processes 0")),
             qPrintable(out));
    const QJsonObject j =
        QJsonDocument::fromJson(runCli({QStringLiteral("info"), c, QStringLiteral("--json")}).out).object();
    QCOMPARE(j.value("counts").toObject().value("sensor_connections").toInteger(), 9);
}

void TestSensorEvidence::upgradeFromSchema3() {
    const QString p = tmp_.filePath(QStringLiteral("v3.socwb"));
    QFile::remove(p);
    QVERIFY(QFile::copy(fixture(QStringLiteral("cases/v3.socwb")), p));
    QFile::setPermissions(p, QFile::ReadOwner | QFile::WriteOwner);
    auto store = CaseStore::open(p);
    sqlite3* db = store->db();
    QCOMPARE(store->schemaVersion(), schema::latestVersion());
    QCOMPARE(store->upgradedFrom(), 3);
    // What each earlier file became, from the rows it left.
    QCOMPARE(count(db, "SELECT sum(records) FROM evidence_contents WHERE kind = 'proxy'"),
             count(db, "SELECT count(*) FROM proxy_rows"));
    QCOMPARE(count(db, "SELECT sum(records) FROM evidence_contents WHERE kind = 'dns'"),
             count(db, "SELECT count(*) FROM dns_rows"));
    QCOMPARE(count(db, "SELECT sum(records) FROM evidence_contents WHERE kind = 'windows-events'"),
             count(db, "SELECT count(*) FROM sysmon_events"));
    QCOMPARE(count(db, "SELECT count(*) FROM proxy_rows"), int64_t(44));
    // The inventory's rows are hosts, not events: its accepted count stands for them.
    QCOMPARE(rows(db, "SELECT v.format, c.records FROM evidence_contents c JOIN evidence v ON v.id = c.evidence_id "
                      "WHERE c.kind = 'assets'"),
             QStringList{"assets|2"});
    // Every file of the case says what it became.
    QCOMPARE(count(db, "SELECT count(*) FROM evidence WHERE id NOT IN (SELECT evidence_id FROM evidence_contents)"),
             int64_t(0));
    for (const char* table : {"sensor_conn_rows", "tls_rows", "sensor_alerts", "sensor_attributions"}) {
        QCOMPARE(count(db, std::string("SELECT count(*) FROM ") + table), int64_t(0));
    }
    QCOMPARE(count(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN "
                       "('sensor_conn_rows_host_ts', 'tls_rows_host_ts', 'tls_rows_uid')"),
             int64_t(3));
    // And the upgraded case takes sensor logs.
    QCOMPARE(importInto(*store, fixture(QStringLiteral("zeek/conn.log"))).accepted, int64_t(6));
    QCOMPARE(count(db, "SELECT count(*) FROM sensor_connections"), int64_t(6));
}

void TestSensorEvidence::realApt29IsNoLongerRefused() {
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent: the APT29 capture not checked");
    }
    auto store = freshCase(QStringLiteral("apt29.socwb"));
    sqlite3* db = store->db();
    const struct {
        const char* file;
        const char* format;
        int64_t records;
    } files[] = {{"day1_NASHUA_conn.log", "zeek-conn", 479},
                 {"day1_NASHUA_dns.log", "zeek-dns", 21},
                 {"day1_SCRANTON_conn.log", "zeek-conn", 134},
                 {"day1_SCRANTON_dns.log", "zeek-dns", 32},
                 {"day1_SCRANTON_http.log", "zeek-http", 62}};
    for (const auto& f : files) {
        const ImportResult r =
            importInto(*store, sharedData(QStringLiteral("zeek/otrf-apt29-day1/") + QLatin1String(f.file)));
        QCOMPARE(r.status, QStringLiteral("imported"));
        QCOMPARE(r.format, QString::fromLatin1(f.format));
        QCOMPARE(r.accepted, f.records);
        QCOMPARE(r.rejected, int64_t(0));
    }
    // Each capture names its sensor.
    QCOMPARE(rows(db, "SELECT sensor, count(*) FROM sensor_connections GROUP BY 1 ORDER BY 1"),
             (QStringList{"bobs.bigwheel.local|479", "simplerockbuild.simplerock.lan|134"}));
}

void TestSensorEvidence::realLsassWithItsSysmon() {
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent: the LSASS campaign not checked");
    }
    auto store = freshCase(QStringLiteral("lsass.socwb"));
    sqlite3* db = store->db();
    for (const char* f : {"zeek/otrf-lsass07/conn.log", "zeek/otrf-lsass07/ssl.log",
                          "sysmon/json/DERIVED_nanodump_sysmon_1_3_22_only.json"}) {
        QCOMPARE(importInto(*store, sharedData(QString::fromLatin1(f))).status, QStringLiteral("imported"));
    }
    QCOMPARE(count(db, "SELECT count(*) FROM sensor_conn_rows"), int64_t(566));
    QCOMPARE(count(db, "SELECT count(*) FROM sensor_connections c JOIN tls_sessions t ON t.uid = c.uid"), int64_t(2));
    // The campaign host's Sysmon says 192.168.56.30 was MKT01: its 561 connections go there.
    QCOMPARE(rows(db, "SELECT h.name, count(*) FROM sensor_conn_rows c JOIN hosts h ON h.id = c.host_id "
                      "GROUP BY 1 ORDER BY 2 DESC LIMIT 1"),
             QStringList{"MKT01.pandalab.com|561"});
    // The public Sysmon excerpt was recorded 22 hours before the Zeek capture: no EID 3 is near
    // any connection, and none is attributed.
    QCOMPARE(count(db, "SELECT count(*) FROM sensor_attributions"), int64_t(0));
    QVERIFY(count(db, "SELECT min(ts_us) FROM sensor_conn_rows") - count(db, "SELECT max(ts_us) FROM net_connections") >
            int64_t(3600) * 1000000);
}

// one_way from the bytes each way where no HTTP is visible (#26). Four hosts poll the Telegram Bot
// API over TLS every 300 s, seen only by Zeek (conn + ssl):
//  - 10.1.2.3 uploads a steady 930 B (its handshake and a getUpdates) and gets 4,930 B back, 9,000
//    B the 3 times there were updates: a one-way reader;
//  - 10.1.2.4 uploads 60 kB every time (a client sending files);
//  - 10.1.2.5 uploads 900 B and gets 400 B back: small uploads, but larger than the answers;
//  - 10.1.2.6 uploads 930 B 7 times and 5,200 B 3 times: small in only 70 % of its connections.
// Before, no connection's bytes were read: each got "no proxy records of this channel", 0 points.
void TestSensorEvidence::oneWayFromBytesEachWay() {
    const QString connPath = tmp_.filePath(QStringLiteral("oneway-conn.log"));
    const QString sslPath = tmp_.filePath(QStringLiteral("oneway-ssl.log"));
    const qint64 t0 = 1709539200; // 2024-03-04T08:00:00Z
    std::vector<TlsPoll> polls;
    for (int i = 0; i < 10; ++i) {
        const QByteArray ts = QByteArray::number(t0 + 300 * i) + ".250000";
        const QByteArray n = QByteArray::number(i);
        const QByteArray telegram = "149.154.167.220", sni = "api.telegram.org";
        polls.push_back({ts, "CA" + n, "10.1.2.3", 50000 + i, telegram, "0.4", 930, i < 7 ? 4930 : 9000, sni});
        polls.push_back({ts, "CB" + n, "10.1.2.4", 50000 + i, telegram, "3.1", 60000, 5000, sni});
        polls.push_back({ts, "CC" + n, "10.1.2.5", 50000 + i, telegram, "0.3", 900, 400, sni});
        polls.push_back({ts, "CD" + n, "10.1.2.6", 50000 + i, telegram, "0.4", i < 7 ? 930 : 5200, 4930, sni});
    }
    QVERIFY(writeZeekPair(connPath, sslPath, polls));
    auto store = freshCase(QStringLiteral("oneway.socwb"));
    QCOMPARE(importInto(*store, connPath).accepted, int64_t(40));
    QCOMPARE(importInto(*store, sslPath).accepted, int64_t(40));
    const scoring::WebServiceCatalog catalog = scoring::WebServiceCatalog::load();
    const QByteArray defaults = resources::read(QStringLiteral("scoring/scoring.yaml"));
    // The one_way points of each host's channel (in host order), and its features.
    std::vector<scoring::ChannelFeatures> features;
    auto oneWay = [&](const QByteArray& override) {
        const scoring::ScoringConfig config = scoring::ScoringConfig::fromYaml(defaults, override);
        std::vector<scoring::BuiltChannel> built = scoring::ChannelBuilder(store->db(), catalog, config).build();
        std::sort(built.begin(), built.end(),
                  [](const auto& a, const auto& b) { return a.features.key < b.features.key; });
        features.clear();
        for (const auto& b : built) {
            features.push_back(b.features);
        }
        QList<double> points;
        QStringList details;
        for (const scoring::ScoredChannel& s :
             scoring::ChannelScorer(config, {}, QDateTime::currentDateTimeUtc()).score(features)) {
            for (const scoring::Factor& f : s.factors) {
                if (f.name == QLatin1String("one_way")) {
                    points << f.contribution;
                    details << f.detail;
                }
            }
        }
        return std::pair{points, details};
    };
    const auto [points, details] = oneWay({});
    QStringList keys;
    for (const auto& f : features) {
        keys << f.key;
    }
    QCOMPARE(keys, (QStringList{"10.1.2.3|-|api.telegram.org|", "10.1.2.4|-|api.telegram.org|",
                                "10.1.2.5|-|api.telegram.org|", "10.1.2.6|-|api.telegram.org|"}));
    // 10 x (1 small upload + 1.0 steady uploads + 0.7 steady responses) / 4: no path is visible, so
    // "one resource" is never credited.
    QCOMPARE(points, (QList<double>{6.75, 0, 0, 0}));
    const scoring::ChannelFeatures& reader = features[0];
    QCOMPARE(reader.sensorSized, int64_t(10));
    QCOMPARE(reader.smallUploadShare, 1.0);
    QCOMPARE(reader.medianBytesOut, 930.0);
    QCOMPARE(reader.medianBytesIn, 4930.0);
    QCOMPARE(reader.requestConstancy, 1.0);
    QCOMPARE(reader.responseConstancy, 0.7);
    QVERIFY2(details[0] ==
                 (QStringLiteral("10 connections' bytes each way (no HTTP visible): 100% upload at "
                                 "most 4608 B, uploads ~930 B (100% within 10% of it), responses ~4930 B (70% "
                                 "within 10% of it)")),
             qPrintable(details[0]));
    QCOMPARE(features[1].smallUploadShare, 0.0);
    QVERIFY2(details[1].endsWith(QStringLiteral("uploads are not small (needs 75%)")), qPrintable(details[1]));
    QCOMPARE(features[2].smallUploadShare, 1.0);
    QVERIFY2(details[2].contains(QStringLiteral("not smaller than the responses")), qPrintable(details[2]));
    QCOMPARE(features[3].smallUploadShare, 0.7);
    // Both numbers are scoring.yaml's: a share of 70 % lets the fourth host's uploads count as small
    // ((1 + 0.7 + 1) / 4); a 900-byte limit makes the 930-byte uploads large.
    QCOMPARE(oneWay("thresholds:\n  sensor_shape_share: 0.7\n").first, (QList<double>{6.75, 0, 0, 6.75}));
    QCOMPARE(oneWay("thresholds:\n  sensor_small_upload_bytes: 900\n").first, (QList<double>{0, 0, 0, 0}));
}

// The detail names the sensor that saw the channel (#26): Zeek JSON from a pipeline (@system) and
// from Corelight (_system_name), Zeek TSV (no name: the file it wrote), each host seen by one.
void TestSensorEvidence::detailNamesTheSensor() {
    const qint64 t0 = 1709539200; // 2024-03-04T08:00:00Z
    const QString pipeline = tmp_.filePath(QStringLiteral("pipeline-conn.json"));
    const QString corelight = tmp_.filePath(QStringLiteral("corelight-conn.json"));
    const QString tsv = tmp_.filePath(QStringLiteral("edge-conn.log"));
    {
        QFile a(pipeline), b(corelight), c(tsv);
        QVERIFY(a.open(QIODevice::WriteOnly) && b.open(QIODevice::WriteOnly) && c.open(QIODevice::WriteOnly));
        c.write(kConnHeader);
        for (int i = 0; i < 8; ++i) {
            const QByteArray ts = QByteArray::number(t0 + 300 * i);
            const QByteArray port = QByteArray::number(50000 + i);
            a.write(R"({"@stream":"conn","@system":"zeek-dmz01","@proc":"zeek","ts":)" + ts + R"(,"uid":"CP)" + port +
                    R"(","id_orig_h":"10.1.2.3","id_orig_p":)" + port +
                    R"(,"id_resp_h":"198.51.100.7","id_resp_p":443,"proto":"tcp","duration":0.4,"orig_bytes":900,)"
                    R"("resp_bytes":4000,"conn_state":"SF"})"
                    "\n");
            b.write(R"({"_path":"conn","_system_name":"cl-sensor-7","_write_ts":")" +
                    QDateTime::fromSecsSinceEpoch(t0 + 300 * i + 1, Qt::UTC).toString(Qt::ISODate).toLatin1() +
                    R"(","ts":)" + ts + R"(,"uid":"CC)" + port + R"(","id.orig_h":"10.1.2.4","id.orig_p":)" + port +
                    R"(,"id.resp_h":"198.51.100.8","id.resp_p":443,"proto":"tcp","duration":0.4,"orig_bytes":900,)"
                    R"("resp_bytes":4000,"conn_state":"SF"})"
                    "\n");
            c.write(ts + ".0\tCT" + port + "\t10.1.2.5\t" + port + "\t198.51.100.9\t443\ttcp\t-\t0.4\t900\t4000\tSF\n");
        }
    }
    auto store = freshCase(QStringLiteral("named.socwb"));
    for (const QString& f : {pipeline, corelight, tsv}) {
        const ImportResult r = importInto(*store, f);
        QCOMPARE(r.format, QStringLiteral("zeek-conn"));
        QCOMPARE(r.accepted, int64_t(8));
    }
    // Stored with each connection where the log names the sensor.
    QCOMPARE(rows(store->db(), "SELECT orig_ip, coalesce(sensor, '-'), count(*) FROM sensor_connections GROUP BY 1, 2 "
                               "ORDER BY 1"),
             (QStringList{"10.1.2.3|zeek-dmz01|8", "10.1.2.4|cl-sensor-7|8", "10.1.2.5|-|8"}));
    QCOMPARE(ScoringEngine(*store).run(ScoreMode::Full).status, QStringLiteral("done"));
    const QMap<QString, qint64> alerts = alertsByHost(store->db());
    QCOMPARE(alerts.keys(), (QStringList{"10.1.2.3", "10.1.2.4", "10.1.2.5"}));
    const QStringList expected{
        "Seen by sensor zeek-dmz01 (Zeek conn.log, file pipeline-conn.json, 8 connections)",
        "Seen by sensor cl-sensor-7 (Zeek conn.log, file corelight-conn.json, 8 connections)",
        "Seen by the sensor that wrote edge-conn.log (Zeek conn.log, 8 connections; the log does not name its "
        "sensor)"};
    int i = 0;
    for (const qint64 id : alerts) {
        const AlertDetail d = loadAlertDetail(store->path(), id);
        QVERIFY2(d.found, qPrintable(d.error));
        QCOMPARE(d.sensorSources.size(), 1);
        QCOMPARE(seenBySentence(d.sensorSources.first()), expected[i++]);
    }
}

// A Suricata alert is evidence on the channel it concerns, not a channel of its own (#26): two hosts
// poll the Telegram Bot API over TLS, seen by one Suricata; its alert on one of the first host's
// flows shows on that host's channel with its signature, severity and time, and not on the other's.
void TestSensorEvidence::sensorAlertShownOnItsChannel() {
    const QString eve = tmp_.filePath(QStringLiteral("edge-eve.json"));
    {
        QFile f(eve);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const qint64 t0 = 1709539200; // 2024-03-04T08:00:00Z
        for (int i = 0; i < 8; ++i) {
            for (const int host : {3, 4}) {
                const QDateTime start = QDateTime::fromSecsSinceEpoch(t0 + 300 * i + host, Qt::UTC);
                auto iso = [](const QDateTime& t) { return t.toString(Qt::ISODateWithMs).toLatin1(); };
                const QByteArray flowId = QByteArray::number(1000000 + 10 * i + host);
                const QByteArray common = R"("flow_id":)" + flowId + R"(,"src_ip":"10.1.2.)" +
                                          QByteArray::number(host) + R"(","src_port":)" +
                                          QByteArray::number(50000 + i) +
                                          R"(,"dest_ip":"149.154.167.220","dest_port":443,"proto":"TCP",)"
                                          R"("app_proto":"tls","host":"ids-edge01")";
                f.write(R"({"timestamp":")" + iso(start) + R"(","event_type":"tls",)" + common +
                        R"(,"tls":{"sni":"api.telegram.org","version":"TLS 1.3"}})"
                        "\n");
                if (host == 3 && i == 2) {
                    f.write(R"({"timestamp":")" + iso(start.addMSecs(250)) + R"(","event_type":"alert",)" + common +
                            R"(,"alert":{"action":"allowed","gid":1,"signature_id":2033966,"rev":2,"signature":)"
                            R"~("ET POLICY Observed Telegram API Domain (api .telegram .org in TLS SNI)",)~"
                            R"("category":"Potentially Bad Traffic","severity":2}})"
                            "\n");
                }
                f.write(R"({"timestamp":")" + iso(start.addSecs(31)) + R"(","event_type":"flow",)" + common +
                        R"(,"flow":{"pkts_toserver":9,"pkts_toclient":8,"bytes_toserver":1400,"bytes_toclient":5200,)"
                        R"("start":")" +
                        iso(start) + R"(","end":")" + iso(start.addMSecs(400)) +
                        R"(","age":0,"state":"closed","reason":"timeout","alerted":)" +
                        (host == 3 && i == 2 ? "true" : "false") + "}}\n");
            }
        }
    }
    auto store = freshCase(QStringLiteral("alerted.socwb"));
    const ImportResult r = importInto(*store, eve);
    QCOMPARE(r.format, QStringLiteral("suricata-eve"));
    QCOMPARE(r.rejected, int64_t(0));
    QCOMPARE(count(store->db(), "SELECT count(*) FROM sensor_alerts"), int64_t(1));
    QCOMPARE(ScoringEngine(*store).run(ScoreMode::Full).status, QStringLiteral("done"));
    const QMap<QString, qint64> alerts = alertsByHost(store->db());
    QCOMPARE(alerts.keys(), (QStringList{"10.1.2.3", "10.1.2.4"}));
    // Not a channel of its own: one channel per host, the alert on the first.
    const AlertDetail a = loadAlertDetail(store->path(), alerts.value("10.1.2.3"));
    QVERIFY2(a.found, qPrintable(a.error));
    QCOMPARE(a.row.destination, QStringLiteral("api.telegram.org"));
    QCOMPARE(a.sensorIds.size(), size_t(8));
    QCOMPARE(a.sensorAlertTotal, qint64(1));
    QCOMPARE(a.sensorAlerts.size(), 1);
    const SensorAlertRow& alert = a.sensorAlerts.first();
    QCOMPARE(alert.signature, QStringLiteral("ET POLICY Observed Telegram API Domain (api .telegram .org in TLS SNI)"));
    QCOMPARE(alert.severity, 2);
    QCOMPARE(alert.ts, (1709539200LL + 600 + 3) * 1000000 + 250000);
    QCOMPARE(alert.uid, QStringLiteral("1000023"));
    QCOMPARE(sensorAlertSentence(alert),
             QStringLiteral("2024-03-04 08:10:03 UTC \u00b7 severity 2 \u00b7 ET POLICY Observed Telegram API Domain "
                            "(api .telegram .org in TLS SNI) (sid 2033966, Potentially Bad Traffic, allowed)"));
    QCOMPARE(seenBySentence(a.sensorSources.value(0)),
             QStringLiteral("Seen by sensor ids-edge01 (Suricata eve.json, file edge-eve.json, 8 connections)"));
    const AlertDetail b = loadAlertDetail(store->path(), alerts.value("10.1.2.4"));
    QCOMPARE(b.sensorIds.size(), size_t(8));
    QCOMPARE(b.sensorAlertTotal, qint64(0));
    QVERIFY(b.sensorAlerts.isEmpty());
}

QTEST_GUILESS_MAIN(TestSensorEvidence)

// Channel model II with sensor connections (#26): a host with neither Sysmon nor a proxy polls the
// Telegram Bot API every 300 s; Zeek saw each poll as a connection and named it by the TLS server
// name of the session with the same uid. Another host holds one WebSocket-like session for 30 h.
// Before the builder read sensor_conn_rows, neither was a channel at all.
void TestSensorEvidence::sensorConnectionsAreChannelMembers() {
    const QString connPath = tmp_.filePath(QStringLiteral("members-conn.log"));
    const QString sslPath = tmp_.filePath(QStringLiteral("members-ssl.log"));
    const qint64 t0 = 1709539200; // 2024-03-04T08:00:00Z
    std::vector<TlsPoll> polls;
    for (int i = 0; i < 10; ++i) {
        polls.push_back({QByteArray::number(t0 + 300 * i) + ".250000", "CPoll" + QByteArray::number(i), "10.1.2.3",
                         50000 + i, "149.154.167.220", "0.400000", 930, 4930, "api.telegram.org"});
    }
    // One session held for 30 hours.
    polls.push_back({QByteArray::number(t0) + ".0", "CLong", "10.1.2.4", 50200, "34.1.2.3", "108000.0", 120000, 880000,
                     "wss-primary.slack.com"});
    // The same address once without a TLS session: nothing names it, it keeps its address.
    QVERIFY(writeZeekPair(connPath, sslPath, polls,
                          QByteArray::number(t0 + 4000) +
                              ".0\tCBare\t10.1.2.3\t50100\t149.154.167.220\t443\ttcp\t-\t1.0\t10\t10\tSF\n"));
    auto store = freshCase(QStringLiteral("members.socwb"));
    QCOMPARE(importInto(*store, connPath).accepted, int64_t(12));
    QCOMPARE(importInto(*store, sslPath).accepted, int64_t(11));
    const scoring::ScoringConfig config =
        scoring::ScoringConfig::fromYaml(resources::read(QStringLiteral("scoring/scoring.yaml")));
    const scoring::WebServiceCatalog catalog = scoring::WebServiceCatalog::load();
    std::vector<scoring::BuiltChannel> built = scoring::ChannelBuilder(store->db(), catalog, config).build();
    std::sort(built.begin(), built.end(), [](const auto& a, const auto& b) { return a.features.key < b.features.key; });
    QStringList keys;
    for (const auto& b : built) {
        keys << b.features.key;
    }
    QCOMPARE(keys, (QStringList{"10.1.2.3|-|149.154.167.220|", "10.1.2.3|-|api.telegram.org|",
                                "10.1.2.4|-|wss-primary.slack.com|"}));
    const scoring::ChannelFeatures& poll = built[1].features;
    QCOMPARE(poll.service, QStringLiteral("telegram"));
    QCOMPARE(poll.timingSource, QStringLiteral("sensor_conn"));
    QCOMPARE(poll.timingClass, QStringLiteral("session"));
    QCOMPARE(poll.members.size(), size_t(1));
    QCOMPARE(poll.members.front().source, QStringLiteral("sensor_conn"));
    QCOMPARE(poll.members.front().naming, QStringLiteral("record")); // the SNI
    QCOMPARE(poll.members.front().count, int64_t(10));
    QCOMPARE(poll.polls, int64_t(10));
    QCOMPARE(poll.intervals, int64_t(9));
    QCOMPARE(poll.medianInterval, 300.0);
    QCOMPARE(poll.netConnections, int64_t(10));
    QVERIFY(!poll.unmeasurable);
    QCOMPARE(scoring::decodeMemberIds(built[1].sensorBlob.constData(), int(built[1].sensorBlob.size())).size(),
             size_t(10));
    QCOMPARE(built[0].features.members.front().naming, QStringLiteral("address"));
    QCOMPARE(built[0].features.polls, int64_t(1));
    // The held session: one connection, unmeasurable, never "1 request".
    const scoring::ChannelFeatures& held = built[2].features;
    QCOMPARE(held.service, QStringLiteral("slack"));
    QCOMPARE(held.polls, int64_t(1));
    QVERIFY(held.unmeasurable);
    QVERIFY2(held.timingNote.contains(QStringLiteral("held open for 30.0 h of its 30.0 h")),
             qPrintable(held.timingNote));
}

void TestSensorEvidence::generatedSensorOnlyCase_data() {
    QTest::addColumn<QString>("formats");
    QTest::newRow("zeek conn + ssl") << QStringLiteral("zeek-conn,zeek-ssl,assets");
    QTest::newRow("suricata eve") << QStringLiteral("suricata-eve,assets");
}

// `socwb-cli generate --scenario sensor`: an organisation without a proxy, seen only by a network
// sensor; a workstation without Sysmon polls the Telegram Bot API over TLS. The channel is named by
// its SNI, scores above every look-alike, and its intervals chart has one poll per TLS session the
// log holds for it; Slack's one WebSocket session is unmeasurable, not "1 request".
void TestSensorEvidence::generatedSensorOnlyCase() {
    QFETCH(QString, formats);
    const QString tag = QString::fromLatin1(QTest::currentDataTag()).left(5);
    const QString dir = tmp_.filePath(QStringLiteral("gen-") + tag);
    const CliRun gen = runCli({"generate", dir, "--seed", "5", "--hosts", "10", "--servers", "2", "--days", "3",
                               "--scenario", "sensor", "--formats", formats},
                              300000);
    QVERIFY2(gen.exitCode == 0, gen.err.constData());
    QFile truthFile(QDir(dir).filePath(QStringLiteral("truth.json")));
    QVERIFY(truthFile.open(QIODevice::ReadOnly));
    const QJsonObject truth = QJsonDocument::fromJson(truthFile.readAll()).object();
    QJsonObject planted;
    for (const auto& c : truth.value("channels").toArray()) {
        if (c.toObject().value("id").toString() == QLatin1String("sensor-telegram-tls")) {
            planted = c.toObject();
        }
    }
    QVERIFY(!planted.isEmpty());
    const QJsonObject plantedHost = planted.value("hosts").toArray().first().toObject();
    const QString hostName = plantedHost.value("name").toString();
    const QString hostIp = plantedHost.value("ip").toString();
    // The TLS sessions the sensor logged from that host to the service: the polls the chart must show.
    int64_t sessions = 0;
    QStringList files;
    for (const QString& name : QDir(dir).entryList({"*.log", "*.json", "*.csv"}, QDir::Files)) {
        if (name == QLatin1String("truth.json")) {
            continue;
        }
        files << QDir(dir).filePath(name);
        for (const QString& line : linesOf(QDir(dir).filePath(name))) {
            const QStringList f = line.split(QLatin1Char('\t'));
            if (name == QLatin1String("ssl.log") && f.size() > 9 && f[2] == hostIp && f[9] == "api.telegram.org") {
                ++sessions;
            } else if (name == QLatin1String("eve.json") && line.contains(QStringLiteral("\"event_type\":\"tls\"")) &&
                       line.contains("\"src_ip\":\"" + hostIp + "\"") &&
                       line.contains(QStringLiteral("\"sni\":\"api.telegram.org\""))) {
                ++sessions;
            }
        }
    }
    // About every 5 minutes from hour 9 of three days, less the last if still open.
    const int64_t truthPolls = planted.value("counts").toObject().value("requests").toInteger();
    QVERIFY2(sessions >= truthPolls - 1 && sessions <= truthPolls && sessions > 600,
             qPrintable(QStringLiteral("%1 sessions, %2 polls").arg(sessions).arg(truthPolls)));

    const QString casePath = tmp_.filePath(QStringLiteral("gen-%1.socwb").arg(tag));
    QFile::remove(casePath);
    const CliRun imp = runCli(QStringList{"import", casePath} + files, 300000);
    QVERIFY2(imp.exitCode == 0, imp.err.constData());
    const CliRun score = runCli({"score", casePath}, 300000);
    QVERIFY2(score.exitCode == 0, score.err.constData());

    auto store = CaseStore::open(casePath);
    sqlite3* db = store->db();
    Statement st(db, "SELECT id, host, destination, score, features FROM alerts ORDER BY score DESC, id");
    QVERIFY(st.step());
    const int64_t topId = st.int64(0);
    QCOMPARE(QString::fromStdString(st.text(1)), hostName);
    QCOMPARE(QString::fromStdString(st.text(2)), QStringLiteral("api.telegram.org"));
    const double topScore = st.real(3);
    const QJsonObject f = QJsonDocument::fromJson(QByteArray::fromStdString(st.text(4))).object();
    QCOMPARE(f.value("timing_source").toString(), QStringLiteral("sensor_conn"));
    QCOMPARE(f.value("polls").toInteger(), sessions);
    // Its shape from the bytes each way (no HTTP visible): every poll a small upload below its answer.
    QCOMPARE(f.value("sensor_sized_connections").toInteger(), sessions);
    QCOMPARE(f.value("small_upload_share").toDouble(), 1.0);
    QVERIFY(f.value("median_bytes_out").toDouble() < f.value("median_bytes_in").toDouble());
    int lookalikes = 0;
    bool sawWebSocket = false;
    int64_t webSocketId = 0;
    while (st.step()) {
        ++lookalikes;
        QVERIFY2(st.real(3) < topScore, qPrintable(QString::fromStdString(st.text(2))));
        if (st.text(2) == "wss-primary.slack.com") {
            const QJsonObject w = QJsonDocument::fromJson(QByteArray::fromStdString(st.text(4))).object();
            QCOMPARE(w.value("polls").toInteger(), 1);
            QCOMPARE(w.value("unmeasurable").toBool(), true);
            QVERIFY2(w.value("timing_note").toString().contains(QStringLiteral("long-lived session")),
                     qPrintable(w.value("timing_note").toString()));
            sawWebSocket = true;
            webSocketId = st.int64(0);
        }
    }
    QVERIFY(sawWebSocket);
    QVERIFY2(lookalikes > 20, qPrintable(QString::number(lookalikes)));
    // The intervals chart: one mark per TLS session, from the sensor's connections.
    const ChannelSeries series = ChannelSeries::load(db, topId);
    QCOMPARE(series.source, QStringLiteral("sensor_conn"));
    QCOMPARE(int64_t(series.times.size()), sessions);
    QCOMPARE(int64_t(series.gaps.size()), sessions - 1);
    QVERIFY2(series.medianGap > 240 && series.medianGap < 360, qPrintable(QString::number(series.medianGap)));

    // The detail lists the channel's sensor connections (it has no requests), each named by the
    // SNI of its TLS session, in time order; before, it showed "Requests (0)" and nothing else.
    const AlertDetail d = loadAlertDetail(casePath, topId);
    QVERIFY2(d.found, qPrintable(d.error));
    QVERIFY(d.proxyIds.empty());
    QCOMPARE(int64_t(d.sensorIds.size()), sessions);
    QCOMPARE(int64_t(d.sensorConnections.size()), std::min<int64_t>(sessions, AlertDetail::kSensorRowsShown));
    qint64 lastTs = 0;
    for (const SensorConnectionRow& c : d.sensorConnections) {
        QCOMPARE(c.serverName, QStringLiteral("api.telegram.org"));
        QVERIFY(!c.uid.isEmpty());
        QVERIFY2(c.ts >= lastTs, qPrintable(c.uid));
        lastTs = c.ts;
        QVERIFY2(c.bytesOut > 0 && c.bytesIn > 0, qPrintable(c.uid));
        QVERIFY2(c.durationUs >= 0 && c.durationUs < 600 * 1000000LL, qPrintable(c.uid));
    }
    // The channel's bytes are its connections' (they read "sent 0 bytes" before: only proxy lines
    // were summed).
    int64_t sent = 0, received = 0;
    for (const SensorConnectionRow& c : d.sensorConnections) {
        sent += c.bytesOut;
        received += c.bytesIn;
    }
    QCOMPARE(d.bytesOut, sent);
    QCOMPARE(d.bytesIn, received);
    ChannelSensorModel model;
    model.setConnections(d.sensorConnections, qint64(d.sensorIds.size()));
    QCOMPARE(model.total(), sessions);
    QCOMPARE(model.rowCount(), int(d.sensorConnections.size()));
    QCOMPARE(model.index(0, ChannelSensorModel::ServerNameColumn).data().toString(),
             QStringLiteral("api.telegram.org"));
    QCOMPARE(model.index(0, ChannelSensorModel::UidColumn).data().toString(), d.sensorConnections.first().uid);
    QCOMPARE(model.index(0, 0).data(ChannelSensorModel::ConnectionIdRole).toLongLong(), d.sensorConnections.first().id);
    // Slack's WebSocket: one connection held for hours.
    const AlertDetail w = loadAlertDetail(casePath, webSocketId);
    QCOMPARE(int(w.sensorConnections.size()), 1);
    QCOMPARE(w.sensorConnections.first().serverName, QStringLiteral("wss-primary.slack.com"));
    QVERIFY2(w.sensorConnections.first().durationUs > 3600 * 1000000LL,
             qPrintable(QString::number(w.sensorConnections.first().durationUs)));
    // Reported as unmeasurable, not as "1 request": the queue's row counts a session and says the
    // cadence is unmeasurable (it read "1" under Requests and an empty interval before).
    QVERIFY(w.row.unmeasurable);
    QVERIFY(!d.row.unmeasurable);
    AlertTableModel queue;
    QSignalSpy counted(&queue, &AlertTableModel::countChanged);
    queue.setCase(casePath);
    QVERIFY(counted.wait(10000));
    int webSocketRow = -1;
    for (int row = 0; row < queue.rowCount() && webSocketRow < 0; ++row) {
        queue.rowAt(row);
        QVERIFY(QTest::qWaitFor([&] { return queue.rowAt(row) != nullptr; }, 10000));
        webSocketRow = queue.rowAt(row)->id == webSocketId ? row : -1;
    }
    QVERIFY(webSocketRow >= 0);
    QCOMPARE(queue.index(webSocketRow, AlertTableModel::RequestsColumn).data().toString(), QStringLiteral("1 session"));
    QCOMPARE(queue.index(webSocketRow, AlertTableModel::IntervalColumn).data().toString(),
             QStringLiteral("unmeasurable"));
    QCOMPARE(queue.index(0, AlertTableModel::RequestsColumn).data().toString(), QLocale().toString(sessions));
}

void TestSensorEvidence::sensorDurationWords() {
    QCOMPARE(ChannelSensorModel::formatDuration(-1), QStringLiteral("open"));
    QCOMPARE(ChannelSensorModel::formatDuration(1500000), QStringLiteral("1.50 s"));
    QCOMPARE(ChannelSensorModel::formatDuration(12345678), QStringLiteral("12.3 s"));
    QCOMPARE(ChannelSensorModel::formatDuration(200 * 1000000LL), QStringLiteral("3 min 20 s"));
    QCOMPARE(ChannelSensorModel::formatDuration((30 * 3600 + 5 * 60 + 9) * 1000000LL), QStringLiteral("30 h 5 min"));
}

#include "tst_sensor_evidence.moc"
