// The SQL behind the host timeline: per-minute counts per lane, a lane's events or SQL-bucketed
// counts in a time range, the merged event list paged by key (ts, lane, id) — never OFFSET, never
// every row — and one event's full record with its provenance. Every value is a bound parameter.
#pragma once

#include "timeline_buckets.h"

#include <sqlite3.h>

#include <QString>
#include <QStringList>
#include <QVector>

#include <cstdint>

namespace socwb {

struct TimelineEvent {
    int64_t tsUs = 0;
    int lane = 0;
    int64_t id = 0;  // row id in the lane's table (alerts.id for notes)
    QString summary; // evidence text: show as plain text
};

struct TimelineKey {
    int64_t tsUs = INT64_MIN;
    int lane = -1;
    int64_t id = 0;
};

class TimelineQuery {
  public:
    enum Lane {
        ProxyLane,
        DnsLane,
        DnsQueryLane,
        ProcessLane,
        NetworkLane, // Sysmon EID 3
        SensorLane,  // connections a network sensor saw (Zeek conn.log, Suricata flow)
        FileLane,
        NoteLane,
        LaneCount
    };
    static_assert(LaneCount == TimelineBuckets::kLaneCount);

    static QStringList laneNames();
    static QString laneTable(int lane); // the table a lane's ids are rows of

    // HOSTID's events; processId >= 0 keeps only what that process did (attributed requests and
    // sensor connections, its connections, queries and file events, its own start and its children's).
    TimelineQuery(sqlite3* db, int64_t hostId, int64_t processId = -1)
        : db_(db), hostId_(hostId), processId_(processId) {}

    TimelineBuckets minuteCounts() const;
    // LANE's events in [fromUs, toUs), by time, at most LIMIT.
    QVector<TimelineEvent> events(int lane, int64_t fromUs, int64_t toUs, int limit) const;
    // LANE's counts in [fromUs, toUs) in buckets of bucketUs aligned to multiples of it (GROUP BY).
    void buckets(int lane, int64_t fromUs, int64_t toUs, int64_t bucketUs, QVector<double>* startsSec,
                 QVector<double>* counts) const;
    // The next N events of all lanes (those in laneMask) in [fromUs, toUs) after KEY, in (ts, lane, id) order.
    QVector<TimelineEvent> page(int64_t fromUs, int64_t toUs, const TimelineKey& after, int n,
                                unsigned laneMask = ~0u) const;

    // SQLite's EXPLAIN QUERY PLAN of the page query for LANE, one step a line (for the index test).
    QString pagePlan(int lane) const;

    // The whole row of one event, field by field, and where it came from (evidence file, line or
    // record). A sensor connection also lists its TLS sessions and the sensor's alerts on its flow,
    // each with its own provenance.
    static QString record(sqlite3* db, int lane, int64_t id);

  private:
    // Who saw a sensor connection, its TLS sessions and the alerts on its flow.
    static QString sensorContext(sqlite3* db, int64_t connId);
    QString laneSql(int lane, bool summary) const;
    static QString pageSql(const QString& laneSql); // SELECT ts, id[, summary] FROM ... WHERE host and filter
    sqlite3* db_;
    int64_t hostId_;
    int64_t processId_;
};

} // namespace socwb
