// Windows .evtx files (Sysmon/Operational, Security with 4688/4698, any channel) through libevtx.
// libevtx reads the binary XML and renders each record's event XML, which EventXmlReader turns into
// a record, the same path as the XML exports. libevtx opens the file itself, so this parser takes
// only the path from the InputReader, and tells it how far through the file the records are (its
// progress). Records libevtx cannot read become rejects; a file libevtx flags as corrupted (a
// damaged chunk, whose records it skips) gets one reject that says so, and every readable record
// still imports. The file is not gzip-readable: libevtx needs random access.
#pragma once

#include "event_xml_reader.h"
#include "ingest/read/parser.h"

#include <string>

namespace socwb {

class EvtxParser : public Parser {
  public:
    explicit EvtxParser(const ParserOptions& options = {});
    static int sniff(const SniffSample& sample);
    bool parse(InputReader& in, RecordSink& sink, const ProgressCallback& progress) override;

  private:
    EventXmlReader reader_;
    std::string xml_;
};

} // namespace socwb
