// Zeek conn.log, TSV or JSON lines (see zeek_log.h for both forms and the pipeline variants), into
// network-sensor connections:
//   ts -> first packet   duration -> microseconds   uid -> uid   id.orig_h/p -> originator
//   id.resp_h/p -> responder   proto -> protocol   service -> service as logged ("ssl", "http,ssl")
//   orig_bytes / resp_bytes -> payload bytes each way   orig_ip_bytes / resp_ip_bytes -> IP bytes
//   orig_pkts / resp_pkts -> packets   conn_state -> state (SF, S0, REJ, ...)   history -> history
// The originator address becomes the host, as a proxy's client address does. Unset fields ("-",
// left out of JSON) stay empty; a count that is not a number rejects the line.
#pragma once

#include "zeek_log.h"

namespace socwb {

class ZeekConnParser : public ZeekLogParser {
  public:
    explicit ZeekConnParser(const ParserOptions& options = {});
    static int sniff(const SniffSample& sample);

  protected:
    void buildRecord(SourcePos pos, std::string_view line, RecordSink& sink) override;
};

} // namespace socwb
