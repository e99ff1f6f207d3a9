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
#include <utility>
#include <vector>

namespace socwb {

class SysmonWriter {
  public:
    // Event, connection and DNS query rows go kRowsPerInsert to a statement while held.
    static constexpr int kRowsPerInsert = 16;

    SysmonWriter(sqlite3* db, int64_t evidenceId);

    void write(const SysmonRecord& r);
    // While holding, event, connection and DNS query rows wait in memory and go in groups; the
    // caller promises that every record's bytes stay valid until flushRows() (see CaseWriter).
    void holdRows(bool on) {
        flushRows();
        holding_ = on;
    }
    void flushRows();
    // Writes the rows and host addresses kept in memory. Call before commit.
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

    // The data fields this writer reads, found in one pass over an event's fields rather than by
    // name for each (the first of a name wins, as SysmonRecord::field() gives it).
    enum Slot {
        ProcessGuid,
        ProcessId,
        Image,
        User,
        CommandLine,
        IntegrityLevel,
        Hashes,
        ParentProcessGuid,
        ParentProcessId,
        ParentImage,
        ParentCommandLine,
        ParentUser,
        Initiated,
        SourcePort,
        DestinationPort,
        SourceIp,
        DestinationIp,
        Protocol,
        DestinationHostname,
        QueryName,
        QueryResults,
        QueryStatus,
        NewProcessId,
        NewProcessName,
        TargetDomainName,
        TargetUserName,
        SubjectUserName,
        MandatoryLabel,
        ParentProcessName,
        SlotCount
    };
    struct Slots {
        std::string_view v[SlotCount];
        std::string_view operator[](Slot s) const { return v[s]; }
    };
    static void fillSlots(std::span<const SysmonField> fields, Slots& out);

  private:
    struct ProcessSeen {
        int64_t id = 0;
    };
    // A process by its host and a GUID in Sysmon's normalized form, as the GUID's 128 bits.
    struct GuidKey {
        int64_t host = 0;
        uint64_t hi = 0, lo = 0;
        bool operator==(const GuidKey&) const = default;
    };
    struct GuidKeyHash {
        size_t operator()(const GuidKey& k) const;
    };
    struct Stub {
        std::string_view pid, image, commandLine, user;
        int64_t startTs = -1;
    };
    struct AddressSeen {
        int64_t first = INT64_MAX;
        int64_t last = INT64_MIN;
    };
    // Rows waiting for their group's INSERT. Text views point into the held records; text the
    // writer made itself (answers, a JSON the batch did not build) lives in text_ at an offset.
    struct TextAt {
        uint32_t offset = 0, length = 0;
    };
    struct HeldEvent {
        int64_t id, record, recordNumber, ts, host, process;
        int eventId;
        std::string_view channel, provider, json;
        int64_t ownJson; // offset into text_ of the JSON the writer built, -1 when json holds it
        uint32_t ownJsonLength;
    };
    struct HeldNet {
        int64_t event, host, process, ts, srcPort, dstPort;
        int initiated; // 1, 0, -1 when unknown
        std::string_view protocol, src, dst, dstHost;
    };
    // A process row of a host that had none before this import: it goes in with the id it will
    // have (the next rowid) in a group. Its text is copied into text_; empty text is NULL.
    struct HeldProcess {
        int64_t id, host, pid, parentId, startTs, endTs, record; // pid -1, parentId 0, times INT64_MIN: NULL
        const char* knownFrom;
        TextAt guid, image, commandLine, user, integrity, hashes, parentGuid, parentImage, parentCommandLine;
    };
    struct HeldDnsQuery {
        int64_t event, host, process, ts, domain;
        std::string_view status;
        TextAt answers;
    };
    // Keys without a string per lookup: the host id's bytes, then the text, in key_.
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    template <class V> using KeyMap = std::unordered_map<std::string, V, Hash, std::equal_to<>>;
    struct PairHash {
        size_t operator()(const std::pair<int64_t, int64_t>& p) const {
            return std::hash<int64_t>{}(p.first * 1000003 ^ p.second);
        }
    };

    int64_t hostFor(std::string_view computer);
    int64_t hostForName(std::string_view computer); // hostFor without the one-entry cache
    int64_t domainFor(std::string_view name);
    // key_ = host's bytes + text.
    std::string_view keyFor(int64_t host, std::string_view text);
    int64_t processStub(int64_t host, std::string_view guid, const Stub& s, const char* knownFrom,
                        const SysmonRecord& r);
    int64_t processCreate(int64_t host, std::string_view guid, const SysmonRecord& r, const Slots& f, int64_t parentId,
                          std::string_view parentGuid);
    int64_t insertEvent(const SysmonRecord& r, int64_t host, int64_t process);
    void securityProcessCreate(const SysmonRecord& r, const Slots& f, int64_t host);
    void noteAddress(std::string_view ip, int64_t host, int64_t ts);
    // The process seen this import with that host and (normalized) GUID, or null.
    ProcessSeen* findProcess(int64_t host, std::string_view guid);
    void addProcess(int64_t host, std::string_view guid, ProcessSeen seen);
    // A GUID in Sysmon's normalized form as its 128 bits; false for any other text.
    static bool guidBits(std::string_view guid, uint64_t& hi, uint64_t& lo);
    // guid normalized (as normalizeGuid) into out; false when it names no process.
    static bool normalizeGuidInto(std::string_view guid, std::string& out);
    // A host whose processes are all new this import (its rows can be held); asked once per host.
    bool freshHost(int64_t host);
    TextAt keepText(std::string_view v);
    std::string_view textAt(TextAt t) const { return std::string_view(text_).substr(t.offset, t.length); }
    // The held row of a process id, or null when it is in the table already.
    HeldProcess* heldProcess(int64_t id);
    void flushProcesses();
    void bindProcess(Statement& s, int base, const HeldProcess& p);
    // Whether a held row's group may go in: every row it points to is in the table.
    bool pointsToWritten(const HeldProcess&) const { return true; }
    bool pointsToWritten(const HeldEvent& e) const;
    bool pointsToWritten(const HeldNet& n) const;
    bool pointsToWritten(const HeldDnsQuery& d) const;
    void bindEvent(Statement& s, int base, const HeldEvent& e);
    void bindNet(Statement& s, int base, const HeldNet& n);
    void bindDnsQuery(Statement& s, int base, const HeldDnsQuery& d);
    template <class Held>
    void hold(const Held& row, std::vector<Held>& held, Statement& one, Statement& many, int columns,
              void (SysmonWriter::*bind)(Statement&, int, const Held&));
    template <class Held>
    void flushHeld(std::vector<Held>& held, Statement& one, void (SysmonWriter::*bind)(Statement&, int, const Held&));

    sqlite3* db_;
    int64_t evidenceId_;
    DomainNames names_;
    bool holding_ = false;
    // Event rows get their ids here (the table's next rowid when the writer started) so that the
    // connection and DNS rows that point to them can go in groups too.
    int64_t nextEventId_ = 1;
    Statement insertEvent_;
    Statement insertEventMany_;
    Statement insertNet_;
    Statement insertNetMany_;
    Statement insertDnsQuery_;
    Statement insertDnsQueryMany_;
    int64_t nextProcessId_ = 1;
    Statement insertProcess_;
    Statement insertProcessMany_;
    Statement upsertCreate_;
    Statement upsertStub_;
    Statement updateCreate_; // upsertCreate_'s DO UPDATE for a row whose id is known
    Statement endProcess_;
    Statement findProcess_;
    std::vector<HeldProcess> heldProcesses_;
    std::unordered_map<int64_t, bool> freshHosts_;
    std::vector<HeldEvent> heldEvents_;
    std::vector<HeldNet> heldNets_;
    std::vector<HeldDnsQuery> heldDnsQueries_;
    std::string text_;
    std::unordered_map<std::string, int64_t> hosts_;
    KeyMap<int64_t> hostsAsWritten_; // by the Computer name exactly as the events write it
    std::string_view lastComputer_;  // as the last event wrote it (a key of hostsAsWritten_)
    int64_t lastHost_ = 0;
    KeyMap<int64_t> domains_;
    KeyMap<ProcessSeen> processes_; // host + guid, for a GUID not in Sysmon's form (4688's keys)
    // Processes by host and a GUID in Sysmon's form (as normalizeGuidInto leaves it: "{8-4-4-4-12}"
    // in lower-case hex) held as its 128 bits: no string made per lookup (a map of host + GUID
    // strings was a tenth of the writer's time).
    std::unordered_map<GuidKey, ProcessSeen, GuidKeyHash> guids_;
    std::unordered_map<std::pair<int64_t, int64_t>, int64_t, PairHash> lastByPid_; // (host, pid): latest created
    KeyMap<AddressSeen> addresses_;                                                // host + ip
    std::string key_;
    std::string guid_, parentGuid_;
    std::string json_;
    Slots slots_;
};

} // namespace socwb
