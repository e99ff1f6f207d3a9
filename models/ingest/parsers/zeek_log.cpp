#include "zeek_log.h"

#include "ingest/read/text_util.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace socwb {

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// "\x09" -> TAB and "\t" -> TAB: how #separator spells its value.
std::string unescapeHeaderValue(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            if (s[i + 1] == 'x' && i + 3 < s.size() && hexValue(s[i + 2]) >= 0 && hexValue(s[i + 3]) >= 0) {
                out += static_cast<char>(hexValue(s[i + 2]) * 16 + hexValue(s[i + 3]));
                i += 3;
                continue;
            }
            if (s[i + 1] == 't') {
                out += '\t';
                ++i;
                continue;
            }
            if (s[i + 1] == '\\') {
                out += '\\';
                ++i;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

// Zeek writes separators and non-printable bytes as \xNN. Decodes them when the result is valid
// UTF-8; escapes of control characters stay as they are (so does everything when a decoded byte
// would not form valid UTF-8: the value is then kept as logged).
std::string_view decodeZeekEscapes(std::string_view raw, std::string& out) {
    if (raw.size() < 4 || raw.find("\\x") == std::string_view::npos) {
        return raw;
    }
    out.clear();
    bool changed = false;
    for (size_t i = 0; i < raw.size();) {
        if (raw[i] == '\\' && i + 3 < raw.size() && raw[i + 1] == 'x') {
            const int hi = hexValue(raw[i + 2]);
            const int lo = hexValue(raw[i + 3]);
            if (hi >= 0 && lo >= 0) {
                const int b = hi * 16 + lo;
                if (b >= 0x20 && b != 0x7F) {
                    out += static_cast<char>(b);
                    i += 4;
                    changed = true;
                    continue;
                }
            }
        }
        out += raw[i++];
    }
    if (!changed || !isValidUtf8(out)) {
        return raw;
    }
    return out;
}

bool hasJsonKey(std::string_view line, std::string_view key) {
    // `"key"` followed by optional blanks and ':' -- a key, not a value that happens to match.
    size_t from = 0;
    for (;;) {
        const size_t p = line.find(key, from);
        if (p == std::string_view::npos) {
            return false;
        }
        size_t e = p + key.size();
        if (p > 0 && line[p - 1] == '"' && e < line.size() && line[e] == '"') {
            ++e;
            while (e < line.size() && (line[e] == ' ' || line[e] == '\t')) {
                ++e;
            }
            if (e < line.size() && line[e] == ':') {
                return true;
            }
        }
        from = p + 1;
    }
}

// A key naming the connection's originator address under any scope separator: "id.orig_h",
// "id_orig_h", "id::orig_h" (Zeek's Log::default_scope_sep).
bool hasScopedIdKey(std::string_view line) {
    size_t from = 0;
    for (;;) {
        const size_t p = line.find("orig_h\"", from);
        if (p == std::string_view::npos) {
            return false;
        }
        size_t b = p;
        while (b > 0 && p - b < 8 && !std::isalnum(static_cast<unsigned char>(line[b - 1])) && line[b - 1] != '"') {
            --b;
        }
        if (b < p && b >= 3 && line.substr(b - 3, 3) == "\"id") {
            return true;
        }
        from = p + 1;
    }
}

enum class Seen { None, Http, Dns, Conn, Ssl, Other };

Seen classifyNames(auto has) {
    if (has("uri") && (has("method") || has("host"))) {
        return Seen::Http;
    }
    if (has("query") && (has("qtype") || has("qtype_name") || has("rcode_name"))) {
        return Seen::Dns;
    }
    if (has("cipher") || has("server_name") || has("ssl_history") || (has("established") && has("resumed")) ||
        has("ja3")) {
        return Seen::Ssl;
    }
    if (has("conn_state") || has("missed_bytes") || has("orig_ip_bytes") || (has("orig_bytes") && has("resp_bytes"))) {
        return Seen::Conn;
    }
    return Seen::Other;
}

Seen seenOfPath(std::string_view v) {
    return v == "http"   ? Seen::Http
           : v == "dns"  ? Seen::Dns
           : v == "conn" ? Seen::Conn
           : v == "ssl"  ? Seen::Ssl
                         : Seen::Other;
}

} // namespace

ZeekLogParser::ZeekLogParser(const char* format, const char* logName, std::vector<std::string_view> wanted,
                             std::vector<int> required, std::vector<int> containers,
                             std::vector<std::string_view> markers)
    : format_(format), logName_(logName), slotNames_(std::move(wanted)), required_(std::move(required)),
      defaultContainers_(std::move(containers)), markers_(std::move(markers)) {
    if (slotNames_.size() > kMaxSlots) {
        throw std::logic_error("ZeekLogParser: too many slots");
    }
    for (size_t i = 0; i < slotNames_.size(); ++i) {
        const std::string_view n = slotNames_[i];
        if (const size_t dot = n.find('.'); dot != std::string_view::npos) {
            scoped_.push_back(Scoped{static_cast<int>(i), n.substr(0, dot), n.substr(dot + 1)});
        }
    }
    tsSlot_ = slotOf("ts");
    if (tsSlot_ < 0) {
        throw std::logic_error("ZeekLogParser: no ts slot");
    }
    colSlot_.reserve(64);
    scratchList_.reserve(64);
    for (auto& s : jsonText_) {
        s.reserve(256);
    }
    for (auto& s : decoded_) {
        s.reserve(256);
    }
    elem_.reserve(256);
    resetBlock();
}

void ZeekLogParser::resetBlock() {
    sep_ = "\t";
    setSep_ = ",";
    unset_ = "-";
    empty_ = "(empty)";
    path_.clear();
    types_.clear();
    colSlot_.clear();
    haveFields_ = false;
    closed_ = false;
    tsvContainer_.fill(false);
    for (int s : defaultContainers_) {
        tsvContainer_[static_cast<size_t>(s)] = true;
    }
}

int ZeekLogParser::slotOf(std::string_view name) const {
    for (size_t i = 0; i < slotNames_.size(); ++i) {
        if (slotNames_[i] == name) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

int ZeekLogParser::lookup(std::string_view name) const {
    const int exact = slotOf(name);
    if (exact >= 0 || scoped_.empty()) {
        return exact;
    }
    for (const Scoped& sc : scoped_) {
        const size_t fixed = sc.prefix.size() + sc.suffix.size();
        if (name.size() <= fixed || name.size() > fixed + 8 || !name.starts_with(sc.prefix) ||
            !name.ends_with(sc.suffix)) {
            continue;
        }
        const std::string_view sep = name.substr(sc.prefix.size(), name.size() - fixed);
        if (std::none_of(sep.begin(), sep.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); })) {
            return sc.slot;
        }
    }
    return -1;
}

void ZeekLogParser::clearSlots() {
    const size_t n = slotNames_.size();
    for (size_t i = 0; i < n; ++i) {
        values_[i] = {};
        present_[i] = false;
        container_[i] = false;
    }
}

void ZeekLogParser::parseLine(std::string_view line, SourcePos pos, RecordSink& sink) {
    if (line.front() == '#') {
        header(line, pos, sink);
        return;
    }
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
        ++i;
    }
    if (i < line.size() && line[i] == '{') {
        jsonRow(line.substr(i), pos, sink);
        return;
    }
    tsvRow(line, pos, sink);
}

void ZeekLogParser::header(std::string_view line, SourcePos pos, RecordSink& sink) {
    if (line.starts_with("#separator")) {
        std::string_view v = line.substr(10);
        if (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
            v.remove_prefix(1);
        }
        std::string sep = unescapeHeaderValue(v);
        resetBlock();
        if (sep.empty()) {
            sink.reject(pos, std::string(format_) + ": #separator has no value; using TAB", line);
        } else {
            sep_ = std::move(sep);
        }
        return;
    }
    const size_t p = line.find(sep_);
    const std::string_view name = line.substr(0, p);
    const std::string_view rest = p == std::string_view::npos ? std::string_view() : line.substr(p + sep_.size());
    if (name == "#fields") {
        mapFields(rest);
    } else if (name == "#types") {
        types_.assign(rest);
        applyTypes();
    } else if (name == "#set_separator") {
        setSep_ = unescapeHeaderValue(rest);
    } else if (name == "#empty_field") {
        empty_ = unescapeHeaderValue(rest);
    } else if (name == "#unset_field") {
        unset_ = unescapeHeaderValue(rest);
    } else if (name == "#path") {
        path_.assign(rest);
    } else if (name == "#close") {
        haveFields_ = false;
        closed_ = true;
    }
    // #open and any other comment line carry nothing a record needs.
}

void ZeekLogParser::mapFields(std::string_view list) {
    scratchList_.clear();
    size_t start = 0;
    for (;;) {
        const size_t p = list.find(sep_, start);
        scratchList_.push_back(list.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
        if (p == std::string_view::npos) {
            break;
        }
        start = p + sep_.size();
    }
    colSlot_.assign(scratchList_.size(), -1);
    bool haveTs = false;
    bool haveRequired = false;
    std::array<bool, kMaxSlots> taken{};
    for (size_t c = 0; c < scratchList_.size(); ++c) {
        const int s = lookup(trim(scratchList_[c]));
        if (s < 0 || taken[static_cast<size_t>(s)]) {
            continue; // not wanted, or a repeated column name (the first one counts)
        }
        taken[static_cast<size_t>(s)] = true;
        colSlot_[c] = static_cast<int8_t>(s);
        haveTs |= s == tsSlot_;
        haveRequired |= std::find(required_.begin(), required_.end(), s) != required_.end();
    }
    const std::string which = path_.empty() ? std::string() : " (#path " + path_ + ")";
    if (!haveRequired) {
        std::string names;
        for (int r : required_) {
            names += names.empty() ? "'" : " or '";
            names += slotNames_[static_cast<size_t>(r)];
            names += "'";
        }
        throw std::runtime_error(std::string(format_) + ": the #fields header" + which + " has no " + names +
                                 " column: this is not a Zeek " + logName_ + ".log");
    }
    if (!haveTs) {
        throw std::runtime_error(std::string(format_) + ": the #fields header" + which + " has no 'ts' column");
    }
    haveFields_ = true;
    closed_ = false;
    applyTypes();
}

void ZeekLogParser::applyTypes() {
    if (types_.empty() || colSlot_.empty()) {
        return;
    }
    std::string_view list = types_;
    size_t start = 0;
    size_t col = 0;
    while (col < colSlot_.size()) {
        const size_t p = list.find(sep_, start);
        const std::string_view t = list.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start);
        const int s = colSlot_[col];
        if (s >= 0) {
            tsvContainer_[static_cast<size_t>(s)] =
                t.starts_with("set[") || t.starts_with("vector[") || t.starts_with("table[");
        }
        ++col;
        if (p == std::string_view::npos) {
            break;
        }
        start = p + sep_.size();
    }
}

void ZeekLogParser::tsvRow(std::string_view line, SourcePos pos, RecordSink& sink) {
    if (!haveFields_) {
        rejectWith(pos,
                   closed_ ? "data line after #close and before the next #fields header"
                           : "data line before any #fields header",
                   line, sink);
        return;
    }
    clearSlots();
    sensor_ = {};
    rowSetSep_ = setSep_;
    const size_t ncols = colSlot_.size();
    size_t col = 0;
    size_t start = 0;
    size_t lastLen = 0;
    const char* data = line.data();
    const size_t n = line.size();
    const bool single = sep_.size() == 1;
    const char sc = sep_[0];
    for (;;) {
        size_t end;
        if (single) {
            const void* p = start < n ? std::memchr(data + start, sc, n - start) : nullptr;
            end = p ? static_cast<size_t>(static_cast<const char*>(p) - data) : n;
        } else {
            end = line.find(sep_, start);
            if (end == std::string_view::npos) {
                end = n;
            }
        }
        lastLen = end - start;
        if (col < ncols) {
            const int s = colSlot_[col];
            if (s >= 0) {
                const std::string_view v(data + start, lastLen);
                if (v != unset_) {
                    present_[static_cast<size_t>(s)] = true;
                    values_[static_cast<size_t>(s)] = v == empty_ ? std::string_view() : v;
                    container_[static_cast<size_t>(s)] = tsvContainer_[static_cast<size_t>(s)];
                }
            }
        }
        ++col;
        if (end >= n) {
            break;
        }
        start = end + sep_.size();
        if (start > n) {
            break;
        }
    }
    if (col != ncols && !(col == ncols + 1 && lastLen == 0)) {
        rejectWith(pos, "expected " + std::to_string(ncols) + " fields, found " + std::to_string(col), line, sink);
        return;
    }
    buildRecord(pos, line, sink);
}

void ZeekLogParser::jsonValue(int slot, simdjson::dom::element v) {
    const auto s = static_cast<size_t>(slot);
    std::string& text = jsonText_[s];
    auto appendScalar = [&text](simdjson::dom::element e) -> bool {
        char buf[64];
        std::to_chars_result r{};
        std::string_view str;
        int64_t i64 = 0;
        uint64_t u64 = 0;
        double d = 0;
        bool b = false;
        switch (e.type()) {
        case simdjson::dom::element_type::STRING:
            if (e.get_string().get(str) != simdjson::SUCCESS) {
                return false;
            }
            text.append(str);
            return true;
        case simdjson::dom::element_type::INT64:
            if (e.get_int64().get(i64) != simdjson::SUCCESS) {
                return false;
            }
            r = std::to_chars(buf, buf + sizeof buf, i64);
            break;
        case simdjson::dom::element_type::UINT64:
            if (e.get_uint64().get(u64) != simdjson::SUCCESS) {
                return false;
            }
            r = std::to_chars(buf, buf + sizeof buf, u64);
            break;
        case simdjson::dom::element_type::DOUBLE:
            // As Zeek's TSV writer prints times and intervals: six decimals.
            if (e.get_double().get(d) != simdjson::SUCCESS) {
                return false;
            }
            r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed, 6);
            break;
        case simdjson::dom::element_type::BOOL:
            if (e.get_bool().get(b) != simdjson::SUCCESS) {
                return false;
            }
            text += b ? 'T' : 'F';
            return true;
        default:
            return false;
        }
        if (r.ec != std::errc()) {
            return false;
        }
        text.append(buf, r.ptr);
        return true;
    };
    text.clear();
    switch (v.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
    case simdjson::dom::element_type::OBJECT:
        return;
    case simdjson::dom::element_type::STRING:
        if (v.get_string().get(values_[s]) == simdjson::SUCCESS) {
            present_[s] = true;
            // A pipeline may write a set as one comma-separated string.
            container_[s] =
                std::find(defaultContainers_.begin(), defaultContainers_.end(), slot) != defaultContainers_.end();
        }
        return;
    case simdjson::dom::element_type::ARRAY: {
        simdjson::dom::array array;
        if (v.get_array().get(array) != simdjson::SUCCESS) {
            return;
        }
        bool first = true;
        for (simdjson::dom::element e : array) {
            if (!first) {
                text += ',';
            }
            first = false;
            appendScalar(e);
        }
        values_[s] = text;
        present_[s] = true;
        container_[s] = true;
        return;
    }
    default:
        if (appendScalar(v)) {
            values_[s] = text;
            present_[s] = true;
            container_[s] = false;
        }
        return;
    }
}

void ZeekLogParser::jsonRow(std::string_view line, SourcePos pos, RecordSink& sink) {
    const size_t n = line.size();
    if (jsonCap_ < n + simdjson::SIMDJSON_PADDING) {
        jsonCap_ = std::max(jsonCap_ * 2, n + simdjson::SIMDJSON_PADDING);
        jsonBuf_ = std::make_unique<char[]>(jsonCap_);
    }
    std::memcpy(jsonBuf_.get(), line.data(), n);
    std::memset(jsonBuf_.get() + n, 0, simdjson::SIMDJSON_PADDING);
    simdjson::dom::element doc;
    const auto err = json_.parse(jsonBuf_.get(), n, false).get(doc);
    if (err) {
        std::string why = std::string("invalid JSON: ") + simdjson::error_message(err);
        std::string_view t = trim(line);
        if (!t.empty() && t.back() != '}') {
            why += " (the line ends before its object does: cut short?)";
        }
        rejectWith(pos, why, line, sink);
        return;
    }
    simdjson::dom::object obj;
    if (doc.get_object().get(obj)) {
        rejectWith(pos, "the JSON line is not an object", line, sink);
        return;
    }
    clearSlots();
    sensor_ = {};
    rowSetSep_ = ",";
    std::string_view path;
    bool marked = false;
    char nested[64];
    for (simdjson::dom::key_value_pair kv : obj) {
        const std::string_view key = kv.key;
        if (!marked) {
            for (std::string_view m : markers_) {
                if (key == m) {
                    marked = true;
                    break;
                }
            }
        }
        const int s = lookup(key);
        if (s >= 0) {
            jsonValue(s, kv.value);
        } else if (key == "_path" || key == "@stream") {
            if (kv.value.get_string().get(path) != simdjson::SUCCESS) {
                path = {};
            }
        } else if (key == "@system" || key == "_system_name") { // a pipeline's, Corelight's
            if (kv.value.get_string().get(sensor_) != simdjson::SUCCESS) {
                sensor_ = {};
            }
        } else if (simdjson::dom::object id; key == "id" && kv.value.get_object().get(id) == simdjson::SUCCESS) {
            // Some pipelines nest the connection id: {"id": {"orig_h": ..., "resp_p": ...}}.
            for (simdjson::dom::key_value_pair sub : id) {
                if (sub.key.size() + 3 > sizeof nested) {
                    continue;
                }
                std::memcpy(nested, "id.", 3);
                std::memcpy(nested + 3, sub.key.data(), sub.key.size());
                const int ns = lookup(std::string_view(nested, sub.key.size() + 3));
                if (ns >= 0) {
                    jsonValue(ns, sub.value);
                }
            }
        }
    }
    // "_path" says which log a record belongs to (also "http_internal" and the like, when logs
    // are split); without it, the record must carry a field of this log.
    const std::string_view log(logName_);
    const bool pathFits = path == log || (path.starts_with(log) && path.size() > log.size() && path[log.size()] == '_');
    if (path.empty() ? !marked : !pathFits) {
        std::string why =
            path.empty() ? std::string("the JSON record has no _path and no field of a Zeek ") + logName_ + ".log"
                         : "_path '" + std::string(path.substr(0, 40)) + "': not a Zeek " + logName_ + ".log record";
        rejectWith(pos, why, line, sink);
        return;
    }
    if (!present_[static_cast<size_t>(tsSlot_)]) {
        rejectWith(pos, "the JSON record has no 'ts'", line, sink);
        return;
    }
    buildRecord(pos, line, sink);
}

std::string_view ZeekLogParser::value(int slot) {
    const auto s = static_cast<size_t>(slot);
    if (!present_[s]) {
        return {};
    }
    return decodeZeekEscapes(values_[s], decoded_[s]);
}

std::string_view ZeekLogParser::decodeElement(std::string_view raw) {
    return decodeZeekEscapes(raw, elem_);
}

std::string_view ZeekLogParser::firstElement(int slot) {
    const auto s = static_cast<size_t>(slot);
    if (!present_[s]) {
        return {};
    }
    std::string_view v = values_[s];
    if (container_[s] && !rowSetSep_.empty()) {
        v = v.substr(0, v.find(rowSetSep_));
    }
    return decodeZeekEscapes(v, decoded_[s]);
}

bool ZeekLogParser::parseTs(int slot, int64_t& us) const {
    const std::string_view v = trim(raw(slot));
    if (v.empty()) {
        return false;
    }
    return parseEpochSeconds(v, us) || parseIsoTimestamp(v, us);
}

bool ZeekLogParser::tsSlot(int slot, int64_t& us, SourcePos pos, std::string_view line, RecordSink& sink) const {
    if (parseTs(slot, us)) {
        return true;
    }
    rejectWith(pos, "ts is not a time: '" + std::string(raw(slot).substr(0, 40)) + "'", line, sink);
    return false;
}

int ZeekLogParser::boolSlot(int slot) const {
    const std::string_view v = raw(slot);
    if (v == "T" || v == "true") {
        return 1;
    }
    if (v == "F" || v == "false") {
        return 0;
    }
    return -1;
}

bool ZeekLogParser::durationSlot(int slot, const char* name, int64_t& us, SourcePos pos, std::string_view line,
                                 RecordSink& sink) const {
    const std::string_view v = trim(raw(slot));
    if (v.empty()) {
        us = -1;
        return true;
    }
    if (parseEpochSeconds(v, us)) {
        return true;
    }
    rejectWith(pos, std::string(name) + " is not a number of seconds: '" + std::string(v.substr(0, 40)) + "'", line,
               sink);
    return false;
}

bool ZeekLogParser::intSlot(int slot, const char* name, int64_t& out, SourcePos pos, std::string_view line,
                            RecordSink& sink) const {
    const std::string_view v = raw(slot);
    if (v.empty()) {
        out = -1;
        return true;
    }
    if (parseInt(v, out)) {
        return true;
    }
    rejectWith(pos, std::string(name) + " is not a number: '" + std::string(v.substr(0, 40)) + "'", line, sink);
    return false;
}

bool ZeekLogParser::intSlot(int slot, const char* name, int& out, SourcePos pos, std::string_view line,
                            RecordSink& sink) const {
    int64_t v = -1;
    if (!intSlot(slot, name, v, pos, line, sink)) {
        return false;
    }
    if (v < -1 || v > INT32_MAX) {
        rejectWith(pos, std::string(name) + " is out of range: " + std::to_string(v), line, sink);
        return false;
    }
    out = static_cast<int>(v);
    return true;
}

void ZeekLogParser::rejectWith(SourcePos pos, std::string_view what, std::string_view line, RecordSink& sink) const {
    std::string reason(format_);
    reason += ": ";
    reason += what;
    sink.reject(pos, reason, line);
}

int ZeekLogParser::sniffKind(const SniffSample& sample, Kind kind) {
    Seen fields = Seen::None;
    Seen path = Seen::None;
    bool separator = false;
    int jsonLines = 0;
    int jsonMatch = 0;
    int jsonOther = 0; // records of the other log (http vs dns)
    int otherData = 0;
    const Seen want = kind == Kind::Http   ? Seen::Http
                      : kind == Kind::Dns  ? Seen::Dns
                      : kind == Kind::Conn ? Seen::Conn
                                           : Seen::Ssl;
    std::vector<std::string_view> names;
    for (std::string_view line : sample.lines) {
        if (isBlank(line)) {
            continue;
        }
        if (line.starts_with("#separator")) {
            separator = true;
        } else if (line.starts_with("#fields") && line.size() > 8 && (line[7] == '\t' || line[7] == ' ')) {
            splitWhitespace(line.substr(8), names);
            const Seen s = classifyNames(
                [&](std::string_view n) { return std::find(names.begin(), names.end(), n) != names.end(); });
            if (fields == Seen::None) {
                fields = s;
            }
        } else if (line.starts_with("#path") && line.size() > 6 && (line[5] == '\t' || line[5] == ' ')) {
            const std::string_view v = trim(line.substr(6));
            path = seenOfPath(v);
        } else if (line.front() == '{') {
            ++jsonLines;
            // Zeek's own keys: a connection id (flat, nested or under another scope separator) or a
            // _path / @stream, and a ts.
            if (hasJsonKey(line, "ts") && (hasScopedIdKey(line) || hasJsonKey(line, "id") ||
                                           hasJsonKey(line, "_path") || hasJsonKey(line, "@stream"))) {
                const Seen s = classifyNames([&](std::string_view n) { return hasJsonKey(line, n); });
                jsonMatch += s == want;
                jsonOther += s != Seen::Other && s != want;
            }
        } else if (line.front() != '#') {
            ++otherData;
        }
    }
    if (fields != Seen::None) {
        return fields == want ? 95 : 0;
    }
    if (path != Seen::None && separator) {
        return path == want ? 85 : 0; // a header cut before its #fields line
    }
    if (jsonMatch > 0) {
        // Certain when at least half the lines are this log's records and none is of the other
        // log (a sample may hold a broken line or a record of another log).
        const int total = jsonLines + otherData;
        if (jsonOther == 0 && jsonMatch * 2 >= total) {
            return 80 + 10 * jsonMatch / total;
        }
        return 60 * jsonMatch / total;
    }
    return 0;
}

} // namespace socwb
