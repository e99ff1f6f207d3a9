#include "zeek_conn_parser.h"

namespace socwb {

namespace {
enum Slot {
    Ts,
    Uid,
    OrigH,
    OrigP,
    RespH,
    RespP,
    Proto,
    Service,
    Duration,
    OrigBytes,
    RespBytes,
    ConnState,
    History,
    OrigPkts,
    OrigIpBytes,
    RespPkts,
    RespIpBytes
};
} // namespace

ZeekConnParser::ZeekConnParser(const ParserOptions&)
    : ZeekLogParser("zeek-conn", "conn",
                    {"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service", "duration",
                     "orig_bytes", "resp_bytes", "conn_state", "history", "orig_pkts", "orig_ip_bytes", "resp_pkts",
                     "resp_ip_bytes"},
                    {ConnState, OrigBytes, RespBytes, History, OrigPkts}, {},
                    {"conn_state", "history", "missed_bytes", "orig_pkts", "resp_pkts", "orig_ip_bytes",
                     "resp_ip_bytes", "orig_bytes", "resp_bytes"}) {}

int ZeekConnParser::sniff(const SniffSample& sample) {
    return sniffKind(sample, Kind::Conn);
}

void ZeekConnParser::buildRecord(SourcePos pos, std::string_view line, RecordSink& sink) {
    ConnRecord r;
    r.pos = pos;
    if (!tsSlot(Ts, r.tsUs, pos, line, sink)) {
        return;
    }
    if (!intSlot(OrigP, "id.orig_p", r.origPort, pos, line, sink) ||
        !intSlot(RespP, "id.resp_p", r.respPort, pos, line, sink) ||
        !durationSlot(Duration, "duration", r.durationUs, pos, line, sink) ||
        !intSlot(OrigBytes, "orig_bytes", r.origBytes, pos, line, sink) ||
        !intSlot(RespBytes, "resp_bytes", r.respBytes, pos, line, sink) ||
        !intSlot(OrigPkts, "orig_pkts", r.origPkts, pos, line, sink) ||
        !intSlot(RespPkts, "resp_pkts", r.respPkts, pos, line, sink) ||
        !intSlot(OrigIpBytes, "orig_ip_bytes", r.origIpBytes, pos, line, sink) ||
        !intSlot(RespIpBytes, "resp_ip_bytes", r.respIpBytes, pos, line, sink)) {
        return;
    }
    r.uid = value(Uid);
    r.origIp = value(OrigH);
    r.respIp = value(RespH);
    r.proto = value(Proto);
    r.service = value(Service);
    r.state = value(ConnState);
    r.history = value(History);
    r.sensor = sensor();
    sink.connection(r);
}

} // namespace socwb
