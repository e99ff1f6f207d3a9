// Shared by the benchmarks: run a child process and measure its wall time and peak RSS, medians.
#pragma once

#include <string>
#include <vector>

namespace socwb::bench {

struct Measure {
    double seconds = 0;
    long maxRssKb = 0;
    int exitCode = -1;
};

// Runs argv[0] with the arguments (stdout/stderr to /dev/null unless quiet is false).
Measure runChild(const std::vector<std::string>& argv, bool quiet = true);
// The median of each field over runs (exit code: the worst).
Measure median(std::vector<Measure> runs);
// Runs a shell command (for generating inputs); throws on failure.
void shell(const std::string& command);

} // namespace socwb::bench
