// socwb: the desktop workbench.
//   socwb [CASE | LOGFILE...]   open a case, or import logs into a new case
//   socwb --demo                open the bundled sample case
//   socwb --screenshot PNG [--view NAME]   render the window once loaded, save it, exit
#include "core/logging.h"
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>

namespace {

// Where the bundled sample evidence lives: next to an installed binary, or in the source tree.
QString sampleDataDir() {
    const QString env = qEnvironmentVariable("SOCWB_SAMPLE_DATA");
    if (!env.isEmpty()) {
        return env;
    }
    const QString installed = QCoreApplication::applicationDirPath() + QStringLiteral("/../share/socwb/sample-data");
    if (QFileInfo::exists(installed)) {
        return QDir(installed).canonicalPath();
    }
    return QStringLiteral(SOCWB_SOURCE_DIR "/sample-data");
}

QString dataDir() {
    QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return dir;
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("socwb"));
    QApplication::setOrganizationName(QStringLiteral("socwb"));
    QApplication::setApplicationVersion(QStringLiteral(SOCWB_VERSION));

    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Investigation workbench for command channels over web services."));
    p.addHelpOption();
    p.addVersionOption();
    p.addPositionalArgument(QStringLiteral("CASE|LOGFILE"), QStringLiteral("A case file (.socwb), or logs to import into a new case."),
                            QStringLiteral("[CASE | LOGFILE...]"));
    const QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Open the bundled sample case."));
    const QCommandLineOption shot(QStringLiteral("screenshot"), QStringLiteral("Render the window once loaded, save it as PNG, exit."),
                                  QStringLiteral("PNG"));
    const QCommandLineOption view(QStringLiteral("view"), QStringLiteral("With --screenshot: the view to show (%1).")
                                                              .arg(socwb::MainWindow::viewNames().join(QStringLiteral(", "))),
                                  QStringLiteral("NAME"), QStringLiteral("overview"));
    const QCommandLineOption verbose(QStringLiteral("verbose"), QStringLiteral("Mirror the log to stderr."));
    p.addOptions({demo, shot, view, verbose});
    p.process(app);
    socwb::log::init(p.isSet(verbose));

    socwb::MainWindow window;
    if (!socwb::MainWindow::viewNames().contains(p.value(view))) {
        std::fprintf(stderr, "socwb: unknown view '%s' (known: %s)\n", qPrintable(p.value(view)),
                     qPrintable(socwb::MainWindow::viewNames().join(QStringLiteral(", "))));
        return 2;
    }

    QStringList toImport;
    const QStringList args = p.positionalArguments();
    bool opened = true;
    if (p.isSet(demo)) {
        const QString demoCase = dataDir() + QStringLiteral("/demo.socwb");
        opened = window.openCase(demoCase);
        const QDir samples(sampleDataDir() + QStringLiteral("/case"));
        for (const QFileInfo& fi : samples.entryInfoList(QDir::Files, QDir::Name)) {
            toImport << fi.absoluteFilePath(); // already-imported files are skipped by their SHA-256
        }
    } else if (args.size() == 1 && args.first().endsWith(QLatin1String(".socwb"))) {
        opened = window.openCase(args.first());
    } else if (!args.isEmpty()) {
        const QString fresh = dataDir() + QStringLiteral("/cases/untitled-%1.socwb")
                                              .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
        QDir().mkpath(QFileInfo(fresh).path());
        opened = window.openCase(fresh);
        toImport = args;
    }
    if (!opened && p.isSet(shot)) {
        return 3;
    }
    if (p.isSet(shot)) {
        window.resize(1600, 1000); // the size the README's screenshots are taken at
    }
    window.show();
    window.showView(p.value(view));

    if (p.isSet(shot)) {
        const QString png = p.value(shot);
        auto capture = [&window, png] {
            // Let layouts settle and item views paint before grabbing.
            QTimer::singleShot(400, &window, [&window, png] {
                const bool ok = window.grab().save(png, "PNG");
                std::fprintf(stderr, ok ? "socwb: saved %s\n" : "socwb: could not save %s\n", qPrintable(png));
                QApplication::exit(ok ? 0 : 1);
            });
        };
        if (toImport.isEmpty()) {
            capture();
        } else {
            QObject::connect(&window, &socwb::MainWindow::importsFinished, &window, capture);
        }
    }
    if (!toImport.isEmpty()) {
        window.importFiles(toImport);
    }
    return QApplication::exec();
}
