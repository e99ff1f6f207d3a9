// Background work at a glance: one row per import file or scoring run, with progress, rate, ETA
// and Cancel while it runs, and its outcome afterwards (a file's rejected lines open on request).
// Non-modal: it lives in a dock and never blocks the window.
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QVBoxLayout;

namespace socwb {

class TaskPanel : public QWidget {
    Q_OBJECT
  public:
    explicit TaskPanel(QWidget* parent = nullptr);

    // Starts a row; returns its id. 'unit' names what progress counts ("records", "channels").
    int addTask(const QString& title, const QString& unit);
    // done/total drive the bar and the ETA (total 0: unknown); count is what the rate counts.
    void updateTask(int id, qint64 done, qint64 total, qint64 count, const QString& detail = {});
    // Ends a row with a one-line outcome; 'ok' false shows it as a problem. A non-zero evidence id
    // with rejects offers "Rejected lines…".
    void finishTask(int id, const QString& outcome, bool ok, qint64 evidenceIdWithRejects = 0);
    // A row that is not a task but news about the case (changed by another program, closed after
    // a problem): no bar, newest on top. With the id of a note shown already, that row is updated
    // and moved to the top. A non-empty 'action' adds a button that emits noteActionRequested.
    int showNote(int id, const QString& title, const QString& text, bool problem, const QString& action = {});
    int runningCount() const;
    // Rows that end in a problem (a failed task, a problem note): the window keeps the panel open.
    int problemCount() const;
    // The rows' texts, for tests and the status bar.
    QString taskText(int id) const;
    void clearFinished();
    // Another case opened: the finished rows started before BEFOREID go (with their buttons, which
    // would act on the new case); one still running is labelled with CASENAME, the case it works on.
    void forgetCase(int beforeId, const QString& caseName);
    int nextId() const { return nextId_; }
    // What the panel says while it has no rows, for the case open (CASENAME empty: none), the
    // evidence files it holds and its scored channels: a case imported earlier is not "no imports".
    void setCaseState(const QString& caseName, int evidenceFiles, qint64 channels);
    QString emptyText() const;

  signals:
    void cancelRequested(int id);
    void rejectedLinesRequested(qint64 evidenceId);
    void noteActionRequested(int id);

  private:
    struct Row {
        QWidget* box = nullptr;
        QLabel* title = nullptr;
        QLabel* status = nullptr;
        QProgressBar* bar = nullptr;
        QPushButton* cancel = nullptr;
        QPushButton* rejects = nullptr;
        QPushButton* action = nullptr;
        QElapsedTimer clock;
        QString unit;
        bool running = true;
        bool problem = false;
    };
    QVBoxLayout* rows_;
    QLabel* empty_;
    QHash<int, Row> tasks_;
    int nextId_ = 1;
};

} // namespace socwb
