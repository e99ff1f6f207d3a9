// What Zeek's http, dns, conn and ssl log parsers share: reading a Zeek log in either of its two
// forms, decided line by line so that both may appear in one file.
//
// TSV form (Zeek's ASCII writer): header lines drive everything.
//   #separator \x09            the field separator, written with \xNN escapes (also "\t")
//   #set_separator<TAB>,       between the elements of set[...] / vector[...] values
//   #empty_field<TAB>(empty)   an empty set, vector or string
//   #unset_field<TAB>-         a field without a value
//   #path<TAB>http             which log this is
//   #open / #close             when the file was opened / closed (#close ends a block)
//   #fields<TAB>ts<TAB>uid...  the column names: columns are found by name, never by position
//   #types<TAB>time<TAB>...    their types: set/vector columns are split on the set separator
// A file may hold several blocks (rotated logs concatenated); each #separator starts a new one.
// Unknown columns are ignored. A data line outside a block is rejected, as is a line with the
// wrong number of columns (one trailing empty column, as some exporters write, is tolerated).
// Values use Zeek's \xNN escapes for separators and non-printable bytes; they are decoded when
// the result is valid UTF-8 without control characters, and kept as logged otherwise.
//
// JSON form (LogAscii::use_json, one object per line): the same names as keys ("id.orig_h", also
// a nested "id" object), numbers as numbers, sets as arrays, unset fields left out; ts is epoch
// seconds or an ISO 8601 string. Each line is validated in full by simdjson's DOM parser, which
// is reused across lines; an invalid or cut-off line is rejected with simdjson's reason.
//
// As shipping pipelines write it (Elastic, Splunk, the OTRF datasets):
//  - Zeek's Log::default_scope_sep need not be '.': "id_orig_h", "id::orig_h" name id.orig_h, in
//    JSON keys and in a TSV #fields line alike (any run of up to 8 non-alphanumeric characters
//    between the record's name and the field's);
//  - "@stream" says which log a record belongs to, as "_path" does; "@system" (or Corelight's
//    "_system_name") names the sensor (sensor()); "@proc" and any other extra field are ignored;
//  - a set or vector field may be a JSON string of comma-separated elements instead of an array.
//
// Both forms are reduced to the same per-column text (JSON numbers printed as Zeek prints them,
// arrays joined with ','), so the http and dns parsers build their records from one code path.
#pragma once

#include "ingest/read/parser.h"

#include <simdjson.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace socwb {

class ZeekLogParser : public LineParser {
  public:
    static constexpr int kMaxSlots = 24;
    // The log a parser reads, for sniffing: which names mark it.
    enum class Kind { Http, Dns, Conn, Ssl };
    static int sniffKind(const SniffSample& sample, Kind kind);

  protected:
    // format: "zeek-http"; logName: "http" (#path); wanted: the column names the parser wants, in
    // the order it numbers them; required: slots of which at least one must be a column of a
    // block (besides ts), or the block is not this log; containers: slots that are sets or vectors
    // when a block has no #types line; markers: JSON keys of which a record of this log has at
    // least one (unset fields are left out of JSON, so a request-less http record has no uri).
    ZeekLogParser(const char* format, const char* logName, std::vector<std::string_view> wanted,
                  std::vector<int> required, std::vector<int> containers, std::vector<std::string_view> markers);

    // One data row, its columns already in slots. Build the record and hand it to the sink.
    virtual void buildRecord(SourcePos pos, std::string_view line, RecordSink& sink) = 0;

    // A slot's value: empty when the column is missing, unset or empty. Zeek escapes decoded.
    std::string_view value(int slot);
    // The value as logged (no escape decoding), e.g. for numbers.
    std::string_view raw(int slot) const { return present_[slot] ? values_[slot] : std::string_view(); }
    bool has(int slot) const { return present_[slot]; }
    // True when the slot's column is a set or vector (its elements separated by setSeparator()).
    bool isContainer(int slot) const { return container_[slot]; }
    // Calls f(element) for each element of a container value (the value itself when not one),
    // escapes decoded. The view passed to f is valid only during that call.
    template <class F> void forEachElement(int slot, F&& f);
    // The first element of a container value (the value itself when not one).
    std::string_view firstElement(int slot);

    // Timestamps: epoch seconds with fraction (TSV, JSON numbers) or ISO 8601 (JSON strings).
    bool parseTs(int slot, int64_t& us) const;
    // parseTs(), or false and a reject naming the value.
    bool tsSlot(int slot, int64_t& us, SourcePos pos, std::string_view line, RecordSink& sink) const;
    // The sensor's name as the record carries it ("@system" of a pipeline's JSON, "_system_name");
    // empty otherwise (Zeek's TSV names no sensor).
    std::string_view sensor() const { return sensor_; }
    // A boolean column (T/F, JSON true/false): 1, 0, or -1 when absent.
    int boolSlot(int slot) const;
    // A duration column (seconds with fraction) in microseconds: true and -1 when absent/unset.
    bool durationSlot(int slot, const char* name, int64_t& us, SourcePos pos, std::string_view line,
                      RecordSink& sink) const;
    // An integer column: true and -1 when absent/unset, false (and a reject) when not a number.
    bool intSlot(int slot, const char* name, int64_t& out, SourcePos pos, std::string_view line,
                 RecordSink& sink) const;
    bool intSlot(int slot, const char* name, int& out, SourcePos pos, std::string_view line, RecordSink& sink) const;
    void rejectWith(SourcePos pos, std::string_view what, std::string_view line, RecordSink& sink) const;

    const char* format_;

  private:
    void parseLine(std::string_view line, SourcePos pos, RecordSink& sink) final;
    void header(std::string_view line, SourcePos pos, RecordSink& sink);
    void resetBlock();
    void mapFields(std::string_view list);
    void applyTypes();
    std::string_view decodeElement(std::string_view raw);
    void tsvRow(std::string_view line, SourcePos pos, RecordSink& sink);
    void jsonRow(std::string_view line, SourcePos pos, RecordSink& sink);
    void jsonValue(int slot, simdjson::dom::element v);
    int slotOf(std::string_view name) const;
    // slotOf(), and for a dotted slot name ("id.orig_h") the same name under another scope
    // separator ("id_orig_h").
    int lookup(std::string_view name) const;
    void clearSlots();

    const char* logName_;
    std::vector<std::string_view> slotNames_;
    std::vector<int> required_;
    std::vector<int> defaultContainers_;
    std::vector<std::string_view> markers_;
    struct Scoped {
        int slot;
        std::string_view prefix, suffix; // "id", "orig_h" of "id.orig_h"
    };
    std::vector<Scoped> scoped_;
    int tsSlot_ = 0;
    std::string_view sensor_;

    // TSV block state.
    std::string sep_ = "\t";
    std::string setSep_ = ",";
    std::string unset_ = "-";
    std::string empty_ = "(empty)";
    std::string path_;
    std::string types_;           // the block's #types line, applied once #fields is known
    std::vector<int8_t> colSlot_; // column index -> slot, -1 when not wanted
    bool haveFields_ = false;
    bool closed_ = false; // a #close ended the last block
    std::array<bool, kMaxSlots> tsvContainer_{};

    // Per-row values.
    std::array<std::string_view, kMaxSlots> values_{};
    std::array<bool, kMaxSlots> present_{};
    std::array<bool, kMaxSlots> container_{};
    std::string rowSetSep_ = ","; // the set separator of this row's form
    std::array<std::string, kMaxSlots> decoded_;
    std::string elem_;
    std::array<std::string, kMaxSlots> jsonText_;
    std::vector<std::string_view> scratchList_;

    // JSON.
    simdjson::dom::parser json_;
    std::unique_ptr<char[]> jsonBuf_;
    size_t jsonCap_ = 0;
};

template <class F> void ZeekLogParser::forEachElement(int slot, F&& f) {
    const auto s = static_cast<size_t>(slot);
    if (!present_[s] || values_[s].empty()) {
        return;
    }
    const std::string_view v = values_[s];
    if (!container_[s] || rowSetSep_.empty()) {
        f(decodeElement(v));
        return;
    }
    size_t start = 0;
    for (;;) {
        const size_t p = v.find(rowSetSep_, start);
        f(decodeElement(v.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start)));
        if (p == std::string_view::npos) {
            return;
        }
        start = p + rowSetSep_.size();
    }
}

} // namespace socwb
