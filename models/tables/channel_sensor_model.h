// One channel's network-sensor connections as a table for the alert detail: time, the TLS server
// name that named it, bytes each way, how long it lasted, its uid, the responder, state, sensor
// (what a narrow dock must show comes first).
// The rows come read with the detail (AlertDetail::sensorConnections, the first
// kSensorRowsShown in time order); total() is every connection of the channel.
#pragma once

#include "alert_detail.h"

#include <QAbstractTableModel>

namespace socwb {

class ChannelSensorModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column {
        TimeColumn,
        ServerNameColumn,
        BytesOutColumn,
        BytesInColumn,
        DurationColumn,
        UidColumn,
        ResponderColumn,
        StateColumn,
        SensorColumn,
        ColumnCount
    };
    enum Role { ConnectionIdRole = Qt::UserRole + 1 };

    using QAbstractTableModel::QAbstractTableModel;
    void setConnections(QVector<SensorConnectionRow> rows, qint64 total);
    qint64 total() const { return total_; }
    // "12.5 s", "3 min 20 s", "30 h 5 min"; "open" for a connection the sensor logged no end of.
    static QString formatDuration(qint64 us);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  private:
    QVariant cellData(const QModelIndex& index, int role) const;
    QVector<SensorConnectionRow> rows_;
    qint64 total_ = 0;
};

} // namespace socwb
