// What the polling-interval charts draw for one channel (an alerts row), prepared off the GUI
// thread: the channel's polls — its member events of the source scoring::chooseTiming() picks, the
// one choice the score's sentences were computed on, bursts merged as there — with their sizes,
// the gaps between them with their median and MAD, a histogram of the gaps, an hour-of-day x day
// grid, and the host's overall web activity per hour to draw behind it. Every vector is sorted by
// its key already.
#pragma once

#include <sqlite3.h>

#include <QString>
#include <QVector>

#include <cstdint>
#include <vector>

namespace socwb {

class ChannelSeries {
  public:
    // Reads alert ALERTID; an empty series (alertId -1) when there is no such alert.
    static ChannelSeries load(sqlite3* db, qint64 alertId);
    // The same for HOSTID's proxy requests to DOMAINID (any host + destination, scored or not);
    // alertId stays -1.
    static ChannelSeries loadHostDestination(sqlite3* db, qint64 hostId, qint64 domainId);
    // Builds the derived series from request times (UTC microseconds, any order) and sizes.
    static ChannelSeries fromRequests(std::vector<int64_t> timesUs, std::vector<int64_t> bytesOut,
                                      std::vector<int64_t> bytesIn);

    qint64 alertId = -1;
    qint64 hostId = -1;
    qint64 processId = -1;
    QString host;
    QString destination;
    QString process;
    QString source;     // the member source the polls are (scoring/member_source.h): http, connect, sysmon_net, ...
    QString timingNote; // chooseTiming()'s sentence
    qint64 events = 0;  // that source's events before bursts were merged
    bool ttlPaced = false;
    std::vector<int64_t> sourceIds; // the row ids of that source's member events (ascending), for highlighting

    // Per poll, by time: seconds since the epoch (UTC), bytes client->server and server->client
    // summed over the poll's events (-1 when the source has no sizes).
    QVector<double> times;
    QVector<double> bytesOut;
    QVector<double> bytesIn;

    // Per gap, at the time of the later request: seconds. Zero gaps (same microsecond) included.
    QVector<double> gapTimes;
    QVector<double> gaps;
    double medianGap = 0;
    double madGap = 0; // median absolute deviation of the gaps

    // Histogram of the gaps: equal bins from histLow, histBinWidth wide; counts per bin.
    // Gaps above the 99th percentile x 1.5 fall in the last bin (histOverflow counts them).
    double histLow = 0;
    double histBinWidth = 1;
    QVector<double> histCenters;
    QVector<double> histCounts;
    int histOverflow = 0;

    // Hour-of-day x day: dayCount days from firstDayStart (seconds, a UTC midnight); cell
    // [day * 24 + hour] counts requests.
    double firstDayStart = 0;
    int dayCount = 0;
    QVector<double> heat;

    // The host's proxy requests and sensor connections (all destinations) per UTC hour: bucket start
    // seconds and counts.
    QVector<double> hostHourStarts;
    QVector<double> hostHourCounts;

    double firstTime() const { return times.isEmpty() ? 0 : times.first(); }
    double lastTime() const { return times.isEmpty() ? 0 : times.last(); }

    static constexpr int kHistogramBins = 40;
};

} // namespace socwb
