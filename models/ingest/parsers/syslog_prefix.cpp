#include "syslog_prefix.h"

#include "ingest/read/text_util.h"

#include <QDateTime>

namespace socwb {

namespace {
constexpr int64_t kDayUs = 86400LL * 1000000;

bool readFraction(std::string_view s, size_t& i, int64_t& fracUs) {
    fracUs = 0;
    if (i >= s.size() || (s[i] != '.' && s[i] != ',')) {
        return true;
    }
    ++i;
    int n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (n < 6) {
            fracUs = fracUs * 10 + (s[i] - '0');
            ++n;
        }
        ++i;
    }
    if (n == 0) {
        return false;
    }
    while (n < 6) {
        fracUs *= 10;
        ++n;
    }
    return true;
}
} // namespace

bool isLeapYear(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int daysInMonth(int y, int m) {
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) {
        return 0;
    }
    return m == 2 && isLeapYear(y) ? 29 : kDays[m - 1];
}

SyslogClock::SyslogClock(const QString& timeZone, int64_t referenceUtcUs) : tz_(timeZone) {
    if (referenceUtcUs < 0) {
        referenceUtcUs = QDateTime::currentMSecsSinceEpoch() * 1000;
    }
    referenceUs_ = referenceUtcUs;
    referenceYear_ = QDateTime::fromMSecsSinceEpoch(referenceUtcUs / 1000, QTimeZone::utc()).date().year();
}

int SyslogClock::yearFor(int month, int day, int hour, int minute, int second) const {
    if (month < 1 || month > 12 || day < 1 || day > 31) {
        return 0;
    }
    int y = referenceYear_;
    // Two days of slack: the reference is UTC, the stamp local time, and clocks drift.
    if (day <= daysInMonth(y, month) && civilToUs(y, month, day, hour, minute, second) <= referenceUs_ + 2 * kDayUs) {
        return y;
    }
    for (y = referenceYear_ - 1; y >= referenceYear_ - 8; --y) {
        if (day <= daysInMonth(y, month)) {
            return y;
        }
    }
    return 0;
}

bool SyslogClock::parseRfc3164(std::string_view s, size_t& consumed, int64_t& utcUs) {
    if (s.size() < 15) {
        return false;
    }
    const int month = monthFromAbbrev(s.substr(0, 3));
    if (month == 0 || s[3] != ' ') {
        return false;
    }
    size_t i = 3;
    while (i < s.size() && s[i] == ' ') {
        ++i;
    }
    int day, h, mi, sec;
    if (!readDigits(s, i, 1, 2, day) || i >= s.size() || s[i] != ' ') {
        return false;
    }
    while (i < s.size() && s[i] == ' ') {
        ++i;
    }
    if (!readDigits(s, i, 2, 2, h) || i >= s.size() || s[i++] != ':' || !readDigits(s, i, 2, 2, mi) || i >= s.size() ||
        s[i++] != ':' || !readDigits(s, i, 2, 2, sec)) {
        return false;
    }
    int64_t frac = 0;
    if (!readFraction(s, i, frac) || h > 23 || mi > 59 || sec > 60) {
        return false;
    }
    const int year = yearFor(month, day, h, mi, sec);
    if (year == 0) {
        return false;
    }
    consumed = i;
    utcUs = tz_.toUtc(civilToUs(year, month, day, h, mi, sec, frac));
    return true;
}

bool SyslogClock::parseRfc3339(std::string_view s, size_t& consumed, int64_t& utcUs) {
    const size_t end = s.find(' ');
    const std::string_view token = s.substr(0, end);
    if (token.size() < 19 || token[4] != '-' || token[10] != 'T') {
        return false;
    }
    bool hasZone = false;
    int64_t us = 0;
    if (!parseIsoTimestamp(token, us, &hasZone)) {
        return false;
    }
    consumed = token.size();
    utcUs = hasZone ? us : tz_.toUtc(us);
    return true;
}

bool splitSyslog(std::string_view line, SyslogClock& clock, SyslogLine& out) {
    // "<30>Mar  1 ...": a priority left in by a network syslog receiver
    if (line.size() > 3 && line[0] == '<') {
        size_t e = 1;
        while (e < line.size() && e < 5 && line[e] >= '0' && line[e] <= '9') {
            ++e;
        }
        if (e > 1 && e < line.size() && line[e] == '>') {
            line.remove_prefix(e + 1);
        }
    }
    size_t i = 0;
    if (!clock.parseRfc3164(line, i, out.tsUs) && !clock.parseRfc3339(line, i, out.tsUs)) {
        return false;
    }
    auto skipSpaces = [&] {
        while (i < line.size() && line[i] == ' ') {
            ++i;
        }
    };
    auto token = [&] {
        const size_t b = i;
        while (i < line.size() && line[i] != ' ') {
            ++i;
        }
        return line.substr(b, i - b);
    };
    if (i >= line.size() || line[i] != ' ') {
        return false;
    }
    skipSpaces();
    std::string_view first = token();
    out.host = {};
    if (first.empty()) {
        return false;
    }
    if (first.back() != ':') {
        out.host = first;
        skipSpaces();
        first = token();
        if (first.empty() || first.back() != ':') {
            return false;
        }
    }
    std::string_view tag = first.substr(0, first.size() - 1);
    const size_t bracket = tag.find('[');
    if (bracket != std::string_view::npos) {
        if (tag.back() != ']') {
            return false;
        }
        tag = tag.substr(0, bracket);
    }
    if (tag.empty()) {
        return false;
    }
    out.program = tag;
    if (i < line.size()) {
        ++i; // the one space after "tag:"
    }
    out.message = line.substr(i);
    return true;
}

} // namespace socwb
