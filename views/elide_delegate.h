// A column that elides its text where its meaning survives: a host name in the middle keeps both its
// first label and its registered domain ("raw.githu…ontent.com"), where the view's right elision
// kept only the start ("raw.githubuserco…") and hid whose site it was.
#pragma once

#include <QStyledItemDelegate>

namespace socwb {

class ElideDelegate : public QStyledItemDelegate {
  public:
    ElideDelegate(Qt::TextElideMode mode, QObject* parent) : QStyledItemDelegate(parent), mode_(mode) {}
    // Public, so a test can read what a cell is drawn with.
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override {
        QStyledItemDelegate::initStyleOption(option, index);
        option->textElideMode = mode_;
    }

  private:
    Qt::TextElideMode mode_;
};

} // namespace socwb
