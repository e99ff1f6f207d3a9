// The periodicity and regularity measures the scorer reads, as pure functions of a series.
// RITA v5's parts (Bowley skewness with its guards, MAD over median, the 24-bin histogram and the
// duration score) are restated from its published description, with its test vectors as unit
// tests; the band test is ours: a jitter-tolerant cadence check that still sees +-50 % jitter,
// which defeats autocorrelation and periodograms (see the README's scoring section).
#pragma once

#include <cstdint>
#include <vector>

namespace socwb::scoring {

struct ScoringConfig;

// The constants of the measures below, from scoring.yaml's thresholds (the defaults are RITA v5's
// published ones where RITA defines them).
struct IntervalConfig {
    double skewMinIqr = 10;            // RITA: a quartile spread under this says nothing about skew
    double pauseMaxShare = 0.1;        // long gaps are set aside as pauses only while this rare
    int histogramBins = 24;            // RITA: the connection histogram's bins
    double histogramLevelShare = 0.05; // count levels are bucketed to this share of the largest bin
    double durationRunBins = 12;       // a run of this many non-empty bins scores full duration
    static IntervalConfig from(const ScoringConfig& config);
};

// Median of a sorted series (mean of the middle two for an even count); 0 when empty.
double medianSorted(const std::vector<double>& sorted);
// Linear-interpolation quantile (q in 0..1) of a sorted series; 0 when empty.
double quantileSorted(const std::vector<double>& sorted, double q);

struct Regularity {
    double median = 0;
    double mad = 0;           // median absolute deviation
    double madOverMedian = 0; // "jitter"
    double skew = 0;          // Bowley skewness, 0 where RITA's guards say it is meaningless
    double skewScore = 0;     // 1 - |skew|
    double madScore = 0;      // (median - MAD) / median, at least 0
    double score = 0;         // mean of the two
};
// RITA's regularity of a series of values (intervals or sizes); order does not matter.
Regularity regularity(std::vector<double> values, const IntervalConfig& config = {});

// Intervals between consecutive sorted times (microseconds), in seconds, without the zero ones.
std::vector<double> nonZeroGapsSeconds(const std::vector<int64_t>& sortedTimesUs);

struct BandTest {
    int64_t considered = 0; // gaps that are not pauses
    int64_t pauses = 0;     // gaps longer than pauseFactor x the median, set aside (when rare)
    int64_t inBand = 0;     // considered gaps within +-band of the median
    double share = 0;       // share of the considered gaps within +-band of the median
    double score = 0;       // 0 at what a Poisson process gives (0.354 for band 0.5), 1 at all gaps in the band
};
// Jitter-tolerant cadence: how many intervals sit near the typical one. A process polling every P
// seconds with up to +-band jitter puts them all in the band; a Poisson process (no cadence)
// puts 35 % there, bursty human use fewer.
BandTest bandTest(const std::vector<double>& gapsSeconds, double band, double pauseFactor,
                  const IntervalConfig& config = {});

struct HistogramScores {
    double cvScore = 0;       // 1 - coefficient of variation of the bin counts, at least 0
    double bimodalScore = 0;  // share of bins in the two most common count levels
    double score = 0;         // the higher of the two
    double coverage = 0;      // (last - first) / window
    double longestRun = 0;    // longest run of consecutive non-empty bins
    double durationScore = 0; // max(coverage, longestRun / 12), at most 1
    int activeBins = 0;
};
// Equal bins (24 by default) over [windowStart, windowEnd) (microseconds).
HistogramScores histogramScores(const std::vector<int64_t>& sortedTimesUs, int64_t windowStart, int64_t windowEnd,
                                const IntervalConfig& config = {});

} // namespace socwb::scoring
