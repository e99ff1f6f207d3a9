#include "case_summary.h"

#include "case_validation.h"
#include "ingest/read/plausibility_filter.h"
#include "statement.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QLocale>
#include <QObject>
#include <QStringList>
#include <QTimeZone>

#include <unordered_map>

namespace socwb {

// The hosts only a SIEM's rows name: name or address, the rows' addresses, channels not suppressed.
namespace {
constexpr const char* kSiemOnlyHostsSql =
    "SELECT host, max(coalesce(host_ips, '')), sum(suppressed_by IS NULL) FROM alerts WHERE host_id IS NULL AND "
    "features LIKE '%\"siem_origin\"%' GROUP BY host ORDER BY host COLLATE NOCASE";
} // namespace

QString isoFromUs(int64_t us) {
    if (us == 0) {
        return {};
    }
    return QDateTime::fromMSecsSinceEpoch(us / 1000, QTimeZone::utc())
        .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

QString utcSecondsFromUs(int64_t us) {
    return isoFromUs(us).left(19).replace(QLatin1Char('T'), QLatin1Char(' '));
}

QString utcSpanFromUs(int64_t first, int64_t last) {
    const QString from = utcSecondsFromUs(first), to = utcSecondsFromUs(last);
    const bool sameDay = from.left(10) == to.left(10);
    return QStringLiteral("%1 to %2 UTC").arg(from, sameDay ? to.mid(11) : to);
}

QString evidenceKindName(const QString& kind, int64_t n) {
    static const struct {
        const char* kind;
        const char* one;
        const char* many;
    } names[] = {{"proxy", "proxy request", "proxy requests"},
                 {"dns", "DNS query", "DNS queries"},
                 {"windows-events", "Windows event", "Windows events"},
                 {"assets", "asset", "assets"},
                 {"connections", "connection", "connections"},
                 {"tls", "TLS session", "TLS sessions"},
                 {"alerts", "alert", "alerts"},
                 {"siem-rows", "SIEM result row", "SIEM result rows"}};
    for (const auto& k : names) {
        if (kind == QLatin1String(k.kind)) {
            return QString::fromLatin1(n == 1 ? k.one : k.many);
        }
    }
    return kind;
}

QString contentsText(const EvidenceContents& contents) {
    QStringList parts;
    for (const auto& [kind, n] : contents) {
        parts << QStringLiteral("%1 %2").arg(QLocale().toString(qint64(n)), evidenceKindName(kind, n));
    }
    return parts.join(QStringLiteral(", "));
}

QString provenanceLabel(const QString& path, const QString& memberPath, bool fullPath) {
    const QString file = fullPath ? path : QFileInfo(path).fileName();
    return memberPath.isEmpty() ? file : file + QStringLiteral(" \u203a ") + memberPath;
}

CaseSummary summarize(sqlite3* db, bool withHostRows) {
    CaseSummary s;
    s.schemaVersion = static_cast<int>(queryInt(db, "PRAGMA user_version").value_or(0));
    Statement ev(db, "SELECT id, path, sha256, size, format, source_tz, import_started, import_finished, "
                     "accepted, rejected, status, member_path FROM evidence ORDER BY id");
    while (ev.step()) {
        EvidenceRow r;
        r.id = ev.int64(0);
        r.path = QString::fromStdString(ev.text(1));
        r.sha256 = QString::fromStdString(ev.text(2));
        r.size = ev.int64(3);
        r.format = QString::fromStdString(ev.text(4));
        r.sourceTz = QString::fromStdString(ev.text(5));
        r.importStarted = QString::fromStdString(ev.text(6));
        r.importFinished = QString::fromStdString(ev.text(7));
        r.accepted = ev.int64(8);
        r.rejected = ev.int64(9);
        r.status = QString::fromStdString(ev.text(10));
        r.memberPath = QString::fromStdString(ev.text(11));
        s.evidence << r;
    }
    {
        // In the order the kinds are listed (evidenceKindName), not alphabetically.
        Statement c(db, "SELECT evidence_id, kind, records FROM evidence_contents ORDER BY evidence_id, CASE kind "
                        "WHEN 'proxy' THEN 0 WHEN 'dns' THEN 1 WHEN 'windows-events' THEN 2 WHEN 'assets' THEN 3 "
                        "WHEN 'connections' THEN 4 WHEN 'tls' THEN 5 WHEN 'alerts' THEN 6 ELSE 7 END");
        qsizetype at = 0;
        while (c.step()) {
            const int64_t id = c.int64(0);
            while (at < s.evidence.size() && s.evidence[at].id < id) {
                ++at;
            }
            if (at < s.evidence.size() && s.evidence[at].id == id) {
                s.evidence[at].contents.push_back({QString::fromStdString(c.text(1)), c.int64(2)});
            }
        }
    }
    s.proxy = queryInt(db, "SELECT count(*) FROM proxy_events").value_or(0);
    s.dns = queryInt(db, "SELECT count(*) FROM dns_events").value_or(0);
    s.sysmon = queryInt(db, "SELECT count(*) FROM sysmon_events").value_or(0);
    s.sensorConnections = queryInt(db, "SELECT count(*) FROM sensor_conn_rows").value_or(0);
    s.tlsSessions = queryInt(db, "SELECT count(*) FROM tls_rows").value_or(0);
    s.sensorAlerts = queryInt(db, "SELECT count(*) FROM sensor_alerts").value_or(0);
    s.processes = queryInt(db, "SELECT count(*) FROM processes").value_or(0);
    s.alerts = queryInt(db, "SELECT count(*) FROM alerts").value_or(0);
    // rejected_lines keeps only the first rejects of each file; the evidence rows count them all.
    s.rejected = queryInt(db, "SELECT coalesce(sum(rejected), 0) FROM evidence").value_or(0);

    int64_t first = INT64_MAX, last = INT64_MIN;
    for (const char* table :
         {"proxy_rows", "dns_rows", "sysmon_events", "sensor_conn_rows", "tls_rows", "sensor_alerts"}) {
        Statement st(db, std::string("SELECT min(ts_us), max(ts_us) FROM ") + table);
        if (st.step() && !st.isNull(0)) {
            // A case too big for the check on open still never shows a time span from year -290309.
            for (int col : {0, 1}) {
                if (st.int64(col) < plausible::kMinTsUs || st.int64(col) >= plausible::kMaxTsUs) {
                    Statement row(db, std::string("SELECT id FROM ") + table + " WHERE ts_us = ? LIMIT 1");
                    row.bind(1, st.int64(col)).step();
                    validation::checkTime(st.int64(col), table, row.int64(0), "ts_us");
                }
            }
            first = std::min(first, st.int64(0));
            last = std::max(last, st.int64(1));
        }
    }
    if (first != INT64_MAX) {
        s.firstTs = first;
        s.lastTs = last;
    }

    if (withHostRows) {
        s.hosts = readHostRows(db);
        s.hostCount = s.hosts.size();
    } else {
        s.hostCount = queryInt(db, "SELECT (SELECT count(*) FROM hosts) + (SELECT count(*) FROM (" +
                                       std::string(kSiemOnlyHostsSql) + "))")
                          .value_or(0);
    }
    return s;
}

QVector<HostRow> readHostRows(sqlite3* db) {
    QVector<HostRow> rows;
    std::unordered_map<int64_t, int> index;
    Statement hosts(db, "SELECT id, name, role, owner FROM hosts ORDER BY name COLLATE NOCASE, id");
    while (hosts.step()) {
        HostRow h;
        h.id = hosts.int64(0);
        h.name = QString::fromStdString(hosts.text(1));
        h.role = QString::fromStdString(hosts.text(2));
        h.owner = QString::fromStdString(hosts.text(3));
        index[h.id] = static_cast<int>(rows.size());
        rows << h;
    }
    Statement addr(db, "SELECT host_id, ip FROM host_addresses ORDER BY ip");
    while (addr.step()) {
        if (auto it = index.find(addr.int64(0)); it != index.end()) {
            rows[it->second].addresses << QString::fromStdString(addr.text(1));
        }
    }
    Statement pc(db, "SELECT host_id, count(*) FROM proxy_events WHERE host_id IS NOT NULL GROUP BY host_id");
    while (pc.step()) {
        if (auto it = index.find(pc.int64(0)); it != index.end()) {
            rows[it->second].proxy = pc.int64(1);
        }
    }
    Statement dc(db, "SELECT host_id, count(*) FROM dns_events WHERE host_id IS NOT NULL GROUP BY host_id");
    while (dc.step()) {
        if (auto it = index.find(dc.int64(0)); it != index.end()) {
            rows[it->second].dns = dc.int64(1);
        }
    }
    Statement sc(db, "SELECT host_id, count(*) FROM sensor_conn_rows WHERE host_id IS NOT NULL GROUP BY host_id");
    while (sc.step()) {
        if (auto it = index.find(sc.int64(0)); it != index.end()) {
            rows[it->second].sensor = sc.int64(1);
        }
    }
    Statement procs(db, "SELECT host_id, count(*) FROM processes GROUP BY host_id");
    while (procs.step()) {
        if (auto it = index.find(procs.int64(0)); it != index.end()) {
            rows[it->second].processes = procs.int64(1);
        }
    }
    Statement attr(db,
                   "SELECT e.host_id, count(*) FROM proxy_attributions a JOIN proxy_events e ON e.id = a.request_id "
                   "GROUP BY e.host_id UNION ALL "
                   "SELECT e.host_id, count(*) FROM dns_attributions a JOIN dns_events e ON e.id = a.request_id "
                   "GROUP BY e.host_id");
    while (attr.step()) {
        if (auto it = index.find(attr.int64(0)); it != index.end()) {
            rows[it->second].attributed += attr.int64(1);
        }
    }
    Statement al(
        db,
        "SELECT host_id, count(*) FROM alerts WHERE host_id IS NOT NULL AND suppressed_by IS NULL GROUP BY host_id");
    while (al.step()) {
        if (auto it = index.find(al.int64(0)); it != index.end()) {
            rows[it->second].alerts = al.int64(1);
        }
    }
    for (HostRow& h : rows) {
        h.unattributed = h.proxy + h.dns - h.attributed;
    }
    // Hosts only a SIEM's rows name (results imported without the raw logs of those hosts): their
    // channels have no host of the case (host_id NULL), a name or address and the addresses the
    // rows gave. No events of theirs are in the case; each is listed with an id below 0.
    Statement siem(db, kSiemOnlyHostsSql);
    while (siem.step()) {
        HostRow h;
        h.id = -static_cast<int64_t>(rows.size()) - 1;
        h.name = QString::fromStdString(siem.text(0));
        h.role = QObject::tr("SIEM rows only");
        h.addresses = QString::fromStdString(siem.text(1)).split(QLatin1Char(','), Qt::SkipEmptyParts);
        h.alerts = siem.int64(2);
        rows << h;
    }
    return rows;
}

namespace {
QJsonObject contentsJson(const EvidenceContents& contents) {
    QJsonObject o;
    for (const auto& [kind, n] : contents) {
        o.insert(kind, qint64(n));
    }
    return o;
}
} // namespace

QJsonObject toJson(const CaseSummary& s) {
    QJsonArray evidence;
    for (const auto& e : s.evidence) {
        evidence.append(QJsonObject{{"id", qint64(e.id)},
                                    {"path", e.path},
                                    {"member_path", e.memberPath.isEmpty() ? QJsonValue() : QJsonValue(e.memberPath)},
                                    {"sha256", e.sha256},
                                    {"size", qint64(e.size)},
                                    {"format", e.format},
                                    {"source_tz", e.sourceTz},
                                    {"import_started", e.importStarted},
                                    {"import_finished", e.importFinished},
                                    {"accepted", qint64(e.accepted)},
                                    {"rejected", qint64(e.rejected)},
                                    {"status", e.status},
                                    {"contents", contentsJson(e.contents)}});
    }
    QJsonArray hosts;
    for (const auto& h : s.hosts) {
        hosts.append(QJsonObject{{"id", qint64(h.id)},
                                 {"name", h.name},
                                 {"role", h.role.isEmpty() ? QJsonValue() : QJsonValue(h.role)},
                                 {"owner", h.owner.isEmpty() ? QJsonValue() : QJsonValue(h.owner)},
                                 {"addresses", QJsonArray::fromStringList(h.addresses)},
                                 {"proxy", qint64(h.proxy)},
                                 {"dns", qint64(h.dns)},
                                 {"sensor_connections", qint64(h.sensor)},
                                 {"processes", qint64(h.processes)},
                                 {"attributed", qint64(h.attributed)},
                                 {"unattributed", qint64(h.unattributed)}});
    }
    return QJsonObject{
        {"schema_version", s.schemaVersion},
        {"evidence", evidence},
        {"counts", QJsonObject{{"proxy", qint64(s.proxy)},
                               {"dns", qint64(s.dns)},
                               {"sysmon", qint64(s.sysmon)},
                               {"sensor_connections", qint64(s.sensorConnections)},
                               {"tls_sessions", qint64(s.tlsSessions)},
                               {"sensor_alerts", qint64(s.sensorAlerts)},
                               {"processes", qint64(s.processes)},
                               {"alerts", qint64(s.alerts)},
                               {"rejected", qint64(s.rejected)}}},
        {"hosts", hosts},
        {"first_ts", s.firstTs ? QJsonValue(isoFromUs(s.firstTs)) : QJsonValue()},
        {"last_ts", s.lastTs ? QJsonValue(isoFromUs(s.lastTs)) : QJsonValue()},
    };
}

} // namespace socwb
