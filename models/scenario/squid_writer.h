// Squid native access.log (logformat squid): one line per transaction, written when it ends.
// Bumped TLS shows the full https:// URL; tunnelled TLS shows "CONNECT host:443" with TCP_TUNNEL.
#pragma once

#include "scenario_world.h"

#include <string>

namespace socwb::scenario {

class SquidWriter {
  public:
    // Returns the number of lines (records) written.
    static int64_t write(const SimWorld& world, const std::string& path);
};

} // namespace socwb::scenario
