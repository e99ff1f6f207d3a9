// Zeek-style identifiers (connection uids "C…", file ids "F…") made from a seed, so the same
// simulated connection has the same uid in every run and in both the http and the JSON log.
#pragma once

#include <cstdint>
#include <string>

namespace socwb::scenario {

class ZeekIds {
  public:
    static std::string uid(char prefix, uint64_t seed);
};

} // namespace socwb::scenario
