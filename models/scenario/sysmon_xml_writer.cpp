#include "sysmon_xml_writer.h"

#include "output_buffer.h"
#include "sysmon_event_data.h"

namespace socwb::scenario {

namespace {
// TimeCreated carries 100 ns precision: "2024-03-04T08:01:02.1234567Z".
void putSystemTime(OutputBuffer& out, int64_t us, int ticks) {
    const CivilTime t = civilFromUs(us);
    out.putPadded(t.year, 4).put('-').putPadded(t.month, 2).put('-').putPadded(t.day, 2).put('T');
    out.putPadded(t.hour, 2).put(':').putPadded(t.minute, 2).put(':').putPadded(t.second, 2).put('.');
    out.putPadded(t.micro, 6).putInt(ticks % 10).put('Z');
}
} // namespace

int64_t SysmonXmlWriter::write(const SimWorld& world, const std::string& path) {
    OutputBuffer out(path);
    out.put("<Events>\n");
    SysmonEventData::Fields fields;
    int64_t n = 0;
    for (const SimSysmonEvent& e : world.sysmon) {
        const SimHost& h = world.hosts[size_t(e.host)];
        SysmonEventData::fields(world, e, fields);
        out.put("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
                "<Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'/><EventID>");
        out.putInt(e.eventId).put("</EventID><Version>").putInt(SysmonEventData::version(e.eventId));
        out.put("</Version><Level>4</Level><Task>")
            .putInt(e.eventId)
            .put("</Task><Opcode>0</Opcode>"
                 "<Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='");
        // Sysmon writes the record a moment after the UtcTime it reports.
        putSystemTime(out, e.tsUs + 700 + (e.recordId % 7) * 311, int(e.recordId));
        out.put("'/><EventRecordID>").putInt(e.recordId).put("</EventRecordID><Correlation/><Execution ProcessID='");
        out.putInt(SysmonEventData::sysmonPid(h)).put("' ThreadID='").putInt(3000 + (e.recordId % 5) * 452);
        out.put("'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>").putXmlEscaped(h.fqdn);
        out.put("</Computer><Security UserID='S-1-5-18'/></System><EventData>");
        for (const auto& [name, value] : fields) {
            out.put("<Data Name='").put(name).put("'>").putXmlEscaped(value).put("</Data>");
        }
        out.put("</EventData></Event>\n");
        ++n;
    }
    out.put("</Events>\n");
    out.close();
    return n;
}

} // namespace socwb::scenario
