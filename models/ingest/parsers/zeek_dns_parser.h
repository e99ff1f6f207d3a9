// Zeek dns.log, TSV or JSON lines (see zeek_log.h for both forms), into DNS events:
//   id.orig_h -> client IP   id.resp_h -> server IP   proto -> protocol   query -> name (no final dot)
//   qtype_name -> type (unset: "TYPE<qtype>")   rcode_name -> response code (unset: no response)
//   answers -> comma-separated   TTLs -> comma-separated whole seconds ("300.000000" -> 300)
#pragma once

#include "zeek_log.h"

namespace socwb {

class ZeekDnsParser : public ZeekLogParser {
  public:
    explicit ZeekDnsParser(const ParserOptions& options = {});
    static int sniff(const SniffSample& sample);

  protected:
    void buildRecord(SourcePos pos, std::string_view line, RecordSink& sink) override;

  private:
    std::string qtype_;
    std::string answers_;
    std::string ttls_;
};

} // namespace socwb
