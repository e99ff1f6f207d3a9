#include "collecting_sink.h"

#include "ingest/read/format_registry.h"
#include "ingest/read/text_util.h"

#include <QTemporaryFile>
#include <QTest>

#include <stdexcept>

namespace socwb::test {

namespace {
std::string s(std::string_view v) {
    return std::string(v);
}
} // namespace

void CollectingSink::proxy(const ProxyRecord& r) {
    proxies.push_back(OwnedProxy{r.pos.record, r.tsUs,         s(r.clientIp),    s(r.user),   s(r.method),
                                 s(r.url),     s(r.scheme),    s(r.host),        s(r.path),   s(r.query),
                                 s(r.destIp),  s(r.userAgent), s(r.contentType), s(r.action), s(r.referrer),
                                 r.port,       r.status,       r.bytesOut,       r.bytesIn,   r.durationMs});
}

void CollectingSink::dns(const DnsRecord& r) {
    dnses.push_back(OwnedDns{r.pos.record, r.tsUs, s(r.clientIp), s(r.qname), s(r.qtype), s(r.rcode), s(r.answers),
                             s(r.ttls), s(r.serverIp), s(r.protocol)});
}

void CollectingSink::asset(const AssetRecord& r) {
    assets.push_back(OwnedAsset{r.pos.record, s(r.ip), s(r.hostname), s(r.role), s(r.owner)});
}

void CollectingSink::sysmon(const SysmonRecord& r) {
    OwnedSysmon o{r.pos.record, r.pos.offset,  r.tsUs, r.recordNumber, r.eventId, s(r.computer),
                  s(r.channel), s(r.provider), {}};
    for (const SysmonField& f : r.fields) {
        o.fields.emplace_back(s(f.name), s(f.value));
    }
    sysmons.push_back(std::move(o));
}

void CollectingSink::connection(const ConnRecord& r) {
    conns.push_back(OwnedConn{r.pos.record, r.tsUs, r.durationUs, s(r.uid), s(r.origIp), s(r.respIp), s(r.proto),
                              s(r.service), s(r.state), s(r.history), s(r.sensor), r.origPort, r.respPort, r.origBytes,
                              r.respBytes, r.origIpBytes, r.respIpBytes, r.origPkts, r.respPkts});
}

void CollectingSink::tls(const TlsRecord& r) {
    tlses.push_back(OwnedTls{r.pos.record, r.tsUs, s(r.uid), s(r.origIp), s(r.respIp), s(r.serverName), s(r.version),
                             s(r.cipher), s(r.ja3), s(r.ja3s), s(r.ja4), s(r.ja4s), s(r.subject), s(r.issuer),
                             s(r.sensor), r.origPort, r.respPort, r.established, r.resumed});
}

void CollectingSink::sensorAlert(const SensorAlertRecord& r) {
    alerts.push_back(OwnedAlert{r.pos.record, r.tsUs, r.signatureId, s(r.uid), s(r.srcIp), s(r.destIp), s(r.proto),
                                s(r.appProto), s(r.signature), s(r.category), s(r.action), s(r.sensor), r.srcPort,
                                r.destPort, r.rev, r.severity});
}

void CollectingSink::reject(SourcePos pos, std::string_view reason, std::string_view raw) {
    rejects.push_back(OwnedReject{pos.record, pos.offset, s(reason), s(raw)});
}

void CollectingSink::siemRow(const SiemRowRecord& r) {
    siemRows.push_back(OwnedSiemRow{r.pos.record, r.pos.offset, s(r.product), s(r.layout), s(r.host),   s(r.process),
                                    s(r.dest),    s(r.shapes),  r.polls,      r.requests,  r.intervals, r.bytesOut,
                                    r.bytesIn,    r.paths,      r.hostsAlike, r.medianS,   r.spread,    r.p25,
                                    r.p75,        r.firstUs,    r.lastUs,     s(r.via),    s(r.src),    r.postShare});
}

CollectingSink parseFile(const char* format, const QString& path, const QString& timeZone, const QString& mapping) {
    const FormatInfo* f = findFormat(QString::fromLatin1(format));
    if (!f) {
        throw std::runtime_error(std::string("no such format: ") + format);
    }
    ParserOptions o;
    o.sourceTimeZone = timeZone;
    o.mappingPath = mapping;
    auto parser = f->create(o);
    InputReader in(path);
    CollectingSink sink;
    parser->parse(in, sink, {});
    return sink;
}

CollectingSink parseText(const char* format, const QByteArray& text, const QString& timeZone, const QString& mapping) {
    QTemporaryFile tmp;
    if (!tmp.open()) {
        throw std::runtime_error("cannot create a temporary file");
    }
    tmp.write(text);
    tmp.flush();
    return parseFile(format, tmp.fileName(), timeZone, mapping);
}

int64_t us(const char* iso) {
    int64_t v = 0;
    if (!parseIsoTimestamp(iso, v)) {
        throw std::runtime_error(std::string("bad timestamp in test: ") + iso);
    }
    return v;
}

} // namespace socwb::test
