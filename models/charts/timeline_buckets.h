// Per-minute event counts of a host's lanes, read once with SQL GROUP BY when a host is opened, so
// that zooming a timeline re-buckets in memory (a few thousand numbers) instead of going back to
// the database, and so the view knows how many events a visible range holds before asking for them.
#pragma once

#include <QVector>

#include <array>
#include <cstdint>

namespace socwb {

class TimelineBuckets {
  public:
    static constexpr int kLaneCount = 8;
    static constexpr int64_t kMinuteUs = 60'000'000;

    // Adds COUNT events in the minute starting at MINUTE (minutes since the epoch); calls for a lane
    // must come in ascending minute order.
    void add(int lane, int64_t minute, int64_t count);

    // Events of LANE in [fromUs, toUs), to the minute (partial minutes at the ends count whole).
    int64_t count(int lane, int64_t fromUs, int64_t toUs) const;
    int64_t total(int lane) const;
    int64_t firstUs() const; // start of the first non-empty minute of any lane; 0 when empty
    int64_t lastUs() const;  // end of the last non-empty minute of any lane

    // Re-buckets LANE's counts over [fromUs, toUs) into buckets of bucketUs (a multiple of a
    // minute): bucket start times in seconds since the epoch, and counts; empty buckets left out.
    void rebucket(int lane, int64_t fromUs, int64_t toUs, int64_t bucketUs, QVector<double>* startsSec,
                  QVector<double>* counts) const;

  private:
    struct Lane {
        QVector<int64_t> minutes;
        QVector<int64_t> cumulative; // cumulative[i] = events in minutes[0..i]
    };
    std::array<Lane, kLaneCount> lanes_;
};

} // namespace socwb
