#include "observed_http.h"

#include "ingest/read/text_util.h"

#include <charconv>

namespace socwb {

namespace {

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

void fillObservedUrl(ProxyRecord& r, std::string_view hostHeader, std::string_view uri, std::string& scratch) {
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
        scratch.clear();
        bool authority = true;
        if (!hostHeader.empty()) {
            scratch += "http://";
            scratch += hostHeader;
        } else if (!r.destIp.empty()) {
            scratch += "http://";
            const bool v6 = r.destIp.find(':') != std::string_view::npos;
            scratch += v6 ? "[" : "";
            scratch += r.destIp;
            scratch += v6 ? "]" : "";
        } else {
            authority = false;
        }
        if (authority) {
            if (r.port > 0 && r.port != 80 && !authorityHasPort(std::string_view(scratch).substr(7))) {
                char buf[16];
                const auto res = std::to_chars(buf, buf + sizeof buf, r.port);
                scratch += ':';
                scratch.append(buf, res.ptr);
            }
            if (!uri.empty() && uri.front() != '/') {
                scratch += '/';
            }
        }
        scratch += uri;
        r.url = scratch;
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
}

} // namespace socwb
