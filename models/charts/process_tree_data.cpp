#include "process_tree_data.h"

#include "core/resources.h"
#include "scoring/scoring_config.h"
#include "store/statement.h"

#include <QHash>

#include <algorithm>

namespace socwb {

namespace {

QString baseName(const QString& path) {
    const qsizetype cut = std::max(path.lastIndexOf(QLatin1Char('\\')), path.lastIndexOf(QLatin1Char('/')));
    return path.mid(cut + 1).toLower();
}

QString text(Statement& st, int col) {
    return st.isNull(col) ? QString() : QString::fromStdString(st.text(col));
}

} // namespace

QString ProcessTreeData::suspicion(const scoring::ScoringConfig& c, const QString& parentImage,
                                   const QString& parentCommandLine, const QString& image) {
    const QString parent = baseName(parentImage);
    const QString child = baseName(image);
    if (c.scriptingProcesses.count(child.toStdString()) > 0) {
        if (c.officeParents.count(parent.toStdString()) > 0) {
            return QStringLiteral("Office or PDF program %1 started %2, a scripting engine or LOLBin")
                .arg(parent, child);
        }
        if (c.launcher(parentImage, parentCommandLine) != nullptr) {
            const QString who =
                parentCommandLine.trimmed().isEmpty() ? parent : parentCommandLine.simplified().left(80);
            return QStringLiteral("%1 (a task scheduler or WMI launcher) started %2").arg(who, child);
        }
    }
    const std::string folder = c.userWritableFolder(image);
    if (!folder.empty()) {
        return QStringLiteral("runs from a folder users can write to (%1)").arg(QString::fromStdString(folder));
    }
    return {};
}

ProcessTreeData ProcessTreeData::load(sqlite3* db, int64_t hostId) {
    ProcessTreeData d;
    d.hostId = hostId;
    scoring::ScoringConfig rules;
    try {
        rules = scoring::ScoringConfig::forCase(db);
    } catch (const std::exception& e) {
        // An invalid override in the case (or lists file): the tree still shows, by the shipped
        // lists (or, when those cannot be read either, with nothing marked), and says so.
        d.rulesNote = QString::fromUtf8(e.what());
        try {
            rules = scoring::ScoringConfig::fromYaml(resources::readBuiltIn(QStringLiteral("scoring/scoring.yaml")));
        } catch (const std::exception&) {
            rules = {};
        }
    }
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
    Statement st(db, "SELECT p.id, p.parent_id, p.pid, p.image, p.command_line, p.user_name, p.start_ts, p.end_ts, "
                     "coalesce(pp.image, p.parent_image), coalesce(pp.command_line, p.parent_command_line) FROM "
                     "processes p LEFT JOIN processes pp ON pp.id = p.parent_id "
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
        r.suspicion = suspicion(rules, text(st, 8), text(st, 9), r.image);
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
