// Windows events as JSON lines, one object per line, in the shapes collectors ship them: Winlogbeat
// and Elastic Agent (ECS), NXLog and other flat objects, Splunk JSON exports, Azure Sentinel
// WindowsEvent rows (event data as a JSON string) and Sentinel Syslog rows from Sysmon for Linux
// (event XML as a string). Which key holds what is data, not code: each shape is a mapping file
// resources/mappings/sysmon-*.json (see SysmonJsonMapping), tried in priority order; the first whose
// `match` pointers all exist reads the line. Parsing is simdjson's DOM on a reused padded buffer.
#pragma once

#include "event_xml_reader.h"
#include "ingest/read/parser.h"

#include <simdjson.h>

#include <string>
#include <unordered_set>
#include <vector>

namespace socwb {

struct SysmonJsonMapping {
    enum class FieldsKind { Object, JsonString, XmlString };
    std::string file;
    std::string name;
    int priority = 100;
    std::vector<std::string> match; // JSON pointers that must all exist
    FieldsKind kind = FieldsKind::Object;
    std::string fieldsPointer;        // "" is the whole object
    std::vector<std::string> exclude; // envelope keys that are not event data (Object only)
    std::vector<std::string> eventId, time, computer, channel, provider, recordNumber; // first found wins

    // Every resources/mappings/sysmon-*.json, validated, sorted by priority. Throws
    // std::runtime_error naming the file and the problem.
    static std::vector<SysmonJsonMapping> loadAll();
};

class SysmonJsonParser : public LineParser {
  public:
    explicit SysmonJsonParser(const ParserOptions& options = {});
    static int sniff(const SniffSample& sample);

  protected:
    void parseLine(std::string_view line, SourcePos pos, RecordSink& sink) override;

  private:
    struct Pending {
        std::string_view name;
        std::string_view direct; // when the value is a string simdjson unescaped
        size_t offset = 0;       // otherwise its text in arena_
        size_t length = 0;
        bool inArena = false;
    };
    // Turns the line into a record; returns an empty string on success or the reject reason.
    std::string read(std::string_view line, SysmonRecord& rec);
    bool valueText(simdjson::dom::element v, Pending& out);
    std::string_view firstText(simdjson::dom::element root, const std::vector<std::string>& pointers);
    void collectObject(simdjson::dom::object obj, const std::unordered_set<std::string_view>& exclude);

    std::vector<SysmonJsonMapping> mappings_;
    std::vector<std::unordered_set<std::string_view>> exclude_; // per mapping, views into mappings_
    simdjson::dom::parser outer_;
    simdjson::dom::parser inner_;
    std::string padded_;
    std::string innerPadded_;
    std::string arena_;
    std::string envelope_; // numbers from the envelope as text (event id, record number)
    std::vector<Pending> pending_;
    std::vector<SysmonField> fields_;
    EventXmlReader xml_;
};

} // namespace socwb
