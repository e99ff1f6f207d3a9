#include "audit_log_model.h"

#include "plain_text.h"
#include "read_connection.h"
#include "store/statement.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace socwb {

QVector<AuditEntry> readAuditLog(const QString& casePath, int limit) {
    QVector<AuditEntry> out;
    try {
        ReadConnection c(casePath);
        Statement st(c.db(), "SELECT id, ts, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT ?");
        st.bind(1, int64_t(limit));
        while (st.step()) {
            out.push_back({st.int64(0), columnText(st, 1), columnText(st, 2), columnText(st, 3), columnText(st, 4),
                           columnText(st, 5)});
        }
    } catch (const std::exception&) {
        // An unreadable case has no log to show; the window reports the case itself.
    }
    return out;
}

void AuditLogModel::load(const QString& casePath) {
    const quint64 g = ++generation_;
    auto* watcher = new QFutureWatcher<QVector<AuditEntry>>(this);
    connect(watcher, &QFutureWatcher<QVector<AuditEntry>>::finished, this, [this, watcher, g] {
        watcher->deleteLater();
        if (g == generation_) { // a newer load supersedes this one
            setEntries(watcher->result());
            emit loaded();
        }
    });
    watcher->setFuture(QtConcurrent::run([casePath] { return readAuditLog(casePath, kMaxRows); }));
}

void AuditLogModel::setEntries(QVector<AuditEntry> entries) {
    beginResetModel();
    rows_ = std::move(entries);
    endResetModel();
}

int AuditLogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int AuditLogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

// Evidence text as the analyst must see it: invisible characters as marks (plain_text.h).
QVariant AuditLogModel::data(const QModelIndex& index, int role) const {
    return visibleData(cellData(index, role), role);
}

QVariant AuditLogModel::cellData(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rows_.size()) {
        return {};
    }
    const AuditEntry& e = rows_[index.row()];
    const auto text = [&]() -> QString {
        switch (index.column()) {
        case TimeColumn:
            return e.ts.left(19).replace(QLatin1Char('T'), QLatin1Char(' '));
        case ActorColumn:
            return e.actor;
        case ActionColumn:
            return e.action;
        case TargetColumn:
            return e.target;
        case DetailColumn:
            return e.detail;
        default:
            return {};
        }
    };
    if (role == Qt::DisplayRole) {
        return text();
    }
    if (role == Qt::ToolTipRole && (index.column() == TargetColumn || index.column() == DetailColumn)) {
        return plainToolTip(text());
    }
    return {};
}

QVariant AuditLogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case TimeColumn:
        return tr("Time (UTC)");
    case ActorColumn:
        return tr("User");
    case ActionColumn:
        return tr("Action");
    case TargetColumn:
        return tr("Target");
    case DetailColumn:
        return tr("Detail");
    default:
        return {};
    }
}

} // namespace socwb
