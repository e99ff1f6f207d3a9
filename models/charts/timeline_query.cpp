#include "timeline_query.h"

#include "store/case_summary.h"

#include "store/statement.h"

#include <algorithm>
#include <tuple>

namespace socwb {

namespace {
// Triage notes carry an ISO time; as UTC microseconds for the time axis.
constexpr const char* kNoteTs = "CAST(round((julianday(t.updated_at) - 2440587.5) * 86400000000.0) AS INTEGER)";
} // namespace

QStringList TimelineQuery::laneNames() {
    return {QStringLiteral("Proxy"),          QStringLiteral("DNS (server)"), QStringLiteral("DNS (Sysmon)"),
            QStringLiteral("Process starts"), QStringLiteral("Connections"),  QStringLiteral("Sensor connections"),
            QStringLiteral("File events"),    QStringLiteral("Analyst notes")};
}

QString TimelineQuery::laneTable(int lane) {
    static const char* tables[] = {"proxy_events",    "dns_events",         "dns_queries",   "processes",
                                   "net_connections", "sensor_connections", "sysmon_events", "alerts"};
    return QString::fromLatin1(tables[lane]);
}

// Each lane as "SELECT ts, id[, summary] FROM ... WHERE <host = ?1> AND <filter on ?2>" with the time
// column named ts so callers add range and key conditions. ?1 is the host, ?2 the process filter.
QString TimelineQuery::laneSql(int lane, bool summary) const {
    const bool byProcess = processId_ >= 0;
    QString sql;
    switch (lane) {
    case ProxyLane:
        sql = summary ? QStringLiteral("SELECT e.ts_us AS ts, e.id AS id, coalesce(e.method, '') || ' ' || "
                                       "coalesce(e.url, d.name, '') || ' ' || coalesce(e.status, '') "
                                       "FROM proxy_events e LEFT JOIN domains d ON d.id = e.domain_id")
                      : QStringLiteral("SELECT e.ts_us AS ts, e.id AS id FROM proxy_events e");
        sql += QStringLiteral(" WHERE e.host_id = ?1");
        if (byProcess) {
            sql += QStringLiteral(" AND e.id IN (SELECT request_id FROM proxy_attributions WHERE process_id = ?2)");
        }
        break;
    case DnsLane:
        sql = summary ? QStringLiteral(
                            "SELECT e.ts_us AS ts, e.id AS id, coalesce(e.qtype, '') || ' ' || coalesce(d.name, '') "
                            "|| ' ' || coalesce(e.rcode, '') || ' ' || coalesce(e.answers, '') "
                            "FROM dns_events e LEFT JOIN domains d ON d.id = e.domain_id")
                      : QStringLiteral("SELECT e.ts_us AS ts, e.id AS id FROM dns_events e");
        sql += QStringLiteral(" WHERE e.host_id = ?1");
        if (byProcess) {
            sql += QStringLiteral(" AND e.id IN (SELECT request_id FROM dns_attributions WHERE process_id = ?2)");
        }
        break;
    case DnsQueryLane:
        sql = summary ? QStringLiteral(
                            "SELECT e.ts_us AS ts, e.id AS id, coalesce(d.name, '') || ' ' || coalesce(e.answers, '') "
                            "FROM dns_queries e LEFT JOIN domains d ON d.id = e.domain_id")
                      : QStringLiteral("SELECT e.ts_us AS ts, e.id AS id FROM dns_queries e");
        sql += QStringLiteral(" WHERE e.host_id = ?1");
        if (byProcess) {
            sql += QStringLiteral(" AND e.process_id = ?2");
        }
        break;
    case ProcessLane:
        sql = summary ? QStringLiteral("SELECT e.start_ts AS ts, e.id AS id, coalesce(e.image, '') || ' (PID ' || "
                                       "coalesce(e.pid, '?') || ') ' || coalesce(e.command_line, '') FROM processes e")
                      : QStringLiteral("SELECT e.start_ts AS ts, e.id AS id FROM processes e");
        sql += QStringLiteral(" WHERE e.host_id = ?1 AND e.start_ts IS NOT NULL");
        if (byProcess) {
            sql += QStringLiteral(" AND (e.id = ?2 OR e.parent_id = ?2)");
        }
        break;
    case NetworkLane:
        sql = summary
                  ? QStringLiteral(
                        "SELECT e.ts_us AS ts, e.id AS id, coalesce(e.protocol, '') || ' ' || "
                        "coalesce(e.src_ip, '') || ':' || coalesce(e.src_port, '') || ' -> ' || "
                        "coalesce(e.dst_host, e.dst_ip, '') || ':' || coalesce(e.dst_port, '') FROM net_connections e")
                  : QStringLiteral("SELECT e.ts_us AS ts, e.id AS id FROM net_connections e");
        sql += QStringLiteral(" WHERE e.host_id = ?1");
        if (byProcess) {
            sql += QStringLiteral(" AND e.process_id = ?2");
        }
        break;
    case SensorLane:
        // Named by the TLS server name of the same uid where the sensor logged one; bytes are the
        // payload where logged (Zeek), else IP-level (Suricata).
        sql = summary ? QStringLiteral(
                            "SELECT e.ts_us AS ts, e.id AS id, "
                            "coalesce((SELECT value FROM strings WHERE id = e.proto_s), '') || ' ' || "
                            "coalesce((SELECT value FROM strings WHERE id = e.orig_ip_s), '') || ':' || "
                            "coalesce(e.orig_port, '') || ' -> ' || coalesce((SELECT d.name FROM tls_rows t JOIN "
                            "domains d ON d.id = t.domain_id WHERE t.uid = e.uid LIMIT 1), (SELECT value FROM "
                            "strings WHERE id = e.resp_ip_s), '') || ':' || coalesce(e.resp_port, '') || ' ' || "
                            "coalesce((SELECT value FROM strings WHERE id = e.service_s), '-') || ' ' || "
                            "coalesce(e.orig_bytes, e.orig_ip_bytes, '?') || '/' || coalesce(e.resp_bytes, "
                            "e.resp_ip_bytes, '?') || ' B ' || coalesce((SELECT value FROM strings WHERE id = "
                            "e.state_s), '') FROM sensor_conn_rows e")
                      : QStringLiteral("SELECT e.ts_us AS ts, e.id AS id FROM sensor_conn_rows e");
        sql += QStringLiteral(" WHERE e.host_id = ?1");
        if (byProcess) {
            sql += QStringLiteral(" AND e.id IN (SELECT conn_id FROM sensor_attributions WHERE process_id = ?2)");
        }
        break;
    case FileLane:
        sql = summary
                  ? QStringLiteral(
                        "SELECT e.ts_us AS ts, e.id AS id, coalesce(json_extract(e.fields, '$.TargetFilename'), '') "
                        "FROM sysmon_events e")
                  : QStringLiteral("SELECT e.ts_us AS ts, e.id AS id FROM sysmon_events e");
        sql += QStringLiteral(" WHERE e.host_id = ?1 AND e.event_id = 11");
        if (byProcess) {
            sql += QStringLiteral(" AND e.process_id = ?2");
        }
        break;
    case NoteLane:
    default:
        sql = QStringLiteral("SELECT %1 AS ts, a.id AS id").arg(QLatin1String(kNoteTs));
        if (summary) {
            sql += QStringLiteral(", a.destination || ' [' || t.status || ']: ' || coalesce(t.note, '')");
        }
        sql += QStringLiteral(" FROM alerts a JOIN triage t ON t.channel_key = a.channel_key "
                              "WHERE a.host_id = ?1 AND coalesce(t.note, '') <> ''");
        if (byProcess) {
            sql += QStringLiteral(" AND a.process_id = ?2");
        }
        break;
    }
    return sql;
}

TimelineBuckets TimelineQuery::minuteCounts() const {
    TimelineBuckets b;
    for (int lane = 0; lane < LaneCount; ++lane) {
        const QString sql = QStringLiteral("SELECT ts / 60000000 AS m, count(*) FROM (%1) GROUP BY m ORDER BY m")
                                .arg(laneSql(lane, false));
        Statement st(db_, sql.toStdString());
        st.bind(1, hostId_);
        if (processId_ >= 0) {
            st.bind(2, processId_);
        }
        while (st.step()) {
            b.add(lane, st.int64(0), st.int64(1));
        }
    }
    return b;
}

QVector<TimelineEvent> TimelineQuery::events(int lane, int64_t fromUs, int64_t toUs, int limit) const {
    QVector<TimelineEvent> out;
    const QString sql = QStringLiteral("SELECT * FROM (%1) WHERE ts >= ?3 AND ts < ?4 ORDER BY ts, id LIMIT ?5")
                            .arg(laneSql(lane, true));
    Statement st(db_, sql.toStdString());
    st.bind(1, hostId_).bind(3, fromUs).bind(4, toUs).bind(5, limit);
    if (processId_ >= 0) {
        st.bind(2, processId_);
    }
    while (st.step()) {
        out.push_back({st.int64(0), lane, st.int64(1), QString::fromStdString(st.text(2))});
    }
    return out;
}

void TimelineQuery::buckets(int lane, int64_t fromUs, int64_t toUs, int64_t bucketUs, QVector<double>* startsSec,
                            QVector<double>* counts) const {
    startsSec->clear();
    counts->clear();
    const QString sql = QStringLiteral("SELECT (ts / ?5) * ?5 AS b, count(*) FROM (%1) WHERE ts >= ?3 AND ts < ?4 "
                                       "GROUP BY b ORDER BY b")
                            .arg(laneSql(lane, false));
    Statement st(db_, sql.toStdString());
    st.bind(1, hostId_).bind(3, fromUs).bind(4, toUs).bind(5, std::max<int64_t>(1, bucketUs));
    if (processId_ >= 0) {
        st.bind(2, processId_);
    }
    while (st.step()) {
        startsSec->push_back(double(st.int64(0)) / 1e6);
        counts->push_back(double(st.int64(1)));
    }
}

QVector<TimelineEvent> TimelineQuery::page(int64_t fromUs, int64_t toUs, const TimelineKey& after, int n,
                                           unsigned laneMask) const {
    QVector<TimelineEvent> merged;
    for (int lane = 0; lane < LaneCount; ++lane) {
        if (!(laneMask & (1u << lane))) {
            continue;
        }
        // Order is (ts, lane, id): a lane before the key's lane resumes after the key's time, the
        // key's own lane after its (ts, id), a later lane at the key's time.
        int64_t afterId = after.id;
        if (lane < after.lane) {
            afterId = INT64_MAX;
        } else if (lane > after.lane) {
            afterId = INT64_MIN;
        }
        Statement st(db_, pageSql(laneSql(lane, true)).toStdString());
        st.bind(1, hostId_).bind(3, std::max(fromUs, after.tsUs)).bind(4, toUs).bind(5, n);
        st.bind(6, after.tsUs).bind(7, afterId);
        if (processId_ >= 0) {
            st.bind(2, processId_);
        }
        while (st.step()) {
            merged.push_back({st.int64(0), lane, st.int64(1), QString::fromStdString(st.text(2))});
        }
    }
    std::sort(merged.begin(), merged.end(), [](const TimelineEvent& a, const TimelineEvent& b) {
        return std::tie(a.tsUs, a.lane, a.id) < std::tie(b.tsUs, b.lane, b.id);
    });
    if (merged.size() > n) {
        merged.resize(n);
    }
    return merged;
}

QString TimelineQuery::pageSql(const QString& laneSql) {
    return QStringLiteral(
               "SELECT * FROM (%1) WHERE ts >= ?3 AND ts < ?4 AND (ts, id) > (?6, ?7) ORDER BY ts, id LIMIT ?5")
        .arg(laneSql);
}

QString TimelineQuery::pagePlan(int lane) const {
    Statement st(db_, "EXPLAIN QUERY PLAN " + pageSql(laneSql(lane, true)).toStdString());
    QStringList steps;
    while (st.step()) {
        steps << QString::fromStdString(st.text(3));
    }
    return steps.join(QLatin1Char('\n'));
}

QString TimelineQuery::record(sqlite3* db, int lane, int64_t id) {
    QString text;
    auto dumpRow = [&](const std::string& sql, int64_t key) {
        Statement st(db, sql);
        st.bind(1, key);
        if (!st.step()) {
            return false;
        }
        for (int c = 0; c < st.columnCount(); ++c) {
            const char* name = sqlite3_column_name(st.handle(), c);
            if (sqlite3_column_type(st.handle(), c) == SQLITE_BLOB) {
                continue; // member-id blobs: not for people
            }
            text += QStringLiteral("%1: %2\n")
                        .arg(QString::fromUtf8(name),
                             st.isNull(c) ? QStringLiteral("(none)") : QString::fromStdString(st.text(c)));
        }
        return true;
    };
    const std::string table = laneTable(lane).toStdString();
    if (lane == NoteLane) {
        dumpRow(
            "SELECT a.id AS alert_id, a.host, a.destination, a.process_image, t.status, t.note, t.tags, "
            "t.justification, t.updated_at, t.updated_by FROM alerts a JOIN triage t ON t.channel_key = a.channel_key "
            "WHERE a.id = ?",
            id);
        return text + QStringLiteral("Provenance: analyst triage note on alert %1\n").arg(id);
    }
    if (!dumpRow("SELECT * FROM " + table + " WHERE id = ?", id)) {
        return QStringLiteral("No %1 row %2 in this case.").arg(QString::fromStdString(table)).arg(id);
    }
    // Where it came from: text logs carry the line, Windows events the record (line for XML text).
    std::string prov;
    switch (lane) {
    case ProxyLane:
    case DnsLane:
    case SensorLane:
        prov = "SELECT v.path, v.format, 'line', e.line_no, v.member_path FROM " + table +
               " e JOIN evidence v ON v.id = e.evidence_id WHERE e.id = ?";
        break;
    case DnsQueryLane:
    case NetworkLane:
        prov = "SELECT v.path, v.format, 'record', s.record_no, v.member_path FROM " + table +
               " e JOIN sysmon_events s ON s.id = e.event_id JOIN evidence v ON v.id = s.evidence_id WHERE e.id = ?";
        break;
    default:
        prov = "SELECT v.path, v.format, 'record', e.record_no, v.member_path FROM " + table +
               " e JOIN evidence v ON v.id = e.evidence_id WHERE e.id = ?";
        break;
    }
    Statement p(db, prov);
    p.bind(1, id);
    if (p.step()) {
        text +=
            QStringLiteral("\nProvenance: %1 (%2), %3 %4\n")
                .arg(provenanceLabel(QString::fromStdString(p.text(0)), QString::fromStdString(p.text(4)), true),
                     QString::fromStdString(p.text(1)), QString::fromStdString(p.text(2)), QString::number(p.int64(3)));
    } else {
        text += QStringLiteral("\nProvenance: not recorded for this row\n");
    }
    if (lane == SensorLane) {
        text += sensorContext(db, id);
    }
    return text;
}

QString TimelineQuery::sensorContext(sqlite3* db, int64_t connId) {
    QString text;
    auto line = [](const Statement& st, int from) {
        return QStringLiteral("%1 (%2), line %3")
            .arg(QString::fromStdString(st.text(from)), QString::fromStdString(st.text(from + 1)))
            .arg(st.int64(from + 2));
    };
    {
        Statement sensor(db, "SELECT c.sensor, v.format FROM sensor_connections c JOIN evidence v ON v.id = "
                             "c.evidence_id WHERE c.id = ?");
        sensor.bind(1, connId);
        if (sensor.step()) {
            const QString format = QString::fromStdString(sensor.text(1));
            const QString what = format == QLatin1String("suricata-eve") ? QStringLiteral("Suricata eve.json")
                                                                         : QStringLiteral("Zeek conn.log");
            text += sensor.isNull(0)
                        ? QStringLiteral("Seen by: %1 (the log does not name its sensor)\n").arg(what)
                        : QStringLiteral("Seen by: sensor %1, %2\n").arg(QString::fromStdString(sensor.text(0)), what);
        }
    }
    // The uid joins a connection to its TLS sessions and to the sensor's alerts on the same flow.
    Statement tls(db, "SELECT t.server_name, t.version, t.established, t.ja3, t.ja3s, t.ja4, t.subject, v.path, "
                      "v.format, t.line_no FROM sensor_conn_rows c JOIN tls_sessions t ON t.uid = c.uid JOIN "
                      "evidence v ON v.id = t.evidence_id WHERE c.id = ? ORDER BY t.ts_us, t.id LIMIT 20");
    tls.bind(1, connId);
    while (tls.step()) {
        text += QStringLiteral("\nTLS session: server name %1, %2, established %3")
                    .arg(tls.isNull(0) ? QStringLiteral("(none)") : QString::fromStdString(tls.text(0)),
                         tls.isNull(1) ? QStringLiteral("version unknown") : QString::fromStdString(tls.text(1)),
                         tls.isNull(2)  ? QStringLiteral("unknown")
                         : tls.int64(2) ? QStringLiteral("yes")
                                        : QStringLiteral("no"));
        const char* prints[] = {"JA3", "JA3S", "JA4"};
        for (int i = 0; i < 3; ++i) {
            if (!tls.isNull(3 + i)) {
                text +=
                    QStringLiteral(", %1 %2").arg(QLatin1String(prints[i]), QString::fromStdString(tls.text(3 + i)));
            }
        }
        if (!tls.isNull(6)) {
            text += QStringLiteral(", certificate subject %1").arg(QString::fromStdString(tls.text(6)));
        }
        text += QStringLiteral("\n  from %1\n").arg(line(tls, 7));
    }
    Statement alerts(db, "SELECT a.severity, a.signature, a.signature_id, a.category, v.path, v.format, a.line_no FROM "
                         "sensor_conn_rows c JOIN sensor_alerts a ON a.uid = c.uid JOIN evidence v ON v.id = "
                         "a.evidence_id WHERE c.id = ? ORDER BY a.ts_us, a.id LIMIT 20");
    alerts.bind(1, connId);
    while (alerts.step()) {
        text += QStringLiteral("\nSensor alert (severity %1): %2 [sid %3] %4\n  from %5\n")
                    .arg(alerts.isNull(0) ? QStringLiteral("?") : QString::number(alerts.int64(0)),
                         QString::fromStdString(alerts.text(1)), QString::number(alerts.int64(2)),
                         QString::fromStdString(alerts.text(3)), line(alerts, 4));
    }
    return text;
}

} // namespace socwb
