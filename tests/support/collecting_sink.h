// A RecordSink for tests: keeps owned copies of everything a parser produced, so tests can assert
// field values after the parser's buffers are gone.
#pragma once

#include "ingest/read/record_sink.h"

#include <QString>

#include <string>
#include <utility>
#include <vector>

namespace socwb::test {

struct OwnedProxy {
    int64_t line = 0, tsUs = 0;
    std::string clientIp, user, method, url, scheme, host, path, query, destIp, userAgent, contentType, action,
        referrer;
    int port = -1, status = -1;
    int64_t bytesOut = -1, bytesIn = -1, durationMs = -1;
};

struct OwnedDns {
    int64_t line = 0, tsUs = 0;
    std::string clientIp, qname, qtype, rcode, answers, ttls, serverIp, protocol;
};

struct OwnedAsset {
    int64_t line = 0;
    std::string ip, hostname, role, owner;
};

struct OwnedSysmon {
    int64_t line = 0, offset = 0, tsUs = 0, recordNumber = -1;
    int eventId = -1;
    std::string computer, channel, provider;
    std::vector<std::pair<std::string, std::string>> fields;
    const std::string* find(const std::string& name) const {
        for (const auto& [n, v] : fields) {
            if (n == name) {
                return &v;
            }
        }
        return nullptr;
    }
    std::string field(const std::string& name) const { return find(name) ? *find(name) : std::string(); }
};

struct OwnedConn {
    int64_t line = 0, tsUs = 0, durationUs = -1;
    std::string uid, origIp, respIp, proto, service, state, history, sensor;
    int origPort = -1, respPort = -1;
    int64_t origBytes = -1, respBytes = -1, origIpBytes = -1, respIpBytes = -1, origPkts = -1, respPkts = -1;
};

struct OwnedTls {
    int64_t line = 0, tsUs = 0;
    std::string uid, origIp, respIp, serverName, version, cipher, ja3, ja3s, ja4, ja4s, subject, issuer, sensor;
    int origPort = -1, respPort = -1, established = -1, resumed = -1;
};

struct OwnedAlert {
    int64_t line = 0, tsUs = 0, signatureId = -1;
    std::string uid, srcIp, destIp, proto, appProto, signature, category, action, sensor;
    int srcPort = -1, destPort = -1, rev = -1, severity = -1;
};

struct OwnedSiemRow {
    int64_t line = 0, offset = 0;
    std::string product, layout, host, process, dest, shapes;
    int64_t polls = -1, requests = -1, intervals = -1, bytesOut = -1, bytesIn = -1, paths = -1, hostsAlike = -1;
    double medianS = -1, spread = -1, p25 = -1, p75 = -1;
    int64_t firstUs = 0, lastUs = 0;
    std::string via, src;
    double postShare = -1;
};

struct OwnedReject {
    int64_t line = 0, offset = 0;
    std::string reason, raw;
};

class CollectingSink : public RecordSink {
  public:
    std::vector<OwnedProxy> proxies;
    std::vector<OwnedDns> dnses;
    std::vector<OwnedAsset> assets;
    std::vector<OwnedSysmon> sysmons;
    std::vector<OwnedConn> conns;
    std::vector<OwnedTls> tlses;
    std::vector<OwnedAlert> alerts;
    std::vector<OwnedSiemRow> siemRows;
    std::vector<OwnedReject> rejects;

    void proxy(const ProxyRecord& r) override;
    void dns(const DnsRecord& r) override;
    void asset(const AssetRecord& r) override;
    void sysmon(const SysmonRecord& r) override;
    void connection(const ConnRecord& r) override;
    void tls(const TlsRecord& r) override;
    void sensorAlert(const SensorAlertRecord& r) override;
    void siemRow(const SiemRowRecord& r) override;
    void reject(SourcePos pos, std::string_view reason, std::string_view raw) override;
};

// Parses a whole file with the named format's parser into a CollectingSink.
// Throws what the parser throws.
CollectingSink parseFile(const char* format, const QString& path, const QString& timeZone = QStringLiteral("UTC"),
                         const QString& mapping = {});
// Parses text (written to a temporary file first) the same way.
CollectingSink parseText(const char* format, const QByteArray& text, const QString& timeZone = QStringLiteral("UTC"),
                         const QString& mapping = {});

// "2024-03-01T12:34:56.789Z" -> microseconds, for readable expectations.
int64_t us(const char* iso);

} // namespace socwb::test
