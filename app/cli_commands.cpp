#include "cli_commands.h"

#include "core/logging.h"
#include "import/collection_layout.h"
#include "ingest/import_worker.h"
#include "ingest/read/format_registry.h"
#include "scenario/channel_catalog.h"
#include "scenario/scenario_generator.h"
#include "store/case_store.h"
#include "store/case_summary.h"
#include "store/statement.h"
#include "tables/plain_text.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDate>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTimeZone>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <optional>
#include <unistd.h>

namespace socwb::cli {

namespace {

// Control characters from file names or evidence (an ESC starting a terminal sequence) are
// shown as \xNN, never written raw to the terminal.
QString printable(const QString& s) {
    QString out;
    out.reserve(s.size());
    for (const QChar c : s) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7F || (c.unicode() >= 0x80 && c.unicode() < 0xA0)) {
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace

QString counted(const char* noun, qint64 n) {
    return QCoreApplication::translate("socwb::Cli", noun, nullptr, static_cast<int>(n));
}

void err(const QString& s) {
    const QByteArray b = printable(s).toUtf8();
    std::fprintf(stderr, "%s\n", b.constData());
}

void printJson(const QJsonObject& o) {
    const QByteArray b = QJsonDocument(o).toJson(QJsonDocument::Indented);
    std::fwrite(b.constData(), 1, static_cast<size_t>(b.size()), stdout);
    std::fflush(stdout);
}

std::optional<int> parse(QCommandLineParser& p, const QString& command, const QStringList& args) {
    const CommandRef& ref = cli::command(command);
    p.setApplicationDescription(QString::fromUtf8(ref.description));
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    p.addOption(help);
    QStringList full = args;
    full.prepend(QStringLiteral("socwb-cli ") + command);
    if (!p.parse(full)) {
        err(QStringLiteral("socwb-cli %1: %2 (see --help)").arg(command, p.errorText()));
        return Usage;
    }
    if (p.isSet(help)) {
        // Qt names the program by its full path; say what a user types instead.
        QString text = p.helpText();
        text.replace(QCoreApplication::arguments().constFirst(), QStringLiteral("socwb-cli ") + command);
        std::fputs(text.toUtf8().constData(), stdout);
        return Ok;
    }
    const int minPositional = ref.minArguments;
    const int maxPositional = ref.maxArguments;
    const int n = static_cast<int>(p.positionalArguments().size());
    if (n < minPositional || (maxPositional >= 0 && n > maxPositional)) {
        err(QStringLiteral("socwb-cli %1: wrong number of arguments (see --help)").arg(command));
        return Usage;
    }
    return std::nullopt;
}

int exitCodeFor(CaseError::Kind kind) {
    switch (kind) {
    case CaseError::Kind::Busy:
        return CaseBusy;
    case CaseError::Kind::ReadOnly:
        return CaseReadOnly;
    case CaseError::Kind::Cancelled:
        return Cancelled;
    case CaseError::Kind::Unusable:
        break;
    }
    return CaseUnusable;
}

namespace {
// One flag for every Ctrl-C / SIGTERM of the process: set by the handler, read by the upgrade, the
// scoring pass and the import worker (to which the handler also forwards it).
std::atomic<bool> gInterrupted{false};
std::atomic<bool> gCatching{false};
std::atomic<ImportWorker*> gInterruptTarget{nullptr};
void onInterrupt(int) {
    // Async-signal-safe: only atomic loads and stores.
    gInterrupted.store(true);
    if (ImportWorker* w = gInterruptTarget.load()) {
        w->cancelFlag().store(true);
    }
}
} // namespace

void catchInterrupts() {
    gCatching.store(true);
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

std::atomic<bool>& interrupted() {
    return gInterrupted;
}

// Opens the case or reports why not; `failure` gets the exit code (3, 4, 5, or 130 for a
// cancelled upgrade or a Ctrl-C before or while the case was opened). An older case is upgraded
// with its progress on stderr; Ctrl-C cancels it.
std::unique_ptr<CaseStore> openCase(const QString& path, int& failure, CaseStore::Access access) {
    const auto cancelled = [&failure]() {
        err(QStringLiteral("socwb-cli: cancelled before anything was written"));
        failure = Cancelled;
        return nullptr;
    };
    if (gInterrupted.load()) {
        return cancelled();
    }
    try {
        schema::MigrationHooks hooks;
        int shownTenth = -1;
        hooks.progress = [&](double fraction, const char* phase) {
            const int tenth = static_cast<int>(fraction * 10);
            if (tenth != shownTenth) {
                shownTenth = tenth;
                err(QStringLiteral("socwb-cli: upgrading %1: %2 %3%")
                        .arg(QFileInfo(path).fileName(), QString::fromUtf8(phase), QString::number(tenth * 10)));
            }
        };
        hooks.cancel = &gInterrupted;
        // A command that only reads catches Ctrl-C for the upgrade alone; one that writes caught it
        // from the start of main (catchInterrupts) and keeps it.
        const bool catching = gCatching.load();
        if (!catching) {
            std::signal(SIGINT, onInterrupt);
            std::signal(SIGTERM, onInterrupt);
        }
        struct Restore {
            bool catching;
            ~Restore() {
                if (!catching) {
                    std::signal(SIGINT, SIG_DFL);
                    std::signal(SIGTERM, SIG_DFL);
                }
            }
        } restore{catching};
        const bool existed = QFileInfo::exists(path);
        auto store = CaseStore::open(path, access, &hooks);
        if (catching && gInterrupted.load()) {
            // Ctrl-C while the case was opened and checked: stop before the command writes.
            store.reset();
            if (!existed) {
                for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
                    QFile::remove(path + QLatin1String(suffix));
                }
            }
            return cancelled();
        }
        for (const QString& stale : store->staleCopiesRemoved()) {
            err(QStringLiteral("socwb-cli: removed %1, a partial copy an interrupted upgrade had left (not the "
                               "original: that is copied again now)")
                    .arg(stale));
        }
        if (store->upgradedFrom() > 0) {
            err(QStringLiteral("socwb-cli: %1 upgraded from case schema %2 to %3; the original is kept as %4")
                    .arg(QFileInfo(path).fileName(), QString::number(store->upgradedFrom()),
                         QString::number(schema::latestVersion()), store->backupPath()));
        }
        return store;
    } catch (const CaseError& e) {
        err(QStringLiteral("socwb-cli: %1").arg(QString::fromUtf8(e.what())));
        failure = exitCodeFor(e.kind());
        return nullptr;
    }
}

std::unique_ptr<CaseStore> openCase(const QString& path) {
    int ignored = CaseUnusable;
    return openCase(path, ignored);
}

// Commands that only read open an existing case read-only when it cannot be written (read-only
// media, folder, or mode), and as usual otherwise (created when missing, migrated when older).
std::unique_ptr<CaseStore> openCaseToRead(const QString& path, int& failure) {
    if (!QFileInfo::exists(path)) {
        // A command that reads never creates a case (a typo would otherwise leave an empty one).
        err(QStringLiteral("socwb-cli: no case at %1").arg(path));
        failure = CaseUnusable;
        return nullptr;
    }
    const bool readOnly = !CaseStore::whyReadOnly(path).isEmpty();
    return openCase(path, failure, readOnly ? CaseStore::Access::ReadOnly : CaseStore::Access::ReadWrite);
}

namespace {

QString humanBytes(int64_t n) {
    return QLocale::c().formattedDataSize(n, 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace

int info(const QStringList& args) {
    QCommandLineParser p;
    const ParserOptions o = addToParser(p, command(QStringLiteral("info")));
    const QCommandLineOption& json = o["json"];
    if (auto rc = parse(p, QStringLiteral("info"), args)) {
        return *rc;
    }
    int failure = CaseUnusable;
    auto store = openCaseToRead(p.positionalArguments().first(), failure);
    if (!store) {
        return failure;
    }
    const CaseSummary s = summarize(store->db());
    if (p.isSet(json)) {
        printJson(toJson(s));
        return Ok;
    }
    QString out;
    QTextStream ts(&out);
    ts << "case " << store->path() << " (schema " << s.schemaVersion << ")\n";
    ts << "evidence files: " << s.evidence.size() << "\n";
    for (const auto& e : s.evidence) {
        ts << "  " << provenanceLabel(e.path, e.memberPath) << "  " << e.format << "  " << e.accepted << " records, "
           << e.rejected << " rejected, " << humanBytes(e.size) << "\n";
        if (e.contents.size() > 1) {
            ts << "    " << contentsText(e.contents) << "\n";
        }
    }
    ts << "proxy events: " << s.proxy << "\ndns events: " << s.dns << "\nsysmon events: " << s.sysmon
       << "\nsensor connections: " << s.sensorConnections << "\ntls sessions: " << s.tlsSessions
       << "\nsensor alerts: " << s.sensorAlerts << "\nprocesses: " << s.processes << "\nalerts: " << s.alerts
       << "\nrejected lines: " << s.rejected << "\n";
    ts << "hosts: " << s.hosts.size() << "\n";
    for (const auto& h : s.hosts) {
        ts << "  " << h.name << (h.role.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(h.role)) << "  "
           << h.addresses.join(QLatin1Char(',')) << "  proxy " << h.proxy << ", dns " << h.dns << ", sensor "
           << h.sensor << ", processes " << h.processes << ", attributed " << h.attributed << "/" << (h.proxy + h.dns)
           << "\n";
    }
    if (s.firstTs) {
        ts << "time span: " << isoFromUs(s.firstTs) << " .. " << isoFromUs(s.lastTs) << "\n";
    }
    std::fputs(visibleText(out).toUtf8().constData(), stdout); // host names are evidence
    return Ok;
}

int import(const QStringList& args) {
    QCommandLineParser p;
    const ParserOptions o = addToParser(p, command(QStringLiteral("import")));
    const QCommandLineOption& format = o["format"];
    const QCommandLineOption& tz = o["tz"];
    const QCommandLineOption& mapping = o["mapping"];
    const QCommandLineOption& json = o["json"];
    const QCommandLineOption& include = o["include"];
    const QCommandLineOption& exclude = o["exclude"];
    if (auto rc = parse(p, QStringLiteral("import"), args)) {
        return *rc;
    }
    QStringList pos = p.positionalArguments();
    const QString casePath = pos.takeFirst();
    // Folders become their files, in the order the collection's layout asks for; what the layout
    // told (an exercise's answer key left out, event log channels not imported) is said once.
    const collection_layout::Expanded expanded = collection_layout::expand(pos, p.values(include), p.values(exclude));
    for (const QString& note : expanded.notes) {
        err(note);
    }
    if (expanded.files.isEmpty()) {
        err(QStringLiteral("socwb-cli import: no evidence files in %1").arg(pos.join(QStringLiteral(", "))));
        return Rejected;
    }
    pos = expanded.files;
    if (p.isSet(format) && !findFormat(p.value(format))) {
        err(QStringLiteral("socwb-cli import: unknown format '%1' (see 'socwb-cli formats')").arg(p.value(format)));
        return Usage;
    }
    {
        int failure = CaseUnusable;
        auto store = openCase(casePath, failure); // validate (and create) before starting the worker
        if (!store) {
            return failure;
        }
    }
    ImportOptions options;
    options.format = p.value(format);
    // No default: a local-time log without --tz is refused with a reason naming the option.
    options.sourceTimeZone = p.isSet(tz) ? p.value(tz) : QString();
    options.mappingPath = p.value(mapping);

    const bool tty = isatty(STDERR_FILENO) == 1;
    ImportJob job(casePath);
    QList<ImportResult> results;
    QString caseFailure;
    QObject::connect(job.worker(), &ImportWorker::progress, qApp, [tty](const ImportProgress& pr) {
        if (!tty) {
            return;
        }
        static const char* kPhases[] = {"", "rebuilding indexes", "linking hosts", "attributing requests",
                                        "finishing, cannot cancel now"};
        if (pr.phase != ImportProgress::Phase::Reading) {
            std::fprintf(stderr, "\r\033[K[%d/%d] %s  %s", pr.fileIndex + 1, pr.fileCount,
                         qPrintable(printable(QFileInfo(pr.path).fileName())), kPhases[static_cast<int>(pr.phase)]);
            return;
        }
        const int pct = pr.bytesTotal > 0 ? static_cast<int>(100 * pr.bytesRead / pr.bytesTotal) : 0;
        const QString shown = provenanceLabel(pr.path, pr.member);
        std::fprintf(stderr, "\r\033[K[%d/%d] %s  %3d%%  %lld records  %lld rejected", pr.fileIndex + 1, pr.fileCount,
                     qPrintable(printable(shown)), pct, static_cast<long long>(pr.records),
                     static_cast<long long>(pr.rejects));
    });
    QObject::connect(job.worker(), &ImportWorker::fileFinished, qApp, [tty](const ImportResult& r) {
        if (tty) {
            std::fputs("\r\033[K", stderr);
        }
        err(r.message);
        for (const ImportMemberResult& m : r.members) {
            err(QStringLiteral("  %1 %2").arg(m.status, -17).arg(m.message));
        }
        for (const QString& n : r.notes) {
            err(QStringLiteral("  note: ") + n);
        }
        for (const QString& s : r.rejectSamples) {
            err(QStringLiteral("    ") + s);
        }
    });
    QObject::connect(job.worker(), &ImportWorker::failed, qApp, [&caseFailure](const QString& m) { caseFailure = m; });
    QObject::connect(job.worker(), &ImportWorker::finished, qApp, [&results](const QList<ImportResult>& r) {
        results = r;
        QCoreApplication::quit();
    });
    // Ctrl-C is caught from the start of main (catchInterrupts): one pressed before this line
    // reaches the worker through its flag, which it reads before it writes anything.
    gInterruptTarget.store(job.worker());
    if (gInterrupted.load()) {
        job.worker()->cancelFlag().store(true);
    }
    job.start(pos, options);
    QCoreApplication::exec();
    job.wait();
    gInterruptTarget.store(nullptr);

    if (!caseFailure.isEmpty()) {
        err(QStringLiteral("socwb-cli: %1").arg(caseFailure));
        return CaseUnusable;
    }
    // The most serious outcome of any file decides the exit code.
    int exitCode = Ok;
    auto worst = [&exitCode](int code) {
        static const int kSeverity[] = {Ok, Rejected, CaseBusy, WriteFailed, Cancelled};
        const auto rank = [](int c) {
            return static_cast<int>(std::find(std::begin(kSeverity), std::end(kSeverity), c) - kSeverity);
        };
        if (rank(code) > rank(exitCode)) {
            exitCode = code;
        }
    };
    QJsonArray files;
    int64_t accepted = 0, rejected = 0;
    for (const ImportResult& r : results) {
        if (r.status == QLatin1String("cancelled")) {
            worst(Cancelled);
        } else if (r.status == QLatin1String("failed")) {
            worst(WriteFailed);
        } else if (r.status == QLatin1String("busy")) {
            worst(CaseBusy);
        } else if (r.rejected > 0 || r.status == QLatin1String("refused") ||
                   std::any_of(r.members.begin(), r.members.end(),
                               [](const ImportMemberResult& m) { return m.status == QLatin1String("refused"); })) {
            worst(Rejected);
        }
        accepted += r.accepted;
        rejected += r.rejected;
        QJsonArray samples = QJsonArray::fromStringList(r.rejectSamples);
        QJsonArray members;
        for (const ImportMemberResult& m : r.members) {
            members.append(QJsonObject{{"member", m.member},
                                       {"format", m.format.isEmpty() ? QJsonValue() : QJsonValue(m.format)},
                                       {"status", m.status},
                                       {"message", m.message},
                                       {"accepted", qint64(m.accepted)},
                                       {"rejected", qint64(m.rejected)},
                                       {"size", m.size < 0 ? QJsonValue() : QJsonValue(qint64(m.size))},
                                       {"sha256", m.sha256.isEmpty() ? QJsonValue() : QJsonValue(m.sha256)}});
        }
        files.append(QJsonObject{{"path", r.path},
                                 {"sha256", r.sha256.isEmpty() ? QJsonValue() : QJsonValue(r.sha256)},
                                 {"format", r.format.isEmpty() ? QJsonValue() : QJsonValue(r.format)},
                                 {"accepted", qint64(r.accepted)},
                                 {"rejected", qint64(r.rejected)},
                                 {"status", r.status},
                                 {"message", r.message},
                                 {"reject_samples", samples},
                                 {"members", members},
                                 {"notes", QJsonArray::fromStringList(r.notes)},
                                 {"seconds", r.seconds}});
    }
    if (p.isSet(json)) {
        printJson(
            QJsonObject{{"case", casePath}, {"files", files}, {"notes", QJsonArray::fromStringList(expanded.notes)}});
    }
    err(QStringLiteral("%1: %2 imported, %3 rejected")
            .arg(counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n file(s)"), results.size()),
                 counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n record(s)"), accepted), QString::number(rejected)));
    return exitCode;
}

int formats(const QStringList& args) {
    QCommandLineParser p;
    const ParserOptions o = addToParser(p, command(QStringLiteral("formats")));
    const QCommandLineOption& json = o["json"];
    if (auto rc = parse(p, QStringLiteral("formats"), args)) {
        return *rc;
    }
    QJsonArray list;
    QString out;
    for (const FormatInfo& f : socwb::formats()) {
        list.append(QJsonObject{{"name", f.name}, {"kind", f.kind}, {"description", f.description}});
        out += QStringLiteral("%1 %2 %3\n")
                   .arg(QString::fromLatin1(f.name), -14)
                   .arg(QString::fromLatin1(f.kind), -8)
                   .arg(QString::fromUtf8(f.description));
    }
    if (p.isSet(json)) {
        printJson(QJsonObject{{"formats", list}});
    } else {
        std::fputs(out.toUtf8().constData(), stdout);
    }
    return Ok;
}

int generate(const QStringList& args) {
    using namespace socwb::scenario;
    QCommandLineParser p;
    const ParserOptions opts = addToParser(p, command(QStringLiteral("generate")));
    const QCommandLineOption& seed = opts["seed"];
    const QCommandLineOption& hosts = opts["hosts"];
    const QCommandLineOption& servers = opts["servers"];
    const QCommandLineOption& days = opts["days"];
    const QCommandLineOption& scenario = opts["scenario"];
    const QCommandLineOption& formatList = opts["formats"];
    const QCommandLineOption& start = opts["start"];
    const QCommandLineOption& title = opts["title"];
    const QCommandLineOption& world = opts["world"];
    const QCommandLineOption& json = opts["json"];
    if (auto rc = parse(p, QStringLiteral("generate"), args)) {
        return *rc;
    }
    auto usage = [](const QString& m) {
        err(QStringLiteral("socwb-cli generate: %1 (see --help)").arg(m));
        return Usage;
    };
    GeneratorOptions o;
    bool ok = false;
    o.seed = p.value(seed).toULongLong(&ok);
    if (!ok) {
        return usage(QStringLiteral("--seed takes a non-negative integer"));
    }
    for (auto [opt, target] : {std::pair{&hosts, &o.workstations}, std::pair{&servers, &o.servers},
                               std::pair{&days, &o.days}, std::pair{&world, &o.world}}) {
        *target = p.value(*opt).toInt(&ok);
        if (!ok) {
            return usage(QStringLiteral("--%1 takes a number").arg(opt->names().first()));
        }
    }
    o.scenario = p.value(scenario).toStdString();
    if (p.isSet(formatList)) {
        const QString list = p.value(formatList);
        if (list == QLatin1String("all")) {
            o.formats = ScenarioGenerator::formatNames(o.world);
        } else {
            for (const QString& f : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                o.formats.push_back(f.trimmed().toStdString());
            }
            if (o.formats.empty()) {
                return usage(QStringLiteral("--formats names no format"));
            }
        }
    }
    const QDate date = QDate::fromString(p.value(start), Qt::ISODate);
    if (!date.isValid()) {
        return usage(QStringLiteral("--start takes a date as YYYY-MM-DD"));
    }
    o.startUs = QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch() * 1000;
    o.title = p.value(title).toStdString();
    ScenarioGenerator generator(o);
    if (const std::string problem = generator.validate(); !problem.empty()) {
        return usage(QString::fromStdString(problem));
    }
    const QString outDir = p.positionalArguments().first();
    GenerationSummary summary;
    QElapsedTimer clock;
    clock.start();
    try {
        generator.simulate();
        summary = generator.write(outDir.toStdString());
    } catch (const std::exception& e) {
        err(QStringLiteral("socwb-cli generate: %1").arg(QString::fromUtf8(e.what())));
        return CaseUnusable;
    }
    const double seconds = clock.elapsed() / 1000.0;
    QJsonArray files;
    for (const GeneratedFile& f : summary.files) {
        err(QStringLiteral("  %1  %2  %3 records  %4")
                .arg(QString::fromStdString(f.name), -20)
                .arg(QString::fromStdString(f.format), -15)
                .arg(f.records, 8)
                .arg(humanBytes(f.bytes)));
        files.append(
            QJsonObject{{"name", QString::fromStdString(f.name)},
                        {"path", QDir(outDir).filePath(QString::fromStdString(f.name))},
                        {"format", QString::fromStdString(f.format)},
                        {"parser", f.parser.empty() ? QJsonValue() : QJsonValue(QString::fromStdString(f.parser))},
                        {"kind", QString::fromStdString(f.kind)},
                        {"records", qint64(f.records)},
                        {"bytes", qint64(f.bytes)}});
    }
    int positives = 0, lookalikes = 0;
    for (const ChannelTruth& t : generator.truth()) {
        if (t.polls > 0) {
            (t.spec && t.spec->positive ? positives : lookalikes) += 1;
        }
    }
    err(QStringLiteral("generated %1 workstations + %2 servers, %3, seed %4: %5 channels, %6 look-alikes; "
                       "%7 proxy, %8 DNS, %9 Sysmon records per format into %10 in %11 s")
            .arg(o.workstations)
            .arg(o.servers)
            .arg(counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n day(s)"), o.days))
            .arg(QString::number(o.seed))
            .arg(positives)
            .arg(lookalikes)
            .arg(generator.world().requests.size())
            .arg(generator.world().dns.size())
            .arg(generator.world().sysmon.size())
            .arg(outDir)
            .arg(seconds, 0, 'f', 2));
    if (p.isSet(json)) {
        printJson(QJsonObject{{"outdir", outDir},
                              {"seed", QString::number(o.seed)},
                              {"workstations", o.workstations},
                              {"servers", o.servers},
                              {"days", o.days},
                              {"scenario", QString::fromStdString(o.scenario)},
                              {"positives", positives},
                              {"lookalikes", lookalikes},
                              {"records", QJsonObject{{"proxy", qint64(generator.world().requests.size())},
                                                      {"dns", qint64(generator.world().dns.size())},
                                                      {"sysmon", qint64(generator.world().sysmon.size())}}},
                              {"files", files},
                              {"seconds", seconds}});
    }
    return Ok;
}

} // namespace socwb::cli
