// Writes Windows events into a case: every event as a sysmon_events row (fields as JSON), and
// from Sysmon's own events the process graph — EID 1 creates a process node (and a node for its
// parent), EID 5 ends it, EID 3 becomes a net_connections row and EID 22 a dns_queries row, each
// linked to its process node (created as a stub when the process was not seen starting). Security
// 4688 creates process nodes too. The Computer name becomes a host; the local address of each
// EID 3 connection is recorded as that host's address over time (host_addresses, source 'sysmon'),
// which HostLinker later uses to give proxy/DNS events from that address to this host.
// CaseWriter delegates to this class; it runs inside the importer's transaction.
#pragma once

#include "ingest/read/records.h"
#include "ingest/write/domain_names.h"
#include "store/statement.h"

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <unordered_map>

namespace socwb {

class SysmonWriter {
  public:
    SysmonWriter(sqlite3* db, int64_t evidenceId);

    void write(const SysmonRecord& r);
    // Writes the host addresses kept in memory. Call before commit.
    void finish();

    // "{747F3D96-...}" -> "{747f3d96-...}"; empty for "", "-" and the all-zero GUID Sysmon writes
    // when it does not know the parent.
    static std::string normalizeGuid(std::string_view guid);
    // The addresses of a Sysmon QueryResults value ("type:  5 x.example;::ffff:1.2.3.4;"),
    // comma-separated: "1.2.3.4".
    static std::string answerAddresses(std::string_view queryResults);
    // The fields as one JSON object, {"Name":"value",...} in the log's order, appended to out.
    static void appendFieldsJson(std::span<const SysmonField> fields, std::string& out);
    // Whether an address says which host it is on (not loopback, unspecified, link-local, multicast).
    static bool isHostAddress(std::string_view ip);

  private:
    struct ProcessSeen {
        int64_t id = 0;
        bool created = false; // a create event filled it in
    };
    struct Stub {
        std::string_view pid, image, commandLine, user;
        int64_t startTs = -1;
    };
    struct AddressSeen {
        int64_t first = INT64_MAX;
        int64_t last = INT64_MIN;
    };

    int64_t hostFor(std::string_view computer);
    int64_t hostForName(std::string_view computer); // hostFor without the one-entry cache
    int64_t domainFor(std::string_view name);
    int64_t processStub(int64_t host, const std::string& guid, const Stub& s, const char* knownFrom,
                        const SysmonRecord& r);
    int64_t processCreate(int64_t host, const std::string& guid, const SysmonRecord& r, int64_t parentId,
                          std::string_view parentGuid);
    int64_t insertEvent(const SysmonRecord& r, int64_t host, int64_t process);
    void securityProcessCreate(const SysmonRecord& r, int64_t host);
    void noteAddress(std::string_view ip, int64_t host, int64_t ts);

    sqlite3* db_;
    int64_t evidenceId_;
    DomainNames names_;
    Statement insertEvent_;
    Statement insertNet_;
    Statement insertDnsQuery_;
    Statement upsertCreate_;
    Statement upsertStub_;
    Statement endProcess_;
    Statement findProcess_;
    std::unordered_map<std::string, int64_t> hosts_;
    std::string lastComputer_; // as the last event wrote it: most logs come from one computer
    int64_t lastHost_ = 0;
    std::unordered_map<std::string, int64_t> domains_;
    std::unordered_map<std::string, ProcessSeen> processes_; // "<host>|<guid>"
    std::unordered_map<std::string, int64_t> lastByPid_;     // "<host>|<pid>": latest created process
    std::unordered_map<std::string, AddressSeen> addresses_; // "<host>|<ip>"
    std::string key_;
    std::string json_;
};

} // namespace socwb
