#include "event_xml_reader.h"

#include "ingest/read/text_util.h"

#include <array>
#include <cctype>
#include <cstring>

namespace socwb {

namespace {

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// XML name characters (ASCII subset; every byte >= 0x80 is accepted as part of a UTF-8 name),
// as a table: the reader asks for every byte of every tag name.
constexpr uint8_t kNameStart = 1, kNameChar = 2;
constexpr std::array<uint8_t, 256> kNameClass = [] {
    std::array<uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) {
        const bool start = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80;
        const bool inner = start || (c >= '0' && c <= '9') || c == '-' || c == '.';
        t[static_cast<size_t>(c)] = static_cast<uint8_t>((start ? kNameStart : 0) | (inner ? kNameChar : 0));
    }
    return t;
}();

inline bool isNameStart(unsigned char c) {
    return kNameClass[c] & kNameStart;
}
inline bool isNameChar(unsigned char c) {
    return kNameClass[c] & kNameChar;
}

std::string_view localName(std::string_view qname) {
    const size_t colon = qname.rfind(':');
    return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

void appendUtf8(char*& out, uint32_t cp) {
    if (cp < 0x80) {
        *out++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
        *out++ = static_cast<char>(0xC0 | (cp >> 6));
        *out++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *out++ = static_cast<char>(0xE0 | (cp >> 12));
        *out++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        *out++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        *out++ = static_cast<char>(0xF0 | (cp >> 18));
        *out++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        *out++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        *out++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
}

enum class Section { None, System, EventData, UserData, Other };

} // namespace

bool EventXmlReader::fail(std::string message) {
    error_ = std::move(message);
    return false;
}

// Expands the predefined entities and character references of raw into the scratch space. The
// result is never longer than raw ("&#x10FFFF;" is 10 bytes for 4), so scratch sized to the input
// cannot overflow.
bool EventXmlReader::decode(std::string_view raw, std::string_view& out) {
    if (scratchUsed_ + raw.size() > scratch_.size()) {
        return fail("event text does not fit the decoding buffer");
    }
    char* const begin = scratch_.data() + scratchUsed_;
    char* w = begin;
    size_t i = 0;
    while (i < raw.size()) {
        const size_t amp = raw.find('&', i);
        const size_t run = (amp == std::string_view::npos ? raw.size() : amp) - i;
        std::memcpy(w, raw.data() + i, run);
        w += run;
        i += run;
        if (amp == std::string_view::npos) {
            break;
        }
        // The reference's name runs to ';'. Sysmon for Linux writes "&lt unknown process&gt " with
        // no ';': the predefined names are read without it, any other bare '&' stays literal.
        size_t e = amp + 1;
        while (e < raw.size() && e - amp <= 12 &&
               (std::isalnum(static_cast<unsigned char>(raw[e])) || (e == amp + 1 && raw[e] == '#'))) {
            ++e;
        }
        if (e >= raw.size() || raw[e] != ';') {
            const std::string_view bare = raw.substr(amp + 1, e - amp - 1);
            const char c = bare == "lt"     ? '<'
                           : bare == "gt"   ? '>'
                           : bare == "amp"  ? '&'
                           : bare == "quot" ? '"'
                           : bare == "apos" ? '\''
                                            : '\0';
            if (c) {
                *w++ = c;
                i = e;
            } else {
                *w++ = '&';
                i = amp + 1;
            }
            continue;
        }
        const size_t semi = e;
        const std::string_view name = raw.substr(amp + 1, semi - amp - 1);
        if (name == "lt") {
            *w++ = '<';
        } else if (name == "gt") {
            *w++ = '>';
        } else if (name == "amp") {
            *w++ = '&';
        } else if (name == "quot") {
            *w++ = '"';
        } else if (name == "apos") {
            *w++ = '\'';
        } else if (name.size() >= 2 && name[0] == '#') {
            const bool hex = name[1] == 'x';
            const std::string_view num = name.substr(hex ? 2 : 1);
            if (num.empty()) {
                return fail("empty character reference");
            }
            uint32_t cp = 0;
            for (char c : num) {
                uint32_t d;
                if (c >= '0' && c <= '9') {
                    d = static_cast<uint32_t>(c - '0');
                } else if (hex && c >= 'a' && c <= 'f') {
                    d = static_cast<uint32_t>(c - 'a' + 10);
                } else if (hex && c >= 'A' && c <= 'F') {
                    d = static_cast<uint32_t>(c - 'A' + 10);
                } else {
                    return fail("bad character reference '&" + std::string(name) + ";'");
                }
                cp = cp * (hex ? 16 : 10) + d;
                if (cp > 0x10FFFF) {
                    return fail("character reference out of range");
                }
            }
            if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return fail("character reference to a code point XML does not allow");
            }
            appendUtf8(w, cp);
        } else {
            return fail("undeclared entity '&" + std::string(name.substr(0, 40)) +
                        ";' (entities are never expanded or fetched)");
        }
        i = semi + 1;
    }
    out = std::string_view(begin, static_cast<size_t>(w - begin));
    scratchUsed_ += out.size();
    return true;
}

bool EventXmlReader::read(std::string_view xml, SysmonRecord& rec) {
    fields_.clear();
    error_.clear();
    if (scratch_.size() < xml.size() + 16) {
        scratch_.resize(xml.size() + 16);
    }
    scratchUsed_ = 0;

    std::string_view stack[kMaxDepth];
    int depth = 0;
    Section section = Section::None;
    bool rootDone = false;
    bool rootSeen = false;

    // The element whose text is being kept (a leaf we care about), its depth and what it is.
    enum class Target { None, EventId, RecordId, Channel, Computer, Field };
    Target target = Target::None;
    int targetDepth = 0;
    std::string_view fieldName;
    std::string_view text;
    bool textInScratch = false;
    size_t textStart = 0;
    int pieces = 0;
    int unnamed = 0;

    std::string_view eventIdText, recordIdText, systemTime;
    rec.eventId = -1;
    rec.tsUs = 0;
    rec.computer = {};
    rec.channel = {};
    rec.provider = {};
    rec.recordNumber = -1;
    rec.fields = {};

    auto addText = [&](std::string_view raw, bool cdata) -> bool {
        if (target == Target::None || depth != targetDepth) {
            if (depth == 0) {
                for (char c : raw) {
                    if (!isSpace(c)) {
                        return fail("text outside the <Event> element");
                    }
                }
                return true;
            }
            if (!cdata && raw.find('&') != std::string_view::npos) {
                // Not kept, but an undeclared entity makes the event malformed all the same.
                const size_t mark = scratchUsed_;
                std::string_view ignored;
                if (!decode(raw, ignored)) {
                    return false;
                }
                scratchUsed_ = mark;
            }
            return true;
        }
        const bool plain = cdata || raw.find('&') == std::string_view::npos;
        if (pieces == 0 && plain) {
            text = raw;
            pieces = 1;
            textInScratch = false;
            return true;
        }
        if (!textInScratch) {
            if (scratchUsed_ + text.size() > scratch_.size()) {
                return fail("event text does not fit the decoding buffer");
            }
            textStart = scratchUsed_;
            if (!text.empty()) { // an empty view may have no data pointer at all
                std::memcpy(scratch_.data() + scratchUsed_, text.data(), text.size());
            }
            scratchUsed_ += text.size();
            textInScratch = true;
        }
        if (plain) {
            if (scratchUsed_ + raw.size() > scratch_.size()) {
                return fail("event text does not fit the decoding buffer");
            }
            std::memcpy(scratch_.data() + scratchUsed_, raw.data(), raw.size());
            scratchUsed_ += raw.size();
        } else {
            std::string_view piece;
            if (!decode(raw, piece)) {
                return false;
            }
        }
        text = std::string_view(scratch_.data() + textStart, scratchUsed_ - textStart);
        ++pieces;
        return true;
    };

    auto closeTarget = [&]() -> bool {
        switch (target) {
        case Target::EventId:
            eventIdText = text;
            break;
        case Target::RecordId:
            recordIdText = text;
            break;
        case Target::Channel:
            rec.channel = trim(text);
            break;
        case Target::Computer:
            rec.computer = trim(text);
            break;
        case Target::Field:
            if (fields_.size() >= kMaxFields) {
                return fail("more than " + std::to_string(kMaxFields) + " data fields");
            }
            fields_.push_back(SysmonField{fieldName, text});
            break;
        case Target::None:
            break;
        }
        target = Target::None;
        return true;
    };

    const char* p = xml.data();
    const char* const end = p + xml.size();
    while (p < end) {
        if (*p != '<') {
            const char* lt = static_cast<const char*>(std::memchr(p, '<', static_cast<size_t>(end - p)));
            const char* stop = lt ? lt : end;
            if (!addText(std::string_view(p, static_cast<size_t>(stop - p)), false)) {
                return false;
            }
            p = stop;
            continue;
        }
        const std::string_view rest(p, static_cast<size_t>(end - p));
        if (rest.starts_with("<!--")) {
            const size_t close = rest.find("-->", 4);
            if (close == std::string_view::npos) {
                return fail("comment is not closed");
            }
            p += close + 3;
            continue;
        }
        if (rest.starts_with("<![CDATA[")) {
            if (depth == 0) {
                return fail("CDATA outside the <Event> element");
            }
            const size_t close = rest.find("]]>", 9);
            if (close == std::string_view::npos) {
                return fail("CDATA section is not closed");
            }
            if (!addText(rest.substr(9, close - 9), true)) {
                return false;
            }
            p += close + 3;
            continue;
        }
        if (rest.starts_with("<!")) {
            return fail("a DTD or markup declaration in an event is refused (no entity is ever expanded)");
        }
        if (rest.starts_with("<?")) {
            const size_t close = rest.find("?>", 2);
            if (close == std::string_view::npos) {
                return fail("processing instruction is not closed");
            }
            p += close + 2;
            continue;
        }
        if (rest.starts_with("</")) {
            const char* n = p + 2;
            const char* ns = n;
            while (n < end && isNameChar(static_cast<unsigned char>(*n))) {
                ++n;
            }
            const std::string_view name(ns, static_cast<size_t>(n - ns));
            while (n < end && isSpace(*n)) {
                ++n;
            }
            if (n >= end || *n != '>') {
                return fail("end tag </" + std::string(name.substr(0, 40)) + "> is not closed");
            }
            if (depth == 0 || stack[depth - 1] != name) {
                return fail("end tag </" + std::string(name.substr(0, 40)) + "> does not match " +
                            (depth ? "<" + std::string(stack[depth - 1].substr(0, 40)) + ">" : "anything"));
            }
            if (target != Target::None && depth == targetDepth && !closeTarget()) {
                return false;
            }
            --depth;
            if (depth == 1) {
                section = Section::None;
            } else if (depth == 0) {
                rootDone = true;
            }
            p = n + 1;
            continue;
        }
        // Start tag.
        const char* n = p + 1;
        if (n >= end || !isNameStart(static_cast<unsigned char>(*n))) {
            return fail("'<' that does not start a tag");
        }
        const char* ns = n;
        while (n < end && isNameChar(static_cast<unsigned char>(*n))) {
            ++n;
        }
        const std::string_view qname(ns, static_cast<size_t>(n - ns));
        const std::string_view name = localName(qname);
        if (rootDone) {
            return fail("more than one element: <" + std::string(qname.substr(0, 40)) + "> after </Event>");
        }
        if (depth >= kMaxDepth) {
            return fail("elements nested deeper than " + std::to_string(kMaxDepth));
        }
        // A new child means the element we were keeping text for is not a leaf after all.
        if (target != Target::None) {
            if (section == Section::UserData) {
                target = Target::None;
            } else {
                return fail("unexpected element <" + std::string(qname.substr(0, 40)) + "> inside a value");
            }
        }
        std::string_view nameAttr, systemTimeAttr;
        bool selfClosing = false;
        for (;;) {
            const char* before = n;
            while (n < end && isSpace(*n)) {
                ++n;
            }
            if (n >= end) {
                return fail("start tag <" + std::string(qname.substr(0, 40)) + "> is not closed");
            }
            if (*n == '>') {
                ++n;
                break;
            }
            if (*n == '/' && n + 1 < end && n[1] == '>') {
                n += 2;
                selfClosing = true;
                break;
            }
            if (n == before || !isNameStart(static_cast<unsigned char>(*n))) {
                return fail("bad attribute in <" + std::string(qname.substr(0, 40)) + ">");
            }
            const char* as = n;
            while (n < end && isNameChar(static_cast<unsigned char>(*n))) {
                ++n;
            }
            const std::string_view attr(as, static_cast<size_t>(n - as));
            while (n < end && isSpace(*n)) {
                ++n;
            }
            if (n >= end || *n != '=') {
                return fail("attribute " + std::string(attr.substr(0, 40)) + " has no value");
            }
            ++n;
            while (n < end && isSpace(*n)) {
                ++n;
            }
            if (n >= end || (*n != '"' && *n != '\'')) {
                return fail("attribute " + std::string(attr.substr(0, 40)) + " is not quoted");
            }
            const char quote = *n++;
            const char* vs = n;
            const char* ve = static_cast<const char*>(std::memchr(n, quote, static_cast<size_t>(end - n)));
            if (!ve) {
                return fail("attribute " + std::string(attr.substr(0, 40)) + " is not closed");
            }
            std::string_view value(vs, static_cast<size_t>(ve - vs));
            if (value.find('<') != std::string_view::npos) {
                return fail("'<' in attribute " + std::string(attr.substr(0, 40)));
            }
            if (value.find('&') != std::string_view::npos && !decode(value, value)) {
                return false;
            }
            if (attr == "Name") {
                nameAttr = value;
            } else if (attr == "SystemTime") {
                systemTimeAttr = value;
            }
            n = ve + 1;
        }
        p = n;
        stack[depth++] = qname;
        if (depth == 1) {
            if (rootSeen || name != "Event") {
                return fail("expected <Event>, found <" + std::string(qname.substr(0, 40)) + ">");
            }
            rootSeen = true;
        } else if (depth == 2) {
            section = name == "System"      ? Section::System
                      : name == "EventData" ? Section::EventData
                      : name == "UserData"  ? Section::UserData
                                            : Section::Other;
        } else if (depth == 3 && section == Section::System) {
            if (name == "Provider") {
                rec.provider = nameAttr;
            } else if (name == "TimeCreated") {
                systemTime = systemTimeAttr;
            } else if (name == "EventID") {
                target = Target::EventId;
            } else if (name == "EventRecordID") {
                target = Target::RecordId;
            } else if (name == "Channel") {
                target = Target::Channel;
            } else if (name == "Computer") {
                target = Target::Computer;
            }
        } else if (depth == 3 && section == Section::EventData) {
            target = Target::Field;
            if (!nameAttr.empty()) {
                fieldName = nameAttr;
            } else if (name == "Data") {
                // Events written without a manifest have unnamed Data: number them as Windows does.
                const std::string generated = "Data" + std::to_string(++unnamed);
                if (scratchUsed_ + generated.size() > scratch_.size()) {
                    return fail("event text does not fit the decoding buffer");
                }
                std::memcpy(scratch_.data() + scratchUsed_, generated.data(), generated.size());
                fieldName = std::string_view(scratch_.data() + scratchUsed_, generated.size());
                scratchUsed_ += generated.size();
            } else {
                fieldName = name;
            }
        } else if (depth >= 4 && section == Section::UserData) {
            target = Target::Field;
            fieldName = name;
        }
        if (target != Target::None) {
            targetDepth = depth;
            text = {};
            pieces = 0;
            textInScratch = false;
        }
        if (selfClosing) {
            if (target != Target::None && !closeTarget()) {
                return false;
            }
            --depth;
            if (depth == 1) {
                section = Section::None;
            } else if (depth == 0) {
                rootDone = true;
            }
        }
    }
    if (!rootSeen) {
        return fail("no <Event> element");
    }
    if (!rootDone) {
        return fail("<" + std::string(stack[depth - 1].substr(0, 40)) + "> is not closed");
    }
    int64_t id = 0;
    if (!parseInt(trim(eventIdText), id) || id < 0 || id > 65535) {
        return fail(eventIdText.empty() ? "event has no EventID"
                                        : "EventID is not a number: '" + std::string(eventIdText.substr(0, 40)) + "'");
    }
    rec.eventId = static_cast<int>(id);
    if (!recordIdText.empty() && !parseInt(trim(recordIdText), rec.recordNumber)) {
        rec.recordNumber = -1;
    }
    rec.fields = std::span<const SysmonField>(fields_.data(), fields_.size());
    const std::string_view utc = trim(rec.field("UtcTime"));
    if (utc.empty() || !parseIsoTimestamp(utc, rec.tsUs)) {
        if (!parseIsoTimestamp(trim(systemTime), rec.tsUs)) {
            return fail(systemTime.empty() && utc.empty()
                            ? "event has no time (TimeCreated or UtcTime)"
                            : "event time is not readable: '" +
                                  std::string((utc.empty() ? systemTime : utc).substr(0, 40)) + "'");
        }
    }
    return true;
}

} // namespace socwb
