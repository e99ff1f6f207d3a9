#include "suspicion_delegate.h"

#include "tables/process_tree_model.h"

namespace socwb {

void SuspicionDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const {
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.data(ProcessTreeModel::SuspicionRole).toString().isEmpty()) {
        return;
    }
    option->palette.setColor(QPalette::Text, QColor(176, 0, 32));
    if (index.column() == ProcessTreeModel::ImageColumn) {
        option->font.setBold(true);
    }
}

} // namespace socwb
