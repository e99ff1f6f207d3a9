// A host's processes as a tree (parent links from the process graph), with each process's network
// connections and DNS queries as child rows fetched only when it is expanded (canFetchMore /
// fetchMore ask the owner for them through activityRequested; setActivity delivers them). The
// whole process list is in memory — thousands of small records — but a view asks only for the
// rows it shows, so opening a host is one pass over the list.
#pragma once

#include "charts/process_tree_data.h"

#include <QAbstractItemModel>
#include <QHash>

namespace socwb {

class ProcessTreeModel : public QAbstractItemModel {
    Q_OBJECT
  public:
    enum Column { ImageColumn, PidColumn, UserColumn, StartColumn, EndColumn, CommandLineColumn, ColumnCount };
    // FlaggedBelowRole: how many processes under a process's row have a suspicious lineage (0 on
    // activity rows), so a collapsed row can say what it hides.
    enum Role { ProcessIdRole = Qt::UserRole + 1, KindRole, SuspicionRole, EventIdRole, FlaggedBelowRole };
    enum Kind { ProcessKind, ConnectionKind, DnsQueryKind };
    static constexpr int kActivityLimit = 1000; // rows per process; the timeline has the rest

    explicit ProcessTreeModel(QObject* parent = nullptr);

    void setData(ProcessTreeData data);
    const ProcessTreeData& treeData() const { return data_; }
    void setActivity(qint64 processId, const QVector<ProcessActivity>& rows);

    QModelIndex indexForProcess(qint64 processId) const; // column 0; invalid when unknown
    qint64 processIdAt(const QModelIndex& index) const;  // the process a row is or belongs to; -1
    // Processes whose image, command line, user or PID contains TEXT (case-insensitive), by start time.
    QVector<qint64> find(const QString& text) const;
    // Processes with a suspicious lineage, by start time.
    QVector<qint64> suspicious() const;
    // The process and its ancestors, root first, one line each, for a ticket.
    QString lineageText(qint64 processId) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  signals:
    void activityRequested(qint64 processId);

  private:
    QVariant cellData(const QModelIndex& index, int role) const;
    struct Node {
        int parent = -1; // node index; -1: a root
        int record = -1; // into data_.processes; -1 for an activity row
        ProcessActivity activity;
        QVector<int> children; // child processes first, then activity rows once fetched
        bool activityRequested = false;
        int flaggedBelow = 0; // descendant processes with a suspicious lineage
    };
    QModelIndex indexOfNode(int node, int column = 0) const;
    int nodeOf(const QModelIndex& index) const { return index.isValid() ? int(index.internalId()) : -1; }
    const QVector<int>& childrenOf(int node) const { return node < 0 ? roots_ : nodes_[node].children; }

    ProcessTreeData data_;
    QVector<Node> nodes_; // processes at the index of their record, activity rows after
    QVector<int> roots_;
    QVector<int> rowInParent_; // per node
    QHash<qint64, int> nodeByProcess_;
};

} // namespace socwb
