#include "sysmon_json_parser.h"

#include "core/resources.h"
#include "ingest/read/text_util.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <unordered_set>

namespace socwb {

namespace {

std::vector<std::string> pointerList(const QJsonObject& o, const char* key, const QString& file) {
    std::vector<std::string> out;
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        return out;
    }
    if (!v.isArray()) {
        throw std::runtime_error(
            QStringLiteral("%1: '%2' must be a list of JSON pointers").arg(file, QLatin1String(key)).toStdString());
    }
    for (const QJsonValue& e : v.toArray()) {
        const QString s = e.toString();
        if (!e.isString() || !s.startsWith(QLatin1Char('/'))) {
            throw std::runtime_error(QStringLiteral("%1: '%2' holds something that is not a JSON pointer (\"/a/b\")")
                                         .arg(file, QLatin1String(key))
                                         .toStdString());
        }
        out.push_back(s.toStdString());
    }
    return out;
}

class CountingSink : public RecordSink {
  public:
    int records = 0;
    int rejects = 0;
    void proxy(const ProxyRecord&) override {}
    void dns(const DnsRecord&) override {}
    void asset(const AssetRecord&) override {}
    void sysmon(const SysmonRecord&) override { ++records; }
    void reject(SourcePos, std::string_view, std::string_view) override { ++rejects; }
};

const std::vector<SysmonJsonMapping>& cachedMappings() {
    static const std::vector<SysmonJsonMapping> kMappings = SysmonJsonMapping::loadAll();
    return kMappings;
}

} // namespace

std::vector<SysmonJsonMapping> SysmonJsonMapping::loadAll() {
    std::vector<SysmonJsonMapping> out;
    for (const QString& rel : resources::list(QStringLiteral("mappings"))) {
        const QString base = QFileInfo(rel).fileName();
        if (!base.startsWith(QLatin1String("sysmon-")) || !base.endsWith(QLatin1String(".json"))) {
            continue;
        }
        auto bad = [&](const QString& what) {
            throw std::runtime_error((rel + QStringLiteral(": ") + what).toStdString());
        };
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(resources::read(rel), &err);
        if (!doc.isObject()) {
            bad(QStringLiteral("not a JSON object (%1)").arg(err.errorString()));
        }
        const QJsonObject o = doc.object();
        SysmonJsonMapping m;
        m.file = rel.toStdString();
        m.name = o.value(QLatin1String("name")).toString().toStdString();
        if (m.name.empty()) {
            bad(QStringLiteral("'name' is missing"));
        }
        m.priority = o.value(QLatin1String("priority")).toInt(100);
        m.match = pointerList(o, "match", rel);
        if (m.match.empty()) {
            bad(QStringLiteral("'match' must name at least one JSON pointer"));
        }
        m.eventId = pointerList(o, "event_id", rel);
        m.time = pointerList(o, "time", rel);
        m.computer = pointerList(o, "computer", rel);
        m.channel = pointerList(o, "channel", rel);
        m.provider = pointerList(o, "provider", rel);
        m.recordNumber = pointerList(o, "record_number", rel);
        const QJsonObject f = o.value(QLatin1String("fields")).toObject();
        int kinds = 0;
        for (auto [key, kind] :
             {std::pair{"object", FieldsKind::Object}, std::pair{"json_string", FieldsKind::JsonString},
              std::pair{"xml_string", FieldsKind::XmlString}}) {
            if (f.contains(QLatin1String(key))) {
                ++kinds;
                m.kind = kind;
                m.fieldsPointer = f.value(QLatin1String(key)).toString().toStdString();
            }
        }
        if (kinds != 1) {
            bad(QStringLiteral("'fields' must have exactly one of object, json_string, xml_string"));
        }
        if (m.kind != FieldsKind::Object && m.fieldsPointer.empty()) {
            bad(QStringLiteral("'fields' needs a JSON pointer to the string"));
        }
        if (m.kind != FieldsKind::XmlString && m.eventId.empty()) {
            bad(QStringLiteral("'event_id' must name where the event id is"));
        }
        for (const QJsonValue& e : f.value(QLatin1String("exclude")).toArray()) {
            m.exclude.push_back(e.toString().toStdString());
        }
        out.push_back(std::move(m));
    }
    if (out.empty()) {
        throw std::runtime_error("no resources/mappings/sysmon-*.json mapping was found");
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.priority < b.priority; });
    return out;
}

SysmonJsonParser::SysmonJsonParser(const ParserOptions&) : mappings_(cachedMappings()) {
    envelope_.reserve(512); // views into it must survive appends: see firstText()
    pending_.reserve(64);
    fields_.reserve(64);
    for (const SysmonJsonMapping& m : mappings_) {
        exclude_.emplace_back(m.exclude.begin(), m.exclude.end());
    }
}

int SysmonJsonParser::sniff(const SniffSample& sample) {
    std::string_view first;
    for (std::string_view l : sample.lines) {
        if (!isBlank(l)) {
            first = trim(l);
            break;
        }
    }
    if (first.empty() || first.front() != '{') {
        return 0;
    }
    try {
        SysmonJsonParser p;
        CountingSink sink;
        int64_t n = 0;
        for (std::string_view l : sample.lines) {
            ++n;
            if (!isBlank(l) && isValidUtf8(l)) {
                p.feed(trim(l), SourcePos{n, 0}, sink);
            }
        }
        return sink.records == 0 ? 0 : 95 * sink.records / (sink.records + sink.rejects);
    } catch (const std::exception&) {
        return 0;
    }
}

bool SysmonJsonParser::valueText(simdjson::dom::element v, Pending& out) {
    out.inArena = false;
    out.direct = {};
    char num[32];
    switch (v.type()) {
    case simdjson::dom::element_type::STRING:
        out.direct = v.get_string().value_unsafe();
        return true;
    case simdjson::dom::element_type::INT64: {
        const auto r = std::to_chars(num, num + sizeof num, v.get_int64().value_unsafe());
        out.offset = arena_.size();
        arena_.append(num, r.ptr);
        break;
    }
    case simdjson::dom::element_type::UINT64: {
        const auto r = std::to_chars(num, num + sizeof num, v.get_uint64().value_unsafe());
        out.offset = arena_.size();
        arena_.append(num, r.ptr);
        break;
    }
    case simdjson::dom::element_type::DOUBLE: {
        const auto r = std::to_chars(num, num + sizeof num, v.get_double().value_unsafe());
        out.offset = arena_.size();
        arena_.append(num, r.ptr);
        break;
    }
    case simdjson::dom::element_type::BOOL:
        out.direct = v.get_bool().value_unsafe() ? "true" : "false";
        return true;
    case simdjson::dom::element_type::NULL_VALUE:
        return true;
    case simdjson::dom::element_type::ARRAY:
    case simdjson::dom::element_type::OBJECT: {
        // Multi-valued fields (Splunk) and nested objects stay as compact JSON text.
        const std::string json = simdjson::minify(v);
        out.offset = arena_.size();
        arena_.append(json);
        break;
    }
    }
    out.length = arena_.size() - out.offset;
    out.inArena = true;
    return true;
}

// The first pointer that exists, as text. Numbers are written to envelope_, whose capacity is
// reserved so earlier views stay valid (an envelope number is at most 24 bytes, a line has few).
std::string_view SysmonJsonParser::firstText(simdjson::dom::element root, const std::vector<std::string>& pointers) {
    for (const std::string& p : pointers) {
        simdjson::dom::element e;
        if (root.at_pointer(p).get(e) != simdjson::SUCCESS) {
            continue;
        }
        if (e.is_string()) {
            return e.get_string().value_unsafe();
        }
        char num[32];
        std::to_chars_result r{num, std::errc()};
        if (e.is_int64()) {
            r = std::to_chars(num, num + sizeof num, e.get_int64().value_unsafe());
        } else if (e.is_uint64()) {
            r = std::to_chars(num, num + sizeof num, e.get_uint64().value_unsafe());
        } else {
            continue;
        }
        const size_t len = static_cast<size_t>(r.ptr - num);
        if (envelope_.size() + len > envelope_.capacity()) {
            return {};
        }
        const size_t at = envelope_.size();
        envelope_.append(num, len);
        return std::string_view(envelope_.data() + at, len);
    }
    return {};
}

void SysmonJsonParser::collectObject(simdjson::dom::object obj, const std::unordered_set<std::string_view>& exclude) {
    for (auto field : obj) {
        if (!exclude.empty() && exclude.count(field.key)) {
            continue;
        }
        Pending p;
        p.name = field.key;
        valueText(field.value, p);
        pending_.push_back(p);
    }
}

std::string SysmonJsonParser::read(std::string_view line, SysmonRecord& rec) {
    line = trim(line);
    if (line.empty() || line.front() != '{') {
        return "not a JSON object";
    }
    padded_.assign(line);
    padded_.append(simdjson::SIMDJSON_PADDING, '\0');
    simdjson::dom::element root;
    if (const auto err = outer_.parse(padded_.data(), line.size(), false).get(root)) {
        return std::string("not valid JSON: ") + simdjson::error_message(err);
    }
    if (!root.is_object()) {
        return "not a JSON object";
    }
    const SysmonJsonMapping* m = nullptr;
    size_t mi = 0;
    simdjson::dom::element fieldsAt = root;
    for (; mi < mappings_.size(); ++mi) {
        const SysmonJsonMapping& cand = mappings_[mi];
        bool all = true;
        for (const std::string& p : cand.match) {
            simdjson::dom::element e;
            if (root.at_pointer(p).get(e) != simdjson::SUCCESS) {
                all = false;
                break;
            }
        }
        if (!all) {
            continue;
        }
        if (!cand.fieldsPointer.empty() && root.at_pointer(cand.fieldsPointer).get(fieldsAt) != simdjson::SUCCESS) {
            continue;
        }
        if (cand.fieldsPointer.empty()) {
            fieldsAt = root;
        }
        if (cand.kind == SysmonJsonMapping::FieldsKind::XmlString) {
            // Only when the string is event XML; otherwise a later mapping may fit.
            if (!fieldsAt.is_string() || trim(fieldsAt.get_string().value_unsafe()).substr(0, 1) != "<") {
                continue;
            }
        } else if (cand.kind == SysmonJsonMapping::FieldsKind::JsonString) {
            if (!fieldsAt.is_string() && !fieldsAt.is_object()) {
                continue;
            }
        } else if (!fieldsAt.is_object()) {
            continue;
        }
        m = &cand;
        break;
    }
    if (!m) {
        return "no mapping (resources/mappings/sysmon-*.json) recognises this object";
    }
    arena_.clear();
    envelope_.clear();
    pending_.clear();
    fields_.clear();
    const std::string_view computer = firstText(root, m->computer);

    if (m->kind == SysmonJsonMapping::FieldsKind::XmlString) {
        if (!xml_.read(trim(fieldsAt.get_string().value_unsafe()), rec)) {
            return "event XML in " + m->fieldsPointer + ": " + xml_.error();
        }
        if (rec.computer.empty()) {
            rec.computer = computer;
        }
        return {};
    }

    if (m->kind == SysmonJsonMapping::FieldsKind::JsonString && fieldsAt.is_string()) {
        const std::string_view inner = fieldsAt.get_string().value_unsafe();
        innerPadded_.assign(inner);
        innerPadded_.append(simdjson::SIMDJSON_PADDING, '\0');
        simdjson::dom::element innerRoot;
        if (const auto err = inner_.parse(innerPadded_.data(), inner.size(), false).get(innerRoot)) {
            return m->fieldsPointer + " is not valid JSON: " + simdjson::error_message(err);
        }
        if (!innerRoot.is_object()) {
            return m->fieldsPointer + " is not a JSON object";
        }
        collectObject(innerRoot.get_object().value_unsafe(), {});
    } else {
        collectObject(fieldsAt.get_object().value_unsafe(), exclude_[mi]);
    }
    for (const Pending& p : pending_) {
        fields_.push_back(
            SysmonField{p.name, p.inArena ? std::string_view(arena_.data() + p.offset, p.length) : p.direct});
    }
    rec.fields = std::span<const SysmonField>(fields_.data(), fields_.size());

    const std::string_view idText = trim(firstText(root, m->eventId));
    int64_t id = -1;
    if (idText.empty()) {
        return "no event id (" + m->name + " looks in " + m->eventId.front() + ")";
    }
    if (!parseInt(idText, id) || id < 0 || id > 65535) {
        return "event id is not a number: '" + std::string(idText.substr(0, 40)) + "'";
    }
    rec.eventId = static_cast<int>(id);
    rec.computer = computer;
    rec.channel = firstText(root, m->channel);
    rec.provider = firstText(root, m->provider);
    if (!parseInt(trim(firstText(root, m->recordNumber)), rec.recordNumber)) {
        rec.recordNumber = -1;
    }
    const std::string_view utc = trim(rec.field("UtcTime"));
    if (utc.empty() || !parseIsoTimestamp(utc, rec.tsUs)) {
        const std::string_view t = trim(firstText(root, m->time));
        if (!parseIsoTimestamp(t, rec.tsUs)) {
            return t.empty() && utc.empty()
                       ? "no time (UtcTime or " + m->name + "'s time keys)"
                       : "time is not readable: '" + std::string((utc.empty() ? t : utc).substr(0, 40)) + "'";
        }
    }
    return {};
}

void SysmonJsonParser::parseLine(std::string_view line, SourcePos pos, RecordSink& sink) {
    SysmonRecord rec;
    const std::string reason = read(line, rec);
    if (!reason.empty()) {
        sink.reject(pos, "sysmon-json: " + reason, line);
        return;
    }
    rec.pos = pos;
    sink.sysmon(rec);
}

} // namespace socwb
