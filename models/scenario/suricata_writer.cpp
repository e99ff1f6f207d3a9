#include "suricata_writer.h"

#include "generator_support.h"
#include "output_buffer.h"

#include <algorithm>
#include <vector>

namespace socwb::scenario {

namespace {

constexpr const char* kSensorName = "ids-edge01"; // eve's "host": the sensor-name setting

// "2024-03-04T08:01:02.123456+0000", as eve writes its times.
void putEveTime(OutputBuffer& out, int64_t us) {
    const CivilTime t = civilFromUs(us);
    out.putPadded(t.year, 4).put('-').putPadded(t.month, 2).put('-').putPadded(t.day, 2).put('T');
    out.putPadded(t.hour, 2).put(':').putPadded(t.minute, 2).put(':').putPadded(t.second, 2).put('.');
    out.putPadded(t.micro, 6).put("+0000");
}

struct Event {
    int64_t tsUs;
    const SimRequest* conn;
    bool flow; // else tls
};

} // namespace

int64_t SuricataWriter::writeEve(const SimWorld& world, const std::string& path) {
    std::vector<Event> events;
    for (const SimRequest& c : world.sensorConns) {
        events.push_back({c.endUs(), &c, true});
        if (world.dests[size_t(c.dest)].https) {
            events.push_back({c.startUs + 45000, &c, false});
        }
    }
    std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.tsUs < b.tsUs; });
    OutputBuffer out(path);
    for (const Event& e : events) {
        const SimRequest& c = *e.conn;
        const SimHost& h = world.hosts[size_t(c.host)];
        const SimDestination& d = world.dests[size_t(c.dest)];
        // A flow id is a 64-bit hash in Suricata; here one from the connection's seed.
        const int64_t flowId = int64_t((c.uidSeed >> 13) & ((uint64_t(1) << 50) - 1)) + 1;
        out.put("{\"timestamp\":\"");
        putEveTime(out, e.tsUs);
        out.put("\",\"flow_id\":").putInt(flowId).put(",\"in_iface\":\"eth1\",\"event_type\":\"");
        out.put(e.flow ? "flow" : "tls").put("\",\"src_ip\":\"").put(h.ip).put("\",\"src_port\":");
        out.putInt(c.clientPort).put(",\"dest_ip\":\"").put(d.ips[size_t(c.ipIndex)]).put("\",\"dest_port\":");
        out.putInt(d.port).put(",\"proto\":\"TCP\",\"host\":\"").put(kSensorName).put('"');
        if (e.flow) {
            const int64_t toServer = 4 + c.bytesOut / 1400, toClient = 4 + c.bytesIn / 1400;
            out.put(",\"app_proto\":\"").put(d.https ? "tls" : "http").put("\",\"flow\":{\"pkts_toserver\":");
            out.putInt(toServer).put(",\"pkts_toclient\":").putInt(toClient).put(",\"bytes_toserver\":");
            out.putInt(c.bytesOut + toServer * 66).put(",\"bytes_toclient\":").putInt(c.bytesIn + toClient * 66);
            out.put(",\"start\":\"");
            putEveTime(out, c.startUs);
            out.put("\",\"end\":\"");
            putEveTime(out, c.endUs());
            out.put("\",\"age\":").putInt(c.durationMs / 1000);
            out.put(",\"state\":\"closed\",\"reason\":\"timeout\",\"alerted\":false}}\n");
        } else {
            out.put(",\"tls\":{");
            if (!isIpLiteral(d.host)) {
                out.put("\"sni\":\"").putJsonEscaped(d.host).put("\",");
            }
            out.put("\"version\":\"TLS 1.3\"}}\n");
        }
    }
    out.close();
    return static_cast<int64_t>(events.size());
}

} // namespace socwb::scenario
