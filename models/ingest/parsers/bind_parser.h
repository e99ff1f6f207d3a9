// BIND 9 query log ("queries" category, `querylog yes`), plain or through syslog:
//   01-Mar-2024 14:05:11.123 queries: info: client @0x7f1234 10.1.2.3#53000 (raw.githubusercontent.com): query:
//   raw.githubusercontent.com IN A +E(0)K (10.0.0.53) Mar  1 14:05:11 ns1 named[812]: client 10.1.2.3#53000
//   (example.com): view internal: query: example.com IN AAAA + (10.0.0.53)
//   ... client 10.1.2.3#53000: query: example.com IN A +          (BIND 9.3-9.8: no "(name)", no server)
// Time: BIND's own stamp when the line has one ("dd-Mon-yyyy HH:MM:SS.mmm" local time, or ISO 8601
// from `print-time iso8601[-utc]`), else the syslog stamp (year inferred, see syslog_prefix.h).
// Local times are converted with the source time zone (--tz). The optional "category: severity:"
// prefix, the client object "@0x...", and "view NAME:" are skipped.
// Record: client address (without #port), name, type, server address (the "(10.0.0.53)" the query
// arrived on), protocol from the flags (T = TCP, else UDP). The query log has no responses, so
// rcode and answers stay empty. A line with a query but no time stamp at all is rejected, as is
// one whose stamp has an impossible date.
//
// Other BIND lines are rejected with "bind: not a query line: ...". That covers the security
// category's "query (cache) 'name/TYPE/IN' denied" and "zone transfer ... denied" lines (the
// real BIND lines in ../shared/data/dns/bind9-crowdsec-fixtures): they are not query log
// entries, and when query logging is on BIND logs the same request again in the queries
// category, so taking them as events would count it twice. Rejecting keeps them visible in the
// case with their reason, which is the rule for anything that is not an event. query-errors
// ("query failed (SERVFAIL) for ...") and server messages are rejected the same way.
#pragma once

#include "ingest/read/parser.h"
#include "syslog_prefix.h"

#include <string>
#include <vector>

namespace socwb {

class BindParser : public LineParser {
  public:
    explicit BindParser(const ParserOptions& options = {}, int64_t referenceUtcUs = -1);
    static int sniff(const SniffSample& sample);

  protected:
    void parseLine(std::string_view line, SourcePos pos, RecordSink& sink) override;

  private:
    enum class Kind { Other, ClientLine, Query, BadTime };
    // Parses one line into r (for queries) or sets why; `hasTime` tells whether a stamp was found.
    Kind classify(std::string_view line, DnsRecord& r, std::string_view& rest, bool& hasTime);
    bool parseBindTime(std::string_view s, size_t& consumed, int64_t& utcUs);

    SyslogClock clock_;
    std::vector<std::string_view> tokens_;
};

} // namespace socwb
