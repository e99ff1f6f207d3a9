// Zeek http.log and dns.log, in Zeek's TSV form (the #separator/#fields/#types headers and
// #close trailer) or as JSON lines (LogAscii::use_json=T: unset fields left out, ts as epoch
// seconds). The http.log is what a sensor on the proxy's decrypted mirror port records: bumped
// requests with their URI, tunnels as CONNECT. conn.log and ssl.log are an edge sensor's.
#pragma once

#include "scenario_world.h"

#include <string>

namespace socwb::scenario {

class ZeekWriter {
  public:
    static int64_t writeHttp(const SimWorld& world, const std::string& path, bool json);
    static int64_t writeDns(const SimWorld& world, const std::string& path, bool json);
    // conn.log and ssl.log of the edge sensor (#26): SimWorld::sensorConns, one line each, joined
    // by uid. TSV only: the JSON variants are covered by the parsers' own fixtures.
    static int64_t writeConn(const SimWorld& world, const std::string& path);
    static int64_t writeSsl(const SimWorld& world, const std::string& path);
};

} // namespace socwb::scenario
