// ScenarioGenerator, the organisation: workstations with their users and departments, servers with
// their roles, who sits at which desk when and which host is on, and the destinations the hosts
// reach (addresses as the services publish them).
#include "channel_catalog.h"
#include "generator_support.h"
#include "scenario_generator.h"

#include <algorithm>
#include <cstdio>

namespace socwb::scenario {

namespace {

struct KnownDest {
    const char* host;
    std::vector<const char*> ips;
    int ttl;
    const char* category;
};

// Addresses as the services publish them (CDN ranges); TTLs as their resolvers hand them out.
const std::vector<KnownDest>& knownDestinations() {
    static const std::vector<KnownDest> k{
        {"pastebin.com", {"104.20.67.143", "172.67.34.170"}, 300, "Technology/Internet"},
        {"raw.githubusercontent.com",
         {"185.199.108.133", "185.199.109.133", "185.199.110.133", "185.199.111.133"},
         3600,
         "Technology/Internet"},
        {"gist.githubusercontent.com", {"185.199.108.133", "185.199.110.133"}, 3600, "Technology/Internet"},
        {"avatars.githubusercontent.com", {"185.199.109.133", "185.199.111.133"}, 3600, "Content Servers"},
        {"github.githubassets.com", {"185.199.108.154", "185.199.109.154"}, 3600, "Content Servers"},
        {"api.github.com", {"140.82.121.6", "140.82.121.5"}, 60, "Technology/Internet"},
        {"github.com", {"140.82.121.4", "140.82.121.3"}, 60, "Technology/Internet"},
        {"collector.github.com", {"140.82.113.21"}, 60, "Web Ads/Analytics"},
        {"api.telegram.org", {"149.154.167.220"}, 300, "Chat (IM)/SMS"},
        {"api.onedrive.com", {"13.107.42.12", "13.107.43.12"}, 300, "Office/Business Applications"},
        {"paste.ee", {"172.67.178.235", "104.21.28.54"}, 300, "Technology/Internet"},
        {"rentry.co", {"172.67.75.41", "104.26.9.177"}, 300, "Technology/Internet"},
        {"docs.google.com", {"142.250.185.78", "142.250.186.174"}, 300, "Office/Business Applications"},
        {"www.reddit.com", {"151.101.1.140", "151.101.65.140"}, 300, "Social Networking"},
        {"www.redditstatic.com", {"151.101.1.140"}, 300, "Content Servers"},
        {"discord.com", {"162.159.135.232", "162.159.136.232"}, 300, "Chat (IM)/SMS"},
        {"gitlab.com", {"172.65.251.78"}, 300, "Technology/Internet"},
        {"update.googleapis.com", {"142.250.185.99"}, 300, "Technology/Internet"},
        {"teams.microsoft.com", {"52.113.194.132", "52.112.100.9"}, 60, "Office/Business Applications"},
        {"winatp-gw-weu.microsoft.com", {"20.50.201.195"}, 300, "Technology/Internet"},
        {"edgeapi.slack.com", {"18.159.197.225"}, 60, "Chat (IM)/SMS"},
        {"www.google.com", {"142.250.185.68", "142.250.186.36"}, 300, "Search Engines/Portals"},
        {"outlook.office.com", {"52.97.201.226", "52.98.207.18"}, 60, "Email"},
        {"en.wikipedia.org", {"185.15.59.224"}, 600, "Reference"},
        {"stackoverflow.com", {"172.64.155.249", "104.18.32.7"}, 300, "Technology/Internet"},
        {"www.bbc.co.uk", {"151.101.0.81", "151.101.64.81"}, 300, "News"},
        {"www.linkedin.com", {"13.107.42.14"}, 300, "Social Networking"},
        {"www.youtube.com", {"142.250.185.110", "142.250.185.206"}, 300, "Audio/Video Clips"},
    };
    return k;
}

// TLS the proxy does not bump: Microsoft 365 (as Microsoft recommends), address literals.
bool bypassesInspection(const std::string& host) {
    auto endsWith = [&host](const char* suffix) {
        const size_t n = std::char_traits<char>::length(suffix);
        return host.size() >= n && host.compare(host.size() - n, n, suffix) == 0;
    };
    if (!host.empty() && host.find_first_not_of("0123456789.") == std::string::npos) {
        return true;
    }
    return endsWith("microsoft.com") || endsWith("office.com") || endsWith("office.net") ||
           endsWith("sharepoint.com") || endsWith("onedrive.com") || endsWith("live.com") ||
           endsWith("windowsupdate.com");
}

const char* const kFirst[] = {"anna", "ben",  "carla", "david", "emma",  "felix", "grace", "hugo",  "iris",  "jonas",
                              "kate", "liam", "maria", "noah",  "olga",  "paul",  "quinn", "rosa",  "sam",   "tara",
                              "umar", "vera", "will",  "xenia", "yusuf", "zoe",   "alex",  "bruno", "chloe", "dan"};
const char* const kLast[] = {"meyer",     "schmidt", "novak", "rossi",  "kowalski", "dubois",  "smith", "jensen",
                             "garcia",    "fischer", "weber", "costa",  "horvat",   "nielsen", "brown", "keller",
                             "lindqvist", "moreau",  "olsen", "petrov", "quist",    "richter", "silva", "taylor"};

constexpr const char* kChromeUa = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                                  "Chrome/122.0.6261.95 Safari/537.36";
constexpr const char* kEdgeUa = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                                "Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.66";
constexpr const char* kChrome = R"~(C:\Program Files\Google\Chrome\Application\chrome.exe)~";
constexpr const char* kEdge = R"~(C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe)~";

} // namespace

void ScenarioGenerator::buildHosts() {
    RandomSource r = RandomSource::derived(options_.seed, 1);
    struct Dept {
        const char* code;
        const char* name;
        double weight;
    };
    static const Dept depts[] = {{"DEV", "engineering", 0.3},    {"FIN", "finance", 0.15},       {"SAL", "sales", 0.2},
                                 {"HR", "human-resources", 0.1}, {"OPS", "it-operations", 0.15}, {"LEG", "legal", 0.1}};
    std::map<std::string, int> perDept;
    std::map<std::string, int> userNames;
    for (int i = 0; i < options_.workstations; ++i) {
        const Dept* d = &depts[0];
        if (i > 0) { // the first workstation is a developer's, so developer scenarios always have one
            double x = r.uniform01();
            for (const Dept& cand : depts) {
                d = &cand;
                if ((x -= cand.weight) < 0) {
                    break;
                }
            }
        }
        SimHost h;
        const int n = ++perDept[d->code];
        char name[32];
        std::snprintf(name, sizeof name, "WKS-%s-%02d", d->code, n);
        h.name = name;
        h.fqdn = h.name + "." + world_.domain;
        h.ip = "10.20." + std::to_string(1 + i / 200) + "." + std::to_string(10 + i % 200);
        h.role = "workstation";
        h.owner = d->name;
        h.developer = std::string(d->code) == "DEV";
        std::string user = std::string(1, kFirst[r.uniformInt(0, std::size(kFirst) - 1)][0]) +
                           kLast[r.uniformInt(0, std::size(kLast) - 1)];
        if (const int k = ++userNames[user]; k > 1) {
            user += std::to_string(k);
        }
        h.user = user;
        h.userSid = "S-1-5-21-3541430928-2051711210-1391384369-" + std::to_string(1104 + i);
        const bool edge = r.chance(0.3);
        h.browserImage = edge ? kEdge : kChrome;
        h.browserUa = edge ? kEdgeUa : kChromeUa;
        h.alwaysOn = r.chance(0.5);
        h.machineTag = static_cast<uint32_t>(r.next());
        world_.hosts.push_back(std::move(h));
    }
    struct ServerRole {
        const char* name;
        const char* role;
        const char* owner;
        bool linuxOs;
    };
    static const ServerRole roles[] = {
        {"DC01", "domain-controller", "it-operations", false}, {"FS01", "file-server", "it-operations", false},
        {"BUILD01", "build-server", "engineering", true},      {"DB01", "database-server", "engineering", true},
        {"APP01", "application-server", "engineering", false}, {"WEB01", "web-server", "engineering", true}};
    for (int j = 0; j < options_.servers; ++j) {
        const ServerRole& sr = roles[j % std::size(roles)];
        SimHost h;
        h.name = sr.name;
        if (j >= static_cast<int>(std::size(roles))) {
            const int k = j / static_cast<int>(std::size(roles)) + 1;
            h.name = h.name.substr(0, h.name.size() - 2) + (k < 10 ? "0" : "") + std::to_string(k);
        }
        h.fqdn = lower(h.name) + "." + world_.domain;
        if (!sr.linuxOs) {
            h.fqdn = h.name + "." + world_.domain;
        }
        h.ip = j == 0 ? world_.dnsServerIp : "10.10.0." + std::to_string(20 + j);
        h.role = sr.role;
        h.owner = sr.owner;
        h.server = true;
        h.linuxOs = sr.linuxOs;
        h.sysmon = !sr.linuxOs; // Sysmon for Linux is not deployed here
        h.alwaysOn = true;
        h.machineTag = static_cast<uint32_t>(r.next());
        world_.hosts.push_back(std::move(h));
    }
    initProcessCounters(r);

    // Who is at the desk when, and when each workstation is on.
    for (size_t hi = 0; hi < world_.hosts.size(); ++hi) {
        RandomSource hr = RandomSource::derived(options_.seed, 2, hi);
        buildDesk(world_.hosts[hi], hr, options_.days, world_.startUs, world_.endUs);
    }
}

void buildDesk(SimHost& h, RandomSource& hr, int days, int64_t startUs, int64_t endUs) {
    h.desk.resize(static_cast<size_t>(days));
    if (h.server) {
        h.powered.push_back({startUs - kDay, endUs + kDay});
        return;
    }
    const double habitStart = hr.normal(8.4, 0.5);
    for (int d = 0; d < days; ++d) {
        const int64_t midnight = startUs + int64_t(d) * kDay;
        const int weekday = static_cast<int>(((midnight / kDay) % 7 + 11) % 7); // 0 = Sunday
        const bool weekend = weekday == 0 || weekday == 6;
        auto at = [midnight](double hours) { return midnight + static_cast<int64_t>(hours * double(kHour)); };
        if (weekend) {
            if (hr.chance(0.08)) {
                const double s = hr.uniform(10, 15);
                h.desk[size_t(d)].push_back({at(s), at(s + hr.uniform(0.7, 2.5))});
            }
            continue;
        }
        if (hr.chance(0.05)) {
            continue; // a day off
        }
        const double start = std::clamp(hr.normal(habitStart, 0.3), 6.5, 10.5);
        const double end = std::clamp(start + hr.normal(8.6, 0.5), start + 5.0, 20.0);
        const double lunch = std::clamp(hr.normal(12.4, 0.3), start + 2.0, end - 2.0);
        const double lunchEnd = lunch + hr.uniform(0.5, 1.0);
        h.desk[size_t(d)].push_back({at(start), at(lunch)});
        h.desk[size_t(d)].push_back({at(lunchEnd), at(end)});
    }
    if (h.alwaysOn) {
        h.powered.push_back({startUs - kDay, endUs + kDay});
    } else {
        for (const auto& day : h.desk) {
            if (!day.empty()) {
                h.powered.push_back({day.front().first - 8 * kMinute, day.back().second + 6 * kMinute});
            }
        }
    }
}

// Where each host's process IDs and Sysmon GUID counters start.
void ScenarioGenerator::initProcessCounters(RandomSource& r) {
    nextPid_.resize(world_.hosts.size());
    guidCounter_.resize(world_.hosts.size());
    for (size_t i = 0; i < world_.hosts.size(); ++i) {
        nextPid_[i] = static_cast<uint32_t>(r.uniformInt(2000, 9000)) & ~3u;
        guidCounter_[i] = static_cast<uint32_t>(r.uniformInt(0x00100000, 0x00f00000));
    }
}

bool ScenarioGenerator::deskAt(const SimHost& h, int64_t t, int64_t* nextStart, int64_t* intervalEnd) const {
    *nextStart = INT64_MAX;
    for (const auto& day : h.desk) {
        for (const auto& [s, e] : day) {
            if (t >= s && t < e) {
                *intervalEnd = e;
                return true;
            }
            if (s > t && s < *nextStart) {
                *nextStart = s;
            }
        }
    }
    return false;
}

bool ScenarioGenerator::poweredAt(const SimHost& h, int64_t t, int64_t* nextStart, int64_t* intervalEnd) const {
    *nextStart = INT64_MAX;
    for (const auto& [s, e] : h.powered) {
        if (t >= s && t < e) {
            *intervalEnd = e;
            return true;
        }
        if (s > t && s < *nextStart) {
            *nextStart = s;
        }
    }
    return false;
}

int ScenarioGenerator::destination(const std::string& host) {
    if (auto it = destIndex_.find(host); it != destIndex_.end()) {
        return it->second;
    }
    SimDestination d;
    d.host = host;
    d.inspected = !bypassesInspection(host);
    bool known = false;
    if (world_.world == 2) {
        d = world2Destination(host);
        known = true;
    }
    for (const KnownDest& k : knownDestinations()) {
        if (!known && host == k.host) {
            for (const char* ip : k.ips) {
                d.ips.emplace_back(ip);
            }
            d.ttl = k.ttl;
            d.category = k.category;
            known = true;
            break;
        }
    }
    if (!known) {
        if (isIpLiteral(host)) {
            d.ips.push_back(host);
        } else {
            // A stable address from the name: the same host always resolves the same way.
            const uint64_t hash = fnv1a(host);
            static const char* prefixes[] = {"151.101", "104.16", "13.107", "52.84", "23.185", "172.217", "99.86"};
            const std::string prefix = prefixes[hash % std::size(prefixes)];
            d.ips.push_back(prefix + "." + std::to_string((hash >> 8) % 250 + 1) + "." +
                            std::to_string((hash >> 16) % 250 + 2));
            d.ttl = static_cast<int>(60 + (hash >> 24) % 4 * 100);
        }
        d.category = d.inspected ? "Content Servers" : "Office/Business Applications";
    }
    world_.dests.push_back(std::move(d));
    const int index = static_cast<int>(world_.dests.size()) - 1;
    destIndex_.emplace(host, index);
    return index;
}

} // namespace socwb::scenario
