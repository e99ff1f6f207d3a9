// The host timeline's event table: the events of the visible time range, read a page at a time
// by key (ts, lane, id) as the table is scrolled — fetchMore asks the owner for the page after the
// last row (pageRequested), appendPage delivers it. Times shown in UTC or local time.
#pragma once

#include "charts/timeline_query.h"

#include <QAbstractTableModel>

namespace socwb {

class TimelineEventModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column { TimeColumn, LaneColumn, EventColumn, ColumnCount };
    enum Role { LaneRole = Qt::UserRole + 1, EventIdRole, TimeUsRole };

    explicit TimelineEventModel(QObject* parent = nullptr);

    // Empties the table for a new range; GENERATION tags the pages that belong to it.
    void reset(quint64 generation);
    quint64 generation() const { return generation_; }
    // Adds a page (dropped when it belongs to an older generation); MORE: whether another may follow.
    void appendPage(quint64 generation, const QVector<TimelineEvent>& rows, bool more);
    void setLocalTime(bool local);
    bool localTime() const { return local_; }
    const TimelineEvent& eventAt(int row) const { return rows_[row]; }
    int rowOf(int lane, qint64 id) const; // -1 when not loaded

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

    static QString formatTime(qint64 tsUs, bool local);

  signals:
    void pageRequested(quint64 generation, const socwb::TimelineKey& after);

  private:
    QVariant cellData(const QModelIndex& index, int role) const;
    QVector<TimelineEvent> rows_;
    quint64 generation_ = 0;
    bool more_ = false;
    bool waiting_ = false;
    bool local_ = false;
};

} // namespace socwb
