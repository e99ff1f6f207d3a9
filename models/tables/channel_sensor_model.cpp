#include "channel_sensor_model.h"

#include "plain_text.h"
#include "store/case_summary.h"

#include <QLocale>

namespace socwb {

void ChannelSensorModel::setConnections(QVector<SensorConnectionRow> rows, qint64 total) {
    beginResetModel();
    rows_ = std::move(rows);
    total_ = std::max<qint64>(total, rows_.size());
    endResetModel();
}

QString ChannelSensorModel::formatDuration(qint64 us) {
    if (us < 0) {
        return tr("open");
    }
    const double s = double(us) / 1e6;
    if (s < 60) {
        return tr("%1 s").arg(s, 0, 'f', s < 10 ? 2 : 1);
    }
    const qint64 whole = us / 1000000;
    if (whole < 3600) {
        return tr("%1 min %2 s").arg(whole / 60).arg(whole % 60);
    }
    return tr("%1 h %2 min").arg(whole / 3600).arg((whole % 3600) / 60);
}

int ChannelSensorModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int ChannelSensorModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

// Evidence text as the analyst must see it: invisible characters as marks (plain_text.h).
QVariant ChannelSensorModel::data(const QModelIndex& index, int role) const {
    return visibleData(cellData(index, role), role);
}

QVariant ChannelSensorModel::cellData(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rows_.size()) {
        return {};
    }
    const SensorConnectionRow& r = rows_[index.row()];
    const auto bytes = [](qint64 b) { return b < 0 ? QString() : QLocale().toString(b); };
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case TimeColumn:
            return isoFromUs(r.ts).mid(0, 23).replace(QLatin1Char('T'), QLatin1Char(' '));
        case ServerNameColumn:
            return r.serverName;
        case UidColumn:
            return r.uid;
        case ResponderColumn:
            return r.responder;
        case BytesOutColumn:
            return bytes(r.bytesOut);
        case BytesInColumn:
            return bytes(r.bytesIn);
        case DurationColumn:
            return formatDuration(r.durationUs);
        case StateColumn:
            return r.state;
        case SensorColumn:
            return r.sensor;
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case ServerNameColumn:
            return plainToolTip(r.serverName);
        case UidColumn:
            return plainToolTip(r.uid);
        case SensorColumn:
            return plainToolTip(r.sensor);
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole &&
        (index.column() == BytesOutColumn || index.column() == BytesInColumn || index.column() == DurationColumn)) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == ConnectionIdRole) {
        return r.id;
    }
    return {};
}

QVariant ChannelSensorModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case TimeColumn:
        return tr("Time (UTC)");
    case ServerNameColumn:
        return tr("Server name (SNI)");
    case UidColumn:
        return tr("Uid");
    case ResponderColumn:
        return tr("Responder");
    case BytesOutColumn:
        return tr("Sent");
    case BytesInColumn:
        return tr("Received");
    case DurationColumn:
        return tr("Duration");
    case StateColumn:
        return tr("State");
    case SensorColumn:
        return tr("Sensor");
    default:
        return {};
    }
}

} // namespace socwb
