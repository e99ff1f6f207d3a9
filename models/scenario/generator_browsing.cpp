// ScenarioGenerator, people browsing: pages and their sub-resources by personal taste during desk
// hours, and the look-alikes that browsing makes of the sites channels hide on.
#include "generator_support.h"
#include "scenario_generator.h"

#include <algorithm>
#include <cmath>

namespace socwb::scenario {

namespace {

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

// World 2's sites: a UK insurer's staff (and its visitors) at work.
const std::vector<Site>& sitesWorld2() {
    static const std::vector<Site> k{
        {"www.google.co.uk",
         12,
         12,
         {"/search?q={w}+{w}&ie=UTF-8&oe=UTF-8", "/search?q={w}&hl=en-GB", "/"},
         {"www.gstatic.com", "apis.google.com", "fonts.gstatic.com"}},
        {"fabrikam.service-now.com",
         6,
         4,
         {"/now/nav/ui/classic/params/target/incident.do%3Fsys_id%3D{p}", "/sp?id=sc_cat_item&sys_id={p}"},
         {"fabrikam.service-now.com"}},
        {"fabrikam.sharepoint.com",
         8,
         5,
         {"/sites/{w}/SitePages/Home.aspx", "/:x:/r/sites/{w}/_layouts/15/Doc.aspx?sourcedoc={p}"},
         {"res-1.cdn.office.net", "fabrikam.sharepoint.com"}},
        {"www.bbc.co.uk",
         5,
         3,
         {"/news", "/news/uk-{n}", "/sport/football/{n}", "/weather/2643743"},
         {"static.files.bbci.co.uk", "ichef.bbci.co.uk", "emp.bbc.co.uk"}},
        {"www.theguardian.com",
         3,
         2,
         {"/uk", "/business/{n}/{w}-{w}", "/money/{w}"},
         {"assets.guim.co.uk", "i.guim.co.uk", "contributions.guardianapis.com"}},
        {"www.gov.uk",
         2,
         1,
         {"/government/publications/{w}-{w}", "/guidance/{w}-{w}", "/bank-holidays"},
         {"assets.publishing.service.gov.uk", "www.gov.uk"}},
        {"www.linkedin.com",
         3,
         2,
         {"/feed/", "/in/{w}-{w}-{n}/", "/jobs/view/{n}/"},
         {"static.licdn.com", "media.licdn.com"}},
        {"en.wikipedia.org", 2, 3, {"/wiki/{W}", "/wiki/{W}_{W}"}, {"upload.wikimedia.org", "en.wikipedia.org"}},
        {"www.youtube.com", 1.5, 2, {"/watch?v={p}", "/"}, {"i.ytimg.com", "www.youtube.com"}},
        {"stackoverflow.com",
         0.3,
         9,
         {"/questions/{n}/{w}-{w}-{w}", "/search?q={w}+{w}"},
         {"cdn.sstatic.net", "i.sstatic.net"}},
        {"github.com",
         0.2,
         10,
         {"/fabrikam-ds/{w}/pull/{n}", "/{w}/{w}", "/{w}/{w}/issues/{n}", "/notifications"},
         {"github.githubassets.com", "avatars.githubusercontent.com", "api.github.com"}},
        {"raw.githubusercontent.com", 0.05, 1.2, {"/{w}/{w}/main/README.md", "/{w}/{w}/master/requirements.txt"}, {}},
        {"learn.microsoft.com",
         1.5,
         3,
         {"/en-gb/sql/t-sql/functions/{w}-transact-sql", "/en-gb/powershell/module/{w}/{w}"},
         {"learn.microsoft.com", "js.monitor.azure.com"}},
        {"chatgpt.com", 1.2, 3, {"/", "/c/{p}-{p}"}, {"cdn.oaistatic.com", "chatgpt.com"}},
        {"www.canva.com", 1.0, 0.2, {"/design/{p}/edit", "/templates/"}, {"static.canva.com"}},
        {"www.amazon.co.uk",
         1.0,
         0.8,
         {"/s?k={w}+{w}", "/dp/B0{p}"},
         {"m.media-amazon.com", "images-eu.ssl-images-amazon.com"}},
        {"www.hsbc.co.uk", 0.4, 0.3, {"/", "/online/dashboard/"}, {"www.hsbc.co.uk"}},
        {"www.reddit.com", 0.8, 1.5, {"/r/{w}/comments/{p}/{w}_{w}/", "/r/{w}/"}, {"www.redditstatic.com"}},
        {"pastebin.com", 0.1, 0.8, {"/{p}", "/raw/{p}"}, {"pastebin.com"}},
        {"docs.google.com",
         0.8,
         0.8,
         {"/document/d/{p}{p}/edit", "/spreadsheets/d/{p}{p}/edit#gid=0", "/forms/d/e/{p}{p}/viewform"},
         {"ssl.gstatic.com", "docs.google.com"}},
        {"www.dropbox.com", 0.4, 0.4, {"/scl/fi/{p}/{w}.pdf", "/home"}, {"cfl.dropboxstatic.com"}},
        {"discord.com", 0.2, 0.6, {"/channels/@me", "/invite/{p}"}, {"discord.com"}},
        {"fabrikam.my.workday.com", 0.8, 0.6, {"/fabrikam/d/home.htmld", "/fabrikam/d/task/{n}.htmld"}, {}},
    };
    return k;
}

const char* const kWords[] = {"invoice", "budget",  "python",   "docker",  "kubernetes", "report",     "quarterly",
                              "release", "meeting", "vpn",      "excel",   "pivot",      "regex",      "timeout",
                              "login",   "payroll", "travel",   "policy",  "golang",     "typescript", "react",
                              "sql",     "index",   "backup",   "azure",   "build",      "error",      "deploy",
                              "cache",   "weather", "football", "holiday", "pension",    "laptop"};

} // namespace

void ScenarioGenerator::simulateBrowsing() {
    const auto& siteList = options_.world == 2 ? sitesWorld2() : sites();
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

void ScenarioGenerator::collectBrowsingLookalikes() {
    // People reading the very sites channels hide on: one look-alike per site and browser.
    static const std::vector<const char*> watched1 = {
        "pastebin.com", "github.com",     "api.github.com", "raw.githubusercontent.com",
        "gitlab.com",   "www.reddit.com", "docs.google.com"};
    static const std::vector<const char*> watched2 = {
        "pastebin.com",    "github.com",      "api.github.com", "raw.githubusercontent.com",
        "docs.google.com", "www.dropbox.com", "discord.com"};
    const std::vector<const char*>& watched = options_.world == 2 ? watched2 : watched1;
    std::map<std::pair<std::string, std::string>, int> entries;
    for (const SimRequest& q : world_.requests) {
        if (q.channel >= 0 || q.process < 0) {
            continue;
        }
        const SimDestination& d = world_.dests[size_t(q.dest)];
        if (std::find_if(watched.begin(), watched.end(), [&d](const char* w) { return d.host == w; }) ==
            watched.end()) {
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
            const std::string browser = lower(basenameOf(h.browserImage));
            // A guest's device runs no agent: its browser has no image to name.
            t.id = "browser-" + d.host + "-" + (browser.size() > 4 ? browser.substr(0, browser.size() - 4) : "device");
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

} // namespace socwb::scenario
