// Where the analyst has been: a back/forward stack of investigation places (which view, which
// alert, host or process, which time range), like a browser's. Going somewhere new after going
// back drops the forward entries; visiting the place already current adds nothing.
#pragma once

#include <QObject>
#include <QVector>

class QAction;

namespace socwb {

struct NavigationEntry {
    enum View { Intervals, Timeline, ProcessTree };
    View view = Timeline;
    qint64 alertId = -1;
    qint64 hostId = -1;
    qint64 processId = -1;
    qint64 fromUs = 0; // 0, 0: no time range
    qint64 toUs = 0;
    bool operator==(const NavigationEntry&) const = default;
};

class NavigationHistory : public QObject {
    Q_OBJECT
  public:
    static constexpr int kMaxEntries = 200;
    explicit NavigationHistory(QObject* parent = nullptr);

    void visit(const NavigationEntry& entry);
    // Replaces the current entry (a zoom within the same place) without adding a step.
    void updateCurrent(const NavigationEntry& entry);
    bool canGoBack() const { return current_ > 0; }
    bool canGoForward() const { return current_ + 1 < entries_.size(); }
    bool back(); // emits navigated(entry) when it moved
    bool forward();
    bool isEmpty() const { return entries_.isEmpty(); }
    // Forgets every entry (another case opened: its alert ids mean nothing there).
    void clear();
    NavigationEntry current() const { return entries_.value(current_); }
    int size() const { return int(entries_.size()); }
    // Back and Forward actions (Alt+Left, Alt+Right) for a tool bar or menu, enabled only when
    // there is somewhere to go; owned by PARENT.
    QAction* createBackAction(QObject* parent);
    QAction* createForwardAction(QObject* parent);

  signals:
    void navigated(const socwb::NavigationEntry& entry);
    void changed(); // canGoBack / canGoForward may differ

  private:
    QVector<NavigationEntry> entries_;
    qsizetype current_ = -1;
};

} // namespace socwb
