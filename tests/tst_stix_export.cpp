// Issue 22 (exports): the channels an analyst called malicious or escalated as a STIX 2.1 bundle,
// checked value by value here and, where ../shared/data holds them, against the OASIS STIX 2.1 JSON
// schemas and the pattern grammar (tests/stix_check.py).
#include "alert_fixture.h"
#include "report/stix_bundle.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "test_paths.h"
#include "triage/triage_store.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace socwb;
using namespace socwb::test;

namespace {

// Hostile text from the evidence: a quote and a backslash in the URL (the pattern's string literal
// must escape both), markup, a formula and a bidi override in the analyst's words and the host name.
const QString kUrl = QStringLiteral("https://pastebin.com/raw/Ab'1\\2?x=1");
const QString kHost = QStringLiteral("WS-<b>\u202E01");
const QString kWhy = QStringLiteral("=HYPERLINK(\"x\") <script>alert(1)</script> polls every minute");

QList<QJsonObject> ofType(const QJsonObject& bundle, const QString& type) {
    QList<QJsonObject> out;
    for (const QJsonValue& v : bundle.value(QStringLiteral("objects")).toArray()) {
        if (v.toObject().value(QStringLiteral("type")).toString() == type) {
            out << v.toObject();
        }
    }
    return out;
}

} // namespace

class TestStixExport : public QObject {
    Q_OBJECT
  private slots:
    void init();
    void maliciousAndEscalatedChannelsOnly();
    void patternsAndObservations();
    void sameCaseSameIds();
    void bundleValidatesAgainstTheStixSchemas();

  private:
    QTemporaryDir dir_;
    QString case_;
};

void TestStixExport::init() {
    case_ = dir_.filePath(QStringLiteral("stix-%1.socwb").arg(QDateTime::currentMSecsSinceEpoch()));
    auto store = CaseStore::open(case_);
    sqlite3* db = store->db();
    execSql(db, "INSERT INTO evidence(id, path, sha256, size, status) VALUES (7, 'p.log', 'x', 1, 'imported')");
    execSql(db, "INSERT INTO hosts(id, name, source) VALUES (3, 'WS', 'asset')");
    execSql(db, "INSERT INTO domains(id, name) VALUES (4, 'pastebin.com')");
    {
        Statement h(db, "UPDATE hosts SET name = ?1 WHERE id = 3");
        h.bind(1, kHost.toStdString()).exec();
    }
    execSql(db, "INSERT INTO processes(id, host_id, process_guid, pid, image, command_line, known_from) VALUES "
                "(11, 3, '{g}', 4242, 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', "
                "'powershell -w hidden -c \"iwr ''x''\"', 'create')");
    // Pastebin: a CONNECT line first (no URL to take), then three GETs.
    for (int i = 0; i < 4; ++i) {
        Statement st(db, "INSERT INTO proxy_events(id, evidence_id, line_no, ts_us, host_id, domain_id, method, url) "
                         "VALUES (?, 7, ?, ?, 3, 4, ?, ?)");
        st.bind(1, int64_t(100 + i)).bind(2, i + 1).bind(3, int64_t(1709510400000000) + int64_t(i) * 60000000);
        st.bind(4, i == 0 ? "CONNECT" : "GET")
            .bind(5, (i == 0 ? QStringLiteral("pastebin.com:443") : kUrl).toStdString());
        st.exec();
    }
    FixtureAlert paste;
    paste.host = kHost;
    paste.hostId = 3;
    paste.domainId = 4;
    paste.processId = 11;
    paste.score = 91.5;
    paste.severity = QStringLiteral("critical");
    paste.requests = 4;
    paste.firstTs = 1709510400000000;
    paste.lastTs = 1709510400000000 + 3LL * 60000000;
    paste.proxyIds = {100, 101, 102, 103};
    paste.factors = QStringLiteral(R"([{"name":"periodicity","contribution":24,"detail":"polls every 60 s"}])");
    paste.channelKey = QStringLiteral("paste");
    insertAlert(db, paste);
    execSql(db, "UPDATE alerts SET host_ips = '10.0.0.5', endpoint = 'pastebin.com/raw/Ab''1\\2' WHERE channel_key = "
                "'paste'");

    FixtureAlert bare; // a bare address, no catalogued service, no process: the address is the indicator
    bare.host = QStringLiteral("DB01");
    bare.image.clear();
    bare.process.clear();
    bare.destination = QStringLiteral("185.1.2.3");
    bare.service.clear();
    bare.requests = 40;
    bare.channelKey = QStringLiteral("bare");
    insertAlert(db, bare);
    for (const char* key : {"benign", "untriaged"}) { // neither is exported
        FixtureAlert other;
        other.channelKey = QString::fromLatin1(key);
        other.destination = QStringLiteral("%1.example").arg(QString::fromLatin1(key));
        insertAlert(db, other);
    }
    TriageStore triage(*store);
    triage.setStatus({QStringLiteral("paste")}, QStringLiteral("malicious"), kWhy);
    triage.setStatus({QStringLiteral("bare")}, QStringLiteral("escalated"));
    triage.setStatus({QStringLiteral("benign")}, QStringLiteral("benign"), QStringLiteral("IT's backup job"));
}

void TestStixExport::maliciousAndEscalatedChannelsOnly() {
    auto store = CaseStore::open(case_);
    const StixExport e = exportStixBundle(store->db());
    QCOMPARE(e.channels, 2);
    QCOMPARE(e.indicators, 2); // pastebin's URL (not the service's domain); the bare address
    const QList<QJsonObject> indicators = ofType(e.bundle, QStringLiteral("indicator"));
    QCOMPARE(indicators.size(), 2);
    QCOMPARE(indicators[0].value(QStringLiteral("indicator_types")).toArray().first().toString(),
             QStringLiteral("malicious-activity"));
    QCOMPARE(indicators[1].value(QStringLiteral("indicator_types")).toArray().first().toString(),
             QStringLiteral("anomalous-activity"));
    QCOMPARE(ofType(e.bundle, QStringLiteral("sighting")).size(), 2);
    QCOMPARE(ofType(e.bundle, QStringLiteral("observed-data")).size(), 2);
    QCOMPARE(ofType(e.bundle, QStringLiteral("attack-pattern")).size(), 1);
    QCOMPARE(ofType(e.bundle, QStringLiteral("relationship")).size(), 2);
    for (const QJsonObject& o : ofType(e.bundle, QStringLiteral("domain-name"))) {
        QVERIFY2(!o.value(QStringLiteral("value")).toString().endsWith(QStringLiteral(".example")),
                 "a benign or untriaged channel was exported");
    }
    // Other verdicts on request; an unknown one is refused.
    StixOptions benign;
    benign.statuses = {QStringLiteral("benign")};
    QCOMPARE(exportStixBundle(store->db(), benign).channels, 1);
    benign.statuses = {QStringLiteral("evil")};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, exportStixBundle(store->db(), benign));
}

void TestStixExport::patternsAndObservations() {
    auto store = CaseStore::open(case_);
    const QJsonObject bundle = exportStixBundle(store->db()).bundle;
    const QList<QJsonObject> indicators = ofType(bundle, QStringLiteral("indicator"));
    // The endpoint's URLs, any query: ' and \ escaped as the grammar's StringLiteral says.
    QCOMPARE(indicators[0].value(QStringLiteral("pattern")).toString(),
             QStringLiteral(R"([url:value LIKE 'https://pastebin.com/raw/Ab\'1\\2%'])"));
    QCOMPARE(indicators[1].value(QStringLiteral("pattern")).toString(),
             QStringLiteral("[ipv4-addr:value = '185.1.2.3']"));
    QCOMPARE(indicators[0].value(QStringLiteral("valid_from")).toString(), QStringLiteral("2024-03-04T00:00:00.000Z"));
    // The analyst's words and the host's name stay literal strings (JSON escapes them, nothing else).
    const QString description = indicators[0].value(QStringLiteral("description")).toString();
    QVERIFY2(description.contains(kWhy), qPrintable(description));
    QVERIFY(description.contains(QStringLiteral("periodicity +24.0: polls every 60 s")));
    QVERIFY(indicators[0].value(QStringLiteral("name")).toString().endsWith(QStringLiteral("on ") + kHost));

    const QJsonObject sighting = ofType(bundle, QStringLiteral("sighting")).first();
    QCOMPARE(sighting.value(QStringLiteral("count")).toInt(), 4);
    QCOMPARE(sighting.value(QStringLiteral("first_seen")).toString(), QStringLiteral("2024-03-04T00:00:00.000Z"));
    QCOMPARE(sighting.value(QStringLiteral("last_seen")).toString(), QStringLiteral("2024-03-04T00:03:00.000Z"));
    QCOMPARE(sighting.value(QStringLiteral("sighting_of_ref")).toString(),
             indicators[0].value(QStringLiteral("id")).toString());

    // What was observed: the host's address, the domain, the first full URL (not the CONNECT line),
    // the traffic between them, and the process with its image.
    QStringList observed;
    for (const QJsonValue& ref :
         ofType(bundle, QStringLiteral("observed-data")).first().value(QStringLiteral("object_refs")).toArray()) {
        observed << ref.toString().section(QStringLiteral("--"), 0, 0);
    }
    QCOMPARE(observed,
             (QStringList{"ipv4-addr", "domain-name", "url", "network-traffic", "directory", "file", "process"}));
    QCOMPARE(ofType(bundle, QStringLiteral("url")).first().value(QStringLiteral("value")).toString(), kUrl);
    const QJsonObject process = ofType(bundle, QStringLiteral("process")).first();
    QCOMPARE(process.value(QStringLiteral("pid")).toInt(), 4242);
    QCOMPARE(process.value(QStringLiteral("command_line")).toString(),
             QStringLiteral("powershell -w hidden -c \"iwr 'x'\""));
    QCOMPARE(ofType(bundle, QStringLiteral("file")).first().value(QStringLiteral("name")).toString(),
             QStringLiteral("powershell.exe"));
    // An observable's id is STIX's own UUIDv5 of its contributing properties: any STIX tool derives the same.
    const QJsonObject domain = ofType(bundle, QStringLiteral("domain-name")).first();
    QCOMPARE(domain.value(QStringLiteral("id")).toString(),
             QStringLiteral("domain-name--") +
                 QUuid::createUuidV5(QUuid(QStringLiteral("00abedb4-aa42-466c-9c01-fed23315a9b7")),
                                     QByteArray(R"({"value":"pastebin.com"})"))
                     .toString(QUuid::WithoutBraces));
}

void TestStixExport::sameCaseSameIds() {
    auto store = CaseStore::open(case_);
    StixOptions o;
    o.created = QDateTime(QDate(2026, 12, 6), QTime(10, 0), Qt::UTC);
    const QByteArray first = QJsonDocument(exportStixBundle(store->db(), o).bundle).toJson();
    const QByteArray second = QJsonDocument(exportStixBundle(store->db(), o).bundle).toJson();
    QCOMPARE(first, second);
    QVERIFY(first.contains("\"created\": \"2026-12-06T10:00:00.000Z\""));
}

void TestStixExport::bundleValidatesAgainstTheStixSchemas() {
    const QString schemas = sharedData(QStringLiteral("stix2-json-schemas/schemas"));
    if (!QDir(schemas).exists()) {
        QSKIP("../shared/data/stix2-json-schemas is not here");
    }
    const QString out = dir_.filePath(QStringLiteral("bundle.json"));
    const CliRun r = runCli({"export", case_, out});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains("2 channel(s), 2 indicator(s)"), r.err.constData());
    auto check = [&schemas](const QString& file, QByteArray* output) {
        QProcess p;
        p.start(QStringLiteral("/usr/bin/python3"),
                {QStringLiteral(SOCWB_SOURCE_DIR "/tests/stix_check.py"), file, schemas});
        p.waitForFinished(120000);
        *output = p.readAllStandardOutput() + p.readAllStandardError();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    };
    QByteArray output;
    const int rc = check(out, &output);
    if (rc == 77) {
        QSKIP("python3-jsonschema is not installed (./packaging/dev.sh test installs it)");
    }
    QVERIFY2(rc == 0, output.constData());
    QVERIFY2(output.contains(" 0 problem(s)"), output.constData());

    // The checker bites: an unescaped quote in a pattern and a negative count are both named.
    QFile f(out);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QJsonObject bundle = QJsonDocument::fromJson(f.readAll()).object();
    QJsonArray objects = bundle.value(QStringLiteral("objects")).toArray();
    for (int i = 0; i < objects.size(); ++i) {
        QJsonObject o = objects[i].toObject();
        if (o.value(QStringLiteral("type")) == QStringLiteral("indicator")) {
            o.insert(QStringLiteral("pattern"), QStringLiteral("[url:value = 'it's']"));
        } else if (o.value(QStringLiteral("type")) == QStringLiteral("sighting")) {
            o.insert(QStringLiteral("count"), -1);
        }
        objects[i] = o;
    }
    bundle.insert(QStringLiteral("objects"), objects);
    const QString broken = dir_.filePath(QStringLiteral("broken.json"));
    QFile b(broken);
    QVERIFY(b.open(QIODevice::WriteOnly));
    b.write(QJsonDocument(bundle).toJson());
    b.close();
    QCOMPARE(check(broken, &output), 1);
    QVERIFY2(output.contains("pattern [url:value = 'it's']"), output.constData());
    QVERIFY2(output.contains("-1 is less than the minimum of 0"), output.constData());
}

QTEST_GUILESS_MAIN(TestStixExport)
#include "tst_stix_export.moc"
