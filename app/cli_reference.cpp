#include "cli_reference.h"

#include "ingest/read/format_registry.h"
#include "scenario/channel_catalog.h"
#include "scenario/scenario_generator.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

#include <cstdio>
#include <cstdlib>

namespace socwb::cli {

namespace {

const char* kJsonHelp = "Print one JSON document on stdout.";
// What both programs share.
const EntryRef kLogFile{"~/.local/share/socwb/logs/socwb.log", "The log (rotated at 5 MB, three files kept)."};
const EntryRef kLogDirVariable{"SOCWB_LOG_DIR", "The folder of socwb.log instead of ~/.local/share/socwb/logs."};
const EntryRef kResourcesVariable{
    "SOCWB_RESOURCES", "A folder whose files override the bundled resources (searched before ~/.config/socwb)."};

ProgramRef makeCliReference() {
    ProgramRef p;
    p.name = "socwb-cli";
    p.oneLine = "import, score and triage evidence of command channels over web services from the command line";
    p.description =
        "socwb-cli is the command-line front end of socwb, an investigation workbench for one-way command "
        "channels over legitimate web services (MITRE ATT&CK T1102.003). A case is one SQLite file (.socwb) that "
        "holds the evidence, its provenance, the scores and the triage; socwb-cli and the socwb window read and "
        "write the same case files.\n\n"
        "JSON goes to stdout as one document; human text and progress go to stderr. A case given to a command "
        "that writes is created when missing; commands that only read never create one (exit 3, 'no case at PATH') and "
        "open a read-only case read-only. An older "
        "case is upgraded when opened, after a copy of it is kept beside it.";
    p.globalOptions = {
        {"verbose", nullptr, "Mirror the log to stderr (before the command)."},
        {"version", nullptr, "Print the version of socwb-cli and of the libraries it runs with."},
        {"help", nullptr, "Print the command list and the exit codes."},
    };
    p.commands = {
        {"info",
         "what the case holds",
         "What a case holds: evidence, counts, hosts, time span.",
         {{"CASE", "CASE", "The case file (.socwb); it must exist.", Values::CaseFile}},
         {{"json", nullptr, kJsonHelp}},
         1,
         1},
        {"import",
         "import evidence files into CASE (created when missing)",
         "Import evidence files into a case. Formats are detected from content (the first 64 KiB); any file may be "
         "compressed (gzip, bzip2, xz, zstd, lz4, lzma); archives (zip, tar, 7z, cpio, nested) are imported member "
         "by member and folders recursively. A file whose SHA-256 the case already holds is skipped. A SIEM's "
         "export of the rows a 'socwb-cli hunt' query returned (Splunk, Defender / Sentinel or ES|QL, CSV or JSON; "
         "format siem-results) becomes pre-aggregated channels, scored with the case and merged into the channels "
         "of raw logs imported later. Ctrl-C or SIGTERM cancels and rolls the import back.",
         {{"CASE", "CASE", "The case file (.socwb); created when missing.", Values::CaseFile},
          {"FILE", "FILE...",
           "Evidence files (plain or compressed), archives (zip, tar, 7z, ...) and folders (recursively).",
           Values::File}},
         {{"format", "F", "Read every FILE as this format (see 'socwb-cli formats').", Values::InputFormat},
          {"tz", "ZONE",
           "Time zone of formats that log local time (windows-dns, bind, dnsmasq, w3c): an IANA name or UTC. "
           "Required for them: such a file is refused without it.",
           Values::Text},
          {"mapping", "FILE", "Field mapping for CSV exports (JSON file).", Values::File},
          {"json", nullptr, kJsonHelp},
          {"include", "GLOB",
           "In folders, import only files whose path (relative to the folder) or name matches GLOB; may be "
           "repeated."},
          {"exclude", "GLOB",
           "In folders, leave out files whose path or name matches GLOB; may be repeated; wins over --include."}},
         2,
         -1},
        {"score",
         "score the case's channels (Ctrl-C keeps the old scores)",
         "Score the case's channels for one-way command channels over web services (Ctrl-C cancels and keeps the "
         "previous scores).",
         {{"CASE", "CASE", "The case file (.socwb).", Values::CaseFile}},
         {{"json", nullptr, kJsonHelp},
          {"rescore", nullptr,
           "Apply the current weights and suppressions to the stored features only (no event is read)."},
          {"config", "FILE",
           "Store this scoring YAML in the case (keys it sets override resources/scoring/scoring.yaml), then "
           "score. '-' removes the case's own.",
           Values::File}},
         1,
         1},
        {"alerts",
         "list scored channels, highest score first",
         "List scored channels, highest score first.",
         {{"CASE", "CASE", "The case file (.socwb).", Values::CaseFile}},
         {{"format", "F", "table (default), csv or json.", Values::Choice, "table csv json", "table"},
          {"limit", "N", "At most N alerts, highest score first (default 50; 0: all).", Values::Text, nullptr, "50"},
          {"suppressed", nullptr, "Include suppressed channels."},
          {"min-score", "S", "Only channels scoring at least S.", Values::Text, nullptr, "0"}},
         1,
         1},
        {"export",
         "the case's findings for other tools: STIX 2.1, MISP, CSV, JSON",
         "Write what the case found for other tools. --format stix: the channels whose verdict is malicious or "
         "escalated (or the statuses --status names) as a STIX 2.1 bundle with, per channel, an indicator for its "
         "endpoint's URLs (and for its destination where that is no catalogued web service), observed-data, a "
         "sighting on the host with first and last seen and the poll count, the analyst's verdict and "
         "justification, and ATT&CK T1102.003. --format misp: the same channels as one MISP event (url, "
         "network-connection and process objects, sightings, TLP:AMBER and the ATT&CK galaxy tag; not published). "
         "--format csv or json: those channels as the queue lists them; with --channel, that channel's proxy "
         "requests with the process each was tied to. Ids are name-based: the same case exported twice gives the "
         "same objects. CSV cells that a spreadsheet would run as a formula are prefixed with '.",
         {{"CASE", "CASE", "The case file (.socwb).", Values::CaseFile},
          {"OUT", "OUT", "The file to write ('-': standard output).", Values::File}},
         {{"format", "F", "stix (default), misp, csv or json.", Values::Choice, "stix misp csv json", "stix"},
          {"status", "LIST", "Comma-separated verdicts to export (default malicious,escalated).", Values::Text, nullptr,
           "malicious,escalated"},
          {"channel", "ID",
           "With --format csv or json: the requests of this channel (its id or channel_key, as `alerts --format "
           "json` lists them)."}},
         2,
         2},
        {"hunt",
         "the SIEM query that finds a channel's behaviour fleet-wide (SPL, KQL, ES|QL)",
         "Write the hunt that finds the same behaviour fleet-wide on a SIEM: Splunk SPL (CIM Web data model, Sysmon "
         "for the process), Microsoft KQL (Defender DeviceNetworkEvents and DeviceProcessEvents, Sentinel "
         "CommonSecurityLog) or Elastic ES|QL (ECS fields). It groups by host, process and destination with the poll "
         "count, the median gap and its spread, bytes and the web-service catalog's endpoint shapes, and keeps the "
         "series the case's scoring config calls pollers (min_polls, min_intervals, min_interval_s, band). With "
         "--channel, --host or --dest it hunts those channels' destinations (one channel: at its cadence); with "
         "none, every catalogued service. The query goes to stdout.",
         {{"CASE", "CASE", "The case file (.socwb); its scoring config gives the thresholds.", Values::CaseFile}},
         {{"lang", "L", "spl, kql or esql (required).", Values::Choice, "spl kql esql", nullptr, true},
          {"channel", "ID", "A channel's alert id (as 'socwb-cli alerts' lists it)."},
          {"host", "H", "Host name or address: its channels (alone: those scoring at least the low band)."},
          {"dest", "D", "Destination FQDN, or its registered domain."}},
         1,
         1},
        {"sigma",
         "run Sigma rules over the case: compiled, unsupported (why), hits",
         "Run Sigma rules over the case's proxy requests, DNS log rows and Sysmon process, network and DNS "
         "events, and store their hits in the case (each with the rule's title, level, tags and references and "
         "the row it matched). Prints, per rule, whether it compiled, and if not why (a field the case does not "
         "store, a modifier not supported), and its hits. Field mappings from Sigma's taxonomy are "
         "resources/sigma/mappings.yaml. Without RULES the rules bundled in resources/sigma run.",
         {{"CASE", "CASE", "The case file (.socwb).", Values::CaseFile},
          {"RULES", "[RULES...]", "Sigma rule files, or folders searched recursively for *.yml and *.yaml.",
           Values::File}},
         {{"json", nullptr, kJsonHelp}, {"no-store", nullptr, "Do not store the hits in the case."}},
         1,
         -1},
        {"report",
         "the case as a document: HTML or PDF",
         "Write the case report: a summary (scope, time span, hosts, what was found); the evidence with its chain "
         "of custody (each file's name, size, SHA-256, format, records, rejects, import time and user) and the "
         "case's audit trail; every channel whose verdict is malicious or escalated (or the statuses --status "
         "names) with its factors, its interval charts and process lineage as the window draws them, its requests "
         "summarised and its first and last requests; the benign dispositions with their justifications; the "
         "suppressions in force; and the method (engine version, configuration, the case's override). OUT's suffix "
         "chooses the format: .html (one self-contained file, images inline) or .pdf (with a header naming the "
         "case and page numbers). The charts are drawn offscreen: no display is needed.",
         {{"CASE", "CASE", "The case file (.socwb).", Values::CaseFile},
          {"OUT", "OUT", "The report to write: OUT.html or OUT.pdf.", Values::File}},
         {{"status", "LIST", "Comma-separated verdicts to report in full (default malicious,escalated).", Values::Text,
           nullptr, "malicious,escalated"},
          {"page-size", "SIZE", "The PDF's paper: a4 (default) or letter.", Values::Choice, "a4 letter", "a4"},
          {"template", "FILE",
           "An HTML template to use instead of the bundled one (a copy of resources/report/report.html, edited).",
           Values::File}},
         2,
         2},
        {"explain",
         "every factor of one channel, and why it was (not) flagged",
         "The full evidence behind one channel's score, every factor included \u2014 also why a channel was not "
         "flagged.",
         {{"CASE", "CASE", "The case file (.socwb).", Values::CaseFile}},
         {{"host", "H", "Host name or address (required).", Values::Text, nullptr, nullptr, true},
          {"dest", "D", "Destination FQDN, or its registered domain (required).", Values::Text, nullptr, nullptr, true},
          {"process", "P", "Process image (file name, path or glob)."},
          {"json", nullptr, kJsonHelp}},
         1,
         1},
        {"suppress",
         "suppression rules; a change re-scores without re-import",
         "Suppression rules: list, add, expire, export and import; a change re-scores the case from its stored "
         "features.",
         {{"CASE", "CASE", "The case file (.socwb).", Values::CaseFile},
          {"ACTION", "ACTION", "list, add, expire ID, export [FILE] or import FILE.", Values::Choice,
           "list add expire export import"},
          {"ARG", "[ARG]", "The rule id (expire) or file (export, import).", Values::File}},
         {{"host", "GLOB", "Host name or address glob."},
          {"role", "ROLE", "Host role (assets.csv)."},
          {"process", "GLOB", "Process image glob (path or file name)."},
          {"dest", "DOMAIN", "Destination domain suffix."},
          {"url", "PREFIX", "URL prefix (host and path)."},
          {"reason", "TEXT", "Why (required for add)."},
          {"author", "NAME", "On whose behalf (stored as \"NAME (entered by USER)\"; the author is the OS user)."},
          {"expires", "TIME", "Until when: an ISO-8601 time with its zone, in the future (2026-12-31T00:00:00Z)."},
          {"json", nullptr, "list: print JSON."},
          {"no-rescore", nullptr, "Do not re-score after a change."}},
         2,
         3},
        {"evaluate",
         "ranking quality against a generated truth.json, beside the published rule's baseline",
         "Rank quality against the generator's ground truth, beside the published rule's baseline.",
         {{"CASE", "CASE", "A scored case (.socwb).", Values::CaseFile},
          {"TRUTH", "TRUTH", "The generator's truth.json for its evidence.", Values::File}},
         {{"json", nullptr, kJsonHelp}, {"brief", nullptr, "One line: socwb's figures, then the rule's."}},
         2,
         2},
        {"formats",
         "the input formats socwb reads",
         "The input formats socwb reads.",
         {},
         {{"json", nullptr, kJsonHelp}},
         0,
         0},
        {"generate",
         "write a synthetic case with ground truth",
         "Write a synthetic case with ground truth: evidence files in real log formats and truth.json.",
         {{"OUTDIR", "OUTDIR", "Where to write the evidence files and truth.json.", Values::Directory}},
         {{"seed", "N", "Random seed; the same seed writes the same files (default 1).", Values::Text, nullptr, "1"},
          {"hosts", "N", "Workstations (default 20).", Values::Text, nullptr, "20"},
          {"servers", "N",
           "Servers (default 4: DC01, FS01, BUILD01, DB01; world 2: a domain controller, a Citrix VDA, MSSQL, a Linux "
           "monitoring server).",
           Values::Text, nullptr, "4"},
          {"days", "N", "Days of logs (default 3).", Values::Text, nullptr, "3"},
          {"scenario", "NAME",
           "Which channels to plant: all (default), none, sample, easy, medium, hard, a channel id, or a "
           "comma-separated list (world 2 has its own channel ids). sensor (world 1): an organisation without a "
           "web proxy, seen by a network sensor (write it with --formats zeek-conn,zeek-ssl or suricata-eve).",
           Values::Scenario, nullptr, "all"},
          {"formats", "LIST", "Comma-separated output formats, or 'all'.", Values::GeneratorFormats},
          {"start", "YYYY-MM-DD", "First day of the logs, UTC (default 2024-03-04, a Monday).", Values::Text, nullptr,
           "2024-03-04"},
          {"title", "TEXT", "A title recorded in truth.json."},
          {"world", "N",
           "Which organisation: 1 (default) or 2, another one unlike it (a transparent proxy that logs CONNECT to "
           "addresses, CDN answers, Citrix and guest Wi-Fi sharing addresses, other channels); world 2 picks one of "
           "two log families by seed when --formats names none.",
           Values::Text, nullptr, "1"},
          {"json", nullptr, "Print a JSON summary on stdout."}},
         1,
         1},
        {"exercise",
         "training: write a new exercise, or grade a trainee's case",
         "Training mode. 'exercise new OUTDIR --seed N --difficulty easy|medium|hard' writes an exercise from the "
         "generator (evidence/, BRIEF.md, questions.json, exercise.json with the measured difficulty, and truth.json, "
         "the answer key) after importing and scoring it once to measure it. 'exercise grade CASE' grades a "
         "trainee's case (made by socwb --exercise or File > Exercises): its verdicts against the answer key read "
         "from the exercise's folder, and the answers to the questions kept in the case or given with --answers. "
         "Exit 1 when the answer key cannot be read.",
         {{"ACTION", "ACTION", "new or grade.", Values::Choice, "new grade"},
          {"PATH", "OUTDIR|CASE", "new: the folder to write (missing or empty); grade: the trainee's case.",
           Values::File}},
         {{"seed", "N", "new: the generator's seed (default 1).", Values::Text, nullptr, "1"},
          {"difficulty", "LEVEL", "new: easy, medium or hard (default easy).", Values::Choice, "easy medium hard",
           "easy"},
          {"answers", "FILE",
           "grade: a JSON file {\"answers\": {\"c1.host\": \"WKS-01\", ...}} whose answers replace the case's.",
           Values::File},
          {"json", nullptr, kJsonHelp}},
         2,
         2},
    };
    p.exitCodes = {
        {0, "ok"},
        {1, "some input was rejected, or a file was refused; explain: no such channel; score: the pass failed"},
        {2, "usage error"},
        {3, "the case file is unusable (newer schema, not SQLite, another application's database, truncated or "
            "corrupted); nothing was written"},
        {4, "the case is busy: another import held its write lock for longer than 5 s; nothing was written"},
        {5, "the case is read-only (read-only media or folder, or no write permission); nothing was written"},
        {6, "the case could not take the import (disk full, I/O error); it is as it was before"},
        {130, "cancelled (Ctrl-C or SIGTERM): the import was rolled back, or the previous scores were kept"},
    };
    p.files = {
        {"CASE.socwb", "The case: one SQLite file in WAL mode (CASE.socwb-wal and CASE.socwb-shm beside it while "
                       "it is open)."},
        {"CASE.vN.socwb", "The copy of a case of schema N kept when it was upgraded."},
        kLogFile,
        {"~/.config/socwb/", "Overrides of the bundled resources, by the same relative path: "
                             "scoring/scoring.yaml, scoring/web-services.yaml, attribution.json, mappings/*.json."},
        {"/usr/share/publicsuffix/", "The Public Suffix List that names registrable domains."},
        {"/usr/share/socwb/sample-data/", "The sample case's evidence and its truth.json."},
    };
    p.environment = {
        kLogDirVariable,
        kResourcesVariable,
        {"XDG_DATA_HOME, XDG_CONFIG_HOME", "Where ~/.local/share and ~/.config are."},
        {"USER", "The analyst named in the case's audit log and as a suppression's author."},
    };
    p.seeAlso = "socwb(1)";
    return p;
}

ProgramRef makeGuiReference() {
    ProgramRef p;
    p.name = "socwb";
    p.oneLine = "investigation workbench for command channels over legitimate web services";
    p.description =
        "socwb is a desktop workbench for SOC analysts and incident responders who suspect that a host takes "
        "orders from pastebin, GitHub, Telegram, Google Docs or another popular web service (MITRE ATT&CK "
        "T1102.003). Open a case \u2014 one portable SQLite file \u2014 drop proxy, DNS and Sysmon logs on the "
        "window, and socwb imports them in the background, joins hosts and processes to requests, scores every "
        "channel and lays the evidence out for triage.\n\n"
        "One window per case: socwb CASE with a case that a running socwb of the same user has open raises "
        "that window; another case opens in a new window of the running socwb. Help \u2192 User guide opens the "
        "bundled guide.";
    p.self = {
        "socwb",
        "the workbench window",
        "Open a case, or import logs into a new case under the application's data folder.",
        {{"CASE|LOGFILE", "[CASE | LOGFILE...]", "A case file (.socwb), or logs to import into a new case.",
          Values::File}},
        {{"demo", nullptr, "Open the bundled sample case (imported and scored on first use)."},
         {"exercise", "NAME",
          "Start a fresh attempt at a training exercise: a bundled one (1-easy, or by difficulty: easy, medium, hard), "
          "one in the user's exercises folder, or a folder path. Its evidence is imported into a new case of the "
          "trainee's own and the brief and questions show in the Exercise panel."},
         {"screenshot", "PNG",
          "Render the window once the case, imports and scoring have loaded; save it as PNG; exit.", Values::File},
         {"view", "NAME", "The view to show first.", Values::View, nullptr, "alerts"},
         {"size", "WxH", "Window size for --screenshot (default 1600x1000).", Values::Text, nullptr, "1600x1000"},
         {"measure-ui-latency", nullptr,
          "Import generated Squid lines through the GUI while a 10 ms timer runs; print the longest event-loop "
          "stall."},
         {"lines", "N", "Lines for --measure-ui-latency (1000000).", Values::Text, nullptr, "1000000"},
         {"new-instance", nullptr, "Do not hand the case to a running socwb; open a window of this process."},
         {"verbose", nullptr, "Mirror the log to stderr."}},
        0,
        -1,
    };
    p.globalOptions = {
        {"version", nullptr, "Print the version of socwb and of the libraries it runs with."},
        {"help", nullptr, "Print the options."},
        {"help-all", nullptr, "Print the options, Qt's own included."},
    };
    p.exitCodes = {
        {0, "the window was closed, or the case was handed to a running socwb"},
        {1, "--screenshot could not save the picture"},
        {2, "usage error"},
        {3, "--screenshot: the case could not be opened"},
    };
    p.files = {
        {"~/.config/socwb/socwb.conf", "Settings: window layout, recent cases, saved filters, time zones per case."},
        {"~/.local/share/socwb/socwb/", "Cases made from logs given on the command line (cases/) and the demo case."},
        {"~/.local/share/recently-used.xbel", "The desktop's list of recent files, which File \u2192 Open recent "
                                              "reads and adds the cases it opens to."},
        kLogFile,
        {"$XDG_RUNTIME_DIR/socwb-UID.socket", "Where the running socwb listens for cases to open."},
        {"/usr/share/socwb/guide/index.html", "The user guide (Help \u2192 User guide)."},
        {"/usr/share/socwb/sample-data/", "The sample case's evidence (--demo)."},
    };
    p.environment = {
        kLogDirVariable,
        kResourcesVariable,
        {"SOCWB_SAMPLE_DATA", "The sample evidence for --demo instead of /usr/share/socwb/sample-data."},
        {"QT_QPA_PLATFORM", "offscreen renders without a display (with --screenshot)."},
        {"XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_RUNTIME_DIR", "Where ~/.local/share, ~/.config and the socket are."},
    };
    p.seeAlso = "socwb-cli(1)";
    return p;
}

QString joined(const std::vector<std::string>& names, const char* sep) {
    QStringList list;
    for (const auto& n : names) {
        list << QString::fromStdString(n);
    }
    return list.join(QLatin1String(sep));
}

} // namespace

const ProgramRef& cliReference() {
    static const ProgramRef ref = makeCliReference();
    return ref;
}

const ProgramRef& guiReference() {
    static const ProgramRef ref = makeGuiReference();
    return ref;
}

const OptionRef& globalOption(const ProgramRef& program, const char* name) {
    for (const OptionRef& o : program.globalOptions) {
        if (qstrcmp(o.name, name) == 0) {
            return o;
        }
    }
    std::fprintf(stderr, "socwb: internal error: --%s is not in the reference of %s\n", name, program.name);
    std::abort();
}

const CommandRef& command(const QString& name) {
    for (const CommandRef& c : cliReference().commands) {
        if (name == QLatin1String(c.name)) {
            return c;
        }
    }
    std::fprintf(stderr, "socwb-cli: internal error: '%s' is not in the command reference\n", qPrintable(name));
    std::abort();
}

QStringList valuesOf(Values values, const char* choices) {
    switch (values) {
    case Values::InputFormat: {
        QStringList names;
        for (const FormatInfo& f : formats()) {
            names << QString::fromLatin1(f.name);
        }
        return names;
    }
    case Values::Scenario: {
        QStringList names = joined(scenario::ChannelCatalog::scenarioNames(1), "\n").split(QLatin1Char('\n'));
        for (const QString& name : joined(scenario::ChannelCatalog::scenarioNames(2), "\n").split(QLatin1Char('\n')))
            if (!names.contains(name))
                names << name;
        return names;
    }
    case Values::GeneratorFormats:
        return joined(scenario::ScenarioGenerator::formatNames(), "\n").split(QLatin1Char('\n'));
    case Values::View:
        // MainWindow::viewNames(), "hunt" (the detail with the hunt dialog over it) and "sigma" (the detail of the
        // first Sigma item, app/gui_main.cpp) say
        // the same (tst_cli_reference checks), but socwb-cli does not link widgets.
        return {QStringLiteral("overview"),     QStringLiteral("alerts"),    QStringLiteral("detail"),
                QStringLiteral("import"),       QStringLiteral("intervals"), QStringLiteral("timeline"),
                QStringLiteral("process-tree"), QStringLiteral("exercise"),  QStringLiteral("grade"),
                QStringLiteral("hunt"),         QStringLiteral("sigma")};
    case Values::Choice:
        return QString::fromLatin1(choices ? choices : "").split(QLatin1Char(' '), Qt::SkipEmptyParts);
    case Values::Text:
    case Values::CaseFile:
    case Values::File:
    case Values::Directory:
        break;
    }
    return {};
}

QString helpFor(const OptionRef& option) {
    QString text = QString::fromUtf8(option.help);
    switch (option.values) {
    case Values::GeneratorFormats:
        text += QStringLiteral(" Default: %1.").arg(joined(scenario::ScenarioGenerator::defaultFormats(), ","));
        [[fallthrough]];
    case Values::Scenario:
    case Values::View:
        text += QStringLiteral(" Known: %1.").arg(valuesOf(option.values).join(QStringLiteral(", ")));
        break;
    default:
        break;
    }
    return text;
}

QString synopsis(const CommandRef& command) {
    QString s = QString::fromLatin1(command.name);
    for (const ArgumentRef& a : command.arguments) {
        s += QLatin1Char(' ') + QString::fromLatin1(a.syntax);
    }
    for (const OptionRef& o : command.options) {
        const QString option = QStringLiteral("--%1%2").arg(
            QString::fromLatin1(o.name), o.valueName ? QLatin1Char(' ') + QString::fromLatin1(o.valueName) : QString());
        s += o.required ? QLatin1Char(' ') + option : QStringLiteral(" [%1]").arg(option);
    }
    return s;
}

QString usageText() {
    const ProgramRef& p = cliReference();
    QString out = QStringLiteral("usage: socwb-cli [--verbose] COMMAND [ARGS]\n\n"
                                 "Investigation workbench for command channels over legitimate web services "
                                 "(ATT&CK T1102.003).\n\ncommands:\n");
    for (const CommandRef& c : p.commands) {
        out += QStringLiteral("  %1\n      %2\n").arg(synopsis(c), QString::fromUtf8(c.summary));
    }
    out += QStringLiteral("\nexit codes:\n");
    for (const ExitCodeRef& e : p.exitCodes) {
        out += QStringLiteral("  %1  %2\n").arg(e.code, 3).arg(QString::fromUtf8(e.meaning));
    }
    out += QStringLiteral("\nRun 'socwb-cli COMMAND --help' for a command's options; 'man socwb-cli' for the whole "
                          "reference.\n");
    return out;
}

const QCommandLineOption& ParserOptions::operator[](const char* name) const {
    const auto it = options_.find(QString::fromLatin1(name));
    if (it == options_.end()) {
        std::fprintf(stderr, "socwb: internal error: option --%s is not in the command reference\n", name);
        std::abort();
    }
    return it->second;
}

ParserOptions addToParser(QCommandLineParser& parser, const CommandRef& command) {
    ParserOptions result;
    for (const ArgumentRef& a : command.arguments) {
        parser.addPositionalArgument(QString::fromLatin1(a.name), QString::fromUtf8(a.help),
                                     QString::fromLatin1(a.syntax));
    }
    for (const OptionRef& o : command.options) {
        QCommandLineOption option(QString::fromLatin1(o.name), helpFor(o));
        if (o.valueName) {
            option.setValueName(QString::fromLatin1(o.valueName));
        }
        if (o.defaultValue) {
            option.setDefaultValue(QString::fromLatin1(o.defaultValue));
        }
        parser.addOption(option);
        result.options_.emplace(QString::fromLatin1(o.name), option);
    }
    return result;
}

} // namespace socwb::cli
