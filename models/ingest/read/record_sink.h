// Where parsers put what they read. The case writer implements it for real imports; tests use a
// collecting sink. Parsers know nothing of SQLite.
#pragma once

#include "ingest/read/records.h"

#include <string_view>

namespace socwb {

class RecordSink {
  public:
    virtual ~RecordSink() = default;
    virtual void proxy(const ProxyRecord& r) = 0;
    virtual void dns(const DnsRecord& r) = 0;
    virtual void asset(const AssetRecord& r) = 0;
    // Endpoint events; sinks that do not care about them keep the empty default.
    virtual void sysmon(const SysmonRecord& /*r*/) {}
    // Network sensor evidence; sinks that do not care about it keep the empty defaults.
    virtual void connection(const ConnRecord& /*r*/) {}
    virtual void tls(const TlsRecord& /*r*/) {}
    virtual void sensorAlert(const SensorAlertRecord& /*r*/) {}
    // A SIEM's grouped hunt result row (pre-aggregated channel); sinks that do not care keep the default.
    virtual void siemRow(const SiemRowRecord& /*r*/) {}
    // A line or record that could not be read: kept with its position, a reason a person
    // understands ("status is not a number: 'abc'"), and the raw bytes (cut by the sink).
    virtual void reject(SourcePos pos, std::string_view reason, std::string_view raw) = 0;
};

} // namespace socwb
