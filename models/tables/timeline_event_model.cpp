#include "timeline_event_model.h"

#include "plain_text.h"

#include <QDateTime>

namespace socwb {

TimelineEventModel::TimelineEventModel(QObject* parent) : QAbstractTableModel(parent) {}

QString TimelineEventModel::formatTime(qint64 tsUs, bool local) {
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(tsUs / 1000, local ? Qt::LocalTime : Qt::UTC);
    return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

void TimelineEventModel::reset(quint64 generation) {
    beginResetModel();
    rows_.clear();
    generation_ = generation;
    more_ = false;
    waiting_ = true; // the first page is on its way
    endResetModel();
}

void TimelineEventModel::appendPage(quint64 generation, const QVector<TimelineEvent>& rows, bool more) {
    if (generation != generation_) {
        return;
    }
    // Still "waiting" while the rows go in: a view (or the model tester) reacting to the insert
    // must not ask for the page after a key that is not there yet.
    if (!rows.isEmpty()) {
        beginInsertRows({}, int(rows_.size()), int(rows_.size() + rows.size()) - 1);
        rows_ += rows;
        endInsertRows();
    }
    waiting_ = false;
    more_ = more;
}

void TimelineEventModel::setLocalTime(bool local) {
    if (local_ == local) {
        return;
    }
    local_ = local;
    emit headerDataChanged(Qt::Horizontal, TimeColumn, TimeColumn);
    if (!rows_.isEmpty()) {
        emit dataChanged(index(0, TimeColumn), index(int(rows_.size()) - 1, TimeColumn), {Qt::DisplayRole});
    }
}

int TimelineEventModel::rowOf(int lane, qint64 id) const {
    for (qsizetype i = 0; i < rows_.size(); ++i) {
        if (rows_[i].lane == lane && rows_[i].id == id) {
            return int(i);
        }
    }
    return -1;
}

int TimelineEventModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

int TimelineEventModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

// Evidence text as the analyst must see it: invisible characters as marks (plain_text.h).
QVariant TimelineEventModel::data(const QModelIndex& index, int role) const {
    return visibleData(cellData(index, role), role);
}

QVariant TimelineEventModel::cellData(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rows_.size()) {
        return {};
    }
    const TimelineEvent& e = rows_[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return formatTime(e.tsUs, local_);
        case LaneColumn:
            return TimelineQuery::laneNames().value(e.lane);
        case EventColumn:
            return e.summary;
        default:
            return {};
        }
    case LaneRole:
        return e.lane;
    case EventIdRole:
        return qint64(e.id);
    case TimeUsRole:
        return qint64(e.tsUs);
    default:
        return {};
    }
}

QVariant TimelineEventModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case TimeColumn:
        return local_ ? tr("Time (local, %1)").arg(QDateTime::currentDateTime().timeZoneAbbreviation())
                      : tr("Time (UTC)");
    case LaneColumn:
        return tr("Source");
    case EventColumn:
        return tr("Event");
    default:
        return {};
    }
}

bool TimelineEventModel::canFetchMore(const QModelIndex& parent) const {
    return !parent.isValid() && more_ && !waiting_;
}

void TimelineEventModel::fetchMore(const QModelIndex& parent) {
    if (!canFetchMore(parent)) {
        return;
    }
    waiting_ = true;
    TimelineKey after;
    if (!rows_.isEmpty()) {
        after = {rows_.last().tsUs, rows_.last().lane, rows_.last().id};
    }
    emit pageRequested(generation_, after);
}

} // namespace socwb
