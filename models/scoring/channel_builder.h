// Reads a case's requests and endpoint events once and gathers them into channels — (host,
// process where attributed, destination FQDN, web-service endpoint where the catalog knows its
// shape) — then measures each channel's features. Proxy requests, DNS queries (server logs and
// Sysmon EID 22) and Sysmon network connections of one channel are gathered together, so a host
// without Sysmon, or one that bypasses the proxy, is still measured with what is known. A
// destination is keyed by name whenever one is known (a connection's address is named through the
// DNS answers the case holds): CDNs put many services on one address.
#pragma once

#include "channel_features.h"
#include "scoring_config.h"
#include "web_service_catalog.h"

#include <sqlite3.h>

#include <QString>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <vector>

namespace socwb::scoring {

struct BuiltChannel {
    ChannelFeatures features;
    std::vector<int64_t> proxyIds, dnsIds, dnsQueryIds, netIds; // ascending row ids
};

class ScoringCancelled : public std::runtime_error {
  public:
    ScoringCancelled() : std::runtime_error("cancelled") {}
};

class ChannelBuilder {
  public:
    // Called now and then with a phase name and progress; return false to cancel (build() then
    // throws ScoringCancelled).
    using Progress = std::function<bool(const QString& phase, int64_t done, int64_t total)>;

    ChannelBuilder(sqlite3* db, const WebServiceCatalog& catalog, const ScoringConfig& config);
    std::vector<BuiltChannel> build(const Progress& progress = {});
    int64_t eventsRead() const { return eventsRead_; }

  private:
    sqlite3* db_;
    const WebServiceCatalog& catalog_;
    const ScoringConfig& config_;
    int64_t eventsRead_ = 0;
};

} // namespace socwb::scoring
