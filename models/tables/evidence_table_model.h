// The case's evidence files as a table: one row per imported file, small enough to hold in memory.
#pragma once

#include "store/case_summary.h"

#include <QAbstractTableModel>

namespace socwb {

class EvidenceTableModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column {
        FileColumn,
        FormatColumn,
        TimeZoneColumn, // the zone a local-time log was read in; "UTC" for formats that log UTC
        AcceptedColumn,
        ContentsColumn, // what the records became: "812 connections, 40 TLS sessions"
        RejectedColumn,
        StatusColumn,
        SizeColumn,
        ImportedColumn,
        Sha256Column,
        ColumnCount
    };
    enum Role { PathRole = Qt::UserRole + 1, EvidenceIdRole };

    using QAbstractTableModel::QAbstractTableModel;

    void setRows(QVector<EvidenceRow> rows);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  private:
    QVariant cellData(const QModelIndex& index, int role) const;
    QVector<EvidenceRow> rows_;
};

} // namespace socwb
