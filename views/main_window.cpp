#include "main_window.h"

#include "about_dialog.h"
#include "alert_detail_widget.h"
#include "alert_queue_dock.h"
#include "audit_log_dialog.h"
#include "case_overview_widget.h"
#include "case_report_writer.h"
#include "core/logging.h"
#include "core/recent_cases.h"
#include "core/resources.h"
#include "current_case.h"
#include "exercise_list_dialog.h"
#include "exercise_panel.h"
#include "fold_area.h"
#include "hunt_dialog.h"
#include "import_preview_dialog.h"
#include "ingest/import_worker.h"
#include "investigation_views.h"
#include "recent_cases_menu.h"
#include "rejected_lines_dialog.h"
#include "scoring/score_job.h"
#include "scoring/scoring_config.h"
#include "scoring/suppression_store.h"
#include "store/case_file.h"
#include "store/case_store.h"
#include "store/case_summary.h"
#include "store/statement.h"
#include "suppress_similar_dialog.h"
#include "suppression_dialog.h"
#include "tables/alert_export.h"
#include "tables/alert_table_model.h"
#include "tables/plain_text.h"
#include "tables/read_connection.h"
#include "task_panel.h"
#include "triage/triage_store.h"
#include "user_guide_dialog.h"

#include <algorithm>
#include <climits>

#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressDialog>
#include <QPushButton>
#include <QRegularExpression>
#include <QScopedValueRollback>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTime>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QtConcurrent/QtConcurrentRun>

#include <tuple>

namespace socwb {

namespace {
const char* kZonesKey = "caseTimeZones";
const char* kStateKey = "window/state";
const char* kGeometryKey = "window/geometry";
constexpr int kTaskDockFoldMs = 5000; // an idle task dock folds this long after the last task
constexpr int kLayoutVersion = 4;     // 4: investigation views fold to a line while the queue has the height
// Below these heights an investigation view folds (FoldArea): the charts' five plots need about
// 300 px to keep their axis labels, the timeline's lanes and table about 220, the tree about 160.
constexpr int kChartsReadable = 300;
constexpr int kTimelineReadable = 220;
constexpr int kTreeReadable = 160;
// The folded bottom area while the queue or the detail is raised: the dock's title, one line
// saying what is folded with its button, and the tabs (104 px left 24 px of air around the line
// at 1366x768, a row of the queue's).
constexpr int kFoldedBottom = 80;
// What the queue and the detail keep while an investigation view has the height: the queue's
// first rows and, in the detail, the title, the summary and the first reasons of "Why this score"
// (at 1366x768 the view's 70% left them 190 px: four queue rows and no reason at all).
constexpr int kTopKeeps = 300;
// The charts' five plots all show, the heat map's labels included, from about this height.
constexpr int kChartsComfortable = 500;

// The height an investigation view's dock takes out of H (the queue's and the bottom dock's
// together): seven tenths, less where that would leave the queue and the detail under kTopKeeps,
// but not under what the view shows comfortably (COMFORTABLE).
int investigationHeight(int h, int comfortable) {
    return std::min(int(h * 0.7), std::max(h - kTopKeeps, comfortable));
}

bool isInvestigationView(const QString& name) {
    return name == QLatin1String("intervals") || name == QLatin1String("timeline") ||
           name == QLatin1String("process-tree");
}

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
      countsLabel_(new QLabel(this)), tasksLabel_(new QToolButton(this)), watcher_(new CaseWatcher(this)),
      current_(new CurrentCase(this)) {
    registerImportMetaTypes();
    setWindowTitle(tr("socwb"));
    setAcceptDrops(true);
    setDockNestingEnabled(true);
    tasksLabel_->setAutoRaise(true);
    tasksLabel_->setToolTip(tr("Show or hide Imports and tasks"));
    connect(tasksLabel_, &QToolButton::clicked, this, [this] {
        auto* dock = findChild<QDockWidget*>(QStringLiteral("import"));
        dock->setVisible(!dock->isVisible());
        if (dock->isVisible()) {
            dock->raise();
        }
    });
    for (QLabel* l : {caseLabel_, countsLabel_}) {
        l->setTextFormat(Qt::PlainText);
    }
    statusBar()->addWidget(caseLabel_);
    countsLabel_->setObjectName(QStringLiteral("statusCounts"));
    statusBar()->addWidget(countsLabel_, 1);
    statusBar()->addPermanentWidget(tasksLabel_);
    buildMenus();
    buildDocks();
    buildOverrideBanner();
    // The case and the alert have one owner; the views follow it (issue 28).
    connect(current_, &CurrentCase::caseChanged, this, &MainWindow::followCase);
    connect(current_, &CurrentCase::alertChanged, this, [this](qint64 id) {
        detail_->showAlert(id);
        showInvestigation(id);
    });
    connect(queue_, &AlertQueueDock::alertActivated, this, [this](qint64 id) {
        current_->setAlert(id);
        visit(NavigationEntry{NavigationEntry::Intervals, id, -1, -1, 0, 0});
        showView(QStringLiteral("detail"));
    });
    connect(queue_, &AlertQueueDock::hiddenAlertChanged, detail_, &AlertDetailWidget::setHiddenAlert);
    connect(queue_, &AlertQueueDock::currentAlertChanged, this, [this](qint64 id) {
        if (id) {
            current_->setAlert(id);
            visit(NavigationEntry{NavigationEntry::Intervals, id, -1, -1, 0, 0});
        }
    });
    // Where the analyst goes in the investigation views is history too (issue 28: Back and Forward
    // never enabled): a brushed range, a process selected in the tree.
    connect(charts_, &IntervalChartsWidget::timeRangeSelected, this, [this](qint64 fromUs, qint64 toUs) {
        visit(NavigationEntry{NavigationEntry::Timeline, investigatedAlert_, -1, -1, fromUs, toUs});
    });
    connect(tree_, &ProcessTreeWidget::processSelected, this, [this](qint64 processId) {
        if (processId > 0) {
            visit(NavigationEntry{NavigationEntry::ProcessTree, investigatedAlert_, -1, processId, 0, 0});
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
        const QScopedValueRollback<bool> going(navigating_, true); // what follows is not a new visit
        if (e.alertId > 0) {
            current_->setAlert(e.alertId);
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
        watcher_->rebase(); // the window's own write, through the watched connection
        detail_->refresh();
        if (audit_) {
            audit_->reload();
        }
    });
    connect(queue_, &AlertQueueDock::triageApplied, this,
            [this](const QString& what, const QVector<TriageRecord>& before) {
                pushUndo(what, [this, what, before] {
                    TriageStore(*store_).restore(before, what);
                    queue_->reload();
                    detail_->refresh();
                });
            });
    connect(queue_, &AlertQueueDock::suppressRequested, this, &MainWindow::askSuppressSimilar);
    queue_->setWriteCheck([this] { return canWrite(); });
    connect(queue_, &AlertQueueDock::caseFailed, this,
            [this](const QString& message) { stopWriting(tr("writing a verdict failed (%1)").arg(message)); });
    connect(watcher_, &CaseWatcher::changedElsewhere, this, &MainWindow::onChangedElsewhere);
    connect(watcher_, &CaseWatcher::lost, this, &MainWindow::stopWriting);
    connect(tasks_, &TaskPanel::noteActionRequested, this, [this](int note) {
        if (note == failureNote_) {
            reopenCase();
        }
    });
    connect(detail_, &AlertDetailWidget::openViewRequested, this, [this](const QString& view) { showView(view); });
    connect(detail_, &AlertDetailWidget::exportRequestsRequested, this, [this](qint64 id) { exportRequests(id); });
    // "Open Sigma: …" on a channel's detail: the Sigma item in the queue and the detail.
    connect(detail_, &AlertDetailWidget::sigmaItemRequested, this, [this](qint64 id, const QString& key) {
        queue_->selectItem(key);
        current_->setAlert(id);
        visit(NavigationEntry{NavigationEntry::Intervals, id, -1, -1, 0, 0});
    });
    connect(overview_, &CaseOverviewWidget::rejectedLinesRequested, this, &MainWindow::showRejectedLines);
    connect(overview_, &CaseOverviewWidget::hostAlertsRequested, this, [this](const QString& host) {
        queue_->setFilterText(QStringLiteral("host:") + quoteFilterValue(host));
        showView(QStringLiteral("alerts"));
    });
    connect(tasks_, &TaskPanel::cancelRequested, this, [this](int task) {
        if (task == scoreTask_ && scoreJob_) {
            scoreJob_->cancel();
            return;
        }
        if (task == sigmaTask_ && sigmaCancel_) {
            sigmaCancel_->store(true);
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
    // First start (no saved geometry): 1400x900, or the screen's free area when that is smaller
    // (a 1366x768 laptop got a window wider and taller than its screen).
    const QSize first(1400, 900);
    resize(screen() ? first.boundedTo(screen()->availableGeometry().size()) : first);
    defaultState_ = saveState(kLayoutVersion);
}

MainWindow::~MainWindow() = default;

QStringList MainWindow::viewNames() {
    return {QStringLiteral("overview"),     QStringLiteral("alerts"),    QStringLiteral("detail"),
            QStringLiteral("import"),       QStringLiteral("intervals"), QStringLiteral("timeline"),
            QStringLiteral("process-tree"), QStringLiteral("exercise"),  QStringLiteral("grade")};
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
    caseActions_ << file->addAction(tr("&Export alerts (CSV, JSON)\u2026"), QKeySequence(tr("Ctrl+E")), this,
                                    [this] { exportAlerts(); });
    caseActions_ << file->addAction(tr("Export &hunt for the SIEM\u2026"), this, [this] {
        if (store_) {
            HuntDialog::showFor(this, store_->db(), detail_->alertId());
        }
    });
    file->addAction(tr("E&xercises\u2026"), this, [this] {
        ExerciseListDialog d(this);
        if (d.exec() == QDialog::Accepted && d.chosen()) {
            exercise_->start(*d.chosen());
        }
    });
    caseActions_ << file->addAction(tr("&Report\u2026"), this, [this] { exportReport(); });
    file->addSeparator();
    // The platform's Quit keys; a platform theme with none (the Windows scheme, Qt's offscreen and
    // minimal platforms) still gets Ctrl+Q, the key the keyboard help (F1) names.
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    const QList<QKeySequence> quitKeys = QKeySequence::keyBindings(QKeySequence::Quit);
    quit->setShortcuts(quitKeys.isEmpty() ? QList<QKeySequence>{QKeySequence(tr("Ctrl+Q"))} : quitKeys);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    undoAction_ = edit->addAction(tr("&Undo"), QKeySequence::Undo, this, [this] { undo(); });
    undoAction_->setEnabled(false);
    edit->addSeparator();
    edit->addAction(tr("&Copy"), QKeySequence::Copy, this, [this] { copySelection(); });
    edit->addAction(tr("&Find\u2026"), QKeySequence::Find, this, [this] { queue_->focusFilter(); });

    viewMenu_ = menuBar()->addMenu(tr("&View"));
    viewMenu_->setObjectName(QStringLiteral("viewMenu"));

    QMenu* caseMenu = menuBar()->addMenu(tr("&Case"));
    caseActions_ << caseMenu->addAction(tr("&Score now"), QKeySequence(tr("Ctrl+R")), this,
                                        [this] { scoreCase(ScoreMode::Full); });
    caseActions_ << caseMenu->addAction(tr("Run S&igma rules\u2026"), this, [this] { askSigmaRules(); });
    caseActions_ << caseMenu->addAction(tr("S&uppressions\u2026"), this, [this] { showSuppressions(); });
    caseActions_ << caseMenu->addAction(tr("&Audit log\u2026"), QKeySequence(tr("Ctrl+L")), this,
                                        [this] { showAuditLog(); });
    caseMenu->addSeparator();
    reopenAction_ = caseMenu->addAction(tr("&Reopen case"), this, [this] { reopenCase(); });
    reopenAction_->setEnabled(false); // only after the window closed a case because of a problem
    // What needs a case is greyed while none is open (it did nothing when chosen); Import evidence
    // stays, as it offers to create one.
    for (QAction* a : std::as_const(caseActions_)) {
        a->setEnabled(false);
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard shortcuts"), QKeySequence::HelpContents, this, [this] { showShortcuts(); });
    help->addAction(tr("&User guide"), this, [this] { UserGuideDialog(this).exec(); });
    help->addAction(tr("&About socwb"), this, [this] { AboutDialog(this).exec(); });
}

// The queue and the detail are the centre; the investigation views share one tabbed area below
// them (raised, it takes most of the height); imports and tasks are a status-bar button while
// idle, and a dock beside the investigation views while something runs or failed (issue 18).
void MainWindow::buildDocks() {
    auto* overviewDock = makeDock(this, QStringLiteral("overview"), tr("Case explorer"), overview_);
    auto* detailDock = makeDock(this, QStringLiteral("detail"), tr("Alert detail"), detail_);
    auto* taskDock = makeDock(this, QStringLiteral("import"), tr("Imports and tasks"), tasks_);
    // Training mode: a tab beside the case explorer, shown once a trainee's case is open.
    exercise_ = new ExercisePanel(this);
    auto* exerciseDock = makeDock(this, QStringLiteral("exercise"), tr("Exercise"), exercise_);
    connect(this, &MainWindow::caseLoaded, exercise_, [this, exerciseDock] {
        exercise_->followCase();
        exerciseDock->setVisible(exercise_->hasExercise());
        if (exercise_->hasExercise()) {
            exerciseDock->raise();
        }
    });
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::TopLeftCorner, Qt::LeftDockWidgetArea);
    addDockWidget(Qt::LeftDockWidgetArea, overviewDock);
    tabifyDockWidget(overviewDock, exerciseDock);
    exerciseDock->hide();
    overviewDock->raise();
    addDockWidget(Qt::RightDockWidgetArea, queue_);
    splitDockWidget(queue_, detailDock, Qt::Horizontal);
    QDockWidget* first = nullptr;
    for (auto [name, title, body, readable] :
         {std::tuple{"intervals", tr("Polling intervals"), static_cast<QWidget*>(charts_), kChartsReadable},
          std::tuple{"timeline", tr("Host timeline"), static_cast<QWidget*>(timeline_), kTimelineReadable},
          std::tuple{"process-tree", tr("Process tree"), static_cast<QWidget*>(tree_), kTreeReadable}}) {
        // Lower than it needs, the view folds to a line with a button that raises it, rather than
        // squeezing the charts to a strip above the queue's rows (issue 18).
        auto* area = new FoldArea(body, title, readable, this);
        const QString view = QString::fromLatin1(name);
        connect(area, &FoldArea::showRequested, this, [this, view] { showView(view); });
        auto* dock = makeDock(this, view, title, area);
        if (!first) {
            addDockWidget(Qt::BottomDockWidgetArea, dock);
            first = dock;
        } else {
            tabifyDockWidget(first, dock);
        }
    }
    addDockWidget(Qt::BottomDockWidgetArea, taskDock);
    splitDockWidget(first, taskDock, Qt::Horizontal);
    taskDock->hide();
    first->raise();
    QToolBar* nav = addToolBar(tr("Navigation"));
    nav->setObjectName(QStringLiteral("navigation"));
    nav->addAction(history_->createBackAction(this));
    nav->addAction(history_->createForwardAction(this));
    for (QDockWidget* d : findChildren<QDockWidget*>()) {
        viewMenu_->addAction(d->toggleViewAction());
    }
    viewMenu_->addSeparator();
    viewMenu_->addAction(tr("&Reset layout"), this, [this] { resetLayout(); });
    resizeDocks({overviewDock, queue_, detailDock}, {260, 640, 500}, Qt::Horizontal);
    resizeDocks({queue_, first}, {900 - kFoldedBottom, kFoldedBottom}, Qt::Vertical);
    resizeDocks({first, taskDock}, {900, 400}, Qt::Horizontal);
}

// A case can carry its own scoring settings (a case received from someone else can set weights to
// zero and hide channels): a banner over the queue says what it overrides, with View and Drop.
void MainWindow::buildOverrideBanner() {
    overrideBanner_ = new QFrame(this);
    overrideBanner_->setObjectName(QStringLiteral("overrideBanner"));
    overrideBanner_->setFrameShape(QFrame::StyledPanel);
    overrideBanner_->setStyleSheet(
        QStringLiteral("#overrideBanner { background: #fff4e5; border: 1px solid #e6a23c; }"));
    auto* row = new QHBoxLayout(overrideBanner_);
    row->setContentsMargins(6, 3, 6, 3);
    overrideText_ = new QLabel(overrideBanner_);
    overrideText_->setTextFormat(Qt::PlainText);
    overrideText_->setWordWrap(true);
    auto* view = new QPushButton(tr("View\u2026"), overrideBanner_);
    auto* drop = new QPushButton(tr("Drop override\u2026"), overrideBanner_);
    connect(view, &QPushButton::clicked, this, &MainWindow::showOverride);
    connect(drop, &QPushButton::clicked, this, &MainWindow::dropOverride);
    row->addWidget(overrideText_, 1);
    row->addWidget(view);
    row->addWidget(drop);
    queue_->addBanner(overrideBanner_);
    overrideBanner_->hide();
}

// The bottom views are tabs of QMainWindow's own tab bars (made as docks are tabified or a layout
// is restored). Clicking a folded view's tab is asking for that view: it gets the height, as its
// "Show ..." button gives it, rather than raising a folded line that needs a second click.
void MainWindow::childEvent(QChildEvent* event) {
    QMainWindow::childEvent(event);
    if (event->type() != QEvent::ChildPolished) {
        return;
    }
    auto* bar = qobject_cast<QTabBar*>(event->child());
    if (!bar || bar->property("socwbFoldClicks").toBool()) {
        return;
    }
    bar->setProperty("socwbFoldClicks", true);
    connect(bar, &QTabBar::tabBarClicked, this, [this, bar](int index) {
        // After the press: the bar makes the tab current first, then the view takes the height. A
        // view never shown before has not folded yet when its tab is pressed (it folds as it shows,
        // at the folded height); so whether it is folded is asked once it shows. A view raised at
        // another's height below its own minimum (the charts at the tree's 380 px at 1366x768, the
        // heat map scrolled away) takes its height too; one that fits keeps what it has.
        QTimer::singleShot(0, this, [this, title = bar->tabText(index)] {
            for (auto* dock : findChildren<QDockWidget*>()) {
                auto* area = qobject_cast<FoldArea*>(dock->widget());
                if (area && dock->windowTitle() == title && (area->isFolded() || area->isCramped())) {
                    showView(dock->objectName());
                    return;
                }
            }
        });
    });
}

// The height investigation view NAME shows comfortably in: the charts need their five plots,
// the timeline and the tree what keeps them readable (their FoldArea's), with the dock's title.
int MainWindow::comfortableHeight(const QString& name) const {
    if (name == QLatin1String("intervals")) {
        return kChartsComfortable;
    }
    const auto* dock = findChild<QDockWidget*>(name);
    const auto* area = dock ? qobject_cast<const FoldArea*>(dock->widget()) : nullptr;
    return area ? area->readableHeight() + 30 : 0;
}

QDockWidget* MainWindow::currentBottomDock() const {
    const QList<QDockWidget*> tabs = {findChild<QDockWidget*>(QStringLiteral("intervals")),
                                      findChild<QDockWidget*>(QStringLiteral("timeline")),
                                      findChild<QDockWidget*>(QStringLiteral("process-tree"))};
    for (auto* dock : tabs) {
        if (isCurrentTab(dock)) {
            return dock;
        }
    }
    for (auto* dock : tabs) { // not tabbed (a restored layout may split them): the first that shows
        if (dock && dock->isVisible()) {
            return dock;
        }
    }
    return tabs.first();
}

bool MainWindow::isCurrentTab(const QDockWidget* dock) const {
    for (auto* bar : findChildren<QTabBar*>(Qt::FindDirectChildrenOnly)) {
        if (dock && bar->isVisible() && bar->currentIndex() >= 0 &&
            bar->tabText(bar->currentIndex()) == dock->windowTitle()) {
            return true;
        }
    }
    return false;
}

bool MainWindow::restoreLayout() {
    QSettings s;
    restoreGeometry(s.value(QLatin1String(kGeometryKey)).toByteArray());
    return restoreState(s.value(QLatin1String(kStateKey)).toByteArray(), kLayoutVersion);
}

void MainWindow::emphasizeView(const QString& name) {
    auto* overview = findChild<QDockWidget*>(QStringLiteral("overview"));
    auto* detail = findChild<QDockWidget*>(QStringLiteral("detail"));
    auto* bottom = findChild<QDockWidget*>(QStringLiteral("intervals"));
    const int w = width();
    // The height the queue and the bottom docks share, once they are laid out (the window's before).
    const QDockWidget* shown = currentBottomDock();
    const int h = shown && queue_->height() > 0 && shown->height() > 0 ? queue_->height() + shown->height() : height();
    // Shares of the width (explorer, queue, detail), and the height given to the bottom docks: the
    // folded line while the queue or the detail is the work, most of it for an investigation view.
    double left = 0.15, middle = 0.5;
    int bottomHeight = kFoldedBottom;
    if (name == QLatin1String("detail")) {
        left = 0.13, middle = 0.4;
    } else if (name == QLatin1String("import")) {
        bottomHeight = int(h * 0.36);
    } else if (isInvestigationView(name)) {
        bottomHeight = investigationHeight(h, comfortableHeight(name)); // the charts need the height
    } else if (name == QLatin1String("overview")) {
        left = 0.4, middle = 0.34;
    } else if (name == QLatin1String("exercise") || name == QLatin1String("grade")) {
        left = 0.36, middle = 0.36;
    }
    resizeDocks({overview, queue_, detail}, {int(w * left), int(w * middle), int(w * (1 - left - middle))},
                Qt::Horizontal);
    resizeDocks({queue_, bottom}, {h - bottomHeight, bottomHeight}, Qt::Vertical);
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
    if (name == QLatin1String("exercise") || name == QLatin1String("grade")) {
        auto* dock = findChild<QDockWidget*>(QStringLiteral("exercise"));
        dock->show();
        dock->raise();
        exercise_->tabs()->setCurrentIndex(name == QLatin1String("grade") && exercise_->result() ? 1 : 0);
        return true;
    }
    // Raised, an investigation view takes most of the height; the queue or the detail take it back.
    // The bottom area is the tab that shows, as its tab bar says (the other tabs' docks keep stale
    // geometry, and resizing one of them did nothing: the timeline's "Show" left it folded). Asked
    // for, an investigation view becomes the current tab first, then takes the height.
    QDockWidget* bottom = isInvestigationView(name) ? findChild<QDockWidget*>(name) : currentBottomDock();
    if (isInvestigationView(name)) {
        bottom->show();
        bottom->raise();
    }
    const int h = queue_->height() + bottom->height();
    if (const int wanted = isInvestigationView(name) ? investigationHeight(h, comfortableHeight(name)) : 0;
        bottom->isVisible() && isInvestigationView(name) && bottom->height() < wanted - kFoldedBottom / 2) {
        resizeDocks({queue_, bottom}, {h - wanted, wanted}, Qt::Vertical);
    } else if (bottom->isVisible() && (name == QLatin1String("alerts") || name == QLatin1String("detail")) &&
               bottom->height() > h * 0.45) {
        resizeDocks({queue_, bottom}, {h - kFoldedBottom, kFoldedBottom}, Qt::Vertical); // folds it
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
    // The zone the analyst chose before in this case; none assumed (issue 28: asked, never preset).
    return store_ ? QSettings().value(QLatin1String(kZonesKey)).toMap().value(store_->path()).toString() : QString();
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
    if (isScoring()) {
        // Its results belong to the case it started on: asked first, then cancelled and waited for.
        QMessageBox ask(QMessageBox::Question, tr("Scoring running"),
                        tr("%1 is being scored. Stop that scoring pass (its previous scores are kept) and open %2?")
                            .arg(QFileInfo(store_->path()).fileName(), QFileInfo(path).fileName()),
                        QMessageBox::Yes | QMessageBox::No, this);
        ask.setTextFormat(Qt::PlainText);
        ask.setDefaultButton(QMessageBox::No);
        if (ask.exec() != QMessageBox::Yes) {
            return false;
        }
        stopScoring(tr("stopped: another case was opened; the previous scores are kept"));
    }
    const int firstTask = tasks_->nextId();
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
    const QString previous = store_ ? QFileInfo(store_->path()).fileName() : QString();
    closeCase(); // the previous one, checkpointed: its file alone holds its work
    store_ = std::move(opened);
    // The previous case's finished task rows go (a "Rejected lines…" button would open its rejects
    // against this case); the rows of this opening (an upgrade) stay.
    tasks_->forgetCase(firstTask, previous);
    // The window's own writes (triage, suppressions) are small; while an import or a scoring pass
    // holds the write lock they give up after a moment and say so, rather than freeze the window
    // for the store's default five seconds.
    sqlite3_busy_timeout(store_->db(), 250);
    watcher_->watch(store_.get());
    if (!lostPath_.isEmpty() && failureNote_) {
        tasks_->showNote(failureNote_, tr("%1 reopened").arg(QFileInfo(lostPath_).fileName()),
                         tr("Closed after a problem, reopened at %1: the views show what the file holds.")
                             .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss"))),
                         false);
        failureNote_ = 0; // a later problem gets a row of its own
    }
    lostPath_.clear();
    reopenAction_->setEnabled(false);
    outsideNote_ = 0;
    outsideCount_ = 0;
    caseLabel_->setStyleSheet(QString());
    current_->setCase(store_->path());
    setWindowTitle(tr("%1 \u2014 socwb").arg(QFileInfo(path).fileName()));
    caseLabel_->setText(QFileInfo(path).fileName());
    updateOverrideBanner();
    RecentCases().add(QFileInfo(path).absoluteFilePath());
    overview_->setLoading(path);
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
    tasks_->setCaseState(QFileInfo(store_->path()).fileName(), static_cast<int>(s.evidence.size()), s.alerts);
    const qint64 events = s.proxy + s.dns + s.sysmon + s.sensorConnections + s.tlsSessions + s.sensorAlerts;
    countsLabel_->setText(QStringList{tr("%Ln evidence file(s)", nullptr, static_cast<int>(s.evidence.size())),
                                      tr("%Ln event(s)", nullptr, static_cast<int>(std::min<qint64>(events, INT_MAX))),
                                      tr("%Ln channel(s) scored", nullptr, static_cast<int>(s.alerts))}
                              .join(QStringLiteral(" \u00b7 ")));
}

void MainWindow::updateTaskStatus() {
    const int n = tasks_->runningCount();
    tasksLabel_->setText(n == 0 ? tr("No background tasks") : tr("%n background task(s) running", nullptr, n));
    // The task dock opens while something runs or failed; idle and fine, it folds back into the
    // status bar a moment after the last task ended.
    if (auto* dock = findChild<QDockWidget*>(QStringLiteral("import"))) {
        if (n > 0 || tasks_->problemCount() > 0) {
            if (!dock->isVisible()) {
                tabBeforeTasks_ = currentBottomDock();
                dock->show();
                tasksShownByWork_ = true;
            }
        } else if (tasksShownByWork_) {
            QTimer::singleShot(kTaskDockFoldMs, this, [this, dock] { foldTaskDock(dock); });
        }
    }
    // This window's own imports, scoring passes and Sigma runs commit on their own connections: not
    // news.
    watcher_->setOwnWork((job_ && job_->isRunning()) || isScoring() || isRunningSigma());
}

// Folds the idle task dock, but not from under the analyst: while the pointer is over it or
// focus is in it (reading an outcome, selecting its text), it waits for another moment.
void MainWindow::foldTaskDock(QDockWidget* dock) {
    if (tasks_->runningCount() != 0 || tasks_->problemCount() != 0 || !tasksShownByWork_) {
        return;
    }
    const QWidget* focus = QApplication::focusWidget();
    if (dock->underMouse() || (focus && dock->isAncestorOf(focus))) {
        QTimer::singleShot(kTaskDockFoldMs, this, [this, dock] { foldTaskDock(dock); });
        return;
    }
    // The tasks are a tab beside the investigation views (splitDockWidget tabs a dock beside a
    // tabbed one): hidden while current, the tab bar would show its next tab (the timeline), not
    // the one the analyst had before the import opened it.
    const bool current = isCurrentTab(dock);
    dock->hide();
    tasksShownByWork_ = false;
    if (current && tabBeforeTasks_ && tabBeforeTasks_->isVisible()) {
        tabBeforeTasks_->raise();
    }
}

void MainWindow::reloadInvestigation() {
    charts_->setCase(store_->path());
    timeline_->setCase(store_->path());
    tree_->setCase(store_->path());
    if (const qint64 shown = investigatedAlert_) {
        investigatedAlert_ = 0;
        showInvestigation(shown);
    }
}

void MainWindow::onChangedElsewhere(const CaseChange& change) {
    if (!store_) {
        return;
    }
    ++outsideCount_;
    QString text = tr("%1 at %2; the views show it now")
                       .arg(change.describe(), QTime::currentTime().toString(QStringLiteral("HH:mm:ss")));
    if (change.unscored) {
        text += tr(". The new evidence is not scored yet: Case \u2192 Score now (Ctrl+R)");
    }
    if (outsideCount_ > 1) {
        text += tr(". %1 changes by other programs since the case was opened").arg(outsideCount_);
    }
    outsideNote_ = tasks_->showNote(outsideNote_, tr("Changed by another program"), text, false);
    statusBar()->showMessage(tr("Another program changed the case: %1; the views show it now (see Imports and tasks)")
                                 .arg(change.describe()),
                             10000);
    refresh();
    queue_->reload(); // in place: the analyst keeps their row
    detail_->refresh();
    if (suppressions_) {
        suppressions_->reload();
    }
    if (audit_) {
        audit_->reload();
    }
    if (change.evidenceAdded > 0 || change.rescored) {
        reloadInvestigation();
    }
    updateOverrideBanner(); // socwb-cli score --config may have set or dropped one
    emit caseChangedElsewhere(change);
}

void MainWindow::updateOverrideBanner() {
    QString line;
    if (store_) {
        try {
            line = scoring::caseOverrideLine(store_->db());
        } catch (const std::exception& e) {
            log::ui()->warn("could not read the scoring override: {}", e.what());
        }
    }
    overrideText_->setText(line);
    overrideBanner_->setVisible(!line.isEmpty());
}

void MainWindow::showOverride() {
    if (!store_) {
        return;
    }
    QMessageBox box(
        QMessageBox::Information, tr("Scoring override"),
        tr("%1\n\nThe override as stored in the case (it replaces these keys of the shipped "
           "resources/scoring/scoring.yaml):\n\n%2")
            .arg(overrideText_->text(), visibleText(QString::fromUtf8(scoring::caseOverride(store_->db())))),
        QMessageBox::Ok, this);
    box.setTextFormat(Qt::PlainText);
    box.exec();
}

void MainWindow::dropOverride() {
    if (!canWrite()) {
        return;
    }
    QMessageBox ask(QMessageBox::Question, tr("Drop the scoring override"),
                    tr("Remove this case's own scoring settings and re-score with the shipped ones? The removal is "
                       "recorded in the audit log."),
                    QMessageBox::Yes | QMessageBox::No, this);
    ask.setTextFormat(Qt::PlainText);
    if (ask.exec() != QMessageBox::Yes) {
        return;
    }
    try {
        scoring::dropCaseOverride(*store_);
    } catch (const SqlError& e) {
        if (case_file::isStorageFailure(e.code())) {
            stopWriting(tr("dropping the scoring override failed (%1)").arg(QString::fromUtf8(e.what())));
            return;
        }
        QMessageBox box(QMessageBox::Warning, tr("Override kept"), QString::fromUtf8(e.what()), QMessageBox::Ok, this);
        box.setTextFormat(Qt::PlainText);
        box.exec();
        return;
    }
    watcher_->rebase(); // the window's own write
    updateOverrideBanner();
    scoreCase(ScoreMode::Rescore);
}

bool MainWindow::canWrite() {
    return store_ && watcher_->checkFiles().isEmpty(); // a failed check has closed the case
}

void MainWindow::cancelWork() {
    pending_.clear();
    scoreAgain_.reset();
    if (job_) {
        job_->cancel();
    }
    if (scoreJob_) {
        scoreJob_->cancel();
    }
}

void MainWindow::closeCaseViews() {
    current_->setCase(QString());
    ++refreshGeneration_; // a summary on its way is of the closed case
    overview_->setSummary(QString(), CaseSummary{});
    tasks_->setCaseState(QString(), 0, 0);
    countsLabel_->clear();
    overrideBanner_->hide();
}

// Every view, dock and dialog of the case follows the one owner: emptied when the case closes,
// pointed at the new one when another opens. Nothing of the previous case stays on screen.
void MainWindow::followCase(const QString& path) {
    for (QAction* a : std::as_const(caseActions_)) {
        a->setEnabled(!path.isEmpty());
    }
    queue_->setCase(path.isEmpty() ? nullptr : store_.get());
    detail_->setCase(path);
    charts_->setCase(path);
    timeline_->setCase(path);
    tree_->setCase(path);
    investigatedAlert_ = 0;
    investigationPending_ = 0;
    history_->clear(); // Back must not lead into the previous case
    undo_.clear();
    updateUndoAction();
    if (audit_) {
        audit_->close();
    }
    if (suppressions_) {
        suppressions_->close();
    }
    for (auto* d : findChildren<RejectedLinesDialog*>()) {
        d->close();
    }
}

// What SQLite wrote since the files went may be in deleted files, and every connection this
// process still has to the case may see that, not the file. So: no more writes, every view closed,
// and the analyst told what happened and how to go on.
void MainWindow::stopWriting(const QString& what) {
    if (!store_) {
        return;
    }
    const QString path = store_->path();
    const QString name = QFileInfo(path).fileName();
    const QString since = watcher_->lastIntact().toString(QStringLiteral("HH:mm:ss"));
    lostPath_ = path;
    watcher_->watch(nullptr);
    cancelWork();
    closeCaseViews();
    store_.reset();
    const QString recover =
        QFileInfo::exists(path)
            ? tr("To go on, reopen it (Case \u2192 Reopen case): the window then shows what the file holds; check "
                 "your last verdicts.")
            : tr("The file is not there any more: put it back (from a copy or backup), then Case \u2192 Reopen case.");
    const QString message =
        tr("%1: %2.\nThe window stopped writing to the case and closed it, so that nothing it shows can differ from "
           "what is stored. Your latest changes may be missing from the file (its files were last seen as opened at "
           "%3). %4")
            .arg(name, what, since, recover);
    log::ui()->error("stopped writing to {}: {}", path.toStdString(), what.toStdString());
    failureNote_ = tasks_->showNote(failureNote_, tr("%1 closed").arg(name), message, true, tr("Reopen case"));
    statusBar()->clearMessage(); // the label below says it now
    caseLabel_->setText(tr("%1 \u2014 closed after a problem (see Imports and tasks)").arg(name));
    caseLabel_->setStyleSheet(QStringLiteral("color: #c62828;"));
    reopenAction_->setEnabled(true);
    showView(QStringLiteral("import"));
    auto* box = new QMessageBox(QMessageBox::Critical, tr("Case closed"), message, QMessageBox::Ok, this);
    box->setTextFormat(Qt::PlainText);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    emit stoppedWriting(message);
}

void MainWindow::reopenCase() {
    if (lostPath_.isEmpty()) {
        return;
    }
    // A connection this process still has to the old files (a worker finishing, a view's thread
    // letting go) would hand a new one the state of the deleted -shm: wait until all are closed.
    if (case_file::openConnections(lostPath_) > 0) {
        if (++reopenTries_ <= 50) {
            QTimer::singleShot(100, this, &MainWindow::reopenCase);
            return;
        }
        statusBar()->showMessage(tr("A task still holds the case's old files; try again when it has finished."), 8000);
        reopenTries_ = 0;
        return;
    }
    reopenTries_ = 0;
    if (!QFileInfo::exists(lostPath_)) {
        // open() would make a new, empty case in its place.
        QMessageBox box(QMessageBox::Warning, tr("Case not reopened"),
                        tr("%1 is not there. Put it back, then reopen it.").arg(lostPath_), QMessageBox::Ok, this);
        box.setTextFormat(Qt::PlainText);
        box.exec();
        return;
    }
    openCase(lostPath_);
}

bool MainWindow::isImporting() const {
    return (job_ && job_->isRunning()) || !pending_.isEmpty();
}

void MainWindow::importFiles(const QStringList& paths, const QString& timeZone) {
    QVector<ImportPlanItem> plan;
    for (const QString& p : expandImportPaths(paths)) {
        ImportPlanItem item;
        item.path = p;
        item.timeZone = timeZone; // empty: a local-time log is refused, naming the preview
        plan << item;             // format empty: the importer detects it
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
    // A case file deleted or replaced since it was opened is found here, before anything runs, not
    // by whichever of the watcher's timer and the import's own connection comes first (issue 28).
    if (plan.isEmpty() || !canWrite()) {
        return;
    }
    // One job per run of files that share a format and zone (ImportOptions are per job).
    for (const ImportPlanItem& item : plan) {
        ImportOptions o;
        o.format = item.format;
        o.memberFormats = item.memberFormats; // an archive's members as the preview left them
        o.sourceTimeZone =
            formatUsesLocalTime(item.format) || item.format.isEmpty() ? item.timeZone : QStringLiteral("UTC");
        if (!pending_.isEmpty() && pending_.last().options.format == o.format &&
            pending_.last().options.sourceTimeZone == o.sourceTimeZone && o.memberFormats.isEmpty() &&
            pending_.last().options.memberFormats.isEmpty()) {
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
    if (!canWrite()) { // stopWriting() has said why and dropped what waited
        pending_.clear();
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
    canWrite(); // a case file deleted or replaced: the window stops writing and says so
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
    for (const auto& r : results_) {
        if (r.status == QLatin1String("failed") && case_file::mentionsStorageFailure(r.message)) {
            stopWriting(tr("an import failed (%1)").arg(r.message));
            break;
        }
    }
    if (!canWrite()) {
        emit importsFinished();
        return;
    }
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

// Until the pass reported its outcome: its thread may still checkpoint the pass's pages into the
// case file (off the analyst's wait), which blocks no reader and no writer.
bool MainWindow::isScoring() const {
    return scoreJob_ && scoreJob_->isRunning() && !scoreJob_->hasReported();
}

void MainWindow::scoreCase(ScoreMode mode) {
    if (!canWrite()) {
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

bool MainWindow::isRunningSigma() const {
    return sigmaWatcher_ && sigmaWatcher_->isRunning();
}

void MainWindow::askSigmaRules() {
    if (!canWrite()) {
        return;
    }
    QMessageBox ask(QMessageBox::Question, tr("Run Sigma rules"),
                    tr("Run the bundled Sigma rules over the case, or those and a folder of your own rules "
                       "(its subfolders included)? Hits already stored for the same rules are replaced."),
                    QMessageBox::Cancel, this);
    ask.setTextFormat(Qt::PlainText);
    QPushButton* bundled = ask.addButton(tr("Bundled rules"), QMessageBox::AcceptRole);
    QPushButton* folder = ask.addButton(tr("Bundled and a folder\u2026"), QMessageBox::AcceptRole);
    ask.setDefaultButton(bundled);
    ask.exec();
    if (ask.clickedButton() == bundled) {
        runSigmaRules({});
    } else if (ask.clickedButton() == folder) {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("A folder of Sigma rules"));
        if (!dir.isEmpty()) {
            runSigmaRules({dir});
        }
    }
}

void MainWindow::runSigmaRules(const QStringList& folders) {
    if (!canWrite() || isRunningSigma()) {
        return;
    }
    sigmaCancel_ = std::make_shared<std::atomic<bool>>(false);
    sigmaTask_ =
        tasks_->addTask(folders.isEmpty() ? tr("Sigma rules (bundled)")
                                          : tr("Sigma rules (bundled and %1)").arg(folders.join(QStringLiteral(", "))),
                        tr("rules"));
    tasks_->updateTask(sigmaTask_, 0, 0, 0, tr("compiling and running"));
    auto* watcher = new QFutureWatcher<sigma::SigmaCaseRun>(this);
    sigmaWatcher_ = watcher;
    connect(watcher, &QFutureWatcher<sigma::SigmaCaseRun>::finished, this, [this, watcher] {
        watcher->deleteLater();
        onSigmaFinished(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([path = store_->path(), folders, cancel = sigmaCancel_] {
        return sigma::runSigmaOnCase(path, folders, cancel.get());
    }));
    updateTaskStatus();
}

void MainWindow::onSigmaFinished(const sigma::SigmaCaseRun& run) {
    const QLocale l;
    const QString outcome = run.ok ? tr("%1 rules: %2 compiled, %3 unsupported; %4 hits in %5 s")
                                         .arg(l.toString(run.rules), l.toString(run.compiled),
                                              l.toString(run.rules - run.compiled), l.toString(qint64(run.hits)))
                                         .arg(run.seconds, 0, 'f', 1)
                                   : run.error;
    tasks_->finishTask(sigmaTask_, outcome, run.ok);
    sigmaTask_ = -1;
    // The task panel folds away a moment after the last task: the outcome stays in the status bar
    // a while longer.
    statusBar()->showMessage(tr("Sigma rules: %1").arg(outcome), 30000);
    updateTaskStatus();
    if (closing_) {
        return;
    }
    if (run.ok && store_) {
        queue_->reload();
        detail_->refresh();
    }
    if (run.ok && !run.unsupported.isEmpty()) {
        // Not run is not "no hits": say which rules and why, as plain text, without blocking.
        auto* box = new QMessageBox(QMessageBox::Information, tr("Sigma rules not run"),
                                    tr("%n rule(s) could not be compiled for this case and were not run. "
                                       "Show Details for each rule's reason.",
                                       nullptr, static_cast<int>(run.unsupported.size())),
                                    QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("sigmaUnsupported"));
        box->setTextFormat(Qt::PlainText);
        box->setDetailedText(run.unsupported.join(QLatin1Char('\n')));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
    emit sigmaFinished(run);
}

void MainWindow::visit(const NavigationEntry& entry) {
    if (!navigating_) {
        history_->visit(entry);
    }
}

void MainWindow::stopScoring(const QString& outcome) {
    if (!scoreJob_) {
        return;
    }
    scoreJob_->worker()->disconnect(this); // nothing of it reaches the next case
    scoreJob_.reset();                     // cancels, ends its thread and waits for it
    tasks_->finishTask(scoreTask_, outcome, false);
    scoreAgain_.reset();
    updateTaskStatus();
}

void MainWindow::onScoreFinished(const ScoreOutcome& o) {
    // Not waited for: the job's thread checkpoints now. A next pass (scoreAgain_) replaces the job,
    // which waits for that checkpoint first.
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
    if (store_ && !ok && (case_file::mentionsStorageFailure(o.message) || !canWrite())) {
        stopWriting(tr("scoring failed (%1)").arg(o.message));
    }
    if (!store_) { // closed after a problem
        emit scoringFinished(o);
        return;
    }
    refresh();
    queue_->reload(); // in place: the analyst keeps their row
    detail_->refresh();
    if (suppressions_) {
        suppressions_->reload();
    }
    // New scores may mean new channels and members: the investigation views read the case again.
    reloadInvestigation();
    updateOverrideBanner();
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

void MainWindow::askSuppressSimilar(const QStringList& channelKeys) {
    if (!canWrite() || channelKeys.isEmpty()) {
        return;
    }
    SuppressSimilarDialog d(store_->db(), channelKeys, this);
    if (d.exec() == QDialog::Accepted) {
        suppressSimilar(channelKeys, d.reason(), d.scope());
    }
}

void MainWindow::suppressSimilar(const QStringList& channelKeys, const QString& justification,
                                 scoring::SuppressScope scope) {
    if (!canWrite()) {
        return;
    }
    int added = 0;
    QVector<qint64> ids;
    for (scoring::SuppressionRule rule : scoring::similarRules(store_->db(), channelKeys, scope)) {
        rule.reason = justification;
        try {
            ids << scoring::addSuppression(*store_, rule);
            ++added;
        } catch (const SqlError& e) {
            if (case_file::isStorageFailure(e.code())) {
                stopWriting(tr("writing a suppression failed (%1)").arg(QString::fromUtf8(e.what())));
                return;
            }
            QMessageBox box(QMessageBox::Warning, tr("Not suppressed"), QString::fromUtf8(e.what()), QMessageBox::Ok,
                            this);
            box.setTextFormat(Qt::PlainText);
            box.exec();
        } catch (const std::exception& e) {
            QMessageBox box(QMessageBox::Warning, tr("Not suppressed"), QString::fromUtf8(e.what()), QMessageBox::Ok,
                            this);
            box.setTextFormat(Qt::PlainText);
            box.exec();
        }
    }
    if (added > 0) {
        watcher_->rebase(); // the window's own write
        statusBar()->showMessage(tr("%n suppression rule(s) added; re-scoring\u2026", nullptr, added), 8000);
        const QString what = tr("suppress similar (%n rule(s))", nullptr, added);
        pushUndo(what, [this, ids, what] {
            Transaction tx(store_->db());
            for (const qint64 id : ids) {
                scoring::undoSuppression(*store_, id, what);
            }
            tx.commit();
            if (suppressions_) {
                suppressions_->reload();
            }
            scoreCase(ScoreMode::Rescore);
        });
        scoreCase(ScoreMode::Rescore);
    }
}

void MainWindow::pushUndo(const QString& what, std::function<void()> undo) {
    undo_.append({what, std::move(undo)});
    if (undo_.size() > 100) {
        undo_.removeFirst();
    }
    updateUndoAction();
}

QString MainWindow::undoText() const {
    return undo_.isEmpty() ? QString() : undo_.last().what;
}

void MainWindow::updateUndoAction() {
    if (!undoAction_) {
        return;
    }
    undoAction_->setEnabled(!undo_.isEmpty());
    undoAction_->setText(undo_.isEmpty() ? tr("&Undo") : tr("&Undo %1").arg(undoText()));
}

bool MainWindow::undo() {
    if (undo_.isEmpty() || !canWrite()) {
        return false;
    }
    const UndoStep step = undo_.takeLast();
    updateUndoAction();
    try {
        step.undo();
    } catch (const std::exception& e) {
        const auto* sql = dynamic_cast<const SqlError*>(&e);
        if (sql && case_file::isStorageFailure(sql->code())) {
            stopWriting(tr("undoing failed (%1)").arg(QString::fromUtf8(e.what())));
            return false;
        }
        undo_.append(step); // nothing was written: it can be tried again
        updateUndoAction();
        QMessageBox box(QMessageBox::Warning, tr("Not undone"), QString::fromUtf8(e.what()), QMessageBox::Ok, this);
        box.setTextFormat(Qt::PlainText);
        box.exec();
        return false;
    }
    watcher_->rebase(); // the window's own write
    if (audit_) {
        audit_->reload();
    }
    statusBar()->showMessage(tr("Undone: %1 (recorded in the audit log)").arg(step.what), 8000);
    return true;
}

void MainWindow::showSuppressions() {
    if (!store_) {
        return;
    }
    if (!suppressions_) {
        suppressions_ = new SuppressionDialog(store_.get(), this);
        suppressions_->setAttribute(Qt::WA_DeleteOnClose);
        connect(suppressions_, &SuppressionDialog::changed, this, [this] {
            watcher_->rebase(); // the window's own write
            scoreCase(ScoreMode::Rescore);
        });
        connect(suppressions_, &SuppressionDialog::caseFailed, this,
                [this](const QString& message) { stopWriting(tr("writing a suppression failed (%1)").arg(message)); });
    }
    suppressions_->show();
    suppressions_->raise();
}

void MainWindow::chooseCase(bool create) {
    // Where the analyst keeps cases: the open case's folder, else the newest recent case's (both
    // dialogs started in the folder the program was started from).
    QString folder = store_ ? QFileInfo(store_->path()).absolutePath() : QString();
    if (folder.isEmpty()) {
        for (const RecentCases::Entry& e : RecentCases().entries()) {
            if (e.exists) {
                folder = QFileInfo(e.path).absolutePath();
                break;
            }
        }
    }
    QString path = create ? QFileDialog::getSaveFileName(this, tr("New case"), folder, tr("socwb cases (*.socwb)"))
                          : QFileDialog::getOpenFileName(this, tr("Open case"), folder, tr("socwb cases (*.socwb)"));
    if (path.isEmpty()) {
        return;
    }
    if (create) {
        // "case.socwb " typed with a space after it made "case.socwb .socwb".
        const QFileInfo chosen(path);
        path = chosen.dir().filePath(chosen.fileName().trimmed());
        if (!path.endsWith(QLatin1String(".socwb"))) {
            path += QStringLiteral(".socwb");
        }
    }
    openCase(path);
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
    const QString out = exportTarget(tr("Export alerts"), caseBaseName(store_->path()) + QStringLiteral("-alerts"));
    if (out.isEmpty()) {
        return;
    }
    const AlertQuery q = queue_->model()->query();
    const QString path = store_->path();
    runExport(out, [path, q, out] {
        return tr("%n queue item(s) written", nullptr,
                  int(socwb::exportAlerts(path, q, out, exportFormatForPath(out))));
    });
}

void MainWindow::exportRequests(qint64 alertId) {
    if (!store_) {
        return;
    }
    QString name = QFileInfo(store_->path()).completeBaseName() + QStringLiteral("-requests");
    if (detail_->alertId() == alertId) {
        const AlertRow& r = detail_->detail().row;
        name = QStringLiteral("%1-%2-%3-requests").arg(r.host, r.processName, r.destination);
    }
    const QString out = exportTarget(tr("Export the channel's requests"), name);
    if (out.isEmpty()) {
        return;
    }
    const QString path = store_->path();
    runExport(out, [path, alertId, out] {
        ReadConnection c(path);
        const std::vector<int64_t> ids = channelProxyIds(c.db(), QString::number(alertId));
        return tr("%n request(s) written", nullptr,
                  int(exportChannelRequests(path, ids, out, exportFormatForPath(out))));
    });
}

// CSV or JSON, by the filter chosen (the dialog swaps the suggested name's .csv for .json; a name typed
// without a suffix gets the filter's). The dialog starts in the case's folder with a suggested name.
QString MainWindow::exportTarget(const QString& title, const QString& suggestedName) {
    const QString csv = tr("CSV files (*.csv)"), json = tr("JSON files (*.json)");
    QString chosen = csv;
    const QString start = saveStartPath(store_->path(), suggestedName, QStringLiteral(".csv"));
    QString out = QFileDialog::getSaveFileName(this, title, start, csv + QStringLiteral(";;") + json, &chosen);
    if (!out.isEmpty() && QFileInfo(out).suffix().isEmpty()) {
        out += chosen == json ? QStringLiteral(".json") : QStringLiteral(".csv");
    }
    return out;
}

// An export in the background, as a task with its outcome ("! ..." when it failed).
void MainWindow::runExport(const QString& out, std::function<QString()> work) {
    const int task = tasks_->addTask(tr("Export %1").arg(QFileInfo(out).fileName()), tr("rows"));
    updateTaskStatus();
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, task] {
        watcher->deleteLater();
        const QString outcome = watcher->result();
        tasks_->finishTask(task, outcome, !outcome.startsWith(QLatin1Char('!')));
        updateTaskStatus();
    });
    watcher->setFuture(QtConcurrent::run([work = std::move(work)] {
        try {
            return work();
        } catch (const std::exception& e) {
            return QStringLiteral("! ") + QString::fromUtf8(e.what());
        }
    }));
}

void MainWindow::exportReport() {
    if (!store_) {
        return;
    }
    QString out = QFileDialog::getSaveFileName(
        this, tr("Case report"),
        saveStartPath(store_->path(), caseBaseName(store_->path()) + QStringLiteral("-report"), QStringLiteral(".pdf")),
        tr("PDF (*.pdf);;HTML (*.html)"));
    if (out.isEmpty()) {
        return;
    }
    if (!isReportPath(out)) {
        out += QStringLiteral(".pdf");
    }
    const int task = tasks_->addTask(tr("Report %1").arg(QFileInfo(out).fileName()), tr("channels"));
    updateTaskStatus();
    writeCaseReportInBackground(this, store_->path(), out, [this, task](const QString& outcome) {
        tasks_->finishTask(task, outcome, !outcome.startsWith(QLatin1Char('!')));
        updateTaskStatus();
    });
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
                    tr("Alert queue (when it has the focus)\n"
                       "  j / k, \u2193 / \u2191   next / previous channel\n"
                       "  Enter   open the detail\n"
                       "  1   in review      2   benign (asks why)\n"
                       "  3   malicious      4   escalated      0   back to new\n"
                       "  n   note      t   tags      s   suppress similar (asks why)\n"
                       "  /  or  Ctrl+F   focus the filter; Enter applies it and keeps the focus there\n"
                       "Shift/Ctrl+click selects several channels: status, note and tags apply to all.\n"
                       "In a note or a justification, Ctrl+Enter submits it.\n\n"
                       "Charts and host timeline\n"
                       "  + / =   zoom in      -   zoom out      \u2190 / \u2192   pan\n"
                       "  0  or  Home   whole range      Esc   clear the selected range\n\n"
                       "Window\n"
                       "  Ctrl+O open case   Ctrl+N new case   Ctrl+I import evidence\n"
                       "  Ctrl+E export alerts   Ctrl+L audit log   Ctrl+C copy rows\n"
                       "  Ctrl+R score now   Ctrl+Z undo the last verdict, note, tags or suppression\n"
                       "  Alt+\u2190 / Alt+\u2192   back / forward   F1   this list   Ctrl+Q quit"),
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
    if (isRunningSigma()) {
        sigmaCancel_->store(true); // the runner stops between passes; nothing is stored then
        sigmaWatcher_->waitForFinished();
    }
    if ((job_ && job_->isRunning()) || isScoring()) {
        // Rolling back a big import takes a moment: hide now, close when the worker has let go.
        closing_ = true;
        cancelWork();
        hide();
        event->ignore();
        return;
    }
    event->accept();
    closeCase();
    // A window hidden while its worker let go does not count as the last window closed for Qt:
    // whoever runs the application quits on this instead (issue 28: Quit during an import).
    emit closed();
}

void MainWindow::closeCase() {
    if (!store_) {
        return;
    }
    watcher_->watch(nullptr);
    closeCaseViews(); // their own connections go with them
    if (scoreJob_ && scoreJob_->hasReported()) {
        // A pass that reported may still be checkpointing on its thread: waited for, so the
        // truncating checkpoint below does not meet it (and give up busy).
        scoreJob_->worker()->disconnect(this);
        scoreJob_.reset();
    }
    // Everything in the WAL into the case file, the WAL emptied: a copy of the .socwb alone (what an
    // analyst mails to a colleague) holds every verdict, note and suppression.
    try {
        execSql(store_->db(), "PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (const std::exception& e) {
        log::ui()->warn("could not checkpoint {}: {}", store_->path().toStdString(), e.what());
    }
    store_.reset();
}

} // namespace socwb
