#include "w3c_parser.h"

#include <charconv>
#include <cstring>
#include <stdexcept>

namespace socwb {

namespace {

bool equalsLower(std::string_view a, std::string_view lower) {
    if (a.size() != lower.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if (c != lower[i]) {
            return false;
        }
    }
    return true;
}

struct NamedRole {
    const char* name;
    W3cParser::Role role;
};

constexpr NamedRole kRoles[] = {
    {"date", W3cParser::Date},
    {"time", W3cParser::Time},
    {"gmttime", W3cParser::GmtTime},
    {"localtime", W3cParser::LocalTime},
    {"x-timestamp-unix", W3cParser::UnixTime},
    {"c-ip", W3cParser::ClientIp},
    {"cs-username", W3cParser::User},
    {"cs-method", W3cParser::Method},
    {"cs-host", W3cParser::Host},
    {"cs-uri-stem", W3cParser::UriStem},
    {"cs-uri-path", W3cParser::UriPath},
    {"cs-uri-query", W3cParser::UriQuery},
    {"cs-uri", W3cParser::Uri},
    {"cs-uri-scheme", W3cParser::UriScheme},
    {"cs-uri-port", W3cParser::UriPort},
    {"s-ip", W3cParser::ServerIp},
    {"s-port", W3cParser::ServerPort},
    {"sc-status", W3cParser::Status},
    {"sc-bytes", W3cParser::ScBytes},
    {"cs-bytes", W3cParser::CsBytes},
    {"cs(user-agent)", W3cParser::UserAgent},
    {"c-agent", W3cParser::UserAgent}, // Forefront TMG
    {"cs(referer)", W3cParser::Referer},
    {"cs(referrer)", W3cParser::Referer},
    {"rs(content-type)", W3cParser::RsContentType},
    {"sc(content-type)", W3cParser::ScContentType},
    {"cs(content-type)", W3cParser::CsContentType},
    {"s-action", W3cParser::SAction},
    {"sc-filter-result", W3cParser::FilterResult},
    {"x-exception-id", W3cParser::ExceptionId},
    {"r-ip", W3cParser::RIp},
    {"s-supplier-ip", W3cParser::SupplierIp},
    {"time-taken", W3cParser::TimeTaken},
    {"r-port", W3cParser::RPort},
};

std::string_view firstOf(std::string_view a, std::string_view b) {
    return a.empty() ? b : a;
}

int defaultPort(std::string_view scheme) {
    return scheme == "http" ? 80 : scheme == "https" ? 443 : scheme == "ftp" ? 21 : -1;
}

} // namespace

W3cParser::Role W3cParser::roleOf(std::string_view name) {
    for (const auto& r : kRoles) {
        if (equalsLower(name, r.name)) {
            return r.role;
        }
    }
    return None;
}

W3cParser::W3cParser(const ParserOptions& options) : tz_(options.sourceTimeZone) {
    if (!tz_.valid()) {
        throw std::runtime_error("w3c: unknown time zone '" + options.sourceTimeZone.toStdString() + "'");
    }
    roles_.reserve(64);
    fields_.reserve(64);
    url_.reserve(2048);
}

int W3cParser::sniff(const SniffSample& sample) {
    std::vector<std::string_view> names;
    for (std::string_view line : sample.lines) {
        if (!line.starts_with("#Fields:")) {
            continue;
        }
        splitWhitespace(line.substr(8), names);
        int known = 0;
        bool time = false;
        for (std::string_view n : names) {
            const Role r = roleOf(n);
            known += r != None;
            time |= r == Date || r == Time || r == GmtTime || r == LocalTime || r == UnixTime;
        }
        if (known >= 3 && time) {
            return 95;
        }
        return known >= 2 ? 70 : 0;
    }
    return 0;
}

void W3cParser::directive(std::string_view line) {
    if (line.starts_with("#Fields:")) {
        const std::string_view list = line.substr(8);
        tabs_ = list.find('\t') != std::string_view::npos && trim(list).find(' ') == std::string_view::npos;
        splitWhitespace(list, fields_);
        roles_.clear();
        bool seen[RoleCount] = {};
        webServer_ = true;
        for (std::string_view n : fields_) {
            Role r = roleOf(n);
            if (seen[r] && r != None) {
                r = None; // a repeated field: the first one counts
            }
            seen[r] = true;
            roles_.push_back(r);
        }
        for (Role proxyOnly : {Uri, UriScheme, SAction, FilterResult, ExceptionId, RIp, SupplierIp, RPort}) {
            if (seen[proxyOnly]) {
                webServer_ = false;
            }
        }
        haveFields_ = !roles_.empty();
        return;
    }
    if (line.starts_with("#Date:")) {
        const std::string_view d = trim(line.substr(6));
        directiveDate_.assign(d.substr(0, 10));
    }
    // #Software, #Version, #Start-Date, #End-Date, #Remark and plain comments describe, nothing more.
}

bool W3cParser::split(std::string_view s) {
    fields_.clear();
    if (tabs_) {
        splitOn(s, '\t', fields_);
        return true;
    }
    unquoted_.clear();
    unquoted_.reserve(s.size()); // views into it must not move
    size_t i = 0;
    const size_t n = s.size();
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t')) {
            ++i;
        }
        if (i >= n) {
            break;
        }
        if (s[i] == '"') {
            size_t j = i + 1;
            bool doubled = false;
            while (j < n) {
                if (s[j] == '"') {
                    if (j + 1 < n && s[j + 1] == '"') {
                        doubled = true;
                        j += 2;
                        continue;
                    }
                    break;
                }
                if (s[j] == '\\' && j + 1 < n && s[j + 1] == '"') {
                    j += 2;
                    continue;
                }
                ++j;
            }
            if (j >= n) {
                return false;
            }
            std::string_view f = s.substr(i + 1, j - i - 1);
            if (doubled) {
                const size_t begin = unquoted_.size();
                for (size_t k = 0; k < f.size(); ++k) {
                    unquoted_ += f[k];
                    if (f[k] == '"' && k + 1 < f.size() && f[k + 1] == '"') {
                        ++k;
                    }
                }
                f = std::string_view(unquoted_).substr(begin);
            }
            fields_.push_back(f);
            i = j + 1;
        } else {
            const size_t b = i;
            while (i < n && s[i] != ' ' && s[i] != '\t') {
                ++i;
            }
            fields_.push_back(s.substr(b, i - b));
        }
    }
    return true;
}

bool W3cParser::timestamp(int64_t& us) {
    const std::string_view time = v_[Time];
    const std::string_view date = firstOf(v_[Date], directiveDate_);
    if (!time.empty() && !date.empty()) {
        char buf[64];
        if (date.size() + time.size() + 1 > sizeof buf) {
            return false;
        }
        std::memcpy(buf, date.data(), date.size());
        buf[date.size()] = ' ';
        std::memcpy(buf + date.size() + 1, time.data(), time.size());
        bool zone = false;
        if (!parseIsoTimestamp(std::string_view(buf, date.size() + 1 + time.size()), us, &zone)) {
            return false;
        }
        if (!zone) {
            us = tz_.toUtc(us);
        }
        return true;
    }
    if (!v_[GmtTime].empty()) {
        return parseClfTime(v_[GmtTime], us);
    }
    if (!v_[LocalTime].empty()) {
        std::string_view t = v_[LocalTime];
        if (!parseClfTime(t, us)) {
            return false;
        }
        if (!t.empty() && t.back() == ']') {
            t.remove_suffix(1);
        }
        if (trim(t).size() <= 21) {
            us = tz_.toUtc(us); // no offset written: local time of the source zone
        }
        return true;
    }
    if (!v_[UnixTime].empty()) {
        return parseEpochSeconds(v_[UnixTime], us);
    }
    return false;
}

bool W3cParser::number(Role role, const char* name, int64_t& out, SourcePos pos, std::string_view line,
                       RecordSink& sink) {
    const std::string_view v = v_[role];
    if (v.empty()) {
        out = -1;
        return true;
    }
    if (parseInt(v, out) && out >= 0) {
        return true;
    }
    // time-taken with a fraction (some exporters): whole milliseconds.
    const size_t dot = v.find('.');
    if (role == TimeTaken && dot != std::string_view::npos && parseInt(v.substr(0, dot), out) && out >= 0) {
        return true;
    }
    sink.reject(pos, std::string("w3c: ") + name + " is not a number: '" + std::string(v.substr(0, 40)) + "'", line);
    return false;
}

void W3cParser::parseLine(std::string_view line, SourcePos pos, RecordSink& sink) {
    if (line.front() == '#') {
        directive(line);
        return;
    }
    if (!haveFields_) {
        sink.reject(pos, "w3c: data line before any #Fields directive", line);
        return;
    }
    if (!split(line)) {
        sink.reject(pos, "w3c: a quoted field is not closed", line);
        return;
    }
    if (fields_.size() != roles_.size()) {
        sink.reject(
            pos, "w3c: expected " + std::to_string(roles_.size()) + " fields, found " + std::to_string(fields_.size()),
            line);
        return;
    }
    v_.fill({});
    for (size_t i = 0; i < roles_.size(); ++i) {
        const std::string_view f = fields_[i];
        if (roles_[i] != None && f != "-") {
            v_[roles_[i]] = f;
        }
    }

    ProxyRecord r;
    r.pos = pos;
    if (!timestamp(r.tsUs)) {
        std::string when(v_[Date]);
        when += when.empty() ? "" : " ";
        when += v_[Time];
        if (when.empty()) {
            when = firstOf(v_[GmtTime], firstOf(v_[LocalTime], v_[UnixTime]));
        }
        sink.reject(pos, "w3c: no readable date and time: '" + when.substr(0, 60) + "'", line);
        return;
    }
    int64_t status = -1, uriPort = -1, rPort = -1, sPort = -1;
    if (!number(Status, "sc-status", status, pos, line, sink) ||
        !number(ScBytes, "sc-bytes", r.bytesIn, pos, line, sink) ||
        !number(CsBytes, "cs-bytes", r.bytesOut, pos, line, sink) ||
        !number(TimeTaken, "time-taken", r.durationMs, pos, line, sink) ||
        !number(UriPort, "cs-uri-port", uriPort, pos, line, sink) || !number(RPort, "r-port", rPort, pos, line, sink) ||
        !number(ServerPort, "s-port", sPort, pos, line, sink)) {
        return;
    }
    if (status > INT32_MAX || uriPort > 65535 || rPort > 65535 || sPort > 65535) {
        sink.reject(pos, "w3c: status or port out of range", line);
        return;
    }
    r.status = static_cast<int>(status);
    r.clientIp = v_[ClientIp];
    r.user = v_[User];
    r.method = v_[Method];
    r.userAgent = v_[UserAgent];
    r.referrer = v_[Referer];
    r.contentType = firstOf(v_[RsContentType], firstOf(v_[ScContentType], v_[CsContentType]));
    r.action = firstOf(v_[SAction], firstOf(v_[FilterResult], v_[ExceptionId]));
    r.destIp = firstOf(v_[RIp], v_[SupplierIp]);
    if (r.destIp.empty() && webServer_) {
        r.destIp = v_[ServerIp];
    }

    // The URL: as logged when the log has it whole, else put together from its parts.
    const std::string_view fullUri = v_[Uri];
    UrlParts logged;
    if (!fullUri.empty()) {
        logged = splitUrl(fullUri);
    }
    const bool absolute = !logged.scheme.empty();
    std::string_view query = v_[UriQuery];
    if (query.starts_with('?')) {
        query.remove_prefix(1);
    }
    r.scheme = firstOf(v_[UriScheme], logged.scheme);
    r.path = firstOf(firstOf(v_[UriStem], v_[UriPath]), logged.path);
    r.query = firstOf(query, logged.query);
    std::string_view authority = firstOf(v_[Host], logged.host);
    if (authority.empty() && webServer_) {
        authority = v_[ServerIp];
    }
    int port = static_cast<int>(uriPort >= 0 ? uriPort : rPort);
    if (port < 0 && absolute) {
        port = logged.port;
    }
    if (port < 0 && webServer_) {
        port = static_cast<int>(sPort);
    }
    const bool connect = r.method == "CONNECT";
    if (connect) {
        r.scheme = {};
        r.path = {};
        r.query = {};
    } else if (r.scheme.empty() && !authority.empty()) {
        r.scheme = port == 443 ? "https" : "http";
    }
    char portText[16];
    const auto portEnd = std::to_chars(portText, portText + sizeof portText, port).ptr;
    const bool v6 = authority.find(':') != std::string_view::npos && authority.find(':') != authority.rfind(':') &&
                    !authority.starts_with('[');
    auto appendAuthority = [&](bool withPort) {
        url_ += v6 ? "[" : "";
        url_ += authority;
        url_ += v6 ? "]" : "";
        const UrlParts a = splitUrl(std::string_view(url_).substr(url_.size() - authority.size() - (v6 ? 2 : 0)));
        if (withPort && port >= 0 && a.port < 0) {
            url_ += ':';
            url_.append(portText, portEnd);
        }
    };
    url_.clear();
    if (absolute && !connect) {
        r.url = fullUri;
    } else if (connect && !authority.empty()) {
        appendAuthority(true);
        r.url = url_;
    } else if (!authority.empty()) {
        url_ += r.scheme;
        url_ += "://";
        appendAuthority(port != defaultPort(r.scheme));
        if (!r.path.empty() && r.path.front() != '/') {
            url_ += '/';
        }
        url_ += r.path;
        if (!r.query.empty()) {
            url_ += '?';
            url_ += r.query;
        }
        r.url = url_;
    } else {
        url_ += r.path;
        if (!r.query.empty()) {
            url_ += '?';
            url_ += r.query;
        }
        r.url = url_;
    }
    if (!authority.empty() || absolute) {
        const UrlParts u = splitUrl(r.url);
        r.host = u.host;
        if (port < 0) {
            port = u.port;
        }
    }
    r.port = port;
    sink.proxy(r);
}

} // namespace socwb
