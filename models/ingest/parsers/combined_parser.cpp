#include "combined_parser.h"

#include "ingest/read/text_util.h"

#include <string>

namespace socwb {

namespace {
std::string_view dashEmpty(std::string_view s) {
    return s == "-" ? std::string_view() : s;
}

bool isMethodToken(std::string_view s) {
    if (s.empty() || s.size() > 32) {
        return false;
    }
    for (char c : s) {
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_')) {
            return false;
        }
    }
    return true;
}

} // namespace

CombinedParser::CombinedParser(const ParserOptions&) {
    fields_.reserve(16);
    request_.reserve(8);
}

int CombinedParser::sniff(const SniffSample& sample) {
    CombinedParser p;
    return sniffByParsing(sample, p, 90);
}

std::string_view CombinedParser::unescape(std::string_view s, std::string& buf) {
    if (s.find('\\') == std::string_view::npos) {
        return s;
    }
    buf.clear();
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) {
            ++i;
        }
        buf += s[i];
    }
    return buf;
}

void CombinedParser::parseLine(std::string_view line, SourcePos pos, RecordSink& sink) {
    if (line.front() == '#') {
        return; // comment headers some deployments add, as for Squid native
    }
    if (!splitQuoted(line, fields_)) {
        sink.reject(pos, "combined: unterminated quote or bracket", line);
        return;
    }
    if (fields_.size() < 7) {
        sink.reject(pos,
                    "combined: expected at least 7 fields (client ident user [time] \"request\" status bytes), found " +
                        std::to_string(fields_.size()),
                    line);
        return;
    }
    ProxyRecord r;
    r.pos = pos;
    if (!parseClfTime(fields_[3], r.tsUs)) {
        sink.reject(pos, "combined: time is not [dd/Mon/yyyy:HH:MM:SS +zzzz]: '" + excerpt(fields_[3], 60) + "'", line);
        return;
    }
    r.clientIp = dashEmpty(fields_[0]);
    r.user = dashEmpty(fields_[2]);
    if (r.user.empty()) {
        r.user = dashEmpty(fields_[1]);
    }

    // "METHOD URL HTTP/x", "METHOD URL" (HTTP/0.9), or "-" when the client sent no request.
    const std::string_view request = unescape(fields_[4], requestBuf_);
    if (request != "-" && !request.empty()) {
        splitWhitespace(request, request_);
        const bool withProtocol = request_.size() >= 3 && request_.back().starts_with("HTTP/");
        if (!(request_.size() == 2 || withProtocol) || !isMethodToken(request_[0])) {
            sink.reject(pos, "combined: request is not 'METHOD URL [HTTP/x]': '" + excerpt(request, 60) + "'", line);
            return;
        }
        r.method = request_[0];
        if (withProtocol) {
            // Everything between the method and the protocol, spaces included.
            const char* b = request_[1].data();
            const char* e = request_[request_.size() - 2].data() + request_[request_.size() - 2].size();
            r.url = std::string_view(b, static_cast<size_t>(e - b));
        } else {
            r.url = request_[1];
        }
        const UrlParts u = splitUrl(r.url);
        r.scheme = u.scheme;
        r.host = u.host;
        r.port = u.port;
        r.path = u.path;
        r.query = u.query;
    }

    if (fields_[5] != "-" && !parseInt(fields_[5], r.status)) {
        sink.reject(pos, "combined: status is not a number: '" + excerpt(fields_[5], 60) + "'", line);
        return;
    }
    if (fields_[6] == "-") {
        r.bytesIn = 0; // Apache's %b writes "-" for no body
    } else if (!parseInt(fields_[6], r.bytesIn)) {
        sink.reject(pos, "combined: bytes is not a number: '" + excerpt(fields_[6], 60) + "'", line);
        return;
    }
    if (fields_.size() > 7) {
        r.referrer = dashEmpty(unescape(fields_[7], referrerBuf_));
    }
    if (fields_.size() > 8) {
        r.userAgent = dashEmpty(unescape(fields_[8], agentBuf_));
    }
    if (fields_.size() > 9) {
        const std::string_view extra = fields_[9];
        if (fields_.size() > 10 && isDigits(extra) && isDigits(fields_[10])) {
            // Apache "combinedio": %I (received, with headers) %O (sent, with headers).
            parseInt(extra, r.bytesOut);
            parseInt(fields_[10], r.bytesIn);
        } else if (extra != "-") {
            // Squid %Ss:%Sh, e.g. TCP_MISS:HIER_DIRECT
            r.action = extra.substr(0, extra.find(':'));
        }
    }
    sink.proxy(r);
}

} // namespace socwb
