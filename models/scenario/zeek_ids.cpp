#include "zeek_ids.h"

#include "random_source.h"

namespace socwb::scenario {

std::string ZeekIds::uid(char prefix, uint64_t seed) {
    static const char* alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string s(1, prefix);
    uint64_t a = splitMix64(seed ^ uint64_t(prefix));
    uint64_t b = splitMix64(a);
    for (int i = 0; i < 17; ++i) {
        uint64_t& x = i < 9 ? a : b;
        s.push_back(alphabet[x % 62]);
        x /= 62;
    }
    return s;
}

} // namespace socwb::scenario
