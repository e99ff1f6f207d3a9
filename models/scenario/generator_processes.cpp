// ScenarioGenerator, processes: the process table behind every request and Sysmon event - process
// IDs and GUIDs, users and integrity, version information and hashes - long-lived processes per
// logon session, browsers per desk day, and command lines with their placeholders filled in.
#include "generator_support.h"
#include "scenario_generator.h"

#include <cstdio>

namespace socwb::scenario {

namespace {

struct PeInfo {
    const char* name;
    const char* fileVersion;
    const char* description;
    const char* product;
    const char* company;
    const char* original;
};

const PeInfo* peInfo(const std::string& imageLower) {
    static const PeInfo k[] = {
        {"powershell.exe", "10.0.19041.3803 (WinBuild.160101.0800)", "Windows PowerShell",
         "Microsoft® Windows® Operating System", "Microsoft Corporation", "PowerShell.EXE"},
        {"cmd.exe", "10.0.19041.3636 (WinBuild.160101.0800)", "Windows Command Processor",
         "Microsoft® Windows® Operating System", "Microsoft Corporation", "Cmd.Exe"},
        {"curl.exe", "8.4.0", "The curl executable", "The curl executable", "curl, https://curl.se/", "curl.exe"},
        {"certutil.exe", "10.0.19041.3636 (WinBuild.160101.0800)", "CertUtil.exe",
         "Microsoft® Windows® Operating System", "Microsoft Corporation", "CertUtil.exe"},
        {"wscript.exe", "5.812.10240.16384", "Microsoft ® Windows Based Script Host", "Microsoft ® Windows Script Host",
         "Microsoft Corporation", "wscript.exe"},
        {"schtasks.exe", "10.0.19041.3636 (WinBuild.160101.0800)", "Task Scheduler Configuration Tool",
         "Microsoft® Windows® Operating System", "Microsoft Corporation", "schtasks.exe"},
        {"svchost.exe", "10.0.19041.3636 (WinBuild.160101.0800)", "Host Process for Windows Services",
         "Microsoft® Windows® Operating System", "Microsoft Corporation", "svchost.exe"},
        {"wmiprvse.exe", "10.0.19041.3636 (WinBuild.160101.0800)", "WMI Provider Host",
         "Microsoft® Windows® Operating System", "Microsoft Corporation", "Wmiprvse.exe"},
        {"explorer.exe", "10.0.19041.3803 (WinBuild.160101.0800)", "Windows Explorer",
         "Microsoft® Windows® Operating System", "Microsoft Corporation", "EXPLORER.EXE"},
        {"services.exe", "10.0.19041.3636 (WinBuild.160101.0800)", "Services and Controller app",
         "Microsoft® Windows® Operating System", "Microsoft Corporation", "services.exe"},
        {"chrome.exe", "122.0.6261.95", "Google Chrome", "Google Chrome", "Google LLC", "chrome.exe"},
        {"msedge.exe", "122.0.2365.66", "Microsoft Edge", "Microsoft Edge", "Microsoft Corporation", "msedge.exe"},
        {"winword.exe", "16.0.17328.20162", "Microsoft Word", "Microsoft Office", "Microsoft Corporation",
         "WinWord.exe"},
        {"python.exe", "3.11.8", "Python", "Python", "Python Software Foundation", "python.exe"},
        {"pythonw.exe", "3.12.2", "Python", "Python", "Python Software Foundation", "pythonw.exe"},
        {"git-remote-https.exe", "2.43.0.windows.1", "Git for Windows", "Git", "The Git Development Community",
         "git-remote-https.exe"},
        {"code.exe", "1.87.0", "Visual Studio Code", "Visual Studio Code", "Microsoft Corporation", "electron.exe"},
        {"teams.exe", "1.7.00.3653", "Microsoft Teams", "Microsoft Teams", "Microsoft Corporation", "Teams.exe"},
        {"onedrive.exe", "23.038.0219.0001", "Microsoft OneDrive", "Microsoft OneDrive", "Microsoft Corporation",
         "OneDrive.exe"},
        {"mssense.exe", "10.8560.25364.1036", "Windows Defender Advanced Threat Protection Service Executable",
         "Microsoft® Windows® Operating System", "Microsoft Corporation", "MsSense.exe"},
        {"googleupdate.exe", "1.3.36.372", "Google Installer", "Google Update", "Google LLC", "GoogleUpdate.exe"},
        {"sharex.exe", "16.0.1", "ShareX", "ShareX", "ShareX Team", "ShareX.exe"},
        {"slack.exe", "4.36.140", "Slack", "Slack", "Slack Technologies Inc.", "slack.exe"},
        {"discord.exe", "1.0.9032", "Discord", "Discord", "Discord Inc.", "Discord.exe"},
        {"telegram.exe", "4.15.0", "Telegram Desktop", "Telegram Desktop", "Telegram FZ-LLC", "Telegram.exe"},
        {"mshta.exe", "11.00.22621.1 (WinBuild.160101.0800)", "Microsoft (R) HTML Application host",
         "Internet Explorer", "Microsoft Corporation", "MSHTA.EXE"},
        {"rundll32.exe", "10.0.22621.1 (WinBuild.160101.0800)", "Windows host process (Rundll32)",
         "Microsoft® Windows® Operating System", "Microsoft Corporation", "RUNDLL32.EXE"},
        {"msmpeng.exe", "4.18.24020.7", "Antimalware Service Executable", "Microsoft® Windows® Operating System",
         "Microsoft Corporation", "MsMpEng.exe"},
        {"officeclicktorun.exe", "16.0.17328.20162", "Microsoft Office Click-to-Run (SxS)", "Microsoft Office",
         "Microsoft Corporation", "OfficeClickToRun.exe"},
        {"microsoftedgeupdate.exe", "1.3.185.17", "Microsoft Edge Update", "Microsoft Edge Update",
         "Microsoft Corporation", "MicrosoftEdgeUpdate.exe"},
        {"updater.exe", "122.0.6228.0", "GoogleUpdater (x86)", "GoogleUpdater", "Google LLC", "updater.exe"},
        {"spotify.exe", "1.2.31.1205", "Spotify", "Spotify", "Spotify Ltd", "Spotify.exe"},
        {"zoom.exe", "5.17.11.34827", "Zoom Meetings", "Zoom Meetings", "Zoom Video Communications, Inc.", "Zoom.exe"},
        {"dropbox.exe", "194.4.6267", "Dropbox", "Dropbox", "Dropbox, Inc.", "Dropbox.exe"},
        {"outlook.exe", "16.0.17328.20162", "Microsoft Outlook", "Microsoft Outlook", "Microsoft Corporation",
         "Outlook.exe"},
        {"ms-teams.exe", "24004.1403.2634.2418", "Microsoft Teams", "Microsoft Teams", "Microsoft Corporation",
         "ms-teams.exe"},
        {"agent.exe", "7.51.0", "Datadog Agent", "Datadog Agent", "Datadog, Inc.", "agent.exe"},
        {"choco.exe", "2.2.2.0", "Chocolatey", "Chocolatey", "Chocolatey Software, Inc.", "choco.exe"},
        {"sqlagent.exe", "2022.160.4105.2", "SQL Server Agent", "Microsoft SQL Server", "Microsoft Corporation",
         "SQLAGENT.EXE"},
        {"ruby.exe", "3.1.2p20", "Ruby interpreter 3.1.2p20 [x64-mingw32]", "Ruby interpreter 3.1.2p20 [x64-mingw32]",
         "http://www.ruby-lang.org/", "ruby.exe"},
    };
    for (const PeInfo& p : k) {
        if (imageLower == p.name) {
            return &p;
        }
    }
    return nullptr;
}

std::string sha256Like(const std::string& key) {
    // A stable stand-in for a file hash: the same image path always has the same "hash".
    uint64_t h = fnv1a(key);
    std::string out;
    for (int i = 0; i < 4; ++i) {
        h = splitMix64(h);
        char b[17];
        std::snprintf(b, sizeof b, "%016llX", static_cast<unsigned long long>(h));
        out += b;
    }
    return out;
}

} // namespace

int ScenarioGenerator::newProcess(int host, const std::string& image, const std::string& commandLine, int parent,
                                  int64_t startUs, int64_t endUs, bool system, int channel) {
    SimHost& h = world_.hosts[size_t(host)];
    SimProcess p;
    p.host = host;
    p.parent = parent;
    // A user session on a shared host takes its process IDs and GUIDs from the machine's counters.
    const size_t m = size_t(h.machine >= 0 ? h.machine : host);
    nextPid_[m] += 4 * static_cast<uint32_t>(1 + (splitMix64(uint64_t(startUs) ^ h.machineTag) % 37));
    if (nextPid_[m] > 60000) {
        nextPid_[m] = 1000 + nextPid_[m] % 4000;
    }
    p.pid = nextPid_[m];
    const uint32_t secs = static_cast<uint32_t>(startUs / kSecond);
    char guid[64];
    std::snprintf(guid, sizeof guid, "{%08x-%04x-%04x-0000-0010%08x}", h.machineTag, secs & 0xffff, secs >> 16,
                  ++guidCounter_[m]);
    p.guid = guid;
    p.image = image;
    p.commandLine = commandLine;
    const std::string base = lower(basenameOf(image));
    if (h.linuxOs) {
        p.user = system ? "root" : "svc-app";
        p.currentDirectory = "/";
        p.integrity = "-";
    } else if (system || h.user.empty()) {
        p.user = "NT AUTHORITY\\SYSTEM";
        p.currentDirectory = "C:\\Windows\\system32\\";
        p.integrity = "System";
    } else {
        p.user = world_.netbios + "\\" + h.user;
        p.currentDirectory = "C:\\Users\\" + h.user + "\\";
        p.integrity = "Medium";
    }
    if (const PeInfo* pe = peInfo(base)) {
        p.fileVersion = pe->fileVersion;
        p.description = pe->description;
        p.product = pe->product;
        p.company = pe->company;
        p.originalFileName = pe->original;
    } else {
        p.fileVersion = p.description = p.product = p.company = p.originalFileName = "-";
    }
    p.hashes = "SHA256=" + sha256Like(lower(image) == "{browser}" ? h.browserImage : lower(image));
    p.startUs = startUs;
    p.endUs = endUs;
    p.channel = channel;
    if (parent < 0) {
        p.parentImageHint = base == "explorer.exe" ? "C:\\Windows\\System32\\userinit.exe"
                            : h.linuxOs            ? "/usr/lib/systemd/systemd"
                                                   : "C:\\Windows\\System32\\wininit.exe";
    }
    world_.processes.push_back(std::move(p));
    return static_cast<int>(world_.processes.size()) - 1;
}

int ScenarioGenerator::longLivedProcess(int host, const std::string& image, const std::string& commandLine,
                                        int64_t atUs, bool system) {
    if (const int m = world_.hosts[size_t(host)].machine; m >= 0 && (system || systemImage(lower(basenameOf(image))))) {
        host = m; // a service runs once per machine, not once per user session
    }
    const SimHost& h = world_.hosts[size_t(host)];
    int64_t next = 0, end = 0;
    int64_t sessionStart = world_.startUs - 3 * kDay;
    int64_t sessionEnd = 0;
    if (poweredAt(h, atUs, &next, &end)) {
        for (const auto& [s, e] : h.powered) {
            if (atUs >= s && atUs < e) {
                sessionStart = s;
                sessionEnd = e;
            }
        }
    }
    const auto key = std::make_tuple(host, image, sessionStart);
    if (auto it = longLived_.find(key); it != longLived_.end()) {
        return it->second;
    }
    const std::string base = lower(basenameOf(image));
    const bool sys = system || systemImage(base) || h.user.empty();
    int parent = -1;
    int64_t start = sessionStart;
    const bool beforeWindow = sessionStart < world_.startUs;
    if (base == "explorer.exe" || base == "services.exe" || h.linuxOs) {
        start = beforeWindow ? world_.startUs - kHour * (5 + int64_t(h.machineTag % 40)) : sessionStart + 25 * kSecond;
    } else {
        const bool underServices = sys && base != "svchost.exe";
        parent = longLivedProcess(
            host,
            sys ? (underServices ? "C:\\Windows\\System32\\services.exe" : "C:\\Windows\\System32\\services.exe")
                : "C:\\Windows\\explorer.exe",
            sys ? "C:\\Windows\\system32\\services.exe" : "C:\\Windows\\Explorer.EXE", atUs, sys);
        const int64_t offset = int64_t(splitMix64(uint64_t(host) * 7919 + fnv1a(image)) % 90) * kSecond;
        start = world_.processes[size_t(parent)].startUs + 20 * kSecond + offset;
    }
    const int64_t stop = beforeWindow || sessionEnd >= world_.endUs ? 0 : sessionEnd - 30 * kSecond;
    const int idx = newProcess(host, image, commandLine, parent, start, stop, sys, -1);
    longLived_.emplace(key, idx);
    return idx;
}

int ScenarioGenerator::browserProcess(int host, int64_t atUs) {
    const SimHost& h = world_.hosts[size_t(host)];
    for (const auto& day : h.desk) {
        if (day.empty() || atUs < day.front().first - kHour || atUs > day.back().second + kHour) {
            continue;
        }
        const auto key = std::make_tuple(host, h.browserImage, day.front().first);
        if (auto it = longLived_.find(key); it != longLived_.end()) {
            return it->second;
        }
        const int parent =
            longLivedProcess(host, "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", atUs, false);
        const int64_t start = day.front().first - 40 * kSecond;
        const int64_t stop = day.back().second + 90 * kSecond;
        const int idx = newProcess(host, h.browserImage, "\"" + h.browserImage + "\"", parent, start,
                                   stop < world_.endUs ? stop : 0, false, -1);
        longLived_.emplace(key, idx);
        return idx;
    }
    // Outside any desk day (a look-alike tab left open): the long-lived session's browser.
    return longLivedProcess(host, h.browserImage, "\"" + h.browserImage + "\"", atUs, false);
}

std::string ScenarioGenerator::expand(const std::string& text, int host, const std::string& token,
                                      const std::string& token2, const std::string& repo, const std::string& hex,
                                      const std::string& num) const {
    const SimHost& h = world_.hosts[size_t(host)];
    std::string s = text;
    if (s.find('{') == std::string::npos) {
        return s;
    }
    replaceAll(s, "{browser}", h.browserImage);
    replaceAll(s, "{home}", "C:\\Users\\" + h.user);
    replaceAll(s, "{user}", h.user.empty() ? "Administrator" : h.user);
    replaceAll(s, "{token2}", token2);
    replaceAll(s, "{token}", token);
    replaceAll(s, "{repo}", repo);
    replaceAll(s, "{hex}", hex);
    replaceAll(s, "{num}", num);
    return s;
}

} // namespace socwb::scenario
