// A column that elides its text where its meaning survives: a host name in the middle keeps both its
// first label and its registered domain ("raw.githu…ontent.com"), where the view's right elision
// kept only the start ("raw.githubuserco…") and hid whose site it was.
#pragma once

#include <QStyledItemDelegate>

#include <functional>
#include <utility>

namespace socwb {

class ElideDelegate : public QStyledItemDelegate {
  public:
    // How each cell of the column elides (a column can hold names and titles both).
    using ModeFor = std::function<Qt::TextElideMode(const QModelIndex&)>;
    ElideDelegate(ModeFor modeFor, QObject* parent) : QStyledItemDelegate(parent), modeFor_(std::move(modeFor)) {}
    // Public, so a test can read what a cell is drawn with.
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override {
        QStyledItemDelegate::initStyleOption(option, index);
        option->textElideMode = modeFor_(index);
    }

  private:
    ModeFor modeFor_;
};

} // namespace socwb
