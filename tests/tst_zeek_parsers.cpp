// Zeek http.log and dns.log, TSV and JSON lines: field values from fixtures written after Zeek's
// documentation, header handling (#separator escapes, #set_separator, #unset_field, #empty_field,
// #types, #close, several blocks, reordered and unknown columns), bad input kept as rejects with
// their line numbers, gzip (whole and cut), detection, and the real logs in ../shared/data.
#include "collecting_sink.h"
#include "ingest/parsers/w3c_parser.h"
#include "ingest/parsers/zeek_dns_parser.h"
#include "ingest/parsers/zeek_http_parser.h"
#include "ingest/read/format_registry.h"
#include "test_paths.h"

#include <QTest>

#include <stdexcept>

using namespace socwb;
using namespace socwb::test;

namespace {

struct HttpExpect {
    int64_t line = 0;
    const char* ts = "";
    const char* client = "";
    const char* destIp = "";
    int port = -1;
    const char* method = "";
    const char* url = "";
    const char* scheme = "";
    const char* host = "";
    const char* path = "";
    const char* query = "";
    const char* referrer = "";
    const char* userAgent = "";
    int status = -1;
    int64_t bytesOut = -1;
    int64_t bytesIn = -1;
    const char* contentType = "";
    const char* user = "";
};

struct DnsExpect {
    int64_t line = 0;
    const char* ts = "";
    const char* client = "";
    const char* server = "";
    const char* protocol = "";
    const char* qname = "";
    const char* qtype = "";
    const char* rcode = "";
    const char* answers = "";
    const char* ttls = "";
};

// The seven requests of zeek/http.log (and, with line numbers 1..7, of zeek/http.json).
const HttpExpect kHttp[] = {
    {9, "2024-03-01T12:00:00.123456Z", "10.1.2.3", "93.184.216.34", 80, "GET",
     "http://www.example.com/index.html?q=1&lang=en", "http", "www.example.com", "/index.html", "q=1&lang=en",
     "http://www.example.org/start", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36", 200, 0, 1256,
     "text/html", "alice"},
    // Host header with its own port: not repeated; the first of two response MIME types.
    {10, "2024-03-01T12:00:01.5Z", "10.1.2.4", "198.51.100.7", 8080, "POST",
     "http://upload.example.net:8080/api/v1/upload", "http", "upload.example.net", "/api/v1/upload", "", "",
     "curl/8.5.0", 201, 52431, 17, "application/json", ""},
    // No Host header: the server address and the non-default port make the URL.
    {11, "2024-03-01T12:00:02.000001Z", "10.1.2.5", "203.0.113.9", 8000, "GET", "http://203.0.113.9:8000/beacon.gif",
     "http", "203.0.113.9", "/beacon.gif", "", "", "Wget/1.21", 200, 0, 43, "image/gif", ""},
    // CONNECT through a proxy: authority form, no scheme; the port is the TCP port Zeek saw.
    {12, "2024-03-01T12:00:03.25Z", "10.1.2.6", "10.0.0.8", 3128, "CONNECT", "api.github.com:443", "", "api.github.com",
     "", "", "", "git/2.43.0", 200, 0, 0, "", ""},
    // A request to a proxy with an absolute URI: kept whole.
    {13, "2024-03-01T12:00:04.75Z", "10.1.2.6", "10.0.0.8", 3128, "GET",
     "http://raw.githubusercontent.com/user/repo/main/run.ps1?token=abc", "http", "raw.githubusercontent.com",
     "/user/repo/main/run.ps1", "token=abc", "",
     "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.1", 200, 0, 2048, "text/plain",
     "bob"},
    // A response without a request (408): no method, host or URI.
    {14, "2024-03-01T12:00:05Z", "10.1.2.7", "24.220.113.50", 80, "", "http://24.220.113.50", "http", "24.220.113.50",
     "", "", "", "", 408, 0, 218, "text/html", ""},
    // IPv6, and Zeek's \xNN escapes: UTF-8 decoded, control characters left escaped.
    {15, "2024-03-01T12:00:06.5Z", "2001:db8::5", "2001:db8::80", 80, "GET",
     "http://[2001:db8::80]/caf\xC3\xA9/men\\x09u", "http", "2001:db8::80", "/caf\xC3\xA9/men\\x09u", "", "",
     "Mozilla/5.0 (X11; Linux x86_64)", 404, 0, 5, "", ""},
};

const DnsExpect kDns[] = {
    {9, "2024-03-01T12:00:00.1Z", "10.1.2.3", "10.0.0.53", "udp", "www.example.com", "A", "NOERROR",
     "edge.example.net,93.184.216.34", "300,60"},
    // The final dot goes; no answers.
    {10, "2024-03-01T12:00:01.25Z", "10.1.2.4", "10.0.0.53", "udp", "no-such-host.example", "A", "NXDOMAIN", "", ""},
    // A dnscat2 TXT answer keeps its spaces.
    {11, "2024-03-01T12:00:02Z", "192.168.88.2", "165.227.88.15", "udp", "6dde0175375169c68f.dnsc.r-1x.com", "TXT",
     "NOERROR", "TXT 18 302f017537c68f5169", "60"},
    // No qtype_name: the number speaks.
    {12, "2024-03-01T12:00:03.5Z", "10.1.2.5", "10.0.0.53", "udp", "svc.example.org", "TYPE65", "NOERROR", "", ""},
    // No query at all (a rejected, malformed request).
    {13, "2024-03-01T12:00:04Z", "172.31.255.5", "10.0.0.1", "udp", "", "", "NXDOMAIN", "", ""},
    {14, "2024-03-01T12:00:05.999999Z", "2001:db8::5", "2001:db8::53", "tcp", "ipv6.example.com", "AAAA", "NOERROR",
     "2001:db8:1::10", "3600"},
    // No response seen: no response code.
    {15, "2024-03-01T12:00:06Z", "10.1.2.6", "10.0.0.53", "udp", "slow.example.com", "A", "", "", ""},
};

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

void compareHttp(const OwnedProxy& r, const HttpExpect& e) {
    QCOMPARE(r.tsUs, us(e.ts));
    QCOMPARE(r.clientIp, std::string(e.client));
    QCOMPARE(r.destIp, std::string(e.destIp));
    QCOMPARE(r.port, e.port);
    QCOMPARE(r.method, std::string(e.method));
    QCOMPARE(q(r.url), QString::fromUtf8(e.url));
    QCOMPARE(r.scheme, std::string(e.scheme));
    QCOMPARE(r.host, std::string(e.host));
    QCOMPARE(q(r.path), QString::fromUtf8(e.path));
    QCOMPARE(r.query, std::string(e.query));
    QCOMPARE(r.referrer, std::string(e.referrer));
    QCOMPARE(r.userAgent, std::string(e.userAgent));
    QCOMPARE(r.status, e.status);
    QCOMPARE(r.bytesOut, e.bytesOut);
    QCOMPARE(r.bytesIn, e.bytesIn);
    QCOMPARE(r.contentType, std::string(e.contentType));
    QCOMPARE(r.user, std::string(e.user));
    QCOMPARE(r.action, std::string()); // Zeek observes; it takes no action
    QCOMPARE(r.durationMs, int64_t(-1));
}

void compareDns(const OwnedDns& r, const DnsExpect& e) {
    QCOMPARE(r.tsUs, us(e.ts));
    QCOMPARE(r.clientIp, std::string(e.client));
    QCOMPARE(r.serverIp, std::string(e.server));
    QCOMPARE(r.protocol, std::string(e.protocol));
    QCOMPARE(r.qname, std::string(e.qname));
    QCOMPARE(r.qtype, std::string(e.qtype));
    QCOMPARE(r.rcode, std::string(e.rcode));
    QCOMPARE(r.answers, std::string(e.answers));
    QCOMPARE(r.ttls, std::string(e.ttls));
}

bool reasonHas(const OwnedReject& r, const char* text) {
    return q(r.reason).contains(QString::fromUtf8(text));
}

const char* detected(const QString& path) {
    const Detection d = detectFormat(readSniffSample(path));
    return d.format ? d.format->name : "";
}

} // namespace

class TestZeekParsers : public QObject {
    Q_OBJECT
  private slots:
    void httpFields_data();
    void httpFields();
    void httpJsonOnlyForms();
    void dnsFields_data();
    void dnsFields();
    void tsvAndJsonFixturesAgree();
    void rotatedBlocksWithTheirOwnHeaders();
    void customSeparator();
    void headerOnlyFileImportsNothing();
    void dataBeforeFieldsIsRejected();
    void wrongColumnCountIsRejected();
    void truncatedLastLineIsRejected();
    void invalidJsonLinesAmongGoodOnes();
    void truncatedGzipKeepsWhatCameBefore();
    void anotherZeekLogIsRefused();
    void detection_data();
    void detection();
    void httpAndDnsAreNeverConfused();
    void realZeekLogs_data();
    void realZeekLogs();
    void realTsvAndJsonAgree_data();
    void realTsvAndJsonAgree();
    void realBadInput();
};

void TestZeekParsers::httpFields_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("index");
    // http_underscore.json: the same requests as a pipeline writes them ('_' for '.', @stream,
    // @system, @proc, ISO times, sets as comma strings).
    for (const char* file : {"zeek/http.log", "zeek/http.json", "zeek/http_underscore.json"}) {
        for (int i = 0; i < int(std::size(kHttp)); ++i) {
            QTest::addRow("%s #%d", file, i) << QString::fromLatin1(file) << i;
        }
    }
}

void TestZeekParsers::httpFields() {
    QFETCH(QString, file);
    QFETCH(int, index);
    const CollectingSink sink = parseFile("zeek-http", fixture(file));
    for (const auto& r : sink.rejects) {
        qWarning("line %lld: %s", static_cast<long long>(r.line), r.reason.c_str());
    }
    QCOMPARE(sink.rejects.size(), size_t(0));
    const bool json = file.endsWith(QLatin1String(".json"));
    QCOMPARE(sink.proxies.size(), file == QLatin1String("zeek/http.json") ? size_t(9) : size_t(7));
    const HttpExpect& e = kHttp[index];
    const OwnedProxy& r = sink.proxies[static_cast<size_t>(index)];
    QCOMPARE(r.line, json ? int64_t(index + 1) : e.line);
    compareHttp(r, e);
}

void TestZeekParsers::httpJsonOnlyForms() {
    const CollectingSink sink = parseFile("zeek-http", fixture(QStringLiteral("zeek/http.json")));
    QCOMPARE(sink.proxies.size(), size_t(9));
    // ts as an ISO 8601 string (LogAscii::json_timestamps).
    const OwnedProxy& iso = sink.proxies[7];
    QCOMPARE(iso.line, int64_t(8));
    QCOMPARE(iso.tsUs, us("2024-03-01T12:00:07.25Z"));
    QCOMPARE(iso.host, std::string("www.example.com"));
    // The connection id as a nested object.
    const OwnedProxy& nested = sink.proxies[8];
    QCOMPARE(nested.tsUs, us("2024-03-01T12:00:08Z"));
    QCOMPARE(nested.clientIp, std::string("10.1.2.4"));
    QCOMPARE(nested.destIp, std::string("198.51.100.7"));
    QCOMPARE(nested.port, 8080);
    QCOMPARE(nested.url, std::string("http://upload.example.net:8080/api/v1/upload"));
}

void TestZeekParsers::dnsFields_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("index");
    for (const char* file : {"zeek/dns.log", "zeek/dns.log.gz", "zeek/dns.json", "zeek/dns_underscore.json"}) {
        for (int i = 0; i < int(std::size(kDns)); ++i) {
            QTest::addRow("%s #%d", file, i) << QString::fromLatin1(file) << i;
        }
    }
}

void TestZeekParsers::dnsFields() {
    QFETCH(QString, file);
    QFETCH(int, index);
    const CollectingSink sink = parseFile("zeek-dns", fixture(file));
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(sink.dnses.size(), std::size(kDns));
    const DnsExpect& e = kDns[index];
    const OwnedDns& r = sink.dnses[static_cast<size_t>(index)];
    QCOMPARE(r.line, file.endsWith(QLatin1String(".json")) ? int64_t(index + 1) : e.line);
    compareDns(r, e);
}

void TestZeekParsers::tsvAndJsonFixturesAgree() {
    const CollectingSink tsv = parseFile("zeek-http", fixture(QStringLiteral("zeek/http.log")));
    const CollectingSink json = parseFile("zeek-http", fixture(QStringLiteral("zeek/http.json")));
    QCOMPARE(tsv.proxies.size(), size_t(7));
    for (size_t i = 0; i < tsv.proxies.size(); ++i) {
        const OwnedProxy& a = tsv.proxies[i];
        const OwnedProxy& b = json.proxies[i];
        QCOMPARE(b.tsUs, a.tsUs);
        QCOMPARE(b.url, a.url);
        QCOMPARE(b.userAgent, a.userAgent);
        QCOMPARE(b.contentType, a.contentType);
        QCOMPARE(b.bytesIn, a.bytesIn);
        QCOMPARE(b.bytesOut, a.bytesOut);
    }
}

void TestZeekParsers::rotatedBlocksWithTheirOwnHeaders() {
    // Block 1: the standard header. Block 2: "#separator \t", columns in another order with two
    // unknown ones, "NONE" as the unset field and '|' between set elements.
    const CollectingSink sink = parseFile("zeek-http", fixture(QStringLiteral("zeek/http_rotated.log")));
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(sink.proxies.size(), size_t(4));
    compareHttp(sink.proxies[0], kHttp[0]);
    compareHttp(sink.proxies[1], kHttp[1]);
    const OwnedProxy& a = sink.proxies[2];
    QCOMPARE(a.line, int64_t(20));
    QCOMPARE(a.tsUs, us("2024-03-02T12:00:00.5Z"));
    QCOMPARE(a.clientIp, std::string("10.9.8.7"));
    QCOMPARE(a.url, std::string("http://files.example.com/download/tool.exe"));
    QCOMPARE(a.contentType, std::string("application/x-dosexec"));
    QCOMPARE(a.userAgent, std::string("Microsoft BITS/7.8"));
    QCOMPARE(a.bytesIn, int64_t(73802));
    QCOMPARE(a.status, 200);
    const OwnedProxy& b = sink.proxies[3];
    QCOMPARE(b.line, int64_t(21));
    QCOMPARE(b.status, 404);
    QCOMPARE(b.userAgent, std::string()); // NONE is this block's unset field
    QCOMPARE(b.contentType, std::string());
    QCOMPARE(b.referrer, std::string()); // no such column in block 2
}

void TestZeekParsers::customSeparator() {
    const QByteArray text = "#separator \\x7c\n"
                            "#set_separator|;\n"
                            "#unset_field|-\n"
                            "#path|dns\n"
                            "#fields|query|ts|id.orig_h|answers|TTLs|qtype_name\n"
                            "#types|string|time|addr|vector[string]|vector[interval]|string\n"
                            "example.com|1709294400.5|10.1.2.3|a.example.net;192.0.2.1|30.000000;60.000000|A\n";
    const CollectingSink sink = parseText("zeek-dns", text);
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(sink.dnses.size(), size_t(1));
    QCOMPARE(sink.dnses[0].tsUs, us("2024-03-01T12:00:00.5Z"));
    QCOMPARE(sink.dnses[0].answers, std::string("a.example.net,192.0.2.1"));
    QCOMPARE(sink.dnses[0].ttls, std::string("30,60"));
    QCOMPARE(sink.dnses[0].qtype, std::string("A"));
    QCOMPARE(sink.dnses[0].rcode, std::string());
}

void TestZeekParsers::headerOnlyFileImportsNothing() {
    const CollectingSink sink = parseFile("zeek-http", fixture(QStringLiteral("zeek/header_only.log")));
    QCOMPARE(sink.proxies.size(), size_t(0));
    QCOMPARE(sink.rejects.size(), size_t(0));
}

void TestZeekParsers::dataBeforeFieldsIsRejected() {
    const CollectingSink sink = parseFile("zeek-http", fixture(QStringLiteral("zeek/data_before_fields.log")));
    QCOMPARE(sink.rejects.size(), size_t(1));
    QCOMPARE(sink.rejects[0].line, int64_t(1));
    QCOMPARE(sink.rejects[0].offset, int64_t(0));
    QVERIFY(reasonHas(sink.rejects[0], "data line before any #fields header"));
    QCOMPARE(sink.proxies.size(), size_t(1));
    QCOMPARE(sink.proxies[0].line, int64_t(10));
    QCOMPARE(sink.proxies[0].url, std::string(kHttp[2].url));
}

void TestZeekParsers::wrongColumnCountIsRejected() {
    const CollectingSink sink = parseFile("zeek-http", fixture(QStringLiteral("zeek/http_wrong_columns.log")));
    QCOMPARE(sink.rejects.size(), size_t(1));
    QCOMPARE(sink.rejects[0].line, int64_t(10));
    QCOMPARE(q(sink.rejects[0].reason), QStringLiteral("zeek-http: expected 30 fields, found 12"));
    QVERIFY(sink.rejects[0].raw.starts_with("1709294401.5\tCjhGID4nQcgTWjvg4c"));
    QCOMPARE(sink.proxies.size(), size_t(2));
    QCOMPARE(sink.proxies[0].line, int64_t(9));
    QCOMPARE(sink.proxies[1].line, int64_t(11));
}

void TestZeekParsers::truncatedLastLineIsRejected() {
    const CollectingSink sink = parseFile("zeek-http", fixture(QStringLiteral("zeek/http_truncated.log")));
    QCOMPARE(sink.proxies.size(), size_t(2));
    QCOMPARE(sink.rejects.size(), size_t(1));
    QCOMPARE(sink.rejects[0].line, int64_t(11));
    QCOMPARE(q(sink.rejects[0].reason), QStringLiteral("zeek-http: expected 30 fields, found 10"));
}

void TestZeekParsers::invalidJsonLinesAmongGoodOnes() {
    const CollectingSink sink = parseFile("zeek-dns", fixture(QStringLiteral("zeek/dns_bad.json")));
    QCOMPARE(sink.dnses.size(), size_t(5));
    const int64_t goodLines[] = {1, 3, 4, 6, 7};
    for (size_t i = 0; i < 5; ++i) {
        QCOMPARE(sink.dnses[i].line, goodLines[i]);
        compareDns(sink.dnses[i], kDns[i]);
    }
    QCOMPARE(sink.rejects.size(), size_t(3));
    QCOMPARE(sink.rejects[0].line, int64_t(2));
    QVERIFY(reasonHas(sink.rejects[0], "zeek-dns: invalid JSON"));
    QCOMPARE(sink.rejects[1].line, int64_t(5));
    QCOMPARE(q(sink.rejects[1].reason), QStringLiteral("zeek-dns: _path 'conn': not a Zeek dns.log record"));
    QCOMPARE(sink.rejects[2].line, int64_t(8));
    QVERIFY(reasonHas(sink.rejects[2], "invalid JSON"));
    QVERIFY(reasonHas(sink.rejects[2], "cut short"));
}

void TestZeekParsers::truncatedGzipKeepsWhatCameBefore() {
    // 400 rows compressed with gzip, the .gz cut in half: the rows before the cut come out in
    // order, the cut row and the damaged stream are reported, nothing crashes.
    const CollectingSink sink = parseFile("zeek-dns", fixture(QStringLiteral("zeek/dns_cut.log.gz")));
    QVERIFY(sink.dnses.size() > 100);
    QVERIFY(sink.dnses.size() < 400);
    for (size_t i = 0; i < sink.dnses.size(); ++i) {
        QCOMPARE(sink.dnses[i].line, int64_t(9 + i));
        QCOMPARE(sink.dnses[i].tsUs, (int64_t(1709294400) + int64_t(i)) * 1000000 + int64_t(i));
    }
    QCOMPARE(sink.dnses[42].qname, std::string("host042.example.com"));
    QCOMPARE(sink.dnses[42].ttls, std::string("102"));
    QVERIFY(!sink.rejects.empty());
    QVERIFY(reasonHas(sink.rejects.back(), "compressed stream"));
    QVERIFY(sink.rejects.size() <= 2); // the cut row (when cut mid-row) and the stream
}

void TestZeekParsers::anotherZeekLogIsRefused() {
    const QByteArray conn = "#separator \\x09\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.resp_h\tproto\n"
                            "#types\ttime\tstring\taddr\taddr\tenum\n1709294400.0\tC1\t10.1.2.3\t10.0.0.1\ttcp\n";
    try {
        parseText("zeek-http", conn);
        QFAIL("a conn.log read as http.log must be refused");
    } catch (const std::runtime_error& e) {
        QCOMPARE(QString::fromUtf8(e.what()),
                 QStringLiteral("zeek-http: the #fields header (#path conn) has no 'host' or 'uri' column: this is not "
                                "a Zeek http.log"));
    }
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, parseText("zeek-dns", conn));
}

void TestZeekParsers::detection_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("format");
    for (const char* f : {"zeek/http.log", "zeek/http.json", "zeek/http_rotated.log", "zeek/header_only.log",
                          "zeek/data_before_fields.log", "zeek/http_wrong_columns.log", "zeek/http_truncated.log"}) {
        QTest::newRow(f) << QString::fromLatin1(f) << QStringLiteral("zeek-http");
    }
    for (const char* f :
         {"zeek/dns.log", "zeek/dns.log.gz", "zeek/dns.json", "zeek/dns_bad.json", "zeek/dns_cut.log.gz"}) {
        QTest::newRow(f) << QString::fromLatin1(f) << QStringLiteral("zeek-dns");
    }
}

void TestZeekParsers::detection() {
    QFETCH(QString, file);
    QFETCH(QString, format);
    const SniffSample sample = readSniffSample(fixture(file));
    const Detection d = detectFormat(sample);
    QVERIFY2(d.format, qPrintable(d.reason));
    QCOMPARE(QString::fromLatin1(d.format->name), format);
    QVERIFY(d.format->sniff(sample) >= 80);
}

void TestZeekParsers::httpAndDnsAreNeverConfused() {
    for (const char* f : {"zeek/http.log", "zeek/http.json", "zeek/http_rotated.log", "zeek/header_only.log"}) {
        const SniffSample s = readSniffSample(fixture(QString::fromLatin1(f)));
        QVERIFY2(ZeekHttpParser::sniff(s) >= 80, f);
        QVERIFY2(ZeekDnsParser::sniff(s) == 0, f);
        QVERIFY2(W3cParser::sniff(s) == 0, f);
    }
    for (const char* f : {"zeek/dns.log", "zeek/dns.json", "zeek/dns.log.gz"}) {
        const SniffSample s = readSniffSample(fixture(QString::fromLatin1(f)));
        QVERIFY2(ZeekDnsParser::sniff(s) >= 80, f);
        QVERIFY2(ZeekHttpParser::sniff(s) == 0, f);
        QVERIFY2(W3cParser::sniff(s) == 0, f);
    }
}

void TestZeekParsers::realZeekLogs_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("format");
    QTest::addColumn<int>("records");
    // Counts from ../shared/data/README.md (27,204 http events, 53,615 DNS records) and, for the
    // small rita logs, from the files themselves (data rows).
    QTest::newRow("rita valid tsv") << "zeek/rita-valid_tsv/http.log.gz"
                                    << "zeek-http" << 27204;
    QTest::newRow("rita valid json") << "zeek/rita-valid_json/http.log.gz"
                                     << "zeek-http" << 27204;
    QTest::newRow("rita \\t separator, extra columns") << "zeek/rita-dnscat2-ja3-strobe-agent/http.log.gz"
                                                       << "zeek-http" << 27204;
    QTest::newRow("zed dns tsv") << "zeek/zed/zeek-default/dns.log.gz"
                                 << "zeek-dns" << 53615;
    QTest::newRow("zed dns json") << "zeek/zed/zeek-json/dns.json.gz"
                                  << "zeek-dns" << 53615;
    QTest::newRow("open_conns closed http") << "zeek/rita-open_conns/closed/http.log"
                                            << "zeek-http" << 20;
    QTest::newRow("open_conns open http") << "zeek/rita-open_conns/open/http.log"
                                          << "zeek-http" << 10;
    QTest::newRow("open_conns open dns") << "zeek/rita-open_conns/open/dns.log"
                                         << "zeek-dns" << 34;
    QTest::newRow("json_with_all_fields http") << "zeek/rita-json_with_all_fields/http.log"
                                               << "zeek-http" << 10;
    QTest::newRow("json_with_all_fields dns") << "zeek/rita-json_with_all_fields/dns.log"
                                              << "zeek-dns" << 34;
}

void TestZeekParsers::realZeekLogs() {
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent: real Zeek logs not checked");
    }
    QFETCH(QString, path);
    QFETCH(QString, format);
    QFETCH(int, records);
    const QString file = sharedData(path);
    QCOMPARE(QString::fromLatin1(detected(file)), format);
    const CollectingSink sink = parseFile(format.toLatin1().constData(), file);
    for (size_t i = 0; i < sink.rejects.size() && i < 5; ++i) {
        qWarning("line %lld: %s", static_cast<long long>(sink.rejects[i].line), sink.rejects[i].reason.c_str());
    }
    QCOMPARE(sink.rejects.size(), size_t(0));
    if (format == QLatin1String("zeek-http")) {
        QCOMPARE(int(sink.proxies.size()), records);
        for (const auto& p : sink.proxies) {
            QVERIFY(p.tsUs > us("2018-01-01T00:00:00Z") && p.tsUs < us("2019-01-01T00:00:00Z"));
            QVERIFY(!p.clientIp.empty());
            QVERIFY(p.url.starts_with("http://") || p.method == "CONNECT");
            QVERIFY(p.port > 0);
        }
    } else {
        QCOMPARE(int(sink.dnses.size()), records);
        for (const auto& d : sink.dnses) {
            QVERIFY(d.tsUs > us("2018-01-01T00:00:00Z") && d.tsUs < us("2019-01-01T00:00:00Z"));
            QVERIFY(!d.clientIp.empty());
            QVERIFY(d.ttls.empty() || !d.answers.empty());
            QVERIFY(d.ttls.find('.') == std::string::npos); // whole seconds
        }
    }
}

void TestZeekParsers::realTsvAndJsonAgree_data() {
    QTest::addColumn<QString>("tsv");
    QTest::addColumn<QString>("json");
    QTest::newRow("rita http") << "zeek/rita-valid_tsv/http.log.gz"
                               << "zeek/rita-valid_json/http.log.gz";
    QTest::newRow("zed dns") << "zeek/zed/zeek-default/dns.log.gz"
                             << "zeek/zed/zeek-json/dns.json.gz";
}

void TestZeekParsers::realTsvAndJsonAgree() {
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent: real Zeek logs not checked");
    }
    QFETCH(QString, tsv);
    QFETCH(QString, json);
    const bool http = tsv.contains(QLatin1String("http"));
    const char* format = http ? "zeek-http" : "zeek-dns";
    const CollectingSink a = parseFile(format, sharedData(tsv));
    const CollectingSink b = parseFile(format, sharedData(json));
    if (http) {
        QCOMPARE(a.proxies.size(), b.proxies.size());
        // The same event on the same row of both files: line 9 of the TSV is line 1 of the JSON.
        for (size_t i = 0; i < a.proxies.size(); ++i) {
            const OwnedProxy& x = a.proxies[i];
            const OwnedProxy& y = b.proxies[i];
            QCOMPARE(x.line, y.line + 8);
            QCOMPARE(x.tsUs, y.tsUs);
            QCOMPARE(x.clientIp, y.clientIp);
            QCOMPARE(x.url, y.url);
            QCOMPARE(x.status, y.status);
            QCOMPARE(x.bytesIn, y.bytesIn);
            QCOMPARE(x.userAgent, y.userAgent);
            QCOMPARE(x.contentType, y.contentType);
        }
        QCOMPARE(a.proxies[0].url, std::string("http://www.alexa.com/topsites/category;2/Top/Business/"));
        QCOMPARE(a.proxies[0].tsUs, us("2018-01-30T18:15:54.078555Z"));
    } else {
        QCOMPARE(a.dnses.size(), b.dnses.size());
        for (size_t i = 0; i < a.dnses.size(); ++i) {
            const OwnedDns& x = a.dnses[i];
            const OwnedDns& y = b.dnses[i];
            QCOMPARE(x.line, y.line + 8);
            QCOMPARE(x.tsUs, y.tsUs); // epoch seconds in the TSV, ISO strings in the JSON
            QCOMPARE(x.qname, y.qname);
            QCOMPARE(x.qtype, y.qtype);
            QCOMPARE(x.rcode, y.rcode);
            QCOMPARE(x.answers, y.answers);
            QCOMPARE(x.ttls, y.ttls);
        }
        QCOMPARE(a.dnses[0].answers, std::string("ise.wrccdc.cpp.edu,134.71.3.16"));
        QCOMPARE(a.dnses[0].ttls, std::string("2230,41830"));
    }
}

void TestZeekParsers::realBadInput() {
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent: real Zeek logs not checked");
    }
    // An unknown type in #types is no problem; its first row lacks that column.
    const CollectingSink unknown =
        parseFile("zeek-http", sharedData(QStringLiteral("zeek/rita-has_unknown_field/http.log")));
    QCOMPARE(unknown.proxies.size(), size_t(4));
    QCOMPARE(unknown.rejects.size(), size_t(1));
    QCOMPARE(unknown.rejects[0].line, int64_t(9));
    QCOMPARE(q(unknown.rejects[0].reason), QStringLiteral("zeek-http: expected 30 fields, found 29"));

    // rita-truncated holds conn logs: zeek-conn claims the two with a header or Zeek's JSON keys
    // (tst_sensor_parsers reads them), the headerless one nothing does; forced through the http
    // parser each gets a reason.
    for (const char* f : {"conn.log", "conn_json.log"}) {
        const Detection d =
            detectFormat(readSniffSample(sharedData(QStringLiteral("zeek/rita-truncated/") + QLatin1String(f))));
        QVERIFY2(d.format, f);
        QCOMPARE(QString::fromLatin1(d.format->name), QStringLiteral("zeek-conn"));
    }
    {
        const Detection d =
            detectFormat(readSniffSample(sharedData(QStringLiteral("zeek/rita-truncated/conn_top.log"))));
        QVERIFY(!d.format);
        QVERIFY(d.reason.contains(QStringLiteral("zeek-conn")));
    }
    try {
        parseFile("zeek-http", sharedData(QStringLiteral("zeek/rita-truncated/conn.log")));
        QFAIL("conn.log must be refused by the http.log parser");
    } catch (const std::runtime_error& e) {
        QVERIFY(QString::fromUtf8(e.what()).contains(QStringLiteral("(#path conn)")));
    }
    const CollectingSink top = parseFile("zeek-dns", sharedData(QStringLiteral("zeek/rita-truncated/conn_top.log")));
    QCOMPARE(top.dnses.size(), size_t(0));
    QCOMPARE(top.rejects.size(), size_t(59));
    for (const auto& r : top.rejects) {
        QVERIFY(reasonHas(r, "data line before any #fields header"));
    }
    const CollectingSink json = parseFile("zeek-http", sharedData(QStringLiteral("zeek/rita-truncated/conn_json.log")));
    QCOMPARE(json.proxies.size(), size_t(0));
    QCOMPARE(json.rejects.size(), size_t(4));
    QVERIFY(reasonHas(json.rejects[0], "no field of a Zeek http.log"));
    QCOMPARE(json.rejects[3].line, int64_t(4));
    QVERIFY(reasonHas(json.rejects[3], "invalid JSON"));
    QVERIFY(reasonHas(json.rejects[3], "cut short"));
}

QTEST_GUILESS_MAIN(TestZeekParsers)
#include "tst_zeek_parsers.moc"
