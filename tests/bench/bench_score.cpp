// bench_score [WORKSTATIONS DAYS | CASE.socwb]: the scoring engine on a generated case of several million
// events, next to its reference measured in the same run: one sqlite3 process reading the same
// rows in the order the engine needs them (SELECT ... ORDER BY host, destination, ts over proxy
// requests, DNS queries and Sysmon connections). Goals (issue "scoring engine"): the whole pass
// within 3x that scan, peak memory under 1 GB, a re-score after a suppression change under 5 s.
// Issue 20 adds its own reference (a plain table read in order) and re-score goal (1 s, 42k channels),
// with the re-score's own floor beside it: sqlite3 reading every alert's stored features (the JSON,
// and the compact form a re-score reads) and rewriting every alert's score columns in one
// transaction. `--rescore-only` (with a scored CASE.socwb) times only the re-score and its floor.
// Medians of 3.
#include "bench_support.h"

#include <QDir>
#include <QTemporaryDir>

#include <cstdio>
#include <string>

using namespace socwb::bench;

namespace {
std::string q(const std::string& s) {
    return "'" + s + "'";
}
} // namespace

int main(int argc, char** argv) {
    // An existing case (one built by an earlier run, say) skips the generation and the import.
    const bool given = argc > 1 && std::string(argv[1]).ends_with(".socwb");
    const bool rescoreOnly = given && argc > 2 && std::string(argv[2]) == "--rescore-only";
    const int hosts = argc > 1 && !given ? std::atoi(argv[1]) : 250;
    const int days = argc > 2 && !given ? std::atoi(argv[2]) : 7;
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    const std::string cli = SOCWB_CLI_PATH;
    const std::string caseFile = given ? std::string(argv[1]) : dir + "/bench.socwb";
    Measure imported;
    if (!given) {
        std::fprintf(stderr, "generating %d workstations x %d days ...\n", hosts, days);
        shell(q(cli) + " generate " + q(dir + "/gen") + " --seed 42 --hosts " + std::to_string(hosts) +
              " --servers 6 --days " + std::to_string(days) + " --scenario all >/dev/null 2>&1");
        std::fprintf(stderr, "importing ...\n");
        imported = runChild({cli, "import", caseFile, dir + "/gen/access.log", dir + "/gen/dns_debug.log",
                             dir + "/gen/sysmon.xml", dir + "/gen/assets.csv", "--tz", "UTC"});
    }
    const std::string count = "sqlite3 " + q(caseFile) +
                              " 'SELECT (SELECT count(*) FROM proxy_events) + (SELECT count(*) FROM dns_events) + "
                              "(SELECT count(*) FROM dns_queries) + (SELECT count(*) FROM net_connections)' > " +
                              q(dir + "/count");
    shell(count);
    long long events = 0;
    if (FILE* f = std::fopen((dir + "/count").c_str(), "r")) {
        if (std::fscanf(f, "%lld", &events) != 1) {
            events = 0;
        }
        std::fclose(f);
    }
    std::fprintf(stderr, "case: %lld events (import %.1f s)\n", events, imported.seconds);
    // The suppression below changes the case: work on a copy when the case was given.
    if (given) {
        shell("cp " + q(caseFile) + " " + q(dir + "/bench.socwb"));
    }
    const std::string work = given ? dir + "/bench.socwb" : caseFile;

    // The re-score's floor: reading what it reads, writing every row it could write.
    const std::string readJson = "SELECT count(*), sum(length(features)) FROM alerts";
    const std::string readCompact = "SELECT count(*), sum(length(features)) FROM alert_features";
    const std::string writeAll = "BEGIN; UPDATE alerts SET score = score, severity = severity, factors = factors, "
                                 "suppressed_by = suppressed_by, scored_at = scored_at; COMMIT;";
    std::vector<Measure> jsonRef, compactRef, writeRef, rescore;
    auto rescoreRuns = [&] {
        for (int i = 0; i < 3; ++i) {
            jsonRef.push_back(runChild({"/usr/bin/sqlite3", work, readJson}));
            compactRef.push_back(runChild({"/usr/bin/sqlite3", work, readCompact}));
            writeRef.push_back(runChild({"/usr/bin/sqlite3", work, writeAll}));
            rescore.push_back(runChild({cli, "score", work, "--rescore"}));
        }
    };
    auto countAlerts = [&] {
        long long n = 0;
        shell("sqlite3 " + q(work) + " 'SELECT count(*) FROM alerts' > " + q(dir + "/channels"));
        if (FILE* f = std::fopen((dir + "/channels").c_str(), "r")) {
            if (std::fscanf(f, "%lld", &n) != 1) {
                n = 0;
            }
            std::fclose(f);
        }
        return n;
    };
    auto printRescore = [&](long long channels, double full) {
        const Measure rs = median(rescore), j = median(jsonRef), c = median(compactRef), w = median(writeRef);
        std::printf(
            "  socwb-cli score --rescore, %lld channels, nothing changed   %7.2f s  (cpu %.2f s; peak %.0f MB%s; "
            "goal <= 1 s at 42k channels)\n",
            channels, rs.seconds, rs.cpuSeconds, rs.maxRssKb / 1024.0,
            full > 0 ? (", " + std::to_string(rs.seconds / full).substr(0, 4) + " x the full pass").c_str() : "");
        std::printf("  re-score floor: sqlite3 reading alerts.features (JSON)       %7.2f s\n", j.seconds);
        std::printf("  re-score floor: sqlite3 reading alert_features (compact)     %7.2f s\n", c.seconds);
        std::printf("  re-score floor: sqlite3 rewriting every alert's score, 1 tx  %7.2f s\n", w.seconds);
        std::printf("  re-score vs compact read + full rewrite                      ratio %.2f\n",
                    rs.seconds / (c.seconds + w.seconds));
        return rs.exitCode == 0 && j.exitCode == 0 && c.exitCode == 0 && w.exitCode == 0;
    };
    if (rescoreOnly) {
        rescoreRuns();
        std::printf("bench_score: re-score of %s, medians of 3\n", caseFile.c_str());
        const bool ok = printRescore(countAlerts(), 0);
        std::printf("  load average %.1f\n", loadAverage());
        return ok ? 0 : 1;
    }

    // The reference: every row the engine reads, sorted by host, destination and time.
    const std::string scan = "SELECT host_id, domain_id, ts_us, id FROM proxy_events UNION ALL "
                             "SELECT host_id, domain_id, ts_us, id FROM dns_events UNION ALL "
                             "SELECT host_id, domain_id, ts_us, id FROM dns_queries UNION ALL "
                             "SELECT host_id, dst_ip, ts_us, id FROM net_connections ORDER BY 1, 2, 3";
    // Issue 20's reference: the same proxy requests and DNS queries as (client, destination, ts,
    // bytes) in a plain table of their own (copied out first, not timed), read once in that order.
    const std::string plain = dir + "/plain.db";
    const std::string ordered = plainOrderedScan(work, plain);
    std::vector<Measure> ref, scanRef, full;
    for (int i = 0; i < 3; ++i) {
        ref.push_back(runChild({"/usr/bin/sqlite3", work, scan}));
        scanRef.push_back(runChild({"/usr/bin/sqlite3", plain, ordered}));
        full.push_back(runChild({cli, "score", work}));
    }
    rescoreRuns();
    const long long channels = countAlerts();
    // A suppression change re-scores from the stored features (suppress add runs the re-score).
    const Measure suppress = runChild({cli, "suppress", work, "add", "--dest", "github.com", "--reason", "benchmark"});
    const Measure r = median(ref), o = median(scanRef), s = median(full);
    if (r.exitCode != 0 || s.exitCode != 0 || suppress.exitCode != 0) {
        std::fprintf(stderr, "a run failed (exit codes %d %d %d)\n", r.exitCode, s.exitCode, suppress.exitCode);
        return 1;
    }
    if (given) {
        std::printf("bench_score: %lld events in %s, medians of 3\n", events, caseFile.c_str());
    } else {
        std::printf("bench_score: %lld events (%d workstations + 6 servers, %d days), medians of 3\n", events, hosts,
                    days);
    }
    std::printf("  reference: sqlite3 SELECT ... ORDER BY host, destination, ts  %7.2f s\n", r.seconds);
    std::printf("  socwb-cli score (full pass)                                 %7.2f s  %9.0f events/s  ratio %.2f "
                "(goal <= 3)\n",
                s.seconds, static_cast<double>(events) / s.seconds, s.seconds / r.seconds);
    std::printf("  reference (issue 20): plain table, count/sum ORDER BY client, destination, ts  %7.2f s\n",
                o.seconds);
    std::printf("  socwb-cli score vs that ordered scan                        ratio %.2f (goal <= 2)\n",
                s.seconds / o.seconds);
    std::printf("  peak RSS of the full pass                                   %7.1f MB (goal < 1024)\n",
                s.maxRssKb / 1024.0);
    const bool rescored = printRescore(channels, s.seconds);
    std::printf("  load average %.1f\n", loadAverage());
    std::printf("  socwb-cli suppress add (rule + re-score)                    %7.2f s  (goal < 5)\n",
                suppress.seconds);
    return rescored ? 0 : 1;
}
