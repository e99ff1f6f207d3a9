#include "squid_writer.h"

#include "output_buffer.h"

namespace socwb::scenario {

int64_t SquidWriter::write(const SimWorld& world, const std::string& path) {
    OutputBuffer out(path);
    int64_t n = 0;
    for (const SimRequest& q : world.requests) {
        const SimHost& h = world.hosts[size_t(q.host)];
        const SimDestination& d = world.dests[size_t(q.dest)];
        // %ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt
        out.putFixed(q.endUs() / 1000, 3).put(' ');
        out.putPadded(q.durationMs, 6, ' ').put(' ').put(h.ip).put(' ');
        if (q.method == Method::Connect) {
            out.put("TCP_TUNNEL/");
        } else if (q.status == 304) {
            out.put("TCP_REFRESH_UNMODIFIED/");
        } else {
            out.put("TCP_MISS/");
        }
        out.putPadded(q.status, 3).put(' ').putInt(q.bytesIn).put(' ').put(methodName(q.method)).put(' ');
        if (q.method == Method::Connect) {
            out.put(d.host).put(':').putInt(d.port);
        } else {
            out.put(d.https ? "https://" : "http://").put(d.host).put(q.target);
        }
        out.put(" - HIER_DIRECT/").put(d.ips[size_t(q.ipIndex)]).put(' ');
        // %mt is the bare media type: parameters would add a space to a space-separated line.
        const std::string_view type(q.contentType);
        out.put(type.substr(0, type.find(';'))).put('\n');
        ++n;
    }
    out.close();
    return n;
}

} // namespace socwb::scenario
