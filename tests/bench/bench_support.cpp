#include "bench_support.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <spawn.h>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>

extern char** environ;

namespace socwb::bench {

Measure runChild(const std::vector<std::string>& argv, bool quiet, const std::string& stderrFile) {
    std::vector<char*> args;
    for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // A quiet child's stderr goes to a file kept only to say why it failed.
    FILE* err = quiet ? std::tmpfile() : nullptr;
    if (quiet) {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        if (err) {
            posix_spawn_file_actions_adddup2(&actions, fileno(err), 2);
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
        }
    }
    if (!stderrFile.empty()) {
        posix_spawn_file_actions_addopen(&actions, 2, stderrFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    }
    const auto start = std::chrono::steady_clock::now();
    pid_t pid = 0;
    Measure m;
    if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        throw std::runtime_error("cannot start " + argv[0]);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    m.maxRssKb = usage.ru_maxrss;
    m.cpuSeconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                   static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    m.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    posix_spawn_file_actions_destroy(&actions);
    if (m.exitCode != 0) {
        std::string command;
        for (const auto& a : argv) {
            command += (command.empty() ? "" : " ") + a;
        }
        std::fprintf(stderr, "bench: %s: %s %d\n", command.c_str(), WIFSIGNALED(status) ? "killed by signal" : "exit",
                     WIFSIGNALED(status) ? WTERMSIG(status) : m.exitCode);
        if (err) { // its last 4 kB
            std::fseek(err, 0, SEEK_END);
            std::fseek(err, std::max(0L, std::ftell(err) - 4096L), SEEK_SET);
            char line[4096];
            while (std::fgets(line, sizeof line, err)) {
                std::fprintf(stderr, "  %s", line);
            }
        }
    }
    if (err) {
        std::fclose(err);
    }
    return m;
}

Measure median(std::vector<Measure> runs) {
    Measure out;
    if (runs.empty()) {
        return out;
    }
    const size_t mid = runs.size() / 2;
    std::sort(runs.begin(), runs.end(), [](const Measure& a, const Measure& b) { return a.seconds < b.seconds; });
    out.seconds = runs[mid].seconds;
    out.cpuSeconds = runs[mid].cpuSeconds; // of the run whose time is the median
    std::sort(runs.begin(), runs.end(), [](const Measure& a, const Measure& b) { return a.maxRssKb < b.maxRssKb; });
    out.maxRssKb = runs[mid].maxRssKb;
    out.exitCode = 0;
    for (const auto& r : runs) {
        out.exitCode = std::max(out.exitCode, r.exitCode);
    }
    return out;
}

std::string option(int argc, char** argv, const char* name, const std::string& fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::string(argv[i]) == std::string("--") + name) {
            return argv[i + 1];
        }
    }
    return fallback;
}

void shell(const std::string& command) {
    if (std::system(command.c_str()) != 0) {
        throw std::runtime_error("command failed: " + command);
    }
}

Measure sqliteFloor(const std::string& dir, const std::string& caseFile, const std::vector<std::string>& tables,
                    bool wal) {
    const std::string stage = dir + "/stage.db", floorDb = dir + "/floor.db", ddlFile = dir + "/floor.sql";
    std::remove(stage.c_str());
    std::string copy = "ATTACH '" + caseFile + "' AS c;", names, inserts;
    for (const std::string& t : tables) {
        copy += " CREATE TABLE staging_" + t + " AS SELECT * FROM c." + t + ";";
        names += (names.empty() ? "'" : ",'") + t + "'";
        inserts += " INSERT INTO main." + t + " SELECT * FROM s.staging_" + t + ";";
    }
    shell("/usr/bin/sqlite3 " + stage + " \"" + copy + "\"");
    // Tables first, then their indexes (sqlite_schema lists an index after its table).
    shell("/usr/bin/sqlite3 " + caseFile +
          " \"SELECT sql || ';' FROM sqlite_schema WHERE type = 'table' AND name IN (" + names +
          ") ORDER BY rowid\" > " + ddlFile);
    shell("/usr/bin/sqlite3 " + caseFile +
          " \"SELECT sql || ';' FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND "
          "tbl_name IN (" +
          names + ") ORDER BY rowid\" > " + ddlFile + ".idx");
    std::ifstream ddlIn(ddlFile), idxIn(ddlFile + ".idx");
    const std::string ddl((std::istreambuf_iterator<char>(ddlIn)), {});
    const std::string indexes((std::istreambuf_iterator<char>(idxIn)), {});
    const std::string script = std::string(wal ? "PRAGMA journal_mode = WAL; " : "PRAGMA journal_mode = DELETE; ") +
                               "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; "
                               "PRAGMA temp_store = MEMORY; " +
                               ddl + " ATTACH '" + stage + "' AS s; BEGIN;" + inserts + " " + indexes + " COMMIT;";
    std::vector<Measure> runs;
    for (int r = 0; r < 3; ++r) {
        std::remove(floorDb.c_str());
        std::remove((floorDb + "-wal").c_str());
        runs.push_back(runChild({"/usr/bin/sqlite3", floorDb, script}));
    }
    for (const std::string& f : {floorDb, floorDb + "-wal", floorDb + "-shm", stage, ddlFile, ddlFile + ".idx"}) {
        std::remove(f.c_str());
    }
    return median(runs);
}

std::string plainOrderedScan(const std::string& caseFile, const std::string& plainDb) {
    std::remove(plainDb.c_str());
    shell("sqlite3 '" + plainDb + "' \"ATTACH '" + caseFile +
          "' AS c; CREATE TABLE t(client INTEGER, destination INTEGER, ts INTEGER, bytes INTEGER); "
          "INSERT INTO t SELECT host_id, domain_id, ts_us, coalesce(bytes_in, 0) FROM c.proxy_events; "
          "INSERT INTO t SELECT host_id, domain_id, ts_us, 0 FROM c.dns_events; "
          "INSERT INTO t SELECT host_id, domain_id, ts_us, 0 FROM c.dns_queries;\"");
    return "SELECT count(*), sum(bytes) FROM (SELECT client, destination, ts, bytes FROM t "
           "ORDER BY client, destination, ts)";
}

int squidLine(char* buf, size_t cap, long i, unsigned r, bool csv) {
    const double ts = 1700000000.0 + i * 0.25;
    const int elapsed = 1 + r % 2000;
    const int bytes = 200 + static_cast<int>((r >> 11) % 90000);
    char client[32];
    std::snprintf(client, sizeof client, "10.%ld.%ld.%ld", i % 7, (i / 7) % 250, i % 250);
    char url[200];
    const bool tunnel = (r >> 20) % 4 == 0;
    if (tunnel) {
        std::snprintf(url, sizeof url, "api%ld.service%ld.com:443", i % 41, i % 97);
    } else {
        std::snprintf(url, sizeof url, "https://cdn%ld.example%ld.com/assets/%ld/app.js?v=%ld", i % 500, i % 37,
                      i % 9973, i % 100);
    }
    const char* code = tunnel ? "TCP_TUNNEL/200" : "TCP_MISS/200";
    const char* method = tunnel ? "CONNECT" : "GET";
    const char* type = tunnel ? "-" : "application/javascript";
    char hier[48];
    std::snprintf(hier, sizeof hier, "HIER_DIRECT/192.0.2.%ld", i % 250);
    return csv ? std::snprintf(buf, cap, "%.3f,%d,%s,%s,%d,%s,%s,-,%s,%s\n", ts, elapsed, client, code, bytes, method,
                               url, hier, type)
               : std::snprintf(buf, cap, "%.3f %6d %s %s %d %s %s - %s %s\n", ts, elapsed, client, code, bytes, method,
                               url, hier, type);
}

double loadAverage() {
    double load[1] = {0};
    return getloadavg(load, 1) == 1 ? load[0] : -1;
}

} // namespace socwb::bench
