#include "evidence_table_model.h"

#include "import/import_plan.h"
#include "plain_text.h"

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

// Evidence text as the analyst must see it: invisible characters as marks (plain_text.h).
QVariant EvidenceTableModel::data(const QModelIndex& index, int role) const {
    return visibleData(cellData(index, role), role);
}

QVariant EvidenceTableModel::cellData(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rows_.size()) {
        return {};
    }
    const EvidenceRow& r = rows_[index.row()];
    const QLocale locale;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case FileColumn:
            return provenanceLabel(r.path, r.memberPath); // "evidence.zip › C/Windows/…/x.evtx"
        case FormatColumn:
            return r.format;
        case TimeZoneColumn:
            return formatUsesLocalTime(r.format) ? r.sourceTz : QStringLiteral("UTC");
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
        QString text = index.column() == Sha256Column ? r.sha256 : provenanceLabel(r.path, r.memberPath, true);
        if (index.column() == TimeZoneColumn) {
            text = formatUsesLocalTime(r.format)
                       ? tr("%1 logs the server's local time: its times were read as %2 and stored in UTC")
                             .arg(r.format, r.sourceTz)
                       : tr("%1 logs UTC (or writes its offset): no zone was needed").arg(r.format);
        }
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
    case TimeZoneColumn:
        return tr("Time zone");
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
