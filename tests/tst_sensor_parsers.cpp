// Network sensor logs (issue 26): Zeek conn.log and ssl.log in TSV and in JSON — with '.', '_' and
// '::' scope separators, pipeline fields (@stream, @system, @proc), ISO 8601 times and sets as
// comma strings — and Suricata's eve.json (flow, tls, http, dns in both answer layouts, alert).
// Field values from fixtures written after the formats' documentation, bad lines kept as rejects
// with their line numbers, detection, rotated gzip names, and the real logs in ../shared/data with
// exact counts.
#include "collecting_sink.h"
#include "ingest/parsers/suricata_eve_parser.h"
#include "ingest/parsers/sysmon_json_parser.h"
#include "ingest/parsers/zeek_conn_parser.h"
#include "ingest/parsers/zeek_dns_parser.h"
#include "ingest/parsers/zeek_http_parser.h"
#include "ingest/parsers/zeek_ssl_parser.h"
#include "ingest/read/format_registry.h"
#include "ingest/read/plausibility_filter.h"
#include "test_paths.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace socwb;
using namespace socwb::test;

namespace {

struct ConnExpect {
    const char* ts;
    const char* uid;
    const char* orig;
    int origPort;
    const char* resp;
    int respPort;
    const char* proto;
    const char* service;
    int64_t durationUs, origBytes, respBytes, origIpBytes, respIpBytes, origPkts, respPkts;
    const char* state;
    const char* history;
};

// The six connections of zeek/conn.log (lines 9..14) and of its JSON forms (lines 1..6).
const ConnExpect kConn[] = {
    {"2024-03-01T10:00:00.123456Z", "CHhAvVGS1DHFjwGM9", "10.1.2.3", 50123, "149.154.167.220", 443, "tcp", "ssl",
     60250000, 1520, 4811, 2152, 5335, 12, 10, "SF", "ShADadfF"},
    {"2024-03-01T10:00:01.5Z", "C4J4Th3PJpwUYZZ6gc", "10.1.2.3", 53211, "10.1.0.53", 53, "udp", "dns", 12000, 34, 50,
     62, 78, 1, 1, "SF", "Dd"},
    // ICMP: the message type and code in the port fields, 0 included.
    {"2024-03-01T10:00:02.000001Z", "CUM0KZ3MLUfNB0cl11", "10.1.2.5", 8, "192.0.2.1", 0, "icmp", "", 512, 56, 56, 84,
     84, 1, 1, "OTH", ""},
    {"2024-03-01T10:00:03.25Z", "CmES5u32sYpV7JYN", "2001:db8::5", 51000, "2001:db8::443", 443, "udp", "quic,ssl",
     12500000, 9001, 120034, 10681, 124594, 30, 95, "SF", "Dd"},
    // A SYN nobody answered: duration and payload bytes unset.
    {"2024-03-01T10:00:04.75Z", "CP5puj4I8PtEU4qzYg", "10.1.2.6", 49152, "198.51.100.20", 80, "tcp", "", -1, -1, -1, 52,
     0, 1, 0, "S0", "S"},
    {"2024-03-01T10:00:05Z", "CtPZjS20MLrsMUOJi2", "10.1.2.7", 60000, "203.0.113.9", 80, "tcp", "http", 1000001, 120,
     43000, 540, 44700, 8, 32, "SF", "ShADadFf"},
};

struct TlsExpect {
    const char* ts;
    const char* uid;
    const char* orig;
    int origPort;
    const char* resp;
    int respPort;
    const char* serverName;
    const char* version;
    const char* cipher;
    int established, resumed;
    const char *subject, *issuer, *ja3, *ja3s, *ja4;
};

// The four sessions of zeek/ssl.log (lines 9..12) and of its JSON forms (lines 1..4).
const TlsExpect kTls[] = {
    {"2024-03-01T10:00:00.123456Z", "CHhAvVGS1DHFjwGM9", "10.1.2.3", 50123, "149.154.167.220", 443, "api.telegram.org",
     "TLSv12", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 1, 0, "CN=api.telegram.org,O=Telegram Messenger Inc,C=GB",
     "CN=Go Daddy Secure Certificate Authority - G2,O=GoDaddy.com Inc.,C=US", "e7d705a3286e19ea42f587b344ee6865",
     "ec74a5c51106f0419184d0dd08fb05bc", "t13d1516h2_8daaf6152771_b0da82dd1658"},
    // Resumed: no certificate; the trailing dot of the name goes.
    {"2024-03-01T10:00:06.5Z", "CsWNQ02WZcWq4MLrP2", "10.1.2.4", 50600, "93.184.216.34", 443, "www.example.com",
     "TLSv12", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 1, 1, "", "", "a0e9f5d64349fb13191bc781f81f42e1", "", ""},
    // A failed handshake without SNI.
    {"2024-03-01T10:00:07Z", "CkDXbh3Ll2kN8DUdK4", "10.1.2.6", 49160, "198.51.100.20", 8443, "", "TLSv10", "", 0, 0, "",
     "", "", "", ""},
    {"2024-03-01T10:00:03.25Z", "CmES5u32sYpV7JYN", "2001:db8::5", 51000, "2001:db8::443", 443, "ipv6.example.net",
     "TLSv13", "TLS_AES_128_GCM_SHA256", 1, 0, "", "", "", "", "q13d0312h3_55b375c5d22e_06cda9e17597"},
};

const char* kSensor = "sensor-01.corp.example"; // @system of the pipeline-form fixtures

void compareConn(const OwnedConn& r, const ConnExpect& e) {
    QCOMPARE(r.tsUs, us(e.ts));
    QCOMPARE(r.uid, std::string(e.uid));
    QCOMPARE(r.origIp, std::string(e.orig));
    QCOMPARE(r.origPort, e.origPort);
    QCOMPARE(r.respIp, std::string(e.resp));
    QCOMPARE(r.respPort, e.respPort);
    QCOMPARE(r.proto, std::string(e.proto));
    QCOMPARE(r.service, std::string(e.service));
    QCOMPARE(r.durationUs, e.durationUs);
    QCOMPARE(r.origBytes, e.origBytes);
    QCOMPARE(r.respBytes, e.respBytes);
    QCOMPARE(r.origIpBytes, e.origIpBytes);
    QCOMPARE(r.respIpBytes, e.respIpBytes);
    QCOMPARE(r.origPkts, e.origPkts);
    QCOMPARE(r.respPkts, e.respPkts);
    QCOMPARE(r.state, std::string(e.state));
    QCOMPARE(r.history, std::string(e.history));
}

void compareTls(const OwnedTls& r, const TlsExpect& e) {
    QCOMPARE(r.tsUs, us(e.ts));
    QCOMPARE(r.uid, std::string(e.uid));
    QCOMPARE(r.origIp, std::string(e.orig));
    QCOMPARE(r.origPort, e.origPort);
    QCOMPARE(r.respIp, std::string(e.resp));
    QCOMPARE(r.respPort, e.respPort);
    QCOMPARE(r.serverName, std::string(e.serverName));
    QCOMPARE(r.version, std::string(e.version));
    QCOMPARE(r.cipher, std::string(e.cipher));
    QCOMPARE(r.established, e.established);
    QCOMPARE(r.resumed, e.resumed);
    QCOMPARE(r.subject, std::string(e.subject));
    QCOMPARE(r.issuer, std::string(e.issuer));
    QCOMPARE(r.ja3, std::string(e.ja3));
    QCOMPARE(r.ja3s, std::string(e.ja3s));
    QCOMPARE(r.ja4, std::string(e.ja4));
    QCOMPARE(r.ja4s, std::string());
}

// As an import reads a file: the parser, then the plausibility check.
CollectingSink parseChecked(const char* format, const QString& path) {
    const FormatInfo* f = findFormat(QString::fromLatin1(format));
    auto parser = f->create({});
    InputReader in(path);
    CollectingSink sink;
    PlausibilityFilter checked(sink);
    parser->parse(in, checked, {});
    return sink;
}

QString detected(const QString& path) {
    const Detection d = detectFormat(readSniffSample(path));
    return d.format ? QString::fromLatin1(d.format->name) : QString();
}

void warnRejects(const CollectingSink& sink) {
    for (size_t i = 0; i < sink.rejects.size() && i < 5; ++i) {
        qWarning("line %lld: %s", static_cast<long long>(sink.rejects[i].line), sink.rejects[i].reason.c_str());
    }
}

} // namespace

class TestSensorParsers : public QObject {
    Q_OBJECT
  private slots:
    void connFields_data();
    void connFields();
    void sslFields_data();
    void sslFields();
    void rotatedGzipName();
    void badConnLines();
    void anotherLogIsRefused();
    void eveFlows();
    void eveTls();
    void eveHttp();
    void eveDnsBothAnswerLayouts();
    void eveAlert();
    void eveBadLines();
    void eveDnsTableIsBounded();
    void detection_data();
    void detection();
    void formatsAreNeverConfused();
    void realLogs_data();
    void realLogs();
    void realValues();
    void realTsvAndJsonAgree();
};

void TestSensorParsers::connFields_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("index");
    for (const char* file : {"zeek/conn.log", "zeek/conn.json", "zeek/conn_underscore.json"}) {
        for (int i = 0; i < int(std::size(kConn)); ++i) {
            QTest::addRow("%s #%d", file, i) << QString::fromLatin1(file) << i;
        }
    }
    // Log::default_scope_sep = "::" in a TSV header: its two rows.
    for (int i = 0; i < 2; ++i) {
        QTest::addRow("zeek/conn_scope.log #%d", i) << QStringLiteral("zeek/conn_scope.log") << i;
    }
}

void TestSensorParsers::connFields() {
    QFETCH(QString, file);
    QFETCH(int, index);
    const CollectingSink sink = parseFile("zeek-conn", fixture(file));
    warnRejects(sink);
    QCOMPARE(sink.rejects.size(), size_t(0));
    const bool scope = file.contains(QLatin1String("scope"));
    QCOMPARE(sink.conns.size(), scope ? size_t(2) : std::size(kConn));
    const OwnedConn& r = sink.conns[size_t(index)];
    const bool json = file.endsWith(QLatin1String(".json"));
    QCOMPARE(r.line, json ? int64_t(index + 1) : int64_t(index + 9));
    compareConn(r, kConn[index]);
    // Only the pipeline form names its sensor.
    QCOMPARE(r.sensor, std::string(file.contains(QLatin1String("underscore")) ? kSensor : ""));
}

void TestSensorParsers::sslFields_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("index");
    for (const char* file : {"zeek/ssl.log", "zeek/ssl.json", "zeek/ssl_underscore.json"}) {
        for (int i = 0; i < int(std::size(kTls)); ++i) {
            QTest::addRow("%s #%d", file, i) << QString::fromLatin1(file) << i;
        }
    }
}

void TestSensorParsers::sslFields() {
    QFETCH(QString, file);
    QFETCH(int, index);
    const CollectingSink sink = parseFile("zeek-ssl", fixture(file));
    warnRejects(sink);
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(sink.tlses.size(), std::size(kTls));
    const OwnedTls& r = sink.tlses[size_t(index)];
    QCOMPARE(r.line, file.endsWith(QLatin1String(".json")) ? int64_t(index + 1) : int64_t(index + 9));
    compareTls(r, kTls[index]);
    QCOMPARE(r.sensor, std::string(file.contains(QLatin1String("underscore")) ? kSensor : ""));
}

void TestSensorParsers::rotatedGzipName() {
    // Zeek's log rotation names a file after its hour; archived, it is gzipped.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("conn.15:00:00-16:00:00.log.gz"));
    QProcess gzip;
    gzip.setStandardInputFile(fixture(QStringLiteral("zeek/conn.log")));
    gzip.setStandardOutputFile(path);
    gzip.start(QStringLiteral("gzip"), {QStringLiteral("-c")});
    QVERIFY(gzip.waitForFinished());
    QCOMPARE(gzip.exitCode(), 0);
    QCOMPARE(detected(path), QStringLiteral("zeek-conn"));
    const CollectingSink sink = parseFile("zeek-conn", path);
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(sink.conns.size(), std::size(kConn));
    compareConn(sink.conns.back(), kConn[std::size(kConn) - 1]);
}

void TestSensorParsers::badConnLines() {
    QByteArray text;
    QFile f(fixture(QStringLiteral("zeek/conn.log")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (int i = 0; i < 8; ++i) {
        text += lines[i] + '\n';
    }
    // Line 9: a count that is not a number; 10: a duration that is not; 11: one column short;
    // 12: good; 13: a JSON line of another log; 14: a negative count (read, then implausible).
    text += "1709287200.5\tC1\t10.1.2.3\t1\t10.0.0.1\t2\ttcp\t-\t1.0\tmany\t0\tSF\tT\tF\t0\tS\t1\t1\t1\t1\t(empty)\n";
    text += "1709287200.5\tC2\t10.1.2.3\t1\t10.0.0.1\t2\ttcp\t-\tlong\t1\t0\tSF\tT\tF\t0\tS\t1\t1\t1\t1\t(empty)\n";
    text += "1709287200.5\tC3\t10.1.2.3\t1\t10.0.0.1\t2\ttcp\t-\t1.0\t1\t0\tSF\tT\tF\t0\tS\t1\t1\t1\t1\n";
    text += lines[8] + '\n';
    text += R"({"_path":"dns","ts":1709287200.5,"id.orig_h":"10.1.2.3","query":"x.example","qtype_name":"A"})"
            "\n";
    text += "1709287200.5\tC6\t10.1.2.3\t1\t10.0.0.1\t2\ttcp\t-\t1.0\t-5\t0\tSF\tT\tF\t0\tS\t1\t1\t1\t1\t(empty)\n";
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("conn.log"));
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(text);
    out.close();
    const CollectingSink sink = parseChecked("zeek-conn", path);
    QCOMPARE(sink.conns.size(), size_t(1));
    QCOMPARE(sink.conns[0].line, int64_t(12));
    compareConn(sink.conns[0], kConn[0]);
    QCOMPARE(sink.rejects.size(), size_t(5));
    const int64_t lines_[] = {9, 10, 11, 13, 14};
    const char* reasons[] = {
        "zeek-conn: orig_bytes is not a number: 'many'", "zeek-conn: duration is not a number of seconds: 'long'",
        "zeek-conn: expected 21 fields, found 20", "zeek-conn: _path 'dns': not a Zeek conn.log record",
        "implausible value: orig_bytes is negative"};
    for (size_t i = 0; i < 5; ++i) {
        QCOMPARE(sink.rejects[i].line, lines_[i]);
        QCOMPARE(QString::fromStdString(sink.rejects[i].reason), QString::fromLatin1(reasons[i]));
    }
}

void TestSensorParsers::anotherLogIsRefused() {
    // Forced through the wrong Zeek parser, a header says what it is.
    try {
        parseFile("zeek-conn", fixture(QStringLiteral("zeek/ssl.log")));
        QFAIL("an ssl.log read as conn.log must be refused");
    } catch (const std::runtime_error& e) {
        QCOMPARE(QString::fromUtf8(e.what()),
                 QStringLiteral("zeek-conn: the #fields header (#path ssl) has no 'conn_state' or 'orig_bytes' or "
                                "'resp_bytes' or 'history' or 'orig_pkts' column: this is not a Zeek conn.log"));
    }
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, parseFile("zeek-ssl", fixture(QStringLiteral("zeek/conn.log"))));
    // JSON records of another log are rejects, one by one.
    const CollectingSink sink = parseFile("zeek-ssl", fixture(QStringLiteral("zeek/conn_underscore.json")));
    QCOMPARE(sink.tlses.size(), size_t(0));
    QCOMPARE(sink.rejects.size(), std::size(kConn));
    QCOMPARE(QString::fromStdString(sink.rejects[0].reason),
             QStringLiteral("zeek-ssl: _path 'conn': not a Zeek ssl.log record"));
}

void TestSensorParsers::eveFlows() {
    const CollectingSink sink = parseFile("suricata-eve", fixture(QStringLiteral("suricata/eve.json")));
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(sink.conns.size(), size_t(3));
    // Flow events come when the flow ends; the connection's time is the flow's start, its bytes
    // are IP-level (Suricata logs no payload count).
    const OwnedConn& a = sink.conns[0];
    QCOMPARE(a.line, int64_t(18));
    compareConn(a, ConnExpect{"2024-03-01T10:00:00.123456Z", "1676750115612680", "10.1.2.3", 50123, "149.154.167.220",
                              443, "tcp", "tls", 60250000, -1, -1, 2152, 5335, 12, 10, "closed", ""});
    QCOMPARE(a.sensor, std::string("suri-edge-1"));
    const OwnedConn& b = sink.conns[1];
    QCOMPARE(b.line, int64_t(19));
    compareConn(b, ConnExpect{"2024-03-01T10:00:01.5Z", "1676750115612681", "10.1.2.3", 53211, "10.1.0.53", 53, "udp",
                              "dns", 12000, -1, -1, 85, 163, 1, 1, "established", ""});
    const OwnedConn& c = sink.conns[2];
    QCOMPARE(c.line, int64_t(20));
    compareConn(c, ConnExpect{"2024-03-01T10:01:00Z", "998877665544333", "2001:db8::5", 51000, "2001:db8::443", 443,
                              "tcp", "failed", 3000000, -1, -1, 222, 0, 3, 0, "new", ""});
    QCOMPARE(c.sensor, std::string()); // no sensor name configured
}

void TestSensorParsers::eveTls() {
    const CollectingSink sink = parseFile("suricata-eve", fixture(QStringLiteral("suricata/eve.json")));
    QCOMPARE(sink.tlses.size(), size_t(2));
    const OwnedTls& t = sink.tlses[0];
    QCOMPARE(t.line, int64_t(1));
    compareTls(t, TlsExpect{"2024-03-01T10:00:00.2001Z", "1676750115612680", "10.1.2.3", 50123, "149.154.167.220", 443,
                            "api.telegram.org", "TLS 1.2", "", -1, 0,
                            "CN=api.telegram.org, O=Telegram Messenger Inc, C=GB",
                            "C=US, O=GoDaddy.com Inc., CN=Go Daddy Secure Certificate Authority - G2",
                            "e7d705a3286e19ea42f587b344ee6865", "ec74a5c51106f0419184d0dd08fb05bc",
                            "t13d1516h2_8daaf6152771_b0da82dd1658"});
    QCOMPARE(t.sensor, std::string("suri-edge-1"));
    // The flow and its TLS session share the uid: a connection is named by its SNI.
    QCOMPARE(t.uid, sink.conns[0].uid);
    const OwnedTls& r = sink.tlses[1];
    QCOMPARE(r.line, int64_t(21));
    compareTls(r, TlsExpect{"2024-03-01T10:03:00Z", "998877665544334", "10.1.2.4", 50601, "93.184.216.34", 443, "", "",
                            "", -1, 1, "", "", "", "", ""});
}

void TestSensorParsers::eveHttp() {
    const CollectingSink sink = parseFile("suricata-eve", fixture(QStringLiteral("suricata/eve.json")));
    QCOMPARE(sink.proxies.size(), size_t(2));
    const OwnedProxy& a = sink.proxies[0];
    QCOMPARE(a.line, int64_t(7));
    QCOMPARE(a.tsUs, us("2024-03-01T10:00:03.25Z"));
    QCOMPARE(a.clientIp, std::string("10.1.2.4"));
    QCOMPARE(a.destIp, std::string("93.184.216.34"));
    QCOMPARE(a.port, 8080);
    QCOMPARE(a.url, std::string("http://www.example.com:8080/index.html?q=1"));
    QCOMPARE(a.scheme, std::string("http"));
    QCOMPARE(a.host, std::string("www.example.com"));
    QCOMPARE(a.path, std::string("/index.html"));
    QCOMPARE(a.query, std::string("q=1"));
    QCOMPARE(a.method, std::string("GET"));
    QCOMPARE(a.status, 200);
    QCOMPARE(a.bytesIn, int64_t(1256));
    QCOMPARE(a.bytesOut, int64_t(-1));
    QCOMPARE(a.userAgent, std::string("curl/8.5.0"));
    QCOMPARE(a.contentType, std::string("text/html"));
    QCOMPARE(a.referrer, std::string("http://www.example.org/"));
    QCOMPARE(a.action, std::string()); // a sensor observes; it takes no action
    // Older versions: the status as a string, no length.
    const OwnedProxy& b = sink.proxies[1];
    QCOMPARE(b.line, int64_t(17));
    QCOMPARE(b.url, std::string("http://files.example.net/a.exe"));
    QCOMPARE(b.port, 80);
    QCOMPARE(b.status, 404);
    QCOMPARE(b.bytesIn, int64_t(-1));
    QCOMPARE(b.userAgent, std::string("Microsoft BITS/7.8"));
}

void TestSensorParsers::eveDnsBothAnswerLayouts() {
    const CollectingSink sink = parseFile("suricata-eve", fixture(QStringLiteral("suricata/eve.json")));
    QCOMPARE(sink.dnses.size(), size_t(5));
    struct Expect {
        int64_t line;
        const char *ts, *client, *qname, *qtype, *rcode, *answers, *ttls;
    } expected[] = {
        // Version 1: the query (line 3) and one answer event per record (lines 4-6), joined.
        {3, "2024-03-01T10:00:01.5Z", "10.1.2.3", "raw.githubusercontent.com", "A", "NOERROR",
         "github.map.fastly.net,185.199.108.133,185.199.109.133", "300,60,60"},
        // Version 2, "detailed": an answers array.
        {9, "2024-03-01T10:00:04Z", "10.1.2.5", "pastebin.com", "A", "NOERROR", "104.20.67.143,172.67.34.170",
         "300,300"},
        // Version 2, "grouped": data by type, no TTLs.
        {11, "2024-03-01T10:00:05Z", "10.1.2.3", "api.telegram.org", "A", "NOERROR", "149.154.167.220", ""},
        // Version 1, NXDOMAIN: an answer event without records.
        {13, "2024-03-01T10:00:06Z", "10.1.2.6", "no-such.example", "A", "NXDOMAIN", "", ""},
        // Never answered: written at the end of the file, without response code; the dot goes.
        {15, "2024-03-01T10:00:07Z", "10.1.2.7", "slow.example.com", "AAAA", "", "", ""},
    };
    for (size_t i = 0; i < std::size(expected); ++i) {
        const OwnedDns& r = sink.dnses[i];
        const Expect& e = expected[i];
        QCOMPARE(r.line, e.line);
        QCOMPARE(r.tsUs, us(e.ts));
        QCOMPARE(r.clientIp, std::string(e.client));
        QCOMPARE(r.serverIp, std::string("10.1.0.53"));
        QCOMPARE(r.protocol, std::string("udp"));
        QCOMPARE(r.qname, std::string(e.qname));
        QCOMPARE(r.qtype, std::string(e.qtype));
        QCOMPARE(r.rcode, std::string(e.rcode));
        QCOMPARE(r.answers, std::string(e.answers));
        QCOMPARE(r.ttls, std::string(e.ttls));
    }
    // An answer whose query was not logged makes the record itself, the client from its dest_ip.
    const QByteArray lone =
        R"({"timestamp":"2024-03-01T10:00:00.000000+0000","flow_id":5,"event_type":"dns",)"
        R"("src_ip":"10.1.0.53","src_port":53,"dest_ip":"10.1.2.9","dest_port":40000,"proto":"UDP",)"
        R"("dns":{"version":2,"type":"answer","id":1,"rrname":"x.example","rrtype":"A",)"
        R"("rcode":"NOERROR","answers":[{"rrname":"x.example","rrtype":"A","ttl":5,"rdata":"192.0.2.5"}]}})"
        "\n";
    const CollectingSink one = parseText("suricata-eve", lone);
    QCOMPARE(one.dnses.size(), size_t(1));
    QCOMPARE(one.dnses[0].clientIp, std::string("10.1.2.9"));
    QCOMPARE(one.dnses[0].serverIp, std::string("10.1.0.53"));
    QCOMPARE(one.dnses[0].answers, std::string("192.0.2.5"));
    QCOMPARE(one.dnses[0].ttls, std::string("5"));
}

void TestSensorParsers::eveAlert() {
    const CollectingSink sink = parseFile("suricata-eve", fixture(QStringLiteral("suricata/eve.json")));
    QCOMPARE(sink.alerts.size(), size_t(1));
    const OwnedAlert& a = sink.alerts[0];
    QCOMPARE(a.line, int64_t(2));
    QCOMPARE(a.tsUs, us("2024-03-01T10:00:00.3Z"));
    QCOMPARE(a.uid, sink.conns[0].uid); // the flow it concerns
    QCOMPARE(a.srcIp, std::string("10.1.2.3"));
    QCOMPARE(a.srcPort, 50123);
    QCOMPARE(a.destIp, std::string("149.154.167.220"));
    QCOMPARE(a.destPort, 443);
    QCOMPARE(a.proto, std::string("tcp"));
    QCOMPARE(a.appProto, std::string("tls"));
    QCOMPARE(a.signature, std::string("ET POLICY Observed Telegram API Domain (api .telegram .org in TLS SNI)"));
    QCOMPARE(a.signatureId, int64_t(2033966));
    QCOMPARE(a.rev, 2);
    QCOMPARE(a.category, std::string("Potentially Bad Traffic"));
    QCOMPARE(a.severity, 2);
    QCOMPARE(a.action, std::string("allowed"));
    QCOMPARE(a.sensor, std::string("suri-edge-1"));
    // 21 lines: 13 records, 6 answer lines joined to their queries, stats and anomaly skipped.
    QCOMPARE(sink.conns.size() + sink.tlses.size() + sink.proxies.size() + sink.dnses.size() + sink.alerts.size(),
             size_t(13));
}

void TestSensorParsers::eveBadLines() {
    const CollectingSink sink = parseChecked("suricata-eve", fixture(QStringLiteral("suricata/eve_bad.json")));
    QCOMPARE(sink.conns.size(), size_t(1));
    QCOMPARE(sink.conns[0].line, int64_t(1));
    QCOMPARE(sink.dnses.size(), size_t(1));
    QCOMPARE(sink.dnses[0].line, int64_t(12));
    QCOMPARE(sink.dnses[0].qname, std::string("pastebin.com"));
    QCOMPARE(sink.dnses[0].rcode, std::string());
    const char* reasons[] = {
        "suricata-eve: invalid JSON: A string is opened, but never closed. (the line ends before its object does: cut "
        "short?)",
        "suricata-eve: the JSON line is not an object",
        "suricata-eve: no event_type: not a Suricata EVE record",
        "suricata-eve: timestamp is not a time: 'yesterday'",
        "suricata-eve: src_port has the wrong type",
        "suricata-eve: a flow event without a flow object",
        "suricata-eve: a port is out of range: 70000",
        "suricata-eve: dns.type is neither query nor answer: 'update'",
        "implausible value: server name is not a host name (spaces, control or markup characters)",
        "suricata-eve: http.status is not a number",
    };
    QCOMPARE(sink.rejects.size(), std::size(reasons));
    for (size_t i = 0; i < std::size(reasons); ++i) {
        QCOMPARE(sink.rejects[i].line, int64_t(i + 2));
        QCOMPARE(QString::fromStdString(sink.rejects[i].reason), QString::fromLatin1(reasons[i]));
    }
    QCOMPARE(sink.rejects[8].raw, std::string("bad host<script>")); // the value that failed
}

void TestSensorParsers::eveDnsTableIsBounded() {
    // More unanswered queries than the table holds: the oldest go out unanswered, in order, and
    // every one is written exactly once.
    const int n = int(SuricataEveParser::kMaxPendingDns) + 100;
    QByteArray text;
    for (int i = 0; i < n; ++i) {
        text += QStringLiteral(R"({"timestamp":"2024-03-01T10:00:00.000000+0000","flow_id":%1,"event_type":"dns",)"
                               R"("src_ip":"10.1.2.3","src_port":40000,"dest_ip":"10.1.0.53","dest_port":53,)"
                               R"("proto":"UDP","dns":{"type":"query","id":%1,"rrname":"h%1.example","rrtype":"A"}})")
                    .arg(i)
                    .toUtf8() +
                '\n';
    }
    // The answer of the last query still finds it.
    text += QStringLiteral(
                R"({"timestamp":"2024-03-01T10:00:01.000000+0000","flow_id":%1,"event_type":"dns",)"
                R"("src_ip":"10.1.0.53","src_port":53,"dest_ip":"10.1.2.3","dest_port":40000,"proto":"UDP",)"
                R"("dns":{"version":2,"type":"answer","id":%1,"rcode":"NOERROR","grouped":{"A":["192.0.2.1"]}}})")
                .arg(n - 1)
                .toUtf8() +
            '\n';
    const CollectingSink sink = parseText("suricata-eve", text);
    QCOMPARE(int(sink.dnses.size()), n);
    for (int i = 0; i < 100; ++i) {
        QCOMPARE(sink.dnses[size_t(i)].qname, QStringLiteral("h%1.example").arg(i).toStdString());
        QCOMPARE(sink.dnses[size_t(i)].rcode, std::string());
    }
    QCOMPARE(sink.dnses[100].qname, QStringLiteral("h%1.example").arg(n - 1).toStdString());
    QCOMPARE(sink.dnses[100].answers, std::string("192.0.2.1"));
    QCOMPARE(sink.dnses.back().qname, QStringLiteral("h%1.example").arg(n - 2).toStdString());
}

void TestSensorParsers::detection_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("format");
    for (const char* f : {"zeek/conn.log", "zeek/conn.json", "zeek/conn_underscore.json", "zeek/conn_scope.log",
                          "zeek/conn_attribution.log"}) {
        QTest::newRow(f) << QString::fromLatin1(f) << QStringLiteral("zeek-conn");
    }
    for (const char* f : {"zeek/ssl.log", "zeek/ssl.json", "zeek/ssl_underscore.json"}) {
        QTest::newRow(f) << QString::fromLatin1(f) << QStringLiteral("zeek-ssl");
    }
    QTest::newRow("zeek/http_underscore.json") << "zeek/http_underscore.json"
                                               << "zeek-http";
    QTest::newRow("zeek/dns_underscore.json") << "zeek/dns_underscore.json"
                                              << "zeek-dns";
    QTest::newRow("suricata/eve.json") << "suricata/eve.json"
                                       << "suricata-eve";
    QTest::newRow("suricata/eve_bad.json") << "suricata/eve_bad.json"
                                           << "suricata-eve";
}

void TestSensorParsers::detection() {
    QFETCH(QString, file);
    QFETCH(QString, format);
    const SniffSample sample = readSniffSample(fixture(file));
    const Detection d = detectFormat(sample);
    QVERIFY2(d.format, qPrintable(d.reason));
    QCOMPARE(QString::fromLatin1(d.format->name), format);
    // A file of mostly broken lines is still recognised, with less certainty.
    QVERIFY(d.format->sniff(sample) >= (file.contains(QLatin1String("_bad")) ? 50 : 80));
}

void TestSensorParsers::formatsAreNeverConfused() {
    struct Sniffer {
        const char* name;
        int (*sniff)(const SniffSample&);
    } sniffers[] = {{"zeek-conn", &ZeekConnParser::sniff},
                    {"zeek-ssl", &ZeekSslParser::sniff},
                    {"zeek-http", &ZeekHttpParser::sniff},
                    {"zeek-dns", &ZeekDnsParser::sniff},
                    {"suricata-eve", &SuricataEveParser::sniff}};
    const struct {
        const char* file;
        const char* format;
    } files[] = {{"zeek/conn.log", "zeek-conn"},       {"zeek/conn_underscore.json", "zeek-conn"},
                 {"zeek/ssl.log", "zeek-ssl"},         {"zeek/ssl_underscore.json", "zeek-ssl"},
                 {"zeek/http.log", "zeek-http"},       {"zeek/http_underscore.json", "zeek-http"},
                 {"zeek/dns.json", "zeek-dns"},        {"zeek/dns_underscore.json", "zeek-dns"},
                 {"suricata/eve.json", "suricata-eve"}};
    for (const auto& f : files) {
        const SniffSample s = readSniffSample(fixture(QString::fromLatin1(f.file)));
        for (const Sniffer& sn : sniffers) {
            const int score = sn.sniff(s);
            if (std::string_view(sn.name) == f.format) {
                QVERIFY2(score >= 80, f.file);
            } else {
                QVERIFY2(score == 0, qPrintable(QStringLiteral("%1 scores %2 as %3")
                                                    .arg(QLatin1String(f.file))
                                                    .arg(score)
                                                    .arg(QLatin1String(sn.name))));
            }
        }
        QVERIFY2(SysmonJsonParser::sniff(s) < 50, f.file);
    }
}

void TestSensorParsers::realLogs_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("format");
    QTest::addColumn<int>("records");
    QTest::addColumn<int>("rejects");
    // Counts: the files' data rows (headers and #close left out), checked by hand; the zed SSL
    // count is ../shared/data/README.md's 49,474.
    QTest::newRow("lsass conn") << "zeek/otrf-lsass07/conn.log"
                                << "zeek-conn" << 566 << 0;
    QTest::newRow("lsass ssl") << "zeek/otrf-lsass07/ssl.log"
                               << "zeek-ssl" << 2 << 0;
    // The campaign's other two logs (Zeek TSV, the same capture): every lookup, and the three
    // responses of its port-80 stager (Zeek logged no method or host: it saw the answers only).
    QTest::newRow("lsass dns") << "zeek/otrf-lsass07/dns.log"
                               << "zeek-dns" << 1523 << 0;
    QTest::newRow("lsass http") << "zeek/otrf-lsass07/http.log"
                                << "zeek-http" << 3 << 0;
    QTest::newRow("apt29 NASHUA conn") << "zeek/otrf-apt29-day1/day1_NASHUA_conn.log"
                                       << "zeek-conn" << 479 << 0;
    QTest::newRow("apt29 SCRANTON conn") << "zeek/otrf-apt29-day1/day1_SCRANTON_conn.log"
                                         << "zeek-conn" << 134 << 0;
    QTest::newRow("apt29 NASHUA dns") << "zeek/otrf-apt29-day1/day1_NASHUA_dns.log"
                                      << "zeek-dns" << 21 << 0;
    QTest::newRow("apt29 SCRANTON dns") << "zeek/otrf-apt29-day1/day1_SCRANTON_dns.log"
                                        << "zeek-dns" << 32 << 0;
    QTest::newRow("apt29 SCRANTON http") << "zeek/otrf-apt29-day1/day1_SCRANTON_http.log"
                                         << "zeek-http" << 62 << 0;
    QTest::newRow("zed ssl tsv") << "zeek/zed/zeek-default/ssl.log.gz"
                                 << "zeek-ssl" << 49474 << 0;
    QTest::newRow("zed ssl json") << "zeek/zed/zeek-json/ssl.json.gz"
                                  << "zeek-ssl" << 49474 << 0;
    QTest::newRow("rita json conn") << "zeek/rita-json_with_all_fields/conn.log"
                                    << "zeek-conn" << 29 << 0;
    QTest::newRow("rita json open_conn") << "zeek/rita-json_with_all_fields/open_conn.log"
                                         << "zeek-conn" << 59 << 0;
    QTest::newRow("rita json ssl") << "zeek/rita-json_with_all_fields/ssl.log"
                                   << "zeek-ssl" << 10 << 0;
    QTest::newRow("rita json open_ssl") << "zeek/rita-json_with_all_fields/open_ssl.log"
                                        << "zeek-ssl" << 20 << 0;
    QTest::newRow("rita closed conn") << "zeek/rita-open_conns/closed/conn.log"
                                      << "zeek-conn" << 59 << 0;
    QTest::newRow("rita closed ssl") << "zeek/rita-open_conns/closed/ssl.log"
                                     << "zeek-ssl" << 20 << 0;
    QTest::newRow("rita open conn") << "zeek/rita-open_conns/open/conn.log"
                                    << "zeek-conn" << 29 << 0;
    QTest::newRow("rita open open_ssl") << "zeek/rita-open_conns/open/open_ssl.log"
                                        << "zeek-ssl" << 20 << 0;
    // Cut mid-row: the rows before the cut, the cut row rejected.
    QTest::newRow("rita truncated conn") << "zeek/rita-truncated/conn.log"
                                         << "zeek-conn" << 58 << 1;
    // A port of 93145 (implausible) and a line cut inside a string.
    QTest::newRow("rita truncated conn json") << "zeek/rita-truncated/conn_json.log"
                                              << "zeek-conn" << 2 << 2;
}

void TestSensorParsers::realLogs() {
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent: real sensor logs not checked");
    }
    QFETCH(QString, path);
    QFETCH(QString, format);
    QFETCH(int, records);
    QFETCH(int, rejects);
    const QString file = sharedData(path);
    QCOMPARE(detected(file), format);
    const CollectingSink sink = parseChecked(format.toLatin1().constData(), file);
    if (rejects == 0) {
        warnRejects(sink);
    }
    QCOMPARE(int(sink.rejects.size()), rejects);
    const int got = int(sink.conns.size() + sink.tlses.size() + sink.dnses.size() + sink.proxies.size());
    QCOMPARE(got, records);
    for (const OwnedConn& c : sink.conns) {
        QVERIFY(!c.uid.empty() && !c.origIp.empty() && !c.respIp.empty() && !c.proto.empty());
        QVERIFY(c.tsUs > us("2018-01-01T00:00:00Z") && c.tsUs < us("2025-01-01T00:00:00Z"));
    }
    for (const OwnedTls& t : sink.tlses) {
        QVERIFY(!t.uid.empty() && !t.origIp.empty() && t.respPort > 0);
        QVERIFY(t.established == 0 || t.established == 1);
    }
}

void TestSensorParsers::realValues() {
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent: real sensor logs not checked");
    }
    // The APT29 capture as a pipeline wrote it: '_' names, @stream / @system / @proc.
    const CollectingSink apt = parseFile("zeek-conn", sharedData(QStringLiteral("zeek/otrf-apt29-day1/"
                                                                                "day1_NASHUA_conn.log")));
    const OwnedConn& a = apt.conns[0];
    QCOMPARE(a.line, int64_t(1));
    compareConn(a, ConnExpect{"2020-04-30T00:06:39.824370Z", "Cvf4XX17hSAgXDdGEd", "10.0.1.6", 54243, "10.0.0.4", 53,
                              "udp", "dns", 1528, 39, 55, 67, 83, 1, 1, "SF", "Dd"});
    QCOMPARE(a.sensor, std::string("bobs.bigwheel.local"));
    QCOMPARE(apt.conns[1].service, std::string("gssapi,smb,krb"));
    const CollectingSink dns =
        parseFile("zeek-dns", sharedData(QStringLiteral("zeek/otrf-apt29-day1/day1_NASHUA_dns.log")));
    QCOMPARE(dns.dnses[0].qname, std::string("newyork.dmevals.local"));
    QCOMPARE(dns.dnses[0].clientIp, std::string("10.0.1.6"));
    QCOMPARE(dns.dnses[0].answers, std::string("10.0.0.4"));
    QCOMPARE(dns.dnses[0].ttls, std::string("3600"));
    const CollectingSink http =
        parseFile("zeek-http", sharedData(QStringLiteral("zeek/otrf-apt29-day1/day1_SCRANTON_http.log")));
    QCOMPARE(http.proxies[0].url, std::string("http://192.168.0.4/"));
    QCOMPARE(http.proxies[0].method, std::string("OPTIONS"));
    QCOMPARE(http.proxies[0].clientIp, std::string("10.0.1.4"));
    QCOMPARE(http.proxies[0].contentType, std::string("text/html"));

    // The LSASS campaign's TLS to a listener on port 6666, without SNI.
    const CollectingSink ssl = parseFile("zeek-ssl", sharedData(QStringLiteral("zeek/otrf-lsass07/ssl.log")));
    compareTls(ssl.tlses[0],
               TlsExpect{"2023-09-06T14:15:32.021389Z", "Cbj3dS3tiLgqaEjRD7", "192.168.56.30", 58720, "10.0.5.14", 6666,
                         "", "TLSv12", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0, 0, "", "", "", "", ""});
    // rita's older ssl.log carries the certificate's subject and JA3.
    const CollectingSink rita =
        parseFile("zeek-ssl", sharedData(QStringLiteral("zeek/rita-open_conns/closed/ssl.log")));
    int withJa3 = 0, withSubject = 0;
    for (const OwnedTls& t : rita.tlses) {
        withJa3 += !t.ja3.empty();
        withSubject += !t.subject.empty();
    }
    QVERIFY(withJa3 > 0);
    QVERIFY(withSubject > 0);
}

void TestSensorParsers::realTsvAndJsonAgree() {
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent: real sensor logs not checked");
    }
    const CollectingSink a = parseFile("zeek-ssl", sharedData(QStringLiteral("zeek/zed/zeek-default/ssl.log.gz")));
    const CollectingSink b = parseFile("zeek-ssl", sharedData(QStringLiteral("zeek/zed/zeek-json/ssl.json.gz")));
    QCOMPARE(a.tlses.size(), b.tlses.size());
    int named = 0;
    for (size_t i = 0; i < a.tlses.size(); ++i) {
        const OwnedTls& x = a.tlses[i];
        const OwnedTls& y = b.tlses[i];
        QCOMPARE(x.line, y.line + 8);
        QCOMPARE(x.tsUs, y.tsUs); // epoch seconds in the TSV, ISO strings in the JSON
        QCOMPARE(x.uid, y.uid);
        QCOMPARE(x.serverName, y.serverName);
        QCOMPARE(x.version, y.version);
        QCOMPARE(x.cipher, y.cipher);
        QCOMPARE(x.established, y.established);
        QCOMPARE(x.resumed, y.resumed);
        named += !x.serverName.empty();
    }
    QVERIFY(named > 0);
}

QTEST_GUILESS_MAIN(TestSensorParsers)
#include "tst_sensor_parsers.moc"
