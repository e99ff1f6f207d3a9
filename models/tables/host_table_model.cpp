#include "host_table_model.h"

#include <QLocale>

namespace socwb {

void HostTableModel::setRows(QVector<HostRow> rows) {
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
}

int HostTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int HostTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HostTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rows_.size()) {
        return {};
    }
    const HostRow& h = rows_[index.row()];
    const int64_t requests = h.proxy + h.dns;
    if (role == Qt::DisplayRole) {
        const QLocale l;
        switch (index.column()) {
        case NameColumn:
            return h.name;
        case RoleColumn:
            return h.role;
        case OwnerColumn:
            return h.owner;
        case AddressesColumn:
            return h.addresses.join(QStringLiteral(", "));
        case AlertsColumn:
            return l.toString(qint64(h.alerts));
        case SysmonColumn:
            return h.processes > 0 ? tr("yes") : tr("no");
        case ProxyColumn:
            return l.toString(qint64(h.proxy));
        case DnsColumn:
            return l.toString(qint64(h.dns));
        case ProcessesColumn:
            return l.toString(qint64(h.processes));
        case AttributedColumn:
            return requests == 0
                       ? QString()
                       : QStringLiteral("%1 %").arg(100.0 * double(h.attributed) / double(requests), 0, 'f', 0);
        default:
            return {};
        }
    }
    if (role == SortRole) {
        switch (index.column()) {
        case AlertsColumn:
            return qint64(h.alerts);
        case ProxyColumn:
            return qint64(h.proxy);
        case DnsColumn:
            return qint64(h.dns);
        case ProcessesColumn:
            return qint64(h.processes);
        case AttributedColumn:
            return requests == 0 ? -1.0 : double(h.attributed) / double(requests);
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ToolTipRole && index.column() == AttributedColumn && requests > 0) {
        return tr("%1 of %2 proxy requests and DNS queries tied to a process; %3 not")
            .arg(h.attributed)
            .arg(requests)
            .arg(h.unattributed);
    }
    if (role == Qt::TextAlignmentRole && (index.column() >= ProxyColumn || index.column() == AlertsColumn)) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == HostIdRole) {
        return qint64(h.id);
    }
    return {};
}

QVariant HostTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case NameColumn:
        return tr("Host");
    case RoleColumn:
        return tr("Role");
    case OwnerColumn:
        return tr("Owner");
    case AddressesColumn:
        return tr("Addresses");
    case AlertsColumn:
        return tr("Alerts");
    case SysmonColumn:
        return tr("Sysmon");
    case ProxyColumn:
        return tr("Proxy");
    case DnsColumn:
        return tr("DNS");
    case ProcessesColumn:
        return tr("Processes");
    case AttributedColumn:
        return tr("Attributed");
    default:
        return {};
    }
}

} // namespace socwb
