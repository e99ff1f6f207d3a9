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

Measure runChild(const std::vector<std::string>& argv, bool quiet) {
    std::vector<char*> args;
    for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (quiet) {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
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
    m.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    posix_spawn_file_actions_destroy(&actions);
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

Measure sqliteFloor(const std::string& dir, const std::string& caseFile, const std::vector<std::string>& tables) {
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
    const std::string script = "PRAGMA journal_mode = DELETE; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; "
                               "PRAGMA temp_store = MEMORY; " +
                               ddl + " ATTACH '" + stage + "' AS s; BEGIN;" + inserts + " " + indexes + " COMMIT;";
    std::vector<Measure> runs;
    for (int r = 0; r < 3; ++r) {
        std::remove(floorDb.c_str());
        runs.push_back(runChild({"/usr/bin/sqlite3", floorDb, script}));
    }
    for (const std::string& f : {floorDb, stage, ddlFile, ddlFile + ".idx"}) {
        std::remove(f.c_str());
    }
    return median(runs);
}

} // namespace socwb::bench
