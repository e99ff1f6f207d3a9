// ScenarioGenerator, endpoint and network telemetry: from the simulated requests to what the proxy,
// the DNS server and Sysmon log - connections kept alive or tunnelled, DNS answers cached for their
// TTL, network, DNS and process events, in the order the logs write them.
#include "generator_support.h"
#include "scenario_generator.h"

#include <algorithm>
#include <unordered_map>

namespace socwb::scenario {

namespace {

constexpr int64_t kMaxConnectionLife = 10 * kMinute; // proxies and load balancers cut long tunnels

} // namespace

void ScenarioGenerator::resolveConnections() {
    std::vector<SimRequest> requests = std::move(world_.requests);
    world_.requests.clear();
    std::vector<size_t> order(requests.size());
    for (size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(), [&requests](size_t a, size_t b) {
        if (requests[a].host != requests[b].host) {
            return requests[a].host < requests[b].host;
        }
        return requests[a].startUs < requests[b].startUs;
    });

    struct Connection {
        int64_t opened = 0;
        int64_t last = 0;
        uint16_t port = 0;
        int ipIndex = 0;
        int64_t bytesOut = 0;
        int64_t bytesIn = 0;
        int channel = -1;
        int process = -1;
        int dest = -1;
        int keepAliveS = 0;
        const std::string* ua = nullptr;
        uint64_t uidSeed = 0;
        bool tunnel = false;
        bool direct = false; // a direct-egress host's own connection: the edge sensor sees it
    };
    struct CacheEntry {
        int64_t expires = 0;
        int ipIndex = 0;
    };

    // The Sysmon configuration (in the manner of SwiftOnSecurity's) leaves out network and DNS
    // events of a few chatty signed Microsoft agents, by image path.
    const std::vector<char> quietProcess = quietProcesses(
        world_.processes, {"\\Windows Defender Advanced Threat Protection\\MsSense.exe",
                           "\\Microsoft\\OneDrive\\OneDrive.exe", "\\Microsoft\\Teams\\current\\Teams.exe"});
    std::vector<SimRequest> out;
    out.reserve(requests.size() / 2);
    size_t i = 0;
    while (i < order.size()) {
        const int hostIndex = requests[order[i]].host;
        const SimHost& h = world_.hosts[size_t(hostIndex)];
        RandomSource r = RandomSource::derived(options_.seed, 4, uint64_t(hostIndex));
        std::unordered_map<uint64_t, Connection> conns;
        std::unordered_map<int, CacheEntry> cache;
        uint16_t port = static_cast<uint16_t>(r.uniformInt(49800, 60000));
        std::vector<uint64_t> closeOrder; // deterministic closing at the end

        auto closeConnection = [&](const Connection& c) {
            if (c.direct) {
                sensorConnection(hostIndex, c.opened, c.last, c.process, c.dest, c.channel, c.ipIndex, c.port,
                                 c.bytesOut, c.bytesIn, c.uidSeed);
                return;
            }
            if (!c.tunnel) {
                return;
            }
            const int64_t end = c.last + std::max<int64_t>(c.keepAliveS, 1) * kSecond;
            if (end >= world_.endUs) {
                return; // still open when the logs were collected
            }
            SimRequest t;
            t.startUs = c.opened;
            t.durationMs = static_cast<int32_t>((end - c.opened) / 1000);
            t.host = hostIndex;
            t.process = c.process;
            t.dest = c.dest;
            t.channel = c.channel;
            t.ipIndex = c.ipIndex;
            t.clientPort = c.port;
            t.method = Method::Connect;
            t.status = 200;
            t.bytesOut = c.bytesOut + 620; // TLS handshake on top of the requests
            t.bytesIn = c.bytesIn + 4700;  // certificate chain
            t.userAgent = c.ua;
            t.contentType = "-";
            t.uidSeed = c.uidSeed;
            out.push_back(std::move(t));
        };

        for (; i < order.size() && requests[order[i]].host == hostIndex; ++i) {
            SimRequest& q = requests[order[i]];
            const SimDestination& d = world_.dests[size_t(q.dest)];
            const uint64_t key = (uint64_t(uint32_t(q.process)) << 24) | uint32_t(q.dest);
            auto it = conns.find(key);
            const bool reuse = it != conns.end() && q.keepAliveS > 0 &&
                               q.startUs <= it->second.last + int64_t(q.keepAliveS) * kSecond &&
                               q.startUs <= it->second.opened + kMaxConnectionLife;
            if (!reuse) {
                if (it != conns.end()) {
                    closeConnection(it->second);
                }
                Connection c;
                c.opened = q.startUs;
                c.process = q.process;
                c.dest = q.dest;
                c.channel = q.channel;
                c.keepAliveS = q.keepAliveS;
                c.ua = q.userAgent;
                c.uidSeed = q.uidSeed;
                c.tunnel = !d.inspected && !h.directEgress;
                c.direct = h.directEgress;
                port =
                    static_cast<uint16_t>(port >= 65500 ? 49700 + r.uniformInt(0, 300) : port + 1 + r.uniformInt(0, 2));
                c.port = port;
                // Windows caches answers for their TTL; glibc does not cache, so Linux asks every time.
                const bool literal = isIpLiteral(d.host);
                auto ce = cache.find(q.dest);
                const bool cached = !literal && !h.linuxOs && ce != cache.end() && ce->second.expires > q.startUs;
                if (literal) {
                    c.ipIndex = 0;
                } else if (cached) {
                    c.ipIndex = ce->second.ipIndex;
                } else {
                    SimDnsQuery dq;
                    dq.rttUs = static_cast<int32_t>(r.uniformInt(400, 28000));
                    dq.tsUs = q.startUs - dq.rttUs - r.uniformInt(300, 2000);
                    dq.host = hostIndex;
                    dq.dest = q.dest;
                    dq.ipIndex = static_cast<int>(r.uniformInt(0, int64_t(d.ips.size()) - 1));
                    dq.clientPort = static_cast<uint16_t>(r.uniformInt(50000, 65000));
                    dq.xid = static_cast<uint16_t>(r.next());
                    dq.uidSeed = r.next();
                    dq.channel = q.channel;
                    c.ipIndex = dq.ipIndex;
                    cache[q.dest] = CacheEntry{q.startUs + int64_t(d.ttl) * kSecond, dq.ipIndex};
                    if (dq.tsUs >= world_.startUs) {
                        world_.dns.push_back(dq);
                        if (q.channel >= 0) {
                            ++truth_[size_t(q.channel)].dnsQueries;
                        }
                        if (h.sysmon && !quietProcess[size_t(q.process)]) {
                            SimSysmonEvent e;
                            e.tsUs = dq.tsUs + dq.rttUs + 200;
                            e.host = hostIndex;
                            e.eventId = 22;
                            e.process = q.process;
                            e.dest = q.dest;
                            e.ipIndex = dq.ipIndex;
                            world_.sysmon.push_back(std::move(e));
                        }
                    }
                }
                if (h.sysmon && !quietProcess[size_t(q.process)]) {
                    SimSysmonEvent e;
                    e.tsUs = q.startUs + r.uniformInt(200, 2500);
                    e.host = hostIndex;
                    e.eventId = 3;
                    e.process = q.process;
                    e.dest = q.dest;
                    e.ipIndex = c.ipIndex;
                    e.sourcePort = c.port;
                    world_.sysmon.push_back(std::move(e));
                }
                if (it == conns.end()) {
                    closeOrder.push_back(key);
                }
                it = conns.insert_or_assign(key, c).first;
            }
            Connection& c = it->second;
            c.last = std::max(c.last, q.endUs());
            q.clientPort = c.port;
            q.ipIndex = c.ipIndex;
            if (h.directEgress) {
                c.bytesOut += q.bytesOut; // no proxy in the path: nothing in the proxy log, the edge
                c.bytesIn += q.bytesIn;   // sensor sees the connection
                continue;
            }
            if (c.tunnel) {
                c.bytesOut += q.bytesOut;
                c.bytesIn += q.bytesIn;
                continue;
            }
            if (q.endUs() < world_.endUs && q.startUs >= world_.startUs) {
                out.push_back(std::move(q));
            }
        }
        for (uint64_t key : closeOrder) {
            closeConnection(conns[key]);
        }
    }
    for (const SimRequest& q : out) {
        if (q.channel >= 0) {
            ++truth_[size_t(q.channel)].proxyLines;
        }
    }
    // The proxy writes a line when a transaction ends.
    std::stable_sort(out.begin(), out.end(),
                     [](const SimRequest& a, const SimRequest& b) { return a.endUs() < b.endUs(); });
    world_.requests = std::move(out);
    std::stable_sort(world_.dns.begin(), world_.dns.end(),
                     [](const SimDnsQuery& a, const SimDnsQuery& b) { return a.tsUs < b.tsUs; });
    // A sensor logs a connection when it ends.
    std::stable_sort(world_.sensorConns.begin(), world_.sensorConns.end(),
                     [](const SimRequest& a, const SimRequest& b) { return a.endUs() < b.endUs(); });
}

void ScenarioGenerator::sensorConnection(int host, int64_t opened, int64_t last, int process, int dest, int channel,
                                         int ipIndex, uint16_t port, int64_t bytesOut, int64_t bytesIn,
                                         uint64_t uidSeed) {
    if (opened < world_.startUs || last >= world_.endUs) {
        return; // opened before the sensor's log begins, or still open when it was collected
    }
    SimRequest t;
    t.startUs = opened;
    t.durationMs = static_cast<int32_t>(std::min<int64_t>((last - opened) / 1000, INT32_MAX));
    t.host = host;
    t.process = process;
    t.dest = dest;
    t.channel = channel;
    t.ipIndex = ipIndex;
    t.clientPort = port;
    t.method = Method::Connect;
    t.bytesOut = bytesOut + 620; // the TLS handshake on top of the requests
    t.bytesIn = bytesIn + 4700;  // the certificate chain
    t.uidSeed = uidSeed;
    world_.sensorConns.push_back(t);
}

void ScenarioGenerator::emitProcessEvents() {
    for (int pi = 0; pi < static_cast<int>(world_.processes.size()); ++pi) {
        const SimProcess& p = world_.processes[size_t(pi)];
        const SimHost& h = world_.hosts[size_t(p.host)];
        if (!h.sysmon) {
            continue;
        }
        if (p.startUs >= world_.sysmonFromUs && p.startUs < world_.endUs) {
            SimSysmonEvent e;
            e.tsUs = p.startUs;
            e.host = p.host;
            e.eventId = 1;
            e.process = pi;
            world_.sysmon.push_back(std::move(e));
        }
        if (p.endUs > 0 && p.endUs >= world_.sysmonFromUs && p.endUs < world_.endUs) {
            SimSysmonEvent e;
            e.tsUs = p.endUs;
            e.host = p.host;
            e.eventId = 5;
            e.process = pi;
            world_.sysmon.push_back(std::move(e));
        }
    }
    // Events outside the window (a poll's file write just after the end) are not in the export.
    // Sysmon's export may keep less than the window (world 2's retention).
    world_.sysmon.erase(std::remove_if(world_.sysmon.begin(), world_.sysmon.end(),
                                       [this](const SimSysmonEvent& e) {
                                           return e.tsUs < world_.sysmonFromUs || e.tsUs >= world_.endUs;
                                       }),
                        world_.sysmon.end());
    std::stable_sort(world_.sysmon.begin(), world_.sysmon.end(),
                     [](const SimSysmonEvent& a, const SimSysmonEvent& b) { return a.tsUs < b.tsUs; });
    std::vector<int64_t> recordIds(world_.hosts.size());
    for (size_t i = 0; i < recordIds.size(); ++i) {
        recordIds[i] = 10000 + int64_t(world_.hosts[i].machineTag % 900000);
    }
    for (SimSysmonEvent& e : world_.sysmon) {
        // One event log per machine: a user session on a shared host numbers with its machine.
        const int machine = world_.hosts[size_t(e.host)].machine;
        e.recordId = ++recordIds[size_t(machine >= 0 ? machine : e.host)];
        const int ch = world_.processes[size_t(e.process)].channel;
        if (ch >= 0) {
            ++truth_[size_t(ch)].sysmonEvents;
        }
    }
}

} // namespace socwb::scenario
