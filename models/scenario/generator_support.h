// What the parts of ScenarioGenerator share (scenario_generator.cpp and the generator_*.cpp files,
// one for each thing it generates): time units, random tokens, and the small text helpers its
// names, paths and command lines are made with. Internal to the generator.
#pragma once

#include "random_source.h"
#include "scenario_world.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace socwb::scenario {

inline constexpr int64_t kSecond = 1000000;
inline constexpr int64_t kMinute = 60 * kSecond;
inline constexpr int64_t kHour = 60 * kMinute;
inline constexpr int64_t kDay = 24 * kHour;

inline constexpr const char* kAlnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
inline constexpr const char* kLowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
inline constexpr const char* kHex = "0123456789abcdef";

// n characters drawn from the alphabet.
std::string randomToken(RandomSource& r, int n, const char* alphabet);
void replaceAll(std::string& s, const std::string& from, const std::string& to);
std::string lower(std::string s);
// The file name of a Windows or POSIX path.
std::string basenameOf(const std::string& path);
bool isIpLiteral(const std::string& host);
// FNV-1a: stable values (addresses, hashes, start offsets) from names.
uint64_t fnv1a(const std::string& s);
// Images that run as SYSTEM under services.exe (imageLower: a lower-case file name).
bool systemImage(const std::string& imageLower);
// When a user sits at the desk (a working week with lunch, days off, rare weekend visits) and when
// the host is on; servers are always on.
void buildDesk(SimHost& h, RandomSource& hr, int days, int64_t startUs, int64_t endUs);
// For each process, whether its image path ends with one of the suffixes: the agents a Sysmon
// configuration leaves out of network and DNS events.
std::vector<char> quietProcesses(const std::vector<SimProcess>& processes,
                                 std::initializer_list<const char*> imageSuffixes);
// World 2's view of a destination: its addresses (a CDN's pool), answers, TTL, inspection.
SimDestination world2Destination(const std::string& host);

} // namespace socwb::scenario
