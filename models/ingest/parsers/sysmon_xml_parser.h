// Windows event XML as people export it: `wevtutil qe ... /f:xml` (a sequence of <Event> elements
// with no root), `Get-WinEvent | % ToXml()` (one event per line), python-evtx and Event Viewer
// saves wrapped in <Events>, and Sysmon for Linux syslog lines with the <Event> XML after a syslog
// prefix. The file is read in blocks, not lines (wevtutil may put everything on one line), and cut
// into <Event>...</Event> spans; each span is read by EventXmlReader. Memory stays bounded by the
// largest event (at most kMaxEvent). Whatever lies between events — the XML declaration, <Events>,
// syslog prefixes — is skipped; a DTD there is reported once and never honoured.
#pragma once

#include "event_xml_reader.h"
#include "ingest/read/parser.h"

#include <string>

namespace socwb {

class SysmonXmlParser : public Parser {
  public:
    static constexpr size_t kMaxEvent = 1u << 20;

    explicit SysmonXmlParser(const ParserOptions& options = {});
    static int sniff(const SniffSample& sample);
    bool parse(InputReader& in, RecordSink& sink, const ProgressCallback& progress) override;

    // Position of the next "<Event" start tag (not "<Events") at or after from, or npos.
    static size_t findEventStart(std::string_view text, size_t from);

  private:
    void emitEvent(std::string_view xml, SourcePos pos, RecordSink& sink);

    EventXmlReader reader_;
    std::string repaired_;
};

} // namespace socwb
