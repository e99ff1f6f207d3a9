#include "interval_stats.h"

#include "scoring_config.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace socwb::scoring {

IntervalConfig IntervalConfig::from(const ScoringConfig& c) {
    IntervalConfig i;
    i.skewMinIqr = c.threshold("rita_skew_min_iqr");
    i.pauseMaxShare = c.threshold("pause_max_share");
    i.histogramBins = static_cast<int>(c.threshold("histogram_bins"));
    i.histogramLevelShare = c.threshold("histogram_level_share");
    i.durationRunBins = c.threshold("duration_run_bins");
    return i;
}

double medianSorted(const std::vector<double>& s) {
    if (s.empty()) {
        return 0;
    }
    const size_t n = s.size();
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
}

double quantileSorted(const std::vector<double>& s, double q) {
    if (s.empty()) {
        return 0;
    }
    const double pos = q * static_cast<double>(s.size() - 1);
    const auto lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, s.size() - 1);
    return s[lo] + (pos - static_cast<double>(lo)) * (s[hi] - s[lo]);
}

Regularity regularity(std::vector<double> v, const IntervalConfig& config) {
    Regularity r;
    if (v.empty()) {
        return r;
    }
    std::sort(v.begin(), v.end());
    const double q1 = quantileSorted(v, 0.25);
    const double q2 = medianSorted(v);
    const double q3 = quantileSorted(v, 0.75);
    r.median = q2;
    // RITA's guards: a spread under 10 units, or a median equal to a quartile, says nothing about skew.
    if (q3 - q1 >= config.skewMinIqr && q2 != q1 && q2 != q3) {
        r.skew = (q1 + q3 - 2 * q2) / (q3 - q1);
    }
    r.skewScore = 1.0 - std::abs(r.skew);
    std::vector<double> dev;
    dev.reserve(v.size());
    for (double x : v) {
        dev.push_back(std::abs(x - q2));
    }
    std::sort(dev.begin(), dev.end());
    r.mad = medianSorted(dev);
    r.madOverMedian = q2 > 0 ? r.mad / q2 : 0;
    r.madScore = q2 > 0 ? std::max(0.0, (q2 - r.mad) / q2) : 0;
    r.score = (r.skewScore + r.madScore) / 2.0;
    return r;
}

std::vector<double> nonZeroGapsSeconds(const std::vector<int64_t>& t) {
    std::vector<double> gaps;
    if (t.size() < 2) {
        return gaps;
    }
    gaps.reserve(t.size() - 1);
    for (size_t i = 1; i < t.size(); ++i) {
        if (const int64_t d = t[i] - t[i - 1]; d > 0) {
            gaps.push_back(static_cast<double>(d) / 1e6);
        }
    }
    return gaps;
}

BandTest bandTest(const std::vector<double>& gaps, double band, double pauseFactor, const IntervalConfig& config) {
    BandTest b;
    if (gaps.empty()) {
        return b;
    }
    std::vector<double> sorted = gaps;
    std::sort(sorted.begin(), sorted.end());
    const double median = medianSorted(sorted);
    for (double g : gaps) {
        b.pauses += g > pauseFactor * median ? 1 : 0;
    }
    // A poller that stops now and then (the host sleeps, the user leaves) has a few long gaps;
    // set them aside. When long gaps are common (a person browsing in bursts), they are the rhythm
    // itself and all gaps count.
    const bool setAside = static_cast<double>(b.pauses) <= config.pauseMaxShare * static_cast<double>(gaps.size());
    if (!setAside) {
        b.pauses = 0;
    }
    int64_t& in = b.inBand;
    for (double g : gaps) {
        if (setAside && g > pauseFactor * median) {
            continue;
        }
        ++b.considered;
        if (g >= (1 - band) * median && g <= (1 + band) * median) {
            ++in;
        }
    }
    if (b.considered == 0) {
        return b;
    }
    b.share = static_cast<double>(in) / static_cast<double>(b.considered);
    // What a process without cadence scores: for exponential gaps with median m, the share in
    // [(1-band)m, (1+band)m] is 2^-(1-band) - 2^-(1+band).
    const double poisson = std::pow(2.0, -(1 - band)) - std::pow(2.0, -(1 + band));
    b.score = std::clamp((b.share - poisson) / (1 - poisson), 0.0, 1.0);
    return b;
}

HistogramScores histogramScores(const std::vector<int64_t>& t, int64_t windowStart, int64_t windowEnd,
                                const IntervalConfig& config) {
    HistogramScores h;
    const int bins = std::clamp(config.histogramBins, 1, 10000);
    if (t.empty() || windowEnd <= windowStart) {
        return h;
    }
    std::vector<double> counts(static_cast<size_t>(bins), 0.0);
    const double width = static_cast<double>(windowEnd - windowStart) / bins;
    for (int64_t ts : t) {
        int bin = static_cast<int>(static_cast<double>(ts - windowStart) / width);
        counts[static_cast<size_t>(std::clamp(bin, 0, bins - 1))] += 1;
    }
    double sum = 0;
    for (double c : counts) {
        sum += c;
    }
    const double mean = sum / bins;
    double var = 0;
    for (double c : counts) {
        var += (c - mean) * (c - mean);
    }
    const double cv = mean > 0 ? std::sqrt(var / bins) / mean : 0;
    h.cvScore = std::max(0.0, 1.0 - cv);
    // Bimodal: count levels bucketed to 5 % of the largest bin (at least 1); a channel that is on
    // or off (working hours, a host that sleeps) fills two levels.
    const double maxCount = *std::max_element(counts.begin(), counts.end());
    const double bucket = std::max(1.0, std::round(config.histogramLevelShare * maxCount));
    std::map<int64_t, int> levels;
    for (double c : counts) {
        levels[static_cast<int64_t>(std::floor(c / bucket))] += 1;
    }
    std::vector<int> sizes;
    for (const auto& [level, n] : levels) {
        sizes.push_back(n);
    }
    std::sort(sizes.rbegin(), sizes.rend());
    const int top2 = sizes[0] + (sizes.size() > 1 ? sizes[1] : 0);
    h.bimodalScore = static_cast<double>(top2) / bins;
    h.score = std::max(h.cvScore, h.bimodalScore);
    int run = 0;
    int best = 0;
    for (double c : counts) {
        if (c > 0) {
            ++h.activeBins;
            best = std::max(best, ++run);
        } else {
            run = 0;
        }
    }
    h.longestRun = best;
    h.coverage = static_cast<double>(t.back() - t.front()) / static_cast<double>(windowEnd - windowStart);
    h.durationScore = std::min(1.0, std::max(h.coverage, best / std::max(1.0, config.durationRunBins)));
    return h;
}

} // namespace socwb::scoring
