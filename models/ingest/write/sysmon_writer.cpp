#include "ingest/write/sysmon_writer.h"

#include "ingest/read/text_util.h"

#include <algorithm>
#include <cctype>

namespace socwb {

namespace {

std::string_view dashEmpty(std::string_view s) {
    s = trim(s);
    return s == "-" ? std::string_view() : s;
}

bool contains(std::string_view hay, std::string_view needle) {
    return hay.find(needle) != std::string_view::npos;
}

bool isSysmon(const SysmonRecord& r) {
    if (contains(r.channel, "Sysmon") || contains(r.provider, "Sysmon")) {
        return true;
    }
    // Flat exports sometimes drop channel and provider; Sysmon's data still names a ProcessGuid.
    return r.channel.empty() && r.provider.empty() && !r.field("ProcessGuid").empty();
}

int64_t pidValue(std::string_view s) {
    s = trim(s);
    int64_t v = -1;
    if (s.starts_with("0x") || s.starts_with("0X")) {
        v = 0;
        for (char c : s.substr(2)) {
            const int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                          : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                          : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                                      : -1;
            if (d < 0 || v > (INT64_MAX >> 4)) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }
    return parseInt(s, v) ? v : -1;
}

void appendJsonString(std::string& out, std::string_view s) {
    out.push_back('"');
    size_t run = 0; // start of the pending stretch that needs no escaping, appended in one go
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default: {
            static const char* hex = "0123456789abcdef";
            out += "\\u00";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
        }
    }
    out.append(s.data() + run, s.size() - run);
    out.push_back('"');
}

} // namespace

SysmonWriter::SysmonWriter(sqlite3* db, int64_t evidenceId)
    : db_(db), evidenceId_(evidenceId),
      insertEvent_(db, "INSERT INTO sysmon_events(evidence_id, record_no, event_record_id, ts_us, host_id, channel, "
                       "provider, event_id, process_id, fields) VALUES (?,?,?,?,?,?,?,?,?,?)"),
      insertNet_(db, "INSERT INTO net_connections(event_id, host_id, process_id, ts_us, protocol, initiated, src_ip, "
                     "src_port, dst_ip, dst_port, dst_host) VALUES (?,?,?,?,?,?,?,?,?,?,?)"),
      insertDnsQuery_(db, "INSERT INTO dns_queries(event_id, host_id, process_id, ts_us, domain_id, status, answers) "
                          "VALUES (?,?,?,?,?,?,?)"),
      upsertCreate_(
          db, "INSERT INTO processes(host_id, process_guid, pid, image, command_line, user_name, "
              "integrity_level, hashes, parent_guid, parent_id, parent_image, parent_command_line, start_ts, "
              "known_from, evidence_id, record_no) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,'create',?,?) "
              "ON CONFLICT(host_id, process_guid) DO UPDATE SET "
              "pid = coalesce(excluded.pid, pid), image = coalesce(excluded.image, image), "
              "command_line = coalesce(excluded.command_line, command_line), "
              "user_name = coalesce(excluded.user_name, user_name), "
              "integrity_level = coalesce(excluded.integrity_level, integrity_level), "
              "hashes = coalesce(excluded.hashes, hashes), parent_guid = coalesce(excluded.parent_guid, parent_guid), "
              "parent_id = coalesce(excluded.parent_id, parent_id), "
              "parent_image = coalesce(excluded.parent_image, parent_image), "
              "parent_command_line = coalesce(excluded.parent_command_line, parent_command_line), "
              "start_ts = excluded.start_ts, known_from = 'create', evidence_id = excluded.evidence_id, "
              "record_no = excluded.record_no RETURNING id"),
      upsertStub_(
          db, "INSERT INTO processes(host_id, process_guid, pid, image, command_line, user_name, known_from, "
              "evidence_id, record_no) VALUES (?,?,?,?,?,?,?,?,?) "
              "ON CONFLICT(host_id, process_guid) DO UPDATE SET pid = coalesce(pid, excluded.pid), "
              "image = coalesce(image, excluded.image), command_line = coalesce(command_line, excluded.command_line), "
              "user_name = coalesce(user_name, excluded.user_name) RETURNING id, known_from"),
      endProcess_(db, "UPDATE processes SET end_ts = ? WHERE id = ?"),
      findProcess_(db, "SELECT id FROM processes WHERE host_id = ? AND pid = ? AND start_ts <= ? "
                       "ORDER BY start_ts DESC LIMIT 1") {}

std::string SysmonWriter::normalizeGuid(std::string_view guid) {
    guid = dashEmpty(guid);
    std::string g(guid);
    std::transform(g.begin(), g.end(), g.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (g.find_first_not_of("{}-0") == std::string::npos) {
        return {};
    }
    return g;
}

std::string SysmonWriter::answerAddresses(std::string_view queryResults) {
    std::string out;
    size_t i = 0;
    while (i <= queryResults.size()) {
        size_t semi = queryResults.find(';', i);
        if (semi == std::string_view::npos) {
            semi = queryResults.size();
        }
        std::string_view item = trim(queryResults.substr(i, semi - i));
        i = semi + 1;
        if (item.empty() || item.starts_with("type:") || item == "-") {
            continue; // CNAME and other non-address records: "type:  5 name"
        }
        if (item.starts_with("::ffff:")) {
            item.remove_prefix(7);
        }
        if (!out.empty()) {
            out.push_back(',');
        }
        out.append(item);
    }
    return out;
}

bool SysmonWriter::isHostAddress(std::string_view ip) {
    ip = dashEmpty(ip);
    if (ip.starts_with("::ffff:")) {
        ip.remove_prefix(7);
    }
    if (ip.empty() || ip == "0.0.0.0" || ip == "::" || ip == "::1" || ip == "255.255.255.255" ||
        ip.starts_with("127.") || ip.starts_with("169.254.") || ip.starts_with("fe80:") || ip.starts_with("ff")) {
        return false;
    }
    int first = 0;
    const size_t dot = ip.find('.');
    if (dot != std::string_view::npos && parseInt(ip.substr(0, dot), first) && first >= 224 && first <= 239) {
        return false; // IPv4 multicast
    }
    return true;
}

int64_t SysmonWriter::hostFor(std::string_view computer) {
    if (lastHost_ != 0 && computer == lastComputer_) {
        return lastHost_;
    }
    lastComputer_.assign(computer);
    lastHost_ = hostForName(computer);
    return lastHost_;
}

int64_t SysmonWriter::hostForName(std::string_view computer) {
    computer = trim(computer);
    if (computer.empty()) {
        computer = "(no computer name)";
    }
    key_.assign(computer);
    std::transform(key_.begin(), key_.end(), key_.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (auto it = hosts_.find(key_); it != hosts_.end()) {
        return it->second;
    }
    const std::string lower = key_;
    int64_t id = 0;
    // A host of that name may exist: from the asset inventory (which wins) or an earlier import.
    // The inventory often has the short name where Sysmon has the FQDN.
    {
        Statement byName(db_, "SELECT id FROM hosts WHERE name = ?1 COLLATE NOCASE AND source != 'ip' "
                              "ORDER BY source = 'asset' DESC, id LIMIT 1");
        byName.bind(1, computer);
        if (byName.step()) {
            id = byName.int64(0);
        }
    }
    const size_t dot = computer.find('.');
    if (id == 0 && dot != std::string_view::npos && dot > 0) {
        Statement byShort(
            db_, "SELECT id FROM hosts WHERE name = ?1 COLLATE NOCASE AND source = 'asset' ORDER BY id LIMIT 1");
        byShort.bind(1, computer.substr(0, dot));
        if (byShort.step()) {
            id = byShort.int64(0);
        }
    }
    if (id == 0) {
        Statement ins(db_, "INSERT INTO hosts(name, source) VALUES (?, 'sysmon')");
        ins.bind(1, computer).exec();
        id = sqlite3_last_insert_rowid(db_);
    }
    hosts_.emplace(lower, id);
    return id;
}

int64_t SysmonWriter::domainFor(std::string_view name) {
    name = dashEmpty(name);
    if (name.empty()) {
        return 0;
    }
    key_.assign(name);
    if (auto it = domains_.find(key_); it != domains_.end()) {
        return it->second;
    }
    const std::string raw = key_;
    const std::string norm = DomainNames::normalize(name);
    int64_t id = 0;
    {
        Statement find(db_, "SELECT id FROM domains WHERE name = ?");
        find.bind(1, norm);
        if (find.step()) {
            id = find.int64(0);
        }
    }
    if (id == 0) {
        Statement ins(db_, "INSERT INTO domains(name, reg_domain, service_domain) VALUES (?,?,?)");
        ins.bind(1, norm).bindTextOrNull(2, names_.registrable(norm)).bindTextOrNull(3, names_.service(norm)).exec();
        id = sqlite3_last_insert_rowid(db_);
    }
    domains_.emplace(raw, id);
    return id;
}

int64_t SysmonWriter::processStub(int64_t host, const std::string& guid, const Stub& s, const char* knownFrom,
                                  const SysmonRecord& r) {
    key_ = std::to_string(host);
    key_.push_back('|');
    key_.append(guid);
    if (auto it = processes_.find(key_); it != processes_.end()) {
        return it->second.id;
    }
    const std::string key = key_;
    Statement& st = upsertStub_;
    st.bind(1, host).bind(2, guid).bindIntOrNull(3, pidValue(s.pid));
    st.bindTextOrNull(4, dashEmpty(s.image))
        .bindTextOrNull(5, dashEmpty(s.commandLine))
        .bindTextOrNull(6, dashEmpty(s.user));
    st.bind(7, knownFrom).bind(8, evidenceId_).bind(9, r.pos.record);
    ProcessSeen seen;
    if (st.step()) {
        seen.id = st.int64(0);
        seen.created = st.text(1) == "create";
    }
    st.reset();
    processes_.emplace(key, seen);
    return seen.id;
}

int64_t SysmonWriter::processCreate(int64_t host, const std::string& guid, const SysmonRecord& r, int64_t parentId,
                                    std::string_view parentGuid) {
    const bool security = r.eventId == 4688;
    Statement& st = upsertCreate_;
    const int64_t pid = pidValue(security ? r.field("NewProcessId") : r.field("ProcessId"));
    st.bind(1, host).bind(2, guid).bindIntOrNull(3, pid);
    st.bindTextOrNull(4, dashEmpty(r.field(security ? "NewProcessName" : "Image")));
    st.bindTextOrNull(5, dashEmpty(r.field("CommandLine")));
    if (security) {
        const std::string_view domain = dashEmpty(r.field("TargetDomainName"));
        std::string_view user = dashEmpty(r.field("TargetUserName"));
        std::string who;
        if (user.empty()) {
            user = dashEmpty(r.field("SubjectUserName"));
        }
        if (!domain.empty() && !user.empty()) {
            who = std::string(domain) + "\\" + std::string(user);
        } else {
            who = std::string(user);
        }
        st.bindTextOrNull(6, who).bindTextOrNull(7, dashEmpty(r.field("MandatoryLabel"))).bindNull(8);
    } else {
        st.bindTextOrNull(6, dashEmpty(r.field("User")));
        st.bindTextOrNull(7, dashEmpty(r.field("IntegrityLevel")));
        st.bindTextOrNull(8, dashEmpty(r.field("Hashes")));
    }
    st.bindTextOrNull(9, parentGuid);
    parentId ? st.bind(10, parentId) : st.bindNull(10);
    st.bindTextOrNull(11, dashEmpty(r.field(security ? "ParentProcessName" : "ParentImage")));
    st.bindTextOrNull(12, dashEmpty(r.field("ParentCommandLine")));
    st.bind(13, r.tsUs).bind(14, evidenceId_).bind(15, r.pos.record);
    int64_t id = 0;
    if (st.step()) {
        id = st.int64(0);
    }
    st.reset();
    key_ = std::to_string(host);
    key_.push_back('|');
    key_.append(guid);
    processes_[key_] = ProcessSeen{id, true};
    if (pid >= 0) {
        lastByPid_[std::to_string(host) + "|" + std::to_string(pid)] = id;
    }
    return id;
}

void SysmonWriter::noteAddress(std::string_view ip, int64_t host, int64_t ts) {
    ip = dashEmpty(ip);
    if (!isHostAddress(ip)) {
        return;
    }
    if (ip.starts_with("::ffff:")) {
        ip.remove_prefix(7);
    }
    key_ = std::to_string(host);
    key_.push_back('|');
    key_.append(ip);
    AddressSeen& a = addresses_[key_];
    a.first = std::min(a.first, ts);
    a.last = std::max(a.last, ts);
}

void SysmonWriter::appendFieldsJson(std::span<const SysmonField> fields, std::string& out) {
    const size_t start = out.size();
    out.push_back('{');
    for (const SysmonField& f : fields) {
        if (out.size() > start + 1) {
            out.push_back(',');
        }
        appendJsonString(out, f.name);
        out.push_back(':');
        appendJsonString(out, f.value);
    }
    out.push_back('}');
}

int64_t SysmonWriter::insertEvent(const SysmonRecord& r, int64_t host, int64_t process) {
    std::string_view json = r.fieldsJson;
    if (json.empty()) {
        json_.clear();
        appendFieldsJson(r.fields, json_);
        json = json_;
    }
    Statement& s = insertEvent_;
    s.bind(1, evidenceId_).bind(2, r.pos.record).bindIntOrNull(3, r.recordNumber).bind(4, r.tsUs);
    host ? s.bind(5, host) : s.bindNull(5);
    s.bindStaticOrNull(6, r.channel).bindStaticOrNull(7, r.provider).bind(8, r.eventId);
    process ? s.bind(9, process) : s.bindNull(9);
    s.bindStatic(10, json);
    s.exec();
    return sqlite3_last_insert_rowid(db_);
}

void SysmonWriter::securityProcessCreate(const SysmonRecord& r, int64_t host) {
    // 4688 has no GUIDs. The key carries the start time so that a reused PID is a new process.
    const int64_t pid = pidValue(r.field("NewProcessId"));
    const std::string guid = "4688:" + std::to_string(pid) + "@" + std::to_string(r.tsUs);
    int64_t parent = 0;
    const int64_t ppid = pidValue(r.field("ProcessId"));
    if (ppid >= 0) {
        if (auto it = lastByPid_.find(std::to_string(host) + "|" + std::to_string(ppid)); it != lastByPid_.end()) {
            parent = it->second;
        } else {
            Statement& f = findProcess_;
            f.bind(1, host).bind(2, ppid).bind(3, r.tsUs);
            if (f.step()) {
                parent = f.int64(0);
            }
            f.reset();
        }
    }
    const int64_t id = processCreate(host, guid, r, parent, {});
    insertEvent(r, host, id);
}

void SysmonWriter::write(const SysmonRecord& r) {
    const int64_t host = hostFor(r.computer);
    if (r.eventId == 4688 && r.channel == "Security") {
        securityProcessCreate(r, host);
        return;
    }
    if (!isSysmon(r)) {
        insertEvent(r, host, 0); // other channels are kept as they are
        return;
    }
    const std::string guid = normalizeGuid(r.field("ProcessGuid"));
    int64_t process = 0;
    switch (r.eventId) {
    case 1:
        if (!guid.empty()) {
            const std::string parentGuid = normalizeGuid(r.field("ParentProcessGuid"));
            int64_t parent = 0;
            if (!parentGuid.empty() && parentGuid != guid) {
                parent = processStub(host, parentGuid,
                                     Stub{r.field("ParentProcessId"), r.field("ParentImage"),
                                          r.field("ParentCommandLine"), r.field("ParentUser")},
                                     "parent", r);
            }
            process = processCreate(host, guid, r, parent, parentGuid);
        }
        break;
    case 5:
        if (!guid.empty()) {
            process =
                processStub(host, guid, Stub{r.field("ProcessId"), r.field("Image"), {}, r.field("User")}, "other", r);
            endProcess_.bind(1, r.tsUs).bind(2, process).exec();
        }
        break;
    case 3:
        if (!guid.empty()) {
            process = processStub(host, guid, Stub{r.field("ProcessId"), r.field("Image"), {}, r.field("User")},
                                  "network", r);
        }
        break;
    case 22:
        if (!guid.empty()) {
            process =
                processStub(host, guid, Stub{r.field("ProcessId"), r.field("Image"), {}, r.field("User")}, "dns", r);
        }
        break;
    default:
        if (!guid.empty()) {
            process =
                processStub(host, guid, Stub{r.field("ProcessId"), r.field("Image"), {}, r.field("User")}, "other", r);
        }
        break;
    }
    const int64_t event = insertEvent(r, host, process);
    if (r.eventId == 3) {
        const std::string_view initiated = trim(r.field("Initiated"));
        const bool out = initiated == "true" || initiated == "True" || initiated == "1";
        const bool known = out || initiated == "false" || initiated == "False" || initiated == "0";
        int64_t srcPort = -1, dstPort = -1;
        parseInt(trim(r.field("SourcePort")), srcPort);
        parseInt(trim(r.field("DestinationPort")), dstPort);
        std::string_view src = dashEmpty(r.field("SourceIp"));
        std::string_view dst = dashEmpty(r.field("DestinationIp"));
        for (std::string_view* ip : {&src, &dst}) {
            if (ip->starts_with("::ffff:")) {
                ip->remove_prefix(7);
            }
        }
        Statement& s = insertNet_;
        s.bind(1, event).bind(2, host);
        process ? s.bind(3, process) : s.bindNull(3);
        s.bind(4, r.tsUs).bindTextOrNull(5, dashEmpty(r.field("Protocol")));
        known ? s.bind(6, out ? 1 : 0) : s.bindNull(6);
        s.bindTextOrNull(7, src).bindIntOrNull(8, srcPort).bindTextOrNull(9, dst).bindIntOrNull(10, dstPort);
        s.bindTextOrNull(11, dashEmpty(r.field("DestinationHostname")));
        s.exec();
        // The local end names this host's address: the source when the process connected out,
        // the destination when it accepted.
        if (known) {
            noteAddress(out ? src : dst, host, r.tsUs);
        }
    } else if (r.eventId == 22) {
        const int64_t domain = domainFor(r.field("QueryName"));
        const std::string answers = answerAddresses(r.field("QueryResults"));
        Statement& s = insertDnsQuery_;
        s.bind(1, event).bind(2, host);
        process ? s.bind(3, process) : s.bindNull(3);
        s.bind(4, r.tsUs);
        domain ? s.bind(5, domain) : s.bindNull(5);
        s.bindTextOrNull(6, dashEmpty(r.field("QueryStatus"))).bindTextOrNull(7, answers);
        s.exec();
    }
}

void SysmonWriter::finish() {
    Statement up(db_,
                 "INSERT INTO host_addresses(ip, host_id, first_ts, last_ts, source) VALUES (?, ?, ?, ?, 'sysmon') "
                 "ON CONFLICT(ip, host_id) DO UPDATE SET "
                 "first_ts = min(coalesce(first_ts, excluded.first_ts), excluded.first_ts), "
                 "last_ts = max(coalesce(last_ts, excluded.last_ts), excluded.last_ts)");
    for (const auto& [key, a] : addresses_) {
        const size_t bar = key.find('|');
        int64_t host = 0;
        parseInt(std::string_view(key).substr(0, bar), host);
        up.bind(1, std::string_view(key).substr(bar + 1)).bind(2, host).bind(3, a.first).bind(4, a.last).exec();
    }
    addresses_.clear();
}

} // namespace socwb
