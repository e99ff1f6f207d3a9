// Sysmon events as `wevtutil qe Microsoft-Windows-Sysmon/Operational /f:xml /e:Events` writes
// them: an <Events> root with one <Event> per line in Microsoft's event schema (System block with
// Provider, EventID, Version, Level, Task, Opcode, Keywords, TimeCreated, EventRecordID,
// Correlation, Execution, Channel, Computer, Security; EventData with named Data elements).
// Events of every host are collected into one file, in time order.
#pragma once

#include "scenario_world.h"

#include <string>

namespace socwb::scenario {

class SysmonXmlWriter {
  public:
    static int64_t write(const SimWorld& world, const std::string& path);
};

} // namespace socwb::scenario
