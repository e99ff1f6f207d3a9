#include "ingest/read/format_registry.h"

#include "ingest/parsers/assets_parser.h"
#include "ingest/parsers/bind_parser.h"
#include "ingest/parsers/combined_parser.h"
#include "ingest/parsers/csv_parser.h"
#include "ingest/parsers/dnsmasq_parser.h"
#include "ingest/parsers/evtx_parser.h"
#include "ingest/parsers/siem_results_parser.h"
#include "ingest/parsers/squid_parser.h"
#include "ingest/parsers/suricata_eve_parser.h"
#include "ingest/parsers/sysmon_json_parser.h"
#include "ingest/parsers/sysmon_xml_parser.h"
#include "ingest/parsers/w3c_parser.h"
#include "ingest/parsers/windows_dns_parser.h"
#include "ingest/parsers/zeek_conn_parser.h"
#include "ingest/parsers/zeek_dns_parser.h"
#include "ingest/parsers/zeek_http_parser.h"
#include "ingest/parsers/zeek_ssl_parser.h"

namespace socwb {

namespace {
template <class P> std::unique_ptr<Parser> make(const ParserOptions& o) {
    return std::make_unique<P>(o);
}
} // namespace

const std::vector<FormatInfo>& formats() {
    static const std::vector<FormatInfo> kFormats{
        {"squid", "proxy", "Squid native access.log (also TCP_TUNNEL CONNECT and ssl-bump lines)", &SquidParser::sniff,
         &make<SquidParser>},
        {"assets", "assets", "Asset inventory CSV: ip,hostname,role,owner", &AssetsParser::sniff, &make<AssetsParser>},
        {"combined", "proxy",
         "Squid/Apache combined access log (\"request\" status bytes \"referer\" \"agent\" [Ss:Sh])",
         &CombinedParser::sniff, &make<CombinedParser>},
        {"csv", "proxy", "CSV export with a header row, read through a mapping (mappings/*.json or --mapping FILE)",
         &CsvProxyParser::sniff, &make<CsvProxyParser>},
        {"windows-dns", "dns", "Windows DNS Server debug log (PACKET ... UDP Rcv ... Q [...] A (7)example(3)com(0))",
         &WindowsDnsParser::sniff, &make<WindowsDnsParser>},
        {"bind", "dns", "BIND 9 query log (client ... query: NAME IN TYPE ...), plain or via syslog",
         &BindParser::sniff, &make<BindParser>},
        {"dnsmasq", "dns", "dnsmasq / Pi-hole query log (query[A] NAME from CLIENT, reply/cached lines joined)",
         &DnsmasqParser::sniff, &make<DnsmasqParser>},
        {"evtx", "sysmon", "Windows .evtx event log (Sysmon/Operational, Security 4688/4698, any channel) via libevtx",
         &EvtxParser::sniff, &make<EvtxParser>},
        {"sysmon-xml", "sysmon",
         "Windows event XML: wevtutil /f:xml, Get-WinEvent ToXml, <Events>-wrapped, Sysmon for Linux syslog lines",
         &SysmonXmlParser::sniff, &make<SysmonXmlParser>},
        {"sysmon-json", "sysmon",
         "Windows events as JSON lines: Winlogbeat/ECS, NXLog flat, Splunk export, Azure Sentinel "
         "(mappings/sysmon-*.json)",
         &SysmonJsonParser::sniff, &make<SysmonJsonParser>},
        {"zeek-http", "proxy", "Zeek http.log, TSV (#fields header) or JSON lines", &ZeekHttpParser::sniff,
         &make<ZeekHttpParser>},
        {"zeek-dns", "dns", "Zeek dns.log, TSV (#fields header) or JSON lines", &ZeekDnsParser::sniff,
         &make<ZeekDnsParser>},
        {"zeek-conn", "sensor", "Zeek conn.log, TSV (#fields header) or JSON lines (also '_' field names, @stream)",
         &ZeekConnParser::sniff, &make<ZeekConnParser>},
        {"zeek-ssl", "sensor", "Zeek ssl.log (TLS server name, version, JA3/JA4), TSV or JSON lines",
         &ZeekSslParser::sniff, &make<ZeekSslParser>},
        {"suricata-eve", "sensor", "Suricata eve.json: flow, tls, http, dns (answer versions 1 and 2) and alert events",
         &SuricataEveParser::sniff, &make<SuricataEveParser>},
        {"w3c", "proxy", "W3C extended log (#Fields: header): Blue Coat / ProxySG, IIS, other gateways",
         &W3cParser::sniff, &make<W3cParser>},
        {"siem-results", "siem",
         "socwb hunt results from the SIEM: Splunk CSV/JSON, Defender/Sentinel CSV/JSON, Elastic ES|QL CSV/JSON",
         &SiemResultsParser::sniff, &make<SiemResultsParser>},
    };
    return kFormats;
}

const FormatInfo* findFormat(const QString& name) {
    for (const auto& f : formats()) {
        if (name == QLatin1String(f.name)) {
            return &f;
        }
    }
    return nullptr;
}

Detection detectFormat(const SniffSample& sample) {
    Detection d;
    QStringList tried;
    int best = 0;
    for (const auto& f : formats()) {
        tried << QString::fromLatin1(f.name);
        // EVTX is the one binary format; it recognises its own file header.
        if (sample.empty || !sample.archive.isEmpty() || (sample.binary && std::string_view(f.name) != "evtx")) {
            continue;
        }
        const int score = f.sniff(sample);
        if (score > best) {
            best = score;
            d.format = &f;
        }
    }
    if (best < 50) {
        d.format = nullptr;
        if (!sample.error.isEmpty()) {
            d.reason = sample.error;
            return d;
        }
        const QString what =
            !sample.archive.isEmpty()
                ? QStringLiteral("an archive (%1): its members are imported one by one").arg(sample.archive)
            : sample.empty  ? QStringLiteral("the file is empty")
            : sample.binary ? QStringLiteral("the file holds binary data")
                            : QStringLiteral("no format recognised its first lines");
        d.reason = QStringLiteral("%1; formats tried: %2").arg(what, tried.join(QStringLiteral(", ")));
    }
    return d;
}

} // namespace socwb
