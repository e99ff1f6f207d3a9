// What the engine measured about one channel: who, where, how often, what the requests look like
// and what the process is. The builder fills it from the events; it is stored as JSON with the
// alert, and the scorer reads only this (plus the other channels of the case), so a re-score with
// new weights or suppressions never touches the events again.
#pragma once

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace socwb::scoring {

// The version of what the builder measures. A re-score reads stored features; features of another
// version are refused (a full score must recompute them), never read with defaults for what is
// missing. Version 1 had no feature_version key; version 3 added joined_before_process_evidence;
// version 4 measures a sensor-only channel's sizes from its connections' bytes each way
// (sensor_sized_connections, small_upload_share; #26); version 5 added joined_by_cadence (#17).
inline constexpr int64_t kFeatureVersion = 5;

// One kind of member of a channel: its source (member_source.h), how it was named
// (address_namer.h) and how many events.
struct MemberCount {
    QString source, naming;
    int64_t count = 0;
    bool operator==(const MemberCount& o) const { return source == o.source && naming == o.naming && count == o.count; }
};

struct ChannelFeatures {
    int64_t featureVersion = kFeatureVersion;
    // Identity
    QString key; // host|process|destination|endpoint (stable across re-scores)
    int64_t hostId = 0;
    QString host, hostIps, hostRole;
    bool hostShared = false;  // many users behind one client address (NAT, VDI, terminal server)
    QString hostSharedReason; // why, as evidence says it
    QString processImage, processName, commandLine, parentImage, parentCommandLine, userName;
    int64_t processId = 0;
    int64_t processCount = 0; // distinct processes (GUIDs) behind the channel
    QString destination, registeredDomain;
    int64_t domainId = 0;
    QString service, serviceCategory, endpoint, endpointName, endpointRole, pathPrefix;
    bool consumerService = false;
    bool destinationIsAddress = false; // no DNS answer ever named it
    double serviceRisk = 0;
    // Evidence
    int64_t proxyRequests = 0, dnsQueries = 0, netConnections = 0;
    std::vector<MemberCount> members; // by source and naming, largest first
    // Untied events from before the host's process evidence (its first Sysmon event, at
    // processEvidenceFrom) that joined this channel's process, the only one polling the destination.
    int64_t joinedBeforeProcessEvidence = 0, processEvidenceFrom = 0;
    // Untied events that no rule above tied to a process and that joined this channel's process,
    // the one program polling the destination there at their cadence.
    int64_t joinedByCadence = 0;
    bool caseHasProxyLogs = false; // so a channel with no proxy record at all bypassed the proxy
    int64_t firstTs = 0, lastTs = 0;
    double lateStartHours = 0; // after the later of its timing source's evidence start and the host's first event there
    // Timing (timing_source.h: one function chose the source)
    QString timingSource; // a member source name (http, connect, sysmon_net, dns_log, ...)
    QString timingClass;  // request, session, lookup
    QString timingNote;   // the sentence chooseTiming() wrote
    int64_t polls = 0;    // the timing series' polls, after burst merging
    int64_t events = 0;   // that source's events before merging
    double ttlS = 0;      // lookups: the answers' median TTL, 0 unknown
    bool ttlPaced = false;
    bool unmeasurable = false; // a few long-lived sessions
    int64_t intervals = 0;     // gaps between polls
    int64_t bandIntervals = 0; // ... that are not pauses and sit within the band around the median
    double medianInterval = 0, jitter = 0, skew = 0, ritaTs = 0;
    double bandShare = 0, bandScore = 0;
    int64_t pauses = 0;
    double histogramScore = 0, durationScore = 0, coverage = 0;
    double idleShare = -1; // share of polls in hours without interactive use of the host; -1 unknown
    // Shape (proxy requests)
    double getShare = 0, postShare = 0, connectShare = 0;
    int64_t distinctPaths = 0;
    double medianBytesOut = 0, medianBytesIn = 0, requestConstancy = 0, responseConstancy = 0, ritaData = 0;
    int64_t bytesOut = 0, bytesIn = 0, responseChanges = 0; // bytes: -1 where no member logged them
    // Shape from a network sensor's connections, when no HTTP is visible (no proxy line): the
    // sizes above are then per connection (upload, response), over the connections that logged
    // bytes both ways (sensorSized); smallUploadShare of them sent at most sensor_small_upload_bytes.
    int64_t sensorSized = 0;
    double smallUploadShare = 0;
    // Process context
    QString userAgent; // the most frequent User-Agent of the proxy requests
    // Channel separation: output posted elsewhere after changed responses (command side), or
    // posts that follow another channel's changed responses (output side).
    int64_t outputReactions = 0;
    QString outputPeer; // the other channel's destination
    double outputDelayS = 0;
    // SIEM rows (docs/scoring.md, "SIEM rows"): where a channel came from a SIEM's grouped hunt
    // result rather than events, what it says ("Splunk export FILE, row N: ..."); where a channel of
    // events absorbed such a row, the row's origin. Stored only when set, so the features of a case
    // without SIEM rows are as they were.
    QString siemOrigin, alsoInSiem;
    bool fromSiem() const { return !siemOrigin.isEmpty(); }

    // Many gaps between polls, long ones set aside: what "periodic" needs (never event counts).
    int64_t consideredIntervals() const { return intervals - pauses; }
    QString membersText() const; // "http/record 412, connect/host_dns 37"

    QJsonObject toJson() const;
    // The same object built a key at a time, as toJson() did before issue 20 (tests hold the two
    // to the same text).
    QJsonObject toJsonKeyByKey() const;
    static ChannelFeatures fromJson(const QJsonObject& o);
    // The features stored with alert ALERTID, checked: the text must be a JSON object whose numbers
    // are finite, with the channel's key, host and destination, and times in the plausible years.
    // Throws CaseError naming the alert row otherwise (a reader never shows or re-scores a guess).
    static ChannelFeatures fromStored(int64_t alertId, const std::string& json);
    // The same features in the compact form a re-score reads (alert_features, schema 10): every
    // field in visit order, numbers as their 8 bytes (doubles bit for bit), text as UTF-8 with its
    // length. Decoding it is a few copies where the JSON takes a parse and a map per channel.
    QByteArray toBinary() const;
    // The compact form stored for ALERTID, checked as fromStored() checks the JSON (non-finite
    // numbers read as 0, as the JSON stores them: null); throws CaseError on a truncated or
    // malformed blob, StaleFeatures on another feature version.
    static ChannelFeatures fromBinary(int64_t alertId, std::string_view blob);
};

// Thrown when stored features are of another version than this build measures.
class StaleFeatures : public std::runtime_error {
  public:
    explicit StaleFeatures(int64_t version);
    int64_t version;
};
// Throws StaleFeatures unless every channel's features are of kFeatureVersion.
void requireCurrentFeatures(const std::vector<ChannelFeatures>& channels);

} // namespace socwb::scoring
