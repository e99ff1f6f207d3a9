// Text DNS logs: Windows DNS Server debug log, BIND 9 query log, dnsmasq / Pi-hole. Field values,
// query/response joining, rejects with line numbers, CRLF, invalid UTF-8, gzip, time zones, the
// syslog year rule, the real BIND lines in ../shared/data, and detection.
#include "collecting_sink.h"
#include "ingest/parsers/bind_parser.h"
#include "ingest/parsers/dnsmasq_parser.h"
#include "ingest/parsers/syslog_prefix.h"
#include "ingest/parsers/windows_dns_parser.h"
#include "ingest/read/format_registry.h"
#include "ingest/read/input_reader.h"
#include "test_paths.h"

#include <QDateTime>
#include <QTest>
#include <QTimeZone>

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

const OwnedDns* byName(const CollectingSink& s, const std::string& qname, const std::string& qtype = {}) {
    for (const auto& d : s.dnses) {
        if (d.qname == qname && (qtype.empty() || d.qtype == qtype)) {
            return &d;
        }
    }
    return nullptr;
}

// The time of the named query; a value no test expects when the parser lost it (fails, no crash).
int64_t tsOf(const CollectingSink& s, const std::string& qname) {
    const OwnedDns* d = byName(s, qname);
    return d ? d->tsUs : INT64_MIN;
}

// Parses a fixture through the format registry (as an import does) with "now" pinned.
CollectingSink parseThroughRegistry(const char* format, const QString& path, int64_t nowUs) {
    ParserOptions options;
    options.referenceUtcUs = nowUs;
    auto parser = findFormat(QString::fromLatin1(format))->create(options);
    InputReader in(path);
    CollectingSink sink;
    parser->parse(in, sink, {});
    return sink;
}

constexpr int64_t kRef2024 = 1717200000LL * 1000000; // 2024-06-01T00:00:00Z
} // namespace

class TestDnsTextParsers : public QObject {
    Q_OBJECT
  private slots:
    void windowsDecodeName_data();
    void windowsDecodeName();
    void windowsPairsQueriesAndResponses();
    void windowsTimeZone();
    void windowsDetailsGiveAnswers();
    void windowsDateVariants();
    void windowsBadLines();
    void windowsGzip();
    void windowsBoundedTable();

    void bindFields_data();
    void bindFields();
    void bindSyslogYearNow();
    void bindBadLines();
    void bindRealCrowdsecLines_data();
    void bindRealCrowdsecLines();

    void dnsmasqJoinsAnswers_data();
    void dnsmasqJoinsAnswers();
    void dnsmasqRejectsAndConsumed();
    void dnsmasqPiholeExtraSerials();
    void dnsmasqYearRule();
    void dnsmasqYearRuleNow();
    void dnsmasqBadLines();
    void dnsmasqGzip();

    void detection_data();
    void detection();
    void squidFixturesAreNotDns();
};

// ---------------------------------------------------------------- Windows DNS

void TestDnsTextParsers::windowsDecodeName_data() {
    QTest::addColumn<QString>("wire");
    QTest::addColumn<QString>("name");
    QTest::newRow("plain") << "(3)raw(17)githubusercontent(3)com(0)"
                           << "raw.githubusercontent.com";
    QTest::newRow("pointer") << "[C03B](4)prod(9)us-east-1[C026](3)com(0)"
                             << "prod.us-east-1.com";
    QTest::newRow("root") << "(0)"
                          << ".";
    QTest::newRow("dotted") << ".ns1.offeringsmislead.com."
                            << "ns1.offeringsmislead.com";
    QTest::newRow("paren in label") << "(3)a(b(3)com(0)"
                                    << "a(b.com";
    QTest::newRow("escaped byte") << "(3)b\\xFFd(3)com(0)"
                                  << "b\\xFFd.com";
    QTest::newRow("length past end") << "(9)short"
                                     << "short";
}

void TestDnsTextParsers::windowsDecodeName() {
    QFETCH(QString, wire);
    std::string out;
    WindowsDnsParser::decodeName(wire.toStdString(), out);
    QTEST(q(out), "name");
}

void TestDnsTextParsers::windowsPairsQueriesAndResponses() {
    const CollectingSink sink = parseFile("windows-dns", fixture(QStringLiteral("windows-dns/dns.log")));
    // Header and key block: no rejects. The EVENT line: one reject.
    QCOMPARE(sink.rejects.size(), size_t(1));
    QCOMPARE(sink.rejects[0].line, int64_t(31));
    QVERIFY2(q(sink.rejects[0].reason).contains(QLatin1String("EVENT")), sink.rejects[0].reason.c_str());
    // Queries a1b2, 0b0b, 0c0c, 0f0f and the lone response 0e0e; not the server's own recursion
    // (7f01) nor the dynamic update.
    QCOMPARE(sink.dnses.size(), size_t(5));
    QVERIFY(!byName(sink, "corp.example.local"));

    const OwnedDns* a = byName(sink, "raw.githubusercontent.com");
    QVERIFY(a);
    QCOMPARE(a->line, int64_t(32)); // the query's line, not the response's
    QCOMPARE(a->tsUs, us("2024-03-01T14:05:11Z"));
    QCOMPARE(a->clientIp, std::string("10.1.2.3"));
    QCOMPARE(a->qtype, std::string("A"));
    QCOMPARE(a->rcode, std::string("NOERROR"));
    QCOMPARE(a->protocol, std::string("udp"));
    QCOMPARE(a->answers, std::string());
    QCOMPARE(a->serverIp, std::string());

    const OwnedDns* nx = byName(sink, "nothere.example.com");
    QVERIFY(nx);
    QCOMPARE(nx->line, int64_t(36));
    QCOMPARE(nx->qtype, std::string("AAAA"));
    QCOMPARE(nx->rcode, std::string("NXDOMAIN"));
    QCOMPARE(nx->clientIp, std::string("10.1.2.4"));

    const OwnedDns* tcp = byName(sink, "c2cmd.pastebin.com");
    QVERIFY(tcp);
    QCOMPARE(tcp->line, int64_t(38));
    QCOMPARE(tcp->qtype, std::string("TXT"));
    QCOMPARE(tcp->rcode, std::string()); // no response logged
    QCOMPARE(tcp->protocol, std::string("tcp"));

    const OwnedDns* lone = byName(sink, "www.google.com");
    QVERIFY(lone);
    QCOMPARE(lone->line, int64_t(40)); // a response without its query stands alone
    QCOMPARE(lone->clientIp, std::string("10.1.2.7"));
    QCOMPARE(lone->rcode, std::string("NOERROR"));

    const OwnedDns* typed = byName(sink, "svc.example.com");
    QVERIFY(typed);
    QCOMPARE(typed->qtype, std::string("TYPE65"));
    QCOMPARE(typed->tsUs, us("2024-03-01T00:30:00Z")); // 12:30 AM
}

void TestDnsTextParsers::windowsTimeZone() {
    const CollectingSink ny =
        parseFile("windows-dns", fixture(QStringLiteral("windows-dns/dns.log")), QStringLiteral("America/New_York"));
    const OwnedDns* a = byName(ny, "raw.githubusercontent.com");
    QVERIFY(a);
    QCOMPARE(a->tsUs, us("2024-03-01T19:05:11Z")); // EST, UTC-5
    QVERIFY_THROWS_EXCEPTION(
        std::runtime_error,
        parseFile("windows-dns", fixture(QStringLiteral("windows-dns/dns.log")), QStringLiteral("Mars/Olympus")));
}

void TestDnsTextParsers::windowsDetailsGiveAnswers() {
    const CollectingSink sink = parseFile("windows-dns", fixture(QStringLiteral("windows-dns/details.log")));
    QCOMPARE(sink.rejects.size(), size_t(0)); // detail lines are consumed
    QCOMPARE(sink.dnses.size(), size_t(1));
    const OwnedDns& d = sink.dnses[0];
    QCOMPARE(d.line, int64_t(1));
    QCOMPARE(d.tsUs, us("2023-02-23T17:13:14Z"));
    QCOMPARE(d.qname, std::string("signal.pod4.avatar.ext.hp.com"));
    QCOMPARE(d.rcode, std::string("NOERROR"));
    // The answer section only: CNAME target and two addresses, not the authority's NS record.
    QCOMPARE(d.answers, std::string("prod-pod4-dvc-signaling-podlb-218071557.us-east-1.elb.amazonaws.com,3.217.159.189,"
                                    "34.204.229.165"));
    QCOMPARE(d.ttls, std::string("3499,59,59"));
}

void TestDnsTextParsers::windowsDateVariants() {
    const CollectingSink sink = parseFile("windows-dns", fixture(QStringLiteral("windows-dns/variants.log")));
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(sink.dnses.size(), size_t(4));
    const OwnedDns* iso = byName(sink, "alphasoc.com");
    QVERIFY(iso);
    QCOMPARE(iso->tsUs, us("2017-01-01T00:00:00Z"));
    const OwnedDns* w2003 = byName(sink, "www.google.com");
    QVERIFY(w2003);
    QCOMPARE(w2003->tsUs, us("2008-06-11T15:10:37Z"));
    QCOMPARE(w2003->qtype, std::string()); // Windows 2003 logged no type
    const OwnedDns* dotted = byName(sink, "host.corp");
    QVERIFY(dotted);
    QCOMPARE(dotted->tsUs, us("2024-03-01T14:05:11Z")); // 01.03.2024 is day first
    QCOMPARE(dotted->clientIp, std::string("fe80::1%12"));
    const OwnedDns* h24 = byName(sink, "ns1.offeringsmislead.com");
    QVERIFY(h24);
    QCOMPARE(h24->tsUs, us("2024-03-01T14:05:12Z"));
}

void TestDnsTextParsers::windowsBadLines() {
    const CollectingSink sink = parseFile("windows-dns", fixture(QStringLiteral("windows-dns/bad.log")));
    QCOMPARE(sink.dnses.size(), size_t(3));
    QVERIFY(byName(sink, "raw.githubusercontent.com"));
    QVERIFY(byName(sink, "good.example.com"));
    const OwnedDns* esc = byName(sink, "b\\xFFd.com"); // invalid UTF-8 kept as \xNN text
    QVERIFY(esc);
    QCOMPARE(esc->line, int64_t(8));
    QCOMPARE(sink.rejects.size(), size_t(6));
    const struct {
        int64_t line;
        const char* reason;
    } expected[] = {{2, "not a DNS debug log line"},  {3, "invalid date"},
                    {4, "day-first locale"},          {5, "invalid date"},
                    {6, "transaction id is not hex"}, {7, "unterminated [flags rcode]"}};
    for (size_t i = 0; i < 6; ++i) {
        QCOMPARE(sink.rejects[i].line, expected[i].line);
        QVERIFY2(q(sink.rejects[i].reason).contains(QLatin1String(expected[i].reason)), sink.rejects[i].reason.c_str());
        QVERIFY(!sink.rejects[i].raw.ends_with('\r'));
    }
}

void TestDnsTextParsers::windowsGzip() {
    const CollectingSink plain = parseFile("windows-dns", fixture(QStringLiteral("windows-dns/dns.log")));
    const CollectingSink gz = parseFile("windows-dns", fixture(QStringLiteral("windows-dns/dns.log.gz")));
    QCOMPARE(gz.dnses.size(), plain.dnses.size());
    QCOMPARE(gz.rejects.size(), plain.rejects.size());
    for (size_t i = 0; i < plain.dnses.size(); ++i) {
        QCOMPARE(gz.dnses[i].qname, plain.dnses[i].qname);
        QCOMPARE(gz.dnses[i].rcode, plain.dnses[i].rcode);
        QCOMPARE(gz.dnses[i].line, plain.dnses[i].line);
    }
}

void TestDnsTextParsers::windowsBoundedTable() {
    // 10,000 queries, no response: the table holds 4,096 and writes the oldest out as it fills;
    // every query comes out once. Then responses beyond the 30 s window find nothing to join.
    QByteArray text;
    for (int i = 0; i < 10000; ++i) {
        text +=
            QStringLiteral("3/1/2024 2:05:11 PM 0E5C PACKET  000000C8A2B4E160 UDP Rcv 10.1.%1.%2 %3   Q [0001   D   "
                           "NOERROR] A      (1)h(4)n%4(0)\n")
                .arg(i / 250)
                .arg(i % 250)
                .arg(i % 65536, 4, 16, QLatin1Char('0'))
                .arg(i)
                .toUtf8();
    }
    text +=
        "3/1/2024 2:06:00 PM 0E5C PACKET  000000C8A2B4E160 UDP Snd 10.1.39.249 270f R Q [8081   DR  NOERROR] A      "
        "(1)h(5)n9999(0)\n";
    const CollectingSink sink = parseText("windows-dns", text);
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(sink.dnses.size(), size_t(10001)); // the late response stands alone
    size_t withRcode = 0;
    for (const auto& d : sink.dnses) {
        withRcode += d.rcode.empty() ? 0 : 1;
    }
    QCOMPARE(withRcode, size_t(1));
}

// ---------------------------------------------------------------- BIND

void TestDnsTextParsers::bindFields_data() {
    QTest::addColumn<QString>("qname");
    QTest::addColumn<int>("line");
    QTest::addColumn<qint64>("ts");
    QTest::addColumn<QString>("client");
    QTest::addColumn<QString>("qtype");
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("protocol");
    QTest::newRow("queries category") << "raw.githubusercontent.com" << 1 << qint64(us("2024-03-01T14:05:11.123Z"))
                                      << "10.1.2.3"
                                      << "A"
                                      << "10.0.0.53"
                                      << "udp";
    QTest::newRow("view") << "example.com" << 2 << qint64(us("2024-03-01T14:05:12.456Z")) << "10.1.2.4"
                          << "AAAA"
                          << "10.0.0.53"
                          << "udp";
    QTest::newRow("no @0x, TCP") << "pastebin.com" << 3 << qint64(us("2024-03-01T14:05:13Z")) << "10.1.2.5"
                                 << "TXT"
                                 << "10.0.0.53"
                                 << "tcp";
    QTest::newRow("BIND 9.3 form") << "old.example.net" << 4 << qint64(us("2024-03-01T14:05:14Z")) << "10.1.2.6"
                                   << "MX"
                                   << ""
                                   << "udp";
    QTest::newRow("syslog, IPv6") << "ipv6.example.org" << 5 << qint64(us("2024-03-01T14:05:15Z")) << "2001:db8::5"
                                  << "A"
                                  << "2001:db8::53"
                                  << "udp";
    QTest::newRow("syslog + BIND stamp") << "both.example.com" << 6 << qint64(us("2024-03-01T14:05:16.789Z"))
                                         << "10.1.2.7"
                                         << "A"
                                         << "10.0.0.53"
                                         << "udp";
    QTest::newRow("print-time iso8601-utc")
        << "iso.example.com" << 7 << qint64(us("2024-03-01T14:05:17.25Z")) << "10.1.2.8"
        << "CNAME"
        << "10.0.0.53"
        << "udp";
}

void TestDnsTextParsers::bindFields() {
    QFETCH(QString, qname);
    BindParser parser(ParserOptions{}, kRef2024); // the syslog line's year from a fixed "now"
    const CollectingSink sink = parseWith(parser, fixture(QStringLiteral("bind/query.log")));
    QCOMPARE(sink.dnses.size(), size_t(7));
    const OwnedDns* d = byName(sink, qname.toStdString());
    QVERIFY(d);
    QTEST(int(d->line), "line");
    QTEST(qint64(d->tsUs), "ts");
    QTEST(q(d->clientIp), "client");
    QTEST(q(d->qtype), "qtype");
    QTEST(q(d->serverIp), "server");
    QTEST(q(d->protocol), "protocol");
    QCOMPARE(d->rcode, std::string()); // the query log has no responses
    QCOMPARE(d->answers, std::string());
    // general, query-errors and the query without any time stamp
    QCOMPARE(sink.rejects.size(), size_t(3));
    QCOMPARE(sink.rejects[0].line, int64_t(8));
    QVERIFY(q(sink.rejects[0].reason).startsWith(QLatin1String("bind: not a query line: zone example.com/IN: loaded")));
    QCOMPARE(sink.rejects[1].line, int64_t(9));
    QVERIFY(q(sink.rejects[1].reason).contains(QLatin1String("not a query line: query failed (SERVFAIL)")));
    QCOMPARE(sink.rejects[2].line, int64_t(10));
    QVERIFY(q(sink.rejects[2].reason).contains(QLatin1String("without a time stamp")));
}

void TestDnsTextParsers::bindSyslogYearNow() {
    // Through the registry, "now" reaches the parser: read in February 2025, "Mar  1" is 2024's;
    // read in June 2025, it is 2025's.
    const int64_t feb2025 = us("2025-02-10T00:00:00Z");
    const CollectingSink sink = parseThroughRegistry("bind", fixture(QStringLiteral("bind/query.log")), feb2025);
    const OwnedDns* d = byName(sink, "ipv6.example.org");
    QVERIFY(d);
    QCOMPARE(d->tsUs, us("2024-03-01T14:05:15Z"));
    const CollectingSink june =
        parseThroughRegistry("bind", fixture(QStringLiteral("bind/query.log")), us("2025-06-01T00:00:00Z"));
    QVERIFY(byName(june, "ipv6.example.org"));
    QCOMPARE(tsOf(june, "ipv6.example.org"), us("2025-03-01T14:05:15Z"));
    // BIND's own stamps carry their year whatever the date today.
    QVERIFY(byName(sink, "both.example.com"));
    QCOMPARE(tsOf(sink, "both.example.com"), us("2024-03-01T14:05:16.789Z"));
    QCOMPARE(tsOf(june, "both.example.com"), us("2024-03-01T14:05:16.789Z"));
    const CollectingSink gz = parseThroughRegistry("bind", fixture(QStringLiteral("bind/query.log.gz")), feb2025);
    QCOMPARE(gz.dnses.size(), sink.dnses.size());
    QCOMPARE(gz.rejects.size(), sink.rejects.size());
    // Without a pinned "now", an import reads with the current time: the same as pinning it to now.
    const int64_t now = QDateTime::currentMSecsSinceEpoch() * 1000;
    const CollectingSink today = parseFile("bind", fixture(QStringLiteral("bind/query.log")));
    const CollectingSink pinned = parseThroughRegistry("bind", fixture(QStringLiteral("bind/query.log")), now);
    QVERIFY(byName(today, "ipv6.example.org") && byName(pinned, "ipv6.example.org"));
    QCOMPARE(tsOf(today, "ipv6.example.org"), tsOf(pinned, "ipv6.example.org"));
}

void TestDnsTextParsers::bindBadLines() {
    const CollectingSink sink = parseFile("bind", fixture(QStringLiteral("bind/bad.log")));
    QCOMPARE(sink.dnses.size(), size_t(3));
    QCOMPARE(sink.dnses[0].qname, std::string("a.example"));
    QCOMPARE(sink.dnses[1].qname, std::string("bad\\xFF.example")); // invalid UTF-8 kept as \xNN
    QCOMPARE(sink.dnses[1].line, int64_t(4));
    QCOMPARE(sink.dnses[2].qname, std::string("d.example"));    // trailing dot dropped
    QCOMPARE(sink.dnses[2].serverIp, std::string("10.0.0.53")); // no \r from the CRLF
    QCOMPARE(sink.rejects.size(), size_t(3));
    QCOMPARE(sink.rejects[0].line, int64_t(2));
    QCOMPARE(sink.rejects[0].reason, std::string("bind: invalid date or time: '32-Mar-2024 14:05:11.123'"));
    QCOMPARE(sink.rejects[1].line, int64_t(3)); // "query: c.example" without class and type
    QVERIFY(q(sink.rejects[1].reason).contains(QLatin1String("not a query line")));
    QCOMPARE(sink.rejects[2].line, int64_t(5));
    QCOMPARE(sink.rejects[2].reason, std::string("bind: not a query line: random text"));
}

void TestDnsTextParsers::bindRealCrowdsecLines_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("lines");
    QTest::newRow("bind9-logs") << "dns/bind9-crowdsec-fixtures/bind9-logs.log" << 13;
    QTest::newRow("bind9-refused") << "dns/bind9-crowdsec-fixtures/bind9-refused.log" << 23;
    QTest::newRow("bind9-syslog") << "dns/bind9-crowdsec-fixtures/bind9-syslog.log" << 12;
}

void TestDnsTextParsers::bindRealCrowdsecLines() {
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent: real BIND lines not checked");
    }
    QFETCH(QString, path);
    QFETCH(int, lines);
    const QString file = sharedData(path);
    // Recognised as BIND (its client lines), though no line is a query log entry ...
    const Detection d = detectFormat(readSniffSample(file));
    QVERIFY2(d.format, qPrintable(d.reason));
    QCOMPARE(QString::fromLatin1(d.format->name), QStringLiteral("bind"));
    // ... so each non-blank line is rejected, saying what it is: security-category denials and
    // zone transfer refusals are not queries (with querylog on BIND logs the query itself too).
    const CollectingSink sink = parseFile("bind", file);
    QCOMPARE(sink.dnses.size(), size_t(0));
    QCOMPARE(int(sink.rejects.size()), lines);
    for (const auto& r : sink.rejects) {
        QVERIFY2(r.reason.starts_with("bind: not a query line: "), r.reason.c_str());
        QVERIFY2(r.reason.find("denied") != std::string::npos || r.reason.find("NOTAUTH") != std::string::npos,
                 r.reason.c_str());
    }
    QVERIFY(q(sink.rejects[0].reason).contains(QLatin1String("'example.com/ANY/IN' denied")));
}

// ---------------------------------------------------------------- dnsmasq

void TestDnsTextParsers::dnsmasqJoinsAnswers_data() {
    QTest::addColumn<QString>("qname");
    QTest::addColumn<QString>("qtype");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("client");
    QTest::addColumn<QString>("rcode");
    QTest::addColumn<QString>("answers");
    QTest::addColumn<QString>("server");
    QTest::newRow("forwarded, two addresses") << "raw.githubusercontent.com"
                                              << "A" << 2 << "10.1.2.3"
                                              << "NOERROR"
                                              << "185.199.108.133,185.199.109.133"
                                              << "1.1.1.1";
    QTest::newRow("CNAME chain to A") << "www.example.com"
                                      << "A" << 7 << "10.1.2.4"
                                      << "NOERROR"
                                      << "www.example.com.edgekey.net,e1234.a.akamaiedge.net,23.1.2.3"
                                      << "1.1.1.1";
    QTest::newRow("CNAME chain to AAAA") << "www.example.com"
                                         << "AAAA" << 6 << "10.1.2.4"
                                         << "NOERROR"
                                         << "www.example.com.edgekey.net,e1234.a.akamaiedge.net,2600:1406::1"
                                         << "1.1.1.1";
    QTest::newRow("NXDOMAIN, server port dropped") << "nxd.example.org"
                                                   << "A" << 16 << "10.1.2.5"
                                                   << "NXDOMAIN"
                                                   << ""
                                                   << "9.9.9.9";
    QTest::newRow("cached") << "raw.githubusercontent.com"
                            << "A" << 19 << "10.1.2.6"
                            << "NOERROR"
                            << "185.199.108.133"
                            << "";
    QTest::newRow("hosts file") << "printer.lan"
                                << "A" << 21 << "10.1.2.7"
                                << "NOERROR"
                                << "10.1.2.50"
                                << "";
    QTest::newRow("reverse answer") << "50.2.1.10.in-addr.arpa"
                                    << "PTR" << 23 << "10.1.2.7"
                                    << "NOERROR"
                                    << "printer.lan"
                                    << "";
    QTest::newRow("NODATA") << "ipv4only.example"
                            << "AAAA" << 25 << "10.1.2.8"
                            << "NOERROR"
                            << ""
                            << "";
    QTest::newRow("config block") << "ads.tracker.example"
                                  << "A" << 27 << "10.1.2.9"
                                  << "NXDOMAIN"
                                  << ""
                                  << "";
    QTest::newRow("no answer") << "slow.example.net"
                               << "A" << 29 << "10.1.2.10"
                               << ""
                               << ""
                               << "1.1.1.1";
    QTest::newRow("numeric type") << "svc.example.com"
                                  << "TYPE65" << 36 << "10.1.2.11"
                                  << "NOERROR"
                                  << ""
                                  << "";
    QTest::newRow("SERVFAIL with EDE") << "fail.example.com"
                                       << "A" << 39 << "10.1.2.13"
                                       << "SERVFAIL"
                                       << ""
                                       << "";
}

void TestDnsTextParsers::dnsmasqJoinsAnswers() {
    QFETCH(QString, qname);
    QFETCH(QString, qtype);
    QFETCH(int, line);
    DnsmasqParser parser(ParserOptions{}, kRef2024);
    const CollectingSink sink = parseWith(parser, fixture(QStringLiteral("dnsmasq/dnsmasq.log")));
    QCOMPARE(sink.dnses.size(), size_t(12));
    const OwnedDns* d = nullptr;
    for (const auto& r : sink.dnses) {
        if (r.line == line) {
            d = &r;
        }
    }
    QVERIFY(d);
    QCOMPARE(q(d->qname), qname);
    QCOMPARE(q(d->qtype), qtype);
    QTEST(q(d->clientIp), "client");
    QTEST(q(d->rcode), "rcode");
    QTEST(q(d->answers), "answers");
    QTEST(q(d->serverIp), "server");
    QCOMPARE(d->ttls, std::string());
    QCOMPARE(d->protocol, std::string());
    // "Mar  1 14:05:11" with "now" = 2024-06-01: the same year
    const int second = line <= 5 ? 11 : 0;
    if (second) {
        QCOMPARE(d->tsUs, us("2024-03-01T14:05:11Z"));
    }
}

void TestDnsTextParsers::dnsmasqRejectsAndConsumed() {
    DnsmasqParser parser(ParserOptions{}, kRef2024);
    const CollectingSink sink = parseWith(parser, fixture(QStringLiteral("dnsmasq/dnsmasq.log")));
    // start-up, "read /etc/hosts", DHCP; not the forwarded/reply/dnssec/validation lines, and
    // not the reply for a query the file does not hold.
    QCOMPARE(sink.rejects.size(), size_t(3));
    QCOMPARE(sink.rejects[0].line, int64_t(1));
    QCOMPARE(sink.rejects[0].reason,
             std::string("dnsmasq: not a DNS query log line: started, version 2.89 cachesize 150"));
    QCOMPARE(sink.rejects[1].line, int64_t(34));
    QVERIFY(q(sink.rejects[1].reason).contains(QLatin1String("read /etc/hosts")));
    QCOMPARE(sink.rejects[2].line, int64_t(38));
    QVERIFY2(q(sink.rejects[2].reason).startsWith(QLatin1String("dnsmasq: dhcp message, not DNS: DHCPACK(eth0)")),
             sink.rejects[2].reason.c_str());
    QVERIFY(!byName(sink, "orphan.example"));
    QVERIFY(!byName(sink, "example.net"));
}

void TestDnsTextParsers::dnsmasqPiholeExtraSerials() {
    DnsmasqParser parser(ParserOptions{}, kRef2024);
    const CollectingSink sink = parseWith(parser, fixture(QStringLiteral("dnsmasq/pihole.log")));
    QCOMPARE(sink.dnses.size(), size_t(5));
    const OwnedDns* pri = byName(sink, "pri.example"); // "<30>" left by a syslog receiver
    QVERIFY(pri);
    QCOMPARE(pri->tsUs, us("2024-03-01T14:06:05Z"));
    const OwnedDns* blocked = byName(sink, "doubleclick.net");
    QVERIFY(blocked);
    QCOMPARE(blocked->answers, std::string("0.0.0.0"));
    QCOMPARE(blocked->rcode, std::string("NOERROR"));
    QCOMPARE(blocked->clientIp, std::string("10.1.2.3"));
    QCOMPARE(blocked->tsUs, us("2024-03-01T14:06:00Z"));
    // Serial 18's reply comes after serial 19's query line: matched by serial, not by order.
    const OwnedDns* cdn = byName(sink, "cdn.example.com");
    QVERIFY(cdn);
    QCOMPARE(cdn->answers, std::string("cdn.example.com.cdn.cloudflare.net,104.16.1.1"));
    QCOMPARE(cdn->serverIp, std::string("8.8.8.8"));
    const OwnedDns* special = byName(sink, "mask.icloud.com");
    QVERIFY(special);
    QCOMPARE(special->rcode, std::string("NXDOMAIN"));
    const OwnedDns* iso = byName(sink, "rfc.example");
    QVERIFY(iso);
    QCOMPARE(iso->tsUs, us("2024-03-01T13:06:04.123456Z")); // RFC 3339 stamp with its offset
    QCOMPARE(sink.rejects.size(), size_t(1));
    QCOMPARE(sink.rejects[0].line, int64_t(9));
    QVERIFY(q(sink.rejects[0].reason).contains(QLatin1String("Rate-limiting")));
}

void TestDnsTextParsers::dnsmasqYearRule() {
    // Read on 2025-02-10: Dec 31 would be ten months ahead, so it is last year's; Feb 29 goes to
    // the last leap year.
    {
        DnsmasqParser parser(ParserOptions{}, us("2025-02-10T00:00:00Z"));
        const CollectingSink sink = parseWith(parser, fixture(QStringLiteral("dnsmasq/year.log")));
        QCOMPARE(sink.dnses.size(), size_t(3));
        QCOMPARE(tsOf(sink, "before.newyear.example"), us("2024-12-31T23:59:59Z"));
        QCOMPARE(tsOf(sink, "after.newyear.example"), us("2025-01-01T00:00:01Z"));
        QCOMPARE(tsOf(sink, "leap.example"), us("2024-02-29T12:00:00Z"));
    }
    // Read on 2024-03-05 in Berlin time: all 2024 or 2023, converted from CET.
    {
        ParserOptions o;
        o.sourceTimeZone = QStringLiteral("Europe/Berlin");
        DnsmasqParser parser(o, us("2024-03-05T00:00:00Z"));
        const CollectingSink sink = parseWith(parser, fixture(QStringLiteral("dnsmasq/year.log")));
        QCOMPARE(tsOf(sink, "before.newyear.example"), us("2023-12-31T22:59:59Z"));
        QCOMPARE(tsOf(sink, "after.newyear.example"), us("2023-12-31T23:00:01Z"));
        QCOMPARE(tsOf(sink, "leap.example"), us("2024-02-29T11:00:00Z"));
    }
    // Two days of slack: "Mar  3" read on Mar 1 is this year, "Mar  4" last year.
    SyslogClock clock(QStringLiteral("UTC"), us("2024-03-01T12:00:00Z"));
    QCOMPARE(clock.yearFor(3, 3, 0, 0, 0), 2024);
    QCOMPARE(clock.yearFor(3, 4, 0, 0, 0), 2023);
    QCOMPARE(clock.yearFor(2, 30, 0, 0, 0), 0);
}

void TestDnsTextParsers::dnsmasqYearRuleNow() {
    // Through the registry, with "now" pinned on either side of the stamp's date.
    const QString log = fixture(QStringLiteral("dnsmasq/dnsmasq.log"));
    const CollectingSink before = parseThroughRegistry("dnsmasq", log, us("2025-02-10T00:00:00Z"));
    QVERIFY(byName(before, "nxd.example.org"));
    QCOMPARE(tsOf(before, "nxd.example.org"), us("2024-03-01T14:05:13Z"));
    const CollectingSink after = parseThroughRegistry("dnsmasq", log, us("2025-03-02T00:00:00Z"));
    QVERIFY(byName(after, "nxd.example.org"));
    QCOMPARE(tsOf(after, "nxd.example.org"), us("2025-03-01T14:05:13Z"));
}

void TestDnsTextParsers::dnsmasqBadLines() {
    DnsmasqParser parser(ParserOptions{}, kRef2024);
    const CollectingSink sink = parseWith(parser, fixture(QStringLiteral("dnsmasq/bad.log")));
    QCOMPARE(sink.dnses.size(), size_t(2));
    QVERIFY(byName(sink, "good.example"));
    const OwnedDns* esc = byName(sink, "bad\\xFE.example");
    QVERIFY(esc);
    QCOMPARE(esc->answers, std::string("192.0.2.1")); // no \r from the CRLF
    QCOMPARE(esc->line, int64_t(5));
    QCOMPARE(sink.rejects.size(), size_t(3));
    QCOMPARE(sink.rejects[0].line, int64_t(2));
    QVERIFY(q(sink.rejects[0].reason).contains(QLatin1String("no valid syslog time stamp")));
    QCOMPARE(sink.rejects[1].line, int64_t(3)); // Mar 32
    QVERIFY(q(sink.rejects[1].reason).contains(QLatin1String("no valid syslog time stamp")));
    QCOMPARE(sink.rejects[2].line, int64_t(4));
    QVERIFY(q(sink.rejects[2].reason).contains(QLatin1String("without type or client")));
}

void TestDnsTextParsers::dnsmasqGzip() {
    DnsmasqParser a(ParserOptions{}, kRef2024), b(ParserOptions{}, kRef2024);
    const CollectingSink plain = parseWith(a, fixture(QStringLiteral("dnsmasq/dnsmasq.log")));
    const CollectingSink gz = parseWith(b, fixture(QStringLiteral("dnsmasq/dnsmasq.log.gz")));
    QCOMPARE(gz.dnses.size(), plain.dnses.size());
    QCOMPARE(gz.rejects.size(), plain.rejects.size());
    for (size_t i = 0; i < plain.dnses.size(); ++i) {
        QCOMPARE(gz.dnses[i].answers, plain.dnses[i].answers);
        QCOMPARE(gz.dnses[i].tsUs, plain.dnses[i].tsUs);
    }
}

// ---------------------------------------------------------------- detection

void TestDnsTextParsers::detection_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("format");
    QTest::newRow("windows dns") << "windows-dns/dns.log"
                                 << "windows-dns";
    QTest::newRow("windows dns gz") << "windows-dns/dns.log.gz"
                                    << "windows-dns";
    QTest::newRow("windows details") << "windows-dns/details.log"
                                     << "windows-dns";
    QTest::newRow("windows variants") << "windows-dns/variants.log"
                                      << "windows-dns";
    QTest::newRow("bind") << "bind/query.log"
                          << "bind";
    QTest::newRow("bind gz") << "bind/query.log.gz"
                             << "bind";
    QTest::newRow("dnsmasq") << "dnsmasq/dnsmasq.log"
                             << "dnsmasq";
    QTest::newRow("dnsmasq gz") << "dnsmasq/dnsmasq.log.gz"
                                << "dnsmasq";
    QTest::newRow("pihole") << "dnsmasq/pihole.log"
                            << "dnsmasq";
    QTest::newRow("year") << "dnsmasq/year.log"
                          << "dnsmasq";
}

void TestDnsTextParsers::detection() {
    QFETCH(QString, file);
    QFETCH(QString, format);
    const SniffSample sample = readSniffSample(fixture(file));
    const Detection d = detectFormat(sample);
    QVERIFY2(d.format, qPrintable(d.reason));
    QCOMPARE(QString::fromLatin1(d.format->name), format);
    QVERIFY(findFormat(format)->sniff(sample) >= 80);
    // None of the other DNS text formats claims it.
    for (const char* other : {"windows-dns", "bind", "dnsmasq", "combined", "csv"}) {
        if (format != QLatin1String(other)) {
            QVERIFY2(findFormat(QString::fromLatin1(other))->sniff(sample) < 50, other);
        }
    }
}

void TestDnsTextParsers::squidFixturesAreNotDns() {
    QStringList files{fixture(QStringLiteral("squid/access.log")), fixture(QStringLiteral("combined/access.log")),
                      fixture(QStringLiteral("csv/zscaler.csv"))};
    if (haveSharedData()) {
        files << sharedData(QStringLiteral("proxy/squid/elastic-beats_access1.log"))
              << sharedData(QStringLiteral("proxy/squid/elastic-beats_access3.log"))
              << sharedData(QStringLiteral("proxy/squid/elastic-beats_access4.log"));
    }
    for (const QString& f : files) {
        if (!QFile::exists(f)) {
            continue;
        }
        const SniffSample sample = readSniffSample(f);
        for (const char* name : {"windows-dns", "bind", "dnsmasq"}) {
            QVERIFY2(findFormat(QString::fromLatin1(name))->sniff(sample) == 0,
                     qPrintable(f + QLatin1Char(' ') + name));
        }
    }
}

QTEST_GUILESS_MAIN(TestDnsTextParsers)
#include "tst_dns_text_parsers.moc"
