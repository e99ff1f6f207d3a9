// Windows .evtx files (Sysmon/Operational, Security with 4688/4698, any channel) through libevtx.
// libevtx reads the binary XML and renders each record's event XML, which EventXmlReader turns into
// a record, the same path as the XML exports. libevtx opens the file itself, so this parser takes
// only the path from the InputReader, and tells it how far through the file the records are (its
// progress). Records libevtx cannot read become rejects; a file libevtx flags as corrupted (a
// damaged chunk, whose records it skips) gets one reject that says so, and every readable record
// still imports. libevtx needs random access: a compressed .evtx or one inside an archive is decoded
// into memory first (bounded by the import's ArchiveLimits::maxMemoryCopy) and read from there.
#pragma once

#include "event_xml_reader.h"
#include "ingest/read/parser.h"

#include <cstdint>
#include <string>

typedef intptr_t libbfio_handle_t; // as libbfio/types.h declares it

namespace socwb {

class EvtxParser : public Parser {
  public:
    explicit EvtxParser(const ParserOptions& options = {});
    ~EvtxParser() override;
    static int sniff(const SniffSample& sample);
    bool parse(InputReader& in, RecordSink& sink, const ProgressCallback& progress) override;

  private:
    EventXmlReader reader_;
    std::string xml_;
    std::string memory_;                      // the decoded file, when libevtx cannot open it by path
    libbfio_handle_t* memoryRange_ = nullptr; // over memory_, freed once libevtx has closed the file
};

} // namespace socwb
