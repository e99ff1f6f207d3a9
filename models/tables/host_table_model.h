// The case's hosts as a table: name, role, owner, addresses, their alerts, whether Sysmon covers them
// (processes known), and how much of each source is theirs,
// with how many of their requests are tied to a process. Hundreds of rows at most: held in memory.
#pragma once

#include "store/case_summary.h"

#include <QAbstractTableModel>

namespace socwb {

class HostTableModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column {
        NameColumn,
        RoleColumn,
        OwnerColumn,
        AddressesColumn,
        AlertsColumn,
        SysmonColumn,
        ProxyColumn,
        DnsColumn,
        ProcessesColumn,
        AttributedColumn,
        ColumnCount
    };
    enum Role { HostIdRole = Qt::UserRole + 1, SortRole };

    using QAbstractTableModel::QAbstractTableModel;

    void setRows(QVector<HostRow> rows);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  private:
    QVector<HostRow> rows_;
};

} // namespace socwb
