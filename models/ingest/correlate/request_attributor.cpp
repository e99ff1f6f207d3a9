#include "ingest/correlate/request_attributor.h"

#include "core/logging.h"
#include "core/resources.h"
#include "core/spill_buckets.h"
#include "store/slim_rows.h"
#include "store/statement.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <iterator>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace socwb {

namespace {
// The attributions' CHECK (method IN (0, 1, 2)) is evaluated per row and cost as much as the rest
// of the insert (in sqlite3, 470,083 rows: 0.34 s with it, 0.16 s without). The writer binds a
// Method enumerator, whose codes are those three: the check is off while it writes.
class ChecksOff {
  public:
    explicit ChecksOff(sqlite3* db) : db_(db) { execSql(db_, "PRAGMA ignore_check_constraints = ON"); }
    ~ChecksOff() { sqlite3_exec(db_, "PRAGMA ignore_check_constraints = OFF", nullptr, nullptr, nullptr); }
    ChecksOff(const ChecksOff&) = delete;
    ChecksOff& operator=(const ChecksOff&) = delete;

  private:
    sqlite3* db_;
};
} // namespace

struct RequestAttributor::Conn {
    int64_t id = 0, event = 0, ts = 0, process = 0, srcPort = -1, dstPort = -1;
    std::string src, dst;
    int initiated = -1;
};

struct RequestAttributor::Query {
    int64_t id = 0, event = 0, ts = 0, process = 0, domain = 0;
    std::string answers;
};

namespace {

// The rows of one host's time-ordered list that fall in a window moving forward in time. Rows with
// a domain (DNS queries) are also listed per domain, so a request looks only at the queries for its
// own name among the minutes of queries a host makes. Like the cursor it replaced, the window also
// holds the first row past its end; every reader checks the times itself.
template <class Row> class Window {
  public:
    explicit Window(const std::vector<Row>& rows) : all_(rows) {}
    void slide(int64_t from, int64_t to) {
        while (end_ < all_.size() && (begin_ == end_ || all_[end_ - 1].ts <= to)) {
            const Row& r = all_[end_++];
            if constexpr (requires(Row row) { row.domain; }) {
                byDomain_[r.domain].push_back(&r);
            }
        }
        while (begin_ < end_ && all_[begin_].ts < from) {
            if constexpr (requires(Row row) { row.domain; }) {
                auto it = byDomain_.find(all_[begin_].domain);
                it->second.pop_front(); // the oldest of its domain is the oldest row
                if (it->second.empty()) {
                    byDomain_.erase(it);
                }
            }
            ++begin_;
        }
    }
    std::span<const Row> rows() const { return std::span<const Row>(all_).subspan(begin_, end_ - begin_); }
    // The window's rows for one domain, oldest first.
    const std::deque<const Row*>& rowsFor(int64_t domain) const {
        auto it = byDomain_.find(domain);
        return it == byDomain_.end() ? none_ : it->second;
    }

  private:
    const std::vector<Row>& all_;
    size_t begin_ = 0, end_ = 0;
    std::unordered_map<int64_t, std::deque<const Row*>> byDomain_;
    std::deque<const Row*> none_;
};

bool listHas(const std::string& commaList, const std::string& item) {
    if (item.empty()) {
        return false;
    }
    size_t i = 0;
    while (i <= commaList.size()) {
        size_t c = commaList.find(',', i);
        if (c == std::string::npos) {
            c = commaList.size();
        }
        if (commaList.compare(i, c - i, item) == 0) {
            return true;
        }
        i = c + 1;
    }
    return false;
}

bool listsOverlap(const std::string& a, const std::string& b) {
    size_t i = 0;
    while (i < a.size()) {
        size_t c = a.find(',', i);
        if (c == std::string::npos) {
            c = a.size();
        }
        if (listHas(b, a.substr(i, c - i))) {
            return true;
        }
        i = c + 1;
    }
    return false;
}

// One candidate link: the process, the endpoint event that ties it, and the time between them.
struct Pick {
    int64_t process = 0;
    int64_t event = 0;
    int64_t skewUs = 0;
    bool ambiguous = false;

    // Keeps the closest match per process; a second process makes the pick ambiguous.
    void offer(int64_t proc, int64_t ev, int64_t skew) {
        if (process == 0) {
            process = proc;
            event = ev;
            skewUs = skew;
        } else if (proc != process) {
            ambiguous = true;
        } else if (std::llabs(skew) < std::llabs(skewUs)) {
            event = ev;
            skewUs = skew;
        }
    }
    bool found() const { return process != 0 && !ambiguous; }
};

} // namespace

AttributionConfig AttributionConfig::load() {
    const QString file = QStringLiteral("attribution.json");
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(resources::read(file), &err);
    if (!doc.isObject()) {
        throw std::runtime_error("attribution.json: not a JSON object (" + err.errorString().toStdString() + ")");
    }
    const QJsonObject o = doc.object();
    AttributionConfig c;
    auto ms = [&](const char* key, int64_t& out) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isUndefined()) {
            if (!v.isDouble() || v.toDouble() < 0) {
                throw std::runtime_error(std::string("attribution.json: '") + key +
                                         "' must be a number of milliseconds >= 0");
            }
            out = static_cast<int64_t>(v.toDouble());
        }
    };
    ms("clock_skew_ms", c.clockSkewMs);
    ms("dns_lookback_ms", c.dnsLookbackMs);
    if (o.contains(QLatin1String("proxy_ports"))) {
        c.proxyPorts.clear();
        for (const QJsonValue& v : o.value(QLatin1String("proxy_ports")).toArray()) {
            c.proxyPorts.push_back(v.toInt());
        }
    }
    const QJsonObject conf = o.value(QLatin1String("confidence")).toObject();
    auto confidence = [&](const char* key, double& out) {
        const QJsonValue v = conf.value(QLatin1String(key));
        if (!v.isUndefined()) {
            if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() > 1) {
                throw std::runtime_error(std::string("attribution.json: confidence '") + key + "' must be in [0, 1]");
            }
            out = v.toDouble();
        }
    };
    confidence("five-tuple", c.fiveTuple);
    confidence("dns-answer", c.dnsAnswer);
    confidence("dns-answer-confirmed", c.dnsAnswerConfirmed);
    confidence("time-window", c.timeWindow);
    return c;
}

namespace {
void fromEnvironment(const char* name, int64_t& value) {
    if (const QByteArray v = qgetenv(name); !v.isEmpty()) {
        bool ok = false;
        const qlonglong n = v.toLongLong(&ok);
        if (ok && n > 0) {
            value = n;
        }
    }
}
} // namespace

int64_t RequestAttributor::batchRequestsFromEnvironment() {
    int64_t n = kBatchRequests;
    fromEnvironment("SOCWB_ATTRIBUTION_BATCH_REQUESTS", n);
    return n;
}

RequestAttributor::RequestAttributor(sqlite3* db, AttributionConfig config)
    : db_(db), config_(std::move(config)), batchRequests_(batchRequestsFromEnvironment()) {
    fromEnvironment("SOCWB_ATTRIBUTION_REBUILD_ROWS", rebuildRows_);
}

// What a run parks on disk when it may consider more requests than a batch: the requests by host
// (as read, in row order; hosts in id order fall into runs of consecutive ids, one file each), and
// the attributions found by (kind, request id) range, so that each range can be sorted and
// written alone and the ranges in turn still write the table in key order.
struct RequestAttributor::Parked {
    static constexpr size_t kBuckets = 64;
    // A request as read: the three kinds in one record. Text is the strings id, looked up on load.
    struct Request {
        int64_t id, ts, host;
        int64_t a, b;   // proxy: domain, destination port; DNS: domain; sensor: originator and responder ports
        int64_t s1, s2; // proxy: client, destination address; DNS: answers; sensor: originator, responder
        Kind kind;
    };
    std::vector<int64_t> hosts; // ascending
    SpillBuckets<Request> requests;
    SpillBuckets<Found> found;
    // Ids a kind's requests may have: (after, last]; a kind the run does not consider has none.
    int64_t after[3] = {0, 0, 0};
    int64_t last[3] = {0, 0, 0};

    // The host's bucket, or -1 when it is not one of the run's hosts.
    int64_t bucketOfHost(int64_t host) const {
        const auto it = std::lower_bound(hosts.begin(), hosts.end(), host);
        if (it == hosts.end() || *it != host) {
            return -1;
        }
        return static_cast<int64_t>(it - hosts.begin()) * static_cast<int64_t>(requests.buckets()) /
               static_cast<int64_t>(hosts.size());
    }
    size_t bucketOfFound(const Found& f) const {
        int64_t position = 0, total = 0;
        for (int k = 0; k < 3; ++k) {
            if (k < static_cast<int>(f.kind)) {
                position += last[k] - after[k];
            }
            total += last[k] - after[k];
        }
        position += f.request - after[static_cast<int>(f.kind)] - 1;
        const auto b = position * static_cast<int64_t>(found.buckets()) / std::max<int64_t>(1, total);
        return static_cast<size_t>(std::clamp<int64_t>(b, 0, static_cast<int64_t>(found.buckets()) - 1));
    }
};

// Attributions go in kInsertRows to a statement: one step inserts many rather than one (a whole
// case writes hundreds of thousands; bench_case, issue 20). Each kind to its own table (schema 15:
// keyed by request id, the method a small integer). Given runs of attributions in key order, it
// writes them in that order; the last few go one to a statement in finish().
struct RequestAttributor::Writer {
    explicit Writer(sqlite3* db)
        : dns(db, "dns_attributions"), proxy(db, "proxy_attributions"),
          sensor(db, "INSERT INTO sensor_attributions(conn_id, process_id, method, confidence, skew_ms, "
                     "matched_event_id) VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING") {}
    void add(const Found& f) {
        if (f.kind == Kind::Sensor) {
            sensor.bind(1, f.request).bind(2, f.process).bindStatic(3, methodName(f.method));
            sensor.bind(4, f.confidence).bind(5, f.skewMs).bind(6, f.event).exec();
            return;
        }
        (f.kind == Kind::Proxy ? proxy : dns).add(f);
    }
    void finish() {
        dns.finish();
        proxy.finish();
    }

  private:
    static constexpr int kColumns = 6;
    // The statements and pending rows of one request kind's table.
    struct Table {
        Table(sqlite3* db, const std::string& table) : many(db, insert(table, kInsertRows)), one(db, insert(table, 1)) {
            pending.reserve(kInsertRows);
        }
        void add(const Found& f) {
            pending.push_back(f);
            if (pending.size() == kInsertRows) {
                for (int r = 0; r < kInsertRows; ++r) {
                    bindRequest(many, r * kColumns, pending[r]);
                }
                many.exec();
                pending.clear();
            }
        }
        void finish() {
            for (const Found& f : pending) {
                bindRequest(one, 0, f);
                one.exec();
            }
            pending.clear();
        }
        Statement many, one;
        std::vector<Found> pending;
    };
    static std::string insert(const std::string& table, int rows) {
        std::string v =
            "INSERT INTO " + table + "(request_id, process_id, method, confidence, skew_ms, matched_event_id) VALUES ";
        for (int i = 0; i < rows; ++i) {
            v += i ? ",(?,?,?,?,?,?)" : "(?,?,?,?,?,?)";
        }
        return v + " ON CONFLICT DO NOTHING";
    }
    static const char* methodName(Method m) {
        return m == Method::FiveTuple ? "five-tuple" : m == Method::DnsAnswer ? "dns-answer" : "time-window";
    }
    static void bindRequest(Statement& st, int base, const Found& f) {
        // The stored code of a method is its enumerator (schema 15: 0 five-tuple, 1 dns-answer, 2 time-window).
        st.bind(base + 1, f.request).bind(base + 2, f.process).bind(base + 3, static_cast<int64_t>(f.method));
        st.bind(base + 4, f.confidence).bind(base + 5, f.skewMs).bind(base + 6, f.event);
    }
    Table dns, proxy;
    Statement sensor;
};

void RequestAttributor::keep(const Found& f) {
    ++foundOf_[static_cast<int>(f.kind)];
    if (parked_) {
        parked_->found.add(parked_->bucketOfFound(f), f);
    } else {
        found_.push_back(f);
    }
}

AttributionStats RequestAttributor::run(const AttributionScope& scope) {
    AttributionStats stats;
    batches_ = 0;
    std::fill(std::begin(foundOf_), std::end(foundOf_), int64_t(0));
    if (!queryInt(db_, "SELECT 1 FROM processes LIMIT 1")) {
        return stats;
    }
    QElapsedTimer clock;
    clock.start();
    std::vector<int64_t> hosts;
    {
        Statement st(db_,
                     "SELECT id FROM hosts h WHERE EXISTS (SELECT 1 FROM net_connections n WHERE n.host_id = h.id) "
                     "OR EXISTS (SELECT 1 FROM dns_queries q WHERE q.host_id = h.id) ORDER BY id");
        while (st.step()) {
            hosts.push_back(st.int64(0));
        }
    }
    if (scope.onlyHosts) {
        std::vector<int64_t> asked = scope.hosts;
        std::sort(asked.begin(), asked.end());
        std::vector<int64_t> both;
        std::set_intersection(hosts.begin(), hosts.end(), asked.begin(), asked.end(), std::back_inserter(both));
        hosts.swap(both);
        if (hosts.empty()) {
            log::ingest()->debug("attribution: no Sysmon host received requests, nothing to attribute");
            return stats;
        }
    }
    // At most as many requests as the scope's ids span (rows already attributed and rows of hosts
    // without Sysmon data are skipped as they are read).
    const bool kinds[3] = {scope.dns, scope.proxy, scope.sensor};
    const char* const tables[3] = {"dns_rows", "proxy_rows", "sensor_conn_rows"};
    const int64_t afters[3] = {scope.dnsAfter, scope.proxyAfter, scope.sensorAfter};
    int64_t lasts[3] = {0, 0, 0};
    int64_t span = 0;
    for (int k = 0; k < 3; ++k) {
        if (kinds[k]) {
            lasts[k] = std::max(
                afters[k], queryInt(db_, std::string("SELECT coalesce(max(id), 0) FROM ") + tables[k]).value_or(0));
            span += lasts[k] - afters[k];
        }
    }
    std::unique_ptr<Parked> parked;
    if (span > batchRequests_) {
        parked = std::make_unique<Parked>();
        parked->hosts = hosts;
        const size_t buckets = std::min(Parked::kBuckets, std::max<size_t>(1, hosts.size()));
        if (parked->requests.open(buckets, "attribution") && parked->found.open(Parked::kBuckets, "attribution")) {
            for (int k = 0; k < 3; ++k) {
                parked->after[k] = kinds[k] ? afters[k] : 0;
                parked->last[k] = kinds[k] ? lasts[k] : 0;
            }
            log::ingest()->debug("attribution: up to {} requests, more than {}: parked on disk by host", span,
                                 batchRequests_);
        } else {
            log::ingest()->warn("attribution: no temporary file; {} requests are held in memory", span);
            parked.reset();
        }
    }
    // The writer's rows instead of the tables' when they are exactly the rows past the scope's ids
    // (consecutive ids from after + 1, none of them attributed yet) and all fit in memory.
    bool fromWriter = false;
    if (scope.written != nullptr && scope.written->valid() && !parked && !scope.onlyHosts) {
        fromWriter = true;
        const struct {
            bool considered;
            WrittenRequest::Kind kind;
            int k;
            const char* attributions;
        } kept[] = {{scope.proxy, WrittenRequest::Kind::Proxy, static_cast<int>(Kind::Proxy), "proxy_attributions"},
                    {scope.dns, WrittenRequest::Kind::Dns, static_cast<int>(Kind::Dns), "dns_attributions"}};
        for (const auto& c : kept) {
            if (!c.considered) {
                continue;
            }
            Statement attributed(db_, std::string("SELECT EXISTS (SELECT 1 FROM ") + c.attributions +
                                          " WHERE request_id > ?)");
            attributed.bind(1, afters[c.k]);
            fromWriter = fromWriter && scope.written->rows(c.kind) == lasts[c.k] - afters[c.k] && attributed.step() &&
                         attributed.int64(0) == 0;
        }
        log::ingest()->debug("attribution: requests from the writer: {}", fromWriter ? "yes" : "no, from the tables");
    }
    std::unordered_map<int64_t, Requests> requests; // per Sysmon host, of the hosts in memory
    // The requests to consider, read in one pass in row order (sequential pages), not host by host
    // through the host_ts index (a random read per request, which made attribution most of a
    // whole case's import time), then put in time order per host in memory.
    // Addresses and answers are interned: each distinct one is read once, and requests point at it.
    slim::StringLookup strings(db_);
    auto textOf = [&](int64_t sid) { return &strings.text(sid); };
    // A request into its host's time-ordered lists (the host is one of the run's).
    auto hold = [&](const Parked::Request& r) {
        Requests& to = requests[r.host];
        switch (r.kind) {
        case Kind::Proxy:
            to.proxy.push_back(ProxyRequest{r.id, r.ts, r.a, r.b, textOf(r.s1), textOf(r.s2)});
            break;
        case Kind::Dns:
            to.dns.push_back(DnsRequest{r.id, r.ts, r.a, textOf(r.s1)});
            break;
        case Kind::Sensor:
            to.sensor.push_back(SensorConnection{r.id, r.ts, r.a, r.b, textOf(r.s1), textOf(r.s2)});
            break;
        }
    };
    // A request as read: parked, or held; skipped when its host has no Sysmon data.
    auto place = [&](const Parked::Request& r) {
        if (parked) {
            if (const int64_t bucket = parked->bucketOfHost(r.host); bucket >= 0) {
                parked->requests.add(static_cast<size_t>(bucket), r);
            }
        } else if (std::binary_search(hosts.begin(), hosts.end(), r.host)) {
            hold(r);
        }
    };
    // All of a kind's rows past the scope's id in row order, or each asked host's through host_ts.
    auto requestSql = [&](const char* alias, const char* columnsAndTable, const char* notAttributed) {
        const std::string a = alias;
        return std::string("SELECT ") + columnsAndTable + " WHERE " + a + ".id > ?1 AND " +
               (scope.onlyHosts ? a + ".host_id = ?2" : a + ".host_id IS NOT NULL") + " AND NOT EXISTS (" +
               notAttributed + ")" + (scope.onlyHosts ? "" : " ORDER BY " + a + ".id");
    };
    auto readRequests = [&](Statement& st, int64_t after, auto&& onRow) {
        for (size_t i = 0; i < (scope.onlyHosts ? hosts.size() : 1); ++i) {
            st.bind(1, after);
            if (scope.onlyHosts) {
                st.bind(2, hosts[i]);
            }
            while (st.step()) {
                onRow(st);
            }
            st.reset();
        }
    };
    if (fromWriter) {
        // Chunk by chunk, each freed once placed: the requests are not held twice.
        for (std::vector<WrittenRequest>& chunk : scope.written->chunks()) {
            for (const WrittenRequest& w : chunk) {
                if (w.kind == WrittenRequest::Kind::Proxy ? scope.proxy : scope.dns) {
                    place(Parked::Request{w.id, w.ts, w.host, w.domain, w.destPort, w.s1, w.s2,
                                          w.kind == WrittenRequest::Kind::Proxy ? Kind::Proxy : Kind::Dns});
                }
            }
            std::vector<WrittenRequest>().swap(chunk);
        }
        scope.written->invalidate();
    }
    if (scope.proxy && !fromWriter) {
        Statement st(db_, requestSql("p",
                                     "p.id, p.ts_us, p.host_id, p.client_ip_s, p.domain_id, p.dest_ip_s, p.dest_port "
                                     "FROM proxy_rows p",
                                     "SELECT 1 FROM proxy_attributions a WHERE a.request_id = p.id"));
        readRequests(st, scope.proxyAfter, [&](Statement& row) {
            place(Parked::Request{row.int64(0), row.int64(1), row.int64(2), row.isNull(4) ? 0 : row.int64(4),
                                  row.isNull(6) ? -1 : row.int64(6), row.int64(3), row.int64(5), Kind::Proxy});
        });
    }
    if (scope.dns && !fromWriter) {
        Statement st(db_, requestSql("d", "d.id, d.ts_us, d.host_id, d.domain_id, d.answers_s FROM dns_rows d",
                                     "SELECT 1 FROM dns_attributions a WHERE a.request_id = d.id"));
        readRequests(st, scope.dnsAfter, [&](Statement& row) {
            place(Parked::Request{row.int64(0), row.int64(1), row.int64(2), row.isNull(3) ? 0 : row.int64(3), 0,
                                  row.int64(4), 0, Kind::Dns});
        });
    }
    if (scope.sensor) {
        Statement st(db_, requestSql("c",
                                     "c.id, c.ts_us, c.host_id, c.orig_ip_s, c.orig_port, c.resp_ip_s, c.resp_port "
                                     "FROM sensor_conn_rows c",
                                     "SELECT 1 FROM sensor_attributions a WHERE a.conn_id = c.id"));
        readRequests(st, scope.sensorAfter, [&](Statement& row) {
            place(Parked::Request{row.int64(0), row.int64(1), row.int64(2), row.isNull(4) ? -1 : row.int64(4),
                                  row.isNull(6) ? -1 : row.int64(6), row.int64(3), row.int64(5), Kind::Sensor});
        });
    }
    log::ingest()->debug("attribution: requests read in {:.2f} s", clock.elapsed() / 1000.0);
    // A run of hosts matched: their endpoint events read the way the requests were (one pass in row
    // order, not an index walk per host: a random read per event), then time order per host (ties in
    // row order, as the host_ts index gave them). Only the hosts of the run that have requests.
    auto matchHosts = [&](const std::vector<int64_t>& which) {
        ++batches_;
        std::unordered_map<int64_t, std::vector<Conn>> conns;
        std::unordered_map<int64_t, std::vector<Query>> queries;
        for (int64_t h : which) {
            const Requests& r = requests[h];
            if (!r.proxy.empty() || !r.sensor.empty()) {
                conns[h];
            }
            if (!r.proxy.empty() || !r.dns.empty()) {
                queries[h];
            }
        }
        // Parked, a run is a range of consecutive hosts (buckets are ranges of the sorted hosts): its
        // events come through the host_ts index, not a pass over the whole table per run.
        // So are the few hosts an asset import moved requests onto.
        const bool ranged = (parked_ != nullptr || scope.onlyHosts) && !which.empty();
        auto endpointSql = [ranged](const char* columns, const char* table) {
            return std::string("SELECT ") + columns + " FROM " + table +
                   (ranged ? " WHERE host_id BETWEEN ?1 AND ?2 AND process_id IS NOT NULL"
                           : " WHERE host_id IS NOT NULL AND process_id IS NOT NULL ORDER BY id");
        };
        auto bindRange = [&](Statement& st) {
            if (ranged) {
                st.bind(1, which.front()).bind(2, which.back());
            }
        };
        if (!conns.empty()) {
            Statement st(db_, endpointSql("id, event_id, ts_us, process_id, src_ip, src_port, dst_ip, dst_port, "
                                          "initiated, host_id",
                                          "net_connections"));
            bindRange(st);
            while (st.step()) {
                auto it = conns.find(st.int64(9));
                if (it != conns.end()) {
                    it->second.push_back(Conn{st.int64(0), st.int64(1), st.int64(2), st.int64(3),
                                              st.isNull(5) ? -1 : st.int64(5), st.isNull(7) ? -1 : st.int64(7),
                                              st.text(4), st.text(6),
                                              st.isNull(8) ? -1 : static_cast<int>(st.int64(8))});
                }
            }
        }
        if (!queries.empty()) {
            Statement st(db_,
                         endpointSql("id, event_id, ts_us, process_id, domain_id, answers, host_id", "dns_queries"));
            bindRange(st);
            while (st.step()) {
                auto it = queries.find(st.int64(6));
                if (it != queries.end()) {
                    it->second.push_back(Query{st.int64(0), st.int64(1), st.int64(2), st.int64(3),
                                               st.isNull(4) ? 0 : st.int64(4), st.text(5)});
                }
            }
        }
        for (int64_t h : which) {
            Requests& r = requests[h];
            // Time order, ties in row order: what the host_ts index gave.
            auto byTime = [](const auto& a, const auto& b) { return a.ts != b.ts ? a.ts < b.ts : a.id < b.id; };
            std::sort(r.proxy.begin(), r.proxy.end(), byTime);
            std::sort(r.dns.begin(), r.dns.end(), byTime);
            std::sort(r.sensor.begin(), r.sensor.end(), byTime);
            std::vector<Conn> hostConns;
            std::vector<Query> hostQueries;
            if (auto it = conns.find(h); it != conns.end()) {
                hostConns = std::move(it->second);
                conns.erase(it);
                std::sort(hostConns.begin(), hostConns.end(), byTime);
            }
            if (auto it = queries.find(h); it != queries.end()) {
                hostQueries = std::move(it->second);
                queries.erase(it);
                std::sort(hostQueries.begin(), hostQueries.end(), byTime);
            }
            runHost(r, hostConns, hostQueries, stats);
            r = Requests{};
        }
        requests.clear();
    };
    found_.clear();
    if (!parked) {
        matchHosts(hosts);
    } else {
        // Consecutive runs of hosts, read back up to a batch of requests at a time; the hosts of a
        // run are matched in id order, as they are in memory. What they find is parked (keep()).
        parked_ = parked.get();
        size_t bucket = 0;
        while (bucket < parked->requests.buckets()) {
            int64_t loaded = 0;
            do {
                loaded += parked->requests.records(bucket);
                parked->requests.load(bucket++, hold);
            } while (bucket < parked->requests.buckets() &&
                     loaded + parked->requests.records(bucket) <= batchRequests_);
            std::vector<int64_t> which;
            which.reserve(requests.size());
            for (const auto& [h, r] : requests) {
                which.push_back(h);
            }
            std::sort(which.begin(), which.end());
            matchHosts(which);
        }
        parked_ = nullptr;
    }
    log::ingest()->debug("attribution: matched in {:.2f} s ({} run(s) of hosts)", clock.elapsed() / 1000.0, batches_);
    // Many new rows: a kind's by-process index is rebuilt once rather than updated in process order.
    // Not when its table already holds more than this run adds: the rebuild sorts the old rows too
    // (a DNS log after its proxy log: 0.71 s to rebuild, 0.41 s to update, 124-host bench_case).
    const auto rebuild = [&](Kind kind, const char* table) {
        const int64_t n = foundOf_[static_cast<int>(kind)];
        return n > rebuildRows_ && n > queryInt(db_, std::string("SELECT count(*) FROM ") + table).value_or(0);
    };
    const bool rebuildProxy = rebuild(Kind::Proxy, "proxy_attributions");
    const bool rebuildDns = rebuild(Kind::Dns, "dns_attributions");
    if (rebuildProxy) {
        execSql(db_, "DROP INDEX IF EXISTS proxy_attributions_process");
    }
    if (rebuildDns) {
        execSql(db_, "DROP INDEX IF EXISTS dns_attributions_process");
    }
    // Written in key order: inserting host by host lands all over the table's B-tree.
    auto byKey = [](const Found& a, const Found& b) {
        return a.kind != b.kind ? a.kind < b.kind : a.request < b.request;
    };
    {
        ChecksOff checksOff(db_);
        Writer writer(db_);
        auto writeSorted = [&](std::vector<Found>& found) {
            std::sort(found.begin(), found.end(), byKey);
            for (const Found& f : found) {
                writer.add(f);
            }
            std::vector<Found>().swap(found);
        };
        if (!parked) {
            writeSorted(found_);
        } else {
            for (size_t b = 0; b < parked->found.buckets(); ++b) {
                std::vector<Found> range;
                range.reserve(static_cast<size_t>(parked->found.records(b)));
                parked->found.load(b, [&](const Found& f) { range.push_back(f); });
                writeSorted(range);
            }
        }
        writer.finish();
    }
    if (rebuildProxy) {
        execSql(db_, "CREATE INDEX IF NOT EXISTS proxy_attributions_process ON proxy_attributions(process_id)");
    }
    if (rebuildDns) {
        execSql(db_, "CREATE INDEX IF NOT EXISTS dns_attributions_process ON dns_attributions(process_id)");
    }
    if (rebuildProxy || rebuildDns) {
        log::ingest()->debug("attribution: by-process index rebuilt:{}{}", rebuildProxy ? " proxy" : "",
                             rebuildDns ? " dns" : "");
    }
    log::ingest()->debug("attribution: matched and written in {:.2f} s", clock.elapsed() / 1000.0);
    log::ingest()->info(
        "attribution: {} five-tuple, {} dns-answer, {} time-window, {} unattributed on {} Sysmon hosts; "
        "sensor connections: {} five-tuple, {} unattributed",
        stats.fiveTuple, stats.dnsAnswer, stats.timeWindow, stats.unattributed, hosts.size(), stats.sensorFiveTuple,
        stats.sensorUnattributed);
    return stats;
}

void RequestAttributor::runHost(const Requests& requests, const std::vector<Conn>& hostConns,
                                const std::vector<Query>& hostQueries, AttributionStats& stats) {
    const int64_t skew = config_.clockSkewMs * 1000;
    const int64_t lookback = config_.dnsLookbackMs * 1000;
    auto record = [&](Kind kind, int64_t request, const Pick& p, Method method, double confidence) {
        keep(Found{request, p.process, p.event, p.skewUs / 1000, confidence, kind, method});
    };
    auto conns = [&] { return Window<Conn>(hostConns); };
    auto queries = [&] { return Window<Query>(hostQueries); };

    // Proxy requests.
    if (!requests.proxy.empty()) {
        Window<Conn> net = conns();
        Window<Query> dns = queries();
        for (const ProxyRequest& r : requests.proxy) {
            const int64_t id = r.id;
            const int64_t t = r.ts;
            const std::string& client = *r.client;
            const int64_t domain = r.domain;
            const std::string& destIp = *r.destIp;
            const int64_t destPort = r.destPort;
            net.slide(t - skew, t + skew);
            dns.slide(t - lookback, t + skew);

            Pick five;
            if (!destIp.empty()) {
                for (const Conn& c : net.rows()) {
                    if (c.ts >= t - skew && c.ts <= t + skew && c.initiated != 0 && c.dst == destIp &&
                        (destPort < 0 || c.dstPort == destPort) &&
                        (client.empty() || c.src.empty() || c.src == client)) {
                        five.offer(c.process, c.event, t - c.ts);
                    }
                }
            }
            if (five.found()) {
                record(Kind::Proxy, id, five, Method::FiveTuple, config_.fiveTuple);
                ++stats.fiveTuple;
                continue;
            }
            Pick confirmed, named;
            if (domain != 0) {
                for (const Query* qp : dns.rowsFor(domain)) {
                    const Query& q = *qp;
                    if (q.ts >= t - lookback && q.ts <= t + skew) {
                        named.offer(q.process, q.event, t - q.ts);
                        if (listHas(q.answers, destIp)) {
                            confirmed.offer(q.process, q.event, t - q.ts);
                        }
                    }
                }
            }
            if (confirmed.found()) {
                record(Kind::Proxy, id, confirmed, Method::DnsAnswer, config_.dnsAnswerConfirmed);
                ++stats.dnsAnswer;
                continue;
            }
            if (confirmed.process == 0 && named.found()) {
                record(Kind::Proxy, id, named, Method::DnsAnswer, config_.dnsAnswer);
                ++stats.dnsAnswer;
                continue;
            }
            Pick window;
            for (const Conn& c : net.rows()) {
                if (c.ts >= t - skew && c.ts <= t + skew && c.initiated == 1 &&
                    ((destPort >= 0 && c.dstPort == destPort) ||
                     std::find(config_.proxyPorts.begin(), config_.proxyPorts.end(), c.dstPort) !=
                         config_.proxyPorts.end())) {
                    window.offer(c.process, c.event, t - c.ts);
                }
            }
            if (window.found()) {
                record(Kind::Proxy, id, window, Method::TimeWindow, config_.timeWindow);
                ++stats.timeWindow;
                continue;
            }
            ++stats.unattributed;
        }
    }

    // Connections a network sensor saw: the EID 3 of the same five-tuple within the skew.
    if (!requests.sensor.empty()) {
        Window<Conn> net = conns();
        for (const SensorConnection& r : requests.sensor) {
            const int64_t t = r.ts;
            net.slide(t - skew, t + skew);
            Pick five;
            if (!r.resp->empty() && r.respPort >= 0) {
                for (const Conn& c : net.rows()) {
                    if (c.ts >= t - skew && c.ts <= t + skew && c.initiated != 0 && c.dst == *r.resp &&
                        c.dstPort == r.respPort && (c.src.empty() || r.orig->empty() || c.src == *r.orig) &&
                        (c.srcPort < 0 || r.origPort < 0 || c.srcPort == r.origPort)) {
                        five.offer(c.process, c.event, t - c.ts);
                    }
                }
            }
            if (five.found()) {
                record(Kind::Sensor, r.id, five, Method::FiveTuple, config_.fiveTuple);
                ++stats.sensorFiveTuple;
            } else {
                ++stats.sensorUnattributed;
            }
        }
    }

    // Queries from DNS server logs: the EID 22 for the same name on this host within the skew.
    if (!requests.dns.empty()) {
        Window<Query> dns = queries();
        for (const DnsRequest& r : requests.dns) {
            const int64_t id = r.id;
            const int64_t t = r.ts;
            const int64_t domain = r.domain;
            const std::string& answers = *r.answers;
            dns.slide(t - skew, t + skew);
            Pick named;
            bool overlap = false;
            if (domain != 0) {
                for (const Query* qp : dns.rowsFor(domain)) {
                    const Query& q = *qp;
                    if (q.ts >= t - skew && q.ts <= t + skew) {
                        named.offer(q.process, q.event, t - q.ts);
                        overlap = overlap || listsOverlap(q.answers, answers);
                    }
                }
            }
            if (named.found()) {
                record(Kind::Dns, id, named, Method::DnsAnswer,
                       overlap ? config_.dnsAnswerConfirmed : config_.dnsAnswer);
                ++stats.dnsAnswer;
            } else {
                ++stats.unattributed;
            }
        }
    }
}

} // namespace socwb
