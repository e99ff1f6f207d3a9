#include "truth_writer.h"

#include "channel_catalog.h"
#include "ingest/write/domain_names.h"
#include "output_buffer.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace socwb::scenario {

namespace {

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

QString day(int64_t us) {
    return q(isoMillis(us).substr(0, 10));
}

QString iso(int64_t us) {
    return q(isoMillis(us));
}

std::string lowerBase(const std::string& path) {
    const size_t p = path.find_last_of("\\/");
    std::string b = p == std::string::npos ? path : path.substr(p + 1);
    std::transform(b.begin(), b.end(), b.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return b;
}

QString serviceOf(const std::string& host) {
    if (host.find("github") != std::string::npos) {
        return QStringLiteral("github");
    }
    if (host.find("gitlab") != std::string::npos) {
        return QStringLiteral("gitlab");
    }
    if (host.find("reddit") != std::string::npos) {
        return QStringLiteral("reddit");
    }
    if (host.find("docs.google") != std::string::npos) {
        return QStringLiteral("google-docs");
    }
    if (host.find("pastebin") != std::string::npos) {
        return QStringLiteral("pastebin");
    }
    return q(host);
}

} // namespace

QJsonObject TruthWriter::toJson(const ScenarioGenerator& g, const std::vector<GeneratedFile>& files) {
    const SimWorld& w = g.world();
    const GeneratorOptions& o = g.options();
    DomainNames names;
    auto registrable = [&names](const std::string& host) {
        const std::string r = names.registrable(DomainNames::normalize(host));
        return r.empty() ? host : r;
    };

    QStringList formats;
    for (const auto& f : o.formats) {
        formats << q(f);
    }
    QString command =
        QStringLiteral("socwb-cli generate OUTDIR --seed %1 --hosts %2 --servers %3 --days %4 --scenario %5 "
                       "--formats %6 --start %7")
            .arg(QString::number(o.seed))
            .arg(o.workstations)
            .arg(o.servers)
            .arg(o.days)
            .arg(q(o.scenario), formats.join(QLatin1Char(',')), day(w.startUs));
    if (o.world != 1) {
        command += QStringLiteral(" --world %1").arg(o.world);
    }
    const QJsonObject generator{{"command", command},
                                {"seed", QString::number(o.seed)},
                                {"workstations", o.workstations},
                                {"servers", o.servers},
                                {"days", o.days},
                                {"start", iso(w.startUs)},
                                {"end", iso(w.endUs)},
                                {"scenario", q(o.scenario)},
                                {"world", o.world},
                                {"formats", QJsonArray::fromStringList(formats)}};

    QJsonArray hosts;
    for (const SimHost& h : w.hosts) {
        hosts.append(QJsonObject{{"name", q(h.name)},
                                 {"fqdn", q(h.fqdn)},
                                 {"ip", q(h.ip)},
                                 {"role", q(h.role)},
                                 {"owner", q(h.owner)},
                                 {"user", h.user.empty() ? QJsonValue() : QJsonValue(q(w.netbios + "\\" + h.user))},
                                 {"os", h.linuxOs ? "linux" : "windows"},
                                 {"developer", h.developer},
                                 {"sysmon", h.sysmon},
                                 {"egress", h.directEgress ? "direct" : "proxy"},
                                 {"always_on", h.alwaysOn},
                                 {"sharing", h.sharing.empty() ? QJsonValue() : QJsonValue(q(h.sharing))},
                                 {"device", h.device.empty() ? QJsonValue() : QJsonValue(q(h.device))},
                                 {"proxy_path", h.directEgress    ? QJsonValue()
                                                : h.explicitProxy ? QJsonValue("forward")
                                                                  : QJsonValue(q(w.proxyMode))}});
    }
    const bool world2 = w.world == 2;
    const QString tls =
        world2
            ? QStringLiteral("transparent: each session is logged first as CONNECT address:443; bumped sessions then "
                             "log their decrypted requests (full https:// URLs), spliced ones (Microsoft 365, "
                             "Windows Update, Defender, Zoom, Dropbox, banking, address literals the proxy cannot "
                             "read) only that CONNECT line, at their end; Windows servers use the same proxy as a "
                             "forward proxy on port 8080 without inspection (one CONNECT host:443 line per "
                             "connection); Linux servers reach the internet directly")
            : QStringLiteral("bumped (full https:// URLs) except Microsoft 365 and address literals, which are "
                             "tunnelled and logged as one CONNECT line per connection");
    const QJsonObject organisation{
        {"domain", q(w.domain)},
        {"time_zone", "UTC"},
        {"proxy", QJsonObject{{"name", q(w.proxyName)}, {"ip", q(w.proxyIp)}, {"mode", q(w.proxyMode)}, {"tls", tls}}},
        {"dns_server", QJsonObject{{"name", q(w.dnsServerName)}, {"ip", q(w.dnsServerIp)}}},
        {"dns_caching", world2 ? QStringLiteral("the DNS server caches answers for their TTL and rotates their "
                                                "addresses; answers from its cache carry the TTL that is left; every "
                                                "client (Windows, systemd-resolved, phones) caches for that TTL")
                               : QStringLiteral("Windows clients cache answers for their TTL; Linux asks every time")},
        {"retention", QJsonObject{{"proxy_from", iso(w.proxyFromUs)},
                                  {"dns_from", iso(w.dnsFromUs)},
                                  {"sysmon_from", iso(w.sysmonFromUs)}}},
        {"hosts", hosts}};

    QJsonArray fileList;
    for (const GeneratedFile& f : files) {
        const int64_t from = f.kind == "dns" ? w.dnsFromUs : f.kind == "sysmon" ? w.sysmonFromUs : w.proxyFromUs;
        fileList.append(QJsonObject{{"name", q(f.name)},
                                    {"from", f.kind == "assets" ? QJsonValue() : QJsonValue(iso(from))},
                                    {"format", q(f.format)},
                                    {"parser", q(f.parser)},
                                    {"kind", q(f.kind)},
                                    {"records", qint64(f.records)},
                                    {"bytes", qint64(f.bytes)}});
    }

    QJsonArray channels;
    QJsonArray answers;
    int totalPoints = 0;
    for (const ChannelTruth& t : g.truth()) {
        if (t.polls == 0) {
            continue;
        }
        const ChannelSpec* s = t.spec;
        const bool positive = s && s->positive;
        const SimDestination& d = w.dests[size_t(t.dest)];
        QJsonArray hostList;
        QStringList hostNames;
        int withSysmon = 0;
        bool direct = false;
        for (int hi : t.hosts) {
            const SimHost& h = w.hosts[size_t(hi)];
            if (hostNames.contains(q(h.name))) {
                continue; // world 2: sessions of one VDA, devices behind one NAT are one host in the logs
            }
            hostList.append(QJsonObject{{"name", q(h.name)}, {"ip", q(h.ip)}});
            hostNames << q(h.name);
            withSysmon += h.sysmon ? 1 : 0;
            direct = direct || h.directEgress;
        }
        QJsonArray guids;
        for (int p : t.processes) {
            guids.append(q(w.processes[size_t(p)].guid));
        }
        QJsonArray days;
        for (int dayIndex : t.activeDays) {
            days.append(day(w.startUs + int64_t(dayIndex) * 86400 * 1000000));
        }
        QJsonArray hours;
        for (int hour = 0; hour < 24; ++hour) {
            if (t.hourMask & (1u << hour)) {
                hours.append(hour);
            }
        }
        QJsonArray ips;
        for (const auto& ip : d.ips) {
            ips.append(q(ip));
        }
        bool forward = false;
        for (int hi : t.hosts) {
            forward = forward || w.hosts[size_t(hi)].explicitProxy;
        }
        const bool noProxy = s && s->noProxy;
        const QString proxyVisibility = direct || noProxy         ? QStringLiteral("none")
                                        : d.inspected && !forward ? QStringLiteral("full-url")
                                                                  : QStringLiteral("connect-only");
        QJsonArray addresses;
        for (const std::string& a : t.addresses) {
            addresses.append(q(a));
        }
        QJsonArray connectTargets;
        for (const std::string& c : t.connectTargets) {
            connectTargets.append(q(c));
        }
        const int points = t.browsing ? 2 : (s ? s->points : 5);
        const QString imageName = q(lowerBase(t.image));
        QJsonObject c{
            {"id", q(t.id)},
            {"kind", positive ? "positive" : "look-alike"},
            {"technique", positive ? QJsonValue(q(s->technique)) : QJsonValue()},
            {"service", s ? q(s->service) : serviceOf(d.host)},
            {"description",
             s ? q(s->description)
               : QStringLiteral("People reading %1 in %2 during working hours.").arg(q(d.host), imageName)},
            {"hosts", hostList},
            {"process",
             QJsonObject{{"image", q(t.image)},
                         {"image_name", imageName},
                         {"command_line", t.commandLine.empty() ? QJsonValue() : QJsonValue(q(t.commandLine))},
                         {"parent_image", t.parentImage.empty() ? QJsonValue() : QJsonValue(q(t.parentImage))},
                         {"launcher_image", t.launcherImage.empty() ? QJsonValue() : QJsonValue(q(t.launcherImage))},
                         {"process_guids", guids}}},
            {"destination", QJsonObject{{"host", q(d.host)},
                                        {"registrable_domain", q(registrable(d.host))},
                                        {"url", q(t.url)},
                                        {"port", d.port},
                                        {"ips", ips},
                                        {"addresses", addresses},
                                        {"connect_targets", connectTargets},
                                        {"tls", d.inspected && !forward ? "inspected" : "tunnelled"}}},
            {"redirect",
             t.followDest >= 0
                 ? QJsonValue(QJsonObject{{"host", q(w.dests[size_t(t.followDest)].host)},
                                          {"registrable_domain", q(registrable(w.dests[size_t(t.followDest)].host))},
                                          {"url", q(t.followUrl)}})
                 : QJsonValue()},
            {"output", t.outputDest >= 0 ? QJsonValue(QJsonObject{{"host", q(w.dests[size_t(t.outputDest)].host)},
                                                                  {"registrable_domain",
                                                                   q(registrable(w.dests[size_t(t.outputDest)].host))},
                                                                  {"url", q(t.outputUrl)}})
                                         : QJsonValue()},
            {"schedule", s && s->schedule == Schedule::WorkingHours ? "working-hours"
                         : t.browsing                               ? "user-driven"
                                                                    : "always"},
            {"interval_seconds", s ? QJsonValue(s->intervalS) : QJsonValue()},
            {"jitter", s ? QJsonValue(s->jitter) : QJsonValue()},
            {"active", QJsonObject{{"from", iso(t.activeFromUs)},
                                   {"to", iso(t.activeToUs)},
                                   {"first_request", iso(t.firstPollUs)},
                                   {"last_request", iso(t.lastPollUs)},
                                   {"days", days},
                                   {"hours_utc", hours}}},
            {"visibility", QJsonObject{{"proxy", proxyVisibility},
                                       {"dns", !d.ips.empty() && d.ips.front() != d.host},
                                       {"sysmon_hosts", withSysmon}}},
            {"counts", QJsonObject{{"requests", qint64(t.polls)},
                                   {"proxy_lines", qint64(t.proxyLines)},
                                   {"connect_lines", qint64(t.connectLines)},
                                   {"dns_queries", qint64(t.dnsQueries)},
                                   {"sysmon_events", qint64(t.sysmonEvents)}}},
            {"expected_verdict", positive ? "malicious" : "benign"},
            {"points", points}};
        channels.append(c);
        answers.append(QJsonObject{{"channel", q(t.id)},
                                   {"hosts", QJsonArray::fromStringList(hostNames)},
                                   {"addresses", addresses},
                                   {"registrable_domain", q(registrable(d.host))},
                                   {"destination_host", q(d.host)},
                                   {"process_image", imageName},
                                   {"expected", positive ? "malicious" : "benign"},
                                   {"points", points}});
        if (t.outputDest >= 0 && w.dests[size_t(t.outputDest)].host != d.host) {
            // The output side of a split channel is its own finding (when it goes elsewhere: world 2's
            // beacon posts its results to the address it polls, one finding).
            answers.append(QJsonObject{{"channel", q(t.id)},
                                       {"hosts", QJsonArray::fromStringList(hostNames)},
                                       {"registrable_domain", q(registrable(w.dests[size_t(t.outputDest)].host))},
                                       {"destination_host", q(w.dests[size_t(t.outputDest)].host)},
                                       {"process_image", imageName},
                                       {"expected", "malicious"},
                                       {"points", points / 2}});
            totalPoints += points / 2;
        }
        if (t.followDest >= 0) {
            // Where each poll's redirect leads (world 2's Google Docs export) is its own finding too.
            answers.append(QJsonObject{{"channel", q(t.id)},
                                       {"hosts", QJsonArray::fromStringList(hostNames)},
                                       {"addresses", addresses},
                                       {"registrable_domain", q(registrable(w.dests[size_t(t.followDest)].host))},
                                       {"destination_host", q(w.dests[size_t(t.followDest)].host)},
                                       {"process_image", imageName},
                                       {"expected", positive ? "malicious" : "benign"},
                                       {"points", points / 2}});
            totalPoints += points / 2;
        }
        totalPoints += points;
    }
    const QJsonObject answerKey{
        {"matching", "A disposition matches an item when its host is one of the item's hosts (case-insensitive), its "
                     "destination's registrable domain equals registrable_domain, and its process image's file name "
                     "(case-insensitive) equals process_image; with no process known, host and domain decide. A "
                     "matched item with the expected disposition earns its points; one marked the other way earns "
                     "none. A malicious disposition that matches no item is a false positive."},
        {"total_points", totalPoints},
        {"items", answers}};

    return QJsonObject{{"format", "socwb-truth"}, {"version", kVersion},          {"title", q(o.title)},
                       {"generator", generator},  {"organisation", organisation}, {"files", fileList},
                       {"channels", channels},    {"answer_key", answerKey}};
}

GeneratedFile TruthWriter::write(const ScenarioGenerator& generator, const std::vector<GeneratedFile>& files,
                                 const std::string& outDir) {
    const QByteArray json = QJsonDocument(toJson(generator, files)).toJson(QJsonDocument::Indented);
    const std::string path = (std::filesystem::path(outDir) / "truth.json").string();
    OutputBuffer out(path);
    out.put(std::string_view(json.constData(), size_t(json.size())));
    out.close();
    GeneratedFile f;
    f.name = "truth.json";
    f.format = "truth";
    f.parser = "";
    f.kind = "truth";
    f.records = 0;
    for (const ChannelTruth& t : generator.truth()) {
        f.records += t.polls > 0 ? 1 : 0;
    }
    f.bytes = json.size();
    return f;
}

} // namespace socwb::scenario
