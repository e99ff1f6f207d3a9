// The case file's schema and its forward migrations. PRAGMA user_version holds the version; a
// migration is SQL applied in one transaction (v4 also copies rows, see schema.cpp), never edited once released — add a
// new one instead.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <functional>
#include <string>
#include <string_view>

namespace socwb::schema {

int latestVersion();
// What a long migration reports to, and the flag that cancels it (then migrate() throws SqlError
// with SQLITE_INTERRUPT and the case is as it was).
struct MigrationHooks {
    std::function<void(double fraction, const char* phase)> progress;
    const std::atomic<bool>* cancel = nullptr;
};
// Applies the migrations after the file's current version up to `target` (default: latest), all
// in one transaction.
void migrate(sqlite3* db, int target = -1, const MigrationHooks* hooks = nullptr);
// SQL for indexes the importers drop before a bulk load of one kind of evidence ("proxy", "dns",
// "sysmon", "sensor"; anything else: all of them) and rebuild after it (createBulkIndexesSql() makes
// whichever are missing), and a query for how many rows the tables of that kind hold.
std::string dropBulkIndexesSql(std::string_view kind);
const char* createBulkIndexesSql();
const char* bulkTablesSql(std::string_view kind);
// Schema 15: the table of one request kind's attributions ("proxy" or "dns"; keyed by request id,
// the method a small integer), and an SQL expression naming the method of its column `method`
// as the `attributions` view does ('five-tuple', 'dns-answer', 'time-window').
const char* attributionTable(std::string_view kind);
std::string attributionMethodSql(std::string_view column);

} // namespace socwb::schema
