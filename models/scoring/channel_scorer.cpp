#include "channel_scorer.h"

#include "config_checks.h"

#include <QJsonObject>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

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

// Fleet context: for each registered domain, who polls it, with which process, how often.
struct Behaviour {
    int64_t host;
    QString process; // empty: unknown
    double median;
};

bool sameCadence(double a, double b, double ratio) {
    if (a <= 0 || b <= 0) {
        return a <= 0 && b <= 0;
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

QJsonArray ScoredChannel::factorsJson() const {
    QJsonArray a;
    for (const Factor& f : factors) {
        if (f.contribution != 0) {
            a.append(QJsonObject{
                {"name", f.name}, {"contribution", std::round(f.contribution * 100) / 100}, {"detail", f.detail}});
        }
    }
    return a;
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
                   .arg(matchLimitHits_);
    }
    return out;
}

std::vector<ScoredChannel> ChannelScorer::score(const std::vector<ChannelFeatures>& channels) const {
    const ScoringConfig& c = config_;
    const double minPolls = c.threshold("min_polls");
    const double cadenceRatio = c.threshold("cadence_ratio");

    // Fleet context, over every channel of the case.
    std::set<int64_t> allHosts, servers;
    std::map<QString, std::vector<Behaviour>> behaviours;                  // registered domain -> behaviours
    std::map<std::pair<QString, QString>, std::set<int64_t>> imageService; // (process name, service)
    for (const ChannelFeatures& f : channels) {
        allHosts.insert(f.hostId);
        if (listed(c.serverRoles, f.hostRole)) {
            servers.insert(f.hostId);
        }
        const QString dest = f.registeredDomain.isEmpty() ? f.destination : f.registeredDomain;
        behaviours[dest].push_back({f.hostId, f.processName, f.polls >= minPolls ? f.medianInterval : 0});
        if (!f.processName.isEmpty()) {
            imageService[{f.processName, f.service.isEmpty() ? dest : f.service}].insert(f.hostId);
        }
    }
    const double hostCount = static_cast<double>(allHosts.size());

    std::vector<ScoredChannel> out;
    out.reserve(channels.size());
    for (const ChannelFeatures& f : channels) {
        ScoredChannel s;
        auto add = [&s](const char* name, double contribution, QString detail) {
            // Rounded here, so the score is exactly the sum of the contributions shown.
            s.factors.push_back({QString::fromLatin1(name), std::round(contribution * 100) / 100, std::move(detail)});
        };
        const bool bursty = f.polls >= minPolls && f.medianInterval < c.threshold("min_interval_s");
        const bool periodic = f.polls >= minPolls && !bursty;
        const bool hasProcess = !f.processImage.isEmpty();
        const QString dest = f.registeredDomain.isEmpty() ? f.destination : f.registeredDomain;

        // --- Periodicity
        if (bursty && f.intervals == 0) {
            // No gap at all: a median of 0 s would be a figure nobody measured.
            add("periodicity", 0,
                QStringLiteral("all %1 requests logged at the same instant: no gap between them to measure, a burst, "
                               "not a poll")
                    .arg(f.polls));
        } else if (bursty) {
            add("periodicity", 0,
                QStringLiteral("requests come in bursts (median gap %1 s): page loads or a person, not a poll")
                    .arg(f.medianInterval, 0, 'f', 1));
        } else if (!periodic) {
            add("periodicity", 0,
                QStringLiteral("%1 request(s): too few to judge a cadence (needs %2)").arg(f.polls).arg(minPolls));
        } else {
            const double confidence = std::min(1.0, static_cast<double>(f.polls - 1) /
                                                        std::max(1.0, c.threshold("full_confidence_polls") - 1));
            const double p = std::max(f.ritaTs, f.bandScore) * confidence;
            const double hours = static_cast<double>(f.lastTs - f.firstTs) / 3.6e9;
            add("periodicity", c.weight("periodicity") * p,
                QStringLiteral(
                    "polls every %1 \u00b1%2 for %3 h, %4 requests (%5 of intervals within \u00b1%6 of the median, "
                    "RITA regularity %7%8)")
                    .arg(humanInterval(f.medianInterval), pct(f.jitter), QString::number(hours, 'f', 1))
                    .arg(f.polls)
                    .arg(pct(f.bandShare), pct(c.threshold("band")), QString::number(f.ritaTs, 'f', 2),
                         f.pauses > 0 ? QStringLiteral("; %1 pause(s)").arg(f.pauses) : QString()));
        }

        // --- Web-service knowledge
        if (!f.service.isEmpty()) {
            add("web_service", c.weight("web_service") * f.serviceRisk,
                QStringLiteral("%1 is %2 (%3%4)")
                    .arg(f.destination, f.service, f.serviceCategory,
                         f.consumerService ? QStringLiteral(", a consumer service") : QString()));
            if (!f.endpoint.isEmpty()) {
                const double roleShare = f.endpointRole == QLatin1String("command")  ? 1.0
                                         : f.endpointRole == QLatin1String("output") ? 0.6
                                                                                     : 0.5;
                add("command_endpoint", c.weight("command_endpoint") * roleShare,
                    QStringLiteral("one %1 (%2): %3").arg(f.endpointName, f.endpointRole, f.endpoint));
            } else {
                add("command_endpoint", 0,
                    f.connectShare > 0.5 ? QStringLiteral("TLS not inspected: only CONNECT tunnels, no URL path")
                                         : QStringLiteral("no URL shape that carries commands"));
            }
        } else {
            add("web_service", 0, QStringLiteral("%1 is not a service in the web-service catalog").arg(f.destination));
        }

        // --- One-way shape
        if (f.proxyRequests >= minPolls) {
            const double single = f.distinctPaths <= 2 ? 1.0 : f.distinctPaths <= 5 ? 0.5 : 0.0;
            const double small = f.medianBytesOut <= c.threshold("small_request_bytes") ? 1.0 : 0.0;
            double shape = 0;
            QString how;
            if (f.connectShare > 0.5) {
                shape = 0.5 * (f.requestConstancy + f.responseConstancy) / 2.0;
                how =
                    QStringLiteral("tunnels of steady size (%1 of requests, %2 of responses within 10% of the median)")
                        .arg(pct(f.requestConstancy), pct(f.responseConstancy));
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
        } else {
            add("one_way", 0,
                f.proxyRequests == 0
                    ? QStringLiteral("no proxy records of this channel: request shape unknown")
                    : QStringLiteral("%1 proxy request(s): too few to judge their shape").arg(f.proxyRequests));
        }
        if (periodic && f.proxyRequests == 0 && f.caseHasProxyLogs && !f.service.isEmpty()) {
            add("proxy_bypass", c.weight("proxy_bypass"),
                QStringLiteral(
                    "%1 DNS lookups and %2 connections to %3, and not one request through the proxy the case has "
                    "logs of")
                    .arg(f.dnsQueries)
                    .arg(f.netConnections)
                    .arg(f.destination));
        }

        // A client that polls by POSTing (chat telemetry, a CI agent asking for jobs, a document's
        // sync channel) writes as much as it reads; a one-way reader GETs. Command and output
        // endpoints keep their points: bot APIs take POST too, and webhooks are output.
        if (periodic && f.proxyRequests >= minPolls && f.postShare >= 0.8 && f.outputReactions == 0 &&
            f.endpointRole != QLatin1String("command") && f.endpointRole != QLatin1String("output")) {
            add("post_heartbeat", c.weight("post_heartbeat"),
                QStringLiteral(
                    "polls by POST (%1 of requests) to no command or output endpoint: a client's heartbeat or "
                    "sync, not a one-way reader")
                    .arg(pct(f.postShare)));
        }

        // --- Output elsewhere (channel separation)
        if (f.outputReactions > 0) {
            const double share = f.outputReactions >= 2 ? 1.0 : 0.5;
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
        if (hasProcess) {
            const QString name = f.processName;
            const bool browser = listed(c.browsers, name);
            if (browser) {
                add("browser", c.weight("browser"),
                    QStringLiteral("%1 is a web browser: people read this site").arg(name));
            }
            if (listed(c.scriptingProcesses, name)) {
                add("scripting_process", c.weight("scripting_process"),
                    QStringLiteral("%1 is a scripting engine or LOLBin").arg(name));
            }
            const std::string image = f.processImage.toLower().toStdString();
            bool writable = false;
            for (const auto& p : c.userWritablePaths) {
                writable = writable || image.find(p) != std::string::npos;
            }
            for (const auto& p : c.userWritableKnown) {
                writable = writable && image.find(p) == std::string::npos;
            }
            if (writable) {
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
                        QStringLiteral("command line has \u201c%1\u201d").arg(m.captured(0).left(60)));
                    break;
                }
            }
            const QString parent = fileName(f.parentImage);
            if (listed(c.officeParents, parent)) {
                add("suspicious_parent", c.weight("suspicious_parent"),
                    QStringLiteral("started by %1, an Office or PDF application").arg(parent));
            } else if (listed(c.serviceParents, parent)) {
                add("suspicious_parent", c.weight("suspicious_parent") * 0.75,
                    QStringLiteral("started by %1 (a service, task scheduler or WMI)").arg(parent));
            }
            const auto& hostsForImage = imageService[{name, f.service.isEmpty() ? dest : f.service}];
            if (!browser && hostsForImage.size() == 1 && hostCount >= 3 && !f.service.isEmpty()) {
                add("image_unique_to_host", c.weight("image_unique_to_host"),
                    QStringLiteral("no other host runs %1 against %2").arg(name, f.service));
            }
            if (!browser && !f.userAgent.isEmpty()) {
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

        // --- Rarity
        if (periodic && hostCount >= 3) {
            std::set<int64_t> same;
            // A named program is compared with the same program elsewhere: the discount needs
            // evidence that it is the same tool. A channel whose program is unknown could be any of them.
            for (const Behaviour& b : behaviours[dest]) {
                const bool sameProcess = f.processName.isEmpty() || b.process == f.processName;
                if (sameProcess && b.median > 0 && sameCadence(b.median, f.medianInterval, cadenceRatio)) {
                    same.insert(b.host);
                }
            }
            const double n = static_cast<double>(same.size());
            const QString who = hasProcess ? f.processName : QStringLiteral("(unknown process)");
            // Peers are hosts of the same kind: two of four servers doing the same is a fleet.
            const bool server = servers.count(f.hostId) > 0;
            const double peers =
                server ? static_cast<double>(servers.size()) : hostCount - static_cast<double>(servers.size());
            if (n >= c.threshold("fleet_min_hosts") ||
                (n >= 2 && n / std::max(1.0, peers) >= c.threshold("fleet_min_share"))) {
                add("fleet_wide", c.weight("fleet_wide"),
                    QStringLiteral(
                        "same cadence from %1 to %2 on %3 of %4 %5: a managed tool more often than a channel")
                        .arg(who, dest)
                        .arg(same.size())
                        .arg(peers)
                        .arg(server ? QStringLiteral("servers") : QStringLiteral("workstations")));
            } else if (n <= 1) {
                add("rare_in_fleet", c.weight("rare_in_fleet"),
                    QStringLiteral("same cadence to %1 on 1 of %2 hosts").arg(dest).arg(allHosts.size()));
            }
        }

        // --- Role and time
        if (periodic && f.lateStartHours >= c.threshold("late_start_hours")) {
            add("late_start", c.weight("late_start"),
                QStringLiteral("first seen %1 h after the evidence starts")
                    .arg(QString::number(f.lateStartHours, 'f', 1)));
        }
        if (f.consumerService && listed(c.serverRoles, f.hostRole)) {
            add("server_to_consumer", c.weight("server_to_consumer"),
                QStringLiteral("a %1 polls a consumer service").arg(f.hostRole));
        }
        const double idleMin = c.threshold("idle_min_share");
        if (periodic && f.idleShare >= idleMin) {
            add("idle_hours", c.weight("idle_hours") * std::min(1.0, (f.idleShare - idleMin) / (1 - idleMin) + 0.25),
                QStringLiteral("%1 of requests in hours with no interactive use of the host").arg(pct(f.idleShare)));
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
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace socwb::scoring
