#include "suricata_eve_parser.h"

#include "core/logging.h"
#include "ingest/read/text_util.h"
#include "observed_http.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <vector>

namespace socwb {

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

enum class Got { Absent, Ok, Bad };

Got text(object o, std::string_view key, std::string_view& out) {
    element e;
    if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) {
        out = {};
        return Got::Absent;
    }
    return e.get_string().get(out) == simdjson::SUCCESS ? Got::Ok : Got::Bad;
}

Got number(element e, int64_t& out) {
    int64_t i = 0;
    uint64_t u = 0;
    double d = 0;
    if (e.get_int64().get(i) == simdjson::SUCCESS) {
        out = i;
        return Got::Ok;
    }
    if (e.get_uint64().get(u) == simdjson::SUCCESS) {
        out = u > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(u);
        return Got::Ok;
    }
    if (e.get_double().get(d) == simdjson::SUCCESS && std::isfinite(d) && std::fabs(d) < 9e18) {
        out = static_cast<int64_t>(d);
        return Got::Ok;
    }
    return Got::Bad;
}

Got number(object o, std::string_view key, int64_t& out) {
    element e;
    out = -1;
    if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) {
        return Got::Absent;
    }
    return number(e, out);
}

// The object under key. A default-constructed dom::object is not an empty object (it points
// nowhere), so there is no "empty" fallback: callers check.
bool childOf(object o, std::string_view key, object& out) {
    return o.at_key(key).get_object().get(out) == simdjson::SUCCESS;
}

std::string_view stripDot(std::string_view name) {
    if (name.size() > 1 && name.back() == '.') {
        name.remove_suffix(1);
    }
    return name;
}

void appendListItem(std::string& list, std::string_view item) {
    if (!list.empty()) {
        list += ',';
    }
    list += item;
}

bool anyBad(std::initializer_list<Got> got) {
    return std::find(got.begin(), got.end(), Got::Bad) != got.end();
}

} // namespace

// The parts of a flow's events that are the same on a connection and a TLS session.
template <class Record> void SuricataEveParser::fromCommon(Record& r, const Common& c) {
    r.pos = c.pos;
    r.tsUs = c.tsUs;
    r.uid = c.uid;
    r.origIp = c.srcIp;
    r.origPort = c.srcPort;
    r.respIp = c.destIp;
    r.respPort = c.destPort;
    r.sensor = c.sensor;
}

SuricataEveParser::SuricataEveParser(const ParserOptions&) {
    uid_.reserve(32);
    proto_.reserve(16);
    url_.reserve(2048);
}

int SuricataEveParser::sniff(const SniffSample& sample) {
    int lines = 0;
    int eve = 0;
    for (std::string_view line : sample.lines) {
        line = trim(line);
        if (line.empty()) {
            continue;
        }
        ++lines;
        if (line.front() == '{' && line.find("\"event_type\"") != std::string_view::npos &&
            line.find("\"timestamp\"") != std::string_view::npos) {
            ++eve;
        }
    }
    if (eve == 0) {
        return 0;
    }
    // A sample may end in a cut line; nearly all of it must look like EVE.
    return eve * 10 >= lines * 9 ? 90 : 60 * eve / lines;
}

void SuricataEveParser::reject(const Common& c, std::string_view what, RecordSink& sink) const {
    sink.reject(c.pos, "suricata-eve: " + std::string(what), c.line);
}

void SuricataEveParser::parseLine(std::string_view line, SourcePos pos, RecordSink& sink) {
    Common c;
    c.pos = pos;
    c.line = line;
    const size_t n = line.size();
    if (cap_ < n + simdjson::SIMDJSON_PADDING) {
        cap_ = std::max(cap_ * 2, n + simdjson::SIMDJSON_PADDING);
        buf_ = std::make_unique<char[]>(cap_);
    }
    std::memcpy(buf_.get(), line.data(), n);
    std::memset(buf_.get() + n, 0, simdjson::SIMDJSON_PADDING);
    element doc;
    if (const auto err = json_.parse(buf_.get(), n, false).get(doc)) {
        flushOpenAnswer(sink);
        std::string why = std::string("invalid JSON: ") + simdjson::error_message(err);
        const std::string_view t = trim(line);
        if (!t.empty() && t.back() != '}') {
            why += " (the line ends before its object does: cut short?)";
        }
        reject(c, why, sink);
        return;
    }
    object o;
    std::string_view type;
    if (doc.get_object().get(o) != simdjson::SUCCESS) {
        flushOpenAnswer(sink);
        reject(c, "the JSON line is not an object", sink);
        return;
    }
    if (text(o, "event_type", type) != Got::Ok || type.empty()) {
        flushOpenAnswer(sink);
        reject(c, "no event_type: not a Suricata EVE record", sink);
        return;
    }
    const bool wanted = type == "flow" || type == "tls" || type == "http" || type == "dns" || type == "alert";
    // A version 1 answer continues the open transaction only when it is a dns answer of the same
    // flow and id; anything else completes it first.
    if (!openKey_.empty() && type != "dns") {
        flushOpenAnswer(sink);
    }
    if (!wanted) {
        if (skipped_.size() < 64 || skipped_.count(std::string(type))) {
            ++skipped_[std::string(type)];
        } else {
            ++skipped_["(other)"];
        }
        return;
    }
    std::string_view ts;
    if (text(o, "timestamp", ts) != Got::Ok || !parseIsoTimestamp(ts, c.tsUs)) {
        flushOpenAnswer(sink);
        reject(c, "timestamp is not a time: '" + std::string(ts.substr(0, 40)) + "'", sink);
        return;
    }
    int64_t flowId = -1;
    uid_.clear();
    switch (number(o, "flow_id", flowId)) {
    case Got::Ok: {
        char b[24];
        const auto r = std::to_chars(b, b + sizeof b, flowId);
        uid_.assign(b, r.ptr);
        break;
    }
    case Got::Bad:
        flushOpenAnswer(sink);
        reject(c, "flow_id is not a number", sink);
        return;
    case Got::Absent:
        break;
    }
    c.uid = uid_;
    int64_t sp = -1, dp = -1;
    std::string_view proto;
    const Got got[] = {text(o, "src_ip", c.srcIp),       text(o, "dest_ip", c.destIp), text(o, "proto", proto),
                       text(o, "app_proto", c.appProto), text(o, "host", c.sensor),    number(o, "src_port", sp),
                       number(o, "dest_port", dp)};
    static const char* const names[] = {"src_ip", "dest_ip", "proto", "app_proto", "host", "src_port", "dest_port"};
    for (size_t i = 0; i < std::size(got); ++i) {
        if (got[i] == Got::Bad) {
            flushOpenAnswer(sink);
            reject(c, std::string(names[i]) + " has the wrong type", sink);
            return;
        }
    }
    if (sp < -1 || sp > 65535 || dp < -1 || dp > 65535) {
        flushOpenAnswer(sink);
        reject(c, "a port is out of range: " + std::to_string(sp < -1 || sp > 65535 ? sp : dp), sink);
        return;
    }
    c.srcPort = static_cast<int>(sp);
    c.destPort = static_cast<int>(dp);
    proto_.assign(proto);
    std::transform(proto_.begin(), proto_.end(), proto_.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    c.proto = proto_;

    if (type == "dns") {
        dns(o, c, sink); // handles the open answer itself
        return;
    }
    if (type == "flow") {
        flow(o, c, sink);
    } else if (type == "tls") {
        tls(o, c, sink);
    } else if (type == "http") {
        http(o, c, sink);
    } else {
        alert(o, c, sink);
    }
}

bool SuricataEveParser::flow(object o, const Common& c, RecordSink& sink) {
    object f;
    if (!childOf(o, "flow", f)) {
        reject(c, "a flow event without a flow object", sink);
        return false;
    }
    ConnRecord r;
    fromCommon(r, c);
    std::string_view start, end, state;
    int64_t startUs = 0, endUs = 0;
    if (text(f, "start", start) == Got::Ok) {
        if (!parseIsoTimestamp(start, startUs)) {
            reject(c, "flow.start is not a time: '" + std::string(start.substr(0, 40)) + "'", sink);
            return false;
        }
        r.tsUs = startUs;
        if (text(f, "end", end) == Got::Ok && parseIsoTimestamp(end, endUs) && endUs >= startUs) {
            r.durationUs = endUs - startUs;
        }
    }
    struct Count {
        const char* name;
        int64_t* out;
    } counts[] = {{"bytes_toserver", &r.origIpBytes},
                  {"bytes_toclient", &r.respIpBytes},
                  {"pkts_toserver", &r.origPkts},
                  {"pkts_toclient", &r.respPkts}};
    for (const Count& k : counts) {
        if (number(f, k.name, *k.out) == Got::Bad) {
            reject(c, std::string("flow.") + k.name + " is not a number", sink);
            return false;
        }
    }
    if (text(f, "state", state) == Got::Bad) {
        reject(c, "flow.state has the wrong type", sink);
        return false;
    }
    r.proto = c.proto;
    r.service = c.appProto;
    r.state = state;
    sink.connection(r);
    return true;
}

bool SuricataEveParser::tls(object o, const Common& c, RecordSink& sink) {
    object t;
    if (!childOf(o, "tls", t)) {
        reject(c, "a tls event without a tls object", sink);
        return false;
    }
    TlsRecord r;
    fromCommon(r, c);
    if (anyBad({text(t, "sni", r.serverName), text(t, "version", r.version), text(t, "subject", r.subject),
                text(t, "issuerdn", r.issuer)})) {
        reject(c, "a tls field (sni, version, subject, issuerdn) has the wrong type", sink);
        return false;
    }
    r.serverName = stripDot(r.serverName);
    // ja3 / ja3s: {"hash", "string"}; ja4: a string (or, to be safe, an object with a hash).
    object print;
    if (childOf(t, "ja3", print)) {
        text(print, "hash", r.ja3);
    }
    if (childOf(t, "ja3s", print)) {
        text(print, "hash", r.ja3s);
    }
    if (text(t, "ja4", r.ja4) != Got::Ok && childOf(t, "ja4", print)) {
        text(print, "hash", r.ja4);
    }
    bool resumed = false;
    r.resumed = t.at_key("session_resumed").get_bool().get(resumed) == simdjson::SUCCESS && resumed ? 1 : 0;
    sink.tls(r);
    return true;
}

bool SuricataEveParser::http(object o, const Common& c, RecordSink& sink) {
    object h;
    if (!childOf(o, "http", h)) {
        reject(c, "an http event without an http object", sink);
        return false;
    }
    ProxyRecord r;
    r.pos = c.pos;
    r.tsUs = c.tsUs;
    r.clientIp = c.srcIp;
    r.destIp = c.destIp;
    r.port = c.destPort;
    std::string_view hostname, url, status;
    if (anyBad({text(h, "hostname", hostname), text(h, "url", url), text(h, "http_method", r.method),
                text(h, "http_user_agent", r.userAgent), text(h, "http_content_type", r.contentType),
                text(h, "http_refer", r.referrer)})) {
        reject(c, "an http field (hostname, url, http_method, ...) has the wrong type", sink);
        return false;
    }
    int64_t length = -1, httpPort = -1, code = -1;
    if (number(h, "length", length) == Got::Bad || number(h, "http_port", httpPort) == Got::Bad) {
        reject(c, "http.length or http.http_port is not a number", sink);
        return false;
    }
    // Older versions write the status as a string ("200").
    if (const Got s = number(h, "status", code); s == Got::Bad) {
        if (text(h, "status", status) != Got::Ok || !parseInt(status, code)) {
            reject(c, "http.status is not a number", sink);
            return false;
        }
    }
    if (code < -1 || code > 999 || httpPort < -1 || httpPort > 65535) {
        reject(c, "http.status or http.http_port is out of range", sink);
        return false;
    }
    r.status = static_cast<int>(code);
    r.bytesIn = length;
    hostHeader_.assign(hostname);
    if (httpPort >= 0 && !hostname.empty()) {
        // The Host header named this port; the hostname field comes without it.
        hostHeader_ += ':';
        hostHeader_ += std::to_string(httpPort);
    }
    fillObservedUrl(r, hostHeader_, url, url_);
    sink.proxy(r);
    return true;
}

bool SuricataEveParser::alert(object o, const Common& c, RecordSink& sink) {
    object a;
    if (!childOf(o, "alert", a)) {
        reject(c, "an alert event without an alert object", sink);
        return false;
    }
    SensorAlertRecord r;
    r.pos = c.pos;
    r.tsUs = c.tsUs;
    r.uid = c.uid;
    r.srcIp = c.srcIp;
    r.srcPort = c.srcPort;
    r.destIp = c.destIp;
    r.destPort = c.destPort;
    r.proto = c.proto;
    r.appProto = c.appProto;
    r.sensor = c.sensor;
    int64_t rev = -1, severity = -1;
    if (anyBad({text(a, "signature", r.signature), text(a, "category", r.category), text(a, "action", r.action),
                number(a, "signature_id", r.signatureId), number(a, "rev", rev), number(a, "severity", severity)})) {
        reject(c, "an alert field (signature, signature_id, severity, ...) has the wrong type", sink);
        return false;
    }
    if (rev < -1 || rev > INT_MAX || severity < -1 || severity > 255) {
        reject(c, "alert.rev or alert.severity is out of range", sink);
        return false;
    }
    r.rev = static_cast<int>(rev);
    r.severity = static_cast<int>(severity);
    sink.sensorAlert(r);
    return true;
}

SuricataEveParser::PendingDns& SuricataEveParser::pendingFor(const std::string& key, const Common& c, bool fromAnswer) {
    auto [it, added] = pending_.try_emplace(key);
    PendingDns& p = it->second;
    if (added) {
        p.pos = c.pos;
        p.tsUs = c.tsUs;
        p.seq = ++seq_;
        // A query goes from the client; an answer comes back to it.
        p.client.assign(fromAnswer ? c.destIp : c.srcIp);
        p.server.assign(fromAnswer ? c.srcIp : c.destIp);
        p.proto.assign(c.proto);
        order_.emplace_back(p.seq, key);
    }
    return p;
}

void SuricataEveParser::emitDns(const std::string& key, RecordSink& sink) {
    auto it = pending_.find(key);
    if (it == pending_.end()) {
        return;
    }
    const PendingDns& p = it->second;
    DnsRecord r;
    r.pos = p.pos;
    r.tsUs = p.tsUs;
    r.clientIp = p.client;
    r.serverIp = p.server;
    r.protocol = p.proto;
    r.qname = p.qname;
    r.qtype = p.qtype;
    r.rcode = p.rcode;
    r.answers = p.answers;
    r.ttls = p.ttls;
    sink.dns(r);
    pending_.erase(it);
}

void SuricataEveParser::flushOpenAnswer(RecordSink& sink) {
    if (!openKey_.empty()) {
        const std::string key = std::move(openKey_);
        openKey_.clear();
        emitDns(key, sink);
    }
}

bool SuricataEveParser::dns(object o, const Common& c, RecordSink& sink) {
    object d;
    if (!childOf(o, "dns", d)) {
        flushOpenAnswer(sink);
        reject(c, "a dns event without a dns object", sink);
        return false;
    }
    std::string_view type, rrname, rrtype, rcode, rdata;
    int64_t id = -1, version = 1, ttl = -1;
    if (anyBad({text(d, "type", type), text(d, "rrname", rrname), text(d, "rrtype", rrtype), text(d, "rcode", rcode),
                text(d, "rdata", rdata), number(d, "id", id), number(d, "ttl", ttl)})) {
        flushOpenAnswer(sink);
        reject(c, "a dns field (type, rrname, rrtype, rcode, rdata, id, ttl) has the wrong type", sink);
        return false;
    }
    number(d, "version", version);
    simdjson::dom::array answers;
    const bool haveAnswers = d.at_key("answers").get_array().get(answers) == simdjson::SUCCESS;
    object groups;
    const bool grouped = childOf(d, "grouped", groups);
    const bool answer = type == "answer";
    if (!answer && type != "query") {
        flushOpenAnswer(sink);
        reject(c, "dns.type is neither query nor answer: '" + std::string(type.substr(0, 40)) + "'", sink);
        return false;
    }
    // The version 2 layouts carry the query name only in the answers when the top has none.
    if (rrname.empty() && haveAnswers) {
        for (element a : answers) {
            object ao;
            if (a.get_object().get(ao) == simdjson::SUCCESS && text(ao, "rrname", rrname) == Got::Ok) {
                break;
            }
        }
    }
    key_ = c.uid;
    key_ += '/';
    key_ += id >= 0 ? std::to_string(id) : std::string(rrname);
    const bool perAnswer = answer && version < 2 && !haveAnswers && !grouped && !rdata.empty();
    if (!openKey_.empty() && !(perAnswer && key_ == openKey_)) {
        flushOpenAnswer(sink);
    }
    if (!answer) {
        if (pending_.count(key_)) {
            emitDns(key_, sink); // the same transaction queried again: the earlier one stands alone
        }
        PendingDns& p = pendingFor(key_, c, false);
        p.qname.assign(stripDot(rrname));
        p.qtype.assign(rrtype);
        // Bounded memory: the oldest waiting query goes out unanswered.
        while (pending_.size() > kMaxPendingDns && !order_.empty()) {
            const auto [seq, oldest] = order_.front();
            order_.pop_front();
            auto it = pending_.find(oldest);
            if (it != pending_.end() && it->second.seq == seq && oldest != openKey_) {
                emitDns(oldest, sink);
            }
        }
        if (order_.size() > 4 * kMaxPendingDns) {
            std::vector<std::pair<uint64_t, std::string>> live;
            for (const auto& [k, p2] : pending_) {
                live.emplace_back(p2.seq, k);
            }
            std::sort(live.begin(), live.end());
            order_.assign(live.begin(), live.end());
        }
        return true;
    }
    PendingDns& p = pendingFor(key_, c, true);
    if (p.qname.empty()) {
        p.qname.assign(stripDot(rrname));
    }
    if (p.qtype.empty()) {
        p.qtype.assign(rrtype);
    }
    if (!rcode.empty()) {
        p.rcode.assign(rcode);
    }
    if (perAnswer) {
        appendListItem(p.answers, rdata);
        if (ttl >= 0) {
            appendListItem(p.ttls, std::to_string(ttl));
        }
        openKey_ = key_; // more answer lines of this response may follow
        return true;
    }
    if (haveAnswers) {
        for (element a : answers) {
            object ao;
            std::string_view data;
            int64_t t = -1;
            if (a.get_object().get(ao) != simdjson::SUCCESS || text(ao, "rdata", data) != Got::Ok) {
                continue; // SOA, SSHFP and the like carry their data in objects of their own
            }
            appendListItem(p.answers, data);
            if (number(ao, "ttl", t) == Got::Ok && t >= 0) {
                appendListItem(p.ttls, std::to_string(t));
            }
        }
    } else if (grouped) {
        for (auto [rtype, list] : groups) {
            simdjson::dom::array items;
            if (list.get_array().get(items) != simdjson::SUCCESS) {
                continue;
            }
            for (element item : items) {
                std::string_view data;
                if (item.get_string().get(data) == simdjson::SUCCESS) {
                    appendListItem(p.answers, data);
                }
            }
        }
    }
    emitDns(key_, sink);
    return true;
}

void SuricataEveParser::finish(RecordSink& sink) {
    flushOpenAnswer(sink);
    std::vector<std::pair<uint64_t, std::string>> rest;
    for (const auto& [k, p] : pending_) {
        rest.emplace_back(p.seq, k);
    }
    std::sort(rest.begin(), rest.end());
    for (const auto& [seq, k] : rest) {
        emitDns(k, sink);
    }
    order_.clear();
    if (!skipped_.empty()) {
        std::string what;
        for (const auto& [type, count] : skipped_) {
            what += (what.empty() ? "" : ", ") + type + " " + std::to_string(count);
        }
        log::ingest()->info("suricata-eve: events of types not stored here were skipped: {}", what);
    }
}

} // namespace socwb
