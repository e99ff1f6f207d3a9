#include "dnsmasq_parser.h"

#include "ingest/read/text_util.h"

#include <QString>

#include <arpa/inet.h>

#include <stdexcept>

namespace socwb {

namespace {

std::string_view ltrim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') {
        s.remove_prefix(1);
    }
    return s;
}

std::string_view firstToken(std::string_view s) {
    return s.substr(0, s.find(' '));
}

char lowerAscii(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsNoCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (lowerAscii(a[i]) != lowerAscii(b[i])) {
            return false;
        }
    }
    return true;
}

enum class ValueKind { Ipv4, Ipv6, NoData4, NoData6, Other };

ValueKind kindOf(std::string_view v) {
    if (v == "NODATA-IPv4") {
        return ValueKind::NoData4;
    }
    if (v == "NODATA-IPv6") {
        return ValueKind::NoData6;
    }
    bool dots = false, colons = false;
    for (char c : v) {
        if (c == '.') {
            dots = true;
        } else if (c == ':') {
            colons = true;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return ValueKind::Other;
        }
    }
    if (colons) {
        return ValueKind::Ipv6;
    }
    if (dots) {
        for (char c : v) {
            if (c != '.' && (c < '0' || c > '9')) {
                return ValueKind::Other;
            }
        }
        return ValueKind::Ipv4;
    }
    return ValueKind::Other;
}

bool typeFits(std::string_view qtype, ValueKind k) {
    switch (k) {
    case ValueKind::Ipv4:
    case ValueKind::NoData4:
        return qtype == "A" || qtype == "ANY";
    case ValueKind::Ipv6:
    case ValueKind::NoData6:
        return qtype == "AAAA" || qtype == "ANY";
    case ValueKind::Other:
        return true;
    }
    return true;
}

// "10.1.2.3" -> "3.2.1.10.in-addr.arpa", "2001:db8::1" -> nibbles ".ip6.arpa"; false otherwise.
bool reverseName(std::string_view ip, std::string& out) {
    if (ip.size() >= 46) {
        return false;
    }
    char buf[48];
    ip.copy(buf, ip.size());
    buf[ip.size()] = 0;
    unsigned char addr[16];
    out.clear();
    if (inet_pton(AF_INET, buf, addr) == 1) {
        for (int i = 3; i >= 0; --i) {
            out += std::to_string(addr[i]);
            out += '.';
        }
        out += "in-addr.arpa";
        return true;
    }
    if (inet_pton(AF_INET6, buf, addr) == 1) {
        static const char* kHex = "0123456789abcdef";
        for (int i = 15; i >= 0; --i) {
            out += kHex[addr[i] & 0xF];
            out += '.';
            out += kHex[addr[i] >> 4];
            out += '.';
        }
        out += "ip6.arpa";
        return true;
    }
    return false;
}

} // namespace

DnsmasqParser::DnsmasqParser(const ParserOptions& options, int64_t referenceUtcUs)
    : clock_(options.sourceTimeZone, referenceUtcUs >= 0 ? referenceUtcUs : options.referenceUtcUs) {
    if (!clock_.zoneValid()) {
        throw std::runtime_error(
            QStringLiteral("dnsmasq: unknown time zone '%1' (use an IANA name such as Europe/Berlin)")
                .arg(options.sourceTimeZone)
                .toStdString());
    }
    slots_.resize(kMaxPending);
    heads_.fill(-1);
    bySerial_.fill(-1);
    run_.reserve(64);
    targets_.reserve(64);
    chain_.reserve(64);
}

uint32_t DnsmasqParser::bucketOf(std::string_view name) {
    uint32_t h = 2166136261u;
    for (char c : name) {
        h ^= static_cast<unsigned char>(lowerAscii(c));
        h *= 16777619u;
    }
    return h & (kBuckets - 1);
}

DnsmasqParser::Kind DnsmasqParser::classify(std::string_view msg, std::string_view& source, std::string_view& name,
                                            std::string_view& verb, std::string_view& value, uint32_t& serial) {
    serial = 0;
    msg = ltrim(msg);
    // log-queries=extra: "17 10.1.2.3/53000 query[A] ..." or "17 forwarded ..."
    std::string_view t = firstToken(msg);
    if (isDigits(t) && t.size() <= 9) {
        int64_t v = 0;
        parseInt(t, v);
        serial = static_cast<uint32_t>(v) + 1; // +1: 0 means "no serial"
        msg = ltrim(msg.substr(t.size()));
        t = firstToken(msg);
        if (t.find('/') != std::string_view::npos) {
            msg = ltrim(msg.substr(t.size()));
        }
    }
    if (t.starts_with("ipset") || t.starts_with("nftset")) {
        return Kind::Dnssec;
    }
    // Find "<source...> <name> <verb> <value>" with the first verb at token index >= 2.
    size_t i = 0;
    int index = 0;
    size_t prevStart = 0, prevLen = 0;
    while (i < msg.size()) {
        while (i < msg.size() && msg[i] == ' ') {
            ++i;
        }
        const size_t b = i;
        while (i < msg.size() && msg[i] != ' ') {
            ++i;
        }
        const std::string_view tok = msg.substr(b, i - b);
        if (tok.empty()) {
            break;
        }
        if (index >= 2 && (tok == "is" || tok == "to" || tok == "from")) {
            source = std::string_view(msg.data(), prevStart);
            while (!source.empty() && source.back() == ' ') {
                source.remove_suffix(1);
            }
            name = msg.substr(prevStart, prevLen);
            verb = tok;
            value = ltrim(msg.substr(i));
            break;
        }
        prevStart = b;
        prevLen = tok.size();
        ++index;
    }
    if (verb.empty() || source.empty() || name.empty()) {
        return Kind::Other;
    }
    if (verb == "from") {
        return source.starts_with("query[") && source.back() == ']' ? Kind::Query : Kind::Other;
    }
    if (verb == "to") {
        if (source == "forwarded") {
            return Kind::Forward;
        }
        return source.starts_with("dnssec-query") || source.starts_with("query[") ? Kind::Dnssec : Kind::Other;
    }
    // verb "is"
    if (source == "validation" || value.starts_with("DS keytag") || value.starts_with("DNSKEY keytag")) {
        return Kind::Dnssec;
    }
    return value.empty() ? Kind::Other : Kind::Answer;
}

void DnsmasqParser::release(int32_t slot) {
    Slot& s = slots_[static_cast<size_t>(slot)];
    int32_t* link = &heads_[s.bucket];
    while (*link >= 0) {
        if (*link == slot) {
            *link = s.nextInBucket;
            break;
        }
        link = &slots_[static_cast<size_t>(*link)].nextInBucket;
    }
    s.nextInBucket = -1;
    s.seq = 0;
    s.answered = false;
    s.inChain = false;
}

void DnsmasqParser::writeRecord(Slot& s, RecordSink& sink) {
    DnsRecord r;
    r.pos = s.pos;
    r.tsUs = s.tsUs;
    r.clientIp = s.client;
    r.qname = s.qname;
    r.qtype = s.qtype;
    r.rcode = s.rcode;
    r.answers = s.answers;
    r.serverIp = s.server;
    sink.dns(r);
}

void DnsmasqParser::evictUntil(int64_t nowUs, RecordSink& sink) {
    while (used_ > 0) {
        Slot& s = slots_[oldest_];
        if (s.seq != 0) {
            if (used_ < kMaxPending && s.tsUs + kMaxWaitUs >= nowUs) {
                return;
            }
            writeRecord(s, sink);
            release(static_cast<int32_t>(oldest_));
        }
        oldest_ = (oldest_ + 1) % kMaxPending;
        --used_;
    }
}

void DnsmasqParser::closeRun(RecordSink& sink) {
    for (int32_t i : run_) {
        Slot& s = slots_[static_cast<size_t>(i)];
        if (s.seq != 0 && s.answered) {
            writeRecord(s, sink);
            release(i);
        }
    }
    run_.clear();
    chain_.clear();
    chainNames_.clear();
    chainLast_.clear();
    chainActive_ = false;
}

void DnsmasqParser::findTargets(std::string_view name, uint32_t serial, std::vector<int32_t>& out) {
    out.clear();
    if (serial != 0) {
        // Serial numbers identify the query exactly, chain members included.
        const int32_t i = bySerial_[serial % kBuckets];
        if (i >= 0 && slots_[static_cast<size_t>(i)].seq != 0 && slots_[static_cast<size_t>(i)].serial == serial) {
            out.push_back(i);
        }
        return;
    }
    for (int32_t i = heads_[bucketOf(name)]; i >= 0; i = slots_[static_cast<size_t>(i)].nextInBucket) {
        if (equalsNoCase(slots_[static_cast<size_t>(i)].qname, name)) {
            out.push_back(i);
        }
    }
}

void DnsmasqParser::onQuery(std::string_view source, std::string_view name, std::string_view value, uint32_t serial,
                            int64_t tsUs, SourcePos pos, RecordSink& sink, std::string_view line) {
    const std::string_view type = source.substr(6, source.size() - 7); // inside "query[...]"
    const std::string_view client = firstToken(value);
    if (type.empty() || client.empty()) {
        sink.reject(pos, "dnsmasq: query line without type or client", line);
        return;
    }
    evictUntil(tsUs, sink); // leaves at least one free position
    const size_t at = (oldest_ + used_) % kMaxPending;
    ++used_;
    Slot& s = slots_[at];
    s.seq = nextSeq_++;
    s.pos = pos;
    s.tsUs = tsUs;
    s.serial = serial;
    s.answered = false;
    s.inChain = false;
    s.client.assign(client);
    s.qname.assign(name);
    if (type.starts_with("type=")) {
        s.qtype.assign("TYPE");
        s.qtype.append(type.substr(5));
    } else {
        s.qtype.assign(type);
    }
    s.rcode.clear();
    s.answers.clear();
    s.server.clear();
    s.bucket = bucketOf(name);
    s.nextInBucket = heads_[s.bucket];
    heads_[s.bucket] = static_cast<int32_t>(at);
    if (serial != 0) {
        bySerial_[serial % kBuckets] = static_cast<int32_t>(at);
    }
}

void DnsmasqParser::onForward(std::string_view name, std::string_view value, uint32_t serial) {
    findTargets(name, serial, targets_);
    std::string_view server = firstToken(value);
    server = server.substr(0, server.find('#'));
    for (int32_t i : targets_) {
        Slot& s = slots_[static_cast<size_t>(i)];
        if (!s.answered && s.server.empty()) {
            s.server.assign(server);
        }
    }
}

void DnsmasqParser::applyValue(Slot& s, std::string_view v, bool withChain) {
    if (withChain && !s.inChain && !chainNames_.empty()) {
        // The CNAME targets the chain went through, once per query.
        if (!s.answers.empty()) {
            s.answers += ',';
        }
        s.answers.append(chainNames_);
        s.inChain = true;
    }
    if (v == "NXDOMAIN" || v == "SERVFAIL" || v == "REFUSED" || v == "NOTIMP" || isDigits(v)) {
        s.rcode.assign(v);
    } else {
        if (s.rcode.empty()) {
            s.rcode.assign("NOERROR");
        }
        // <SRV>, <HTTPS>, <type=65>, NODATA...: an answer without data that dnsmasq shows
        if (!v.starts_with("<") && !v.starts_with("NODATA")) {
            if (!s.answers.empty()) {
                s.answers += ',';
            }
            s.answers.append(v);
        }
    }
}

void DnsmasqParser::keepFitting(std::vector<int32_t>& targets, std::string_view value) const {
    const ValueKind kind = kindOf(value);
    size_t w = 0;
    for (int32_t i : targets) {
        if (typeFits(slots_[static_cast<size_t>(i)].qtype, kind)) {
            targets[w++] = i;
        }
    }
    if (w > 0) {
        targets.resize(w); // when none fits, all of them
    }
}

void DnsmasqParser::markAnswered(int32_t i) {
    Slot& s = slots_[static_cast<size_t>(i)];
    if (!s.answered) {
        s.answered = true;
        run_.push_back(i);
    }
}

void DnsmasqParser::onAnswer(std::string_view name, std::string_view value, uint32_t serial) {
    const std::string_view v = value.starts_with("not implemented") ? std::string_view("NOTIMP") : firstToken(value);
    const bool isCname = v == "<CNAME>";
    findTargets(name, serial, targets_);
    if (targets_.empty() && serial == 0 && reverseName(name, arpa_)) {
        findTargets(arpa_, 0, targets_); // "reply 10.1.2.3 is host" answers 3.2.1.10.in-addr.arpa
    }
    bool head = !targets_.empty();
    if (head && serial != 0) {
        // With serial numbers every line of a reply finds its query; the chain's later names differ.
        head = equalsNoCase(name, slots_[static_cast<size_t>(targets_[0])].qname) ||
               (reverseName(name, arpa_) && equalsNoCase(slots_[static_cast<size_t>(targets_[0])].qname, arpa_));
        if (!head && (!chainActive_ || chain_ != targets_)) {
            chain_ = targets_;
            chainNames_.clear();
            chainLast_.clear();
            chainActive_ = true;
            for (int32_t i : chain_) {
                slots_[static_cast<size_t>(i)].inChain = false;
            }
        }
    } else if (head && chainActive_ && equalsNoCase(name, chainLast_)) {
        head = false; // another record of the chain's current name
    }
    if (head) {
        // A new reply: prefer queries that have not had their answer in this run yet (the A
        // and AAAA replies for one name often follow each other).
        size_t w = 0;
        for (int32_t i : targets_) {
            if (!slots_[static_cast<size_t>(i)].answered) {
                targets_[w++] = i;
            }
        }
        if (w > 0) {
            targets_.resize(w);
        }
        if (isCname) {
            chain_ = targets_;
            chainNames_.clear();
            chainLast_.assign(name);
            chainActive_ = true;
            for (int32_t i : chain_) {
                slots_[static_cast<size_t>(i)].inChain = false;
            }
            return;
        }
        chainActive_ = false;
        keepFitting(targets_, v);
        for (int32_t i : targets_) {
            applyValue(slots_[static_cast<size_t>(i)], v, false);
            markAnswered(i);
        }
        return;
    }
    if (!chainActive_) {
        return; // its query is outside the window (before the file began, or long gone)
    }
    if (!equalsNoCase(name, chainLast_)) {
        if (!chainNames_.empty()) {
            chainNames_ += ',';
        }
        chainNames_.append(name);
        chainLast_.assign(name);
    }
    if (isCname) {
        return;
    }
    targets_ = chain_;
    keepFitting(targets_, v);
    for (int32_t i : targets_) {
        applyValue(slots_[static_cast<size_t>(i)], v, true);
        markAnswered(i);
    }
}

void DnsmasqParser::parseLine(std::string_view line, SourcePos pos, RecordSink& sink) {
    SyslogLine sl;
    if (!splitSyslog(line, clock_, sl)) {
        closeRun(sink);
        sink.reject(pos, "dnsmasq: no valid syslog time stamp and program tag (\"Mar  1 14:05:11 dnsmasq[123]: ...\")",
                    line);
        return;
    }
    std::string_view source, name, verb, value;
    uint32_t serial = 0;
    const Kind kind = classify(sl.message, source, name, verb, value, serial);
    if (kind == Kind::Answer) {
        onAnswer(name, value, serial);
        return;
    }
    closeRun(sink);
    switch (kind) {
    case Kind::Query:
        onQuery(source, name, value, serial, sl.tsUs, pos, sink, line);
        return;
    case Kind::Forward:
        onForward(name, value, serial);
        return;
    case Kind::Dnssec:
    case Kind::Answer:
        return;
    case Kind::Other:
        if (sl.program.ends_with("-dhcp") || sl.program.ends_with("-tftp")) {
            sink.reject(pos,
                        "dnsmasq: " + std::string(sl.program.substr(sl.program.rfind('-') + 1)) +
                            " message, not DNS: " + excerpt(sl.message),
                        line);
        } else {
            sink.reject(pos, "dnsmasq: not a DNS query log line: " + excerpt(sl.message), line);
        }
        return;
    }
}

void DnsmasqParser::finish(RecordSink& sink) {
    closeRun(sink);
    evictUntil(INT64_MAX, sink);
}

int DnsmasqParser::sniff(const SniffSample& sample) {
    SyslogClock clock(QStringLiteral("UTC"));
    int dns = 0, queries = 0, ownOther = 0, foreign = 0;
    bool ours = false;
    for (std::string_view l : sample.lines) {
        if (isBlank(l) || !isValidUtf8(l)) {
            continue;
        }
        SyslogLine sl;
        if (!splitSyslog(l, clock, sl)) {
            ++foreign;
            continue;
        }
        std::string_view source, name, verb, value;
        uint32_t serial = 0;
        const Kind kind = classify(sl.message, source, name, verb, value, serial);
        const bool tagged = sl.program.starts_with("dnsmasq") || sl.program.starts_with("pihole");
        ours = ours || tagged;
        if (kind == Kind::Other) {
            ++(tagged ? ownOther : foreign);
        } else {
            ++dns;
            queries += kind == Kind::Query ? 1 : 0;
        }
    }
    const int total = dns + ownOther + foreign;
    if (total == 0) {
        return 0;
    }
    if (queries > 0) {
        return 90 * (dns + ownOther) / total;
    }
    // dnsmasq's log without a query in the sample (start-up lines, DHCP): still dnsmasq.
    return ours ? 60 * (dns + ownOther) / total : 0;
}

} // namespace socwb
