// Scale (issue 20): a generated case of about 20 M events — the generator's proportions, a fleet of
// 1,000 workstations, as many days as the events take — generated, imported and scored by
// socwb-cli, with each step's wall time and peak memory (the child's ru_maxrss), the case file's
// size, and the alert queue's first page as the window gets it (the case opened, AlertTableModel
// counting and loading its first page, offscreen). Beside the score: issue 20's reference, the
// same proxy requests and DNS queries as (client, destination, ts, bytes) in a plain SQLite table
// of their own (copied out first, not timed), read once ORDER BY client, destination, ts.
//
// The score's own phases (its --verbose log) are printed with the write side (write + commit + the
// checkpoint it runs after reporting its result) beside SQLite's floor for writing the same rows,
// measured in the same run: in a copy of the case (not timed), sqlite3 copies every alert row and
// compact-features row into tables of the same definition with the same indexes (alerts2,
// alert_features2) in one transaction, commit and the checkpoint at close included. --first also
// times a first score: the copy with its alerts cleared; its wall time (checkpoint included) and
// when its result was committed (the wall time less the checkpoint: the window's wait) are both
// printed, with read and build + the floor beside them (what this design cannot go under).
//
// Goals (issue 20): import + score of the 20 M-event case under 10 minutes, each peak under 2 GB;
// the score's peak under 1 GB and flat in events; the score within 2x the ordered scan.
//
//   bench_scale [--events N] [--hosts N] [--days N] [--runs R] [--dir DIR] [--keep] [--case FILE]
// --events: the events to aim at (default 20,000,000); the fleet stays --hosts workstations (1000)
//   and the days are the fewest that reach it (--days sets them). Run it at 5 M and 10 M as well: the
//   same fleet over fewer days, so the channels stay about the same while the events grow.
// --runs: score and ordered-scan runs, medians (default 3; the import runs once).
// --dir: where the logs and the case go (default /tmp; about 1 KB of disk an event while the logs
//   and the case exist together). --keep keeps the case there; --case FILE scores an existing one.
// --first: also a first score of the case (its alerts deleted in a copy), medians of --runs.
#include "bench_support.h"

#include "store/case_store.h"
#include "tables/alert_table_model.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace socwb;
using namespace socwb::bench;

namespace {

// Scored events a workstation adds a day in the generator's world 1 (proxy requests, DNS log
// lines, Sysmon DNS queries and connections; measured: 3.73 M for 1000 + 6 hosts x 1 day).
constexpr double kEventsPerHostDay = 3730;

std::string q(const std::string& s) {
    return "'" + s + "'";
}

bool hasFlag(int argc, char** argv, const char* name) {
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == std::string("--") + name) {
            return true;
        }
    }
    return false;
}

long long queryCount(const std::string& file, const char* sql) {
    sqlite3* db = nullptr;
    long long n = -1;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
            n = sqlite3_column_int64(st, 0);
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return n;
}

double mb(const Measure& m) {
    return m.maxRssKb / 1024.0;
}

// Milliseconds from opening the case as the window does to the queue's first page loaded.
double firstPageMs(const QString& path, int* rows) {
    QElapsedTimer t;
    t.start();
    auto store = CaseStore::open(path);
    AlertTableModel model;
    model.setCase(store->path());
    if (!QTest::qWaitFor([&] { return !model.isCounting(); }, 300000)) {
        return -1;
    }
    *rows = model.rowCount();
    if (*rows > 0) {
        model.rowAt(0);
        if (!QTest::qWaitFor([&] { return model.rowAt(0) != nullptr; }, 300000)) {
            return -1;
        }
    }
    return double(t.nsecsElapsed()) / 1e6;
}

// A phase's milliseconds from a --verbose score log ("pass: read and build 5901 ms, ..."), -1 if absent.
double phaseMs(const std::string& logFile, const std::string& phase) {
    std::ifstream in(logFile);
    std::string line;
    while (std::getline(in, line)) {
        const size_t pass = line.find("pass: ");
        if (pass == std::string::npos) {
            continue;
        }
        for (size_t at = line.find(phase + " ", pass); at != std::string::npos; at = line.find(phase + " ", at + 1)) {
            if (line[at - 1] == ' ' || line[at - 1] == ',') {
                return std::atof(line.c_str() + at + phase.size() + 1);
            }
        }
    }
    return -1;
}

double medianOf(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? -1 : v[v.size() / 2];
}

// The score's phases over its runs, medians.
struct Phases {
    std::vector<double> build, score, write, commit, checkpoint;
    void add(const std::string& logFile) {
        build.push_back(phaseMs(logFile, "read and build"));
        score.push_back(phaseMs(logFile, "score"));
        write.push_back(phaseMs(logFile, "write"));
        commit.push_back(phaseMs(logFile, "commit"));
        // After the result is reported (the window's worker, socwb-cli before it exits); 0 where a
        // pass wrote nothing to copy, or the log has none.
        checkpoint.push_back(std::max(0.0, phaseMs(logFile, "checkpoint")));
    }
    void print(const char* what) const {
        std::printf("  %s phases (ms): read and build %.0f, score %.0f, write %.0f, commit %.0f, then checkpoint "
                    "%.0f; write + commit + checkpoint %.0f\n",
                    what, medianOf(build), medianOf(score), medianOf(write), medianOf(commit), medianOf(checkpoint),
                    writeSide());
    }
    // Everything the pass writes, its checkpoint included (as the floor's sqlite3 includes it).
    double writeSide() const {
        std::vector<double> sums;
        for (size_t i = 0; i < write.size(); ++i) {
            sums.push_back(write[i] + commit[i] + checkpoint[i]);
        }
        return medianOf(sums);
    }
    // The wall time of each run less its checkpoint: when the result was committed and reported.
    double committed(const std::vector<Measure>& runs) const {
        std::vector<double> v;
        for (size_t i = 0; i < runs.size() && i < checkpoint.size(); ++i) {
            v.push_back(runs[i].seconds - checkpoint[i] / 1000.0);
        }
        return medianOf(v);
    }
};

void copyFile(const std::string& from, const std::string& to) {
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

// SQLite's floor for a score's writes (see the header), in a copy of the case at `copy`. Median of `runs`.
Measure alertsWriteFloor(const std::string& caseFile, const std::string& copy, int runs) {
    // The tables' and their indexes' own definitions, renamed: alerts -> alerts2 (and its indexes).
    std::string ddl;
    {
        sqlite3* db = nullptr;
        sqlite3_open_v2(caseFile.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(db,
                           "SELECT type, name, sql FROM sqlite_schema WHERE tbl_name IN ('alerts', 'alert_features') "
                           "AND type IN ('table', 'index') AND sql IS NOT NULL ORDER BY type = 'index', rowid",
                           -1, &st, nullptr);
        while (sqlite3_step(st) == SQLITE_ROW) {
            std::string sql = reinterpret_cast<const char*>(sqlite3_column_text(st, 2));
            for (const char* t : {"alert_features", "alerts"}) {
                for (const std::string& from : {std::string("TABLE ") + t + " ", std::string("ON ") + t + "(",
                                                std::string("REFERENCES ") + t + "("}) {
                    if (const size_t at = sql.find(from); at != std::string::npos) {
                        sql.insert(at + from.size() - 1, "2");
                    }
                }
            }
            if (std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "index") {
                const std::string name = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
                sql.replace(sql.find(name), name.size(), name + "2");
            }
            ddl += sql + ";\n";
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    std::vector<Measure> measured;
    for (int i = 0; i < runs; ++i) {
        copyFile(caseFile, copy);
        std::remove((copy + "-wal").c_str());
        std::remove((copy + "-shm").c_str());
        sqlite3* db = nullptr;
        const bool made = sqlite3_open(copy.c_str(), &db) == SQLITE_OK &&
                          sqlite3_exec(db, ddl.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
        sqlite3_close(db);
        if (!made) {
            throw std::runtime_error("cannot make the floor's tables in " + copy);
        }
        measured.push_back(runChild({"/usr/bin/sqlite3", copy,
                                     "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; BEGIN; "
                                     "INSERT INTO alerts2 SELECT * FROM alerts; "
                                     "INSERT INTO alert_features2 SELECT * FROM alert_features; COMMIT;"}));
    }
    std::remove(copy.c_str());
    return median(measured);
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const long long target = std::stoll(option(argc, argv, "events", "20000000"));
    const int hosts = std::stoi(option(argc, argv, "hosts", "1000"));
    const int days =
        std::stoi(option(argc, argv, "days",
                         std::to_string(std::max(
                             1L, std::lround(std::ceil(static_cast<double>(target) / (hosts * kEventsPerHostDay)))))));
    const int runs = std::max(1, std::stoi(option(argc, argv, "runs", "3")));
    const std::string given = option(argc, argv, "case", "");
    const bool keep = hasFlag(argc, argv, "keep");
    const std::string cli = option(argc, argv, "cli", SOCWB_CLI_PATH);
    QTemporaryDir tmp(QString::fromStdString(option(argc, argv, "dir", "/tmp")) +
                      QStringLiteral("/socwb-scale-XXXXXX"));
    tmp.setAutoRemove(!keep);
    const std::string dir = tmp.path().toStdString();
    const std::string caseFile = given.empty() ? dir + "/scale.socwb" : given;
    int failures = 0;

    Measure generated, imported;
    if (given.empty()) {
        std::printf(
            "bench_scale: %d workstations + 6 servers x %d days%s, in %s\n", hosts, days,
            hasFlag(argc, argv, "days") ? "" : (" (the fewest to reach " + std::to_string(target) + " events)").c_str(),
            dir.c_str());
        std::fflush(stdout);
        const std::string logs = dir + "/logs", summaryFile = dir + "/generate.json";
        generated = runChild({"/bin/sh", "-c",
                              q(cli) + " generate " + q(logs) + " --seed 42 --hosts " + std::to_string(hosts) +
                                  " --servers 6 --days " + std::to_string(days) + " --json > " + q(summaryFile) +
                                  " 2>/dev/null"});
        std::ifstream in(summaryFile);
        const std::string json((std::istreambuf_iterator<char>(in)), {});
        const QJsonObject summary = QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
        std::vector<std::string> files;
        long long logBytes = 0;
        for (const auto& v : summary.value(QStringLiteral("files")).toArray()) {
            const QJsonObject f = v.toObject();
            const QString kind = f.value(QStringLiteral("kind")).toString();
            // Everything the default formats write but the truth: proxy, DNS, Sysmon, assets.
            if (kind != QLatin1String("truth")) {
                files.push_back(f.value(QStringLiteral("path")).toString().toStdString());
                logBytes += f.value(QStringLiteral("bytes")).toInteger();
            }
        }
        if (generated.exitCode != 0 || files.empty()) {
            std::fprintf(stderr, "bench_scale: generate failed (exit %d)\n", generated.exitCode);
            return 1;
        }
        std::printf("  generate                 %8.1f s  peak %6.0f MB  (%.2f GB of logs, %zu files)\n",
                    generated.seconds, mb(generated), logBytes / 1e9, files.size());
        std::fflush(stdout);
        std::vector<std::string> a{cli, "import", caseFile, "--tz", "UTC"}; // generated logs are UTC
        a.insert(a.end(), files.begin(), files.end());
        imported = runChild(a);
        failures += imported.exitCode != 0;
        QDir(QString::fromStdString(logs)).removeRecursively(); // the disk the case needs beside them
    }
    const long long events =
        queryCount(caseFile, "SELECT (SELECT count(*) FROM proxy_events) + (SELECT count(*) FROM dns_events) + "
                             "(SELECT count(*) FROM dns_queries) + (SELECT count(*) FROM net_connections)");
    const long long caseBytes = QFileInfo(QString::fromStdString(caseFile)).size();
    if (given.empty()) {
        std::printf("  import                   %8.1f s  peak %6.0f MB  (cpu %.1f s; %.0f events/s)\n",
                    imported.seconds, mb(imported), imported.cpuSeconds, events / imported.seconds);
    }
    std::printf("  case: %lld events, %.2f GB%s\n", events, caseBytes / 1e9, given.empty() ? " imported" : "");
    std::fflush(stdout);

    // Issue 20's reference, copied out of the case (not timed), then read in order.
    const std::string plain = dir + "/plain.db";
    const std::string ordered = plainOrderedScan(caseFile, plain);
    std::vector<Measure> scans, scores;
    const std::string logFile = dir + "/score.log";
    Phases phases;
    for (int i = 0; i < runs; ++i) {
        scans.push_back(runChild({"/usr/bin/sqlite3", plain, ordered}));
        scores.push_back(runChild({cli, "--verbose", "score", caseFile}, true, logFile));
        phases.add(logFile);
    }
    std::remove(plain.c_str());
    const Measure scan = median(scans), score = median(scores);
    failures += scan.exitCode != 0 || score.exitCode != 0;
    const long long channels = queryCount(caseFile, "SELECT count(*) FROM alerts");
    std::printf("  case scored: %.2f GB\n", QFileInfo(QString::fromStdString(caseFile)).size() / 1e9);
    std::printf("  score                    %8.1f s  peak %6.0f MB  (cpu %.1f s; %lld channels; %.0f events/s)\n",
                score.seconds, mb(score), score.cpuSeconds, channels, events / score.seconds);
    std::printf("  reference: plain table ORDER BY client, destination, ts  %8.1f s  (peak %.0f MB)\n", scan.seconds,
                mb(scan));
    std::printf("  score / ordered scan     %8.2f  (goal <= 2)\n", score.seconds / scan.seconds);
    phases.print("score");
    const Measure floor = alertsWriteFloor(caseFile, dir + "/floor.socwb", runs);
    failures += floor.exitCode != 0;
    std::printf("  reference: sqlite3 copying the %lld alert and compact rows into tables of the same definition "
                "and indexes, commit included  %.2f s\n",
                channels, floor.seconds);
    std::printf("  score's write + commit + checkpoint / that floor  %.2f\n",
                phases.writeSide() / 1000.0 / floor.seconds);
    if (hasFlag(argc, argv, "first")) {
        // A first score: the case's alerts deleted in a copy (not timed), the copy scored afresh each run.
        const std::string cleared = dir + "/cleared.socwb", work = dir + "/first.socwb";
        copyFile(caseFile, cleared);
        shell("/usr/bin/sqlite3 '" + cleared + "' 'PRAGMA foreign_keys = ON; DELETE FROM alerts; VACUUM;'");
        std::vector<Measure> firsts;
        Phases first;
        for (int i = 0; i < runs; ++i) {
            copyFile(cleared, work);
            firsts.push_back(runChild({cli, "--verbose", "score", work}, true, logFile));
            first.add(logFile);
        }
        const Measure f = median(firsts);
        failures += f.exitCode != 0;
        std::printf("  first score              %8.1f s  peak %6.0f MB  (%.2f x the ordered scan; the process's wall "
                    "time, its checkpoint included)\n",
                    f.seconds, mb(f), f.seconds / scan.seconds);
        const double committed = first.committed(firsts);
        std::printf("  first score committed    %8.1f s  (%.2f x the ordered scan: the result reported, before the "
                    "checkpoint)\n",
                    committed, committed / scan.seconds);
        first.print("first score");
        std::printf("  first score's write + commit + checkpoint / that floor  %.2f\n",
                    first.writeSide() / 1000.0 / floor.seconds);
        // What this design cannot go under: its reads and channels as measured, then SQLite's own
        // copy of the rows (no JSON, no scoring).
        const double limit = medianOf(first.build) / 1000.0 + floor.seconds;
        std::printf("  read and build + that floor  %.1f s  (%.2f x the ordered scan)\n", limit, limit / scan.seconds);
        // What no schedule of this work beats on this machine: its CPU time spread evenly over the
        // cores (the first score's wall time cannot go under it without doing less work).
        const double cores = std::max(1U, std::thread::hardware_concurrency());
        std::printf("  first score's CPU        %8.1f s  over %.0f cores: %.1f s at best (%.2f x the ordered scan)\n",
                    f.cpuSeconds, cores, f.cpuSeconds / cores, f.cpuSeconds / cores / scan.seconds);
        for (const std::string& file : {cleared, work}) {
            std::remove(file.c_str());
        }
    }
    if (given.empty()) {
        std::printf("  import + score           %8.1f s  (goal < 600 s; peaks %.0f and %.0f MB, goal < 2048)\n",
                    imported.seconds + score.seconds, mb(imported), mb(score));
    }
    std::printf("  score peak per million events %6.1f MB  (goal: <= 1024 MB at 20 M, flat in events)\n",
                mb(score) / (events / 1e6));
    std::fflush(stdout);

    std::vector<double> pages;
    int rows = 0;
    for (int i = 0; i < runs; ++i) {
        pages.push_back(firstPageMs(QString::fromStdString(caseFile), &rows));
    }
    std::sort(pages.begin(), pages.end());
    failures += pages.front() < 0;
    std::printf("  queue: case opened, %d rows counted and the first page loaded in %.0f ms (median; %.0f-%.0f)\n",
                rows, pages[pages.size() / 2], pages.front(), pages.back());
    std::printf("  (score and scan medians of %d; load average %.1f)\n", runs, loadAverage());
    if (keep) {
        std::printf("  case kept: %s\n", caseFile.c_str());
    }
    if (failures) {
        std::fprintf(stderr, "bench_scale: %d steps failed\n", failures);
    }
    return failures ? 1 : 0;
}
