// Thin RAII helpers over SQLite's C API: prepared statements with bound parameters, and a
// transaction guard. Every value that came from evidence goes through bind(), never into SQL text.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace socwb {

class SqlError : public std::runtime_error {
  public:
    SqlError(const std::string& what, int code) : std::runtime_error(what), code_(code) {}
    int code() const { return code_; }

  private:
    int code_;
};

class Statement {
  public:
    Statement() = default;
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;

    // Binding is 1-based like SQLite. Text is bound SQLITE_TRANSIENT unless bindStatic() is used,
    // where the caller guarantees the bytes outlive the next step().
    Statement& bind(int idx, int64_t v);
    Statement& bind(int idx, int v) { return bind(idx, static_cast<int64_t>(v)); }
    Statement& bind(int idx, double v);
    Statement& bind(int idx, std::string_view v);
    Statement& bind(int idx, const char* v) { return bind(idx, std::string_view(v)); }
    Statement& bind(int idx, const std::string& v) { return bind(idx, std::string_view(v)); }
    Statement& bindStatic(int idx, std::string_view v);
    Statement& bindBlob(int idx, std::string_view v);
    Statement& bindNull(int idx);
    // Empty text and negative sentinels become NULL: "the format had no such field". Text is copied.
    Statement& bindTextOrNull(int idx, std::string_view v);
    // As bindTextOrNull() without the copy: the caller guarantees the bytes outlive the next step().
    Statement& bindStaticOrNull(int idx, std::string_view v);
    Statement& bindIntOrNull(int idx, int64_t v, int64_t nullValue = -1);

    bool step();  // true while a row is available
    void exec();  // step to completion, expecting no rows
    void reset(); // reset and clear bindings
    // Makes a stepped statement ready for the next row, keeping its bindings; throws when the
    // last step failed.
    void rewind();

    int64_t int64(int col) const;
    double real(int col) const;
    std::string text(int col) const;
    bool isNull(int col) const;
    int columnCount() const;

    sqlite3_stmt* handle() const { return stmt_; }

  private:
    // Every bind reports its failure (a wrong index, text too big): no row goes in half bound.
    Statement& checked(int rc, int idx);
    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
};

// Runs SQL that takes no parameters (DDL, pragmas). Throws SqlError with SQLite's message.
void execSql(sqlite3* db, std::string_view sql);
// First column of the first row as an integer; nullopt when there is no row.
std::optional<int64_t> queryInt(sqlite3* db, std::string_view sql);
// First column of the first row as text; empty when there is no row.
std::string queryText(sqlite3* db, std::string_view sql);
// Steps a statement whose parameters are all bound, and makes it ready for the next rows (bound
// again before the next step).
void stepBound(Statement& s);
// "HEAD(?,?,...),(?,?,...)" for `rows` rows of `columns` parameters; head ends in "VALUES ".
std::string multiRowInsert(std::string_view head, int columns, int rows);

// BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless commit() was called.
class Transaction {
  public:
    explicit Transaction(sqlite3* db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();
    void rollback();

  private:
    sqlite3* db_;
    bool open_ = true;
};

} // namespace socwb
