// The EventData of a simulated Sysmon event as Sysmon names its fields (schema 4.90: EID 1
// ProcessCreate, 3 NetworkConnect, 5 ProcessTerminate, 11 FileCreate, 22 DnsQuery), shared by
// the wevtutil XML and the Winlogbeat JSON writers so both carry the same values.
#pragma once

#include "scenario_world.h"

#include <string>
#include <utility>
#include <vector>

namespace socwb::scenario {

class SysmonEventData {
  public:
    using Fields = std::vector<std::pair<const char*, std::string>>;
    // Fills `fields` (cleared first) in Sysmon's order.
    static void fields(const SimWorld& world, const SimSysmonEvent& e, Fields& fields);
    static int version(int eventId);
    static const char* action(int eventId); // Winlogbeat's event.action
    // "2024-03-04 08:01:02.123" as Sysmon writes UtcTime.
    static std::string utcTime(int64_t us);
    // The Sysmon service's pid on a host (System/Execution/@ProcessID).
    static uint32_t sysmonPid(const SimHost& h);
};

} // namespace socwb::scenario
