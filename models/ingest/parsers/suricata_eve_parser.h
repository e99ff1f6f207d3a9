// Suricata's EVE JSON log (eve.json: one object per line, "event_type" says which), read after the
// EVE format documentation (docs.suricata.io, "Eve JSON Format"). Common fields: "timestamp"
// (ISO 8601 with a +hhmm offset), "flow_id" (ties a flow's events together; stored as the uid, in
// decimal), "src_ip"/"src_port"/"dest_ip"/"dest_port", "proto", "app_proto", and "host" (the sensor's
// name, when suricata.yaml sets one). Five event types are evidence here:
//   flow   -> a sensor connection: flow.start (its time), flow.end - flow.start (duration),
//             bytes_toserver / bytes_toclient (IP-level bytes each way: Suricata logs no payload
//             count), pkts_toserver / pkts_toclient, flow.state, app_proto as the service; src is the
//             side that opened the flow.
//   tls    -> a TLS session: tls.sni, tls.version, tls.subject, tls.issuerdn, tls.ja3.hash,
//             tls.ja3s.hash, tls.ja4 (a string, or an object with "hash"); tls.session_resumed;
//             whether the handshake completed is not logged (established unknown).
//   http   -> a proxy event, as Zeek's http.log is (URL rebuilt as observed_http.h says):
//             hostname (with http_port when the Host header named one), url, http_method, status
//             (a number, or a string in older versions), length (the response body: bytes in),
//             http_user_agent, http_content_type, http_refer.
//   dns    -> a DNS event per query, its answers joined to it by (flow_id, dns.id). Both answer
//             layouts: version 1 writes one "answer" event per answer record (rrname, rrtype, ttl,
//             rdata) on consecutive lines, version 2 one "answer" event with an "answers" array
//             ("detailed") or a "grouped" object of rdata lists by type (no TTLs). A query waits
//             for its answer in a table of 4,096; one that gets none (not logged, or pushed out of
//             the table) is written without response code when it leaves the table or at the end
//             of the file. An answer whose query was not logged makes the record itself (the
//             client is then its dest_ip). Each record keeps its query's line and time.
//   alert  -> a sensor alert: alert.signature, signature_id, rev, category, severity, action, with
//             the flow id and the five-tuple as logged (the packet's direction).
// Other event types (stats, fileinfo, anomaly, netflow, smb, ...) hold nothing this case stores:
// they are skipped without a reject and counted in the import log. A line that is not JSON, not an
// object, has no event_type, no valid timestamp, or a field of the wrong type is rejected.
#pragma once

#include "ingest/read/parser.h"

#include <simdjson.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

namespace socwb {

class SuricataEveParser : public LineParser {
  public:
    explicit SuricataEveParser(const ParserOptions& options = {});
    static int sniff(const SniffSample& sample);

    static constexpr size_t kMaxPendingDns = 4096;

  protected:
    void parseLine(std::string_view line, SourcePos pos, RecordSink& sink) override;
    void finish(RecordSink& sink) override;

  private:
    // The common part of one event.
    struct Common {
        SourcePos pos;
        std::string_view line;
        int64_t tsUs = 0;
        std::string_view uid;
        std::string_view srcIp, destIp, proto, appProto, sensor;
        int srcPort = -1, destPort = -1;
    };
    // A DNS transaction being put together from its query and answer events.
    struct PendingDns {
        SourcePos pos;
        int64_t tsUs = 0;
        uint64_t seq = 0; // when it entered the table
        std::string client, server, proto, qname, qtype, rcode, answers, ttls;
    };

    template <class Record> static void fromCommon(Record& r, const Common& c);
    bool flow(simdjson::dom::object o, const Common& c, RecordSink& sink);
    bool tls(simdjson::dom::object o, const Common& c, RecordSink& sink);
    bool http(simdjson::dom::object o, const Common& c, RecordSink& sink);
    bool dns(simdjson::dom::object o, const Common& c, RecordSink& sink);
    bool alert(simdjson::dom::object o, const Common& c, RecordSink& sink);
    void reject(const Common& c, std::string_view what, RecordSink& sink) const;

    PendingDns& pendingFor(const std::string& key, const Common& c, bool fromAnswer);
    void emitDns(const std::string& key, RecordSink& sink);
    void flushOpenAnswer(RecordSink& sink);

    simdjson::dom::parser json_;
    std::unique_ptr<char[]> buf_;
    size_t cap_ = 0;
    std::string uid_, proto_, hostHeader_, url_, key_;

    std::unordered_map<std::string, PendingDns> pending_;
    // Pending keys with their seq, oldest first; entries whose transaction was written already are
    // skipped when met, and the queue is rebuilt when it holds many of them.
    std::deque<std::pair<uint64_t, std::string>> order_;
    uint64_t seq_ = 0;
    std::string openKey_; // a version 1 answer whose further answer lines may follow
    std::map<std::string, int64_t> skipped_;
};

} // namespace socwb
