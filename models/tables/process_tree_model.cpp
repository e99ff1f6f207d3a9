#include "process_tree_model.h"

#include "plain_text.h"

#include <QDateTime>

#include <algorithm>

namespace socwb {

namespace {
QString utc(int64_t us) {
    return us == 0 ? QString()
                   : QDateTime::fromMSecsSinceEpoch(us / 1000, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}
QString fileName(const QString& path) {
    const qsizetype cut = std::max(path.lastIndexOf(QLatin1Char('\\')), path.lastIndexOf(QLatin1Char('/')));
    return path.mid(cut + 1);
}
} // namespace

ProcessTreeModel::ProcessTreeModel(QObject* parent) : QAbstractItemModel(parent) {}

void ProcessTreeModel::setData(ProcessTreeData data) {
    beginResetModel();
    data_ = std::move(data);
    nodes_.clear();
    roots_.clear();
    nodeByProcess_.clear();
    const qsizetype n = data_.processes.size();
    nodes_.resize(n);
    rowInParent_.resize(n);
    for (qsizetype i = 0; i < n; ++i) {
        nodes_[i].record = int(i);
        nodeByProcess_.insert(data_.processes[i].id, int(i));
    }
    // Records come by start time, so children end up in start order under their parent.
    for (qsizetype i = 0; i < n; ++i) {
        const auto parentIt = nodeByProcess_.constFind(data_.processes[i].parentId);
        // A parent link that loops back (GUIDs reused across reboots) would hide the subtree: the
        // process becomes a root instead.
        bool loop = false;
        if (parentIt != nodeByProcess_.constEnd()) {
            for (int p = *parentIt, hops = 0; p >= 0 && hops <= n; p = nodes_[p].parent, ++hops) {
                if (p == int(i)) {
                    loop = true;
                    break;
                }
            }
        }
        if (parentIt == nodeByProcess_.constEnd() || loop) {
            rowInParent_[i] = int(roots_.size());
            roots_.push_back(int(i));
        } else {
            nodes_[i].parent = *parentIt;
            rowInParent_[i] = int(nodes_[*parentIt].children.size());
            nodes_[*parentIt].children.push_back(int(i));
        }
    }
    // A flagged process counts in every ancestor's row: collapsed, the row still says it hides one.
    for (qsizetype i = 0; i < n; ++i) {
        if (!data_.processes[i].suspicion.isEmpty()) {
            for (int p = nodes_[i].parent; p >= 0; p = nodes_[p].parent) {
                ++nodes_[p].flaggedBelow;
            }
        }
    }
    endResetModel();
}

void ProcessTreeModel::setActivity(qint64 processId, const QVector<ProcessActivity>& rows) {
    const auto it = nodeByProcess_.constFind(processId);
    if (it == nodeByProcess_.constEnd() || rows.isEmpty()) {
        return;
    }
    const int node = *it;
    nodes_[node].activityRequested = true;
    const int first = int(nodes_[node].children.size());
    beginInsertRows(indexOfNode(node), first, first + int(rows.size()) - 1);
    for (const ProcessActivity& a : rows) {
        Node child;
        child.parent = node;
        child.activity = a;
        nodes_.push_back(child);
        rowInParent_.push_back(int(nodes_[node].children.size()));
        nodes_[node].children.push_back(int(nodes_.size() - 1));
    }
    endInsertRows();
}

QModelIndex ProcessTreeModel::indexOfNode(int node, int column) const {
    return node < 0 ? QModelIndex() : createIndex(rowInParent_[node], column, quintptr(node));
}

QModelIndex ProcessTreeModel::indexForProcess(qint64 processId) const {
    const auto it = nodeByProcess_.constFind(processId);
    return it == nodeByProcess_.constEnd() ? QModelIndex() : indexOfNode(*it);
}

qint64 ProcessTreeModel::processIdAt(const QModelIndex& index) const {
    int node = nodeOf(index);
    if (node >= 0 && nodes_[node].record < 0) {
        node = nodes_[node].parent;
    }
    return node < 0 ? -1 : data_.processes[nodes_[node].record].id;
}

QVector<qint64> ProcessTreeModel::find(const QString& text) const {
    QVector<qint64> out;
    if (text.isEmpty()) {
        return out;
    }
    for (const ProcessRecord& r : data_.processes) {
        if (r.image.contains(text, Qt::CaseInsensitive) || r.commandLine.contains(text, Qt::CaseInsensitive) ||
            r.user.contains(text, Qt::CaseInsensitive) || QString::number(r.pid) == text) {
            out.push_back(r.id);
        }
    }
    return out;
}

QVector<qint64> ProcessTreeModel::suspicious() const {
    QVector<qint64> out;
    for (const ProcessRecord& r : data_.processes) {
        if (!r.suspicion.isEmpty()) {
            out.push_back(r.id);
        }
    }
    return out;
}

QString ProcessTreeModel::lineageText(qint64 processId) const {
    QVector<int> chain;
    const auto it = nodeByProcess_.constFind(processId);
    for (int node = it == nodeByProcess_.constEnd() ? -1 : *it; node >= 0; node = nodes_[node].parent) {
        chain.prepend(node);
    }
    QString out;
    if (!chain.isEmpty()) {
        out = tr("Process lineage on %1 (times UTC)\n").arg(data_.hostName);
    }
    for (qsizetype depth = 0; depth < chain.size(); ++depth) {
        const ProcessRecord& r = data_.processes[nodes_[chain[depth]].record];
        out += QString(int(depth) * 2, QLatin1Char(' '));
        out += QStringLiteral("%1 (PID %2, user %3, started %4)%5\n")
                   .arg(r.image.isEmpty() ? tr("(image unknown)") : r.image,
                        r.pid < 0 ? QStringLiteral("?") : QString::number(r.pid),
                        r.user.isEmpty() ? QStringLiteral("?") : r.user, r.startUs ? utc(r.startUs) : tr("unknown"),
                        r.suspicion.isEmpty() ? QString() : QStringLiteral("  [!] ") + r.suspicion);
        if (!r.commandLine.isEmpty()) {
            out += QString(int(depth) * 2 + 4, QLatin1Char(' ')) + r.commandLine + QLatin1Char('\n');
        }
    }
    return out;
}

QModelIndex ProcessTreeModel::index(int row, int column, const QModelIndex& parent) const {
    if (column < 0 || column >= ColumnCount || row < 0 || parent.column() > 0) {
        return {};
    }
    const QVector<int>& kids = childrenOf(nodeOf(parent));
    return row < kids.size() ? createIndex(row, column, quintptr(kids[row])) : QModelIndex();
}

QModelIndex ProcessTreeModel::parent(const QModelIndex& child) const {
    const int node = nodeOf(child);
    return node < 0 ? QModelIndex() : indexOfNode(nodes_[node].parent);
}

int ProcessTreeModel::rowCount(const QModelIndex& parent) const {
    if (parent.column() > 0) {
        return 0;
    }
    return int(childrenOf(nodeOf(parent)).size());
}

int ProcessTreeModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

bool ProcessTreeModel::hasChildren(const QModelIndex& parent) const {
    if (parent.column() > 0) {
        return false;
    }
    const int node = nodeOf(parent);
    if (node < 0) {
        return !roots_.isEmpty();
    }
    if (!nodes_[node].children.isEmpty()) {
        return true;
    }
    if (nodes_[node].record < 0) {
        return false;
    }
    // Connections and queries not read yet (or on their way) still make the row expandable.
    const ProcessRecord& r = data_.processes[nodes_[node].record];
    return r.netCount + r.dnsCount > 0;
}

bool ProcessTreeModel::canFetchMore(const QModelIndex& parent) const {
    const int node = nodeOf(parent);
    if (node < 0 || parent.column() > 0 || nodes_[node].record < 0 || nodes_[node].activityRequested) {
        return false;
    }
    const ProcessRecord& r = data_.processes[nodes_[node].record];
    return r.netCount + r.dnsCount > 0;
}

void ProcessTreeModel::fetchMore(const QModelIndex& parent) {
    if (!canFetchMore(parent)) {
        return;
    }
    const int node = nodeOf(parent);
    nodes_[node].activityRequested = true;
    emit activityRequested(data_.processes[nodes_[node].record].id);
}

// Evidence text as the analyst must see it: invisible characters as marks (plain_text.h).
QVariant ProcessTreeModel::data(const QModelIndex& index, int role) const {
    return visibleData(cellData(index, role), role);
}

QVariant ProcessTreeModel::cellData(const QModelIndex& index, int role) const {
    const int node = nodeOf(index);
    if (node < 0 || node >= nodes_.size()) {
        return {};
    }
    const Node& n = nodes_[node];
    if (n.record < 0) {
        const ProcessActivity& a = n.activity;
        switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
            case ImageColumn:
                return a.kind == ProcessActivity::Connection ? tr("connection") : tr("DNS query");
            case StartColumn:
                return utc(a.tsUs);
            case CommandLineColumn:
                return a.text;
            default:
                return {};
            }
        case KindRole:
            return a.kind == ProcessActivity::Connection ? ConnectionKind : DnsQueryKind;
        case EventIdRole:
            return qint64(a.id);
        case ProcessIdRole:
            return processIdAt(index);
        default:
            return {};
        }
    }
    const ProcessRecord& r = data_.processes[n.record];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case ImageColumn:
            return r.image.isEmpty() ? tr("(image unknown)") : fileName(r.image);
        case PidColumn:
            return r.pid < 0 ? QVariant() : QVariant(qint64(r.pid));
        case UserColumn:
            return r.user;
        case StartColumn:
            return utc(r.startUs);
        case EndColumn:
            return utc(r.endUs);
        case CommandLineColumn:
            return r.commandLine;
        default:
            return {};
        }
    case Qt::ToolTipRole: {
        // Tool tips render rich text when they look like it: evidence is escaped first.
        QString tip = QStringLiteral("<p style='white-space:pre-wrap'>%1</p>").arg(r.image.toHtmlEscaped());
        if (index.column() == CommandLineColumn) {
            tip = QStringLiteral("<p style='white-space:pre-wrap'>%1</p>").arg(r.commandLine.toHtmlEscaped());
        }
        if (!r.suspicion.isEmpty()) {
            tip += QStringLiteral("<p><b>%1</b></p>").arg(r.suspicion.toHtmlEscaped());
        }
        if (n.flaggedBelow > 0) {
            tip +=
                QStringLiteral("<p>%1</p>")
                    .arg(n.flaggedBelow == 1 ? tr("1 process below with a suspicious lineage")
                                             : tr("%1 processes below with a suspicious lineage").arg(n.flaggedBelow));
        }
        return tip;
    }
    case ProcessIdRole:
        return qint64(r.id);
    case KindRole:
        return ProcessKind;
    case SuspicionRole:
        return r.suspicion;
    case FlaggedBelowRole:
        return n.flaggedBelow;
    default:
        return {};
    }
}

QVariant ProcessTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case ImageColumn:
        return tr("Image");
    case PidColumn:
        return tr("PID");
    case UserColumn:
        return tr("User");
    case StartColumn:
        return tr("Start (UTC)");
    case EndColumn:
        return tr("End (UTC)");
    case CommandLineColumn:
        return tr("Command line / destination");
    default:
        return {};
    }
}

} // namespace socwb
