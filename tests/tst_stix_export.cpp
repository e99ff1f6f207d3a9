// Issue 22 (exports): the channels an analyst called malicious or escalated as a STIX 2.1 bundle,
// checked value by value here and, where ../shared/data holds them, against the OASIS STIX 2.1 JSON
// schemas and the pattern grammar (tests/stix_check.py).
#include "alert_fixture.h"
#include "report/misp_event.h"
#include "report/stix_bundle.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "test_paths.h"
#include "triage/triage_store.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSet>
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
    void mispEventHoldsTheChannels();
    void mispObjectsFollowTheirTemplates();
    void mispSameCaseSameEvent();
    void cliWritesEachFormat();

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
             QStringLiteral(R"([url:value LIKE 'https://pastebin.com/raw/Ab\'1%5C2%'])"));
    // url:value is a URI (RFC 3986): what a URI cannot hold is percent-encoded, escapes already there kept.
    QCOMPARE(stixUri(QStringLiteral("https://h/a b\\c/\u00fc?q=%41&r=%zz#f")),
             QStringLiteral("https://h/a%20b%5Cc/%C3%BC?q=%41&r=%25zz#f"));
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
    QCOMPARE(ofType(bundle, QStringLiteral("url")).first().value(QStringLiteral("value")).toString(),
             QStringLiteral("https://pastebin.com/raw/Ab'1%5C2?x=1"));
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
    QVERIFY2(r.err.contains("2 channels, 2 indicators"), r.err.constData());
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

namespace {

QList<QJsonObject> mispObjects(const QJsonObject& event, const QString& name) {
    QList<QJsonObject> out;
    for (const QJsonValue& v :
         event.value(QStringLiteral("Event")).toObject().value(QStringLiteral("Object")).toArray()) {
        if (v.toObject().value(QStringLiteral("name")).toString() == name) {
            out << v.toObject();
        }
    }
    return out;
}

QJsonObject mispAttribute(const QJsonObject& object, const QString& relation) {
    for (const QJsonValue& v : object.value(QStringLiteral("Attribute")).toArray()) {
        if (v.toObject().value(QStringLiteral("object_relation")).toString() == relation) {
            return v.toObject();
        }
    }
    return {};
}

} // namespace

// The same two channels as the STIX bundle: the pastebin poll (url, process and network-connection
// objects) and the bare address (a network-connection only: no URL, no process).
void TestStixExport::mispEventHoldsTheChannels() {
    auto store = CaseStore::open(case_);
    const MispExport e = exportMispEvent(store->db());
    QCOMPARE(e.channels, 2);
    QCOMPARE(e.objects, 4);
    // For IDS: pastebin's polled URL (not the service's host name), and the bare address.
    QCOMPARE(e.idsAttributes, 2);
    const QJsonObject event = e.event.value(QStringLiteral("Event")).toObject();
    QCOMPARE(event.value(QStringLiteral("published")).toBool(true), false);
    QCOMPARE(event.value(QStringLiteral("threat_level_id")).toString(), QStringLiteral("1")); // one is malicious
    QStringList tags;
    for (const QJsonValue& t : event.value(QStringLiteral("Tag")).toArray()) {
        tags << t.toObject().value(QStringLiteral("name")).toString();
    }
    QVERIFY2(tags.contains(QStringLiteral("misp-galaxy:mitre-attack-pattern=\"One-Way Communication - T1102.003\"")),
             qPrintable(tags.join(QLatin1Char(' '))));
    QVERIFY(tags.contains(QStringLiteral("tlp:amber")));

    const QJsonObject url = mispObjects(e.event, QStringLiteral("url")).value(0);
    const QJsonObject polled = mispAttribute(url, QStringLiteral("url"));
    QCOMPARE(polled.value(QStringLiteral("value")).toString(), kUrl); // the first GET, not the CONNECT line
    QVERIFY(polled.value(QStringLiteral("to_ids")).toBool());
    QCOMPARE(mispAttribute(url, QStringLiteral("host")).value(QStringLiteral("to_ids")).toBool(true), false);
    const QJsonArray sightings = polled.value(QStringLiteral("Sighting")).toArray();
    QCOMPARE(sightings.size(), 2);
    QCOMPARE(sightings[0].toObject().value(QStringLiteral("date_sighting")).toString(), QStringLiteral("1709510400"));
    QCOMPARE(sightings[1].toObject().value(QStringLiteral("date_sighting")).toString(), QStringLiteral("1709510580"));
    QCOMPARE(sightings[0].toObject().value(QStringLiteral("source")).toString(), kHost); // literal, as given
    QCOMPARE(url.value(QStringLiteral("first_seen")).toString(), QStringLiteral("2024-03-04T00:00:00.000000+00:00"));
    QCOMPARE(url.value(QStringLiteral("last_seen")).toString(), QStringLiteral("2024-03-04T00:03:00.000000+00:00"));
    // The analyst's words and the factors stay literal strings.
    const QString text = mispAttribute(url, QStringLiteral("text")).value(QStringLiteral("value")).toString();
    QVERIFY2(text.contains(kWhy), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("periodicity +24.0: polls every 60 s")));

    const QJsonObject process = mispObjects(e.event, QStringLiteral("process")).value(0);
    QCOMPARE(mispAttribute(process, QStringLiteral("pid")).value(QStringLiteral("value")).toString(),
             QStringLiteral("4242"));
    QCOMPARE(mispAttribute(process, QStringLiteral("name")).value(QStringLiteral("value")).toString(),
             QStringLiteral("powershell.exe"));
    QCOMPARE(mispAttribute(process, QStringLiteral("command-line")).value(QStringLiteral("value")).toString(),
             QStringLiteral("powershell -w hidden -c \"iwr 'x'\""));
    // The process refers to the URL it polled and to its connection.
    QSet<QString> uuids;
    for (const QJsonObject& o :
         mispObjects(e.event, QStringLiteral("url")) + mispObjects(e.event, QStringLiteral("network-connection"))) {
        uuids << o.value(QStringLiteral("uuid")).toString();
    }
    const QJsonArray refs = process.value(QStringLiteral("ObjectReference")).toArray();
    QCOMPARE(refs.size(), 2);
    for (const QJsonValue& r : refs) {
        QVERIFY(uuids.contains(r.toObject().value(QStringLiteral("referenced_uuid")).toString()));
    }

    const QList<QJsonObject> connections = mispObjects(e.event, QStringLiteral("network-connection"));
    QCOMPARE(connections.size(), 2);
    const QJsonObject bare = connections[1];
    QCOMPARE(mispAttribute(bare, QStringLiteral("ip-dst")).value(QStringLiteral("value")).toString(),
             QStringLiteral("185.1.2.3"));
    QVERIFY(mispAttribute(bare, QStringLiteral("ip-dst")).value(QStringLiteral("to_ids")).toBool());
    QCOMPARE(mispAttribute(connections[0], QStringLiteral("ip-src")).value(QStringLiteral("value")).toString(),
             QStringLiteral("10.0.0.5"));
    QCOMPARE(mispAttribute(connections[0], QStringLiteral("hostname-dst")).value(QStringLiteral("value")).toString(),
             QStringLiteral("pastebin.com"));

    MispOptions benign;
    benign.statuses = {QStringLiteral("evil")};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, exportMispEvent(store->db(), benign));
}

// Each object names its MISP template, and each attribute is one of that template's relations with
// the template's attribute type (misp-objects: objects/url, network-connection and process).
void TestStixExport::mispObjectsFollowTheirTemplates() {
    const QHash<QString, QPair<QString, QHash<QString, QString>>> templates{
        {QStringLiteral("url"),
         {QStringLiteral("60efb77b-40b5-4c46-871b-ed1ed999fce5"),
          {{"url", "url"},
           {"host", "hostname"},
           {"domain", "domain"},
           {"scheme", "text"},
           {"resource_path", "text"},
           {"query_string", "text"},
           {"port", "text"},
           {"first-seen", "datetime"},
           {"last-seen", "datetime"},
           {"text", "text"},
           {"fragment", "text"},
           {"tld", "text"},
           {"subdomain", "text"},
           {"credential", "text"},
           {"domain_without_tld", "text"}}}},
        {QStringLiteral("network-connection"),
         {QStringLiteral("af16764b-f8e5-4603-9de1-de34d272f80b"),
          {{"ip-src", "ip-src"},
           {"ip-dst", "ip-dst"},
           {"src-port", "port"},
           {"dst-port", "port"},
           {"hostname-src", "hostname"},
           {"hostname-dst", "hostname"},
           {"layer3-protocol", "text"},
           {"layer4-protocol", "text"},
           {"layer7-protocol", "text"},
           {"first-packet-seen", "datetime"}}}},
        {QStringLiteral("process"),
         {QStringLiteral("02aeef94-ac23-455c-addb-731757ceafb5"),
          {{"name", "text"},
           {"pid", "text"},
           {"image", "filename"},
           {"command-line", "text"},
           {"parent-image", "filename"},
           {"parent-pid", "text"},
           {"user", "text"},
           {"args", "text"}}}}};
    auto store = CaseStore::open(case_);
    const QJsonObject event = exportMispEvent(store->db()).event.value(QStringLiteral("Event")).toObject();
    QSet<QString> uuids{event.value(QStringLiteral("uuid")).toString()};
    int attributes = 0;
    for (const QJsonValue& v : event.value(QStringLiteral("Object")).toArray()) {
        const QJsonObject o = v.toObject();
        const QString name = o.value(QStringLiteral("name")).toString();
        QVERIFY2(templates.contains(name), qPrintable(name));
        QCOMPARE(o.value(QStringLiteral("template_uuid")).toString(), templates[name].first);
        QVERIFY(!uuids.contains(o.value(QStringLiteral("uuid")).toString()));
        uuids << o.value(QStringLiteral("uuid")).toString();
        for (const QJsonValue& av : o.value(QStringLiteral("Attribute")).toArray()) {
            const QJsonObject a = av.toObject();
            const QString relation = a.value(QStringLiteral("object_relation")).toString();
            QVERIFY2(templates[name].second.contains(relation), qPrintable(name + QLatin1Char('/') + relation));
            QCOMPARE(a.value(QStringLiteral("type")).toString(), templates[name].second.value(relation));
            QVERIFY(!QUuid::fromString(a.value(QStringLiteral("uuid")).toString()).isNull());
            QVERIFY(!uuids.contains(a.value(QStringLiteral("uuid")).toString()));
            uuids << a.value(QStringLiteral("uuid")).toString();
            QVERIFY(a.value(QStringLiteral("value")).isString()); // MISP takes every value as a string
            ++attributes;
        }
    }
    QVERIFY(attributes >= 12);
}

void TestStixExport::mispSameCaseSameEvent() {
    auto store = CaseStore::open(case_);
    MispOptions o;
    o.created = QDateTime(QDate(2026, 12, 6), QTime(10, 0), Qt::UTC);
    o.caseName = QStringLiteral("case-7");
    const QByteArray first = QJsonDocument(exportMispEvent(store->db(), o).event).toJson();
    QCOMPARE(QJsonDocument(exportMispEvent(store->db(), o).event).toJson(), first);
    QVERIFY(first.contains("\"date\": \"2026-12-06\""));
    QVERIFY(first.contains("in case case-7"));
    // Another verdict changes the event (another uuid): a MISP instance does not merge the two.
    TriageStore(*store).setStatus({QStringLiteral("benign")}, QStringLiteral("malicious"), QStringLiteral("after all"));
    const QJsonObject third = exportMispEvent(store->db(), o).event.value(QStringLiteral("Event")).toObject();
    QVERIFY(third.value(QStringLiteral("uuid")) != QJsonDocument::fromJson(first)
                                                       .object()
                                                       .value(QStringLiteral("Event"))
                                                       .toObject()
                                                       .value(QStringLiteral("uuid")));
}

// socwb-cli export: MISP and the queue's CSV/JSON through the command line, a channel's requests by
// its key, and the usage errors a script must be able to tell apart (exit 2).
void TestStixExport::cliWritesEachFormat() {
    const QString misp = dir_.filePath(QStringLiteral("event.json"));
    CliRun r = runCli({"export", case_, misp, "--format", "misp"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains("2 channels as 4 objects in a MISP event, 2 attributes for IDS"), r.err.constData());
    QFile f(misp);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(f.readAll())
                 .object()
                 .value(QStringLiteral("Event"))
                 .toObject()
                 .value(QStringLiteral("Object"))
                 .toArray()
                 .size(),
             4);

    r = runCli({"export", case_, "-", "--format", "csv", "--status", "malicious,benign"});
    QCOMPARE(r.exitCode, 0);
    const QList<QByteArray> lines = r.out.split('\n');
    QCOMPARE(lines.size(), 4); // header, two channels, the empty rest after the last line break
    QVERIFY2(lines[1].startsWith("91.5,critical,malicious,"), lines[1].constData());
    QVERIFY2(lines[2].contains(",benign,"), lines[2].constData());

    r = runCli({"export", case_, "-", "--format", "json", "--channel", "paste"});
    QCOMPARE(r.exitCode, 0);
    const QJsonArray requests = QJsonDocument::fromJson(r.out).array();
    QCOMPARE(requests.size(), 4);
    QCOMPARE(requests[0].toObject().value(QStringLiteral("method")).toString(), QStringLiteral("CONNECT"));
    QCOMPARE(requests[1].toObject().value(QStringLiteral("url")).toString(), kUrl); // as logged: JSON is no URI

    QCOMPARE(runCli({"export", case_, "-", "--format", "json", "--channel", "nope"}).exitCode, 2);
    QCOMPARE(runCli({"export", case_, "-", "--format", "stix", "--channel", "paste"}).exitCode, 2);
    QCOMPARE(runCli({"export", case_, "-", "--format", "xml"}).exitCode, 2);
    QCOMPARE(runCli({"export", case_, "-", "--format", "csv", "--status", "evil"}).exitCode, 2);
}

QTEST_GUILESS_MAIN(TestStixExport)
#include "tst_stix_export.moc"
