// The simulated organisation and everything it did, as plain data: hosts, processes,
// destinations, and the events the writers turn into log files. Indices tie them together
// (an event names its host, process and destination by index) so the tables stay compact.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace socwb::scenario {

struct SimHost {
    std::string name; // WKS-FIN-03
    std::string fqdn; // WKS-FIN-03.corp.example
    std::string ip;
    std::string role;  // workstation, server, domain-controller, build-server
    std::string owner; // department or team
    std::string user;  // sAMAccountName of the workstation's user, empty on servers
    std::string userSid;
    std::string browserImage; // chrome.exe or msedge.exe path; empty on servers
    std::string browserUa;
    bool developer = false;
    bool server = false;
    bool linuxOs = false;
    bool sysmon = true;        // Sysmon installed and collected
    bool directEgress = false; // reaches the internet without passing the proxy
    bool alwaysOn = true;      // powered on at night
    uint32_t machineTag = 0;   // first part of Sysmon process GUIDs
    // World 2. A user session on a multi-user host (Citrix VDA) or a device behind a NAT shares
    // its address (and, for a session, its machine) with others: machine is the index of the entry
    // whose DNS cache, process IDs and Sysmon record numbers it uses (-1: its own).
    int machine = -1;
    std::string sharing;        // "", "vda-session", "nat-device"
    std::string device;         // a NAT'd device's own label (truth only: the logs show the NAT's name)
    bool explicitProxy = false; // CONNECT through the forward proxy by name, no inspection, no own lookups
    bool dnsCache = true;       // a stub resolver that caches answers for their TTL
    // Per simulated day: when the user is at the desk (absolute µs), and when the host is on.
    std::vector<std::vector<std::pair<int64_t, int64_t>>> desk;
    std::vector<std::pair<int64_t, int64_t>> powered;
};

struct SimProcess {
    int host = -1;
    int parent = -1;             // index, or -1 when the parent is not modelled
    std::string parentImageHint; // shown as ParentImage when parent is -1 (userinit.exe, wininit.exe)
    uint32_t pid = 0;
    std::string guid;
    std::string image;
    std::string commandLine;
    std::string currentDirectory;
    std::string user; // DOMAIN\name
    std::string integrity;
    std::string hashes;
    std::string company, product, description, fileVersion, originalFileName;
    int64_t startUs = 0; // before the window: no EID 1 in the logs
    int64_t endUs = 0;   // 0: still running when the logs end
    int channel = -1;    // the truth entry this process belongs to
};

struct SimDestination {
    std::string host;
    std::vector<std::string> ips;
    int port = 443;
    bool https = true;
    bool inspected = true; // TLS bumped by the proxy (full URLs logged) or tunnelled (CONNECT only)
    int ttl = 300;
    std::string category; // for the W3C cs-categories column
    // World 2: ips is the pool the name's authoritative servers answer from (a CDN's shared
    // addresses), answerCount addresses per answer, rotating; cname a name the answer goes through.
    int answerCount = 1;
    std::string cname;
};

enum class Method : uint8_t { Get, Post, Connect, Head };
// How a proxy line names its destination (world 1 writes only Named).
enum class ProxyLine : uint8_t {
    Named,       // a request with its URL, or CONNECT host:port from a client that knows the proxy
    BumpConnect, // a transparent proxy's CONNECT address:443 before the decrypted requests of a session
    Spliced,     // a transparent proxy's CONNECT address:443 of a session it did not decrypt
    Decrypted,   // a request read inside a bumped session (the hierarchy is the original destination)
};
const char* methodName(Method m);

// One HTTP exchange (or, for tunnelled TLS, one tunnel) as the proxy saw it.
struct SimRequest {
    int64_t startUs = 0;
    int32_t durationMs = 0;
    int32_t host = -1;
    int32_t process = -1;
    int32_t dest = -1;
    int32_t channel = -1;
    int32_t ipIndex = 0; // which of the destination's addresses
    uint16_t clientPort = 0;
    Method method = Method::Get;
    ProxyLine line = ProxyLine::Named;
    int16_t status = 200;
    int16_t keepAliveS = 0; // the client's connection reuse window
    int64_t bytesOut = 0;   // client to server
    int64_t bytesIn = 0;    // server to client
    std::string target;     // path and query, "/raw/abc" ("" for CONNECT)
    std::string referrer;
    const std::string* userAgent = nullptr; // owned by the world's string pool
    const char* contentType = "-";
    uint64_t uidSeed = 0; // Zeek uid material
    int64_t endUs() const { return startUs + int64_t(durationMs) * 1000; }
};

struct SimDnsQuery {
    int64_t tsUs = 0;
    int32_t host = -1;
    int32_t dest = -1;
    int32_t ipIndex = 0;
    uint16_t clientPort = 0;
    uint16_t xid = 0;
    int32_t rttUs = 0;
    uint64_t uidSeed = 0;
    // World 2: every address of the answer (indexes into the destination's ips, rotated as the
    // resolver hands them out) and the TTL left on them; answerCount 0 means the world-1 answer
    // (ipIndex with the destination's TTL).
    uint8_t answerCount = 0;
    uint8_t answers[4] = {0, 0, 0, 0};
    int32_t ttl = 0;
    bool upstream = false; // the resolver had to ask upstream (its cache had no live answer)
    int32_t channel = -1;  // the truth entry whose request made the lookup
};

struct SimSysmonEvent {
    int64_t tsUs = 0;
    int32_t host = -1;
    int16_t eventId = 0; // 1, 3, 5, 11, 22
    int32_t process = -1;
    int32_t dest = -1;       // EID 3 and 22
    int32_t viaDest = -1;    // EID 3 through a forward proxy: the proxy's address and port
    uint8_t answerCount = 0; // EID 22 in world 2: the whole answer (as SimDnsQuery)
    uint8_t answers[4] = {0, 0, 0, 0};
    int32_t ipIndex = 0;
    uint16_t sourcePort = 0;
    std::string targetFilename; // EID 11
    int64_t recordId = 0;       // per host, assigned after sorting
};

// The whole simulated case.
struct SimWorld {
    std::string domain = "corp.example";
    std::string netbios = "CORP";
    std::string proxyIp = "10.10.0.5";
    std::string proxyName = "proxy01";
    std::string dnsServerIp = "10.10.0.10";
    int world = 1;
    int64_t startUs = 0;
    int64_t endUs = 0;
    // Where each source's export begins (sources keep different retention); startUs in world 1.
    int64_t proxyFromUs = 0;
    int64_t dnsFromUs = 0;
    int64_t sysmonFromUs = 0;
    std::string dnsServerName = "DC01";
    std::string proxyMode = "intercepting";
    int proxyHost = -1; // world 2: the forward proxy as a host (it resolves names for CONNECT clients)
    std::vector<SimHost> hosts;
    std::vector<SimProcess> processes;
    std::vector<SimDestination> dests;
    std::vector<SimRequest> requests;   // sorted by end time (when the proxy logs them)
    std::vector<SimDnsQuery> dns;       // sorted by time
    std::vector<SimSysmonEvent> sysmon; // sorted by time; only hosts with Sysmon
    // What a network sensor at the internet edge saw (#26): one entry per TCP connection of a host
    // with direct egress (startUs: its first packet, durationMs: until its last, bytes summed over
    // the requests it carried plus the TLS handshake), sorted by end time (when Zeek logs it).
    std::vector<SimRequest> sensorConns;
};

} // namespace socwb::scenario
