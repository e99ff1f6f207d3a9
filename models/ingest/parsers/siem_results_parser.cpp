#include "siem_results_parser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace socwb {

namespace {

constexpr const char* kTried = "tried Splunk CSV and JSON, Microsoft Defender / Sentinel CSV and JSON, Elastic "
                               "ES|QL CSV and JSON";

// One row as read, every cell as text (a multivalue cell's values one a line), with where it began.
struct Row {
    SourcePos pos;
    std::string raw;
    std::vector<std::string> cells;
    std::string problem; // set when the row could not even be split (an unterminated quote)
};

struct Table {
    const char* product = "";
    const char* layout = "";
    std::vector<std::string> columns; // normalised: lower case, "[UTC]" suffixes dropped
    std::vector<Row> rows;
};

std::string lower(std::string_view s) {
    return toLowerAscii(s);
}

// "first_seen [UTC]" (Log Analytics' export) -> "first_seen"; "Web.dest" never occurs in our
// queries' output (they rename), so no other prefix is dropped.
std::string normColumn(std::string_view c) {
    std::string n = lower(trim(c));
    if (const size_t b = n.find(" ["); b != std::string::npos && !n.empty() && n.back() == ']') {
        n.erase(b);
    }
    return n;
}

int columnIndex(const std::vector<std::string>& columns, std::initializer_list<const char*> names) {
    for (const char* name : names) {
        for (size_t i = 0; i < columns.size(); ++i) {
            if (columns[i] == name) {
                return static_cast<int>(i);
            }
        }
    }
    return -1;
}

bool hasColumn(const std::vector<std::string>& columns, const char* name) {
    return columnIndex(columns, {name}) >= 0;
}

// Which product wrote these columns: ES|QL names its keys host_name/process_name, KQL has the
// image_devices column and no requests, SPL has requests.
const char* productOf(const std::vector<std::string>& columns) {
    if (hasColumn(columns, "host_name")) {
        return "elastic";
    }
    if (hasColumn(columns, "requests")) {
        return "splunk";
    }
    return "sentinel";
}

// The columns every reader needs: without them a file is not one of our hunts' results.
void requireColumns(const Table& t, const char* what) {
    std::vector<std::string> missing;
    if (columnIndex(t.columns, {"host", "host_name"}) < 0) {
        missing.emplace_back("host");
    }
    for (const char* c : {"dest", "polls", "median_interval_s", "spread"}) {
        if (!hasColumn(t.columns, c)) {
            missing.emplace_back(c);
        }
    }
    if (!missing.empty()) {
        std::string list;
        for (const std::string& m : missing) {
            list += (list.empty() ? "" : ", ") + m;
        }
        throw std::runtime_error(std::string(what) + " has no column " + list +
                                 ": not the result of a socwb hunt query (" + kTried + ")");
    }
}

// ---- CSV (RFC 4180; quoted fields may span lines, as Splunk writes multivalue fields) ----------

void readCsv(std::string_view text, Table& t) {
    size_t i = 0;
    int64_t line = 1;
    bool header = true;
    std::vector<std::string_view> fields;
    std::string scratch;
    while (i < text.size()) {
        Row row;
        row.pos = {line, static_cast<int64_t>(i)};
        const size_t start = i;
        if (!readCsvRecord(text, i, ',', fields, scratch, line)) {
            row.problem = "unterminated quote";
        }
        row.raw = std::string(text.substr(start, i - start));
        while (!row.raw.empty() && (row.raw.back() == '\n' || row.raw.back() == '\r')) {
            row.raw.pop_back();
        }
        if (fields.size() == 1 && isBlank(row.raw)) {
            continue; // a blank line
        }
        row.cells.assign(fields.begin(), fields.end());
        if (header) {
            header = false;
            for (const std::string& c : row.cells) {
                t.columns.push_back(normColumn(c));
            }
            continue;
        }
        t.rows.push_back(std::move(row));
    }
}

// ---- JSON ---------------------------------------------------------------------------------------

std::string jsonText(const QJsonValue& v) {
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString().toStdString();
    case QJsonValue::Double: {
        const double d = v.toDouble();
        if (std::floor(d) == d && std::abs(d) < 9e15) {
            return std::to_string(static_cast<int64_t>(d));
        }
        return QString::number(d, 'g', 17).toStdString();
    }
    case QJsonValue::Bool:
        return v.toBool() ? "true" : "false";
    case QJsonValue::Array: {
        std::string out;
        for (const QJsonValue& e : v.toArray()) {
            out += (out.empty() ? "" : "\n") + jsonText(e);
        }
        return out;
    }
    default:
        return {};
    }
}

// Rows given as objects (Splunk results, the hunting API's Results): the columns are the union of
// their keys in first-seen order.
void addObjectRow(Table& t, const QJsonObject& o, SourcePos pos, std::string raw) {
    Row row;
    row.pos = pos;
    row.raw = std::move(raw);
    for (auto it = o.begin(); it != o.end(); ++it) {
        const std::string name = normColumn(it.key().toStdString());
        int idx = columnIndex(t.columns, {name.c_str()});
        if (idx < 0) {
            t.columns.push_back(name);
            idx = static_cast<int>(t.columns.size()) - 1;
        }
        if (row.cells.size() <= static_cast<size_t>(idx)) {
            row.cells.resize(static_cast<size_t>(idx) + 1);
        }
        row.cells[static_cast<size_t>(idx)] = jsonText(it.value());
    }
    t.rows.push_back(std::move(row));
}

std::string compactRaw(const QJsonValue& v) {
    if (v.isObject()) {
        return QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact).toStdString();
    }
    if (v.isArray()) {
        return QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact).toStdString();
    }
    return jsonText(v);
}

// A whole-file JSON document: the ES|QL response, the hunting API's response or an array of
// Splunk result objects. False when the text is not one JSON document of these shapes.
bool readJsonDocument(std::string_view text, Table& t) {
    QJsonParseError err{};
    const QJsonDocument doc =
        QJsonDocument::fromJson(QByteArray(text.data(), static_cast<qsizetype>(text.size())), &err);
    if (err.error != QJsonParseError::NoError) {
        return false;
    }
    if (doc.isArray()) {
        t.product = "splunk";
        t.layout = "json";
        int64_t n = 0;
        for (const QJsonValue& v : doc.array()) {
            ++n;
            const QJsonObject o = v.toObject();
            addObjectRow(t, o.contains(QLatin1String("result")) ? o.value(QLatin1String("result")).toObject() : o,
                         {n, 0}, compactRaw(v));
        }
        return true;
    }
    const QJsonObject root = doc.object();
    if (root.value(QLatin1String("columns")).isArray() && root.value(QLatin1String("values")).isArray()) {
        t.product = "elastic";
        t.layout = "json";
        for (const QJsonValue& c : root.value(QLatin1String("columns")).toArray()) {
            t.columns.push_back(normColumn(c.toObject().value(QLatin1String("name")).toString().toStdString()));
        }
        int64_t n = 0;
        for (const QJsonValue& v : root.value(QLatin1String("values")).toArray()) {
            Row row;
            row.pos = {++n, 0};
            row.raw = compactRaw(v);
            for (const QJsonValue& cell : v.toArray()) {
                row.cells.push_back(jsonText(cell));
            }
            if (!v.isArray()) {
                row.problem = "a row of values is not an array";
            }
            t.rows.push_back(std::move(row));
        }
        return true;
    }
    if (root.value(QLatin1String("Results")).isArray()) {
        t.product = "sentinel";
        t.layout = "json";
        for (const QJsonValue& c : root.value(QLatin1String("Schema")).toArray()) {
            t.columns.push_back(normColumn(c.toObject().value(QLatin1String("Name")).toString().toStdString()));
        }
        int64_t n = 0;
        for (const QJsonValue& v : root.value(QLatin1String("Results")).toArray()) {
            addObjectRow(t, v.toObject(), {++n, 0}, compactRaw(v));
        }
        return true;
    }
    if (root.contains(QLatin1String("result")) || root.contains(QLatin1String("host"))) {
        return false; // one Splunk line: read as lines
    }
    return false;
}

// Splunk's export endpoint: {"preview":false,"offset":N,"result":{...}} a line; or plain result
// objects a line. Lines without a result (messages, the last row marker alone) are skipped.
bool readJsonLines(std::string_view text, Table& t) {
    t.product = "splunk";
    t.layout = "json";
    size_t i = 0;
    int64_t line = 0;
    bool anyObject = false;
    while (i < text.size()) {
        size_t end = text.find('\n', i);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        const std::string_view l = trim(text.substr(i, end - i));
        const SourcePos pos{++line, static_cast<int64_t>(i)};
        i = end + 1;
        if (l.empty()) {
            continue;
        }
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(l.data(), static_cast<qsizetype>(l.size())), &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject()) {
            Row bad;
            bad.pos = pos;
            bad.raw = std::string(l);
            bad.problem = err.error != QJsonParseError::NoError ? "not JSON: " + err.errorString().toStdString()
                                                                : std::string("not a JSON object");
            t.rows.push_back(std::move(bad));
            continue;
        }
        anyObject = true;
        const QJsonObject o = doc.object();
        if (o.contains(QLatin1String("preview")) || o.contains(QLatin1String("messages"))) {
            if (!o.value(QLatin1String("result")).isObject()) {
                continue;
            }
            addObjectRow(t, o.value(QLatin1String("result")).toObject(), pos, std::string(l));
        } else {
            addObjectRow(t, o, pos, std::string(l));
        }
    }
    return anyObject;
}

// ---- Values -------------------------------------------------------------------------------------

bool parseNumber(std::string_view s, double& out) {
    s = trim(s);
    if (s.empty()) {
        return false;
    }
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(out);
}

// Times as the products print them; without a zone they are in the source time zone.
bool parseTime(std::string_view s, TzConverter& tz, int64_t& us) {
    s = trim(s);
    bool hasZone = false;
    if (parseIsoTimestamp(s, us, &hasZone)) {
        if (!hasZone) {
            us = tz.toUtc(us);
        }
        return true;
    }
    if (parseEpochSeconds(s, us)) {
        return true;
    }
    int mo = 0, d = 0, y = 0, h = 0, mi = 0, sec = 0;
    size_t i = 0;
    auto lit = [&](char c) {
        if (i < s.size() && s[i] == c) {
            ++i;
            return true;
        }
        return false;
    };
    auto frac = [&]() -> int64_t {
        int64_t f = 0, scale = 1000000;
        if (lit('.')) {
            while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
                scale /= 10;
                f += (s[i] - '0') * scale;
                ++i;
            }
        }
        return f;
    };
    // Splunk's ctime: 03/04/2024 08:00:00(.000); Log Analytics: 3/4/2024, 8:00:00.000 AM
    if (readDigits(s, i, 1, 2, mo) && lit('/') && readDigits(s, i, 1, 2, d) && lit('/') && readDigits(s, i, 4, 4, y)) {
        lit(',');
        while (lit(' ')) {
        }
        if (!readDigits(s, i, 1, 2, h) || !lit(':') || !readDigits(s, i, 2, 2, mi) || !lit(':') ||
            !readDigits(s, i, 2, 2, sec)) {
            return false;
        }
        const int64_t f = frac();
        while (lit(' ')) {
        }
        const std::string rest = lower(s.substr(i));
        if (rest == "pm" && h < 12) {
            h += 12;
        } else if (rest == "am" && h == 12) {
            h = 0;
        } else if (!rest.empty() && rest != "am" && rest != "pm") {
            return false;
        }
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
            return false;
        }
        us = tz.toUtc(civilToUs(y, mo, d, h, mi, sec, f));
        return true;
    }
    // Kibana's default date format: "Mar 4, 2024 @ 08:00:00.000"
    i = 0;
    mo = s.size() >= 3 ? monthFromAbbrev(s.substr(0, 3)) : 0;
    if (mo > 0) {
        i = 3;
        while (lit(' ')) {
        }
        if (readDigits(s, i, 1, 2, d) && lit(',') && lit(' ') && readDigits(s, i, 4, 4, y) && lit(' ') && lit('@') &&
            lit(' ') && readDigits(s, i, 2, 2, h) && lit(':') && readDigits(s, i, 2, 2, mi) && lit(':') &&
            readDigits(s, i, 2, 2, sec)) {
            const int64_t f = frac();
            if (i == s.size() && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && sec <= 60) {
                us = tz.toUtc(civilToUs(y, mo, d, h, mi, sec, f));
                return true;
            }
        }
    }
    return false;
}

bool hasControl(std::string_view s, bool allowNewline) {
    for (unsigned char c : s) {
        if ((c < 0x20 && !(allowNewline && c == '\n')) || c == 0x7f) {
            return true;
        }
    }
    return false;
}

// A destination is a host name or an address: letters, digits, dots, dashes, underscores, colons
// (IPv6) — nothing a hunt's dest=lower(...) could hold besides.
bool plausibleDestination(std::string_view d) {
    if (d.empty() || d.size() > 253 + 2) {
        return false;
    }
    for (unsigned char c : d) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == ':' ||
              c >= 0x80)) {
            return false;
        }
    }
    return true;
}

// The series' client addresses, "; "-joined: IPv4 or IPv6 text (hex digits, dots, colons), a
// bounded few.
bool plausibleAddresses(std::string_view s) {
    if (s.size() > 1024) {
        return false;
    }
    for (unsigned char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '.' || c == ':' || c == ';' || c == ' ')) {
            return false;
        }
    }
    return true;
}

// Multivalue text ("a\nb" or a JSON array's text; with COMMAS — the shapes, whose labels hold
// neither — also "a; b" and "a, b" as Kibana's CSV writes a multivalue field) -> "a; b". A host or
// process is split at line ends only: its text is the evidence's, semicolons included.
std::string joinValues(std::string_view s, bool commas = false) {
    s = trim(s);
    std::vector<std::string> parts;
    if (!s.empty() && s.front() == '[') {
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(s.data(), static_cast<qsizetype>(s.size())));
        if (doc.isArray()) {
            for (const QJsonValue& v : doc.array()) {
                parts.push_back(jsonText(v));
            }
        }
    }
    if (parts.empty()) {
        size_t i = 0;
        while (i <= s.size()) {
            size_t end = s.find_first_of(commas ? "\n;," : "\n", i);
            if (end == std::string_view::npos) {
                end = s.size();
            }
            parts.emplace_back(trim(s.substr(i, end - i)));
            i = end + 1;
        }
    }
    std::string out;
    for (const std::string& p : parts) {
        if (!p.empty()) {
            out += (out.empty() ? "" : "; ") + p;
        }
    }
    return out;
}

void emitRows(const Table& t, TzConverter& tz, RecordSink& sink) {
    const int cHost = columnIndex(t.columns, {"host", "host_name"});
    const int cProcess = columnIndex(t.columns, {"process", "process_name"});
    const int cDest = columnIndex(t.columns, {"dest"});
    const int cShapes = columnIndex(t.columns, {"shapes"});
    const int cVia = columnIndex(t.columns, {"via"});
    const int cSrc = columnIndex(t.columns, {"src"});
    const int cPost = columnIndex(t.columns, {"post_share"});
    const int cPolls = columnIndex(t.columns, {"polls"});
    const int cRequests = columnIndex(t.columns, {"requests"});
    const int cIntervals = columnIndex(t.columns, {"intervals"});
    const int cMedian = columnIndex(t.columns, {"median_interval_s"});
    const int cSpread = columnIndex(t.columns, {"spread"});
    const int cP25 = columnIndex(t.columns, {"gap_p25"});
    const int cP75 = columnIndex(t.columns, {"gap_p75"});
    const int cOut = columnIndex(t.columns, {"bytes_out"});
    const int cIn = columnIndex(t.columns, {"bytes_in"});
    const int cPaths = columnIndex(t.columns, {"paths"});
    const int cAlike = columnIndex(t.columns, {"hosts_alike"});
    const int cFirst = columnIndex(t.columns, {"first_seen"});
    const int cLast = columnIndex(t.columns, {"last_seen"});
    const std::string prefix = std::string(t.product) + " " + t.layout + ": ";
    for (const Row& row : t.rows) {
        auto reject = [&](const std::string& why) { sink.reject(row.pos, prefix + why, row.raw); };
        if (!row.problem.empty()) {
            reject(row.problem);
            continue;
        }
        auto cell = [&](int c) -> std::string_view {
            return c >= 0 && static_cast<size_t>(c) < row.cells.size() ? trim(row.cells[static_cast<size_t>(c)])
                                                                       : std::string_view();
        };
        std::string why;
        // A count: a whole number, at least 0; absent (-1) when the column is missing or empty.
        auto count = [&](int c, const char* name, bool required) -> int64_t {
            const std::string_view v = cell(c);
            double d = 0;
            if (v.empty() || lower(v) == "null") {
                if (required && why.empty()) {
                    why = std::string(name) + " is empty";
                }
                return -1;
            }
            if (!parseNumber(v, d) || d < 0 || std::floor(d) != d || d > 9e15) {
                if (why.empty()) {
                    why = std::string(name) + " is not a count: '" + excerpt(v, 40) + "'";
                }
                return -1;
            }
            return static_cast<int64_t>(d);
        };
        auto real = [&](int c, const char* name, bool required) -> double {
            const std::string_view v = cell(c);
            double d = 0;
            if (v.empty() || lower(v) == "null" || lower(v) == "nan") {
                if (required && why.empty()) {
                    why = std::string(name) + " is empty";
                }
                return -1;
            }
            if (!parseNumber(v, d) || d < 0) {
                if (why.empty()) {
                    why = std::string(name) + " is not a number: '" + excerpt(v, 40) + "'";
                }
                return -1;
            }
            return d;
        };
        auto time = [&](int c, const char* name) -> int64_t {
            const std::string_view v = cell(c);
            int64_t us = 0;
            if (v.empty()) {
                return 0;
            }
            if (!parseTime(v, tz, us)) {
                if (why.empty()) {
                    why = std::string(name) + " is not a time: '" + excerpt(v, 40) + "'";
                }
                return 0;
            }
            return us;
        };
        const std::string host = joinValues(cell(cHost));
        const std::string process = joinValues(cell(cProcess));
        const std::string dest = lower(cell(cDest));
        const std::string shapes = joinValues(cell(cShapes), true);
        const std::string via = lower(cell(cVia));
        const std::string src = lower(joinValues(cell(cSrc), true)); // addresses hold no comma
        SiemRowRecord r;
        r.pos = row.pos;
        r.product = t.product;
        r.layout = t.layout;
        r.polls = count(cPolls, "polls", true);
        r.requests = count(cRequests, "requests", false);
        r.intervals = count(cIntervals, "intervals", false);
        r.medianS = real(cMedian, "median_interval_s", true);
        r.spread = real(cSpread, "spread", true);
        r.p25 = real(cP25, "gap_p25", false);
        r.p75 = real(cP75, "gap_p75", false);
        r.bytesOut = count(cOut, "bytes_out", false);
        r.bytesIn = count(cIn, "bytes_in", false);
        r.paths = count(cPaths, "paths", false);
        r.hostsAlike = count(cAlike, "hosts_alike", false);
        r.postShare = real(cPost, "post_share", false);
        r.firstUs = time(cFirst, "first_seen");
        r.lastUs = time(cLast, "last_seen");
        if (why.empty() && host.empty()) {
            why = "host is empty";
        } else if (why.empty() && !plausibleDestination(dest)) {
            why = "dest is not a host name: '" + excerpt(cell(cDest), 60) + "'";
        } else if (why.empty() &&
                   (hasControl(host, false) || hasControl(process, false) || hasControl(shapes, false))) {
            why = "a control character in host, process or shapes";
        } else if (why.empty() &&
                   (host.size() > SiemResultsParser::kMaxText || process.size() > SiemResultsParser::kMaxText ||
                    shapes.size() > SiemResultsParser::kMaxText)) {
            why = "host, process or shapes longer than " + std::to_string(SiemResultsParser::kMaxText) + " bytes";
        } else if (why.empty() && (r.firstUs == 0 || r.lastUs == 0)) {
            why = "first_seen or last_seen is empty";
        } else if (why.empty() && r.lastUs < r.firstUs) {
            why = "last_seen is before first_seen";
        } else if (why.empty() && r.polls == 0) {
            why = "polls is 0";
        } else if (why.empty() && !via.empty() && via != "web" && via != "dns") {
            why = "via is neither web nor dns: '" + excerpt(cell(cVia), 20) + "'";
        } else if (why.empty() && r.postShare > 1) {
            why = "post_share is above 1";
        } else if (why.empty() && !plausibleAddresses(src)) {
            why = "src is not a list of addresses: '" + excerpt(cell(cSrc), 60) + "'";
        }
        if (!why.empty()) {
            reject(why);
            continue;
        }
        r.host = host;
        r.process = process;
        r.dest = dest;
        r.shapes = shapes;
        r.via = via;
        r.src = src;
        sink.siemRow(r);
    }
}

std::string_view firstNonBlank(std::string_view text) {
    const size_t i = text.find_first_not_of(" \t\r\n");
    return i == std::string_view::npos ? std::string_view() : text.substr(i);
}

std::string_view withoutBom(std::string_view s) {
    return s.substr(0, 3) == "\xEF\xBB\xBF" ? s.substr(3) : s;
}

} // namespace

SiemResultsParser::SiemResultsParser(const ParserOptions& options) : tz_(options.sourceTimeZone) {}

int SiemResultsParser::sniff(const SniffSample& sample) {
    const std::string_view head = firstNonBlank(withoutBom(sample.head));
    if (head.empty()) {
        return 0;
    }
    // Our hunts' own column names: the grouped row's count, median gap and spread.
    const bool ours = head.find("median_interval_s") != std::string_view::npos &&
                      head.find("spread") != std::string_view::npos && head.find("polls") != std::string_view::npos &&
                      head.find("dest") != std::string_view::npos;
    if (!ours) {
        return 0;
    }
    if (head.front() == '{' || head.front() == '[') {
        return 95;
    }
    // CSV: the header line itself names the columns.
    const std::string_view first = head.substr(0, head.find('\n'));
    return first.find("median_interval_s") != std::string_view::npos && first.find(',') != std::string_view::npos ? 95
                                                                                                                  : 0;
}

void SiemResultsParser::parseText(std::string_view text, RecordSink& sink) {
    std::string repaired;
    if (!isValidUtf8(text)) {
        escapeInvalidUtf8(text, repaired);
        text = repaired;
    }
    text = withoutBom(text);
    const std::string_view body = firstNonBlank(text);
    if (body.empty()) {
        throw std::runtime_error(std::string("the file is empty (") + kTried + ")");
    }
    Table t;
    if (body.front() == '{' || body.front() == '[') {
        if (!readJsonDocument(text, t)) {
            t = Table{};
            if (!readJsonLines(text, t)) {
                throw std::runtime_error(std::string("not JSON any SIEM export writes (") + kTried + ")");
            }
        }
        requireColumns(t, t.product == std::string_view("elastic")    ? "the ES|QL response"
                          : t.product == std::string_view("sentinel") ? "the hunting API's response"
                                                                      : "the Splunk JSON");
    } else {
        t.layout = "csv";
        readCsv(text, t);
        requireColumns(t, "the CSV header");
        t.product = productOf(t.columns);
    }
    emitRows(t, tz_, sink);
}

bool SiemResultsParser::parse(InputReader& in, RecordSink& sink, const ProgressCallback& progress) {
    std::string text;
    if (!in.readRest(text, in.memoryLimit())) {
        throw std::runtime_error("a SIEM export larger than the import's memory bound (" +
                                 std::to_string(in.memoryLimit()) + " bytes) is not read");
    }
    if (progress && !progress(in)) {
        return false;
    }
    parseText(text, sink);
    return true;
}

} // namespace socwb
