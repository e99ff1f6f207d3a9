#include "alert_detail.h"

#include "read_connection.h"
#include "store/statement.h"

#include "scoring/channel_members.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

namespace socwb {

namespace {

std::vector<int64_t> blobIds(const Statement& st, int col) {
    if (st.isNull(col)) {
        return {};
    }
    return scoring::decodeMemberIds(sqlite3_column_blob(st.handle(), col), sqlite3_column_bytes(st.handle(), col));
}

// Attribution of a list of requests, in chunks so no statement holds too many parameters.
void summarizeAttribution(sqlite3* db, const char* kind, const std::vector<int64_t>& ids,
                          QMap<QString, AttributionSummary>& out, qint64& attributed) {
    constexpr size_t kChunk = 400;
    for (size_t i = 0; i < ids.size(); i += kChunk) {
        const size_t n = std::min(kChunk, ids.size() - i);
        QStringList marks(static_cast<int>(n), QStringLiteral("?"));
        Statement st(db,
                     QStringLiteral("SELECT method, count(*), sum(confidence) FROM attributions WHERE request_kind = ? "
                                    "AND request_id IN (%1) GROUP BY method")
                         .arg(marks.join(QLatin1Char(',')))
                         .toStdString());
        st.bind(1, kind);
        for (size_t k = 0; k < n; ++k) {
            st.bind(static_cast<int>(k) + 2, ids[i + k]);
        }
        while (st.step()) {
            AttributionSummary& s = out[columnText(st, 0)];
            s.method = columnText(st, 0);
            s.requests += st.int64(1);
            s.meanConfidence += st.real(2); // a sum until the end
            attributed += st.int64(1);
        }
    }
}

// The first AlertDetail::kSensorRowsShown of these connections, in time order.
QVector<SensorConnectionRow> readSensorConnections(sqlite3* db, std::vector<int64_t> ids) {
    QVector<SensorConnectionRow> out;
    constexpr size_t kChunk = 400;
    for (size_t i = 0; i < ids.size(); i += kChunk) {
        const size_t n = std::min(kChunk, ids.size() - i);
        QStringList marks(static_cast<int>(n), QStringLiteral("?"));
        Statement st(db, QStringLiteral("SELECT c.id, c.ts_us, c.uid, (SELECT t.server_name FROM tls_sessions t WHERE "
                                        "t.uid = c.uid AND t.server_name IS NOT NULL LIMIT 1), c.resp_ip, c.resp_port, "
                                        "coalesce(c.orig_bytes, c.orig_ip_bytes), coalesce(c.resp_bytes, "
                                        "c.resp_ip_bytes), c.duration_us, c.state, c.sensor FROM sensor_connections c "
                                        "WHERE c.id IN (%1)")
                             .arg(marks.join(QLatin1Char(',')))
                             .toStdString());
        for (size_t k = 0; k < n; ++k) {
            st.bind(static_cast<int>(k) + 1, ids[i + k]);
        }
        while (st.step()) {
            SensorConnectionRow r;
            r.id = st.int64(0);
            r.ts = st.int64(1);
            r.uid = columnText(st, 2);
            r.serverName = columnText(st, 3);
            r.responder = columnText(st, 4);
            if (!st.isNull(5)) {
                r.responder += QLatin1Char(':') + QString::number(st.int64(5));
            }
            r.bytesOut = st.isNull(6) ? -1 : st.int64(6);
            r.bytesIn = st.isNull(7) ? -1 : st.int64(7);
            r.durationUs = st.isNull(8) ? -1 : st.int64(8);
            r.state = columnText(st, 9);
            r.sensor = columnText(st, 10);
            out.push_back(std::move(r));
        }
    }
    std::sort(out.begin(), out.end(), [](const SensorConnectionRow& a, const SensorConnectionRow& b) {
        return a.ts != b.ts ? a.ts < b.ts : a.id < b.id;
    });
    if (out.size() > AlertDetail::kSensorRowsShown) {
        out.resize(AlertDetail::kSensorRowsShown);
    }
    return out;
}

} // namespace

AlertDetail loadAlertDetail(const QString& casePath, qint64 alertId) {
    AlertDetail d;
    try {
        ReadConnection c(casePath);
        Statement row(c.db(), (alertRowSelectSql() + QStringLiteral("WHERE a.id = ?")).toStdString());
        row.bind(1, int64_t(alertId));
        if (!row.step()) {
            d.error = QStringLiteral("alert %1 is not in the case (re-scored?)").arg(alertId);
            return d;
        }
        d.row = alertRowFromStatement(row);
        d.found = true;
        Statement more(c.db(),
                       "SELECT service_category, registered_domain, host_ips, proxy_requests, dns_queries, "
                       "net_connections, bytes_out, bytes_in, factors, process_id, proxy_ids, dns_ids, features, "
                       "sensor_ids "
                       "FROM alerts WHERE id = ?");
        more.bind(1, int64_t(alertId));
        more.step();
        d.serviceCategory = columnText(more, 0);
        d.registeredDomain = columnText(more, 1);
        d.hostIps = columnText(more, 2);
        d.proxyRequests = more.int64(3);
        d.dnsQueries = more.int64(4);
        d.netConnections = more.int64(5);
        d.bytesOut = more.isNull(6) ? 0 : more.int64(6);
        d.bytesIn = more.isNull(7) ? 0 : more.int64(7);
        const QJsonArray factors = QJsonDocument::fromJson(QByteArray::fromStdString(more.text(8))).array();
        for (const QJsonValue& v : factors) {
            const QJsonObject o = v.toObject();
            d.factors.push_back({o.value(QLatin1String("name")).toString(),
                                 o.value(QLatin1String("contribution")).toDouble(),
                                 o.value(QLatin1String("detail")).toString()});
        }
        std::sort(d.factors.begin(), d.factors.end(), [](const ScoreFactor& a, const ScoreFactor& b) {
            return std::abs(a.contribution) > std::abs(b.contribution);
        });
        const QJsonObject features = QJsonDocument::fromJson(QByteArray::fromStdString(more.text(12))).object();
        for (const QJsonValue& v : features.value(QLatin1String("members")).toArray()) {
            const QJsonObject m = v.toObject();
            d.members.push_back({m.value(QLatin1String("source")).toString(),
                                 m.value(QLatin1String("naming")).toString(),
                                 m.value(QLatin1String("count")).toInteger()});
        }
        d.timingSource = features.value(QLatin1String("timing_source")).toString();
        d.timingNote = features.value(QLatin1String("timing_note")).toString();
        d.hostShared = features.value(QLatin1String("host_shared")).toBool();
        d.hostSharedReason = features.value(QLatin1String("host_shared_reason")).toString();
        const qint64 processId = more.isNull(9) ? 0 : more.int64(9);
        d.proxyIds = blobIds(more, 10);
        std::vector<int64_t> dnsIds = blobIds(more, 11);
        d.sensorIds = blobIds(more, 13);
        d.sensorConnections = readSensorConnections(c.db(), d.sensorIds);
        if (processId > 0) {
            Statement p(c.db(), "SELECT command_line, user_name, pid, parent_image FROM processes WHERE id = ?");
            p.bind(1, int64_t(processId));
            if (p.step()) {
                d.commandLine = columnText(p, 0);
                d.processUser = columnText(p, 1);
                d.pid = p.isNull(2) ? 0 : p.int64(2);
                d.parentImage = columnText(p, 3);
            }
        }
        Statement tr(c.db(), "SELECT note, justification, updated_by, updated_at FROM triage WHERE channel_key = ?");
        tr.bind(1, d.row.channelKey.toStdString());
        if (tr.step()) {
            d.note = columnText(tr, 0);
            d.justification = columnText(tr, 1);
            d.triagedBy = columnText(tr, 2);
            d.triagedAt = columnText(tr, 3);
        }
        QMap<QString, AttributionSummary> byMethod;
        qint64 attributed = 0;
        summarizeAttribution(c.db(), "proxy", d.proxyIds, byMethod, attributed);
        summarizeAttribution(c.db(), "dns", dnsIds, byMethod, attributed);
        for (AttributionSummary s : byMethod) {
            s.meanConfidence = s.requests > 0 ? s.meanConfidence / double(s.requests) : 0;
            d.attribution << s;
        }
        d.unattributed = qint64(d.proxyIds.size() + dnsIds.size()) - attributed;
    } catch (const std::exception& e) {
        d.error = QString::fromUtf8(e.what());
    }
    return d;
}

} // namespace socwb
