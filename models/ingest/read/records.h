// Normalized records, as parsers hand them to a RecordSink. String fields are views into the
// parser's current line or its reusable scratch buffers: valid only during the sink call, so the
// hot path allocates nothing per record. An empty view means "the format has no such field";
// numeric fields use -1 for the same.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace socwb {

// Where a record came from: 1-based line (or record) number and the byte offset of its start in
// the decompressed input.
struct SourcePos {
    int64_t record = 0;
    int64_t offset = 0;
};

struct ProxyRecord {
    SourcePos pos;
    int64_t tsUs = 0; // UTC, microseconds since the epoch
    std::string_view clientIp;
    std::string_view user;
    std::string_view method;
    std::string_view url;    // as logged: full URL, or host:port for CONNECT
    std::string_view scheme; // http, https, or empty when unknown (CONNECT)
    std::string_view host;   // destination host name or address literal
    int port = -1;
    std::string_view path;
    std::string_view query; // without the leading '?'
    std::string_view destIp;
    int status = -1;
    int64_t bytesOut = -1; // client to server
    int64_t bytesIn = -1;  // server to client
    std::string_view userAgent;
    std::string_view contentType;
    std::string_view action; // proxy action / result code, e.g. TCP_TUNNEL, TCP_MISS, OBSERVED
    std::string_view referrer;
    int64_t durationMs = -1;
};

struct DnsRecord {
    SourcePos pos;
    int64_t tsUs = 0;
    std::string_view clientIp;
    std::string_view qname;   // without the trailing dot
    std::string_view qtype;   // A, AAAA, TXT, ... (numeric types as "TYPE65")
    std::string_view rcode;   // NOERROR, NXDOMAIN, ... empty when the log has no response
    std::string_view answers; // comma-separated
    std::string_view ttls;    // comma-separated seconds, parallel to answers
    std::string_view serverIp;
    std::string_view protocol; // udp / tcp
};

// A connection a network sensor saw: Zeek conn.log, a Suricata flow event. orig is the side that
// opened it (Zeek's id.orig_*, Suricata's src_* of a flow), resp the side it reached. Ports are as
// logged: for ICMP, Zeek writes the message type and code there (0 included).
struct ConnRecord {
    SourcePos pos;
    int64_t tsUs = 0;        // the connection's first packet
    int64_t durationUs = -1; // first to last packet
    std::string_view uid;    // Zeek's uid; Suricata's flow_id in decimal: what its other events carry
    std::string_view origIp;
    int origPort = -1;
    std::string_view respIp;
    int respPort = -1;
    std::string_view proto;   // tcp, udp, icmp (lower case)
    std::string_view service; // Zeek's service ("ssl", "http,ssl"), Suricata's app_proto ("tls")
    int64_t origBytes = -1;   // payload bytes from orig (Zeek orig_bytes)
    int64_t respBytes = -1;
    int64_t origIpBytes = -1; // IP-level bytes from orig (Zeek orig_ip_bytes, Suricata bytes_toserver)
    int64_t respIpBytes = -1;
    int64_t origPkts = -1;
    int64_t respPkts = -1;
    std::string_view state;   // Zeek conn_state (SF, S0, REJ, ...); Suricata flow.state (new, established, closed)
    std::string_view history; // Zeek history (ShADadFf)
    std::string_view sensor;  // the sensor's name where the log carries it (@system, Suricata's host)
};

// A TLS handshake a network sensor saw: Zeek ssl.log, a Suricata tls event. Same uid as its
// connection.
struct TlsRecord {
    SourcePos pos;
    int64_t tsUs = 0;
    std::string_view uid;
    std::string_view origIp;
    int origPort = -1;
    std::string_view respIp;
    int respPort = -1;
    std::string_view serverName; // SNI, without a trailing dot
    std::string_view version;    // as logged: TLSv12, "TLS 1.3"
    std::string_view cipher;
    std::string_view ja3, ja3s, ja4, ja4s; // fingerprints where the sensor computes them
    std::string_view subject, issuer;      // of the server's certificate, where logged
    int established = -1;                  // 1, 0, or -1 when the log does not say
    int resumed = -1;
    std::string_view sensor;
};

// A signature alert of a network sensor (Suricata): evidence about a flow, not a channel.
struct SensorAlertRecord {
    SourcePos pos;
    int64_t tsUs = 0;
    std::string_view uid; // the flow's id, as ConnRecord::uid
    std::string_view srcIp;
    int srcPort = -1;
    std::string_view destIp;
    int destPort = -1;
    std::string_view proto;
    std::string_view appProto;
    std::string_view signature;
    int64_t signatureId = -1;
    int rev = -1;
    std::string_view category;
    int severity = -1;       // 1 (high) .. 4
    std::string_view action; // allowed, blocked
    std::string_view sensor;
};

// One grouped row of a SIEM's hunt results (socwb's own hunt queries, models/hunt/): a host,
// process and destination with the poll statistics the SIEM computed over its events. Counts are
// -1 and reals -1 where the export has no such column; times 0 where it gives none.
struct SiemRowRecord {
    SourcePos pos;
    std::string_view product; // splunk, sentinel, elastic
    std::string_view layout;  // csv, json
    std::string_view host, process, dest;
    std::string_view shapes; // the catalog's endpoint shapes seen, "; "-joined
    std::string_view via;    // "web" (requests), "dns" (lookups) or empty (an export without the column)
    std::string_view src;    // the client addresses of the series, "; "-joined (empty: not exported)
    double postShare = -1;   // POSTs / proxy requests; -1: no proxy request or not exported
    int64_t polls = -1, requests = -1, intervals = -1, bytesOut = -1, bytesIn = -1, paths = -1, hostsAlike = -1;
    double medianS = -1, spread = -1, p25 = -1, p75 = -1;
    int64_t firstUs = 0, lastUs = 0;
};

// A row of an asset inventory: names a host and gives it a role.
struct AssetRecord {
    SourcePos pos;
    std::string_view ip;
    std::string_view hostname;
    std::string_view role; // workstation, server, domain-controller, ...
    std::string_view owner;
};

// One Windows event (Sysmon, or Security 4688/4698, or any other channel) with its data fields
// as the log named them. Parsers keep the fields in a reusable vector; the span is valid only
// during the sink call, like every other view here.
struct SysmonField {
    std::string_view name;
    std::string_view value;
};

struct SysmonRecord {
    SourcePos pos;
    int eventId = -1;
    int64_t tsUs = 0; // UTC: the event data's UtcTime when present, else TimeCreated
    std::string_view computer;
    std::string_view channel; // Microsoft-Windows-Sysmon/Operational, Security, ...
    std::string_view provider;
    int64_t recordNumber = -1; // EventRecordID, -1 when the export dropped it
    std::span<const SysmonField> fields;
    // The fields as the JSON object the case stores, when a batch built it already on the parse
    // thread; empty from parsers (the writer builds it then).
    std::string_view fieldsJson;

    // The value of the named field, empty when absent (names compare exactly, as Windows writes them).
    std::string_view field(std::string_view name) const {
        for (const SysmonField& f : fields) {
            if (f.name == name) {
                return f.value;
            }
        }
        return {};
    }
};

} // namespace socwb
