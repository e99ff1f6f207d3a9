#include "case_writer.h"

#include "sysmon_writer.h"

#include <algorithm>

namespace socwb {

CaseWriter::CaseWriter(sqlite3* db, int64_t evidenceId)
    : db_(db), evidenceId_(evidenceId),
      insertProxy_(db, "INSERT INTO proxy_events(evidence_id, line_no, ts_us, host_id, client_ip, user_name, "
                       "method, url, scheme, domain_id, dest_port, path, query, dest_ip, status, bytes_out, "
                       "bytes_in, user_agent, content_type, action, referrer, duration_ms) "
                       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
      insertDns_(db, "INSERT INTO dns_events(evidence_id, line_no, ts_us, host_id, client_ip, domain_id, "
                     "qtype, rcode, answers, ttls, server_ip, protocol) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"),
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

void CaseWriter::proxy(const ProxyRecord& r) {
    const int64_t host = hostFor(r.clientIp, r.tsUs);
    const int64_t domain = domainFor(r.host);
    Statement& s = insertProxy_;
    s.bind(1, evidenceId_).bind(2, r.pos.record).bind(3, r.tsUs);
    host ? s.bind(4, host) : s.bindNull(4);
    s.bindTextOrNull(5, r.clientIp).bindTextOrNull(6, r.user).bindTextOrNull(7, r.method);
    s.bindTextOrNull(8, r.url).bindTextOrNull(9, r.scheme);
    domain ? s.bind(10, domain) : s.bindNull(10);
    s.bindIntOrNull(11, r.port).bindTextOrNull(12, r.path).bindTextOrNull(13, r.query);
    s.bindTextOrNull(14, r.destIp).bindIntOrNull(15, r.status).bindIntOrNull(16, r.bytesOut);
    s.bindIntOrNull(17, r.bytesIn).bindTextOrNull(18, r.userAgent).bindTextOrNull(19, r.contentType);
    s.bindTextOrNull(20, r.action).bindTextOrNull(21, r.referrer).bindIntOrNull(22, r.durationMs);
    s.step();
    sqlite3_reset(s.handle());
    ++accepted_;
}

void CaseWriter::dns(const DnsRecord& r) {
    const int64_t host = hostFor(r.clientIp, r.tsUs);
    const int64_t domain = domainFor(r.qname);
    Statement& s = insertDns_;
    s.bind(1, evidenceId_).bind(2, r.pos.record).bind(3, r.tsUs);
    host ? s.bind(4, host) : s.bindNull(4);
    s.bindTextOrNull(5, r.clientIp);
    domain ? s.bind(6, domain) : s.bindNull(6);
    s.bindTextOrNull(7, r.qtype).bindTextOrNull(8, r.rcode).bindTextOrNull(9, r.answers);
    s.bindTextOrNull(10, r.ttls).bindTextOrNull(11, r.serverIp).bindTextOrNull(12, r.protocol);
    s.step();
    sqlite3_reset(s.handle());
    ++accepted_;
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
    Statement& s = insertReject_;
    s.bind(1, evidenceId_).bind(2, pos.record).bind(3, pos.offset).bind(4, reason);
    s.bindBlob(5, raw.substr(0, kMaxRawReject));
    s.exec();
    ++rejected_;
    if (rejectSamples_.size() < 5) {
        rejectSamples_.push_back("line " + std::to_string(pos.record) + ": " + std::string(reason));
    }
}

void CaseWriter::finish() {
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
