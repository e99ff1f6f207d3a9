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

void putPacketHead(OutputBuffer& out, int64_t us, uint16_t thread, uint64_t packetId, const char* dir,
                   const std::string& remote) {
    putWindowsTime(out, us);
    out.put(' ').putHex(thread, 4, true).put(" PACKET  ").putHex(packetId, 16, true);
    out.put(" UDP ").put(dir).put(' ').put(remote);
    for (size_t pad = remote.size(); pad < 15; ++pad) {
        out.put(' ');
    }
    out.put(' ');
}

// World 2's server logs with "Details" on: the response packet and its answer section, which is
// where the addresses and the TTL left on them are (the question's own detail block is left out
// to keep the file to a size one can hand round).
void putResponseDetail(OutputBuffer& out, const SimWorld& world, const SimDnsQuery& q, uint64_t packetId) {
    const SimHost& h = world.hosts[size_t(q.host)];
    const SimDestination& d = world.dests[size_t(q.dest)];
    const int n = q.answerCount + (d.cname.empty() ? 0 : 1);
    out.put("UDP response info at ").putHex(packetId, 16, true).put('\n');
    out.put("  Socket = 508\n  Remote addr ").put(h.ip).put(", port ").putInt(q.clientPort).put('\n');
    out.put("  Time Query=").putInt(q.tsUs / 1000000 % 100000000).put(", Queued=0, Expire=0\n");
    out.put("  Buf length = 0x0fa0 (4000)\n  Message:\n    XID       0x").putHex(q.xid, 4).put('\n');
    out.put("    Flags     0x8180\n      QR        1 (RESPONSE)\n      OPCODE    0 (QUERY)\n"
            "      RCODE     0 (NOERROR)\n    QCOUNT    1\n    ACOUNT    ")
        .putInt(n)
        .put("\n    QUESTION SECTION:\n    Offset = 0x000c, RR count = 0\n    Name      \"");
    putWireName(out, d.host);
    out.put("\"\n      QTYPE   A (1)\n      QCLASS  1\n    ANSWER SECTION:\n");
    int rr = 0;
    auto record = [&](const char* type, int code, int dlen, auto putData) {
        out.put("    Offset = 0x").putHex(uint64_t(0x2f + rr * 16), 4).put(", RR count = ").putInt(rr).put('\n');
        out.put("    Name      \"[C00C]");
        putWireName(out, rr == 0 || d.cname.empty() ? d.host : d.cname);
        out.put("\"\n      TYPE   ").put(type).put("  (").putInt(code).put(")\n      CLASS  1\n      TTL    ");
        out.putInt(q.ttl).put("\n      DLEN   ").putInt(dlen).put("\n      DATA   ");
        putData();
        out.put('\n');
        ++rr;
    };
    if (!d.cname.empty()) {
        record("CNAME", 5, int(d.cname.size()) + 2, [&] { putWireName(out, d.cname); });
    }
    for (int k = 0; k < q.answerCount; ++k) {
        record("A", 1, 4, [&] { out.put(d.ips[q.answers[k]]); });
    }
    out.put("    AUTHORITY SECTION:\n      empty\n    ADDITIONAL SECTION:\n      empty\n\n");
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
        if (q.answerCount > 0) {
            // World 2: the client's query, the server's own recursion when its cache had nothing
            // live (to its forwarder), and the response with its answers.
            const uint16_t thread = threads[q.xid % 4];
            const uint64_t packetId = splitMix64(q.uidSeed) & 0x0000FFFFFFFFFFF0ULL;
            putPacketHead(out, q.tsUs, thread, packetId, "Rcv", h.ip);
            out.putHex(q.xid, 4).put("   Q [0001   D   NOERROR] A      ");
            putWireName(out, d.host);
            out.put('\n');
            if (q.upstream) {
                static const std::string forwarder = "9.9.9.9";
                const uint64_t upId = splitMix64(q.uidSeed ^ 0x5eed) & 0x0000FFFFFFFFFFF0ULL;
                const uint16_t upXid = static_cast<uint16_t>(splitMix64(q.uidSeed) >> 48);
                putPacketHead(out, q.tsUs + 300, thread, upId, "Snd", forwarder);
                out.putHex(upXid, 4).put("   Q [0001   D   NOERROR] A      ");
                putWireName(out, d.host);
                out.put('\n');
                putPacketHead(out, q.tsUs + q.rttUs - 200, thread, upId, "Rcv", forwarder);
                out.putHex(upXid, 4).put(" R Q [8081   DR  NOERROR] A      ");
                putWireName(out, d.host);
                out.put('\n');
            }
            putPacketHead(out, q.tsUs + q.rttUs, thread, packetId, "Snd", h.ip);
            out.putHex(q.xid, 4).put(" R Q [8081   DR  NOERROR] A      ");
            putWireName(out, d.host);
            out.put('\n');
            putResponseDetail(out, world, q, packetId);
            ++n;
            continue;
        }
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
