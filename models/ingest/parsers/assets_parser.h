// Asset inventory CSV: a header naming ip, hostname, role and owner (any order, more columns
// ignored), then one row per address. It names hosts and gives them roles; it adds no events.
#pragma once

#include "ingest/read/parser.h"

#include <string>
#include <vector>

namespace socwb {

class AssetsParser : public LineParser {
  public:
    explicit AssetsParser(const ParserOptions& options = {});
    static int sniff(const SniffSample& sample);

  protected:
    void parseLine(std::string_view line, SourcePos pos, RecordSink& sink) override;

  private:
    std::vector<std::string_view> fields_;
    std::string scratch_;
    int ip_ = -1, hostname_ = -1, role_ = -1, owner_ = -1;
    bool haveHeader_ = false;
};

} // namespace socwb
