#include "process_tree_data.h"

#include "store/statement.h"

#include <QHash>

#include <algorithm>

namespace socwb {

namespace {

QString baseName(const QString& path) {
    const qsizetype cut = std::max(path.lastIndexOf(QLatin1Char('\\')), path.lastIndexOf(QLatin1Char('/')));
    return path.mid(cut + 1).toLower();
}

bool oneOf(const QString& name, std::initializer_list<const char*> names) {
    return std::any_of(names.begin(), names.end(), [&](const char* n) { return name == QLatin1String(n); });
}

QString text(Statement& st, int col) {
    return st.isNull(col) ? QString() : QString::fromStdString(st.text(col));
}

} // namespace

QString ProcessTreeData::suspicion(const QString& parentImage, const QString& image) {
    const QString parent = baseName(parentImage);
    const QString child = baseName(image);
    const bool office = oneOf(parent, {"winword.exe", "excel.exe", "powerpnt.exe", "outlook.exe", "msaccess.exe",
                                       "mspub.exe", "onenote.exe", "acrord32.exe", "acrobat.exe"});
    const bool scriptHost = oneOf(child, {"wscript.exe", "cscript.exe", "mshta.exe", "powershell.exe", "pwsh.exe",
                                          "cmd.exe", "rundll32.exe", "regsvr32.exe", "certutil.exe", "bitsadmin.exe"});
    if (office && scriptHost) {
        return QStringLiteral("Office document program %1 started script host %2").arg(parent, child);
    }
    const bool launcher =
        oneOf(parent, {"taskeng.exe", "taskhostw.exe", "wmiprvse.exe", "services.exe", "schtasks.exe", "scrcons.exe"});
    if (launcher && oneOf(child, {"powershell.exe", "pwsh.exe"})) {
        return QStringLiteral("%1 (task scheduler, WMI or services) started %2").arg(parent, child);
    }
    QString path = image.toLower();
    path.replace(QLatin1Char('/'), QLatin1Char('\\'));
    for (const char* folder : {"\\appdata\\", "\\temp\\", "\\downloads\\", "\\users\\public\\", "\\programdata\\",
                               "\\windows\\tasks\\", "\\perflogs\\"}) {
        if (path.contains(QLatin1String(folder))) {
            return QStringLiteral("runs from a user-writable folder (%1)").arg(QLatin1String(folder));
        }
    }
    if (path.startsWith(QLatin1String("\\tmp\\")) || path.startsWith(QLatin1String("\\dev\\shm\\"))) {
        return QStringLiteral("runs from a world-writable folder");
    }
    return {};
}

ProcessTreeData ProcessTreeData::load(sqlite3* db, int64_t hostId) {
    ProcessTreeData d;
    d.hostId = hostId;
    {
        Statement h(db, "SELECT name FROM hosts WHERE id = ?");
        h.bind(1, hostId);
        if (h.step()) {
            d.hostName = text(h, 0);
        }
    }
    QHash<int64_t, int64_t> net, dns;
    {
        Statement n(db, "SELECT process_id, count(*) FROM net_connections WHERE host_id = ? AND process_id IS NOT NULL "
                        "GROUP BY process_id");
        n.bind(1, hostId);
        while (n.step()) {
            net.insert(n.int64(0), n.int64(1));
        }
        Statement q(db, "SELECT process_id, count(*) FROM dns_queries WHERE host_id = ? AND process_id IS NOT NULL "
                        "GROUP BY process_id");
        q.bind(1, hostId);
        while (q.step()) {
            dns.insert(q.int64(0), q.int64(1));
        }
    }
    Statement st(db,
                 "SELECT p.id, p.parent_id, p.pid, p.image, p.command_line, p.user_name, p.start_ts, p.end_ts, "
                 "coalesce(pp.image, p.parent_image) FROM processes p LEFT JOIN processes pp ON pp.id = p.parent_id "
                 "WHERE p.host_id = ? ORDER BY coalesce(p.start_ts, 0), p.id");
    st.bind(1, hostId);
    while (st.step()) {
        ProcessRecord r;
        r.id = st.int64(0);
        r.parentId = st.isNull(1) ? -1 : st.int64(1);
        r.pid = st.isNull(2) ? -1 : st.int64(2);
        r.image = text(st, 3);
        r.commandLine = text(st, 4);
        r.user = text(st, 5);
        r.startUs = st.isNull(6) ? 0 : st.int64(6);
        r.endUs = st.isNull(7) ? 0 : st.int64(7);
        r.netCount = net.value(r.id);
        r.dnsCount = dns.value(r.id);
        r.suspicion = suspicion(text(st, 8), r.image);
        d.processes.push_back(std::move(r));
    }
    return d;
}

QVector<ProcessActivity> ProcessTreeData::activity(sqlite3* db, int64_t processId, int limit) {
    QVector<ProcessActivity> out;
    Statement st(db, "SELECT * FROM ("
                     " SELECT 0, id, ts_us, coalesce(protocol, '') || ' ' || coalesce(dst_host, dst_ip, '') || ':' || "
                     "  coalesce(dst_port, '') FROM net_connections WHERE process_id = ?1"
                     " UNION ALL"
                     " SELECT 1, q.id, q.ts_us, coalesce(d.name, '') || ' -> ' || coalesce(q.answers, '') "
                     "  FROM dns_queries q LEFT JOIN domains d ON d.id = q.domain_id WHERE q.process_id = ?1"
                     ") ORDER BY 3, 1, 2 LIMIT ?2");
    st.bind(1, processId).bind(2, limit);
    while (st.step()) {
        out.push_back({st.int64(0) == 0 ? ProcessActivity::Connection : ProcessActivity::DnsQuery, st.int64(1),
                       st.int64(2), text(st, 3)});
    }
    return out;
}

} // namespace socwb
