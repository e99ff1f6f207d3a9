// What recorded an event a channel holds, and what one such event stands for. Every member of a
// channel has a source; every source a timing class: a request (one HTTP request), a session (a
// tunnel or connection that can carry many polls), or a lookup (a DNS query, paced by a cache).
// The names are what features store and what explain and the alert detail show. A new kind of
// evidence adds a row here; nothing else decides what its events mean (docs/scoring.md, "Channel
// model II", section 1).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace socwb::scoring {

enum class MemberSource : uint8_t {
    Http = 0,   // proxy_rows that are not CONNECT: one request
    Connect,    // proxy_rows with method CONNECT: one tunnel
    SysmonNet,  // net_connections (Sysmon EID 3): one TCP connection
    SensorConn, // network-sensor connections with their TLS session (#26): one connection; no reader yet
    DnsLog,     // dns_rows (resolver logs): one lookup the resolver saw
    SysmonDns,  // dns_queries (Sysmon EID 22): one lookup the client made
};
inline constexpr int kMemberSourceCount = 6;

enum class TimingClass : uint8_t { Request = 0, Session = 1, Lookup = 2 };

struct MemberSourceInfo {
    MemberSource source;
    std::string_view name; // stored in features, shown in explain and the detail
    TimingClass timingClass;
    std::string_view what; // one event is ... (for sentences)
};

inline constexpr std::array<MemberSourceInfo, kMemberSourceCount> kMemberSources{{
    {MemberSource::Http, "http", TimingClass::Request, "request"},
    {MemberSource::Connect, "connect", TimingClass::Session, "CONNECT tunnel"},
    {MemberSource::SysmonNet, "sysmon_net", TimingClass::Session, "Sysmon connection"},
    {MemberSource::SensorConn, "sensor_conn", TimingClass::Session, "sensor connection"},
    {MemberSource::DnsLog, "dns_log", TimingClass::Lookup, "resolver-log lookup"},
    {MemberSource::SysmonDns, "sysmon_dns", TimingClass::Lookup, "Sysmon DNS query"},
}};

constexpr const MemberSourceInfo& sourceInfo(MemberSource s) {
    return kMemberSources[static_cast<size_t>(s)];
}
constexpr std::string_view sourceName(MemberSource s) {
    return sourceInfo(s).name;
}
constexpr TimingClass timingClassOf(MemberSource s) {
    return sourceInfo(s).timingClass;
}
constexpr std::string_view timingClassName(TimingClass c) {
    return c == TimingClass::Request ? "request" : c == TimingClass::Session ? "session" : "lookup";
}
inline std::optional<MemberSource> sourceFromName(std::string_view name) {
    for (const MemberSourceInfo& i : kMemberSources) {
        if (i.name == name) {
            return i.source;
        }
    }
    return std::nullopt;
}

} // namespace socwb::scoring
