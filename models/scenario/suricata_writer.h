// Suricata eve.json of the edge sensor (#26): per connection of SimWorld::sensorConns, a `tls`
// event when its handshake is done and a `flow` event when it ends (flow.start/end, bytes and
// packets each way), joined by flow_id, in the order Suricata writes them (by time). Fields as
// Suricata's EVE JSON output documents them (docs.suricata.io, "Eve JSON Format").
#pragma once

#include "scenario_world.h"

#include <string>

namespace socwb::scenario {

class SuricataWriter {
  public:
    // Writes the events; returns how many (two per TLS connection, one per other connection).
    static int64_t writeEve(const SimWorld& world, const std::string& path);
};

} // namespace socwb::scenario
