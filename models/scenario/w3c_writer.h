// W3C extended log as a Blue Coat ProxySG writes it in its "main" format: #Software/#Version/
// #Date/#Fields headers, space-separated fields, "-" for empty, quoted fields where spaces occur
// (categories, User-Agent), GMT times, time-taken in milliseconds.
#pragma once

#include "scenario_world.h"

#include <string>

namespace socwb::scenario {

class W3cWriter {
  public:
    static int64_t write(const SimWorld& world, const std::string& path);
};

} // namespace socwb::scenario
