// Squid/Apache combined lines and mapping-driven CSV exports (Zscaler NSS, Splunk outputcsv):
// field values, rejects with their line numbers, CRLF, invalid UTF-8, gzip, mapping selection and
// mapping errors, detection against each other and against Squid native.
#include "collecting_sink.h"
#include "ingest/parsers/csv_parser.h"
#include "ingest/read/format_registry.h"
#include "test_paths.h"

#include <QTest>

#include <stdexcept>

using namespace socwb;
using namespace socwb::test;

namespace {
QString q(const std::string& s) {
    return QString::fromStdString(s);
}

CollectingSink parseWith(Parser& p, const QString& path) {
    InputReader in(path);
    CollectingSink sink;
    p.parse(in, sink, {});
    return sink;
}

} // namespace

class TestCombinedCsvParsers : public QObject {
    Q_OBJECT
  private slots:
    void combinedFields_data();
    void combinedFields();
    void combinedBadLines();
    void combinedInvalidUtf8();
    void combinedGzip();

    void zscaler_data();
    void zscaler();
    void splunkRowsAndRejects();
    void csvGzip();
    void headerMatchingNoMapping();
    void forcedMappingFileAndTimeZone();
    void forcedMappingByName();
    void badMappings_data();
    void badMappings();
    void timePatterns_data();
    void timePatterns();
    void shippedMappingsLoad();

    void detection_data();
    void detection();
    void realSquidStaysSquid();
};

// ---------------------------------------------------------------- combined

void TestCombinedCsvParsers::combinedFields_data() {
    QTest::addColumn<int>("index");
    QTest::addColumn<qint64>("ts");
    QTest::addColumn<QString>("client");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("status");
    QTest::addColumn<qint64>("bytesIn");
    QTest::addColumn<QString>("referrer");
    QTest::addColumn<QString>("agent");
    QTest::addColumn<QString>("action");
    QTest::newRow("squid combined") << 0 << qint64(us("2024-10-10T13:55:36Z")) << "10.1.2.3"
                                    << "alice"
                                    << "GET"
                                    << "http://example.com/x?y=1"
                                    << "http"
                                    << "example.com" << 80 << "/x"
                                    << "y=1" << 200 << qint64(2326) << "http://ref/"
                                    << "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"
                                    << "TCP_MISS";
    QTest::newRow("CONNECT") << 1 << qint64(us("2024-10-10T13:55:37Z")) << "10.1.2.4"
                             << ""
                             << "CONNECT"
                             << "raw.githubusercontent.com:443"
                             << ""
                             << "raw.githubusercontent.com" << 443 << ""
                             << "" << 200 << qint64(5120) << ""
                             << "curl/8.4.0"
                             << "TCP_TUNNEL";
    QTest::newRow("apache, offset, escaped quotes") << 2 << qint64(us("2024-10-10T13:55:38Z")) << "192.0.2.10"
                                                    << "bob"
                                                    << "POST"
                                                    << "/upload?id=7"
                                                    << ""
                                                    << "" << -1 << "/upload"
                                                    << "id=7" << 201 << qint64(0) << "https://portal.example.org/form"
                                                    << "Mozilla/5.0 \"quoted\" agent \\ backslash"
                                                    << "";
    QTest::newRow("ident user, dashes") << 3 << qint64(us("2024-10-10T13:55:39Z")) << "10.1.2.5"
                                        << "jdoe"
                                        << "GET"
                                        << "https://pastebin.com/raw/AbC123"
                                        << "https"
                                        << "pastebin.com" << 443 << "/raw/AbC123"
                                        << "" << 200 << qint64(1024) << ""
                                        << ""
                                        << "TCP_MISS";
    QTest::newRow("common log format") << 4 << qint64(us("2024-10-10T13:55:40Z")) << "10.1.2.6"
                                       << ""
                                       << "GET"
                                       << "/index.html"
                                       << ""
                                       << "" << -1 << "/index.html"
                                       << "" << 304 << qint64(0) << ""
                                       << ""
                                       << "";
    QTest::newRow("no request") << 5 << qint64(us("2024-10-10T13:55:41Z")) << "10.1.2.7"
                                << ""
                                << ""
                                << ""
                                << ""
                                << "" << -1 << ""
                                << "" << 408 << qint64(0) << ""
                                << ""
                                << "";
    QTest::newRow("IPv6 literal") << 6 << qint64(us("2024-10-10T13:55:42Z")) << "::1"
                                  << ""
                                  << "GET"
                                  << "http://[2001:db8::1]:8080/a"
                                  << "http"
                                  << "2001:db8::1" << 8080 << "/a"
                                  << "" << 503 << qint64(4096) << ""
                                  << "Wget/1.21"
                                  << "NONE_NONE";
}

void TestCombinedCsvParsers::combinedFields() {
    QFETCH(int, index);
    const CollectingSink sink = parseFile("combined", fixture(QStringLiteral("combined/access.log")));
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(sink.proxies.size(), size_t(7));
    const OwnedProxy& r = sink.proxies[static_cast<size_t>(index)];
    QCOMPARE(r.line, int64_t(index + 1));
    QTEST(qint64(r.tsUs), "ts");
    QTEST(q(r.clientIp), "client");
    QTEST(q(r.user), "user");
    QTEST(q(r.method), "method");
    QTEST(q(r.url), "url");
    QTEST(q(r.scheme), "scheme");
    QTEST(q(r.host), "host");
    QTEST(r.port, "port");
    QTEST(q(r.path), "path");
    QTEST(q(r.query), "query");
    QTEST(r.status, "status");
    QTEST(qint64(r.bytesIn), "bytesIn");
    QCOMPARE(r.bytesOut, int64_t(-1));
    QTEST(q(r.referrer), "referrer");
    QTEST(q(r.userAgent), "agent");
    QTEST(q(r.action), "action");
    QVERIFY(r.destIp.empty()); // %Sh carries no address
}

void TestCombinedCsvParsers::combinedBadLines() {
    // CRLF line ends, bad lines between two good ones, a blank line.
    const CollectingSink sink = parseFile("combined", fixture(QStringLiteral("combined/bad.log")));
    QCOMPARE(sink.proxies.size(), size_t(2));
    QCOMPARE(sink.proxies[0].line, int64_t(1));
    QCOMPARE(sink.proxies[0].path, std::string("/one"));
    QCOMPARE(sink.proxies[0].action, std::string("TCP_MISS")); // no \r left behind
    QCOMPARE(sink.proxies[1].line, int64_t(8));
    QCOMPARE(sink.proxies[1].bytesIn, int64_t(20));
    QCOMPARE(sink.rejects.size(), size_t(5));
    const struct {
        int64_t line;
        const char* reason;
    } expected[] = {{2, "time is not"},
                    {3, "unterminated quote"},
                    {4, "time is not"},
                    {5, "status is not a number: 'abc'"},
                    {6, "request is not 'METHOD URL"}};
    for (size_t i = 0; i < 5; ++i) {
        QCOMPARE(sink.rejects[i].line, expected[i].line);
        QVERIFY2(q(sink.rejects[i].reason).contains(QLatin1String(expected[i].reason)), sink.rejects[i].reason.c_str());
        QVERIFY(sink.rejects[i].reason.starts_with("combined: "));
        QVERIFY(!sink.rejects[i].raw.empty());
        QVERIFY(!sink.rejects[i].raw.ends_with('\r'));
    }
    QCOMPARE(sink.rejects[0].raw, std::string("this is not an access log line"));
}

void TestCombinedCsvParsers::combinedInvalidUtf8() {
    const CollectingSink sink = parseFile("combined", fixture(QStringLiteral("combined/invalid_utf8.log")));
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(sink.proxies.size(), size_t(1));
    QCOMPARE(sink.proxies[0].userAgent, std::string("agent\\xFF\\xFE"));
    QCOMPARE(sink.proxies[0].action, std::string("TCP_MISS"));
}

void TestCombinedCsvParsers::combinedGzip() {
    const CollectingSink plain = parseFile("combined", fixture(QStringLiteral("combined/access.log")));
    const CollectingSink gz = parseFile("combined", fixture(QStringLiteral("combined/access.log.gz")));
    QCOMPARE(gz.proxies.size(), plain.proxies.size());
    QCOMPARE(gz.rejects.size(), size_t(0));
    for (size_t i = 0; i < plain.proxies.size(); ++i) {
        QCOMPARE(gz.proxies[i].url, plain.proxies[i].url);
        QCOMPARE(gz.proxies[i].userAgent, plain.proxies[i].userAgent);
        QCOMPARE(gz.proxies[i].tsUs, plain.proxies[i].tsUs);
        QCOMPARE(gz.proxies[i].line, plain.proxies[i].line);
    }
}

// ---------------------------------------------------------------- csv

void TestCombinedCsvParsers::zscaler_data() {
    QTest::addColumn<int>("index");
    QTest::addColumn<qint64>("ts");
    QTest::addColumn<QString>("client");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("destIp");
    QTest::addColumn<int>("status");
    QTest::addColumn<qint64>("bytesOut");
    QTest::addColumn<qint64>("bytesIn");
    QTest::addColumn<QString>("agent");
    QTest::addColumn<QString>("contentType");
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("referrer");
    QTest::newRow("raw github") << 0 << qint64(us("2023-10-16T22:55:48Z")) << "10.1.2.3"
                                << "jdoe@safemarch.com"
                                << "raw.githubusercontent.com"
                                << "/acme/tools/main/stage2.ps1"
                                << "token=abc"
                                << "185.199.108.133" << 200 << qint64(512) << qint64(14061)
                                << "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"
                                << "text/plain"
                                << "Allowed"
                                << "";
    QTest::newRow("documented sample, one-digit day")
        << 1 << qint64(us("2012-09-06T22:55:48Z")) << "172.17.3.49"
        << "new-gre"
        << "ebay.com"
        << "/"
        << ""
        << "66.211.175.229" << 403 << qint64(72) << qint64(14061) << "curl/7.68.0"
        << ""
        << "Blocked"
        << "";
    QTest::newRow("quoted comma and doubled quote")
        << 2 << qint64(us("2023-10-16T22:56:01Z")) << "10.1.2.3"
        << "jdoe@safemarch.com"
        << "pastebin.com"
        << "/raw/AbC123"
        << ""
        << "104.20.67.143" << 200 << qint64(300) << qint64(2048) << "Mozilla/5.0 (X11; Linux x86_64) \"quoted\", ok"
        << "text/plain"
        << "Allowed"
        << "https://www.google.com/";
}

void TestCombinedCsvParsers::zscaler() {
    QFETCH(int, index);
    CsvProxyParser parser;
    const CollectingSink sink = parseWith(parser, fixture(QStringLiteral("csv/zscaler.csv")));
    QVERIFY(parser.mapping());
    QCOMPARE(parser.mapping()->name, QStringLiteral("zscaler-nss-web"));
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(sink.proxies.size(), size_t(3));
    const OwnedProxy& r = sink.proxies[static_cast<size_t>(index)];
    QCOMPARE(r.line, int64_t(index + 2));
    QTEST(qint64(r.tsUs), "ts");
    QTEST(q(r.clientIp), "client");
    QTEST(q(r.user), "user");
    QTEST(q(r.host), "host");
    QTEST(q(r.path), "path");
    QTEST(q(r.query), "query");
    QTEST(q(r.destIp), "destIp");
    QTEST(r.status, "status");
    QTEST(qint64(r.bytesOut), "bytesOut");
    QTEST(qint64(r.bytesIn), "bytesIn");
    QTEST(q(r.userAgent), "agent");
    QTEST(q(r.contentType), "contentType");
    QTEST(q(r.action), "action");
    QTEST(q(r.referrer), "referrer");
    QCOMPARE(r.method, std::string("GET"));
    QCOMPARE(r.durationMs, int64_t(-1)); // the mapping names no duration column
}

void TestCombinedCsvParsers::splunkRowsAndRejects() {
    CsvProxyParser parser;
    const CollectingSink sink = parseWith(parser, fixture(QStringLiteral("csv/splunk.csv")));
    QVERIFY(parser.mapping());
    QCOMPARE(parser.mapping()->name, QStringLiteral("splunk-proxy-outputcsv"));
    QCOMPARE(sink.proxies.size(), size_t(3));

    const OwnedProxy& a = sink.proxies[0];
    QCOMPARE(a.line, int64_t(2));
    QCOMPARE(a.tsUs, us("2024-03-01T14:05:11.123Z")); // outputcsv: epoch seconds
    QCOMPARE(a.clientIp, std::string("10.1.2.3"));
    QCOMPARE(a.user, std::string("alice"));
    QCOMPARE(a.method, std::string("GET"));
    QCOMPARE(a.url, std::string("https://raw.githubusercontent.com/acme/tools/main/run.sh"));
    QCOMPARE(a.scheme, std::string("https"));
    QCOMPARE(a.host, std::string("raw.githubusercontent.com"));
    QCOMPARE(a.port, 443);
    QCOMPARE(a.path, std::string("/acme/tools/main/run.sh"));
    QCOMPARE(a.status, 200);
    QCOMPARE(a.bytesIn, int64_t(2326));
    QCOMPARE(a.bytesOut, int64_t(412));
    QCOMPARE(a.userAgent, std::string("curl/8.4.0"));
    QCOMPARE(a.contentType, std::string("text/plain"));
    QCOMPARE(a.action, std::string("allowed"));
    QCOMPARE(a.referrer, std::string());
    QCOMPARE(a.durationMs, int64_t(152));

    const OwnedProxy& b = sink.proxies[1];
    QCOMPARE(b.line, int64_t(3));
    QCOMPARE(b.tsUs, us("2024-03-01T14:05:12Z")); // Splunk Web export: ISO 8601 with +0000
    QCOMPARE(b.user, std::string());              // CIM's "unknown"
    QCOMPARE(b.method, std::string("CONNECT"));
    QCOMPARE(b.host, std::string("pastebin.com"));
    QCOMPARE(b.port, 443);
    QCOMPARE(b.userAgent, std::string("Mozilla/5.0 (Windows NT 10.0, Win64)"));
    QCOMPARE(b.contentType, std::string());
    QCOMPARE(b.durationMs, int64_t(35)); // 35.5 ms

    const OwnedProxy& c = sink.proxies[2];
    QCOMPARE(c.line, int64_t(9)); // after the bad rows and a blank line; CRLF gone
    QCOMPARE(c.host, std::string("api.telegram.org"));
    QCOMPARE(c.path, std::string("/bot123:ABC/sendMessage"));
    QCOMPARE(c.query, std::string("chat_id=1"));
    QCOMPARE(c.referrer, std::string("http://ref.example/"));
    QCOMPARE(c.durationMs, int64_t(7));

    QCOMPARE(sink.rejects.size(), size_t(4));
    const struct {
        int64_t line;
        const char* reason;
    } expected[] = {{4, "column 'bytes_in' (bytesIn) is not a number: 'abc'"},
                    {5, "timestamp 'yesterday' in column '_time' matches none of the mapping's time formats"},
                    {6, "expected 14 fields as in the header, found 5"},
                    {7, "unterminated quote"}};
    for (size_t i = 0; i < 4; ++i) {
        QCOMPARE(sink.rejects[i].line, expected[i].line);
        QVERIFY2(q(sink.rejects[i].reason).contains(QLatin1String(expected[i].reason)), sink.rejects[i].reason.c_str());
        QVERIFY(!sink.rejects[i].raw.ends_with('\r'));
    }
}

void TestCombinedCsvParsers::csvGzip() {
    const CollectingSink plain = parseFile("csv", fixture(QStringLiteral("csv/zscaler.csv")));
    const CollectingSink gz = parseFile("csv", fixture(QStringLiteral("csv/zscaler.csv.gz")));
    QCOMPARE(gz.rejects.size(), size_t(0));
    QCOMPARE(gz.proxies.size(), plain.proxies.size());
    for (size_t i = 0; i < plain.proxies.size(); ++i) {
        QCOMPARE(gz.proxies[i].url, plain.proxies[i].url);
        QCOMPARE(gz.proxies[i].tsUs, plain.proxies[i].tsUs);
    }
}

void TestCombinedCsvParsers::headerMatchingNoMapping() {
    const CollectingSink sink = parseFile("csv", fixture(QStringLiteral("csv/nomatch.csv")));
    QCOMPARE(sink.proxies.size(), size_t(0));
    QCOMPARE(sink.rejects.size(), size_t(2));
    const QString header = q(sink.rejects[0].reason);
    QCOMPARE(sink.rejects[0].line, int64_t(1));
    QVERIFY2(header.contains(QLatin1String("matches no mapping")), qPrintable(header));
    QVERIFY2(header.contains(QLatin1String("zscaler-nss-web (lacks")), qPrintable(header));
    QVERIFY2(header.contains(QLatin1String("splunk-proxy-outputcsv (lacks _time")), qPrintable(header));
    QVERIFY2(header.contains(QLatin1String("--mapping")), qPrintable(header));
    QCOMPARE(sink.rejects[1].line, int64_t(2));
    QVERIFY(q(sink.rejects[1].reason).contains(QLatin1String("header on line 1 matched no mapping")));
    // Not detected as csv either: the import refuses it naming the formats tried.
    const Detection d = detectFormat(readSniffSample(fixture(QStringLiteral("csv/nomatch.csv"))));
    QVERIFY(!d.format || QString::fromLatin1(d.format->name) != QLatin1String("csv"));
}

void TestCombinedCsvParsers::forcedMappingFileAndTimeZone() {
    // "sep=;" overrides the mapping's comma; day-first 12-hour local times in Europe/Berlin.
    const CollectingSink sink =
        parseFile("csv", fixture(QStringLiteral("csv/custom.csv")), QStringLiteral("Europe/Berlin"),
                  fixture(QStringLiteral("csv/custom-mapping.json")));
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(sink.proxies.size(), size_t(2));
    QCOMPARE(sink.proxies[0].line, int64_t(3));
    QCOMPARE(sink.proxies[0].tsUs, us("2024-03-01T13:05:11Z"));
    QCOMPARE(sink.proxies[0].clientIp, std::string("10.1.2.3"));
    QCOMPARE(sink.proxies[0].host, std::string("example.org"));
    QCOMPARE(sink.proxies[0].query, std::string("b=1"));
    QCOMPARE(sink.proxies[0].bytesIn, int64_t(99));
    QCOMPARE(sink.proxies[1].tsUs, us("2024-02-29T23:00:00Z")); // 12:00:00 AM is midnight
    QCOMPARE(sink.proxies[1].status, 204);
}

void TestCombinedCsvParsers::forcedMappingByName() {
    // A shipped mapping by name forces it even where detection would have found it.
    const CollectingSink sink = parseFile("csv", fixture(QStringLiteral("csv/splunk.csv")), QStringLiteral("UTC"),
                                          QStringLiteral("splunk-proxy-outputcsv"));
    QCOMPARE(sink.proxies.size(), size_t(3));
    // The Splunk mapping read against the Zscaler export: no _time column, a clear header reject.
    const CollectingSink wrong = parseFile("csv", fixture(QStringLiteral("csv/zscaler.csv")), QStringLiteral("UTC"),
                                           QStringLiteral("splunk-proxy-outputcsv"));
    QCOMPARE(wrong.proxies.size(), size_t(0));
    QVERIFY(!wrong.rejects.empty());
    QVERIFY2(q(wrong.rejects[0].reason).contains(QLatin1String("needs a timestamp column (_time)")),
             wrong.rejects[0].reason.c_str());
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, parseFile("csv", fixture(QStringLiteral("csv/zscaler.csv")),
                                                           QStringLiteral("UTC"), QStringLiteral("no-such-mapping")));
}

void TestCombinedCsvParsers::badMappings_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("message");
    QTest::newRow("not JSON") << "csv/bad-json.json"
                              << "not valid JSON";
    QTest::newRow("unknown field") << "csv/bad-field.json"
                                   << "unknown field 'clientIP'";
    QTest::newRow("unsupported directive") << "csv/bad-timeformat.json"
                                           << "%Q is not supported";
    QTest::newRow("no ts") << "csv/no-ts.json"
                           << "fields.ts is missing";
    QTest::newRow("other format's mapping") << "../../resources/mappings/sysmon-nxlog-flat.json"
                                            << "mapping for the 'sysmon-json' format";
    QTest::newRow("missing file") << "csv/does-not-exist.json"
                                  << "cannot be read";
}

void TestCombinedCsvParsers::badMappings() {
    QFETCH(QString, file);
    QFETCH(QString, message);
    const QString path = fixture(file);
    // Every mapping named here exists except the one row about a missing file.
    QCOMPARE(QFile::exists(path), !file.contains(QLatin1String("does-not-exist")));
    try {
        parseFile("csv", fixture(QStringLiteral("csv/zscaler.csv")), QStringLiteral("UTC"), path);
        QFAIL("a bad mapping must throw");
    } catch (const std::runtime_error& e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.contains(path), qPrintable(what)); // names the file
        QVERIFY2(what.contains(message), qPrintable(what));
    }
}

void TestCombinedCsvParsers::timePatterns_data() {
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<qint64>("expected");
    QTest::addColumn<bool>("hasZone");
    QTest::newRow("zscaler") << "%a %b %d %H:%M:%S %Y"
                             << "Mon Oct 16 22:55:48 2023" << true << qint64(us("2023-10-16T22:55:48Z")) << false;
    QTest::newRow("full names") << "%A, %d %B %Y %T"
                                << "Monday, 16 October 2023 22:55:48" << true << qint64(us("2023-10-16T22:55:48Z"))
                                << false;
    QTest::newRow("fraction and offset") << "%F %T.%f %z"
                                         << "2024-03-01 14:05:11.5 +01:00" << true
                                         << qint64(us("2024-03-01T13:05:11.5Z")) << true;
    QTest::newRow("UTC name") << "%Y-%m-%d %H:%M:%S %Z"
                              << "2024-03-01 14:05:11 UTC" << true << qint64(us("2024-03-01T14:05:11Z")) << true;
    QTest::newRow("12 PM") << "%m/%d/%Y %I:%M:%S %p"
                           << "3/1/2024 12:05:11 PM" << true << qint64(us("2024-03-01T12:05:11Z")) << false;
    QTest::newRow("two-digit year") << "%d.%m.%y %H:%M"
                                    << "01.03.24 14:05" << true << qint64(us("2024-03-01T14:05:00Z")) << false;
    QTest::newRow("epoch_ms") << "epoch_ms"
                              << "1709301911123" << true << qint64(us("2024-03-01T14:05:11.123Z")) << true;
    QTest::newRow("Feb 30") << "%Y-%m-%d %H:%M:%S"
                            << "2024-02-30 00:00:00" << false << qint64(0) << false;
    QTest::newRow("trailing text") << "%Y-%m-%d"
                                   << "2024-02-03x" << false << qint64(0) << false;
    QTest::newRow("hour 13 PM") << "%I:%M %p %Y-%m-%d"
                                << "13:00 PM 2024-01-01" << false << qint64(0) << false;
    QTest::newRow("other zone name") << "%Y-%m-%d %H:%M:%S %Z"
                                     << "2024-03-01 14:05:11 CET" << false << qint64(0) << false;
}

void TestCombinedCsvParsers::timePatterns() {
    QFETCH(QString, format);
    QFETCH(QString, value);
    QFETCH(bool, ok);
    const QByteArray json =
        QStringLiteral(R"({"format":"csv","timeFormat":"%1","fields":{"ts":"t"}})").arg(format).toUtf8();
    const CsvMapping m = parseCsvMapping(json, QStringLiteral("t"), QStringLiteral("inline"));
    QCOMPARE(m.timeFormats.size(), size_t(1));
    int64_t v = 0;
    bool zone = false;
    const std::string s = value.toStdString();
    QCOMPARE(m.timeFormats[0].parse(s, v, zone), ok);
    if (ok) {
        QTEST(qint64(v), "expected");
        QTEST(zone, "hasZone");
    }
}

void TestCombinedCsvParsers::shippedMappingsLoad() {
    const auto& mappings = shippedCsvMappings();
    QStringList names;
    for (const auto& m : mappings) {
        names << m.name;
        QVERIFY2(!m.detect.empty(), qPrintable(m.name));
    }
    QVERIFY2(names.contains(QStringLiteral("zscaler-nss-web")), qPrintable(names.join(QLatin1Char(','))));
    QVERIFY(names.contains(QStringLiteral("splunk-proxy-outputcsv")));
    QVERIFY(!names.contains(QStringLiteral("sysmon-nxlog-flat"))); // other formats' mappings are skipped
}

// ---------------------------------------------------------------- detection

void TestCombinedCsvParsers::detection_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("format");
    QTest::newRow("combined") << "combined/access.log"
                              << "combined";
    QTest::newRow("combined gz") << "combined/access.log.gz"
                                 << "combined";
    QTest::newRow("combined utf8") << "combined/invalid_utf8.log"
                                   << "combined";
    QTest::newRow("zscaler") << "csv/zscaler.csv"
                             << "csv";
    QTest::newRow("zscaler gz") << "csv/zscaler.csv.gz"
                                << "csv";
    QTest::newRow("splunk") << "csv/splunk.csv"
                            << "csv";
    QTest::newRow("squid native") << "squid/access.log"
                                  << "squid";
}

void TestCombinedCsvParsers::detection() {
    QFETCH(QString, file);
    QFETCH(QString, format);
    const QString path = fixture(file);
    QVERIFY2(QFile::exists(path), qPrintable(path));
    const Detection d = detectFormat(readSniffSample(path));
    QVERIFY2(d.format, qPrintable(d.reason));
    QCOMPARE(QString::fromLatin1(d.format->name), format);
    // Each of our sniffers is certain about its own files.
    if (format == QLatin1String("combined") || format == QLatin1String("csv")) {
        const FormatInfo* f = findFormat(format);
        QVERIFY(f->sniff(readSniffSample(path)) >= 80);
    }
}

void TestCombinedCsvParsers::realSquidStaysSquid() {
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent: real Squid logs not checked");
    }
    for (const char* f : {"proxy/squid/elastic-beats_access1.log", "proxy/squid/elastic-beats_access3.log",
                          "proxy/squid/elastic-beats_access4.log"}) {
        const QString path = sharedData(QString::fromLatin1(f));
        QVERIFY2(QFile::exists(path), f); // a file gone from the corpus must not pass unchecked
        const SniffSample sample = readSniffSample(path);
        const Detection d = detectFormat(sample);
        QVERIFY2(d.format, f);
        QCOMPARE(QString::fromLatin1(d.format->name), QStringLiteral("squid"));
        QCOMPARE(findFormat(QStringLiteral("combined"))->sniff(sample), 0);
        QCOMPARE(findFormat(QStringLiteral("csv"))->sniff(sample), 0);
    }
}

QTEST_GUILESS_MAIN(TestCombinedCsvParsers)
#include "tst_combined_csv_parsers.moc"
