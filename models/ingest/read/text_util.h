// Allocation-free helpers the parsers share: splitting, number and time parsing, URL splitting,
// UTF-8 checks, and local-time-to-UTC conversion with a per-hour cache.
#pragma once

#include <QTimeZone>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace socwb {

bool isBlank(std::string_view s);
// The number of '\n' in s. By memchr, newline to newline: a few per megabyte in an event-XML
// export, where std::count looks at every byte one by one.
int64_t countNewlines(std::string_view s);
// A copy of s with ASCII letters in lower case (other bytes as they are).
std::string toLowerAscii(std::string_view s);
std::string_view trim(std::string_view s);
// The one rule for NUL bytes in evidence text: a NUL is never valid here, so it is written as the
// text "\x00" like any byte that is not UTF-8 — the line is kept, and a name with a NUL in it
// ("ex\x00ample.com") shows whole instead of ending at the NUL.
bool isValidUtf8(std::string_view s);
// Copies s into out with each byte that is not part of valid UTF-8 (or is NUL) written as "\xNN".
void escapeInvalidUtf8(std::string_view s, std::string& out);

// Splits on one separator character; consecutive separators give empty fields. Reuses `out`.
void splitOn(std::string_view s, char sep, std::vector<std::string_view>& out);
// Splits on runs of spaces/tabs (Squid native pads fields with spaces).
void splitWhitespace(std::string_view s, std::vector<std::string_view>& out);
// Splits a line of whitespace-separated fields where "double quoted" and [bracketed] fields may
// contain spaces (Apache/Squid combined). Quotes and brackets are stripped from the field.
bool splitQuoted(std::string_view s, std::vector<std::string_view>& out);

// One CSV record (RFC 4180 quoting) read from `text` at `pos`: fields go to `out`, `pos` moves past
// the record's line end ("\n" or "\r\n"), and `newlines` counts the line ends consumed, those
// inside quoted fields included (a quoted field may span lines, as Splunk writes a multivalue
// cell). Quoted fields are unescaped into `scratch`, so the views stay valid until the next call
// with the same `scratch`. Characters after a closing quote up to the separator are dropped.
// Returns false for a quote left open at the end of `text` (`pos` is then at the end).
bool readCsvRecord(std::string_view text, size_t& pos, char sep, std::vector<std::string_view>& out,
                   std::string& scratch, int64_t& newlines);

// One CSV record that is one line: readCsvRecord over `s` (a line end in `s` ends the record).
// Returns false for an unterminated quote.
bool splitCsv(std::string_view s, char sep, std::vector<std::string_view>& out, std::string& scratch);

// The start of s for a reject reason: at most n bytes, never cut inside a UTF-8 character, "..."
// appended when s was longer.
std::string excerpt(std::string_view s, size_t n = 100);

// True when s is one or more ASCII digits.
bool isDigits(std::string_view s);
// The n digits at s[pos..pos+n) as a number; false when any is not a digit or s is too short.
bool fixedDigits(std::string_view s, size_t pos, size_t n, int& out);
// Reads minDigits..maxDigits digits from s[i], advancing i; false when fewer than minDigits.
bool readDigits(std::string_view s, size_t& i, size_t minDigits, size_t maxDigits, int& out);

bool parseInt(std::string_view s, int64_t& out);
bool parseInt(std::string_view s, int& out);
// "1157689324.156" (seconds, optional fraction up to microseconds) -> microseconds.
bool parseEpochSeconds(std::string_view s, int64_t& us);

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d);
// Civil date/time (no zone) -> microseconds since the epoch, as if it were UTC.
int64_t civilToUs(int y, int mo, int d, int h, int mi, int s, int64_t frac_us = 0);
// "2024-03-01T12:34:56.789Z", "2024-03-01 12:34:56", with optional fraction and Z/+hh:mm/-hhmm.
// A string without zone designator is taken as given (hasZone false), i.e. as UTC unless the
// caller converts it with a TzConverter.
bool parseIsoTimestamp(std::string_view s, int64_t& us, bool* hasZone = nullptr);
// "Jan".."Dec" -> 1..12, 0 when not a month abbreviation (case-insensitive).
int monthFromAbbrev(std::string_view s);
// Common log format time "10/Oct/2000:13:55:36 -0700" (with or without brackets) -> UTC us.
bool parseClfTime(std::string_view s, int64_t& us);

struct UrlParts {
    std::string_view scheme;
    std::string_view host;
    int port = -1;
    std::string_view path;
    std::string_view query;
};
// Splits "https://h:8443/p/a?q=1", "h:443" (CONNECT authority form) and "/p?q" (origin form).
// Brackets around IPv6 literals are stripped from host. Default ports come from the scheme.
UrlParts splitUrl(std::string_view url);

// Converts civil local times of one named zone to UTC; caches the offset per local hour so the
// per-line cost is a hash lookup.
class TzConverter {
  public:
    explicit TzConverter(const QString& ianaId = QStringLiteral("UTC"));
    bool valid() const { return valid_; }
    bool isUtc() const { return utc_; }
    int64_t toUtc(int64_t localUs);

  private:
    QTimeZone tz_;
    bool valid_ = true;
    bool utc_ = true;
    std::unordered_map<int64_t, int64_t> offsetByHour_;
};

} // namespace socwb
