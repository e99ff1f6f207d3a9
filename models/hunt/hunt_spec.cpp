// Builds a hunt's specification from the scoring config, the web-service catalog and, for a
// channel, host or destination, the case's scored channels (bound parameters only).
#include "hunt/hunt_spec.h"

#include "scoring/scoring_config.h"
#include "scoring/web_service_catalog.h"
#include "store/statement.h"

#include <cmath>
#include <stdexcept>

namespace socwb::hunt {

namespace {

HuntThresholds thresholdsOf(const scoring::ScoringConfig& c) {
    HuntThresholds t;
    t.minPolls = static_cast<int>(std::lround(c.threshold("min_polls")));
    t.minIntervals = static_cast<int>(std::lround(c.threshold("min_intervals")));
    t.minIntervalS = c.threshold("min_interval_s");
    t.band = c.threshold("band");
    t.pauseFactor = c.threshold("pause_factor");
    t.cadenceRatio = c.threshold("cadence_ratio");
    t.fleetMinHosts = static_cast<int>(std::lround(c.threshold("fleet_min_hosts")));
    t.burstMergeS = c.threshold("burst_merge_s");
    return t;
}

QStringList domainsOf(const scoring::WebService& s) {
    QStringList out;
    for (const std::string& d : s.domains) {
        out << QString::fromStdString(d);
    }
    return out;
}

void addShapes(std::vector<HuntShape>& out, const scoring::WebService& s) {
    for (const scoring::EndpointShape& e : s.endpoints) {
        HuntShape h;
        h.label = QStringLiteral("%1: %2 (%3)").arg(s.id, e.name, e.role);
        h.domains = e.host.isEmpty() ? domainsOf(s) : QStringList{e.host.toLower()};
        h.pattern = e.path.pattern();
        out.push_back(std::move(h));
    }
}

HuntSpec base(const scoring::ScoringConfig& config) {
    HuntSpec spec;
    spec.thresholds = thresholdsOf(config);
    spec.configSha = QString::fromLatin1(config.sha256);
    return spec;
}

} // namespace

HuntSpec configHunt(const scoring::ScoringConfig& config, const scoring::WebServiceCatalog& catalog) {
    HuntSpec spec = base(config);
    spec.origin = QStringLiteral("the engine's configuration: every service of the web-service catalog");
    for (const scoring::WebService& s : catalog.services()) {
        for (const QString& d : domainsOf(s)) {
            if (!spec.domains.contains(d)) {
                spec.domains << d;
            }
        }
        addShapes(spec.shapes, s);
    }
    return spec;
}

HuntSpec huntFromCase(sqlite3* db, const HuntSelection& sel) {
    const scoring::ScoringConfig config = scoring::ScoringConfig::forCase(db);
    const scoring::WebServiceCatalog catalog = scoring::WebServiceCatalog::load();
    if (sel.empty()) {
        return configHunt(config, catalog);
    }
    // A host alone stands for its channels the engine flagged (at least the lowest severity band).
    const double minScore = sel.channelId <= 0 && sel.dest.isEmpty() ? config.severity.at("low") : 0.0;
    Statement st(db, "SELECT id, host, coalesce(process_name, ''), destination, coalesce(service, ''), "
                     "median_interval_s FROM alerts "
                     "WHERE (?1 <= 0 OR id = ?1) "
                     "AND (?2 = '' OR lower(host) = lower(?2) "
                     "     OR instr(',' || replace(coalesce(host_ips, ''), ' ', '') || ',', ',' || ?2 || ',') > 0) "
                     "AND (?3 = '' OR lower(destination) = lower(?3) OR lower(registered_domain) = lower(?3)) "
                     "AND score >= ?4 ORDER BY score DESC, id");
    st.bind(1, static_cast<int64_t>(sel.channelId))
        .bind(2, sel.host.trimmed().toStdString())
        .bind(3, sel.dest.trimmed().toStdString())
        .bind(4, minScore);
    HuntSpec spec = base(config);
    QStringList services;
    QStringList channels;
    double cadence = 0;
    while (st.step()) {
        const QString dest = QString::fromStdString(st.text(3)).toLower();
        if (!spec.domains.contains(dest)) {
            spec.domains << dest;
        }
        const QString service = QString::fromStdString(st.text(4));
        if (!service.isEmpty() && !services.contains(service)) {
            services << service;
            if (const scoring::WebService* s = catalog.find(service)) {
                addShapes(spec.shapes, *s);
            }
        }
        const QString process = QString::fromStdString(st.text(2));
        channels << QStringLiteral("channel %1 (%2, %3 -> %4)")
                        .arg(st.int64(0))
                        .arg(QString::fromStdString(st.text(1)),
                             process.isEmpty() ? QStringLiteral("no process") : process, dest);
        cadence = st.isNull(5) ? 0 : st.real(5);
    }
    if (channels.isEmpty()) {
        QStringList what;
        if (sel.channelId > 0) {
            what << QStringLiteral("channel %1").arg(sel.channelId);
        }
        if (!sel.host.isEmpty()) {
            what << QStringLiteral("host '%1'").arg(sel.host);
        }
        if (!sel.dest.isEmpty()) {
            what << QStringLiteral("destination '%1'").arg(sel.dest);
        }
        throw std::invalid_argument(
            QStringLiteral("no scored channel matches %1%2")
                .arg(what.join(QStringLiteral(", ")),
                     minScore > 0 ? QStringLiteral(" with a score of at least %1").arg(minScore) : QString())
                .toStdString());
    }
    // One channel: the same behaviour is also the same cadence.
    spec.cadenceS = channels.size() == 1 ? cadence : 0;
    spec.origin = channels.size() <= 3 ? channels.join(QStringLiteral("; "))
                                       : QStringLiteral("%1; and %2 more channel(s)")
                                             .arg(channels.mid(0, 3).join(QStringLiteral("; ")))
                                             .arg(channels.size() - 3);
    return spec;
}

} // namespace socwb::hunt
