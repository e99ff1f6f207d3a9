#include "evidence_table_model.h"

#include <QFileInfo>
#include <QLocale>

namespace socwb {

void EvidenceTableModel::setRows(QVector<EvidenceRow> rows) {
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
}

int EvidenceTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int EvidenceTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EvidenceTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rows_.size()) {
        return {};
    }
    const EvidenceRow& r = rows_[index.row()];
    const QLocale locale;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case FileColumn:
            return QFileInfo(r.path).fileName();
        case FormatColumn:
            return r.format;
        case AcceptedColumn:
            return locale.toString(qint64(r.accepted));
        case ContentsColumn:
            return contentsText(r.contents);
        case RejectedColumn:
            return locale.toString(qint64(r.rejected));
        case StatusColumn:
            return r.status;
        case SizeColumn:
            return locale.formattedDataSize(r.size);
        case ImportedColumn:
            return r.importFinished.left(19).replace(QLatin1Char('T'), QLatin1Char(' '));
        case Sha256Column:
            return r.sha256.left(12) + QStringLiteral("\u2026");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        // Tooltips guess: text that looks like markup is rendered as rich text. A path is evidence
        // (a file may be named "<img src=...>.log"), so say it is rich text and escape it.
        const QString text = index.column() == Sha256Column ? r.sha256 : r.path;
        return QStringLiteral("<p style='white-space:pre'>%1</p>").arg(text.toHtmlEscaped());
    }
    if (role == Qt::TextAlignmentRole &&
        (index.column() == AcceptedColumn || index.column() == RejectedColumn || index.column() == SizeColumn)) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == PathRole) {
        return r.path;
    }
    if (role == EvidenceIdRole) {
        return qint64(r.id);
    }
    return {};
}

QVariant EvidenceTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case FileColumn:
        return tr("File");
    case FormatColumn:
        return tr("Format");
    case AcceptedColumn:
        return tr("Records");
    case ContentsColumn:
        return tr("Holds");
    case RejectedColumn:
        return tr("Rejected");
    case StatusColumn:
        return tr("Status");
    case SizeColumn:
        return tr("Size");
    case ImportedColumn:
        return tr("Imported (UTC)");
    case Sha256Column:
        return tr("SHA-256");
    default:
        return {};
    }
}

} // namespace socwb
