// Zeek http.log, TSV or JSON lines (see zeek_log.h for both forms), into proxy events.
// The URL is rebuilt from the Host header and the URI as observed_http.h says. Zeek's fields map as:
//   id.orig_h -> client IP      id.resp_h -> destination IP     id.resp_p -> port
//   request_body_len -> bytes out    response_body_len -> bytes in
//   resp_mime_types (first) -> content type     username -> user
// The proxy action stays empty: Zeek observes, it does not decide.
#pragma once

#include "zeek_log.h"

namespace socwb {

class ZeekHttpParser : public ZeekLogParser {
  public:
    explicit ZeekHttpParser(const ParserOptions& options = {});
    static int sniff(const SniffSample& sample);

  protected:
    void buildRecord(SourcePos pos, std::string_view line, RecordSink& sink) override;

  private:
    std::string url_;
};

} // namespace socwb
