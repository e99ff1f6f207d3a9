// Writes parsed records into a case with prepared statements, inside the importer's transaction.
// Client addresses (a sensor connection's originator too) become hosts and host names (a TLS
// server name too) become interned domains (with their registrable and service domains from the
// PSL), each looked up once per import, not once per row. finish() records what the file became,
// by kind, in evidence_contents.
#pragma once

#include "ingest/read/record_sink.h"
#include "ingest/write/domain_names.h"
#include "ingest/write/written_requests.h"
#include "store/slim_rows.h"
#include "store/statement.h"

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace socwb {

class SysmonWriter;

class CaseWriter : public RecordSink {
  public:
    static constexpr size_t kMaxRawReject = 4096;
    // Rejects stored per file with their raw bytes; past this, rejects are only counted (the counts
    // stay exact), so a file of junk cannot grow the case without bound.
    static constexpr int64_t kMaxStoredRejects = 1000;
    // Host addresses and domain names cached per import; past this many, the cache is emptied and
    // refilled from SQLite, so memory stays bounded whatever the log holds.
    static constexpr size_t kMaxCached = 100000;

    CaseWriter(sqlite3* db, int64_t evidenceId);
    ~CaseWriter() override;

    void proxy(const ProxyRecord& r) override;
    void dns(const DnsRecord& r) override;
    void asset(const AssetRecord& r) override;
    // Windows events go to a SysmonWriter, made on the first one (proxy imports never pay for it).
    void sysmon(const SysmonRecord& r) override;
    // Network sensor evidence: sensor_conn_rows, tls_rows, sensor_alerts.
    void connection(const ConnRecord& r) override;
    void tls(const TlsRecord& r) override;
    void sensorAlert(const SensorAlertRecord& r) override;
    // A SIEM's grouped hunt result row: siem_rows (pre-aggregated channels, scored with the case).
    void siemRow(const SiemRowRecord& r) override;
    void reject(SourcePos pos, std::string_view reason, std::string_view raw) override;

    // Writes what was kept in memory (held rows, address first/last times). Call before commit.
    void finish();

    // Proxy and DNS rows (and Windows events, see SysmonWriter) are inserted kRowsPerInsert at a
    // time (one statement step instead of sixteen) while holding is on. The caller promises that
    // the bytes of every record it passed stay valid until flushRows() — true for a RecordBatch
    // until it is recycled.
    static constexpr int kRowsPerInsert = 16;
    void holdRows(bool on);
    void flushRows();

    // Keeps every proxy and DNS row written from now on, as the attributor would read it back (at
    // most `limit`; see WrittenRequests). The importer asks for it when the case has processes.
    void keepWrittenRequests(int64_t limit) { written_.start(limit); }
    WrittenRequests& writtenRequests() { return written_; }

    int64_t accepted() const { return accepted_; }
    // Hosts an asset record moved proxy, DNS or sensor rows onto (merging an address-only host into
    // the named one): only their requests can gain an attribution from an inventory.
    const std::vector<int64_t>& hostsGivenRequests() const { return hostsGivenRequests_; }
    // What the file became so far, by evidence_contents kind ("proxy", "connections", ...), in the
    // order the kinds are listed there; kinds with no record are left out.
    std::vector<std::pair<std::string, int64_t>> contents() const;
    int64_t rejected() const { return rejected_; }
    // The first few rejects, for the user's report: "line 17: squid: bytes is not a number".
    const std::vector<std::string>& rejectSamples() const { return rejectSamples_; }

  private:
    struct HostSeen {
        int64_t hostId = 0;
        int64_t first = INT64_MAX;
        int64_t last = INT64_MIN;
    };
    int64_t hostFor(std::string_view ip, int64_t ts);
    int64_t knownHost(std::string_view ip);
    void flushHosts();
    int64_t domainFor(std::string_view host);

    // A row as it is stored (schema v4): ids of interned text, and whether the URL is kept.
    struct HeldProxy {
        ProxyRecord r;
        int64_t host, domain;
        int64_t s[9]; // client_ip, user, method, scheme, dest_ip, user_agent, content_type, action, referrer
        bool keepUrl;
    };
    struct HeldDns {
        DnsRecord r;
        int64_t host, domain;
        int64_t s[7]; // client_ip, qtype, rcode, answers, ttls, server_ip, protocol
    };
    struct HeldConn {
        ConnRecord r;
        int64_t host;
        int64_t s[7]; // orig_ip, resp_ip, proto, service, state, history, sensor
    };
    HeldProxy held(const ProxyRecord& r);
    HeldDns held(const DnsRecord& r);
    HeldConn held(const ConnRecord& r);
    // A row just inserted with this id, kept for the attributor when asked for.
    void wrote(const HeldProxy& p, int64_t id);
    void wrote(const HeldDns& d, int64_t id);
    void wrote(const HeldConn&, int64_t) {}
    void bindProxy(Statement& s, int base, const HeldProxy& p);
    void bindDns(Statement& s, int base, const HeldDns& d);
    void bindConn(Statement& s, int base, const HeldConn& c);
    // Inserts one row now, or holds it and inserts kRowsPerInsert held rows with one statement.
    template <class Held>
    void insertRow(const Held& row, std::vector<Held>& held, Statement& one, Statement& many, int columns,
                   void (CaseWriter::*bind)(Statement&, int, const Held&));

    sqlite3* db_;
    int64_t evidenceId_;
    bool holding_ = false;
    std::vector<HeldProxy> heldProxy_;
    std::vector<HeldDns> heldDns_;
    std::vector<HeldConn> heldConn_;
    Statement insertProxyMany_;
    Statement insertDnsMany_;
    Statement insertConnMany_;
    DomainNames names_;
    Statement insertProxy_;
    Statement insertDns_;
    Statement insertConn_;
    Statement insertTls_;
    Statement insertAlert_;
    Statement insertReject_;
    Statement insertHost_;
    Statement insertDomain_;
    Statement findHost_;
    Statement findDomain_;
    slim::StringInterner strings_;
    std::string urlScratch_;
    // Looked up by string_view without building a std::string per row.
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, HostSeen, Hash, std::equal_to<>> hosts_;
    std::unordered_map<std::string, int64_t, Hash, std::equal_to<>> domains_;
    int64_t accepted_ = 0;
    std::vector<int64_t> hostsGivenRequests_;
    WrittenRequests written_;
    int64_t rejected_ = 0;
    // Records per kind, in evidence_contents' order (see contents()).
    enum Kind { ProxyKind, DnsKind, SysmonKind, AssetKind, ConnKind, TlsKind, AlertKind, SiemKind, KindCount };
    int64_t counts_[KindCount] = {};
    std::vector<std::string> rejectSamples_;
    std::unique_ptr<SysmonWriter> sysmon_;
};

} // namespace socwb
