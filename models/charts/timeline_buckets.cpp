#include "timeline_buckets.h"

#include <algorithm>

namespace socwb {

void TimelineBuckets::add(int lane, int64_t minute, int64_t count) {
    Lane& l = lanes_[size_t(lane)];
    l.minutes.push_back(minute);
    l.cumulative.push_back((l.cumulative.isEmpty() ? 0 : l.cumulative.last()) + count);
}

int64_t TimelineBuckets::count(int lane, int64_t fromUs, int64_t toUs) const {
    const Lane& l = lanes_[size_t(lane)];
    const int64_t fromMin = fromUs >= 0 ? fromUs / kMinuteUs : -((-fromUs + kMinuteUs - 1) / kMinuteUs);
    const int64_t toMin = toUs >= 0 ? (toUs + kMinuteUs - 1) / kMinuteUs : -(-toUs / kMinuteUs);
    const auto lo = std::lower_bound(l.minutes.begin(), l.minutes.end(), fromMin) - l.minutes.begin();
    const auto hi = std::lower_bound(l.minutes.begin(), l.minutes.end(), toMin) - l.minutes.begin();
    if (hi <= lo) {
        return 0;
    }
    return l.cumulative[hi - 1] - (lo > 0 ? l.cumulative[lo - 1] : 0);
}

int64_t TimelineBuckets::total(int lane) const {
    const Lane& l = lanes_[size_t(lane)];
    return l.cumulative.isEmpty() ? 0 : l.cumulative.last();
}

int64_t TimelineBuckets::firstUs() const {
    int64_t best = INT64_MAX;
    for (const Lane& l : lanes_) {
        if (!l.minutes.isEmpty()) {
            best = std::min(best, l.minutes.first() * kMinuteUs);
        }
    }
    return best == INT64_MAX ? 0 : best;
}

int64_t TimelineBuckets::lastUs() const {
    int64_t best = INT64_MIN;
    for (const Lane& l : lanes_) {
        if (!l.minutes.isEmpty()) {
            best = std::max(best, (l.minutes.last() + 1) * kMinuteUs);
        }
    }
    return best == INT64_MIN ? 0 : best;
}

void TimelineBuckets::rebucket(int lane, int64_t fromUs, int64_t toUs, int64_t bucketUs, QVector<double>* startsSec,
                               QVector<double>* counts) const {
    startsSec->clear();
    counts->clear();
    const Lane& l = lanes_[size_t(lane)];
    const int64_t bucketMin = std::max<int64_t>(1, bucketUs / kMinuteUs);
    // Buckets are aligned to multiples of their width, so panning does not make bars flicker.
    const int64_t fromMin = fromUs / kMinuteUs;
    auto it = std::lower_bound(l.minutes.begin(), l.minutes.end(), (fromMin / bucketMin) * bucketMin);
    int64_t current = INT64_MIN;
    double sum = 0;
    for (; it != l.minutes.end(); ++it) {
        const int64_t m = *it;
        if (m * kMinuteUs >= toUs) {
            break;
        }
        const auto i = it - l.minutes.begin();
        const int64_t c = l.cumulative[i] - (i > 0 ? l.cumulative[i - 1] : 0);
        const int64_t b = (m >= 0 ? m / bucketMin : -((-m + bucketMin - 1) / bucketMin)) * bucketMin;
        if (b != current) {
            if (current != INT64_MIN) {
                startsSec->push_back(double(current) * 60.0);
                counts->push_back(sum);
            }
            current = b;
            sum = 0;
        }
        sum += double(c);
    }
    if (current != INT64_MIN) {
        startsSec->push_back(double(current) * 60.0);
        counts->push_back(sum);
    }
}

} // namespace socwb
