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
constexpr const char* kConnInsert =
    "INSERT INTO sensor_conn_rows(evidence_id, line_no, ts_us, host_id, orig_ip_s, resp_ip_s, proto_s, service_s, "
    "state_s, history_s, sensor_s, duration_us, orig_port, resp_port, orig_bytes, resp_bytes, orig_ip_bytes, "
    "resp_ip_bytes, orig_pkts, resp_pkts, uid) VALUES ";
constexpr int kConnColumns = 21;
constexpr const char* kContentKinds[] = {"proxy",       "dns", "windows-events", "assets",
                                         "connections", "tls", "alerts",         "siem-rows"};

// True when DomainNames::normalize() would change the name (rare: upper case, a trailing dot).
bool needsNormalizing(std::string_view host) {
    for (char c : host) {
        if (c >= 'A' && c <= 'Z') {
            return true;
        }
    }
    return !host.empty() && (host.back() == '.' || host.front() == '[');
}

} // namespace

CaseWriter::CaseWriter(sqlite3* db, int64_t evidenceId)
    : db_(db), evidenceId_(evidenceId),
      insertProxyMany_(db, multiRowInsert(kProxyInsert, kProxyColumns, kRowsPerInsert)),
      insertDnsMany_(db, multiRowInsert(kDnsInsert, kDnsColumns, kRowsPerInsert)),
      insertConnMany_(db, multiRowInsert(kConnInsert, kConnColumns, kRowsPerInsert)),
      insertProxy_(db, multiRowInsert(kProxyInsert, kProxyColumns, 1)),
      insertDns_(db, multiRowInsert(kDnsInsert, kDnsColumns, 1)),
      insertConn_(db, multiRowInsert(kConnInsert, kConnColumns, 1)),
      insertTls_(db, "INSERT INTO tls_rows(evidence_id, line_no, ts_us, host_id, uid, domain_id, version_s, cipher_s, "
                     "established, resumed, ja3_s, ja3s_s, ja4_s, ja4s_s, subject_s, issuer_s, orig_ip_s, orig_port, "
                     "resp_ip_s, resp_port, sensor_s) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
      insertAlert_(db, "INSERT INTO sensor_alerts(evidence_id, line_no, ts_us, uid, src_ip, src_port, dest_ip, "
                       "dest_port, proto, app_proto, signature, signature_id, rev, category, severity, action, sensor) "
                       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
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
        sysmon_->holdRows(holding_);
    }
    sysmon_->write(r);
    ++accepted_;
    ++counts_[SysmonKind];
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

CaseWriter::HeldConn CaseWriter::held(const ConnRecord& r) {
    HeldConn h{r, hostFor(r.origIp, r.tsUs), {}};
    const std::string_view text[7] = {r.origIp, r.respIp, r.proto, r.service, r.state, r.history, r.sensor};
    for (int i = 0; i < 7; ++i) {
        h.s[i] = strings_.id(text[i]);
    }
    return h;
}

void CaseWriter::bindConn(Statement& s, int base, const HeldConn& c) {
    const ConnRecord& r = c.r;
    s.bind(base + 1, evidenceId_).bind(base + 2, r.pos.record).bind(base + 3, r.tsUs);
    s.bindIntOrNull(base + 4, c.host, 0);
    for (int i = 0; i < 7; ++i) {
        s.bindIntOrNull(base + 5 + i, c.s[i], 0);
    }
    s.bindIntOrNull(base + 12, r.durationUs).bindIntOrNull(base + 13, r.origPort).bindIntOrNull(base + 14, r.respPort);
    s.bindIntOrNull(base + 15, r.origBytes).bindIntOrNull(base + 16, r.respBytes);
    s.bindIntOrNull(base + 17, r.origIpBytes).bindIntOrNull(base + 18, r.respIpBytes);
    s.bindIntOrNull(base + 19, r.origPkts).bindIntOrNull(base + 20, r.respPkts);
    s.bindStaticOrNull(base + 21, r.uid);
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

template <class Held>
void CaseWriter::insertRow(const Held& row, std::vector<Held>& held, Statement& one, Statement& many, int columns,
                           void (CaseWriter::*bind)(Statement&, int, const Held&)) {
    ++accepted_;
    if (!holding_) {
        (this->*bind)(one, 0, row);
        stepBound(one);
        if (written_.keeping()) {
            wrote(row, sqlite3_last_insert_rowid(db_));
        }
        return;
    }
    held.push_back(row);
    if (held.size() == kRowsPerInsert) {
        for (int i = 0; i < kRowsPerInsert; ++i) {
            (this->*bind)(many, i * columns, held[static_cast<size_t>(i)]);
        }
        stepBound(many);
        if (written_.keeping()) {
            // One statement's rows take consecutive ids (a rowid table's next id is its largest + 1).
            const int64_t first = sqlite3_last_insert_rowid(db_) - (kRowsPerInsert - 1);
            for (int i = 0; i < kRowsPerInsert; ++i) {
                wrote(held[static_cast<size_t>(i)], first + i);
            }
        }
        held.clear();
    }
}

void CaseWriter::wrote(const HeldProxy& p, int64_t id) {
    // A row without a host is never attributed.
    written_.add(WrittenRequest{id, p.r.tsUs, p.host, p.domain, p.r.port, p.s[0], p.s[4], WrittenRequest::Kind::Proxy},
                 p.host != 0);
}

void CaseWriter::wrote(const HeldDns& d, int64_t id) {
    written_.add(WrittenRequest{id, d.r.tsUs, d.host, d.domain, 0, d.s[3], 0, WrittenRequest::Kind::Dns}, d.host != 0);
}

void CaseWriter::proxy(const ProxyRecord& r) {
    insertRow(held(r), heldProxy_, insertProxy_, insertProxyMany_, kProxyColumns, &CaseWriter::bindProxy);
    ++counts_[ProxyKind];
}

void CaseWriter::dns(const DnsRecord& r) {
    insertRow(held(r), heldDns_, insertDns_, insertDnsMany_, kDnsColumns, &CaseWriter::bindDns);
    ++counts_[DnsKind];
}

void CaseWriter::connection(const ConnRecord& r) {
    insertRow(held(r), heldConn_, insertConn_, insertConnMany_, kConnColumns, &CaseWriter::bindConn);
    ++counts_[ConnKind];
}

void CaseWriter::tls(const TlsRecord& r) {
    Statement& s = insertTls_;
    s.bind(1, evidenceId_).bind(2, r.pos.record).bind(3, r.tsUs);
    s.bindIntOrNull(4, hostFor(r.origIp, r.tsUs), 0);
    s.bindTextOrNull(5, r.uid);
    s.bindIntOrNull(6, domainFor(r.serverName), 0);
    const std::string_view text[] = {r.version, r.cipher};
    s.bindIntOrNull(7, strings_.id(text[0]), 0).bindIntOrNull(8, strings_.id(text[1]), 0);
    s.bindIntOrNull(9, r.established).bindIntOrNull(10, r.resumed);
    const std::string_view more[] = {r.ja3, r.ja3s, r.ja4, r.ja4s, r.subject, r.issuer, r.origIp};
    for (int i = 0; i < 7; ++i) {
        s.bindIntOrNull(11 + i, strings_.id(more[i]), 0);
    }
    s.bindIntOrNull(18, r.origPort);
    s.bindIntOrNull(19, strings_.id(r.respIp), 0).bindIntOrNull(20, r.respPort);
    s.bindIntOrNull(21, strings_.id(r.sensor), 0);
    s.exec();
    ++accepted_;
    ++counts_[TlsKind];
}

void CaseWriter::sensorAlert(const SensorAlertRecord& r) {
    Statement& s = insertAlert_;
    s.bind(1, evidenceId_).bind(2, r.pos.record).bind(3, r.tsUs).bindTextOrNull(4, r.uid);
    s.bindTextOrNull(5, r.srcIp).bindIntOrNull(6, r.srcPort).bindTextOrNull(7, r.destIp).bindIntOrNull(8, r.destPort);
    s.bindTextOrNull(9, r.proto).bindTextOrNull(10, r.appProto).bindTextOrNull(11, r.signature);
    s.bindIntOrNull(12, r.signatureId).bindIntOrNull(13, r.rev).bindTextOrNull(14, r.category);
    s.bindIntOrNull(15, r.severity).bindTextOrNull(16, r.action).bindTextOrNull(17, r.sensor);
    s.exec();
    ++accepted_;
    ++counts_[AlertKind];
}

void CaseWriter::siemRow(const SiemRowRecord& r) {
    Statement s(db_, R"SQL(
INSERT INTO siem_rows(evidence_id, line_no, product, layout, host, process, dest, shapes, polls, requests, intervals,
    median_interval_s, spread, gap_p25, gap_p75, bytes_out, bytes_in, paths, hosts_alike, first_us, last_us, via, src,
    post_share)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)
)SQL");
    auto real = [&](int i, double v) {
        if (v < 0) {
            s.bindNull(i);
        } else {
            s.bind(i, v);
        }
    };
    s.bind(1, evidenceId_).bind(2, r.pos.record).bind(3, r.product).bind(4, r.layout).bind(5, r.host);
    s.bindTextOrNull(6, r.process).bind(7, r.dest).bindTextOrNull(8, r.shapes).bind(9, r.polls);
    s.bindIntOrNull(10, r.requests).bindIntOrNull(11, r.intervals);
    s.bind(12, r.medianS).bind(13, r.spread);
    real(14, r.p25);
    real(15, r.p75);
    s.bindIntOrNull(16, r.bytesOut).bindIntOrNull(17, r.bytesIn).bindIntOrNull(18, r.paths);
    s.bindIntOrNull(19, r.hostsAlike).bindIntOrNull(20, r.firstUs, 0).bindIntOrNull(21, r.lastUs, 0);
    s.bindTextOrNull(22, r.via).bindTextOrNull(23, r.src);
    real(24, r.postShare);
    s.exec();
    ++accepted_;
    ++counts_[SiemKind];
}

std::vector<std::pair<std::string, int64_t>> CaseWriter::contents() const {
    std::vector<std::pair<std::string, int64_t>> out;
    for (int k = 0; k < KindCount; ++k) {
        if (counts_[k] > 0) {
            out.emplace_back(kContentKinds[k], counts_[k]);
        }
    }
    return out;
}

void CaseWriter::holdRows(bool on) {
    flushRows();
    holding_ = on;
    if (sysmon_) {
        sysmon_->holdRows(on);
    }
}

void CaseWriter::flushRows() {
    if (sysmon_) {
        sysmon_->flushRows();
    }
    for (const HeldProxy& p : heldProxy_) {
        bindProxy(insertProxy_, 0, p);
        stepBound(insertProxy_);
        if (written_.keeping()) {
            wrote(p, sqlite3_last_insert_rowid(db_));
        }
    }
    heldProxy_.clear();
    for (const HeldDns& d : heldDns_) {
        bindDns(insertDns_, 0, d);
        stepBound(insertDns_);
        if (written_.keeping()) {
            wrote(d, sqlite3_last_insert_rowid(db_));
        }
    }
    heldDns_.clear();
    for (const HeldConn& c : heldConn_) {
        bindConn(insertConn_, 0, c);
        stepBound(insertConn_);
    }
    heldConn_.clear();
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
        // Merge: events and addresses of the address-only host move to the named one (rows kept
        // for the attributor may be among them: it reads the tables instead).
        written_.invalidate();
        int64_t requestsMoved = 0;
        for (const char* sql : {"UPDATE proxy_rows SET host_id = ?1 WHERE host_id = ?2",
                                "UPDATE dns_rows SET host_id = ?1 WHERE host_id = ?2",
                                "UPDATE sensor_conn_rows SET host_id = ?1 WHERE host_id = ?2"}) {
            Statement m(db_, sql);
            m.bind(1, hostId).bind(2, ipHost).exec();
            requestsMoved += sqlite3_changes64(db_);
        }
        if (requestsMoved > 0) {
            hostsGivenRequests_.push_back(hostId);
        }
        for (const char* sql : {"UPDATE tls_rows SET host_id = ?1 WHERE host_id = ?2",
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
    ++counts_[AssetKind];
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
    Statement contents(db_, "INSERT OR REPLACE INTO evidence_contents(evidence_id, kind, records) VALUES (?, ?, ?)");
    for (const auto& [kind, n] : this->contents()) {
        contents.bind(1, evidenceId_).bind(2, kind).bind(3, n).exec();
    }
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
