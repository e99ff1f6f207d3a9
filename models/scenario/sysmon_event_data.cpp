#include "sysmon_event_data.h"

#include "output_buffer.h"

#include <cstdio>

namespace socwb::scenario {

std::string SysmonEventData::utcTime(int64_t us) {
    const CivilTime t = civilFromUs(us);
    char b[40];
    std::snprintf(b, sizeof b, "%04d-%02d-%02d %02d:%02d:%02d.%03d", t.year, t.month, t.day, t.hour, t.minute, t.second,
                  t.micro / 1000);
    return b;
}

int SysmonEventData::version(int eventId) {
    switch (eventId) {
    case 1:
        return 5;
    case 3:
        return 5;
    case 5:
        return 3;
    case 11:
        return 2;
    case 22:
        return 5;
    default:
        return 1;
    }
}

const char* SysmonEventData::action(int eventId) {
    switch (eventId) {
    case 1:
        return "Process Create (rule: ProcessCreate)";
    case 3:
        return "Network connection detected (rule: NetworkConnect)";
    case 5:
        return "Process terminated (rule: ProcessTerminate)";
    case 11:
        return "File created (rule: FileCreate)";
    case 22:
        return "Dns query (rule: DnsQuery)";
    default:
        return "";
    }
}

uint32_t SysmonEventData::sysmonPid(const SimHost& h) {
    return 1800 + (h.machineTag % 1500) * 4;
}

void SysmonEventData::fields(const SimWorld& world, const SimSysmonEvent& e, Fields& f) {
    f.clear();
    const SimProcess& p = world.processes[size_t(e.process)];
    const SimHost& h = world.hosts[size_t(e.host)];
    f.emplace_back("RuleName", "-");
    f.emplace_back("UtcTime", utcTime(e.tsUs));
    f.emplace_back("ProcessGuid", p.guid);
    f.emplace_back("ProcessId", std::to_string(p.pid));
    switch (e.eventId) {
    case 1: {
        const SimProcess* parent = p.parent >= 0 ? &world.processes[size_t(p.parent)] : nullptr;
        const bool system = p.user == "NT AUTHORITY\\SYSTEM";
        char logonGuid[64];
        std::snprintf(logonGuid, sizeof logonGuid, "{%08x-%04x-%04x-0000-0020%s}", h.machineTag,
                      unsigned(h.machineTag >> 3) & 0xffff, unsigned(h.machineTag >> 13) & 0xffff,
                      system ? "e7030000" : "5c1a0400");
        f.emplace_back("Image", p.image);
        f.emplace_back("FileVersion", p.fileVersion);
        f.emplace_back("Description", p.description);
        f.emplace_back("Product", p.product);
        f.emplace_back("Company", p.company);
        f.emplace_back("OriginalFileName", p.originalFileName);
        f.emplace_back("CommandLine", p.commandLine);
        f.emplace_back("CurrentDirectory", p.currentDirectory);
        f.emplace_back("User", p.user);
        f.emplace_back("LogonGuid", logonGuid);
        f.emplace_back("LogonId", system ? "0x3E7" : "0x41A5C");
        f.emplace_back("TerminalSessionId", system ? "0" : "1");
        f.emplace_back("IntegrityLevel", p.integrity);
        f.emplace_back("Hashes", p.hashes);
        f.emplace_back("ParentProcessGuid", parent ? parent->guid : std::string("-"));
        f.emplace_back("ParentProcessId", parent ? std::to_string(parent->pid) : std::string("-"));
        f.emplace_back("ParentImage", parent ? parent->image : p.parentImageHint);
        f.emplace_back("ParentCommandLine", parent ? parent->commandLine : std::string("-"));
        f.emplace_back("ParentUser", parent ? parent->user : std::string("NT AUTHORITY\\SYSTEM"));
        break;
    }
    case 3: {
        // Through a forward proxy the connection goes to the proxy, not to the server.
        const SimDestination& d = world.dests[size_t(e.viaDest >= 0 ? e.viaDest : e.dest)];
        const int ipIndex = e.viaDest >= 0 ? 0 : e.ipIndex;
        f.emplace_back("Image", p.image);
        f.emplace_back("User", p.user);
        f.emplace_back("Protocol", d.port == 123 ? "udp" : "tcp");
        f.emplace_back("Initiated", "true");
        f.emplace_back("SourceIsIpv6", "false");
        f.emplace_back("SourceIp", h.ip);
        f.emplace_back("SourceHostname", h.fqdn);
        f.emplace_back("SourcePort", std::to_string(e.sourcePort));
        f.emplace_back("SourcePortName", "-");
        f.emplace_back("DestinationIsIpv6", "false");
        f.emplace_back("DestinationIp", d.ips[size_t(ipIndex)]);
        f.emplace_back("DestinationHostname", "-");
        f.emplace_back("DestinationPort", std::to_string(d.port));
        f.emplace_back("DestinationPortName", d.port == 443    ? "https"
                                              : d.port == 123  ? "ntp"
                                              : d.port == 8080 ? "http-alt"
                                                               : "-");
        break;
    }
    case 5:
        f.emplace_back("Image", p.image);
        f.emplace_back("User", p.user);
        break;
    case 11:
        f.emplace_back("Image", p.image);
        f.emplace_back("TargetFilename", e.targetFilename);
        f.emplace_back("CreationUtcTime", utcTime(e.tsUs));
        f.emplace_back("User", p.user);
        break;
    case 22: {
        const SimDestination& d = world.dests[size_t(e.dest)];
        f.emplace_back("QueryName", d.host);
        f.emplace_back("QueryStatus", "0");
        if (e.answerCount == 0) {
            f.emplace_back("QueryResults", "::ffff:" + d.ips[size_t(e.ipIndex)] + ";");
        } else {
            std::string results = d.cname.empty() ? std::string() : "type:  5 " + d.cname + ";";
            for (int k = 0; k < e.answerCount; ++k) {
                results += "::ffff:" + d.ips[e.answers[k]] + ";";
            }
            f.emplace_back("QueryResults", results);
        }
        f.emplace_back("Image", p.image);
        f.emplace_back("User", p.user);
        break;
    }
    default:
        break;
    }
}

} // namespace socwb::scenario
