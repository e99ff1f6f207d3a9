// The shape every input format takes: a Parser streams one file into a RecordSink. Most formats
// are line-oriented and derive from LineParser, which handles overlong lines, invalid UTF-8,
// cancellation and progress, and calls parseLine() for each line.
#pragma once

#include "ingest/read/input_reader.h"
#include "ingest/read/record_sink.h"

#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace socwb {

struct ParserOptions {
    QString sourceTimeZone = QStringLiteral("UTC"); // for formats that log local time
    QString mappingPath;                            // for mapping-driven formats (CSV)
    // "Now" for formats whose time stamps lack the year (syslog's "Mar  1 14:05:11"): the year
    // comes from it. UTC microseconds; -1 means the current time. Tests pin it.
    int64_t referenceUtcUs = -1;
};

// Called by parsers every few thousand records; returns false to stop (cancel).
using ProgressCallback = std::function<bool(const InputReader&)>;

class Parser {
  public:
    virtual ~Parser() = default;
    // Reads the whole input. Throws std::runtime_error for a problem that makes the rest of the
    // file unreadable for this parser (a missing header, say) with a message for the user.
    // Returns false when the progress callback asked to stop.
    virtual bool parse(InputReader& in, RecordSink& sink, const ProgressCallback& progress) = 0;
};

class LineParser : public Parser {
  public:
    bool parse(InputReader& in, RecordSink& sink, const ProgressCallback& progress) override;
    // Feeds one line as parse() would (for sniffing and tests).
    void feed(std::string_view line, SourcePos pos, RecordSink& sink) { parseLine(line, pos, sink); }

  protected:
    // One line, already valid UTF-8 (invalid bytes are replaced by "\xNN" text) and without its
    // line end. Blank lines never arrive here. Report problems through sink.reject(pos, ...).
    virtual void parseLine(std::string_view line, SourcePos pos, RecordSink& sink) = 0;
    // Called at the end of the input (a format with a trailer can check for it here).
    virtual void finish(RecordSink& /*sink*/) {}

  private:
    std::string repaired_;
};

// Sniffing by parsing: feeds the sample's lines to a fresh parser and scores the share of
// non-blank lines that became records, scaled to `maxScore`. Zero when no record came out.
int sniffByParsing(const SniffSample& sample, LineParser& parser, int maxScore = 90);

} // namespace socwb
