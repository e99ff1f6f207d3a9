#include "zeek_dns_parser.h"

#include "ingest/read/text_util.h"

namespace socwb {

namespace {
enum Slot { Ts, OrigH, RespH, Proto, Query, Qtype, QtypeName, RcodeName, Answers, Ttls };
}

ZeekDnsParser::ZeekDnsParser(const ParserOptions&)
    : ZeekLogParser(
          "zeek-dns", "dns",
          {"ts", "id.orig_h", "id.resp_h", "proto", "query", "qtype", "qtype_name", "rcode_name", "answers", "TTLs"},
          {Query}, {Answers, Ttls},
          {"query", "qtype", "qtype_name", "qclass", "rcode", "rcode_name", "trans_id", "answers", "TTLs",
           "rejected"}) {
    qtype_.reserve(32);
    answers_.reserve(1024);
    ttls_.reserve(256);
}

int ZeekDnsParser::sniff(const SniffSample& sample) {
    return sniffKind(sample, Kind::Dns);
}

void ZeekDnsParser::buildRecord(SourcePos pos, std::string_view line, RecordSink& sink) {
    DnsRecord r;
    r.pos = pos;
    if (!tsSlot(Ts, r.tsUs, pos, line, sink)) {
        return;
    }
    r.clientIp = value(OrigH);
    r.serverIp = value(RespH);
    r.protocol = value(Proto);
    r.qname = value(Query);
    if (r.qname.size() > 1 && r.qname.back() == '.') {
        r.qname.remove_suffix(1);
    }
    r.qtype = value(QtypeName);
    if (r.qtype.empty() && !raw(Qtype).empty()) {
        int64_t code = 0;
        if (!parseInt(raw(Qtype), code)) {
            rejectWith(pos, "qtype is not a number: '" + std::string(raw(Qtype).substr(0, 40)) + "'", line, sink);
            return;
        }
        qtype_ = "TYPE";
        qtype_ += std::to_string(code);
        r.qtype = qtype_;
    }
    r.rcode = value(RcodeName);

    answers_.clear();
    forEachElement(Answers, [this](std::string_view a) {
        if (!answers_.empty()) {
            answers_ += ',';
        }
        answers_ += a;
    });
    r.answers = answers_;

    ttls_.clear();
    bool ttlsOk = true;
    std::string bad;
    forEachElement(Ttls, [&](std::string_view t) {
        // Zeek writes intervals as seconds with six decimals: keep the whole seconds.
        const std::string_view whole = t.substr(0, t.find('.'));
        int64_t secs = 0;
        if (!ttlsOk || !parseInt(whole, secs)) {
            if (ttlsOk) {
                bad.assign(t.substr(0, 40));
            }
            ttlsOk = false;
            return;
        }
        if (!ttls_.empty()) {
            ttls_ += ',';
        }
        ttls_ += whole.starts_with('+') ? whole.substr(1) : whole;
    });
    if (!ttlsOk) {
        rejectWith(pos, "a TTL is not a number of seconds: '" + bad + "'", line, sink);
        return;
    }
    r.ttls = ttls_;
    sink.dns(r);
}

} // namespace socwb
