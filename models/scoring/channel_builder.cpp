#include "channel_builder.h"

#include "core/logging.h"
#include "core/resources.h"
#include "ingest/write/domain_names.h"
#include "interval_stats.h"
#include "store/case_validation.h"
#include "store/slim_rows.h"
#include "store/statement.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

namespace socwb::scoring {

namespace {

enum Kind : uint8_t { kProxy = 0, kDns = 1, kDnsQuery = 2, kNet = 3 };
enum Method : uint8_t { kOther = 0, kGet = 1, kPost = 2, kConnect = 3, kPut = 4 };

// One event as a channel keeps it: 48 bytes, so five million fit well under a gigabyte.
struct Ev {
    int64_t ts = 0;
    int64_t id = 0;
    int32_t bytesOut = -1;
    int32_t bytesIn = -1;
    uint32_t pathHash = 0;
    int32_t ua = 0;      // interned User-Agent, 0 none
    int32_t process = 0; // processes.id, 0 none
    uint8_t kind = kProxy;
    uint8_t method = kOther;
};

struct GroupKey {
    int64_t host;
    int64_t domain;
    int32_t endpoint; // 0: none
    int32_t image;    // 0: no process
    bool operator==(const GroupKey& o) const {
        return host == o.host && domain == o.domain && endpoint == o.endpoint && image == o.image;
    }
};
struct GroupKeyHash {
    size_t operator()(const GroupKey& k) const {
        uint64_t h = static_cast<uint64_t>(k.host) * 0x9E3779B97F4A7C15ULL;
        h ^= static_cast<uint64_t>(k.domain) + 0x7F4A7C159E3779B9ULL + (h << 6) + (h >> 2);
        h ^= (static_cast<uint64_t>(static_cast<uint32_t>(k.endpoint)) << 32 | static_cast<uint32_t>(k.image)) +
             (h << 6) + (h >> 2);
        return static_cast<size_t>(h);
    }
};

struct DomainInfo {
    std::string name;
    std::string registered;
    const WebService* service = nullptr;
    bool serviceLooked = false;
    std::unordered_map<std::string, int32_t> endpointCache; // path -> endpoint id (0 none)
};

struct EndpointInfo {
    const EndpointShape* shape = nullptr;
    QString prefix;
};

struct HostInfo {
    QString name, role, ips;
};

uint32_t hashPath(const char* s, int n) {
    uint32_t h = 2166136261u; // FNV-1a
    for (int i = 0; i < n; ++i) {
        h = (h ^ static_cast<uint8_t>(s[i])) * 16777619u;
    }
    return h;
}

uint8_t methodCode(const unsigned char* m) {
    if (!m) {
        return kOther;
    }
    const std::string_view v(reinterpret_cast<const char*>(m));
    if (v == "GET" || v == "HEAD") {
        return kGet;
    }
    if (v == "POST") {
        return kPost;
    }
    if (v == "CONNECT") {
        return kConnect;
    }
    if (v == "PUT" || v == "PATCH") {
        return kPut;
    }
    return kOther;
}

// A byte count as an event keeps it (-1: not logged); a tampered value names its row.
int32_t bytesOf(sqlite3_stmt* s, int col, int64_t row, const char* column) {
    const int64_t v = validation::countOrAbsent(s, col, "proxy_rows", row, column);
    return v < 0 ? -1 : static_cast<int32_t>(std::min<int64_t>(v, INT32_MAX));
}

// Internal addresses (RFC 1918, loopback, link-local, CGNAT, IPv6 ULA and link-local): traffic to
// them is not traffic to a web service.
bool isPrivate(const std::string& ip) {
    unsigned a = 0, b = 0, c = 0, d = 0;
    char tail = 0;
    if (std::sscanf(ip.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 && a < 256 && b < 256) {
        return a == 10 || a == 127 || (a == 172 && b >= 16 && b < 32) || (a == 192 && b == 168) ||
               (a == 169 && b == 254) || (a == 100 && b >= 64 && b < 128);
    }
    const std::string v = QString::fromStdString(ip).toLower().toStdString();
    return v == "::1" || v.rfind("fc", 0) == 0 || v.rfind("fd", 0) == 0 || v.rfind("fe80", 0) == 0;
}

double medianOf(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return medianSorted(v);
}

double shareNear(const std::vector<double>& v, double median, double rel, double abs) {
    if (v.empty()) {
        return 0;
    }
    const double tol = std::max(rel * median, abs);
    const auto n = std::count_if(v.begin(), v.end(), [&](double x) { return std::abs(x - median) <= tol; });
    return static_cast<double>(n) / static_cast<double>(v.size());
}

QString lowerFileName(const QString& image) {
    const qsizetype cut = std::max(image.lastIndexOf(QLatin1Char('\\')), image.lastIndexOf(QLatin1Char('/')));
    return image.mid(cut + 1).toLower();
}

// The attributions of one request kind, read in request-id order beside a scan of that table.
class AttributionCursor {
  public:
    AttributionCursor(sqlite3* db, const char* kind, double minConfidence, const validation::TableIds& processes)
        : processes_(processes),
          st_(db, "SELECT request_id, process_id FROM attributions WHERE request_kind = ? AND confidence >= ? "
                  "ORDER BY request_id") {
        st_.bind(1, kind).bind(2, minConfidence);
        advance();
    }
    // The process of request `id` (ids asked in ascending order), or 0.
    int64_t processOf(int64_t id) {
        while (!done_ && current_ < id) {
            advance();
        }
        return !done_ && current_ == id ? process_ : 0;
    }

  private:
    void advance() {
        if (st_.step()) {
            current_ = st_.int64(0);
            process_ = st_.int64(1);
            processes_.index(process_, "attributions", current_, "process_id");
        } else {
            done_ = true;
        }
    }
    const validation::TableIds& processes_;
    Statement st_;
    int64_t current_ = 0, process_ = 0;
    bool done_ = false;
};

} // namespace

ChannelBuilder::ChannelBuilder(sqlite3* db, const WebServiceCatalog& catalog, const ScoringConfig& config)
    : db_(db), catalog_(catalog), config_(config) {}

std::vector<BuiltChannel> ChannelBuilder::build(const Progress& progress) {
    eventsRead_ = 0;
    const double minConfidence = config_.threshold("min_attribution_confidence");
    auto tick = [&](const char* phase, int64_t done, int64_t total) {
        if (progress && !progress(QString::fromLatin1(phase), done, total)) {
            throw ScoringCancelled();
        }
    };

    // ---- Hosts
    std::unordered_map<int64_t, HostInfo> hosts;
    {
        Statement st(
            db_,
            "SELECT h.id, h.name, coalesce(h.role, ''), "
            "(SELECT group_concat(ip, ',') FROM (SELECT ip FROM host_addresses a WHERE a.host_id = h.id ORDER BY ip)) "
            "FROM hosts h");
        while (st.step()) {
            hosts[st.int64(0)] = {QString::fromStdString(st.text(1)), QString::fromStdString(st.text(2)),
                                  QString::fromStdString(st.text(3))};
        }
    }
    // A case is untrusted: every host, domain, process and string id read from a row is checked
    // against the table it indexes before it becomes an index, and a bad one names its row.
    auto checkHost = [&hosts](int64_t id, const char* table, int64_t row) {
        if (!hosts.count(id)) {
            validation::rowError(table, row, "host_id " + std::to_string(id) + " is not a row of hosts");
        }
        return id;
    };
    const validation::TableIds domainIds(db_, "domains"), processIds(db_, "processes"), stringIds(db_, "strings");
    // ---- Domains (names in URLs and DNS); connections' names may add more below.
    std::vector<DomainInfo> domains;
    std::unordered_map<std::string, int64_t> domainByName;
    const int64_t maxTableDomain = domainIds.maxId();
    {
        domains.resize(static_cast<size_t>(maxTableDomain + 1));
        Statement st(db_, "SELECT id, name, coalesce(reg_domain, '') FROM domains");
        while (st.step()) {
            DomainInfo& d = domains[static_cast<size_t>(st.int64(0))];
            d.name = st.text(1);
            d.registered = st.text(2);
            domainByName[d.name] = st.int64(0);
        }
    }
    DomainNames psl;
    auto domainIdFor = [&](const std::string& rawName) -> int64_t {
        const std::string name = DomainNames::normalize(rawName);
        if (name.empty()) {
            return 0;
        }
        if (auto it = domainByName.find(name); it != domainByName.end()) {
            return it->second;
        }
        DomainInfo d;
        d.name = name;
        d.registered = psl.registrable(name);
        domains.push_back(std::move(d));
        const auto id = static_cast<int64_t>(domains.size() - 1);
        domainByName[name] = id;
        return id;
    };
    auto serviceOf = [&](int64_t domainId) -> const WebService* {
        DomainInfo& d = domains[static_cast<size_t>(domainId)];
        if (!d.serviceLooked) {
            d.service = catalog_.match(d.name);
            d.serviceLooked = true;
        }
        return d.service;
    };
    std::vector<EndpointInfo> endpoints(1);
    std::map<std::pair<int64_t, QString>, int32_t> endpointIds;
    auto endpointOf = [&](int64_t domainId, const char* path, int pathLen) -> int32_t {
        const WebService* s = serviceOf(domainId);
        if (!s || s->endpoints.empty() || !path || pathLen == 0) {
            return 0;
        }
        DomainInfo& d = domains[static_cast<size_t>(domainId)];
        std::string p(path, static_cast<size_t>(pathLen));
        if (auto it = d.endpointCache.find(p); it != d.endpointCache.end()) {
            return it->second;
        }
        int32_t id = 0;
        const EndpointMatch m = catalog_.endpoint(*s, d.name, p);
        if (m.shape) {
            auto [it, inserted] = endpointIds.try_emplace({domainId, m.prefix}, static_cast<int32_t>(endpoints.size()));
            if (inserted) {
                endpoints.push_back({m.shape, m.prefix});
            }
            id = it->second;
        }
        if (d.endpointCache.size() < 4096) { // browsing a service's many pages must not grow it without bound
            d.endpointCache.emplace(std::move(p), id);
        }
        return id;
    };

    // ---- Processes: image per id, interned (lower case) so channels key on the image.
    std::vector<int32_t> imageOfProcess;
    std::vector<QString> imageNames(1); // index 0: none
    {
        imageOfProcess.assign(static_cast<size_t>(processIds.maxId() + 1), 0);
        std::unordered_map<std::string, int32_t> interned;
        Statement st(db_, "SELECT id, image FROM processes WHERE image IS NOT NULL AND image != ''");
        while (st.step()) {
            const std::string image = QString::fromStdString(st.text(1)).toLower().toStdString();
            auto [it, inserted] = interned.try_emplace(image, static_cast<int32_t>(imageNames.size()));
            if (inserted) {
                imageNames.push_back(QString::fromStdString(st.text(1)));
            }
            imageOfProcess[static_cast<size_t>(st.int64(0))] = it->second;
        }
    }
    auto imageOf = [&](int64_t process) -> int32_t {
        return process > 0 && static_cast<size_t>(process) < imageOfProcess.size()
                   ? imageOfProcess[static_cast<size_t>(process)]
                   : 0;
    };

    std::unordered_map<GroupKey, std::vector<Ev>, GroupKeyHash> groups;
    std::vector<std::string> userAgents(1);
    std::unordered_map<std::string, int32_t> uaIds;
    int64_t caseFirst = INT64_MAX, caseLast = INT64_MIN;
    auto note = [&](int64_t ts) {
        caseFirst = std::min(caseFirst, ts);
        caseLast = std::max(caseLast, ts);
    };

    // ---- Proxy requests
    {
        const int64_t total = queryInt(db_, "SELECT coalesce(max(id), 0) FROM proxy_events").value_or(0);
        AttributionCursor attributed(db_, "proxy", minConfidence, processIds);
        // The slim rows (schema v4) carry method and user agent as interned ids: each distinct
        // value is read and classified once, not once a request.
        Statement st(db_, "SELECT id, ts_us, host_id, domain_id, method_s, path, bytes_out, bytes_in, user_agent_s "
                          "FROM proxy_rows WHERE host_id IS NOT NULL AND domain_id IS NOT NULL ORDER BY id");
        slim::StringLookup strings(db_);
        // Indexed by strings.id (dense, small): no hashing per request.
        std::vector<int16_t> methods;    // method code + 1, 0: not looked up yet
        std::vector<int32_t> uaOfString; // user agent index + 1, 0: not looked up yet
        sqlite3_stmt* s = st.handle();
        int64_t n = 0;
        while (st.step()) {
            Ev e;
            e.id = sqlite3_column_int64(s, 0);
            e.ts = sqlite3_column_int64(s, 1);
            validation::checkTime(e.ts, "proxy_rows", e.id, "ts_us");
            const int64_t host = checkHost(sqlite3_column_int64(s, 2), "proxy_rows", e.id);
            const int64_t domain =
                static_cast<int64_t>(domainIds.index(sqlite3_column_int64(s, 3), "proxy_rows", e.id, "domain_id"));
            const size_t methodSid = stringIds.indexOrNone(sqlite3_column_int64(s, 4), "proxy_rows", e.id, "method_s");
            if (methodSid >= methods.size()) {
                methods.resize(methodSid + 1, 0);
            }
            if (methods[methodSid] == 0) {
                const std::string& v = strings.text(static_cast<int64_t>(methodSid));
                methods[methodSid] = static_cast<int16_t>(
                    1 + methodCode(methodSid ? reinterpret_cast<const unsigned char*>(v.c_str()) : nullptr));
            }
            e.method = static_cast<uint8_t>(methods[methodSid] - 1);
            const auto* path = reinterpret_cast<const char*>(sqlite3_column_text(s, 5));
            const int pathLen = sqlite3_column_bytes(s, 5);
            e.pathHash = path ? hashPath(path, pathLen) : 0;
            e.bytesOut = bytesOf(s, 6, e.id, "bytes_out");
            e.bytesIn = bytesOf(s, 7, e.id, "bytes_in");
            if (const size_t uaSid =
                    stringIds.indexOrNone(sqlite3_column_int64(s, 8), "proxy_rows", e.id, "user_agent_s")) {
                if (uaSid >= uaOfString.size()) {
                    uaOfString.resize(uaSid + 1, 0);
                }
                if (uaOfString[uaSid] == 0) {
                    auto [it, inserted] = uaIds.try_emplace(strings.text(static_cast<int64_t>(uaSid)),
                                                            static_cast<int32_t>(userAgents.size()));
                    if (inserted) {
                        userAgents.push_back(it->first);
                    }
                    uaOfString[uaSid] = it->second + 1;
                }
                e.ua = uaOfString[uaSid] - 1;
            }
            e.process = static_cast<int32_t>(attributed.processOf(e.id));
            e.kind = kProxy;
            note(e.ts);
            const int32_t endpoint = endpointOf(domain, path, pathLen);
            groups[GroupKey{host, domain, endpoint, imageOf(e.process)}].push_back(e);
            if ((++n & 0xFFFF) == 0) {
                tick("reading proxy requests", e.id, total);
            }
        }
        eventsRead_ += n;
    }
    const bool caseHasProxyLogs = eventsRead_ > 0;
    // ---- DNS server logs
    {
        const int64_t total = queryInt(db_, "SELECT coalesce(max(id), 0) FROM dns_events").value_or(0);
        AttributionCursor attributed(db_, "dns", minConfidence, processIds);
        Statement st(db_, "SELECT id, ts_us, host_id, domain_id FROM dns_events "
                          "WHERE host_id IS NOT NULL AND domain_id IS NOT NULL ORDER BY id");
        int64_t n = 0;
        while (st.step()) {
            Ev e;
            e.id = st.int64(0);
            e.ts = st.int64(1);
            validation::checkTime(e.ts, "dns_rows", e.id, "ts_us");
            e.kind = kDns;
            e.process = static_cast<int32_t>(attributed.processOf(e.id));
            note(e.ts);
            const auto domain = static_cast<int64_t>(domainIds.index(st.int64(3), "dns_rows", e.id, "domain_id"));
            groups[GroupKey{checkHost(st.int64(2), "dns_rows", e.id), domain, 0, imageOf(e.process)}].push_back(e);
            if ((++n & 0xFFFF) == 0) {
                tick("reading DNS queries", e.id, total);
            }
        }
        eventsRead_ += n;
    }
    // ---- Sysmon DNS queries (EID 22), and the answers that name connection addresses
    std::unordered_map<std::string, int64_t> nameOfAddress;
    {
        Statement st(db_, "SELECT id, ts_us, host_id, domain_id, coalesce(process_id, 0), coalesce(answers, '') "
                          "FROM dns_queries WHERE host_id IS NOT NULL AND domain_id IS NOT NULL ORDER BY id");
        int64_t n = 0;
        while (st.step()) {
            Ev e;
            e.id = st.int64(0);
            e.ts = st.int64(1);
            validation::checkTime(e.ts, "dns_queries", e.id, "ts_us");
            e.kind = kDnsQuery;
            e.process = static_cast<int32_t>(processIds.indexOrNone(st.int64(4), "dns_queries", e.id, "process_id"));
            note(e.ts);
            const auto domain = static_cast<int64_t>(domainIds.index(st.int64(3), "dns_queries", e.id, "domain_id"));
            groups[GroupKey{checkHost(st.int64(2), "dns_queries", e.id), domain, 0, imageOf(e.process)}].push_back(e);
            for (const QString& ip : QString::fromStdString(st.text(5)).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                nameOfAddress.try_emplace(ip.trimmed().toStdString(), domain);
            }
            if ((++n & 0xFFFF) == 0) {
                tick("reading Sysmon DNS queries", n, 0);
            }
        }
        eventsRead_ += n;
        Statement answers(
            db_,
            "SELECT DISTINCT domain_id, answers FROM dns_events WHERE answers IS NOT NULL AND domain_id IS NOT NULL");
        while (answers.step()) {
            for (const QString& ip :
                 QString::fromStdString(answers.text(1)).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                nameOfAddress.try_emplace(ip.trimmed().toStdString(), answers.int64(0));
            }
        }
    }
    // ---- Sysmon network connections that no proxy request already stands for
    {
        std::set<int> proxyPorts;
        try {
            const QJsonObject a = QJsonDocument::fromJson(resources::read(QStringLiteral("attribution.json"))).object();
            for (const auto& v : a.value(QStringLiteral("proxy_ports")).toArray()) {
                proxyPorts.insert(v.toInt());
            }
        } catch (const std::exception&) {
            proxyPorts = {3128, 8080};
        }
        std::vector<int64_t> matched;
        {
            Statement st(db_, "SELECT DISTINCT matched_event_id FROM attributions WHERE matched_event_id IS NOT NULL "
                              "ORDER BY matched_event_id");
            while (st.step()) {
                matched.push_back(st.int64(0));
            }
        }
        Statement st(db_, "SELECT id, event_id, ts_us, host_id, coalesce(process_id, 0), coalesce(dst_ip, ''), "
                          "coalesce(dst_port, 0), coalesce(dst_host, ''), coalesce(initiated, 1) "
                          "FROM net_connections WHERE host_id IS NOT NULL ORDER BY id");
        int64_t n = 0;
        while (st.step()) {
            if ((++n & 0xFFFF) == 0) {
                tick("reading Sysmon connections", n, 0);
            }
            if (st.int64(8) == 0 || std::binary_search(matched.begin(), matched.end(), st.int64(1))) {
                continue; // inbound, or the proxy request it carried is in the case already
            }
            const std::string ip = st.text(5);
            const bool internal = isPrivate(ip);
            if (internal && proxyPorts.count(static_cast<int>(st.int64(6)))) {
                continue; // a connection to the proxy: the request is in the proxy log, if anywhere
            }
            int64_t domain = 0;
            const std::string named = st.text(7);
            if (!named.empty() && !DomainNames::isIpLiteral(named)) {
                domain = domainIdFor(named);
            } else if (auto it = nameOfAddress.find(ip); it != nameOfAddress.end()) {
                domain = it->second;
            } else if (!internal && !ip.empty()) {
                domain = domainIdFor(ip); // no name known: the address is all there is
            }
            if (domain == 0) {
                continue;
            }
            Ev e;
            e.id = st.int64(0);
            e.ts = st.int64(2);
            validation::checkTime(e.ts, "net_connections", e.id, "ts_us");
            e.kind = kNet;
            e.process =
                static_cast<int32_t>(processIds.indexOrNone(st.int64(4), "net_connections", e.id, "process_id"));
            note(e.ts);
            groups[GroupKey{checkHost(st.int64(3), "net_connections", e.id), domain, 0, imageOf(e.process)}].push_back(
                e);
        }
        eventsRead_ += n;
    }
    tick("gathering channels", 0, 0);

    // ---- Resolve families (host, destination): requests no process could be tied to join the
    // process when only one process of the host talks there; DNS queries and connections (no URL
    // path, so no endpoint) join the busiest channel of their process.
    std::map<std::pair<int64_t, int64_t>, std::vector<GroupKey>> families;
    for (const auto& [key, evs] : groups) {
        families[{key.host, key.domain}].push_back(key);
    }
    struct Pending {
        GroupKey key;
        std::vector<Ev> events;
    };
    std::vector<Pending> finals;
    for (auto& [family, keys] : families) {
        std::sort(keys.begin(), keys.end(), [](const GroupKey& a, const GroupKey& b) {
            return std::tie(a.image, a.endpoint) < std::tie(b.image, b.endpoint);
        });
        std::set<int32_t> images;
        for (const GroupKey& k : keys) {
            if (k.image != 0) {
                images.insert(k.image);
            }
        }
        const int32_t onlyImage = images.size() == 1 ? *images.begin() : 0;
        std::map<std::pair<int32_t, int32_t>, std::vector<Ev>> merged; // (image, endpoint) -> events
        for (const GroupKey& k : keys) {
            std::vector<Ev>& src = groups[k];
            const int32_t image = k.image != 0 ? k.image : onlyImage;
            auto& dst = merged[{image, k.endpoint}];
            dst.insert(dst.end(), src.begin(), src.end());
            std::vector<Ev>().swap(src);
        }
        // Endpoint-less events (DNS, connections, proxy requests without a command shape) of an
        // image join that image's busiest endpoint channel when the image has endpoint channels only
        // through them: one poller, one channel.
        for (auto it = merged.begin(); it != merged.end();) {
            const auto [image, endpoint] = it->first;
            // A handful of proxy requests beside many lookups do not make a channel of their own.
            const auto proxied =
                std::count_if(it->second.begin(), it->second.end(), [](const Ev& e) { return e.kind == kProxy; });
            const bool ownProxyChannel = proxied >= static_cast<int64_t>(config_.threshold("min_polls")) &&
                                         static_cast<double>(proxied) >= 0.1 * static_cast<double>(it->second.size());
            if (endpoint != 0 || ownProxyChannel) {
                ++it;
                continue;
            }
            std::vector<Ev>* best = nullptr;
            size_t bestSize = 0;
            for (auto& [k2, evs2] : merged) {
                if (k2.first == image && k2.second != 0 && evs2.size() > bestSize) {
                    best = &evs2;
                    bestSize = evs2.size();
                }
            }
            if (best) {
                best->insert(best->end(), it->second.begin(), it->second.end());
                it = merged.erase(it);
            } else {
                ++it;
            }
        }
        for (auto& [k, evs] : merged) {
            finals.push_back({GroupKey{family.first, family.second, k.second, k.first}, std::move(evs)});
        }
    }
    groups.clear();

    // ---- Measure each channel
    const double band = config_.threshold("band");
    const double pauseFactor = config_.threshold("pause_factor");
    const double change = config_.threshold("response_change");
    std::vector<BuiltChannel> out;
    out.reserve(finals.size());
    // For the output-elsewhere pass: each channel's changed-response times and post times.
    std::vector<std::vector<int64_t>> changeTimes(finals.size()), postTimes(finals.size());
    std::vector<std::vector<std::pair<int64_t, int64_t>>> hourCounts(finals.size()); // (hour, requests)
    int64_t measured = 0;
    for (size_t ci = 0; ci < finals.size(); ++ci) {
        Pending& p = finals[ci];
        std::sort(p.events.begin(), p.events.end(),
                  [](const Ev& a, const Ev& b) { return std::tie(a.ts, a.id) < std::tie(b.ts, b.id); });
        BuiltChannel bc;
        ChannelFeatures& f = bc.features;
        const HostInfo& h = hosts[p.key.host];
        const DomainInfo& d = domains[static_cast<size_t>(p.key.domain)];
        f.hostId = p.key.host;
        f.host = h.name.isEmpty() ? h.ips : h.name;
        f.hostIps = h.ips;
        f.hostRole = h.role;
        f.domainId =
            p.key.domain <= maxTableDomain ? p.key.domain : 0; // names only connections gave are not in the table
        f.destination = QString::fromStdString(d.name);
        f.registeredDomain = QString::fromStdString(d.registered);
        if (const WebService* s = serviceOf(p.key.domain)) {
            f.service = s->id;
            f.serviceCategory = s->category;
            f.consumerService = s->consumer;
            f.serviceRisk = s->risk;
        }
        if (p.key.endpoint != 0) {
            const EndpointInfo& e = endpoints[static_cast<size_t>(p.key.endpoint)];
            f.endpoint = f.destination + e.prefix;
            f.endpointName = e.shape->name;
            f.endpointRole = e.shape->role;
            f.pathPrefix = e.prefix;
        }
        if (p.key.image != 0) {
            f.processImage = imageNames[static_cast<size_t>(p.key.image)];
            f.processName = lowerFileName(f.processImage);
        }
        std::vector<int64_t> tsProxy, tsNet, tsDns, tsDnsQ;
        std::vector<double> out_, in_;
        std::map<int32_t, int64_t> uaCount, processCount;
        std::vector<uint32_t> paths;
        int64_t gets = 0, posts = 0, connects = 0;
        for (const Ev& e : p.events) {
            switch (e.kind) {
            case kProxy:
                bc.proxyIds.push_back(e.id);
                tsProxy.push_back(e.ts);
                if (e.bytesOut >= 0) {
                    out_.push_back(e.bytesOut);
                    f.bytesOut += e.bytesOut;
                }
                if (e.bytesIn >= 0) {
                    in_.push_back(e.bytesIn);
                    f.bytesIn += e.bytesIn;
                }
                gets += e.method == kGet;
                posts += e.method == kPost || e.method == kPut;
                connects += e.method == kConnect;
                if (e.method == kPost || e.method == kPut) {
                    postTimes[ci].push_back(e.ts);
                }
                if (e.ua) {
                    ++uaCount[e.ua];
                }
                paths.push_back(e.pathHash);
                break;
            case kDns:
                bc.dnsIds.push_back(e.id);
                tsDns.push_back(e.ts);
                break;
            case kDnsQuery:
                bc.dnsQueryIds.push_back(e.id);
                tsDnsQ.push_back(e.ts);
                break;
            case kNet:
                bc.netIds.push_back(e.id);
                tsNet.push_back(e.ts);
                break;
            }
            if (e.process) {
                ++processCount[e.process];
            }
        }
        for (auto* ids : {&bc.proxyIds, &bc.dnsIds, &bc.dnsQueryIds, &bc.netIds}) {
            std::sort(ids->begin(), ids->end());
        }
        f.proxyRequests = static_cast<int64_t>(tsProxy.size());
        f.caseHasProxyLogs = caseHasProxyLogs;
        f.dnsQueries = static_cast<int64_t>(tsDns.size() + tsDnsQ.size());
        f.netConnections = static_cast<int64_t>(tsNet.size());
        f.firstTs = p.events.front().ts;
        f.lastTs = p.events.back().ts;
        f.lateStartHours = static_cast<double>(f.firstTs - caseFirst) / 3.6e9;
        // The timing series: the richest source, proxy first. Server-side and Sysmon DNS are two
        // views of the same lookups, so only the larger one is used.
        const std::vector<int64_t>& dnsSeries = tsDns.size() >= tsDnsQ.size() ? tsDns : tsDnsQ;
        const std::vector<int64_t>* series = &tsProxy;
        f.timingSource = QStringLiteral("proxy");
        if (tsProxy.size() < tsNet.size() / 2 || tsProxy.size() < dnsSeries.size() / 4) {
            series = tsNet.size() >= dnsSeries.size() / 2 ? &tsNet : &dnsSeries;
            f.timingSource = series == &tsNet ? QStringLiteral("sysmon") : QStringLiteral("dns");
        }
        if (series->empty()) {
            series = !tsNet.empty() ? &tsNet : &dnsSeries;
            f.timingSource = series == &tsNet ? QStringLiteral("sysmon") : QStringLiteral("dns");
        }
        f.polls = static_cast<int64_t>(series->size());
        const std::vector<double> gaps = nonZeroGapsSeconds(*series);
        f.intervals = static_cast<int64_t>(gaps.size());
        if (!gaps.empty()) {
            const Regularity r = regularity(gaps);
            f.medianInterval = r.median;
            f.jitter = r.madOverMedian;
            f.skew = r.skew;
            f.ritaTs = r.score;
            const BandTest b = bandTest(gaps, band, pauseFactor);
            f.bandShare = b.share;
            f.bandScore = b.score;
            f.pauses = b.pauses;
        }
        const HistogramScores hs = histogramScores(*series, caseFirst, caseLast + 1);
        f.histogramScore = hs.score;
        f.durationScore = hs.durationScore;
        f.coverage = hs.coverage;
        // Shape of the proxy requests
        if (!tsProxy.empty()) {
            const double n = static_cast<double>(tsProxy.size());
            f.getShare = static_cast<double>(gets) / n;
            f.postShare = static_cast<double>(posts) / n;
            f.connectShare = static_cast<double>(connects) / n;
            std::sort(paths.begin(), paths.end());
            f.distinctPaths = std::unique(paths.begin(), paths.end()) - paths.begin();
            f.medianBytesOut = medianOf(out_);
            f.medianBytesIn = medianOf(in_);
            f.requestConstancy = shareNear(out_, f.medianBytesOut, change, 16);
            f.responseConstancy = shareNear(in_, f.medianBytesIn, change, 16);
            f.ritaData = regularity(in_).score;
            if (f.responseConstancy >= 0.6) {
                const double tol = std::max(change * f.medianBytesIn, 16.0);
                for (const Ev& e : p.events) {
                    if (e.kind == kProxy && e.bytesIn >= 0 && std::abs(e.bytesIn - f.medianBytesIn) > tol) {
                        changeTimes[ci].push_back(e.ts);
                    }
                }
                f.responseChanges = static_cast<int64_t>(changeTimes[ci].size());
            }
        }
        if (!uaCount.empty()) {
            const auto top = std::max_element(uaCount.begin(), uaCount.end(),
                                              [](const auto& a, const auto& b) { return a.second < b.second; });
            f.userAgent = QString::fromStdString(userAgents[static_cast<size_t>(top->first)]);
        }
        f.processCount = static_cast<int64_t>(processCount.size());
        for (const Ev& e : p.events) {
            if (e.process != 0) {
                f.processId = e.process; // the first process of the channel stands for it
                break;
            }
        }
        // Requests per hour of the timing series, for the idle-hours pass.
        for (int64_t ts : *series) {
            const int64_t hour = ts / 3600000000LL;
            if (hourCounts[ci].empty() || hourCounts[ci].back().first != hour) {
                hourCounts[ci].push_back({hour, 0});
            }
            ++hourCounts[ci].back().second;
        }
        f.key = QStringList{f.host, f.processImage.isEmpty() ? QStringLiteral("-") : f.processImage.toLower(),
                            f.destination, f.endpoint}
                    .join(QLatin1Char('|'));
        out.push_back(std::move(bc));
        std::vector<Ev>().swap(p.events);
        if ((++measured & 0x3FF) == 0) {
            tick("measuring channels", measured, static_cast<int64_t>(finals.size()));
        }
    }

    // ---- Process details of each channel's representative process
    {
        Statement st(db_, "SELECT coalesce(command_line, ''), coalesce(parent_image, ''), coalesce(user_name, '') "
                          "FROM processes WHERE id = ?");
        for (BuiltChannel& bc : out) {
            if (bc.features.processId == 0) {
                continue;
            }
            st.reset();
            st.bind(1, bc.features.processId);
            if (st.step()) {
                bc.features.commandLine = QString::fromStdString(st.text(0));
                bc.features.parentImage = QString::fromStdString(st.text(1));
                bc.features.userName = QString::fromStdString(st.text(2));
            }
        }
    }

    // ---- Idle hours: the hours in which a host shows interactive use (a browser, or irregular
    // traffic); a periodic channel's requests outside them happen while nobody uses the host.
    const double minPolls = config_.threshold("min_polls");
    {
        std::unordered_map<int64_t, std::set<int64_t>> activeHours;
        for (size_t ci = 0; ci < out.size(); ++ci) {
            const ChannelFeatures& f = out[ci].features;
            const bool browser = config_.browsers.count(f.processName.toStdString()) > 0;
            const bool irregular = f.polls >= minPolls && f.bandScore < 0.2 && f.ritaTs < 0.6;
            if (browser || irregular) {
                auto& hours = activeHours[f.hostId];
                for (const auto& [hour, n] : hourCounts[ci]) {
                    hours.insert(hour);
                }
            }
        }
        for (size_t ci = 0; ci < out.size(); ++ci) {
            ChannelFeatures& f = out[ci].features;
            const auto it = activeHours.find(f.hostId);
            if (f.polls < minPolls || it == activeHours.end()) {
                continue; // idle_share stays -1: the host shows no interactive use at all (a server)
            }
            int64_t idle = 0;
            for (const auto& [hour, n] : hourCounts[ci]) {
                idle += it->second.count(hour) ? 0 : n;
            }
            f.idleShare = static_cast<double>(idle) / static_cast<double>(std::max<int64_t>(1, f.polls));
        }
    }

    // ---- Output elsewhere: after a command channel's response changes (a command waited), does
    // the same host (and process, where both are known) post to another service soon after?
    {
        const auto window = static_cast<int64_t>(config_.threshold("output_window_s") * 1e6);
        std::unordered_map<int64_t, std::vector<size_t>> byHost;
        for (size_t ci = 0; ci < out.size(); ++ci) {
            byHost[out[ci].features.hostId].push_back(ci);
        }
        for (auto& [host, list] : byHost) {
            for (size_t c : list) {
                if (changeTimes[c].empty()) {
                    continue;
                }
                ChannelFeatures& cmd = out[c].features;
                size_t best = SIZE_MAX;
                int64_t bestCount = 0;
                std::vector<double> bestDelays;
                for (size_t o : list) {
                    ChannelFeatures& other = out[o].features;
                    if (o == c || postTimes[o].empty() || other.service.isEmpty() ||
                        other.registeredDomain == cmd.registeredDomain ||
                        (!cmd.processImage.isEmpty() && !other.processImage.isEmpty() &&
                         cmd.processImage != other.processImage)) {
                        continue;
                    }
                    int64_t count = 0;
                    std::vector<double> delays;
                    for (int64_t t : changeTimes[c]) {
                        const auto it = std::upper_bound(postTimes[o].begin(), postTimes[o].end(), t);
                        if (it != postTimes[o].end() && *it - t <= window) {
                            ++count;
                            delays.push_back(static_cast<double>(*it - t) / 1e6);
                        }
                    }
                    // A busy poster (a chat client every minute) follows any moment by chance:
                    // count only what beats chance, from the poster's own rate.
                    // Its rate over the whole case: a poster that only posts after commands has few
                    // posts, and their own first-to-last span would make it look busy.
                    const auto& pt = postTimes[o];
                    const double span = std::max(1.0, static_cast<double>(caseLast - caseFirst));
                    const double chance =
                        1 - std::exp(-static_cast<double>(pt.size()) / span * static_cast<double>(window));
                    const double expected = chance * static_cast<double>(changeTimes[c].size());
                    if (count < 2 || static_cast<double>(count) < 2 * expected + 1) {
                        continue;
                    }
                    if (count > bestCount) {
                        best = o;
                        bestCount = count;
                        bestDelays = std::move(delays);
                    }
                }
                if (best == SIZE_MAX) {
                    continue;
                }
                const double delay = medianOf(bestDelays);
                ChannelFeatures& output = out[best].features;
                cmd.outputReactions = bestCount;
                cmd.outputPeer = output.destination;
                cmd.outputDelayS = delay;
                if (bestCount > output.outputReactions) {
                    output.outputReactions = bestCount;
                    output.outputPeer = cmd.destination;
                    output.outputDelayS = delay;
                }
            }
        }
    }
    log::score()->info("{} events in {} channels", eventsRead_, out.size());
    return out;
}

} // namespace socwb::scoring
