// The one check every parsed record passes before it reaches the case, whatever parser made it:
// times within the years a log can come from, addresses that are addresses, ports that are ports,
// host names without markup. Parsers read syntax; this decides what is believable, and its bounds
// live here and nowhere else. An implausible record becomes a reject that says which value failed
// and why (the reject's raw bytes are that value; line and offset point to the original).
#pragma once

#include "ingest/read/record_sink.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace socwb {

namespace plausible {

// [kMinTsUs, kMaxTsUs): 1990-01-01T00:00:00Z up to, not including, 2100-01-01T00:00:00Z.
inline constexpr int64_t kMinTsUs = 631152000LL * 1000000;
inline constexpr int64_t kMaxTsUs = 4102444800LL * 1000000;
inline constexpr int kMinPort = 1;
inline constexpr int kMaxPort = 65535;

// What is wrong with one value, or nullopt when it is believable. Empty values and the -1 "absent"
// sentinel are always fine: a format may lack the field.
struct Problem {
    std::string reason;
    std::string value;
};
std::optional<Problem> checkTime(int64_t tsUs);
std::optional<Problem> checkPort(std::string_view field, int port);
// A port as a network sensor logs it: 0 too (Zeek writes ICMP codes in the port fields).
std::optional<Problem> checkSensorPort(std::string_view field, int port);
// A count or a duration: absent (-1) or not negative.
std::optional<Problem> checkCount(std::string_view field, int64_t n);
// An IPv4 or IPv6 literal (an IPv6 zone "%eth0" allowed).
bool isIpLiteral(std::string_view s);
// A name as a resolver or a log would write it: no spaces, control bytes or markup characters.
bool isHostName(std::string_view s);
// An address field: an IP literal, or a host name when the log resolved it (Squid's log_fqdn),
// but never something that looks like a dotted quad and is not one (999.999.999.999).
std::optional<Problem> checkAddress(std::string_view field, std::string_view s);
std::optional<Problem> checkHostName(std::string_view field, std::string_view s);

std::optional<Problem> check(const ProxyRecord& r);
std::optional<Problem> check(const DnsRecord& r);
std::optional<Problem> check(const AssetRecord& r);
std::optional<Problem> check(const SysmonRecord& r);
std::optional<Problem> check(const ConnRecord& r);
std::optional<Problem> check(const TlsRecord& r);
std::optional<Problem> check(const SensorAlertRecord& r);
std::optional<Problem> check(const SiemRowRecord& r);

} // namespace plausible

// Passes believable records on to `next` and turns the others into rejects there.
class PlausibilityFilter : public RecordSink {
  public:
    explicit PlausibilityFilter(RecordSink& next) : next_(next) {}
    void proxy(const ProxyRecord& r) override;
    void dns(const DnsRecord& r) override;
    void asset(const AssetRecord& r) override;
    void sysmon(const SysmonRecord& r) override;
    void connection(const ConnRecord& r) override;
    void tls(const TlsRecord& r) override;
    void sensorAlert(const SensorAlertRecord& r) override;
    void siemRow(const SiemRowRecord& r) override;
    void reject(SourcePos pos, std::string_view reason, std::string_view raw) override {
        next_.reject(pos, reason, raw);
    }

  private:
    template <class Record> bool passes(const Record& r);
    RecordSink& next_;
};

} // namespace socwb
