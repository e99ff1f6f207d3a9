// A small case written with plain SQL for the investigation views' tests: two hosts, one channel
// with known intervals, a process tree with known lineage (and a command line that looks like
// HTML), connections, a DNS query, a file event and a triage note.
#pragma once

#include <QString>

#include <cstdint>
#include <vector>

namespace socwb::test {

struct InvestigationFixture {
    static constexpr int64_t kT0 = 1'700'000'000'000'000; // 2023-11-14 22:13:20 UTC
    // Gaps between the channel's 11 requests, seconds: median 60, MAD 2.5.
    static std::vector<int> gaps() { return {50, 60, 60, 70, 60, 120, 60, 55, 65, 60}; }
    static constexpr int64_t kAlertId = 1;
    static constexpr int64_t kHost = 1;
    static constexpr int64_t kOtherHost = 2;
    static constexpr int kOtherRequests = 5; // ws01's proxy requests to elsewhere, all in the first hour
    // Processes (ids): 1 services.exe > 2 svchost.exe > 3 taskhostw.exe > 4 powershell.exe (the
    // channel's), 5 explorer.exe > 6 winword.exe > 7 cmd.exe, 5 > 8 ...\AppData\Local\Temp\upd.exe;
    // 9 on the other host.
    static constexpr int64_t kPowerShell = 4;
    static QString powershellCommandLine() { return QStringLiteral("powershell -w hidden <b>bold</b> <img src=x>"); }

    // Creates the case at PATH (through CaseStore, so the schema is the real one).
    static void write(const QString& path);
    // The channel's request times, UTC microseconds.
    static std::vector<int64_t> channelTimes();
};

} // namespace socwb::test
