// The case's audit log, newest first: who did what to which channel, when. Read in a worker
// (QtConcurrent) through its own read-only connection; the latest kMaxRows entries are shown.
#pragma once

#include <QAbstractTableModel>
#include <QVector>

namespace socwb {

struct AuditEntry {
    qint64 id = 0;
    QString ts;
    QString actor;
    QString action;
    QString target;
    QString detail;
};

// Blocking read of the latest entries (call it off the GUI thread).
QVector<AuditEntry> readAuditLog(const QString& casePath, int limit);

class AuditLogModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column { TimeColumn, ActorColumn, ActionColumn, TargetColumn, DetailColumn, ColumnCount };
    static constexpr int kMaxRows = 20000;

    using QAbstractTableModel::QAbstractTableModel;
    // Re-reads the log in the background; loaded() follows.
    void load(const QString& casePath);
    void setEntries(QVector<AuditEntry> entries);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  signals:
    void loaded();

  private:
    QVariant cellData(const QModelIndex& index, int role) const;
    QVector<AuditEntry> rows_;
    quint64 generation_ = 0;
};

} // namespace socwb
