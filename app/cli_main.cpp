// socwb-cli: the command-line front end that tests, scripts and automation drive.
// JSON goes to stdout as one document; human text and progress go to stderr.
#include "cli_commands.h"
#include "core/logging.h"
#include "store/statement.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>
#include <functional>
#include <map>
#include <string_view>

namespace {

const char* kUsage = R"(usage: socwb-cli [--verbose] COMMAND [ARGS]

Investigation workbench for command channels over legitimate web services (ATT&CK T1102.003).

commands:
  info CASE [--json]                        what the case holds
  import CASE FILE... [--format F] [--tz ZONE] [--mapping FILE] [--json]
                                            import evidence files into CASE (created when missing)
  score CASE [--json] [--rescore] [--config FILE]
                                            score the case's channels (Ctrl-C keeps the old scores)
  alerts CASE [--format table|csv|json] [--limit N] [--suppressed]
                                            list scored channels, highest score first
  explain CASE --host H --dest D [--process P] [--json]
                                            every factor of one channel, and why it was (not) flagged
  suppress CASE list|add|expire ID|export [FILE]|import FILE [--host G] [--process G] [--dest D] ...
                                            suppression rules; a change re-scores without re-import
  evaluate CASE TRUTH [--json]              ranking quality against a generated truth.json,
                                            beside the published rule's baseline
  formats [--json]                          the input formats socwb reads
  generate OUTDIR [--seed N] ...            write a synthetic case with ground truth

exit codes: 0 ok, 1 some input was rejected, 2 usage error, 3 the case file is unusable,
            4 the case is busy, 5 the case is read-only, 6 the case could not be written
            (disk full), 130 the import was cancelled.
Run 'socwb-cli COMMAND --help' for a command's options.
)";

} // namespace

int main(int argc, char** argv) {
    // The commands that write catch Ctrl-C before anything else runs (even before Qt starts), so an
    // interrupt at any instant cancels them and nothing is written.
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--verbose") {
            continue;
        }
        if (a == "import" || a == "score" || a == "suppress") {
            socwb::cli::catchInterrupts();
        }
        break;
    }
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("socwb"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SOCWB_VERSION));

    QStringList args = app.arguments().mid(1);
    const bool verbose = args.removeAll(QStringLiteral("--verbose")) > 0;
    socwb::log::init(verbose);

    if (args.isEmpty() || args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h") ||
        args.first() == QLatin1String("help")) {
        std::fputs(kUsage, args.isEmpty() ? stderr : stdout);
        return args.isEmpty() ? socwb::cli::Usage : socwb::cli::Ok;
    }
    if (args.first() == QLatin1String("--version")) {
        std::printf("socwb-cli %s\n", SOCWB_VERSION);
        return 0;
    }
    const std::map<QString, std::function<int(const QStringList&)>> commands{
        {QStringLiteral("info"), socwb::cli::info},         {QStringLiteral("import"), socwb::cli::import},
        {QStringLiteral("score"), socwb::cli::score},       {QStringLiteral("alerts"), socwb::cli::alerts},
        {QStringLiteral("formats"), socwb::cli::formats},   {QStringLiteral("generate"), socwb::cli::generate},
        {QStringLiteral("explain"), socwb::cli::explain},   {QStringLiteral("evaluate"), socwb::cli::evaluate},
        {QStringLiteral("suppress"), socwb::cli::suppress},
    };
    const QString name = args.takeFirst();
    const auto it = commands.find(name);
    if (it == commands.end()) {
        std::fprintf(stderr, "socwb-cli: unknown command '%s'\n\n%s", qPrintable(name), kUsage);
        return socwb::cli::Usage;
    }
    // A bad row found while a command reads (a case too big for the check on open, or changed
    // since) ends the command with the row named, never with an abort.
    try {
        return it->second(args);
    } catch (const socwb::CaseError& e) {
        socwb::cli::err(QStringLiteral("socwb-cli %1: %2").arg(name, QString::fromUtf8(e.what())));
        return socwb::cli::exitCodeFor(e.kind());
    } catch (const socwb::SqlError& e) {
        const int code = e.code() & 0xFF;
        const bool busy = code == SQLITE_BUSY || code == SQLITE_LOCKED;
        socwb::cli::err(QStringLiteral("socwb-cli %1: %2%3")
                            .arg(name, busy ? QStringLiteral("the case is busy, try again: ") : QString(),
                                 QString::fromUtf8(e.what())));
        return busy ? socwb::cli::CaseBusy : socwb::cli::CaseUnusable;
    }
}
