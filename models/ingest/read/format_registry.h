// The list of input formats. Adding a format is one parser file plus one line in
// format_registry.cpp: its name, what it holds, how to recognise it, how to make its parser.
#pragma once

#include "ingest/read/input_reader.h"
#include "ingest/read/parser.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace socwb {

struct FormatInfo {
    const char* name;        // what --format takes: "squid", "zeek-dns", ...
    const char* kind;        // "proxy", "dns", "assets", "sysmon", "sensor" (network sensors)
    const char* description; // one line for `socwb-cli formats`
    // 0 = not this format, 100 = certainly this format. Looks only at the sample.
    int (*sniff)(const SniffSample& sample);
    std::unique_ptr<Parser> (*create)(const ParserOptions& options);
};

const std::vector<FormatInfo>& formats();
const FormatInfo* findFormat(const QString& name);

struct Detection {
    const FormatInfo* format = nullptr; // null when nothing matched
    QString reason;                     // why nothing matched, naming the formats tried
};
// The best-scoring format (score >= 50), or a reason that names every format tried.
Detection detectFormat(const SniffSample& sample);

} // namespace socwb
