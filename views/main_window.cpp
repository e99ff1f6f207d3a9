#include "main_window.h"

#include "case_overview_widget.h"
#include "core/logging.h"
#include "core/resources.h"
#include "import_progress_widget.h"
#include "ingest/import_worker.h"
#include "store/case_store.h"
#include "store/case_summary.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QStatusBar>

namespace socwb {

namespace {
struct DockSpec {
    const char* name;  // for --view
    const char* title;
    const char* placeholder;
    Qt::DockWidgetArea area;
};
// The triage layout. Each view fills in as its issue lands; until then it says what it will hold.
const DockSpec kDocks[] = {
    {"alerts", "Alert queue", "Scored command-channel candidates appear here once the case is scored.", Qt::LeftDockWidgetArea},
    {"timeline", "Host timeline", "Select an alert or a host to see what it did over time.", Qt::BottomDockWidgetArea},
    {"process-tree", "Process tree", "Processes and their lineage from Sysmon, for the selected host.", Qt::RightDockWidgetArea},
    {"intervals", "Polling intervals", "The cadence of the selected channel: gaps between requests.", Qt::BottomDockWidgetArea},
};
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), overview_(new CaseOverviewWidget(this)), progress_(new ImportProgressWidget(this)) {
    setWindowTitle(tr("socwb"));
    setWindowIcon(QIcon(resources::locate(QStringLiteral("socwb.svg"))));
    setAcceptDrops(true);
    setCentralWidget(overview_);
    statusBar()->addPermanentWidget(progress_);
    progress_->hide();
    connect(progress_, &ImportProgressWidget::cancelRequested, this, [this] {
        if (job_) {
            job_->cancel();
            statusBar()->showMessage(tr("Cancelling the import\u2026"));
        }
    });
    buildMenus();
    buildDocks();
    statusBar()->showMessage(tr("No case open. File \u2192 New case or Open case."));
    resize(1400, 900);
}

MainWindow::~MainWindow() = default;

QStringList MainWindow::viewNames() {
    QStringList names{QStringLiteral("overview")};
    for (const auto& d : kDocks) {
        names << QString::fromLatin1(d.name);
    }
    return names;
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New case\u2026"), QKeySequence::New, this, [this] { chooseCase(true); });
    file->addAction(tr("&Open case\u2026"), QKeySequence::Open, this, [this] { chooseCase(false); });
    file->addAction(tr("&Import evidence\u2026"), QKeySequence(tr("Ctrl+I")), this, [this] { chooseEvidence(); });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    menuBar()->addMenu(tr("&View"))->setObjectName(QStringLiteral("viewMenu"));
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About socwb"), this, [this] {
        QMessageBox::about(this, tr("About socwb"),
                           tr("socwb %1\nInvestigation workbench for one-way command channels over legitimate web "
                              "services (MITRE ATT&CK T1102.003).\nLogs: %2")
                               .arg(QStringLiteral(SOCWB_VERSION), log::directory()));
    });
}

void MainWindow::buildDocks() {
    QMenu* viewMenu = menuBar()->findChild<QMenu*>(QStringLiteral("viewMenu"));
    QDockWidget* previousBottom = nullptr;
    for (const auto& spec : kDocks) {
        auto* dock = new QDockWidget(tr(spec.title), this);
        dock->setObjectName(QString::fromLatin1(spec.name));
        auto* label = new QLabel(tr(spec.placeholder), dock);
        label->setWordWrap(true);
        label->setAlignment(Qt::AlignCenter);
        label->setMargin(16);
        label->setEnabled(false);
        dock->setWidget(label);
        addDockWidget(spec.area, dock);
        if (spec.area == Qt::BottomDockWidgetArea) {
            if (previousBottom) {
                splitDockWidget(previousBottom, dock, Qt::Horizontal);
            }
            previousBottom = dock;
        }
        if (viewMenu) {
            viewMenu->addAction(dock->toggleViewAction());
        }
    }
    resizeDocks({findChild<QDockWidget*>(QStringLiteral("alerts")), findChild<QDockWidget*>(QStringLiteral("process-tree"))},
                {340, 320}, Qt::Horizontal);
}

bool MainWindow::showView(const QString& name) {
    if (name == QLatin1String("overview")) {
        return true;
    }
    if (auto* dock = findChild<QDockWidget*>(name)) {
        dock->show();
        dock->raise();
        return true;
    }
    return false;
}

bool MainWindow::openCase(const QString& path) {
    if (isImporting()) {
        QMessageBox::information(this, tr("Import running"), tr("Wait for the import to finish or cancel it first."));
        return false;
    }
    try {
        store_ = CaseStore::open(path);
    } catch (const CaseError& e) {
        log::ui()->warn("could not open case {}: {}", path.toStdString(), e.what());
        QMessageBox box(QMessageBox::Critical, tr("Cannot open case"), QString::fromUtf8(e.what()), QMessageBox::Ok, this);
        box.setTextFormat(Qt::PlainText);
        box.exec();
        return false;
    }
    setWindowTitle(tr("%1 \u2014 socwb").arg(QFileInfo(path).fileName()));
    refresh();
    emit caseLoaded();
    return true;
}

void MainWindow::refresh() {
    if (!store_) {
        return;
    }
    const CaseSummary s = summarize(store_->db());
    overview_->setSummary(store_->path(), s);
    statusBar()->showMessage(tr("%1 \u2014 %2 evidence files, %3 events, case schema %4")
                                 .arg(QFileInfo(store_->path()).fileName())
                                 .arg(s.evidence.size())
                                 .arg(QLocale().toString(qint64(s.proxy + s.dns + s.sysmon)))
                                 .arg(s.schemaVersion));
}

bool MainWindow::isImporting() const { return job_ && job_->isRunning(); }

void MainWindow::importFiles(const QStringList& paths) {
    if (!store_ || paths.isEmpty()) {
        return;
    }
    if (isImporting()) {
        QMessageBox::information(this, tr("Import running"), tr("One import at a time: wait for this one to finish."));
        return;
    }
    job_ = std::make_unique<ImportJob>(store_->path());
    connect(job_->worker(), &ImportWorker::progress, progress_, &ImportProgressWidget::showProgress);
    connect(job_->worker(), &ImportWorker::fileFinished, this,
            [this](const ImportResult& r) { statusBar()->showMessage(r.message, 8000); });
    connect(job_->worker(), &ImportWorker::finished, this, &MainWindow::onImportFinished);
    progress_->show();
    job_->start(paths, ImportOptions{});
}

void MainWindow::onImportFinished(const QList<ImportResult>& results) {
    job_->wait();
    progress_->hide();
    refresh();
    QStringList problems;
    for (const auto& r : results) {
        if (r.status != QLatin1String("imported") || r.rejected > 0) {
            problems << r.message;
        }
    }
    if (!problems.isEmpty()) {
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Import finished with problems"),
                                    problems.join(QLatin1Char('\n')), QMessageBox::Ok, this);
        box->setTextFormat(Qt::PlainText);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
    emit importsFinished();
}

void MainWindow::chooseCase(bool create) {
    const QString path = create ? QFileDialog::getSaveFileName(this, tr("New case"), QString(), tr("socwb cases (*.socwb)"))
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
        importFiles(QFileDialog::getOpenFileNames(this, tr("Import evidence")));
    }
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
        importFiles(paths);
    } else {
        statusBar()->showMessage(tr("Open or create a case first, then drop evidence on it."), 8000);
    }
    event->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (isImporting()) {
        job_->cancel();
        job_->wait();
    }
    event->accept();
}

} // namespace socwb
