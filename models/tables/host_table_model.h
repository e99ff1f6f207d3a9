// The case's hosts as a table: name, role, owner, addresses, their alerts, whether Sysmon covers them
// (processes known), and how much of each source is theirs, with how many of their requests are
// tied to a process. A case can hold 120k hosts (one per client address), so nothing is sorted on
// the GUI thread: a worker thread with its own read connection puts every host's row into a TEMP
// table when the case is (re)read, each sort() is an ORDER BY over that table, and the first
// rowLimit() rows of the order come back. Requests carry a generation number, so a result of an
// older case or order is dropped.
#pragma once

#include "store/case_summary.h"

#include <QAbstractTableModel>
#include <QThread>

#include <atomic>
#include <memory>

namespace socwb {

struct HostSorter;

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
        SensorColumn, // connections a network sensor saw this host open
        ProcessesColumn,
        AttributedColumn,
        ColumnCount
    };
    enum Role { HostIdRole = Qt::UserRole + 1 };
    static constexpr int kDefaultRowLimit = 10000;

    explicit HostTableModel(QObject* parent = nullptr);
    ~HostTableModel() override;

    // Reads CASE's hosts (again, after an import or a scoring pass) in the current order; an empty
    // path empties the model.
    void setCase(const QString& casePath);
    // At most this many rows, the first ones of the order, are shown.
    void setRowLimit(int rows);
    int rowLimit() const { return rowLimit_; }
    // Hosts in the case, of which rowCount() shows at most rowLimit().
    qint64 total() const { return total_; }
    int sortColumn() const { return sortColumn_; }
    Qt::SortOrder sortOrder() const { return sortOrder_; }
    // A read or a sort is under way; loaded() follows.
    bool isLoading() const { return loading_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    // Qt::InitialSortOrderRole: counts sort largest first on their first click.
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    // Re-reads the rows in this order from the worker's TEMP table; the rows stay until they come.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

  signals:
    // The rows of the latest setCase() or sort() are in.
    void loaded();

  private:
    void request();
    void onLoaded(quint64 generation, const QVector<HostRow>& rows, qint64 total);

    QString casePath_;
    quint64 caseSerial_ = 0; // which read of the case the worker's TEMP table must hold
    int sortColumn_ = NameColumn;
    Qt::SortOrder sortOrder_ = Qt::AscendingOrder;
    int rowLimit_ = kDefaultRowLimit;
    QVector<HostRow> rows_;
    qint64 total_ = 0;
    bool loading_ = false;
    quint64 generation_ = 0;
    std::shared_ptr<std::atomic<quint64>> current_;
    std::shared_ptr<HostSorter> sorter_; // used on thread_ only
    QThread thread_;
    QObject* worker_ = nullptr; // lives on thread_: requests run there
};

} // namespace socwb
