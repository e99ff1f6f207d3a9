#include "navigation_history.h"

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

} // namespace socwb
