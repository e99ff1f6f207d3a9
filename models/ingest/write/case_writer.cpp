#include "ingest/write/case_writer.h"

#include "ingest/write/sysmon_writer.h"

#include <algorithm>

namespace socwb {

namespace {

constexpr const char* kProxyInsert =
    "INSERT INTO proxy_events(evidence_id, line_no, ts_us, host_id, client_ip, user_name, "
    "method, url, scheme, domain_id, dest_port, path, query, dest_ip, status, bytes_out, "
    "bytes_in, user_agent, content_type, action, referrer, duration_ms) VALUES ";
constexpr int kProxyColumns = 22;
constexpr const char* kDnsInsert = "INSERT INTO dns_events(evidence_id, line_no, ts_us, host_id, client_ip, domain_id, "
                                   "qtype, rcode, answers, ttls, server_ip, protocol) VALUES ";
constexpr int kDnsColumns = 12;

// "INSERT ... VALUES (?,?,...),(?,?,...)" for `rows` rows of `columns` parameters.
std::string multiRowInsert(const char* head, int columns, int rows) {
    std::string row = "(";
    for (int c = 0; c < columns; ++c) {
        row += c ? ",?" : "?";
    }
    row += ")";
    std::string sql = head;
    for (int r = 0; r < rows; ++r) {
        sql += r ? "," + row : row;
    }
    return sql;
}

} // namespace

CaseWriter::CaseWriter(sqlite3* db, int64_t evidenceId)
    : db_(db), evidenceId_(evidenceId),
      insertProxyMany_(db, multiRowInsert(kProxyInsert, kProxyColumns, kRowsPerInsert)),
      insertDnsMany_(db, multiRowInsert(kDnsInsert, kDnsColumns, kRowsPerInsert)),
      insertProxy_(db, multiRowInsert(kProxyInsert, kProxyColumns, 1)),
      insertDns_(db, multiRowInsert(kDnsInsert, kDnsColumns, 1)),
      insertReject_(db, "INSERT INTO rejected_lines(evidence_id, line_no, byte_offset, reason, raw) "
                        "VALUES (?,?,?,?,?)"),
      insertHost_(db, "INSERT INTO hosts(name, source) VALUES (?, 'ip')"),
      insertDomain_(db, "INSERT INTO domains(name, reg_domain, service_domain) VALUES (?,?,?)"),
      // Addresses the case already knows keep their host (the most recently seen one wins).
      findHost_(db, "SELECT host_id FROM host_addresses WHERE ip = ? ORDER BY last_ts DESC LIMIT 1"),
      findDomain_(db, "SELECT id FROM domains WHERE name = ?") {}

CaseWriter::~CaseWriter() = default;

void CaseWriter::sysmon(const SysmonRecord& r) {
    if (!sysmon_) {
        sysmon_ = std::make_unique<SysmonWriter>(db_, evidenceId_);
    }
    sysmon_->write(r);
    ++accepted_;
}

int64_t CaseWriter::hostFor(std::string_view ip, int64_t ts) {
    if (ip.empty()) {
        return 0;
    }
    auto it = hosts_.find(ip);
    if (it == hosts_.end()) {
        if (hosts_.size() >= kMaxCached) {
            flushHosts();
        }
        int64_t id = knownHost(ip);
        if (id == 0) {
            insertHost_.bindStatic(1, ip);
            insertHost_.exec();
            id = sqlite3_last_insert_rowid(db_);
        }
        it = hosts_.emplace(std::string(ip), HostSeen{id}).first;
    }
    HostSeen& h = it->second;
    h.first = std::min(h.first, ts);
    h.last = std::max(h.last, ts);
    return h.hostId;
}

int64_t CaseWriter::domainFor(std::string_view host) {
    if (host.empty()) {
        return 0;
    }
    auto it = domains_.find(host);
    if (it != domains_.end()) {
        return it->second;
    }
    // Not seen verbatim: normalise (case, trailing dot) and look again before inserting.
    const std::string raw(host);
    const std::string norm = DomainNames::normalize(host);
    it = domains_.find(norm);
    if (it == domains_.end()) {
        if (domains_.size() >= kMaxCached) {
            domains_.clear(); // bounded memory: a case with millions of names is looked up in SQLite
        }
        findDomain_.bindStatic(1, norm);
        const int64_t known = findDomain_.step() ? findDomain_.int64(0) : 0;
        findDomain_.reset();
        if (known != 0) {
            const int64_t id = known;
            domains_.emplace(raw, id);
            if (raw != norm) {
                domains_.emplace(norm, id);
            }
            return id;
        }
        const std::string reg = names_.registrable(norm);
        const std::string service = names_.service(norm);
        insertDomain_.bind(1, norm);
        insertDomain_.bindTextOrNull(2, reg);
        insertDomain_.bindTextOrNull(3, service);
        insertDomain_.exec();
        it = domains_.emplace(norm, sqlite3_last_insert_rowid(db_)).first;
    }
    const int64_t id = it->second;
    domains_.emplace(raw, id);
    return id;
}

void CaseWriter::bindProxy(Statement& s, int base, const HeldProxy& p) {
    const ProxyRecord& r = p.r;
    s.bind(base + 1, evidenceId_).bind(base + 2, r.pos.record).bind(base + 3, r.tsUs);
    p.host ? s.bind(base + 4, p.host) : s.bindNull(base + 4);
    s.bindStaticOrNull(base + 5, r.clientIp).bindStaticOrNull(base + 6, r.user).bindStaticOrNull(base + 7, r.method);
    s.bindStaticOrNull(base + 8, r.url).bindStaticOrNull(base + 9, r.scheme);
    p.domain ? s.bind(base + 10, p.domain) : s.bindNull(base + 10);
    s.bindIntOrNull(base + 11, r.port).bindStaticOrNull(base + 12, r.path).bindStaticOrNull(base + 13, r.query);
    s.bindStaticOrNull(base + 14, r.destIp).bindIntOrNull(base + 15, r.status).bindIntOrNull(base + 16, r.bytesOut);
    s.bindIntOrNull(base + 17, r.bytesIn)
        .bindStaticOrNull(base + 18, r.userAgent)
        .bindStaticOrNull(base + 19, r.contentType);
    s.bindStaticOrNull(base + 20, r.action)
        .bindStaticOrNull(base + 21, r.referrer)
        .bindIntOrNull(base + 22, r.durationMs);
}

void CaseWriter::bindDns(Statement& s, int base, const HeldDns& d) {
    const DnsRecord& r = d.r;
    s.bind(base + 1, evidenceId_).bind(base + 2, r.pos.record).bind(base + 3, r.tsUs);
    d.host ? s.bind(base + 4, d.host) : s.bindNull(base + 4);
    s.bindStaticOrNull(base + 5, r.clientIp);
    d.domain ? s.bind(base + 6, d.domain) : s.bindNull(base + 6);
    s.bindStaticOrNull(base + 7, r.qtype).bindStaticOrNull(base + 8, r.rcode).bindStaticOrNull(base + 9, r.answers);
    s.bindStaticOrNull(base + 10, r.ttls)
        .bindStaticOrNull(base + 11, r.serverIp)
        .bindStaticOrNull(base + 12, r.protocol);
}

namespace {
// Steps a statement whose parameters are all bound, and makes it ready for the next rows.
void stepBound(Statement& s) {
    s.step();
    s.rewind();
}
} // namespace

template <class Held>
void CaseWriter::insertRow(const Held& row, std::vector<Held>& held, Statement& one, Statement& many, int columns,
                           void (CaseWriter::*bind)(Statement&, int, const Held&)) {
    ++accepted_;
    if (!holding_) {
        (this->*bind)(one, 0, row);
        stepBound(one);
        return;
    }
    held.push_back(row);
    if (held.size() == kRowsPerInsert) {
        for (int i = 0; i < kRowsPerInsert; ++i) {
            (this->*bind)(many, i * columns, held[static_cast<size_t>(i)]);
        }
        stepBound(many);
        held.clear();
    }
}

void CaseWriter::proxy(const ProxyRecord& r) {
    insertRow(HeldProxy{r, hostFor(r.clientIp, r.tsUs), domainFor(r.host)}, heldProxy_, insertProxy_, insertProxyMany_,
              kProxyColumns, &CaseWriter::bindProxy);
}

void CaseWriter::dns(const DnsRecord& r) {
    insertRow(HeldDns{r, hostFor(r.clientIp, r.tsUs), domainFor(r.qname)}, heldDns_, insertDns_, insertDnsMany_,
              kDnsColumns, &CaseWriter::bindDns);
}

void CaseWriter::flushRows() {
    for (const HeldProxy& p : heldProxy_) {
        bindProxy(insertProxy_, 0, p);
        stepBound(insertProxy_);
    }
    heldProxy_.clear();
    for (const HeldDns& d : heldDns_) {
        bindDns(insertDns_, 0, d);
        stepBound(insertDns_);
    }
    heldDns_.clear();
}

void CaseWriter::asset(const AssetRecord& r) {
    const std::string ip(r.ip);
    const std::string name(r.hostname);
    // A host of that name may exist already (another address, or from Sysmon): reuse it.
    int64_t hostId = 0;
    {
        Statement byName(db_, "SELECT id FROM hosts WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1");
        byName.bind(1, name);
        if (byName.step()) {
            hostId = byName.int64(0);
        }
    }
    auto it = hosts_.find(ip);
    const int64_t ipHost = it != hosts_.end() ? it->second.hostId : knownHost(ip);
    if (hostId == 0 && ipHost != 0) {
        // The address was known only as an address: that host gets the inventory's name.
        hostId = ipHost;
    }
    if (hostId == 0) {
        Statement ins(db_, "INSERT INTO hosts(name, source) VALUES (?, 'asset')");
        ins.bind(1, name).exec();
        hostId = sqlite3_last_insert_rowid(db_);
    }
    Statement upd(db_, "UPDATE hosts SET name = ?, role = coalesce(?, role), owner = coalesce(?, owner), "
                       "source = 'asset' WHERE id = ?");
    upd.bind(1, name).bindTextOrNull(2, r.role).bindTextOrNull(3, r.owner).bind(4, hostId).exec();
    if (ipHost != 0 && ipHost != hostId) {
        // Merge: events and addresses of the address-only host move to the named one.
        for (const char* sql : {"UPDATE proxy_events SET host_id = ?1 WHERE host_id = ?2",
                                "UPDATE dns_events SET host_id = ?1 WHERE host_id = ?2",
                                "UPDATE OR REPLACE host_addresses SET host_id = ?1 WHERE host_id = ?2",
                                "DELETE FROM hosts WHERE id = ?2 AND source = 'ip'"}) {
            Statement m(db_, sql);
            m.bind(1, hostId).bind(2, ipHost).exec();
        }
    }
    Statement addr(db_, "INSERT INTO host_addresses(ip, host_id, source) VALUES (?, ?, 'asset') "
                        "ON CONFLICT(ip, host_id) DO UPDATE SET source = 'asset'");
    addr.bind(1, ip).bind(2, hostId).exec();
    hosts_[ip].hostId = hostId;
    ++accepted_;
}

void CaseWriter::reject(SourcePos pos, std::string_view reason, std::string_view raw) {
    if (++rejected_ <= kMaxStoredRejects) {
        Statement& s = insertReject_;
        s.bind(1, evidenceId_).bind(2, pos.record).bind(3, pos.offset).bind(4, reason);
        s.bindBlob(5, raw.substr(0, kMaxRawReject));
        s.exec();
    }
    if (rejectSamples_.size() < 5) {
        rejectSamples_.push_back("line " + std::to_string(pos.record) + ": " + std::string(reason));
    }
}

void CaseWriter::finish() {
    flushRows();
    if (sysmon_) {
        sysmon_->finish();
    }
    flushHosts();
}

int64_t CaseWriter::knownHost(std::string_view ip) {
    findHost_.bindStatic(1, ip);
    const int64_t id = findHost_.step() ? findHost_.int64(0) : 0;
    findHost_.reset();
    return id;
}

// Writes the first/last times seen of the cached addresses and empties the cache, so that the
// cache never grows past kMaxCached entries however many addresses a log holds.
void CaseWriter::flushHosts() {
    Statement up(db_, "INSERT INTO host_addresses(ip, host_id, first_ts, last_ts, source) VALUES (?, ?, ?, ?, 'ip') "
                      "ON CONFLICT(ip, host_id) DO UPDATE SET "
                      "first_ts = min(coalesce(first_ts, excluded.first_ts), excluded.first_ts), "
                      "last_ts = max(coalesce(last_ts, excluded.last_ts), excluded.last_ts)");
    for (const auto& [ip, h] : hosts_) {
        if (h.first == INT64_MAX) {
            continue; // not seen in this import
        }
        up.bind(1, ip).bind(2, h.hostId).bind(3, h.first).bind(4, h.last).exec();
    }
    hosts_.clear();
}

} // namespace socwb
