// Archive import benchmark (issue 25): a proxy's rotated logs (Squid native access.log.3, .2, .1 and
// access.log, oldest first) imported into fresh cases through `socwb-cli import` three ways: the
// files themselves (the reference: the same logs uncompressed), the same files in one plain tar,
// and in one tar.zst. The goal: the tar.zst within 1.2 times the files (decompression overlaps the
// parse on the other core). Prints medians of --runs runs (the three ways interleaved, so that noise
// falls on each alike), each one's CPU seconds (above its wall time when it used both cores), peak
// RSS, the ratios to the files, and the floor of what decompression alone costs: `zstd -d` of the
// same tar.zst to /dev/null, measured in the same run. Every case must hold the same proxy rows.
//
//   bench_archive [--mb N] [--runs R] [--dir DIR] [--keep]
//   default 64 MB of logs and 3 runs; the figure: --mb 1024 --runs 1
//   (`./packaging/dev.sh bench-archive` runs that one)
#include "bench_support.h"

#include <sqlite3.h>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace socwb::bench;

namespace {

// The rotated files, oldest first, together about `bytes` long; returns the lines written.
long writeRotatedLogs(const std::string& dir, int64_t bytes, const std::vector<std::string>& names) {
    std::mt19937_64 rng(25);
    char buf[512];
    long line = 0;
    const int64_t perFile = bytes / static_cast<int64_t>(names.size());
    for (const std::string& name : names) {
        std::ofstream out(dir + "/" + name);
        for (int64_t written = 0; written < perFile; ++line) {
            const int n = squidLine(buf, sizeof buf, line, static_cast<unsigned>(rng()), false);
            out.write(buf, n);
            written += n;
        }
    }
    return line;
}

int64_t proxyRows(const std::string& caseFile) {
    sqlite3* db = nullptr;
    int64_t n = -1;
    if (sqlite3_open_v2(caseFile.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM proxy_rows", -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW) {
            n = sqlite3_column_int64(st, 0);
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return n;
}

double megabytes(const std::string& path) {
    return static_cast<double>(QFileInfo(QString::fromStdString(path)).size()) / 1e6;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int64_t mb = std::stoll(option(argc, argv, "mb", "64"));
    const int runs = std::stoi(option(argc, argv, "runs", "3"));
    const QString dirArg = QString::fromStdString(option(argc, argv, "dir", ""));
    QTemporaryDir tmp(dirArg.isEmpty() ? QDir::tempPath() + QStringLiteral("/socwb-bench-archive-XXXXXX")
                                       : dirArg + QStringLiteral("/XXXXXX"));
    tmp.setAutoRemove(!app.arguments().contains(QLatin1String("--keep")));
    const std::string dir = tmp.path().toStdString();
    const std::string logs = dir + "/logs";
    QDir().mkpath(QString::fromStdString(logs));
    const double loadBefore = loadAverage();

    const std::vector<std::string> names{"access.log.3", "access.log.2", "access.log.1", "access.log"};
    std::fprintf(stderr, "bench_archive: writing %lld MB of proxy logs to %s\n", static_cast<long long>(mb),
                 logs.c_str());
    const long lines = writeRotatedLogs(logs, mb * 1000 * 1000, names);
    std::string members;
    std::vector<std::string> fileArgs;
    double logMb = 0;
    for (const std::string& n : names) {
        members += " " + n;
        fileArgs.push_back(logs + "/" + n);
        logMb += megabytes(fileArgs.back());
    }
    const std::string tar = dir + "/logs.tar", zst = dir + "/logs.tar.zst";
    shell("tar -C " + logs + " -cf " + tar + members);
    shell("zstd -q -3 -T0 -c " + tar + " > " + zst);
    std::printf("proxy logs: %zu rotated files, %ld lines, %.1f MB; tar %.1f MB; tar.zst %.1f MB (zstd -3)\n",
                names.size(), lines, logMb, megabytes(tar), megabytes(zst));

    const std::string cli = SOCWB_CLI_PATH;
    struct Way {
        const char* name;
        std::vector<std::string> inputs;
        std::vector<Measure> runs;
        int64_t rows = -1;
    };
    std::vector<Way> ways{{"files (reference)", fileArgs, {}}, {"plain tar", {tar}, {}}, {"tar.zst", {zst}, {}}};
    std::vector<Measure> unzstd;
    for (int r = 0; r < runs; ++r) {
        for (Way& w : ways) {
            const std::string c = dir + "/bench.socwb";
            for (const char* suffix : {"", "-wal", "-shm"}) {
                std::remove((c + suffix).c_str());
            }
            std::vector<std::string> argv{cli, "import", c};
            argv.insert(argv.end(), w.inputs.begin(), w.inputs.end());
            w.runs.push_back(runChild(argv));
            w.rows = proxyRows(c);
        }
        unzstd.push_back(runChild({"/usr/bin/zstd", "-q", "-d", "-c", zst}));
    }
    int failures = 0;
    const Measure ref = median(ways[0].runs);
    for (const Way& w : ways) {
        const Measure m = median(w.runs);
        if (m.exitCode != 0 || w.rows != lines) {
            std::fprintf(stderr, "bench_archive: %s: exit %d, %lld proxy rows (expected %ld)\n", w.name, m.exitCode,
                         static_cast<long long>(w.rows), lines);
            ++failures;
        }
        std::printf("%-18s %8.2f s  cpu %7.2f s (%.2f cores)  peak RSS %6.1f MB  %9.0f lines/s | / files %.3f%s\n",
                    w.name, m.seconds, m.cpuSeconds, m.cpuSeconds / m.seconds, m.maxRssKb / 1024.0, lines / m.seconds,
                    m.seconds / ref.seconds, &w == &ways.back() ? "  (goal <= 1.20)" : "");
    }
    // The files are four imports (four transactions, indexes rebuilt after each); the tars are one.
    // tar.zst over plain tar is what decompression alone adds to the same one import.
    std::printf("%-18s tar.zst / plain tar %.3f: what decompression adds to the same single import\n", "",
                median(ways[2].runs).seconds / median(ways[1].runs).seconds);
    const Measure d = median(unzstd);
    std::printf("%-18s %8.2f s  cpu %7.2f s: decompression alone; files + this, were nothing overlapped: "
                "%.2f s = %.3f of the files\n",
                "zstd -d >/dev/null", d.seconds, d.cpuSeconds, ref.seconds + d.seconds,
                (ref.seconds + d.seconds) / ref.seconds);
    std::printf("(medians of %d run(s); %ld cores; load average %.2f before, %.2f after)\n", runs,
                static_cast<long>(QThread::idealThreadCount()), loadBefore, loadAverage());
    return failures ? 1 : 0;
}
