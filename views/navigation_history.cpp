#include "navigation_history.h"

#include <QAction>
#include <QKeySequence>

namespace socwb {

NavigationHistory::NavigationHistory(QObject* parent) : QObject(parent) {}

void NavigationHistory::visit(const NavigationEntry& entry) {
    if (current_ >= 0 && entries_[current_] == entry) {
        return;
    }
    entries_.resize(current_ + 1);
    entries_.push_back(entry);
    if (entries_.size() > kMaxEntries) {
        entries_.removeFirst();
    }
    current_ = entries_.size() - 1;
    emit changed();
}

void NavigationHistory::clear() {
    entries_.clear();
    current_ = -1;
    emit changed();
}

void NavigationHistory::updateCurrent(const NavigationEntry& entry) {
    if (current_ < 0) {
        visit(entry);
        return;
    }
    entries_[current_] = entry;
}

bool NavigationHistory::back() {
    if (!canGoBack()) {
        return false;
    }
    --current_;
    emit changed();
    emit navigated(entries_[current_]);
    return true;
}

bool NavigationHistory::forward() {
    if (!canGoForward()) {
        return false;
    }
    ++current_;
    emit changed();
    emit navigated(entries_[current_]);
    return true;
}

QAction* NavigationHistory::createBackAction(QObject* parent) {
    auto* a = new QAction(tr("Back"), parent);
    a->setShortcut(QKeySequence::Back);
    a->setEnabled(canGoBack());
    connect(a, &QAction::triggered, this, &NavigationHistory::back);
    connect(this, &NavigationHistory::changed, a, [this, a] { a->setEnabled(canGoBack()); });
    return a;
}

QAction* NavigationHistory::createForwardAction(QObject* parent) {
    auto* a = new QAction(tr("Forward"), parent);
    a->setShortcut(QKeySequence::Forward);
    a->setEnabled(canGoForward());
    connect(a, &QAction::triggered, this, &NavigationHistory::forward);
    connect(this, &NavigationHistory::changed, a, [this, a] { a->setEnabled(canGoForward()); });
    return a;
}

} // namespace socwb
