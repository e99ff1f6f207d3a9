#include "channel_builder.h"

#include "address_namer.h"
#include "both_cores.h"
#include "channel_members.h"
#include "core/logging.h"
#include "core/resources.h"
#include "core/spill_buckets.h"
#include "ingest/write/domain_names.h"
#include "interval_stats.h"
#include "member_source.h"
#include "phase_clock.h"
#include "store/case_validation.h"
#include "store/schema.h"
#include "store/slim_rows.h"
#include "store/statement.h"
#include "timing_source.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace socwb::scoring {

namespace {

enum Method : uint8_t { kOther = 0, kGet = 1, kPost = 2, kConnect = 3, kPut = 4 };

// The tables events come from: the evidence kinds whose bounds late start and the histogram use.
enum Table : uint8_t {
    kProxyTable = 0,
    kDnsTable = 1,
    kDnsQueryTable = 2,
    kNetTable = 3,
    kSensorTable = 4, // a sensor's log starts and ends on its own (#26)
    kTableCount = 5
};

Table tableOf(MemberSource s) {
    switch (s) {
    case MemberSource::Http:
    case MemberSource::Connect:
        return kProxyTable;
    case MemberSource::DnsLog:
        return kDnsTable;
    case MemberSource::SysmonDns:
        return kDnsQueryTable;
    case MemberSource::SysmonNet:
        return kNetTable;
    case MemberSource::SensorConn:
        return kSensorTable;
    }
    return kProxyTable;
}

std::array<int64_t, kTableCount> filled(int64_t v) {
    std::array<int64_t, kTableCount> a;
    a.fill(v);
    return a;
}

// One event as a channel keeps it: 48 bytes, so five million fit well under a gigabyte.
struct Ev {
    int64_t ts = 0;
    int64_t id = 0;
    int32_t bytesOut = -1;
    int32_t bytesIn = -1;
    uint32_t pathHash = 0;
    int32_t ua = 0;      // interned User-Agent, 0 none
    int32_t process = 0; // processes.id, 0 none
    int32_t ttl = 0;     // lookups: the answer's TTL in seconds, 0 unknown
    int32_t durationMs = -1;
    MemberSource source = MemberSource::Http;
    uint8_t method = kOther;
    Naming naming = Naming::Record;
    bool weak = false; // a proxy line tied to its process by a DNS answer only, not by its connection
};
static_assert(sizeof(Ev) <= 48, "an event must stay small: millions are held at once");

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
    bool isAddress = false;
    const WebService* service = nullptr;
    bool serviceLooked = false;
};

struct EndpointInfo {
    const EndpointShape* shape = nullptr;
    QString prefix;
};

// What the builder knows of a host before and while it reads the host's events.
struct HostInfo {
    QString name, role, ips;
    std::array<int64_t, kTableCount> first = filled(INT64_MAX); // first event per table
    // Evidence of many users behind the address.
    std::set<int64_t> proxyUsers;
    std::map<int64_t, std::set<int32_t>> browsersByHour;
    int64_t interactiveUsers = 0;
    int64_t hostNames = 1;           // host names bound to its address at overlapping times, itself included
    int64_t processFrom = INT64_MAX; // its first Sysmon event: no line before it can be tied to a process
    bool shared = false;
    QString sharedReason;
};

uint32_t hashPath(const char* s, int n) {
    uint32_t h = 2166136261u; // FNV-1a
    for (int i = 0; i < n; ++i) {
        h = (h ^ static_cast<uint8_t>(s[i])) * 16777619u;
    }
    return h;
}

uint8_t methodCode(std::string_view v) {
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

// A count (bytes, milliseconds) as an event keeps it (-1: not logged); a tampered value names its row.
int32_t countOf(sqlite3_stmt* s, int col, int64_t row, const char* column) {
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

bool anyMatch(const std::vector<QRegularExpression>& res, const QString& text) {
    return std::any_of(res.begin(), res.end(), [&](const QRegularExpression& re) { return re.match(text).hasMatch(); });
}

// The attributions of one request kind, read in request-id order beside a scan of that table.
class AttributionCursor {
  public:
    // From request id `from` on (a part of the table read beside it).
    AttributionCursor(sqlite3* db, const char* kind, double minConfidence, const validation::TableIds& processes,
                      int64_t from)
        : processes_(processes),
          st_(db, std::string("SELECT request_id, process_id, confidence FROM ") + schema::attributionTable(kind) +
                      " WHERE request_id >= ? AND confidence >= ? ORDER BY request_id") {
        st_.bind(1, from).bind(2, minConfidence);
        advance();
    }
    // The process of request `id` (ids asked in ascending order), or 0; `confidence` gets the
    // attribution's confidence (0 without one).
    int64_t processOf(int64_t id, double* confidence = nullptr) {
        while (!done_ && current_ < id) {
            advance();
        }
        const bool hit = !done_ && current_ == id;
        if (confidence) {
            *confidence = hit ? confidence_ : 0;
        }
        return hit ? process_ : 0;
    }

  private:
    void advance() {
        if (st_.step()) {
            current_ = st_.int64(0);
            process_ = st_.int64(1);
            processes_.index(process_, "attributions", current_, "process_id");
            confidence_ = st_.real(2);
        } else {
            done_ = true;
        }
    }
    const validation::TableIds& processes_;
    Statement st_;
    int64_t current_ = 0, process_ = 0;
    double confidence_ = 0;
    bool done_ = false;
};

// The ports a forward proxy listens on (attribution.json): a connection to an internal address
// there is a connection to the proxy, whose request is in the proxy log if anywhere.
std::set<int> readProxyPorts() {
    std::set<int> ports;
    try {
        const QJsonObject a = QJsonDocument::fromJson(resources::read(QStringLiteral("attribution.json"))).object();
        for (const auto& v : a.value(QStringLiteral("proxy_ports")).toArray()) {
            ports.insert(v.toInt());
        }
    } catch (const std::exception&) {
        ports = {3128, 8080};
    }
    return ports;
}

// A sensor's count (bytes) as an event keeps it: the payload where logged (Zeek), else the
// IP-level count (Suricata's bytes_toserver); -1 when neither is.
int32_t sensorBytes(sqlite3_stmt* s, int payloadCol, int ipCol, int64_t row) {
    int64_t v = validation::countOrAbsent(s, payloadCol, "sensor_conn_rows", row, "orig_bytes/resp_bytes");
    if (v < 0) {
        v = validation::countOrAbsent(s, ipCol, "sensor_conn_rows", row, "orig_ip_bytes/resp_ip_bytes");
    }
    return v < 0 ? -1 : static_cast<int32_t>(std::min<int64_t>(v, INT32_MAX));
}

// Events parked on disk by host (issue 20: the score's memory bounded by channels, not events).
// The hosts, in id order, fall into up to kBuckets runs of consecutive ids; each run's events go
// to a temporary file of its own in the order they were read. After the read, consecutive runs
// are loaded back up to a budget of events at a time and made into channels: a channel is one
// host's, so a group of runs holds all of its channels' events, in the order one read in memory
// would have gathered them.
class EventSpill {
  public:
    struct Record {
        GroupKey key;
        Ev e;
    };
    static constexpr size_t kBuckets = 64; // open files at once

    // Host ids ascending; false when no temporary file could be made (everything stays in memory).
    bool open(const std::vector<int64_t>& hostIds) {
        hostIds_ = hostIds;
        return files_.open(std::min(kBuckets, std::max<size_t>(1, hostIds_.size())), "the scoring pass");
    }
    void add(const GroupKey& key, const Ev& e) { files_.add(bucketOf(key.host), Record{key, e}); }
    size_t buckets() const { return files_.buckets(); }
    int64_t records(size_t bucket) const { return files_.records(bucket); }
    // Calls each(record) for the bucket's events, in the order they were added; the file is closed.
    template <typename Each> void load(size_t bucket, Each&& each) { files_.load(bucket, each); }

  private:
    size_t bucketOf(int64_t host) const {
        const auto rank =
            static_cast<size_t>(std::lower_bound(hostIds_.begin(), hostIds_.end(), host) - hostIds_.begin());
        return rank * files_.buckets() / std::max<size_t>(1, hostIds_.size());
    }
    std::vector<int64_t> hostIds_;
    SpillBuckets<Record> files_;
};

// A channel's member row ids by table while it is measured.
struct MemberIds {
    std::vector<int64_t> proxyIds, dnsIds, dnsQueryIds, netIds, sensorIds;
};

// Where one reader meets an event: the tables in the order build() reads them, then the id.
int readRank(MemberSource s) {
    switch (s) {
    case MemberSource::DnsLog:
        return 0;
    case MemberSource::SysmonDns:
        return 1;
    case MemberSource::Http:
    case MemberSource::Connect:
        return 2;
    case MemberSource::SysmonNet:
        return 3;
    case MemberSource::SensorConn:
        return 4;
    }
    return 2;
}

// A group two parts gathered holds the first part's events, then the second's, each run in read
// order: merged into the one order a single reader would have gathered them in.
void restoreReadOrder(std::vector<Ev>& evs) {
    auto before = [](const Ev& a, const Ev& b) {
        const int ra = readRank(a.source), rb = readRank(b.source);
        return ra != rb ? ra < rb : a.id < b.id;
    };
    const auto cut = std::is_sorted_until(evs.begin(), evs.end(), before);
    if (cut != evs.end()) {
        std::inplace_merge(evs.begin(), cut, evs.end(), before);
    }
}

// Polls of an event list's times (sorted by the caller), as chooseTiming merges them.
size_t pollCount(const std::vector<int64_t>& sortedTs, int64_t mergeUs) {
    return mergeBursts(sortedTs, mergeUs).size();
}

} // namespace

ChannelBuilder::ChannelBuilder(sqlite3* db, const WebServiceCatalog& catalog, const ScoringConfig& config)
    : db_(db), catalog_(catalog), config_(config) {
    // For the tests that run the parked path on small cases (tst_score_identity, again).
    if (const QByteArray v = qgetenv("SOCWB_SCORE_PARTITION_EVENTS"); !v.isEmpty()) {
        bool ok = false;
        const qlonglong n = v.toLongLong(&ok);
        if (ok && n > 0) {
            partitionEvents_ = n;
        }
    }
    if (const QByteArray v = qgetenv("SOCWB_SCORE_READERS"); !v.isEmpty()) {
        bool ok = false;
        const int n = v.toInt(&ok);
        if (ok && n > 0) {
            readers_ = n;
        }
    }
}

std::vector<BuiltChannel> ChannelBuilder::build(const Progress& progress) {
    eventsRead_ = 0;
    PhaseClock phases;
    const ScoringConfig& c = config_;
    const double minConfidence = c.threshold("min_attribution_confidence");
    const double strongConfidence = c.threshold("strong_attribution_confidence");
    const TimingConfig timingConfig = TimingConfig::from(c);
    const IntervalConfig intervalConfig = IntervalConfig::from(c);
    const auto mergeUs = static_cast<int64_t>(timingConfig.burstMergeS * 1e6);
    const double minPolls = c.threshold("min_polls");
    auto tick = [&](const char* phase, int64_t done, int64_t total) {
        if (progress && !progress(QString::fromLatin1(phase), done, total)) {
            throw ScoringCancelled();
        }
    };

    // ==== Case-wide, read-only context ====
    // ---- Hosts, with what the inventory and the process table say about who uses them
    std::unordered_map<int64_t, HostInfo> hosts;
    {
        Statement st(
            db_,
            "SELECT h.id, h.name, coalesce(h.role, ''), "
            "(SELECT group_concat(ip, ',') FROM (SELECT ip FROM host_addresses a WHERE a.host_id = h.id ORDER BY ip)) "
            "FROM hosts h");
        while (st.step()) {
            HostInfo& h = hosts[st.int64(0)];
            h.name = QString::fromStdString(st.text(1));
            h.role = QString::fromStdString(st.text(2));
            h.ips = QString::fromStdString(st.text(3));
        }
        // People with processes on the host (service accounts are not people).
        Statement users(db_, "SELECT DISTINCT host_id, user_name FROM processes WHERE user_name IS NOT NULL AND "
                             "user_name != ''");
        while (users.step()) {
            if (!anyMatch(c.serviceAccounts, QString::fromStdString(users.text(1)).toLower())) {
                ++hosts[users.int64(0)].interactiveUsers;
            }
        }
        // Other hosts bound to one of its addresses at overlapping times.
        Statement names(db_, "SELECT a.host_id, count(DISTINCT b.host_id) FROM host_addresses a JOIN host_addresses b "
                             "ON b.ip = a.ip AND b.host_id != a.host_id AND b.first_ts <= a.last_ts AND "
                             "a.first_ts <= b.last_ts GROUP BY a.host_id");
        while (names.step()) {
            hosts[names.int64(0)].hostNames = 1 + names.int64(1);
        }
        // Where the host's process evidence starts (Sysmon logs are often kept for less time than
        // the proxy's): a line before it has no connection that could tie it to its process.
        Statement from(db_, "SELECT host_id, min(ts_us) FROM sysmon_events WHERE host_id IS NOT NULL GROUP BY host_id");
        while (from.step()) {
            hosts[from.int64(0)].processFrom = from.int64(1);
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
    // The first four columns every event scan reads — id, ts_us, host_id, domain_id — checked.
    struct RowBasics {
        int64_t id, ts, host, domain;
    };
    auto basics = [&](sqlite3_stmt* s, const char* table) {
        RowBasics r{sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), 0, 0};
        validation::checkTime(r.ts, table, r.id, "ts_us");
        r.host = checkHost(sqlite3_column_int64(s, 2), table, r.id);
        r.domain = static_cast<int64_t>(domainIds.index(sqlite3_column_int64(s, 3), table, r.id, "domain_id"));
        return r;
    };
    // ---- Domains (names in URLs and DNS); connections' addresses may add more below.
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
            d.isAddress = DomainNames::isIpLiteral(d.name);
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
        d.isAddress = DomainNames::isIpLiteral(name);
        domains.push_back(std::move(d));
        const auto id = static_cast<int64_t>(domains.size() - 1);
        domainByName[name] = id;
        return id;
    };
    auto serviceOf = [&](int64_t domainId) -> const WebService* {
        DomainInfo& d = domains[static_cast<size_t>(domainId)];
        if (!d.serviceLooked) {
            d.service = d.isAddress ? nullptr : catalog_.match(d.name);
            d.serviceLooked = true;
        }
        return d.service;
    };
    std::vector<EndpointInfo> endpoints(1);
    std::map<std::pair<int64_t, QString>, int32_t> endpointIds;

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
    std::array<int64_t, kTableCount> tableFirst = filled(INT64_MAX);
    std::array<int64_t, kTableCount> tableLast = filled(INT64_MIN);
    AddressNamer namer({static_cast<int64_t>(c.threshold("naming_window_s") * 1e6),
                        static_cast<int64_t>(c.threshold("naming_lead_s") * 1e6)});

    // ==== Events, in one part or two read at once ====
    // Given a second connection on the same snapshot (ReadSnapshot), the events are read in two
    // parts, each on its own core and connection: the first part reads the lower half of every
    // table's ids, the second the upper half. DNS comes first in both: its answers name the
    // addresses proxy lines and connections carry, so the naming index is built from both parts'
    // answers before either reads on. What a part interns as it reads (User-Agents, endpoints,
    // names only connections give) gets ids of the part's own; once both are read they are
    // renumbered in the order one reader meets them (every table's first half before its second),
    // and a channel's events are put back in that order too (restoreReadOrder): the channels, their
    // order and every tie between them come out as from one reader.
    struct HostNotes { // what a part learns of a host while it reads (HostInfo's fields of the same names)
        std::array<int64_t, kTableCount> first = filled(INT64_MAX);
        std::set<int64_t> proxyUsers;
        std::map<int64_t, std::set<int32_t>> browsersByHour;
    };
    struct Part {
        sqlite3* db = nullptr;
        std::array<int64_t, kTableCount> from = filled(INT64_MIN), to = filled(INT64_MAX); // ids read, by table
        std::unordered_map<int64_t, HostNotes> notes;
        std::array<int64_t, kTableCount> first = filled(INT64_MAX), last = filled(INT64_MIN);
        int64_t events = 0;
        std::vector<int64_t> matched;
        std::vector<AddressNamer> answers; // the DNS log's, then Sysmon's
        std::unordered_map<GroupKey, std::vector<Ev>, GroupKeyHash> groups;
        // A case of more events than partitionEvents_ parks them on disk by host as they are read
        // and makes channels of a run of hosts at a time (EventSpill): the pass then holds at most
        // about that many events (48 bytes each) at once, whatever the size of the case.
        EventSpill spill;
        // Interned by the part, ids of its own (0: none) ...
        std::vector<std::string> userAgents = std::vector<std::string>(1);
        std::unordered_map<std::string, int32_t> uaIds;
        std::vector<int32_t> browserOfUa = std::vector<int32_t>(1, 0); // browser family id, 0 none
        std::unordered_map<std::string, int32_t> browserFamilies;
        std::vector<std::pair<int64_t, QString>> endpointKeys = std::vector<std::pair<int64_t, QString>>(1);
        std::vector<const EndpointShape*> endpointShapes = std::vector<const EndpointShape*>(1, nullptr);
        std::map<std::pair<int64_t, QString>, int32_t> endpointIds;
        std::unordered_map<int64_t, std::unordered_map<std::string, int32_t>> endpointCache; // by domain: path
        std::vector<uint8_t> serviceLooked;
        std::vector<const WebService*> services; // by table domain, once looked up
        std::vector<std::string> newDomains;     // id maxTableDomain + 1 + index
        std::vector<Table> newDomainTable;       // the table that named it first
        std::unordered_map<std::string, int64_t> newDomainIds;
        // ... and the pass's ids for them once the parts are joined.
        std::vector<int32_t> uaMap, endpointMap;
        std::vector<int64_t> domainMap;
    };
    const bool twoParts = second_ != nullptr && readers_ > 1;
    std::vector<Part> parts(twoParts ? 2 : 1);
    partsRead_ = static_cast<int>(parts.size());
    parts[0].db = db_;
    if (twoParts) {
        parts[1].db = second_;
        const std::array<std::pair<Table, const char*>, kTableCount> tables{{{kProxyTable, "proxy_rows"},
                                                                             {kDnsTable, "dns_rows"},
                                                                             {kDnsQueryTable, "dns_queries"},
                                                                             {kNetTable, "net_connections"},
                                                                             {kSensorTable, "sensor_conn_rows"}}};
        for (const auto& [t, table] : tables) {
            // One aggregate a query: SQLite reads min() or max() of a rowid off the b-tree's edge,
            // but both in one statement scan the table.
            const auto lo = static_cast<uint64_t>(
                queryInt(db_, "SELECT coalesce(min(id), 0) FROM " + std::string(table)).value_or(0));
            const auto hi = static_cast<uint64_t>(
                queryInt(db_, "SELECT coalesce(max(id), 0) FROM " + std::string(table)).value_or(0));
            const auto mid = static_cast<int64_t>(lo + (hi - lo) / 2); // no overflow, whatever the ids
            parts[0].to[t] = mid;
            parts[1].from[t] = mid == INT64_MAX ? INT64_MAX : mid + 1;
            parts[1].to[t] = mid == INT64_MAX ? INT64_MAX - 1 : INT64_MAX; // empty past the last id
        }
    }
    const AddressNamer::Config namingConfig{static_cast<int64_t>(c.threshold("naming_window_s") * 1e6),
                                            static_cast<int64_t>(c.threshold("naming_lead_s") * 1e6)};
    for (Part& p : parts) {
        p.answers.assign(2, AddressNamer(namingConfig));
        p.serviceLooked.assign(domains.size(), 0);
        p.services.assign(domains.size(), nullptr);
    }
    bool spilling = false;
    {
        int64_t estimate = 0;
        for (const char* table : {"dns_rows", "dns_queries", "proxy_rows", "net_connections", "sensor_conn_rows"}) {
            estimate += queryInt(db_, "SELECT coalesce(max(id), 0) FROM " + std::string(table)).value_or(0);
        }
        if (estimate > partitionEvents_) {
            std::vector<int64_t> hostIds;
            hostIds.reserve(hosts.size());
            for (const auto& [id, h] : hosts) {
                hostIds.push_back(id);
            }
            std::sort(hostIds.begin(), hostIds.end());
            spilling = std::all_of(parts.begin(), parts.end(), [&](Part& p) { return p.spill.open(hostIds); });
            log::score()->info("about {} events: made into channels {} or fewer at a time{}", estimate,
                               partitionEvents_, spilling ? "" : " (no temporary file: all in memory)");
        }
    }
    log::score()->info("events read in {} part{}", parts.size(), parts.size() > 1 ? "s at once" : "");
    auto gather = [&](Part& p, const GroupKey& key, const Ev& e) {
        if (spilling) {
            p.spill.add(key, e);
        } else {
            p.groups[key].push_back(e);
        }
    };
    auto note = [](Part& p, int64_t host, Table t, int64_t ts) {
        p.first[t] = std::min(p.first[t], ts);
        p.last[t] = std::max(p.last[t], ts);
        HostNotes& h = p.notes[host];
        h.first[t] = std::min(h.first[t], ts);
    };
    // The first part is read on this thread: it reports progress and asks about cancelling; the
    // other stops when this one does (or fails).
    std::atomic<bool> stopParts{false};
    struct PartStopped {};
    // Progress of a table's read, summed over the parts (the window followed the first part alone,
    // which reaches the end of its range at half the table): each part's position in its own range
    // of the table's ids, against the whole table's, or the rows each part read where the total is
    // not known. The first part reports, every progressEvery_ rows of its own, and once more for
    // the table when both parts are done with it (tickRead).
    std::array<std::array<std::atomic<int64_t>, kTableCount>, 2> readDone{};
    std::array<std::atomic<int64_t>, kTableCount> readTotal{};
    auto partIndex = [&](const Part& p) { return static_cast<size_t>(&p - parts.data()); };
    auto poll = [&](const Part& p, Table t, const char* phase, int64_t done) {
        if (stopParts.load(std::memory_order_relaxed)) {
            throw PartStopped{};
        }
        readDone[partIndex(p)][t].store(done, std::memory_order_relaxed);
        if (&p == &parts.front()) {
            tick(phase, readDone[0][t].load() + readDone[1][t].load(), readTotal[t].load());
        }
    };
    auto tickRead = [&](Table t, const char* phase) {
        tick(phase, readDone[0][t].load() + readDone[1][t].load(), readTotal[t].load());
    };
    // The whole table's span of ids (its total) and where this part's range begins in it.
    auto idSpan = [&](Part& p, Table t, const char* table, int64_t* start) {
        const int64_t lo = queryInt(p.db, "SELECT coalesce(min(id), 0) FROM " + std::string(table)).value_or(0);
        const int64_t hi = queryInt(p.db, "SELECT coalesce(max(id), 0) FROM " + std::string(table)).value_or(0);
        if (hi <= 0 || hi < lo) { // an empty table
            *start = 0;
            return int64_t(0);
        }
        readTotal[t].store(hi - lo + 1);
        *start = std::max(p.from[t], lo);
        return std::max<int64_t>(0, std::min(p.to[t], hi) - *start + 1); // this part's span
    };
    auto lapFirst = [&](const Part& p, const char* phase) {
        if (&p == &parts.front()) {
            phases.lap(phase);
        }
    };
    // Runs body on every part at once, the first here. The failure reported is the first part's,
    // as when the rows were read in order by one reader, then the second's.
    auto inParts = [&](const std::function<void(Part&)>& body) {
        std::exception_ptr failed[2];
        auto run = [&](size_t i) {
            try {
                body(parts[i]);
            } catch (const PartStopped&) {
            } catch (...) {
                failed[i] = std::current_exception();
                stopParts = true;
            }
        };
        if (parts.size() > 1) {
            std::thread other(run, 1);
            run(0);
            other.join();
        } else {
            run(0);
        }
        for (const std::exception_ptr& e : failed) {
            if (e) {
                std::rethrow_exception(e);
            }
        }
    };
    // The parts ask the catalog and the config's regular expressions at once: both are const, and a
    // QRegularExpression matches from any number of threads (Qt 6 compiles a pattern once under a
    // mutex of its own and gives every match its own match data and a thread's own JIT stack).
    auto serviceIn = [&](Part& p, int64_t domainId) -> const WebService* {
        const auto i = static_cast<size_t>(domainId);
        if (!p.serviceLooked[i]) {
            p.serviceLooked[i] = 1;
            if (!domains[i].isAddress) {
                p.services[i] = catalog_.match(domains[i].name);
            }
        }
        return p.services[i];
    };
    auto endpointIn = [&](Part& p, int64_t domainId, const char* path, int pathLen) -> int32_t {
        const WebService* s = serviceIn(p, domainId);
        if (!s || s->endpoints.empty() || !path || pathLen == 0) {
            return 0;
        }
        auto& cache = p.endpointCache[domainId];
        std::string text(path, static_cast<size_t>(pathLen));
        if (auto it = cache.find(text); it != cache.end()) {
            return it->second;
        }
        int32_t id = 0;
        const EndpointMatch m = catalog_.endpoint(*s, domains[static_cast<size_t>(domainId)].name, text);
        if (m.shape) {
            auto [it, inserted] = p.endpointIds.try_emplace({domainId, m.prefix}, int32_t(p.endpointKeys.size()));
            if (inserted) {
                p.endpointKeys.emplace_back(domainId, m.prefix);
                p.endpointShapes.push_back(m.shape);
            }
            id = it->second;
        }
        if (cache.size() < 4096) { // browsing a service's many pages must not grow it without bound
            cache.emplace(std::move(text), id);
        }
        return id;
    };
    // A name only a connection gives (not in the domains table): an id of the part's own.
    auto domainIn = [&](Part& p, const std::string& rawName, Table table) -> int64_t {
        const std::string name = DomainNames::normalize(rawName);
        if (name.empty()) {
            return 0;
        }
        if (auto it = domainByName.find(name); it != domainByName.end()) {
            return it->second;
        }
        auto [it, inserted] =
            p.newDomainIds.try_emplace(name, maxTableDomain + 1 + static_cast<int64_t>(p.newDomains.size()));
        if (inserted) {
            p.newDomains.push_back(name);
            p.newDomainTable.push_back(table);
        }
        return it->second;
    };

    phases.lap("context");

    // ---- DNS server logs
    auto readDnsLog = [&](Part& p) {
        int64_t start = 0;
        const int64_t span = idSpan(p, kDnsTable, "dns_rows", &start);
        AttributionCursor attributed(p.db, "dns", minConfidence, processIds, p.from[kDnsTable]);
        slim::StringLookup strings(p.db);
        std::unordered_map<int64_t, int32_t> ttlOfString;
        Statement st(p.db, "SELECT id, ts_us, host_id, domain_id, coalesce(answers_s, 0), coalesce(ttls_s, 0) "
                           "FROM dns_rows WHERE host_id IS NOT NULL AND domain_id IS NOT NULL AND id BETWEEN ? AND ? "
                           "ORDER BY id");
        st.bind(1, p.from[kDnsTable]).bind(2, p.to[kDnsTable]);
        int64_t n = 0;
        while (st.step()) {
            const auto [id, ts, host, domain] = basics(st.handle(), "dns_rows");
            Ev e;
            e.id = id;
            e.ts = ts;
            e.source = MemberSource::DnsLog;
            e.naming = Naming::Query;
            e.process = static_cast<int32_t>(attributed.processOf(e.id));
            if (const int64_t answers = st.int64(4)) {
                p.answers[0].addList(strings.text(answers), host, e.ts, domain);
            }
            if (const int64_t ttls = st.int64(5)) {
                auto [it, inserted] = ttlOfString.try_emplace(ttls, 0);
                if (inserted) {
                    it->second = minTtl(strings.text(ttls));
                }
                e.ttl = it->second;
            }
            note(p, host, kDnsTable, e.ts);
            gather(p, GroupKey{host, domain, 0, imageOf(e.process)}, e);
            if (++n % progressEvery_ == 0) {
                poll(p, kDnsTable, "reading DNS queries", e.id - start + 1);
            }
        }
        readDone[partIndex(p)][kDnsTable].store(span);
        p.events += n;
        lapFirst(p, "DNS log");
    };
    // ---- Sysmon DNS queries (EID 22)
    auto readSysmonDns = [&](Part& p) {
        Statement st(p.db, "SELECT id, ts_us, host_id, domain_id, coalesce(process_id, 0), answers "
                           "FROM dns_queries WHERE host_id IS NOT NULL AND domain_id IS NOT NULL AND id BETWEEN ? "
                           "AND ? ORDER BY id");
        st.bind(1, p.from[kDnsQueryTable]).bind(2, p.to[kDnsQueryTable]);
        int64_t n = 0;
        while (st.step()) {
            const auto [id, ts, host, domain] = basics(st.handle(), "dns_queries");
            Ev e;
            e.id = id;
            e.ts = ts;
            e.source = MemberSource::SysmonDns;
            e.naming = Naming::Query;
            e.process = static_cast<int32_t>(processIds.indexOrNone(st.int64(4), "dns_queries", e.id, "process_id"));
            if (const auto* answers = reinterpret_cast<const char*>(sqlite3_column_text(st.handle(), 5))) {
                p.answers[1].addList(answers, host, e.ts, domain);
            }
            note(p, host, kDnsQueryTable, e.ts);
            gather(p, GroupKey{host, domain, 0, imageOf(e.process)}, e);
            if (++n % progressEvery_ == 0) {
                poll(p, kDnsQueryTable, "reading Sysmon DNS queries", n);
            }
        }
        readDone[partIndex(p)][kDnsQueryTable].store(n);
        p.events += n;
        lapFirst(p, "Sysmon DNS");
    };
    // The Sysmon events attributions matched to a request: of the part's proxy requests, and the
    // first part's also of every DNS query's; sorted, without repeats.
    auto readMatched = [&](Part& p) {
        auto read = [&](const char* kind, int64_t from, int64_t to) {
            Statement st(p.db, std::string("SELECT matched_event_id FROM ") + schema::attributionTable(kind) +
                                   " WHERE request_id BETWEEN ? AND ? AND matched_event_id IS NOT NULL");
            st.bind(1, from).bind(2, to);
            while (st.step()) {
                p.matched.push_back(st.int64(0));
            }
        };
        read("proxy", p.from[kProxyTable], p.to[kProxyTable]);
        if (&p == &parts.front()) {
            read("dns", INT64_MIN, INT64_MAX);
        }
        std::sort(p.matched.begin(), p.matched.end());
        p.matched.erase(std::unique(p.matched.begin(), p.matched.end()), p.matched.end());
    };
    inParts([&](Part& p) {
        readDnsLog(p);
        readSysmonDns(p);
        readMatched(p);
        lapFirst(p, "matched connections");
    });
    tickRead(kDnsTable, "reading DNS queries");
    tickRead(kDnsQueryTable, "reading Sysmon DNS queries");
    phases.lap("DNS, the other part");
    // Every answer, in the order one reader meets them.
    for (size_t source = 0; source < 2; ++source) {
        for (Part& p : parts) {
            namer.append(std::move(p.answers[source]));
        }
    }
    namer.finish();
    phases.lap("naming index");
    // An address literal as a destination, named the way its host knew it at that time.
    auto nameAddress = [&](int64_t host, int64_t addressDomain, int64_t ts, Naming& how) -> int64_t {
        const AddressNamer::Result r = namer.name(host, domains[static_cast<size_t>(addressDomain)].name, ts);
        how = r.how;
        return r.how == Naming::Address ? addressDomain : r.domainId;
    };

    // A connection's destination address, named the way its host knew it then (e.naming says how):
    // the domain, the address itself where no answer named it, or 0 for an internal address no
    // answer named (not a web service).
    auto nameConnection = [&](Part& p, Table table, int64_t host, const std::string& ip, bool internal,
                              Ev& e) -> int64_t {
        const AddressNamer::Result r = namer.name(host, ip, e.ts);
        e.naming = r.how;
        return r.how != Naming::Address ? r.domainId : internal ? 0 : domainIn(p, ip, table);
    };

    // ---- Proxy lines: requests and CONNECT tunnels
    auto readProxy = [&](Part& p) {
        int64_t start = 0;
        const int64_t span = idSpan(p, kProxyTable, "proxy_rows", &start);
        AttributionCursor attributed(p.db, "proxy", minConfidence, processIds, p.from[kProxyTable]);
        // The slim rows (schema v4) carry method, user agent and user as interned ids: each distinct
        // value is read and classified once, not once a request.
        Statement st(p.db, "SELECT id, ts_us, host_id, domain_id, method_s, path, bytes_out, bytes_in, user_agent_s, "
                           "duration_ms, user_s FROM proxy_rows WHERE host_id IS NOT NULL AND domain_id IS NOT NULL "
                           "AND id BETWEEN ? AND ? ORDER BY id");
        st.bind(1, p.from[kProxyTable]).bind(2, p.to[kProxyTable]);
        slim::StringLookup strings(p.db);
        // Indexed by strings.id (dense, small): no hashing per request.
        std::vector<int16_t> methods;    // method code + 1, 0: not looked up yet
        std::vector<int32_t> uaOfString; // user agent index + 1, 0: not looked up yet
        sqlite3_stmt* s = st.handle();
        int64_t n = 0;
        while (st.step()) {
            const RowBasics row = basics(s, "proxy_rows");
            const int64_t host = row.host;
            int64_t domain = row.domain; // an address literal is renamed below
            Ev e;
            e.id = row.id;
            e.ts = row.ts;
            const size_t methodSid = stringIds.indexOrNone(sqlite3_column_int64(s, 4), "proxy_rows", e.id, "method_s");
            if (methodSid >= methods.size()) {
                methods.resize(methodSid + 1, 0);
            }
            if (methods[methodSid] == 0) {
                methods[methodSid] = static_cast<int16_t>(
                    1 + (methodSid ? methodCode(strings.text(static_cast<int64_t>(methodSid))) : uint8_t(kOther)));
            }
            e.method = static_cast<uint8_t>(methods[methodSid] - 1);
            e.source = e.method == kConnect ? MemberSource::Connect : MemberSource::Http;
            const auto* path = reinterpret_cast<const char*>(sqlite3_column_text(s, 5));
            const int pathLen = sqlite3_column_bytes(s, 5);
            e.pathHash = path ? hashPath(path, pathLen) : 0;
            e.bytesOut = countOf(s, 6, e.id, "bytes_out");
            e.bytesIn = countOf(s, 7, e.id, "bytes_in");
            e.durationMs = countOf(s, 9, e.id, "duration_ms");
            HostNotes& h = p.notes[host];
            if (const size_t uaSid =
                    stringIds.indexOrNone(sqlite3_column_int64(s, 8), "proxy_rows", e.id, "user_agent_s")) {
                if (uaSid >= uaOfString.size()) {
                    uaOfString.resize(uaSid + 1, 0);
                }
                if (uaOfString[uaSid] == 0) {
                    const std::string& text = strings.text(static_cast<int64_t>(uaSid));
                    auto [it, inserted] = p.uaIds.try_emplace(text, static_cast<int32_t>(p.userAgents.size()));
                    if (inserted) {
                        p.userAgents.push_back(it->first);
                        // Which browser (family and major version) this User-Agent is, if any.
                        int32_t family = 0;
                        const QString ua = QString::fromStdString(text);
                        if (!anyMatch(c.notBrowserUserAgents, ua)) {
                            for (const QRegularExpression& re : c.browserFamilies) {
                                if (const auto m = re.match(ua); m.hasMatch()) {
                                    const std::string key =
                                        (m.captured(1) + QLatin1Char('/') + m.captured(2)).toStdString();
                                    family = p.browserFamilies.try_emplace(key, int32_t(p.browserFamilies.size() + 1))
                                                 .first->second;
                                    break;
                                }
                            }
                        }
                        p.browserOfUa.push_back(family);
                    }
                    uaOfString[uaSid] = it->second + 1;
                }
                e.ua = uaOfString[uaSid] - 1;
                if (const int32_t family = p.browserOfUa[static_cast<size_t>(e.ua)]) {
                    h.browsersByHour[e.ts / 3600000000LL].insert(family);
                }
            }
            if (const int64_t user = sqlite3_column_int64(s, 10)) {
                h.proxyUsers.insert(user);
            }
            double confidence = 0;
            e.process = static_cast<int32_t>(attributed.processOf(e.id, &confidence));
            e.weak = e.process != 0 && confidence < strongConfidence;
            note(p, host, kProxyTable, e.ts);
            int32_t endpoint = 0;
            if (static_cast<size_t>(domain) < domains.size() && domains[static_cast<size_t>(domain)].isAddress) {
                domain = nameAddress(host, domain, e.ts, e.naming);
            } else if (e.source == MemberSource::Http && static_cast<size_t>(domain) < domains.size()) {
                endpoint = endpointIn(p, domain, path, pathLen);
            }
            gather(p, GroupKey{host, domain, endpoint, imageOf(e.process)}, e);
            if (++n % progressEvery_ == 0) {
                poll(p, kProxyTable, "reading proxy requests", e.id - start + 1);
            }
        }
        readDone[partIndex(p)][kProxyTable].store(span);
        p.events += n;
        lapFirst(p, "proxy");
    };
    // ---- Sysmon network connections that no proxy request already stands for
    const std::set<int> proxyPorts = readProxyPorts();
    // Sysmon events a request's attribution stands for, read in phase one (readMatched).
    std::vector<int64_t> matched;
    if (parts.size() == 1) {
        matched = std::move(parts.front().matched);
    } else {
        std::merge(parts.front().matched.begin(), parts.front().matched.end(), parts.back().matched.begin(),
                   parts.back().matched.end(), std::back_inserter(matched));
        matched.erase(std::unique(matched.begin(), matched.end()), matched.end());
    }
    for (Part& p : parts) {
        std::vector<int64_t>().swap(p.matched);
    }
    auto readConnections = [&](Part& p) {
        Statement st(p.db, "SELECT id, event_id, ts_us, host_id, coalesce(process_id, 0), coalesce(dst_ip, ''), "
                           "coalesce(dst_port, 0), coalesce(dst_host, ''), coalesce(initiated, 1) "
                           "FROM net_connections WHERE host_id IS NOT NULL AND id BETWEEN ? AND ? ORDER BY id");
        st.bind(1, p.from[kNetTable]).bind(2, p.to[kNetTable]);
        int64_t n = 0;
        while (st.step()) {
            if (++n % progressEvery_ == 0) {
                poll(p, kNetTable, "reading Sysmon connections", n);
            }
            if (st.int64(8) == 0 || std::binary_search(matched.begin(), matched.end(), st.int64(1))) {
                continue; // inbound, or the proxy request it carried is in the case already
            }
            const std::string ip = DomainNames::normalize(st.text(5));
            const bool internal = isPrivate(ip);
            if (internal && proxyPorts.count(static_cast<int>(st.int64(6)))) {
                continue; // a connection to the proxy: the request is in the proxy log, if anywhere
            }
            Ev e;
            e.id = st.int64(0);
            e.ts = st.int64(2);
            validation::checkTime(e.ts, "net_connections", e.id, "ts_us");
            e.source = MemberSource::SysmonNet;
            e.process =
                static_cast<int32_t>(processIds.indexOrNone(st.int64(4), "net_connections", e.id, "process_id"));
            const int64_t host = checkHost(st.int64(3), "net_connections", e.id);
            int64_t domain = 0;
            const std::string named = st.text(7);
            if (!named.empty() && !DomainNames::isIpLiteral(named)) {
                domain = domainIn(p, named, kNetTable);
                e.naming = Naming::Record;
            } else if (!ip.empty()) {
                domain = nameConnection(p, kNetTable, host, ip, internal, e);
            }
            if (domain == 0) {
                continue;
            }
            note(p, host, kNetTable, e.ts);
            gather(p, GroupKey{host, domain, 0, imageOf(e.process)}, e);
        }
        readDone[partIndex(p)][kNetTable].store(n);
        p.events += n;
        lapFirst(p, "Sysmon connections");
    };
    // ---- Network-sensor connections (Zeek conn.log, Suricata flow; #26): named by the TLS server
    // name of the session with the same uid (SNI, `record`), else through the host's DNS answers
    // for the responder's address; the process where a Sysmon EID 3 of the same five-tuple tied it.
    auto readSensor = [&](Part& p) {
        Statement st(p.db,
                     "SELECT c.id, c.ts_us, c.host_id, coalesce((SELECT t.domain_id FROM tls_rows t WHERE "
                     "t.uid = c.uid AND t.domain_id IS NOT NULL ORDER BY t.id LIMIT 1), 0), "
                     "coalesce(a.process_id, 0), coalesce((SELECT value FROM strings WHERE id = c.resp_ip_s), ''), "
                     "coalesce(c.resp_port, 0), c.duration_us, c.orig_bytes, c.orig_ip_bytes, c.resp_bytes, "
                     "c.resp_ip_bytes FROM sensor_conn_rows c LEFT JOIN sensor_attributions a ON a.conn_id = "
                     "c.id AND a.confidence >= ? WHERE c.host_id IS NOT NULL AND c.id BETWEEN ? AND ? ORDER BY c.id");
        st.bind(1, minConfidence).bind(2, p.from[kSensorTable]).bind(3, p.to[kSensorTable]);
        sqlite3_stmt* s = st.handle();
        int64_t n = 0;
        while (st.step()) {
            if (++n % progressEvery_ == 0) {
                poll(p, kSensorTable, "reading sensor connections", n);
            }
            Ev e;
            e.id = st.int64(0);
            e.ts = st.int64(1);
            validation::checkTime(e.ts, "sensor_conn_rows", e.id, "ts_us");
            const int64_t host = checkHost(st.int64(2), "sensor_conn_rows", e.id);
            e.source = MemberSource::SensorConn;
            e.process =
                static_cast<int32_t>(processIds.indexOrNone(st.int64(4), "sensor_attributions", e.id, "process_id"));
            const int64_t durationUs = validation::countOrAbsent(s, 7, "sensor_conn_rows", e.id, "duration_us");
            e.durationMs = durationUs < 0 ? -1 : static_cast<int32_t>(std::min<int64_t>(durationUs / 1000, INT32_MAX));
            e.bytesOut = sensorBytes(s, 8, 9, e.id);
            e.bytesIn = sensorBytes(s, 10, 11, e.id);
            int64_t domain = static_cast<int64_t>(
                domainIds.indexOrNone(st.int64(3), "tls_rows", e.id, "domain_id")); // the SNI, 0 without one
            if (domain != 0 && !domains[static_cast<size_t>(domain)].isAddress) {
                e.naming = Naming::Record;
            } else {
                const std::string ip = DomainNames::normalize(st.text(5));
                const bool internal = isPrivate(ip);
                if (ip.empty() || (internal && proxyPorts.count(static_cast<int>(st.int64(6))))) {
                    continue; // nothing to name it by, or a connection to the proxy
                }
                domain = nameConnection(p, kSensorTable, host, ip, internal, e);
            }
            if (domain == 0) {
                continue;
            }
            note(p, host, kSensorTable, e.ts);
            gather(p, GroupKey{host, domain, 0, imageOf(e.process)}, e);
        }
        readDone[partIndex(p)][kSensorTable].store(n);
        p.events += n;
        lapFirst(p, "sensor connections");
    };
    inParts([&](Part& p) {
        readProxy(p);
        readConnections(p);
        readSensor(p);
    });
    tickRead(kProxyTable, "reading proxy requests");
    tickRead(kNetTable, "reading Sysmon connections");
    tickRead(kSensorTable, "reading sensor connections");
    phases.lap("proxy and connections, the other part");

    // ---- The parts joined: their ids renumbered in the order one reader meets them
    {
        std::unordered_map<std::string, int32_t> families; // browser families by name (only counted)
        for (Part& p : parts) {
            p.uaMap.assign(p.userAgents.size(), 0);
            for (size_t i = 1; i < p.userAgents.size(); ++i) {
                auto [it, inserted] = uaIds.try_emplace(p.userAgents[i], static_cast<int32_t>(userAgents.size()));
                if (inserted) {
                    userAgents.push_back(p.userAgents[i]);
                }
                p.uaMap[i] = it->second;
            }
            p.endpointMap.assign(p.endpointKeys.size(), 0);
            for (size_t i = 1; i < p.endpointKeys.size(); ++i) {
                auto [it, inserted] =
                    endpointIds.try_emplace(p.endpointKeys[i], static_cast<int32_t>(endpoints.size()));
                if (inserted) {
                    endpoints.push_back({p.endpointShapes[i], p.endpointKeys[i].second});
                }
                p.endpointMap[i] = it->second;
            }
            std::vector<int32_t> familyOf(p.browserFamilies.size() + 1, 0);
            for (const auto& [name, id] : p.browserFamilies) {
                familyOf[static_cast<size_t>(id)] =
                    families.try_emplace(name, static_cast<int32_t>(families.size() + 1)).first->second;
            }
            for (auto& [id, n] : p.notes) {
                HostInfo& h = hosts.at(id);
                for (size_t t = 0; t < kTableCount; ++t) {
                    h.first[t] = std::min(h.first[t], n.first[t]);
                }
                h.proxyUsers.insert(n.proxyUsers.begin(), n.proxyUsers.end());
                for (const auto& [hour, set] : n.browsersByHour) {
                    auto& into = h.browsersByHour[hour];
                    for (const int32_t family : set) {
                        into.insert(familyOf[static_cast<size_t>(family)]);
                    }
                }
            }
            std::unordered_map<int64_t, HostNotes>().swap(p.notes);
            for (size_t t = 0; t < kTableCount; ++t) {
                tableFirst[t] = std::min(tableFirst[t], p.first[t]);
                tableLast[t] = std::max(tableLast[t], p.last[t]);
            }
            eventsRead_ += p.events;
        }
        // Connections' names: every part's from Sysmon first, then every part's from sensors.
        for (const Table t : {kNetTable, kSensorTable}) {
            for (Part& p : parts) {
                p.domainMap.resize(p.newDomains.size(), 0);
                for (size_t i = 0; i < p.newDomains.size(); ++i) {
                    if (p.newDomainTable[i] == t) {
                        p.domainMap[i] = domainIdFor(p.newDomains[i]);
                    }
                }
            }
        }
    }
    auto keyIn = [&](const Part& p, GroupKey k) {
        if (k.domain > maxTableDomain) {
            k.domain = p.domainMap[static_cast<size_t>(k.domain - maxTableDomain - 1)];
        }
        k.endpoint = p.endpointMap[static_cast<size_t>(k.endpoint)];
        return k;
    };
    if (!spilling) {
        for (Part& p : parts) {
            for (auto& [key, evs] : p.groups) {
                for (Ev& e : evs) {
                    e.ua = p.uaMap[static_cast<size_t>(e.ua)];
                }
                std::vector<Ev>& into = groups[keyIn(p, key)];
                if (into.empty()) {
                    into = std::move(evs);
                } else {
                    into.insert(into.end(), evs.begin(), evs.end());
                    std::vector<Ev>().swap(evs);
                }
            }
            p.groups.clear();
        }
    }
    const bool caseHasProxyLogs = tableFirst[kProxyTable] != INT64_MAX;
    tick("gathering channels", 0, 0);

    // ---- Shared client addresses: many people behind one host's address
    {
        const double minUsers = c.threshold("shared_min_users");
        const double minInteractive = c.threshold("shared_min_interactive_users");
        const double minBrowsers = c.threshold("shared_min_browsers");
        const double minNames = c.threshold("shared_min_host_names");
        for (auto& [id, h] : hosts) {
            size_t browsers = 0;
            for (const auto& [hour, set] : h.browsersByHour) {
                browsers = std::max(browsers, set.size());
            }
            QStringList why;
            if (c.isSharedRole(h.role)) {
                why << QStringLiteral("its inventory role is \u201c%1\u201d").arg(h.role);
            }
            if (static_cast<double>(h.proxyUsers.size()) >= minUsers) {
                why << QStringLiteral("%1 users authenticated at the proxy from it").arg(h.proxyUsers.size());
            }
            if (static_cast<double>(h.interactiveUsers) >= minInteractive) {
                why << QStringLiteral("%1 people run processes on it").arg(h.interactiveUsers);
            }
            if (static_cast<double>(browsers) >= minBrowsers) {
                why << QStringLiteral("%1 different browsers used it within one hour").arg(browsers);
            }
            if (static_cast<double>(h.hostNames) >= minNames) {
                why << QStringLiteral("%1 host names held its address at the same time").arg(h.hostNames);
            }
            h.shared = !why.isEmpty();
            h.sharedReason = why.join(QStringLiteral("; "));
            std::set<int64_t>().swap(h.proxyUsers);
            std::map<int64_t, std::set<int32_t>>().swap(h.browsersByHour);
        }
    }

    // ==== Measure each channel ====
    const double band = c.threshold("band");
    const double pauseFactor = c.threshold("pause_factor");
    const double change = c.threshold("response_change");
    const double changeMinBytes = c.threshold("response_change_min_bytes");
    const double changesMinConstancy = c.threshold("changes_min_constancy");
    const double smallUpload = c.threshold("sensor_small_upload_bytes");
    const double minIntervals = c.threshold("min_intervals");
    std::vector<BuiltChannel> out;
    int64_t measured = 0;
    // ---- Process details of each channel's representative process, for out[from, to)
    Statement processDetails(db_, "SELECT coalesce(command_line, ''), coalesce(parent_image, ''), "
                                  "coalesce(user_name, ''), coalesce(parent_command_line, '') FROM processes "
                                  "WHERE id = ?");
    auto detailsOf = [&](size_t from, size_t to) {
        Statement& st = processDetails;
        for (size_t i = from; i < to; ++i) {
            ChannelFeatures& f = out[i].features;
            if (f.processId == 0) {
                continue;
            }
            st.reset();
            st.bind(1, f.processId);
            if (st.step()) {
                f.commandLine = QString::fromStdString(st.text(0));
                f.parentImage = QString::fromStdString(st.text(1));
                f.userName = QString::fromStdString(st.text(2));
                f.parentCommandLine = QString::fromStdString(st.text(3));
            }
        }
        st.reset();
    };
    // The channels of the events in `groups` (all of them, or a run of hosts read back from the
    // spill), measured and appended to `out`; `groups` is left empty.
    partitions_ = 0;
    auto channelsOfGroups = [&] {
        ++partitions_;
        const size_t base = out.size();
        if (parts.size() > 1) {
            for (auto& [key, evs] : groups) {
                restoreReadOrder(evs);
            }
        }
        // ==== Channels: one per thing a process did, whatever recorded it ====
        // Per (host, destination) family: events without a process join the only process there, or the
        // channel with events nearest in time; endpoint-less events of an image join its busiest
        // endpoint channel unless they are a channel of their own.
        std::map<std::pair<int64_t, int64_t>, std::vector<GroupKey>> families;
        for (const auto& [key, evs] : groups) {
            families[{key.host, key.domain}].push_back(key);
        }
        // Untied events that joined a channel's process, by the rule that joined them.
        struct Joined {
            int64_t before = 0;  // from before the host's process evidence, to the only poller there
            int64_t cadence = 0; // to the one poller there at their cadence
            Joined& operator+=(const Joined& o) {
                before += o.before;
                cadence += o.cadence;
                return *this;
            }
        };
        struct Pending {
            GroupKey key;
            std::vector<Ev> events;
            Joined joined;
        };
        std::vector<Pending> finals;
        const auto joinUs = static_cast<int64_t>(c.threshold("join_window_s") * 1e6);
        const double ownShare = c.threshold("own_channel_min_share");
        const auto pollerMinHours = static_cast<size_t>(std::max(1.0, c.threshold("poller_min_hours")));
        const double cadenceRatio = c.threshold("cadence_ratio");
        const double minGaps = c.threshold("min_intervals");
        // A poller of a destination comes back: its events there fall in at least poller_min_hours
        // clock hours. A program that visited once or twice (a browser opening the paste a link
        // pointed to) is no poller, and does not make the real poller one of two.
        using Merged = std::map<std::pair<int32_t, int32_t>, std::vector<Ev>>; // (image, endpoint) -> events
        auto addHours = [&](std::set<int64_t>& hours, const std::vector<Ev>& evs) {
            for (const Ev& e : evs) {
                if (hours.insert(e.ts / 3600000000LL).second && hours.size() >= pollerMinHours) {
                    return;
                }
            }
        };
        auto isPoller = [&](const std::vector<Ev>& evs) {
            std::set<int64_t> hours;
            addHours(hours, evs);
            return hours.size() >= pollerMinHours;
        };
        // The images that poll the family's destination (any endpoint).
        auto pollersIn = [&](const Merged& merged) {
            std::map<int32_t, std::set<int64_t>> hours;
            for (const auto& [k, evs] : merged) {
                if (k.first != 0) {
                    addHours(hours[k.first], evs);
                }
            }
            std::set<int32_t> out;
            for (const auto& [image, h] : hours) {
                if (h.size() >= pollerMinHours) {
                    out.insert(image);
                }
            }
            return out;
        };
        // The median gap (s) between the polls of sorted times, 0 when there are too few gaps to call
        // it a cadence or, where `regular` is asked, they are as irregular as a person's use (a browser
        // that came back now and then polls nothing). Untied lines may mix a poller's with a visit or
        // two: their median is asked for, not their regularity.
        const double cadenceBand = c.threshold("band"), cadencePause = c.threshold("pause_factor");
        const double irregularBandScore = c.threshold("irregular_band_score");
        const double irregularRitaScore = c.threshold("irregular_rita_score");
        auto cadenceOfTimes = [&](const std::vector<int64_t>& sorted, bool regular) {
            const std::vector<double> gaps = nonZeroGapsSeconds(mergeBursts(sorted, mergeUs));
            if (static_cast<double>(gaps.size()) < minGaps) {
                return 0.0;
            }
            const Regularity r = regularity(gaps, intervalConfig);
            const bool irregular =
                regular && bandTest(gaps, cadenceBand, cadencePause, intervalConfig).score < irregularBandScore &&
                r.score < irregularRitaScore;
            return irregular ? 0.0 : r.median;
        };
        // ... of one source among an image's events in the family.
        auto cadenceOf = [&](const Merged& merged, int32_t image, MemberSource source) {
            std::vector<int64_t> ts;
            for (const auto& [k, evs] : merged) {
                if (k.first == image) {
                    for (const Ev& e : evs) {
                        if (e.source == source) {
                            ts.push_back(e.ts);
                        }
                    }
                }
            }
            std::sort(ts.begin(), ts.end());
            return cadenceOfTimes(ts, true);
        };
        for (auto& [family, keys] : families) {
            std::sort(keys.begin(), keys.end(), [](const GroupKey& a, const GroupKey& b) {
                return std::tie(a.image, a.endpoint) < std::tie(b.image, b.endpoint);
            });
            Merged merged;                                        // (image, endpoint) -> events
            std::map<std::pair<int32_t, int32_t>, Joined> joined; // ... of them joined untied
            const int64_t processFrom = hosts[family.first].processFrom;
            struct Orphan {
                int32_t endpoint;
                int32_t attributed; // the process a DNS answer alone tied it to, or 0
                Ev e;
            };
            std::vector<Orphan> orphans; // events without a process, or with a weak tie only
            // A process whose own connections tie some proxy lines to it (five-tuple) does not also
            // own the lines only a DNS answer tied to it: those go with the events without a process.
            std::set<int32_t> strong;
            for (const GroupKey& k : keys) {
                for (const Ev& e : groups[k]) {
                    if (k.image != 0 && !e.weak &&
                        (e.source == MemberSource::Http || e.source == MemberSource::Connect)) {
                        strong.insert(k.image);
                        break;
                    }
                }
            }
            // The User-Agent a process speaks with here: that of the lines its own connections tie to
            // it, else of its lines to a command endpoint. A line only a DNS answer tied to it that
            // speaks another is another program's (a browser tab's requests, tied to the HTA that
            // resolved the same name): it goes with the events without a process, and not back.
            std::map<int32_t, int32_t> agentOf;
            {
                std::map<int32_t, std::map<int32_t, int64_t>> tied, atEndpoint;
                for (const GroupKey& k : keys) {
                    for (const Ev& e : groups[k]) {
                        if (k.image == 0 || e.ua == 0 || e.source != MemberSource::Http) {
                            continue;
                        }
                        if (!e.weak) {
                            ++tied[k.image][e.ua];
                        } else if (k.endpoint != 0) {
                            ++atEndpoint[k.image][e.ua];
                        }
                    }
                }
                for (auto* counts : {&atEndpoint, &tied}) { // tied lines, where any, decide
                    for (const auto& [image, byUa] : *counts) {
                        agentOf[image] = std::max_element(byUa.begin(), byUa.end(), [](const auto& a, const auto& b) {
                                             return a.second < b.second;
                                         })->first;
                    }
                }
            }
            for (const GroupKey& k : keys) {
                std::vector<Ev>& src = groups[k];
                const bool strongHere = strong.count(k.image) > 0;
                const auto agent = agentOf.find(k.image);
                const bool mayOrphan = k.image == 0 || strongHere || agent != agentOf.end();
                if (!mayOrphan) {
                    merged[{k.image, k.endpoint}] = std::move(src); // keys are distinct: nothing to join
                    continue;
                }
                std::vector<Ev> kept;
                for (const Ev& e : src) {
                    const bool otherAgent = e.weak && e.ua != 0 && agent != agentOf.end() && agent->second != e.ua;
                    if (k.image == 0 || otherAgent) {
                        orphans.push_back({k.endpoint, 0, e});
                    } else if (e.weak && strongHere) {
                        orphans.push_back({k.endpoint, k.image, e});
                    } else {
                        kept.push_back(e);
                    }
                }
                if (!kept.empty()) {
                    merged[{k.image, k.endpoint}] = std::move(kept);
                }
                std::vector<Ev>().swap(src);
            }
            if (!orphans.empty()) {
                // Each joins the process that polls the same endpoint, else the process whose own
                // events are nearest in time within the join window (a lookup just before a connection,
                // a request the attributor missed). Events near no process's are another program's.
                std::map<int32_t, std::vector<int64_t>> timesOf;       // image -> its event times
                std::map<int32_t, std::set<int32_t>> imagesAtEndpoint; // endpoint -> images polling it
                for (const auto& [k, evs] : merged) {
                    auto& t = timesOf[k.first];
                    for (const Ev& e : evs) {
                        t.push_back(e.ts);
                    }
                    if (k.second != 0 && isPoller(evs)) {
                        imagesAtEndpoint[k.second].insert(k.first);
                    }
                }
                for (auto& [image, t] : timesOf) {
                    std::sort(t.begin(), t.end());
                }
                auto distance = [&](int32_t image, int64_t ts) {
                    const auto& t = timesOf[image];
                    const auto it = std::lower_bound(t.begin(), t.end(), ts);
                    int64_t d = INT64_MAX;
                    if (it != t.end()) {
                        d = *it - ts;
                    }
                    if (it != t.begin()) {
                        d = std::min(d, ts - *std::prev(it));
                    }
                    return d;
                };
                // Before the host's process evidence starts nothing can tie a line to its process: such
                // a line joins the one process that polls this destination (this endpoint where one
                // polls it) on the host, when exactly one does.
                const std::set<int32_t> imagesHere = pollersIn(merged);
                std::vector<Orphan> left;
                for (const auto& [endpoint, attributed, e] : orphans) {
                    const auto at = endpoint != 0 ? imagesAtEndpoint.find(endpoint) : imagesAtEndpoint.end();
                    int32_t image = 0;
                    const std::set<int32_t>& pollers = at != imagesAtEndpoint.end() ? at->second : imagesHere;
                    if (at != imagesAtEndpoint.end() && at->second.size() == 1) {
                        image = *at->second.begin();
                    } else if (processFrom != INT64_MAX && e.ts < processFrom && pollers.size() == 1) {
                        image = *pollers.begin();
                        ++joined[{image, endpoint}].before;
                    } else {
                        // A tunnel is logged when it closes (Squid, W3C): its connection opened a
                        // duration earlier, so both ends are tried.
                        const int64_t opened = e.durationMs > 0 ? e.ts - int64_t(e.durationMs) * 1000 : e.ts;
                        int64_t best = joinUs + 1;
                        for (const auto& [candidate, t] : timesOf) {
                            if (at != imagesAtEndpoint.end() && !at->second.count(candidate)) {
                                continue;
                            }
                            if (const int64_t d = std::min(distance(candidate, e.ts), distance(candidate, opened));
                                d < best) {
                                best = d;
                                image = candidate;
                            }
                        }
                    }
                    if (image != 0) {
                        merged[{image, endpoint}].push_back(e);
                    } else {
                        left.push_back({endpoint, attributed, e});
                    }
                }
                // Weak ties left over: a few go back to the process a DNS answer named (a page of the
                // browser's); many keep a rhythm of their own, another program's, and stay with the rest.
                std::map<int32_t, std::vector<int64_t>> weakTimes;
                for (const Orphan& o : left) {
                    if (o.attributed) {
                        weakTimes[o.attributed].push_back(o.e.ts);
                    }
                }
                std::set<int32_t> giveBack;
                for (auto& [image, ts] : weakTimes) {
                    std::sort(ts.begin(), ts.end());
                    if (static_cast<double>(pollCount(ts, mergeUs)) < minPolls) {
                        giveBack.insert(image);
                    }
                }
                std::vector<Orphan> rest;
                for (const Orphan& o : left) {
                    if (o.attributed && giveBack.count(o.attributed)) {
                        merged[{o.attributed, o.endpoint}].push_back(o.e);
                    } else {
                        rest.push_back(o);
                    }
                }
                // The rest, when they poll at a cadence of their own: they are the one program that
                // polls this destination there at that cadence (compared on the same kind of evidence:
                // tunnels with its tunnels, requests with its requests). A rest with no cadence, or
                // two programs at it, stays unknown.
                if (!rest.empty()) {
                    std::vector<SourceSeries> series(kMemberSourceCount);
                    for (const MemberSourceInfo& info : kMemberSources) {
                        series[static_cast<size_t>(info.source)].source = info.source;
                    }
                    for (const Orphan& o : rest) {
                        series[static_cast<size_t>(o.e.source)].tsUs.push_back(o.e.ts);
                    }
                    for (SourceSeries& ss : series) {
                        std::sort(ss.tsUs.begin(), ss.tsUs.end());
                    }
                    const Timing t = chooseTiming(series, timingConfig);
                    const double restCadence =
                        t.empty() ? 0.0 : cadenceOfTimes(series[static_cast<size_t>(t.source)].tsUs, false);
                    int32_t match = 0;
                    int matches = 0;
                    for (const int32_t image : restCadence > 0 ? pollersIn(merged) : std::set<int32_t>{}) {
                        const double cadence = cadenceOf(merged, image, t.source);
                        if (cadence > 0 &&
                            std::max(cadence, restCadence) / std::min(cadence, restCadence) <= cadenceRatio) {
                            match = image;
                            ++matches;
                        }
                    }
                    if (matches == 1) {
                        // Into the channel of the poller's busiest endpoint; endpoint-less events find it below.
                        for (const Orphan& o : rest) {
                            merged[{match, o.endpoint}].push_back(o.e);
                            ++joined[{match, o.endpoint}].cadence;
                        }
                        rest.clear();
                    }
                }
                // The rest: a channel of the unknown process only when it holds enough polls, else
                // the family's busiest channel.
                if (!rest.empty()) {
                    std::vector<int64_t> ts;
                    for (const Orphan& o : rest) {
                        ts.push_back(o.e.ts);
                    }
                    std::sort(ts.begin(), ts.end());
                    std::vector<Ev>* busiest = nullptr;
                    for (auto& [k, evs] : merged) {
                        if (!busiest || evs.size() > busiest->size()) {
                            busiest = &evs;
                        }
                    }
                    const bool own = busiest == nullptr || static_cast<double>(pollCount(ts, mergeUs)) >= minPolls;
                    for (const Orphan& o : rest) {
                        (own ? merged[{0, o.endpoint}] : *busiest).push_back(o.e);
                    }
                }
                std::vector<Orphan>().swap(orphans);
            }
            // Endpoint-less events (lookups, tunnels, connections, requests without a command shape) of
            // an image join that image's busiest endpoint channel: one poller, one channel.
            for (auto it = merged.begin(); it != merged.end();) {
                const auto [image, endpoint] = it->first;
                std::vector<int64_t> httpTs;
                for (const Ev& e : it->second) {
                    if (e.source == MemberSource::Http) {
                        httpTs.push_back(e.ts);
                    }
                }
                std::sort(httpTs.begin(), httpTs.end());
                // A handful of requests beside many lookups do not make a channel of their own.
                const bool ownHttpChannel =
                    static_cast<double>(pollCount(httpTs, mergeUs)) >= minPolls &&
                    static_cast<double>(httpTs.size()) >= ownShare * static_cast<double>(it->second.size());
                if (endpoint != 0 || ownHttpChannel) {
                    ++it;
                    continue;
                }
                std::vector<Ev>* best = nullptr;
                for (auto& [k2, evs2] : merged) {
                    if (k2.first == image && k2.second != 0 && (!best || evs2.size() > best->size())) {
                        best = &evs2;
                    }
                }
                if (best) {
                    best->insert(best->end(), it->second.begin(), it->second.end());
                    if (const auto j = joined.find(it->first); j != joined.end()) {
                        const Joined n = j->second;
                        joined.erase(j);
                        for (auto& [k2, evs2] : merged) {
                            if (&evs2 == best) {
                                joined[k2] += n;
                            }
                        }
                    }
                    it = merged.erase(it);
                } else {
                    ++it;
                }
            }
            for (auto& [k, evs] : merged) {
                if (!evs.empty()) {
                    finals.push_back({GroupKey{family.first, family.second, k.second, k.first}, std::move(evs),
                                      joined.count(k) ? joined[k] : Joined{}});
                }
            }
        }
        groups.clear();
        phases.lap("channels");

        out.resize(base + finals.size());
        // For the output-elsewhere pass: each channel's changed-response times and post times.
        std::vector<std::vector<int64_t>> changeTimes(finals.size()), postTimes(finals.size());
        std::vector<std::vector<std::pair<int64_t, int64_t>>> hourCounts(finals.size()); // (hour, polls)
        // Channels are measured on both cores: each reads only its own events and the read-only
        // context, so the one lazy cache it would fill (the catalog's service) is filled first.
        for (const Pending& p : finals) {
            serviceOf(p.key.domain);
        }
        onBothCores(finals.size(), 64, [&](size_t from, size_t to) {
            for (size_t ci = from; ci < to; ++ci) {
                Pending& p = finals[ci];
                std::sort(p.events.begin(), p.events.end(),
                          [](const Ev& a, const Ev& b) { return std::tie(a.ts, a.id) < std::tie(b.ts, b.id); });
                BuiltChannel bc;
                MemberIds ids; // encoded into bc once sorted
                ChannelFeatures& f = bc.features;
                const HostInfo& h = hosts.at(p.key.host);
                const DomainInfo& d = domains[static_cast<size_t>(p.key.domain)];
                f.hostId = p.key.host;
                f.host = h.name.isEmpty() ? h.ips : h.name;
                f.hostIps = h.ips;
                f.hostRole = h.role;
                f.hostShared = h.shared;
                f.hostSharedReason = h.sharedReason;
                f.joinedBeforeProcessEvidence = p.joined.before;
                f.processEvidenceFrom = p.joined.before > 0 ? h.processFrom : 0;
                f.joinedByCadence = p.joined.cadence;
                f.domainId = p.key.domain <= maxTableDomain ? p.key.domain
                                                            : 0; // names only connections gave are not in the table
                f.destination = QString::fromStdString(d.name);
                f.registeredDomain = QString::fromStdString(d.registered);
                f.destinationIsAddress = d.isAddress;
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
                std::vector<SourceSeries> series(kMemberSourceCount);
                std::array<std::array<int64_t, kNamingCount>, kMemberSourceCount> namings{};
                for (const MemberSourceInfo& info : kMemberSources) {
                    series[static_cast<size_t>(info.source)].source = info.source;
                }
                std::vector<double> out_, in_;
                std::map<int32_t, int64_t> uaCount, processCount;
                std::vector<uint32_t> paths;
                int64_t gets = 0, posts = 0, connects = 0;
                int64_t sensorOut = 0, sensorIn = 0; // the channel's bytes where only a sensor saw it
                bool sensorOutLogged = false, sensorInLogged = false;
                std::vector<double> sensorOut_, sensorIn_; // per connection, where it logged both ways
                for (const Ev& e : p.events) {
                    SourceSeries& s = series[static_cast<size_t>(e.source)];
                    s.tsUs.push_back(e.ts);
                    ++namings[static_cast<size_t>(e.source)][static_cast<size_t>(e.naming)];
                    switch (e.source) {
                    case MemberSource::Http:
                    case MemberSource::Connect:
                        ids.proxyIds.push_back(e.id);
                        s.durationMs.push_back(e.durationMs);
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
                    case MemberSource::DnsLog:
                        ids.dnsIds.push_back(e.id);
                        s.ttlS.push_back(e.ttl);
                        break;
                    case MemberSource::SysmonDns:
                        ids.dnsQueryIds.push_back(e.id);
                        s.ttlS.push_back(e.ttl);
                        break;
                    case MemberSource::SysmonNet:
                        ids.netIds.push_back(e.id);
                        break;
                    case MemberSource::SensorConn:
                        ids.sensorIds.push_back(e.id);
                        s.durationMs.push_back(e.durationMs); // a long-lived session is unmeasurable, not one poll
                        sensorOut += std::max(e.bytesOut, int32_t(0));
                        sensorIn += std::max(e.bytesIn, int32_t(0));
                        sensorOutLogged = sensorOutLogged || e.bytesOut >= 0;
                        sensorInLogged = sensorInLogged || e.bytesIn >= 0;
                        if (e.bytesOut >= 0 && e.bytesIn >= 0) {
                            sensorOut_.push_back(e.bytesOut);
                            sensorIn_.push_back(e.bytesIn);
                        }
                        break;
                    }
                    if (e.process) {
                        ++processCount[e.process];
                    }
                }
                if (ids.proxyIds.empty()) {
                    // Totals only (no factor reads them): a proxy's lines, where there are any, count the
                    // same traffic the sensor would, so the sensor's bytes stand only where no proxy saw it.
                    f.bytesOut = sensorOut;
                    f.bytesIn = sensorIn;
                }
                // -1 where no member logged a size (Squid's native line has no request size, a lookup has
                // none): stored as NULL, shown as "not logged", never as "sent 0 bytes".
                const bool bySensor = ids.proxyIds.empty();
                if (bySensor ? !sensorOutLogged : out_.empty()) {
                    f.bytesOut = -1;
                }
                if (bySensor ? !sensorInLogged : in_.empty()) {
                    f.bytesIn = -1;
                }
                for (auto* list : {&ids.proxyIds, &ids.dnsIds, &ids.dnsQueryIds, &ids.netIds, &ids.sensorIds}) {
                    std::sort(list->begin(), list->end());
                }
                // Every channel's members are held until the alerts are written: encoded, as they
                // are stored (1-3 bytes an id rather than 8).
                bc.proxyBlob = encodeMemberIds(ids.proxyIds);
                bc.dnsBlob = encodeMemberIds(ids.dnsIds);
                bc.dnsQueryBlob = encodeMemberIds(ids.dnsQueryIds);
                bc.netBlob = encodeMemberIds(ids.netIds);
                bc.sensorBlob = encodeMemberIds(ids.sensorIds);
                for (const MemberSourceInfo& info : kMemberSources) {
                    for (int n = 0; n < kNamingCount; ++n) {
                        if (const int64_t count = namings[static_cast<size_t>(info.source)][static_cast<size_t>(n)]) {
                            f.members.push_back({QString::fromLatin1(info.name.data(), qsizetype(info.name.size())),
                                                 QString::fromLatin1(namingName(static_cast<Naming>(n)).data()),
                                                 count});
                        }
                    }
                }
                std::stable_sort(f.members.begin(), f.members.end(),
                                 [](const MemberCount& a, const MemberCount& b) { return a.count > b.count; });
                f.proxyRequests = static_cast<int64_t>(ids.proxyIds.size());
                f.caseHasProxyLogs = caseHasProxyLogs;
                f.dnsQueries = static_cast<int64_t>(ids.dnsIds.size() + ids.dnsQueryIds.size());
                f.netConnections = static_cast<int64_t>(ids.netIds.size() + ids.sensorIds.size());
                f.firstTs = p.events.front().ts;
                f.lastTs = p.events.back().ts;

                // ---- Timing: the one choice (timing_source.h)
                const Timing t = chooseTiming(series, timingConfig);
                const Table table = tableOf(t.source);
                f.timingSource =
                    QString::fromLatin1(sourceName(t.source).data(), qsizetype(sourceName(t.source).size()));
                f.timingClass = QString::fromLatin1(timingClassName(t.cls).data());
                f.timingNote = t.note;
                f.polls = static_cast<int64_t>(t.polls.size());
                f.events = t.events;
                f.ttlS = t.ttlS;
                f.ttlPaced = t.ttlPaced;
                f.unmeasurable = t.unmeasurable;
                // Late from the later of its own evidence's start and the host's first event there: a log
                // that starts later, or a host that came on later, makes nothing late.
                const int64_t evidenceStart = std::max(tableFirst[table], h.first[table]);
                f.lateStartHours =
                    t.polls.empty() ? 0 : std::max(0.0, static_cast<double>(t.polls.front() - evidenceStart) / 3.6e9);
                const std::vector<double> gaps = nonZeroGapsSeconds(t.polls);
                f.intervals = static_cast<int64_t>(gaps.size());
                if (!gaps.empty()) {
                    const Regularity r = regularity(gaps, intervalConfig);
                    f.medianInterval = r.median;
                    f.jitter = r.madOverMedian;
                    f.skew = r.skew;
                    f.ritaTs = r.score;
                    const BandTest b = bandTest(gaps, band, pauseFactor, intervalConfig);
                    f.bandShare = b.share;
                    f.bandScore = b.score;
                    f.pauses = b.pauses;
                    f.bandIntervals = b.inBand;
                }
                const HistogramScores hs =
                    histogramScores(t.polls, tableFirst[table], tableLast[table] + 1, intervalConfig);
                f.histogramScore = hs.score;
                f.durationScore = hs.durationScore;
                f.coverage = hs.coverage;
                // ---- Shape of the proxy lines
                if (!ids.proxyIds.empty()) {
                    const double n = static_cast<double>(ids.proxyIds.size());
                    // A tunnel is no request: GET and POST shares are of the requests (a TLS-inspecting
                    // proxy logs a CONNECT before each session's decrypted requests).
                    const double requests = std::max(1.0, n - static_cast<double>(connects));
                    f.getShare = static_cast<double>(gets) / requests;
                    f.postShare = static_cast<double>(posts) / requests;
                    f.connectShare = static_cast<double>(connects) / n;
                    std::sort(paths.begin(), paths.end());
                    f.distinctPaths = std::unique(paths.begin(), paths.end()) - paths.begin();
                    f.medianBytesOut = medianOf(out_);
                    f.medianBytesIn = medianOf(in_);
                    f.requestConstancy = shareNear(out_, f.medianBytesOut, change, changeMinBytes);
                    f.responseConstancy = shareNear(in_, f.medianBytesIn, change, changeMinBytes);
                    f.ritaData = regularity(in_, intervalConfig).score;
                    if (f.responseConstancy >= changesMinConstancy) {
                        const double tol = std::max(change * f.medianBytesIn, changeMinBytes);
                        for (const Ev& e : p.events) {
                            if ((e.source == MemberSource::Http || e.source == MemberSource::Connect) &&
                                e.bytesIn >= 0 && std::abs(e.bytesIn - f.medianBytesIn) > tol) {
                                changeTimes[ci].push_back(e.ts);
                            }
                        }
                        f.responseChanges = static_cast<int64_t>(changeTimes[ci].size());
                    }
                } else if (!sensorOut_.empty()) {
                    // No HTTP visible: a sensor's connections give the sizes each way, per connection. A
                    // one-way poller uploads a handshake and one small request each time and gets more back.
                    f.sensorSized = static_cast<int64_t>(sensorOut_.size());
                    f.medianBytesOut = medianOf(sensorOut_);
                    f.medianBytesIn = medianOf(sensorIn_);
                    f.requestConstancy = shareNear(sensorOut_, f.medianBytesOut, change, changeMinBytes);
                    f.responseConstancy = shareNear(sensorIn_, f.medianBytesIn, change, changeMinBytes);
                    const auto small = std::count_if(sensorOut_.begin(), sensorOut_.end(),
                                                     [smallUpload](double b) { return b <= smallUpload; });
                    f.smallUploadShare = static_cast<double>(small) / static_cast<double>(sensorOut_.size());
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
                // Polls per hour of the timing series, for the idle-hours pass.
                for (int64_t ts : t.polls) {
                    const int64_t hour = ts / 3600000000LL;
                    if (hourCounts[ci].empty() || hourCounts[ci].back().first != hour) {
                        hourCounts[ci].push_back({hour, 0});
                    }
                    ++hourCounts[ci].back().second;
                }
                f.key = QStringList{f.host, f.processImage.isEmpty() ? QStringLiteral("-") : f.processImage.toLower(),
                                    f.destination, f.endpoint}
                            .join(QLatin1Char('|'));
                out[base + ci] = std::move(bc);
                std::vector<Ev>().swap(p.events);
            }
        });
        measured += static_cast<int64_t>(finals.size());
        tick("measuring channels", measured, measured);

        phases.lap("measure");
        // ---- Idle hours: the hours in which a host shows interactive use (a browser, or irregular
        // traffic); a periodic channel's polls outside them happen while nobody uses the host.
        {
            const double irregularBand = c.threshold("irregular_band_score");
            const double irregularRita = c.threshold("irregular_rita_score");
            std::unordered_map<int64_t, std::set<int64_t>> activeHours;
            for (size_t ci = 0; ci < finals.size(); ++ci) {
                const ChannelFeatures& f = out[base + ci].features;
                const bool browser = c.browsers.count(f.processName.toStdString()) > 0;
                const bool irregular = static_cast<double>(f.consideredIntervals()) >= minIntervals &&
                                       f.bandScore < irregularBand && f.ritaTs < irregularRita;
                if (browser || irregular) {
                    auto& hours = activeHours[f.hostId];
                    for (const auto& [hour, n] : hourCounts[ci]) {
                        hours.insert(hour);
                    }
                }
            }
            for (size_t ci = 0; ci < finals.size(); ++ci) {
                ChannelFeatures& f = out[base + ci].features;
                const auto it = activeHours.find(f.hostId);
                if (static_cast<double>(f.consideredIntervals()) < minIntervals || it == activeHours.end()) {
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
        // the same process of the host post to another service soon after?
        {
            const auto window = static_cast<int64_t>(c.threshold("output_window_s") * 1e6);
            const double minReactions = c.threshold("output_min_reactions");
            const double chanceFactor = c.threshold("output_chance_factor");
            // The posters' rate over the whole proxy log: a poster that only posts after commands has
            // few posts, and their own first-to-last span would make it look busy.
            const double span =
                caseHasProxyLogs ? std::max(1.0, static_cast<double>(tableLast[kProxyTable] - tableFirst[kProxyTable]))
                                 : 1.0;
            std::unordered_map<int64_t, std::vector<size_t>> byHost;
            for (size_t ci = 0; ci < finals.size(); ++ci) {
                byHost[out[base + ci].features.hostId].push_back(ci);
            }
            for (auto& [host, list] : byHost) {
                for (size_t cmdIndex : list) {
                    if (changeTimes[cmdIndex].empty()) {
                        continue;
                    }
                    ChannelFeatures& cmd = out[base + cmdIndex].features;
                    size_t best = SIZE_MAX;
                    int64_t bestCount = 0;
                    std::vector<double> bestDelays;
                    for (size_t o : list) {
                        ChannelFeatures& other = out[base + o].features;
                        // The same process on both sides (or, on a host without process evidence, no
                        // process on either): an unknown side could be any program, and pairing it with
                        // a known one only finds two busy clients of the host.
                        if (o == cmdIndex || postTimes[o].empty() || other.service.isEmpty() ||
                            other.registeredDomain == cmd.registeredDomain || cmd.processImage != other.processImage) {
                            continue;
                        }
                        int64_t count = 0;
                        std::vector<double> delays;
                        for (int64_t t : changeTimes[cmdIndex]) {
                            const auto it = std::upper_bound(postTimes[o].begin(), postTimes[o].end(), t);
                            if (it != postTimes[o].end() && *it - t <= window) {
                                ++count;
                                delays.push_back(static_cast<double>(*it - t) / 1e6);
                            }
                        }
                        // A busy poster (a chat client every minute) follows any moment by chance:
                        // count only what beats chance, from the poster's own rate.
                        const double chance = 1 - std::exp(-static_cast<double>(postTimes[o].size()) / span *
                                                           static_cast<double>(window));
                        const double expected = chance * static_cast<double>(changeTimes[cmdIndex].size());
                        if (static_cast<double>(count) < minReactions ||
                            static_cast<double>(count) < chanceFactor * expected + 1) {
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
                    ChannelFeatures& output = out[base + best].features;
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
        phases.lap("idle hours, output elsewhere");
#ifdef __GLIBC__
        // The second core's allocations live in an arena of their own, interleaved with the
        // partition's freed events: hand the free pages back so the peak stays that of one core.
        malloc_trim(0);
#endif
        // The run's channels are final now (process details are their last fields): nothing
        // below changes them, so whoever waits for them (channelsDone_) may read them.
        detailsOf(base, out.size());
        phases.lap("process details");
        if (channelsDone_) {
            channelsDone_(out, base, out.size());
        }
    };
    phases.lap("shared hosts");
    if (!spilling) {
        channelsOfGroups();
    } else {
        // Consecutive runs of hosts, read back up to the budget of events at a time.
        auto records = [&](size_t bucket) {
            int64_t n = 0;
            for (const Part& p : parts) {
                n += p.spill.records(bucket);
            }
            return n;
        };
        size_t bucket = 0;
        while (bucket < parts[0].spill.buckets()) {
            int64_t loaded = 0;
            do {
                loaded += records(bucket);
                for (Part& p : parts) {
                    p.spill.load(bucket, [&](const EventSpill::Record& r) {
                        Ev e = r.e;
                        e.ua = p.uaMap[static_cast<size_t>(e.ua)];
                        groups[keyIn(p, r.key)].push_back(e);
                    });
                }
                ++bucket;
                phases.lap("read back");
            } while (bucket < parts[0].spill.buckets() && loaded + records(bucket) <= partitionEvents_);
            channelsOfGroups();
        }
    }

    log::score()->info("{} events in {} channels; {} DNS answers name addresses", eventsRead_, out.size(),
                       namer.answers());
    log::score()->info("channels built: {}", phases.summary());
    return out;
}

} // namespace socwb::scoring
