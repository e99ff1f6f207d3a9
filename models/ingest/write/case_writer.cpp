#include "ingest/write/case_writer.h"

#include "ingest/write/sysmon_writer.h"

#include <algorithm>

namespace socwb {

namespace {

constexpr const char* kProxyInsert =
    "INSERT INTO proxy_rows(evidence_id, line_no, ts_us, host_id, domain_id, client_ip_s, user_s, method_s, "
    "scheme_s, dest_ip_s, user_agent_s, content_type_s, action_s, referrer_s, dest_port, path, query, status, "
    "bytes_out, bytes_in, duration_ms, url) VALUES ";
constexpr int kProxyColumns = 22;
constexpr const char* kDnsInsert = "INSERT INTO dns_rows(evidence_id, line_no, ts_us, host_id, domain_id, "
                                   "client_ip_s, qtype_s, rcode_s, answers_s, ttls_s, server_ip_s, protocol_s) VALUES ";
constexpr int kDnsColumns = 12;

// True when DomainNames::normalize() would change the name (rare: upper case, a trailing dot).
bool needsNormalizing(std::string_view host) {
    for (char c : host) {
        if (c >= 'A' && c <= 'Z') {
            return true;
        }
    }
    return !host.empty() && (host.back() == '.' || host.front() == '[');
}

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
      findDomain_(db, "SELECT id FROM domains WHERE name = ?"), strings_(db) {}

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

CaseWriter::HeldProxy CaseWriter::held(const ProxyRecord& r) {
    HeldProxy h{r, hostFor(r.clientIp, r.tsUs), domainFor(r.host), {}, false};
    const std::string_view text[9] = {r.clientIp,  r.user,        r.method, r.scheme,  r.destIp,
                                      r.userAgent, r.contentType, r.action, r.referrer};
    for (int i = 0; i < 9; ++i) {
        h.s[i] = strings_.id(text[i]);
    }
    // The URL is rebuilt from the parts as the domains table holds the host (normalized).
    const std::string norm = needsNormalizing(r.host) ? DomainNames::normalize(r.host) : std::string();
    h.keepUrl = slim::urlToStore(urlScratch_, r.url, r.scheme, norm.empty() ? r.host : std::string_view(norm), r.port,
                                 r.path, r.query);
    return h;
}

CaseWriter::HeldDns CaseWriter::held(const DnsRecord& r) {
    HeldDns h{r, hostFor(r.clientIp, r.tsUs), domainFor(r.qname), {}};
    const std::string_view text[7] = {r.clientIp, r.qtype, r.rcode, r.answers, r.ttls, r.serverIp, r.protocol};
    for (int i = 0; i < 7; ++i) {
        h.s[i] = strings_.id(text[i]);
    }
    return h;
}

void CaseWriter::bindProxy(Statement& s, int base, const HeldProxy& p) {
    const ProxyRecord& r = p.r;
    s.bind(base + 1, evidenceId_).bind(base + 2, r.pos.record).bind(base + 3, r.tsUs);
    s.bindIntOrNull(base + 4, p.host, 0);
    s.bindIntOrNull(base + 5, p.domain, 0);
    for (int i = 0; i < 9; ++i) {
        s.bindIntOrNull(base + 6 + i, p.s[i], 0);
    }
    s.bindIntOrNull(base + 15, r.port).bindStaticOrNull(base + 16, r.path).bindStaticOrNull(base + 17, r.query);
    s.bindIntOrNull(base + 18, r.status).bindIntOrNull(base + 19, r.bytesOut).bindIntOrNull(base + 20, r.bytesIn);
    s.bindIntOrNull(base + 21, r.durationMs);
    if (!p.keepUrl) {
        s.bindNull(base + 22);
    } else {
        // A line that logged no URL although its parts were known keeps "" (the view shows NULL).
        s.bindStatic(base + 22, r.url.empty() ? std::string_view("") : r.url);
    }
}

void CaseWriter::bindDns(Statement& s, int base, const HeldDns& d) {
    const DnsRecord& r = d.r;
    s.bind(base + 1, evidenceId_).bind(base + 2, r.pos.record).bind(base + 3, r.tsUs);
    s.bindIntOrNull(base + 4, d.host, 0);
    s.bindIntOrNull(base + 5, d.domain, 0);
    for (int i = 0; i < 7; ++i) {
        s.bindIntOrNull(base + 6 + i, d.s[i], 0);
    }
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
    insertRow(held(r), heldProxy_, insertProxy_, insertProxyMany_, kProxyColumns, &CaseWriter::bindProxy);
}

void CaseWriter::dns(const DnsRecord& r) {
    insertRow(held(r), heldDns_, insertDns_, insertDnsMany_, kDnsColumns, &CaseWriter::bindDns);
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
        for (const char* sql : {"UPDATE proxy_rows SET host_id = ?1 WHERE host_id = ?2",
                                "UPDATE dns_rows SET host_id = ?1 WHERE host_id = ?2",
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
