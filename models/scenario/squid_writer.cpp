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
        const bool byAddress = q.line == ProxyLine::BumpConnect || q.line == ProxyLine::Spliced;
        if (q.line == ProxyLine::BumpConnect) {
            out.put("NONE_NONE/"); // the transparent proxy's own CONNECT before it bumps the session
        } else if (q.method == Method::Connect) {
            out.put("TCP_TUNNEL/");
        } else if (q.status == 304) {
            out.put("TCP_REFRESH_UNMODIFIED/");
        } else {
            out.put("TCP_MISS/");
        }
        out.putPadded(q.status, 3).put(' ').putInt(q.bytesIn).put(' ').put(methodName(q.method)).put(' ');
        const std::string& ip = d.ips[size_t(q.ipIndex)];
        if (q.method == Method::Connect) {
            out.put(byAddress ? std::string_view(ip) : std::string_view(d.host)).put(':').putInt(d.port);
        } else {
            out.put(d.https ? "https://" : "http://").put(d.host).put(q.target);
        }
        // An intercepted session goes to the address the client asked for (ORIGINAL_DST).
        out.put(q.line == ProxyLine::Named ? " - HIER_DIRECT/" : " - ORIGINAL_DST/").put(ip).put(' ');
        // %mt is the bare media type: parameters would add a space to a space-separated line.
        const std::string_view type(q.contentType);
        out.put(type.substr(0, type.find(';'))).put('\n');
        ++n;
    }
    out.close();
    return n;
}

} // namespace socwb::scenario
