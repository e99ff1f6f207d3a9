#include "windows_dns_parser.h"

#include "ingest/read/text_util.h"

#include "syslog_prefix.h"

#include <QString>

#include <stdexcept>

namespace socwb {

namespace {

bool parseHex(std::string_view s, size_t maxDigits, uint32_t& out) {
    if (s.empty() || s.size() > maxDigits) {
        return false;
    }
    uint32_t v = 0;
    for (char c : s) {
        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= static_cast<uint32_t>(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            v |= static_cast<uint32_t>(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            v |= static_cast<uint32_t>(c - 'A' + 10);
        } else {
            return false;
        }
    }
    out = v;
    return true;
}

// Splits "a/b/c" (or with '.' / '-') into three numbers.
bool threeNumbers(std::string_view s, char sep, int& a, int& b, int& c) {
    const size_t p1 = s.find(sep);
    if (p1 == std::string_view::npos) {
        return false;
    }
    const size_t p2 = s.find(sep, p1 + 1);
    if (p2 == std::string_view::npos || s.find(sep, p2 + 1) != std::string_view::npos) {
        return false;
    }
    const std::string_view x = s.substr(0, p1), y = s.substr(p1 + 1, p2 - p1 - 1), z = s.substr(p2 + 1);
    return isDigits(x) && isDigits(y) && isDigits(z) && x.size() <= 4 && y.size() <= 4 && z.size() <= 4 &&
           parseInt(x, a) && parseInt(y, b) && parseInt(z, c);
}

bool looksLikeIp(std::string_view s) {
    if (s.size() < 2 || s.size() > 45) {
        return false;
    }
    bool sep = false;
    for (char c : s) {
        if (c == '.' || c == ':') {
            sep = true;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '%')) {
            return false;
        }
    }
    return sep;
}

bool equalsNoCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if ((a[i] | 0x20) != (b[i] | 0x20)) {
            return false;
        }
    }
    return true;
}

} // namespace

WindowsDnsParser::WindowsDnsParser(const ParserOptions& options) : tz_(options.sourceTimeZone) {
    if (!tz_.valid()) {
        throw std::runtime_error(QStringLiteral("windows-dns: unknown time zone '%1' (use an IANA name such as "
                                                "Europe/Berlin)")
                                     .arg(options.sourceTimeZone)
                                     .toStdString());
    }
    slots_.resize(kMaxPending);
    headByXid_.fill(-1);
    tokens_.reserve(32);
}

void WindowsDnsParser::decodeName(std::string_view wire, std::string& out) {
    out.clear();
    size_t i = 0;
    const size_t n = wire.size();
    if (n > 0 && wire[0] != '(' && wire[0] != '[') {
        // Already dotted (some versions and converted logs): ".www.example.com."
        std::string_view s = wire;
        while (!s.empty() && s.front() == '.') {
            s.remove_prefix(1);
        }
        while (!s.empty() && s.back() == '.') {
            s.remove_suffix(1);
        }
        out.assign(s);
        return;
    }
    while (i < n) {
        if (wire[i] == '[') {
            // compression pointer marker "[C00C]": the labels it points to follow in the text
            const size_t close = wire.find(']', i);
            if (close == std::string_view::npos) {
                break;
            }
            i = close + 1;
            continue;
        }
        if (wire[i] != '(') {
            // stray text: keep it as part of the current label
            out += wire[i++];
            continue;
        }
        const size_t close = wire.find(')', i);
        if (close == std::string_view::npos) {
            out.append(wire.substr(i));
            break;
        }
        int len = 0;
        if (!parseInt(wire.substr(i + 1, close - i - 1), len) || len < 0) {
            out.append(wire.substr(i, close - i + 1));
            i = close + 1;
            continue;
        }
        i = close + 1;
        if (len == 0) {
            break; // the root label ends the name
        }
        // Take exactly `len` bytes when they are there; else up to the next length marker.
        size_t take = static_cast<size_t>(len);
        if (i + take > n) {
            take = n - i;
        }
        // A length marker "(n)" inside the window means the declared length overshoots.
        for (size_t k = i; k < i + take; ++k) {
            if (wire[k] != '(') {
                continue;
            }
            size_t e = k + 1;
            while (e < n && wire[e] >= '0' && wire[e] <= '9') {
                ++e;
            }
            if (e > k + 1 && e < n && wire[e] == ')') {
                take = k - i;
                break;
            }
        }
        if (!out.empty()) {
            out += '.';
        }
        out.append(wire.substr(i, take));
        i += take;
    }
    if (out.empty() && wire.starts_with("(0)")) {
        out = ".";
    }
}

std::string_view WindowsDnsParser::parsePacket(std::string_view line, Packet& p, std::vector<std::string_view>& tokens,
                                               bool& isDated) {
    isDated = false;
    const size_t open = line.find('[');
    const std::string_view pre = line.substr(0, open);
    splitWhitespace(pre, tokens);
    if (tokens.size() < 2) {
        return "not a debug log line";
    }
    // Date
    int y = 0, mo = 0, d = 0;
    const std::string_view date = tokens[0];
    bool dateOk = false;
    bool monthFirstProblem = false;
    if (date.find('/') != std::string_view::npos) {
        dateOk = threeNumbers(date, '/', mo, d, y) && y >= 1970;
        monthFirstProblem = dateOk && mo > 12 && d <= 12;
    } else if (date.find('-') != std::string_view::npos) {
        dateOk = threeNumbers(date, '-', y, mo, d) && y >= 1970;
    } else if (date.find('.') != std::string_view::npos) {
        dateOk = threeNumbers(date, '.', d, mo, y) && y >= 1970;
    } else if (date.size() == 8 && isDigits(date)) {
        dateOk = parseInt(date.substr(0, 4), y) && parseInt(date.substr(4, 2), mo) && parseInt(date.substr(6, 2), d);
    }
    if (!dateOk) {
        return "not a debug log line";
    }
    // Time: H:MM:SS
    const std::string_view time = tokens[1];
    int h = -1, mi = -1, sec = -1;
    {
        const size_t c1 = time.find(':');
        const size_t c2 = c1 == std::string_view::npos ? c1 : time.find(':', c1 + 1);
        if (c2 == std::string_view::npos || !parseInt(time.substr(0, c1), h) ||
            !parseInt(time.substr(c1 + 1, c2 - c1 - 1), mi) || !parseInt(time.substr(c2 + 1), sec)) {
            return "not a debug log line";
        }
    }
    isDated = true;
    size_t i = 2;
    if (i < tokens.size() && (equalsNoCase(tokens[i], "AM") || equalsNoCase(tokens[i], "PM"))) {
        if (h < 1 || h > 12) {
            return "windows-dns: hour out of range for AM/PM";
        }
        h = h % 12 + (equalsNoCase(tokens[i], "PM") ? 12 : 0);
        ++i;
    }
    if (monthFirstProblem) {
        return "windows-dns: date is not M/D/YYYY (month above 12; a day-first locale?)";
    }
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 ||
        sec > 60 || y > 2200) {
        return "windows-dns: invalid date or time";
    }
    p.localUs = civilToUs(y, mo, d, h, mi, sec);
    if (i + 1 >= tokens.size()) {
        return "windows-dns: line ends after the time";
    }
    ++i; // thread id
    p.context = tokens[i++];
    if (p.context != "PACKET") {
        return p.context == "EVENT" ? "windows-dns: server EVENT line, not a packet" : "windows-dns: not a PACKET line";
    }
    p.packetId = {};
    if (i < tokens.size() && tokens[i] != "UDP" && tokens[i] != "TCP") {
        p.packetId = tokens[i++];
    }
    if (tokens.size() < i + 5) {
        return "windows-dns: packet line has too few fields";
    }
    p.tcp = tokens[i] == "TCP";
    if (!p.tcp && tokens[i] != "UDP") {
        return "windows-dns: expected UDP or TCP";
    }
    ++i;
    if (tokens[i] != "Snd" && tokens[i] != "Rcv") {
        return "windows-dns: expected Snd or Rcv";
    }
    p.send = tokens[i++] == "Snd";
    p.remoteIp = tokens[i++];
    if (!looksLikeIp(p.remoteIp)) {
        return "windows-dns: remote address is not an IP address";
    }
    uint32_t xid = 0;
    if (!parseHex(tokens[i++], 4, xid)) {
        return "windows-dns: transaction id is not hex";
    }
    p.xid = static_cast<uint16_t>(xid);
    const size_t rest = tokens.size() - i;
    if (rest == 2 && tokens[i] == "R") {
        p.response = true;
        ++i;
    } else if (rest == 1) {
        p.response = false;
    } else {
        return "windows-dns: expected [R] opcode before '['";
    }
    if (tokens[i].size() != 1) {
        return "windows-dns: opcode is not one character";
    }
    p.opcode = tokens[i][0];
    // [flags-hex flag-chars rcode]
    if (open == std::string_view::npos) {
        return "windows-dns: no [flags rcode] section";
    }
    const size_t close = line.find(']', open);
    if (close == std::string_view::npos) {
        return "windows-dns: unterminated [flags rcode] section";
    }
    const std::string_view inside = trim(line.substr(open + 1, close - open - 1));
    const size_t lastSpace = inside.find_last_of(" \t");
    if (lastSpace == std::string_view::npos) {
        return "windows-dns: [flags rcode] section without response code";
    }
    p.rcode = inside.substr(lastSpace + 1);
    // qtype qname (Windows 2003 wrote no qtype)
    std::string_view post = trim(line.substr(close + 1));
    if (post.empty()) {
        return "windows-dns: no question name";
    }
    const size_t sp = post.find_first_of(" \t");
    if (sp == std::string_view::npos) {
        p.qtype = {};
        p.qnameWire = post;
    } else {
        p.qtype = post.substr(0, sp);
        p.qnameWire = trim(post.substr(sp + 1));
    }
    return {};
}

int WindowsDnsParser::sniff(const SniffSample& sample) {
    int good = 0, bad = 0;
    Packet p;
    std::vector<std::string_view> tokens;
    for (std::string_view l : sample.lines) {
        if (l.starts_with("DNS Server log file creation at") || l.starts_with("Message logging key (for packets")) {
            return 95;
        }
        if (isBlank(l) || l.front() == ' ' || l.front() == '\t' || l.starts_with("Log file wrap at") ||
            l.starts_with("UDP ") || l.starts_with("TCP ")) {
            continue;
        }
        bool dated = false;
        const std::string_view why = parsePacket(l, p, tokens, dated);
        if (why.empty() || (dated && p.context == "EVENT")) {
            ++good;
        } else {
            ++bad;
        }
    }
    return good == 0 ? 0 : 90 * good / (good + bad);
}

std::string_view WindowsDnsParser::normalizeType(std::string_view qtype) {
    if (isDigits(qtype)) {
        typeBuf_.assign("TYPE");
        typeBuf_.append(qtype);
        return typeBuf_;
    }
    return qtype;
}

void WindowsDnsParser::unlink(int32_t slot) {
    Slot& s = slots_[static_cast<size_t>(slot)];
    int32_t* link = &headByXid_[s.xid];
    while (*link >= 0) {
        if (*link == slot) {
            *link = s.nextSameXid;
            break;
        }
        link = &slots_[static_cast<size_t>(*link)].nextSameXid;
    }
    s.nextSameXid = -1;
    s.seq = 0;
}

void WindowsDnsParser::writeRecord(const Slot& s, std::string_view rcode, RecordSink& sink) {
    DnsRecord r;
    r.pos = s.pos;
    r.tsUs = s.tsUs;
    r.clientIp = s.client;
    r.qname = s.qname;
    r.qtype = s.qtype;
    r.rcode = rcode;
    r.protocol = s.tcp ? "tcp" : "udp";
    sink.dns(r);
}

void WindowsDnsParser::evictUntil(int64_t nowUs, RecordSink& sink) {
    while (used_ > 0) {
        Slot& s = slots_[oldest_];
        if (s.seq != 0) {
            if (used_ < kMaxPending && s.tsUs + kMaxWaitUs >= nowUs) {
                return;
            }
            writeRecord(s, {}, sink);
            unlink(static_cast<int32_t>(oldest_));
        }
        oldest_ = (oldest_ + 1) % kMaxPending;
        --used_;
    }
}

void WindowsDnsParser::flushReady(RecordSink& sink) {
    detailForReady_ = false;
    inAnswers_ = false;
    if (!ready_.active) {
        return;
    }
    ready_.active = false;
    DnsRecord r;
    r.pos = ready_.pos;
    r.tsUs = ready_.tsUs;
    r.clientIp = ready_.client;
    r.qname = ready_.qname;
    r.qtype = ready_.qtype;
    r.rcode = ready_.rcode;
    r.answers = ready_.answers;
    r.ttls = ready_.ttls;
    r.protocol = ready_.tcp ? "tcp" : "udp";
    sink.dns(r);
}

void WindowsDnsParser::handleDetail(std::string_view line) {
    const std::string_view t = trim(line);
    if (!line.empty() && line.front() != ' ' && line.front() != '\t') {
        // "UDP response info at 000000C8A2B4E160": the packet the block describes
        const size_t at = t.rfind(" at ");
        detailForReady_ = ready_.active && at != std::string_view::npos && t.substr(at + 4) == ready_.packetId &&
                          !ready_.packetId.empty();
        inAnswers_ = false;
        return;
    }
    if (!detailForReady_) {
        return;
    }
    if (t.ends_with("SECTION:")) {
        inAnswers_ = t == "ANSWER SECTION:";
        return;
    }
    if (!inAnswers_) {
        return;
    }
    auto valueOf = [&t](size_t keyLen) { return trim(t.substr(keyLen)); };
    if (t.starts_with("TTL ") || t.starts_with("TTL\t")) {
        if (!ready_.ttls.empty()) {
            ready_.ttls += ',';
        }
        ready_.ttls.append(valueOf(3));
    } else if (t.starts_with("DATA ") || t.starts_with("DATA\t")) {
        std::string_view v = valueOf(4);
        if (v.find('(') != std::string_view::npos) {
            decodeName(v, dataBuf_);
            v = dataBuf_;
        }
        if (!ready_.answers.empty()) {
            ready_.answers += ',';
        }
        ready_.answers.append(v);
    }
}

void WindowsDnsParser::handlePacket(const Packet& p, SourcePos pos, RecordSink& sink) {
    const int64_t tsUs = tz_.toUtc(p.localUs);
    evictUntil(tsUs, sink);
    if (p.opcode != 'Q') {
        return; // notify / dynamic update / unknown opcode: not a name lookup
    }
    if (!p.send && !p.response) {
        // A client's query: wait for its response (evictUntil above left at least one free slot).
        const size_t at = (oldest_ + used_) % kMaxPending;
        ++used_;
        Slot& s = slots_[at];
        s.seq = nextSeq_++;
        s.pos = pos;
        s.tsUs = tsUs;
        s.xid = p.xid;
        s.tcp = p.tcp;
        s.client.assign(p.remoteIp);
        decodeName(p.qnameWire, s.qname);
        s.qtype.assign(normalizeType(p.qtype));
        s.nextSameXid = headByXid_[p.xid];
        headByXid_[p.xid] = static_cast<int32_t>(at);
        return;
    }
    if (!(p.send && p.response)) {
        return; // the server's own recursion: outgoing queries and the answers it receives
    }
    // The server's response to a client: find the oldest matching query.
    decodeName(p.qnameWire, name_);
    const std::string_view qtype = normalizeType(p.qtype);
    int32_t match = -1;
    for (int32_t i = headByXid_[p.xid]; i >= 0; i = slots_[static_cast<size_t>(i)].nextSameXid) {
        const Slot& s = slots_[static_cast<size_t>(i)];
        if (s.client == p.remoteIp && s.qname == name_ && (qtype.empty() || s.qtype == qtype)) {
            match = i;
        }
    }
    ready_.active = true;
    ready_.packetId.assign(p.packetId);
    ready_.rcode.assign(p.rcode);
    ready_.answers.clear();
    ready_.ttls.clear();
    if (match >= 0) {
        Slot& s = slots_[static_cast<size_t>(match)];
        ready_.pos = s.pos;
        ready_.tsUs = s.tsUs;
        ready_.tcp = s.tcp;
        ready_.client.swap(s.client);
        ready_.qname.swap(s.qname);
        ready_.qtype.swap(s.qtype);
        unlink(match);
    } else {
        ready_.pos = pos;
        ready_.tsUs = tsUs;
        ready_.tcp = p.tcp;
        ready_.client.assign(p.remoteIp);
        ready_.qname.swap(name_);
        ready_.qtype.assign(qtype);
    }
}

void WindowsDnsParser::parseLine(std::string_view line, SourcePos pos, RecordSink& sink) {
    const char c = line.front();
    if (c == ' ' || c == '\t') {
        handleDetail(line); // a packet's detail lines, or the header's field key
        return;
    }
    if ((line.starts_with("UDP ") || line.starts_with("TCP ")) && line.find(" info at ") != std::string_view::npos) {
        handleDetail(line);
        return;
    }
    flushReady(sink);
    if (line.starts_with("DNS Server log file creation at") || line.starts_with("Log file wrap at") ||
        line.starts_with("Message logging key")) {
        return;
    }
    Packet p;
    bool dated = false;
    const std::string_view why = parsePacket(line, p, tokens_, dated);
    if (!why.empty()) {
        std::string reason(why);
        if (reason == "not a debug log line") {
            reason = "windows-dns: not a DNS debug log line";
        }
        sink.reject(pos, reason, line);
        return;
    }
    handlePacket(p, pos, sink);
}

void WindowsDnsParser::finish(RecordSink& sink) {
    flushReady(sink);
    evictUntil(INT64_MAX, sink);
}

} // namespace socwb
