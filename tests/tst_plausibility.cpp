// The plausibility check every parsed record passes on its way into a case: times in 1990..2099,
// real IP addresses, ports 1..65535, host names without markup — and a reject that says why.
#include "ingest/importer.h"
#include "ingest/read/plausibility_filter.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "test_paths.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace socwb;

namespace {
QByteArray squidLine(const QByteArray& ts, const QByteArray& client, const QByteArray& url,
                     const QByteArray& dest = "192.0.2.1") {
    return ts + " 42 " + client + " TCP_MISS/200 1000 GET " + url + " - HIER_DIRECT/" + dest + " text/html\n";
}
} // namespace

class TestPlausibility : public QObject {
    Q_OBJECT
  private slots:
    void values_data();
    void values();
    void importRejectsImplausibleSquidLines_data();
    void importRejectsImplausibleSquidLines();
    void importRejectsMarkupQueryNames();

  private:
    QTemporaryDir dir_;
};

void TestPlausibility::values_data() {
    QTest::addColumn<qint64>("tsUs");
    QTest::addColumn<QString>("client");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("reason"); // empty: plausible
    const qint64 ok = 1700000000LL * 1000000;
    QTest::newRow("fine") << ok << "10.0.0.1" << 443 << "example.com"
                          << "";
    QTest::newRow("ipv6 client") << ok << "2001:db8::1" << 80 << "example.com"
                                 << "";
    QTest::newRow("ipv6 zone") << ok << "fe80::1%eth0" << 80 << "example.com"
                               << "";
    QTest::newRow("fqdn client") << ok << "ws-17.corp.example" << 80 << "example.com"
                                 << "";
    QTest::newRow("escaped host") << ok << "10.0.0.1" << 80 << "ex\\x00ample.com"
                                  << "";
    QTest::newRow("no port") << ok << "10.0.0.1" << -1 << "example.com"
                             << "";
    QTest::newRow("first second") << 631152000LL * 1000000 << "10.0.0.1" << 80 << "a.b"
                                  << "";
    QTest::newRow("last second") << 4102444799LL * 1000000 << "10.0.0.1" << 80 << "a.b"
                                 << "";
    QTest::newRow("2100") << 4102444800LL * 1000000 << "10.0.0.1" << 80 << "a.b"
                          << "time 2100-01-01T00:00:00Z";
    QTest::newRow("1915") << -1735689600LL * 1000000 << "10.0.0.1" << 80 << "a.b"
                          << "time 1915-01-01T00:00:00Z";
    QTest::newRow("1989") << 631151999LL * 1000000 << "10.0.0.1" << 80 << "a.b"
                          << "time 1989-12-31T23:59:59Z";
    QTest::newRow("saturated") << qint64(INT64_MAX) << "10.0.0.1" << 80 << "a.b"
                               << "time 294247-01-10T04:00:54Z is outside";
    QTest::newRow("bad quad") << ok << "999.999.999.999" << 80 << "a.b"
                              << "client address is not a valid IP address";
    QTest::newRow("markup client") << ok << "<b>x</b>" << 80 << "a.b"
                                   << "client address is neither";
    QTest::newRow("port 0") << ok << "10.0.0.1" << 0 << "a.b"
                            << "destination port is not a port";
    QTest::newRow("port 65536") << ok << "10.0.0.1" << 65536 << "a.b"
                                << "destination port is not a port";
    QTest::newRow("script host") << ok << "10.0.0.1" << 80 << "<script>x"
                                 << "destination host is not a host name";
    QTest::newRow("space host") << ok << "10.0.0.1" << 80 << "a b.com"
                                << "destination host is not a host name";
    QTest::newRow("control host") << ok << "10.0.0.1" << 80
                                  << "a\x1b"
                                     "b.com"
                                  << "destination host is not a host name";
}

void TestPlausibility::values() {
    QFETCH(qint64, tsUs);
    QFETCH(QString, client);
    QFETCH(int, port);
    QFETCH(QString, host);
    QFETCH(QString, reason);
    const std::string c = client.toStdString();
    const std::string h = host.toStdString();
    ProxyRecord r;
    r.tsUs = tsUs;
    r.clientIp = c;
    r.port = port;
    r.host = h;
    const auto problem = plausible::check(r);
    if (reason.isEmpty()) {
        QVERIFY2(!problem, problem ? problem->reason.c_str() : "");
    } else {
        QVERIFY(problem.has_value());
        QVERIFY2(QString::fromStdString(problem->reason).contains(reason), problem->reason.c_str());
    }
}

void TestPlausibility::importRejectsImplausibleSquidLines_data() {
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("reason"); // empty: imported
    QTest::newRow("good") << squidLine("1700000000.250", "10.0.0.1", "http://example.com/a") << "";
    QTest::newRow("epoch overflow") << squidLine("99999999999999", "10.0.0.1", "http://example.com/a")
                                    << "implausible value: time";
    QTest::newRow("year 10000") << squidLine("253402300800", "10.0.0.1", "http://example.com/a")
                                << "implausible value: time 10000-01-01";
    QTest::newRow("1915") << squidLine("-1735689600", "10.0.0.1", "http://example.com/a")
                          << "implausible value: time 1915-01-01";
    QTest::newRow("bad client") << squidLine("1700000000", "999.999.999.999", "http://example.com/a")
                                << "implausible value: client address";
    QTest::newRow("script host") << squidLine("1700000000", "10.0.0.1", "http://<script>alert(1)<")
                                 << "implausible value: destination host";
    QTest::newRow("huge port") << squidLine("1700000000", "10.0.0.1", "https://example.com:99999999999/x")
                               << "implausible value: destination port";
    QTest::newRow("bad dest") << squidLine("1700000000", "10.0.0.1", "http://example.com/a", "300.1.1.1")
                              << "implausible value: destination address";
}

void TestPlausibility::importRejectsImplausibleSquidLines() {
    QFETCH(QByteArray, line);
    QFETCH(QString, reason);
    const QString log = dir_.filePath(QString::fromLatin1(QTest::currentDataTag()).replace(' ', '_') + ".log");
    {
        QFile f(log);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(line);
    }
    auto store =
        CaseStore::open(dir_.filePath(QString::fromLatin1(QTest::currentDataTag()).replace(' ', '_') + ".socwb"));
    const ImportResult r = test::importInto(*store, log, QStringLiteral("squid"));
    QCOMPARE(r.status, QStringLiteral("imported"));
    const int64_t proxyRows = queryInt(store->db(), "SELECT count(*) FROM proxy_events").value();
    if (reason.isEmpty()) {
        QCOMPARE(r.accepted, int64_t(1));
        QCOMPARE(proxyRows, int64_t(1));
        QCOMPARE(queryInt(store->db(), "SELECT dest_port FROM proxy_events").value(), int64_t(80));
        return;
    }
    QCOMPARE(r.accepted, int64_t(0));
    QCOMPARE(r.rejected, int64_t(1));
    QCOMPARE(proxyRows, int64_t(0));
    Statement st(store->db(), "SELECT line_no, reason FROM rejected_lines");
    QVERIFY(st.step());
    QCOMPARE(st.int64(0), int64_t(1));
    const QString stored = QString::fromStdString(st.text(1));
    QVERIFY2(stored.startsWith(reason), qPrintable(stored));
}

void TestPlausibility::importRejectsMarkupQueryNames() {
    const QString log = dir_.filePath(QStringLiteral("dns.log"));
    {
        QFile f(log);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#separator "
                "\\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\tquery\tqtype_"
                "name\trcode_name\tanswers\tTTLs\n"
                "1700000000.000000\tC1\t10.0.0.5\t5353\t10.0.0.53\t53\tudp\t1\twww.example.com\tA\tNOERROR\t192.0.2."
                "7\t60.000000\n"
                "1700000001.000000\tC2\t10.0.0.5\t5353\t10.0.0.53\t53\tudp\t2\t<img "
                "src=x>.example.com\tA\tNOERROR\t-\t-\n");
    }
    auto store = CaseStore::open(dir_.filePath(QStringLiteral("dns.socwb")));
    const ImportResult r = test::importInto(*store, log, QStringLiteral("zeek-dns"));
    QCOMPARE(r.accepted, int64_t(1));
    QCOMPARE(r.rejected, int64_t(1));
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM domains WHERE name LIKE '%<%'").value(), int64_t(0));
    Statement st(store->db(), "SELECT line_no, reason, raw FROM rejected_lines");
    QVERIFY(st.step());
    QCOMPARE(st.int64(0), int64_t(4));
    QCOMPARE(QString::fromStdString(st.text(1)),
             QStringLiteral("implausible value: query name is not a host name (spaces, control or markup characters)"));
    QCOMPARE(st.text(2), std::string("<img src=x>.example.com"));
}

QTEST_GUILESS_MAIN(TestPlausibility)
#include "tst_plausibility.moc"
