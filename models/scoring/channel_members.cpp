#include "channel_members.h"

namespace socwb::scoring {

QByteArray encodeMemberIds(const std::vector<int64_t>& ids) {
    QByteArray out;
    out.reserve(static_cast<qsizetype>(ids.size() * 2));
    int64_t previous = 0;
    bool first = true;
    for (int64_t id : ids) {
        if (!first && id <= previous) {
            continue;
        }
        auto delta = static_cast<uint64_t>(id - (first ? 0 : previous));
        first = false;
        previous = id;
        do {
            uint8_t byte = delta & 0x7f;
            delta >>= 7;
            out.append(static_cast<char>(delta ? byte | 0x80 : byte));
        } while (delta);
    }
    return out;
}

std::vector<int64_t> decodeMemberIds(const void* blob, int size) {
    std::vector<int64_t> ids;
    const auto* p = static_cast<const uint8_t*>(blob);
    uint64_t value = 0;
    int shift = 0;
    int64_t previous = 0;
    for (int i = 0; p && i < size; ++i) {
        value |= static_cast<uint64_t>(p[i] & 0x7f) << shift;
        if (p[i] & 0x80) {
            shift += 7;
            if (shift > 63) {
                break; // not ours: stop rather than shift past the word
            }
            continue;
        }
        previous += static_cast<int64_t>(value);
        ids.push_back(previous);
        value = 0;
        shift = 0;
    }
    return ids;
}

} // namespace socwb::scoring
