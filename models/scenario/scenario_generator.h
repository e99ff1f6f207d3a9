// The scenario generator: simulates a small organisation (workstations and servers with roles,
// users' working hours, background applications, DNS caching, keep-alive, a TLS-intercepting
// proxy that tunnels what it does not inspect), plants command channels and look-alikes from the
// ChannelCatalog, and writes the evidence in the real log formats the importers read, with a
// truth.json that says what is what. Deterministic: the same options give byte-identical files.
#pragma once

#include "random_source.h"
#include "scenario_world.h"

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace socwb::scenario {

struct ChannelSpec;

struct GeneratorOptions {
    uint64_t seed = 1;
    int workstations = 20;
    int servers = 4;
    int days = 3;
    std::string scenario = "all";
    std::vector<std::string> formats; // empty: defaultFormats()
    int64_t startUs = 0;              // midnight UTC of the first day; 0: 2024-03-04 (a Monday)
    std::string title;                // a line for truth.json (which exercise this is)
    int world = 1;                    // 1: the first organisation; 2: another one, unlike it (see README)
};

struct GeneratedFile {
    std::string name;   // file name inside the output folder
    std::string format; // generator format name (squid, zeek-http-json, sysmon-xml, ...)
    std::string parser; // the importer format that reads it (squid, zeek-http, ...)
    std::string kind;   // proxy, dns, sysmon, assets, truth
    int64_t records = 0;
    int64_t bytes = 0;
};

// One planted channel or look-alike as the truth file lists it.
struct ChannelTruth {
    std::string id;
    const ChannelSpec* spec = nullptr;
    std::vector<int> hosts;
    int dest = -1;
    int outputDest = -1;
    std::string url;
    std::string outputUrl;
    std::string image; // as the process table shows it ({browser} resolved per host when shared)
    std::string commandLine;
    std::string parentImage;
    std::string launcherImage;
    std::vector<int> processes; // the processes that polled (first few are enough for the truth file)
    int64_t activeFromUs = 0;
    int64_t activeToUs = 0;
    int64_t polls = 0;
    int64_t proxyLines = 0;
    int64_t dnsQueries = 0;
    int64_t sysmonEvents = 0;
    int64_t firstPollUs = 0;
    int64_t lastPollUs = 0;
    std::vector<int> activeDays; // day indexes with at least one poll
    uint32_t hourMask = 0;       // bit h: a poll during hour h (UTC) of some day
    bool browsing = false;       // a look-alike discovered from browsing (people reading a site)
    int followDest = -1;         // where each poll's redirect led (world 2), or -1
    std::string followUrl;
    // What an evaluator needs to give address-named rows to this channel: every server address its
    // logged lookups returned and its logged connections used, and the CONNECT targets as the proxy
    // logged them ("104.18.9.44:443", "gitlab.com:443").
    std::set<std::string> addresses;
    std::set<std::string> connectTargets;
    int64_t connectLines = 0;
};

struct GenerationSummary {
    std::vector<GeneratedFile> files;
    int64_t proxyRecords = 0; // per format written (each proxy format holds the same traffic)
    int64_t dnsRecords = 0;
    int64_t sysmonRecords = 0;
    double seconds = 0;
};

class ScenarioGenerator {
  public:
    explicit ScenarioGenerator(GeneratorOptions options);

    // Every format name --formats takes, and the ones written when none is named.
    static std::vector<std::string> formatNames();
    // What --formats all writes in WORLD: world 2 has no edge sensor (its connections are not
    // simulated as a sensor sees them), so the sensor formats are world 1's only.
    static std::vector<std::string> formatNames(int world);
    static bool isSensorFormat(const std::string& format);
    static std::vector<std::string> defaultFormats();
    // World 2 picks one of two log families by seed when --formats names none: Squid + Zeek dns.log
    // (TSV or JSON) + Sysmon XML, or Blue Coat W3C + Windows DNS debug + Winlogbeat JSON.
    static std::vector<std::string> defaultFormats(int world, uint64_t seed);
    // Empty when the options are usable, else what is wrong (for a usage error).
    std::string validate() const;

    // Builds the organisation and simulates the days. Call once, before write().
    void simulate();
    // Writes the selected formats and truth.json into outDir (created when missing).
    // Throws std::runtime_error when a file cannot be written.
    GenerationSummary write(const std::string& outDir);

    const SimWorld& world() const { return world_; }
    const std::vector<ChannelTruth>& truth() const { return truth_; }
    const GeneratorOptions& options() const { return options_; }

  private:
    void buildHosts();
    void buildHostsWorld2();
    void initProcessCounters(RandomSource& r);
    void resolveConnectionsWorld2();
    void buildDestinations();
    int destination(const std::string& host);
    void plantChannels();
    void plantChannel(const ChannelSpec& spec, int specIndex, const std::vector<int>& hosts);
    void simulateBrowsing();
    const ChannelSpec* specOf(int channel) const;
    void resolveConnections();
    // Records one connection of a direct-egress host as the edge sensor logs it.
    void sensorConnection(int host, int64_t opened, int64_t last, int process, int dest, int channel, int ipIndex,
                          uint16_t port, int64_t bytesOut, int64_t bytesIn, uint64_t uidSeed);
    void emitProcessEvents();
    void collectBrowsingLookalikes();
    void collectAddresses();
    void finishTruth();
    std::vector<int> pickHosts(const ChannelSpec& spec, int specIndex, std::vector<int>& usedByPositives);

    int newProcess(int host, const std::string& image, const std::string& commandLine, int parent, int64_t startUs,
                   int64_t endUs, bool system, int channel);
    int longLivedProcess(int host, const std::string& image, const std::string& commandLine, int64_t atUs, bool system);
    int browserProcess(int host, int64_t atUs);
    std::string expand(const std::string& text, int host, const std::string& token, const std::string& token2,
                       const std::string& repo, const std::string& hex, const std::string& num) const;
    bool deskAt(const SimHost& h, int64_t t, int64_t* nextStart, int64_t* intervalEnd) const;
    bool poweredAt(const SimHost& h, int64_t t, int64_t* nextStart, int64_t* intervalEnd) const;
    const std::string* internString(const std::string& s);

    GeneratorOptions options_;
    SimWorld world_;
    std::vector<ChannelTruth> truth_;
    std::deque<std::string> stringStore_; // stable addresses for SimRequest::userAgent
    std::map<std::string, const std::string*> stringIndex_;
    std::map<std::string, int> destIndex_;
    std::map<std::tuple<int, std::string, int64_t>, int> longLived_; // (host, image, session start)
    std::vector<uint32_t> nextPid_;
    std::vector<uint32_t> guidCounter_;
};

} // namespace socwb::scenario
