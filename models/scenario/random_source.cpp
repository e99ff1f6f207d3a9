#include "random_source.h"

#include <cmath>

namespace socwb::scenario {

uint64_t splitMix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

RandomSource RandomSource::derived(uint64_t seed, uint64_t a, uint64_t b, uint64_t c) {
    return RandomSource(splitMix64(splitMix64(splitMix64(seed ^ 0x5ca1ab1eULL) ^ a) ^ (b * 0x100000001b3ULL)) ^ c);
}

double RandomSource::uniform01() {
    // The top 53 bits make an exactly representable double in [0, 1).
    return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

double RandomSource::uniform(double lo, double hi) {
    return lo + (hi - lo) * uniform01();
}

int64_t RandomSource::uniformInt(int64_t lo, int64_t hi) {
    if (hi <= lo) {
        return lo;
    }
    const uint64_t range = static_cast<uint64_t>(hi - lo) + 1;
    // Rejection keeps the result unbiased; the limit is the largest multiple of range.
    const uint64_t limit = range == 0 ? 0 : (UINT64_MAX / range) * range;
    uint64_t x = engine_();
    while (limit != 0 && x >= limit) {
        x = engine_();
    }
    return lo + static_cast<int64_t>(range == 0 ? x : x % range);
}

double RandomSource::exponential(double mean) {
    return -mean * std::log(1.0 - uniform01());
}

double RandomSource::normal(double mean, double sigma) {
    const double u1 = 1.0 - uniform01(); // (0, 1], keeps log finite
    const double u2 = uniform01();
    return mean + sigma * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

double RandomSource::jittered(double base, double fraction) {
    return base * (1.0 + uniform(-fraction, fraction));
}

} // namespace socwb::scenario
