// Shared by the benchmarks: run a child process and measure its wall time and peak RSS, medians.
#pragma once

#include <string>
#include <vector>

namespace socwb::bench {

struct Measure {
    double seconds = 0;
    double cpuSeconds = 0; // user + system time of the child: above `seconds` when it used both cores
    long maxRssKb = 0;
    int exitCode = -1;
};

// Runs argv[0] with the arguments (stdout/stderr to /dev/null unless quiet is false; stderr to
// `stderrFile` where one is named, a --verbose child's log to read its phases from).
Measure runChild(const std::vector<std::string>& argv, bool quiet = true, const std::string& stderrFile = {});
// The median of each field over runs (exit code: the worst).
Measure median(std::vector<Measure> runs);
// The value after `--name` among the arguments, or `fallback`.
std::string option(int argc, char** argv, const char* name, const std::string& fallback);
// Runs a shell command (for generating inputs); throws on failure.
void shell(const std::string& command);
// SQLite's own floor for storing what an import stored: the rows of `tables` are copied out of
// caseFile into a staging database (not timed); then one sqlite3 process creates the tables with
// the case's own definitions, inserts the rows with INSERT ... SELECT (no parsing, binding or
// interning), builds the case's indexes of those tables and commits: in a rollback journal (each
// page written once), or with `wal` in the case's WAL mode (each page written to the WAL, then
// checkpointed into the database when sqlite3 closes, as an import into a case pays). Median of 3.
// No importer that keeps these rows and indexes in SQLite can beat it.
Measure sqliteFloor(const std::string& dir, const std::string& caseFile, const std::vector<std::string>& tables,
                    bool wal = false);

// Issue 20's reference for the scoring pass: the case's proxy requests and DNS queries copied
// (not timed) into a plain table t(client, destination, ts, bytes) of a database of their own at
// `plainDb`. Returns the query that reads it once in that order, to time with sqlite3.
std::string plainOrderedScan(const std::string& caseFile, const std::string& plainDb);

// Line `i` of a generated Squid native access.log (newline included) into buf, or, with csv, the
// same ten fields as CSV; `r` is a random draw for the line. Returns the bytes written. A few
// thousand clients, CDN fan-out, CONNECT and ssl-bump lines: the proxy log every import bench reads.
int squidLine(char* buf, size_t cap, long i, unsigned r, bool csv);
// The 1-minute load average, for the line every benchmark prints beside its figures.
double loadAverage();

} // namespace socwb::bench
