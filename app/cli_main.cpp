// socwb-cli: the command-line front end that tests, scripts and automation drive.
// JSON goes to stdout as one document; human text and progress go to stderr.
#include "cli_commands.h"
#include "cli_reference.h"
#include "core/library_versions.h"
#include "core/logging.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>
#include <functional>
#include <map>

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
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
        {QStringLiteral("suppress"), socwb::cli::suppress},
    };
    const QString name = args.takeFirst();
    const auto it = commands.find(name);
    if (it == commands.end()) {
        std::fprintf(stderr, "socwb-cli: unknown command '%s'\n\n%s", qPrintable(name),
                     qPrintable(socwb::cli::usageText()));
        return socwb::cli::Usage;
    }
    return it->second(args);
}
