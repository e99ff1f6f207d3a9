#include "w3c_writer.h"

#include "output_buffer.h"

namespace socwb::scenario {

namespace {
void putDateTime(OutputBuffer& out, int64_t us) {
    const CivilTime t = civilFromUs(us);
    out.putPadded(t.year, 4).put('-').putPadded(t.month, 2).put('-').putPadded(t.day, 2).put(' ');
    out.putPadded(t.hour, 2).put(':').putPadded(t.minute, 2).put(':').putPadded(t.second, 2);
}

std::string_view extension(const std::string& target) {
    const size_t q = target.find('?');
    const std::string_view path = std::string_view(target).substr(0, q);
    const size_t slash = path.rfind('/');
    const size_t dot = path.rfind('.');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash) || path.size() - dot > 6) {
        return "-";
    }
    return path.substr(dot + 1);
}
} // namespace

int64_t W3cWriter::write(const SimWorld& world, const std::string& path) {
    OutputBuffer out(path);
    out.put("#Software: SGOS 7.3.16.1\n#Version: 1.0\n#Start-Date: ");
    putDateTime(out, world.startUs);
    out.put("\n#Date: ");
    putDateTime(out, world.startUs);
    out.put("\n#Fields: date time time-taken c-ip cs-username cs-auth-group x-exception-id sc-filter-result "
            "cs-categories cs(Referer) sc-status s-action cs-method rs(Content-Type) cs-uri-scheme cs-host "
            "cs-uri-port cs-uri-path cs-uri-query cs-uri-extension cs(User-Agent) s-ip sc-bytes cs-bytes x-virus-id\n");
    out.put("#Remark: 4710062318 \"").put(world.proxyName).put("\" \"").put(world.proxyIp).put("\" \"main\"\n");
    int64_t n = 0;
    for (const SimRequest& q : world.requests) {
        const SimHost& h = world.hosts[size_t(q.host)];
        const SimDestination& d = world.dests[size_t(q.dest)];
        putDateTime(out, q.endUs());
        out.put(' ').putInt(q.durationMs).put(' ').put(h.ip).put(" - - - OBSERVED \"").put(d.category).put("\" ");
        out.put(q.referrer.empty() ? std::string_view("-") : std::string_view(q.referrer)).put(' ');
        out.putInt(q.status).put(' ');
        const bool tunnel = q.method == Method::Connect;
        out.put(tunnel ? "TCP_TUNNELED" : q.status == 304 ? "TCP_HIT" : "TCP_NC_MISS").put(' ');
        const std::string_view type(q.contentType);
        out.put(methodName(q.method)).put(' ').put(type.substr(0, type.find(';'))).put(' ');
        if (tunnel) {
            const bool byAddress = q.line == ProxyLine::BumpConnect || q.line == ProxyLine::Spliced;
            out.put("tcp ").put(byAddress ? d.ips[size_t(q.ipIndex)] : d.host).put(' ').putInt(d.port).put(" / - - ");
        } else {
            const size_t qm = q.target.find('?');
            out.put(d.https ? "https " : "http ").put(d.host).put(' ').putInt(d.port).put(' ');
            out.put(std::string_view(q.target).substr(0, qm)).put(' ');
            // ProxySG logs the query with its leading '?'.
            out.put(qm == std::string::npos ? std::string_view("-") : std::string_view(q.target).substr(qm)).put(' ');
            out.put(extension(q.target)).put(' ');
        }
        if (q.userAgent && !q.userAgent->empty()) {
            out.put('"').put(*q.userAgent).put("\" ");
        } else {
            out.put("- ");
        }
        out.put(world.proxyIp).put(' ').putInt(q.bytesIn).put(' ').putInt(q.bytesOut).put(" -\n");
        ++n;
    }
    out.close();
    return n;
}

} // namespace socwb::scenario
