#include "suspicion_delegate.h"

#include "tables/process_tree_model.h"

#include <QTreeView>

namespace socwb {

void SuspicionDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const {
    QStyledItemDelegate::initStyleOption(option, index);
    const QColor red(176, 0, 32);
    if (!index.data(ProcessTreeModel::SuspicionRole).toString().isEmpty()) {
        option->palette.setColor(QPalette::Text, red);
        if (index.column() == ProcessTreeModel::ImageColumn) {
            option->font.setBold(true);
        }
        return;
    }
    // A collapsed row that hides flagged processes says so, in red but not bold: the mark is
    // below it, not on it.
    const int below = index.data(ProcessTreeModel::FlaggedBelowRole).toInt();
    const auto* view = qobject_cast<const QTreeView*>(option->widget);
    if (below > 0 && index.column() == ProcessTreeModel::ImageColumn && view &&
        !view->isExpanded(index.siblingAtColumn(0))) {
        option->palette.setColor(QPalette::Text, red);
        option->text = tr("%1  (%n suspicious below)", nullptr, below).arg(option->text);
    }
}

} // namespace socwb
