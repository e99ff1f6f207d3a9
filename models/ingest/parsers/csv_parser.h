// Generic CSV proxy exports (Zscaler NSS web logs, Splunk `| outputcsv`, ...): a header row, then
// one request per row, turned into ProxyRecords by a JSON mapping file. The mapping format is
// documented in resources/mappings/README.md; in short:
//   { "separator": ",", "detect": ["_time", "src", ["http_method", "method"]],
//     "timeFormat": ["epoch", "iso8601"], "empty": ["-"],
//     "fields": { "ts": "_time", "clientIp": ["src", "src_ip"], "url": "url", ... } }
//
// Which mapping: ParserOptions::mappingPath (--mapping FILE) forces one, read from that file or,
// for a name such as "splunk-proxy-outputcsv", from the shipped resources/mappings. Otherwise the
// header row picks the shipped mapping whose `detect` columns it all has (the one with the most
// detect columns wins); a header that matches none is rejected with a message naming every
// mapping tried, and so is each row after it (there is no telling what its columns mean).
// Mappings are loaded once, in the constructor (and for sniffing, once per process); a bad mapping
// is a std::runtime_error naming the file and the problem.
//
// Rows: RFC 4180 quoting on one line (a quoted field cannot span lines), fields trimmed, values
// listed under "empty" read as empty. A row whose field count differs from the header's is
// rejected, as is one without a readable timestamp or with a non-numeric status / byte count /
// duration. URL parts come from the url column; host, port, path and query columns only fill
// parts the URL does not give. An optional first line "sep=;" (Excel's hint) sets the separator.
#pragma once

#include "ingest/read/parser.h"
#include "ingest/read/text_util.h"

#include <QString>
#include <QStringList>

#include <array>
#include <string>
#include <vector>

namespace socwb {

// The ProxyRecord fields a mapping can fill, in the order of kCsvFieldNames.
enum class CsvField {
    Ts,
    ClientIp,
    User,
    Method,
    Url,
    Host,
    Port,
    Path,
    Query,
    DestIp,
    Status,
    BytesIn,
    BytesOut,
    UserAgent,
    ContentType,
    Action,
    Referrer,
    DurationMs,
    Count
};
inline constexpr size_t kCsvFieldCount = static_cast<size_t>(CsvField::Count);

// One time format of a mapping: epoch seconds, epoch milliseconds, ISO 8601, or a strptime-like
// pattern (see README.md for the directives).
struct CsvTimeFormat {
    enum class Kind { Epoch, EpochMs, Iso8601, Pattern } kind = Kind::Iso8601;
    struct Item {
        char directive = 0; // 0 = literal `literal`; ' ' = one or more spaces; else Y m d H I M S f p b a z Z y
        char literal = 0;
    };
    std::vector<Item> items;
    std::string text; // as written in the mapping, for messages
    // Parses s; `hasZone` tells whether the value carried its own UTC offset.
    bool parse(std::string_view s, int64_t& us, bool& hasZone) const;
};

struct CsvMapping {
    QString name;   // "zscaler-nss-web": the file's base name
    QString origin; // where it was read from, for messages
    char separator = ',';
    std::vector<std::vector<std::string>> detect;                 // lower-case; inner = alternatives
    std::array<std::vector<std::string>, kCsvFieldCount> columns; // lower-case alternatives per field
    std::vector<CsvTimeFormat> timeFormats;
    std::vector<std::string> emptyValues;
    QString timeZone; // empty: the import's source time zone
    // durationMs = (the duration column read as a decimal number, times 10^6) / durationDivisor:
    // 10^6 for milliseconds (the default), 10^3 for seconds, 10^9 for microseconds.
    int64_t durationDivisor = 1000000;
};

// Parses a mapping document; throws std::runtime_error("mapping <origin>: <problem>").
CsvMapping parseCsvMapping(const QByteArray& json, const QString& name, const QString& origin);
// The mappings shipped in resources/mappings (overrides included), loaded once per process.
// Throws like parseCsvMapping when one of them is broken.
const std::vector<CsvMapping>& shippedCsvMappings();

class CsvProxyParser : public LineParser {
  public:
    explicit CsvProxyParser(const ParserOptions& options = {});
    // Scores a sample whose first line is a header that a shipped mapping's detect columns match.
    static int sniff(const SniffSample& sample);

    // The mapping in use once the header was read (null before, or when none matched).
    const CsvMapping* mapping() const { return active_; }

  protected:
    void parseLine(std::string_view line, SourcePos pos, RecordSink& sink) override;

  private:
    bool readHeader(std::string_view line, SourcePos pos, RecordSink& sink);
    std::string_view value(size_t field) const;
    bool numberField(CsvField f, int64_t& out, SourcePos pos, std::string_view line, RecordSink& sink);

    QString sourceTimeZone_;
    std::vector<CsvMapping> candidates_; // the forced mapping, or every shipped one
    bool forced_ = false;
    const CsvMapping* active_ = nullptr;
    TzConverter tz_;
    std::array<int, kCsvFieldCount> index_{};
    std::array<std::string, kCsvFieldCount> columnName_; // header name used per field, for messages
    size_t headerFields_ = 0;
    int64_t headerLine_ = 0;
    bool headerDone_ = false;
    bool headerFailed_ = false;
    bool sawFirstLine_ = false;
    char separator_ = 0;     // from "sep=" (0: the mapping's)
    std::string headerText_; // a later row equal to it (concatenated exports) is skipped
    std::vector<std::string_view> fields_;
    std::string scratch_;
};

} // namespace socwb
