// The channels the generator can plant: the positives (one-way command channels, T1102.003) and
// the look-alikes (benign traffic that resembles them, from the T1102.003 detection notes). Each
// entry is data: who runs it, where it polls, how often, and what the process looks like.
// Placeholders in strings: {user} (account name), {home} (C:\Users\{user}), {token} (a random
// per-channel identifier), {browser} (the host's browser image).
#pragma once

#include <string>
#include <vector>

namespace socwb::scenario {

enum class HostPick {
    Workstation,   // one non-developer workstation
    Developer,     // one developer workstation
    WindowsServer, // one Windows server
    LinuxServer,   // one Linux server
    BuildServer,   // the CI runner
    AllDevelopers, // fleet-wide look-alikes
    AllWorkstations,
    AllServers,
    AllLinuxServers,
    SomeWorkstations, // a share of the workstations
    // World 2
    VdaSession,     // one user's session on a Citrix VDA
    SqlServer,      // the MSSQL server
    JumpHost,       // the RDP jump host
    DirectLinux,    // one Linux server with direct egress (no proxy) and no Sysmon
    AllDirectLinux, // every such Linux server
    DomainController,
    AllUsers,     // every workstation user and every VDA session
    SomeUsers,    // a share of them
    GuestDevices, // a share of the devices on the guest Wi-Fi (behind one NAT address)
};

enum class Schedule {
    Always,       // while the host is powered on
    WorkingHours, // only while the user is at the desk
};

struct ChannelSpec {
    const char* id = "";
    bool positive = false;
    const char* technique = ""; // "T1102.003" for positives, "" for look-alikes
    const char* service = "";   // pastebin, github, telegram, google-docs, ...
    const char* description = "";
    HostPick pick = HostPick::Workstation;
    double share = 1.0; // SomeWorkstations: fraction of workstations
    Schedule schedule = Schedule::Always;
    double intervalS = 60; // mean gap between polls
    double jitter = 0;     // ± fraction of the interval, uniform
    double startHour = 0;  // active from this hour after the start of the logs
    double stopHour = 0;   // until this hour (<= 0: until the end)
    const char* destHost = "";
    const char* method = "GET";
    const char* target = "/"; // path and query
    int bytesOut = 400;       // request size, client to server
    int bytesIn = 800;        // typical response size, server to client
    int bytesInSpread = 0;    // ± bytes of variation in the response
    int status = 200;
    const char* contentType = "text/plain";
    const char* userAgent = ""; // "{browser}" for the host browser's; "" when none is sent
    const char* image = "";
    const char* commandLine = "";
    const char* parentImage = "C:\\Windows\\explorer.exe";
    const char* parentCommandLine = "C:\\Windows\\Explorer.EXE";
    bool parentFresh = false;       // the parent starts just before the channel (a macro document)
    const char* launcherImage = ""; // a loop process between parent and poller (cmd.exe), or ""
    const char* launcherCommandLine = "";
    bool processPerPoll = false; // each poll is a new process (curl, git, certutil, a scheduled task)
    bool runAsSystem = false;
    int keepAliveS = 0;           // connection reuse window; 0 = a new connection per poll
    const char* fileCreated = ""; // Sysmon EID 11 per poll, or ""
    const char* setupImage = "";  // a one-shot process when the channel starts (schtasks.exe), or ""
    const char* setupCommandLine = "";
    const char* outputHost = ""; // split channel: where command output goes, or ""
    const char* outputTarget = "";
    int outputEvery = 0;       // every Nth poll returns a command whose output is posted
    bool noSysmon = false;     // the host has no Sysmon
    bool directEgress = false; // the host bypasses the proxy
    int points = 5;            // answer-key weight
    // World 2 (world 1 leaves these at their defaults)
    const char* script = "";     // when set, {encoded} in the command line is this script, with {url}, as
                                 // PowerShell's -EncodedCommand (UTF-16LE, base64)
    const char* followHost = ""; // every poll is answered with a redirect that the client follows here
    const char* followTarget = "";
    int followBytesIn = 0;
    double holdS = 0;           // the server holds each request this long (long poll, websocket)
    const char* account = "";   // the account the poller runs as, when not the user or SYSTEM
    bool noProxy = false;       // the traffic never passes the web proxy (NTP over UDP)
    const char* alongside = ""; // also on the hosts of this (earlier) channel: a legitimate app in the
                                // folder a planted binary hides in
    // Planted only when --scenario names this scenario (never by "all", so other cases stay as they
    // were): "sensor" is an organisation without a web proxy, watched by a network sensor (#26).
    const char* scenario = "";
};

class ChannelCatalog {
  public:
    static constexpr int kWorlds = 2;
    // World 1's catalog (all()) or world 2's (world2_catalog.cpp): each world its own channels.
    static const std::vector<ChannelSpec>& all();
    static const std::vector<ChannelSpec>& forWorld(int world);
    static const ChannelSpec* find(const std::string& id, int world = 1);
    // Positive ids a --scenario name stands for: "all", an exercise name (easy, medium, hard,
    // sample; world 1 only), a positive's id, or a comma-separated list of those. Empty when a name
    // is unknown (unknown names are reported in `unknown`).
    static std::vector<std::string> positivesFor(const std::string& scenario, std::string* unknown, int world = 1);
    static std::vector<std::string> scenarioNames(int world = 1);
    // Whether NAME is a scenario some channels are planted only for (ChannelSpec::scenario), and
    // whether a comma-separated --scenario value names it.
    static bool isOptInScenario(const std::string& name, int world = 1);
    static bool scenarioNamed(const std::string& scenarios, const char* name);
};

// World 2's channels (world2_catalog.cpp).
std::vector<ChannelSpec> buildWorld2Catalog();

} // namespace socwb::scenario
