#include "ingest/read/plausibility_filter.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

namespace socwb::plausible {

namespace {

// "2024-03-01T12:34:56Z" for any year the saturated range can hold (Howard Hinnant's civil-from-
// days); QDateTime gives up past year 9999, which is exactly where hostile values live.
std::string isoUtc(int64_t tsUs) {
    constexpr int64_t kUsPerDay = 86400LL * 1000000;
    int64_t days = tsUs / kUsPerDay;
    int64_t rest = tsUs % kUsPerDay;
    if (rest < 0) {
        rest += kUsPerDay;
        --days;
    }
    const int64_t secs = rest / 1000000;
    const int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const int64_t m = mp < 10 ? mp + 3 : mp - 9;
    const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", static_cast<long long>(y),
                  static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(secs / 3600),
                  static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
    return buf;
}

bool isDottedDigits(std::string_view s) {
    bool dot = false;
    for (char c : s) {
        if (c == '.') {
            dot = true;
        } else if (c < '0' || c > '9') {
            return false;
        }
    }
    return dot;
}

} // namespace

std::optional<Problem> checkTime(int64_t tsUs) {
    if (tsUs >= kMinTsUs && tsUs < kMaxTsUs) {
        return std::nullopt;
    }
    const std::string when = isoUtc(tsUs);
    return Problem{"time " + when + " is outside 1990-01-01..2099-12-31", when};
}

std::optional<Problem> checkPort(std::string_view field, int port) {
    if (port == -1 || (port >= kMinPort && port <= kMaxPort)) {
        return std::nullopt;
    }
    return Problem{std::string(field) + " is not a port (1..65535)", std::to_string(port)};
}

std::optional<Problem> checkSensorPort(std::string_view field, int port) {
    if (port >= -1 && port <= kMaxPort) {
        return std::nullopt;
    }
    return Problem{std::string(field) + " is not a port (0..65535)", std::to_string(port)};
}

std::optional<Problem> checkCount(std::string_view field, int64_t n) {
    if (n >= -1) {
        return std::nullopt;
    }
    return Problem{std::string(field) + " is negative", std::to_string(n)};
}

bool isIpLiteral(std::string_view s) {
    if (s.empty() || s.size() > 63) {
        return false;
    }
    char buf[64];
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    unsigned char addr[16];
    if (s.find(':') == std::string_view::npos) {
        return inet_pton(AF_INET, buf, addr) == 1;
    }
    if (char* zone = std::strchr(buf, '%')) {
        *zone = '\0';
    }
    return inet_pton(AF_INET6, buf, addr) == 1;
}

bool isHostName(std::string_view s) {
    for (unsigned char c : s) {
        if (c <= 0x20 || c == 0x7F) {
            return false;
        }
        switch (c) {
        case '<':
        case '>':
        case '"':
        case '\'':
        case '`':
        case '{':
        case '}':
        case '|':
        case '^':
            return false;
        default:
            break;
        }
    }
    return true;
}

std::optional<Problem> checkAddress(std::string_view field, std::string_view s) {
    if (s.empty() || isIpLiteral(s)) {
        return std::nullopt;
    }
    if (isDottedDigits(s)) {
        return Problem{std::string(field) + " is not a valid IP address", std::string(s)};
    }
    if (s.find(':') != std::string_view::npos || !isHostName(s)) {
        return Problem{std::string(field) + " is neither an IP address nor a host name", std::string(s)};
    }
    return std::nullopt;
}

std::optional<Problem> checkHostName(std::string_view field, std::string_view s) {
    if (isHostName(s)) {
        return std::nullopt;
    }
    return Problem{std::string(field) + " is not a host name (spaces, control or markup characters)", std::string(s)};
}

std::optional<Problem> check(const ProxyRecord& r) {
    if (auto p = checkTime(r.tsUs)) {
        return p;
    }
    if (auto p = checkAddress("client address", r.clientIp)) {
        return p;
    }
    if (auto p = checkAddress("destination address", r.destIp)) {
        return p;
    }
    if (auto p = checkPort("destination port", r.port)) {
        return p;
    }
    return checkHostName("destination host", r.host);
}

std::optional<Problem> check(const DnsRecord& r) {
    if (auto p = checkTime(r.tsUs)) {
        return p;
    }
    if (auto p = checkAddress("client address", r.clientIp)) {
        return p;
    }
    if (auto p = checkAddress("server address", r.serverIp)) {
        return p;
    }
    return checkHostName("query name", r.qname);
}

std::optional<Problem> check(const AssetRecord& r) {
    if (auto p = checkAddress("address", r.ip)) {
        return p;
    }
    return checkHostName("host name", r.hostname);
}

std::optional<Problem> check(const SysmonRecord& r) {
    if (auto p = checkTime(r.tsUs)) {
        return p;
    }
    return checkHostName("computer", r.computer);
}

// A SIEM's grouped row: its first and last times, and a destination that is a name or an address.
std::optional<Problem> check(const SiemRowRecord& r) {
    for (const int64_t ts : {r.firstUs, r.lastUs}) {
        if (auto p = checkTime(ts)) {
            return p;
        }
    }
    if (r.medianS > 10.0 * 365 * 86400) {
        return Problem{"median_interval_s over ten years", std::to_string(r.medianS)};
    }
    return checkAddress("dest", r.dest);
}

namespace {
// The five-tuple's addresses and ports as every sensor record carries them.
std::optional<Problem> checkEnds(std::string_view a, int aPort, std::string_view b, int bPort) {
    if (auto p = checkAddress("originator address", a)) {
        return p;
    }
    if (auto p = checkAddress("responder address", b)) {
        return p;
    }
    if (auto p = checkSensorPort("originator port", aPort)) {
        return p;
    }
    return checkSensorPort("responder port", bPort);
}
} // namespace

std::optional<Problem> check(const ConnRecord& r) {
    if (auto p = checkTime(r.tsUs)) {
        return p;
    }
    if (auto p = checkEnds(r.origIp, r.origPort, r.respIp, r.respPort)) {
        return p;
    }
    const std::pair<const char*, int64_t> counts[] = {{"duration", r.durationUs},      {"orig_bytes", r.origBytes},
                                                      {"resp_bytes", r.respBytes},     {"orig_pkts", r.origPkts},
                                                      {"resp_pkts", r.respPkts},       {"orig_ip_bytes", r.origIpBytes},
                                                      {"resp_ip_bytes", r.respIpBytes}};
    for (const auto& [field, n] : counts) {
        if (auto p = checkCount(field, n)) {
            return p;
        }
    }
    return std::nullopt;
}

std::optional<Problem> check(const TlsRecord& r) {
    if (auto p = checkTime(r.tsUs)) {
        return p;
    }
    if (auto p = checkEnds(r.origIp, r.origPort, r.respIp, r.respPort)) {
        return p;
    }
    return checkHostName("server name", r.serverName);
}

std::optional<Problem> check(const SensorAlertRecord& r) {
    if (auto p = checkTime(r.tsUs)) {
        return p;
    }
    return checkEnds(r.srcIp, r.srcPort, r.destIp, r.destPort);
}

} // namespace socwb::plausible

namespace socwb {

template <class Record> bool PlausibilityFilter::passes(const Record& r) {
    const auto problem = plausible::check(r);
    if (!problem) {
        return true;
    }
    next_.reject(r.pos, "implausible value: " + problem->reason, problem->value);
    return false;
}

void PlausibilityFilter::proxy(const ProxyRecord& r) {
    if (passes(r)) {
        next_.proxy(r);
    }
}

void PlausibilityFilter::dns(const DnsRecord& r) {
    if (passes(r)) {
        next_.dns(r);
    }
}

void PlausibilityFilter::siemRow(const SiemRowRecord& r) {
    if (passes(r)) {
        next_.siemRow(r);
    }
}

void PlausibilityFilter::asset(const AssetRecord& r) {
    if (passes(r)) {
        next_.asset(r);
    }
}

void PlausibilityFilter::sysmon(const SysmonRecord& r) {
    if (passes(r)) {
        next_.sysmon(r);
    }
}

void PlausibilityFilter::connection(const ConnRecord& r) {
    if (passes(r)) {
        next_.connection(r);
    }
}

void PlausibilityFilter::tls(const TlsRecord& r) {
    if (passes(r)) {
        next_.tls(r);
    }
}

void PlausibilityFilter::sensorAlert(const SensorAlertRecord& r) {
    if (passes(r)) {
        next_.sensorAlert(r);
    }
}

} // namespace socwb
