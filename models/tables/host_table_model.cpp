#include "host_table_model.h"

#include "core/logging.h"
#include "read_connection.h"
#include "store/statement.h"

#include <QLocale>

namespace socwb {

// The worker thread's side: its connection to the case, and a TEMP table with one row per host
// that each sort orders in SQL. Reading the hosts' counts scans the event tables once per read of
// the case; a sort after that orders that table alone.
struct HostSorter {
    QString casePath;
    quint64 serial = 0; // which read of the case the table holds
    std::unique_ptr<ReadConnection> conn;
    qint64 total = 0;

    void reread(const QString& path, quint64 readSerial);
    QVector<HostRow> sorted(int column, Qt::SortOrder order, int limit) const;
};

namespace {

// The ORDER BY key of a column: the value the column shows, as a number where it is one.
const char* sortKey(int column) {
    switch (column) {
    case HostTableModel::RoleColumn:
        return "role COLLATE NOCASE";
    case HostTableModel::OwnerColumn:
        return "owner COLLATE NOCASE";
    case HostTableModel::AddressesColumn:
        return "addresses";
    case HostTableModel::AlertsColumn:
        return "alerts";
    case HostTableModel::SysmonColumn:
        return "processes > 0";
    case HostTableModel::ProxyColumn:
        return "proxy";
    case HostTableModel::DnsColumn:
        return "dns";
    case HostTableModel::SensorColumn:
        return "sensor";
    case HostTableModel::ProcessesColumn:
        return "processes";
    case HostTableModel::AttributedColumn:
        return "CASE WHEN proxy + dns = 0 THEN -1.0 ELSE CAST(attributed AS REAL) / (proxy + dns) END";
    default:
        return "name COLLATE NOCASE";
    }
}

// Addresses are kept one per line in the TEMP table (no address holds a line break).
constexpr char kAddressSeparator = '\n';

} // namespace

void HostSorter::reread(const QString& path, quint64 readSerial) {
    serial = readSerial;
    total = 0;
    if (path != casePath || path.isEmpty()) {
        conn.reset();
        casePath = path;
    }
    if (path.isEmpty()) {
        return;
    }
    if (!conn) {
        conn = std::make_unique<ReadConnection>(path);
        execSql(conn->db(), "PRAGMA temp_store = MEMORY");
    }
    sqlite3* db = conn->db();
    const QVector<HostRow> rows = readHostRows(db);
    execSql(db, "DROP TABLE IF EXISTS temp.host_rows");
    execSql(db, "CREATE TEMP TABLE host_rows (id INTEGER PRIMARY KEY, name TEXT, role TEXT, owner TEXT, "
                "addresses TEXT, alerts INTEGER, proxy INTEGER, dns INTEGER, processes INTEGER, "
                "attributed INTEGER, unattributed INTEGER, sensor INTEGER)");
    // Only the TEMP database is written: a read-only connection may, and nothing of the case is locked.
    execSql(db, "BEGIN");
    try {
        Statement ins(db, "INSERT INTO temp.host_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        for (const HostRow& h : rows) {
            ins.bind(1, h.id)
                .bind(2, h.name.toStdString())
                .bind(3, h.role.toStdString())
                .bind(4, h.owner.toStdString())
                .bind(5, h.addresses.join(QLatin1Char(kAddressSeparator)).toStdString())
                .bind(6, h.alerts)
                .bind(7, h.proxy)
                .bind(8, h.dns)
                .bind(9, h.processes)
                .bind(10, h.attributed)
                .bind(11, h.unattributed)
                .bind(12, h.sensor)
                .exec();
            ins.reset();
        }
        execSql(db, "COMMIT");
    } catch (...) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    total = rows.size();
}

QVector<HostRow> HostSorter::sorted(int column, Qt::SortOrder order, int limit) const {
    QVector<HostRow> rows;
    if (!conn) {
        return rows;
    }
    // Ties (hosts with the same count) keep the order by name, as the table shows them unsorted.
    const std::string sql = std::string("SELECT id, name, role, owner, addresses, alerts, proxy, dns, processes, "
                                        "attributed, unattributed, sensor FROM temp.host_rows ORDER BY ") +
                            sortKey(column) + (order == Qt::DescendingOrder ? " DESC" : " ASC") +
                            ", name COLLATE NOCASE, id LIMIT ?";
    Statement st(conn->db(), sql);
    st.bind(1, int64_t(limit));
    while (st.step()) {
        HostRow h;
        h.id = st.int64(0);
        h.name = columnText(st, 1);
        h.role = columnText(st, 2);
        h.owner = columnText(st, 3);
        h.addresses = columnText(st, 4).split(QLatin1Char(kAddressSeparator), Qt::SkipEmptyParts);
        h.alerts = st.int64(5);
        h.proxy = st.int64(6);
        h.dns = st.int64(7);
        h.processes = st.int64(8);
        h.attributed = st.int64(9);
        h.unattributed = st.int64(10);
        h.sensor = st.int64(11);
        rows << h;
    }
    return rows;
}

HostTableModel::HostTableModel(QObject* parent)
    : QAbstractTableModel(parent), current_(std::make_shared<std::atomic<quint64>>(0)),
      sorter_(std::make_shared<HostSorter>()), worker_(new QObject) {
    worker_->moveToThread(&thread_);
    thread_.setObjectName(QStringLiteral("socwb-host-rows"));
    thread_.start();
}

HostTableModel::~HostTableModel() {
    current_->store(~quint64(0)); // whatever is queued is stale now
    thread_.quit();
    thread_.wait();
    delete worker_;
}

void HostTableModel::setCase(const QString& casePath) {
    casePath_ = casePath;
    ++caseSerial_;
    if (casePath.isEmpty()) {
        beginResetModel();
        rows_.clear();
        total_ = 0;
        endResetModel();
    }
    request();
}

void HostTableModel::setRowLimit(int rows) {
    rowLimit_ = std::max(1, rows);
    request();
}

void HostTableModel::sort(int column, Qt::SortOrder order) {
    if (column < 0 || column >= ColumnCount) {
        return;
    }
    sortColumn_ = column;
    sortOrder_ = order;
    request();
}

void HostTableModel::request() {
    const quint64 g = ++generation_;
    current_->store(g);
    loading_ = true;
    QMetaObject::invokeMethod(
        worker_,
        [this, g, current = current_, sorter = sorter_, path = casePath_, serial = caseSerial_, column = sortColumn_,
         order = sortOrder_, limit = rowLimit_] {
            if (current->load() != g) {
                return; // a newer request is queued behind this one and does what it would
            }
            QVector<HostRow> rows;
            try {
                if (sorter->serial != serial) {
                    sorter->reread(path, serial);
                }
                rows = sorter->sorted(column, order, limit);
            } catch (const std::exception& e) {
                log::ui()->warn("could not read the hosts of {}: {}", path.toStdString(), e.what());
                sorter->conn.reset();
                sorter->total = 0;
            }
            const qint64 total = sorter->total;
            QMetaObject::invokeMethod(
                this, [this, g, rows = std::move(rows), total] { onLoaded(g, rows, total); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void HostTableModel::onLoaded(quint64 generation, const QVector<HostRow>& rows, qint64 total) {
    if (generation != generation_) {
        return;
    }
    beginResetModel();
    rows_ = rows;
    total_ = total;
    endResetModel();
    loading_ = false;
    emit loaded();
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
        case SensorColumn:
            return l.toString(qint64(h.sensor));
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
    if (orientation != Qt::Horizontal) {
        return {};
    }
    if (role == Qt::InitialSortOrderRole) {
        const bool text = section <= AddressesColumn;
        return static_cast<int>(text ? Qt::AscendingOrder : Qt::DescendingOrder);
    }
    if (role != Qt::DisplayRole) {
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
    case SensorColumn:
        return tr("Sensor");
    case ProcessesColumn:
        return tr("Processes");
    case AttributedColumn:
        return tr("Attributed");
    default:
        return {};
    }
}

} // namespace socwb
