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
