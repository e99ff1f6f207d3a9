#include "winlogbeat_writer.h"

#include "output_buffer.h"
#include "sysmon_event_data.h"

#include <algorithm>

namespace socwb::scenario {

int64_t WinlogbeatWriter::write(const SimWorld& world, const std::string& path) {
    OutputBuffer out(path);
    SysmonEventData::Fields fields;
    int64_t n = 0;
    for (const SimSysmonEvent& e : world.sysmon) {
        const SimHost& h = world.hosts[size_t(e.host)];
        SysmonEventData::fields(world, e, fields);
        std::string shortName = h.name;
        std::transform(shortName.begin(), shortName.end(), shortName.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        out.put("{\"@timestamp\":\"").put(isoMillis(e.tsUs)).put("\",\"event\":{\"code\":\"").putInt(e.eventId);
        out.put("\",\"kind\":\"event\",\"provider\":\"Microsoft-Windows-Sysmon\",\"action\":\"")
            .put(SysmonEventData::action(e.eventId));
        out.put("\",\"created\":\"").put(isoMillis(e.tsUs + 1200000 + (e.recordId % 13) * 97000)).put("\"}");
        out.put(",\"host\":{\"name\":\"").putJsonEscaped(shortName).put("\"}");
        out.put(",\"winlog\":{\"channel\":\"Microsoft-Windows-Sysmon/Operational\",\"event_id\":\"").putInt(e.eventId);
        out.put("\",\"computer_name\":\"").putJsonEscaped(h.fqdn);
        out.put("\",\"provider_name\":\"Microsoft-Windows-Sysmon\",\"provider_guid\":\"{5770385f-c22a-43e0-bf4c-"
                "06f5698ffbd9}\"");
        out.put(",\"record_id\":")
            .putInt(e.recordId)
            .put(",\"api\":\"wineventlog\",\"version\":")
            .putInt(SysmonEventData::version(e.eventId));
        out.put(",\"process\":{\"pid\":")
            .putInt(SysmonEventData::sysmonPid(h))
            .put(",\"thread\":{\"id\":")
            .putInt(3000 + (e.recordId % 5) * 452);
        out.put("}},\"user\":{\"identifier\":\"S-1-5-18\",\"domain\":\"NT "
                "AUTHORITY\",\"name\":\"SYSTEM\",\"type\":\"User\"}");
        out.put(",\"event_data\":{");
        bool first = true;
        for (const auto& [name, value] : fields) {
            out.put(first ? "\"" : ",\"").put(name).put("\":\"").putJsonEscaped(value).put('"');
            first = false;
        }
        out.put("}},\"agent\":{\"type\":\"winlogbeat\",\"version\":\"8.12.2\",\"name\":\"").putJsonEscaped(shortName);
        out.put("\"},\"ecs\":{\"version\":\"8.0.0\"}}\n");
        ++n;
    }
    out.close();
    return n;
}

} // namespace socwb::scenario
