// The Windows event parsers: event XML (wevtutil, ToXml, <Events>, Sysmon for Linux syslog),
// JSON lines through the mapping files, and EVTX through libevtx. Fixtures in
// tests/fixtures/sysmon/ follow Microsoft's event schema and Sysmon's documented fields; the real
// logs in ../shared/data/sysmon/ are checked when present.
#include "collecting_sink.h"
#include "ingest/parsers/evtx_parser.h"
#include "ingest/parsers/sysmon_xml_parser.h"
#include "ingest/read/format_registry.h"
#include "ingest/read/input_reader.h"
#include "ingest/write/record_batch.h"
#include "ingest/write/sysmon_writer.h"
#include "test_paths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace socwb;
using namespace socwb::test;

namespace {

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool anyFieldContains(const CollectingSink& s, const std::string& needle) {
    for (const auto& r : s.sysmons) {
        for (const auto& [n, v] : r.fields) {
            if (v.find(needle) != std::string::npos) {
                return true;
            }
        }
        if (r.computer.find(needle) != std::string::npos) {
            return true;
        }
    }
    return false;
}

bool anyRejectSays(const CollectingSink& s, const std::string& needle) {
    for (const auto& r : s.rejects) {
        if (r.reason.find(needle) != std::string::npos) {
            return true;
        }
    }
    return false;
}

QString rejectList(const CollectingSink& s) {
    QStringList out;
    for (const auto& r : s.rejects) {
        out << QStringLiteral("%1: %2").arg(r.line).arg(QString::fromStdString(r.reason));
    }
    return out.join(QLatin1Char('\n'));
}

} // namespace

namespace {
// Writes every call it gets as one line of text, so two record streams can be compared whole:
// kinds, order, positions, times and every field name and value.
struct TraceSink : RecordSink {
    QStringList lines;
    int carriedJson = 0;
    void proxy(const ProxyRecord&) override { lines << QStringLiteral("proxy"); }
    void dns(const DnsRecord&) override { lines << QStringLiteral("dns"); }
    void asset(const AssetRecord&) override { lines << QStringLiteral("asset"); }
    static QString v(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }
    void sysmon(const SysmonRecord& r) override {
        QString l = QStringLiteral("event %1 @%2 id=%3 ts=%4 rec=%5 [%6|%7|%8]")
                        .arg(r.pos.record)
                        .arg(r.pos.offset)
                        .arg(r.eventId)
                        .arg(r.tsUs)
                        .arg(r.recordNumber)
                        .arg(v(r.computer), v(r.channel), v(r.provider));
        for (const SysmonField& f : r.fields) {
            l += QStringLiteral(" %1=%2").arg(v(f.name), v(f.value));
        }
        // The JSON the case stores: carried by a batch, else what the writer would build.
        std::string built;
        SysmonWriter::appendFieldsJson(r.fields, built);
        carriedJson += r.fieldsJson.empty() ? 0 : 1;
        l += QStringLiteral(" json=") + v(r.fieldsJson.empty() ? std::string_view(built) : r.fieldsJson);
        lines << l;
    }
    void reject(SourcePos pos, std::string_view reason, std::string_view raw) override {
        lines << QStringLiteral("reject %1 @%2: %3 <%4>").arg(pos.record).arg(pos.offset).arg(v(reason), v(raw));
    }
};

QStringList trace(const char* format, const QString& path, bool batched) {
    auto parser = findFormat(QString::fromLatin1(format))->create(ParserOptions{});
    InputReader in(path);
    TraceSink out;
    if (!batched) {
        parser->parse(in, out, {});
        return out.lines;
    }
    RecordBatch batch;
    parser->parse(in, batch, {});
    batch.replay(out);
    if (out.carriedJson != out.lines.filter(QRegularExpression(QStringLiteral("^event "))).size()) {
        return {QStringLiteral("a batched event came without its JSON")};
    }
    return out.lines;
}
} // namespace

class TestSysmonParsers : public QObject {
    Q_OBJECT
  private slots:
    void xmlShapes_data();
    void xmlShapes();
    void xmlFieldValues();
    void malformedEventInTheMiddle();
    void missingFields();
    void nonSysmonChannelIsKept();
    void entityBombIsARejectNotAnExpansion();
    void externalEntityIsNeverResolved();
    void unterminatedAndTruncatedEvents();
    void bareAmpersandsAsSysmonForLinuxWritesThem();
    void oversizedEventIsSkipped();
    void eventSplitAcrossBlocks();
    void gzipXml();
    void jsonShapes_data();
    void jsonShapes();
    void jsonValues();
    void jsonRejects();
    void sniffing_data();
    void sniffing();
    void realEvtxMatchesItsXml_data();
    void realEvtxMatchesItsXml();
    void realJson_data();
    void realJson();
    void damagedEvtxChunkIsSkipped();
    void evtxProgressFollowsTheRecords();
    void evtxOnTwoThreadsAsOnOne_data();
    void evtxOnTwoThreadsAsOnOne();
    void evtxCancelStopsBothThreads();
    void batchedEventsReplayUnchanged_data();
    void batchedEventsReplayUnchanged();
};

void TestSysmonParsers::xmlShapes_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("records");
    QTest::addColumn<int>("rejects");
    QTest::addColumn<int>("index"); // a record to look at
    QTest::addColumn<int>("eventId");
    QTest::addColumn<QString>("computer");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("line");

    QTest::newRow("wevtutil sequence, no root, one line")
        << "process_tree.xml" << 14 << 0 << 2 << 1 << "WS-ALICE.corp.example"
        << "CommandLine"
        << "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0A & \"x\" <y>" << 1;
    QTest::newRow("ToXml, one event per line")
        << "toxml_one_per_line.xml" << 14 << 0 << 3 << 22 << "WS-ALICE.corp.example"
        << "QueryName"
        << "pastebin.com" << 4;
    QTest::newRow("<Events> wrapped, 30-level tree") << "deep_tree.xml" << 30 << 0 << 29 << 1 << "WS-ALICE.corp.example"
                                                     << "CommandLine"
                                                     << "cmd.exe /c level 30" << 31;
    QTest::newRow("Sysmon for Linux syslog lines") << "linux_syslog.log" << 2 << 0 << 0 << 1 << "ubuntu5"
                                                   << "CommandLine"
                                                   << "curl -s https://pastebin.com/raw/abc" << 1;
    QTest::newRow("malformed event in the middle")
        << "malformed_middle.xml" << 2 << 1 << 1 << 3 << "WS-ALICE.corp.example"
        << "DestinationPort"
        << "445" << 5;
    QTest::newRow("missing fields") << "missing_fields.xml" << 2 << 2 << 0 << 3 << "WS-ALICE.corp.example"
                                    << "DestinationIp"
                                    << "52.109.0.1" << 1;
    QTest::newRow("entity bomb") << "billion_laughs.xml" << 1 << 2 << 0 << 5 << "WS-ALICE.corp.example"
                                 << "Image"
                                 << R"(C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE)" << 16;
    QTest::newRow("external entity") << "external_entity.xml" << 0 << 2 << -1 << 0 << ""
                                     << ""
                                     << "" << 0;
}

void TestSysmonParsers::xmlShapes() {
    QFETCH(QString, file);
    QFETCH(int, records);
    QFETCH(int, rejects);
    QFETCH(int, index);
    QFETCH(int, eventId);
    QFETCH(QString, computer);
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(int, line);
    const CollectingSink s = parseFile("sysmon-xml", fixture(QStringLiteral("sysmon/") + file));
    QVERIFY2(int(s.rejects.size()) == rejects, qPrintable(rejectList(s)));
    QCOMPARE(int(s.sysmons.size()), records);
    if (index < 0) {
        return;
    }
    const OwnedSysmon& r = s.sysmons.at(size_t(index));
    QCOMPARE(r.eventId, eventId);
    QCOMPARE(QString::fromStdString(r.computer), computer);
    QCOMPARE(QString::fromStdString(r.field(field.toStdString())), value);
    QCOMPARE(r.line, int64_t(line));
}

void TestSysmonParsers::xmlFieldValues() {
    const CollectingSink s = parseFile("sysmon-xml", fixture(QStringLiteral("sysmon/process_tree.xml")));
    QCOMPARE(s.sysmons.size(), size_t(14));
    const OwnedSysmon& first = s.sysmons[0];
    QCOMPARE(first.eventId, 1);
    QCOMPARE(first.tsUs, us("2024-03-01T10:00:00Z"));
    QCOMPARE(first.recordNumber, int64_t(1001));
    QCOMPARE(first.channel, std::string("Microsoft-Windows-Sysmon/Operational"));
    QCOMPARE(first.provider, std::string("Microsoft-Windows-Sysmon"));
    QCOMPARE(first.field("ParentImage"), std::string(R"(C:\Windows\System32\userinit.exe)"));
    QCOMPARE(first.field("Image"), std::string(R"(C:\Windows\explorer.exe)"));
    QCOMPARE(first.offset, int64_t(0));
    // The DNS event keeps QueryResults as Sysmon wrote it; its time is UtcTime, to the millisecond.
    const OwnedSysmon& dns = s.sysmons[3];
    QCOMPARE(dns.eventId, 22);
    QCOMPARE(dns.field("QueryResults"), std::string("104.20.67.143;::ffff:104.20.68.143;"));
    QCOMPARE(dns.tsUs, us("2024-03-01T10:00:02.500Z"));
    // An empty <Data Name="RuleName"/> would be a field with an empty value; "-" stays "-".
    QCOMPARE(dns.field("RuleName"), std::string("-"));
    // The second event starts where the first ended: offsets are exact byte positions.
    const QByteArray bytes = readAll(fixture(QStringLiteral("sysmon/process_tree.xml")));
    QCOMPARE(s.sysmons[1].offset, int64_t(bytes.indexOf("<Event xmlns", 10)));
}

void TestSysmonParsers::malformedEventInTheMiddle() {
    const QString path = fixture(QStringLiteral("sysmon/malformed_middle.xml"));
    const CollectingSink s = parseFile("sysmon-xml", path);
    QCOMPARE(s.sysmons.size(), size_t(2));
    QCOMPARE(s.rejects.size(), size_t(1));
    const OwnedReject& r = s.rejects[0];
    QCOMPARE(r.line, int64_t(4));
    QVERIFY2(r.reason.find("</Dat> does not match <Data>") != std::string::npos, r.reason.c_str());
    const QByteArray bytes = readAll(path);
    const int lineStart = bytes.indexOf("\n<Event", bytes.indexOf("</Event>")) + 1;
    QCOMPARE(r.offset, int64_t(lineStart));
    QVERIFY(r.raw.starts_with("<Event"));
    QVERIFY(r.raw.ends_with("</Event>"));
    // The events on both sides are whole.
    QCOMPARE(s.sysmons[0].eventId, 1);
    QCOMPARE(s.sysmons[1].field("Protocol"), std::string("tcp"));
}

void TestSysmonParsers::missingFields() {
    const CollectingSink s = parseFile("sysmon-xml", fixture(QStringLiteral("sysmon/missing_fields.xml")));
    QCOMPARE(s.sysmons.size(), size_t(2));
    const OwnedSysmon& net = s.sysmons[0];
    QVERIFY(net.find("SourceIp") == nullptr);
    QVERIFY(net.find("DestinationPort") == nullptr);
    QCOMPARE(net.field("DestinationIp"), std::string("52.109.0.1"));
    const OwnedSysmon& create = s.sysmons[1];
    QCOMPARE(create.eventId, 1);
    QVERIFY(create.find("ParentProcessGuid") == nullptr);
    QVERIFY(anyRejectSays(s, "event has no EventID"));
    QVERIFY(anyRejectSays(s, "event has no time"));
    QVERIFY(s.rejects.size() >= 2);
    QCOMPARE(s.rejects[0].line, int64_t(3));
    QCOMPARE(s.rejects[1].line, int64_t(4));
}

void TestSysmonParsers::nonSysmonChannelIsKept() {
    const CollectingSink s = parseFile("sysmon-xml", fixture(QStringLiteral("sysmon/process_tree.xml")));
    const OwnedSysmon& scm = s.sysmons.back();
    QCOMPARE(scm.eventId, 7036);
    QCOMPARE(scm.channel, std::string("System"));
    QCOMPARE(scm.provider, std::string("Service Control Manager"));
    QCOMPARE(scm.field("param1"), std::string("Windows Update"));
    QCOMPARE(scm.tsUs, us("2024-03-01T10:06:41Z")); // no UtcTime: TimeCreated
}

void TestSysmonParsers::entityBombIsARejectNotAnExpansion() {
    const CollectingSink s = parseFile("sysmon-xml", fixture(QStringLiteral("sysmon/billion_laughs.xml")));
    QVERIFY2(anyRejectSays(s, "a DTD is not honoured"), qPrintable(rejectList(s)));
    QVERIFY2(anyRejectSays(s, "undeclared entity '&lol9;'"), qPrintable(rejectList(s)));
    QVERIFY(!anyFieldContains(s, "lol"));
    // The event after the bomb is read normally.
    QCOMPARE(s.sysmons.size(), size_t(1));
    QCOMPARE(s.sysmons[0].eventId, 5);
}

void TestSysmonParsers::externalEntityIsNeverResolved() {
    const CollectingSink s = parseFile("sysmon-xml", fixture(QStringLiteral("sysmon/external_entity.xml")));
    QVERIFY(s.sysmons.empty());
    QVERIFY2(anyRejectSays(s, "undeclared entity '&xxe;'"), qPrintable(rejectList(s)));
    for (const auto& r : s.rejects) {
        QVERIFY(r.raw.find("root:x:0:0") == std::string::npos);
    }
}

void TestSysmonParsers::unterminatedAndTruncatedEvents() {
    const QByteArray good =
        R"(<Event><System><EventID>5</EventID><TimeCreated SystemTime="2024-03-01T10:00:00Z"/><Computer>H</Computer></System></Event>)";
    const QByteArray cut = R"(<Event><System><EventID>1</EventID><TimeCreated SystemTime="2024-03-01T10:00:00Z"/>)";
    const CollectingSink s = parseText("sysmon-xml", cut + "\n" + good + "\n" + cut);
    QCOMPARE(s.sysmons.size(), size_t(1));
    QCOMPARE(s.sysmons[0].computer, std::string("H"));
    QCOMPARE(s.rejects.size(), size_t(2));
    QCOMPARE(s.rejects[0].line, int64_t(1));
    QVERIFY(s.rejects[0].reason.find("not closed before the next <Event>") != std::string::npos);
    QCOMPARE(s.rejects[1].line, int64_t(3));
    QVERIFY(s.rejects[1].reason.find("ends inside an event") != std::string::npos);
}

void TestSysmonParsers::bareAmpersandsAsSysmonForLinuxWritesThem() {
    const QByteArray xml =
        "<Event><System><EventID>5</EventID><TimeCreated SystemTime=\"2022-05-11T18:10:22Z\"/></System>"
        "<EventData><Data Name=\"Image\">&lt unknown process&gt </Data>"
        "<Data Name=\"CommandLine\">a && b &amp; c &#x41;&#66;</Data></EventData></Event>";
    const CollectingSink s = parseText("sysmon-xml", xml);
    QVERIFY2(s.rejects.empty(), qPrintable(rejectList(s)));
    QCOMPARE(s.sysmons.at(0).field("Image"), std::string("< unknown process> "));
    QCOMPARE(s.sysmons.at(0).field("CommandLine"), std::string("a && b & c AB"));
}

void TestSysmonParsers::oversizedEventIsSkipped() {
    QByteArray big = "<Event><System><EventID>1</EventID></System><EventData><Data Name=\"CommandLine\">";
    big += QByteArray(int(SysmonXmlParser::kMaxEvent) + 4096, 'A');
    big += "</Data></EventData></Event>\n";
    big += R"(<Event><System><EventID>5</EventID><TimeCreated SystemTime="2024-03-01T10:00:00Z"/></System></Event>)";
    const CollectingSink s = parseText("sysmon-xml", big);
    QCOMPARE(s.rejects.size(), size_t(1));
    QVERIFY(s.rejects[0].reason.find("larger than") != std::string::npos);
    QVERIFY(s.rejects[0].raw.size() <= 4096);
    QCOMPARE(s.sysmons.size(), size_t(1));
    QCOMPARE(s.sysmons[0].eventId, 5);
    QCOMPARE(s.sysmons[0].line, int64_t(2));
}

void TestSysmonParsers::eventSplitAcrossBlocks() {
    // Enough events that block boundaries (1 MiB) fall inside "<EventData", "</Event>" and so on.
    const QByteArray one = readAll(fixture(QStringLiteral("sysmon/toxml_one_per_line.xml")));
    QByteArray many;
    int copies = 0;
    while (many.size() < 5 * (1 << 20)) {
        many += one;
        ++copies;
    }
    const CollectingSink s = parseText("sysmon-xml", many);
    QVERIFY2(s.rejects.empty(), qPrintable(rejectList(s)));
    QCOMPARE(int(s.sysmons.size()), 14 * copies);
    QCOMPARE(s.sysmons.back().line, int64_t(14 * copies));
}

void TestSysmonParsers::gzipXml() {
    QTemporaryDir dir;
    const QString gz = dir.filePath(QStringLiteral("events.xml.gz"));
    QProcess p;
    p.setStandardOutputFile(gz);
    p.start(QStringLiteral("gzip"), {QStringLiteral("-c"), fixture(QStringLiteral("sysmon/deep_tree.xml"))});
    QVERIFY(p.waitForFinished());
    const CollectingSink s = parseFile("sysmon-xml", gz);
    QCOMPARE(s.sysmons.size(), size_t(30));
    QVERIFY(s.rejects.empty());
    QCOMPARE(s.sysmons[29].field("CommandLine"), std::string("cmd.exe /c level 30"));
}

void TestSysmonParsers::jsonShapes_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("records");
    QTest::addColumn<int>("rejects");
    QTest::addColumn<int>("index");
    QTest::addColumn<int>("eventId");
    QTest::addColumn<QString>("computer");
    QTest::addColumn<QString>("channel");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::newRow("winlogbeat ecs") << "winlogbeat_ecs.ndjson" << 2 << 0 << 1 << 22 << "WS-ALICE.corp.example"
                                    << "Microsoft-Windows-Sysmon/Operational"
                                    << "QueryResults"
                                    << "104.20.67.143;";
    QTest::newRow("nxlog flat") << "nxlog_flat.json" << 3 << 2 << 0 << 1 << "WS-ALICE.corp.example"
                                << "Microsoft-Windows-Sysmon/Operational"
                                << "ParentImage"
                                << R"(C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE)";
    QTest::newRow("nxlog security 4688") << "nxlog_flat.json" << 3 << 2 << 1 << 4688 << "WS-ALICE.corp.example"
                                         << "Security"
                                         << "NewProcessId"
                                         << "0x1a2c";
    QTest::newRow("splunk flat") << "splunk_export.json" << 2 << 0 << 0 << 1 << "WS-ALICE.corp.example"
                                 << "Microsoft-Windows-Sysmon/Operational"
                                 << "IntegrityLevel"
                                 << "High";
    QTest::newRow("splunk _raw xml") << "splunk_export.json" << 2 << 0 << 1 << 22 << "WS-ALICE.corp.example"
                                     << "Microsoft-Windows-Sysmon/Operational"
                                     << "QueryName"
                                     << "pastebin.com";
    QTest::newRow("sentinel windowsevent") << "sentinel.json" << 2 << 1 << 0 << 1 << "WS-ALICE.corp.example"
                                           << "Microsoft-Windows-Sysmon/Operational"
                                           << "IntegrityLevel"
                                           << "High";
    QTest::newRow("sentinel syslog xml") << "sentinel.json" << 2 << 1 << 1 << 5 << "ubuntu5"
                                         << "Linux-Sysmon/Operational"
                                         << "Image"
                                         << "/usr/bin/curl";
}

void TestSysmonParsers::jsonShapes() {
    QFETCH(QString, file);
    QFETCH(int, records);
    QFETCH(int, rejects);
    QFETCH(int, index);
    QFETCH(int, eventId);
    QFETCH(QString, computer);
    QFETCH(QString, channel);
    QFETCH(QString, field);
    QFETCH(QString, value);
    const CollectingSink s = parseFile("sysmon-json", fixture(QStringLiteral("sysmon/") + file));
    QVERIFY2(int(s.rejects.size()) == rejects, qPrintable(rejectList(s)));
    QCOMPARE(int(s.sysmons.size()), records);
    const OwnedSysmon& r = s.sysmons.at(size_t(index));
    QCOMPARE(r.eventId, eventId);
    QCOMPARE(QString::fromStdString(r.computer), computer);
    QCOMPARE(QString::fromStdString(r.channel), channel);
    QCOMPARE(QString::fromStdString(r.field(field.toStdString())), value);
}

void TestSysmonParsers::jsonValues() {
    const CollectingSink ecs = parseFile("sysmon-json", fixture(QStringLiteral("sysmon/winlogbeat_ecs.ndjson")));
    QVERIFY(!ecs.sysmons.empty());
    // UtcTime from the event data wins over the shipper's @timestamp (10 ms later).
    QCOMPARE(ecs.sysmons[0].tsUs, us("2024-03-01T10:00:02Z"));
    QCOMPARE(ecs.sysmons[0].recordNumber, int64_t(4711));
    QCOMPARE(ecs.sysmons[0].provider, std::string("Microsoft-Windows-Sysmon"));
    QCOMPARE(ecs.sysmons[0].field("CommandLine"),
             std::string("powershell.exe -nop -w hidden -c \"iwr https://pastebin.com/raw/x\""));

    const CollectingSink flat = parseFile("sysmon-json", fixture(QStringLiteral("sysmon/nxlog_flat.json")));
    QVERIFY(!flat.sysmons.empty());
    const OwnedSysmon& p = flat.sysmons[0];
    QVERIFY(p.find("Message") == nullptr); // envelope, excluded by the mapping
    QVERIFY(p.find("RecordNumber") == nullptr);
    QCOMPARE(p.recordNumber, int64_t(4711));
    QCOMPARE(p.field("ProcessId"), std::string("6000"));
    // 4688 has no UtcTime: the envelope's @timestamp, not NXLog's local EventTime.
    QCOMPARE(flat.sysmons[1].tsUs, us("2024-03-01T10:00:05Z"));
    QCOMPARE(flat.sysmons[2].eventId, 4698);
    QVERIFY(flat.sysmons[2].field("TaskContent").find("<Command>powershell.exe</Command>") != std::string::npos);

    const CollectingSink splunk = parseFile("sysmon-json", fixture(QStringLiteral("sysmon/splunk_export.json")));
    QVERIFY(splunk.sysmons[0].find("_time") == nullptr);
    QVERIFY(splunk.sysmons[0].find("tag") == nullptr); // Splunk's own knowledge, not event data
    QVERIFY(splunk.sysmons[0].find("splunk_server") == nullptr);
    QCOMPARE(splunk.sysmons[0].recordNumber, int64_t(4711));
    QCOMPARE(splunk.sysmons[1].recordNumber, int64_t(4712));

    const CollectingSink sentinel = parseFile("sysmon-json", fixture(QStringLiteral("sysmon/sentinel.json")));
    QCOMPARE(sentinel.sysmons[0].field("ProcessGuid"), std::string("{4d8c1a2b-0003-65e1-0000-00100000300c}"));
    QCOMPARE(sentinel.sysmons[1].tsUs, us("2024-03-01T10:00:03.395Z"));
}

void TestSysmonParsers::jsonRejects() {
    const CollectingSink flat = parseFile("sysmon-json", fixture(QStringLiteral("sysmon/nxlog_flat.json")));
    QCOMPARE(flat.rejects.size(), size_t(2));
    QCOMPARE(flat.rejects[0].line, int64_t(2));
    QVERIFY(flat.rejects[0].reason.find("not valid JSON") != std::string::npos);
    QCOMPARE(flat.rejects[1].line, int64_t(5));
    QVERIFY(flat.rejects[1].reason.find("no mapping") != std::string::npos);
    const CollectingSink sentinel = parseFile("sysmon-json", fixture(QStringLiteral("sysmon/sentinel.json")));
    QCOMPARE(sentinel.rejects.size(), size_t(1));
    QVERIFY(sentinel.rejects[0].reason.find("/EventData is not valid JSON") != std::string::npos);
    const CollectingSink odd = parseText("sysmon-json", "{\"EventID\": \"abc\", \"Hostname\": \"h\"}\n"
                                                        "{\"EventID\": 1, \"Hostname\": \"h\"}\n");
    QCOMPARE(odd.rejects.size(), size_t(2));
    QVERIFY(odd.rejects[0].reason.find("event id is not a number") != std::string::npos);
    QVERIFY(odd.rejects[1].reason.find("no time") != std::string::npos);
}

void TestSysmonParsers::sniffing_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("format");
    for (const char* f :
         {"process_tree.xml", "toxml_one_per_line.xml", "deep_tree.xml", "linux_syslog.log", "malformed_middle.xml"}) {
        QTest::newRow(f) << fixture(QStringLiteral("sysmon/") + QLatin1String(f)) << "sysmon-xml";
    }
    for (const char* f : {"winlogbeat_ecs.ndjson", "nxlog_flat.json", "splunk_export.json", "sentinel.json"}) {
        QTest::newRow(f) << fixture(QStringLiteral("sysmon/") + QLatin1String(f)) << "sysmon-json";
    }
    QTest::newRow("real evtx") << sharedData(QStringLiteral("sysmon/evtx/Sysmon_UACME_38.evtx")) << "evtx";
    QTest::newRow("real evtx-xml") << sharedData(QStringLiteral("sysmon/evtx-xml/Sysmon_UACME_38.xml")) << "sysmon-xml";
    QTest::newRow("real sentinel syslog")
        << sharedData(
               QStringLiteral("sysmon/json/syslog_sysmon_log4shell_cve2021_44228_jndi_reference_2022-05-11181020.json"))
        << "sysmon-json";
}

void TestSysmonParsers::sniffing() {
    QFETCH(QString, path);
    QFETCH(QString, format);
    if (path.startsWith(sharedData(QString())) && !haveSharedData()) {
        QSKIP("../shared/data is absent");
    }
    const Detection d = detectFormat(readSniffSample(path));
    QVERIFY2(d.format, qPrintable(d.reason));
    QCOMPARE(QString::fromLatin1(d.format->name), format);
}

void TestSysmonParsers::realEvtxMatchesItsXml_data() {
    QTest::addColumn<QString>("name");
    if (!haveSharedData()) {
        QTest::newRow("absent") << QString();
        return;
    }
    for (const QString& f : QDir(sharedData(QStringLiteral("sysmon/evtx"))).entryList({QStringLiteral("*.evtx")})) {
        QTest::newRow(qPrintable(f)) << f.chopped(5);
    }
}

void TestSysmonParsers::realEvtxMatchesItsXml() {
    QFETCH(QString, name);
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent");
    }
    const CollectingSink evtx = parseFile("evtx", sharedData(QStringLiteral("sysmon/evtx/%1.evtx").arg(name)));
    const CollectingSink xml = parseFile("sysmon-xml", sharedData(QStringLiteral("sysmon/evtx-xml/%1.xml").arg(name)));
    QVERIFY2(evtx.rejects.empty(), qPrintable(rejectList(evtx)));
    QVERIFY2(xml.rejects.empty(), qPrintable(rejectList(xml)));
    QVERIFY(!evtx.sysmons.empty());
    QCOMPARE(evtx.sysmons.size(), xml.sysmons.size());
    const size_t n = evtx.sysmons.size();
    for (size_t i : {size_t(0), n / 2, n - 1}) {
        const OwnedSysmon& a = evtx.sysmons[i];
        const OwnedSysmon& b = xml.sysmons[i];
        QCOMPARE(a.eventId, b.eventId);
        QCOMPARE(a.recordNumber, b.recordNumber);
        QCOMPARE(a.computer, b.computer);
        QCOMPARE(a.channel, b.channel);
        // python-evtx prints SystemTime to the microsecond, libevtx to 100 ns: equal within 1 us.
        QVERIFY2(std::llabs(a.tsUs - b.tsUs) <= 1, qPrintable(QStringLiteral("%1 vs %2").arg(a.tsUs).arg(b.tsUs)));
        QCOMPARE(a.fields.size(), b.fields.size());
        QCOMPARE(a.field("Image"), b.field("Image"));
        QCOMPARE(a.field("CommandLine"), b.field("CommandLine"));
        // libevtx writes GUIDs in upper case, python-evtx in lower case.
        QCOMPARE(QString::fromStdString(a.field("ProcessGuid")).toLower(),
                 QString::fromStdString(b.field("ProcessGuid")).toLower());
    }
}

void TestSysmonParsers::realJson_data() {
    QTest::addColumn<QString>("name");
    if (!haveSharedData()) {
        QTest::newRow("absent") << QString();
        return;
    }
    for (const QString& f : QDir(sharedData(QStringLiteral("sysmon/json"))).entryList({QStringLiteral("*.json")})) {
        QTest::newRow(qPrintable(f)) << f;
    }
}

void TestSysmonParsers::realJson() {
    QFETCH(QString, name);
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent");
    }
    const QString path = sharedData(QStringLiteral("sysmon/json/") + name);
    const CollectingSink s = parseFile("sysmon-json", path);
    const int lines = int(readAll(path).trimmed().count('\n')) + 1;
    if (name.startsWith(QLatin1String("syslog_sysmon_log4shell"))) {
        // The one expected reject: syslog cut this event's XML at 2 KB (it ends in the middle of
        // the command line, with no </Event>). Rejecting it is right; nothing else may fail.
        QCOMPARE(s.rejects.size(), size_t(1));
        QCOMPARE(s.rejects[0].line, int64_t(8));
        QVERIFY(s.rejects[0].reason.find("<Data> is not closed") != std::string::npos);
        QVERIFY(s.rejects[0].raw.find("</Event>") == std::string::npos);
        QCOMPARE(int(s.sysmons.size()), lines - 1);
        QCOMPARE(s.sysmons[0].computer, std::string("UBUNTU5"));
        QCOMPARE(s.sysmons[0].channel, std::string("Linux-Sysmon/Operational"));
        return;
    }
    QVERIFY2(s.rejects.empty(), qPrintable(rejectList(s)));
    QCOMPARE(int(s.sysmons.size()), lines);
    for (const auto& r : s.sysmons) {
        QVERIFY(!r.computer.empty());
        QVERIFY(r.tsUs > us("2015-01-01T00:00:00Z"));
    }
    if (name.startsWith(QLatin1String("DERIVED_nanodump"))) {
        QCOMPARE(s.sysmons[0].eventId, 3);
        QCOMPARE(s.sysmons[0].computer, std::string("MKT01.pandalab.com"));
        QCOMPARE(s.sysmons[0].field("DestinationPort"), std::string("53"));
        QCOMPARE(s.sysmons[0].tsUs, us("2023-09-05T15:47:46.558Z"));
    }
}

void TestSysmonParsers::damagedEvtxChunkIsSkipped() {
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent");
    }
    const QString original = sharedData(QStringLiteral("sysmon/evtx/Sysmon_UACME_64.evtx"));
    const CollectingSink whole = parseFile("evtx", original);
    QTemporaryDir dir;
    const QString damaged = dir.filePath(QStringLiteral("damaged.evtx"));
    QByteArray bytes = readAll(original);
    // The file header is 4 KiB, chunks 64 KiB: wreck the records of the second chunk.
    const int chunk2 = 4096 + 65536;
    for (int i = chunk2 + 512; i < chunk2 + 40000; ++i) {
        bytes[i] = char(0xA5);
    }
    QFile out(damaged);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(bytes);
    out.close();
    const CollectingSink s = parseFile("evtx", damaged);
    QVERIFY2(!s.rejects.empty(), "the damage must be reported");
    QVERIFY(!s.sysmons.empty());
    QVERIFY(s.sysmons.size() < whole.sysmons.size());
    // Records after the damaged chunk still import.
    QCOMPARE(s.sysmons.back().recordNumber, whole.sysmons.back().recordNumber);
}

// libevtx reads the file itself, so the InputReader the importer takes progress from never moves
// on its own: the parser tells it how far through the file its records are. Every report is
// further than the one before, starting at 0 and ending at the file's size.
namespace {
// Every record and reject of an EVTX file, read on one thread or on two.
CollectingSink parseEvtx(const QString& path, bool parallel) {
    EvtxParser parser;
    parser.setParallel(parallel);
    InputReader in(path);
    CollectingSink sink;
    parser.parse(in, sink, {});
    return sink;
}

QString describe(const OwnedSysmon& r) {
    QString s = QStringLiteral("%1@%2 #%3 id %4 %5 %6 %7 %8")
                    .arg(r.line)
                    .arg(r.offset)
                    .arg(r.recordNumber)
                    .arg(r.eventId)
                    .arg(r.tsUs)
                    .arg(QString::fromStdString(r.computer), QString::fromStdString(r.channel),
                         QString::fromStdString(r.provider));
    for (const auto& [n, v] : r.fields) {
        s += QStringLiteral(" %1=%2").arg(QString::fromStdString(n), QString::fromStdString(v));
    }
    return s;
}
} // namespace

// Blocks of records read on a second thread come back in order: the records, their positions and
// the rejects are those of one thread, for every real file and for one with a wrecked chunk.
void TestSysmonParsers::evtxOnTwoThreadsAsOnOne_data() {
    QTest::addColumn<QString>("path");
    if (!haveSharedData()) {
        QTest::newRow("absent") << QString();
        return;
    }
    for (const QString& f : {QStringLiteral("bits_openvpn.evtx"), QStringLiteral("Sysmon_UACME_64.evtx"),
                             QStringLiteral("PanacheSysmon_vs_AtomicRedTeam01.evtx")}) {
        QTest::newRow(qPrintable(f)) << sharedData(QStringLiteral("sysmon/evtx/") + f);
    }
    QByteArray bytes = readAll(sharedData(QStringLiteral("sysmon/evtx/bits_openvpn.evtx")));
    const int chunk3 = 4096 + 2 * 65536;
    for (int i = chunk3 + 700; i < chunk3 + 30000; i += 97) {
        bytes[i] = char(0xA5); // scattered damage: some records unreadable, some mangled
    }
    static QTemporaryDir dir;
    const QString damaged = dir.filePath(QStringLiteral("damaged.evtx"));
    QFile out(damaged);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(bytes);
    out.close();
    QTest::newRow("damaged bits_openvpn") << damaged;
}

void TestSysmonParsers::evtxOnTwoThreadsAsOnOne() {
    QFETCH(QString, path);
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent");
    }
    const CollectingSink one = parseEvtx(path, false);
    const CollectingSink two = parseEvtx(path, true);
    // More than two blocks of records, so that the second thread reads some of them.
    QVERIFY2(one.sysmons.size() + one.rejects.size() > 2 * EvtxParser::kBlock,
             qPrintable(QString::number(one.sysmons.size())));
    QCOMPARE(two.sysmons.size(), one.sysmons.size());
    for (size_t i = 0; i < one.sysmons.size(); ++i) {
        QCOMPARE(describe(two.sysmons[i]), describe(one.sysmons[i]));
    }
    QCOMPARE(two.rejects.size(), one.rejects.size());
    for (size_t i = 0; i < one.rejects.size(); ++i) {
        QCOMPARE(two.rejects[i].line, one.rejects[i].line);
        QCOMPARE(two.rejects[i].offset, one.rejects[i].offset);
        QCOMPARE(two.rejects[i].reason, one.rejects[i].reason);
        QCOMPARE(two.rejects[i].raw, one.rejects[i].raw);
    }
    if (path.endsWith(QLatin1String("damaged.evtx"))) {
        QVERIFY2(!one.rejects.empty(), "the damage must be reported");
    }
}

// Cancel between blocks: parse() returns false with both threads stopped, and no record after
// the block where it was asked.
void TestSysmonParsers::evtxCancelStopsBothThreads() {
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent");
    }
    EvtxParser parser;
    InputReader in(sharedData(QStringLiteral("sysmon/evtx/bits_openvpn.evtx")));
    CollectingSink sink;
    int ticks = 0;
    QVERIFY(!parser.parse(in, sink, [&](const InputReader&) { return ++ticks < 4; }));
    QCOMPARE(ticks, 4);
    QCOMPARE(sink.sysmons.size(), size_t(3 * EvtxParser::kBlock));
    QCOMPARE(sink.sysmons.back().line, int64_t(3 * EvtxParser::kBlock));
}

void TestSysmonParsers::evtxProgressFollowsTheRecords() {
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent");
    }
    // 1,537 records in 1,118,208 bytes: a report every 256 records, seven while reading.
    const QString path = sharedData(QStringLiteral("sysmon/evtx/bits_openvpn.evtx"));
    const qint64 size = QFileInfo(path).size();
    auto parser = findFormat(QStringLiteral("evtx"))->create({});
    InputReader in(path);
    CollectingSink sink;
    QList<qint64> seen;
    QVERIFY(parser->parse(in, sink, [&](const InputReader& r) {
        seen << r.rawBytesRead();
        return true;
    }));
    QCOMPARE(sink.sysmons.size(), size_t(1537));
    QVERIFY2(seen.size() >= 8, qPrintable(QString::number(seen.size())));
    QCOMPARE(seen.first(), qint64(0));
    for (qsizetype i = 1; i < seen.size(); ++i) {
        QVERIFY2(seen[i] > seen[i - 1],
                 qPrintable(QStringLiteral("report %1: %2 after %3")
                                .arg(QString::number(i), QString::number(seen[i]), QString::number(seen[i - 1]))));
    }
    QVERIFY(seen[seen.size() - 2] < size);
    QCOMPARE(seen.last(), size);
}

// The importer parses Windows events on a second thread into batches and writes them from the
// batches: what reaches the writer must be exactly what the parser produced.
void TestSysmonParsers::batchedEventsReplayUnchanged_data() {
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("events");
    QTest::addColumn<int>("rejects");
    QTest::newRow("xml, a malformed event between good ones") << "sysmon-xml"
                                                              << "sysmon/malformed_middle.xml" << 2 << 1;
    QTest::newRow("xml, process tree") << "sysmon-xml"
                                       << "sysmon/process_tree.xml" << 14 << 0;
    QTest::newRow("winlogbeat json") << "sysmon-json"
                                     << "sysmon/winlogbeat_ecs.ndjson" << 2 << 0;
    QTest::newRow("splunk json") << "sysmon-json"
                                 << "sysmon/splunk_export.json" << 2 << 0;
}

void TestSysmonParsers::batchedEventsReplayUnchanged() {
    QFETCH(QString, format);
    QFETCH(QString, file);
    QFETCH(int, events);
    QFETCH(int, rejects);
    const QByteArray name = format.toLatin1();
    const QStringList direct = trace(name.constData(), fixture(file), false);
    const QStringList batched = trace(name.constData(), fixture(file), true);
    QVERIFY(!direct.isEmpty());
    QCOMPARE(batched, direct);
    QCOMPARE(batched.filter(QRegularExpression(QStringLiteral("^event "))).size(), events);
    QCOMPARE(batched.filter(QRegularExpression(QStringLiteral("^reject "))).size(), rejects);
}

QTEST_GUILESS_MAIN(TestSysmonParsers)
#include "tst_sysmon_parsers.moc"
