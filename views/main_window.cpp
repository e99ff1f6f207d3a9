#include "main_window.h"

#include "about_dialog.h"
#include "alert_detail_widget.h"
#include "alert_queue_dock.h"
#include "audit_log_dialog.h"
#include "case_overview_widget.h"
#include "core/logging.h"
#include "core/recent_cases.h"
#include "core/resources.h"
#include "import_preview_dialog.h"
#include "ingest/import_worker.h"
#include "investigation_views.h"
#include "recent_cases_menu.h"
#include "rejected_lines_dialog.h"
#include "scoring/score_job.h"
#include "scoring/suppression_store.h"
#include "store/case_store.h"
#include "store/case_summary.h"
#include "store/statement.h"
#include "suppression_dialog.h"
#include "tables/alert_export.h"
#include "tables/alert_table_model.h"
#include "tables/read_connection.h"
#include "task_panel.h"
#include "user_guide_dialog.h"

#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressDialog>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QTimeZone>
#include <QToolBar>
#include <QtConcurrent/QtConcurrentRun>

#include <tuple>

namespace socwb {

namespace {
const char* kZonesKey = "caseTimeZones";
const char* kStateKey = "window/state";
const char* kGeometryKey = "window/geometry";
constexpr int kLayoutVersion = 2;

QDockWidget* makeDock(QMainWindow* w, const QString& name, const QString& title, QWidget* body) {
    auto* dock = new QDockWidget(title, w);
    dock->setObjectName(name);
    dock->setWidget(body);
    return dock;
}
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), overview_(new CaseOverviewWidget(this)), queue_(new AlertQueueDock(this)),
      detail_(new AlertDetailWidget(this)), charts_(new IntervalChartsWidget(this)),
      timeline_(new HostTimelineWidget(this)), tree_(new ProcessTreeWidget(this)),
      history_(new NavigationHistory(this)), tasks_(new TaskPanel(this)), caseLabel_(new QLabel(this)),
      countsLabel_(new QLabel(this)), tasksLabel_(new QLabel(this)) {
    registerImportMetaTypes();
    setWindowTitle(tr("socwb"));
    setAcceptDrops(true);
    setDockNestingEnabled(true);
    for (QLabel* l : {caseLabel_, countsLabel_, tasksLabel_}) {
        l->setTextFormat(Qt::PlainText);
    }
    statusBar()->addWidget(caseLabel_);
    statusBar()->addWidget(countsLabel_, 1);
    statusBar()->addPermanentWidget(tasksLabel_);
    buildMenus();
    buildDocks();
    connect(queue_, &AlertQueueDock::alertActivated, this, [this](qint64 id) {
        detail_->showAlert(id);
        showInvestigation(id);
        history_->visit(NavigationEntry{NavigationEntry::Intervals, id, -1, -1, 0, 0});
        showView(QStringLiteral("detail"));
    });
    connect(queue_, &AlertQueueDock::currentAlertChanged, this, [this](qint64 id) {
        if (id) {
            detail_->showAlert(id);
            showInvestigation(id);
        }
    });
    // The investigation views: linked to each other (a brushed range sets the timeline, a process
    // filters it, a process start reveals it in the tree), and each says when it has drawn.
    linkInvestigationViews(charts_, timeline_, tree_);
    connect(charts_, &IntervalChartsWidget::channelLoaded, this, [this] { investigationPending_ &= ~1; });
    connect(timeline_, &HostTimelineWidget::rangeDrawn, this, [this] { investigationPending_ &= ~2; });
    connect(tree_, &ProcessTreeWidget::hostLoaded, this, [this] { investigationPending_ &= ~4; });
    connect(charts_, &IntervalChartsWidget::loadFailed, this, [this] { investigationPending_ &= ~1; });
    connect(timeline_, &HostTimelineWidget::loadFailed, this, [this] { investigationPending_ &= ~2; });
    connect(tree_, &ProcessTreeWidget::loadFailed, this, [this] { investigationPending_ &= ~4; });
    connect(history_, &NavigationHistory::navigated, this, [this](const NavigationEntry& e) {
        if (e.alertId > 0) {
            detail_->showAlert(e.alertId);
            showInvestigation(e.alertId);
        }
        if (e.processId > 0) {
            tree_->revealProcess(e.processId);
        }
        if (e.fromUs || e.toUs) {
            timeline_->setTimeRange(e.fromUs, e.toUs);
        }
        showView(e.view == NavigationEntry::Intervals  ? QStringLiteral("intervals")
                 : e.view == NavigationEntry::Timeline ? QStringLiteral("timeline")
                                                       : QStringLiteral("process-tree"));
    });
    connect(queue_, &AlertQueueDock::triageChanged, this, [this] {
        detail_->refresh();
        if (audit_) {
            audit_->reload();
        }
    });
    connect(queue_, &AlertQueueDock::suppressRequested, this, &MainWindow::suppressSimilar);
    connect(detail_, &AlertDetailWidget::openViewRequested, this, [this](const QString& view) { showView(view); });
    connect(overview_, &CaseOverviewWidget::rejectedLinesRequested, this, &MainWindow::showRejectedLines);
    connect(overview_, &CaseOverviewWidget::hostAlertsRequested, this, [this](const QString& host) {
        queue_->setFilterText(QStringLiteral("host:\"%1\"").arg(host));
        showView(QStringLiteral("alerts"));
    });
    connect(tasks_, &TaskPanel::cancelRequested, this, [this](int task) {
        if (task == scoreTask_ && scoreJob_) {
            scoreJob_->cancel();
            return;
        }
        if (job_) {
            job_->cancel();
        }
        pending_.clear();
    });
    connect(tasks_, &TaskPanel::rejectedLinesRequested, this, &MainWindow::showRejectedLines);
    caseLabel_->setText(tr("No case open. File \u2192 New case or Open case."));
    updateTaskStatus();
    resize(1400, 900);
    defaultState_ = saveState(kLayoutVersion);
}

MainWindow::~MainWindow() = default;

QStringList MainWindow::viewNames() {
    return {QStringLiteral("overview"),    QStringLiteral("alerts"),    QStringLiteral("detail"),
            QStringLiteral("import"),      QStringLiteral("intervals"), QStringLiteral("timeline"),
            QStringLiteral("process-tree")};
}

void MainWindow::showInvestigation(qint64 alertId) {
    if (!store_ || alertId <= 0 || alertId == investigatedAlert_) {
        return;
    }
    investigatedAlert_ = alertId;
    investigationPending_ = 1 | 2 | 4;
    charts_->showChannel(alertId);
    timeline_->showChannel(alertId);
    tree_->showChannel(alertId);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New case\u2026"), QKeySequence::New, this, [this] { chooseCase(true); });
    file->addAction(tr("&Open case\u2026"), QKeySequence::Open, this, [this] { chooseCase(false); });
    recentMenu_ = new RecentCasesMenu(this);
    file->addMenu(recentMenu_);
    connect(recentMenu_, &RecentCasesMenu::caseChosen, this, &MainWindow::openCase);
    file->addSeparator();
    file->addAction(tr("&Import evidence\u2026"), QKeySequence(tr("Ctrl+I")), this, [this] { chooseEvidence(); });
    file->addAction(tr("&Export alerts as CSV\u2026"), QKeySequence(tr("Ctrl+E")), this, [this] { exportAlerts(); });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(tr("&Copy"), QKeySequence::Copy, this, [this] { copySelection(); });
    edit->addAction(tr("&Find\u2026"), QKeySequence::Find, this, [this] { queue_->focusFilter(); });

    viewMenu_ = menuBar()->addMenu(tr("&View"));
    viewMenu_->setObjectName(QStringLiteral("viewMenu"));

    QMenu* caseMenu = menuBar()->addMenu(tr("&Case"));
    caseMenu->addAction(tr("&Score now"), QKeySequence(tr("Ctrl+R")), this, [this] { scoreCase(ScoreMode::Full); });
    caseMenu->addAction(tr("S&uppressions\u2026"), this, [this] { showSuppressions(); });
    caseMenu->addAction(tr("&Audit log\u2026"), QKeySequence(tr("Ctrl+L")), this, [this] { showAuditLog(); });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard shortcuts"), QKeySequence::HelpContents, this, [this] { showShortcuts(); });
    help->addAction(tr("&User guide"), this, [this] { UserGuideDialog(this).exec(); });
    help->addAction(tr("&About socwb"), this, [this] { AboutDialog(this).exec(); });
}

void MainWindow::buildDocks() {
    auto* overviewDock = makeDock(this, QStringLiteral("overview"), tr("Case explorer"), overview_);
    auto* detailDock = makeDock(this, QStringLiteral("detail"), tr("Alert detail"), detail_);
    auto* taskDock = makeDock(this, QStringLiteral("import"), tr("Imports and tasks"), tasks_);
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::TopLeftCorner, Qt::LeftDockWidgetArea);
    addDockWidget(Qt::LeftDockWidgetArea, overviewDock);
    addDockWidget(Qt::RightDockWidgetArea, queue_);
    splitDockWidget(queue_, detailDock, Qt::Horizontal);
    addDockWidget(Qt::BottomDockWidgetArea, taskDock);
    QDockWidget* previous = taskDock;
    for (auto [name, title, body] : {std::tuple{"intervals", tr("Polling intervals"), static_cast<QWidget*>(charts_)},
                                     std::tuple{"timeline", tr("Host timeline"), static_cast<QWidget*>(timeline_)},
                                     std::tuple{"process-tree", tr("Process tree"), static_cast<QWidget*>(tree_)}}) {
        auto* dock = makeDock(this, QString::fromLatin1(name), title, body);
        tabifyDockWidget(previous, dock);
        previous = dock;
    }
    QToolBar* nav = addToolBar(tr("Navigation"));
    nav->setObjectName(QStringLiteral("navigation"));
    nav->addAction(history_->createBackAction(this));
    nav->addAction(history_->createForwardAction(this));
    taskDock->raise();
    for (QDockWidget* d : findChildren<QDockWidget*>()) {
        viewMenu_->addAction(d->toggleViewAction());
    }
    viewMenu_->addSeparator();
    viewMenu_->addAction(tr("&Reset layout"), this, [this] { resetLayout(); });
    resizeDocks({overviewDock, queue_, detailDock}, {300, 640, 460}, Qt::Horizontal);
    resizeDocks({queue_, taskDock}, {640, 180}, Qt::Vertical);
}

bool MainWindow::restoreLayout() {
    QSettings s;
    restoreGeometry(s.value(QLatin1String(kGeometryKey)).toByteArray());
    return restoreState(s.value(QLatin1String(kStateKey)).toByteArray(), kLayoutVersion);
}

void MainWindow::emphasizeView(const QString& name) {
    auto* overview = findChild<QDockWidget*>(QStringLiteral("overview"));
    auto* detail = findChild<QDockWidget*>(QStringLiteral("detail"));
    auto* bottom = findChild<QDockWidget*>(QStringLiteral("import"));
    const int w = width();
    const int h = height();
    // Shares of the width (explorer, queue, detail) and of the height given to the bottom docks.
    double left = 0.19, middle = 0.52, bottomShare = 0.22;
    if (name == QLatin1String("detail")) {
        left = 0.16, middle = 0.38, bottomShare = 0.16;
    } else if (name == QLatin1String("import")) {
        left = 0.17, middle = 0.5, bottomShare = 0.36;
    } else if (name == QLatin1String("timeline") || name == QLatin1String("intervals") ||
               name == QLatin1String("process-tree")) {
        left = 0.15, middle = 0.5, bottomShare = 0.62; // the charts need the height
    } else if (name == QLatin1String("overview")) {
        left = 0.4, middle = 0.36;
    }
    resizeDocks({overview, queue_, detail}, {int(w * left), int(w * middle), int(w * (1 - left - middle))},
                Qt::Horizontal);
    resizeDocks({queue_, bottom}, {int(h * (1 - bottomShare)), int(h * bottomShare)}, Qt::Vertical);
    showView(name);
}

void MainWindow::resetLayout() {
    restoreState(defaultState_, kLayoutVersion);
    for (QDockWidget* d : findChildren<QDockWidget*>()) {
        d->show();
    }
    findChild<QDockWidget*>(QStringLiteral("import"))->raise();
}

bool MainWindow::showView(const QString& name) {
    if (!viewNames().contains(name)) {
        return false;
    }
    if (name == QLatin1String("alerts")) {
        queue_->show();
        queue_->raise();
        queue_->view()->setFocus();
        return true;
    }
    if (auto* dock = findChild<QDockWidget*>(name)) {
        dock->show();
        dock->raise();
        return true;
    }
    return false;
}

QString MainWindow::caseTimeZone() const {
    const QString system = QString::fromLatin1(QTimeZone::systemTimeZoneId());
    if (!store_) {
        return system;
    }
    const QVariantMap zones = QSettings().value(QLatin1String(kZonesKey)).toMap();
    return zones.value(store_->path(), system.isEmpty() ? QStringLiteral("UTC") : system).toString();
}

void MainWindow::setCaseTimeZone(const QString& zone) {
    if (!store_ || zone.isEmpty()) {
        return;
    }
    QSettings s;
    QVariantMap zones = s.value(QLatin1String(kZonesKey)).toMap();
    zones.insert(store_->path(), zone);
    s.setValue(QLatin1String(kZonesKey), zones);
}

bool MainWindow::openCase(const QString& path) {
    if (isImporting()) {
        QMessageBox::information(this, tr("Import running"), tr("Wait for the import to finish or cancel it first."));
        return false;
    }
    std::unique_ptr<CaseStore> opened;
    try {
        // Only the version: open() below checks the file, and says why when it cannot be used.
        const int version = CaseStore::versionOf(path);
        if (version > 0 && version < schema::latestVersion() && !upgradeCase(path, version)) {
            return false;
        }
        opened = CaseStore::open(path);
    } catch (const CaseError& e) {
        log::ui()->warn("could not open case {}: {}", path.toStdString(), e.what());
        QMessageBox box(QMessageBox::Critical, tr("Cannot open case"), QString::fromUtf8(e.what()), QMessageBox::Ok,
                        this);
        box.setTextFormat(Qt::PlainText);
        box.exec();
        return false;
    }
    queue_->setCase(nullptr); // the queue holds a pointer to the store it writes triage into
    store_ = std::move(opened);
    // The window's own writes (triage, suppressions) are small; while an import or a scoring pass
    // holds the write lock they give up after a moment and say so, rather than freeze the window
    // for the store's default five seconds.
    sqlite3_busy_timeout(store_->db(), 250);
    queue_->setCase(store_.get());
    detail_->setCase(store_->path());
    charts_->setCase(store_->path());
    timeline_->setCase(store_->path());
    tree_->setCase(store_->path());
    investigatedAlert_ = 0;
    if (audit_) {
        audit_->close();
    }
    if (suppressions_) {
        suppressions_->close();
    }
    setWindowTitle(tr("%1 \u2014 socwb").arg(QFileInfo(path).fileName()));
    caseLabel_->setText(QFileInfo(path).fileName());
    RecentCases().add(QFileInfo(path).absoluteFilePath());
    refresh();
    emit caseLoaded();
    return true;
}

// An older case is upgraded in a worker (its own connection) while a progress dialog shows how far
// it got and offers Cancel; the window stays responsive. The store copies the original beside the
// case first, and a cancelled or failed upgrade leaves the case as it was.
bool MainWindow::upgradeCase(const QString& path, int version) {
    const QString name = QFileInfo(path).fileName();
    const QString backup = QFileInfo(CaseStore::backupPathFor(path, version)).fileName();
    QProgressDialog dialog(tr("Upgrading %1 from case format %2 to %3.\nThe original is kept beside it as %4.")
                               .arg(name, QString::number(version), QString::number(schema::latestVersion()), backup),
                           tr("Cancel"), 0, 1000, this);
    dialog.setWindowTitle(tr("Upgrading case"));
    dialog.setWindowModality(Qt::WindowModal);
    dialog.setMinimumDuration(0);
    dialog.setAutoReset(false);
    dialog.setValue(0);
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    connect(&dialog, &QProgressDialog::canceled, this, [cancel] { cancel->store(true); });
    QProgressDialog* shown = &dialog;
    QFutureWatcher<QString> watcher;
    QEventLoop loop;
    connect(&watcher, &QFutureWatcher<QString>::finished, &loop, &QEventLoop::quit);
    watcher.setFuture(QtConcurrent::run([path, cancel, shown]() -> QString {
        schema::MigrationHooks hooks;
        hooks.cancel = cancel.get();
        hooks.progress = [shown](double fraction, const char*) {
            QMetaObject::invokeMethod(
                shown, [shown, fraction] { shown->setValue(static_cast<int>(fraction * 1000)); }, Qt::QueuedConnection);
        };
        try {
            // The header may have lagged the WAL: then nothing was upgraded, and nothing is said.
            return CaseStore::open(path, CaseStore::Access::ReadWrite, &hooks)->upgradedFrom() > 0
                       ? QString()
                       : QStringLiteral("-");
        } catch (const CaseError& e) {
            return QString::fromUtf8(e.what());
        } catch (const std::exception& e) {
            return QStringLiteral("%1: upgrade failed (%2); the case is as it was")
                .arg(QFileInfo(path).fileName(), QString::fromUtf8(e.what()));
        }
    }));
    loop.exec();
    const QString error = watcher.result();
    if (error == QLatin1String("-")) {
        return true; // already at the latest schema
    }
    // The outcome stays in the task panel, with the imports and scoring passes.
    const int task = tasks_->addTask(tr("Upgrade %1").arg(name), QString());
    if (!error.isEmpty()) {
        log::ui()->warn("upgrade of {} did not finish: {}", path.toStdString(), error.toStdString());
        tasks_->finishTask(task, error, false);
        QMessageBox box(cancel->load() ? QMessageBox::Information : QMessageBox::Critical, tr("Case not upgraded"),
                        error, QMessageBox::Ok, this);
        box.setTextFormat(Qt::PlainText);
        box.exec();
        return false;
    }
    tasks_->finishTask(task,
                       tr("upgraded from case format %1 to %2; the original is kept as %3")
                           .arg(QString::number(version), QString::number(schema::latestVersion()), backup),
                       true);
    return true;
}

void MainWindow::refresh() {
    if (!store_) {
        return;
    }
    // Counting a case of millions of events takes seconds: in a worker, on its own connection.
    const quint64 g = ++refreshGeneration_;
    const QString path = store_->path();
    auto* watcher = new QFutureWatcher<CaseSummary>(this);
    connect(watcher, &QFutureWatcher<CaseSummary>::finished, this, [this, watcher, g, path] {
        watcher->deleteLater();
        if (g != refreshGeneration_ || !store_ || store_->path() != path) {
            return;
        }
        showSummary(watcher->result());
        emit refreshed();
    });
    watcher->setFuture(QtConcurrent::run([path] {
        try {
            ReadConnection c(path);
            return summarize(c.db(), false); // the host table reads its own rows
        } catch (const std::exception& e) {
            log::ui()->warn("could not summarize {}: {}", path.toStdString(), e.what());
            return CaseSummary{};
        }
    }));
}

void MainWindow::showSummary(const CaseSummary& s) {
    overview_->setSummary(store_->path(), s);
    countsLabel_->setText(tr("%1 evidence files \u00b7 %2 events \u00b7 %3 channels scored")
                              .arg(s.evidence.size())
                              .arg(QLocale().toString(qint64(s.proxy + s.dns + s.sysmon + s.sensorConnections +
                                                             s.tlsSessions + s.sensorAlerts)))
                              .arg(QLocale().toString(qint64(s.alerts))));
}

void MainWindow::updateTaskStatus() {
    const int n = tasks_->runningCount();
    tasksLabel_->setText(n == 0 ? tr("No background tasks") : tr("%n background task(s) running", nullptr, n));
}

bool MainWindow::isImporting() const {
    return (job_ && job_->isRunning()) || !pending_.isEmpty();
}

void MainWindow::importFiles(const QStringList& paths) {
    QVector<ImportPlanItem> plan;
    for (const QString& p : expandImportPaths(paths)) {
        ImportPlanItem item;
        item.path = p;
        item.timeZone = caseTimeZone();
        plan << item; // format empty: the importer detects it
    }
    startImport(plan);
}

void MainWindow::previewImport(const QStringList& paths) {
    if (!store_ || paths.isEmpty()) {
        return;
    }
    auto* dialog = new ImportPreviewDialog(paths, caseTimeZone(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const QVector<ImportPlanItem> plan = dialog->plan();
        for (const ImportPlanItem& item : plan) {
            if (formatUsesLocalTime(item.format)) {
                setCaseTimeZone(item.timeZone);
                break;
            }
        }
        startImport(plan);
    });
    dialog->open();
}

void MainWindow::startImport(const QVector<ImportPlanItem>& plan) {
    if (!store_ || plan.isEmpty()) {
        return;
    }
    // One job per run of files that share a format and zone (ImportOptions are per job).
    for (const ImportPlanItem& item : plan) {
        ImportOptions o;
        o.format = item.format;
        o.sourceTimeZone =
            formatUsesLocalTime(item.format) || item.format.isEmpty() ? item.timeZone : QStringLiteral("UTC");
        if (!pending_.isEmpty() && pending_.last().options.format == o.format &&
            pending_.last().options.sourceTimeZone == o.sourceTimeZone) {
            pending_.last().paths << item.path;
        } else {
            pending_.append({{item.path}, o});
        }
        importTasks_.insert(item.path,
                            tasks_->addTask(tr("Import %1").arg(QFileInfo(item.path).fileName()), tr("records")));
    }
    updateTaskStatus();
    showView(QStringLiteral("import"));
    // One writer at a time: a scoring pass in progress finishes first, then the imports start.
    if ((!job_ || !job_->isRunning()) && !isScoring()) {
        results_.clear();
        startNextBatch();
    }
}

void MainWindow::startNextBatch() {
    if (pending_.isEmpty()) {
        return;
    }
    const ImportBatch batch = pending_.takeFirst();
    job_ = std::make_unique<ImportJob>(store_->path());
    connect(job_->worker(), &ImportWorker::progress, this, [this](const ImportProgress& p) {
        tasks_->updateTask(importTasks_.value(p.path), p.bytesRead, p.bytesTotal, p.records,
                           p.rejects ? tr("%n rejected", nullptr, int(p.rejects)) : QString());
    });
    connect(job_->worker(), &ImportWorker::fileFinished, this, [this](const ImportResult& r) {
        const bool ok = r.status == QLatin1String("imported") || r.status == QLatin1String("skipped-duplicate");
        const QString outcome = r.status == QLatin1String("imported")
                                    ? tr("%1 as %2: %3 records, %4 rejected")
                                          .arg(r.status, r.format, QLocale().toString(qint64(r.accepted)),
                                               QLocale().toString(qint64(r.rejected)))
                                    : r.message;
        tasks_->finishTask(importTasks_.take(r.path), outcome, ok && r.rejected == 0,
                           r.rejected > 0 ? r.evidenceId : 0);
        updateTaskStatus();
    });
    connect(job_->worker(), &ImportWorker::finished, this, &MainWindow::onImportFinished);
    connect(job_->worker(), &ImportWorker::failed, this, &MainWindow::onImportFailed);
    job_->start(batch.paths, batch.options);
    updateTaskStatus();
}

void MainWindow::onImportFailed(const QString& message) {
    // The worker could not open the case: nothing of this batch or the next was imported.
    for (auto it = importTasks_.begin(); it != importTasks_.end(); ++it) {
        tasks_->finishTask(it.value(), tr("not imported: %1").arg(message), false);
    }
    importTasks_.clear();
    pending_.clear();
    updateTaskStatus();
    auto* box = new QMessageBox(QMessageBox::Critical, tr("Import failed"), message, QMessageBox::Ok, this);
    box->setTextFormat(Qt::PlainText);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::onImportFinished(const QList<ImportResult>& results) {
    job_->wait(); // the worker has returned: its thread ends at once
    results_ += results;
    if (closing_) {
        pending_.clear();
        close();
        return;
    }
    if (!pending_.isEmpty()) {
        startNextBatch();
        return;
    }
    updateTaskStatus();
    refresh();
    queue_->reload();
    bool cancelled = false;
    bool added = false;
    for (const auto& r : results_) {
        cancelled = cancelled || r.status == QLatin1String("cancelled");
        added = added || r.status == QLatin1String("imported");
    }
    if (cancelled) {
        statusBar()->showMessage(tr("Import cancelled: the case is as it was before the cancelled file."), 8000);
    }
    emit importsFinished();
    if (added) {
        scoreAgain_.reset();        // a full pass covers whatever was asked for during the import
        scoreCase(ScoreMode::Full); // new evidence: channels change
    } else if (scoreAgain_) {
        const ScoreMode asked = *scoreAgain_;
        scoreAgain_.reset();
        scoreCase(asked); // e.g. a suppression changed while the import ran
    }
}

bool MainWindow::isScoring() const {
    return scoreJob_ && scoreJob_->isRunning();
}

void MainWindow::scoreCase(ScoreMode mode) {
    if (!store_) {
        return;
    }
    if (isScoring() || (job_ && job_->isRunning())) {
        // Full wins over Rescore: it reads the events again anyway.
        scoreAgain_ = scoreAgain_ == ScoreMode::Full ? ScoreMode::Full : mode;
        return;
    }
    scoreJob_ = std::make_unique<ScoreJob>(store_->path());
    scoreTask_ = tasks_->addTask(
        mode == ScoreMode::Full ? tr("Score the case") : tr("Re-score (weights and suppressions)"), tr("events"));
    connect(scoreJob_->worker(), &ScoreWorker::progress, this,
            [this](const ScoreProgress& p) { tasks_->updateTask(scoreTask_, p.done, p.total, p.done, p.phase); });
    connect(scoreJob_->worker(), &ScoreWorker::finished, this, &MainWindow::onScoreFinished);
    scoreJob_->start(mode);
    updateTaskStatus();
}

void MainWindow::onScoreFinished(const ScoreOutcome& o) {
    scoreJob_->wait();
    const bool ok = o.status == QLatin1String("done");
    tasks_->finishTask(scoreTask_,
                       ok ? tr("%1 channels from %2 events: %3 flagged, %4 suppressed")
                                .arg(QLocale().toString(o.channels), QLocale().toString(o.events),
                                     QLocale().toString(o.flagged), QLocale().toString(o.suppressed))
                          : o.message,
                       ok);
    updateTaskStatus();
    if (closing_) {
        close();
        return;
    }
    refresh();
    queue_->reload(); // in place: the analyst keeps their row
    detail_->refresh();
    if (suppressions_) {
        suppressions_->reload();
    }
    // New scores may mean new channels and members: the investigation views read the case again.
    charts_->setCase(store_->path());
    timeline_->setCase(store_->path());
    tree_->setCase(store_->path());
    if (const qint64 shown = investigatedAlert_) {
        investigatedAlert_ = 0;
        showInvestigation(shown);
    }
    emit scoringFinished(o);
    if (!pending_.isEmpty()) {
        results_.clear();
        startNextBatch();
    } else if (scoreAgain_) {
        const ScoreMode next = *scoreAgain_;
        scoreAgain_.reset();
        scoreCase(next);
    }
}

void MainWindow::suppressSimilar(const QStringList& channelKeys, const QString& justification) {
    if (!store_) {
        return;
    }
    int added = 0;
    for (const QString& key : channelKeys) {
        Statement st(store_->db(), "SELECT process_name, destination FROM alerts WHERE channel_key = ?");
        st.bind(1, key.toStdString());
        if (!st.step()) {
            continue;
        }
        scoring::SuppressionRule rule;
        rule.process = columnText(st, 0); // empty for an unattributed channel: then the destination alone
        rule.destination = columnText(st, 1);
        rule.reason = justification;
        try {
            scoring::addSuppression(*store_, rule);
            ++added;
        } catch (const std::exception& e) {
            QMessageBox box(QMessageBox::Warning, tr("Not suppressed"), QString::fromUtf8(e.what()), QMessageBox::Ok,
                            this);
            box.setTextFormat(Qt::PlainText);
            box.exec();
        }
    }
    if (added > 0) {
        statusBar()->showMessage(tr("%n suppression rule(s) added; re-scoring\u2026", nullptr, added), 8000);
        scoreCase(ScoreMode::Rescore);
    }
}

void MainWindow::showSuppressions() {
    if (!store_) {
        return;
    }
    if (!suppressions_) {
        suppressions_ = new SuppressionDialog(store_.get(), this);
        suppressions_->setAttribute(Qt::WA_DeleteOnClose);
        connect(suppressions_, &SuppressionDialog::changed, this, [this] { scoreCase(ScoreMode::Rescore); });
    }
    suppressions_->show();
    suppressions_->raise();
}

void MainWindow::chooseCase(bool create) {
    const QString path =
        create ? QFileDialog::getSaveFileName(this, tr("New case"), QString(), tr("socwb cases (*.socwb)"))
               : QFileDialog::getOpenFileName(this, tr("Open case"), QString(), tr("socwb cases (*.socwb)"));
    if (!path.isEmpty()) {
        openCase(create && !path.endsWith(QLatin1String(".socwb")) ? path + QStringLiteral(".socwb") : path);
    }
}

void MainWindow::chooseEvidence() {
    if (!store_) {
        chooseCase(true);
    }
    if (store_) {
        previewImport(QFileDialog::getOpenFileNames(this, tr("Import evidence")));
    }
}

void MainWindow::exportAlerts() {
    if (!store_) {
        return;
    }
    const QString out = QFileDialog::getSaveFileName(this, tr("Export alerts"), QString(), tr("CSV files (*.csv)"));
    if (out.isEmpty()) {
        return;
    }
    const int task = tasks_->addTask(tr("Export %1").arg(QFileInfo(out).fileName()), tr("rows"));
    updateTaskStatus();
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, task] {
        watcher->deleteLater();
        const QString outcome = watcher->result();
        tasks_->finishTask(task, outcome, !outcome.startsWith(QLatin1Char('!')));
        updateTaskStatus();
    });
    const AlertQuery q = queue_->model()->query();
    const QString path = store_->path();
    watcher->setFuture(QtConcurrent::run([path, q, out] {
        try {
            return tr("%n channel(s) written", nullptr, int(exportAlertsCsv(path, q, out)));
        } catch (const std::exception& e) {
            return QStringLiteral("! ") + QString::fromUtf8(e.what());
        }
    }));
}

void MainWindow::copySelection() {
    auto* view = qobject_cast<QTableView*>(QApplication::focusWidget());
    if (!view || !view->selectionModel()) {
        return;
    }
    QStringList lines;
    const QModelIndexList rows = view->selectionModel()->selectedRows();
    for (const QModelIndex& row : rows) {
        QStringList cells;
        for (int c = 0; c < view->model()->columnCount(); ++c) {
            if (!view->isColumnHidden(c)) {
                cells << row.sibling(row.row(), c).data().toString();
            }
        }
        lines << cells.join(QLatin1Char('\t'));
    }
    if (lines.isEmpty() && view->currentIndex().isValid()) {
        lines << view->currentIndex().data().toString();
    }
    QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
}

void MainWindow::showShortcuts() {
    QMessageBox box(QMessageBox::Information, tr("Keyboard shortcuts"),
                    tr("Alert queue\n"
                       "  j / k, \u2193 / \u2191   next / previous channel\n"
                       "  Enter   open the detail\n"
                       "  1   in review      2   benign (asks why)\n"
                       "  3   malicious      4   escalated      0   back to new\n"
                       "  n   note      t   tags      s   suppress similar (asks why)\n"
                       "  /  or  Ctrl+F   focus the filter; Enter applies it\n"
                       "Shift/Ctrl+click selects several channels: status, note and tags apply to all.\n\n"
                       "Window\n"
                       "  Ctrl+O open case   Ctrl+N new case   Ctrl+I import evidence\n"
                       "  Ctrl+E export alerts   Ctrl+L audit log   Ctrl+C copy rows"),
                    QMessageBox::Ok, this);
    box.setTextFormat(Qt::PlainText);
    box.exec();
}

void MainWindow::showAuditLog() {
    if (!store_) {
        return;
    }
    if (!audit_) {
        audit_ = new AuditLogDialog(store_->path(), this);
        audit_->setAttribute(Qt::WA_DeleteOnClose);
    }
    audit_->show();
    audit_->raise();
}

void MainWindow::showRejectedLines(qint64 evidenceId) {
    if (!store_) {
        return;
    }
    auto* d = new RejectedLinesDialog(store_->path(), evidenceId, this);
    d->setAttribute(Qt::WA_DeleteOnClose);
    d->show();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) {
        event->acceptProposedAction();
    }
}

void MainWindow::dropEvent(QDropEvent* event) {
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls()) {
        if (url.isLocalFile()) {
            paths << url.toLocalFile();
        }
    }
    if (paths.size() == 1 && paths.first().endsWith(QLatin1String(".socwb"))) {
        openCase(paths.first());
    } else if (store_) {
        previewImport(paths);
    } else {
        statusBar()->showMessage(tr("Open or create a case first, then drop evidence on it."), 8000);
    }
    event->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings s;
    s.setValue(QLatin1String(kGeometryKey), saveGeometry());
    s.setValue(QLatin1String(kStateKey), saveState(kLayoutVersion));
    if ((job_ && job_->isRunning()) || isScoring()) {
        // Rolling back a big import takes a moment: hide now, close when the worker has let go.
        closing_ = true;
        pending_.clear();
        scoreAgain_.reset();
        if (job_) {
            job_->cancel();
        }
        if (scoreJob_) {
            scoreJob_->cancel();
        }
        hide();
        event->ignore();
        return;
    }
    event->accept();
}

} // namespace socwb
