// Squid native access.log: field values, CONNECT and ssl-bump lines, bad lines kept as rejects
// with their line numbers, CRLF, invalid UTF-8, gzip (whole and truncated), detection.
#include "collecting_sink.h"
#include "ingest/read/format_registry.h"
#include "test_paths.h"

#include <QFile>
#include <QTemporaryFile>
#include <QTest>

#include <zlib.h>

using namespace socwb;
using namespace socwb::test;

class TestSquidParser : public QObject {
    Q_OBJECT
  private slots:
    void fields_data();
    void fields();
    void rejectsKeepLineNumbers();
    void invalidUtf8IsEscapedNotDropped();
    void gzipReadsTheSame();
    void truncatedGzipKeepsWhatCameBefore();
    void gzipMembersAndTrailingData();
    void overlongLineIsRejectedAndParsingGoesOn();
    void detection();
    void realSquidLogs_data();
    void realSquidLogs();
};

void TestSquidParser::fields_data() {
    QTest::addColumn<int>("index");
    QTest::addColumn<qint64>("ts");
    QTest::addColumn<QString>("client");
    QTest::addColumn<QString>("action");
    QTest::addColumn<int>("status");
    QTest::addColumn<qint64>("bytesIn");
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("destIp");
    QTest::addColumn<QString>("contentType");
    QTest::addColumn<qint64>("durationMs");
    QTest::newRow("CONNECT tunnel") << 0 << qint64(1700000000123000) << "10.1.2.3"
                                    << "TCP_TUNNEL" << 200 << qint64(4512) << "CONNECT"
                                    << ""
                                    << "raw.githubusercontent.com" << 443 << ""
                                    << ""
                                    << ""
                                    << "185.199.108.133"
                                    << "" << qint64(152);
    QTest::newRow("ssl-bump full URL") << 1 << qint64(1700000030456000) << "10.1.2.3"
                                       << "TCP_MISS" << 200 << qint64(1024) << "GET"
                                       << "https"
                                       << "pastebin.com" << 443 << "/raw/AbC123"
                                       << "dl=1"
                                       << "alice"
                                       << "104.20.67.143"
                                       << "text/plain" << qint64(85);
    QTest::newRow("denied, no peer") << 2 << qint64(1700000060789000) << "10.1.2.4"
                                     << "TCP_DENIED" << 407 << qint64(3862) << "GET"
                                     << "http"
                                     << "example.com" << 80 << "/"
                                     << ""
                                     << ""
                                     << ""
                                     << "text/html" << qint64(0);
    QTest::newRow("peer by name") << 3 << qint64(1700000061000000) << "10.1.2.5"
                                  << "TCP_MISS" << 200 << qint64(512) << "POST"
                                  << "http"
                                  << "api.telegram.org" << 80 << "/bot123:ABC/getUpdates"
                                  << ""
                                  << ""
                                  << ""
                                  << "application/json" << qint64(12);
}

void TestSquidParser::fields() {
    QFETCH(int, index);
    const CollectingSink sink = parseFile("squid", fixture(QStringLiteral("squid/access.log")));
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(sink.proxies.size(), size_t(4));
    const OwnedProxy& r = sink.proxies[static_cast<size_t>(index)];
    QCOMPARE(r.line, int64_t(index + 1));
    QTEST(qint64(r.tsUs), "ts");
    QTEST(QString::fromStdString(r.clientIp), "client");
    QTEST(QString::fromStdString(r.action), "action");
    QTEST(r.status, "status");
    QTEST(qint64(r.bytesIn), "bytesIn");
    QCOMPARE(r.bytesOut, int64_t(-1)); // the native format has no request size
    QTEST(QString::fromStdString(r.method), "method");
    QTEST(QString::fromStdString(r.scheme), "scheme");
    QTEST(QString::fromStdString(r.host), "host");
    QTEST(r.port, "port");
    QTEST(QString::fromStdString(r.path), "path");
    QTEST(QString::fromStdString(r.query), "query");
    QTEST(QString::fromStdString(r.user), "user");
    QTEST(QString::fromStdString(r.destIp), "destIp");
    QTEST(QString::fromStdString(r.contentType), "contentType");
    QTEST(qint64(r.durationMs), "durationMs");
}

void TestSquidParser::rejectsKeepLineNumbers() {
    const CollectingSink sink = parseFile("squid", fixture(QStringLiteral("squid/mixed_crlf.log")));
    QCOMPARE(sink.proxies.size(), size_t(2));
    QCOMPARE(sink.proxies[0].line, int64_t(1));
    QCOMPARE(sink.proxies[0].host, std::string("raw.githubusercontent.com")); // no \r left behind
    QCOMPARE(sink.proxies[1].line, int64_t(7)); // the blank line 6 is skipped, not counted as a reject
    QCOMPARE(sink.proxies[1].contentType, std::string("text/html"));
    QCOMPARE(sink.rejects.size(), size_t(4));
    QCOMPARE(sink.rejects[0].line, int64_t(2));
    QVERIFY(QString::fromStdString(sink.rejects[0].reason).contains(QStringLiteral("expected at least 7 fields")));
    QCOMPARE(sink.rejects[0].raw, std::string("this is not a squid line"));
    QCOMPARE(sink.rejects[0].offset, int64_t(122)); // the first line is 120 bytes + CRLF
    QCOMPARE(sink.rejects[1].line, int64_t(3));
    QVERIFY(QString::fromStdString(sink.rejects[1].reason).contains(QStringLiteral("ACTION/STATUS")));
    QCOMPARE(sink.rejects[2].line, int64_t(4));
    QVERIFY(QString::fromStdString(sink.rejects[2].reason).contains(QStringLiteral("epoch seconds")));
    QCOMPARE(sink.rejects[3].line, int64_t(5));
    QVERIFY(QString::fromStdString(sink.rejects[3].reason).contains(QStringLiteral("bytes is not a number")));
}

void TestSquidParser::invalidUtf8IsEscapedNotDropped() {
    const CollectingSink sink = parseFile("squid", fixture(QStringLiteral("squid/invalid_utf8.log")));
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(sink.proxies.size(), size_t(1));
    QCOMPARE(sink.proxies[0].host, std::string("bad\\xFF\\xFE.example"));
}

void TestSquidParser::gzipReadsTheSame() {
    const CollectingSink plain = parseFile("squid", fixture(QStringLiteral("squid/access.log")));
    const CollectingSink gz = parseFile("squid", fixture(QStringLiteral("squid/access.log.gz")));
    QCOMPARE(gz.proxies.size(), plain.proxies.size());
    for (size_t i = 0; i < plain.proxies.size(); ++i) {
        QCOMPARE(gz.proxies[i].url, plain.proxies[i].url);
        QCOMPARE(gz.proxies[i].tsUs, plain.proxies[i].tsUs);
        QCOMPARE(gz.proxies[i].line, plain.proxies[i].line);
    }
}

void TestSquidParser::truncatedGzipKeepsWhatCameBefore() {
    const CollectingSink sink = parseFile("squid", fixture(QStringLiteral("squid/truncated.log.gz")));
    // The file holds 4,000 lines compressed and was cut in half: some lines come out, the cut
    // line and the end are reported once, nothing crashes.
    QVERIFY(sink.proxies.size() > 500);
    QVERIFY(sink.proxies.size() < 4000);
    QVERIFY(!sink.rejects.empty());
    QVERIFY(QString::fromStdString(sink.rejects.back().reason).contains(QStringLiteral("compressed stream")));
    for (size_t i = 0; i < sink.proxies.size(); ++i) {
        QCOMPARE(sink.proxies[i].line, int64_t(i + 1));
    }
}

namespace {
QByteArray gzipped(const QByteArray& text) {
    QTemporaryFile tmp;
    tmp.open();
    gzFile gz = gzopen(QFile::encodeName(tmp.fileName()).constData(), "wb");
    gzwrite(gz, text.constData(), static_cast<unsigned>(text.size()));
    gzclose(gz);
    QFile f(tmp.fileName());
    f.open(QIODevice::ReadOnly);
    return f.readAll();
}
QByteArray squidLines(int from, int count) {
    QByteArray text;
    for (int i = from; i < from + count; ++i) {
        text += QByteArray::number(1700000000 + i) + ".000 1 10.0.0.1 TCP_MISS/200 10 GET http://a.example/" +
                QByteArray::number(i) + " - HIER_DIRECT/192.0.2.1 -\n";
    }
    return text;
}
} // namespace

// Several gzip members (concatenated .gz files, as logrotate's delaycompress can leave them) are
// read one after the other; data after the last member is reported instead of dropped silently.
void TestSquidParser::gzipMembersAndTrailingData() {
    const CollectingSink two = parseText("squid", gzipped(squidLines(0, 300)) + gzipped(squidLines(300, 200)));
    QCOMPARE(two.proxies.size(), size_t(500));
    QCOMPARE(two.proxies.back().line, int64_t(500));
    QVERIFY(two.rejects.empty());

    const QByteArray garbage = "this is not gzip, and it was appended to the file\n";
    const CollectingSink trailing = parseText("squid", gzipped(squidLines(0, 300)) + garbage);
    QCOMPARE(trailing.proxies.size(), size_t(300));
    QCOMPARE(trailing.rejects.size(), size_t(1));
    QCOMPARE(QString::fromStdString(trailing.rejects[0].reason),
             QStringLiteral("%1 bytes after the end of the compressed stream are not gzip data and were not read")
                 .arg(garbage.size()));
}

void TestSquidParser::overlongLineIsRejectedAndParsingGoesOn() {
    QByteArray text = "1700000000.123 1 10.1.2.3 TCP_MISS/200 10 GET http://a.example/ - HIER_DIRECT/192.0.2.1 -\n";
    text += "1700000001.000 1 10.1.2.3 TCP_MISS/200 10 GET http://b.example/" + QByteArray(10 * 1024 * 1024, 'x') +
            " - HIER_DIRECT/192.0.2.1 -\n";
    text += "1700000002.000 1 10.1.2.3 TCP_MISS/200 10 GET http://c.example/ - HIER_DIRECT/192.0.2.1 -\n";
    const CollectingSink sink = parseText("squid", text);
    QCOMPARE(sink.proxies.size(), size_t(2));
    QCOMPARE(sink.proxies[1].host, std::string("c.example"));
    QCOMPARE(sink.proxies[1].line, int64_t(3));
    QCOMPARE(sink.rejects.size(), size_t(1));
    QCOMPARE(sink.rejects[0].line, int64_t(2));
    QVERIFY(QString::fromStdString(sink.rejects[0].reason).contains(QStringLiteral("line too long")));
    QCOMPARE(sink.rejects[0].raw.size(), InputReader::kMaxLine);
}

void TestSquidParser::detection() {
    for (const char* f : {"squid/access.log", "squid/access.log.gz", "squid/invalid_utf8.log"}) {
        const Detection d = detectFormat(readSniffSample(fixture(QString::fromLatin1(f))));
        QVERIFY2(d.format, f);
        QCOMPARE(QString::fromLatin1(d.format->name), QStringLiteral("squid"));
    }
    // Four bad lines out of six: too little evidence to call it Squid without being told.
    const Detection mixed = detectFormat(readSniffSample(fixture(QStringLiteral("squid/mixed_crlf.log"))));
    QVERIFY(!mixed.format);
    QVERIFY(mixed.reason.contains(QStringLiteral("formats tried: ")));
}

void TestSquidParser::realSquidLogs_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("records");
    QTest::newRow("access1") << "proxy/squid/elastic-beats_access1.log" << 100;
    QTest::newRow("access3") << "proxy/squid/elastic-beats_access3.log" << 100;
    QTest::newRow("access4") << "proxy/squid/elastic-beats_access4.log" << 100;
}

void TestSquidParser::realSquidLogs() {
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent: real Squid logs not checked");
    }
    QFETCH(QString, path);
    QFETCH(int, records);
    const QString file = sharedData(path);
    const Detection d = detectFormat(readSniffSample(file));
    QVERIFY(d.format);
    QCOMPARE(QString::fromLatin1(d.format->name), QStringLiteral("squid"));
    const CollectingSink sink = parseFile("squid", file);
    for (const auto& r : sink.rejects) {
        qWarning("line %lld: %s", static_cast<long long>(r.line), r.reason.c_str());
    }
    QCOMPARE(sink.rejects.size(), size_t(0));
    QCOMPARE(int(sink.proxies.size()), records);
    for (const auto& p : sink.proxies) {
        QVERIFY(p.tsUs > test::us("2005-01-01T00:00:00Z"));
        QVERIFY(!p.clientIp.empty());
        QVERIFY(!p.method.empty());
    }
}

QTEST_GUILESS_MAIN(TestSquidParser)
#include "tst_squid_parser.moc"
