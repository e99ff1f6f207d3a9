#include "statement.h"

#include <string>

namespace socwb {

namespace {
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view context) {
    std::string msg(context);
    msg += ": ";
    msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    throw SqlError(msg, rc);
}
} // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
    const int rc =
        sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc != SQLITE_OK) {
        fail(db, rc, "prepare failed for \"" + std::string(sql.substr(0, 80)) + "\"");
    }
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        db_ = other.db_;
        stmt_ = other.stmt_;
        other.stmt_ = nullptr;
    }
    return *this;
}

Statement& Statement::checked(int rc, int idx) {
    if (rc != SQLITE_OK) {
        fail(db_, rc, "binding parameter " + std::to_string(idx) + " failed");
    }
    return *this;
}

Statement& Statement::bind(int idx, int64_t v) {
    return checked(sqlite3_bind_int64(stmt_, idx, v), idx);
}

Statement& Statement::bind(int idx, double v) {
    return checked(sqlite3_bind_double(stmt_, idx, v), idx);
}

Statement& Statement::bind(int idx, std::string_view v) {
    return checked(sqlite3_bind_text(stmt_, idx, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT), idx);
}

Statement& Statement::bindStatic(int idx, std::string_view v) {
    return checked(sqlite3_bind_text(stmt_, idx, v.data(), static_cast<int>(v.size()), SQLITE_STATIC), idx);
}

Statement& Statement::bindBlob(int idx, std::string_view v) {
    return checked(sqlite3_bind_blob(stmt_, idx, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT), idx);
}

Statement& Statement::bindNull(int idx) {
    return checked(sqlite3_bind_null(stmt_, idx), idx);
}

Statement& Statement::bindTextOrNull(int idx, std::string_view v) {
    return v.empty() ? bindNull(idx) : bind(idx, v);
}

Statement& Statement::bindStaticOrNull(int idx, std::string_view v) {
    return v.empty() ? bindNull(idx) : bindStatic(idx, v);
}

Statement& Statement::bindIntOrNull(int idx, int64_t v, int64_t nullValue) {
    return v == nullValue ? bindNull(idx) : bind(idx, v);
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    fail(db_, rc, "step failed");
}

void Statement::exec() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

void Statement::rewind() {
    const int rc = sqlite3_reset(stmt_);
    if (rc != SQLITE_OK) {
        fail(db_, rc, "reset failed");
    }
}

int64_t Statement::int64(int col) const {
    return sqlite3_column_int64(stmt_, col);
}
double Statement::real(int col) const {
    return sqlite3_column_double(stmt_, col);
}
bool Statement::isNull(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}
int Statement::columnCount() const {
    return sqlite3_column_count(stmt_);
}

std::string Statement::text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

void stepBound(Statement& s) {
    s.step();
    s.rewind();
}

std::string multiRowInsert(std::string_view head, int columns, int rows) {
    std::string row = "(";
    for (int c = 0; c < columns; ++c) {
        row += c ? ",?" : "?";
    }
    row += ")";
    std::string sql(head);
    for (int r = 0; r < rows; ++r) {
        sql += r ? "," + row : row;
    }
    return sql;
}

void execSql(sqlite3* db, std::string_view sql) {
    char* err = nullptr;
    const std::string owned(sql);
    const int rc = sqlite3_exec(db, owned.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        throw SqlError(msg, rc);
    }
}

std::optional<int64_t> queryInt(sqlite3* db, std::string_view sql) {
    Statement st(db, sql);
    if (st.step()) {
        return st.int64(0);
    }
    return std::nullopt;
}

std::string queryText(sqlite3* db, std::string_view sql) {
    Statement st(db, sql);
    return st.step() ? st.text(0) : std::string();
}

Transaction::Transaction(sqlite3* db) : db_(db) {
    execSql(db_, "BEGIN IMMEDIATE");
}

// After some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM) SQLite has rolled the transaction
// back itself; a second ROLLBACK would fail with "no transaction is active" and hide the real error.
Transaction::~Transaction() {
    if (open_ && !sqlite3_get_autocommit(db_)) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void Transaction::commit() {
    execSql(db_, "COMMIT");
    open_ = false;
}

void Transaction::rollback() {
    open_ = false;
    if (!sqlite3_get_autocommit(db_)) {
        execSql(db_, "ROLLBACK");
    }
}

} // namespace socwb
