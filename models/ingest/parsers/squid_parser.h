// Squid's native access.log format:
//   time elapsed client action/status bytes method URL ident hierarchy/peer type
// e.g. "1700000000.123    152 10.1.2.3 TCP_TUNNEL/200 4512 CONNECT raw.githubusercontent.com:443 -
// HIER_DIRECT/185.199.108.133 -" Fields are separated by runs of spaces; "-" means "not known". `bytes` is what Squid
// sent to the client, so bytes_in; the native format has no request size or user agent.
#pragma once

#include "ingest/read/parser.h"

#include <vector>

namespace socwb {

class SquidParser : public LineParser {
  public:
    explicit SquidParser(const ParserOptions& options = {});
    static int sniff(const SniffSample& sample);

  protected:
    void parseLine(std::string_view line, SourcePos pos, RecordSink& sink) override;

  private:
    std::vector<std::string_view> fields_;
};

} // namespace socwb
