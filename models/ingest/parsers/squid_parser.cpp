#include "squid_parser.h"

#include "ingest/read/text_util.h"

#include <string>

namespace socwb {

namespace {
std::string_view dashEmpty(std::string_view s) {
    return s == "-" ? std::string_view() : s;
}

bool looksLikeIp(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    if (s.find(':') != std::string_view::npos) {
        return true; // IPv6 literal; host names never contain ':' here
    }
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || c == '.')) {
            return false;
        }
    }
    return true;
}
} // namespace

SquidParser::SquidParser(const ParserOptions&) {
    fields_.reserve(16);
}

int SquidParser::sniff(const SniffSample& sample) {
    SquidParser p;
    return sniffByParsing(sample, p, 90);
}

void SquidParser::parseLine(std::string_view line, SourcePos pos, RecordSink& sink) {
    if (line.front() == '#') {
        return; // some deployments add comment headers
    }
    splitWhitespace(line, fields_);
    if (fields_.size() < 7) {
        sink.reject(pos, "squid: expected at least 7 fields, found " + std::to_string(fields_.size()), line);
        return;
    }
    ProxyRecord r;
    r.pos = pos;
    if (!parseEpochSeconds(fields_[0], r.tsUs)) {
        sink.reject(pos, "squid: time is not epoch seconds: '" + std::string(fields_[0].substr(0, 40)) + "'", line);
        return;
    }
    int64_t elapsed = 0;
    if (!parseInt(fields_[1], elapsed)) {
        sink.reject(pos, "squid: elapsed is not a number: '" + std::string(fields_[1].substr(0, 40)) + "'", line);
        return;
    }
    r.durationMs = elapsed;
    r.clientIp = fields_[2];
    const std::string_view codeStatus = fields_[3];
    const size_t slash = codeStatus.find('/');
    if (slash == std::string_view::npos || !parseInt(codeStatus.substr(slash + 1), r.status)) {
        sink.reject(pos, "squid: result code is not ACTION/STATUS: '" + std::string(codeStatus.substr(0, 40)) + "'",
                    line);
        return;
    }
    r.action = codeStatus.substr(0, slash);
    if (!parseInt(fields_[4], r.bytesIn)) {
        sink.reject(pos, "squid: bytes is not a number: '" + std::string(fields_[4].substr(0, 40)) + "'", line);
        return;
    }
    r.method = fields_[5];
    r.url = fields_[6];
    const UrlParts u = splitUrl(r.url);
    r.scheme = u.scheme;
    r.host = u.host;
    r.port = u.port;
    r.path = u.path;
    r.query = u.query;
    if (fields_.size() > 7) {
        r.user = dashEmpty(fields_[7]);
    }
    if (fields_.size() > 8) {
        // "HIER_DIRECT/185.199.108.133", "DIRECT/hostname", "NONE/-"
        const std::string_view hier = fields_[8];
        const size_t s = hier.find('/');
        if (s != std::string_view::npos) {
            const std::string_view peer = dashEmpty(hier.substr(s + 1));
            if (looksLikeIp(peer)) {
                r.destIp = peer;
            }
        }
    }
    if (fields_.size() > 9) {
        r.contentType = dashEmpty(fields_[9]);
    }
    sink.proxy(r);
}

} // namespace socwb
