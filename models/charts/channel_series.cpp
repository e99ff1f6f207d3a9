#include "channel_series.h"

#include "scoring/channel_members.h"
#include "scoring/interval_stats.h"
#include "store/statement.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace socwb {

namespace {

struct Request {
    int64_t ts;
    int64_t out;
    int64_t in;
};

constexpr double kUs = 1e6;

// Member rows by id. When the ids are dense in their table (polls interleaved with a host's other
// traffic), one range scan beats a lookup per id; otherwise look each up by rowid.
std::vector<Request> readMembers(sqlite3* db, const char* table, const char* columns, const std::vector<int64_t>& ids) {
    std::vector<Request> out;
    if (ids.empty()) {
        return out;
    }
    out.reserve(ids.size());
    const int64_t span = ids.back() - ids.front() + 1;
    const std::string cols = std::string("id, ts_us, ") + columns;
    auto take = [&](Statement& st) {
        out.push_back({st.int64(1), st.isNull(2) ? -1 : st.int64(2), st.isNull(3) ? -1 : st.int64(3)});
    };
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
    return out;
}

std::vector<int64_t> blobIds(Statement& st, int col) {
    const void* p = sqlite3_column_blob(st.handle(), col);
    const int n = sqlite3_column_bytes(st.handle(), col);
    return p ? scoring::decodeMemberIds(p, n) : std::vector<int64_t>{};
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
    Statement h(db, "SELECT ts_us / 3600000000 AS hour, count(*) FROM proxy_events "
                    "WHERE host_id = ? AND ts_us >= ? AND ts_us < ? GROUP BY hour ORDER BY hour");
    h.bind(1, int64_t(s.hostId)).bind(2, from).bind(3, to);
    while (h.step()) {
        s.hostHourStarts.push_back(double(h.int64(0)) * 3600.0);
        s.hostHourCounts.push_back(double(h.int64(1)));
    }
}
} // namespace

ChannelSeries ChannelSeries::loadHostDestination(sqlite3* db, qint64 hostId, qint64 domainId) {
    std::vector<int64_t> ts, out, in;
    Statement st(
        db, "SELECT ts_us, bytes_out, bytes_in FROM proxy_events WHERE domain_id = ? AND host_id = ? ORDER BY ts_us");
    st.bind(1, int64_t(domainId)).bind(2, int64_t(hostId));
    while (st.step()) {
        ts.push_back(st.int64(0));
        out.push_back(st.isNull(1) ? -1 : st.int64(1));
        in.push_back(st.isNull(2) ? -1 : st.int64(2));
    }
    ChannelSeries s = fromRequests(std::move(ts), std::move(out), std::move(in));
    s.hostId = hostId;
    s.source = QStringLiteral("proxy");
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
                    "proxy_ids, net_ids, dnsq_ids, dns_ids FROM alerts WHERE id = ?");
    a.bind(1, int64_t(alertId));
    if (!a.step()) {
        return {};
    }
    struct Source {
        const char* name;
        const char* table;
        const char* columns;
        int col;
    };
    // The channel's requests are its proxy requests where it has any, else its connections, else
    // its DNS queries — the same order the scorer counts "requests" in.
    const Source sources[] = {{"proxy", "proxy_events", "bytes_out, bytes_in", 5},
                              {"net", "net_connections", "NULL, NULL", 6},
                              {"dnsq", "dns_queries", "NULL, NULL", 7},
                              {"dns", "dns_events", "NULL, NULL", 8}};
    std::vector<Request> reqs;
    const char* used = "";
    for (const Source& src : sources) {
        const std::vector<int64_t> ids = blobIds(a, src.col);
        if (!ids.empty()) {
            reqs = readMembers(db, src.table, src.columns, ids);
            used = src.name;
            break;
        }
    }
    std::vector<int64_t> ts, out, in;
    for (const Request& r : reqs) {
        ts.push_back(r.ts);
        out.push_back(r.out);
        in.push_back(r.in);
    }
    ChannelSeries s = fromRequests(std::move(ts), std::move(out), std::move(in));
    s.alertId = alertId;
    s.hostId = a.isNull(0) ? -1 : a.int64(0);
    s.processId = a.isNull(1) ? -1 : a.int64(1);
    s.host = QString::fromStdString(a.text(2));
    s.destination = QString::fromStdString(a.text(3));
    s.process = QString::fromStdString(a.text(4));
    s.source = QString::fromLatin1(used);

    addHostActivity(db, s);
    return s;
}

} // namespace socwb
