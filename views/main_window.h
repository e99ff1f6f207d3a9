// The workbench window. No central widget: every view is a dock the analyst can arrange, and the
// arrangement is kept (QSettings). The case explorer on the left, the alert queue and the alert
// detail side by side, background tasks and the next issue's charts at the bottom. Drop log files
// or folders on it to import them (after a preview); imports and scoring run in workers and show
// in the task panel; nothing long runs on the GUI thread.
#pragma once

#include "import/import_plan.h"
#include "ingest/importer.h"
#include "scoring/scoring_engine.h"
#include "scoring/suppress_similar.h"
#include "sigma/sigma_case_job.h"
#include "store/case_watcher.h"

#include <QFutureWatcher>
#include <QMainWindow>
#include <QPointer>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class QDockWidget;
class QFrame;
class QToolButton;
class QLabel;
class QMenu;

namespace socwb {

class AlertDetailWidget;
class AlertQueueDock;
class AuditLogDialog;
class CaseOverviewWidget;
class ExercisePanel;
class HostTimelineWidget;
class IntervalChartsWidget;
class NavigationHistory;
class ProcessTreeWidget;
class RecentCasesMenu;
struct NavigationEntry;
class CaseStore;
class CurrentCase;
class ImportJob;
class ScoreJob;
class SuppressionDialog;
class TaskPanel;
struct CaseSummary;

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens (or creates) a case; on failure shows a dialog and returns false — nothing is written.
    bool openCase(const QString& path);
    const CaseStore* caseStore() const { return store_.get(); }
    // Other programs may use the open case too (socwb-cli beside the window). Their commits are
    // noticed (CaseWatcher polls SQLite's data_version), the affected views re-read and the task
    // panel says so. If the case's files are deleted or replaced, or writing fails with an I/O
    // error, the window stops writing: it closes the case (every view, so that nothing shown can
    // differ from the file), says what happened and offers Case → Reopen case.
    CaseWatcher* caseWatcher() const { return watcher_; }
    bool hasStoppedWriting() const { return !lostPath_.isEmpty(); }
    // Opens the case closed after a problem again, once nothing in this process holds its old
    // files (until then it waits, up to a few seconds); emits caseLoaded on success.
    void reopenCase();
    // Imports files into the open case in the background, formats detected, local times in
    // TIMEZONE (no preview: the demo uses this); with none given, a local-time log is refused.
    void importFiles(const QStringList& paths, const QString& timeZone = {});
    // What a drop and File → Import evidence do: preview first, import what the analyst confirms.
    void previewImport(const QStringList& paths);
    void startImport(const QVector<ImportPlanItem>& plan);
    bool isImporting() const;
    // Scores the case in the background (after every import, on demand, Rescore after a
    // suppression changed); a request while a pass runs is done after it.
    void scoreCase(ScoreMode mode);
    bool isScoring() const;
    // Case → Run Sigma rules…: the bundled rules plus FOLDERS over the case in a worker (a task in
    // the task panel, cancellable), then the queue reads the hits again; rules that did not compile
    // are listed with their reasons. sigmaFinished follows.
    void runSigmaRules(const QStringList& folders);
    bool isRunningSigma() const;
    // Suppresses channels like these (same process and destination, any host), then re-scores.
    // Suppresses channels like CHANNELKEYS within SCOPE (one rule per channel, audited) and
    // re-scores. askSuppressSimilar asks for the scope (with what each would hide) and the reason.
    void suppressSimilar(const QStringList& channelKeys, const QString& justification,
                         scoring::SuppressScope scope = scoring::SuppressScope::Host);
    void askSuppressSimilar(const QStringList& channelKeys);
    // Raises one view (see viewNames()); returns false for an unknown name.
    bool showView(const QString& name);
    static QStringList viewNames();
    // Puts back the dock layout the analyst left (not done for screenshots and tests); false when
    // there is none.
    bool restoreLayout();
    // Sizes the docks so that this view gets most of the window (for --view and screenshots).
    void emphasizeView(const QString& name);
    void resetLayout();

    AlertQueueDock* alertQueue() const { return queue_; }
    AlertDetailWidget* alertDetail() const { return detail_; }
    IntervalChartsWidget* intervalCharts() const { return charts_; }
    HostTimelineWidget* hostTimeline() const { return timeline_; }
    ProcessTreeWidget* processTree() const { return tree_; }
    // The polling-interval charts, the host timeline and the process tree follow this channel.
    void showInvestigation(qint64 alertId);
    // True once all three have drawn the channel last asked for (what --screenshot waits on).
    bool investigationReady() const { return investigationPending_ == 0; }
    TaskPanel* tasks() const { return tasks_; }
    // The one owner of the current case and the current alert; every view follows it.
    CurrentCase* current() const { return current_; }
    // Ctrl+Z: undoes the last verdict, note, tags or suppression of this case (audited as an
    // undo); false when there is nothing to undo. undoText() names what Ctrl+Z would undo.
    bool undo();
    QString undoText() const;
    CaseOverviewWidget* overview() const { return overview_; }
    // Training mode's dock (File → Exercises…, socwb --exercise).
    ExercisePanel* exercisePanel() const { return exercise_; }
    // The open case for a panel's own writes (an exercise's answers and hints); nullptr when the
    // case cannot be written. The writer rebases caseWatcher() after it.
    CaseStore* writableCase() { return canWrite() ? store_.get() : nullptr; }

    // The zone for local-time formats, remembered per case (the system's until one is chosen).
    QString caseTimeZone() const;
    void setCaseTimeZone(const QString& zone);

  signals:
    void caseLoaded();
    void importsFinished();
    void scoringFinished(const socwb::ScoreOutcome& outcome);
    void sigmaFinished(const socwb::sigma::SigmaCaseRun& run);
    void refreshed();                                           // the summary of the case was re-read
    void caseChangedElsewhere(const socwb::CaseChange& change); // views re-read after another program's commit
    void stoppedWriting(const QString& message);                // the case was closed after a problem
    void closed(); // the window closed for good (after any worker let go): the application may quit

  protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;
    void childEvent(QChildEvent* event) override;

  private:
    QDockWidget* currentBottomDock() const;           // the investigation tab that shows
    bool isCurrentTab(const QDockWidget* dock) const; // tabbed, and its tab is the one that shows
    int comfortableHeight(const QString& name) const;
    struct ImportBatch {
        QStringList paths;
        ImportOptions options;
    };
    void buildMenus();
    void buildDocks();
    void refresh();
    // Upgrades an older case in a worker with a progress dialog; false (after saying why) when the
    // upgrade failed or was cancelled.
    bool upgradeCase(const QString& path, int version);
    void showSummary(const CaseSummary& s);
    void startNextBatch();
    void onImportFinished(const QList<ImportResult>& results);
    void onImportFailed(const QString& message);
    void chooseCase(bool create);
    void chooseEvidence();
    void exportAlerts();
    void exportRequests(qint64 alertId);
    QString exportTarget(const QString& title, const QString& suggestedName);
    void runExport(const QString& out, std::function<QString()> work);
    void exportReport();
    void copySelection();
    void showShortcuts();
    void showAuditLog();
    void showRejectedLines(qint64 evidenceId);
    void showSuppressions();
    void onScoreFinished(const ScoreOutcome& outcome);
    void updateTaskStatus();
    void foldTaskDock(QDockWidget* dock);
    // The investigation views read the case again (new channels, members) and redraw their alert.
    void reloadInvestigation();
    void onChangedElsewhere(const CaseChange& change);
    // False, after stopWriting(), when the case's files are no longer the ones opened.
    bool canWrite();
    void stopWriting(const QString& what);
    void closeCaseViews();
    // Points every view, dock and dialog at PATH (empty: none) — CurrentCase::caseChanged.
    void followCase(const QString& path);
    // Records what Ctrl+Z undoes: WHAT names it; UNDO writes the undo (throws when it cannot).
    void pushUndo(const QString& what, std::function<void()> undo);
    void updateUndoAction();
    // Closes the case: views emptied, WAL checkpointed into the file (TRUNCATE), connection closed.
    void closeCase();
    // Drops the imports and scoring passes waiting, cancels those running.
    void cancelWork();
    // Cancels the scoring pass and waits for it; its result reaches nothing, its task row says OUTCOME.
    void stopScoring(const QString& outcome);
    // Records where the analyst went, unless Back/Forward is taking them there.
    void visit(const NavigationEntry& entry);
    void buildOverrideBanner();
    void updateOverrideBanner();
    void showOverride();
    void dropOverride();

    std::unique_ptr<CaseStore> store_;
    std::unique_ptr<ImportJob> job_;
    std::unique_ptr<ScoreJob> scoreJob_;
    int scoreTask_ = 0;
    QPointer<QFutureWatcher<sigma::SigmaCaseRun>> sigmaWatcher_;
    std::shared_ptr<std::atomic<bool>> sigmaCancel_;
    int sigmaTask_ = -1;
    void askSigmaRules();
    void onSigmaFinished(const sigma::SigmaCaseRun& run);
    std::optional<ScoreMode> scoreAgain_;
    QList<ImportBatch> pending_;
    QHash<QString, int> importTasks_; // file path -> task row
    QList<ImportResult> results_;
    bool closing_ = false;
    quint64 refreshGeneration_ = 0;
    QByteArray defaultState_;

    CaseOverviewWidget* overview_;
    AlertQueueDock* queue_;
    AlertDetailWidget* detail_;
    IntervalChartsWidget* charts_;
    HostTimelineWidget* timeline_;
    ProcessTreeWidget* tree_;
    NavigationHistory* history_;
    int investigationPending_ = 0;
    qint64 investigatedAlert_ = 0;
    TaskPanel* tasks_;
    ExercisePanel* exercise_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    RecentCasesMenu* recentMenu_ = nullptr;
    QLabel* caseLabel_;
    QLabel* countsLabel_;
    QToolButton* tasksLabel_; // the task dock's switch, "No background tasks" while idle
    bool navigating_ = false;
    bool tasksShownByWork_ = false;        // opened because something ran: folds back when all is well
    QPointer<QDockWidget> tabBeforeTasks_; // the bottom tab that showed before work opened the tasks
    QPointer<AuditLogDialog> audit_;
    QPointer<SuppressionDialog> suppressions_;
    CaseWatcher* watcher_;
    int outsideNote_ = 0;  // task panel row: changed by another program
    int outsideCount_ = 0; // since the case was opened
    int failureNote_ = 0;  // task panel row: closed after a problem
    QString lostPath_;     // the case closed after a problem
    int reopenTries_ = 0;
    QAction* reopenAction_ = nullptr;
    QList<QAction*> caseActions_; // enabled while a case is open
    CurrentCase* current_;
    struct UndoStep {
        QString what;
        std::function<void()> undo;
    };
    QVector<UndoStep> undo_; // this case's, newest last
    QAction* undoAction_ = nullptr;
    QFrame* overrideBanner_ = nullptr;
    QLabel* overrideText_ = nullptr;
};

} // namespace socwb
