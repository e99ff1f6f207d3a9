#include "alert_detail.h"

#include "read_connection.h"
#include "sigma_detail.h"
#include "store/case_summary.h"
#include "store/schema.h"
#include "store/statement.h"

#include "scoring/channel_members.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QMap>

#include <functional>
#include <map>

namespace socwb {

namespace {

std::vector<int64_t> blobIds(const Statement& st, int col) {
    if (st.isNull(col)) {
        return {};
    }
    return scoring::decodeMemberIds(sqlite3_column_blob(st.handle(), col), sqlite3_column_bytes(st.handle(), col));
}

// Runs SQL over ids in chunks, so no statement holds too many parameters: "%1" in the SQL is the
// chunk's list of marks, bound after `before` binds the parameters ahead of it (their count).
// Each result row goes to row(st).
void inChunks(sqlite3* db, const QString& sql, const std::vector<int64_t>& ids, int before,
              const std::function<void(Statement&)>& bindBefore, const std::function<void(const Statement&)>& row) {
    constexpr size_t kChunk = 400;
    for (size_t i = 0; i < ids.size(); i += kChunk) {
        const size_t n = std::min(kChunk, ids.size() - i);
        QStringList marks(static_cast<int>(n), QStringLiteral("?"));
        Statement st(db, sql.arg(marks.join(QLatin1Char(','))).toStdString());
        if (bindBefore) {
            bindBefore(st);
        }
        for (size_t k = 0; k < n; ++k) {
            st.bind(static_cast<int>(k) + before + 1, ids[i + k]);
        }
        while (st.step()) {
            row(st);
        }
    }
}

// Attribution of a list of requests.
void summarizeAttribution(sqlite3* db, const char* kind, const std::vector<int64_t>& ids,
                          QMap<QString, AttributionSummary>& out, qint64& attributed) {
    inChunks(
        db,
        QStringLiteral("SELECT %1, count(*), sum(confidence) FROM %2 WHERE request_id IN (%3) GROUP BY method")
            .arg(QString::fromStdString(schema::attributionMethodSql("method")),
                 QString::fromLatin1(schema::attributionTable(kind)), QStringLiteral("%1")),
        ids, 0, [](Statement&) {},
        [&](const Statement& st) {
            AttributionSummary& s = out[columnText(st, 0)];
            s.method = columnText(st, 0);
            s.requests += st.int64(1);
            s.meanConfidence += st.real(2); // a sum until the end
            attributed += st.int64(1);
        });
}

// The first AlertDetail::kSensorRowsShown of these connections, in time order.
QVector<SensorConnectionRow> readSensorConnections(sqlite3* db, const std::vector<int64_t>& ids) {
    QVector<SensorConnectionRow> out;
    inChunks(db,
             QStringLiteral("SELECT c.id, c.ts_us, c.uid, (SELECT t.server_name FROM tls_sessions t WHERE t.uid = "
                            "c.uid AND t.server_name IS NOT NULL LIMIT 1), c.resp_ip, c.resp_port, "
                            "coalesce(c.orig_bytes, c.orig_ip_bytes), coalesce(c.resp_bytes, c.resp_ip_bytes), "
                            "c.duration_us, c.state, c.sensor FROM sensor_connections c WHERE c.id IN (%1)"),
             ids, 0, {}, [&out](const Statement& st) {
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
             });
    std::sort(out.begin(), out.end(), [](const SensorConnectionRow& a, const SensorConnectionRow& b) {
        return a.ts != b.ts ? a.ts < b.ts : a.id < b.id;
    });
    if (out.size() > AlertDetail::kSensorRowsShown) {
        out.resize(AlertDetail::kSensorRowsShown);
    }
    return out;
}

// The sensors (and files) that saw these connections, most connections first.
QVector<SensorSource> readSensorSources(sqlite3* db, const std::vector<int64_t>& ids) {
    std::map<std::pair<int64_t, int64_t>, qint64> counts; // (sensor string id or 0, evidence id)
    inChunks(db,
             QStringLiteral("SELECT coalesce(sensor_s, 0), evidence_id, count(*) FROM sensor_conn_rows WHERE id IN "
                            "(%1) GROUP BY 1, 2"),
             ids, 0, {}, [&counts](const Statement& st) {
                 counts[{st.int64(0), st.int64(1)}] += st.int64(2);
             });
    QVector<SensorSource> out;
    Statement names(db, "SELECT (SELECT value FROM strings WHERE id = ?), path, format FROM evidence WHERE id = ?");
    for (const auto& [key, n] : counts) {
        names.reset();
        names.bind(1, key.first).bind(2, key.second);
        SensorSource s;
        s.connections = n;
        if (names.step()) {
            s.sensor = columnText(names, 0);
            const QString path = columnText(names, 1);
            s.file = path.mid(path.lastIndexOf(QLatin1Char('/')) + 1);
            s.format = columnText(names, 2);
        }
        out.push_back(std::move(s));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const SensorSource& a, const SensorSource& b) { return a.connections > b.connections; });
    return out;
}

// The sensor's alerts on the flows of these connections (by uid: Suricata's flow_id), in time
// order; the first AlertDetail::kSensorAlertsShown kept, `total` all of them.
QVector<SensorAlertRow> readSensorAlerts(sqlite3* db, const std::vector<int64_t>& ids, qint64& total) {
    std::map<int64_t, SensorAlertRow> byId; // an alert once, whichever chunk holds its flow
    inChunks(db,
             QStringLiteral("SELECT a.id, a.ts_us, a.signature, a.signature_id, a.severity, a.category, a.action, "
                            "a.sensor, a.uid FROM sensor_alerts a WHERE a.uid IN (SELECT uid FROM sensor_conn_rows "
                            "WHERE id IN (%1) AND uid IS NOT NULL)"),
             ids, 0, {}, [&byId](const Statement& st) {
                 SensorAlertRow& a = byId[st.int64(0)];
                 a.ts = st.int64(1);
                 a.signature = columnText(st, 2);
                 a.signatureId = st.isNull(3) ? 0 : st.int64(3);
                 a.severity = st.isNull(4) ? 0 : static_cast<int>(st.int64(4));
                 a.category = columnText(st, 5);
                 a.action = columnText(st, 6);
                 a.sensor = columnText(st, 7);
                 a.uid = columnText(st, 8);
             });
    QVector<SensorAlertRow> out;
    for (auto& [id, a] : byId) {
        out.push_back(std::move(a));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const SensorAlertRow& a, const SensorAlertRow& b) { return a.ts < b.ts; });
    total = out.size();
    if (out.size() > AlertDetail::kSensorAlertsShown) {
        out.resize(AlertDetail::kSensorAlertsShown);
    }
    return out;
}

QString formatWords(const QString& format) {
    if (format == QLatin1String("suricata-eve")) {
        return QStringLiteral("Suricata eve.json");
    }
    if (format.startsWith(QLatin1String("zeek-"))) {
        return QStringLiteral("Zeek %1.log").arg(format.mid(5));
    }
    return format;
}

} // namespace

QString pollsSentence(const AlertDetail& d) {
    const QLocale l;
    auto counted = [&l](qint64 n, const QString& one, const QString& many) {
        return n == 1 ? one : many.arg(l.toString(n));
    };
    const AlertRow& r = d.row;
    QString text = r.unmeasurable ? QObject::tr("%Ln long-lived session(s), cadence unmeasurable", nullptr,
                                                static_cast<int>(r.requests))
                                  : counted(r.requests, QObject::tr("1 poll"), QObject::tr("%1 polls"));
    QStringList of;
    if (d.proxyRequests > 0) {
        of << counted(d.proxyRequests, QObject::tr("1 proxy line"), QObject::tr("%1 proxy lines"));
    }
    if (d.dnsQueries > 0) {
        of << counted(d.dnsQueries, QObject::tr("1 DNS lookup"), QObject::tr("%1 DNS lookups"));
    }
    if (d.netConnections > 0) {
        of << counted(d.netConnections, QObject::tr("1 connection"), QObject::tr("%1 connections"));
    }
    if (!of.isEmpty()) {
        const QString last = of.takeLast();
        text += QObject::tr(" (of %1)")
                    .arg(of.isEmpty() ? last : of.join(QStringLiteral(", ")) + QObject::tr(" and ") + last);
    }
    return text;
}

QString siemRequestsNote(const AlertRow& row) {
    if (!row.fromSiem()) {
        return {};
    }
    return QObject::tr("No events: this channel is a row of a SIEM export (%1). Import the host's raw logs for its "
                       "requests; they merge with it on the next score.")
        .arg(row.siemOrigin);
}

QString alsoInSiemLine(const AlertRow& row) {
    return row.alsoInSiem.isEmpty() ? QString() : QObject::tr("Also in the SIEM export: %1").arg(row.alsoInSiem);
}

QString memberSourceWords(const QString& source) {
    static const QHash<QString, QString> words{{QStringLiteral("http"), QObject::tr("proxy requests")},
                                               {QStringLiteral("connect"), QObject::tr("CONNECT tunnels")},
                                               {QStringLiteral("sysmon_net"), QObject::tr("Sysmon connections")},
                                               {QStringLiteral("sensor_conn"), QObject::tr("sensor connections")},
                                               {QStringLiteral("dns_log"), QObject::tr("resolver-log lookups")},
                                               {QStringLiteral("sysmon_dns"), QObject::tr("Sysmon DNS queries")},
                                               {QStringLiteral("siem"), QObject::tr("polls counted by the SIEM")}};
    return words.value(source, source);
}

QString seenBySentence(const SensorSource& s) {
    const QString count = s.connections == 1 ? QObject::tr("1 connection")
                                             : QObject::tr("%1 connections").arg(QLocale().toString(s.connections));
    if (s.sensor.isEmpty()) {
        // Zeek's TSV names no sensor: the file it wrote does.
        return QObject::tr("Seen by the sensor that wrote %1 (%2, %3; the log does not name its sensor)")
            .arg(s.file, formatWords(s.format), count);
    }
    return QObject::tr("Seen by sensor %1 (%2, file %3, %4)").arg(s.sensor, formatWords(s.format), s.file, count);
}

QString sensorAlertSentence(const SensorAlertRow& a) {
    QStringList about;
    if (a.signatureId > 0) {
        about << QObject::tr("sid %1").arg(a.signatureId);
    }
    for (const QString& s : {a.category, a.action}) {
        if (!s.isEmpty()) {
            about << s;
        }
    }
    QString t = isoFromUs(a.ts).left(19).replace(QLatin1Char('T'), QLatin1Char(' ')) + QObject::tr(" UTC");
    if (a.severity > 0) {
        t += QObject::tr(" \u00b7 severity %1").arg(a.severity);
    }
    t += QStringLiteral(" \u00b7 ") + (a.signature.isEmpty() ? QObject::tr("(no signature logged)") : a.signature);
    if (!about.isEmpty()) {
        t += QStringLiteral(" (") + about.join(QStringLiteral(", ")) + QLatin1Char(')');
    }
    return t;
}

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
                       "sensor_ids, dnsq_ids, net_ids "
                       "FROM alerts WHERE id = ?");
        more.bind(1, int64_t(alertId));
        more.step();
        d.serviceCategory = columnText(more, 0);
        d.registeredDomain = columnText(more, 1);
        d.hostIps = columnText(more, 2);
        d.proxyRequests = more.int64(3);
        d.dnsQueries = more.int64(4);
        d.netConnections = more.int64(5);
        d.bytesOut = more.isNull(6) ? -1 : more.int64(6); // -1: no member logged it
        d.bytesIn = more.isNull(7) ? -1 : more.int64(7);
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
        // The Sysmon events of its lookups and connections, and whatever Sigma matched among its rows.
        std::vector<int64_t> sysmonIds;
        for (const auto& [table, col] : {std::pair{"dns_queries", 14}, std::pair{"net_connections", 15}}) {
            inChunks(c.db(), QStringLiteral("SELECT event_id FROM %1 WHERE id IN (%2)").arg(QLatin1String(table)),
                     blobIds(more, col), 0, {},
                     [&sysmonIds](const Statement& st) { sysmonIds.push_back(st.int64(0)); });
        }
        std::sort(sysmonIds.begin(), sysmonIds.end());
        sysmonIds.erase(std::unique(sysmonIds.begin(), sysmonIds.end()), sysmonIds.end());
        d.sigma = sigmaMatchesOfRows(c.db(), d.proxyIds, dnsIds, sysmonIds);
        d.sensorConnections = readSensorConnections(c.db(), d.sensorIds);
        d.sensorSources = readSensorSources(c.db(), d.sensorIds);
        d.sensorAlerts = readSensorAlerts(c.db(), d.sensorIds, d.sensorAlertTotal);
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
        d.triage = readTriageRecord(c.db(), d.row.channelKey);
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
