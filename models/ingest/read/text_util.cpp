#include "ingest/read/text_util.h"

#include <QDateTime>

#include <charconv>
#include <cstring>

namespace socwb {

std::string toLowerAscii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

bool isBlank(std::string_view s) {
    for (char c : s) {
        if (c != ' ' && c != '\t' && c != '\r') {
            return false;
        }
    }
    return true;
}

int64_t countNewlines(std::string_view s) {
    int64_t n = 0;
    const char* p = s.data();
    const char* const end = p + s.size();
    while (p < end) {
        const void* nl = std::memchr(p, '\n', size_t(end - p));
        if (!nl) {
            break;
        }
        ++n;
        p = static_cast<const char*>(nl) + 1;
    }
    return n;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

namespace {
// Length of the valid UTF-8 sequence at p (1..4), or 0 when it is not valid.
size_t utf8SeqLen(const unsigned char* p, size_t n) {
    const unsigned char c = p[0];
    if (c == 0) {
        return 0; // NUL: see isValidUtf8()
    }
    if (c < 0x80) {
        return 1;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len) {
        return 0;
    }
    for (size_t i = 1; i < len; ++i) {
        if ((p[i] & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    // Overlong encodings, surrogates and values past U+10FFFF are not valid UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return len;
}
} // namespace

bool isValidUtf8(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    size_t n = s.size();
    size_t i = 0;
    while (i < n) {
        // ASCII fast path, eight bytes at a time: no high bit set and no zero byte.
        if (i + 8 <= n) {
            uint64_t w;
            std::memcpy(&w, p + i, 8);
            const uint64_t zeroByte = (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
            if ((w & 0x8080808080808080ULL) == 0 && zeroByte == 0) {
                i += 8;
                continue;
            }
        }
        const size_t len = utf8SeqLen(p + i, n - i);
        if (len == 0) {
            return false;
        }
        i += len;
    }
    return true;
}

void escapeInvalidUtf8(std::string_view s, std::string& out) {
    static const char* kHex = "0123456789ABCDEF";
    out.clear();
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    size_t i = 0;
    while (i < s.size()) {
        const size_t len = utf8SeqLen(p + i, s.size() - i);
        if (len == 0) {
            out += "\\x";
            out += kHex[p[i] >> 4];
            out += kHex[p[i] & 0xF];
            ++i;
        } else {
            out.append(s.data() + i, len);
            i += len;
        }
    }
}

void splitOn(std::string_view s, char sep, std::vector<std::string_view>& out) {
    out.clear();
    size_t start = 0;
    for (;;) {
        const size_t p = s.find(sep, start);
        if (p == std::string_view::npos) {
            out.push_back(s.substr(start));
            return;
        }
        out.push_back(s.substr(start, p - start));
        start = p + 1;
    }
}

void splitWhitespace(std::string_view s, std::vector<std::string_view>& out) {
    out.clear();
    size_t i = 0;
    const size_t n = s.size();
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t')) {
            ++i;
        }
        if (i >= n) {
            break;
        }
        const size_t b = i;
        while (i < n && s[i] != ' ' && s[i] != '\t') {
            ++i;
        }
        out.push_back(s.substr(b, i - b));
    }
}

bool splitQuoted(std::string_view s, std::vector<std::string_view>& out) {
    out.clear();
    size_t i = 0;
    const size_t n = s.size();
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t')) {
            ++i;
        }
        if (i >= n) {
            break;
        }
        const char open = s[i];
        if (open == '"' || open == '[') {
            const char close = open == '"' ? '"' : ']';
            size_t j = i + 1;
            while (j < n && s[j] != close) {
                if (s[j] == '\\' && open == '"' && j + 1 < n) {
                    ++j; // an escaped quote inside a quoted field
                }
                ++j;
            }
            if (j >= n) {
                return false; // unterminated
            }
            out.push_back(s.substr(i + 1, j - i - 1));
            i = j + 1;
        } else {
            const size_t b = i;
            while (i < n && s[i] != ' ' && s[i] != '\t') {
                ++i;
            }
            out.push_back(s.substr(b, i - b));
        }
    }
    return true;
}

std::string excerpt(std::string_view s, size_t n) {
    // Cut before a UTF-8 continuation byte, never inside a character: a reason must stay text.
    while (n > 0 && n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) {
        --n;
    }
    std::string out(s.substr(0, n));
    if (s.size() > n) {
        out += "...";
    }
    return out;
}

bool isDigits(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

bool fixedDigits(std::string_view s, size_t pos, size_t n, int& out) {
    if (pos + n > s.size()) {
        return false;
    }
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

bool readDigits(std::string_view s, size_t& i, size_t minDigits, size_t maxDigits, int& out) {
    size_t n = 0;
    int v = 0;
    while (i < s.size() && n < maxDigits && s[i] >= '0' && s[i] <= '9') {
        v = v * 10 + (s[i] - '0');
        ++i;
        ++n;
    }
    out = v;
    return n >= minDigits;
}

bool readCsvRecord(std::string_view text, size_t& pos, char sep, std::vector<std::string_view>& out,
                   std::string& scratch, int64_t& newlines) {
    out.clear();
    scratch.clear();
    // Where each field is: in `text`, or (unescaped) in `scratch`; views are made at the end, once
    // `scratch` has stopped growing.
    struct Span {
        bool inScratch;
        size_t begin, size;
    };
    thread_local std::vector<Span> spans;
    spans.clear();
    const size_t n = text.size();
    size_t i = pos;
    bool ok = true;
    for (;;) {
        if (i < n && text[i] == '"') {
            const size_t begin = scratch.size();
            size_t j = i + 1;
            bool closed = false;
            while (j < n) {
                const char c = text[j];
                if (c == '"') {
                    if (j + 1 < n && text[j + 1] == '"') {
                        scratch += '"';
                        j += 2;
                        continue;
                    }
                    closed = true;
                    break;
                }
                newlines += c == '\n';
                scratch += c;
                ++j;
            }
            spans.push_back({true, begin, scratch.size() - begin});
            if (!closed) {
                i = n;
                ok = false;
                break;
            }
            i = j + 1;
            while (i < n && text[i] != sep && text[i] != '\n') {
                ++i; // tolerate stray characters after the closing quote
            }
        } else {
            size_t p = i;
            while (p < n && text[p] != sep && text[p] != '\n') {
                ++p;
            }
            size_t end = p;
            if (end > i && text[end - 1] == '\r' && (p == n || text[p] == '\n')) {
                --end; // the record ends in "\r\n"
            }
            spans.push_back({false, i, end - i});
            i = p;
        }
        if (i >= n) {
            break;
        }
        if (text[i] == '\n') {
            ++newlines;
            ++i;
            break;
        }
        ++i; // skip the separator
        if (i == n || text[i] == '\n' || (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n')) {
            spans.push_back({false, i, 0}); // a trailing separator: one more, empty field
            if (i < n) {
                i += text[i] == '\r' ? 2 : 1;
                ++newlines;
            }
            break;
        }
    }
    pos = i;
    for (const Span& s : spans) {
        out.push_back(s.inScratch ? std::string_view(scratch).substr(s.begin, s.size) : text.substr(s.begin, s.size));
    }
    return ok;
}

bool splitCsv(std::string_view s, char sep, std::vector<std::string_view>& out, std::string& scratch) {
    size_t pos = 0;
    int64_t newlines = 0;
    return readCsvRecord(s, pos, sep, out, scratch, newlines);
}

bool parseInt(std::string_view s, int64_t& out) {
    if (!s.empty() && s.front() == '+') {
        s.remove_prefix(1);
    }
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

bool parseInt(std::string_view s, int& out) {
    int64_t v = 0;
    if (!parseInt(s, v) || v < INT32_MIN || v > INT32_MAX) {
        return false;
    }
    out = static_cast<int>(v);
    return true;
}

bool parseEpochSeconds(std::string_view s, int64_t& us) {
    const size_t dot = s.find('.');
    int64_t secs = 0;
    if (!parseInt(s.substr(0, dot), secs)) {
        return false;
    }
    int64_t frac = 0;
    if (dot != std::string_view::npos) {
        std::string_view f = s.substr(dot + 1);
        if (f.empty()) {
            return false;
        }
        int digits = 0;
        for (char c : f) {
            if (c < '0' || c > '9') {
                return false;
            }
            if (digits < 6) {
                frac = frac * 10 + (c - '0');
                ++digits;
            }
        }
        while (digits < 6) {
            frac *= 10;
            ++digits;
        }
    }
    // Seconds past what microseconds can hold saturate instead of wrapping, so that the
    // plausibility check sees an absurd time (and says so) rather than a wrapped, believable one.
    constexpr int64_t kMaxSecs = INT64_MAX / 1000000 - 1;
    if (secs > kMaxSecs || secs < -kMaxSecs) {
        us = secs > 0 ? INT64_MAX : INT64_MIN;
        return true;
    }
    us = secs * 1000000 + (secs < 0 ? -frac : frac);
    return true;
}

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
    // Howard Hinnant's algorithm for the proleptic Gregorian calendar.
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int64_t civilToUs(int y, int mo, int d, int h, int mi, int s, int64_t frac_us) {
    const int64_t days = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    return ((days * 24 + h) * 60 + mi) * 60 * 1000000LL + s * 1000000LL + frac_us;
}

namespace {
bool validCivil(int y, int mo, int d, int h, int mi, int s) {
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    // No year bound here: which years are believable is the plausibility check's call.
    if (y < 1 || mo < 1 || mo > 12) {
        return false;
    }
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const int days = kDays[mo - 1] + (mo == 2 && leap ? 1 : 0);
    return d >= 1 && d <= days && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
}
} // namespace

bool parseIsoTimestamp(std::string_view s, int64_t& us, bool* hasZone) {
    int y, mo, d, h, mi, sec;
    if (s.size() < 19 || !fixedDigits(s, 0, 4, y) || s[4] != '-' || !fixedDigits(s, 5, 2, mo) || s[7] != '-' ||
        !fixedDigits(s, 8, 2, d) || (s[10] != 'T' && s[10] != ' ') || !fixedDigits(s, 11, 2, h) || s[13] != ':' ||
        !fixedDigits(s, 14, 2, mi) || s[16] != ':' || !fixedDigits(s, 17, 2, sec)) {
        return false;
    }
    if (!validCivil(y, mo, d, h, mi, sec)) {
        return false;
    }
    size_t i = 19;
    int64_t frac = 0;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        int n = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (n < 6) {
                frac = frac * 10 + (s[i] - '0');
                ++n;
            }
            ++i;
        }
        if (n == 0) {
            return false;
        }
        while (n < 6) {
            frac *= 10;
            ++n;
        }
    }
    int64_t offsetSec = 0;
    bool zone = false;
    if (i < s.size()) {
        if (s[i] == 'Z' || s[i] == 'z') {
            zone = true;
            ++i;
        } else if (s[i] == '+' || s[i] == '-') {
            const int sign = s[i] == '-' ? -1 : 1;
            int oh, om = 0;
            if (!fixedDigits(s, i + 1, 2, oh)) {
                return false;
            }
            size_t j = i + 3;
            if (j < s.size() && s[j] == ':') {
                ++j;
            }
            if (j < s.size()) {
                if (!fixedDigits(s, j, 2, om)) {
                    return false;
                }
                j += 2;
            }
            offsetSec = sign * (oh * 3600 + om * 60);
            zone = true;
            i = j;
        }
    }
    if (i != s.size()) {
        return false;
    }
    us = civilToUs(y, mo, d, h, mi, sec, frac) - offsetSec * 1000000LL;
    if (hasZone) {
        *hasZone = zone;
    }
    return true;
}

int monthFromAbbrev(std::string_view s) {
    static const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    if (s.size() != 3) {
        return 0;
    }
    char lower[3];
    for (int i = 0; i < 3; ++i) {
        lower[i] = static_cast<char>(s[static_cast<size_t>(i)] | 0x20);
    }
    for (int m = 0; m < 12; ++m) {
        if (std::memcmp(lower, kMonths[m], 3) == 0) {
            return m + 1;
        }
    }
    return 0;
}

bool parseClfTime(std::string_view s, int64_t& us) {
    if (!s.empty() && s.front() == '[') {
        s.remove_prefix(1);
    }
    if (!s.empty() && s.back() == ']') {
        s.remove_suffix(1);
    }
    // dd/Mon/yyyy:HH:MM:SS +zzzz
    int d, y, h, mi, sec;
    if (s.size() < 20 || !fixedDigits(s, 0, 2, d) || s[2] != '/' || s[6] != '/' || !fixedDigits(s, 7, 4, y) ||
        s[11] != ':' || !fixedDigits(s, 12, 2, h) || s[14] != ':' || !fixedDigits(s, 15, 2, mi) || s[17] != ':' ||
        !fixedDigits(s, 18, 2, sec)) {
        return false;
    }
    const int mo = monthFromAbbrev(s.substr(3, 3));
    if (mo == 0 || !validCivil(y, mo, d, h, mi, sec)) {
        return false;
    }
    int64_t offsetSec = 0;
    std::string_view rest = trim(s.substr(20));
    if (!rest.empty()) {
        int oh, om;
        if (rest.size() != 5 || (rest[0] != '+' && rest[0] != '-') || !fixedDigits(rest, 1, 2, oh) ||
            !fixedDigits(rest, 3, 2, om)) {
            return false;
        }
        offsetSec = (rest[0] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    }
    us = civilToUs(y, mo, d, h, mi, sec) - offsetSec * 1000000LL;
    return true;
}

UrlParts splitUrl(std::string_view url) {
    UrlParts p;
    std::string_view rest = url;
    const size_t schemeEnd = rest.find("://");
    if (schemeEnd != std::string_view::npos && schemeEnd > 0 && schemeEnd < 16 &&
        rest.substr(0, schemeEnd).find_first_of("/?") == std::string_view::npos) {
        p.scheme = rest.substr(0, schemeEnd);
        rest.remove_prefix(schemeEnd + 3);
    } else if (rest.starts_with("/")) {
        // Origin form: only path and query.
        const size_t q = rest.find('?');
        p.path = rest.substr(0, q);
        if (q != std::string_view::npos) {
            p.query = rest.substr(q + 1);
        }
        return p;
    }
    const size_t authEnd = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, authEnd);
    const size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
        authority.remove_prefix(at + 1); // user:password@ never becomes part of the host
    }
    if (authority.starts_with("[")) {
        const size_t close = authority.find(']');
        p.host = authority.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
        if (close != std::string_view::npos && close + 1 < authority.size() && authority[close + 1] == ':') {
            const std::string_view port = authority.substr(close + 2);
            if (!port.empty() && !parseInt(port, p.port)) {
                p.port = 0;
            }
        }
    } else {
        const size_t colon = authority.rfind(':');
        if (colon != std::string_view::npos && authority.find(':') == colon) {
            p.host = authority.substr(0, colon);
            const std::string_view port = authority.substr(colon + 1);
            if (port.empty()) {
                p.port = -1;
            } else if (!parseInt(port, p.port)) {
                p.port = 0; // written but not a number that fits: never the scheme's default
            }
        } else {
            p.host = authority;
        }
    }
    if (p.port < 0) {
        if (p.scheme == "http") {
            p.port = 80;
        } else if (p.scheme == "https") {
            p.port = 443;
        } else if (p.scheme == "ftp") {
            p.port = 21;
        }
    }
    if (authEnd != std::string_view::npos) {
        std::string_view pq = rest.substr(authEnd);
        const size_t hash = pq.find('#');
        pq = pq.substr(0, hash);
        const size_t q = pq.find('?');
        p.path = pq.substr(0, q);
        if (q != std::string_view::npos) {
            p.query = pq.substr(q + 1);
        }
    }
    return p;
}

TzConverter::TzConverter(const QString& ianaId) {
    if (ianaId.isEmpty() || ianaId == QLatin1String("UTC") || ianaId == QLatin1String("Z")) {
        return;
    }
    tz_ = QTimeZone(ianaId.toUtf8());
    valid_ = tz_.isValid();
    utc_ = false;
}

int64_t TzConverter::toUtc(int64_t localUs) {
    if (utc_ || !valid_) {
        return localUs;
    }
    constexpr int64_t kHourUs = 3600LL * 1000000;
    const int64_t hourKey = localUs >= 0 ? localUs / kHourUs : (localUs - kHourUs + 1) / kHourUs;
    auto it = offsetByHour_.find(hourKey);
    if (it == offsetByHour_.end()) {
        const QDateTime local = QDateTime::fromMSecsSinceEpoch(hourKey * 3600000LL, QTimeZone::utc());
        const QDateTime inZone(local.date(), local.time(), tz_);
        const int64_t offset = static_cast<int64_t>(inZone.offsetFromUtc()) * 1000000;
        it = offsetByHour_.emplace(hourKey, offset).first;
    }
    return localUs - it->second;
}

} // namespace socwb
