// Reads a case's requests and endpoint events once and gathers them into channels — (host,
// process where attributed, destination, web-service endpoint where the catalog knows its shape) —
// then measures each channel's features. A channel is what the process did, whatever recorded it:
// proxy lines (requests and CONNECT tunnels), Sysmon connections and DNS lookups of the same host
// and process are one channel. Events that carry an address instead of a name are named through
// the host's own DNS answers at that time (AddressNamer); the timing source is chosen by
// chooseTiming(), the one function the charts and the timeline call too (docs/scoring.md,
// "Channel model II").
//
// Per host, so it can stream (#20): everything a channel's features depend on is that host's
// events plus read-only, case-wide context built first (hosts, domains, processes, the catalog,
// the AddressNamer, per-source evidence bounds). Fleet-level factors are the scorer's.
#pragma once

#include "channel_features.h"
#include "scoring_config.h"
#include "web_service_catalog.h"

#include <sqlite3.h>

#include <QByteArray>
#include <QString>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <vector>

namespace socwb::scoring {

struct BuiltChannel {
    ChannelFeatures features;
    // Member row ids (sensorBlob: sensor_conn_rows, #26), ascending, each list encoded as the
    // alert stores it (encodeMemberIds; decodeMemberIds reads it): a case's channels hold every
    // event's id until the alerts are written.
    QByteArray proxyBlob, dnsBlob, dnsQueryBlob, netBlob, sensorBlob;
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
    // The most events made into channels at once (default kPartitionEvents; the environment's
    // SOCWB_SCORE_PARTITION_EVENTS, for tests): a larger case parks its events on disk by host
    // while it is read, and a run of hosts' events is read back and measured at a time.
    static constexpr int64_t kPartitionEvents = 1500000;
    void setPartitionEvents(int64_t n) { partitionEvents_ = std::max<int64_t>(1, n); }
    // How many runs of hosts the last build() made channels of (1: all in memory at once).
    int partitions() const { return partitions_; }
    // A second connection to the case, in a read transaction on the same snapshot as the first
    // (ReadSnapshot makes one): build() then reads the events in two parts at once, one on each
    // connection and core, and makes the same channels as one reader. Not owned; null: one part.
    void setSecondReader(sqlite3* db) { second_ = db; }
    // At most this many parts (default 2; the environment's SOCWB_SCORE_READERS=1 keeps one, to
    // compare the two ways in a benchmark).
    void setReaders(int n) { readers_ = std::max(1, n); }
    int partsRead() const { return partsRead_; }
    // Rows a reading part reads between progress reports (default 65536; tests set a few).
    void setProgressEvery(int64_t rows) { progressEvery_ = std::max<int64_t>(1, rows); }
    // Called on the building thread as each run of hosts' channels is final (out[from, to) will
    // not change again in this build; out itself still grows): the engine makes their alert
    // text meanwhile, on the core the build leaves idle (issue 20).
    using ChannelsDone = std::function<void(const std::vector<BuiltChannel>& out, size_t from, size_t to)>;
    void setChannelsDone(ChannelsDone done) { channelsDone_ = std::move(done); }

  private:
    ChannelsDone channelsDone_;
    sqlite3* db_;
    sqlite3* second_ = nullptr;
    int readers_ = 2;
    int partsRead_ = 0;
    const WebServiceCatalog& catalog_;
    const ScoringConfig& config_;
    int64_t eventsRead_ = 0;
    int64_t partitionEvents_ = kPartitionEvents;
    int partitions_ = 0;
    int64_t progressEvery_ = 65536;
};

} // namespace socwb::scoring
