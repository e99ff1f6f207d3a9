// A host's process tree: image, PID, user, start and end (UTC), command line, with connections and
// DNS queries as child rows read when a process is expanded. Search by image, command line, user
// or PID; reveal a process (expands the path to it); suspicious lineage in red with the reason in
// the details; the lineage of the selected process copied as text for a ticket. Evidence text is
// shown as plain text everywhere.
#pragma once

#include <QWidget>

#include <memory>

class QLabel;
class QLineEdit;
class QToolButton;
class QTreeView;

namespace socwb {

class CaseReader;
class ProcessTreeModel;
struct ProcessTreeData;

class ProcessTreeWidget : public QWidget {
    Q_OBJECT
  public:
    explicit ProcessTreeWidget(QWidget* parent = nullptr);
    ~ProcessTreeWidget() override;

    void setCase(const QString& casePath);
    void showHost(qint64 hostId);
    // The alert's host, with its process revealed.
    void showChannel(qint64 alertId);
    // Expands the path to PROCESSID and selects it, loading its host first when another is shown.
    void revealProcess(qint64 processId);
    // Selects the next process matching TEXT after the current one; false when none matches.
    bool findNext(const QString& text);
    // Selects the next process with a suspicious lineage after the current one (by start time),
    // expanding its ancestors; false when the host has none.
    bool nextSuspicious();
    void setData(const ProcessTreeData& data); // what showHost does once the reader has the host

    qint64 hostId() const;
    qint64 selectedProcess() const;
    QString lineageText() const; // of the selected process
    void copyLineage() const;    // to the clipboard
    QTreeView* view() const { return view_; }
    ProcessTreeModel* model() const { return model_; }
    QString detailsText() const;

  signals:
    void hostLoaded(qint64 hostId);
    void processSelected(qint64 processId);
    void loadFailed(const QString& reason);

  private:
    // EXPAND: the revealed process shows its own activity too (the alert's process: the channel's
    // connections and queries are what the analyst came for).
    void loadHost(qint64 hostId, qint64 revealId, bool expand = false);
    void onCurrentChanged(const QModelIndex& current);
    void reveal(qint64 processId, bool expand = false);
    bool revealNextOf(const QVector<qint64>& hits); // the one after the selected process, wrapping

    std::unique_ptr<CaseReader> reader_;
    quint64 generation_ = 0;
    qint64 pendingReveal_ = -1;
    bool pendingExpand_ = false;
    // The pending reveal is a channel's first process among several: shown, but not a filter for
    // the timeline (processSelected is not emitted for it).
    bool pendingQuiet_ = false;
    bool quiet_ = false; // a quiet reveal is selecting its process now
    QLabel* title_;
    QLineEdit* search_;
    QToolButton* nextFlagged_;
    QTreeView* view_;
    ProcessTreeModel* model_;
    QLabel* details_;
};

} // namespace socwb
