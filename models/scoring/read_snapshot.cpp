#include "read_snapshot.h"

#include "core/logging.h"
#include "store/case_file.h"
#include "store/case_store.h"
#include "store/statement.h"

#include <QString>

#include <exception>

namespace socwb::scoring {

namespace {

// Starts the read transaction's snapshot: BEGIN DEFERRED reads nothing yet.
void beginSnapshot(sqlite3* db) {
    execSql(db, "BEGIN DEFERRED");
    queryInt(db, "SELECT count(*) FROM sqlite_schema");
}

} // namespace

ReadSnapshot::ReadSnapshot(sqlite3* db, bool wantSecond) : db_(db) {
    const char* file = sqlite3_db_filename(db, "main");
    if (!wantSecond || !file || !*file) {
        execSql(db_, "BEGIN DEFERRED");
        open_ = true;
        return;
    }
    const QString path = QString::fromUtf8(file);
    std::string error;
    case_file::Connection lock = case_file::connect(path, case_file::Mode::ReadWrite, error);
    case_file::Connection second = case_file::connect(path, case_file::Mode::ReadOnly, error);
    bool locked = false;
    if (lock && second) {
        sqlite3_busy_timeout(lock.get(), kLockWaitMs);
        sqlite3_busy_timeout(second.get(), CaseStore::kBusyTimeoutMs);
        execSql(second.get(), "PRAGMA cache_size = -65536");
        locked = sqlite3_exec(lock.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
    }
    if (!locked) {
        log::score()->info("the events are read on one connection ({})",
                           lock && second ? "an import holds the case's write lock" : error);
        execSql(db_, "BEGIN DEFERRED");
        open_ = true;
        return;
    }
    try {
        // Under the write lock: nothing can commit between these two snapshots' starts.
        beginSnapshot(db_);
        open_ = true;
        beginSnapshot(second.get());
    } catch (const std::exception&) {
        sqlite3_exec(lock.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        if (open_) { // no destructor runs for a constructor that throws
            open_ = false;
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        }
        throw;
    }
    sqlite3_exec(lock.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    second_ = second.release();
}

ReadSnapshot::~ReadSnapshot() {
    end();
}

void ReadSnapshot::end() {
    if (second_) {
        sqlite3_exec(second_, "COMMIT", nullptr, nullptr, nullptr);
        case_file::close(second_);
        second_ = nullptr;
    }
    if (open_) {
        open_ = false;
        sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    }
}

} // namespace socwb::scoring
