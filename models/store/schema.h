// The case file's schema and its forward migrations. PRAGMA user_version holds the version; a
// migration is SQL applied in one transaction, never edited once released — add a new one instead.
#pragma once

#include <sqlite3.h>

namespace socwb::schema {

int latestVersion();
// Applies the migrations after the file's current version up to `target` (default: latest).
void migrate(sqlite3* db, int target = -1);
// SQL for indexes the importers drop before a bulk load and rebuild after it.
const char* dropBulkIndexesSql();
const char* createBulkIndexesSql();

} // namespace socwb::schema
