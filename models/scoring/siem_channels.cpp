#include "siem_channels.h"

#include "interval_stats.h"
#include "store/statement.h"

#include <QFileInfo>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace socwb::scoring {

namespace {

QString text(Statement& st, int c) {
    return QString::fromStdString(st.text(c));
}

int64_t intOr(Statement& st, int c, int64_t absent) {
    return sqlite3_column_type(st.handle(), c) == SQLITE_NULL ? absent : st.int64(c);
}

double realOr(Statement& st, int c, double absent) {
    return sqlite3_column_type(st.handle(), c) == SQLITE_NULL ? absent : st.real(c);
}

QString productTitle(const QString& product) {
    if (product == QLatin1String("splunk")) {
        return QStringLiteral("Splunk");
    }
    if (product == QLatin1String("sentinel")) {
        return QStringLiteral("Defender / Sentinel");
    }
    return QStringLiteral("Elastic ES|QL");
}

QString fileNameOf(const QString& image) {
    const qsizetype cut = std::max(image.lastIndexOf(QLatin1Char('\\')), image.lastIndexOf(QLatin1Char('/')));
    return image.mid(cut + 1).toLower();
}

// The row's process values ("a.exe; b.exe"), "unattributed" and empty as none.
QStringList processesOf(const SiemRow& r) {
    QStringList out;
    for (const QString& p : r.process.split(QStringLiteral("; "), Qt::SkipEmptyParts)) {
        if (p.compare(QLatin1String("unattributed"), Qt::CaseInsensitive) != 0) {
            out << p;
        }
    }
    return out;
}

struct CaseHost {
    int64_t id = 0;
    QString name, role, ips;
};

// The case's hosts by name, short name and address (all lower case).
struct HostIndex {
    std::map<int64_t, CaseHost> byId;
    std::map<QString, int64_t> byKey;
    explicit HostIndex(sqlite3* db) {
        Statement h(db, "SELECT id, coalesce(name, ''), coalesce(role, '') FROM hosts");
        while (h.step()) {
            CaseHost c{h.int64(0), text(h, 1), text(h, 2), {}};
            if (!c.name.isEmpty()) {
                byKey.emplace(c.name.toLower(), c.id);
                byKey.emplace(c.name.toLower().section(QLatin1Char('.'), 0, 0), c.id);
            }
            byId[c.id] = c;
        }
        Statement a(db, "SELECT ip, host_id FROM host_addresses ORDER BY ip");
        while (a.step()) {
            const QString ip = text(a, 0);
            byKey.emplace(ip.toLower(), a.int64(1));
            CaseHost& c = byId[a.int64(1)];
            c.ips += (c.ips.isEmpty() ? QString() : QStringLiteral(",")) + ip;
        }
    }
    const CaseHost* find(const QString& siemHost) const {
        for (const QString& h : siemHost.split(QStringLiteral("; "), Qt::SkipEmptyParts)) {
            for (const QString& key : {h.toLower(), h.toLower().section(QLatin1Char('.'), 0, 0)}) {
                if (auto it = byKey.find(key); it != byKey.end()) {
                    return &byId.at(it->second);
                }
            }
        }
        return nullptr;
    }
};

// Does a channel of events stand for the same host as the row's host text?
bool sameHost(const ChannelFeatures& f, const QString& siemHost) {
    for (const QString& h : siemHost.split(QStringLiteral("; "), Qt::SkipEmptyParts)) {
        const QString l = h.toLower();
        if (l == f.host.toLower() ||
            l.section(QLatin1Char('.'), 0, 0) == f.host.toLower().section(QLatin1Char('.'), 0, 0)) {
            return true;
        }
        for (const QString& ip : f.hostIps.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            if (l == ip.trimmed().toLower()) {
                return true;
            }
        }
    }
    return false;
}

bool sameProcess(const ChannelFeatures& f, const QStringList& processes) {
    if (processes.isEmpty() || f.processName.isEmpty()) {
        return true; // one side does not know the process: any on that host and destination
    }
    return std::any_of(processes.begin(), processes.end(),
                       [&](const QString& p) { return fileNameOf(p) == f.processName; });
}

// "pastebin: raw paste (command)" -> the catalog's endpoint shape of that service.
const EndpointShape* shapeOf(const WebServiceCatalog& catalog, const QString& label, const WebService** service) {
    const qsizetype colon = label.indexOf(QStringLiteral(": "));
    const qsizetype paren = label.lastIndexOf(QStringLiteral(" ("));
    if (colon <= 0 || paren <= colon) {
        return nullptr;
    }
    const WebService* s = catalog.find(label.left(colon));
    if (!s) {
        return nullptr;
    }
    const QString name = label.mid(colon + 2, paren - colon - 2);
    for (const EndpointShape& e : s->endpoints) {
        if (e.name == name) {
            *service = s;
            return &e;
        }
    }
    return nullptr;
}

ChannelFeatures featuresOf(const SiemRow& r, const HostIndex& hosts, const WebServiceCatalog& catalog,
                           const ScoringConfig& config, sqlite3* db, int64_t syntheticHost) {
    ChannelFeatures f;
    const CaseHost* h = hosts.find(r.host);
    f.hostId = h ? h->id : syntheticHost;
    f.host = h && !h->name.isEmpty() ? h->name : r.host;
    // The case's addresses of the host; without the host in the case, the row's own (its src).
    f.hostIps = h ? h->ips : r.src.split(QStringLiteral("; "), Qt::SkipEmptyParts).join(QLatin1Char(','));
    f.hostRole = h ? h->role : QString();
    const QStringList processes = processesOf(r);
    if (!processes.isEmpty()) {
        f.processImage = processes.join(QStringLiteral("; "));
        f.processName = fileNameOf(processes.first());
        f.processCount = processes.size();
    }
    f.destination = r.dest;
    {
        Statement d(db, "SELECT id, coalesce(reg_domain, '') FROM domains WHERE name = ?");
        d.bind(1, r.dest.toStdString());
        if (d.step()) {
            f.domainId = d.int64(0);
            f.registeredDomain = text(d, 1);
        }
    }
    if (const WebService* s = catalog.match(r.dest.toStdString())) {
        f.service = s->id;
        f.serviceCategory = s->category;
        f.consumerService = s->consumer;
        f.serviceRisk = s->risk;
    }
    // The first of the row's shapes the catalog knows names the endpoint; the SIEM gives no path,
    // so the endpoint is the destination and the shape's name.
    for (const QString& label : r.shapes.split(QStringLiteral("; "), Qt::SkipEmptyParts)) {
        const WebService* s = nullptr;
        if (const EndpointShape* e = shapeOf(catalog, label, &s); e && s && s->id == f.service) {
            f.endpoint = QStringLiteral("%1 (%2)").arg(r.dest, e->name);
            f.endpointName = e->name;
            f.endpointRole = e->role;
            break;
        }
    }
    f.members.push_back({QStringLiteral("siem"), r.product, r.polls});
    f.timingSource = QStringLiteral("siem");
    f.timingClass = QStringLiteral("request");
    f.timingNote = QStringLiteral("the cadence is the SIEM's: %1").arg(siemOrigin(r));
    f.polls = r.polls;
    f.events = r.requests > 0 ? r.requests : r.polls;
    f.firstTs = r.firstUs;
    f.lastTs = std::max(r.lastUs, r.firstUs);
    f.intervals = r.intervals >= 0 ? r.intervals : std::max<int64_t>(0, r.polls - 1);
    f.medianInterval = r.median;
    // The spread is (p75 - p25) / median of the gaps (SPL, KQL): about twice the median absolute
    // deviation over the median for a symmetric spread of gaps. ES|QL's is already a MAD / median.
    const bool quartiles = r.p25 >= 0 && r.p75 >= 0;
    f.jitter = r.product == QLatin1String("elastic") ? r.spread : r.spread / 2;
    const IntervalConfig ic = IntervalConfig::from(config);
    const double madScore = std::max(0.0, 1.0 - f.jitter);
    if (quartiles && r.p75 - r.p25 >= ic.skewMinIqr && r.median != r.p25 && r.median != r.p75) {
        f.skew = (r.p25 + r.p75 - 2 * r.median) / (r.p75 - r.p25);
    }
    // RITA's regularity where the quartiles give the skew; the MAD score alone where they do not.
    f.ritaTs = quartiles ? ((1.0 - std::abs(f.skew)) + madScore) / 2.0 : madScore;
    // Both quartiles inside the band: at least half the gaps are in it (all we can know).
    const double band = config.threshold("band");
    const bool inBand = quartiles ? r.p25 >= (1 - band) * r.median && r.p75 <= (1 + band) * r.median : r.spread <= band;
    if (inBand) {
        f.bandShare = 0.5;
        f.bandIntervals = f.intervals / 2;
        const double poisson = std::pow(2.0, -(1 - band)) - std::pow(2.0, -(1 + band));
        f.bandScore = std::clamp((0.5 - poisson) / (1 - poisson), 0.0, 1.0);
    }
    f.idleShare = -1;
    f.bytesOut = r.bytesOut;
    f.bytesIn = r.bytesIn;
    const double perRequest = static_cast<double>(std::max<int64_t>(1, f.events));
    f.medianBytesOut = r.bytesOut > 0 ? static_cast<double>(r.bytesOut) / perRequest : 0;
    f.medianBytesIn = r.bytesIn > 0 ? static_cast<double>(r.bytesIn) / perRequest : 0;
    f.distinctPaths = std::max<int64_t>(0, r.paths);
    // POSTs / proxy requests, where the hunt counted them (0 otherwise: no heartbeat is judged).
    f.postShare = std::max(0.0, r.postShare);
    // SPL's and KQL's lookup series are those of an address that made no web request to the name
    // in the data the hunt read (their anti-join): the proxy was bypassed, as far as its log tells.
    if (r.via == QLatin1String("dns") && r.product != QLatin1String("elastic")) {
        f.caseHasProxyLogs = true;
        f.dnsQueries = f.events;
    }
    f.siemOrigin = siemOrigin(r);
    // A channel's key: host, process, destination and endpoint; a shape the catalog does not know
    // and the lookup series keep their rows apart from the others of that host and destination.
    QStringList key{f.host, f.processImage.isEmpty() ? QStringLiteral("-") : f.processImage.toLower(), f.destination,
                    f.endpoint.isEmpty() ? r.shapes : f.endpoint};
    if (r.via == QLatin1String("dns")) {
        key << QStringLiteral("dns");
    }
    f.key = key.join(QLatin1Char('|'));
    return f;
}

} // namespace

std::vector<SiemRow> loadSiemRows(sqlite3* db) {
    std::vector<SiemRow> out;
    Statement st(db, R"SQL(
SELECT s.id, s.evidence_id, s.line_no, s.product, s.layout, e.path, s.host, coalesce(s.process, ''), s.dest,
    coalesce(s.shapes, ''), s.polls, s.requests, s.intervals, s.bytes_out, s.bytes_in, s.paths, s.hosts_alike,
    s.median_interval_s, s.spread, s.gap_p25, s.gap_p75, s.first_us, s.last_us, coalesce(s.via, ''),
    coalesce(s.src, ''), s.post_share
FROM siem_rows s JOIN evidence e ON e.id = s.evidence_id WHERE e.status = 'imported' ORDER BY s.id
)SQL");
    while (st.step()) {
        SiemRow r;
        r.id = st.int64(0);
        r.evidenceId = st.int64(1);
        r.line = st.int64(2);
        r.product = text(st, 3);
        r.layout = text(st, 4);
        r.file = QFileInfo(text(st, 5)).fileName();
        r.host = text(st, 6);
        r.process = text(st, 7);
        r.dest = text(st, 8);
        r.shapes = text(st, 9);
        r.polls = st.int64(10);
        r.requests = intOr(st, 11, -1);
        r.intervals = intOr(st, 12, -1);
        r.bytesOut = intOr(st, 13, -1);
        r.bytesIn = intOr(st, 14, -1);
        r.paths = intOr(st, 15, -1);
        r.hostsAlike = intOr(st, 16, -1);
        r.median = st.real(17);
        r.spread = st.real(18);
        r.p25 = realOr(st, 19, -1);
        r.p75 = realOr(st, 20, -1);
        r.firstUs = intOr(st, 21, 0);
        r.lastUs = intOr(st, 22, 0);
        r.via = text(st, 23);
        r.src = text(st, 24);
        r.postShare = realOr(st, 25, -1);
        out.push_back(std::move(r));
    }
    return out;
}

QString siemOrigin(const SiemRow& r) {
    // The queue's Requests count polls (requests within burst_merge_s merged), for every channel;
    // where the SIEM counted more requests than polls, both are said.
    const QString counted = r.requests > r.polls
                                ? QStringLiteral("%1 polls of %2 requests").arg(r.polls).arg(r.requests)
                                : QStringLiteral("%1 requests").arg(r.polls);
    QString origin = QStringLiteral("From %1 export %2, row %3: %4, median %5 s, spread %6")
                         .arg(productTitle(r.product), r.file)
                         .arg(r.line)
                         .arg(counted)
                         .arg(QString::number(r.median, 'f', r.median < 10 ? 1 : 0), QString::number(r.spread, 'g', 3));
    if (r.processFromLine > 0) {
        origin += QStringLiteral("; the process from the host's lookups of the name, row %1").arg(r.processFromLine);
    }
    return origin;
}

QString siemUnavailable() {
    return QStringLiteral("not available from the SIEM's summary: the gaps themselves (band test, pauses), idle "
                          "hours, late start, the GET share (a POST share only where the hunt counted it) and "
                          "response sizes, User-Agent, command line, parent process, output elsewhere");
}

bool mergeSiemRows(sqlite3* db, const WebServiceCatalog& catalog, const ScoringConfig& config,
                   std::vector<BuiltChannel>& built) {
    std::vector<SiemRow> rows = loadSiemRows(db);
    if (rows.empty()) {
        return false;
    }
    const HostIndex hosts(db);
    const size_t raw = built.size();
    // Raw channels by destination, for the match.
    std::map<QString, std::vector<size_t>> byDest;
    for (size_t i = 0; i < raw; ++i) {
        byDest[built[i].features.destination.toLower()].push_back(i);
    }
    std::map<QString, size_t> siemByKey;  // key -> index in built (the later row replaces)
    std::map<QString, int64_t> synthetic; // SIEM host text -> a host id below 0
    // Which host a row names, by every key it gives: its host text and its addresses, and the
    // case's host when the case knows it.
    auto hostKeys = [&](const SiemRow& r) {
        std::set<QString> keys;
        for (const QString& h : r.host.split(QStringLiteral("; "), Qt::SkipEmptyParts)) {
            keys.insert(h.toLower());
        }
        for (const QString& ip : r.src.split(QStringLiteral("; "), Qt::SkipEmptyParts)) {
            keys.insert(ip.toLower());
        }
        for (const QString& name : QStringList{r.host} + r.src.split(QStringLiteral("; "), Qt::SkipEmptyParts)) {
            if (const CaseHost* h = hosts.find(name)) {
                keys.insert(QStringLiteral("#%1").arg(h->id));
            }
        }
        return keys;
    };
    // A lookup series (via dns) of a host and destination that has a web series too is set aside,
    // and a web series without a process takes the process of the busiest lookup series of its
    // host and destination: SPL's and KQL's hunts do both in the query (anti-join, EID 22 join),
    // ES|QL's cannot.
    // A row named by address, of a host the case does not know, takes the name another row of the
    // export gives that address (ES|QL names an endpoint's series by host.name with its host.ip as
    // src, a proxy's by source.ip); an address two names claim keeps its address.
    std::map<QString, QString> nameOf;
    for (const SiemRow& r : rows) {
        const QStringList ips = r.src.split(QStringLiteral("; "), Qt::SkipEmptyParts);
        if (ips.isEmpty() || ips.contains(r.host.toLower()) || r.host.contains(QLatin1Char(';'))) {
            continue;
        }
        for (const QString& ip : ips) {
            const auto [it, added] = nameOf.emplace(ip, r.host);
            if (!added && it->second.compare(r.host, Qt::CaseInsensitive) != 0) {
                it->second.clear();
            }
        }
    }
    for (SiemRow& r : rows) {
        const auto it = nameOf.find(r.host.toLower());
        if (it != nameOf.end() && !it->second.isEmpty() && !hosts.find(r.host)) {
            r.host = it->second;
        }
    }
    std::vector<std::set<QString>> keys;
    keys.reserve(rows.size());
    for (const SiemRow& r : rows) {
        keys.push_back(hostKeys(r));
    }
    auto sameHostKeys = [](const std::set<QString>& a, const std::set<QString>& b) {
        return std::any_of(a.begin(), a.end(), [&](const QString& k) { return b.count(k) > 0; });
    };
    std::vector<bool> aside(rows.size(), false);
    std::vector<size_t> lookupsOf(rows.size(), rows.size()); // web row -> the lookup row giving its process
    for (size_t i = 0; i < rows.size(); ++i) {
        if (rows[i].via != QLatin1String("dns")) {
            continue;
        }
        for (size_t j = 0; j < rows.size(); ++j) {
            if (rows[j].via == QLatin1String("dns") || rows[j].dest != rows[i].dest ||
                !sameHostKeys(keys[i], keys[j])) {
                continue;
            }
            aside[i] = true;
            if (processesOf(rows[j]).isEmpty() && !processesOf(rows[i]).isEmpty() &&
                (lookupsOf[j] == rows.size() || rows[i].polls > rows[lookupsOf[j]].polls)) {
                lookupsOf[j] = i;
            }
        }
    }
    for (size_t j = 0; j < rows.size(); ++j) {
        if (lookupsOf[j] < rows.size()) {
            rows[j].process = rows[lookupsOf[j]].process;
            rows[j].processFromLine = rows[lookupsOf[j]].line;
        }
    }
    for (size_t i = 0; i < rows.size(); ++i) {
        if (aside[i]) {
            continue;
        }
        const SiemRow& r = rows[i];
        const QStringList processes = processesOf(r);
        bool absorbed = false;
        for (size_t i : byDest[r.dest]) {
            ChannelFeatures& f = built[i].features;
            if (sameHost(f, r.host) && sameProcess(f, processes)) {
                f.alsoInSiem = siemOrigin(r);
                absorbed = true;
            }
        }
        if (absorbed) {
            continue;
        }
        const auto it = synthetic.emplace(r.host.toLower(), -static_cast<int64_t>(synthetic.size()) - 1).first;
        BuiltChannel bc;
        bc.features = featuresOf(r, hosts, catalog, config, db, it->second);
        if (auto k = siemByKey.find(bc.features.key); k != siemByKey.end()) {
            built[k->second] = std::move(bc);
        } else {
            siemByKey.emplace(bc.features.key, built.size());
            built.push_back(std::move(bc));
        }
    }
    return true;
}

} // namespace socwb::scoring
