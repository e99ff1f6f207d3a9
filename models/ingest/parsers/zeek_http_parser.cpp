#include "zeek_http_parser.h"

#include "observed_http.h"

namespace socwb {

namespace {
enum Slot {
    Ts,
    OrigH,
    RespH,
    RespP,
    Method,
    Host,
    Uri,
    Referrer,
    UserAgent,
    Status,
    ReqLen,
    RespLen,
    MimeTypes,
    Username
};

} // namespace

ZeekHttpParser::ZeekHttpParser(const ParserOptions&)
    : ZeekLogParser("zeek-http", "http",
                    {"ts", "id.orig_h", "id.resp_h", "id.resp_p", "method", "host", "uri", "referrer", "user_agent",
                     "status_code", "request_body_len", "response_body_len", "resp_mime_types", "username"},
                    {Host, Uri}, {MimeTypes},
                    {"host", "uri", "method", "trans_depth", "status_code", "request_body_len", "response_body_len",
                     "user_agent", "version", "status_msg"}) {
    url_.reserve(2048);
}

int ZeekHttpParser::sniff(const SniffSample& sample) {
    return sniffKind(sample, Kind::Http);
}

void ZeekHttpParser::buildRecord(SourcePos pos, std::string_view line, RecordSink& sink) {
    ProxyRecord r;
    r.pos = pos;
    if (!tsSlot(Ts, r.tsUs, pos, line, sink)) {
        return;
    }
    if (!intSlot(RespP, "id.resp_p", r.port, pos, line, sink) ||
        !intSlot(Status, "status_code", r.status, pos, line, sink) ||
        !intSlot(ReqLen, "request_body_len", r.bytesOut, pos, line, sink) ||
        !intSlot(RespLen, "response_body_len", r.bytesIn, pos, line, sink)) {
        return;
    }
    r.clientIp = value(OrigH);
    r.destIp = value(RespH);
    r.method = value(Method);
    r.referrer = value(Referrer);
    r.userAgent = value(UserAgent);
    r.user = value(Username);
    r.contentType = firstElement(MimeTypes);
    fillObservedUrl(r, value(Host), value(Uri), url_);
    sink.proxy(r);
}

} // namespace socwb
