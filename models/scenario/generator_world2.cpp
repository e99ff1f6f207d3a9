// ScenarioGenerator, world 2: an organisation unlike world 1's. An insurer on Windows 11 with
// laptops and desktops, Citrix VDA hosts where many users share one host name and address, a
// guest Wi-Fi behind one NAT address, MSSQL, Exchange and a jump host that reach the web through a
// forward proxy that does not inspect (one CONNECT host:443 per kept-alive connection), Linux
// servers with direct egress, and a transparent TLS-inspecting proxy for everyone else that logs
// CONNECT address:443 before the decrypted requests of a session and splices what it must not
// decrypt. Names resolve through CDN pools with rotating, shared addresses; the domain controllers
// cache answers and hand out the TTL that is left, and every stub resolver caches for it. The
// proxy keeps three days, Sysmon the last two, DNS the last one and a half (scaled to --days).
#include "channel_catalog.h"
#include "generator_support.h"
#include "scenario_generator.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

namespace socwb::scenario {

namespace {

struct KnownDest2 {
    const char* host;
    std::vector<const char*> pool;
    int answerCount;
    int ttl;
    const char* category;
    bool inspected;
    const char* cname = "";
    int port = 443;
};

// Addresses from the operators' published ranges (Cloudflare 104.16.0.0/13 and 172.64.0.0/13,
// Fastly 151.101.0.0/16 and GitHub's 185.199.108.0/22, Google, Microsoft, Dropbox 162.125.0.0/16,
// Telegram 149.154.160.0/20); TTLs as the operators hand them out (Cloudflare's proxied records
// 300 s, GitHub's API 60 s). Cloudflare's free-plan zones share addresses: the last two of each
// Cloudflare pool serve several names, so one address answers for pastebin.com at one time and
// for another site at another. 198.51.100.0/24 is a documentation range: the planted beacon's
// server belongs to nobody.
const std::vector<KnownDest2>& knownDestinations2() {
    static const std::vector<KnownDest2> k{
        {"pastebin.com",
         {"104.20.67.143", "172.67.34.170", "104.20.68.143", "104.21.40.16", "172.67.180.9"},
         2,
         300,
         "Technology/Internet",
         true},
        {"dpaste.org",
         {"104.26.12.41", "172.67.70.17", "104.26.13.41", "104.21.40.16", "172.67.180.9"},
         2,
         300,
         "Technology/Internet",
         true},
        {"community.chocolatey.org",
         {"104.18.11.96", "104.18.10.96", "104.21.40.16", "172.67.180.9"},
         2,
         300,
         "Technology/Internet",
         true},
        {"stackoverflow.com",
         {"104.18.32.7", "172.64.155.249", "104.21.40.16", "172.67.180.9"},
         2,
         300,
         "Technology/Internet",
         true},
        {"chatgpt.com", {"104.18.37.228", "172.64.150.28", "104.21.40.16"}, 2, 300, "Technology/Internet", true},
        {"www.canva.com", {"104.16.103.112", "104.16.104.112", "172.67.180.9"}, 2, 300, "Technology/Internet", true},
        {"discord.com",
         {"162.159.137.232", "162.159.138.232", "162.159.135.232", "162.159.128.233", "162.159.136.232"},
         5,
         300,
         "Chat (IM)/SMS",
         true},
        {"gateway.discord.gg",
         {"162.159.130.234", "162.159.133.234", "162.159.134.234", "162.159.135.234", "162.159.136.234"},
         5,
         300,
         "Chat (IM)/SMS",
         true},
        {"gitlab.com", {"172.65.251.78"}, 1, 300, "Technology/Internet", true},
        {"raw.githubusercontent.com",
         {"185.199.108.133", "185.199.109.133", "185.199.110.133", "185.199.111.133"},
         4,
         3600,
         "Technology/Internet",
         true},
        {"gist.githubusercontent.com",
         {"185.199.108.133", "185.199.109.133", "185.199.110.133", "185.199.111.133"},
         4,
         3600,
         "Technology/Internet",
         true},
        {"api.github.com",
         {"140.82.121.6", "140.82.121.5", "140.82.112.6", "140.82.113.6"},
         1,
         60,
         "Technology/Internet",
         true},
        {"github.com",
         {"140.82.121.4", "140.82.121.3", "140.82.112.3", "140.82.114.4"},
         1,
         60,
         "Technology/Internet",
         true},
        {"api.telegram.org", {"149.154.167.220"}, 1, 300, "Chat (IM)/SMS", true},
        {"docs.google.com",
         {"142.250.180.14", "142.250.187.238", "172.217.169.14", "216.58.212.206"},
         1,
         300,
         "Office/Business Applications",
         true},
        {"doc-0k-9c-docs.googleusercontent.com",
         {"142.250.179.225", "172.217.16.225", "142.250.200.1"},
         1,
         300,
         "Content Servers",
         true},
        {"www.google.co.uk",
         {"142.250.187.227", "142.250.180.3", "216.58.201.99"},
         1,
         300,
         "Search Engines/Portals",
         true},
        {"update.googleapis.com", {"142.250.178.3", "142.250.200.35"}, 1, 300, "Technology/Internet", true},
        {"content.dropboxapi.com", {"162.125.64.14", "162.125.66.14"}, 1, 300, "Personal Network Storage", false},
        {"notify.dropboxapi.com", {"162.125.21.3", "162.125.21.2"}, 1, 300, "Personal Network Storage", false},
        {"www.dropbox.com", {"162.125.64.18", "162.125.66.18"}, 1, 300, "Personal Network Storage", false},
        {"us05web.zoom.us", {"170.114.52.2", "170.114.52.66", "170.114.45.6"}, 1, 60, "Web Conferencing", false},
        {"spclient.wg.spotify.com",
         {"35.186.224.24", "35.186.224.47", "35.186.224.25"},
         1,
         300,
         "Audio/Video Clips",
         true,
         "edge-web.dual-gslb.spotify.com"},
        {"outlook.office365.com",
         {"52.97.211.226", "52.98.160.82", "40.99.204.34", "52.97.183.130"},
         4,
         60,
         "Email",
         false,
         "outlook.ha.office365.com"},
        {"teams.microsoft.com", {"52.113.194.132", "52.112.100.9"}, 1, 60, "Office/Business Applications", false},
        {"fabrikam-my.sharepoint.com",
         {"13.107.136.10", "13.107.138.10"},
         2,
         60,
         "Office/Business Applications",
         false},
        {"fe3cr.delivery.mp.microsoft.com", {"20.50.80.213", "20.50.80.214"}, 1, 300, "Software Downloads", false},
        {"wdcp.microsoft.com", {"20.54.232.160"}, 1, 300, "Technology/Internet", false},
        {"definitionupdates.microsoft.com", {"23.55.161.73", "23.55.161.77"}, 2, 300, "Software Downloads", false},
        {"officecdn.microsoft.com", {"23.55.161.139", "23.55.161.147"}, 2, 300, "Software Downloads", false},
        {"v10.events.data.microsoft.com",
         {"20.189.173.14", "20.42.65.90"},
         1,
         300,
         "Technology/Internet",
         false,
         "global.asimov.events.data.trafficmanager.net"},
        {"msedge.api.cdp.microsoft.com", {"20.73.194.208"}, 1, 300, "Software Downloads", true},
        {"update.code.visualstudio.com", {"13.107.246.45", "13.107.213.45"}, 1, 300, "Software Downloads", true},
        {"notifications.bitwarden.com", {"20.119.0.40"}, 1, 300, "Technology/Internet", true},
        {"7-51-0-app.agent.datadoghq.eu", {"34.107.236.155", "34.149.115.128"}, 1, 60, "Technology/Internet", true},
        {"api.snapcraft.io",
         {"185.125.188.54", "185.125.188.55", "185.125.188.58", "185.125.188.59"},
         4,
         300,
         "Software Downloads",
         true},
        {"time.windows.com", {"168.61.215.74"}, 1, 900, "Technology/Internet", false, "", 123},
        {"gateway.icloud.com",
         {"17.248.213.64", "17.248.213.66", "17.248.213.68"},
         3,
         60,
         "Technology/Internet",
         true,
         "gateway.fe.apple-dns.net"},
        {"www.bbc.co.uk", {"151.101.0.81", "151.101.64.81", "151.101.128.81", "151.101.192.81"}, 4, 300, "News", true},
        {"www.theguardian.com",
         {"151.101.1.111", "151.101.65.111", "151.101.129.111", "151.101.193.111"},
         4,
         300,
         "News",
         true},
        {"www.gov.uk",
         {"151.101.0.144", "151.101.64.144", "151.101.128.144", "151.101.192.144"},
         4,
         300,
         "Government/Legal",
         true},
        {"www.reddit.com",
         {"151.101.1.140", "151.101.65.140", "151.101.129.140", "151.101.193.140"},
         4,
         300,
         "Social Networking",
         true},
        {"www.hsbc.co.uk", {"91.214.6.126"}, 1, 300, "Financial Services", false},
        {"198.51.100.23", {"198.51.100.23"}, 1, 0, "Uncategorized", true},
        {"149.154.167.51", {"149.154.167.51"}, 1, 0, "Chat (IM)/SMS", false},
    };
    return k;
}

// What the organisation does not decrypt: Microsoft 365 and Windows Update (as Microsoft asks),
// Zoom and Dropbox (which pin their certificates), banking and health (privacy policy).
bool splicedWorld2(const std::string& host) {
    auto endsWith = [&host](const char* suffix) {
        const size_t n = std::char_traits<char>::length(suffix);
        return host.size() >= n && host.compare(host.size() - n, n, suffix) == 0;
    };
    for (const char* s : {"office.com",
                          "office.net",
                          "office365.com",
                          "sharepoint.com",
                          "onedrive.com",
                          "live.com",
                          "microsoftonline.com",
                          "teams.microsoft.com",
                          "delivery.mp.microsoft.com",
                          "update.microsoft.com",
                          "windowsupdate.com",
                          "wdcp.microsoft.com",
                          "definitionupdates.microsoft.com",
                          "events.data.microsoft.com",
                          "officecdn.microsoft.com",
                          "zoom.us",
                          "dropbox.com",
                          "dropboxapi.com",
                          "hsbc.co.uk",
                          "nhs.uk"}) {
        if (endsWith(s)) {
            return true;
        }
    }
    return false;
}

const char* const kFirst2[] = {"oliver", "amelia", "george", "isla",  "harry",  "ava",   "jack",   "mia",
                               "jacob",  "sophia", "noah",   "grace", "thomas", "lily",  "oscar",  "freya",
                               "arthur", "evie",   "leo",    "poppy", "alfie",  "ella",  "joshua", "ruby",
                               "henry",  "chloe",  "ethan",  "daisy", "samuel", "imogen"};
const char* const kLast2[] = {"hughes", "patel",  "evans",  "walker", "wright", "thompson", "khan",   "roberts",
                              "clarke", "murphy", "lewis",  "jones",  "davies", "robinson", "ali",    "edwards",
                              "wood",   "hall",   "turner", "hill",   "cooper", "ward",     "morris", "singh"};

constexpr const char* kEdgeUa2 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                                 "Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.80";
constexpr const char* kChromeUa2 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                                   "Chrome/122.0.6261.112 Safari/537.36";
constexpr const char* kEdge2 = R"~(C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe)~";
constexpr const char* kChrome2 = R"~(C:\Program Files\Google\Chrome\Application\chrome.exe)~";

// What visitors bring to the guest Wi-Fi.
const char* const kGuestUa[] = {
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.3 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.105 "
    "Mobile Safari/537.36",
    "Mozilla/5.0 (iPad; CPU OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 "
    "Safari/605.1.15",
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.6167.178 Mobile "
    "Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 "
    "Safari/537.36"};
const char* const kGuestKind[] = {"iphone", "android", "ipad", "macbook", "android", "laptop"};

} // namespace

SimDestination world2Destination(const std::string& host) {
    SimDestination d;
    d.host = host;
    for (const KnownDest2& k : knownDestinations2()) {
        if (host == k.host) {
            for (const char* ip : k.pool) {
                d.ips.emplace_back(ip);
            }
            d.answerCount = std::min<int>(k.answerCount, static_cast<int>(d.ips.size()));
            d.ttl = k.ttl;
            d.category = k.category;
            d.inspected = k.inspected;
            d.cname = k.cname;
            d.port = k.port;
            d.https = k.port == 443;
            return d;
        }
    }
    d.inspected = !splicedWorld2(host);
    d.category = d.inspected ? "Content Servers" : "Office/Business Applications";
    if (isIpLiteral(host)) {
        d.ips.push_back(host);
        return d;
    }
    const uint64_t hash = fnv1a("w2:" + host);
    static const char* prefixes[] = {"151.101", "104.18", "13.107", "52.85", "23.72", "142.250", "18.165", "3.162"};
    const int n = 1 + int(hash % 3 == 0);
    for (int i = 0; i < n; ++i) {
        const uint64_t h = splitMix64(hash + uint64_t(i));
        d.ips.push_back(std::string(prefixes[(hash >> 5) % std::size(prefixes)]) + "." + std::to_string(h % 250 + 1) +
                        "." + std::to_string((h >> 8) % 250 + 2));
    }
    d.answerCount = n;
    static const int ttls[] = {60, 300, 300, 3600};
    d.ttl = ttls[(hash >> 13) % std::size(ttls)];
    return d;
}

void ScenarioGenerator::buildHostsWorld2() {
    RandomSource r = RandomSource::derived(options_.seed, 201);
    world_.domain = "fabrikam.internal";
    world_.netbios = "FABRIKAM";
    world_.proxyIp = "172.16.0.8";
    world_.proxyName = "FAB-SWG01";
    world_.dnsServerIp = "172.16.0.10";
    world_.dnsServerName = "FAB-DC01";
    world_.proxyMode = "transparent";
    struct Dept {
        const char* code;
        const char* name;
        double weight;
        bool developer;
    };
    static const Dept depts[] = {
        {"DS", "data-science", 0.12, true}, {"CLM", "claims", 0.25, false}, {"UW", "underwriting", 0.15, false},
        {"FIN", "finance", 0.12, false},    {"IT", "it", 0.1, false},       {"PPL", "people", 0.06, false},
        {"MKT", "marketing", 0.1, false},   {"LEG", "legal", 0.1, false}};
    std::map<std::string, int> userNames;
    auto newUser = [&]() {
        std::string user = std::string(kFirst2[r.uniformInt(0, std::size(kFirst2) - 1)]) + "." +
                           kLast2[r.uniformInt(0, std::size(kLast2) - 1)];
        if (const int k = ++userNames[user]; k > 1) {
            user += std::to_string(k);
        }
        return user;
    };
    int sid = 2101;
    std::vector<int> usedTags;
    for (int i = 0; i < options_.workstations; ++i) {
        const Dept* d = &depts[0];
        if (i > 0) { // the first is a data scientist's, so developer channels always have a host
            double x = r.uniform01();
            for (const Dept& cand : depts) {
                d = &cand;
                if ((x -= cand.weight) < 0) {
                    break;
                }
            }
        }
        SimHost h;
        const bool laptop = r.chance(0.7);
        char name[32];
        std::snprintf(name, sizeof name, "FAB-%s-%04d", laptop ? "LT" : "DT",
                      int(1000 + i * 7 + r.uniformInt(0, 6))); // asset tags, not a count
        h.name = name;
        h.fqdn = h.name + "." + world_.domain;
        h.ip = laptop ? "172.20." + std::to_string(8 + i / 250) + "." + std::to_string(10 + i % 250)
                      : "172.16." + std::to_string(40 + i / 250) + "." + std::to_string(10 + i % 250);
        h.role = laptop ? "Laptop" : "Desktop";
        h.owner = d->name;
        h.developer = d->developer;
        h.user = newUser();
        h.userSid = "S-1-5-21-1004336348-1177238915-682003330-" + std::to_string(sid++);
        const bool edge = r.chance(0.6);
        h.browserImage = edge ? kEdge2 : kChrome2;
        h.browserUa = edge ? kEdgeUa2 : kChromeUa2;
        h.alwaysOn = r.chance(laptop ? 0.25 : 0.6);
        h.machineTag = static_cast<uint32_t>(r.next());
        world_.hosts.push_back(std::move(h));
    }
    struct ServerRole {
        const char* name;
        const char* role;
        const char* owner;
        bool linuxOs;
    };
    // Role names as a CMDB lists them.
    static const ServerRole roles[] = {{"FAB-DC01", "Domain Controller", "it-infrastructure", false},
                                       {"FAB-CTX01", "Citrix VDA (multi-session)", "end-user-computing", false},
                                       {"FAB-SQL01", "MSSQL", "data-platform", false},
                                       {"fab-mon01", "Linux - monitoring", "it-infrastructure", true},
                                       {"FAB-JMP01", "Jump host (RDP)", "it-infrastructure", false},
                                       {"FAB-EXCH01", "Exchange (hybrid)", "messaging", false},
                                       {"FAB-CTX02", "Citrix VDA (multi-session)", "end-user-computing", false},
                                       {"FAB-DC02", "Domain Controller", "it-infrastructure", false},
                                       {"fab-web01", "Linux - nginx", "digital", true},
                                       {"FAB-FS01", "File server", "it-infrastructure", false}};
    std::vector<int> vdas;
    for (int j = 0; j < options_.servers; ++j) {
        const ServerRole& sr = roles[j % std::size(roles)];
        SimHost h;
        h.name = sr.name;
        if (j >= static_cast<int>(std::size(roles))) {
            const int k = j / static_cast<int>(std::size(roles)) + 1;
            h.name = h.name.substr(0, h.name.size() - 2) + (k < 10 ? "0" : "") + std::to_string(k);
        }
        h.fqdn = h.name + "." + world_.domain;
        h.ip = j == 0 ? world_.dnsServerIp : "172.16." + std::to_string(j / 200) + "." + std::to_string(10 + j % 200);
        h.role = sr.role;
        h.owner = sr.owner;
        h.server = true;
        h.linuxOs = sr.linuxOs;
        h.sysmon = !sr.linuxOs;
        h.directEgress = sr.linuxOs;
        const bool vda = h.role.starts_with("Citrix");
        h.explicitProxy = !sr.linuxOs && !vda;
        h.browserImage = vda ? kEdge2 : "";
        h.browserUa = vda ? kEdgeUa2 : "";
        h.machineTag = static_cast<uint32_t>(r.next());
        if (vda) {
            vdas.push_back(static_cast<int>(world_.hosts.size()));
        }
        world_.hosts.push_back(std::move(h));
    }
    {
        SimHost p; // the forward proxy resolves names for the servers that CONNECT through it
        p.name = world_.proxyName;
        p.fqdn = p.name + "." + world_.domain;
        p.ip = world_.proxyIp;
        p.role = "Secure Web Gateway";
        p.owner = "it-security";
        p.server = true;
        p.linuxOs = true;
        p.sysmon = false;
        p.directEgress = true;
        p.machineTag = static_cast<uint32_t>(r.next());
        world_.proxyHost = static_cast<int>(world_.hosts.size());
        world_.hosts.push_back(std::move(p));
    }
    // Citrix users: one entry per user session, on the VDA's name, address and machine.
    const int seats = std::clamp(options_.workstations / 4, 3, 30);
    for (int v : vdas) {
        for (int s = 0; s < seats; ++s) {
            const SimHost& vda = world_.hosts[size_t(v)];
            SimHost h;
            h.name = vda.name;
            h.fqdn = vda.fqdn;
            h.ip = vda.ip;
            h.role = vda.role;
            h.owner = s % 3 == 0 ? "underwriting" : "claims";
            h.user = newUser();
            h.userSid = "S-1-5-21-1004336348-1177238915-682003330-" + std::to_string(sid++);
            h.browserImage = kEdge2;
            h.browserUa = kEdgeUa2;
            h.sysmon = vda.sysmon;
            h.alwaysOn = false;
            h.machine = v;
            h.sharing = "vda-session";
            h.machineTag = vda.machineTag;
            world_.hosts.push_back(std::move(h));
        }
    }
    // Visitors on the guest Wi-Fi: their own devices, one NAT address, no agent on them.
    const int guests = std::clamp(options_.workstations / 3, 4, 60);
    for (int g = 0; g < guests; ++g) {
        SimHost h;
        h.name = "FAB-GUEST-NAT";
        h.fqdn = "guest-nat." + world_.domain;
        h.ip = "172.31.254.1";
        h.role = "NAT gateway (guest Wi-Fi)";
        h.owner = "facilities";
        const size_t kind = size_t(r.uniformInt(0, std::size(kGuestUa) - 1));
        h.browserUa = kGuestUa[kind];
        char label[48];
        std::snprintf(label, sizeof label, "guest-%02d (%s)", g + 1, kGuestKind[kind]);
        h.device = label;
        h.sysmon = false;
        h.alwaysOn = false;
        h.sharing = "nat-device";
        h.machineTag = static_cast<uint32_t>(r.next());
        world_.hosts.push_back(std::move(h));
    }
    initProcessCounters(r);
    const int firstGuest = static_cast<int>(world_.hosts.size()) - guests;
    for (size_t hi = 0; hi < world_.hosts.size(); ++hi) {
        SimHost& h = world_.hosts[hi];
        RandomSource hr = RandomSource::derived(options_.seed, 202, hi);
        if (h.sharing == "nat-device") {
            // A visit: some weekdays, an hour to a working day, between nine and five.
            h.desk.resize(size_t(options_.days));
            for (int d = 0; d < options_.days; ++d) {
                const int64_t midnight = world_.startUs + int64_t(d) * kDay;
                const int weekday = static_cast<int>(((midnight / kDay) % 7 + 11) % 7);
                // Two contractors come every weekday; other visitors now and then.
                const bool regular = int(hi) - firstGuest < 2;
                if (weekday == 0 || weekday == 6 || !(hr.chance(0.45) || regular)) {
                    continue;
                }
                const double from = hr.uniform(9, 15);
                const double to = std::min(17.5, from + hr.uniform(1, 6));
                h.desk[size_t(d)].push_back(
                    {midnight + int64_t(from * double(kHour)), midnight + int64_t(to * double(kHour))});
                h.powered.push_back(h.desk[size_t(d)].back());
            }
            continue;
        }
        buildDesk(h, hr, options_.days, world_.startUs, world_.endUs);
    }
    // Sources keep different retention: the proxy the whole window, Sysmon the last two thirds,
    // DNS the last half (three days: three, two and one and a half).
    const int64_t window = world_.endUs - world_.startUs;
    world_.proxyFromUs = world_.startUs;
    world_.sysmonFromUs = world_.startUs + window / 3 / kHour * kHour;
    world_.dnsFromUs = world_.startUs + window / 2 / kHour * kHour;
}

void ScenarioGenerator::resolveConnectionsWorld2() {
    std::vector<SimRequest> requests = std::move(world_.requests);
    world_.requests.clear();
    std::vector<size_t> order(requests.size());
    for (size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    // One pass over everyone in time order: the domain controllers' cache is shared by all.
    std::stable_sort(order.begin(), order.end(), [&requests](size_t a, size_t b) {
        if (requests[a].startUs != requests[b].startUs) {
            return requests[a].startUs < requests[b].startUs;
        }
        return requests[a].host < requests[b].host;
    });
    const int hostCount = static_cast<int>(world_.hosts.size());
    auto machineOf = [this](int host) {
        const int m = world_.hosts[size_t(host)].machine;
        return m >= 0 ? m : host;
    };

    SimDestination proxyDest;
    proxyDest.host = lower(world_.proxyName) + "." + world_.domain;
    proxyDest.ips = {world_.proxyIp};
    proxyDest.port = 8080;
    proxyDest.https = false;
    world_.dests.push_back(proxyDest);
    const int proxyDestIndex = static_cast<int>(world_.dests.size()) - 1;

    enum class Path : uint8_t { Transparent, Explicit, Direct };
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
        int host = -1;
        int keepAliveS = 0;
        const std::string* ua = nullptr;
        uint64_t uidSeed = 0;
        Path path = Path::Transparent;
        bool bumped = false;
    };
    struct Answer {
        int64_t expires = 0;
        uint8_t count = 0;
        uint8_t ips[4] = {0, 0, 0, 0};
    };
    struct ResolverEntry {
        int64_t expires = 0;
        uint32_t fetches = 0;
        uint32_t served = 0;
        uint8_t count = 0;
        uint8_t ips[4] = {0, 0, 0, 0};
    };
    struct MachineState {
        std::unordered_map<uint64_t, Connection> conns;
        std::vector<uint64_t> closeOrder;
        std::unordered_map<int, Answer> cache;
        uint16_t port = 0;
        bool started = false;
    };
    std::vector<MachineState> machines(static_cast<size_t>(hostCount));
    std::vector<RandomSource> rngs;
    rngs.reserve(size_t(hostCount));
    for (int h = 0; h < hostCount; ++h) {
        rngs.push_back(RandomSource::derived(options_.seed, 204, uint64_t(h)));
    }
    std::unordered_map<int, ResolverEntry> resolver;

    // Sysmon configurations commonly leave out the network events of a few chatty signed agents.
    const std::vector<char> quietProcess =
        quietProcesses(world_.processes, {"\\MsMpEng.exe", "\\Microsoft OneDrive\\OneDrive.exe", "\\ms-teams.exe"});

    // A name looked up by a client at time t: from its own cache while the TTL lasts, else from the
    // domain controllers, which answer from their cache (the TTL that is left, the addresses
    // rotated by one per answer) or fetch a fresh answer from the CDN's pool.
    auto lookup = [&](int client, int dest, int64_t t, RandomSource& r, int channel) -> Answer {
        const SimHost& h = world_.hosts[size_t(client)];
        MachineState& ms = machines[size_t(machineOf(client))];
        if (h.dnsCache) {
            if (auto it = ms.cache.find(dest); it != ms.cache.end() && it->second.expires > t) {
                return it->second;
            }
        }
        const SimDestination& d = world_.dests[size_t(dest)];
        ResolverEntry& e = resolver[dest];
        SimDnsQuery dq;
        if (e.expires <= t) {
            ++e.fetches;
            e.served = 0;
            e.count = static_cast<uint8_t>(std::clamp<int>(d.answerCount, 1, 4));
            const size_t pool = d.ips.size();
            const uint64_t start = splitMix64(fnv1a(d.host) + e.fetches) % pool;
            for (uint8_t k = 0; k < e.count; ++k) {
                e.ips[k] = static_cast<uint8_t>((start + k) % pool);
            }
            e.expires = t + int64_t(std::max(d.ttl, 1)) * kSecond;
            dq.upstream = true;
        } else {
            ++e.served;
        }
        Answer a;
        a.count = e.count;
        for (uint8_t k = 0; k < e.count; ++k) {
            a.ips[k] = e.ips[(k + e.served) % e.count];
        }
        const int64_t left = (e.expires - t + kSecond - 1) / kSecond;
        a.expires = t + left * kSecond;
        if (h.dnsCache) {
            ms.cache[dest] = a;
        }
        dq.rttUs = static_cast<int32_t>(dq.upstream ? r.uniformInt(9000, 60000) : r.uniformInt(250, 1500));
        dq.tsUs = t - dq.rttUs;
        dq.host = client;
        dq.dest = dest;
        dq.ipIndex = a.ips[0];
        dq.answerCount = a.count;
        std::copy(std::begin(a.ips), std::end(a.ips), std::begin(dq.answers));
        dq.ttl = static_cast<int32_t>(left);
        dq.clientPort = static_cast<uint16_t>(r.uniformInt(50000, 65000));
        dq.xid = static_cast<uint16_t>(r.next());
        dq.uidSeed = r.next();
        dq.channel = channel;
        if (dq.tsUs >= world_.dnsFromUs && dq.tsUs < world_.endUs) {
            world_.dns.push_back(dq);
            if (channel >= 0) {
                ++truth_[size_t(channel)].dnsQueries;
            }
        }
        return a;
    };

    std::vector<SimRequest> out;
    out.reserve(requests.size());
    auto closeConnection = [&](const Connection& c) {
        if (c.path == Path::Direct || c.bumped) {
            return; // nothing to log at the end: no proxy, or a bumped session whose requests are logged
        }
        const int64_t end = c.last + std::max<int64_t>(c.keepAliveS, 1) * kSecond;
        if (end >= world_.endUs || c.opened < world_.proxyFromUs) {
            return; // still open when the logs were collected
        }
        SimRequest t;
        t.startUs = c.opened;
        t.durationMs = static_cast<int32_t>((end - c.opened) / 1000);
        t.host = c.host;
        t.process = c.process;
        t.dest = c.dest;
        t.channel = c.channel;
        t.ipIndex = c.ipIndex;
        t.clientPort = c.port;
        t.method = Method::Connect;
        t.line = c.path == Path::Explicit ? ProxyLine::Named : ProxyLine::Spliced;
        t.status = 200;
        t.bytesOut = c.bytesOut + 640;
        t.bytesIn = c.bytesIn + 5100;
        t.userAgent = c.ua;
        t.contentType = "-";
        t.uidSeed = c.uidSeed;
        out.push_back(std::move(t));
    };

    for (size_t oi : order) {
        SimRequest& q = requests[oi];
        const SimHost& h = world_.hosts[size_t(q.host)];
        const int m = machineOf(q.host);
        MachineState& ms = machines[size_t(m)];
        RandomSource& r = rngs[size_t(m)];
        if (!ms.started) {
            ms.started = true;
            ms.port = static_cast<uint16_t>(r.uniformInt(49800, 60000));
        }
        const SimDestination& d = world_.dests[size_t(q.dest)];
        const ChannelSpec* spec = specOf(q.channel);
        const Path path = h.directEgress || (spec && spec->noProxy) ? Path::Direct
                          : h.explicitProxy                         ? Path::Explicit
                                                                    : Path::Transparent;
        const uint64_t key = (uint64_t(uint32_t(q.process)) << 24) | uint32_t(q.dest);
        auto it = ms.conns.find(key);
        const bool reuse = it != ms.conns.end() && q.keepAliveS > 0 &&
                           q.startUs <= it->second.last + int64_t(q.keepAliveS) * kSecond &&
                           q.startUs <= it->second.opened + 10 * kMinute;
        if (!reuse) {
            if (it != ms.conns.end()) {
                closeConnection(it->second);
            }
            Connection c;
            c.opened = q.startUs;
            c.process = q.process;
            c.dest = q.dest;
            c.host = q.host;
            c.channel = q.channel;
            c.keepAliveS = q.keepAliveS;
            c.ua = q.userAgent;
            c.uidSeed = q.uidSeed;
            c.path = path;
            c.bumped = path == Path::Transparent && d.inspected;
            ms.port = static_cast<uint16_t>(ms.port >= 65500 ? 49700 + r.uniformInt(0, 300)
                                                             : ms.port + 1 + r.uniformInt(0, 2));
            c.port = ms.port;
            const bool literal = isIpLiteral(d.host);
            const bool quiet = quietProcess[size_t(q.process)] != 0;
            const int64_t resolveAt = q.startUs - r.uniformInt(1500, 4000);
            Answer a;
            if (literal) {
                a.count = 1;
            } else if (path == Path::Explicit) {
                a = lookup(world_.proxyHost, q.dest, resolveAt, rngs[size_t(world_.proxyHost)], -1);
            } else {
                a = lookup(q.host, q.dest, resolveAt, r, q.channel);
                if (h.sysmon && !quiet) {
                    // Sysmon reports every lookup the process asks for, cache hit or not.
                    SimSysmonEvent e;
                    e.tsUs = resolveAt + r.uniformInt(300, 1800);
                    e.host = q.host;
                    e.eventId = 22;
                    e.process = q.process;
                    e.dest = q.dest;
                    e.ipIndex = a.ips[0];
                    e.answerCount = a.count;
                    std::copy(std::begin(a.ips), std::end(a.ips), std::begin(e.answers));
                    world_.sysmon.push_back(std::move(e));
                }
            }
            c.ipIndex = a.ips[0];
            if (h.sysmon && !quiet) {
                SimSysmonEvent e;
                e.tsUs = q.startUs + r.uniformInt(200, 2500);
                e.host = q.host;
                e.eventId = 3;
                e.process = q.process;
                e.dest = q.dest;
                e.viaDest = path == Path::Explicit ? proxyDestIndex : -1;
                e.ipIndex = c.ipIndex;
                e.sourcePort = c.port;
                world_.sysmon.push_back(std::move(e));
            }
            if (c.bumped && q.startUs >= world_.proxyFromUs) {
                // The transparent proxy knows only the address until it has bumped the session.
                SimRequest b;
                b.startUs = q.startUs - r.uniformInt(30, 90) * 1000;
                b.durationMs = static_cast<int32_t>(r.uniformInt(1, 25));
                b.host = q.host;
                b.process = q.process;
                b.dest = q.dest;
                b.channel = q.channel;
                b.ipIndex = c.ipIndex;
                b.clientPort = c.port;
                b.method = Method::Connect;
                b.line = ProxyLine::BumpConnect;
                b.status = 200;
                b.userAgent = nullptr;
                b.contentType = "-";
                b.uidSeed = splitMix64(q.uidSeed);
                out.push_back(std::move(b));
            }
            if (it == ms.conns.end()) {
                ms.closeOrder.push_back(key);
            }
            it = ms.conns.insert_or_assign(key, c).first;
        }
        Connection& c = it->second;
        c.last = std::max(c.last, q.endUs());
        q.clientPort = c.port;
        q.ipIndex = c.ipIndex;
        if (path == Path::Direct) {
            continue;
        }
        if (!c.bumped) {
            c.bytesOut += q.bytesOut;
            c.bytesIn += q.bytesIn;
            continue;
        }
        if (q.endUs() < world_.endUs && q.startUs >= world_.proxyFromUs) {
            q.line = ProxyLine::Decrypted;
            out.push_back(std::move(q));
        }
    }
    for (MachineState& ms : machines) {
        for (uint64_t key : ms.closeOrder) {
            closeConnection(ms.conns[key]);
        }
    }
    for (const SimRequest& q : out) {
        if (q.channel >= 0) {
            ++truth_[size_t(q.channel)].proxyLines;
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const SimRequest& a, const SimRequest& b) { return a.endUs() < b.endUs(); });
    world_.requests = std::move(out);
    std::stable_sort(world_.dns.begin(), world_.dns.end(),
                     [](const SimDnsQuery& a, const SimDnsQuery& b) { return a.tsUs < b.tsUs; });
}

} // namespace socwb::scenario
