#include "zeek_http_parser.h"

#include "ingest/read/text_util.h"

#include <charconv>

namespace socwb {

namespace {
enum Slot {
    Ts,
    OrigH,
    RespH,
    RespP,
    Method,
    Host,
    Uri,
    Referrer,
    UserAgent,
    Status,
    ReqLen,
    RespLen,
    MimeTypes,
    Username
};

bool isAbsoluteUri(std::string_view uri) {
    const size_t p = uri.find("://");
    return p != std::string_view::npos && p > 0 && p < 16 &&
           uri.substr(0, p).find_first_of("/?") == std::string_view::npos;
}

// "example.com:8080", "[::1]:8080" -> true; "example.com", "[::1]" -> false.
bool authorityHasPort(std::string_view a) {
    const size_t colon = a.rfind(':');
    if (colon == std::string_view::npos || colon + 1 == a.size()) {
        return false;
    }
    const size_t bracket = a.rfind(']');
    if (bracket != std::string_view::npos && bracket > colon) {
        return false;
    }
    if (bracket == std::string_view::npos && a.find(':') != colon) {
        return false; // a bare IPv6 address
    }
    for (char c : a.substr(colon + 1)) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}
} // namespace

ZeekHttpParser::ZeekHttpParser(const ParserOptions&)
    : ZeekLogParser("zeek-http", "http",
                    {"ts", "id.orig_h", "id.resp_h", "id.resp_p", "method", "host", "uri", "referrer", "user_agent",
                     "status_code", "request_body_len", "response_body_len", "resp_mime_types", "username"},
                    {Host, Uri}, {MimeTypes},
                    {"host", "uri", "method", "trans_depth", "status_code", "request_body_len", "response_body_len",
                     "user_agent", "version", "status_msg"}) {
    url_.reserve(2048);
}

int ZeekHttpParser::sniff(const SniffSample& sample) {
    return sniffKind(sample, Kind::Http);
}

void ZeekHttpParser::buildRecord(SourcePos pos, std::string_view line, RecordSink& sink) {
    ProxyRecord r;
    r.pos = pos;
    if (!parseTs(Ts, r.tsUs)) {
        rejectWith(pos, "ts is not a time: '" + std::string(raw(Ts).substr(0, 40)) + "'", line, sink);
        return;
    }
    if (!intSlot(RespP, "id.resp_p", r.port, pos, line, sink) ||
        !intSlot(Status, "status_code", r.status, pos, line, sink) ||
        !intSlot(ReqLen, "request_body_len", r.bytesOut, pos, line, sink) ||
        !intSlot(RespLen, "response_body_len", r.bytesIn, pos, line, sink)) {
        return;
    }
    r.clientIp = value(OrigH);
    r.destIp = value(RespH);
    r.method = value(Method);
    r.referrer = value(Referrer);
    r.userAgent = value(UserAgent);
    r.user = value(Username);
    r.contentType = firstElement(MimeTypes);
    const std::string_view hostHeader = value(Host);
    const std::string_view uri = value(Uri);

    if (isAbsoluteUri(uri)) {
        // A request to a proxy: the URI is the whole URL.
        r.url = uri;
        const UrlParts u = splitUrl(uri);
        r.scheme = u.scheme;
        r.host = u.host.empty() ? hostHeader : u.host;
        r.path = u.path;
        r.query = u.query;
        if (r.port < 0) {
            r.port = u.port;
        }
    } else if (r.method == "CONNECT") {
        const std::string_view target = uri.empty() ? hostHeader : uri;
        r.url = target;
        const UrlParts u = splitUrl(target);
        r.host = u.host;
        if (r.port < 0) {
            r.port = u.port;
        }
    } else {
        url_.clear();
        bool authority = true;
        if (!hostHeader.empty()) {
            url_ += "http://";
            url_ += hostHeader;
        } else if (!r.destIp.empty()) {
            url_ += "http://";
            const bool v6 = r.destIp.find(':') != std::string_view::npos;
            url_ += v6 ? "[" : "";
            url_ += r.destIp;
            url_ += v6 ? "]" : "";
        } else {
            authority = false;
        }
        if (authority) {
            if (r.port > 0 && r.port != 80 && !authorityHasPort(std::string_view(url_).substr(7))) {
                char buf[16];
                const auto res = std::to_chars(buf, buf + sizeof buf, r.port);
                url_ += ':';
                url_.append(buf, res.ptr);
            }
            if (!uri.empty() && uri.front() != '/') {
                url_ += '/';
            }
        }
        url_ += uri;
        r.url = url_;
        r.scheme = "http";
        if (authority) {
            const UrlParts u = splitUrl(r.url);
            r.host = u.host;
            if (r.port < 0) {
                r.port = u.port;
            }
        }
        const size_t q = uri.find('?');
        r.path = uri.substr(0, q);
        if (q != std::string_view::npos) {
            r.query = uri.substr(q + 1);
        }
    }
    sink.proxy(r);
}

} // namespace socwb
