// Windows DNS Server debug log ("Log packets for debugging", incoming requests, queries only):
// the fixed preamble Windows writes, then one "PACKET ... UDP Rcv <client> <xid>   Q [...] A
// (7)example(3)com(0)" line per query. Times are the server's local time, which is UTC here.
#pragma once

#include "scenario_world.h"

#include <string>

namespace socwb::scenario {

class WindowsDnsWriter {
  public:
    static int64_t write(const SimWorld& world, const std::string& path);
};

} // namespace socwb::scenario
