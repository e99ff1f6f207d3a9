// Ties each proxy request, DNS-server query and network-sensor connection to the process that most
// likely made it, on hosts that have Sysmon data, and says how: `five-tuple` (an EID 3 connection from that host to the
// request's destination address and port), `dns-answer` (an EID 22 query for the request's host
// name shortly before it, confirmed when its answers hold the request's destination address),
// `time-window` (the only process on that host with a connection to the destination or proxy port
// within the clock-skew tolerance). Several processes that fit equally well mean no attribution:
// nothing is guessed. A sensor connection (Zeek conn.log, Suricata flow) is tied by five-tuple
// only: the EID 3 from its originator's host to the same responder address and port, from the same
// source port where both logged one, within the clock-skew tolerance; those links go to
// sensor_attributions. Runs after each import inside its transaction, on requests not yet
// attributed: requests and endpoint events are each read in one pass in row order, then each host's are
// walked in time order with small sliding windows.
// Tolerances and confidences are data: resources/attribution.json.
#pragma once

#include "ingest/write/written_requests.h"

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace socwb {

struct AttributionConfig {
    int64_t clockSkewMs = 2000;
    int64_t dnsLookbackMs = 300000;
    std::vector<int> proxyPorts{3128, 8080};
    double fiveTuple = 0.95;
    double dnsAnswer = 0.8;
    double dnsAnswerConfirmed = 0.9;
    double timeWindow = 0.5;

    // resources/attribution.json; throws std::runtime_error naming the problem.
    static AttributionConfig load();
};

struct AttributionStats {
    int64_t fiveTuple = 0; // proxy requests
    int64_t sensorFiveTuple = 0;
    int64_t sensorUnattributed = 0;
    int64_t dnsAnswer = 0;
    int64_t timeWindow = 0;
    int64_t unattributed = 0;
};

// Which requests a run considers. Endpoint data (Sysmon) can tie any request not yet attributed,
// so a Sysmon import looks at all of them; a proxy or DNS import brings no endpoint data, so only
// its own new rows can gain an attribution — earlier rows were already tried against the same
// processes (issue 10: a case's third log no longer re-reads the first two).
struct AttributionScope {
    bool proxy = true;
    bool dns = true;
    bool sensor = true;
    int64_t proxyAfter = 0;  // only proxy rows with a larger id
    int64_t dnsAfter = 0;    // only DNS rows with a larger id
    int64_t sensorAfter = 0; // only sensor connections with a larger id
    // Only the requests of these hosts, each host's read through its host_ts index. An asset import
    // changes no endpoint event and no request but those it moves between hosts: only the hosts
    // that received requests can see one gain an attribution (none: nothing to do). Any other
    // request not yet attributed was tried against the same endpoint events before.
    bool onlyHosts = false;
    std::vector<int64_t> hosts;
    // The rows past proxyAfter and dnsAfter as the import's writer kept them (issue 20): read from
    // here rather than from the tables, and emptied as they are read. Not used (the tables are read)
    // when the run parks its requests on disk, or when they do not match the tables' ids.
    WrittenRequests* written = nullptr;

    // Whether evidence of this format kind can tie requests already in the case: endpoint events
    // (Sysmon, EVTX) can; proxy, DNS and sensor logs only their own rows, an inventory only the
    // requests it moves.
    static bool triesEveryRequest(std::string_view kind) {
        return kind != "proxy" && kind != "dns" && kind != "sensor" && kind != "assets";
    }
};

class RequestAttributor {
  public:
    explicit RequestAttributor(sqlite3* db, AttributionConfig config = AttributionConfig::load());
    AttributionStats run(const AttributionScope& scope = {});

    // The most requests held in memory at once (issue 20: the import's memory bounded by hosts,
    // not events). A run that may consider more parks the requests on disk by host as they are
    // read and matches a run of hosts at a time; the attributions found are parked by request id
    // and written one id range at a time, in key order. The environment's
    // SOCWB_ATTRIBUTION_BATCH_REQUESTS sets it (tests run the parked path on small cases).
    static constexpr int64_t kBatchRequests = 1000000;
    void setBatchRequests(int64_t n) { batchRequests_ = n < 1 ? 1 : n; }
    // kBatchRequests, or the environment's SOCWB_ATTRIBUTION_BATCH_REQUESTS.
    static int64_t batchRequestsFromEnvironment();
    // A run that adds more than this many attributions of a kind, and more than its table holds,
    // drops that table's by-process index and builds it again after writing rather than updating
    // it row by row. SOCWB_ATTRIBUTION_REBUILD_ROWS sets it (tests take that path on small cases).
    static constexpr int64_t kRebuildRows = 50000;
    // Runs of hosts the last run() matched in turn: 1 when everything fitted in memory.
    int batches() const { return batches_; }

  private:
    // A request to attribute; addresses and answers point into run()'s string lookup.
    struct ProxyRequest {
        int64_t id, ts, domain, destPort;
        const std::string *client, *destIp;
    };
    struct DnsRequest {
        int64_t id, ts, domain;
        const std::string* answers;
    };
    struct SensorConnection {
        int64_t id, ts, origPort, respPort;
        const std::string *orig, *resp;
    };
    struct Requests {
        std::vector<ProxyRequest> proxy;
        std::vector<DnsRequest> dns;
        std::vector<SensorConnection> sensor;
    };
    // One host's endpoint events, in time order (defined in the .cpp).
    struct Conn;
    struct Query;
    void runHost(const Requests& requests, const std::vector<Conn>& hostConns, const std::vector<Query>& hostQueries,
                 AttributionStats& stats);

    // Attributions found, written sorted by (kind, request) once every host is done. Kinds in the
    // order their names sort; the sensor's go to a table of their own.
    enum class Kind : uint8_t { Dns, Proxy, Sensor };
    enum class Method : uint8_t { FiveTuple, DnsAnswer, TimeWindow };
    struct Found {
        int64_t request, process, event, skewMs;
        double confidence;
        Kind kind;
        Method method;
    };
    struct Parked; // the temporary files of a run that does not fit in memory
    struct Writer; // the INSERTs of attributions, kInsertRows to a statement
    void keep(const Found& f);

    sqlite3* db_;
    AttributionConfig config_;
    int64_t batchRequests_ = kBatchRequests;
    int64_t rebuildRows_ = kRebuildRows;
    int batches_ = 0;
    std::vector<Found> found_;
    int64_t foundOf_[3] = {0, 0, 0};       // by Kind, this run
    Parked* parked_ = nullptr;             // set while run() parks what it finds
    static constexpr int kInsertRows = 64; // attributions per INSERT statement (6 values each)
};

} // namespace socwb
