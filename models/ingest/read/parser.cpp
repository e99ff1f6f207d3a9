#include "ingest/read/parser.h"

#include "ingest/read/text_util.h"

#include <string>

namespace socwb {

bool LineParser::parse(InputReader& in, RecordSink& sink, const ProgressCallback& progress) {
    Line line;
    uint32_t sinceProgress = 0;
    while (in.next(line)) {
        if (++sinceProgress == 4096) {
            sinceProgress = 0;
            if (progress && !progress(in)) {
                return false;
            }
        }
        if (line.overlong) {
            sink.reject(line.pos,
                        "line too long: " + std::to_string(line.fullLength) + " bytes, the limit is " +
                            std::to_string(InputReader::kMaxLine),
                        line.text);
            continue;
        }
        std::string_view text = line.text;
        if (line.pos.record == 1 && text.starts_with("\xEF\xBB\xBF")) {
            text.remove_prefix(3); // byte order mark
        }
        if (isBlank(text)) {
            continue;
        }
        if (!isValidUtf8(text)) {
            escapeInvalidUtf8(text, repaired_);
            text = repaired_;
        }
        parseLine(text, line.pos, sink);
    }
    finish(sink);
    if (progress) {
        progress(in);
    }
    if (!in.error().isEmpty()) {
        sink.reject(SourcePos{line.pos.record + 1, line.pos.offset}, in.error().toStdString(), {});
    }
    return true;
}

namespace {
class CountingSink : public RecordSink {
  public:
    int records = 0;
    int rejects = 0;
    void proxy(const ProxyRecord&) override { ++records; }
    void dns(const DnsRecord&) override { ++records; }
    void asset(const AssetRecord&) override { ++records; }
    void connection(const ConnRecord&) override { ++records; }
    void tls(const TlsRecord&) override { ++records; }
    void sensorAlert(const SensorAlertRecord&) override { ++records; }
    void reject(SourcePos, std::string_view, std::string_view) override { ++rejects; }
};
} // namespace

int sniffByParsing(const SniffSample& sample, LineParser& parser, int maxScore) {
    CountingSink sink;
    int64_t n = 0;
    std::string repaired;
    for (std::string_view line : sample.lines) {
        ++n;
        if (isBlank(line)) {
            continue;
        }
        if (!isValidUtf8(line)) {
            escapeInvalidUtf8(line, repaired); // as parse() will do
            line = repaired;
        }
        parser.feed(line, SourcePos{n, 0}, sink);
    }
    if (sink.records == 0) {
        return 0;
    }
    return maxScore * sink.records / (sink.records + sink.rejects);
}

} // namespace socwb
