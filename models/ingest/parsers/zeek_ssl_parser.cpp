#include "zeek_ssl_parser.h"

namespace socwb {

namespace {
enum Slot {
    Ts,
    Uid,
    OrigH,
    OrigP,
    RespH,
    RespP,
    Version,
    Cipher,
    ServerName,
    Resumed,
    Established,
    Subject,
    Issuer,
    Ja3,
    Ja3s,
    Ja4,
    Ja4s
};
} // namespace

ZeekSslParser::ZeekSslParser(const ParserOptions&)
    : ZeekLogParser("zeek-ssl", "ssl",
                    {"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "version", "cipher",
                     "server_name", "resumed", "established", "subject", "issuer", "ja3", "ja3s", "ja4", "ja4s"},
                    {Cipher, ServerName, Established}, {},
                    {"cipher", "server_name", "ssl_history", "established", "resumed", "curve", "ja3", "ja3s", "ja4",
                     "cert_chain_fps", "validation_status", "next_protocol"}) {}

int ZeekSslParser::sniff(const SniffSample& sample) {
    return sniffKind(sample, Kind::Ssl);
}

void ZeekSslParser::buildRecord(SourcePos pos, std::string_view line, RecordSink& sink) {
    TlsRecord r;
    r.pos = pos;
    if (!tsSlot(Ts, r.tsUs, pos, line, sink)) {
        return;
    }
    if (!intSlot(OrigP, "id.orig_p", r.origPort, pos, line, sink) ||
        !intSlot(RespP, "id.resp_p", r.respPort, pos, line, sink)) {
        return;
    }
    r.uid = value(Uid);
    r.origIp = value(OrigH);
    r.respIp = value(RespH);
    r.serverName = value(ServerName);
    if (r.serverName.size() > 1 && r.serverName.back() == '.') {
        r.serverName.remove_suffix(1);
    }
    r.version = value(Version);
    r.cipher = value(Cipher);
    r.resumed = boolSlot(Resumed);
    r.established = boolSlot(Established);
    r.subject = value(Subject);
    r.issuer = value(Issuer);
    r.ja3 = value(Ja3);
    r.ja3s = value(Ja3s);
    r.ja4 = value(Ja4);
    r.ja4s = value(Ja4s);
    r.sensor = sensor();
    sink.tls(r);
}

} // namespace socwb
