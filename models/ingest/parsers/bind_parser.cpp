#include "bind_parser.h"

#include "ingest/read/text_util.h"

#include <QString>

#include <stdexcept>

namespace socwb {

namespace {
std::string_view ltrim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    return s;
}

std::string_view firstToken(std::string_view s) {
    return s.substr(0, s.find(' '));
}

} // namespace

BindParser::BindParser(const ParserOptions& options, int64_t referenceUtcUs)
    : clock_(options.sourceTimeZone, referenceUtcUs >= 0 ? referenceUtcUs : options.referenceUtcUs) {
    if (!clock_.zoneValid()) {
        throw std::runtime_error(QStringLiteral("bind: unknown time zone '%1' (use an IANA name such as Europe/Berlin)")
                                     .arg(options.sourceTimeZone)
                                     .toStdString());
    }
    tokens_.reserve(16);
}

bool BindParser::parseBindTime(std::string_view s, size_t& consumed, int64_t& utcUs) {
    // dd-Mon-yyyy HH:MM:SS[.mmm]
    int d, y, h, mi, sec;
    if (s.size() >= 20 && fixedDigits(s, 0, 2, d) && s[2] == '-' && s[6] == '-' && fixedDigits(s, 7, 4, y) &&
        s[11] == ' ' && fixedDigits(s, 12, 2, h) && s[14] == ':' && fixedDigits(s, 15, 2, mi) && s[17] == ':' &&
        fixedDigits(s, 18, 2, sec)) {
        const int mo = monthFromAbbrev(s.substr(3, 3));
        if (mo == 0 || y < 1970 || y > 2200 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 60) {
            return false;
        }
        size_t i = 20;
        int64_t frac = 0;
        if (i < s.size() && s[i] == '.') {
            ++i;
            int n = 0;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
                if (n < 6) {
                    frac = frac * 10 + (s[i] - '0');
                    ++n;
                }
                ++i;
            }
            while (n > 0 && n < 6) {
                frac *= 10;
                ++n;
            }
        }
        consumed = i;
        utcUs = clock_.localToUtc(civilToUs(y, mo, d, h, mi, sec, frac));
        return true;
    }
    // print-time iso8601 / iso8601-utc
    return clock_.parseRfc3339(s, consumed, utcUs);
}

BindParser::Kind BindParser::classify(std::string_view line, DnsRecord& r, std::string_view& rest, bool& hasTime) {
    hasTime = false;
    std::string_view msg = line;
    size_t n = 0;
    int64_t ts = 0;
    SyslogLine sl;
    if (line.size() > 2 && line[2] == '-' && parseBindTime(line, n, ts)) {
        hasTime = true;
        r.tsUs = ts;
        msg = line.substr(n);
    } else if (splitSyslog(line, clock_, sl)) {
        // Also "2024-03-01T14:05:11.123Z queries: info: ..." (BIND's ISO stamp, the category
        // taken for a syslog tag): the time is the same either way.
        hasTime = true;
        r.tsUs = sl.tsUs;
        msg = sl.message;
        if (msg.size() > 2 && msg[2] == '-' && parseBindTime(msg, n, ts)) {
            r.tsUs = ts; // BIND's own stamp has the year and milliseconds
            msg = msg.substr(n);
        }
    } else if (parseBindTime(line, n, ts)) {
        hasTime = true;
        r.tsUs = ts;
        msg = line.substr(n);
    } else if (line.size() > 11 && line[2] == '-' && line[6] == '-' && monthFromAbbrev(line.substr(3, 3)) != 0) {
        // "32-Mar-2024 ...": BIND's stamp shape with an impossible date
        rest = line.substr(0, line.find(' ', 12));
        return Kind::BadTime;
    }
    msg = ltrim(msg);
    // "queries: info: ", "security: error: ", "debug 3: "
    for (int k = 0; k < 3; ++k) {
        const std::string_view t = firstToken(msg);
        if (t == "debug") {
            const std::string_view level = firstToken(ltrim(msg.substr(t.size())));
            if (!level.empty() && level.back() == ':') {
                msg = ltrim(ltrim(msg.substr(t.size())).substr(level.size()));
                continue;
            }
        }
        if (t.size() > 1 && t.back() == ':' && t != "client:") {
            msg = ltrim(msg.substr(t.size()));
            continue;
        }
        break;
    }
    rest = msg;
    if (!msg.starts_with("client ")) {
        return Kind::Other;
    }
    msg = ltrim(msg.substr(7));
    if (msg.starts_with("@0x")) {
        msg = ltrim(msg.substr(firstToken(msg).size()));
    }
    std::string_view addr = firstToken(msg);
    const size_t hash = addr.rfind('#');
    if (hash == std::string_view::npos || hash == 0) {
        return Kind::Other;
    }
    std::string_view after = msg.substr(addr.size());
    if (addr.back() == ':') {
        addr.remove_suffix(1); // BIND 9.3-9.8: "client 10.1.2.3#53000: query: ..."
    } else {
        after = ltrim(after);
        if (after.starts_with("(")) {
            const size_t close = after.find("): ");
            if (close == std::string_view::npos) {
                return Kind::Other;
            }
            after = after.substr(close + 3);
        } else if (after.starts_with(": ")) {
            after.remove_prefix(2);
        }
    }
    after = ltrim(after);
    if (after.starts_with("view ")) {
        const size_t colon = after.find(": ");
        if (colon == std::string_view::npos) {
            return Kind::Other;
        }
        after = ltrim(after.substr(colon + 2));
    }
    rest = after;
    r.clientIp = addr.substr(0, hash);
    if (!after.starts_with("query: ")) {
        return Kind::ClientLine;
    }
    splitWhitespace(after.substr(7), tokens_);
    if (tokens_.size() < 3) {
        return Kind::ClientLine;
    }
    const std::string_view cls = tokens_[1];
    if (!(cls == "IN" || cls == "CH" || cls == "HS" || cls == "ANY" || cls == "NONE" || cls.starts_with("CLASS"))) {
        return Kind::ClientLine;
    }
    r.qname = tokens_[0];
    if (r.qname.size() > 1 && r.qname.back() == '.') {
        r.qname.remove_suffix(1);
    }
    r.qtype = tokens_[2];
    const std::string_view flags = tokens_.size() > 3 ? tokens_[3] : std::string_view();
    r.protocol = flags.find('T') != std::string_view::npos ? "tcp" : "udp";
    for (size_t i = 4; i < tokens_.size(); ++i) {
        const std::string_view t = tokens_[i];
        if (t.size() > 2 && t.front() == '(' && t.back() == ')') {
            r.serverIp = t.substr(1, t.size() - 2);
            break;
        }
    }
    return Kind::Query;
}

int BindParser::sniff(const SniffSample& sample) {
    BindParser p;
    int query = 0, client = 0, other = 0;
    for (std::string_view l : sample.lines) {
        if (isBlank(l) || !isValidUtf8(l)) {
            continue;
        }
        DnsRecord r;
        std::string_view rest;
        bool hasTime = false;
        switch (p.classify(l, r, rest, hasTime)) {
        case Kind::Query:
            ++(hasTime ? query : client);
            break;
        case Kind::ClientLine:
            ++client;
            break;
        case Kind::Other:
        case Kind::BadTime:
            ++other;
            break;
        }
    }
    const int total = query + client + other;
    if (total == 0) {
        return 0;
    }
    if (query > 0) {
        return 90 * (query + client) / total;
    }
    // Only BIND's other client lines (denied requests, transfers): still BIND, with nothing to
    // import; recognising it lets the import say so line by line.
    return 60 * client / total;
}

void BindParser::parseLine(std::string_view line, SourcePos pos, RecordSink& sink) {
    DnsRecord r;
    r.pos = pos;
    std::string_view rest;
    bool hasTime = false;
    switch (classify(line, r, rest, hasTime)) {
    case Kind::Query:
        if (!hasTime) {
            sink.reject(pos, "bind: query line without a time stamp", line);
            return;
        }
        sink.dns(r);
        return;
    case Kind::BadTime:
        sink.reject(pos, "bind: invalid date or time: '" + excerpt(rest, 40) + "'", line);
        return;
    case Kind::ClientLine:
    case Kind::Other:
        sink.reject(pos, "bind: not a query line: " + excerpt(rest), line);
        return;
    }
}

} // namespace socwb
