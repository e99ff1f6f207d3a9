// W3C extended log format: IIS (CRLF, two #Fields blocks, '+' in user agents), Blue Coat ProxySG
// (quoted fields, CONNECT, denied requests), a gateway export with full cs-uri, local time with a
// source time zone, bad lines kept as rejects with their line numbers, detection, and the real
// IIS log in ../shared/data.
#include "collecting_sink.h"
#include "ingest/parsers/w3c_parser.h"
#include "ingest/read/format_registry.h"
#include "test_paths.h"

#include <QTest>

#include <stdexcept>

using namespace socwb;
using namespace socwb::test;

namespace {

struct Expect {
    int64_t line = 0;
    const char* ts = "";
    const char* client = "";
    const char* user = "";
    const char* method = "";
    const char* url = "";
    const char* scheme = "";
    const char* host = "";
    int port = -1;
    const char* path = "";
    const char* query = "";
    const char* destIp = "";
    int status = -1;
    int64_t bytesOut = -1;
    int64_t bytesIn = -1;
    const char* userAgent = "";
    const char* referrer = "";
    const char* contentType = "";
    const char* action = "";
    int64_t durationMs = -1;
};

// tests/fixtures/w3c/iis_two_blocks.log (CRLF): two blocks with different #Fields.
const Expect kIis[] = {
    {5,
     "2024-03-01T00:00:12Z",
     "198.51.100.23",
     "",
     "GET",
     "https://10.0.2.15/owa/auth/logon.aspx?replaceCurrent=1&url=https%3a%2f%2fmail.example.com%2fowa%2f",
     "https",
     "10.0.2.15",
     443,
     "/owa/auth/logon.aspx",
     "replaceCurrent=1&url=https%3a%2f%2fmail.example.com%2fowa%2f",
     "10.0.2.15",
     200,
     -1,
     -1,
     "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36",
     "",
     "",
     "",
     31},
    {6,
     "2024-03-01T00:00:13Z",
     "10.0.2.17",
     "EXAMPLE\\svc_erp",
     "POST",
     "http://10.0.2.15/erp/conn.aspx?proxy",
     "http",
     "10.0.2.15",
     80,
     "/erp/conn.aspx",
     "proxy",
     "10.0.2.15",
     200,
     -1,
     -1,
     "",
     "http://10.0.2.15/erp/",
     "",
     "",
     4},
    // After a comment and a blank line; time with a fraction.
    {9,           "2024-03-01T00:01:00.25Z",
     "10.0.2.18", "",
     "GET",       "http://10.0.2.15/images/logo.png",
     "http",      "10.0.2.15",
     80,          "/images/logo.png",
     "",          "10.0.2.15",
     304,         -1,
     -1,          "Mozilla/5.0+(X11;+Linux+x86_64)",
     "",          "",
     "",          0},
    // Second block: cs-host (with a port), bytes, columns in another order.
    {14,          "2024-03-01T01:00:05Z",
     "10.0.2.19", "",
     "GET",       "http://intranet.example.com:8443/reports/q1.pdf?id=7",
     "http",      "intranet.example.com",
     8443,        "/reports/q1.pdf",
     "id=7",      "10.0.2.15",
     200,         412,
     5120,        "Microsoft+Office/16.0",
     "",          "",
     "",          15},
    {15,          "2024-03-01T01:00:06Z",
     "10.0.2.20", "",
     "GET",       "http://www.example.com/index.htm",
     "http",      "www.example.com",
     80,          "/index.htm",
     "",          "10.0.2.15",
     404,         380,
     1245,        "curl/8.5.0",
     "",          "",
     "",          2},
};

// tests/fixtures/w3c/bluecoat.log: ProxySG main format.
const Expect kBlueCoat[] = {
    {7,
     "2024-03-01T09:00:01Z",
     "10.1.2.3",
     "alice",
     "GET",
     "http://www.example.com/index.html?q=1&lang=en",
     "http",
     "www.example.com",
     80,
     "/index.html",
     "q=1&lang=en",
     "93.184.216.34",
     200,
     512,
     1256,
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36",
     "",
     "text/html;%20charset=UTF-8",
     "TCP_NC_MISS",
     45},
    {8,
     "2024-03-01T09:00:02Z",
     "10.1.2.4",
     "bob",
     "CONNECT",
     "raw.githubusercontent.com:443",
     "",
     "raw.githubusercontent.com",
     443,
     "",
     "",
     "185.199.108.133",
     200,
     987,
     6120,
     "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.1",
     "",
     "",
     "TCP_TUNNELED",
     120},
    {9,
     "2024-03-01T09:00:03Z",
     "10.1.2.4",
     "bob",
     "GET",
     "https://raw.githubusercontent.com/user/repo/main/run.ps1",
     "https",
     "raw.githubusercontent.com",
     443,
     "/user/repo/main/run.ps1",
     "",
     "185.199.108.133",
     200,
     450,
     2048,
     "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.1",
     "",
     "text/plain;%20charset=utf-8",
     "TCP_NC_MISS",
     33},
    {10,           "2024-03-01T09:00:04Z",
     "10.1.2.5",   "",
     "GET",        "http://pastebin.com/raw/AbCdEf12",
     "http",       "pastebin.com",
     80,           "/raw/AbCdEf12",
     "",           "",
     403,          215,
     1034,         "Microsoft BITS/7.8",
     "",           "text/html",
     "TCP_DENIED", 2},
    // A doubled quote inside a quoted field; a referrer; a non-default port.
    {11,
     "2024-03-01T09:00:05Z",
     "10.1.2.6",
     "",
     "GET",
     "http://api.example.net:8080/v1/items",
     "http",
     "api.example.net",
     8080,
     "/v1/items",
     "",
     "198.51.100.7",
     200,
     300,
     99,
     "Agent \"quoted\" 1.0",
     "http://www.example.com/",
     "application/json",
     "TCP_HIT",
     17},
};

// tests/fixtures/w3c/gateway_cs_uri.log: the whole URL in cs-uri, r-ip / r-port upstream.
const Expect kGateway[] = {
    {4,
     "2024-03-01T10:15:00Z",
     "10.2.0.9",
     "carol",
     "GET",
     "https://login.example.com:8443/oauth/token?grant=client&x=1",
     "https",
     "login.example.com",
     8443,
     "/oauth/token",
     "grant=client&x=1",
     "203.0.113.44",
     200,
     310,
     4711,
     "python-requests/2.31.0",
     "",
     "application/json",
     "TCP_MISS",
     230},
    {5,
     "2024-03-01T10:15:01Z",
     "10.2.0.9",
     "carol",
     "CONNECT",
     "cdn.example.org:443",
     "",
     "cdn.example.org",
     443,
     "",
     "",
     "203.0.113.45",
     200,
     0,
     0,
     "python-requests/2.31.0",
     "",
     "",
     "TCP_TUNNELED",
     5},
    {6,           "2024-03-01T10:15:02Z",
     "10.2.0.10", "",
     "GET",       "http://example.com/redirect",
     "http",      "example.com",
     80,          "/redirect",
     "",          "93.184.216.34",
     302,         180,
     220,         "",
     "",          "text/html",
     "TCP_MISS",  12},
};

void compare(const OwnedProxy& r, const Expect& e) {
    QCOMPARE(r.line, e.line);
    QCOMPARE(r.tsUs, us(e.ts));
    QCOMPARE(r.clientIp, std::string(e.client));
    QCOMPARE(r.user, std::string(e.user));
    QCOMPARE(r.method, std::string(e.method));
    QCOMPARE(r.url, std::string(e.url));
    QCOMPARE(r.scheme, std::string(e.scheme));
    QCOMPARE(r.host, std::string(e.host));
    QCOMPARE(r.port, e.port);
    QCOMPARE(r.path, std::string(e.path));
    QCOMPARE(r.query, std::string(e.query));
    QCOMPARE(r.destIp, std::string(e.destIp));
    QCOMPARE(r.status, e.status);
    QCOMPARE(r.bytesOut, e.bytesOut);
    QCOMPARE(r.bytesIn, e.bytesIn);
    QCOMPARE(r.userAgent, std::string(e.userAgent));
    QCOMPARE(r.referrer, std::string(e.referrer));
    QCOMPARE(r.contentType, std::string(e.contentType));
    QCOMPARE(r.action, std::string(e.action));
    QCOMPARE(r.durationMs, e.durationMs);
}

bool reasonHas(const OwnedReject& r, const char* text) {
    return QString::fromStdString(r.reason).contains(QString::fromUtf8(text));
}

} // namespace

class TestW3cParser : public QObject {
    Q_OBJECT
  private slots:
    void fields_data();
    void fields();
    void crlfLeavesNothingBehind();
    void localTimeWithSourceZone_data();
    void localTimeWithSourceZone();
    void unknownTimeZoneIsRefused();
    void badLinesKeepTheirLineNumbers();
    void tabSeparatedExport();
    void timeOnlyTakesTheDateDirective();
    void detection_data();
    void detection();
    void doesNotClaimOtherFormats();
    void realIisLog();
};

void TestW3cParser::fields_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("index");
    auto add = [](const char* file, const Expect* table, int n) {
        for (int i = 0; i < n; ++i) {
            QTest::addRow("%s line %lld", file, static_cast<long long>(table[i].line))
                << QString::fromLatin1(file) << n << i;
        }
    };
    add("w3c/iis_two_blocks.log", kIis, int(std::size(kIis)));
    add("w3c/bluecoat.log", kBlueCoat, int(std::size(kBlueCoat)));
    add("w3c/gateway_cs_uri.log", kGateway, int(std::size(kGateway)));
}

void TestW3cParser::fields() {
    QFETCH(QString, file);
    QFETCH(int, count);
    QFETCH(int, index);
    const CollectingSink sink = parseFile("w3c", fixture(file));
    for (const auto& r : sink.rejects) {
        qWarning("line %lld: %s", static_cast<long long>(r.line), r.reason.c_str());
    }
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(int(sink.proxies.size()), count);
    const Expect* table = file.contains(QLatin1String("iis"))        ? kIis
                          : file.contains(QLatin1String("bluecoat")) ? kBlueCoat
                                                                     : kGateway;
    compare(sink.proxies[static_cast<size_t>(index)], table[index]);
}

void TestW3cParser::crlfLeavesNothingBehind() {
    const CollectingSink sink = parseFile("w3c", fixture(QStringLiteral("w3c/iis_two_blocks.log")));
    QCOMPARE(sink.proxies.size(), size_t(5));
    for (const auto& p : sink.proxies) {
        for (const std::string* s : {&p.url, &p.userAgent, &p.clientIp, &p.destIp, &p.host, &p.query}) {
            QVERIFY(s->find('\r') == std::string::npos);
        }
    }
}

void TestW3cParser::localTimeWithSourceZone_data() {
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("UTC (the format's rule)")
        << "UTC"
        << QStringList{"2024-01-15T10:00:00Z", "2024-07-15T10:00:00Z", "2024-03-31T01:59:59Z", "2024-03-31T03:00:00Z"};
    // CET is UTC+1, CEST UTC+2; the clocks went forward at 02:00 local on 2024-03-31.
    QTest::newRow("Europe/Berlin") << "Europe/Berlin"
                                   << QStringList{"2024-01-15T09:00:00Z", "2024-07-15T08:00:00Z",
                                                  "2024-03-31T00:59:59Z", "2024-03-31T01:00:00Z"};
    QTest::newRow("America/New_York") << "America/New_York"
                                      << QStringList{"2024-01-15T15:00:00Z", "2024-07-15T14:00:00Z",
                                                     "2024-03-31T05:59:59Z", "2024-03-31T07:00:00Z"};
}

void TestW3cParser::localTimeWithSourceZone() {
    QFETCH(QString, zone);
    QFETCH(QStringList, expected);
    const CollectingSink sink = parseFile("w3c", fixture(QStringLiteral("w3c/local_time.log")), zone);
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(sink.proxies.size(), size_t(expected.size()));
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QCOMPARE(sink.proxies[static_cast<size_t>(i)].tsUs, us(expected[i].toLatin1().constData()));
    }
}

void TestW3cParser::unknownTimeZoneIsRefused() {
    try {
        parseFile("w3c", fixture(QStringLiteral("w3c/local_time.log")), QStringLiteral("Mars/Olympus_Mons"));
        QFAIL("an unknown zone must be refused, not taken as UTC");
    } catch (const std::runtime_error& e) {
        QVERIFY(QString::fromUtf8(e.what()).contains(QStringLiteral("Mars/Olympus_Mons")));
    }
}

void TestW3cParser::badLinesKeepTheirLineNumbers() {
    const CollectingSink sink = parseFile("w3c", fixture(QStringLiteral("w3c/bad.log")));
    QCOMPARE(sink.proxies.size(), size_t(2));
    QCOMPARE(sink.proxies[0].line, int64_t(4));
    QCOMPARE(sink.proxies[0].path, std::string("/ok.htm"));
    QCOMPARE(sink.proxies[1].line, int64_t(9));
    QCOMPARE(sink.proxies[1].path, std::string("/ok2.htm"));
    QCOMPARE(sink.rejects.size(), size_t(5));
    QCOMPARE(sink.rejects[0].line, int64_t(1));
    QCOMPARE(QString::fromStdString(sink.rejects[0].reason),
             QStringLiteral("w3c: data line before any #Fields directive"));
    QCOMPARE(sink.rejects[1].line, int64_t(5));
    QCOMPARE(QString::fromStdString(sink.rejects[1].reason), QStringLiteral("w3c: expected 12 fields, found 7"));
    QCOMPARE(sink.rejects[2].line, int64_t(6));
    QVERIFY(reasonHas(sink.rejects[2], "quoted field is not closed"));
    QCOMPARE(sink.rejects[3].line, int64_t(7));
    QCOMPARE(QString::fromStdString(sink.rejects[3].reason), QStringLiteral("w3c: sc-status is not a number: 'abc'"));
    QCOMPARE(sink.rejects[4].line, int64_t(8));
    QVERIFY(reasonHas(sink.rejects[4], "no readable date and time: '2024-03-32 09:00:04'"));
}

void TestW3cParser::tabSeparatedExport() {
    // Forefront TMG and some exports separate with tabs; then a value may hold spaces unquoted.
    const QByteArray text = "#Software: Microsoft Forefront Threat Management Gateway\n"
                            "#Fields:\tc-ip\tcs-username\tc-agent\tdate\ttime\tcs-uri\tsc-status\ts-action\n"
                            "10.3.0.5\tEXAMPLE\\dave\tMozilla/4.0 (compatible; MSIE 7.0)\t2024-03-01\t11:00:00\t"
                            "http://updates.example.com/a b.cab\t200\tAllowed\n";
    const CollectingSink sink = parseText("w3c", text);
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(sink.proxies.size(), size_t(1));
    const OwnedProxy& p = sink.proxies[0];
    QCOMPARE(p.tsUs, us("2024-03-01T11:00:00Z"));
    QCOMPARE(p.user, std::string("EXAMPLE\\dave"));
    QCOMPARE(p.userAgent, std::string("Mozilla/4.0 (compatible; MSIE 7.0)"));
    QCOMPARE(p.url, std::string("http://updates.example.com/a b.cab"));
    QCOMPARE(p.path, std::string("/a b.cab"));
    QCOMPARE(p.action, std::string("Allowed"));
}

void TestW3cParser::timeOnlyTakesTheDateDirective() {
    const QByteArray text =
        "#Version: 1.0\r\n#Date: 2024-03-05 00:00:00\r\n#Fields: time c-ip cs-method cs-uri sc-status\r\n"
        "13:14:15 10.4.0.1 GET http://example.org/x 200\r\n";
    const CollectingSink sink = parseText("w3c", text);
    QCOMPARE(sink.proxies.size(), size_t(1));
    QCOMPARE(sink.proxies[0].tsUs, us("2024-03-05T13:14:15Z"));
    QCOMPARE(sink.proxies[0].host, std::string("example.org"));
}

void TestW3cParser::detection_data() {
    QTest::addColumn<QString>("file");
    for (const char* f : {"w3c/iis_two_blocks.log", "w3c/bluecoat.log", "w3c/gateway_cs_uri.log", "w3c/local_time.log",
                          "w3c/bad.log"}) {
        QTest::newRow(f) << QString::fromLatin1(f);
    }
}

void TestW3cParser::detection() {
    QFETCH(QString, file);
    const SniffSample sample = readSniffSample(fixture(file));
    const Detection d = detectFormat(sample);
    QVERIFY2(d.format, qPrintable(d.reason));
    QCOMPARE(QString::fromLatin1(d.format->name), QStringLiteral("w3c"));
    QVERIFY(W3cParser::sniff(sample) >= 80);
}

void TestW3cParser::doesNotClaimOtherFormats() {
    for (const char* f : {"zeek/http.log", "zeek/dns.log", "zeek/http.json", "zeek/header_only.log"}) {
        QCOMPARE(W3cParser::sniff(readSniffSample(fixture(QString::fromLatin1(f)))), 0);
    }
}

void TestW3cParser::realIisLog() {
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent: the real IIS log is not checked");
    }
    const QString file = sharedData(QStringLiteral("proxy/w3c-iis/Tunna_rdp_tunnel_IIS.log"));
    const Detection d = detectFormat(readSniffSample(file));
    QVERIFY(d.format);
    QCOMPARE(QString::fromLatin1(d.format->name), QStringLiteral("w3c"));
    const CollectingSink sink = parseFile("w3c", file);
    for (size_t i = 0; i < sink.rejects.size() && i < 5; ++i) {
        qWarning("line %lld: %s", static_cast<long long>(sink.rejects[i].line), sink.rejects[i].reason.c_str());
    }
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(sink.proxies.size(), size_t(4298)); // two #Fields blocks, CRLF, a comment and a blank line
    const OwnedProxy& first = sink.proxies.front();
    QCOMPARE(first.line, int64_t(7));
    QCOMPARE(first.tsUs, us("2019-09-03T10:13:36Z"));
    QCOMPARE(first.clientIp, std::string("10.0.2.17"));
    QCOMPARE(first.method, std::string("GET"));
    QCOMPARE(first.url, std::string("http://10.0.2.15/erp/conn.aspx?proxy&port=3389&ip=127.0.0.1"));
    QCOMPARE(first.query, std::string("proxy&port=3389&ip=127.0.0.1"));
    QCOMPARE(first.status, 200);
    QCOMPARE(first.durationMs, int64_t(7));
    bool secondBlock = false;
    for (const auto& p : sink.proxies) {
        QVERIFY(p.tsUs >= us("2019-09-03T00:00:00Z") && p.tsUs < us("2019-09-04T00:00:00Z"));
        QCOMPARE(p.path, std::string("/erp/conn.aspx"));
        secondBlock |= p.line > 2604;
    }
    QVERIFY(secondBlock);
}

QTEST_GUILESS_MAIN(TestW3cParser)
#include "tst_w3c_parser.moc"
