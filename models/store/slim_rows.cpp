#include "slim_rows.h"

#include <charconv>

namespace socwb::slim {

int defaultPort(std::string_view scheme) {
    if (scheme == "http") {
        return 80;
    }
    if (scheme == "https") {
        return 443;
    }
    if (scheme == "ftp") {
        return 21;
    }
    return -1;
}

void rebuildUrl(std::string& out, std::string_view scheme, std::string_view host, int64_t port, std::string_view path,
                std::string_view query) {
    if (!scheme.empty()) {
        out += scheme;
        out += "://";
    }
    if (!host.empty()) {
        const bool v6 = host.find(':') != std::string_view::npos;
        if (v6) {
            out += '[';
        }
        out += host;
        if (v6) {
            out += ']';
        }
        if (port != -1 && port != defaultPort(scheme)) {
            char buf[24];
            const auto end = std::to_chars(buf, buf + sizeof buf, port).ptr;
            out += ':';
            out.append(buf, end);
        }
    }
    out += path;
    if (!query.empty()) {
        out += '?';
        out += query;
    }
}

bool urlToStore(std::string& scratch, std::string_view loggedUrl, std::string_view scheme, std::string_view host,
                int64_t port, std::string_view path, std::string_view query) {
    scratch.clear();
    rebuildUrl(scratch, scheme, host, port, path, query);
    if (scratch == loggedUrl) {
        return false;
    }
    scratch.assign(loggedUrl);
    return true;
}

std::string urlSql(const std::string& stored, const std::string& scheme, const std::string& host,
                   const std::string& port, const std::string& path, const std::string& query) {
    // A port compared with a NULL default (no scheme) is unknown, so the CASE shows it, as the C++ does.
    return "NULLIF(coalesce(" + stored + ", coalesce(" + scheme + " || '://', '') || CASE WHEN " + host +
           " IS NULL THEN '' ELSE (CASE WHEN instr(" + host + ", ':') > 0 THEN '[' || " + host + " || ']' ELSE " +
           host + " END) || (CASE WHEN " + port + " IS NULL OR " + port + " = (CASE " + scheme +
           " WHEN 'http' THEN 80 WHEN 'https' THEN 443 WHEN 'ftp' THEN 21 END) THEN '' ELSE ':' || " + port +
           " END) END || coalesce(" + path + ", '') || coalesce('?' || " + query + ", '')), '')";
}

StringInterner::StringInterner(sqlite3* db)
    : find_(db, "SELECT id FROM strings WHERE value = ?"), insert_(db, "INSERT INTO strings(value) VALUES (?)"),
      db_(db) {}

int64_t StringInterner::id(std::string_view value) {
    if (value.empty()) {
        return 0;
    }
    if (auto it = cache_.find(value); it != cache_.end()) {
        return it->second;
    }
    if (cache_.size() >= kMaxCached) {
        cache_.clear(); // bounded memory: a log with millions of distinct values is looked up in SQLite
    }
    find_.bindStatic(1, value);
    int64_t id = find_.step() ? find_.int64(0) : 0;
    find_.reset();
    if (id == 0) {
        insert_.bindStatic(1, value);
        insert_.exec();
        id = sqlite3_last_insert_rowid(db_);
    }
    cache_.emplace(std::string(value), id);
    return id;
}

StringLookup::StringLookup(sqlite3* db) : find_(db, "SELECT value FROM strings WHERE id = ?") {}

const std::string& StringLookup::text(int64_t id) {
    if (id == 0) {
        return empty_;
    }
    auto it = cache_.find(id);
    if (it == cache_.end()) {
        find_.bind(1, id);
        it = cache_.emplace(id, find_.step() ? find_.text(0) : std::string()).first;
        find_.reset();
    }
    return it->second;
}

} // namespace socwb::slim
