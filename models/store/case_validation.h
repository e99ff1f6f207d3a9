// A case file is untrusted until checked: one received from a colleague, restored from a backup or
// edited with sqlite3 can hold any bytes SQLite accepts. This room holds what must be true of a
// case's rows before the engine, the CLI or the window trusts them, and the helpers readers use to
// bounds-check every id they index with. A failed check names the table, the row and what is wrong,
// and is a CaseError (exit 3).
//
// Two layers, by cost:
//  - checkStructure(), on open: one scan per table of the rules in case_validation.cpp (ids that
//    point at rows that exist, times within the plausible years, counts that are whole and not
//    negative, scores and measures that are finite numbers in range, JSON that parses). It runs
//    where PRAGMA quick_check runs (cases up to kFullCheckMaxBytes) and is remembered per file state.
//  - readers: TableIds and the row* helpers below, used where an id becomes an index, so a case too
//    big for the open check, or changed since, still cannot crash a reader or mislead it.
#pragma once

#include <sqlite3.h>

#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace socwb::validation {

// Cases up to this size get PRAGMA quick_check and the structural check on open.
inline constexpr int64_t kFullCheckMaxBytes = 256LL * 1024 * 1024;

// Throws CaseError (unusable) "TABLE row ROW: WHAT".
[[noreturn]] void rowError(const std::string& table, int64_t row, const std::string& what);

// The version range check: a schema version this build cannot open (negative, or 0 on a file that
// already holds tables) is refused before any migration indexes with it. Throws CaseError.
void checkSchemaVersion(int version, int64_t tables, const QString& shown);

// The structural check of a case at the latest schema (see the header comment). Throws CaseError
// naming the first bad row found. A file state (path, size, times of the file and its WAL) that
// passed once in this process is not scanned again.
void checkStructure(sqlite3* db, const QString& path, const QString& shown);

// For readers that want the check as SQL: an expression over TABLE's columns (the table's own
// name, unaliased) that is NULL when the row is sound and otherwise says what is wrong
// ("score 'NaN' is not a number from 0 to 100"). Empty for a table without rules.
std::string problemSql(const std::string& table);

// The ids a lookup table (hosts, domains, processes, strings, suppressions) holds, for readers that
// index arrays with ids read from other tables. Throws CaseError when an id is not positive, or
// when the ids are too sparse to index densely (a case socwb writes has them dense).
class TableIds {
  public:
    TableIds(sqlite3* db, const char* table);
    bool contains(int64_t id) const {
        return id > 0 && static_cast<uint64_t>(id) < present_.size() && present_[static_cast<size_t>(id)];
    }
    int64_t maxId() const { return static_cast<int64_t>(present_.size()) - 1; }
    // `id`, read from COLUMN of FROM row ROW, as an index; throws naming that row unless the id is
    // one of this table's rows.
    size_t index(int64_t id, const char* from, int64_t row, const char* column) const;
    // As index(), with 0 (and NULL, read as 0) meaning "none".
    size_t indexOrNone(int64_t id, const char* from, int64_t row, const char* column) const {
        return id == 0 ? 0 : index(id, from, row, column);
    }

  private:
    std::string table_;
    std::vector<bool> present_; // by id
};

// A row's event time must lie in the plausible years (the import's own bounds).
void checkTime(int64_t tsUs, const char* table, int64_t row, const char* column);
// A column that counts (bytes, requests): NULL (returns -1), or a whole number >= 0.
int64_t countOrAbsent(sqlite3_stmt* st, int col, const char* table, int64_t row, const char* column);

} // namespace socwb::validation
