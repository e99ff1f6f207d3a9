#include "assets_parser.h"

#include "ingest/read/text_util.h"

#include <QString>

namespace socwb {

AssetsParser::AssetsParser(const ParserOptions&) {}

int AssetsParser::sniff(const SniffSample& sample) {
    // Only a header naming both ip and hostname makes a file an inventory.
    for (std::string_view l : sample.lines) {
        if (isBlank(l)) {
            continue;
        }
        std::vector<std::string_view> f;
        std::string scratch;
        if (!splitCsv(l, ',', f, scratch)) {
            return 0;
        }
        bool ip = false, host = false;
        for (auto c : f) {
            const QString name = QString::fromUtf8(trim(c).data(), int(trim(c).size())).toLower();
            ip = ip || name == QLatin1String("ip");
            host = host || name == QLatin1String("hostname");
        }
        return ip && host ? 80 : 0;
    }
    return 0;
}

void AssetsParser::parseLine(std::string_view line, SourcePos pos, RecordSink& sink) {
    if (!splitCsv(line, ',', fields_, scratch_)) {
        sink.reject(pos, "assets: unterminated quote", line);
        return;
    }
    if (!haveHeader_) {
        for (int i = 0; i < static_cast<int>(fields_.size()); ++i) {
            const std::string_view raw = trim(fields_[static_cast<size_t>(i)]);
            const QString name = QString::fromUtf8(raw.data(), static_cast<int>(raw.size())).toLower();
            if (name == QLatin1String("ip")) {
                ip_ = i;
            } else if (name == QLatin1String("hostname")) {
                hostname_ = i;
            } else if (name == QLatin1String("role")) {
                role_ = i;
            } else if (name == QLatin1String("owner")) {
                owner_ = i;
            }
        }
        if (ip_ < 0 || hostname_ < 0) {
            sink.reject(pos, "assets: the header must name the columns ip and hostname", line);
            return;
        }
        haveHeader_ = true;
        return;
    }
    auto col = [this](int i) {
        return i >= 0 && i < static_cast<int>(fields_.size()) ? trim(fields_[static_cast<size_t>(i)])
                                                              : std::string_view();
    };
    AssetRecord r;
    r.pos = pos;
    r.ip = col(ip_);
    r.hostname = col(hostname_);
    r.role = col(role_);
    r.owner = col(owner_);
    if (r.ip.empty() || r.hostname.empty()) {
        sink.reject(pos, "assets: a row needs both ip and hostname", line);
        return;
    }
    sink.asset(r);
}

} // namespace socwb
