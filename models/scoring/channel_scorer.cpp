#include "channel_scorer.h"

#include "both_cores.h"
#include "config_checks.h"
#include "siem_channels.h"

#include <QHash>
#include <QJsonObject>
#include <QLocale>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include <xxhash.h>

namespace socwb::scoring {

namespace {

QString pct(double share) {
    return QString::number(std::lround(share * 100)) + QLatin1Char('%');
}

bool listed(const std::set<std::string>& names, const QString& name) {
    return names.count(name.toLower().toStdString()) > 0;
}

QString fileName(const QString& image) {
    const qsizetype cut = std::max(image.lastIndexOf(QLatin1Char('\\')), image.lastIndexOf(QLatin1Char('/')));
    return image.mid(cut + 1);
}

// What the fleet comparison knows of one channel: who polls what, seen how, how often. The
// comparison runs over pairs of a service's channels, so what it compares are small numbers: a
// host's place in the case's list of hosts, and ids of the strings (StringIds; issue 20: comparing
// the strings themselves was most of a re-score's time).
struct Behaviour {
    int64_t host;
    uint32_t hostIndex;
    QString process; // empty: unknown
    int processId;
    int endpointId; // 0: none known
    int timingClassId;
    bool lookupUnpaced; // a lookup series that is not TTL-paced: it carries the poller's own cadence
    double median;      // 0: not periodic
    bool present;       // a TTL-paced lookup series long enough to count as continuous presence
    bool ttlPaced;
    int kind; // HostKind: hosts are compared only with hosts of their kind
};

// Ids of strings, equal where the strings are: 0 for the empty string, -1 for one never added.
class StringIds {
  public:
    int add(const QString& s) {
        if (s.isEmpty()) {
            return 0;
        }
        const auto it = ids_.constFind(s);
        return it != ids_.constEnd() ? *it : *ids_.insert(s, static_cast<int>(ids_.size()) + 1);
    }
    int find(const QString& s) const { return s.isEmpty() ? 0 : ids_.value(s, -1); }

  private:
    QHash<QString, int> ids_;
};

// The distinct hosts among those marked since begin(), by their place in the case's list of hosts:
// one array per thread, cleared by a new stamp rather than by writing it again.
class HostTally {
  public:
    explicit HostTally(size_t hosts) : seen_(hosts, 0) {}
    void begin() {
        ++stamp_;
        count_ = 0;
    }
    void mark(uint32_t host) {
        if (seen_[host] != stamp_) {
            seen_[host] = stamp_;
            ++count_;
        }
    }
    size_t count() const { return count_; }

  private:
    std::vector<uint32_t> seen_;
    uint32_t stamp_ = 0;
    size_t count_ = 0;
};

// The kinds of host the fleet comparison keeps apart: a server's tool, a workstation's and what
// the people behind a shared address (NAT, VDI) do are different fleets.
enum HostKind : int { kWorkstation = 0, kServer = 1, kShared = 2 };

// An application's own User-Agent: it matches not_browser_user_agents (Electron embeds Chrome's
// token) and names the program as a product ("discord/1.0.9035" from Discord.exe, "Slack/4.36"
// from slack.exe). Such an app speaks as itself, not as a browser.
bool ownAppAgent(const ScoringConfig& c, const QString& userAgent, const QString& processName) {
    QString stem = processName;
    if (const qsizetype dot = stem.lastIndexOf(QLatin1Char('.')); dot > 0) {
        stem.truncate(dot);
    }
    if (stem.isEmpty() || std::none_of(c.notBrowserUserAgents.begin(), c.notBrowserUserAgents.end(),
                                       [&](const QRegularExpression& re) { return re.match(userAgent).hasMatch(); })) {
        return false;
    }
    const QRegularExpression token(QStringLiteral("(^|[ (;])%1/[0-9]").arg(QRegularExpression::escape(stem)),
                                   QRegularExpression::CaseInsensitiveOption);
    return token.match(userAgent).hasMatch();
}

// A yes or no decided once per key and thread for the pass: ownAppAgent() per (User-Agent,
// program) pair — a fleet has a few hundred across tens of thousands of channels, and each call
// compiles a pattern — and the user-writable folder per process image.
template <class Key> class Decided {
  public:
    template <class Decide> bool operator()(const Key& key, Decide&& decide) {
        const auto it = known_.constFind(key);
        return it != known_.constEnd() ? *it : *known_.insert(key, decide());
    }

  private:
    QHash<Key, bool> known_;
};

// What the config's role patterns say of each host role, matched once per distinct role before
// the channels are scored (a case has a few dozen roles and tens of thousands of channels), then
// only read, from both cores.
class Roles {
  public:
    struct Kind {
        bool relay = false, server = false;
    };
    Roles(const ScoringConfig& c, const std::vector<ChannelFeatures>& channels) {
        for (const ChannelFeatures& f : channels) {
            if (!kinds_.contains(f.hostRole)) {
                kinds_.insert(f.hostRole, {c.isRelayRole(f.hostRole), c.isServerRole(f.hostRole)});
            }
        }
    }
    Kind of(const QString& role) const { return kinds_.value(role); }

  private:
    QHash<QString, Kind> kinds_;
};

bool sameCadence(double a, double b, double ratio) {
    if (a <= 0 || b <= 0) {
        return false;
    }
    return std::max(a, b) / std::min(a, b) <= ratio;
}

} // namespace

QString humanInterval(double s) {
    if (s < 90) {
        return QString::number(std::lround(s)) + QStringLiteral(" s");
    }
    if (s < 90 * 60) {
        return QString::number(s / 60, 'f', s < 600 ? 1 : 0) + QStringLiteral(" min");
    }
    return QString::number(s / 3600, 'f', s < 36000 ? 1 : 0) + QStringLiteral(" h");
}

namespace {
// The factors a result shows: those that contributed, and the zero-point factors that say how the
// channel was built (they are reasons too).
bool shown(const Factor& f) {
    return f.contribution != 0 || f.name == QLatin1String("shared_host") ||
           f.name == QLatin1String("joined_before_process_evidence") || f.name == QLatin1String("joined_by_cadence") ||
           f.name == QLatin1String("siem_summary") || f.name == QLatin1String("also_in_siem");
}
double shownContribution(const Factor& f) {
    return std::round(f.contribution * 100) / 100;
}

} // namespace

QJsonArray ScoredChannel::factorsJson() const {
    QJsonArray a;
    for (const Factor& f : factors) {
        if (shown(f)) {
            a.append(QJsonObject{{"name", f.name}, {"contribution", shownContribution(f)}, {"detail", f.detail}});
        }
    }
    return a;
}

uint64_t ScoredChannel::digest() const {
    // Every part with its length, so no two results run together into the same bytes.
    thread_local std::string bytes;
    bytes.clear();
    auto number = [](std::string& out, auto v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); };
    auto text = [&number](std::string& out, const QString& s) {
        number(out, static_cast<int64_t>(s.size()));
        out.append(reinterpret_cast<const char*>(s.utf16()), static_cast<size_t>(s.size()) * 2);
    };
    number(bytes, score);
    text(bytes, severity);
    number(bytes, static_cast<int64_t>(suppressedBy));
    for (const Factor& f : factors) {
        if (shown(f)) {
            text(bytes, f.name);
            number(bytes, shownContribution(f));
            text(bytes, f.detail);
        }
    }
    return XXH3_64bits(bytes.data(), bytes.size());
}

ChannelScorer::ChannelScorer(const ScoringConfig& config, const QVector<SuppressionRule>& rules, QDateTime now)
    : config_(config), now_(std::move(now)) {
    for (const SuppressionRule& r : rules) {
        if (!r.isActive(now_)) {
            continue;
        }
        SuppressionMatcher m(r);
        if (m.valid()) {
            rules_.push_back(std::move(m));
        } else {
            ruleProblems_ << m.problem();
        }
    }
}

QStringList ChannelScorer::problems() const {
    QStringList out = ruleProblems_;
    if (matchLimitHits_ > 0) {
        out << QStringLiteral("%1 pattern test(s) hit the regex engine's match limit and could not be decided; "
                              "'explain' shows which")
                   .arg(matchLimitHits_.load());
    }
    return out;
}

std::vector<ScoredChannel> ChannelScorer::score(const std::vector<ChannelFeatures>& channels) const {
    requireCurrentFeatures(channels);
    const ScoringConfig& c = config_;
    const double minPolls = c.threshold("min_polls");
    const double minIntervals = c.threshold("min_intervals");
    const double cadenceRatio = c.threshold("cadence_ratio");
    const double continuousHours = c.threshold("continuous_min_hours");
    auto spanHours = [](const ChannelFeatures& f) { return static_cast<double>(f.lastTs - f.firstTs) / 3.6e9; };
    auto isPeriodic = [&](const ChannelFeatures& f) {
        return !f.unmeasurable && static_cast<double>(f.consideredIntervals()) >= minIntervals &&
               f.medianInterval >= c.threshold("min_interval_s");
    };

    // Fleet context, over every channel of the case.
    std::set<int64_t> allHosts;
    std::map<int64_t, int> kindOfHost;
    std::map<QString, std::vector<Behaviour>> behaviours;                  // service or registered domain
    std::map<std::pair<QString, QString>, std::set<int64_t>> imageService; // (process name, service)
    // The same behaviours by (service, process): a named program is compared only with its own
    // program elsewhere, so it reads only those, not every client of a popular service (issue 20:
    // that made the comparison quadratic in the channels of a service).
    std::map<std::pair<QString, QString>, std::vector<Behaviour>> behavioursOf;
    auto fleetKey = [](const ChannelFeatures& f) {
        return !f.service.isEmpty() ? f.service : !f.registeredDomain.isEmpty() ? f.registeredDomain : f.destination;
    };
    std::map<int64_t, uint32_t> hostIndex; // a host's place in allHosts
    StringIds processIds, endpointIds, timingClassIds;
    const Roles roles(c, channels);
    for (const ChannelFeatures& f : channels) {
        allHosts.insert(f.hostId);
    }
    for (const int64_t host : allHosts) {
        hostIndex.emplace(host, static_cast<uint32_t>(hostIndex.size()));
    }
    for (const ChannelFeatures& f : channels) {
        const Roles::Kind role = roles.of(f.hostRole);
        if (role.relay) {
            continue; // a proxy's lookups are its clients' channels again, not a peer's behaviour
        }
        const int kind = f.hostShared ? kShared : role.server ? kServer : kWorkstation;
        kindOfHost[f.hostId] = kind;
        const bool periodic = isPeriodic(f);
        const Behaviour b{f.hostId,
                          hostIndex.at(f.hostId),
                          f.processName,
                          processIds.add(f.processName),
                          endpointIds.add(f.endpoint),
                          timingClassIds.add(f.timingClass),
                          f.timingClass == QLatin1String("lookup") && !f.ttlPaced,
                          periodic ? f.medianInterval : 0,
                          periodic && f.ttlPaced && spanHours(f) >= continuousHours,
                          f.ttlPaced,
                          kind};
        behaviours[fleetKey(f)].push_back(b);
        behavioursOf[{fleetKey(f), f.processName}].push_back(b);
        if (!f.processName.isEmpty()) {
            imageService[{f.processName, fleetKey(f)}].insert(f.hostId);
        }
    }
    const double hostCount = static_cast<double>(allHosts.size());
    const bool fleetContext = hostCount >= c.threshold("fleet_context_min_hosts");
    // The fleet's own clients of each service: programs that poll it on many hosts.
    std::map<QString, std::set<QString>> fleetClients;
    {
        std::map<std::pair<QString, QString>, std::set<int64_t>> pollers; // (service, program) -> hosts
        for (const auto& [key, list] : behaviours) {
            for (const Behaviour& b : list) {
                // An unknown program counts (it is not one that runs on a single host); browsers
                // are people reading the site, not the fleet's client of a service.
                if (b.median > 0 && !listed(c.browsers, b.process)) {
                    pollers[{key, b.process}].insert(b.host);
                }
            }
        }
        for (const auto& [k, hosts] : pollers) {
            if (static_cast<double>(hosts.size()) >= c.threshold("fleet_min_hosts")) {
                fleetClients[k.first].insert(k.second);
            }
        }
    }

    // From here on the fleet context is only read: the channels are scored on both cores.
    std::array<double, 3> peersOfKind{};
    for (const auto& [host, kind] : kindOfHost) {
        peersOfKind[static_cast<size_t>(kind)] += 1;
    }
    const std::set<int64_t> noHosts;
    const std::set<QString> noClients;
    const std::vector<Behaviour> noBehaviours;
    auto scoreOne = [&](const ChannelFeatures& f, HostTally& tally, Decided<std::pair<QString, QString>>& ownApp,
                        Decided<QString>& writable) {
        ScoredChannel s;
        auto add = [&s](const char* name, double contribution, QString detail) {
            // Rounded here, so the score is exactly the sum of the contributions shown.
            s.factors.push_back({QString::fromLatin1(name), std::round(contribution * 100) / 100, std::move(detail)});
        };
        const int64_t considered = f.consideredIntervals();
        const bool bursty =
            static_cast<double>(considered) >= minIntervals && f.medianInterval < c.threshold("min_interval_s");
        const bool periodic = isPeriodic(f);
        const bool hasProcess = !f.processImage.isEmpty();
        // A proxy's lookups and connections are made for its clients: their channels are scored.
        const Roles::Kind role = roles.of(f.hostRole);
        const bool relay = role.relay;
        const QString dest = f.registeredDomain.isEmpty() ? f.destination : f.registeredDomain;
        const double hours = spanHours(f);

        // --- Shared client address: per-host measures say nothing there
        if (f.hostShared) {
            add("shared_host", 0,
                QStringLiteral("%1 is shared by many users (%2): rarity, uniqueness and idle hours are not scored")
                    .arg(f.host, f.hostSharedReason));
        }

        // --- Lines from before the host's process evidence, joined to the only process polling there
        if (f.joinedBeforeProcessEvidence > 0) {
            add("joined_before_process_evidence", 0,
                QStringLiteral("%1 untied events from before %2's process evidence starts (%3) joined %4, the only "
                               "process polling %5 there")
                    .arg(f.joinedBeforeProcessEvidence)
                    .arg(f.host,
                         QDateTime::fromMSecsSinceEpoch(f.processEvidenceFrom / 1000, Qt::UTC).toString(Qt::ISODate),
                         f.processName, f.endpoint.isEmpty() ? f.destination : f.endpoint));
        }

        // --- Untied lines joined to the one process polling there at their cadence
        if (f.joinedByCadence > 0) {
            add("joined_by_cadence", 0,
                QStringLiteral("%1 untied events polling at this channel's cadence joined %2, the one process "
                               "polling %3 at it on %4")
                    .arg(f.joinedByCadence)
                    .arg(hasProcess ? f.processName : QStringLiteral("(unknown process)"),
                         f.endpoint.isEmpty() ? f.destination : f.endpoint, f.host));
        }

        // --- A SIEM's grouped row: what it said, and what its summary cannot tell
        if (f.fromSiem()) {
            add("siem_summary", 0, QStringLiteral("%1; %2").arg(f.siemOrigin, siemUnavailable()));
        } else if (!f.alsoInSiem.isEmpty()) {
            add("also_in_siem", 0, QStringLiteral("also in SIEM export: %1").arg(f.alsoInSiem));
        }

        // --- Periodicity: from the gaps between polls, never from event counts
        double periodicity = 0;
        if (f.unmeasurable) {
            add("periodicity", 0, QStringLiteral("cadence unmeasurable: %1").arg(f.timingNote));
        } else if (f.events > 1 && f.lastTs == f.firstTs) {
            // No gap at all: a median of 0 s would be a figure nobody measured.
            add("periodicity", 0,
                QStringLiteral("all %1 requests logged at the same instant: no gap between them to measure, a burst, "
                               "not a poll")
                    .arg(f.events));
        } else if (bursty) {
            add("periodicity", 0,
                QStringLiteral("polls come in bursts (median gap %1 s): page loads or a person, not a poll; %2")
                    .arg(f.medianInterval, 0, 'f', 1)
                    .arg(f.timingNote));
        } else if (!periodic) {
            add("periodicity", 0,
                QStringLiteral("%1 gap(s) between %2 poll(s): too few to judge a cadence (needs %3); %4")
                    .arg(considered)
                    .arg(f.polls)
                    .arg(minIntervals)
                    .arg(f.timingNote));
        } else {
            const double confidence =
                std::min(1.0, static_cast<double>(f.bandIntervals) / c.threshold("full_confidence_intervals"));
            periodicity = std::max(f.ritaTs, f.bandScore) * confidence;
            const QString pauses = f.pauses > 0 ? QStringLiteral("; %1 pause(s)").arg(f.pauses) : QString();
            add("periodicity", c.weight("periodicity") * periodicity,
                f.ttlPaced
                    ? QStringLiteral("looked up at least every %1 for %2 h, %3 lookups (%4 of gaps within \u00b1%5 "
                                     "of the median%6): %7")
                          .arg(humanInterval(f.medianInterval), QString::number(hours, 'f', 1))
                          .arg(f.polls)
                          .arg(pct(f.bandShare), pct(c.threshold("band")), pauses, f.timingNote)
                    : QStringLiteral("polls every %1 \u00b1%2 for %3 h: %4 polls, %5 of the gaps within \u00b1%6 of "
                                     "the median, RITA regularity %7%8; %9")
                          .arg(humanInterval(f.medianInterval), pct(f.jitter), QString::number(hours, 'f', 1))
                          .arg(f.polls)
                          .arg(pct(f.bandShare), pct(c.threshold("band")), QString::number(f.ritaTs, 'f', 2), pauses,
                               f.timingNote));
        }

        // --- Web-service knowledge
        if (!f.service.isEmpty()) {
            add("web_service", c.weight("web_service") * f.serviceRisk,
                QStringLiteral("%1 is %2 (%3%4)")
                    .arg(f.destination, f.service, f.serviceCategory,
                         f.consumerService ? QStringLiteral(", a consumer service") : QString()));
            if (!f.endpoint.isEmpty()) {
                const double roleShare = f.endpointRole == QLatin1String("command") ? 1.0
                                         : f.endpointRole == QLatin1String("output")
                                             ? c.threshold("output_endpoint_share")
                                             : c.threshold("payload_endpoint_share");
                add("command_endpoint", c.weight("command_endpoint") * roleShare,
                    QStringLiteral("one %1 (%2): %3").arg(f.endpointName, f.endpointRole, f.endpoint));
            } else {
                add("command_endpoint", 0,
                    f.connectShare > c.threshold("tunnel_share")
                        ? QStringLiteral("TLS not inspected: only CONNECT tunnels, no URL path")
                        : QStringLiteral("no URL shape that carries commands"));
            }
        } else {
            add("web_service", 0,
                f.destinationIsAddress
                    ? QStringLiteral("%1 is a bare address no DNS answer in the case names").arg(f.destination)
                    : QStringLiteral("%1 is not a service in the web-service catalog").arg(f.destination));
        }

        // --- One-way shape
        double shape = -1; // -1: not judged
        if (f.proxyRequests >= minPolls) {
            const double single = f.distinctPaths <= c.threshold("single_path_max") ? 1.0
                                  : f.distinctPaths <= c.threshold("few_paths_max") ? 0.5
                                                                                    : 0.0;
            const double small = f.medianBytesOut <= c.threshold("small_request_bytes") ? 1.0 : 0.0;
            QString how;
            if (f.connectShare > c.threshold("tunnel_share")) {
                // Tunnels hide the requests: steady sizes are half the evidence a readable request
                // gives. A size the log does not record is left out, not counted as unsteady.
                const bool outLogged = f.medianBytesOut > 0;
                shape = 0.5 * (outLogged ? (f.requestConstancy + f.responseConstancy) / 2.0 : f.responseConstancy);
                how = outLogged
                          ? QStringLiteral(
                                "tunnels of steady size (%1 of requests, %2 of responses within 10% of the median)")
                                .arg(pct(f.requestConstancy), pct(f.responseConstancy))
                          : QStringLiteral("tunnels of steady size (%1 within 10% of the median; request size "
                                           "not logged)")
                                .arg(pct(f.responseConstancy));
            } else {
                // One-way polling reads: the shape counts only as far as the requests are GETs.
                const bool sizeLogged = f.medianBytesOut > 0;
                const double parts = sizeLogged ? f.requestConstancy + small : 0;
                shape = f.getShare * (f.responseConstancy + single + parts) / (sizeLogged ? 4.0 : 2.0);
                how = QStringLiteral("%1 GET, %2 path(s), %3, responses ~%4 B (%5 within 10% of it)")
                          .arg(pct(f.getShare))
                          .arg(f.distinctPaths)
                          .arg(sizeLogged ? QStringLiteral("requests ~%1 B").arg(std::lround(f.medianBytesOut))
                                          : QStringLiteral("request size not logged"))
                          .arg(std::lround(f.medianBytesIn))
                          .arg(pct(f.responseConstancy));
            }
            add("one_way", c.weight("one_way") * shape, how);
        } else if (f.fromSiem() && f.polls >= minPolls && f.distinctPaths > 0) {
            // A SIEM's row: one resource and a small request are visible in its paths and bytes
            // out; the GET share and the steadiness of the sizes are not, so at most half.
            const double single = f.distinctPaths <= c.threshold("single_path_max") ? 1.0
                                  : f.distinctPaths <= c.threshold("few_paths_max") ? 0.5
                                                                                    : 0.0;
            const bool sizeLogged = f.medianBytesOut > 0;
            const double small = sizeLogged && f.medianBytesOut <= c.threshold("small_request_bytes") ? 1.0 : 0.0;
            shape = (single + small) / 4.0;
            add("one_way", c.weight("one_way") * shape,
                QStringLiteral("%1 path(s), %2 (from the SIEM's row; request methods and response sizes not "
                               "available from its summary)")
                    .arg(f.distinctPaths)
                    .arg(sizeLogged ? QStringLiteral("requests ~%1 B on average").arg(std::lround(f.medianBytesOut))
                                    : QStringLiteral("request size not in the export")));
        } else if (f.proxyRequests == 0 && f.sensorSized >= minPolls) {
            // No HTTP visible: a network sensor's connections, by their bytes each way. A one-way
            // poller sends a handshake and one small request each time and gets more back. Neither
            // method nor path is visible, so "one resource" is never credited: at most three parts
            // in four (a small upload, steady uploads, steady responses).
            const double needed = c.threshold("sensor_shape_share");
            const bool smallUploads = f.smallUploadShare >= needed;
            const bool belowResponses = f.medianBytesOut < f.medianBytesIn;
            shape = smallUploads && belowResponses ? (1.0 + f.requestConstancy + f.responseConstancy) / 4.0 : 0.0;
            const QString sizes =
                QStringLiteral("%1 connections' bytes each way (no HTTP visible): %2 upload at most %3 B, uploads ~%4 "
                               "B (%5 within 10% of it), responses ~%6 B (%7 within 10% of it)")
                    .arg(f.sensorSized)
                    .arg(pct(f.smallUploadShare))
                    .arg(std::lround(c.threshold("sensor_small_upload_bytes")))
                    .arg(std::lround(f.medianBytesOut))
                    .arg(pct(f.requestConstancy))
                    .arg(std::lround(f.medianBytesIn))
                    .arg(pct(f.responseConstancy));
            add("one_way", c.weight("one_way") * shape,
                !smallUploads     ? sizes + QStringLiteral(": uploads are not small (needs %1)").arg(pct(needed))
                : !belowResponses ? sizes + QStringLiteral(": the uploads are not smaller than the responses, not a "
                                                           "one-way reader")
                                  : sizes);
        } else {
            add("one_way", 0,
                f.proxyRequests > 0
                    ? QStringLiteral("%1 proxy request(s): too few to judge their shape").arg(f.proxyRequests)
                : f.sensorSized > 0
                    ? QStringLiteral("%1 sensor connection(s) with bytes each way: too few to judge their shape")
                          .arg(f.sensorSized)
                    : QStringLiteral("no proxy records of this channel: request shape unknown"));
        }
        if (periodic && f.proxyRequests == 0 && f.caseHasProxyLogs && !f.service.isEmpty() && !relay) {
            add("proxy_bypass", c.weight("proxy_bypass"),
                f.fromSiem()
                    ? QStringLiteral("%1 DNS lookups of %2, and not one request of that address to it in the proxy "
                                     "data the SIEM's hunt read")
                          .arg(f.dnsQueries)
                          .arg(f.destination)
                    : QStringLiteral("%1 DNS lookups and %2 connections to %3, and not one request through the proxy "
                                     "the case has logs of")
                          .arg(f.dnsQueries)
                          .arg(f.netConnections)
                          .arg(f.destination));
        }

        // A client that polls by POSTing (chat telemetry, a CI agent asking for jobs, a document's
        // sync channel) writes as much as it reads; a one-way reader GETs. Command and output
        // endpoints keep their points: bot APIs take POST too, and webhooks are output.
        // A SIEM's row gives the POST share where its hunt counted the methods (0 where not).
        const bool heartbeat = periodic && (f.proxyRequests >= minPolls || (f.fromSiem() && f.polls >= minPolls)) &&
                               f.postShare >= c.threshold("post_heartbeat_share") && f.outputReactions == 0 &&
                               f.endpointRole != QLatin1String("command") && f.endpointRole != QLatin1String("output");
        if (heartbeat) {
            add("post_heartbeat", c.weight("post_heartbeat"),
                QStringLiteral(
                    "polls by POST (%1 of requests) to no command or output endpoint: a client's heartbeat or "
                    "sync, not a one-way reader")
                    .arg(pct(f.postShare)));
        }

        // --- Output elsewhere (channel separation)
        if (f.outputReactions > 0) {
            const double share = f.outputReactions >= c.threshold("output_min_reactions") ? 1.0 : 0.5;
            add("output_elsewhere", c.weight("output_elsewhere") * share,
                f.endpointRole == QLatin1String("output") || f.postShare > 0.5
                    ? QStringLiteral("posts %1 s after changed responses of %2, %3 time(s)")
                          .arg(std::lround(f.outputDelayS))
                          .arg(f.outputPeer)
                          .arg(f.outputReactions)
                    : QStringLiteral("output posted to %1 %2 s after a changed response, %3 time(s)")
                          .arg(f.outputPeer)
                          .arg(std::lround(f.outputDelayS))
                          .arg(f.outputReactions));
        }

        // --- Process context
        bool browser = false;
        if (hasProcess) {
            const QString name = f.processName;
            browser = listed(c.browsers, name);
            if (browser) {
                add("browser", c.weight("browser"),
                    QStringLiteral("%1 is a web browser: people read this site").arg(name));
            }
            if (listed(c.scriptingProcesses, name)) {
                add("scripting_process", c.weight("scripting_process"),
                    QStringLiteral("%1 is a scripting engine or LOLBin").arg(name));
            }
            if (writable(f.processImage, [&] { return !c.userWritableFolder(f.processImage).empty(); })) {
                add("user_writable_image", c.weight("user_writable_image"),
                    QStringLiteral("runs from a folder users can write to: %1").arg(f.processImage));
            }
            for (const QRegularExpression& re : c.hiddenCommandLine) {
                const auto m = re.match(f.commandLine);
                if (checks::hitMatchLimit(re, m)) {
                    ++matchLimitHits_;
                    add("hidden_command_line", 0,
                        QStringLiteral("not decided: the pattern \u201c%1\u201d hit the regex engine's match limit on "
                                       "this %2-character command line")
                            .arg(re.pattern().left(60))
                            .arg(f.commandLine.size()));
                    break;
                }
                if (m.hasMatch()) {
                    add("hidden_command_line", c.weight("hidden_command_line"),
                        QStringLiteral("command line has \u201c%1\u201d").arg(m.captured(0).trimmed().left(60)));
                    break;
                }
            }
            const QString parent = fileName(f.parentImage);
            if (listed(c.officeParents, parent)) {
                add("suspicious_parent", c.weight("suspicious_parent"),
                    QStringLiteral("started by %1, an Office or PDF application").arg(parent));
            } else if (c.launcher(f.parentImage, f.parentCommandLine)) {
                add("suspicious_parent", c.weight("suspicious_parent") * c.threshold("service_parent_share"),
                    QStringLiteral("started by %1 (a task scheduler or WMI launcher)")
                        .arg(f.parentCommandLine.isEmpty() ? parent : f.parentCommandLine.left(80)));
            }
            const auto image = imageService.find({name, fleetKey(f)});
            const std::set<int64_t>& hostsForImage = image == imageService.end() ? noHosts : image->second;
            if (!browser && !f.hostShared && hostsForImage.size() == 1 && fleetContext && !f.service.isEmpty()) {
                add("image_unique_to_host", c.weight("image_unique_to_host"),
                    QStringLiteral("no other host runs %1 against %2").arg(name, f.service));
                // The fleet polls this service with a program of its own; this host adds another.
                const auto known = fleetClients.find(fleetKey(f));
                const std::set<QString>& clients = known == fleetClients.end() ? noClients : known->second;
                if (isPeriodic(f) && !clients.empty() && !clients.count(name)) {
                    QStringList names;
                    for (const QString& n : clients) {
                        names << (n.isEmpty() ? QStringLiteral("a program the evidence does not name") : n);
                    }
                    add("unusual_client", c.weight("unusual_client"),
                        QStringLiteral("the fleet polls %1 with %2; only this host polls it with %3")
                            .arg(f.service, names.join(QStringLiteral(", ")), name));
                }
            }
            if (!browser && !f.userAgent.isEmpty() &&
                !ownApp({f.userAgent, name}, [&] { return ownAppAgent(c, f.userAgent, name); })) {
                for (const QRegularExpression& re : c.browserUserAgents) {
                    const auto m = re.match(f.userAgent);
                    if (checks::hitMatchLimit(re, m)) {
                        ++matchLimitHits_;
                        add("user_agent_mismatch", 0,
                            QStringLiteral("not decided: the pattern \u201c%1\u201d hit the regex engine's match "
                                           "limit on this %2-character User-Agent")
                                .arg(re.pattern().left(60))
                                .arg(f.userAgent.size()));
                        break;
                    }
                    if (m.hasMatch()) {
                        add("user_agent_mismatch", c.weight("user_agent_mismatch"),
                            QStringLiteral("sends a browser User-Agent but is %1").arg(name));
                        break;
                    }
                }
            }
        }

        // --- Rarity: the same behaviour elsewhere (process, service, endpoint, evidence, cadence)
        bool fleetWide = false, rare = false;
        if (periodic && relay) {
            fleetWide = true;
            add("fleet_wide", c.weight("fleet_wide"),
                QStringLiteral("%1 is a %2: it looks names up and connects for its clients, whose own channels "
                               "carry this behaviour")
                    .arg(f.host, f.hostRole));
        } else if (periodic && fleetContext) {
            const auto hostKind = kindOfHost.find(f.hostId);
            const int kind = hostKind == kindOfHost.end() ? kWorkstation : hostKind->second;
            const std::vector<Behaviour>* alike = &noBehaviours;
            if (f.processName.isEmpty()) {
                const auto all = behaviours.find(fleetKey(f));
                alike = all == behaviours.end() ? alike : &all->second;
            } else {
                const auto own = behavioursOf.find({fleetKey(f), f.processName});
                alike = own == behavioursOf.end() ? alike : &own->second;
            }
            // The channel's own strings as ids (-1: no channel of the fleet has it).
            const int processId = processIds.find(f.processName);
            const int endpointId = endpointIds.find(f.endpoint);
            const int timingClassId = timingClassIds.find(f.timingClass);
            // Like evidence only. A TTL-paced lookup series keeps the cache's rhythm, not the
            // poller's: it is compared with TTL-paced ones, by presence. Any other series is
            // compared by cadence with series of its own timing class — and a lookup series
            // that is not TTL-paced (each poll outlives the cache) carries the poller's own
            // cadence, so it is compared with every class.
            const bool lookupCadence = f.timingClass == QLatin1String("lookup") && !f.ttlPaced;
            HostTally& same = tally;
            same.begin();
            for (const Behaviour& b : *alike) {
                if (b.kind != kind) {
                    continue; // a server's tool is not the guest network's browsing, nor a workstation's
                }
                // A named program is compared with the same program elsewhere: the discount needs
                // evidence that it is the same tool. A channel whose program is unknown could be any.
                const bool sameProcess = processId == 0 || b.processId == processId;
                // An implant polling another raw file of the site IT polls is not IT's behaviour.
                const bool sameEndpoint = endpointId == 0 || b.endpointId == 0 || b.endpointId == endpointId;
                const bool sameEvidence =
                    f.ttlPaced ? b.ttlPaced : b.timingClassId == timingClassId || lookupCadence || b.lookupUnpaced;
                const bool sameRhythm =
                    f.ttlPaced ? b.present : !b.ttlPaced && sameCadence(b.median, f.medianInterval, cadenceRatio);
                if (sameProcess && sameEndpoint && sameEvidence && sameRhythm) {
                    same.mark(b.hostIndex);
                }
            }
            same.mark(hostIndex.at(f.hostId));
            const double n = static_cast<double>(same.count());
            const QString who = hasProcess ? f.processName : QStringLiteral("(unknown process)");
            // Peers are hosts of the same kind: two of four servers doing the same is a fleet.
            const double peers = peersOfKind[static_cast<size_t>(kind)];
            const QString what = f.ttlPaced ? QStringLiteral("continuous lookups") : QStringLiteral("same cadence");
            if (n >= c.threshold("fleet_min_hosts") ||
                (n >= 2 && n / std::max(1.0, peers) >= c.threshold("fleet_min_share"))) {
                fleetWide = true;
                add("fleet_wide", c.weight("fleet_wide"),
                    QStringLiteral("%1 from %2 to %3%4 on %5 of %6 %7 (%8 evidence): a managed tool more often than "
                                   "a channel")
                        .arg(what, who, fleetKey(f),
                             f.endpoint.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(f.endpoint))
                        .arg(same.count())
                        .arg(peers)
                        .arg(kind == kServer   ? QStringLiteral("servers")
                             : kind == kShared ? QStringLiteral("shared hosts")
                                               : QStringLiteral("workstations"),
                             f.timingClass));
            } else if (n <= 1 && !f.hostShared) {
                rare = true;
                add("rare_in_fleet", c.weight("rare_in_fleet"),
                    QStringLiteral("%1 to %2 on 1 of %3 hosts").arg(what, fleetKey(f)).arg(allHosts.size()));
            }
        }

        // --- A beacon whatever it talks to: strongly periodic, one-way, long-lived, to a name the
        // catalog does not know or to a bare address, from a rare or unknown process.
        if (periodic && f.service.isEmpty() && !browser && !fleetWide && !heartbeat &&
            periodicity >= c.threshold("beacon_min_periodicity") && hours >= c.threshold("beacon_min_hours") &&
            (shape < 0 || shape >= c.threshold("beacon_min_one_way")) && (!hasProcess || rare)) {
            add("generic_beacon", c.weight("generic_beacon"),
                QStringLiteral("a beacon to %1%2: polls every %3 for %4 h, %5, from %6")
                    .arg(f.destination,
                         f.destinationIsAddress ? QStringLiteral(" (a bare address)")
                                                : QStringLiteral(" (not in the catalog)"),
                         humanInterval(f.medianInterval), QString::number(hours, 'f', 1),
                         shape < 0 ? QStringLiteral("no request shape visible")
                                   : QStringLiteral("one-way (shape %1)").arg(shape, 0, 'f', 2),
                         hasProcess ? QStringLiteral("%1, on no other host").arg(f.processName)
                                    : QStringLiteral("an unknown process")));
        }

        // --- Role and time
        if (periodic && f.lateStartHours >= c.threshold("late_start_hours")) {
            add("late_start", c.weight("late_start"),
                QStringLiteral("first seen %1 h after its evidence (and the host there) starts")
                    .arg(QString::number(f.lateStartHours, 'f', 1)));
        }
        if (f.consumerService && role.server && !relay) {
            add("server_to_consumer", c.weight("server_to_consumer"),
                QStringLiteral("a %1 polls a consumer service").arg(f.hostRole));
        }
        const double idleMin = c.threshold("idle_min_share");
        if (periodic && !f.hostShared && f.idleShare >= idleMin) {
            add("idle_hours",
                c.weight("idle_hours") *
                    std::min(1.0, (f.idleShare - idleMin) / (1 - idleMin) + c.threshold("idle_base_share")),
                QStringLiteral("%1 of polls in hours with no interactive use of the host").arg(pct(f.idleShare)));
        }

        double total = 0;
        for (const Factor& fa : s.factors) {
            total += fa.contribution;
        }
        // Clamping is folded into the factors so that their contributions still add up to the score.
        const double clamped = std::clamp(total, 0.0, 100.0);
        if (clamped != total) {
            add("clamp", clamped - total,
                total < 0 ? QStringLiteral("the score does not go below 0")
                          : QStringLiteral("the score does not go above 100"));
        }
        std::stable_sort(s.factors.begin(), s.factors.end(), [](const Factor& a, const Factor& b) {
            return std::abs(a.contribution) > std::abs(b.contribution);
        });
        s.score = clamped;
        s.severity = c.severityFor(s.score);
        for (const SuppressionMatcher& r : rules_) {
            if (r.matches(f)) {
                s.suppressedBy = r.id();
                break;
            }
        }
        return s;
    };
    std::vector<ScoredChannel> out(channels.size());
    onBothCores(channels.size(), 512, [&](size_t from, size_t to) {
        HostTally tally(allHosts.size());
        Decided<std::pair<QString, QString>> ownApp;
        Decided<QString> writable;
        for (size_t i = from; i < to; ++i) {
            out[i] = scoreOne(channels[i], tally, ownApp, writable);
        }
    });
    return out;
}

} // namespace socwb::scoring
