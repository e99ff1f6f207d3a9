// Sysmon events as Winlogbeat 8 ships them to a file or Logstash output: one ECS JSON object per
// line with @timestamp, event.{code,kind,provider,action,created}, host.name,
// winlog.{channel,event_id,computer_name,provider_name,provider_guid,record_id,api,version,
// process,user,event_data}, agent and ecs. winlog.event_id is a string (keyword) since 8.0.
#pragma once

#include "scenario_world.h"

#include <string>

namespace socwb::scenario {

class WinlogbeatWriter {
  public:
    static int64_t write(const SimWorld& world, const std::string& path);
};

} // namespace socwb::scenario
