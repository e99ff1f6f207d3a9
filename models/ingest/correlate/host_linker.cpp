#include "ingest/correlate/host_linker.h"

#include "core/logging.h"
#include "ingest/write/sysmon_writer.h"
#include "store/statement.h"

#include <QElapsedTimer>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace socwb {

namespace {
struct Range {
    int64_t host = 0;
    int64_t first = 0;
    int64_t last = 0;
};

// The event tables whose rows are placed by a client address, and that address's column: proxy
// and DNS clients, and the originators of network-sensor connections and TLS sessions.
struct ByAddress {
    const char* table;
    const char* address;
};
constexpr ByAddress kByAddress[] = {{"proxy_rows", "client_ip_s"},
                                    {"dns_rows", "client_ip_s"},
                                    {"sensor_conn_rows", "orig_ip_s"},
                                    {"tls_rows", "orig_ip_s"}};
} // namespace

// Merges IP-only hosts into Sysmon hosts. The events move in one statement per table; when many
// move, the host index is dropped first and rebuilt after, since one sorted rebuild is much
// cheaper than updating it row by row (a proxy log imported before its Sysmon log moves all of
// its rows here).
int64_t HostLinker::mergeAll(const std::vector<std::pair<int64_t, int64_t>>& merges) {
    if (merges.empty()) {
        return 0;
    }
    execSql(db_, "CREATE TEMP TABLE IF NOT EXISTS host_moves(from_id INTEGER PRIMARY KEY, into_id INTEGER NOT NULL);"
                 "DELETE FROM temp.host_moves;");
    {
        Statement add(db_, "INSERT OR REPLACE INTO temp.host_moves(from_id, into_id) VALUES (?, ?)");
        for (const auto& [from, into] : merges) {
            add.bind(1, from).bind(2, into).exec();
        }
    }
    int64_t moved = 0;
    QElapsedTimer clock;
    clock.start();
    for (const ByAddress& by : kByAddress) {
        const std::string table = by.table;
        const int64_t rows =
            queryInt(db_, "SELECT count(*) FROM " + table + " WHERE host_id IN (SELECT from_id FROM temp.host_moves)")
                .value_or(0);
        if (rows == 0) {
            continue;
        }
        const bool rebuild = rows > kRebuildIndexAfter;
        if (rebuild) {
            execSql(db_, "DROP INDEX IF EXISTS " + table + "_host_ts");
        }
        execSql(db_, "UPDATE " + table + " SET host_id = (SELECT into_id FROM temp.host_moves WHERE from_id = " +
                         table + ".host_id) WHERE host_id IN (SELECT from_id FROM temp.host_moves)");
        const int64_t changed = sqlite3_changes64(db_);
        moved += changed;
        const double updated = clock.elapsed() / 1000.0;
        if (rebuild) {
            execSql(db_, "CREATE INDEX IF NOT EXISTS " + table + "_host_ts ON " + table + "(host_id, ts_us)");
        }
        log::ingest()->debug("link: {} {} rows moved at {:.2f} s, host index at {:.2f} s", changed, table, updated,
                             clock.elapsed() / 1000.0);
    }
    for (const auto& [from, into] : merges) {
        hostsGivenEvents_.insert(into);
        for (const char* sql :
             {"UPDATE alerts SET host_id = ?1 WHERE host_id = ?2",
              "INSERT INTO host_addresses(ip, host_id, first_ts, last_ts, source) "
              "SELECT ip, ?1, first_ts, last_ts, source FROM host_addresses WHERE host_id = ?2 AND true "
              "ON CONFLICT(ip, host_id) DO UPDATE SET "
              "first_ts = min(coalesce(first_ts, excluded.first_ts), coalesce(excluded.first_ts, first_ts)), "
              "last_ts = max(coalesce(last_ts, excluded.last_ts), coalesce(excluded.last_ts, last_ts))",
              "DELETE FROM host_addresses WHERE host_id = ?2", "DELETE FROM hosts WHERE id = ?2 AND source = 'ip'"}) {
            Statement m(db_, sql);
            m.bind(1, into).bind(2, from).exec();
        }
    }
    execSql(db_, "DELETE FROM temp.host_moves");
    return moved;
}

int64_t HostLinker::link() {
    if (!queryInt(db_, "SELECT 1 FROM net_connections LIMIT 1")) {
        return 0;
    }
    // Address -> the Sysmon hosts that had it and when, from the connections themselves.
    // Grouped here rather than by SQL: a case has a few hundred (address, host) pairs among hundreds
    // of thousands of connections, and a GROUP BY sorts them all (0.27 s of every import of a
    // 124-host case after its Sysmon log; the plain scan is 0.05 s).
    std::map<std::string, std::vector<Range>> byIp;
    {
        std::map<std::pair<std::string, int64_t>, Range> seen;
        Statement st(db_, "SELECT CASE WHEN initiated = 1 THEN src_ip ELSE dst_ip END AS ip, host_id, ts_us "
                          "FROM net_connections WHERE initiated IS NOT NULL AND host_id IS NOT NULL");
        std::pair<std::string, int64_t> key;
        while (st.step()) {
            if (st.isNull(0)) {
                continue;
            }
            key.first = st.text(0);
            key.second = st.int64(1);
            const int64_t ts = st.int64(2);
            auto [it, added] = seen.try_emplace(key, Range{key.second, ts, ts});
            if (!added) {
                it->second.first = std::min(it->second.first, ts);
                it->second.last = std::max(it->second.last, ts);
            }
        }
        for (const auto& [k, range] : seen) {
            if (SysmonWriter::isHostAddress(k.first)) {
                byIp[k.first].push_back(range);
            }
        }
    }
    int64_t moved = 0;
    // First every address one Sysmon host alone had: its IP-only hosts merge into that host, all at
    // once. Then the shared (DHCP) addresses event by event. The two never touch the same events:
    // the second step moves only events whose client address is its own.
    std::vector<std::pair<int64_t, int64_t>> merges;
    std::vector<std::pair<std::string, std::vector<int64_t>>> shared; // address, its IP-only hosts
    Statement asset(db_, "SELECT 1 FROM host_addresses WHERE ip = ? AND source = 'asset' LIMIT 1");
    Statement ipHosts(db_, "SELECT id FROM hosts WHERE source = 'ip' AND name = ?");
    for (const auto& [ip, ranges] : byIp) {
        asset.bind(1, ip);
        const bool inventoried = asset.step();
        asset.reset();
        if (inventoried) {
            continue;
        }
        std::vector<int64_t> sources;
        ipHosts.bind(1, ip);
        while (ipHosts.step()) {
            sources.push_back(ipHosts.int64(0));
        }
        ipHosts.reset();
        if (ranges.size() == 1) {
            for (int64_t from : sources) {
                if (from != ranges.front().host) {
                    merges.emplace_back(from, ranges.front().host);
                }
            }
            continue;
        }
        shared.emplace_back(ip, sources);
    }
    moved += mergeAll(merges);
    for (auto& [ip, sources] : shared) {
        const std::vector<Range>& ranges = byIp[ip];
        // Several hosts had this address: move each event only where one range alone covers it.
        // Events may sit on the IP-only host or on whichever Sysmon host a later import picked.
        for (const Range& r : ranges) {
            sources.push_back(r.host);
        }
        std::sort(sources.begin(), sources.end());
        sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
        // Events are looked up per source host (the host_ts index), not by address, which no index
        // covers: a scan of the whole event table per address would grow with the case. An event
        // some other rule placed on another host (none today) is left alone.
        for (const auto& [t, column] : kByAddress) {
            const std::string table = t;
            // Slim rows (schema v4) carry the address as an interned strings id.
            Statement events(db_, "SELECT id, ts_us FROM " + table + " WHERE host_id = ? AND " + column +
                                      " = (SELECT id FROM strings WHERE value = ?)");
            Statement up(db_, "UPDATE " + table + " SET host_id = ? WHERE id = ?");
            for (const int64_t current : sources) {
                std::vector<std::pair<int64_t, int64_t>> moves; // (event, host): applied after the read
                events.bind(1, current).bind(2, ip);
                while (events.step()) {
                    const int64_t ts = events.int64(1);
                    int covering = 0;
                    int64_t host = 0;
                    for (const Range& r : ranges) {
                        if (ts >= r.first - slackUs_ && ts <= r.last + slackUs_) {
                            ++covering;
                            host = r.host;
                        }
                    }
                    if (covering == 1 && host != current) {
                        moves.emplace_back(events.int64(0), host);
                    }
                }
                events.reset();
                for (const auto& [event, host] : moves) {
                    hostsGivenEvents_.insert(host);
                    up.bind(1, host).bind(2, event).exec();
                    ++moved;
                }
            }
        }
    }
    return moved;
}

} // namespace socwb
