// The W3C extended log file format (https://www.w3.org/TR/WD-logfile.html) as web gateways and
// servers write it: Blue Coat / ProxySG (ELFF), Microsoft IIS, Forefront TMG and the many
// products that export it. Directives describe the data:
//   #Software: Microsoft Internet Information Services 10.0
//   #Version: 1.0
//   #Date: 2019-09-03 10:04:35
//   #Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) ...
// Columns are found by the names in #Fields, in any order and subset; a file may hold several
// #Fields blocks (IIS starts a new one whenever the service restarts). Fields are separated by
// spaces ("double quoted" fields, as Blue Coat writes user agents, may contain spaces; "" inside
// is a quote) or, when the #Fields line itself uses tabs, by single tabs. '-' means empty.
// Values are kept as logged (IIS writes '+' for the spaces of a user agent).
//
// date and time are UTC (the W3C format's rule, and IIS's). A source time zone other than UTC
// (--tz) says the log holds local time instead; it is then converted to UTC. Also read:
// gmttime / localtime ("[dd/Mon/yyyy:hh:mm:ss +zzzz]") and x-timestamp-unix.
//
// Mapping (first listed wins where several apply):
//   c-ip -> client IP   cs-username -> user   cs-method -> method   sc-status -> status
//   cs-uri (full URL, Blue Coat), or built from cs-uri-scheme, cs-host, cs-uri-port,
//     cs-uri-stem / cs-uri-path and cs-uri-query (without its '?') -> URL and its parts
//   sc-bytes -> bytes in (to client)   cs-bytes -> bytes out (to server)   time-taken -> ms
//   cs(User-Agent) (TMG: c-agent), cs(Referer), rs(Content-Type) / sc(Content-Type) / cs(Content-Type)
//   s-action / sc-filter-result / x-exception-id -> action
//   r-ip / s-supplier-ip -> destination IP   cs-uri-port / r-port -> port
// A log without proxy fields (no cs-uri, cs-uri-scheme, s-action, sc-filter-result, r-ip,
// s-supplier-ip ...) is a web server's own log (IIS): there s-ip and s-port are the destination,
// s-ip names the host when cs-host is absent, and the scheme is https on port 443, else http.
// A CONNECT becomes "host:port" with an empty scheme, as for Squid.
#pragma once

#include "ingest/read/parser.h"
#include "ingest/read/text_util.h"

#include <array>
#include <string>
#include <vector>

namespace socwb {

class W3cParser : public LineParser {
  public:
    // Throws std::runtime_error for an unknown source time zone.
    explicit W3cParser(const ParserOptions& options = {});
    static int sniff(const SniffSample& sample);

    enum Role : uint8_t {
        None,
        Date,
        Time,
        GmtTime,
        LocalTime,
        UnixTime,
        ClientIp,
        User,
        Method,
        Host,
        UriStem,
        UriPath,
        UriQuery,
        Uri,
        UriScheme,
        UriPort,
        ServerIp,
        ServerPort,
        Status,
        ScBytes,
        CsBytes,
        UserAgent,
        Referer,
        RsContentType,
        ScContentType,
        CsContentType,
        SAction,
        FilterResult,
        ExceptionId,
        RIp,
        SupplierIp,
        TimeTaken,
        RPort,
        RoleCount
    };
    static Role roleOf(std::string_view fieldName);

  protected:
    void parseLine(std::string_view line, SourcePos pos, RecordSink& sink) override;

  private:
    void directive(std::string_view line);
    bool split(std::string_view line);
    bool timestamp(int64_t& us);
    bool number(Role role, const char* name, int64_t& out, SourcePos pos, std::string_view line, RecordSink& sink);

    TzConverter tz_;
    std::vector<Role> roles_;
    bool haveFields_ = false;
    bool tabs_ = false;
    bool webServer_ = false;    // no proxy fields: s-ip/s-port are the destination
    std::string directiveDate_; // "YYYY-MM-DD" of the last #Date
    std::vector<std::string_view> fields_;
    std::string unquoted_;
    std::array<std::string_view, RoleCount> v_{};
    std::string url_;
};

} // namespace socwb
