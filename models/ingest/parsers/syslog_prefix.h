// What BIND and dnsmasq lines share when they went through syslog (or dnsmasq's own log file):
// a "Mmm dd HH:MM:SS" (RFC 3164) or RFC 3339 time stamp, an optional host name, and a program tag
// "named[1234]:" in front of the message.
//
// RFC 3164 stamps have no year. SyslogClock supplies it: the year of a reference time ("now" in
// UTC unless a caller passes another), minus one when the stamp would then lie more than two days
// in the future. So a log read in February 2025 puts "Dec 31 23:59:59" in 2024 and "Jan  1
// 00:00:01" in 2025, and a log that spans New Year comes out in order. Feb 29 goes to the latest
// leap year that keeps it in the past. Logs older than a year get the wrong year: there is no way
// to tell from the line, and the evidence record keeps the raw text to check against. Stamps are
// local time of the logging host; they are converted with the source time zone (--tz).
#pragma once

#include "ingest/read/text_util.h"

#include <QString>

#include <cstdint>
#include <string_view>

namespace socwb {

class SyslogClock {
  public:
    // referenceUtcUs < 0 means the current time.
    explicit SyslogClock(const QString& timeZone, int64_t referenceUtcUs = -1);

    // "Mar  1 14:05:11" or "Mar 1 14:05:11.123456" at the start of s. On success `consumed` is the
    // length of the stamp (not the space after it) and utcUs the time.
    bool parseRfc3164(std::string_view s, size_t& consumed, int64_t& utcUs);
    // "2024-03-01T14:05:11.123+01:00" (or without zone: local time) as the first token of s.
    bool parseRfc3339(std::string_view s, size_t& consumed, int64_t& utcUs);
    // A civil local time to UTC with the source time zone.
    int64_t localToUtc(int64_t localUs) { return tz_.toUtc(localUs); }
    bool zoneValid() const { return tz_.valid(); }

    // The year an RFC 3164 date belongs to (see above); 0 when month/day is no calendar date.
    int yearFor(int month, int day, int hour, int minute, int second) const;

  private:
    TzConverter tz_;
    int64_t referenceUs_ = 0; // as a civil time (UTC)
    int referenceYear_ = 1970;
};

struct SyslogLine {
    int64_t tsUs = 0;
    std::string_view host;    // empty when the line has none (dnsmasq's own log file)
    std::string_view program; // "named", "dnsmasq", "dnsmasq-dhcp" (without "[pid]")
    std::string_view message; // after "tag: "
};

// Splits a syslog line ("<pri>" in front is skipped). False when the line does not start with a
// time stamp followed by "[host] tag[pid]:"; `out` is then unspecified.
bool splitSyslog(std::string_view line, SyslogClock& clock, SyslogLine& out);

bool isLeapYear(int y);
int daysInMonth(int y, int m);

} // namespace socwb
