#include "timing_source.h"

#include "interval_stats.h"
#include "scoring_config.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>

namespace socwb::scoring {

TimingConfig TimingConfig::from(const ScoringConfig& c) {
    TimingConfig t;
    t.burstMergeS = c.threshold("burst_merge_s");
    t.minPolls = c.threshold("min_polls");
    t.ttlPacingBand = c.threshold("ttl_pacing_band");
    t.ttlPacedMinShare = c.threshold("ttl_paced_min_share");
    t.longSessionShare = c.threshold("long_session_share");
    t.longSessionMinS = c.threshold("long_session_min_s");
    return t;
}

int32_t minTtl(std::string_view list) {
    int64_t best = 0;
    while (!list.empty()) {
        const size_t cut = list.find(',');
        const std::string item(list.substr(0, cut));
        char* end = nullptr;
        const long long v = std::strtoll(item.c_str(), &end, 10);
        if (end != item.c_str() && v > 0 && (best == 0 || v < best)) {
            best = std::min<long long>(v, INT32_MAX);
        }
        if (cut == std::string_view::npos) {
            break;
        }
        list.remove_prefix(cut + 1);
    }
    return static_cast<int32_t>(best);
}

std::vector<int64_t> mergeBursts(const std::vector<int64_t>& ts, int64_t mergeUs, std::vector<uint32_t>* starts) {
    std::vector<int64_t> polls;
    if (starts) {
        starts->clear();
    }
    for (size_t i = 0; i < ts.size(); ++i) {
        if (polls.empty() || ts[i] - polls.back() >= mergeUs) {
            polls.push_back(ts[i]);
            if (starts) {
                starts->push_back(static_cast<uint32_t>(i));
            }
        }
    }
    return polls;
}

namespace {

QString plural(int64_t n, const char* one, const char* many) {
    return QStringLiteral("%1 %2").arg(n).arg(QString::fromLatin1(n == 1 ? one : many));
}

QString eventsOf(MemberSource s, int64_t n) {
    switch (s) {
    case MemberSource::Http:
        return plural(n, "HTTP request", "HTTP requests");
    case MemberSource::Connect:
        return plural(n, "CONNECT tunnel", "CONNECT tunnels");
    case MemberSource::SysmonNet:
        return plural(n, "Sysmon connection", "Sysmon connections");
    case MemberSource::SensorConn:
        return plural(n, "sensor connection", "sensor connections");
    case MemberSource::DnsLog:
        return plural(n, "resolver-log lookup", "resolver-log lookups");
    case MemberSource::SysmonDns:
        return plural(n, "Sysmon DNS query", "Sysmon DNS queries");
    }
    return QString::number(n);
}

} // namespace

Timing chooseTiming(const std::vector<SourceSeries>& members, const TimingConfig& config) {
    const auto mergeUs = static_cast<int64_t>(config.burstMergeS * 1e6);
    // Polls of every source present.
    struct Candidate {
        const SourceSeries* series = nullptr;
        std::vector<int64_t> polls;
        std::vector<uint32_t> starts;
    };
    std::array<Candidate, kMemberSourceCount> bySource;
    for (const SourceSeries& s : members) {
        if (s.tsUs.empty()) {
            continue;
        }
        Candidate& c = bySource[static_cast<size_t>(s.source)];
        c.series = &s;
        c.polls = mergeBursts(s.tsUs, mergeUs, &c.starts);
    }
    // One candidate per class: its largest source (ties: the order of kMemberSources).
    std::array<Candidate*, 3> byClass{};
    for (const MemberSourceInfo& info : kMemberSources) {
        Candidate& c = bySource[static_cast<size_t>(info.source)];
        Candidate*& best = byClass[static_cast<size_t>(info.timingClass)];
        if (c.series && (!best || c.polls.size() > best->polls.size())) {
            best = &c;
        }
    }
    Candidate* chosen = nullptr;
    for (Candidate* c : byClass) { // request, session, lookup: the highest class with enough polls
        if (c && static_cast<double>(c->polls.size()) >= config.minPolls) {
            chosen = c;
            break;
        }
    }
    const bool fallback = chosen == nullptr;
    for (Candidate* c : byClass) { // none has: the class with the most polls
        if (fallback && c && (!chosen || c->polls.size() > chosen->polls.size())) {
            chosen = c;
        }
    }
    Timing t;
    if (!chosen || !chosen->series) {
        t.note = QStringLiteral("no events to time");
        return t;
    }
    const SourceSeries& s = *chosen->series;
    t.source = s.source;
    t.cls = timingClassOf(s.source);
    t.events = static_cast<int64_t>(s.tsUs.size());
    t.polls = std::move(chosen->polls);
    t.pollStart = std::move(chosen->starts);
    const int64_t merged = t.events - static_cast<int64_t>(t.polls.size());
    t.note = QStringLiteral("timed on %1").arg(eventsOf(s.source, t.events));
    if (merged > 0) {
        t.note += QStringLiteral(" (%1 once events under %2 s apart are one poll)")
                      .arg(plural(static_cast<int64_t>(t.polls.size()), "poll", "polls"))
                      .arg(config.burstMergeS);
    }
    if (fallback && t.polls.size() > 0) {
        t.note += QStringLiteral("; no source has %1 polls").arg(config.minPolls);
    }

    if (t.cls == TimingClass::Lookup) {
        std::vector<double> ttls;
        for (int32_t v : s.ttlS) {
            if (v > 0) {
                ttls.push_back(v);
            }
        }
        std::sort(ttls.begin(), ttls.end());
        t.ttlS = medianSorted(ttls);
        if (t.ttlS > 0 && t.polls.size() >= 2) {
            int64_t paced = 0;
            for (size_t i = 1; i < t.polls.size(); ++i) {
                const double gap = static_cast<double>(t.polls[i] - t.polls[i - 1]) / 1e6;
                paced += gap >= t.ttlS - config.burstMergeS && gap <= t.ttlS * (1 + config.ttlPacingBand) ? 1 : 0;
            }
            t.ttlPaced =
                static_cast<double>(paced) >= config.ttlPacedMinShare * static_cast<double>(t.polls.size() - 1);
            if (t.ttlPaced) {
                t.note += QStringLiteral("; lookups come every TTL (%1 s) or just after: the resolver's cache paces "
                                         "them, so the poller asks at least that often and its own cadence is hidden")
                              .arg(t.ttlS);
            }
        }
    } else if (t.cls == TimingClass::Session && !s.durationMs.empty() &&
               static_cast<double>(t.polls.size()) < config.minPolls) {
        int64_t covered = 0, end = s.tsUs.back();
        for (size_t i = 0; i < s.tsUs.size() && i < s.durationMs.size(); ++i) {
            if (s.durationMs[i] > 0) {
                covered += int64_t(s.durationMs[i]) * 1000;
                end = std::max(end, s.tsUs[i] + int64_t(s.durationMs[i]) * 1000);
            }
        }
        const int64_t span = end - s.tsUs.front();
        if (span > 0 && static_cast<double>(covered) >= config.longSessionShare * static_cast<double>(span) &&
            static_cast<double>(covered) >= config.longSessionMinS * 1e6) {
            t.unmeasurable = true;
            t.note += QStringLiteral("; held open for %1 h of its %2 h: a long-lived session (WebSocket, HTTP/2, a "
                                     "held tunnel) whose polls inside cannot be seen")
                          .arg(static_cast<double>(covered) / 3.6e9, 0, 'f', 1)
                          .arg(static_cast<double>(span) / 3.6e9, 0, 'f', 1);
            if (s.source == MemberSource::SensorConn) {
                // Zeek's conn.log and Suricata's flow events total a connection when it ends.
                t.note += QStringLiteral(" (the sensor logs one line per connection, nothing of its messages)");
            }
        }
    }
    return t;
}

} // namespace socwb::scoring
