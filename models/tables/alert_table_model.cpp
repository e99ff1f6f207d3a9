#include "alert_table_model.h"

#include "plain_text.h"
#include "read_connection.h"
#include "store/case_summary.h"
#include "store/statement.h"

#include <QLocale>
#include <QMutexLocker>

namespace socwb {

namespace {

void registerTypes() {
    static const bool done = [] {
        qRegisterMetaType<socwb::AlertQuery>();
        qRegisterMetaType<socwb::AlertRow>();
        qRegisterMetaType<QVector<socwb::AlertRow>>();
        return true;
    }();
    Q_UNUSED(done);
}

// The sort key per column, NULL-free so that (key, id) comparisons hold for every row.
QString sortKeyFor(int column) {
    switch (column) {
    case AlertTableModel::ScoreColumn:
        return QStringLiteral("a.score");
    case AlertTableModel::SeverityColumn:
        return QStringLiteral("((CASE a.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 "
                              "WHEN 'low' THEN 1 ELSE 0 END) * 1000 + a.score)");
    case AlertTableModel::StatusColumn:
        return QStringLiteral("coalesce(t.status,'new')");
    case AlertTableModel::HostColumn:
        return QStringLiteral("a.host");
    case AlertTableModel::RoleColumn:
        return QStringLiteral("coalesce(a.host_role,'')");
    case AlertTableModel::ProcessColumn:
        return QStringLiteral("coalesce(a.process_name,'')");
    case AlertTableModel::DestinationColumn:
        return QStringLiteral("a.destination");
    case AlertTableModel::ServiceColumn:
        return QStringLiteral("coalesce(a.service,'')");
    case AlertTableModel::RequestsColumn:
        return QStringLiteral("a.requests");
    case AlertTableModel::IntervalColumn:
        return QStringLiteral("coalesce(a.median_interval_s,-1)");
    case AlertTableModel::JitterColumn:
        return QStringLiteral("coalesce(a.jitter,-1)");
    case AlertTableModel::FirstSeenColumn:
        return QStringLiteral("a.first_ts");
    case AlertTableModel::LastSeenColumn:
        return QStringLiteral("a.last_ts");
    default:
        return QStringLiteral("a.score");
    }
}

QVariant columnValue(const Statement& st, int col) {
    switch (sqlite3_column_type(st.handle(), col)) {
    case SQLITE_INTEGER:
        return QVariant(qlonglong(st.int64(col)));
    case SQLITE_FLOAT:
        return QVariant(st.real(col));
    default:
        return QVariant(columnText(st, col));
    }
}

QString timeText(qint64 us) {
    return isoFromUs(us).left(19).replace(QLatin1Char('T'), QLatin1Char(' '));
}

// A Sigma item has no score: sorted "by score" it goes by its level, then by the rows it matched.
const QString kSigmaRankKey =
    QStringLiteral("((CASE a.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 "
                   "WHEN 'low' THEN 1 ELSE 0 END) * 1000000000 + a.requests)");

} // namespace

QString sigmaItemKey(const QString& ruleKey, const QString& host) {
    return QStringLiteral("sigma:") + ruleKey + QLatin1Char(':') + host;
}

QString sigmaItemsSql() {
    return QStringLiteral(
        "(SELECT -min(h.id) AS id, 'sigma:' || h.rule_key || ':' || coalesce(ho.name, '') AS channel_key, "
        "h.host_id AS host_id, coalesce(ho.name, '') AS host, NULL AS host_ips, ho.role AS host_role, "
        "NULL AS process_image, NULL AS process_name, h.title AS destination, NULL AS registered_domain, "
        "'sigma' AS service, NULL AS service_category, NULL AS endpoint, count(*) AS requests, "
        "coalesce(min(h.ts_us), 0) AS first_ts, coalesce(max(h.ts_us), 0) AS last_ts, NULL AS median_interval_s, "
        "NULL AS jitter, 0.0 AS score, coalesce(h.level, 'informational') AS severity, NULL AS suppressed_by, "
        "'{}' AS features FROM sigma_hits h LEFT JOIN hosts ho ON ho.id = h.host_id GROUP BY h.rule_key, h.host_id)");
}

bool caseHasSigmaHits(sqlite3* db) {
    Statement t(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sigma_hits'");
    if (!t.step()) {
        return false; // a case from before schema 8
    }
    Statement st(db, "SELECT EXISTS (SELECT 1 FROM sigma_hits)");
    return st.step() && st.int64(0) != 0;
}

QVector<AlertRow> readSigmaItems(sqlite3* db, const AlertQuery& query) {
    QVector<AlertRow> rows;
    if (!query.sigma || !caseHasSigmaHits(db)) {
        return rows;
    }
    const QString key = query.sortKey == QLatin1String("a.score") ? kSigmaRankKey : query.sortKey;
    const int n = static_cast<int>(query.params.size());
    Statement st(db, (alertRowSelectSql(sigmaItemsSql()) +
                      QStringLiteral("WHERE (%1) ORDER BY %2 %3, a.id LIMIT ?%4")
                          .arg(query.where, key, query.descending ? QStringLiteral("DESC") : QStringLiteral("ASC"))
                          .arg(n + 1))
                         .toStdString());
    bindAll(st, query.params);
    st.bind(n + 1, int64_t(kMaxSigmaItems));
    while (st.step()) {
        rows << alertRowFromStatement(st);
    }
    return rows;
}

QString AlertQuery::orderBy() const {
    return QStringLiteral("%1 %2, a.id").arg(sortKey, descending ? QStringLiteral("DESC") : QStringLiteral("ASC"));
}

QString alertRowSelectSql(const QString& source) {
    return QStringLiteral(
               "SELECT a.id, a.channel_key, a.score, a.severity, coalesce(t.status,'new'), a.host, a.host_role, "
               "a.process_name, a.process_image, a.destination, a.service, a.endpoint, t.tags, a.requests, a.first_ts, "
               "a.last_ts, a.median_interval_s, a.jitter, a.suppressed_by IS NOT NULL, "
               "coalesce(json_extract(a.features, '$.host_shared'), 0), coalesce(json_extract(a.features, "
               "'$.unmeasurable'), 0), json_extract(a.features, '$.siem_origin'), json_extract(a.features, "
               "'$.also_in_siem') "
               "FROM %1 a LEFT JOIN triage t ON t.channel_key = a.channel_key ")
        .arg(source);
}

QString alertPageSql(const AlertQuery& query, bool anchored) {
    const int n = static_cast<int>(query.params.size());
    QString sql = alertRowSelectSql() + QStringLiteral("WHERE (%1) ").arg(query.where);
    if (anchored) {
        // Rows from the anchor on: key on the anchor's side (a range the key's index can seek),
        // and on the anchor's key only ids from the anchor's up.
        sql += QStringLiteral("AND %1 %2 ?%3 AND (%1 %4 ?%3 OR a.id >= ?%5) ")
                   .arg(query.sortKey, query.descending ? QStringLiteral("<=") : QStringLiteral(">="))
                   .arg(n + 1)
                   .arg(query.descending ? QStringLiteral("<") : QStringLiteral(">"))
                   .arg(n + 2);
        sql += QStringLiteral("ORDER BY %1 LIMIT ?%2").arg(query.orderBy()).arg(n + 3);
    } else {
        sql += QStringLiteral("ORDER BY %1 LIMIT ?%2 OFFSET ?%3").arg(query.orderBy()).arg(n + 1).arg(n + 2);
    }
    return sql;
}

qint64 channelRank(sqlite3* db, const AlertQuery& query, const QString& key) {
    const int n = static_cast<int>(query.params.size());
    const QString from = QStringLiteral("FROM alerts a LEFT JOIN triage t ON t.channel_key = a.channel_key WHERE (%1) ")
                             .arg(query.where);
    Statement at(
        db,
        QStringLiteral("SELECT %1, a.id %2 AND a.channel_key = ?%3").arg(query.sortKey, from).arg(n + 1).toStdString());
    bindAll(at, query.params);
    at.bind(n + 1, key.toStdString());
    if (!at.step()) {
        return -1;
    }
    // Before it in the order: a key on the near side, or its key and a lower id (ids ascend).
    Statement before(db, QStringLiteral("SELECT count(*) %1 AND (%2 %3 ?%4 OR (%2 = ?%4 AND a.id < ?%5))")
                             .arg(from, query.sortKey, query.descending ? QStringLiteral(">") : QStringLiteral("<"))
                             .arg(n + 1)
                             .arg(n + 2)
                             .toStdString());
    bindAll(before, query.params);
    bindAll(before, {columnValue(at, 0), qlonglong(at.int64(1))}, n + 1);
    return before.step() ? before.int64(0) : -1;
}

AlertRow alertRowFromStatement(const Statement& st) {
    AlertRow r;
    r.id = st.int64(0);
    r.channelKey = columnText(st, 1);
    r.score = st.real(2);
    r.severity = columnText(st, 3);
    r.status = columnText(st, 4);
    r.host = columnText(st, 5);
    r.hostRole = columnText(st, 6);
    r.processName = columnText(st, 7);
    r.processImage = columnText(st, 8);
    r.destination = columnText(st, 9);
    r.service = columnText(st, 10);
    r.endpoint = columnText(st, 11);
    r.tags = columnText(st, 12);
    r.requests = st.int64(13);
    r.firstTs = st.int64(14);
    r.lastTs = st.int64(15);
    r.medianInterval = st.isNull(16) ? -1 : st.real(16);
    r.jitter = st.isNull(17) ? -1 : st.real(17);
    r.suppressed = st.int64(18) != 0;
    r.hostShared = st.int64(19) != 0;
    r.unmeasurable = st.int64(20) != 0;
    r.siemOrigin = columnText(st, 21);
    r.alsoInSiem = columnText(st, 22);
    return r;
}

// ---- worker -------------------------------------------------------------------------------------

AlertPageWorker::AlertPageWorker(std::shared_ptr<std::atomic<quint64>> current) : current_(std::move(current)) {}

AlertPageWorker::~AlertPageWorker() = default;

void AlertPageWorker::setCase(const QString& casePath) {
    conn_.reset();
    casePath_ = casePath;
}

bool AlertPageWorker::ensureOpen(quint64 generation) {
    if (conn_) {
        return true;
    }
    if (casePath_.isEmpty()) {
        return false;
    }
    try {
        conn_ = std::make_unique<ReadConnection>(casePath_);
        return true;
    } catch (const std::exception& e) {
        emit failed(generation, QString::fromUtf8(e.what()));
        return false;
    }
}

QList<int> AlertPageWorker::enqueue(const Request& r, int keep) {
    QMutexLocker lock(&mutex_);
    queue_.append(r);
    QList<int> dropped;
    while (queue_.size() > keep) {
        dropped << queue_.takeFirst().page;
    }
    return dropped;
}

void AlertPageWorker::count(quint64 generation, const AlertQuery& query) {
    if (generation != current_->load() || !ensureOpen(generation)) {
        return;
    }
    try {
        emit sigmaLoaded(generation, readSigmaItems(conn_->db(), query));
        if (!query.channels) {
            emit counted(generation, 0);
            if (!query.follow.isEmpty()) {
                emit located(generation, query.follow, -1); // Sigma items only: every channel is hidden
            }
            return;
        }
        Statement st(conn_->db(), QStringLiteral("SELECT count(*) FROM alerts a LEFT JOIN triage t ON t.channel_key = "
                                                 "a.channel_key WHERE %1")
                                      .arg(query.where)
                                      .toStdString());
        bindAll(st, query.params);
        const qint64 n = st.step() ? st.int64(0) : 0;
        emit counted(generation, n);
        if (!query.follow.isEmpty()) {
            emit located(generation, query.follow, channelRank(conn_->db(), query, query.follow));
        }
        if (n > 4 * AlertTableModel::kPageSize) {
            findAnchors(generation, query);
        }
    } catch (const std::exception& e) {
        emit failed(generation, QString::fromUtf8(e.what()));
    }
}

void AlertPageWorker::findAnchors(quint64 generation, const AlertQuery& query) {
    Anchors found;
    found.generation = generation;
    QList<Request> deferred;
    Statement st(conn_->db(),
                 QStringLiteral("SELECT %1, a.id FROM alerts a LEFT JOIN triage t ON t.channel_key = a.channel_key "
                                "WHERE %2 ORDER BY %3")
                     .arg(query.sortKey, query.where, query.orderBy())
                     .toStdString());
    bindAll(st, query.params);
    for (qint64 row = 0; st.step(); ++row) {
        if (row % AlertTableModel::kPageSize == 0) {
            found.keys << columnValue(st, 0);
            found.ids << st.int64(1);
        }
        if (row % 4096 == 4095) {
            if (generation != current_->load()) {
                return; // the filter, order or case changed: these anchors are of no use
            }
            serve(&found, &deferred); // the view's pages go first, as far as the pass has come
        }
    }
    if (generation == current_->load()) {
        anchors_ = std::move(found);
        emit anchored(generation);
        QMutexLocker lock(&mutex_);
        queue_ = deferred + queue_;
    }
    drain();
}

void AlertPageWorker::drain() {
    serve(nullptr, nullptr);
}

void AlertPageWorker::serve(const Anchors* partial, QList<Request>* deferred) {
    for (;;) {
        Request r;
        {
            QMutexLocker lock(&mutex_);
            if (queue_.isEmpty()) {
                return;
            }
            r = queue_.takeLast(); // the page the view asked for last is the one on screen
        }
        if (r.generation != current_->load() || !ensureOpen(r.generation)) {
            continue;
        }
        const Anchors* anchors = partial ? partial : &anchors_;
        if (partial && r.generation == partial->generation && r.page >= partial->keys.size()) {
            deferred->append(r); // the pass gets there sooner than a deep OFFSET would
            continue;
        }
        try {
            loadPage(r, anchors);
        } catch (const std::exception& e) {
            emit failed(r.generation, QString::fromUtf8(e.what()));
        }
    }
}

void AlertPageWorker::loadPage(const Request& r, const Anchors* anchors) {
    if (!r.query.channels) {
        emit pageLoaded(r.generation, r.page, {});
        return;
    }
    const int n = static_cast<int>(r.query.params.size());
    const bool anchored = anchors && anchors->generation == r.generation && r.page < anchors->keys.size();
    Statement st(conn_->db(), alertPageSql(r.query, anchored).toStdString());
    bindAll(st, r.query.params);
    if (anchored) {
        bindAll(st, {anchors->keys[r.page], anchors->ids[r.page]}, n + 1);
        st.bind(n + 3, int64_t(AlertTableModel::kPageSize));
    } else {
        st.bind(n + 1, int64_t(AlertTableModel::kPageSize));
        st.bind(n + 2, int64_t(r.page) * AlertTableModel::kPageSize);
    }
    QVector<AlertRow> rows;
    rows.reserve(AlertTableModel::kPageSize);
    while (st.step()) {
        rows << alertRowFromStatement(st);
    }
    emit pageLoaded(r.generation, r.page, rows);
}

// ---- model --------------------------------------------------------------------------------------

AlertTableModel::AlertTableModel(QObject* parent)
    : QAbstractTableModel(parent), current_(std::make_shared<std::atomic<quint64>>(0)) {
    registerTypes();
    worker_ = new AlertPageWorker(current_);
    worker_->moveToThread(&thread_);
    thread_.setObjectName(QStringLiteral("socwb-alert-pages"));
    connect(worker_, &AlertPageWorker::counted, this, &AlertTableModel::onCounted);
    connect(worker_, &AlertPageWorker::pageLoaded, this, &AlertTableModel::onPage);
    connect(worker_, &AlertPageWorker::sigmaLoaded, this, &AlertTableModel::onSigma);
    connect(worker_, &AlertPageWorker::located, this, [this](quint64 generation, const QString& key, qint64 rank) {
        if (generation == generation_ && rank < rows_) { // a count that moved on meanwhile: its own follows
            emit followedRow(key, rank < 0 ? -1 : sigmaCount() + static_cast<int>(rank));
        }
    });
    connect(worker_, &AlertPageWorker::anchored, this, [this](quint64 generation) {
        if (generation == generation_) {
            emit pagesIndexed();
        }
    });
    connect(worker_, &AlertPageWorker::failed, this, [this](quint64 generation, const QString& message) {
        if (generation == generation_) {
            counting_ = false;
            emit loadFailed(message);
        }
    });
    thread_.start();
    filter_ = parseAlertFilter(QString());
}

AlertTableModel::~AlertTableModel() {
    current_->store(~quint64(0)); // whatever is queued is stale now
    thread_.quit();
    thread_.wait();
    delete worker_;
}

void AlertTableModel::setCase(const QString& casePath) {
    casePath_ = casePath;
    QMetaObject::invokeMethod(
        worker_, [w = worker_, casePath] { w->setCase(casePath); }, Qt::QueuedConnection);
    restart();
}

void AlertTableModel::setFilter(const AlertFilter& filter) {
    filter_ = filter;
    restart();
}

void AlertTableModel::sort(int column, Qt::SortOrder order) {
    if (column < 0 || column >= ColumnCount) {
        return;
    }
    sortColumn_ = column;
    sortOrder_ = order;
    restart();
}

AlertQuery AlertTableModel::query() const {
    AlertQuery q;
    q.where = filter_.where;
    q.params = filter_.params;
    q.sortKey = sortKeyFor(sortColumn_);
    q.descending = sortOrder_ == Qt::DescendingOrder;
    q.channels = filter_.kinds != AlertKinds::Sigma;
    q.sigma = filter_.kinds != AlertKinds::Channels;
    if (!follow_.startsWith(QLatin1String("sigma:"))) {
        q.follow = follow_; // a Sigma item's row is found among the items (onCounted)
    }
    return q;
}

void AlertTableModel::restart() {
    beginResetModel();
    ++generation_;
    current_->store(generation_);
    rows_ = 0;
    sigma_.clear();
    pages_.clear();
    inFlight_.clear();
    recent_.clear();
    endResetModel();
    if (!casePath_.isEmpty()) {
        counting_ = true;
        requestPage(0); // before the count: the top of the queue is what is seen first
    }
    requestCount();
}

void AlertTableModel::reload() {
    if (casePath_.isEmpty()) {
        return;
    }
    ++generation_;
    current_->store(generation_);
    inFlight_.clear();
    requestCount();
    // Refresh the pages in use, most recently used last so they load first; older ones go.
    const QList<int> keep = recent_.mid(qMax(0, int(recent_.size()) - 4));
    for (auto it = pages_.begin(); it != pages_.end();) {
        it = keep.contains(it.key()) ? std::next(it) : pages_.erase(it);
    }
    recent_ = keep;
    for (int p : keep) {
        requestPage(p);
    }
}

void AlertTableModel::requestCount() {
    if (casePath_.isEmpty()) {
        counting_ = false;
        return;
    }
    counting_ = true;
    const quint64 g = generation_;
    const AlertQuery q = query();
    QMetaObject::invokeMethod(
        worker_, [w = worker_, g, q] { w->count(g, q); }, Qt::QueuedConnection);
}

void AlertTableModel::requestPage(int page) const {
    if (inFlight_.contains(page)) {
        return;
    }
    inFlight_.insert(page);
    // Scrolling fast through a million rows asks for many pages; only the last few still matter.
    const QList<int> dropped = worker_->enqueue({generation_, page, query()}, 6);
    for (int d : dropped) {
        inFlight_.remove(d);
    }
    QMetaObject::invokeMethod(worker_, &AlertPageWorker::drain, Qt::QueuedConnection);
}

void AlertTableModel::onCounted(quint64 generation, qint64 rows) {
    if (generation != generation_) {
        return;
    }
    counting_ = false;
    const int n = static_cast<int>(qMin<qint64>(rows, std::numeric_limits<int>::max() - kMaxSigmaItems));
    const int ns = sigmaCount();
    if (n > rows_) {
        beginInsertRows({}, ns + rows_, ns + n - 1);
        rows_ = n;
        endInsertRows();
    } else if (n < rows_) {
        beginRemoveRows({}, ns + n, ns + rows_ - 1);
        rows_ = n;
        endRemoveRows();
    }
    emit countChanged(rows);
    if (follow_.startsWith(QLatin1String("sigma:"))) { // the items are all read before the count
        emit followedRow(follow_, loadedRowOf(follow_));
    }
}

void AlertTableModel::onPage(quint64 generation, int page, const QVector<AlertRow>& rows) {
    if (generation != generation_) {
        return;
    }
    inFlight_.remove(page);
    if (page == 0 && counting_ && rows_ < rows.size()) {
        // The top of the queue before the count: a COUNT over a million rows takes a while, the
        // first page does not. The rest of the rows follow the count.
        beginInsertRows({}, sigmaCount() + rows_, sigmaCount() + static_cast<int>(rows.size()) - 1);
        rows_ = static_cast<int>(rows.size());
        pages_.insert(page, rows);
        endInsertRows();
    }
    pages_.insert(page, rows);
    recent_.removeAll(page);
    recent_.append(page);
    while (pages_.size() > kMaxCachedPages && !recent_.isEmpty()) {
        pages_.remove(recent_.takeFirst());
    }
    const int first = page * kPageSize;
    const int last = qMin(rows_ - 1, first + kPageSize - 1);
    if (first <= last) {
        emit dataChanged(index(sigmaCount() + first, 0), index(sigmaCount() + last, ColumnCount - 1));
    }
}

void AlertTableModel::onSigma(quint64 generation, const QVector<AlertRow>& rows) {
    if (generation != generation_) {
        return;
    }
    const int before = sigmaCount();
    const int after = static_cast<int>(rows.size());
    if (after > before) {
        beginInsertRows({}, before, after - 1);
        sigma_ = rows;
        endInsertRows();
    } else if (after < before) {
        beginRemoveRows({}, after, before - 1);
        sigma_ = rows;
        endRemoveRows();
    } else {
        sigma_ = rows;
    }
    if (after > 0) {
        emit dataChanged(index(0, 0), index(after - 1, ColumnCount - 1));
    }
}

const AlertRow* AlertTableModel::rowAt(int row) const {
    if (row >= 0 && row < sigmaCount()) {
        return &sigma_[row];
    }
    row -= sigmaCount();
    if (row < 0 || row >= rows_) {
        return nullptr;
    }
    const int page = row / kPageSize;
    auto it = pages_.constFind(page);
    if (it == pages_.constEnd() || row % kPageSize >= it->size()) {
        if (it == pages_.constEnd()) {
            requestPage(page);
        }
        return nullptr;
    }
    return &(*it)[row % kPageSize];
}

QStringList AlertTableModel::channelKeysOfRows(sqlite3* db, int first, int last) const {
    QStringList keys;
    const int ns = sigmaCount();
    for (int r = qMax(first, 0); r <= last && r < ns; ++r) {
        keys << sigma_[r].channelKey;
    }
    first = qMax(first - ns, 0); // channel rows from here on
    last = qMin(last - ns, rows_ - 1);
    int gapFrom = -1; // a run of rows not loaded, read in one query
    auto readGap = [&](int to) {
        if (gapFrom < 0 || !db) {
            gapFrom = -1;
            return;
        }
        const AlertQuery q = query();
        const int n = static_cast<int>(q.params.size());
        Statement st(db, QStringLiteral("SELECT a.channel_key FROM alerts a LEFT JOIN triage t ON t.channel_key = "
                                        "a.channel_key WHERE (%1) ORDER BY %2 LIMIT ?%3 OFFSET ?%4")
                             .arg(q.where, q.orderBy())
                             .arg(n + 1)
                             .arg(n + 2)
                             .toStdString());
        bindAll(st, q.params);
        st.bind(n + 1, int64_t(to - gapFrom + 1));
        st.bind(n + 2, int64_t(gapFrom));
        while (st.step()) {
            keys << columnText(st, 0);
        }
        gapFrom = -1;
    };
    for (int r = first; r <= last; ++r) {
        const int page = r / kPageSize;
        auto it = pages_.constFind(page);
        if (it != pages_.constEnd() && r % kPageSize < it->size()) {
            readGap(r - 1);
            keys << (*it)[r % kPageSize].channelKey;
        } else if (gapFrom < 0) {
            gapFrom = r;
        }
    }
    readGap(last);
    return keys;
}

int AlertTableModel::loadedRowOf(const QString& key) const {
    for (int i = 0; i < sigmaCount(); ++i) {
        if (sigma_[i].channelKey == key) {
            return i;
        }
    }
    for (auto it = pages_.constBegin(); it != pages_.constEnd(); ++it) {
        for (int i = 0; i < it->size(); ++i) {
            if ((*it)[i].channelKey == key) {
                return sigmaCount() + it.key() * kPageSize + i;
            }
        }
    }
    return -1;
}

int AlertTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : sigmaCount() + rows_;
}

int AlertTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString AlertTableModel::statusLabel(const QString& status) {
    if (status == QLatin1String("new")) {
        return tr("New");
    }
    if (status == QLatin1String("in-review")) {
        return tr("In review");
    }
    if (status == QLatin1String("benign")) {
        return tr("Benign");
    }
    if (status == QLatin1String("malicious")) {
        return tr("Malicious");
    }
    if (status == QLatin1String("escalated")) {
        return tr("Escalated");
    }
    return status;
}

QString AlertTableModel::formatInterval(double seconds) {
    if (seconds < 0) {
        return {};
    }
    if (seconds < 120) {
        return tr("%1 s").arg(seconds, 0, 'f', seconds < 10 ? 1 : 0);
    }
    if (seconds < 7200) {
        return tr("%1 min").arg(seconds / 60, 0, 'f', 1);
    }
    return tr("%1 h").arg(seconds / 3600, 0, 'f', 1);
}

// Evidence text as the analyst must see it: invisible characters as marks (plain_text.h).
QVariant AlertTableModel::data(const QModelIndex& index, int role) const {
    return visibleData(cellData(index, role), role);
}

// A Sigma item's cells where they differ from a channel's: no score, the rule's title where a
// channel has its destination, the rows it matched where a channel counts its requests.
QVariant AlertTableModel::sigmaCellData(const AlertRow& r, int column, int role, bool* handled) const {
    if (role == ScoreRole) {
        return {}; // the score bar's delegate shows the Score column's text instead
    }
    if (role == Qt::DisplayRole) {
        switch (column) {
        case ScoreColumn:
            return tr("Sigma");
        case ProcessColumn:
        case IntervalColumn:
        case JitterColumn:
            return QString();
        case ServiceColumn:
            return tr("Sigma rule");
        case RequestsColumn:
            return tr("%n row(s)", nullptr, static_cast<int>(r.requests));
        default:
            break; // as a channel's
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (column) {
        case ScoreColumn:
        case SeverityColumn:
            return tr("A Sigma rule's hits on this host; the rule's level is %1 (Sigma items have no score and are "
                      "listed above the channels)")
                .arg(r.severity);
        case DestinationColumn:
            return plainToolTip(r.destination);
        case RequestsColumn:
            return tr("Rows the rule matched on this host");
        default:
            return {};
        }
    }
    *handled = false;
    return {};
}

QVariant AlertTableModel::cellData(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount) {
        return {};
    }
    const AlertRow* r = rowAt(index.row());
    if (!r) {
        if (role == Qt::DisplayRole && index.column() == HostColumn) {
            return tr("loading\u2026");
        }
        if (role == LoadedRole) {
            return false;
        }
        return {};
    }
    if (r->isSigma()) {
        bool handled = true;
        const QVariant v = sigmaCellData(*r, index.column(), role, &handled);
        if (handled) {
            return v;
        }
    }
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case ScoreColumn:
            return QString::number(r->score, 'f', 0);
        case SeverityColumn:
            return r->severity;
        case StatusColumn:
            return statusLabel(r->status);
        case HostColumn:
            // Many users behind one address: the scorer left per-host measures out for it.
            return r->hostShared ? tr("%1 (shared)").arg(r->host) : r->host;
        case RoleColumn:
            return r->hostRole;
        case ProcessColumn:
            // A SIEM's row says so where a narrow window still shows it (Requests is off screen at 1366).
            if (r->fromSiem()) {
                return r->processName.isEmpty() ? tr("(SIEM row)") : tr("%1 (SIEM)").arg(r->processName);
            }
            return r->processName.isEmpty() ? tr("(not attributed)") : r->processName;
        case DestinationColumn:
            return r->destination;
        case ServiceColumn:
            return r->service;
        case RequestsColumn:
            // A held session is not a request: say what the number counts; a SIEM's row counted its
            // requests itself (the case holds none of them).
            if (r->unmeasurable) {
                return r->requests == 1 ? tr("1 session") : tr("%1 sessions").arg(QLocale().toString(r->requests));
            }
            return r->fromSiem() ? tr("%1 (SIEM)").arg(QLocale().toString(r->requests))
                                 : QLocale().toString(r->requests);
        case IntervalColumn:
            return r->unmeasurable ? tr("unmeasurable") : formatInterval(r->medianInterval);
        case JitterColumn:
            return r->jitter < 0 ? QString() : QString::number(r->jitter, 'f', 2);
        case FirstSeenColumn:
            return timeText(r->firstTs);
        case LastSeenColumn:
            return timeText(r->lastTs);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        switch (index.column()) {
        case ProcessColumn:
            return plainToolTip(r->fromSiem() ? r->siemOrigin : r->processImage);
        case DestinationColumn:
            return plainToolTip(r->endpoint.isEmpty() ? r->destination : r->endpoint);
        case HostColumn:
            return plainToolTip(r->host);
        case RoleColumn: // cut in a narrow queue ("domain-c…")
            return r->hostRole.isEmpty() ? QVariant() : plainToolTip(r->hostRole);
        case ServiceColumn:
            return r->service.isEmpty() ? QVariant() : plainToolTip(r->service);
        case RequestsColumn:
        case IntervalColumn:
            if (r->unmeasurable) {
                return tr("A long-lived session (WebSocket, HTTP/2, a held tunnel): the polls inside it cannot be "
                          "seen, so its cadence is unmeasurable");
            }
            if (r->fromSiem()) {
                return plainToolTip(r->siemOrigin);
            }
            return r->alsoInSiem.isEmpty() ? QVariant()
                                           : plainToolTip(tr("Also in SIEM export: %1").arg(r->alsoInSiem));
        case StatusColumn:
            return r->tags.isEmpty() ? QVariant() : plainToolTip(tr("Tags: %1").arg(r->tags));
        default:
            return {};
        }
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case ScoreColumn:
        case RequestsColumn:
        case IntervalColumn:
        case JitterColumn:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    case AlertIdRole:
        return r->id;
    case ChannelKeyRole:
        return r->channelKey;
    case ScoreRole:
        return r->score;
    case SeverityRole:
        return r->severity;
    case StatusRole:
        return r->status;
    case LoadedRole:
        return true;
    case DimmedRole:
        return r->suppressed || r->status == QLatin1String("benign");
    default:
        return {};
    }
}

QVariant AlertTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case ScoreColumn:
        return tr("Score");
    case SeverityColumn:
        return tr("Severity");
    case StatusColumn:
        return tr("Status");
    case HostColumn:
        return tr("Host");
    case RoleColumn:
        return tr("Role");
    case ProcessColumn:
        return tr("Process");
    case DestinationColumn:
        return tr("Destination");
    case ServiceColumn:
        return tr("Service");
    case RequestsColumn:
        return tr("Requests");
    case IntervalColumn:
        return tr("Interval");
    case JitterColumn:
        return tr("Jitter");
    case FirstSeenColumn:
        return tr("First seen (UTC)");
    case LastSeenColumn:
        return tr("Last seen (UTC)");
    default:
        return {};
    }
}

} // namespace socwb
