// One channel's proxy requests, in time order, a page at a time: the view scrolls to the end, the
// model asks for the next kPageSize ids (canFetchMore/fetchMore) and a worker reads those rows with
// the process each was attributed to. The member ids come from the alert (AlertDetail::proxyIds).
#pragma once

#include <QAbstractTableModel>
#include <QVector>

#include <cstdint>
#include <vector>

struct sqlite3;

namespace socwb {

struct ChannelRequest {
    qint64 id = 0;
    qint64 ts = 0;
    QString method;
    QString url;
    qint64 status = 0;
    qint64 bytesOut = -1; // -1: not logged
    qint64 bytesIn = -1;
    QString userAgent;
    QString action;
    QString process;     // image of the attributed process
    QString attribution; // method and confidence, e.g. "five-tuple 0.95"
};

// Blocking read of the rows with these ids, in id order (call it in a worker); an unreadable case gives none.
QVector<ChannelRequest> readChannelRequests(const QString& casePath, const std::vector<int64_t>& ids);
// The same on an open connection; throws SqlError. At most a few hundred ids a call (one bound parameter each).
QVector<ChannelRequest> readChannelRequestRows(sqlite3* db, const std::vector<int64_t>& ids);

class ChannelRequestModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column {
        TimeColumn,
        MethodColumn,
        UrlColumn,
        StatusColumn,
        BytesOutColumn,
        BytesInColumn,
        ProcessColumn,
        AttributionColumn,
        UserAgentColumn,
        ColumnCount
    };
    enum Role { RequestIdRole = Qt::UserRole + 1 };
    static constexpr int kPageSize = 200;

    using QAbstractTableModel::QAbstractTableModel;
    void setRequests(const QString& casePath, std::vector<int64_t> ids);
    qint64 total() const { return static_cast<qint64>(ids_.size()); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

  signals:
    void pageLoaded();

  private:
    QVariant cellData(const QModelIndex& index, int role) const;
    QString casePath_;
    std::vector<int64_t> ids_;
    QVector<ChannelRequest> rows_;
    bool loading_ = false;
    quint64 generation_ = 0;
};

} // namespace socwb
