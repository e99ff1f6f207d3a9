// Deterministic random numbers for the scenario generator. std:: distributions differ between
// standard libraries, so every distribution here is computed from the raw mt19937_64 output: the
// same seed gives the same corpus on every build.
#pragma once

#include <cstdint>
#include <random>

namespace socwb::scenario {

class RandomSource {
  public:
    explicit RandomSource(uint64_t seed) : engine_(seed) {}
    // An independent stream derived from a seed and any number of salts (host index, channel...),
    // so adding a host or a channel does not shift the randomness of every other one.
    static RandomSource derived(uint64_t seed, uint64_t a, uint64_t b = 0, uint64_t c = 0);

    uint64_t next() { return engine_(); }
    double uniform01();                         // [0, 1)
    double uniform(double lo, double hi);       // [lo, hi)
    int64_t uniformInt(int64_t lo, int64_t hi); // [lo, hi], inclusive
    double exponential(double mean);
    double normal(double mean, double sigma); // Box-Muller, one value per call
    bool chance(double p) { return uniform01() < p; }
    // Symmetric jitter: base * (1 + u), u uniform in [-fraction, +fraction].
    double jittered(double base, double fraction);

  private:
    std::mt19937_64 engine_;
};

uint64_t splitMix64(uint64_t x);

} // namespace socwb::scenario
