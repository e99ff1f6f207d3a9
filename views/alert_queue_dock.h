// The alert queue: every scored channel of the case in a lazy table (AlertTableModel), a filter
// bar with the query language of alert_filter.h and saved filters, and triage from the keyboard:
//   j / k or arrows   next / previous channel        1 in review  2 benign  3 malicious  4 escalated
//   Enter             open the detail                0 back to new
//   n                 note       t  tags             /  focus the filter       s  suppress similar
// Status changes apply to every selected channel and go through TriageStore (audit log included).
#pragma once

#include "triage/triage_store.h"

#include <QDockWidget>
#include <QSet>
#include <QStringList>
#include <QVector>

#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QToolButton;
class QTimer;

namespace socwb {

class AlertTableModel;
class CaseStore;
class TriageStore;

class AlertQueueDock : public QDockWidget {
    Q_OBJECT
  public:
    explicit AlertQueueDock(QWidget* parent = nullptr);

    // The case to read and to write triage into (null: none). The store stays owned by the caller.
    void setCase(CaseStore* store);
    AlertTableModel* model() const { return model_; }
    QTableView* view() const { return view_; }
    QLineEdit* filterEdit() const { return filter_; }
    // Channels and Sigma items / channels only / Sigma items only (a kind: term in the filter
    // text overrides "both").
    QComboBox* kindBox() const { return kinds_; }
    void setFilterText(const QString& text);
    // Asked before every triage write; false (the case is no longer safe to write, and the window
    // has said why) writes nothing.
    void setWriteCheck(std::function<bool()> check) { writeCheck_ = std::move(check); }
    void focusFilter();
    // A notice above the filter (the window's scoring-override banner); the dock takes it.
    void addBanner(QWidget* banner);
    // Re-reads the queue in place (after a re-score or a triage change elsewhere).
    void reload();
    // The channels selected (by key, not by row: a re-score or a sort that moves rows moves the
    // selection with them; rows of pages not loaded are read from the case), or the current one.
    QStringList selectedChannelKeys() const;
    qint64 currentAlertId() const;
    // The current channel is one the filter hides: the detail still shows it, the queue cannot.
    bool currentHidden() const { return currentHidden_; }
    // Makes the queue item with KEY current (a Sigma item or a loaded channel row); false when
    // the queue does not show it (filtered out, or a channel not loaded).
    bool selectItem(const QString& key);

    // Triage on the selection; prompts for a justification where one is needed. Returns false
    // when nothing was changed (cancelled, nothing selected, or the case refused the write).
    bool setStatusOfSelection(const QString& status);
    bool addNoteToSelection();
    bool addTagsToSelection();
    // A change to more channels than this asks first (issue 28).
    static constexpr int kBulkConfirmAbove = 20;

  signals:
    void alertActivated(qint64 alertId);      // Enter or double-click
    void currentAlertChanged(qint64 alertId); // 0 when none
    // The current channel's alert, which the filter hides (the detail still shows it); 0 once it
    // is in the queue again or another is current.
    void hiddenAlertChanged(qint64 alertId);
    void triageChanged();
    // A triage change was stored: WHAT it was, and the channels' records before it (for Ctrl+Z).
    void triageApplied(const QString& what, const QVector<socwb::TriageRecord>& before);
    void suppressRequested(const QStringList& channelKeys);
    // A triage write failed because the case's files did (I/O error, damaged or vanished file).
    void caseFailed(const QString& message);

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    void applyFilter();
    void showSavedMenu();
    void showContextMenu(const QPoint& pos);
    void updateCount();
    // Widens the host and process columns to the loaded rows' names (not the ones sized by hand).
    void fitNameColumns();
    void suppressSelection();
    // True when KEYS are few, or the analyst confirmed WHAT on all of them.
    bool confirmBulk(const QStringList& keys, const QString& what);
    // The view's selection changed by the analyst: remember it as channel keys.
    void rememberSelection();
    // Rows FIRST..LAST were (re)loaded: select exactly those showing a remembered channel.
    void restoreSelection(int first, int last);
    // The model found the followed channel's row after a count (-1: the filter hides it).
    void followedRow(const QString& key, int row);
    void setCurrentHidden(bool hidden);
    // Runs one TriageStore change; on success re-reads the queue in place, else says why.
    // Applies CHANGE to KEYS; on success emits triageApplied(WHAT, the records before) for undo.
    bool applyTriage(const QStringList& keys, const QString& what, const std::function<void(TriageStore&)>& change);

    CaseStore* store_ = nullptr;
    std::function<bool()> writeCheck_;
    QStringList selectedKeys_; // in the order selected
    QSet<QString> selectedSet_;
    QString currentKey_;
    qint64 currentId_ = 0; // currentKey_'s alert
    bool currentHidden_ = false;
    bool scrollToCurrent_ = false; // the filter or the order changed: show the current row again
    bool restoring_ = false;
    bool fitting_ = false;
    QSet<int> sizedByHand_;
    AlertTableModel* model_;
    QLineEdit* filter_;
    QComboBox* kinds_;
    QToolButton* saved_;
    QLabel* count_;
    QLabel* error_;
    QTableView* view_;
    QTimer* debounce_;
};

} // namespace socwb
