#include "scenario_writers.h"

#include "output_buffer.h"
#include "squid_writer.h"
#include "suricata_writer.h"
#include "sysmon_xml_writer.h"
#include "w3c_writer.h"
#include "windows_dns_writer.h"
#include "winlogbeat_writer.h"
#include "zeek_writer.h"

#include <filesystem>
#include <stdexcept>

namespace socwb::scenario {

namespace {

struct FormatEntry {
    const char* format;
    const char* file;
    const char* parser; // the importer's --format name
    const char* kind;
};

const FormatEntry kFormats[] = {
    {"squid", "access.log", "squid", "proxy"},
    {"w3c", "proxysg_main.log", "w3c", "proxy"},
    {"zeek-http", "http.log", "zeek-http", "proxy"},
    {"zeek-http-json", "http.json.log", "zeek-http", "proxy"},
    {"zeek-dns", "dns.log", "zeek-dns", "dns"},
    {"zeek-dns-json", "dns.json.log", "zeek-dns", "dns"},
    {"windows-dns", "dns_debug.log", "windows-dns", "dns"},
    {"sysmon-xml", "sysmon.xml", "sysmon-xml", "sysmon"},
    {"winlogbeat", "winlogbeat.ndjson", "sysmon-json", "sysmon"},
    {"assets", "assets.csv", "assets", "assets"},
    // An edge sensor's view of the hosts with direct egress (--scenario sensor: every host).
    {"zeek-conn", "conn.log", "zeek-conn", "sensor"},
    {"zeek-ssl", "ssl.log", "zeek-ssl", "sensor"},
    {"suricata-eve", "eve.json", "suricata-eve", "sensor"},
};

int64_t writeAssets(const SimWorld& world, const std::string& path) {
    OutputBuffer out(path);
    out.put("ip,hostname,role,owner\n");
    int64_t n = 0;
    bool natListed = false;
    for (const SimHost& h : world.hosts) {
        // An inventory lists machines: a Citrix session is its VDA's row, the guest devices are
        // one row for their NAT address.
        if (h.machine >= 0 || (h.sharing == "nat-device" && natListed)) {
            continue;
        }
        if (h.sharing == "nat-device") {
            natListed = true;
            out.put(h.ip).put(',').put(h.name).put(',').put(h.role).put(',').put(h.owner).put('\n');
            ++n;
            continue;
        }
        out.put(h.ip)
            .put(',')
            .put(h.name)
            .put(',')
            .put(h.role)
            .put(',')
            .put(h.user.empty() ? h.owner : h.owner + "/" + h.user)
            .put('\n');
        ++n;
    }
    if (world.proxyHost >= 0) {
        out.close(); // world 2: the proxy is one of the hosts
        return n;
    }
    out.put(world.proxyIp).put(',').put(world.proxyName).put(",proxy,it-operations\n");
    out.close();
    return n + 1;
}

} // namespace

std::vector<std::string> ScenarioWriters::formatNames() {
    std::vector<std::string> names;
    for (const FormatEntry& f : kFormats) {
        names.emplace_back(f.format);
    }
    return names;
}

GeneratedFile ScenarioWriters::write(const std::string& format, const SimWorld& world, const std::string& outDir) {
    const FormatEntry* entry = nullptr;
    for (const FormatEntry& f : kFormats) {
        if (format == f.format) {
            entry = &f;
        }
    }
    if (!entry) {
        throw std::runtime_error("unknown output format '" + format + "'");
    }
    GeneratedFile file;
    file.name = entry->file;
    file.format = entry->format;
    file.parser = entry->parser;
    file.kind = entry->kind;
    const std::string path = (std::filesystem::path(outDir) / entry->file).string();
    if (format == "squid") {
        file.records = SquidWriter::write(world, path);
    } else if (format == "w3c") {
        file.records = W3cWriter::write(world, path);
    } else if (format == "zeek-http" || format == "zeek-http-json") {
        file.records = ZeekWriter::writeHttp(world, path, format == "zeek-http-json");
    } else if (format == "zeek-dns" || format == "zeek-dns-json") {
        file.records = ZeekWriter::writeDns(world, path, format == "zeek-dns-json");
    } else if (format == "windows-dns") {
        file.records = WindowsDnsWriter::write(world, path);
    } else if (format == "sysmon-xml") {
        file.records = SysmonXmlWriter::write(world, path);
    } else if (format == "zeek-conn") {
        file.records = ZeekWriter::writeConn(world, path);
    } else if (format == "zeek-ssl") {
        file.records = ZeekWriter::writeSsl(world, path);
    } else if (format == "suricata-eve") {
        file.records = SuricataWriter::writeEve(world, path);
    } else if (format == "winlogbeat") {
        file.records = WinlogbeatWriter::write(world, path);
    } else {
        file.records = writeAssets(world, path);
    }
    file.bytes = static_cast<int64_t>(std::filesystem::file_size(path));
    return file;
}

} // namespace socwb::scenario
