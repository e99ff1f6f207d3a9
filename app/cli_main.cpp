// socwb-cli: the command-line front end that tests, scripts and automation drive.
// JSON goes to stdout as one document; human text and progress go to stderr.
#include "cli_commands.h"
#include "cli_reference.h"
#include "core/library_versions.h"
#include "core/logging.h"
#include "store/statement.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string_view>

int main(int argc, char** argv) {
    // The commands that write catch Ctrl-C before anything else runs (even before Qt starts), so an
    // interrupt at any instant cancels them and nothing is written.
    [[maybe_unused]] std::string_view commandName;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--verbose") {
            continue;
        }
        if (a == "import" || a == "score" || a == "suppress") {
            socwb::cli::catchInterrupts();
        }
        commandName = a;
        break;
    }
    std::unique_ptr<QCoreApplication> application;
#ifdef SOCWB_CLI_REPORT
    if (commandName == "report") {
        application = socwb::cli::makeReportApplication(argc, argv);
    }
#endif
    if (!application) {
        application = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication& app = *application;
    QCoreApplication::setApplicationName(QStringLiteral("socwb"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SOCWB_VERSION));

    QStringList args = app.arguments().mid(1);
    const bool verbose = args.removeAll(QStringLiteral("--verbose")) > 0;
    socwb::log::init(verbose);

    if (args.isEmpty() || args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h") ||
        args.first() == QLatin1String("help")) {
        std::fputs(socwb::cli::usageText().toUtf8().constData(), args.isEmpty() ? stderr : stdout);
        return args.isEmpty() ? socwb::cli::Usage : socwb::cli::Ok;
    }
    if (args.first() == QLatin1String("--version")) {
        std::printf("socwb-cli %s\n%s\n", qPrintable(socwb::applicationVersion()),
                    qPrintable(socwb::libraryVersionLine(socwb::libraryVersions())));
        return 0;
    }
    const std::map<QString, std::function<int(const QStringList&)>> commands{
        {QStringLiteral("info"), socwb::cli::info},         {QStringLiteral("import"), socwb::cli::import},
        {QStringLiteral("score"), socwb::cli::score},       {QStringLiteral("alerts"), socwb::cli::alerts},
        {QStringLiteral("formats"), socwb::cli::formats},   {QStringLiteral("generate"), socwb::cli::generate},
        {QStringLiteral("explain"), socwb::cli::explain},   {QStringLiteral("evaluate"), socwb::cli::evaluate},
        {QStringLiteral("suppress"), socwb::cli::suppress}, {QStringLiteral("export"), socwb::cli::exportChannels},
        {QStringLiteral("hunt"), socwb::cli::hunt},         {QStringLiteral("sigma"), socwb::cli::sigma},
        {QStringLiteral("exercise"), socwb::cli::exercise},
#ifdef SOCWB_CLI_REPORT
        {QStringLiteral("report"), socwb::cli::report},
#else
        {QStringLiteral("report"),
         [](const QStringList&) {
             socwb::cli::err(QStringLiteral("socwb-cli report: this socwb-cli was built without the GUI "
                                            "(SOCWB_BUILD_GUI=OFF), which draws the report"));
             return int(socwb::cli::Usage);
         }},
#endif
    };
    const QString name = args.takeFirst();
    const auto it = commands.find(name);
    if (it == commands.end()) {
        std::fprintf(stderr, "socwb-cli: unknown command '%s'\n\n%s", qPrintable(name),
                     qPrintable(socwb::cli::usageText()));
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
