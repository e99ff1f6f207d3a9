// The alert queue: one row per scored channel, read from the case a page at a time, never the
// whole table. In the manner of DB Browser for SQLite's table model: a worker thread with its own
// read-only connection counts the rows (the view shows nothing until it knows how many) and loads
// pages of kPageSize rows around what the view asks for into a bounded cache (the first page shows
// before the count is known; after the count, one ordered pass finds every page's first row so
// that deep pages are index seeks, not deep OFFSETs); rows not loaded yet
// answer "loading…". Sorting and filtering are SQL (ORDER BY / a WHERE from AlertFilter), and every
// request carries a generation number, so results of an old filter, sort or case are dropped.
// reload() refreshes in place (after triage or a re-score): rows keep their place and selection.
//
// Sigma rule hits are queue items of their own kind: one per (rule, host), read from sigma_hits
// (models/sigma) with the same columns as a channel (the rule's title where a channel has its
// destination, the rows matched where it has requests, the level as its severity; no score: the
// Score column says "Sigma"). They are few (rules x hosts), so they are read whole, and listed
// above the channels: a rule hit is a detection someone wrote for this behaviour, and sorting
// orders them among themselves by the same column (the Score column by level, critical first).
// The filter's kind (alert_filter.h) shows channels, Sigma items or both. Their triage key is
// sigmaItemKey(): "sigma:<rule key>:<host>".
#pragma once

#include "alert_filter.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QMutex>
#include <QSet>
#include <QThread>
#include <QVector>

#include <atomic>
#include <memory>

struct sqlite3;

namespace socwb {

// Declared here, not inline as `class X` in a signature: Qt's lupdate loses the class that follows those.
class ReadConnection;
class Statement;

struct AlertRow {
    qint64 id = 0;
    QString channelKey;
    double score = 0;
    QString severity;
    QString status;
    QString host;
    QString hostRole;
    QString processName;
    QString processImage;
    QString destination;
    QString service;
    QString endpoint;
    QString tags;
    qint64 requests = 0;
    qint64 firstTs = 0;
    qint64 lastTs = 0;
    double medianInterval = -1; // -1: not measured
    double jitter = -1;
    bool suppressed = false;
    bool hostShared = false; // many users behind the host's address (features' host_shared)
    // A few long-lived sessions (a WebSocket): no cadence to measure, and its "requests" are
    // sessions, not polls (features' unmeasurable).
    bool unmeasurable = false;
    // A SIEM export's row (features' siem_origin: "From Splunk export FILE, row N: …"), or a channel
    // of events that absorbed one (features' also_in_siem); empty otherwise.
    QString siemOrigin;
    QString alsoInSiem;
    bool fromSiem() const { return !siemOrigin.isEmpty(); }
    // A Sigma item (id < 0: minus the lowest sigma_hits id of its rule and host).
    bool isSigma() const { return id < 0; }
};

// The triage key of a Sigma item: "sigma:" + the rule's key (sigma::ruleKey) + ":" + the host.
QString sigmaItemKey(const QString& ruleKey, const QString& host);

// Rows are ordered by one NULL-free key expression, then by id (ascending), so that any row's
// (key, id) pins its place: a page can start at a remembered row instead of a deep OFFSET.
struct AlertQuery {
    QString where = QStringLiteral("1");
    QVariantList params;
    QString sortKey = QStringLiteral("a.score");
    bool descending = true;
    bool channels = true; // read channels (alerts)
    bool sigma = true;    // read Sigma items (sigma_hits)
    // A channel the queue follows (its current one): the count also finds its row, or that the
    // filter hides it (AlertPageWorker::located).
    QString follow;
    QString orderBy() const;
};

// Where channel KEY is in QUERY's filter and order: how many channels come before it, or -1 where
// the filter hides it (or the case has no such channel).
qint64 channelRank(sqlite3* db, const AlertQuery& query, const QString& key);

// The SELECT list and FROM clause of a queue row, shared with whoever reads single rows; SOURCE is
// the table (or a parenthesised subquery with alerts' columns) aliased a.
QString alertRowSelectSql(const QString& source = QStringLiteral("alerts"));
// The Sigma items as a subquery with the alerts columns the queue and its filter read.
QString sigmaItemsSql();
// True when the case has a sigma_hits table with rows.
bool caseHasSigmaHits(sqlite3* db);
// The Sigma items matching QUERY (its filter and order; a score sort orders by level), at most
// kMaxSigmaItems.
QVector<AlertRow> readSigmaItems(sqlite3* db, const AlertQuery& query);
constexpr int kMaxSigmaItems = 5000;
// The SQL of one page of the queue in the query's filter and order: the rows from an anchor on
// (bound after the filter's parameters: key, id, then the page size) or at an OFFSET (page size,
// offset).
QString alertPageSql(const AlertQuery& query, bool anchored);
AlertRow alertRowFromStatement(const Statement& st);

class AlertPageWorker : public QObject {
    Q_OBJECT
  public:
    struct Request {
        quint64 generation;
        int page;
        AlertQuery query;
    };
    explicit AlertPageWorker(std::shared_ptr<std::atomic<quint64>> current);
    ~AlertPageWorker() override;

    // Called by the model (GUI thread): queue a page, newest first; returns pages dropped unloaded.
    QList<int> enqueue(const Request& r, int keep);

  public slots:
    // Later requests read CASE (empty: none).
    void setCase(const QString& casePath);
    void count(quint64 generation, const socwb::AlertQuery& query);
    void drain();

  signals:
    void counted(quint64 generation, qint64 rows);
    void located(quint64 generation, const QString& key, qint64 rank); // channelRank of query.follow
    void sigmaLoaded(quint64 generation, const QVector<socwb::AlertRow>& rows);
    void pageLoaded(quint64 generation, int page, const QVector<socwb::AlertRow>& rows);
    void failed(quint64 generation, const QString& message);
    void anchored(quint64 generation);

  private:
    bool ensureOpen(quint64 generation);
    // One ordered pass over the query's rows keeping every kPageSize-th row's (key, id): then any
    // page is an index seek. Pages asked for meanwhile are served between steps of the pass.
    void findAnchors(quint64 generation, const socwb::AlertQuery& query);
    struct Anchors {
        quint64 generation = 0;
        QVector<QVariant> keys;
        QVector<qint64> ids;
    };
    // Serves the queued pages; with 'partial' (a pass under way) a page its anchors do not reach
    // yet is kept in 'deferred' for when they do, rather than read with a deep OFFSET.
    void serve(const Anchors* partial, QList<Request>* deferred);
    void loadPage(const Request& r, const Anchors* anchors);
    Anchors anchors_;
    QString casePath_;
    std::shared_ptr<std::atomic<quint64>> current_;
    std::unique_ptr<ReadConnection> conn_;
    QMutex mutex_;
    QList<Request> queue_; // newest last
};

class AlertTableModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column {
        ScoreColumn,
        SeverityColumn,
        StatusColumn,
        HostColumn,
        RoleColumn,
        ProcessColumn,
        DestinationColumn,
        ServiceColumn,
        RequestsColumn,
        IntervalColumn,
        JitterColumn,
        FirstSeenColumn,
        LastSeenColumn,
        ColumnCount
    };
    enum Role {
        AlertIdRole = Qt::UserRole + 1,
        ChannelKeyRole,
        ScoreRole,
        SeverityRole,
        StatusRole,
        LoadedRole,
        DimmedRole
    };
    static constexpr int kPageSize = 256;
    static constexpr int kMaxCachedPages = 64;

    explicit AlertTableModel(QObject* parent = nullptr);
    ~AlertTableModel() override;

    // Reads CASE from now on (an empty path empties the model).
    void setCase(const QString& casePath);
    void setFilter(const AlertFilter& filter);
    const AlertFilter& filter() const { return filter_; }
    // Re-reads the count and the cached pages; rows stay where they are until new data arrives.
    void reload();
    // The channel (or Sigma item) the queue follows: each count says where its row is (followedRow).
    void setFollowKey(const QString& key) { follow_ = key; }
    // The loaded row, or null while it is loading.
    const AlertRow* rowAt(int row) const;
    bool isCounting() const { return counting_; }
    // The SQL the queue reads with: its filter and order.
    AlertQuery query() const;
    // The channel keys of rows FIRST..LAST as the queue orders them now: loaded rows from the cache,
    // the others read through DB (a selection over pages not loaded or evicted).
    QStringList channelKeysOfRows(sqlite3* db, int first, int last) const;
    // The row that shows channel KEY among the loaded pages, or -1.
    int loadedRowOf(const QString& key) const;
    // Channels matching the filter (Sigma items not counted).
    qint64 total() const { return rows_; }
    int sigmaCount() const { return static_cast<int>(sigma_.size()); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    static QString statusLabel(const QString& status);
    static QString formatInterval(double seconds);

  signals:
    // The number of rows matching the filter is known (after a reset or a reload).
    void countChanged(qint64 rows);
    void loadFailed(const QString& message);
    // Every page of the current filter and order can now be read by an index seek.
    void pagesIndexed();
    // After a count: the row of the followed KEY in this filter and order (loaded or not), or -1
    // where the filter hides it.
    void followedRow(const QString& key, int row);

  private:
    QVariant cellData(const QModelIndex& index, int role) const;
    // *HANDLED false: the cell is as a channel's.
    QVariant sigmaCellData(const AlertRow& r, int column, int role, bool* handled) const;
    void restart();
    void requestCount();
    void requestPage(int page) const;
    void onCounted(quint64 generation, qint64 rows);
    void onPage(quint64 generation, int page, const QVector<AlertRow>& rows);
    void onSigma(quint64 generation, const QVector<AlertRow>& rows);

    QString casePath_;
    AlertFilter filter_;
    QString follow_;
    int sortColumn_ = ScoreColumn;
    Qt::SortOrder sortOrder_ = Qt::DescendingOrder;
    int rows_ = 0;            // channels; they follow the Sigma items
    QVector<AlertRow> sigma_; // rows 0 .. sigma_.size()-1
    bool counting_ = false;
    quint64 generation_ = 0;
    std::shared_ptr<std::atomic<quint64>> current_;
    QThread thread_;
    AlertPageWorker* worker_ = nullptr;
    QHash<int, QVector<AlertRow>> pages_;
    mutable QSet<int> inFlight_;
    mutable QList<int> recent_; // pages by last use, most recent last
};

} // namespace socwb

Q_DECLARE_METATYPE(socwb::AlertQuery)
Q_DECLARE_METATYPE(socwb::AlertRow)
