// Paints the process tree's suspicious lineage in red (bold image name), read from the model's
// SuspicionRole, so the model itself needs no GUI types; a collapsed row with flagged processes
// under it (FlaggedBelowRole) says how many.
#pragma once

#include <QStyledItemDelegate>

namespace socwb {

class SuspicionDelegate : public QStyledItemDelegate {
    Q_OBJECT
  public:
    using QStyledItemDelegate::QStyledItemDelegate;

  protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;
};

} // namespace socwb
