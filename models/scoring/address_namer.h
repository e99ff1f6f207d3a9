// Names an address the way the host that used it knew it: from the DNS answers in the case, by
// host and by time. A CONNECT to 104.18.9.44, a Sysmon connection without DestinationHostname, a
// sensor connection without SNI: each is named by (in this order) this host's own answer for the
// address at that time (the latest at or before it within the naming window, else the earliest
// just after it, for clock skew between logs), then any host's answer nearest in time (round-robin
// CDN addresses serve many names, so the first name ever seen is not the answer), and only when no
// answer ever named it, by the address itself. One class, built once per pass from every answer;
// the builder, and #26's sensor tables, ask it (docs/scoring.md, "Channel model II", section 2).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace socwb::scoring {

// How a member event got its destination name; stored per channel as counts.
enum class Naming : uint8_t {
    Query = 0, // a lookup: its question is the name ("-" in features)
    Record,    // the event names it itself (the proxy line's host, DestinationHostname, SNI)
    HostDns,   // this host's own DNS answer for the address at that time
    FleetDns,  // another host's answer for the address, nearest in time
    Address,   // no answer ever named it: the address is the destination
};
inline constexpr int kNamingCount = 5;
std::string_view namingName(Naming n);

class AddressNamer {
  public:
    struct Config {
        int64_t windowUs = 3600LL * 1000000; // a host's answer names the address this long after it
        int64_t leadUs = 120LL * 1000000;    // ... or this long before it (clock skew between logs)
    };
    struct Result {
        int64_t domainId = 0; // 0 with Naming::Address
        Naming how = Naming::Address;
    };

    AddressNamer() = default;
    explicit AddressNamer(Config config) : config_(config) {}

    // One answer: `host` (hosts.id, 0 unknown) was told at `tsUs` that `domainId` is at `address`.
    // Call finish() once after the last add().
    void add(std::string_view address, int64_t host, int64_t tsUs, int64_t domainId);
    // Every address in a comma-separated answer list (names among them, CNAME targets, are skipped).
    void addList(std::string_view answers, int64_t host, int64_t tsUs, int64_t domainId);
    void finish();
    // Every answer `other` was given (not finished), as if they had been add()ed here after this
    // one's: the answers of a case read in parts, joined in the order one reader meets them.
    void append(AddressNamer&& other);

    // host_dns, fleet_dns or address, as the class comment says. `address` normalized (lower case).
    Result name(int64_t host, std::string_view address, int64_t tsUs) const;
    bool known(std::string_view address) const { return ids_.count(std::string(address)) > 0; }

    size_t answers() const { return answers_; }
    size_t runs() const { return hostRuns_.size() + fleetRuns_.size(); }

  private:
    // Consecutive answers of one name, each within the window of the previous: the name is in use
    // from first to last. Runs of one key never overlap (a new name starts a new run).
    struct Run {
        int64_t first = 0, last = 0;
        int64_t domain = 0;
    };
    struct Raw {
        uint32_t address;
        int32_t host;
        int64_t ts;
        int64_t domain;
    };
    // Runs sorted by first; per key the range [begin, end) into a runs vector.
    using Index = std::unordered_map<uint64_t, std::pair<uint32_t, uint32_t>>;
    static void compress(std::vector<Raw>& raw, bool byHost, int64_t windowUs, std::vector<Run>& runs, Index& index);

    Config config_;
    std::unordered_map<std::string, uint32_t> ids_; // address -> id
    std::vector<Raw> raw_;                          // until finish()
    std::vector<Run> hostRuns_, fleetRuns_;
    Index hostIndex_, fleetIndex_; // (address, host) and address -> range
    size_t answers_ = 0;
};

} // namespace socwb::scoring
