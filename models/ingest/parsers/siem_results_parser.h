// The results of socwb's own hunt queries (models/hunt/hunt_query.cpp) as the SIEM exports them:
// one grouped row per host, process and destination with its polls, median gap and the gaps'
// spread, bytes, paths, endpoint shapes and first/last times. Read as each product writes it:
//   Splunk    CSV export (multivalue fields one value a line inside quotes); JSON as the export
//             endpoint writes it ({"preview":false,"result":{...}} a line) or the UI's array /
//             lines of result objects (numbers as strings, multivalue as arrays)
//   Microsoft Defender advanced hunting / Sentinel Log Analytics CSV ("first_seen [UTC]" headers
//             and "3/4/2024, 8:00:00.000 AM" times in the portal's export) and the hunting API's
//             JSON {"Schema":[{"Name","Type"}],"Results":[{...}]}
//   Elastic   ES|QL as a CSV (Kibana's export) and the ES|QL REST response
//             {"columns":[{"name","type"}],"values":[[...]]}
// Which one is told by the container and the column names (host_name: ES|QL; image_devices or no
// requests column: KQL; requests: SPL). A row is one record; a row that cannot be read (a missing
// count, a number that is not one, a destination that is not a host name) is rejected with its
// line (JSON documents: its row number) and kept in rejected_lines like any other bad line.
#pragma once

#include "ingest/read/parser.h"
#include "ingest/read/text_util.h"

#include <string>

namespace socwb {

class SiemResultsParser : public Parser {
  public:
    explicit SiemResultsParser(const ParserOptions& options = {});
    static int sniff(const SniffSample& sample);
    bool parse(InputReader& in, RecordSink& sink, const ProgressCallback& progress) override;
    // The whole file's text (tests, and parse() once it has read it). Throws std::runtime_error
    // when no reader accepts it, naming what was tried.
    void parseText(std::string_view text, RecordSink& sink);

    static constexpr size_t kMaxText = 4096; // a host, process, destination or shape list longer is refused

  private:
    TzConverter tz_;
};

} // namespace socwb
