// What a SIEM hunt looks for (issue 21, "Hunt export"): the destinations, the catalog's endpoint
// shapes on them and the scoring config's thresholds, taken from the engine's configuration (the
// whole catalog), from one channel, from a host's channels or from a destination. The writers
// (hunt_query.h) turn it into SPL, KQL or ES|QL; nothing here knows a query language.
#pragma once

#include <QString>
#include <QStringList>

#include <vector>

struct sqlite3;

namespace socwb::scoring {
struct ScoringConfig;
class WebServiceCatalog;
} // namespace socwb::scoring

namespace socwb::hunt {

// One URL shape of the catalog: on these domains (the service's, or the one host the shape names),
// a request path matching `pattern` (a regular expression as the catalog writes it, anchored with ^).
struct HuntShape {
    QString label; // "pastebin: raw paste (command)"
    QStringList domains;
    QString pattern;
};

// Thresholds from the scoring config (resources/scoring/scoring.yaml, or the case's override).
struct HuntThresholds {
    int minPolls = 6;        // min_polls
    int minIntervals = 5;    // min_intervals
    double minIntervalS = 2; // min_interval_s
    double band = 0.5;       // band: the gaps' spread (interquartile range / median) at most this
    double pauseFactor = 6;  // pause_factor: a gap over this x the median is a pause, set aside
    double cadenceRatio = 2; // cadence_ratio: medians within this factor are the same cadence
    int fleetMinHosts = 3;   // fleet_min_hosts: this many hosts alike is a managed tool
    double burstMergeS = 1;  // burst_merge_s: events this close are one poll
};

struct HuntSpec {
    QString origin;      // one line: what the hunt was written from (evidence text, untrusted)
    QStringList domains; // destinations, each with its subdomains (lower case; untrusted when from evidence)
    std::vector<HuntShape> shapes;
    HuntThresholds thresholds;
    double cadenceS = 0; // > 0: only series whose median gap is within cadence_ratio of this
    int lookbackDays = 7;
    QString configSha; // the scoring config's SHA-256, for the header comment
};

// The engine's configuration: every catalogued service's domains and shapes.
HuntSpec configHunt(const scoring::ScoringConfig& config, const scoring::WebServiceCatalog& catalog);

// What to hunt from a case: a channel (its alert id), or a host and/or a destination.
struct HuntSelection {
    qint64 channelId = 0;
    QString host; // name or address
    QString dest; // FQDN or registered domain
    bool empty() const { return channelId <= 0 && host.isEmpty() && dest.isEmpty(); }
};

// The hunt for the selection's channels in a scored case (the case's scoring config and the shipped
// catalog): their destinations fleet-wide, with their services' shapes; one channel adds its cadence.
// An empty selection gives configHunt. Throws std::invalid_argument naming what matched nothing.
HuntSpec huntFromCase(sqlite3* db, const HuntSelection& selection);

} // namespace socwb::hunt
