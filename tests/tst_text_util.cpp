// The shared parsing helpers: time formats, URL splitting, CSV and quoted splitting, UTF-8.
#include "collecting_sink.h"
#include "ingest/read/text_util.h"

#include <QTest>

using namespace socwb;

class TestTextUtil : public QObject {
    Q_OBJECT
  private slots:
    void epochSeconds_data();
    void epochSeconds();
    void isoTimestamps_data();
    void isoTimestamps();
    void clfTime();
    void splitUrl_data();
    void splitUrl();
    void csv_data();
    void csv();
    void csvRecords();
    void quoted();
    void utf8();
    void newlines();
    void excerptKeepsCharactersWhole();
    void timeZoneConversion();
};

void TestTextUtil::epochSeconds_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<qint64>("us");
    QTest::newRow("fraction") << "1157689324.156" << true << qint64(1157689324156000);
    QTest::newRow("micro") << "1700000000.000001" << true << qint64(1700000000000001);
    QTest::newRow("nanos cut") << "1700000000.123456789" << true << qint64(1700000000123456);
    QTest::newRow("integer") << "1700000000" << true << qint64(1700000000000000);
    QTest::newRow("empty fraction") << "1700000000." << false << qint64(0);
    QTest::newRow("letters") << "17000x0000.5" << false << qint64(0);
    QTest::newRow("empty") << "" << false << qint64(0);
    // Past what microseconds hold: saturated, never wrapped into a believable time.
    QTest::newRow("overflow") << "99999999999999" << true << qint64(INT64_MAX);
    QTest::newRow("negative overflow") << "-99999999999999" << true << qint64(INT64_MIN);
    QTest::newRow("largest exact") << "9223372036853" << true << qint64(9223372036853000000);
}

void TestTextUtil::epochSeconds() {
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(qint64, us);
    const std::string s = text.toStdString();
    int64_t v = 0;
    QCOMPARE(parseEpochSeconds(s, v), ok);
    if (ok) {
        QCOMPARE(qint64(v), us);
    }
}

void TestTextUtil::isoTimestamps_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<qint64>("us");
    QTest::addColumn<bool>("zone");
    const qint64 base = 1709301296000000; // 2024-03-01T13:54:56Z
    QTest::newRow("Z") << "2024-03-01T13:54:56Z" << true << base << true;
    QTest::newRow("space no zone") << "2024-03-01 13:54:56" << true << base << false;
    QTest::newRow("millis") << "2024-03-01T13:54:56.789Z" << true << base + 789000 << true;
    QTest::newRow("plus offset") << "2024-03-01T14:54:56+01:00" << true << base << true;
    QTest::newRow("minus compact") << "2024-03-01T08:54:56-0500" << true << base << true;
    QTest::newRow("leap day") << "2024-02-29T00:00:00Z" << true << qint64(1709164800000000) << true;
    QTest::newRow("month 13") << "2024-13-01T00:00:00Z" << false << qint64(0) << false;
    QTest::newRow("april 31") << "2024-04-31T00:00:00Z" << false << qint64(0) << false;
    QTest::newRow("trailing junk") << "2024-03-01T13:54:56Zjunk" << false << qint64(0) << false;
    QTest::newRow("short") << "2024-03-01" << false << qint64(0) << false;
}

void TestTextUtil::isoTimestamps() {
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(qint64, us);
    QFETCH(bool, zone);
    int64_t v = 0;
    bool hasZone = false;
    QCOMPARE(parseIsoTimestamp(text.toStdString(), v, &hasZone), ok);
    if (ok) {
        QCOMPARE(qint64(v), us);
        QCOMPARE(hasZone, zone);
    }
}

void TestTextUtil::clfTime() {
    int64_t v = 0;
    QVERIFY(parseClfTime("[10/Oct/2000:13:55:36 -0700]", v));
    QCOMPARE(v, test::us("2000-10-10T20:55:36Z"));
    QVERIFY(parseClfTime("01/Mar/2024:00:00:00 +0000", v));
    QCOMPARE(v, test::us("2024-03-01T00:00:00Z"));
    QVERIFY(!parseClfTime("[10/Foo/2000:13:55:36 -0700]", v));
    QVERIFY(!parseClfTime("[10/Oct/2000:13:55:36 -07]", v));
    QVERIFY(!parseClfTime("31/Feb/2024:00:00:00 +0000", v));
    QVERIFY(parseClfTime("29/Feb/2024:00:00:00 +0000", v)); // leap year
    QVERIFY(!parseClfTime("29/Feb/2023:00:00:00 +0000", v));
}

void TestTextUtil::splitUrl_data() {
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("query");
    QTest::newRow("https full") << "https://raw.githubusercontent.com/u/r/main/c.txt?token=1"
                                << "https"
                                << "raw.githubusercontent.com" << 443 << "/u/r/main/c.txt"
                                << "token=1";
    QTest::newRow("connect") << "pastebin.com:443"
                             << ""
                             << "pastebin.com" << 443 << ""
                             << "";
    QTest::newRow("explicit port") << "http://10.0.0.5:8080/x"
                                   << "http"
                                   << "10.0.0.5" << 8080 << "/x"
                                   << "";
    QTest::newRow("ipv6") << "http://[2001:db8::1]:8443/a?b"
                          << "http"
                          << "2001:db8::1" << 8443 << "/a"
                          << "b";
    QTest::newRow("userinfo") << "http://user:pw@evil.example/p"
                              << "http"
                              << "evil.example" << 80 << "/p"
                              << "";
    QTest::newRow("fragment") << "https://docs.google.com/d#frag"
                              << "https"
                              << "docs.google.com" << 443 << "/d"
                              << "";
    QTest::newRow("origin form") << "/api/getUpdates?offset=5"
                                 << ""
                                 << "" << -1 << "/api/getUpdates"
                                 << "offset=5";
    QTest::newRow("no path") << "http://example.com"
                             << "http"
                             << "example.com" << 80 << ""
                             << "";
    // A port written but not a number that fits is 0 (which the plausibility check rejects), never
    // the scheme's default.
    QTest::newRow("huge port") << "https://example.com:99999999999/x"
                               << "https"
                               << "example.com" << 0 << "/x"
                               << "";
    QTest::newRow("letters port") << "http://example.com:http/x"
                                  << "http"
                                  << "example.com" << 0 << "/x"
                                  << "";
    QTest::newRow("empty port") << "http://example.com:/x"
                                << "http"
                                << "example.com" << 80 << "/x"
                                << "";
    QTest::newRow("ipv6 huge port") << "http://[::1]:99999999999/"
                                    << "http"
                                    << "::1" << 0 << "/"
                                    << "";
}

void TestTextUtil::splitUrl() {
    QFETCH(QString, url);
    const std::string u = url.toStdString();
    const UrlParts p = socwb::splitUrl(u);
    QTEST(QString::fromStdString(std::string(p.scheme)), "scheme");
    QTEST(QString::fromStdString(std::string(p.host)), "host");
    QTEST(p.port, "port");
    QTEST(QString::fromStdString(std::string(p.path)), "path");
    QTEST(QString::fromStdString(std::string(p.query)), "query");
}

void TestTextUtil::csv_data() {
    QTest::addColumn<QString>("line");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QStringList>("fields");
    QTest::newRow("plain") << "a,b,c" << true << QStringList{"a", "b", "c"};
    QTest::newRow("empty fields") << "a,,c," << true << QStringList{"a", "", "c", ""};
    QTest::newRow("quoted comma") << "\"x,y\",z" << true << QStringList{"x,y", "z"};
    QTest::newRow("doubled quote") << "\"say \"\"hi\"\"\",2" << true << QStringList{"say \"hi\"", "2"};
    QTest::newRow("two quoted") << "\"a\",\"b\"" << true << QStringList{"a", "b"};
    QTest::newRow("unterminated") << "\"abc,d" << false << QStringList{};
    QTest::newRow("crlf") << "a,b\r" << true << QStringList{"a", "b"};
    QTest::newRow("stray after quote") << "\"a\"x,b" << true << QStringList{"a", "b"};
    QTest::newRow("line end ends it") << "a,b\nc" << true << QStringList{"a", "b"};
}

void TestTextUtil::csv() {
    QFETCH(QString, line);
    QFETCH(bool, ok);
    QFETCH(QStringList, fields);
    const std::string l = line.toStdString();
    std::vector<std::string_view> out;
    std::string scratch;
    QCOMPARE(splitCsv(l, ',', out, scratch), ok);
    if (ok) {
        QStringList got;
        for (auto f : out) {
            got << QString::fromStdString(std::string(f));
        }
        QCOMPARE(got, fields);
    }
}

// Records read one after another from a whole text, as the SIEM results reader does: a quoted field
// keeps its line ends (Splunk's multivalue cells), CRLF and LF both end a record, and the line
// count follows every line end consumed.
void TestTextUtil::csvRecords() {
    const std::string text = "host,paths\r\n"
                             "wks1,\"/raw/a\n/raw/b\",\r\n"
                             "\n"
                             "wks2,\"say \"\"x\"\"\"\n"
                             "wks3,\"open\nstill open";
    size_t pos = 0;
    int64_t lines = 0;
    std::vector<std::string_view> f;
    std::string scratch;
    auto fields = [&] {
        QStringList l;
        for (auto v : f) {
            l << QString::fromStdString(std::string(v));
        }
        return l;
    };
    QVERIFY(readCsvRecord(text, pos, ',', f, scratch, lines));
    QCOMPARE(fields(), (QStringList{"host", "paths"}));
    QCOMPARE(lines, int64_t(1));
    QVERIFY(readCsvRecord(text, pos, ',', f, scratch, lines));
    QCOMPARE(fields(), (QStringList{"wks1", "/raw/a\n/raw/b", ""}));
    QCOMPARE(lines, int64_t(3));
    QVERIFY(readCsvRecord(text, pos, ',', f, scratch, lines)); // the blank line
    QCOMPARE(fields(), (QStringList{""}));
    QCOMPARE(lines, int64_t(4));
    QVERIFY(readCsvRecord(text, pos, ',', f, scratch, lines));
    QCOMPARE(fields(), (QStringList{"wks2", "say \"x\""}));
    QCOMPARE(lines, int64_t(5));
    QVERIFY(!readCsvRecord(text, pos, ',', f, scratch, lines));
    QCOMPARE(f.size(), size_t(2));
    QCOMPARE(std::string(f[0]), std::string("wks3"));
    QCOMPARE(pos, text.size());
    QCOMPARE(lines, int64_t(6));
}

void TestTextUtil::quoted() {
    std::vector<std::string_view> out;
    QVERIFY(splitQuoted(
        "10.1.2.3 - - [10/Oct/2000:13:55:36 -0700] \"GET /a HTTP/1.1\" 200 5 \"-\" \"Mozilla \\\"x\\\" 5.0\"", out));
    QCOMPARE(out.size(), size_t(9));
    QCOMPARE(std::string(out[3]), std::string("10/Oct/2000:13:55:36 -0700"));
    QCOMPARE(std::string(out[4]), std::string("GET /a HTTP/1.1"));
    QCOMPARE(std::string(out[8]), std::string("Mozilla \\\"x\\\" 5.0"));
    QVERIFY(!splitQuoted("a \"unterminated", out));
}

void TestTextUtil::utf8() {
    QVERIFY(isValidUtf8("plain ascii line that is longer than eight bytes"));
    QVERIFY(isValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
    QVERIFY(!isValidUtf8("bad \xC3 byte"));
    QVERIFY(!isValidUtf8("overlong \xC0\xAF"));
    QVERIFY(!isValidUtf8("surrogate \xED\xA0\x80"));
    std::string out;
    escapeInvalidUtf8("a\xFF"
                      "b\xC3\xA9",
                      out);
    QCOMPARE(out, std::string("a\\xFFb\xC3\xA9"));
    // NUL is never valid evidence text, in the eight-byte fast path or byte by byte.
    QVERIFY(!isValidUtf8(std::string_view("ex\0ample.raw.githubusercontent.com", 34)));
    QVERIFY(!isValidUtf8(std::string_view("a\0b", 3)));
    escapeInvalidUtf8(std::string_view("ex\0ample.com", 12), out);
    QCOMPARE(out, std::string("ex\\x00ample.com"));
}

void TestTextUtil::newlines() {
    QCOMPARE(countNewlines(""), int64_t(0));
    QCOMPARE(countNewlines("no line end"), int64_t(0));
    QCOMPARE(countNewlines("\n"), int64_t(1));
    QCOMPARE(countNewlines("a\r\nb\n\nc"), int64_t(3));
    QCOMPARE(countNewlines("\r"), int64_t(0)); // a lone CR ends no line here
    // A long text, sparse and then dense: every 1000th byte, then every byte.
    std::string text(100000, 'x');
    for (size_t i = 999; i < text.size(); i += 1000) {
        text[i] = '\n';
    }
    text += std::string(77, '\n');
    QCOMPARE(countNewlines(text), int64_t(100 + 77));
    QCOMPARE(countNewlines(std::string_view(text).substr(999, 1001)), int64_t(2)); // both ends on one
}

void TestTextUtil::excerptKeepsCharactersWhole() {
    // "café" is 5 bytes: a 4-byte cut would split the é.
    QCOMPARE(excerpt("caf\xC3\xA9 au lait", 4), std::string("caf..."));
    QCOMPARE(excerpt("caf\xC3\xA9 au lait", 5), std::string("caf\xC3\xA9..."));
    QCOMPARE(excerpt("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 6), std::string("\xF0\x9F\x98\x80..."));
    QCOMPARE(excerpt("short", 100), std::string("short"));
    std::string euros(50, 'x');
    for (int i = 0; i < 60; ++i) {
        euros += "\xE2\x82\xAC";
    }
    for (size_t n = 95; n <= 105; ++n) {
        QVERIFY(isValidUtf8(excerpt(euros, n)));
    }
}

void TestTextUtil::timeZoneConversion() {
    TzConverter berlin(QStringLiteral("Europe/Berlin"));
    QVERIFY(berlin.valid());
    // Winter: UTC+1; summer: UTC+2.
    QCOMPARE(berlin.toUtc(test::us("2024-01-15T10:00:00Z")), test::us("2024-01-15T09:00:00Z"));
    QCOMPARE(berlin.toUtc(test::us("2024-07-15T10:00:00Z")), test::us("2024-07-15T08:00:00Z"));
    TzConverter utc;
    QVERIFY(utc.isUtc());
    QCOMPARE(utc.toUtc(12345), int64_t(12345));
    QVERIFY(!TzConverter(QStringLiteral("Mars/Olympus_Mons")).valid());
}

QTEST_GUILESS_MAIN(TestTextUtil)
#include "tst_text_util.moc"
