#include "ingest/write/sysmon_writer.h"

#include "ingest/read/text_util.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <type_traits>

namespace socwb {

namespace {

std::string_view dashEmpty(std::string_view s) {
    s = trim(s);
    return s == "-" ? std::string_view() : s;
}

bool contains(std::string_view hay, std::string_view needle) {
    return hay.find(needle) != std::string_view::npos;
}

bool isSysmon(const SysmonRecord& r, const SysmonWriter::Slots& f) {
    if (contains(r.channel, "Sysmon") || contains(r.provider, "Sysmon")) {
        return true;
    }
    // Flat exports sometimes drop channel and provider; Sysmon's data still names a ProcessGuid.
    return r.channel.empty() && r.provider.empty() && !f[SysmonWriter::ProcessGuid].empty();
}

constexpr const char* kEventInsert = "INSERT INTO sysmon_events(id, evidence_id, record_no, event_record_id, ts_us, "
                                     "host_id, channel, provider, event_id, process_id, fields) VALUES ";
constexpr int kEventColumns = 11;
constexpr const char* kProcessInsert =
    "INSERT INTO processes(id, host_id, process_guid, pid, image, command_line, user_name, integrity_level, hashes, "
    "parent_guid, parent_id, parent_image, parent_command_line, start_ts, end_ts, known_from, evidence_id, "
    "record_no) VALUES ";
constexpr int kProcessColumns = 18;
constexpr int64_t kNoTime = INT64_MIN;
constexpr const char* kNetInsert = "INSERT INTO net_connections(event_id, host_id, process_id, ts_us, protocol, "
                                   "initiated, src_ip, src_port, dst_ip, dst_port, dst_host) VALUES ";
constexpr int kNetColumns = 11;
constexpr const char* kDnsQueryInsert =
    "INSERT INTO dns_queries(event_id, host_id, process_id, ts_us, domain_id, status, answers) VALUES ";
constexpr int kDnsQueryColumns = 7;

// The names of SysmonWriter::Slot, in its order.
constexpr std::string_view kSlotNames[SysmonWriter::SlotCount] = {"ProcessGuid",
                                                                  "ProcessId",
                                                                  "Image",
                                                                  "User",
                                                                  "CommandLine",
                                                                  "IntegrityLevel",
                                                                  "Hashes",
                                                                  "ParentProcessGuid",
                                                                  "ParentProcessId",
                                                                  "ParentImage",
                                                                  "ParentCommandLine",
                                                                  "ParentUser",
                                                                  "Initiated",
                                                                  "SourcePort",
                                                                  "DestinationPort",
                                                                  "SourceIp",
                                                                  "DestinationIp",
                                                                  "Protocol",
                                                                  "DestinationHostname",
                                                                  "QueryName",
                                                                  "QueryResults",
                                                                  "QueryStatus",
                                                                  "NewProcessId",
                                                                  "NewProcessName",
                                                                  "TargetDomainName",
                                                                  "TargetUserName",
                                                                  "SubjectUserName",
                                                                  "MandatoryLabel",
                                                                  "ParentProcessName"};

// The slots whose name has a given length, for the one-pass lookup.
struct SlotsByLength {
    static constexpr size_t kMaxLength = 24;
    std::vector<int> of[kMaxLength + 1];
    SlotsByLength() {
        for (int i = 0; i < SysmonWriter::SlotCount; ++i) {
            of[kSlotNames[i].size()].push_back(i);
        }
    }
};

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
      nextEventId_(queryInt(db, "SELECT coalesce(max(id), 0) + 1 FROM sysmon_events").value_or(1)),
      insertEvent_(db, multiRowInsert(kEventInsert, kEventColumns, 1)),
      insertEventMany_(db, multiRowInsert(kEventInsert, kEventColumns, kRowsPerInsert)),
      insertNet_(db, multiRowInsert(kNetInsert, kNetColumns, 1)),
      insertNetMany_(db, multiRowInsert(kNetInsert, kNetColumns, kRowsPerInsert)),
      insertDnsQuery_(db, multiRowInsert(kDnsQueryInsert, kDnsQueryColumns, 1)),
      insertDnsQueryMany_(db, multiRowInsert(kDnsQueryInsert, kDnsQueryColumns, kRowsPerInsert)),
      nextProcessId_(queryInt(db, "SELECT coalesce(max(id), 0) + 1 FROM processes").value_or(1)),
      insertProcess_(db, multiRowInsert(kProcessInsert, kProcessColumns, 1)),
      insertProcessMany_(db, multiRowInsert(kProcessInsert, kProcessColumns, kRowsPerInsert)),
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
      updateCreate_(db, "UPDATE processes SET pid = coalesce(?1, pid), image = coalesce(?2, image), "
                        "command_line = coalesce(?3, command_line), user_name = coalesce(?4, user_name), "
                        "integrity_level = coalesce(?5, integrity_level), hashes = coalesce(?6, hashes), "
                        "parent_guid = coalesce(?7, parent_guid), parent_id = coalesce(?8, parent_id), "
                        "parent_image = coalesce(?9, parent_image), "
                        "parent_command_line = coalesce(?10, parent_command_line), start_ts = ?11, "
                        "known_from = 'create', evidence_id = ?12, record_no = ?13 WHERE id = ?14"),
      endProcess_(db, "UPDATE processes SET end_ts = ? WHERE id = ?"),
      findProcess_(db, "SELECT id FROM processes WHERE host_id = ? AND pid = ? AND start_ts <= ? "
                       "ORDER BY start_ts DESC LIMIT 1") {}

bool SysmonWriter::normalizeGuidInto(std::string_view guid, std::string& out) {
    guid = dashEmpty(guid);
    out.assign(guid);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (out.find_first_not_of("{}-0") == std::string::npos) {
        out.clear();
        return false;
    }
    return true;
}

std::string SysmonWriter::normalizeGuid(std::string_view guid) {
    std::string g;
    normalizeGuidInto(guid, g);
    return g;
}

void SysmonWriter::fillSlots(std::span<const SysmonField> fields, Slots& out) {
    static const SlotsByLength byLength;
    uint32_t seen = 0;
    out = Slots{};
    for (const SysmonField& f : fields) {
        if (f.name.size() > SlotsByLength::kMaxLength) {
            continue;
        }
        for (const int slot : byLength.of[f.name.size()]) {
            if (f.name == kSlotNames[slot]) {
                if (!(seen & (1u << slot))) {
                    seen |= 1u << slot;
                    out.v[slot] = f.value;
                }
                break;
            }
        }
    }
}

std::string_view SysmonWriter::keyFor(int64_t host, std::string_view text) {
    key_.assign(reinterpret_cast<const char*>(&host), sizeof host);
    key_.append(text);
    return key_;
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
    auto it = hostsAsWritten_.find(computer);
    if (it == hostsAsWritten_.end()) {
        const int64_t id = hostForName(computer);
        it = hostsAsWritten_.emplace(computer, id).first;
    }
    lastComputer_ = it->first; // a map's keys stay where they are
    lastHost_ = it->second;
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
    if (auto it = domains_.find(name); it != domains_.end()) {
        return it->second;
    }
    const std::string raw(name);
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

bool SysmonWriter::freshHost(int64_t host) {
    auto it = freshHosts_.find(host);
    if (it == freshHosts_.end()) {
        Statement any(db_, "SELECT EXISTS (SELECT 1 FROM processes WHERE host_id = ?)");
        any.bind(1, host);
        it = freshHosts_.emplace(host, any.step() && any.int64(0) == 0).first;
    }
    return it->second;
}

bool SysmonWriter::guidBits(std::string_view guid, uint64_t& hi, uint64_t& lo) {
    if (guid.size() != 38 || guid[0] != '{' || guid[37] != '}') {
        return false;
    }
    hi = lo = 0;
    int digits = 0;
    for (size_t i = 1; i < 37; ++i) {
        const char c = guid[i];
        if (i == 9 || i == 14 || i == 19 || i == 24) {
            if (c != '-') {
                return false;
            }
            continue;
        }
        const int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
        if (d < 0) {
            return false;
        }
        uint64_t& w = digits < 16 ? hi : lo;
        w = (w << 4) | uint64_t(d);
        ++digits;
    }
    return true;
}

size_t SysmonWriter::GuidKeyHash::operator()(const GuidKey& k) const {
    uint64_t h = k.hi ^ (k.lo * 0x9e3779b97f4a7c15ull) ^ (uint64_t(k.host) * 0xc2b2ae3d27d4eb4full);
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ull;
    return size_t(h ^ (h >> 29));
}

SysmonWriter::ProcessSeen* SysmonWriter::findProcess(int64_t host, std::string_view guid) {
    uint64_t hi = 0, lo = 0;
    if (host > 0 && guidBits(guid, hi, lo)) {
        const auto it = guids_.find(GuidKey{host, hi, lo});
        return it == guids_.end() ? nullptr : &it->second;
    }
    const auto it = processes_.find(keyFor(host, guid));
    return it == processes_.end() ? nullptr : &it->second;
}

void SysmonWriter::addProcess(int64_t host, std::string_view guid, ProcessSeen seen) {
    uint64_t hi = 0, lo = 0;
    if (host > 0 && guidBits(guid, hi, lo)) {
        guids_.insert_or_assign(GuidKey{host, hi, lo}, seen);
    } else {
        processes_.insert_or_assign(std::string(keyFor(host, guid)), seen);
    }
}

SysmonWriter::TextAt SysmonWriter::keepText(std::string_view v) {
    const TextAt t{uint32_t(text_.size()), uint32_t(v.size())};
    text_.append(v);
    return t;
}

SysmonWriter::HeldProcess* SysmonWriter::heldProcess(int64_t id) {
    if (heldProcesses_.empty() || id < heldProcesses_.front().id) {
        return nullptr;
    }
    const size_t at = size_t(id - heldProcesses_.front().id);
    return at < heldProcesses_.size() ? &heldProcesses_[at] : nullptr;
}

int64_t SysmonWriter::processStub(int64_t host, std::string_view guid, const Stub& s, const char* knownFrom,
                                  const SysmonRecord& r) {
    if (const ProcessSeen* known = findProcess(host, guid)) {
        return known->id;
    }
    ProcessSeen seen;
    if (holding_ && freshHost(host)) {
        // New to the case: the row the upsert below would insert, held.
        const std::string_view noText;
        seen.id = nextProcessId_++;
        const HeldProcess p{seen.id,
                            host,
                            pidValue(s.pid),
                            0,
                            kNoTime,
                            kNoTime,
                            r.pos.record,
                            knownFrom,
                            keepText(guid),
                            keepText(dashEmpty(s.image)),
                            keepText(dashEmpty(s.commandLine)),
                            keepText(dashEmpty(s.user)),
                            keepText(noText),
                            keepText(noText),
                            keepText(noText),
                            keepText(noText),
                            keepText(noText)};
        hold(p, heldProcesses_, insertProcess_, insertProcessMany_, kProcessColumns, &SysmonWriter::bindProcess);
    } else {
        flushProcesses(); // the upsert may insert: with the rowid the held rows were promised
        Statement& st = upsertStub_;
        st.bind(1, host).bind(2, guid).bindIntOrNull(3, pidValue(s.pid));
        st.bindTextOrNull(4, dashEmpty(s.image))
            .bindTextOrNull(5, dashEmpty(s.commandLine))
            .bindTextOrNull(6, dashEmpty(s.user));
        st.bind(7, knownFrom).bind(8, evidenceId_).bind(9, r.pos.record);
        if (st.step()) {
            seen.id = st.int64(0);
        }
        st.reset();
        nextProcessId_ = std::max(nextProcessId_, seen.id + 1);
    }
    addProcess(host, guid, seen);
    return seen.id;
}

int64_t SysmonWriter::processCreate(int64_t host, std::string_view guid, const SysmonRecord& r, const Slots& f,
                                    int64_t parentId, std::string_view parentGuid) {
    const bool security = r.eventId == 4688;
    const int64_t pid = pidValue(security ? f[NewProcessId] : f[ProcessId]);
    std::string_view user, integrity, hashes;
    std::string who;
    if (security) {
        const std::string_view domain = dashEmpty(f[TargetDomainName]);
        user = dashEmpty(f[TargetUserName]);
        if (user.empty()) {
            user = dashEmpty(f[SubjectUserName]);
        }
        if (!domain.empty() && !user.empty()) {
            who = std::string(domain) + "\\" + std::string(user);
            user = who;
        }
        integrity = dashEmpty(f[MandatoryLabel]);
    } else {
        user = dashEmpty(f[User]);
        integrity = dashEmpty(f[IntegrityLevel]);
        hashes = dashEmpty(f[Hashes]);
    }
    const std::string_view image = dashEmpty(f[security ? NewProcessName : Image]);
    const std::string_view commandLine = dashEmpty(f[CommandLine]);
    const std::string_view parentImage = dashEmpty(f[security ? ParentProcessName : ParentImage]);
    const std::string_view parentCommandLine = dashEmpty(f[ParentCommandLine]);

    int64_t id = 0;
    ProcessSeen* const cached = findProcess(host, guid);
    HeldProcess* held = cached ? heldProcess(cached->id) : nullptr;
    if (held) {
        // Seen earlier in this import and still held: what the upsert's DO UPDATE would do to it.
        auto take = [&](TextAt& into, std::string_view v) {
            if (!v.empty()) {
                into = keepText(v);
            }
        };
        if (pid >= 0) {
            held->pid = pid;
        }
        take(held->image, image);
        take(held->commandLine, commandLine);
        take(held->user, user);
        take(held->integrity, integrity);
        take(held->hashes, hashes);
        take(held->parentGuid, parentGuid);
        if (parentId) {
            held->parentId = parentId;
        }
        take(held->parentImage, parentImage);
        take(held->parentCommandLine, parentCommandLine);
        held->startTs = r.tsUs;
        held->knownFrom = "create";
        held->record = r.pos.record;
        id = held->id;
    } else if (!cached && holding_ && freshHost(host)) {
        id = nextProcessId_++;
        const HeldProcess p{id,
                            host,
                            pid,
                            parentId,
                            r.tsUs,
                            kNoTime,
                            r.pos.record,
                            "create",
                            keepText(guid),
                            keepText(image),
                            keepText(commandLine),
                            keepText(user),
                            keepText(integrity),
                            keepText(hashes),
                            keepText(parentGuid),
                            keepText(parentImage),
                            keepText(parentCommandLine)};
        hold(p, heldProcesses_, insertProcess_, insertProcessMany_, kProcessColumns, &SysmonWriter::bindProcess);
    } else {
        // The create's thirteen values (pid to record), bound from parameter FIRST on: the update
        // by id and the upsert take them in the same order.
        auto bindCreate = [&](Statement& st, int first) {
            st.bindIntOrNull(first, pid);
            st.bindTextOrNull(first + 1, image).bindTextOrNull(first + 2, commandLine).bindTextOrNull(first + 3, user);
            st.bindTextOrNull(first + 4, integrity);
            security ? st.bindNull(first + 5) : st.bindTextOrNull(first + 5, hashes);
            st.bindTextOrNull(first + 6, parentGuid);
            parentId ? st.bind(first + 7, parentId) : st.bindNull(first + 7);
            st.bindTextOrNull(first + 8, parentImage).bindTextOrNull(first + 9, parentCommandLine);
            st.bind(first + 10, r.tsUs).bind(first + 11, evidenceId_).bind(first + 12, r.pos.record);
        };
        if (cached && cached->id != 0) {
            // In the table already, and its id is known: what the upsert's DO UPDATE does, by
            // rowid, without the upsert's search of the (host_id, process_guid) index.
            id = cached->id;
            bindCreate(updateCreate_, 1);
            updateCreate_.bind(14, id).exec();
        } else {
            if (!cached) {
                flushProcesses(); // the upsert may insert: with the rowid the held rows were promised
            }
            Statement& st = upsertCreate_;
            st.bind(1, host).bind(2, guid);
            bindCreate(st, 3);
            if (st.step()) {
                id = st.int64(0);
            }
            st.reset();
            nextProcessId_ = std::max(nextProcessId_, id + 1);
        }
    }
    if (cached) {
        cached->id = id;
    } else {
        addProcess(host, guid, ProcessSeen{id});
    }
    if (pid >= 0) {
        lastByPid_[{host, pid}] = id;
    }
    return id;
}

void SysmonWriter::bindProcess(Statement& s, int base, const HeldProcess& p) {
    auto time = [&](int i, int64_t v) { v == kNoTime ? s.bindNull(base + i) : s.bind(base + i, v); };
    s.bind(base + 1, p.id).bind(base + 2, p.host).bindStatic(base + 3, textAt(p.guid));
    s.bindIntOrNull(base + 4, p.pid);
    s.bindStaticOrNull(base + 5, textAt(p.image)).bindStaticOrNull(base + 6, textAt(p.commandLine));
    s.bindStaticOrNull(base + 7, textAt(p.user)).bindStaticOrNull(base + 8, textAt(p.integrity));
    s.bindStaticOrNull(base + 9, textAt(p.hashes)).bindStaticOrNull(base + 10, textAt(p.parentGuid));
    p.parentId ? s.bind(base + 11, p.parentId) : s.bindNull(base + 11);
    s.bindStaticOrNull(base + 12, textAt(p.parentImage)).bindStaticOrNull(base + 13, textAt(p.parentCommandLine));
    time(14, p.startTs);
    time(15, p.endTs);
    s.bindStatic(base + 16, p.knownFrom).bind(base + 17, evidenceId_).bind(base + 18, p.record);
}

void SysmonWriter::noteAddress(std::string_view ip, int64_t host, int64_t ts) {
    ip = dashEmpty(ip);
    if (!isHostAddress(ip)) {
        return;
    }
    if (ip.starts_with("::ffff:")) {
        ip.remove_prefix(7);
    }
    auto it = addresses_.find(keyFor(host, ip));
    if (it == addresses_.end()) {
        it = addresses_.emplace(std::string(key_), AddressSeen{}).first;
    }
    AddressSeen& a = it->second;
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

void SysmonWriter::bindEvent(Statement& s, int base, const HeldEvent& e) {
    s.bind(base + 1, e.id).bind(base + 2, evidenceId_).bind(base + 3, e.record);
    s.bindIntOrNull(base + 4, e.recordNumber).bind(base + 5, e.ts);
    e.host ? s.bind(base + 6, e.host) : s.bindNull(base + 6);
    s.bindStaticOrNull(base + 7, e.channel).bindStaticOrNull(base + 8, e.provider).bind(base + 9, e.eventId);
    e.process ? s.bind(base + 10, e.process) : s.bindNull(base + 10);
    s.bindStatic(base + 11,
                 e.ownJson >= 0 ? std::string_view(text_).substr(size_t(e.ownJson), e.ownJsonLength) : e.json);
}

void SysmonWriter::bindNet(Statement& s, int base, const HeldNet& n) {
    s.bind(base + 1, n.event).bind(base + 2, n.host);
    n.process ? s.bind(base + 3, n.process) : s.bindNull(base + 3);
    s.bind(base + 4, n.ts).bindStaticOrNull(base + 5, n.protocol);
    n.initiated >= 0 ? s.bind(base + 6, n.initiated) : s.bindNull(base + 6);
    s.bindStaticOrNull(base + 7, n.src).bindIntOrNull(base + 8, n.srcPort);
    s.bindStaticOrNull(base + 9, n.dst).bindIntOrNull(base + 10, n.dstPort);
    s.bindStaticOrNull(base + 11, n.dstHost);
}

void SysmonWriter::bindDnsQuery(Statement& s, int base, const HeldDnsQuery& d) {
    s.bind(base + 1, d.event).bind(base + 2, d.host);
    d.process ? s.bind(base + 3, d.process) : s.bindNull(base + 3);
    s.bind(base + 4, d.ts);
    d.domain ? s.bind(base + 5, d.domain) : s.bindNull(base + 5);
    s.bindStaticOrNull(base + 6, d.status);
    s.bindStaticOrNull(base + 7, std::string_view(text_).substr(d.answers.offset, d.answers.length));
}

// Inserts the row now, or holds it and inserts kRowsPerInsert held rows with one statement. A row
// goes in only after the rows it points to, as the foreign keys would have it: a connection or
// DNS query waits for its event's group; an event waits for its process's group, but not for
// long: past kMaxWaiting rows the held processes go in as they are (a log of few processes would
// otherwise hold its events until the batch ends, then insert them one by one).
template <class Held>
void SysmonWriter::hold(const Held& row, std::vector<Held>& held, Statement& one, Statement& many, int columns,
                        void (SysmonWriter::*bind)(Statement&, int, const Held&)) {
    if (!holding_) {
        (this->*bind)(one, 0, row);
        stepBound(one);
        return;
    }
    held.push_back(row);
    constexpr size_t kMaxWaiting = 4 * kRowsPerInsert;
    while (held.size() >= kRowsPerInsert) {
        bool ready = true;
        for (int i = 0; i < kRowsPerInsert && ready; ++i) {
            ready = pointsToWritten(held[size_t(i)]);
        }
        if (!ready && held.size() >= kMaxWaiting) {
            flushProcesses();
            ready = true;
            for (int i = 0; i < kRowsPerInsert && ready; ++i) {
                ready = pointsToWritten(held[size_t(i)]);
            }
        }
        if (!ready) {
            return; // after the next group of the rows it points to
        }
        for (int i = 0; i < kRowsPerInsert; ++i) {
            (this->*bind)(many, i * columns, held[static_cast<size_t>(i)]);
        }
        stepBound(many);
        held.erase(held.begin(), held.begin() + kRowsPerInsert);
    }
}

template <class Held>
void SysmonWriter::flushHeld(std::vector<Held>& held, Statement& one,
                             void (SysmonWriter::*bind)(Statement&, int, const Held&)) {
    for (const Held& row : held) {
        (this->*bind)(one, 0, row);
        stepBound(one);
    }
    held.clear();
}

bool SysmonWriter::pointsToWritten(const HeldEvent& e) const {
    return heldProcesses_.empty() || e.process < heldProcesses_.front().id;
}

bool SysmonWriter::pointsToWritten(const HeldNet& n) const {
    return (heldEvents_.empty() || n.event < heldEvents_.front().id) &&
           (heldProcesses_.empty() || n.process < heldProcesses_.front().id);
}

bool SysmonWriter::pointsToWritten(const HeldDnsQuery& d) const {
    return (heldEvents_.empty() || d.event < heldEvents_.front().id) &&
           (heldProcesses_.empty() || d.process < heldProcesses_.front().id);
}

void SysmonWriter::flushProcesses() {
    flushHeld(heldProcesses_, insertProcess_, &SysmonWriter::bindProcess);
}

void SysmonWriter::flushRows() {
    flushProcesses();
    flushHeld(heldEvents_, insertEvent_, &SysmonWriter::bindEvent);
    flushHeld(heldNets_, insertNet_, &SysmonWriter::bindNet);
    flushHeld(heldDnsQueries_, insertDnsQuery_, &SysmonWriter::bindDnsQuery);
    text_.clear();
}

int64_t SysmonWriter::insertEvent(const SysmonRecord& r, int64_t host, int64_t process) {
    HeldEvent e{nextEventId_++, r.pos.record, r.recordNumber, r.tsUs,       host, process,
                r.eventId,      r.channel,    r.provider,     r.fieldsJson, -1,   0};
    if (e.json.empty()) {
        if (holding_) { // the record's bytes outlive this call, the writer's own buffer does not
            e.ownJson = int64_t(text_.size());
            appendFieldsJson(r.fields, text_);
            e.ownJsonLength = uint32_t(text_.size() - size_t(e.ownJson));
        } else {
            json_.clear();
            appendFieldsJson(r.fields, json_);
            e.json = json_;
        }
    }
    hold(e, heldEvents_, insertEvent_, insertEventMany_, kEventColumns, &SysmonWriter::bindEvent);
    return e.id;
}

void SysmonWriter::securityProcessCreate(const SysmonRecord& r, const Slots& f, int64_t host) {
    // 4688 has no GUIDs. The key carries the start time so that a reused PID is a new process.
    const int64_t pid = pidValue(f[NewProcessId]);
    const std::string guid = "4688:" + std::to_string(pid) + "@" + std::to_string(r.tsUs);
    int64_t parent = 0;
    const int64_t ppid = pidValue(f[ProcessId]);
    if (ppid >= 0) {
        if (auto it = lastByPid_.find({host, ppid}); it != lastByPid_.end()) {
            parent = it->second;
        } else {
            Statement& q = findProcess_;
            q.bind(1, host).bind(2, ppid).bind(3, r.tsUs);
            if (q.step()) {
                parent = q.int64(0);
            }
            q.reset();
        }
    }
    const int64_t id = processCreate(host, guid, r, f, parent, {});
    insertEvent(r, host, id);
}

void SysmonWriter::write(const SysmonRecord& r) {
    const int64_t host = hostFor(r.computer);
    Slots& f = slots_;
    fillSlots(r.fields, f);
    if (r.eventId == 4688 && r.channel == "Security") {
        securityProcessCreate(r, f, host);
        return;
    }
    if (!isSysmon(r, f)) {
        insertEvent(r, host, 0); // other channels are kept as they are
        return;
    }
    const bool hasGuid = normalizeGuidInto(f[ProcessGuid], guid_);
    const std::string_view guid = guid_;
    int64_t process = 0;
    switch (r.eventId) {
    case 1:
        if (hasGuid) {
            normalizeGuidInto(f[ParentProcessGuid], parentGuid_);
            int64_t parent = 0;
            if (!parentGuid_.empty() && parentGuid_ != guid) {
                parent = processStub(host, parentGuid_,
                                     Stub{f[ParentProcessId], f[ParentImage], f[ParentCommandLine], f[ParentUser]},
                                     "parent", r);
            }
            process = processCreate(host, guid, r, f, parent, parentGuid_);
        }
        break;
    case 5:
        if (hasGuid) {
            process = processStub(host, guid, Stub{f[ProcessId], f[Image], {}, f[User]}, "other", r);
            if (HeldProcess* held = heldProcess(process)) {
                held->endTs = r.tsUs;
            } else {
                endProcess_.bind(1, r.tsUs).bind(2, process).exec();
            }
        }
        break;
    case 3:
        if (hasGuid) {
            process = processStub(host, guid, Stub{f[ProcessId], f[Image], {}, f[User]}, "network", r);
        }
        break;
    case 22:
        if (hasGuid) {
            process = processStub(host, guid, Stub{f[ProcessId], f[Image], {}, f[User]}, "dns", r);
        }
        break;
    default:
        if (hasGuid) {
            process = processStub(host, guid, Stub{f[ProcessId], f[Image], {}, f[User]}, "other", r);
        }
        break;
    }
    const int64_t event = insertEvent(r, host, process);
    if (r.eventId == 3) {
        const std::string_view initiated = trim(f[Initiated]);
        const bool out = initiated == "true" || initiated == "True" || initiated == "1";
        const bool known = out || initiated == "false" || initiated == "False" || initiated == "0";
        int64_t srcPort = -1, dstPort = -1;
        parseInt(trim(f[SourcePort]), srcPort);
        parseInt(trim(f[DestinationPort]), dstPort);
        std::string_view src = dashEmpty(f[SourceIp]);
        std::string_view dst = dashEmpty(f[DestinationIp]);
        for (std::string_view* ip : {&src, &dst}) {
            if (ip->starts_with("::ffff:")) {
                ip->remove_prefix(7);
            }
        }
        const HeldNet n{event,
                        host,
                        process,
                        r.tsUs,
                        srcPort,
                        dstPort,
                        known ? (out ? 1 : 0) : -1,
                        dashEmpty(f[Protocol]),
                        src,
                        dst,
                        dashEmpty(f[DestinationHostname])};
        hold(n, heldNets_, insertNet_, insertNetMany_, kNetColumns, &SysmonWriter::bindNet);
        // The local end names this host's address: the source when the process connected out,
        // the destination when it accepted.
        if (known) {
            noteAddress(out ? src : dst, host, r.tsUs);
        }
    } else if (r.eventId == 22) {
        const int64_t domain = domainFor(f[QueryName]);
        if (!holding_) {
            text_.clear();
        }
        const size_t at = text_.size();
        text_ += answerAddresses(f[QueryResults]);
        const HeldDnsQuery d{event,
                             host,
                             process,
                             r.tsUs,
                             domain,
                             dashEmpty(f[QueryStatus]),
                             TextAt{uint32_t(at), uint32_t(text_.size() - at)}};
        hold(d, heldDnsQueries_, insertDnsQuery_, insertDnsQueryMany_, kDnsQueryColumns, &SysmonWriter::bindDnsQuery);
    }
}

void SysmonWriter::finish() {
    flushRows();
    Statement up(db_,
                 "INSERT INTO host_addresses(ip, host_id, first_ts, last_ts, source) VALUES (?, ?, ?, ?, 'sysmon') "
                 "ON CONFLICT(ip, host_id) DO UPDATE SET "
                 "first_ts = min(coalesce(first_ts, excluded.first_ts), excluded.first_ts), "
                 "last_ts = max(coalesce(last_ts, excluded.last_ts), excluded.last_ts)");
    for (const auto& [key, a] : addresses_) {
        int64_t host = 0;
        std::memcpy(&host, key.data(), sizeof host);
        up.bind(1, std::string_view(key).substr(sizeof host)).bind(2, host).bind(3, a.first).bind(4, a.last).exec();
    }
    addresses_.clear();
}

} // namespace socwb
