#include "case_validation.h"

#include "case_store.h"
#include "core/logging.h"
#include "ingest/read/plausibility_filter.h"
#include "statement.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

namespace socwb::validation {

namespace {

enum class Kind {
    Ref,        // an id of `target` (NULL allowed unless required)
    RowId,      // the table's own id: positive
    Time,       // event time in microseconds, within the plausible years
    Count,      // a whole number >= 0 (bytes, requests)
    Port,       // 1..65535
    Share,      // a number from 0 to 1
    Score,      // a number from 0 to 100
    Measure,    // a finite number >= 0 (seconds, ratios)
    JsonObject, // text that parses as a JSON object
    JsonArray,  // text that parses as a JSON array
    IsoTime,    // an ISO-8601 time SQLite's date functions read
    Text,       // non-empty text
    Severity,   // one of the severity bands
};

struct Rule {
    const char* table;
    const char* column;
    Kind kind;
    bool required = false;
    const char* target = nullptr; // Ref only
};

// What must hold of the rows everything else reads. One line per column; a table's rules run as
// one scan. Tables the engine indexes into (hosts, domains, processes, strings) are targets here,
// so every id that reaches an array index is checked against the rows that exist. Interned text
// only the views show (client address, content type…) is looked up by SQL, where a missing row
// reads as NULL, so it is left out: the scan costs per column.
const std::vector<Rule>& rules() {
    static const std::vector<Rule> kRules{
        {"hosts", "id", Kind::RowId},
        {"hosts", "name", Kind::Text, true},
        {"host_addresses", "host_id", Kind::Ref, true, "hosts"},
        {"domains", "id", Kind::RowId},
        {"domains", "name", Kind::Text, true},
        {"strings", "id", Kind::RowId},
        {"evidence", "id", Kind::RowId},
        {"proxy_rows", "id", Kind::RowId},
        {"proxy_rows", "host_id", Kind::Ref, false, "hosts"},
        {"proxy_rows", "domain_id", Kind::Ref, false, "domains"},
        {"proxy_rows", "ts_us", Kind::Time, true},
        {"proxy_rows", "method_s", Kind::Ref, false, "strings"},
        {"proxy_rows", "user_agent_s", Kind::Ref, false, "strings"},
        {"proxy_rows", "bytes_out", Kind::Count},
        {"proxy_rows", "bytes_in", Kind::Count},
        {"proxy_rows", "dest_port", Kind::Port},
        {"proxy_rows", "evidence_id", Kind::Ref, true, "evidence"},
        {"dns_rows", "id", Kind::RowId},
        {"dns_rows", "host_id", Kind::Ref, false, "hosts"},
        {"dns_rows", "domain_id", Kind::Ref, false, "domains"},
        {"dns_rows", "ts_us", Kind::Time, true},
        {"dns_rows", "answers_s", Kind::Ref, false, "strings"},
        {"dns_rows", "evidence_id", Kind::Ref, true, "evidence"},
        {"processes", "id", Kind::RowId},
        {"processes", "host_id", Kind::Ref, true, "hosts"},
        {"processes", "parent_id", Kind::Ref, false, "processes"},
        {"sysmon_events", "id", Kind::RowId},
        {"sysmon_events", "ts_us", Kind::Time, true},
        {"sysmon_events", "host_id", Kind::Ref, false, "hosts"},
        {"sysmon_events", "process_id", Kind::Ref, false, "processes"},
        {"sysmon_events", "evidence_id", Kind::Ref, true, "evidence"},
        {"net_connections", "id", Kind::RowId},
        {"net_connections", "event_id", Kind::Ref, true, "sysmon_events"},
        {"net_connections", "host_id", Kind::Ref, false, "hosts"},
        {"net_connections", "process_id", Kind::Ref, false, "processes"},
        {"net_connections", "ts_us", Kind::Time, true},
        {"net_connections", "dst_port", Kind::Port},
        {"dns_queries", "id", Kind::RowId},
        {"dns_queries", "event_id", Kind::Ref, true, "sysmon_events"},
        {"dns_queries", "host_id", Kind::Ref, false, "hosts"},
        {"dns_queries", "process_id", Kind::Ref, false, "processes"},
        {"dns_queries", "domain_id", Kind::Ref, false, "domains"},
        {"dns_queries", "ts_us", Kind::Time, true},
        {"attributions", "process_id", Kind::Ref, true, "processes"},
        {"attributions", "confidence", Kind::Share, true},
        {"attributions", "matched_event_id", Kind::Ref, false, "sysmon_events"},
        {"suppressions", "id", Kind::RowId},
        {"suppressions", "created_at", Kind::IsoTime, true},
        {"suppressions", "expires_at", Kind::IsoTime},
        {"alerts", "id", Kind::RowId},
        {"alerts", "host_id", Kind::Ref, false, "hosts"},
        {"alerts", "process_id", Kind::Ref, false, "processes"},
        {"alerts", "domain_id", Kind::Ref, false, "domains"},
        {"alerts", "suppressed_by", Kind::Ref, false, "suppressions"},
        {"alerts", "score", Kind::Score, true},
        {"alerts", "severity", Kind::Severity, true},
        {"alerts", "requests", Kind::Count, true},
        {"alerts", "proxy_requests", Kind::Count, true},
        {"alerts", "dns_queries", Kind::Count, true},
        {"alerts", "net_connections", Kind::Count, true},
        {"alerts", "first_ts", Kind::Time, true},
        {"alerts", "last_ts", Kind::Time, true},
        {"alerts", "median_interval_s", Kind::Measure},
        {"alerts", "jitter", Kind::Measure},
        {"alerts", "bytes_out", Kind::Count},
        {"alerts", "bytes_in", Kind::Count},
        {"alerts", "features", Kind::JsonObject, true},
        {"alerts", "factors", Kind::JsonArray, true},
        // A SIEM's grouped rows (schema 11): the scoring engine turns them into channels.
        {"siem_rows", "id", Kind::RowId},
        {"siem_rows", "evidence_id", Kind::Ref, true, "evidence"},
        {"siem_rows", "host", Kind::Text, true},
        {"siem_rows", "dest", Kind::Text, true},
        {"siem_rows", "polls", Kind::Count, true},
        {"siem_rows", "requests", Kind::Count},
        {"siem_rows", "intervals", Kind::Count},
        {"siem_rows", "median_interval_s", Kind::Measure, true},
        {"siem_rows", "spread", Kind::Measure, true},
        {"siem_rows", "gap_p25", Kind::Measure},
        {"siem_rows", "gap_p75", Kind::Measure},
        {"siem_rows", "bytes_out", Kind::Count},
        {"siem_rows", "bytes_in", Kind::Count},
        {"siem_rows", "paths", Kind::Count},
        {"siem_rows", "first_us", Kind::Time, true},
        {"siem_rows", "last_us", Kind::Time, true},
    };
    return kRules;
}

// How a table names a row in messages (WITHOUT ROWID tables have no id).
std::string rowLabelSql(const std::string& table) {
    if (table == "attributions") {
        return "request_kind || ' ' || request_id";
    }
    if (table == "host_addresses") {
        return "quote(ip) || ' of host ' || host_id";
    }
    return "id";
}

// Where the ids of a target table lie: when they are exactly lo..hi, a range test is the
// existence test and costs no lookup per row.
struct Span {
    int64_t lo = 1, hi = 0;
    bool contiguous = false;
};

std::string num(int64_t v) {
    return std::to_string(v);
}

std::string shown(const std::string& c) {
    return "substr(quote(" + c + "), 1, 48)";
}

std::string refCondition(const Rule& r, const std::string& c, const std::map<std::string, Span>* spans) {
    if (spans) {
        const auto it = spans->find(r.target);
        if (it != spans->end() && it->second.contiguous) {
            return "(typeof(" + c + ") != 'integer' OR " + c + " < " + num(it->second.lo) + " OR " + c + " > " +
                   num(it->second.hi) + ")";
        }
    }
    return "NOT EXISTS (SELECT 1 FROM " + std::string(r.target) + " AS t WHERE t.id = " + c + ")";
}

// One WHEN … THEN … pair (two for a required column) of the table's CASE expression.
std::string whenSql(const Rule& r, const std::map<std::string, Span>* spans) {
    // Qualified, so a subquery over the same table (processes.parent_id) reads the outer row.
    const std::string c = std::string(r.table) + "." + r.column;
    const std::string name = r.column;
    std::string out;
    if (r.required && r.kind != Kind::RowId) {
        out += " WHEN " + c + " IS NULL THEN '" + name + " is missing'";
    }
    auto when = [&](const std::string& bad, const std::string& says) {
        out +=
            " WHEN " + c + " IS NOT NULL AND (" + bad + ") THEN '" + name + " ' || " + shown(c) + " || ' " + says + "'";
    };
    const std::string number = "typeof(" + c + ") NOT IN ('integer', 'real')";
    switch (r.kind) {
    case Kind::Ref:
        when(refCondition(r, c, spans), std::string("is not a row of ") + r.target);
        break;
    case Kind::RowId:
        when(c + " < 1", "is not a positive id");
        break;
    case Kind::Time:
        when("typeof(" + c + ") != 'integer' OR " + c + " < " + num(plausible::kMinTsUs) + " OR " + c +
                 " >= " + num(plausible::kMaxTsUs),
             "is not a time from 1990 to 2099 (UTC microseconds)");
        break;
    case Kind::Count:
        when("typeof(" + c + ") != 'integer' OR " + c + " < 0 OR " + c + " > 1000000000000000",
             "is not a whole number from 0 to 10^15");
        break;
    case Kind::Port:
        when("typeof(" + c + ") != 'integer' OR " + c + " < 1 OR " + c + " > 65535", "is not a port (1 to 65535)");
        break;
    case Kind::Share:
        when(number + " OR " + c + " < 0 OR " + c + " > 1", "is not a number from 0 to 1");
        break;
    case Kind::Score:
        when(number + " OR " + c + " < 0 OR " + c + " > 100", "is not a number from 0 to 100");
        break;
    case Kind::Measure:
        when(number + " OR " + c + " < 0 OR " + c + " > 1e12", "is not a finite number from 0 to 10^12");
        break;
    case Kind::JsonObject:
        when("typeof(" + c + ") != 'text' OR NOT json_valid(" + c + ") OR json_type(" + c + ") != 'object'",
             "is not a JSON object");
        break;
    case Kind::JsonArray:
        when("typeof(" + c + ") != 'text' OR NOT json_valid(" + c + ") OR json_type(" + c + ") != 'array'",
             "is not a JSON array");
        break;
    case Kind::IsoTime:
        when("typeof(" + c + ") != 'text' OR julianday(" + c + ") IS NULL", "is not an ISO-8601 time");
        break;
    case Kind::Text:
        when("typeof(" + c + ") != 'text' OR length(" + c + ") = 0", "is not text");
        break;
    case Kind::Severity:
        when(c + " NOT IN ('info', 'low', 'medium', 'high', 'critical')", "is not a severity");
        break;
    }
    return out;
}

std::string caseSql(const std::string& table, const std::map<std::string, Span>* spans) {
    std::string whens;
    for (const Rule& r : rules()) {
        if (table == r.table) {
            whens += whenSql(r, spans);
        }
    }
    return whens.empty() ? std::string() : "CASE" + whens + " END";
}

std::string caseName(const QString& shown) {
    return shown.toStdString();
}

// A file state that passed: path, and size and modification time of the file and its WAL.
std::string fileState(const QString& path) {
    std::string key = QFileInfo(path).absoluteFilePath().toStdString();
    for (const QString& p : {path, path + QStringLiteral("-wal")}) {
        struct stat st {};
        if (::stat(QFile::encodeName(p).constData(), &st) == 0) {
            key += '|' + std::to_string(st.st_dev) + ':' + std::to_string(st.st_ino) + ':' +
                   std::to_string(st.st_size) + ':' + std::to_string(st.st_mtim.tv_sec) + '.' +
                   std::to_string(st.st_mtim.tv_nsec);
        } else {
            key += "|-";
        }
    }
    return key;
}

std::mutex& passedMutex() {
    static std::mutex m;
    return m;
}
std::set<std::string>& passed() {
    static std::set<std::string> s;
    return s;
}

} // namespace

void rowError(const std::string& table, int64_t row, const std::string& what) {
    throw CaseError(table + " row " + std::to_string(row) + ": " + what +
                    " (the case was changed outside socwb, or is damaged)");
}

void checkSchemaVersion(int version, int64_t tables, const QString& shown) {
    // user_version is a signed 32-bit header field anyone can set; migrations index by it.
    if (version < 0) {
        throw CaseError(caseName(shown) + ": not a case this version can open (case schema " + std::to_string(version) +
                        "; schemas run from 1 to the latest)");
    }
    if (version == 0 && tables > 0) {
        throw CaseError(caseName(shown) +
                        ": not a case this version can open (it holds tables but states no case schema)");
    }
}

std::string problemSql(const std::string& table) {
    return caseSql(table, nullptr);
}

void checkStructure(sqlite3* db, const QString& path, const QString& shownName) {
    const std::string state = fileState(path);
    {
        std::lock_guard lock(passedMutex());
        if (passed().count(state)) {
            return;
        }
    }
    std::map<std::string, Span> spans;
    for (const Rule& r : rules()) {
        if (r.kind != Kind::Ref || spans.count(r.target)) {
            continue;
        }
        Statement st(db, "SELECT min(id), max(id), count(*) FROM " + std::string(r.target));
        Span s;
        if (st.step() && !st.isNull(0)) {
            s.lo = st.int64(0);
            s.hi = st.int64(1);
            s.contiguous = s.hi - s.lo + 1 == st.int64(2);
        } else {
            s.contiguous = true; // empty: lo 1 > hi 0, so nothing is in range
        }
        spans[r.target] = s;
    }
    std::vector<std::string> tables;
    for (const Rule& r : rules()) {
        if (std::find(tables.begin(), tables.end(), r.table) == tables.end()) {
            tables.push_back(r.table);
        }
    }
    QElapsedTimer clock;
    clock.start();
    for (const std::string& table : tables) {
        const qint64 before = clock.elapsed();
        Statement st(db, "SELECT " + rowLabelSql(table) + ", problem FROM (SELECT *, " + caseSql(table, &spans) +
                             " AS problem FROM " + table + ") WHERE problem IS NOT NULL LIMIT 1");
        if (st.step()) {
            throw CaseError(caseName(shownName) + ": " + table + " row " + st.text(0) + ": " + st.text(1) +
                            " (the case was changed outside socwb, or is damaged)");
        }
        log::store()->debug("structural check of {}: {} ms", table, clock.elapsed() - before);
    }
    log::store()->info("{}: structural check passed in {} ms", path.toStdString(), clock.elapsed());
    std::lock_guard lock(passedMutex());
    passed().insert(state);
}

TableIds::TableIds(sqlite3* db, const char* table) : table_(table) {
    const std::string t(table);
    int64_t maxId = 0, count = 0;
    {
        Statement st(db, "SELECT coalesce(min(id), 1), coalesce(max(id), 0), count(*) FROM " + t);
        st.step();
        if (st.int64(0) < 1) {
            Statement which(db, "SELECT id FROM " + t + " WHERE id < 1 LIMIT 1");
            which.step();
            rowError(t, which.int64(0), "id " + std::to_string(which.int64(0)) + " is not a positive id");
        }
        maxId = st.int64(1);
        count = st.int64(2);
    }
    // socwb never deletes from these tables, so their ids are dense; a reader sizes arrays by them.
    if (maxId > 2 * count + 65536) {
        throw CaseError(t + ": ids reach " + std::to_string(maxId) + " for " + std::to_string(count) +
                        " rows; socwb writes them dense (the case was changed outside socwb, or is damaged)");
    }
    present_.assign(static_cast<size_t>(maxId + 1), false);
    Statement st(db, "SELECT id FROM " + t);
    while (st.step()) {
        present_[static_cast<size_t>(st.int64(0))] = true;
    }
}

size_t TableIds::index(int64_t id, const char* from, int64_t row, const char* column) const {
    if (!contains(id)) {
        rowError(from, row, std::string(column) + " " + std::to_string(id) + " is not a row of " + table_);
    }
    return static_cast<size_t>(id);
}

void checkTime(int64_t tsUs, const char* table, int64_t row, const char* column) {
    if (tsUs < plausible::kMinTsUs || tsUs >= plausible::kMaxTsUs) {
        rowError(table, row,
                 std::string(column) + " " + std::to_string(tsUs) +
                     " is not a time from 1990 to 2099 (UTC microseconds)");
    }
}

int64_t countOrAbsent(sqlite3_stmt* st, int col, const char* table, int64_t row, const char* column) {
    const int type = sqlite3_column_type(st, col);
    if (type == SQLITE_NULL) {
        return -1;
    }
    const int64_t v = sqlite3_column_int64(st, col);
    if (type != SQLITE_INTEGER || v < 0 || v > 1000000000000000LL) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
        rowError(table, row,
                 std::string(column) + " " + std::string(text ? text : "").substr(0, 48) +
                     " is not a whole number from 0 to 10^15");
    }
    return v;
}

} // namespace socwb::validation
