// Import benchmark (issues 3, 10 and 26): 1,000,000 Squid native lines, 1,000,000 Zeek dns.log lines
// and 1,000,000 Zeek conn.log lines into a fresh case through `socwb-cli import`, indexes included, against the
// reference: `sqlite3`'s own `.import` of the same rows as CSV into a fresh database, measured in the same run on the
// same machine. Prints medians of --runs runs (default 3), records/s and peak RSS of each, SQLite's own floor for
// storing the rows the case stores (slim rows and interned strings, with their indexes; see sqliteFloor()), the case's
// bytes per log byte, and the scan the scoring engine makes of every proxy row, on the slim rows (schema v4) beside the
// same rows in v3's shape.
//
//   bench_import [--lines N] [--runs R] [--dir DIR] [--formats squid,zeek-dns,zeek-conn] [--keep] [--cli PATH]
//   (--keep leaves the inputs for profiling; --formats picks which of the three to measure; --cli measures
//   another build's socwb-cli, an earlier one for "before" figures on the same inputs)
#include "bench_support.h"

#include <sqlite3.h>

#include <QCoreApplication>
#include <QDir>
#include <QTemporaryDir>

#include <QFileInfo>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

using namespace socwb::bench;

namespace {

struct Inputs {
    std::string log;
    std::string csv;
};

// The Squid lines every import bench reads (bench_support.cpp), and the same ten fields as CSV for
// the reference.
Inputs writeSquid(const std::string& dir, long lines) {
    Inputs in{dir + "/access.log", dir + "/access.csv"};
    std::ofstream log(in.log), csv(in.csv);
    csv << "ts,elapsed,client,code,bytes,method,url,ident,hierarchy,type\n";
    std::mt19937_64 rng(42);
    char buf[512];
    for (long i = 0; i < lines; ++i) {
        const unsigned r = static_cast<unsigned>(rng());
        log.write(buf, squidLine(buf, sizeof buf, i, r, false));
        csv.write(buf, squidLine(buf, sizeof buf, i, r, true));
    }
    return in;
}

Inputs writeZeekDns(const std::string& dir, long lines) {
    Inputs in{dir + "/dns.log", dir + "/dns.csv"};
    std::ofstream log(in.log), csv(in.csv);
    log << "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n"
           "#open\t2023-11-14-22-13-20\n"
           "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_"
           "name\t"
           "qtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\n"
           "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\t"
           "count\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool\n";
    csv << "ts,uid,orig_h,orig_p,resp_h,resp_p,proto,trans_id,rtt,query,qclass,qclass_name,qtype,qtype_name,rcode,"
           "rcode_name,AA,TC,RD,RA,Z,answers,TTLs,rejected\n";
    std::mt19937_64 rng(7);
    char buf[600];
    for (long i = 0; i < lines; ++i) {
        const unsigned r = static_cast<unsigned>(rng());
        const double ts = 1700000000.0 + i * 0.2;
        // About 50,000 distinct names, as in a mid-sized enterprise's day of DNS.
        const long k = (i * 7919) % 50021;
        char q[96];
        std::snprintf(q, sizeof q, "host%ld.zone%ld.example%ld.com", k, k % 17, k % 53);
        char ans[64];
        std::snprintf(ans, sizeof ans, "192.0.2.%u,198.51.100.%u", r % 250, (r >> 8) % 250);
        const char* fmt = "%.6f\tC%08x%06lx\t10.%ld.%ld.%ld\t%u\t10.0.0.53\t53\tudp\t%u\t0.012000\t%s\t1\tC_"
                          "INTERNET\t1\tA\t0\tNOERROR\t"
                          "F\tF\tT\tT\t0\t%s\t300.000000,300.000000\tF\n";
        int n = std::snprintf(buf, sizeof buf, fmt, ts, r, i, i % 5, (i / 5) % 250, i % 250, 1024 + r % 60000,
                              r % 65536, q, ans);
        log.write(buf, n);
        const char* cfmt =
            "%.6f,C%08x%06lx,10.%ld.%ld.%ld,%u,10.0.0.53,53,udp,%u,0.012000,%s,1,C_INTERNET,1,A,0,NOERROR,"
            "F,F,T,T,0,\"%s\",\"300.000000,300.000000\",F\n";
        n = std::snprintf(buf, sizeof buf, cfmt, ts, r, i, i % 5, (i / 5) % 250, i % 250, 1024 + r % 60000, r % 65536,
                          q, ans);
        csv.write(buf, n);
    }
    log << "#close\t2023-11-15-00-00-00\n";
    return in;
}

// A sensor's day of connections: 2,000 clients, 20,000 servers, TLS, DNS and HTTP with Zeek's
// usual states, and the same 21 columns as CSV for the reference.
Inputs writeZeekConn(const std::string& dir, long lines) {
    Inputs in{dir + "/conn.log", dir + "/conn.csv"};
    std::ofstream log(in.log), csv(in.csv);
    log << "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
           "#open\t2023-11-14-22-13-20\n"
           "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\t"
           "resp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\t"
           "resp_pkts\tresp_ip_bytes\ttunnel_parents\n"
           "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\t"
           "bool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n";
    csv << "ts,uid,orig_h,orig_p,resp_h,resp_p,proto,service,duration,orig_bytes,resp_bytes,conn_state,local_orig,"
           "local_resp,missed_bytes,history,orig_pkts,orig_ip_bytes,resp_pkts,resp_ip_bytes,tunnel_parents\n";
    std::mt19937_64 rng(26);
    char buf[600];
    static const char* const kinds[][5] = {// proto, service, state, history, resp port
                                           {"tcp", "ssl", "SF", "ShADadFf", "443"},
                                           {"udp", "dns", "SF", "Dd", "53"},
                                           {"tcp", "http", "SF", "ShADadfF", "80"},
                                           {"tcp", "-", "S0", "S", "443"},
                                           {"tcp", "ssl", "RSTO", "ShADadR", "443"}};
    for (long i = 0; i < lines; ++i) {
        const uint64_t r = rng();
        const double ts = 1700000000.0 + i * 0.1;
        const auto& k = kinds[(r >> 3) % 10 < 5 ? 0 : (r >> 3) % 10 < 8 ? 1 : (r >> 3) % 10 < 9 ? 2 : 3 + (r & 1)];
        const bool s0 = k[2][1] == '0';
        const unsigned ob = s0 ? 0 : 200 + static_cast<unsigned>(r >> 16) % 4000;
        const unsigned rb = s0 ? 0 : 300 + static_cast<unsigned>(r >> 28) % 60000;
        const unsigned op = 1 + ob / 500, rp = s0 ? 0 : 1 + rb / 1400;
        char dur[24];
        std::snprintf(dur, sizeof dur, s0 ? "3.%06u" : "%u.%06u",
                      s0 ? static_cast<unsigned>(r % 1000000) : static_cast<unsigned>((r >> 40) % 90),
                      static_cast<unsigned>(r % 1000000));
        // 2,000 clients, 20,000 servers: an enterprise network's day, not a scan.
        const long client = (i * 7919) % 2000;
        const unsigned server = static_cast<unsigned>(r >> 40) % 20000;
        char orig[32], resp[32];
        std::snprintf(orig, sizeof orig, "10.%ld.%ld.%ld", client / 1000, client / 250 % 4, client % 250);
        std::snprintf(resp, sizeof resp, "%u.%u.%u.%u", 13 + server % 180, server / 180 % 250, (server * 7) % 250,
                      server % 97);
        const unsigned sport = 1024 + static_cast<unsigned>(r >> 8) % 60000;
        const char* fmt =
            "%.6f\tC%08x%09lx\t%s\t%u\t%s\t%s\t%s\t%s\t%s\t%u\t%u\t%s\tT\tF\t0\t%s\t%u\t%u\t%u\t%u\t(empty)\n";
        int n = std::snprintf(buf, sizeof buf, fmt, ts, static_cast<unsigned>(r), i, orig, sport, resp, k[4], k[0],
                              k[1], dur, ob, rb, k[2], k[3], op, ob + 40 * op, rp, rb + 40 * rp);
        log.write(buf, n);
        const char* cfmt = "%.6f,C%08x%09lx,%s,%u,%s,%s,%s,%s,%s,%u,%u,%s,T,F,0,%s,%u,%u,%u,%u,(empty)\n";
        n = std::snprintf(buf, sizeof buf, cfmt, ts, static_cast<unsigned>(r), i, orig, sport, resp, k[4], k[0], k[1],
                          dur, ob, rb, k[2], k[3], op, ob + 40 * op, rp, rb + 40 * rp);
        csv.write(buf, n);
    }
    log << "#close\t2023-11-15-00-00-00\n";
    return in;
}

// Every proxy row, read as the scoring engine reads it: v3 carried method and user agent as text
// (hashed into ids per row), v4 carries interned ids (looked up once per distinct value). Both
// tables hold the same rows with the same two indexes; the v3 one is the view materialized with
// v3's own table definition. Returns seconds for (order, schema), median of 3, warm cache.
double timeScan(const std::string& file, const std::string& sql, bool textColumns) {
    std::vector<double> runs;
    for (int r = 0; r < 3; ++r) {
        sqlite3* db = nullptr;
        sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
        sqlite3_exec(db, "PRAGMA cache_size = -65536", nullptr, nullptr, nullptr);
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
        const auto start = std::chrono::steady_clock::now();
        size_t sink = 0;
        // As ChannelBuilder reads them: v3 classified the method text and hashed the user agent
        // text into an id per row; v4 indexes arrays by the interned ids.
        std::unordered_map<std::string, int> agentIds;
        std::vector<int> byId;
        while (sqlite3_step(st) == SQLITE_ROW) {
            sink += static_cast<size_t>(sqlite3_column_int64(st, 0) + sqlite3_column_int64(st, 1) +
                                        sqlite3_column_int64(st, 2) + sqlite3_column_int64(st, 3));
            sink += static_cast<size_t>(sqlite3_column_bytes(st, 5)) + static_cast<size_t>(sqlite3_column_int64(st, 6));
            if (textColumns) {
                const auto* m = reinterpret_cast<const char*>(sqlite3_column_text(st, 4));
                sink += m && std::string_view(m) == "GET" ? 1 : m && std::string_view(m) == "POST" ? 2 : 3;
                if (const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 7))) {
                    sink += static_cast<size_t>(
                        agentIds
                            .try_emplace(std::string(t, static_cast<size_t>(sqlite3_column_bytes(st, 7))),
                                         static_cast<int>(agentIds.size()))
                            .first->second);
                }
            } else {
                for (int c : {4, 7}) {
                    const auto id = static_cast<size_t>(sqlite3_column_int64(st, c));
                    if (id >= byId.size()) {
                        byId.resize(id + 1, static_cast<int>(id));
                    }
                    sink += static_cast<size_t>(byId[id]);
                }
            }
        }
        runs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        sqlite3_finalize(st);
        sqlite3_close(db);
        if (sink == 42) {
            std::printf(" ");
        }
    }
    std::sort(runs.begin(), runs.end());
    return runs[1];
}

void scanComparison(const std::string& dir, const std::string& caseFile) {
    const std::string v3 = dir + "/v3-shape.db";
    std::remove(v3.c_str());
    shell("/usr/bin/sqlite3 " + v3 + " \"ATTACH '" + caseFile +
          "' AS c; CREATE TABLE proxy_events (id INTEGER PRIMARY KEY, evidence_id INTEGER NOT NULL, line_no INTEGER "
          "NOT NULL, ts_us INTEGER NOT NULL, host_id INTEGER, client_ip TEXT, user_name TEXT, method TEXT, url TEXT, "
          "scheme TEXT, domain_id INTEGER, dest_port INTEGER, path TEXT, query TEXT, dest_ip TEXT, status INTEGER, "
          "bytes_out INTEGER, bytes_in INTEGER, user_agent TEXT, content_type TEXT, action TEXT, referrer TEXT, "
          "duration_ms INTEGER); INSERT INTO proxy_events SELECT * FROM c.proxy_events; CREATE INDEX "
          "proxy_events_host_ts ON proxy_events(host_id, ts_us); CREATE INDEX proxy_events_domain_ts ON "
          "proxy_events(domain_id, ts_us);\"");
    const std::string cols3 = "SELECT id, ts_us, host_id, domain_id, method, path, bytes_out, user_agent FROM "
                              "proxy_events WHERE host_id IS NOT NULL AND domain_id IS NOT NULL ";
    const std::string cols4 = "SELECT id, ts_us, host_id, domain_id, method_s, path, bytes_out, user_agent_s FROM "
                              "proxy_rows WHERE host_id IS NOT NULL AND domain_id IS NOT NULL ";
    for (const char* order : {"ORDER BY id", "ORDER BY host_id, domain_id, ts_us"}) {
        const double t3 = timeScan(v3, cols3 + order, true);
        const double t4 = timeScan(caseFile, cols4 + order, false);
        std::printf("%-14s scan of every proxy row, %-33s v4 slim rows %6.2f s | v3 rows %6.2f s | v3 / v4 %.2f "
                    "(goal >= 1.5)\n",
                    "", order, t4, t3, t3 / t4);
    }
    std::printf("%-14s v3-shaped table of the same rows: %.1f MB\n", "",
                static_cast<double>(QFileInfo(QString::fromStdString(v3)).size()) / 1e6);
    std::remove(v3.c_str());
}

void report(const char* name, long lines, const Measure& ours, const Measure& ref, const Measure& floor) {
    std::printf("%-14s %9ld rows | socwb-cli import: %6.2f s  %9.0f rows/s  peak RSS %6.1f MB | "
                "sqlite3 .import CSV (reference): %6.2f s  %9.0f rows/s | ratio %.2f (goal <= 1.0)\n",
                name, lines, ours.seconds, lines / ours.seconds, ours.maxRssKb / 1024.0, ref.seconds,
                lines / ref.seconds, ours.seconds / ref.seconds);
    std::printf("%-14s %9s      | SQLite floor, same normalized rows + same indexes, no parsing: %6.2f s | "
                "floor / reference %.2f | import / floor %.2f (goal <= 1.2)\n",
                "", "", floor.seconds, floor.seconds / ref.seconds, ours.seconds / floor.seconds);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const long lines = std::stol(option(argc, argv, "lines", "1000000"));
    const int runs = std::stoi(option(argc, argv, "runs", "3"));
    const QString dirArg = QString::fromStdString(option(argc, argv, "dir", ""));
    const QStringList args = app.arguments();
    QTemporaryDir tmp(dirArg.isEmpty() ? QDir::tempPath() + QStringLiteral("/socwb-bench-XXXXXX")
                                       : dirArg + QStringLiteral("/XXXXXX"));
    tmp.setAutoRemove(!args.contains(QLatin1String("--keep")));
    const std::string dir = tmp.path().toStdString();
    const std::string only = option(argc, argv, "formats", "squid,zeek-dns,zeek-conn");
    auto wanted = [&](const char* f) {
        return ("," + only + ",").find(std::string(",") + f + ",") != std::string::npos;
    };
    std::fprintf(stderr, "bench_import: writing %ld lines of each of %s to %s\n", lines, only.c_str(), dir.c_str());
    const Inputs squid = wanted("squid") ? writeSquid(dir, lines) : Inputs{};
    const Inputs dns = wanted("zeek-dns") ? writeZeekDns(dir, lines) : Inputs{};
    const Inputs conn = wanted("zeek-conn") ? writeZeekConn(dir, lines) : Inputs{};

    const std::string cli = option(argc, argv, "cli", SOCWB_CLI_PATH); // another build's, for "before"
    int failures = 0;
    for (const auto& [name, in, format, table] :
         {std::tuple{"squid", squid, "squid", "proxy_rows"}, std::tuple{"zeek-dns", dns, "zeek-dns", "dns_rows"},
          std::tuple{"zeek-conn", conn, "zeek-conn", "sensor_conn_rows"}}) {
        if (!wanted(format)) {
            continue;
        }
        std::vector<Measure> ours, ref;
        for (int r = 0; r < runs; ++r) {
            const std::string db = dir + "/ref.db";
            std::remove(db.c_str());
            ref.push_back(runChild({"/usr/bin/sqlite3", db, "-cmd", ".mode csv", ".import " + in.csv + " t"}));
            std::remove(db.c_str());
            const std::string c = dir + "/bench.socwb";
            for (const char* suffix : {"", "-wal", "-shm"}) {
                std::remove((c + suffix).c_str());
            }
            ours.push_back(runChild({cli, "import", c, in.log, "--format", format}));
        }
        const Measure o = median(ours), rf = median(ref);
        const Measure floor = sqliteFloor(dir, dir + "/bench.socwb", {table, "strings"});
        if (o.exitCode != 0 || rf.exitCode != 0) {
            std::fprintf(stderr, "bench_import: %s: a run failed (socwb-cli exit %d, sqlite3 exit %d)\n", name,
                         o.exitCode, rf.exitCode);
            ++failures;
        }
        report(name, lines, o, rf, floor);
        const double caseBytes = static_cast<double>(QFileInfo(QString::fromStdString(dir + "/bench.socwb")).size());
        const double logBytes = static_cast<double>(QFileInfo(QString::fromStdString(in.log)).size());
        std::printf("%-14s case %.1f MB for %.1f MB of log: case bytes / log bytes %.2f (goal <= 0.80)\n", "",
                    caseBytes / 1e6, logBytes / 1e6, caseBytes / logBytes);
        if (std::string_view(table) == "proxy_rows") {
            scanComparison(dir, dir + "/bench.socwb");
        }
    }
    std::printf("(medians of %d runs; 2-core machine; inputs generated with fixed seeds)\n", runs);
    return failures ? 1 : 0;
}
