#include "alert_export.h"

#include "channel_request_model.h"
#include "plain_text.h"
#include "read_connection.h"
#include "scoring/channel_members.h"
#include "store/case_summary.h"
#include "store/statement.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <sqlite3.h>

#include <functional>
#include <stdexcept>

namespace socwb {

namespace {

// One table in either format: a header of column names, then rows of values (a null QVariant is an
// empty cell in CSV and null in JSON; strings are csvCell'd in CSV).
class TableWriter {
  public:
    TableWriter(QIODevice& out, ExportFormat format, QStringList columns)
        : out_(out), format_(format), columns_(std::move(columns)) {
        if (format_ == ExportFormat::Csv) {
            put(columns_.join(QLatin1Char(',')).toUtf8() + "\r\n");
        } else {
            put("[");
        }
    }

    void row(const QVariantList& values) {
        if (format_ == ExportFormat::Csv) {
            QByteArrayList cells;
            for (const QVariant& v : values) {
                cells << (v.isNull()                         ? QByteArray()
                          : v.typeId() == QMetaType::QString ? csvCell(v.toString()).toUtf8()
                                                             : v.toString().toUtf8());
            }
            put(cells.join(',') + "\r\n");
        } else {
            QJsonObject o;
            for (int i = 0; i < columns_.size() && i < values.size(); ++i) {
                o.insert(columns_[i], QJsonValue::fromVariant(values[i]));
            }
            put((rows_ == 0 ? "\n" : ",\n") + QJsonDocument(o).toJson(QJsonDocument::Compact));
        }
        ++rows_;
    }

    qint64 finish() {
        if (format_ == ExportFormat::Json) {
            put(rows_ == 0 ? "]\n" : "\n]\n");
        }
        return rows_;
    }

  private:
    void put(const QByteArray& bytes) {
        if (out_.write(bytes) != bytes.size()) {
            throw std::runtime_error(out_.errorString().toStdString());
        }
    }
    QIODevice& out_;
    ExportFormat format_;
    QStringList columns_;
    qint64 rows_ = 0;
};

QVariant orNull(double v, int decimals) {
    return v < 0 ? QVariant() : QVariant(QString::number(v, 'f', decimals).toDouble());
}

QVariant orNull(qint64 v) {
    return v < 0 ? QVariant() : QVariant(v);
}

qint64 toFile(const QString& outPath, const std::function<qint64(QIODevice&)>& write) {
    QSaveFile f(outPath);
    if (!f.open(QIODevice::WriteOnly)) {
        throw std::runtime_error(f.errorString().toStdString());
    }
    const qint64 n = write(f);
    if (!f.commit()) {
        throw std::runtime_error(f.errorString().toStdString());
    }
    return n;
}

} // namespace

ExportFormat exportFormatForPath(const QString& path) {
    return path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive) ? ExportFormat::Json : ExportFormat::Csv;
}

qint64 writeAlerts(sqlite3* db, const AlertQuery& query, QIODevice& out, ExportFormat format) {
    TableWriter w(out, format,
                  {QStringLiteral("score"), QStringLiteral("severity"), QStringLiteral("status"),
                   QStringLiteral("host"), QStringLiteral("role"), QStringLiteral("process"),
                   QStringLiteral("process_image"), QStringLiteral("destination"), QStringLiteral("service"),
                   QStringLiteral("endpoint"), QStringLiteral("requests"), QStringLiteral("median_interval_s"),
                   QStringLiteral("jitter"), QStringLiteral("first_seen_utc"), QStringLiteral("last_seen_utc"),
                   QStringLiteral("tags"), QStringLiteral("channel_key"), QStringLiteral("id"),
                   QStringLiteral("kind")});
    // As the queue lists them: the Sigma items (no score; the rule's title as the destination, the
    // rows it matched as the requests, its level as the severity) above the channels.
    for (const AlertRow& r : readSigmaItems(db, query)) {
        w.row({QVariant(), r.severity, r.status, r.host, r.hostRole, QVariant(), QVariant(), r.destination, r.service,
               QVariant(), r.requests, QVariant(), QVariant(), isoFromUs(r.firstTs), isoFromUs(r.lastTs), r.tags,
               r.channelKey, r.id, QStringLiteral("sigma")});
    }
    if (!query.channels) {
        return w.finish();
    }
    Statement st(
        db,
        (alertRowSelectSql() + QStringLiteral("WHERE %1 ORDER BY %2").arg(query.where, query.orderBy())).toStdString());
    bindAll(st, query.params);
    while (st.step()) {
        const AlertRow r = alertRowFromStatement(st);
        w.row({QString::number(r.score, 'f', 1).toDouble(), r.severity, r.status, r.host, r.hostRole, r.processName,
               r.processImage, r.destination, r.service, r.endpoint, r.requests, orNull(r.medianInterval, 1),
               orNull(r.jitter, 3), isoFromUs(r.firstTs), isoFromUs(r.lastTs), r.tags, r.channelKey, r.id,
               QStringLiteral("channel")});
    }
    return w.finish();
}

qint64 exportAlerts(const QString& casePath, const AlertQuery& query, const QString& outPath, ExportFormat format) {
    ReadConnection c(casePath);
    return toFile(outPath, [&](QIODevice& f) { return writeAlerts(c.db(), query, f, format); });
}

qint64 writeChannelRequests(sqlite3* db, const std::vector<int64_t>& proxyIds, QIODevice& out, ExportFormat format) {
    TableWriter w(out, format,
                  {QStringLiteral("time_utc"), QStringLiteral("method"), QStringLiteral("url"),
                   QStringLiteral("status"), QStringLiteral("bytes_out"), QStringLiteral("bytes_in"),
                   QStringLiteral("process"), QStringLiteral("attribution"), QStringLiteral("user_agent"),
                   QStringLiteral("action"), QStringLiteral("request_id")});
    constexpr size_t kChunk = ChannelRequestModel::kPageSize; // one bound parameter an id
    for (size_t at = 0; at < proxyIds.size(); at += kChunk) {
        const std::vector<int64_t> chunk(proxyIds.begin() + at,
                                         proxyIds.begin() + std::min(proxyIds.size(), at + kChunk));
        for (const ChannelRequest& r : readChannelRequestRows(db, chunk)) {
            w.row({isoFromUs(r.ts), r.method, r.url, r.status == 0 ? QVariant() : QVariant(r.status),
                   orNull(r.bytesOut), orNull(r.bytesIn), r.process, r.attribution, r.userAgent, r.action, r.id});
        }
    }
    return w.finish();
}

qint64 exportChannelRequests(const QString& casePath, const std::vector<int64_t>& proxyIds, const QString& outPath,
                             ExportFormat format) {
    ReadConnection c(casePath);
    return toFile(outPath, [&](QIODevice& f) { return writeChannelRequests(c.db(), proxyIds, f, format); });
}

std::vector<int64_t> channelProxyIds(sqlite3* db, const QString& idOrKey) {
    bool numeric = false;
    const qint64 id = idOrKey.toLongLong(&numeric);
    Statement st(db, "SELECT proxy_ids FROM alerts WHERE id = ?1 OR channel_key = ?2 ORDER BY id = ?1 DESC LIMIT 1");
    st.bind(1, numeric ? int64_t(id) : int64_t(-1)).bind(2, idOrKey.toStdString());
    if (!st.step()) {
        throw std::invalid_argument("no channel with the id or key " + idOrKey.toStdString());
    }
    std::vector<int64_t> ids =
        scoring::decodeMemberIds(sqlite3_column_blob(st.handle(), 0), sqlite3_column_bytes(st.handle(), 0));
    std::sort(ids.begin(), ids.end());
    return ids;
}

} // namespace socwb
