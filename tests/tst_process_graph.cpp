// The process graph, host identity and request attribution, through real imports into a case:
// the tree of a known fixture with its parent/child links and attached network/DNS events, PID
// reuse, a 30-level tree, an IP-only host merged into its Sysmon host, and attribution of proxy
// requests and DNS queries where the right answer — including "none" — is known.
#include "collecting_sink.h"
#include "ingest/correlate/host_linker.h"
#include "ingest/correlate/request_attributor.h"
#include "ingest/import_support.h"
#include "ingest/importer.h"
#include "ingest/read/format_registry.h"
#include "ingest/write/case_writer.h"
#include "store/case_store.h"
#include "store/case_summary.h"
#include "store/statement.h"
#include "test_paths.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <utility>

using namespace socwb;
using namespace socwb::test;

namespace {

constexpr int64_t kT0 = 1709287200; // 2024-03-01T10:00:00Z, the fixtures' time zero

// Proxy lines for the attribution fixture; comments give the expected outcome.
const char* kSquid =
    // five-tuple: powershell's EID 3 to 104.20.67.143:443 200 ms earlier
    "1709287203.000    150 10.1.2.3 TCP_TUNNEL/200 5120 CONNECT pastebin.com:443 - HIER_DIRECT/104.20.67.143 -\n"
    // dns-answer, confirmed: chrome's EID 22 for the name 1 s earlier answered 185.199.108.133
    "1709287260.000     80 10.1.2.3 TCP_MISS/200 2048 GET http://raw.githubusercontent.com/alice/x/main/cmd.txt - "
    "HIER_DIRECT/185.199.108.133 text/plain\n"
    // none: two processes connected to 149.154.167.220:443 within the skew — not guessed
    "1709287320.000    300 10.1.2.3 TCP_TUNNEL/200 900 CONNECT api.telegram.org:443 - HIER_DIRECT/149.154.167.220 -\n"
    // none: nothing on the endpoint near it
    "1709287400.000     20 10.1.2.3 TCP_MISS/200 1256 GET http://example.org/ - HIER_DIRECT/93.184.216.34 text/html\n"
    // time-window: no address, the only connection to :443 within the skew is cmd.exe's
    "1709287500.000     60 10.1.2.3 TCP_TUNNEL/200 700 CONNECT gist.github.com:443 - HIER_NONE/- -\n"
    // another host without Sysmon: stays its own IP-only host, unattributed
    "1709287203.500     10 10.9.9.9 TCP_MISS/200 100 GET http://pastebin.com/raw/abc - HIER_DIRECT/104.20.67.143 "
    "text/plain\n";

struct Attribution {
    QString method;
    QString image;
    QString guid;
    double confidence = 0;
    int64_t skewMs = 0;
    bool found = false;
};

} // namespace

class TestProcessGraph : public QObject {
    Q_OBJECT
  private slots:
    void init();
    void cleanup();
    void processTree();
    void pidReuseNeverMerges();
    void thirtyLevelsDeep();
    void proxyThenSysmonMergesTheIpHost();
    void oneAddressTwoHostsOverTime();
    void attributionOfProxyRequests_data();
    void attributionOfProxyRequests();
    void attributionOfDnsQueries();
    void sysmonThenProxyAttributesTheSame();
    void everyImportOrderAttributesTheSame();
    void assetInventoryWins();
    void infoReportsProcessesAndAttribution();
    void realEvtxImports();
    void heldRowsMatchRowByRow_data();
    void heldRowsMatchRowByRow();
    void manyProcessesStubbedThenCreated();

  private:
    ImportResult import(const QString& path, const QString& format = {});
    QString writeSquid();
    int64_t processId(const char* guid);
    Attribution attributionOfProxyLine(int line);
    int64_t count(const std::string& sql);

    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<CaseStore> store_;
    // Imports that neither went in nor were skipped as duplicates: checked after every test, so a
    // test that ignores import()'s result still fails when an import does.
    QStringList failedImports_;
};

void TestProcessGraph::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    store_ = CaseStore::open(dir_->filePath(QStringLiteral("case.socwb")));
}

void TestProcessGraph::cleanup() {
    store_.reset();
    dir_.reset();
    const QStringList failed = std::exchange(failedImports_, {});
    QVERIFY2(failed.isEmpty(), qPrintable(failed.join(QLatin1Char('\n'))));
}

ImportResult TestProcessGraph::import(const QString& path, const QString& format) {
    Importer importer(*store_);
    ImportOptions o;
    o.format = format;
    std::atomic<bool> cancel{false};
    ImportResult r = importer.importFile(path, o, {}, cancel);
    if (r.status != QLatin1String("imported") && r.status != QLatin1String("skipped-duplicate")) {
        failedImports_ << r.status + QStringLiteral(": ") + r.message;
    }
    return r;
}

QString TestProcessGraph::writeSquid() {
    const QString path = dir_->filePath(QStringLiteral("access.log"));
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(kSquid);
    return path;
}

int64_t TestProcessGraph::count(const std::string& sql) {
    return queryInt(store_->db(), sql).value_or(-1);
}

int64_t TestProcessGraph::processId(const char* guid) {
    Statement st(store_->db(), "SELECT id FROM processes WHERE process_guid = ?");
    st.bind(1, guid);
    return st.step() ? st.int64(0) : 0;
}

Attribution TestProcessGraph::attributionOfProxyLine(int line) {
    Statement st(store_->db(), "SELECT a.method, p.image, p.process_guid, a.confidence, a.skew_ms FROM proxy_events e "
                               "JOIN attributions a ON a.request_kind = 'proxy' AND a.request_id = e.id "
                               "JOIN processes p ON p.id = a.process_id WHERE e.line_no = ? AND e.evidence_id = "
                               "(SELECT id FROM evidence WHERE format = 'squid')");
    st.bind(1, line);
    Attribution a;
    if (st.step()) {
        a = Attribution{QString::fromStdString(st.text(0)),
                        QString::fromStdString(st.text(1)),
                        QString::fromStdString(st.text(2)),
                        st.real(3),
                        st.int64(4),
                        true};
    }
    return a;
}

void TestProcessGraph::processTree() {
    const ImportResult r = import(fixture(QStringLiteral("sysmon/process_tree.xml")));
    QCOMPARE(r.status, QStringLiteral("imported"));
    QCOMPARE(r.format, QStringLiteral("sysmon-xml"));
    QCOMPARE(r.accepted, int64_t(14));
    QCOMPARE(r.rejected, int64_t(0));
    sqlite3* db = store_->db();
    // One host, named by Computer; its address from the outgoing EID 3s, not the DNS server's.
    QCOMPARE(count("SELECT count(*) FROM hosts"), int64_t(1));
    Statement host(
        db,
        "SELECT h.name, h.source, a.ip, a.first_ts, a.last_ts FROM hosts h JOIN host_addresses a ON a.host_id = h.id");
    QVERIFY(host.step());
    QCOMPARE(host.text(0), std::string("WS-ALICE.corp.example"));
    QCOMPARE(host.text(1), std::string("sysmon"));
    QCOMPARE(host.text(2), std::string("10.1.2.3"));
    QCOMPARE(host.int64(3), (kT0 + 2) * 1000000 + 800000);
    QCOMPARE(host.int64(4), (kT0 + 400) * 1000000);
    QVERIFY(!host.step());

    // explorer (A) <- userinit (P, known only as a parent) ; word (B) <- A ; powershell (C) <- B
    const int64_t p = processId("{4d8c1a2b-0001-65e1-0000-001000001001}");
    const int64_t a = processId("{4d8c1a2b-0002-65e1-0000-001000002002}");
    const int64_t b = processId("{4d8c1a2b-0003-65e1-0000-001000003003}");
    const int64_t c = processId("{4d8c1a2b-0004-65e1-0000-001000004004}");
    QVERIFY(p && a && b && c);
    Statement node(
        db, "SELECT parent_id, image, known_from, pid, command_line, integrity_level, user_name, start_ts, end_ts, "
            "parent_image FROM processes WHERE id = ?");
    node.bind(1, p);
    QVERIFY(node.step());
    QVERIFY(node.isNull(0));
    QCOMPARE(node.text(1), std::string(R"(C:\Windows\System32\userinit.exe)"));
    QCOMPARE(node.text(2), std::string("parent"));
    QCOMPARE(node.int64(3), int64_t(3900));
    node.reset();
    node.bind(1, a);
    QVERIFY(node.step());
    QCOMPARE(node.int64(0), p);
    QCOMPARE(node.text(2), std::string("create"));
    node.reset();
    node.bind(1, b);
    QVERIFY(node.step());
    QCOMPARE(node.int64(0), a);
    node.reset();
    node.bind(1, c);
    QVERIFY(node.step());
    QCOMPARE(node.int64(0), b);
    QCOMPARE(node.text(1), std::string(R"(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)"));
    QCOMPARE(node.text(4), std::string("powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0A & \"x\" <y>"));
    QCOMPARE(node.text(5), std::string("High"));
    QCOMPARE(node.text(6), std::string(R"(CORP\alice)"));
    QCOMPARE(node.int64(7), (kT0 + 2) * 1000000);
    QCOMPARE(node.int64(8), (kT0 + 250) * 1000000);
    QCOMPARE(node.text(9), std::string(R"(C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE)"));
    node.reset();

    // Children of explorer: word and, later, cmd.exe.
    Statement kids(db, "SELECT image FROM processes WHERE parent_id = ? ORDER BY start_ts");
    kids.bind(1, a);
    QVERIFY(kids.step());
    QVERIFY(kids.text(0).ends_with("WINWORD.EXE"));
    QVERIFY(kids.step());
    QVERIFY(kids.text(0).ends_with("cmd.exe"));
    QVERIFY(!kids.step());

    // powershell's DNS query and connection hang off its node.
    Statement dns(db, "SELECT d.name, q.answers, q.ts_us FROM dns_queries q JOIN domains d ON d.id = q.domain_id "
                      "WHERE q.process_id = ?");
    dns.bind(1, c);
    QVERIFY(dns.step());
    QCOMPARE(dns.text(0), std::string("pastebin.com"));
    QCOMPARE(dns.text(1), std::string("104.20.67.143,104.20.68.143"));
    QCOMPARE(dns.int64(2), (kT0 + 2) * 1000000 + 500000);
    QVERIFY(!dns.step());
    Statement net(
        db, "SELECT src_ip, src_port, dst_ip, dst_port, protocol, initiated FROM net_connections WHERE process_id = ?");
    net.bind(1, c);
    QVERIFY(net.step());
    QCOMPARE(net.text(0), std::string("10.1.2.3"));
    QCOMPARE(net.int64(1), int64_t(50123));
    QCOMPARE(net.text(2), std::string("104.20.67.143"));
    QCOMPARE(net.int64(3), int64_t(443));
    QCOMPARE(net.text(4), std::string("tcp"));
    QCOMPARE(net.int64(5), int64_t(1));
    QVERIFY(!net.step());
    // The file-create event is attached too, with its fields.
    Statement fc(
        db,
        "SELECT json_extract(fields, '$.TargetFilename') FROM sysmon_events WHERE event_id = 11 AND process_id = ?");
    fc.bind(1, c);
    QVERIFY(fc.step());
    QCOMPARE(fc.text(0), std::string(R"(C:\Users\alice\AppData\Local\Temp\tg_response.txt)"));

    // A process seen only in a network event is a node all the same.
    Statement svc(
        db,
        "SELECT known_from, image, pid FROM processes WHERE process_guid = '{4d8c1a2b-0006-65e1-0000-001000006006}'");
    QVERIFY(svc.step());
    QCOMPARE(svc.text(0), std::string("network"));
    QCOMPARE(svc.text(1), std::string(R"(C:\Windows\System32\svchost.exe)"));
    QCOMPARE(svc.int64(2), int64_t(1200));
    // The System-channel event is kept, but is nobody's process.
    Statement scm(
        db, "SELECT channel, process_id, json_extract(fields, '$.param1') FROM sysmon_events WHERE event_id = 7036");
    QVERIFY(scm.step());
    QCOMPARE(scm.text(0), std::string("System"));
    QVERIFY(scm.isNull(1));
    QCOMPARE(scm.text(2), std::string("Windows Update"));
    QCOMPARE(count("SELECT count(*) FROM processes"), int64_t(9));
    QCOMPARE(count("SELECT count(*) FROM sysmon_events"), int64_t(14));
}

void TestProcessGraph::pidReuseNeverMerges() {
    QCOMPARE(import(fixture(QStringLiteral("sysmon/process_tree.xml"))).status, QStringLiteral("imported"));
    Statement st(store_->db(), "SELECT process_guid, image, end_ts FROM processes WHERE pid = 6000 ORDER BY start_ts");
    QVERIFY(st.step());
    QCOMPARE(st.text(0), std::string("{4d8c1a2b-0004-65e1-0000-001000004004}"));
    QVERIFY(st.text(1).ends_with("powershell.exe"));
    QVERIFY(!st.isNull(2));
    QVERIFY(st.step());
    QCOMPARE(st.text(0), std::string("{4d8c1a2b-0005-65e1-0000-001000005005}"));
    QVERIFY(st.text(1).ends_with("cmd.exe"));
    QVERIFY(st.isNull(2));
    QVERIFY(!st.step());
    // cmd.exe's connection is cmd.exe's, not the earlier powershell's.
    QCOMPARE(count("SELECT count(*) FROM net_connections n JOIN processes p ON p.id = n.process_id "
                   "WHERE p.image LIKE '%cmd.exe' AND n.dst_ip = '140.82.112.4'"),
             int64_t(1));
}

void TestProcessGraph::thirtyLevelsDeep() {
    QCOMPARE(import(fixture(QStringLiteral("sysmon/deep_tree.xml"))).accepted, int64_t(30));
    // Walk from the deepest process to the root through parent_id.
    Statement st(
        store_->db(),
        "WITH RECURSIVE up(id, parent_id, cmd, depth) AS ("
        " SELECT id, parent_id, command_line, 1 FROM processes WHERE process_guid = "
        "'{d0000000-0000-0000-0000-000000000031}'"
        " UNION ALL SELECT p.id, p.parent_id, p.command_line, up.depth + 1 FROM processes p JOIN up ON p.id = "
        "up.parent_id)"
        " SELECT max(depth), (SELECT cmd FROM up WHERE depth = 1), (SELECT cmd FROM up WHERE depth = 30) FROM up");
    QVERIFY(st.step());
    QCOMPARE(st.int64(0), int64_t(31)); // 30 created processes and the root known only as a parent
    QCOMPARE(st.text(1), std::string("cmd.exe /c level 30"));
    QCOMPARE(st.text(2), std::string("cmd.exe /c level 1"));
}

void TestProcessGraph::proxyThenSysmonMergesTheIpHost() {
    QCOMPARE(import(writeSquid()).status, QStringLiteral("imported"));
    QCOMPARE(count("SELECT count(*) FROM hosts WHERE source = 'ip'"), int64_t(2));
    QCOMPARE(import(fixture(QStringLiteral("sysmon/process_tree.xml"))).status, QStringLiteral("imported"));
    // 10.1.2.3 was only ever WS-ALICE's: its IP-only host is gone, its requests are WS-ALICE's.
    QCOMPARE(count("SELECT count(*) FROM hosts WHERE name = '10.1.2.3'"), int64_t(0));
    QCOMPARE(count("SELECT count(*) FROM proxy_events e JOIN hosts h ON h.id = e.host_id "
                   "WHERE h.name = 'WS-ALICE.corp.example'"),
             int64_t(5));
    QCOMPARE(count("SELECT count(*) FROM proxy_events e JOIN hosts h ON h.id = e.host_id WHERE h.name = '10.9.9.9'"),
             int64_t(1));
    QCOMPARE(count("SELECT count(*) FROM host_addresses a JOIN hosts h ON h.id = a.host_id "
                   "WHERE a.ip = '10.1.2.3' AND h.name = 'WS-ALICE.corp.example'"),
             int64_t(1));
}

namespace {
// A Sysmon EID 3 (outbound connection) as wevtutil prints it, with only what linking reads.
QByteArray connectionEvent(const char* computer, const char* utc, const char* sourceIp, int record) {
    return QByteArray("<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System>"
                      "<Provider Name=\"Microsoft-Windows-Sysmon\"/><EventID>3</EventID><TimeCreated SystemTime=\"") +
           utc + "Z\"/><EventRecordID>" + QByteArray::number(record) +
           "</EventRecordID><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>" + computer +
           "</Computer></System><EventData><Data Name=\"UtcTime\">" + QByteArray(utc).replace('T', ' ') +
           "</Data><Data Name=\"ProcessGuid\">{4d8c1a2b-0000-65e1-0000-00100000" + QByteArray::number(1000 + record) +
           "}</Data><Data Name=\"ProcessId\">" + QByteArray::number(record) +
           "</Data><Data Name=\"Image\">C:\\Windows\\System32\\svchost.exe</Data><Data Name=\"Protocol\">tcp</Data>"
           "<Data Name=\"Initiated\">true</Data><Data Name=\"SourceIp\">" +
           sourceIp + "</Data><Data Name=\"SourcePort\">" + QByteArray::number(50000 + record) +
           "</Data><Data Name=\"DestinationIp\">192.0.2.80</Data><Data Name=\"DestinationPort\">443</Data>"
           "</EventData></Event>\n";
}
} // namespace

// An address two machines had at different times (DHCP): each proxy request goes to the machine
// whose connections cover its time (within the linker's hour of slack), one that neither covers
// stays with the address. The linker finds these requests through the host index, not a scan.
void TestProcessGraph::oneAddressTwoHostsOverTime() {
    const QString squid = dir_->filePath(QStringLiteral("dhcp.log"));
    {
        QFile f(squid);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (const char* ts : {"1709280900", "1709290800", "1709302500"}) { // 08:15, 11:00, 14:15 UTC
            f.write(QByteArray(ts) +
                    ".000 5 10.7.7.7 TCP_MISS/200 100 GET http://example.com/ - HIER_DIRECT/192.0.2.80 text/html\n");
        }
    }
    const QString sysmon = dir_->filePath(QStringLiteral("dhcp.xml"));
    {
        QFile f(sysmon);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("<Events>\n");
        f.write(connectionEvent("WS-A.corp.example", "2024-03-01T08:00:00.000", "10.7.7.7", 1));
        f.write(connectionEvent("WS-A.corp.example", "2024-03-01T08:30:00.000", "10.7.7.7", 2));
        f.write(connectionEvent("WS-B.corp.example", "2024-03-01T14:00:00.000", "10.7.7.7", 3));
        f.write(connectionEvent("WS-B.corp.example", "2024-03-01T14:30:00.000", "10.7.7.7", 4));
        f.write("</Events>\n");
    }
    QCOMPARE(import(squid).accepted, int64_t(3));
    QCOMPARE(import(sysmon).accepted, int64_t(4));
    Statement st(store_->db(), "SELECT h.name FROM proxy_events e JOIN hosts h ON h.id = e.host_id ORDER BY e.ts_us");
    QStringList owners;
    while (st.step()) {
        owners << QString::fromStdString(st.text(0));
    }
    QCOMPARE(owners, (QStringList{QStringLiteral("WS-A.corp.example"), QStringLiteral("10.7.7.7"),
                                  QStringLiteral("WS-B.corp.example")}));
}

void TestProcessGraph::attributionOfProxyRequests_data() {
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("imageEnd");
    QTest::addColumn<double>("confidence");
    QTest::addColumn<int>("skewMs");
    QTest::newRow("five-tuple") << 1 << "five-tuple"
                                << "powershell.exe" << 0.95 << 200;
    QTest::newRow("dns answer, confirmed") << 2 << "dns-answer"
                                           << "chrome.exe" << 0.9 << 1000;
    QTest::newRow("two candidates: none") << 3 << ""
                                          << "" << 0.0 << 0;
    QTest::newRow("no evidence: none") << 4 << ""
                                       << "" << 0.0 << 0;
    QTest::newRow("time window") << 5 << "time-window"
                                 << "cmd.exe" << 0.5 << -500;
    QTest::newRow("host without sysmon") << 6 << ""
                                         << "" << 0.0 << 0;
}

void TestProcessGraph::attributionOfProxyRequests() {
    QFETCH(int, line);
    QFETCH(QString, method);
    QFETCH(QString, imageEnd);
    QFETCH(double, confidence);
    QFETCH(int, skewMs);
    import(writeSquid());
    import(fixture(QStringLiteral("sysmon/process_tree.xml")));
    const Attribution a = attributionOfProxyLine(line);
    if (method.isEmpty()) {
        QVERIFY2(!a.found, qPrintable(a.method + QLatin1Char(' ') + a.image));
        return;
    }
    QVERIFY(a.found);
    QCOMPARE(a.method, method);
    QVERIFY2(a.image.endsWith(imageEnd), qPrintable(a.image));
    QCOMPARE(a.confidence, confidence);
    QCOMPARE(a.skewMs, int64_t(skewMs));
}

void TestProcessGraph::attributionOfDnsQueries() {
    import(fixture(QStringLiteral("sysmon/process_tree.xml")));
    sqlite3* db = store_->db();
    // DNS server log lines, written as an import would (no DNS text format is needed for this).
    Transaction tx(db);
    execSql(
        db,
        "INSERT INTO evidence(path, sha256, size, format, status) VALUES ('dns.log', 'x', 1, 'test-dns', 'imported')");
    const int64_t evidence = sqlite3_last_insert_rowid(db);
    {
        CaseWriter w(db, evidence);
        DnsRecord known;
        known.pos = SourcePos{1, 0};
        known.tsUs = (kT0 + 2) * 1000000 + 600000;
        known.clientIp = "10.1.2.3";
        known.qname = "pastebin.com";
        known.qtype = "A";
        known.answers = "104.20.67.143";
        w.dns(known);
        DnsRecord unknown = known;
        unknown.pos = SourcePos{2, 100};
        unknown.qname = "unknown.example";
        unknown.answers = {};
        w.dns(unknown);
        DnsRecord elsewhere = known;
        elsewhere.pos = SourcePos{3, 200};
        elsewhere.clientIp = "10.9.9.9";
        w.dns(elsewhere);
        w.finish();
    }
    HostLinker(db).link();
    AttributionConfig config; // the defaults, independent of the resource file
    const AttributionStats stats = RequestAttributor(db, config).run();
    tx.commit();
    QCOMPARE(stats.dnsAnswer, int64_t(1));
    QCOMPARE(stats.unattributed, int64_t(1)); // unknown.example; 10.9.9.9 has no Sysmon
    Statement st(db, "SELECT e.line_no, a.method, p.process_guid, a.skew_ms, a.confidence FROM dns_events e "
                     "JOIN attributions a ON a.request_kind = 'dns' AND a.request_id = e.id JOIN processes p ON p.id = "
                     "a.process_id");
    QVERIFY(st.step());
    QCOMPARE(st.int64(0), int64_t(1));
    QCOMPARE(st.text(1), std::string("dns-answer"));
    QCOMPARE(st.text(2), std::string("{4d8c1a2b-0004-65e1-0000-001000004004}"));
    QCOMPARE(st.int64(3), int64_t(100));
    QCOMPARE(st.real(4), config.dnsAnswerConfirmed);
    QVERIFY(!st.step());
}

void TestProcessGraph::sysmonThenProxyAttributesTheSame() {
    import(fixture(QStringLiteral("sysmon/process_tree.xml")));
    import(writeSquid());
    QCOMPARE(count("SELECT count(*) FROM hosts"), int64_t(2)); // WS-ALICE and 10.9.9.9
    QCOMPARE(attributionOfProxyLine(1).method, QStringLiteral("five-tuple"));
    QCOMPARE(attributionOfProxyLine(2).method, QStringLiteral("dns-answer"));
    QVERIFY(!attributionOfProxyLine(3).found);
    QCOMPARE(attributionOfProxyLine(5).method, QStringLiteral("time-window"));
    QCOMPARE(count("SELECT count(*) FROM attributions"), int64_t(3));
}

// A proxy or DNS import attributes only its own new rows (AttributionScope); a Sysmon import
// reconsiders all. Whatever the order, a generated case ends with the same attributions.
void TestProcessGraph::everyImportOrderAttributesTheSame() {
    const QString gen = dir_->filePath(QStringLiteral("gen"));
    const CliRun g = runCli({QStringLiteral("generate"), gen, QStringLiteral("--seed"), QStringLiteral("21"),
                             QStringLiteral("--hosts"), QStringLiteral("4"), QStringLiteral("--servers"),
                             QStringLiteral("1"), QStringLiteral("--days"), QStringLiteral("1"),
                             QStringLiteral("--formats"), QStringLiteral("squid,windows-dns,sysmon-xml")});
    QVERIFY2(g.exitCode == 0, g.err.constData());
    const QString proxy = gen + QStringLiteral("/access.log"), dns = gen + QStringLiteral("/dns_debug.log"),
                  sysmon = gen + QStringLiteral("/sysmon.xml");
    const QList<QStringList> orders{
        {proxy, dns, sysmon}, {sysmon, proxy, dns}, {sysmon, dns, proxy}, {dns, sysmon, proxy}};
    QStringList first;
    for (const QStringList& order : orders) {
        store_.reset();
        const QString c = dir_->filePath(QStringLiteral("order.socwb"));
        QFile::remove(c);
        store_ = CaseStore::open(c);
        for (const QString& f : order) {
            import(f);
        }
        QStringList got;
        for (const char* sql : {"SELECT 'proxy', e.line_no, p.process_guid, a.method FROM attributions a JOIN "
                                "proxy_events e ON a.request_kind = 'proxy' AND e.id = a.request_id JOIN processes p "
                                "ON p.id = a.process_id",
                                "SELECT 'dns', e.line_no, p.process_guid, a.method FROM attributions a JOIN "
                                "dns_events e ON a.request_kind = 'dns' AND e.id = a.request_id JOIN processes p "
                                "ON p.id = a.process_id"}) {
            Statement st(store_->db(), sql);
            while (st.step()) {
                got << QString::fromStdString(st.text(0) + ':' + st.text(1) + ':' + st.text(2) + ':' + st.text(3));
            }
        }
        got.sort();
        QVERIFY(got.size() > 100);
        if (first.isEmpty()) {
            first = got;
        } else {
            QCOMPARE(got, first);
        }
    }
    // A run scoped past the last rows considers nothing: the work is the new rows only.
    AttributionScope nothingNew;
    nothingNew.proxyAfter = count("SELECT max(id) FROM proxy_rows");
    nothingNew.dnsAfter = count("SELECT max(id) FROM dns_rows");
    const AttributionStats none = RequestAttributor(store_->db(), AttributionConfig{}).run(nothingNew);
    QCOMPARE(none.fiveTuple + none.dnsAnswer + none.timeWindow + none.unattributed, int64_t(0));
    const AttributionStats all = RequestAttributor(store_->db(), AttributionConfig{}).run();
    QVERIFY(all.unattributed > 0); // the full run reconsiders every request still without a process

    // Parked on disk (issue 20: more requests than a batch are matched a run of hosts at a time and
    // written one id range at a time): the same rows, every column, as all in memory.
    const char* everything = "SELECT request_kind, request_id, process_id, method, confidence, skew_ms, "
                             "matched_event_id FROM attributions ORDER BY request_kind, request_id";
    auto rows = [&] {
        QStringList out;
        Statement st(store_->db(), everything);
        while (st.step()) {
            out << QString::fromStdString(st.text(0) + ' ' + std::to_string(st.int64(1)) + ' ' +
                                          std::to_string(st.int64(2)) + ' ' + st.text(3) + ' ' +
                                          std::to_string(st.real(4)) + ' ' + std::to_string(st.int64(5)) + ' ' +
                                          std::to_string(st.int64(6)));
        }
        return out;
    };
    const QStringList imported = rows();
    QVERIFY(imported.size() > 100);
    for (const int64_t batch : {int64_t(40), RequestAttributor::kBatchRequests}) {
        execSql(store_->db(), "DELETE FROM attributions");
        RequestAttributor attributor(store_->db(), AttributionConfig{});
        attributor.setBatchRequests(batch);
        const AttributionStats again = attributor.run();
        if (batch == RequestAttributor::kBatchRequests) {
            QCOMPARE(attributor.batches(), 1);
        } else {
            QVERIFY2(attributor.batches() > 2, qPrintable(QString::number(attributor.batches())));
        }
        QCOMPARE(again.fiveTuple + again.dnsAnswer + again.timeWindow, int64_t(imported.size()));
        QCOMPARE(rows(), imported);
    }
}

void TestProcessGraph::assetInventoryWins() {
    const QString assets = dir_->filePath(QStringLiteral("assets.csv"));
    QFile f(assets);
    f.open(QIODevice::WriteOnly);
    f.write("ip,hostname,role,owner\n10.1.2.3,ws-alice,workstation,alice\n");
    f.close();
    QCOMPARE(import(assets, QStringLiteral("assets")).status, QStringLiteral("imported"));
    import(writeSquid());
    import(fixture(QStringLiteral("sysmon/process_tree.xml")));
    // Sysmon's FQDN found the inventory's short name: one host, the inventory's name and role.
    Statement st(store_->db(), "SELECT h.name, h.role, (SELECT count(*) FROM processes p WHERE p.host_id = h.id), "
                               "(SELECT count(*) FROM proxy_events e WHERE e.host_id = h.id) FROM hosts h "
                               "WHERE h.name LIKE 'ws-alice%' COLLATE NOCASE");
    QVERIFY(st.step());
    QCOMPARE(st.text(0), std::string("ws-alice"));
    QCOMPARE(st.text(1), std::string("workstation"));
    QCOMPARE(st.int64(2), int64_t(9));
    QCOMPARE(st.int64(3), int64_t(5));
    QVERIFY(!st.step());
    QCOMPARE(attributionOfProxyLine(1).method, QStringLiteral("five-tuple"));
}

void TestProcessGraph::infoReportsProcessesAndAttribution() {
    import(writeSquid());
    import(fixture(QStringLiteral("sysmon/process_tree.xml")));
    const QString path = store_->path();
    store_.reset();
    const CliRun run = runCli({QStringLiteral("info"), path, QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(o.value(QLatin1String("counts")).toObject().value(QLatin1String("processes")).toInt(), 9);
    bool seen = false;
    for (const QJsonValue& v : o.value(QLatin1String("hosts")).toArray()) {
        const QJsonObject h = v.toObject();
        if (h.value(QLatin1String("name")).toString() == QLatin1String("WS-ALICE.corp.example")) {
            seen = true;
            QCOMPARE(h.value(QLatin1String("processes")).toInt(), 9);
            QCOMPARE(h.value(QLatin1String("attributed")).toInt(), 3);
            QCOMPARE(h.value(QLatin1String("unattributed")).toInt(), 2);
        } else {
            QCOMPARE(h.value(QLatin1String("name")).toString(), QStringLiteral("10.9.9.9"));
            QCOMPARE(h.value(QLatin1String("processes")).toInt(), 0);
            QCOMPARE(h.value(QLatin1String("unattributed")).toInt(), 1);
        }
    }
    QVERIFY(seen);
    store_ = CaseStore::open(path);
}

void TestProcessGraph::realEvtxImports() {
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent");
    }
    const ImportResult r = import(sharedData(QStringLiteral("sysmon/evtx/exec_wmic_xsl_internet_sysmon_3_1_11.evtx")));
    QCOMPARE(r.status, QStringLiteral("imported"));
    QCOMPARE(r.format, QStringLiteral("evtx"));
    QCOMPARE(r.rejected, int64_t(0));
    QCOMPARE(r.accepted, int64_t(8));
    QVERIFY(count("SELECT count(*) FROM processes") > 0);
    QVERIFY(count("SELECT count(*) FROM net_connections WHERE process_id IS NOT NULL") > 0);
    // Re-importing the same file is a duplicate, not a second copy of its processes.
    const ImportResult again =
        import(sharedData(QStringLiteral("sysmon/evtx/exec_wmic_xsl_internet_sysmon_3_1_11.evtx")));
    QCOMPARE(again.status, QStringLiteral("skipped-duplicate"));
}

// The Sysmon writer holds event, connection and DNS query rows and inserts them in groups (with
// the event ids it gave them) when parsing runs on the other thread, and row by row otherwise:
// both ways must store the same rows with the same ids.
void TestProcessGraph::heldRowsMatchRowByRow_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("format");
    QTest::newRow("process tree") << fixture(QStringLiteral("sysmon/process_tree.xml")) << "sysmon-xml";
    QTest::newRow("deep tree") << fixture(QStringLiteral("sysmon/deep_tree.xml")) << "sysmon-xml";
    QTest::newRow("nxlog json") << fixture(QStringLiteral("sysmon/nxlog_flat.json")) << "sysmon-json";
    if (haveSharedData()) {
        QTest::newRow("real evtx, EID 1/3/22")
            << sharedData(QStringLiteral("sysmon/evtx/PanacheSysmon_vs_AtomicRedTeam01.evtx")) << "evtx";
        QTest::newRow("real json, EID 1/3/22")
            << sharedData(QStringLiteral("sysmon/json/DERIVED_nanodump_sysmon_1_3_22_only.json")) << "sysmon-json";
    }
}

void TestProcessGraph::heldRowsMatchRowByRow() {
    QFETCH(QString, path);
    QFETCH(QString, format);
    QVERIFY(QFileInfo::exists(path));
    const char* tables[] = {"sysmon_events",  "net_connections", "dns_queries", "processes",
                            "host_addresses", "hosts",           "domains"};
    QStringList dumps[2];
    for (int pipelined = 0; pipelined < 2; ++pipelined) {
        auto store = CaseStore::open(dir_->filePath(QStringLiteral("held%1.socwb").arg(pipelined)));
        sqlite3* db = store->db();
        // A row before the import: the writer's event ids continue from it.
        execSql(db, "INSERT INTO evidence(id, path, sha256, size, status) VALUES (1, 'a', 'x', 1, 'imported'); "
                    "INSERT INTO sysmon_events(id, evidence_id, record_no, ts_us, event_id) VALUES (41, 1, 1, 0, 4)");
        Transaction tx(db);
        execSql(db, "INSERT INTO evidence(id, path, sha256, size, status) VALUES (2, 'b', 'y', 1, 'importing')");
        CaseWriter writer(db, 2);
        auto parser = findFormat(format)->create({});
        InputReader in(path);
        QVERIFY(parseAndWrite(*parser, in, writer, pipelined == 1,
                              [](const InputReader&, int64_t, int64_t) { return true; }));
        writer.finish();
        tx.commit();
        QVERIFY(writer.accepted() > 0);
        for (const char* table : tables) {
            Statement st(db, std::string("SELECT * FROM ") + table + " ORDER BY 1, 2");
            QString dump = QString::fromLatin1(table);
            while (st.step()) {
                dump += QLatin1Char('\n');
                for (int c = 0; c < st.columnCount(); ++c) {
                    dump +=
                        (st.isNull(c) ? QStringLiteral("NULL") : QString::fromStdString(st.text(c))) + QLatin1Char('|');
                }
            }
            dumps[pipelined] << dump;
        }
    }
    for (int t = 0; t < dumps[0].size(); ++t) {
        QCOMPARE(dumps[1][t], dumps[0][t]);
    }
    // The events continue after the row that was there, with no gap.
    QVERIFY(dumps[1][0].contains(QLatin1String("\n42|2|")));
}

// Processes the writer has seen are looked up by host and GUID (a GUID in Sysmon's form by its
// 128 bits). Many processes on two hosts with the same GUIDs, first seen by a connection (some
// GUIDs in upper case), then created, then connecting again, then created again by a second
// import: one process per host and GUID, the create's details on it, every connection on its own.
void TestProcessGraph::manyProcessesStubbedThenCreated() {
    constexpr int kPerHost = 700;
    auto guid = [](int k, bool upper) {
        QString g = QStringLiteral("{4d8c1a2b-0001-65e1-0000-0010%1}").arg(k, 8, 16, QLatin1Char('0'));
        return upper ? g.toUpper() : g;
    };
    auto event = [](int eventId, int host, const QString& g, int second, const QString& extra) {
        return QStringLiteral("{\"EventID\": %1, \"Hostname\": \"WS-%2.corp.example\", \"SourceName\": "
                              "\"Microsoft-Windows-Sysmon\", \"Channel\": \"Microsoft-Windows-Sysmon/Operational\", "
                              "\"UtcTime\": \"2024-03-01 10:%3:%4.000\", \"ProcessGuid\": \"%5\", "
                              "\"ProcessId\": \"%6\"%7}\n")
            .arg(eventId)
            .arg(host)
            .arg(second / 60, 2, 10, QLatin1Char('0'))
            .arg(second % 60, 2, 10, QLatin1Char('0'))
            .arg(g)
            .arg(1000 + second % 7)
            .arg(extra);
    };
    const QString connect = QStringLiteral(", \"Image\": \"C:\\\\x.exe\", \"Protocol\": \"tcp\", \"Initiated\": "
                                           "\"true\", \"SourceIp\": \"10.0.0.1\", \"SourcePort\": \"50000\", "
                                           "\"DestinationIp\": \"192.0.2.7\", \"DestinationPort\": \"443\"");
    QString first, second;
    for (int pass = 0; pass < 3; ++pass) {
        for (int k = 0; k < kPerHost; ++k) {
            for (int host = 1; host <= 2; ++host) {
                const int at = pass * 1200 + k % 1200;
                first += pass == 1 ? event(1, host, guid(k, false), at,
                                           QStringLiteral(", \"CommandLine\": \"cmd %1 %2\"").arg(host).arg(k))
                                   : event(3, host, guid(k, pass == 0 && k % 2), at, connect);
            }
        }
    }
    second += event(1, 2, guid(5, false), 3599, QStringLiteral(", \"CommandLine\": \"again\""));
    second += event(1, 2, guid(kPerHost + 1, false), 3599, QStringLiteral(", \"CommandLine\": \"new\""));
    const QString paths[2] = {dir_->filePath(QStringLiteral("first.json")),
                              dir_->filePath(QStringLiteral("second.json"))};
    for (int i = 0; i < 2; ++i) {
        QFile f(paths[i]);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write((i == 0 ? first : second).toUtf8());
    }
    QCOMPARE(import(paths[0], QStringLiteral("sysmon-json")).accepted, int64_t(6 * kPerHost));
    QCOMPARE(count("SELECT count(*) FROM processes"), int64_t(2 * kPerHost));
    QCOMPARE(count("SELECT count(*) FROM processes WHERE known_from = 'create'"), int64_t(2 * kPerHost));
    // Each process's command line names its own host and GUID.
    {
        Statement st(store_->db(), "SELECT h.name, p.process_guid, p.command_line FROM processes p "
                                   "JOIN hosts h ON h.id = p.host_id");
        int rows = 0;
        while (st.step()) {
            const QString g = QString::fromStdString(st.text(1));
            const int k = g.mid(29, 8).toInt(nullptr, 16);
            const QString host = QString::fromStdString(st.text(0)).mid(3, 1);
            QCOMPARE(QString::fromStdString(st.text(2)), QStringLiteral("cmd %1 %2").arg(host).arg(k));
            ++rows;
        }
        QCOMPARE(rows, 2 * kPerHost);
    }
    // Every connection is on the process of its own host and GUID.
    QCOMPARE(count("SELECT count(*) FROM net_connections"), int64_t(4 * kPerHost));
    QCOMPARE(count("SELECT count(*) FROM net_connections n JOIN sysmon_events e ON e.id = n.event_id "
                   "JOIN processes p ON p.id = n.process_id WHERE p.host_id = e.host_id AND p.process_guid = "
                   "lower(json_extract(e.fields, '$.ProcessGuid'))"),
             int64_t(4 * kPerHost));
    // A second import: a create for a process of the first, and one for a process new to the case.
    QCOMPARE(import(paths[1], QStringLiteral("sysmon-json")).accepted, int64_t(2));
    QCOMPARE(count("SELECT count(*) FROM processes"), int64_t(2 * kPerHost + 1));
    Statement again(store_->db(), "SELECT p.command_line FROM processes p JOIN hosts h ON h.id = p.host_id "
                                  "WHERE h.name = 'WS-2.corp.example' AND p.process_guid IN (?, ?) ORDER BY p.id");
    again.bind(1, guid(5, false).toStdString()).bind(2, guid(kPerHost + 1, false).toStdString());
    QVERIFY(again.step());
    QCOMPARE(again.text(0), std::string("again"));
    QVERIFY(again.step());
    QCOMPARE(again.text(0), std::string("new"));
    QVERIFY(!again.step());
}

QTEST_GUILESS_MAIN(TestProcessGraph)
#include "tst_process_graph.moc"
