// SIEM rows as channels (docs/scoring.md, "SIEM rows (pre-aggregated channels)"). A row of a SIEM's
// grouped hunt result (siem_rows) is a channel whose events the case does not have: its features
// are measured from the row's counts, median gap, spread, bytes, paths and endpoint shapes, and
// what only events could tell is left out and said so. A channel built from the case's own events
// for the same host, process and destination absorbs the row (keeping "also in SIEM export").
#pragma once

#include "channel_builder.h"
#include "channel_features.h"
#include "scoring_config.h"
#include "web_service_catalog.h"

#include <sqlite3.h>

#include <QString>

#include <cstdint>
#include <vector>

namespace socwb::scoring {

struct SiemRow {
    int64_t id = 0, evidenceId = 0, line = 0;
    QString product, layout, file, host, process, dest, shapes;
    QString via; // "web", "dns" or empty (an export without the column)
    QString src; // the series' client addresses, "; "-joined
    double postShare = -1;
    int64_t processFromLine = 0; // the lookup row whose process a web row took (mergeSiemRows)
    int64_t polls = 0, requests = -1, intervals = -1, bytesOut = -1, bytesIn = -1, paths = -1, hostsAlike = -1;
    double median = 0, spread = 0, p25 = -1, p75 = -1;
    int64_t firstUs = 0, lastUs = 0;
};

// Every SIEM row of the case, in id order.
std::vector<SiemRow> loadSiemRows(sqlite3* db);

// "Splunk export access-hunt.csv, row 3: 412 requests, median 300 s, spread 0.04"
QString siemOrigin(const SiemRow& row);

// What the factors cannot see in a SIEM's summary, for the channel's detail.
QString siemUnavailable();

// Adds a channel for each SIEM row that no channel of BUILT (the case's own events) holds, and
// marks the channels of events that absorbed a row. A row matches a built channel on host (its
// name, short name or one of its addresses), destination and process (file name; a row or a
// channel without a process matches any process on that host and destination). A lookup series
// (via dns) of a host and destination that also has a web series among the rows is set aside: its
// lookups are that channel's (ES|QL cannot anti-join them in the query; SPL and KQL do). Rows of
// one host, process, destination, endpoint shape and via (two exports of one series) are one
// channel: the later import's. False where the case holds no SIEM row (nothing was changed).
bool mergeSiemRows(sqlite3* db, const WebServiceCatalog& catalog, const ScoringConfig& config,
                   std::vector<BuiltChannel>& built);

} // namespace socwb::scoring
