// socwb: the desktop workbench.
//   socwb [CASE | LOGFILE...]   open a case, or import logs into a new case
//   socwb --demo                open the bundled sample case (imported and scored on first use)
//   socwb --screenshot PNG [--view NAME] [--size WxH]   render the window once loaded, save, exit
//   socwb --measure-ui-latency [LINES]   import generated lines through the GUI's path while a
//                                        10 ms timer runs; print the longest event-loop stall
#include "about_dialog.h"
#include "alert_detail_widget.h"
#include "alert_queue_dock.h"
#include "case_overview_widget.h"
#include "case_windows.h"
#include "cli_reference.h"
#include "core/logging.h"
#include "exercise_panel.h"
#include "hunt_dialog.h"
#include "main_window.h"
#include "single_instance.h"
#include "store/case_store.h"
#include "tables/alert_table_model.h"
#include "tables/host_table_model.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QIcon>
#include <QLineEdit>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QTimer>

#include <cstdio>
#include <memory>
#include <optional>

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

// Squid native lines from 200 clients to a few dozen sites, a second apart.
bool writeSquidLines(const QString& path, qint64 lines) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        return false;
    }
    QByteArray buf;
    buf.reserve(1 << 20);
    for (qint64 i = 0; i < lines; ++i) {
        buf += QByteArray::number(1709510400 + i / 10) + '.' + QByteArray::number(100 + i % 900) + "    " +
               QByteArray::number(20 + i % 300) + " 10.0." + QByteArray::number((i / 200) % 4) + '.' +
               QByteArray::number(1 + i % 200) + " TCP_MISS/200 " + QByteArray::number(500 + i % 7000) +
               " GET https://site" + QByteArray::number(i % 37) + ".example.com/p/" + QByteArray::number(i % 1009) +
               " - HIER_DIRECT/192.0.2." + QByteArray::number(1 + i % 37) + " text/html\n";
        if (buf.size() > (1 << 20) - 256) {
            f.write(buf);
            buf.clear();
        }
    }
    f.write(buf);
    return true;
}

int measureUiLatency(socwb::MainWindow& window, qint64 lines) {
    static QTemporaryDir dir;
    const QString log = dir.filePath(QStringLiteral("latency.log"));
    std::fprintf(stderr, "socwb: writing %lld Squid lines\u2026\n", static_cast<long long>(lines));
    if (!dir.isValid() || !writeSquidLines(log, lines) ||
        !window.openCase(dir.filePath(QStringLiteral("latency.socwb")))) {
        std::fprintf(stderr, "socwb: could not prepare the measurement in %s\n", qPrintable(dir.path()));
        return 1;
    }
    window.show();
    auto* clock = new QElapsedTimer;
    auto* ticks = new qint64(0);
    auto* worst = new qint64(0);
    auto* worstAt = new qint64(0);
    auto* since = new QElapsedTimer;
    auto* timer = new QTimer(&window);
    timer->setInterval(10);
    timer->setTimerType(Qt::PreciseTimer);
    QObject::connect(timer, &QTimer::timeout, &window, [=] {
        const qint64 gap = since->restart() - 10;
        if (gap > *worst) {
            *worst = gap;
            *worstAt = clock->elapsed();
        }
        ++*ticks;
    });
    // The import is done when the summary and the queue have been re-read after it.
    QObject::connect(&window, &socwb::MainWindow::importsFinished, &window, [&window, timer] {
        QObject::connect(&window, &socwb::MainWindow::refreshed, timer,
                         [timer] { QTimer::singleShot(200, timer, &QTimer::stop); });
    });
    clock->start();
    since->start();
    timer->start();
    window.importFiles({log});
    auto* done = new QTimer(&window);
    done->setInterval(100);
    QObject::connect(done, &QTimer::timeout, &window, [=, &window] {
        if (timer->isActive() || window.isImporting()) {
            return;
        }
        done->stop();
        std::printf("ui-latency: %lld lines imported through the GUI in %.1f s; %lld timer ticks of 10 ms; "
                    "longest event-loop stall %lld ms, %.1f s in (goal < 100 ms)\n",
                    static_cast<long long>(lines), clock->elapsed() / 1000.0, static_cast<long long>(*ticks),
                    static_cast<long long>(*worst), *worstAt / 1000.0);
        std::fflush(stdout);
        QApplication::exit(0);
    });
    done->start();
    return -1; // keep running
}

// For --screenshot --view grade: a trainee who trusts the top of the queue. The top alert is called
// malicious, the questions are answered from its row, one hint is taken, and the exercise is
// submitted, so the grade page shows real feedback (right and wrong answers alike).
void submitAsATrainee(socwb::MainWindow& window) {
    socwb::ExercisePanel* panel = window.exercisePanel();
    socwb::AlertTableModel* model = window.alertQueue()->model();
    if (!panel->hasExercise() || model->rowCount() == 0 || !model->rowAt(0)) {
        return;
    }
    const socwb::AlertRow& top = *model->rowAt(0);
    window.alertQueue()->view()->setCurrentIndex(model->index(0, socwb::AlertTableModel::HostColumn));
    window.alertQueue()->setStatusOfSelection(QStringLiteral("malicious"));
    const std::pair<const char*, QString> answers[] = {
        {"c1.host", top.host},
        {"c1.process", top.processName},
        {"c1.interval", QString::number(qRound(top.medianInterval))},
        {"c1.began", QDateTime::fromMSecsSinceEpoch(top.firstTs / 1000, QTimeZone::utc())
                         .toString(QStringLiteral("yyyy-MM-dd HH:mm"))},
        {"c1.endpoint", top.destination},
        {"c1.sysmon", QStringLiteral("yes")}};
    for (const auto& [id, text] : answers) {
        if (QLineEdit* edit = panel->answerField(QLatin1String(id))) {
            edit->setText(text);
        }
    }
    if (QPushButton* hint = panel->hintButton(QStringLiteral("c1.parent"))) {
        hint->click();
    }
    panel->submitButton()->click();
}

// With --screenshot, a case the window cannot open must not leave a modal message waiting for a
// click nobody makes: the message is drawn over the window into the PNG, printed on stderr, and
// closed, so the run ends (exit 3) and the picture says what is wrong.
void captureRefusal(QWidget& window, const QString& png) {
    auto* watch = new QTimer(&window);
    QObject::connect(watch, &QTimer::timeout, &window, [&window, watch, png] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box) {
            return;
        }
        watch->stop();
        QPixmap shot = window.grab();
        const QPixmap message = box->grab();
        QPainter painter(&shot);
        painter.drawPixmap((shot.width() - message.width()) / 2, (shot.height() - message.height()) / 3, message);
        painter.end();
        std::fprintf(stderr, "socwb: %s\n", qPrintable(box->text()));
        if (shot.save(png, "PNG")) {
            std::fprintf(stderr, "socwb: saved %s\n", qPrintable(png));
        }
        box->done(QMessageBox::Ok);
        watch->deleteLater();
    });
    watch->start(50);
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("socwb"));
    QApplication::setOrganizationName(QStringLiteral("socwb"));
    QApplication::setApplicationVersion(QStringLiteral(SOCWB_VERSION));

    QGuiApplication::setDesktopFileName(QStringLiteral(SOCWB_APP_ID));
    QIcon icon;
    for (const int px : {16, 22, 24, 32, 48, 64, 128, 256}) {
        icon.addFile(QStringLiteral(":/socwb/icons/socwb-%1.png").arg(px), QSize(px, px));
    }
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("socwb"), icon));

    // Options, their help and the man page come from one table (app/cli_reference.cpp).
    const socwb::cli::ProgramRef& ref = socwb::cli::guiReference();
    QCommandLineParser p;
    p.setApplicationDescription(QString::fromUtf8(ref.self.description));
    p.addHelpOption();
    const QCommandLineOption version({QStringLiteral("v"), QStringLiteral("version")},
                                     socwb::cli::helpFor(socwb::cli::globalOption(ref, "version")));
    p.addOption(version);
    const socwb::cli::ParserOptions o = socwb::cli::addToParser(p, ref.self);
    const QCommandLineOption &demo = o["demo"], &shot = o["screenshot"], &view = o["view"], &size = o["size"],
                             &latency = o["measure-ui-latency"], &lines = o["lines"], &verbose = o["verbose"],
                             &exercise = o["exercise"];
    p.process(app);
    if (p.isSet(version)) {
        std::fputs(qPrintable(socwb::AboutDialog::versionText()), stdout);
        return 0;
    }
    socwb::log::init(p.isSet(verbose));

    // The docks, "hunt": the detail with Export → Hunt… open over it (KQL), and "sigma": the detail
    // of the queue's first Sigma item (a rule's hits on a host).
    const QStringList knownViews = socwb::MainWindow::viewNames() << QStringLiteral("hunt") << QStringLiteral("sigma");
    if (!knownViews.contains(p.value(view))) {
        std::fprintf(stderr, "socwb: unknown view '%s' (known: %s)\n", qPrintable(p.value(view)),
                     qPrintable(knownViews.join(QStringLiteral(", "))));
        return 2;
    }
    const bool huntView = p.value(view) == QLatin1String("hunt");
    const bool sigmaView = p.value(view) == QLatin1String("sigma");
    const QString dockView = huntView || sigmaView ? QStringLiteral("detail") : p.value(view);
    const QStringList wh = p.value(size).split(QLatin1Char('x'));
    const int width = wh.size() == 2 ? wh[0].toInt() : 0;
    const int height = wh.size() == 2 ? wh[1].toInt() : 0;
    if (width < 640 || height < 480) {
        std::fprintf(stderr, "socwb: --size wants WIDTHxHEIGHT, at least 640x480\n");
        return 2;
    }

    socwb::MainWindow window;
    if (p.isSet(latency)) {
        window.resize(1366, 768);
        const int rc = measureUiLatency(window, qMax<qint64>(1000, p.value(lines).toLongLong()));
        return rc >= 0 ? rc : QApplication::exec();
    }

    if (p.isSet(shot)) {
        window.resize(width, height);
        window.show();
        captureRefusal(window, p.value(shot));
    }
    QStringList toImport;
    const QStringList args = p.positionalArguments();
    // `socwb` and `socwb CASE` hand the case to a running socwb of this user if there is one.
    socwb::SingleInstance instance;
    if (!p.isSet(demo) && !p.isSet(shot) && !p.isSet(exercise) && !p.isSet(o["new-instance"]) &&
        (args.isEmpty() || (args.size() == 1 && args.first().endsWith(QLatin1String(".socwb"))))) {
        const socwb::SingleInstance::Reply r = instance.handOver(args.value(0));
        if (!r.result.isEmpty()) {
            std::fprintf(stderr, "socwb: %s\n", qPrintable(r.message));
            return r.result == QLatin1String("error") ? 1 : 0;
        }
        if (!instance.listen(&socwb::caseWindows::show)) {
            std::fprintf(stderr, "socwb: %s; this window does not take cases from others\n",
                         qPrintable(instance.errorString()));
        }
    }
    bool opened = true;
    std::optional<socwb::training::ExerciseInfo> chosenExercise;
    if (p.isSet(exercise)) {
        chosenExercise = socwb::training::ExerciseLibrary::find(p.value(exercise));
        if (!chosenExercise) {
            std::fprintf(stderr, "socwb: no exercise '%s' in %s or %s\n", qPrintable(p.value(exercise)),
                         qPrintable(socwb::training::ExerciseLibrary::bundledDir()),
                         qPrintable(socwb::training::ExerciseLibrary::userDir()));
            return 2;
        }
    }
    if (chosenExercise) {
        opened = window.exercisePanel()->start(*chosenExercise);
    } else if (p.isSet(demo)) {
        const QString demoCase = dataDir() + QStringLiteral("/demo.socwb");
        opened = window.openCase(demoCase);
        const QDir samples(sampleDataDir() + QStringLiteral("/case"));
        for (const QFileInfo& fi : samples.entryInfoList(QDir::Files, QDir::Name)) {
            toImport << fi.absoluteFilePath(); // already-imported files are skipped by their SHA-256
        }
    } else if (args.size() == 1 && args.first().endsWith(QLatin1String(".socwb"))) {
        opened = window.openCase(args.first());
    } else if (!args.isEmpty()) {
        const QString fresh =
            dataDir() + QStringLiteral("/cases/untitled-%1.socwb")
                            .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
        QDir().mkpath(QFileInfo(fresh).path());
        opened = window.openCase(fresh);
        toImport = args;
    }
    if (!opened && p.isSet(shot)) {
        return 3;
    }
    if (p.isSet(shot)) {
        window.resize(width, height);
    }
    window.show();
    if (p.isSet(shot) || p.isSet(view) || !window.restoreLayout()) {
        window.emphasizeView(dockView);
    }

    if (p.isSet(shot)) {
        const QString png = p.value(shot);
        const QString name = dockView;
        // Wait (polling, without blocking the loop) until the case, the queue and the host table have
        // loaded and the chosen view shows its data, then grab.
        auto* poll = new QTimer(&window);
        auto* waited = new QElapsedTimer;
        auto* stage = new int(0);
        waited->start();
        QObject::connect(
            poll, &QTimer::timeout, &window, [&window, poll, waited, stage, png, name, huntView, sigmaView] {
                socwb::AlertTableModel* model = window.alertQueue()->model();
                const bool timedOut = waited->elapsed() > 60000;
                if (!timedOut) {
                    if (window.isImporting() || window.isScoring() || (window.caseStore() && model->isCounting()) ||
                        window.overview()->hostModel()->isLoading()) {
                        return;
                    }
                    if (model->rowCount() > 0 && !model->rowAt(0)) {
                        return;
                    }
                }
                const bool investigation = name == QLatin1String("intervals") || name == QLatin1String("timeline") ||
                                           name == QLatin1String("process-tree");
                if (*stage == 0) {
                    *stage = 1;
                    if (name == QLatin1String("grade")) {
                        submitAsATrainee(window);
                    }
                    window.emphasizeView(name);
                    if ((name == QLatin1String("detail") || investigation) && model->rowCount() > 0) {
                        // The top channel (or with --view sigma the first Sigma item, listed above the
                        // channels): selecting it shows its detail and its investigation views.
                        const int row = sigmaView ? 0 : qMin(model->sigmaCount(), model->rowCount() - 1);
                        window.alertQueue()->view()->setCurrentIndex(
                            model->index(row, socwb::AlertTableModel::HostColumn));
                        const qint64 top = model->index(row, 0).data(socwb::AlertTableModel::AlertIdRole).toLongLong();
                        window.alertDetail()->showAlert(top);
                        window.showInvestigation(top);
                    }
                    waited->restart();
                    return;
                }
                if (*stage == 1) {
                    const socwb::AlertDetailWidget* detail = window.alertDetail();
                    const qint64 shown = detail->alertId() < 0 ? detail->sigmaDetail().row.id : detail->detail().row.id;
                    if (name == QLatin1String("detail") && detail->alertId() && shown != detail->alertId() &&
                        !timedOut) {
                        return;
                    }
                    if (investigation && !window.investigationReady() && !timedOut) {
                        return;
                    }
                    *stage = 2;
                    waited->restart();
                    return;
                }
                if (waited->elapsed() < 500) {
                    return; // let the pages and the requests table paint
                }
                if (huntView && *stage == 2 && window.caseStore()) {
                    *stage = 3;
                    socwb::HuntDialog* d =
                        socwb::HuntDialog::showFor(&window, window.caseStore()->db(), window.alertDetail()->alertId());
                    d->setLanguage(socwb::hunt::HuntLanguage::Kql);
                    waited->restart();
                    return;
                }
                poll->stop();
                QPixmap shot = window.grab();
                if (auto* d = window.findChild<socwb::HuntDialog*>()) {
                    // A dialog is a window of its own: painted over the main window where it sits.
                    QPainter painter(&shot);
                    painter.drawPixmap(d->frameGeometry().topLeft() - window.frameGeometry().topLeft(), d->grab());
                }
                const bool ok = shot.save(png, "PNG");
                std::fprintf(stderr, ok ? "socwb: saved %s\n" : "socwb: could not save %s\n", qPrintable(png));
                QApplication::exit(ok ? 0 : 1);
            });
        poll->start(50);
    }
    if (p.isSet(demo)) {
        // A demo case imported before has nothing new to import: score it anyway, so the queue is
        // the current engine's (the window scores by itself after an import that added evidence).
        QObject::connect(&window, &socwb::MainWindow::importsFinished, &window, [&window] {
            QTimer::singleShot(0, &window, [&window] {
                if (!window.isScoring()) {
                    window.scoreCase(socwb::ScoreMode::Full);
                }
            });
        });
    }
    if (!toImport.isEmpty() && p.isSet(demo)) {
        // The sample data's DNS debug log was written in UTC (sample-data/README.md: one day, UTC).
        window.importFiles(toImport, QStringLiteral("UTC"));
    } else if (!toImport.isEmpty()) {
        window.previewImport(toImport); // the same preview (and zone question) as a drop or File → Import
    }
    // Quit always exits, also when the window hid itself while an import rolled back.
    socwb::caseWindows::quitWithLastWindow(&window);
    return QApplication::exec();
}
