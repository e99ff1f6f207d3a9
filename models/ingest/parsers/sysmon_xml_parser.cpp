#include "sysmon_xml_parser.h"

#include "ingest/read/text_util.h"

#include <algorithm>
#include <cstring>

namespace socwb {

namespace {
constexpr std::string_view kEnd = "</Event>";

bool startsTagAfterName(std::string_view text, size_t i) {
    if (i >= text.size()) {
        return false; // cannot tell yet: the caller keeps the tail and looks again with more text
    }
    const char c = text[i];
    return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
} // namespace

SysmonXmlParser::SysmonXmlParser(const ParserOptions&) {}

size_t SysmonXmlParser::findEventStart(std::string_view text, size_t from) {
    for (;;) {
        const size_t at = text.find("<Event", from);
        if (at == std::string_view::npos) {
            return at;
        }
        if (startsTagAfterName(text, at + 6)) {
            return at;
        }
        from = at + 6;
    }
}

int SysmonXmlParser::sniff(const SniffSample& sample) {
    std::string_view head = sample.head;
    if (head.starts_with("\xEF\xBB\xBF")) {
        head.remove_prefix(3);
    }
    const std::string_view t = trim(head.substr(0, 64));
    if (t.empty() || t.front() == '{' || t.front() == '[') {
        return 0; // JSON, even when it carries escaped event XML inside
    }
    const size_t at = findEventStart(head, 0);
    if (at == std::string_view::npos || at + 6 >= head.size()) {
        return 0;
    }
    const size_t system = head.find("<System", at);
    return system != std::string_view::npos && system - at < 512 ? 95 : 0;
}

void SysmonXmlParser::emitEvent(std::string_view xml, SourcePos pos, RecordSink& sink) {
    std::string_view text = xml;
    if (!isValidUtf8(text)) {
        escapeInvalidUtf8(text, repaired_);
        text = repaired_;
    }
    SysmonRecord rec;
    if (!reader_.read(text, rec)) {
        sink.reject(pos, "sysmon-xml: " + reader_.error(), xml);
        return;
    }
    rec.pos = pos;
    sink.sysmon(rec);
}

bool SysmonXmlParser::parse(InputReader& in, RecordSink& sink, const ProgressCallback& progress) {
    std::string buf;
    int64_t bufOffset = 0; // file offset of buf[0]
    int64_t line = 1;      // line number at buf[counted]
    size_t counted = 0;
    bool inside = false;   // buf[start] begins an event whose end is not yet found
    bool skipping = false; // discarding the rest of an oversized event
    bool toldDtd = false;
    size_t start = 0;
    size_t searchFrom = 0;
    auto lineAt = [&](size_t idx) {
        line += countNewlines(std::string_view(buf).substr(counted, idx - counted));
        counted = idx;
        return line;
    };
    auto posAt = [&](size_t idx) { return SourcePos{lineAt(idx), bufOffset + static_cast<int64_t>(idx)}; };
    auto checkDtd = [&](size_t from, size_t to) {
        if (toldDtd || to <= from) {
            return;
        }
        const std::string_view region(buf.data() + from, to - from);
        size_t at = region.find("<!DOCTYPE");
        if (at == std::string_view::npos) {
            at = region.find("<!ENTITY");
        }
        if (at != std::string_view::npos) {
            toldDtd = true;
            sink.reject(posAt(from + at),
                        "sysmon-xml: a DTD is not honoured (its entities are never expanded or fetched)",
                        region.substr(at, 512));
        }
    };

    std::string_view block;
    int64_t offset = 0;
    while (in.nextBlock(block, offset)) {
        if (buf.empty()) {
            bufOffset = offset;
        }
        buf.append(block);
        const std::string_view text(buf);
        size_t pos = 0; // everything before pos is done with
        for (;;) {
            if (skipping) {
                const size_t e = text.find(kEnd, pos);
                if (e == std::string_view::npos) {
                    pos = std::max(pos, text.size() - std::min(text.size(), kEnd.size() - 1));
                    break;
                }
                skipping = false;
                pos = e + kEnd.size();
            }
            if (!inside) {
                const size_t s = findEventStart(text, pos);
                if (s == std::string_view::npos) {
                    // Keep a tail that could be the start of "<Event" cut by the block boundary.
                    const size_t keep = std::max(pos, text.size() - std::min(text.size(), size_t{8}));
                    checkDtd(pos, keep);
                    pos = keep;
                    break;
                }
                checkDtd(pos, s);
                inside = true;
                start = s;
                searchFrom = s + 6;
            }
            // One pass over the '<' of the event finds its end, or a new event that starts first.
            size_t e = std::string_view::npos;
            size_t nested = std::string_view::npos;
            for (size_t at = searchFrom; at < text.size();) {
                const void* lt = std::memchr(text.data() + at, '<', text.size() - at);
                if (!lt) {
                    break;
                }
                at = static_cast<size_t>(static_cast<const char*>(lt) - text.data());
                const std::string_view rest = text.substr(at);
                if (rest.starts_with(kEnd)) {
                    e = at;
                    break;
                }
                if (rest.starts_with("<Event") && startsTagAfterName(text, at + 6)) {
                    nested = at;
                    break;
                }
                ++at;
            }
            if (nested != std::string_view::npos) {
                // A new event starts before this one ended: this one was cut or malformed.
                sink.reject(posAt(start), "sysmon-xml: <Event> is not closed before the next <Event>",
                            text.substr(start, std::min(nested - start, kMaxEvent)));
                start = nested;
                searchFrom = nested + 6;
                continue;
            }
            if (e == std::string_view::npos) {
                if (text.size() - start > kMaxEvent) {
                    sink.reject(posAt(start), "sysmon-xml: event larger than " + std::to_string(kMaxEvent) + " bytes",
                                text.substr(start, 4096));
                    inside = false;
                    skipping = true;
                    pos = text.size() - (kEnd.size() - 1);
                    break;
                }
                searchFrom = std::max(searchFrom, text.size() - std::min(text.size() - start, kEnd.size() - 1));
                break;
            }
            if (e + kEnd.size() - start > kMaxEvent) {
                sink.reject(posAt(start), "sysmon-xml: event larger than " + std::to_string(kMaxEvent) + " bytes",
                            text.substr(start, 4096));
            } else {
                emitEvent(text.substr(start, e + kEnd.size() - start), posAt(start), sink);
            }
            pos = e + kEnd.size();
            inside = false;
        }
        const size_t drop = inside ? start : pos;
        lineAt(drop);
        buf.erase(0, drop);
        counted -= drop;
        bufOffset += static_cast<int64_t>(drop);
        if (inside) {
            start -= drop;
            searchFrom -= drop;
        }
        if (progress && !progress(in)) {
            return false;
        }
    }
    if (inside) {
        sink.reject(posAt(start), "sysmon-xml: the file ends inside an event (truncated)",
                    std::string_view(buf).substr(start, 4096));
    }
    if (!in.error().isEmpty()) {
        sink.reject(SourcePos{line, bufOffset + static_cast<int64_t>(buf.size())}, in.error().toStdString(), {});
    }
    if (progress) {
        progress(in);
    }
    return true;
}

} // namespace socwb
