// The three hunt writers. Each query: the traffic to the hunted destinations in the look-back
// window, one row per poll (events within burst_merge_s merged), the gaps between a series' polls
// (pauses over pause_factor x the median set aside), then per host, process and destination the
// polls, the median gap and the gaps' spread (interquartile range / median), bytes, paths and the
// catalog's endpoint shapes seen, kept where the scoring config's thresholds say "a poller".
// ES|QL has no row-to-row function, so it measures the cadence from per-bucket poll counts.
#include "hunt/hunt_query.h"

#include <QStringList>

#include <algorithm>
#include <cmath>

namespace socwb::hunt {

namespace {

QString num(double v) {
    return QString::number(v, 'g', 10);
}

qsizetype codePoints(const QString& s) {
    return s.toUcs4().size();
}

// The header every language carries, one line per entry, for a comment marker.
QStringList headerLines(const HuntSpec& spec, HuntLanguage lang) {
    const HuntThresholds& t = spec.thresholds;
    QStringList l;
    l << QStringLiteral("socwb hunt (%1): one-way command channels over web services (MITRE ATT&CK T1102.003)")
             .arg(languageTitle(lang));
    l << QStringLiteral("Written from %1.").arg(commentText(spec.origin));
    l << QStringLiteral("Thresholds from the scoring config (sha256 %1): min_polls %2, min_intervals %3, "
                        "min_interval_s %4, band %5, pause_factor %6, burst_merge_s %7, fleet_min_hosts %8.")
             .arg(spec.configSha.left(12), QString::number(t.minPolls), QString::number(t.minIntervals),
                  num(t.minIntervalS), num(t.band), num(t.pauseFactor), num(t.burstMergeS),
                  QString::number(t.fleetMinHosts));
    if (spec.cadenceS > 0) {
        l << QStringLiteral("Same cadence: median gap within x%1 of the channel's %2 s (cadence_ratio).")
                 .arg(num(t.cadenceRatio), num(std::round(spec.cadenceS * 10) / 10));
    }
    l << QStringLiteral("A series: one host, process, destination and endpoint shape (the engine keys a channel by "
                        "its endpoint), from web requests or from DNS lookups.");
    l << (lang == HuntLanguage::Esql
              ? QStringLiteral("ES|QL has no join: a series of lookups stands beside the web series of the same "
                               "host; the via column tells them apart, src gives each row's addresses, and socwb's "
                               "import sets such a lookup series aside.")
              : QStringLiteral("A series of lookups only where that address made no web request to the name (a "
                               "channel that bypasses the proxy)."));
    if (lang == HuntLanguage::Esql) {
        l << QStringLiteral("A row: a series with at least min_polls polls, min_intervals gaps, a median gap of "
                            "min_interval_s or more and a spread (MAD / median of polls per bucket) of at most band.");
    } else {
        l << QStringLiteral("A row: a series with at least min_polls polls, min_intervals gaps, a median gap of "
                            "min_interval_s or more and both gap quartiles within +-band of the median (the engine's "
                            "band test); spread = (75th - 25th percentile of the gaps) / median gap.");
    }
    l << QStringLiteral("%1 destination(s) with their subdomains; %2 endpoint shape(s) of the web-service catalog.")
             .arg(spec.domains.size())
             .arg(spec.shapes.size());
    return l;
}

int pollSeconds(const HuntSpec& spec) {
    return std::max(1, static_cast<int>(std::ceil(spec.thresholds.burstMergeS)));
}

// ---- SPL ------------------------------------------------------------------------------------

QString splDomainTest(const QStringList& domains, const QString& field) {
    QStringList terms;
    for (const QString& d : domains) {
        const QString dotted = QLatin1Char('.') + d;
        terms << QStringLiteral("%1=%2").arg(field, splString(d))
              << QStringLiteral("substr(%1, -%2)=%3").arg(field).arg(codePoints(dotted)).arg(splString(dotted));
    }
    return terms.isEmpty() ? QStringLiteral("false()") : QStringLiteral("(%1)").arg(terms.join(QStringLiteral(" OR ")));
}

QString writeSpl(const HuntSpec& spec) {
    const HuntThresholds& t = spec.thresholds;
    QStringList q;
    q << QStringLiteral("```") + headerLines(spec, HuntLanguage::Spl).join(QStringLiteral("\n")) +
             QStringLiteral("\nData: the CIM Web data model (proxy), the CIM Network_Resolution data model (DNS "
                            "lookups), Sysmon EventCode 3 (network connection: the host behind an address) and "
                            "EventCode 22 (DNS query: the process, the image that looked the name up most often on "
                            "that host).```");
    QStringList prefilter, dnsPrefilter;
    for (const QString& d : spec.domains) {
        prefilter << QStringLiteral("Web.dest=%1 OR Web.dest=%2")
                         .arg(splSearchValue(d), splSearchValue(QStringLiteral("*.") + d));
        dnsPrefilter << QStringLiteral("DNS.query=%1 OR DNS.query=%2")
                            .arg(splSearchValue(d), splSearchValue(QStringLiteral("*.") + d));
    }
    // A CONNECT tunnel has no path: fillnull_value keeps it a poll (tstats drops null by-fields).
    q << QStringLiteral("| tstats summariesonly=false fillnull_value=\"-\" count sum(Web.bytes_out) as bytes_out "
                        "sum(Web.bytes_in) as bytes_in from datamodel=Web.Web where earliest=-%1d (%2) by _time "
                        "span=%3s Web.src Web.dest Web.uri_path Web.http_method")
             .arg(spec.lookbackDays)
             .arg(prefilter.isEmpty() ? QStringLiteral("Web.dest=\"\"") : prefilter.join(QStringLiteral(" OR ")))
             .arg(pollSeconds(spec));
    q << QStringLiteral("| rename Web.src as src, Web.dest as dest, Web.uri_path as uri_path, Web.http_method as "
                        "http_method");
    // The methods only to count the POSTs: one row a poll again.
    q << QStringLiteral("| eval posts=if(upper(http_method)=\"POST\", count, 0)");
    q << QStringLiteral("| stats sum(count) as count sum(posts) as posts sum(bytes_out) as bytes_out sum(bytes_in) as "
                        "bytes_in by _time src dest uri_path");
    q << QStringLiteral("| eval via=\"web\"");
    q << QStringLiteral("| append [| tstats summariesonly=false count from datamodel=Network_Resolution.DNS where "
                        "earliest=-%1d (%2) by _time span=%3s DNS.src DNS.query | rename DNS.src as src, DNS.query "
                        "as dest | eval via=\"dns\"]")
             .arg(spec.lookbackDays)
             .arg(dnsPrefilter.isEmpty() ? QStringLiteral("DNS.query=\"\"") : dnsPrefilter.join(QStringLiteral(" OR ")))
             .arg(pollSeconds(spec));
    q << QStringLiteral("| eval dest=lower(dest)");
    q << QStringLiteral("| where %1").arg(splDomainTest(spec.domains, QStringLiteral("dest")));
    q << QStringLiteral("| join type=left max=1 src dest [search sourcetype=\"XmlWinEventLog:Microsoft-Windows-"
                        "Sysmon/Operational\" EventCode=3 earliest=-%1d | eval src=SourceIp, "
                        "dest=lower(DestinationHostname) | stats values(Image) as process values(Computer) as host "
                        "by src dest | eval process=mvjoin(process, \"; \"), host=mvjoin(host, \"; \")]")
             .arg(spec.lookbackDays);
    // The host behind the address from any EID 3 of it; the process from EID 22 by host and name
    // (EID 3 seldom names the destination: its join above is the fallback).
    const QString sysmon = QStringLiteral("search sourcetype=\"XmlWinEventLog:Microsoft-Windows-Sysmon/Operational\"");
    q << QStringLiteral("| join type=left max=1 src [%1 EventCode=3 earliest=-%2d | stats values(Computer) as "
                        "src_host by SourceIp | rename SourceIp as src | eval src_host=mvjoin(src_host, \"; \")]")
             .arg(sysmon)
             .arg(spec.lookbackDays);
    q << QStringLiteral("| eval host=coalesce(host, src_host, src)");
    q << QStringLiteral("| join type=left max=1 host dest [%1 EventCode=22 earliest=-%2d | eval host=Computer, "
                        "dest=lower(QueryName) | where %3 | stats count as lookups by host dest Image | sort 0 "
                        "-lookups Image | dedup host dest | rename Image as resolver | fields host dest resolver]")
             .arg(sysmon)
             .arg(spec.lookbackDays)
             .arg(splDomainTest(spec.domains, QStringLiteral("dest")));
    q << QStringLiteral("| eval process=coalesce(resolver, process, \"unattributed\")");
    if (!spec.shapes.empty()) {
        QStringList cases;
        for (const HuntShape& s : spec.shapes) {
            cases << QStringLiteral("%1 AND match(uri_path, %2), %3")
                         .arg(splDomainTest(s.domains, QStringLiteral("dest")), splString(s.pattern),
                              splString(s.label));
        }
        q << QStringLiteral("| eval shape=case(%1, true(), null())").arg(cases.join(QStringLiteral(", ")));
    } else {
        q << QStringLiteral("| eval shape=null()");
    }
    // A series is one host, process, destination and endpoint shape (the engine keys a channel by
    // its endpoint), from the proxy or from the resolver.
    q << QStringLiteral("| eval series_shape=coalesce(shape, \"none\")");
    const QString series = QStringLiteral("host process dest series_shape via src");
    q << QStringLiteral("| sort 0 %1 _time").arg(series);
    q << QStringLiteral("| streamstats current=f window=1 last(_time) as prev_time by %1").arg(series);
    q << QStringLiteral("| eval gap=_time-prev_time");
    q << QStringLiteral("| eventstats median(gap) as series_median by %1").arg(series);
    q << QStringLiteral("| eval gap=if(gap > %1 * series_median, null(), gap)").arg(num(t.pauseFactor));
    q << QStringLiteral(
             "| stats count as polls sum(count) as requests min(_time) as first_seen max(_time) as last_seen "
             "count(gap) as intervals median(gap) as median_interval_s perc25(gap) as gap_p25 perc75(gap) "
             "as gap_p75 sum(bytes_out) as bytes_out sum(bytes_in) as bytes_in sum(posts) as posts dc(uri_path) as "
             "paths values(shape) as shapes by %1")
             .arg(series);
    q << QStringLiteral("| eval spread=round((gap_p75 - gap_p25) / median_interval_s, 3), post_share=round(posts / "
                        "requests, 3)");
    q << QStringLiteral("| eval web=if(via=\"web\", 1, 0)");
    q << QStringLiteral("| eventstats max(web) as has_web by src dest");
    QString where = QStringLiteral("| where polls>=%1 AND intervals>=%2 AND median_interval_s>=%3 AND gap_p25>=%4 * "
                                   "median_interval_s AND gap_p75<=%5 * median_interval_s AND (web=1 OR has_web=0)")
                        .arg(t.minPolls)
                        .arg(t.minIntervals)
                        .arg(num(t.minIntervalS), num(1 - t.band), num(1 + t.band));
    if (spec.cadenceS > 0) {
        where += QStringLiteral(" AND median_interval_s>=%1 AND median_interval_s<=%2")
                     .arg(num(spec.cadenceS / t.cadenceRatio), num(spec.cadenceS * t.cadenceRatio));
    }
    q << where;
    q << QStringLiteral("| eventstats dc(host) as hosts_alike by process dest");
    q << QStringLiteral("| eval fleet_wide=if(hosts_alike>=%1, \"yes\", \"no\")").arg(t.fleetMinHosts);
    q << QStringLiteral("| convert ctime(first_seen) ctime(last_seen)");
    q << QStringLiteral("| sort 0 fleet_wide, -polls");
    q << QStringLiteral("| table host process dest via src shapes polls requests intervals median_interval_s spread "
                        "gap_p25 gap_p75 bytes_out bytes_in post_share paths hosts_alike fleet_wide first_seen "
                        "last_seen");
    return q.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

// ---- KQL ------------------------------------------------------------------------------------

// "(FIELD IN (a, b) OR ENDS_WITH(FIELD, ".a") OR ...)" in KQL's or ES|QL's words.
struct DomainTestWords {
    QString (*literal)(const QString&);
    const char* in;       // "%1 in (%2)"
    const char* endsWith; // "%1 endswith %2"
    const char* orWord;   // " or "
    const char* none;     // "false"
};

QString domainTest(const QStringList& domains, const QString& field, const DomainTestWords& w) {
    if (domains.isEmpty()) {
        return QString::fromLatin1(w.none);
    }
    QStringList exact, terms;
    for (const QString& d : domains) {
        exact << w.literal(d);
        terms << QString::fromLatin1(w.endsWith).arg(field, w.literal(QLatin1Char('.') + d));
    }
    terms.prepend(QString::fromLatin1(w.in).arg(field, exact.join(QStringLiteral(", "))));
    return QStringLiteral("(%1)").arg(terms.join(QString::fromLatin1(w.orWord)));
}

const DomainTestWords kKqlWords{kqlString, "%1 in (%2)", "%1 endswith %2", " or ", "false"};
const DomainTestWords kEsqlWords{esqlString, "%1 IN (%2)", "ENDS_WITH(%1, %2)", " OR ", "false"};

QString kqlDomainTest(const QStringList& domains, const QString& field) {
    return domainTest(domains, field, kKqlWords);
}

QString esqlDomainTest(const QStringList& domains, const QString& field) {
    return domainTest(domains, field, kEsqlWords);
}

QString writeKql(const HuntSpec& spec) {
    const HuntThresholds& t = spec.thresholds;
    QStringList q;
    for (const QString& line : headerLines(spec, HuntLanguage::Kql)) {
        q << QStringLiteral("// ") + line;
    }
    q << QStringLiteral("// Data: Sentinel CommonSecurityLog (proxy), DnsEvents (the DNS server's lookups), Defender "
                        "DeviceNetworkEvents (process; the device behind an address), DeviceEvents DnsQueryResponse "
                        "(the process behind a proxy's request: the one that looked the name up most often on that "
                        "device) and DeviceProcessEvents (how many devices run the image).");
    q << QStringLiteral("let lookback = %1d;").arg(spec.lookbackDays);
    q << QStringLiteral("let min_polls = %1;").arg(t.minPolls);
    q << QStringLiteral("let min_intervals = %1;").arg(t.minIntervals);
    q << QStringLiteral("let min_interval_s = %1;").arg(num(t.minIntervalS));
    q << QStringLiteral("let band = %1;").arg(num(t.band));
    q << QStringLiteral("let pause_factor = %1;").arg(num(t.pauseFactor));
    q << QStringLiteral("let fleet_min_hosts = %1;").arg(t.fleetMinHosts);
    q << QStringLiteral("let proxy = CommonSecurityLog");
    q << QStringLiteral("    | where TimeGenerated > ago(lookback) and isnotempty(RequestURL)");
    q << QStringLiteral("    | extend u = parse_url(iff(RequestURL contains \"://\", RequestURL, strcat(\"http://\", "
                        "RequestURL)))");
    q << QStringLiteral("    | project t = TimeGenerated, src = SourceIP, host = coalesce(SourceHostName, SourceIP), "
                        "process = \"unattributed\", dest = tolower(tostring(u.Host)), path = tostring(u.Path), "
                        "bytes_out = tolong(SentBytes), bytes_in = tolong(ReceivedBytes), posts = iff(RequestMethod =~ "
                        "\"POST\", 1, 0), proxied = 1, via = \"web\";");
    q << QStringLiteral("let endpoint = DeviceNetworkEvents");
    q << QStringLiteral("    | where Timestamp > ago(lookback) and isnotempty(RemoteUrl)");
    q << QStringLiteral("    | extend u = parse_url(iff(RemoteUrl contains \"://\", RemoteUrl, strcat(\"https://\", "
                        "RemoteUrl)))");
    q << QStringLiteral(
        "    | project t = Timestamp, src = LocalIP, host = DeviceName, process = "
        "tolower(InitiatingProcessFileName), dest = tolower(tostring(u.Host)), path = "
        "tostring(u.Path), bytes_out = long(null), bytes_in = long(null), posts = 0, proxied = 0, via = "
        "\"web\";");
    q << QStringLiteral("let lookups = DnsEvents");
    q << QStringLiteral(
        "    | where TimeGenerated > ago(lookback) and SubType == \"LookupQuery\" and isnotempty(Name)");
    q << QStringLiteral("    | project t = TimeGenerated, src = ClientIP, host = ClientIP, process = \"unattributed\", "
                        "dest = tolower(trim_end(@\"\\.\", Name)), path = \"\", bytes_out = long(null), bytes_in = "
                        "long(null), posts = 0, proxied = 0, via = \"dns\";");
    q << QStringLiteral("let devices = DeviceNetworkEvents");
    q << QStringLiteral("    | where Timestamp > ago(lookback) and isnotempty(LocalIP)");
    q << QStringLiteral("    | summarize device = take_any(DeviceName) by src = LocalIP;");
    q << QStringLiteral("let resolvers = DeviceEvents");
    q << QStringLiteral("    | where Timestamp > ago(lookback) and ActionType == \"DnsQueryResponse\"");
    q << QStringLiteral("    | extend dest = tolower(trim_end(@\"\\.\", tostring(parse_json(AdditionalFields)."
                        "DnsQueryString)))");
    q << QStringLiteral("    | where %1").arg(kqlDomainTest(spec.domains, QStringLiteral("dest")));
    q << QStringLiteral("    | summarize lookups = count() by host = DeviceName, dest, resolver = "
                        "tolower(InitiatingProcessFileName)");
    q << QStringLiteral("    | summarize arg_max(lookups, resolver) by host, dest;");
    q << QStringLiteral("let images = DeviceProcessEvents");
    q << QStringLiteral("    | where Timestamp > ago(lookback)");
    q << QStringLiteral("    | summarize image_devices = dcount(DeviceId) by process = tolower(FileName);");
    q << QStringLiteral("let polls = materialize(union proxy, endpoint, lookups");
    q << QStringLiteral("    | where %1").arg(kqlDomainTest(spec.domains, QStringLiteral("dest")));
    // A proxy's or resolver's client address -> its device; then the device's process for the name.
    q << QStringLiteral("    | join kind=leftouter devices on src");
    q << QStringLiteral("    | extend host = iff(host == src and isnotempty(device), device, host)");
    q << QStringLiteral("    | join kind=leftouter resolvers on host, dest");
    q << QStringLiteral("    | extend process = iff(process == \"unattributed\" and isnotempty(resolver), resolver, "
                        "process)");
    if (!spec.shapes.empty()) {
        QStringList cases;
        for (const HuntShape& s : spec.shapes) {
            QString verbatim = s.pattern;
            verbatim.replace(QLatin1Char('"'), QStringLiteral("\"\""));
            cases << QStringLiteral("        %1 and path matches regex @\"%2\", %3")
                         .arg(kqlDomainTest(s.domains, QStringLiteral("dest")), verbatim, kqlString(s.label));
        }
        q << QStringLiteral("    | extend shape = case(\n%1,\n        \"\")").arg(cases.join(QStringLiteral(",\n")));
    } else {
        q << QStringLiteral("    | extend shape = \"\"");
    }
    q << QStringLiteral("    | summarize t = min(t), bytes_out = sum(bytes_out), bytes_in = sum(bytes_in), posts = "
                        "sum(posts), proxied = sum(proxied), path = take_any(path) by host, process, dest, shape, via, "
                        "src, poll = bin(t, %1s)")
             .arg(pollSeconds(spec));
    q << QStringLiteral("    | sort by host asc, process asc, dest asc, shape asc, via asc, src asc, t asc");
    q << QStringLiteral("    | extend gap = iff(host == prev(host) and process == prev(process) and dest == "
                        "prev(dest) and shape == prev(shape) and via == prev(via) and src == prev(src), (t - "
                        "prev(t)) / 1s, real(null)));");
    q << QStringLiteral("let web_pairs = polls | where via == \"web\" | distinct src, dest;");
    q << QStringLiteral("let cadence = polls");
    q << QStringLiteral("    | join kind=inner (polls | summarize series_median = percentile(gap, 50) by host, "
                        "process, dest, shape, via, src) on host, process, dest, shape, via, src");
    q << QStringLiteral("    | extend gap = iff(gap > pause_factor * series_median, real(null), gap)");
    q << QStringLiteral("    | summarize polls = count(), first_seen = min(t), last_seen = max(t), intervals = "
                        "countif(isnotnull(gap)), gap_p25 = percentile(gap, 25), median_interval_s = "
                        "percentile(gap, 50), gap_p75 = percentile(gap, 75), bytes_out = sum(bytes_out), bytes_in = "
                        "sum(bytes_in), posts = sum(posts), proxied = sum(proxied), paths = dcount(path), shapes = "
                        "make_set_if(shape, isnotempty(shape)) by host, process, dest, shape, via, src");
    q << QStringLiteral("    | extend spread = round((gap_p75 - gap_p25) / median_interval_s, 3), post_share = "
                        "iff(proxied > 0, round(todouble(posts) / proxied, 3), real(null))");
    QString where = QStringLiteral("    | where polls >= min_polls and intervals >= min_intervals and "
                                   "median_interval_s >= min_interval_s and gap_p25 >= (1 - band) * "
                                   "median_interval_s and gap_p75 <= (1 + band) * median_interval_s");
    if (spec.cadenceS > 0) {
        where += QStringLiteral(" and median_interval_s between (%1 .. %2)")
                     .arg(num(spec.cadenceS / t.cadenceRatio), num(spec.cadenceS * t.cadenceRatio));
    }
    q << where + QLatin1Char(';');
    q << QStringLiteral("let series = union (cadence | where via == \"web\"), (cadence | where via == \"dns\" "
                        "| join kind=leftanti web_pairs on src, dest);");
    q << QStringLiteral("series");
    q << QStringLiteral("| join kind=leftouter (series | summarize hosts_alike = dcount(host) by process, dest) on "
                        "process, dest");
    q << QStringLiteral("| join kind=leftouter images on process");
    q << QStringLiteral("| extend fleet_wide = hosts_alike >= fleet_min_hosts");
    q << QStringLiteral(
        "| project host, process, dest, via, src, shapes, polls, intervals, median_interval_s, spread, gap_p25, "
        "gap_p75, bytes_out, bytes_in, post_share, paths, hosts_alike, image_devices, fleet_wide, first_seen, "
        "last_seen");
    q << QStringLiteral("| sort by fleet_wide asc, polls desc");
    return q.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

// ---- ES|QL ----------------------------------------------------------------------------------

QString writeEsql(const HuntSpec& spec) {
    const HuntThresholds& t = spec.thresholds;
    // Poll counts per bucket stand for the gaps: a bucket holds about ten polls at the channel's
    // cadence, one hour at least.
    const int bucketHours = std::max(1, static_cast<int>(std::ceil(spec.cadenceS * 10 / 3600)));
    QStringList q;
    for (const QString& line : headerLines(spec, HuntLanguage::Esql)) {
        q << QStringLiteral("// ") + line;
    }
    q << QStringLiteral(
        "// Data: ECS proxy events (url.domain, url.path, source.ip) and endpoint network events "
        "(host.name, process.name, destination.domain), DNS lookups (dns.question.name: a resolver's log by source.ip, "
        "Elastic Defend's with host.name and process.name) under logs-*.");
    q << QStringLiteral("// ES|QL has no row-to-row function: the median gap is the bucket (%1 h) over the median "
                        "polls per active bucket, the spread their median absolute deviation over that median.")
             .arg(bucketHours);
    QStringList skipped, cases;
    for (const HuntShape& s : spec.shapes) {
        const QString lucene = luceneRegex(s.pattern);
        if (lucene.isEmpty()) {
            skipped << commentText(s.label);
            continue;
        }
        cases << QStringLiteral("%1 AND path RLIKE %2, %3")
                     .arg(esqlDomainTest(s.domains, QStringLiteral("dest")), esqlString(lucene), esqlString(s.label));
    }
    if (!skipped.isEmpty()) {
        q << QStringLiteral("// Shapes Lucene's regular expressions cannot say, left out: %1.")
                 .arg(skipped.join(QStringLiteral("; ")));
    }
    q << QStringLiteral("FROM logs-*");
    q << QStringLiteral("| WHERE @timestamp >= NOW() - %1 days").arg(spec.lookbackDays);
    q << QStringLiteral("| EVAL dest = TO_LOWER(COALESCE(url.domain, destination.domain, dns.question.name)), via = "
                        "CASE(url.domain IS NULL AND destination.domain IS NULL, \"dns\", \"web\")");
    q << QStringLiteral("| WHERE %1").arg(esqlDomainTest(spec.domains, QStringLiteral("dest")));
    // src: the client address, or the endpoint's own addresses (host.ip) where the row is named by
    // the host: what lets the import set a host's lookup series beside its web series.
    q << QStringLiteral("| EVAL host_name = CASE(process.name IS NULL, TO_STRING(source.ip), host.name), "
                        "process_name = COALESCE(TO_LOWER(process.name), \"unattributed\"), path = "
                        "COALESCE(url.path, \"\"), bytes_out = COALESCE(http.request.bytes, source.bytes), bytes_in "
                        "= COALESCE(http.response.bytes, destination.bytes), src = CASE(process.name IS NULL, "
                        "TO_STRING(source.ip), TO_STRING(host.ip)), posts = CASE(TO_UPPER(http.request.method) == "
                        "\"POST\", 1, 0), proxied = CASE(url.domain IS NULL, 0, 1)");
    q << (cases.isEmpty() ? QStringLiteral("| EVAL shape = \"\"")
                          : QStringLiteral("| EVAL shape = CASE(%1, \"\")").arg(cases.join(QStringLiteral(", "))));
    q << QStringLiteral("| EVAL poll = DATE_TRUNC(%1 seconds, @timestamp), bucket = DATE_TRUNC(%2 hours, @timestamp)")
             .arg(pollSeconds(spec))
             .arg(bucketHours);
    q << QStringLiteral(
        "| STATS bytes_out = SUM(bytes_out), bytes_in = SUM(bytes_in), posts = SUM(posts), proxied = "
        "SUM(proxied), paths = VALUES(path), src = VALUES(src) BY host_name, process_name, dest, via, shape, bucket, "
        "poll");
    q << QStringLiteral("| STATS n = COUNT(*), first_seen = MIN(poll), last_seen = MAX(poll), bytes_out = "
                        "SUM(bytes_out), bytes_in = SUM(bytes_in), posts = SUM(posts), proxied = SUM(proxied), paths "
                        "= VALUES(paths), src = VALUES(src) BY host_name, process_name, dest, via, shape, bucket");
    q << QStringLiteral(
        "| STATS polls = SUM(n), buckets = COUNT(*), per_bucket = MEDIAN(n), per_bucket_mad = "
        "MEDIAN_ABSOLUTE_DEVIATION(n), first_seen = MIN(first_seen), last_seen = MAX(last_seen), "
        "bytes_out = SUM(bytes_out), bytes_in = SUM(bytes_in), posts = SUM(posts), proxied = SUM(proxied), paths = "
        "COUNT_DISTINCT(paths), src = VALUES(src) BY host_name, process_name, dest, via, shape");
    q << QStringLiteral("| EVAL intervals = polls - 1, median_interval_s = %1.0 / per_bucket, spread = "
                        "ROUND(per_bucket_mad / per_bucket, 3), mean_interval_s = DATE_DIFF(\"seconds\", first_seen, "
                        "last_seen) / (polls - 1.0), post_share = CASE(proxied > 0, ROUND(TO_DOUBLE(posts) / "
                        "proxied, 3), NULL)")
             .arg(bucketHours * 3600);
    QString where =
        QStringLiteral("| WHERE polls >= %1 AND intervals >= %2 AND median_interval_s >= %3 AND spread <= %4")
            .arg(t.minPolls)
            .arg(t.minIntervals)
            .arg(num(t.minIntervalS), num(t.band));
    if (spec.cadenceS > 0) {
        where += QStringLiteral(" AND median_interval_s >= %1 AND median_interval_s <= %2")
                     .arg(num(spec.cadenceS / t.cadenceRatio), num(spec.cadenceS * t.cadenceRatio));
    }
    q << where;
    q << QStringLiteral("| SORT polls DESC");
    q << QStringLiteral("| EVAL shapes = shape");
    q << QStringLiteral(
        "| KEEP host_name, process_name, dest, via, src, shapes, polls, intervals, median_interval_s, spread, "
        "mean_interval_s, buckets, bytes_out, bytes_in, post_share, paths, first_seen, last_seen");
    q << QStringLiteral("| LIMIT 1000");
    return q.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace

std::optional<HuntLanguage> languageFromName(const QString& name) {
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("spl")) {
        return HuntLanguage::Spl;
    }
    if (n == QLatin1String("kql")) {
        return HuntLanguage::Kql;
    }
    if (n == QLatin1String("esql") || n == QLatin1String("es|ql")) {
        return HuntLanguage::Esql;
    }
    return std::nullopt;
}

QString languageName(HuntLanguage language) {
    switch (language) {
    case HuntLanguage::Spl:
        return QStringLiteral("spl");
    case HuntLanguage::Kql:
        return QStringLiteral("kql");
    case HuntLanguage::Esql:
        break;
    }
    return QStringLiteral("esql");
}

QString languageTitle(HuntLanguage language) {
    switch (language) {
    case HuntLanguage::Spl:
        return QStringLiteral("Splunk SPL");
    case HuntLanguage::Kql:
        return QStringLiteral("Microsoft KQL");
    case HuntLanguage::Esql:
        break;
    }
    return QStringLiteral("Elastic ES|QL");
}

QString writeHunt(const HuntSpec& spec, HuntLanguage language) {
    switch (language) {
    case HuntLanguage::Spl:
        return writeSpl(spec);
    case HuntLanguage::Kql:
        return writeKql(spec);
    case HuntLanguage::Esql:
        break;
    }
    return writeEsql(spec);
}

} // namespace socwb::hunt
