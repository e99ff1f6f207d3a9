#include "zeek_writer.h"

#include "generator_support.h"
#include "output_buffer.h"
#include "zeek_ids.h"

#include <algorithm>
#include <vector>

namespace socwb::scenario {

namespace {

void putZeekTime(OutputBuffer& out, int64_t us) {
    out.putFixed(us, 6);
}

void putOpenClose(OutputBuffer& out, const char* what, int64_t us) {
    const CivilTime t = civilFromUs(us);
    out.put(what).put('\t').putPadded(t.year, 4).put('-').putPadded(t.month, 2).put('-').putPadded(t.day, 2).put('-');
    out.putPadded(t.hour, 2).put('-').putPadded(t.minute, 2).put('-').putPadded(t.second, 2).put('\n');
}

void putHeader(OutputBuffer& out, const char* path, const char* fields, const char* types, int64_t openUs) {
    out.put("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t").put(path).put('\n');
    putOpenClose(out, "#open", openUs);
    out.put("#fields\t").put(fields).put("\n#types\t").put(types).put('\n');
}

const char* statusMessage(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 304:
        return "Not Modified";
    default:
        return "OK";
    }
}

// Headers are not body: Zeek's *_body_len count payload only.
int64_t bodyOf(int64_t bytes, int64_t headers) {
    return bytes > headers ? bytes - headers : 0;
}

} // namespace

int64_t ZeekWriter::writeHttp(const SimWorld& world, const std::string& path, bool json) {
    OutputBuffer out(path);
    if (!json) {
        putHeader(
            out, "http",
            "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\ttrans_depth\tmethod\thost\turi\treferrer\tversion\t"
            "user_agent\torigin\trequest_body_len\tresponse_body_len\tstatus_code\tstatus_msg\tinfo_code\tinfo_msg\t"
            "tags\tusername\tpassword\tproxied\torig_fuids\torig_filenames\torig_mime_types\tresp_fuids\t"
            "resp_filenames\tresp_mime_types",
            "time\tstring\taddr\tport\taddr\tport\tcount\tstring\tstring\tstring\tstring\tstring\tstring\tstring\t"
            "count\tcount\tcount\tstring\tcount\tstring\tset[enum]\tstring\tstring\tset[string]\tvector[string]\t"
            "vector[string]\tvector[string]\tvector[string]\tvector[string]\tvector[string]",
            world.startUs);
    }
    int64_t n = 0;
    for (const SimRequest& q : world.requests) {
        const SimHost& h = world.hosts[size_t(q.host)];
        const SimDestination& d = world.dests[size_t(q.dest)];
        const bool tunnel = q.method == Method::Connect;
        const std::string uid = ZeekIds::uid('C', q.uidSeed);
        const int64_t reqBody = q.method == Method::Post ? bodyOf(q.bytesOut, 420) : 0;
        const int64_t respBody = tunnel ? 0 : bodyOf(q.bytesIn, 280);
        const bool hasFile = respBody > 0;
        std::string mime = q.contentType;
        if (const size_t semi = mime.find(';'); semi != std::string::npos) {
            mime.resize(semi);
        }
        const std::string& ip = d.ips[size_t(q.ipIndex)];
        const bool byAddress = q.line == ProxyLine::BumpConnect || q.line == ProxyLine::Spliced;
        const std::string& name = byAddress ? ip : d.host;
        const std::string uri = tunnel ? name + ":" + std::to_string(d.port) : q.target;
        if (json) {
            out.put("{\"ts\":");
            putZeekTime(out, q.startUs);
            out.put(",\"uid\":\"")
                .put(uid)
                .put("\",\"id.orig_h\":\"")
                .put(h.ip)
                .put("\",\"id.orig_p\":")
                .putInt(q.clientPort);
            out.put(",\"id.resp_h\":\"").put(ip).put("\",\"id.resp_p\":").putInt(d.port);
            out.put(",\"trans_depth\":1,\"method\":\"").put(methodName(q.method)).put("\",\"host\":\"").put(name);
            out.put("\",\"uri\":\"").putJsonEscaped(uri).put('"');
            if (!q.referrer.empty()) {
                out.put(",\"referrer\":\"").putJsonEscaped(q.referrer).put('"');
            }
            out.put(",\"version\":\"1.1\"");
            if (q.userAgent && !q.userAgent->empty()) {
                out.put(",\"user_agent\":\"").putJsonEscaped(*q.userAgent).put('"');
            }
            out.put(",\"request_body_len\":").putInt(reqBody).put(",\"response_body_len\":").putInt(respBody);
            out.put(",\"status_code\":").putInt(q.status).put(",\"status_msg\":\"");
            out.put(tunnel ? "Connection established" : statusMessage(q.status)).put("\",\"tags\":[]");
            if (hasFile) {
                out.put(",\"resp_fuids\":[\"").put(ZeekIds::uid('F', q.uidSeed)).put("\"]");
                if (mime != "-") {
                    out.put(",\"resp_mime_types\":[\"").putJsonEscaped(mime).put("\"]");
                }
            }
            out.put("}\n");
        } else {
            putZeekTime(out, q.startUs);
            out.put('\t')
                .put(uid)
                .put('\t')
                .put(h.ip)
                .put('\t')
                .putInt(q.clientPort)
                .put('\t')
                .put(ip)
                .put('\t')
                .putInt(d.port);
            out.put("\t1\t").put(methodName(q.method)).put('\t').put(name).put('\t').put(uri).put('\t');
            out.put(q.referrer.empty() ? std::string_view("-") : std::string_view(q.referrer)).put("\t1.1\t");
            out.put(q.userAgent && !q.userAgent->empty() ? std::string_view(*q.userAgent) : std::string_view("-"));
            out.put("\t-\t").putInt(reqBody).put('\t').putInt(respBody).put('\t').putInt(q.status).put('\t');
            out.put(tunnel ? "Connection established" : statusMessage(q.status))
                .put("\t-\t-\t(empty)\t-\t-\t-\t-\t-\t-\t");
            if (hasFile) {
                out.put(ZeekIds::uid('F', q.uidSeed))
                    .put("\t-\t")
                    .put(mime == "-" ? std::string_view("-") : std::string_view(mime));
            } else {
                out.put("-\t-\t-");
            }
            out.put('\n');
        }
        ++n;
    }
    if (!json) {
        putOpenClose(out, "#close", world.endUs);
    }
    out.close();
    return n;
}

int64_t ZeekWriter::writeDns(const SimWorld& world, const std::string& path, bool json) {
    OutputBuffer out(path);
    if (!json) {
        putHeader(
            out, "dns",
            "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\t"
            "qtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected",
            "time\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\t"
            "count\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool",
            world.startUs);
    }
    int64_t n = 0;
    for (const SimDnsQuery& q : world.dns) {
        const SimHost& h = world.hosts[size_t(q.host)];
        const SimDestination& d = world.dests[size_t(q.dest)];
        const std::string uid = ZeekIds::uid('C', q.uidSeed);
        const std::string& ip = d.ips[size_t(q.ipIndex)];
        if (json) {
            out.put("{\"ts\":");
            putZeekTime(out, q.tsUs);
            out.put(",\"uid\":\"")
                .put(uid)
                .put("\",\"id.orig_h\":\"")
                .put(h.ip)
                .put("\",\"id.orig_p\":")
                .putInt(q.clientPort);
            out.put(",\"id.resp_h\":\"")
                .put(world.dnsServerIp)
                .put("\",\"id.resp_p\":53,\"proto\":\"udp\",\"trans_id\":");
            out.putInt(q.xid).put(",\"rtt\":").putFixed(q.rttUs, 6).put(",\"query\":\"").put(d.host);
            out.put(
                "\",\"qclass\":1,\"qclass_name\":\"C_INTERNET\",\"qtype\":1,\"qtype_name\":\"A\",\"rcode\":0,"
                "\"rcode_name\":\"NOERROR\",\"AA\":false,\"TC\":false,\"RD\":true,\"RA\":true,\"Z\":0,\"answers\":[\"");
            if (q.answerCount == 0) {
                out.put(ip).put("\"],\"TTLs\":[").putInt(d.ttl).put(".0],\"rejected\":false}\n");
            } else {
                // World 2: the CNAME, then every address, each with the TTL the resolver had left.
                bool first = true;
                auto answer = [&](std::string_view a) {
                    out.put(first ? "" : "\",\"").put(a);
                    first = false;
                };
                if (!d.cname.empty()) {
                    answer(d.cname);
                }
                for (int k = 0; k < q.answerCount; ++k) {
                    answer(d.ips[q.answers[k]]);
                }
                out.put("\"],\"TTLs\":[");
                const int n = q.answerCount + (d.cname.empty() ? 0 : 1);
                for (int k = 0; k < n; ++k) {
                    out.put(k ? "," : "").putInt(q.ttl).put(".0");
                }
                out.put("],\"rejected\":false}\n");
            }
        } else {
            putZeekTime(out, q.tsUs);
            out.put('\t').put(uid).put('\t').put(h.ip).put('\t').putInt(q.clientPort).put('\t').put(world.dnsServerIp);
            out.put("\t53\tudp\t").putInt(q.xid).put('\t').putFixed(q.rttUs, 6).put('\t').put(d.host);
            out.put("\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t");
            if (q.answerCount == 0) {
                out.put(ip).put('\t').putInt(d.ttl).put(".000000\tF\n");
            } else {
                const int n = q.answerCount + (d.cname.empty() ? 0 : 1);
                if (!d.cname.empty()) {
                    out.put(d.cname).put(',');
                }
                for (int k = 0; k < q.answerCount; ++k) {
                    out.put(k ? "," : "").put(d.ips[q.answers[k]]);
                }
                out.put('\t');
                for (int k = 0; k < n; ++k) {
                    out.put(k ? "," : "").putInt(q.ttl).put(".000000");
                }
                out.put("\tF\n");
            }
        }
        ++n;
    }
    if (!json) {
        putOpenClose(out, "#close", world.endUs);
    }
    out.close();
    return n;
}

namespace {

// Packets a connection of these sizes takes: a handshake's few, then about one per 1,400 bytes.
int64_t packetsFor(int64_t bytes) {
    return 4 + bytes / 1400;
}

} // namespace

int64_t ZeekWriter::writeConn(const SimWorld& world, const std::string& path) {
    OutputBuffer out(path);
    putHeader(out, "conn",
              "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\t"
              "resp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\t"
              "resp_pkts\tresp_ip_bytes\ttunnel_parents",
              "time\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\t"
              "count\tstring\tcount\tcount\tcount\tcount\tset[string]",
              world.startUs);
    int64_t n = 0;
    for (const SimRequest& c : world.sensorConns) {
        const SimHost& h = world.hosts[size_t(c.host)];
        const SimDestination& d = world.dests[size_t(c.dest)];
        const int64_t origPkts = packetsFor(c.bytesOut), respPkts = packetsFor(c.bytesIn);
        putZeekTime(out, c.startUs);
        out.put('\t').put(ZeekIds::uid('C', c.uidSeed)).put('\t').put(h.ip).put('\t').putInt(c.clientPort);
        out.put('\t').put(d.ips[size_t(c.ipIndex)]).put('\t').putInt(d.port).put("\ttcp\t");
        out.put(d.https ? "ssl" : "http").put('\t').putFixed(int64_t(c.durationMs) * 1000, 6).put('\t');
        out.putInt(c.bytesOut).put('\t').putInt(c.bytesIn).put("\tSF\tT\tF\t0\tShADadFf\t").putInt(origPkts);
        out.put('\t').putInt(c.bytesOut + origPkts * 52).put('\t').putInt(respPkts).put('\t');
        out.putInt(c.bytesIn + respPkts * 52).put("\t-\n");
        ++n;
    }
    putOpenClose(out, "#close", world.endUs);
    out.close();
    return n;
}

int64_t ZeekWriter::writeSsl(const SimWorld& world, const std::string& path) {
    OutputBuffer out(path);
    putHeader(out, "ssl",
              "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tcipher\tcurve\tserver_name\t"
              "resumed\tlast_alert\tnext_protocol\testablished\tssl_history\tcert_chain_fps\t"
              "client_cert_chain_fps\tsni_matches_cert",
              "time\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\tbool\tstring\tstring\t"
              "bool\tstring\tvector[string]\tvector[string]\tbool",
              world.startUs);
    // Zeek logs a TLS session once its handshake is done: in order of the connections' starts.
    std::vector<const SimRequest*> order;
    for (const SimRequest& c : world.sensorConns) {
        const SimDestination& d = world.dests[size_t(c.dest)];
        if (d.https) {
            order.push_back(&c);
        }
    }
    std::stable_sort(order.begin(), order.end(),
                     [](const SimRequest* a, const SimRequest* b) { return a->startUs < b->startUs; });
    int64_t n = 0;
    for (const SimRequest* c : order) {
        const SimHost& h = world.hosts[size_t(c->host)];
        const SimDestination& d = world.dests[size_t(c->dest)];
        putZeekTime(out, c->startUs + 45000); // the handshake's round trips
        out.put('\t').put(ZeekIds::uid('C', c->uidSeed)).put('\t').put(h.ip).put('\t').putInt(c->clientPort);
        out.put('\t').put(d.ips[size_t(c->ipIndex)]).put('\t').putInt(d.port);
        out.put("\tTLSv13\tTLS_AES_128_GCM_SHA256\tx25519\t");
        // A server name is what the client asked for; a bare address carries none.
        out.put(isIpLiteral(d.host) ? std::string_view("-") : std::string_view(d.host));
        out.put("\tF\t-\th2\tT\tCsiI\t(empty)\t(empty)\t-\n");
        ++n;
    }
    putOpenClose(out, "#close", world.endUs);
    out.close();
    return n;
}

} // namespace socwb::scenario
