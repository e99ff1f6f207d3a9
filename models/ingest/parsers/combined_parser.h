// Squid "logformat combined" and Apache combined (and common) access logs:
//   client ident user [time] "METHOD URL HTTP/x" status bytes "referer" "user agent" [Ss:Sh]
// e.g. 10.1.2.3 - alice [10/Oct/2024:13:55:36 +0000] "GET http://example.com/x?y=1 HTTP/1.1" 200 2326
//      "http://ref/" "Mozilla/5.0 (...)" TCP_MISS:HIER_DIRECT
// Squid's combined is  %>a %[ui %[un [%tl] "%rm %ru HTTP/%rv" %>Hs %<st "%{Referer}>h" "%{User-Agent}>h" %Ss:%Sh;
// Apache's lacks the last field and Apache "common" also lacks referer and user agent; all three
// are read. The time carries its own UTC offset, so no time zone option is needed.
//
// Field rules: "-" is "not known" (empty), except bytes, where Apache's "-" means zero bytes.
// user is the authenticated user, else the ident name. bytes (%<st / %b) is what went to the
// client: bytesIn; the format has no request size. A CONNECT request's URL is "host:port".
// The %Ss:%Sh suffix gives the action (TCP_MISS); the hierarchy code carries no address, so
// destIp stays empty. A request field of "-" (Apache logs it for connections that sent nothing)
// gives a record without method and URL; a request that is not "METHOD URL [PROTOCOL]" is
// rejected. In quoted fields \" and \\ are unescaped (Apache and Squid escape them so); other
// escapes such as \x16 stay as written.
#pragma once

#include "ingest/read/parser.h"

#include <string>
#include <vector>

namespace socwb {

class CombinedParser : public LineParser {
  public:
    explicit CombinedParser(const ParserOptions& options = {});
    static int sniff(const SniffSample& sample);

  protected:
    void parseLine(std::string_view line, SourcePos pos, RecordSink& sink) override;

  private:
    std::string_view unescape(std::string_view s, std::string& buf);

    std::vector<std::string_view> fields_;
    std::vector<std::string_view> request_;
    std::string requestBuf_;
    std::string referrerBuf_;
    std::string agentBuf_;
};

} // namespace socwb
