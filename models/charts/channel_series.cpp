#include "channel_series.h"

#include "core/resources.h"
#include "scoring/channel_members.h"
#include "scoring/interval_stats.h"
#include "scoring/scoring_config.h"
#include "scoring/timing_source.h"
#include "store/statement.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

namespace socwb {

namespace {

// One member event as the charts need it.
struct Member {
    int64_t id = 0;
    int64_t ts = 0;
    int64_t out = -1, in = -1;
    int32_t ttl = 0;
    int32_t durationMs = -1;
};

constexpr double kUs = 1e6;

// Member rows by id, with `columns` (four expressions: bytes out, bytes in, a text, an integer).
// When the ids are dense in their table (polls interleaved with a host's other traffic), one range
// scan beats a lookup per id; otherwise look each up by rowid. `take` gets each row.
template <class Take>
void readMembers(sqlite3* db, const char* table, const char* columns, const std::vector<int64_t>& ids, Take take) {
    if (ids.empty()) {
        return;
    }
    const int64_t span = ids.back() - ids.front() + 1;
    const std::string cols = std::string("id, ts_us, ") + columns;
    if (span <= int64_t(ids.size()) * 8) {
        Statement st(db, "SELECT " + cols + " FROM " + table + " WHERE id BETWEEN ? AND ?");
        st.bind(1, ids.front()).bind(2, ids.back());
        while (st.step()) {
            if (std::binary_search(ids.begin(), ids.end(), st.int64(0))) {
                take(st);
            }
        }
    } else {
        Statement st(db, "SELECT " + cols + " FROM " + table + " WHERE id = ?");
        for (int64_t id : ids) {
            st.bind(1, id);
            if (st.step()) {
                take(st);
            }
            st.reset();
        }
    }
}

Member memberOf(const Statement& st) {
    Member m;
    m.id = st.int64(0);
    m.ts = st.int64(1);
    m.out = st.isNull(2) ? -1 : st.int64(2);
    m.in = st.isNull(3) ? -1 : st.int64(3);
    return m;
}

std::vector<int64_t> blobIds(Statement& st, int col) {
    const void* p = sqlite3_column_blob(st.handle(), col);
    const int n = sqlite3_column_bytes(st.handle(), col);
    return p ? scoring::decodeMemberIds(p, n) : std::vector<int64_t>{};
}

// The case's timing constants (its own scoring override included); the shipped ones when the
// override does not load.
scoring::TimingConfig timingConfigFor(sqlite3* db) {
    try {
        return scoring::TimingConfig::from(scoring::ScoringConfig::forCase(db));
    } catch (const std::exception&) {
        return scoring::TimingConfig::from(
            scoring::ScoringConfig::fromYaml(resources::read(QStringLiteral("scoring/scoring.yaml"))));
    }
}

// The polls of the members chooseTiming() picks, as a series; members by source, any order.
ChannelSeries seriesOf(sqlite3* db, std::array<std::vector<Member>, scoring::kMemberSourceCount>& bySource) {
    std::vector<scoring::SourceSeries> series;
    for (const scoring::MemberSourceInfo& info : scoring::kMemberSources) {
        auto& members = bySource[size_t(info.source)];
        std::stable_sort(members.begin(), members.end(),
                         [](const Member& a, const Member& b) { return std::tie(a.ts, a.id) < std::tie(b.ts, b.id); });
        scoring::SourceSeries s;
        s.source = info.source;
        for (const Member& m : members) {
            s.tsUs.push_back(m.ts);
            s.ttlS.push_back(m.ttl);
            s.durationMs.push_back(m.durationMs);
        }
        series.push_back(std::move(s));
    }
    const scoring::Timing t = scoring::chooseTiming(series, timingConfigFor(db));
    const std::vector<Member>& chosen = bySource[size_t(t.source)];
    std::vector<int64_t> ts, out, in;
    for (size_t i = 0; i < t.polls.size(); ++i) {
        const size_t end = i + 1 < t.pollStart.size() ? t.pollStart[i + 1] : chosen.size();
        int64_t o = -1, n = -1;
        for (size_t k = t.pollStart[i]; k < end; ++k) {
            o = chosen[k].out >= 0 ? std::max<int64_t>(o, 0) + chosen[k].out : o;
            n = chosen[k].in >= 0 ? std::max<int64_t>(n, 0) + chosen[k].in : n;
        }
        ts.push_back(t.polls[i]);
        out.push_back(o);
        in.push_back(n);
    }
    ChannelSeries s = ChannelSeries::fromRequests(std::move(ts), std::move(out), std::move(in));
    if (!t.empty()) {
        s.source =
            QString::fromLatin1(scoring::sourceName(t.source).data(), qsizetype(scoring::sourceName(t.source).size()));
        for (const Member& m : chosen) {
            s.sourceIds.push_back(m.id);
        }
        std::sort(s.sourceIds.begin(), s.sourceIds.end());
    }
    s.timingNote = t.note;
    s.events = t.events;
    s.ttlPaced = t.ttlPaced;
    return s;
}

// Proxy lines: requests and CONNECT tunnels are two sources.
void takeProxy(const Statement& st, std::array<std::vector<Member>, scoring::kMemberSourceCount>& bySource) {
    Member m = memberOf(st);
    m.durationMs = st.isNull(5) ? -1 : int32_t(std::clamp<int64_t>(st.int64(5), 0, INT32_MAX));
    const bool connect = st.text(4) == "CONNECT";
    bySource[size_t(connect ? scoring::MemberSource::Connect : scoring::MemberSource::Http)].push_back(m);
}

} // namespace

ChannelSeries ChannelSeries::fromRequests(std::vector<int64_t> timesUs, std::vector<int64_t> bytesOut,
                                          std::vector<int64_t> bytesIn) {
    ChannelSeries s;
    std::vector<size_t> order(timesUs.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return timesUs[a] < timesUs[b]; });
    const qsizetype n = qsizetype(order.size());
    s.times.reserve(n);
    s.bytesOut.reserve(n);
    s.bytesIn.reserve(n);
    for (size_t i : order) {
        s.times.push_back(double(timesUs[i]) / kUs);
        s.bytesOut.push_back(i < bytesOut.size() ? double(bytesOut[i]) : -1.0);
        s.bytesIn.push_back(i < bytesIn.size() ? double(bytesIn[i]) : -1.0);
    }
    std::vector<double> sorted;
    sorted.reserve(order.size());
    for (size_t k = 1; k < order.size(); ++k) {
        const double gap = double(timesUs[order[k]] - timesUs[order[k - 1]]) / kUs;
        s.gapTimes.push_back(double(timesUs[order[k]]) / kUs);
        s.gaps.push_back(gap);
        sorted.push_back(gap);
    }
    std::sort(sorted.begin(), sorted.end());
    s.medianGap = scoring::medianSorted(sorted);
    std::vector<double> dev;
    dev.reserve(sorted.size());
    for (double g : sorted) {
        dev.push_back(std::abs(g - s.medianGap));
    }
    std::sort(dev.begin(), dev.end());
    s.madGap = scoring::medianSorted(dev);

    if (!sorted.empty()) {
        // Equal bins from 0 to a little past the 99th percentile, so one long pause does not squash
        // the cadence into a single bar; the pauses beyond it are counted in the last bin.
        const double top = std::max(scoring::quantileSorted(sorted, 0.99) * 1.5, sorted.back() > 0 ? 1e-3 : 1.0);
        s.histLow = 0;
        s.histBinWidth = top / kHistogramBins;
        s.histCounts.fill(0.0, kHistogramBins);
        s.histCenters.resize(kHistogramBins);
        for (int b = 0; b < kHistogramBins; ++b) {
            s.histCenters[b] = s.histLow + (b + 0.5) * s.histBinWidth;
        }
        for (double g : sorted) {
            int b = int(std::floor((g - s.histLow) / s.histBinWidth));
            if (b >= kHistogramBins) {
                ++s.histOverflow;
                b = kHistogramBins - 1;
            }
            s.histCounts[std::max(b, 0)] += 1;
        }
    }

    if (!s.times.isEmpty()) {
        s.firstDayStart = std::floor(s.times.first() / 86400.0) * 86400.0;
        s.dayCount = int(std::floor((s.times.last() - s.firstDayStart) / 86400.0)) + 1;
        s.heat.fill(0.0, qsizetype(s.dayCount) * 24);
        for (double t : s.times) {
            const double rel = t - s.firstDayStart;
            const int day = int(rel / 86400.0);
            const int hour = int(std::fmod(rel, 86400.0) / 3600.0);
            s.heat[day * 24 + hour] += 1;
        }
    }
    return s;
}

namespace {
// The host's whole web activity over the series' span, a day either side: SQL sums per hour.
void addHostActivity(sqlite3* db, ChannelSeries& s) {
    if (s.hostId < 0 || s.times.isEmpty()) {
        return;
    }
    const int64_t from = int64_t(s.firstDayStart - 86400.0) * 1000000;
    const int64_t to = int64_t(s.firstDayStart + 86400.0 * (s.dayCount + 1)) * 1000000;
    // Proxy requests and, where a network sensor watched the host, its connections.
    Statement h(db, "SELECT ts / 3600000000 AS hour, count(*) FROM (SELECT ts_us AS ts FROM proxy_rows WHERE "
                    "host_id = ?1 AND ts_us >= ?2 AND ts_us < ?3 UNION ALL SELECT ts_us FROM sensor_conn_rows WHERE "
                    "host_id = ?1 AND ts_us >= ?2 AND ts_us < ?3) GROUP BY hour ORDER BY hour");
    h.bind(1, int64_t(s.hostId)).bind(2, from).bind(3, to);
    while (h.step()) {
        s.hostHourStarts.push_back(double(h.int64(0)) * 3600.0);
        s.hostHourCounts.push_back(double(h.int64(1)));
    }
}
} // namespace

ChannelSeries ChannelSeries::loadHostDestination(sqlite3* db, qint64 hostId, qint64 domainId) {
    std::array<std::vector<Member>, scoring::kMemberSourceCount> bySource;
    Statement st(db, "SELECT id, ts_us, bytes_out, bytes_in, method, duration_ms FROM proxy_events "
                     "WHERE domain_id = ? AND host_id = ? ORDER BY ts_us");
    st.bind(1, int64_t(domainId)).bind(2, int64_t(hostId));
    while (st.step()) {
        takeProxy(st, bySource);
    }
    ChannelSeries s = seriesOf(db, bySource);
    s.hostId = hostId;
    Statement names(db, "SELECT (SELECT name FROM hosts WHERE id = ?), (SELECT name FROM domains WHERE id = ?)");
    names.bind(1, int64_t(hostId)).bind(2, int64_t(domainId));
    if (names.step()) {
        s.host = names.isNull(0) ? QString() : QString::fromStdString(names.text(0));
        s.destination = names.isNull(1) ? QString() : QString::fromStdString(names.text(1));
    }
    addHostActivity(db, s);
    return s;
}

ChannelSeries ChannelSeries::load(sqlite3* db, qint64 alertId) {
    Statement a(db, "SELECT host_id, process_id, host, destination, coalesce(process_image, ''), "
                    "proxy_ids, net_ids, dnsq_ids, dns_ids, sensor_ids FROM alerts WHERE id = ?");
    a.bind(1, int64_t(alertId));
    if (!a.step()) {
        return {};
    }
    // Every member, by source; chooseTiming() decides whose times the charts show, as it did for
    // the score.
    using scoring::MemberSource;
    std::array<std::vector<Member>, scoring::kMemberSourceCount> bySource;
    readMembers(db, "proxy_events", "bytes_out, bytes_in, method, duration_ms", blobIds(a, 5),
                [&](const Statement& st) { takeProxy(st, bySource); });
    readMembers(db, "net_connections", "NULL, NULL", blobIds(a, 6),
                [&](const Statement& st) { bySource[size_t(MemberSource::SysmonNet)].push_back(memberOf(st)); });
    readMembers(db, "dns_queries", "NULL, NULL", blobIds(a, 7),
                [&](const Statement& st) { bySource[size_t(MemberSource::SysmonDns)].push_back(memberOf(st)); });
    readMembers(db, "dns_events", "NULL, NULL, ttls", blobIds(a, 8), [&](const Statement& st) {
        Member m = memberOf(st);
        m.ttl = st.isNull(4) ? 0 : scoring::minTtl(st.text(4));
        bySource[size_t(MemberSource::DnsLog)].push_back(m);
    });
    // Sensor connections with their bytes each way (payload where logged, else IP-level) and how
    // long each lasted: a long-lived session is unmeasurable, as the score said.
    readMembers(db, "sensor_conn_rows",
                "coalesce(orig_bytes, orig_ip_bytes), coalesce(resp_bytes, resp_ip_bytes), "
                "NULL, duration_us",
                blobIds(a, 9), [&](const Statement& st) {
                    Member m = memberOf(st);
                    m.durationMs = st.isNull(5) ? -1 : int32_t(std::clamp<int64_t>(st.int64(5) / 1000, 0, INT32_MAX));
                    bySource[size_t(MemberSource::SensorConn)].push_back(m);
                });
    ChannelSeries s = seriesOf(db, bySource);
    s.alertId = alertId;
    s.hostId = a.isNull(0) ? -1 : a.int64(0);
    s.processId = a.isNull(1) ? -1 : a.int64(1);
    s.host = QString::fromStdString(a.text(2));
    s.destination = QString::fromStdString(a.text(3));
    s.process = QString::fromStdString(a.text(4));
    addHostActivity(db, s);
    return s;
}

} // namespace socwb
