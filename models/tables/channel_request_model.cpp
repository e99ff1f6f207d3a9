#include "channel_request_model.h"

#include "plain_text.h"
#include "read_connection.h"
#include "store/case_summary.h"
#include "store/schema.h"
#include "store/statement.h"

#include <QFutureWatcher>
#include <QLocale>
#include <QtConcurrent/QtConcurrentRun>

namespace socwb {

QVector<ChannelRequest> readChannelRequestRows(sqlite3* db, const std::vector<int64_t>& ids) {
    QVector<ChannelRequest> out;
    if (ids.empty()) {
        return out;
    }
    const QStringList marks(static_cast<int>(ids.size()), QStringLiteral("?"));
    Statement st(
        db, QStringLiteral("SELECT p.id, p.ts_us, p.method, p.url, p.status, p.bytes_out, p.bytes_in, "
                           "p.user_agent, p.action, pr.image, %2, at.confidence FROM proxy_events p "
                           "LEFT JOIN proxy_attributions at ON at.request_id = p.id "
                           "LEFT JOIN processes pr ON pr.id = at.process_id WHERE p.id IN (%1) ORDER BY p.id")
                .arg(marks.join(QLatin1Char(',')), QString::fromStdString(schema::attributionMethodSql("at.method")))
                .toStdString());
    for (size_t i = 0; i < ids.size(); ++i) {
        st.bind(static_cast<int>(i) + 1, ids[i]);
    }
    while (st.step()) {
        ChannelRequest r;
        r.id = st.int64(0);
        r.ts = st.int64(1);
        r.method = columnText(st, 2);
        r.url = columnText(st, 3);
        r.status = st.isNull(4) ? 0 : st.int64(4);
        r.bytesOut = st.isNull(5) ? -1 : st.int64(5); // -1: the log has no such field
        r.bytesIn = st.isNull(6) ? -1 : st.int64(6);
        r.userAgent = columnText(st, 7);
        r.action = columnText(st, 8);
        r.process = columnText(st, 9);
        if (!st.isNull(10)) {
            r.attribution = QStringLiteral("%1 %2").arg(columnText(st, 10)).arg(st.real(11), 0, 'f', 2);
        }
        out << r;
    }
    return out;
}

QVector<ChannelRequest> readChannelRequests(const QString& casePath, const std::vector<int64_t>& ids) {
    if (ids.empty()) {
        return {};
    }
    try {
        ReadConnection c(casePath);
        return readChannelRequestRows(c.db(), ids);
    } catch (const std::exception&) {
        // The rows stay empty; the detail view reports the case's state separately.
        return {};
    }
}

void ChannelRequestModel::setRequests(const QString& casePath, std::vector<int64_t> ids) {
    beginResetModel();
    ++generation_;
    casePath_ = casePath;
    ids_ = std::move(ids);
    rows_.clear();
    loading_ = false;
    endResetModel();
}

bool ChannelRequestModel::canFetchMore(const QModelIndex& parent) const {
    return !parent.isValid() && !loading_ && size_t(rows_.size()) < ids_.size();
}

void ChannelRequestModel::fetchMore(const QModelIndex& parent) {
    if (!canFetchMore(parent)) {
        return;
    }
    loading_ = true;
    const size_t from = size_t(rows_.size());
    const size_t to = std::min(ids_.size(), from + kPageSize);
    std::vector<int64_t> page(ids_.begin() + static_cast<std::ptrdiff_t>(from),
                              ids_.begin() + static_cast<std::ptrdiff_t>(to));
    const quint64 g = generation_;
    auto* watcher = new QFutureWatcher<QVector<ChannelRequest>>(this);
    connect(watcher, &QFutureWatcher<QVector<ChannelRequest>>::finished, this, [this, watcher, g] {
        watcher->deleteLater();
        if (g != generation_) {
            return; // another channel was selected meanwhile
        }
        const QVector<ChannelRequest> page = watcher->result();
        if (page.isEmpty()) {
            ids_.resize(size_t(rows_.size())); // the rows are gone (the case changed): stop asking
            loading_ = false;
            return;
        }
        // Still "loading" while the rows go in: a view (or the model tester) asks for more from
        // inside the insert signals, and must not start a page at the old end.
        beginInsertRows({}, static_cast<int>(rows_.size()), static_cast<int>(rows_.size() + page.size() - 1));
        rows_ += page;
        endInsertRows();
        loading_ = false;
        emit pageLoaded();
    });
    watcher->setFuture(QtConcurrent::run([path = casePath_, page] { return readChannelRequests(path, page); }));
}

int ChannelRequestModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int ChannelRequestModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

// Evidence text as the analyst must see it: invisible characters as marks (plain_text.h).
QVariant ChannelRequestModel::data(const QModelIndex& index, int role) const {
    return visibleData(cellData(index, role), role);
}

QVariant ChannelRequestModel::cellData(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rows_.size()) {
        return {};
    }
    const ChannelRequest& r = rows_[index.row()];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case TimeColumn:
            return isoFromUs(r.ts).mid(0, 23).replace(QLatin1Char('T'), QLatin1Char(' '));
        case MethodColumn:
            return r.method;
        case UrlColumn:
            return r.url;
        case StatusColumn:
            return r.status ? QString::number(r.status) : r.action;
        case BytesOutColumn: // empty where the log has no size: "0" would be a measurement
            return r.bytesOut < 0 ? QString() : QLocale().toString(r.bytesOut);
        case BytesInColumn:
            return r.bytesIn < 0 ? QString() : QLocale().toString(r.bytesIn);
        case ProcessColumn:
            return r.process;
        case AttributionColumn:
            return r.attribution;
        case UserAgentColumn:
            return r.userAgent;
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case UrlColumn:
            return plainToolTip(r.url);
        case ProcessColumn:
            return plainToolTip(r.process);
        case UserAgentColumn:
            return plainToolTip(r.userAgent);
        case StatusColumn:
            return plainToolTip(r.action);
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole && (index.column() == BytesOutColumn || index.column() == BytesInColumn)) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == RequestIdRole) {
        return r.id;
    }
    return {};
}

QVariant ChannelRequestModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case TimeColumn:
        return tr("Time (UTC)");
    case MethodColumn:
        return tr("Method");
    case UrlColumn:
        return tr("URL");
    case StatusColumn:
        return tr("Status");
    case BytesOutColumn:
        return tr("Sent");
    case BytesInColumn:
        return tr("Received");
    case ProcessColumn:
        return tr("Process");
    case AttributionColumn:
        return tr("Attribution");
    case UserAgentColumn:
        return tr("User agent");
    default:
        return {};
    }
}

} // namespace socwb
