// One decision, one place: which of a channel's member sources its cadence is measured on. The
// builder's features, the interval charts, the timeline's highlighted lane and explain all call
// chooseTiming() on the same members, so the chart beside a factor sentence shows the series the
// sentence was computed on (docs/scoring.md, "Channel model II", section 4).
//  - Burst merging: events closer than burst_merge_s to the first event of the current poll are
//    one poll (same-second bursts in logs with one-second timestamps, a page's requests, a retry).
//  - Choice: one candidate per timing class — request: http; session: the largest of connect,
//    sysmon_net, sensor_conn (three views of the same sessions); lookup: the larger of dns_log and
//    sysmon_dns. The highest class with at least min_polls polls wins; if none has, the class with
//    the most polls.
//  - TTL pacing: lookups whose gaps sit at or just above the answers' TTL are the cache expiring
//    while the poller keeps asking; the cadence is then "at least every TTL".
//  - Long sessions (hook for #26): when a session source carries durations and its few sessions
//    span most of the channel, the cadence is unmeasurable, never "1 request".
#pragma once

#include "member_source.h"

#include <QString>

#include <cstdint>
#include <string_view>
#include <vector>

namespace socwb::scoring {

struct ScoringConfig;

struct TimingConfig {
    double burstMergeS = 1;        // events this close to a poll's first event are that poll
    double minPolls = 6;           // a class needs this many polls to be chosen over a lower one
    double ttlPacingBand = 0.5;    // a gap in [TTL - burst, TTL x (1 + band)] is the cache expiring
    double ttlPacedMinShare = 0.5; // ... and this share of such gaps makes a series TTL-paced
    double longSessionShare = 0.5; // sessions covering this share of the span: unmeasurable
    double longSessionMinS = 600;  // ... and held this long in all (one short connection is not held)
    static TimingConfig from(const ScoringConfig& config);
};

struct SourceSeries {
    MemberSource source = MemberSource::Http;
    std::vector<int64_t> tsUs;       // sorted
    std::vector<int32_t> ttlS;       // lookups: the answer's TTL, parallel to tsUs (0 unknown); may be empty
    std::vector<int32_t> durationMs; // sessions: how long each lasted, parallel to tsUs (-1 unknown); may be empty
};

struct Timing {
    MemberSource source = MemberSource::Http; // whose times the cadence is measured on
    TimingClass cls = TimingClass::Request;
    std::vector<int64_t> polls;      // after burst merging
    std::vector<uint32_t> pollStart; // per poll, the index in the chosen source's tsUs of its first event
    int64_t events = 0;              // events of that source before merging
    double ttlS = 0;                 // lookups: the median TTL the answers carried, 0 unknown
    bool ttlPaced = false;           // lookups spaced like the cache's expiry, not like the poller
    bool unmeasurable = false;       // a few long sessions: the cadence cannot be seen
    QString note;                    // a sentence for explain, the detail and the chart
    bool empty() const { return polls.empty(); }
};

// The smallest TTL (seconds) of a comma-separated list as resolver logs give them — when the cache
// forgets the answer; 0 when the list holds none.
int32_t minTtl(std::string_view list);

// Polls of a sorted series: an event within mergeUs of the current poll's first event joins it.
std::vector<int64_t> mergeBursts(const std::vector<int64_t>& sortedUs, int64_t mergeUs,
                                 std::vector<uint32_t>* starts = nullptr);

Timing chooseTiming(const std::vector<SourceSeries>& members, const TimingConfig& config);

} // namespace socwb::scoring
