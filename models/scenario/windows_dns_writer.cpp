#include "windows_dns_writer.h"

#include "output_buffer.h"
#include "random_source.h"

namespace socwb::scenario {

namespace {

// "3/4/2024 8:01:02 AM": no leading zeros, 12-hour clock, as the US-English server writes it.
void putWindowsTime(OutputBuffer& out, int64_t us) {
    const CivilTime t = civilFromUs(us);
    out.putInt(t.month).put('/').putInt(t.day).put('/').putInt(t.year).put(' ');
    const int h12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
    out.putInt(h12).put(':').putPadded(t.minute, 2).put(':').putPadded(t.second, 2).put(t.hour < 12 ? " AM" : " PM");
}

void putWireName(OutputBuffer& out, const std::string& name) {
    size_t start = 0;
    while (start < name.size()) {
        size_t dot = name.find('.', start);
        if (dot == std::string::npos) {
            dot = name.size();
        }
        out.put('(').putInt(int64_t(dot - start)).put(')').put(std::string_view(name).substr(start, dot - start));
        start = dot + 1;
    }
    out.put("(0)");
}

} // namespace

int64_t WindowsDnsWriter::write(const SimWorld& world, const std::string& path) {
    OutputBuffer out(path);
    out.put("DNS Server log file creation at ");
    putWindowsTime(out, world.startUs);
    out.put("\nLog file wrap at ");
    putWindowsTime(out, world.startUs);
    out.put("\n\nMessage logging key (for packets - other items use a subset of these fields):\n"
            "\tField #  Information         Values\n"
            "\t-------  -----------         ------\n"
            "\t   1     Date\n"
            "\t   2     Time\n"
            "\t   3     Thread ID\n"
            "\t   4     Context\n"
            "\t   5     Internal packet identifier\n"
            "\t   6     UDP/TCP indicator\n"
            "\t   7     Send/Receive indicator\n"
            "\t   8     Remote IP\n"
            "\t   9     Xid (hex)\n"
            "\t  10     Query/Response      R = Response\n"
            "\t                             blank = Query\n"
            "\t  11     Opcode              Q = Standard Query\n"
            "\t                             N = Notify\n"
            "\t                             U = Update\n"
            "\t                             ? = Unknown\n"
            "\t  12     [ Flags (hex)\n"
            "\t  13     Flags (char codes)  A = Authoritative Answer\n"
            "\t                             T = Truncated Response\n"
            "\t                             D = Recursion Desired\n"
            "\t                             R = Recursion Available\n"
            "\t  14     ResponseCode ]\n"
            "\t  15     Question Type\n"
            "\t  16     Question Name\n\n");
    static const uint16_t threads[] = {0x0E4C, 0x0E50, 0x0F1C, 0x1A08};
    int64_t n = 0;
    for (const SimDnsQuery& q : world.dns) {
        const SimHost& h = world.hosts[size_t(q.host)];
        const SimDestination& d = world.dests[size_t(q.dest)];
        putWindowsTime(out, q.tsUs);
        out.put(' ')
            .putHex(threads[q.xid % 4], 4, true)
            .put(" PACKET  ")
            .putHex(splitMix64(q.uidSeed) & 0x0000FFFFFFFFFFF0ULL, 16, true);
        out.put(" UDP Rcv ").put(h.ip);
        for (size_t pad = h.ip.size(); pad < 15; ++pad) {
            out.put(' ');
        }
        out.put(' ').putHex(q.xid, 4).put("   Q [0001   D   NOERROR] A      ");
        putWireName(out, d.host);
        out.put('\n');
        ++n;
    }
    out.close();
    return n;
}

} // namespace socwb::scenario
