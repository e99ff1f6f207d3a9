// The read transaction a scoring pass reads its events in, on one connection or on two that see
// the same snapshot (issue 20: the events read on both cores, each half by its own connection).
//
// Why the two agree: a read transaction's snapshot begins at its first read, and SQLite 3.40 as
// Debian builds it cannot hand one connection's snapshot to another (no sqlite3_snapshot_open).
// So a third, short-lived connection takes the case's write lock first (BEGIN IMMEDIATE). While it
// holds that lock no other connection of any program (an import in the window, a colleague's
// socwb-cli) can commit, so the two snapshots that begin next, one after the other, are of one
// state of the case. The lock is released as soon as both have begun: in WAL mode an import may
// then commit while the pass reads, and neither reader sees it (as with one reader today). Where
// the lock is not free within a moment (an import holds it), the pass reads on one connection, as
// it always could: it never waits on a writer to read.
#pragma once

#include <sqlite3.h>

namespace socwb::scoring {

class ReadSnapshot {
  public:
    // Begins the read transaction on `db`; with `wantSecond`, also opens a second connection to the
    // same case and begins its read transaction on the same snapshot (second() is null when it
    // could not: a case in memory, the write lock held by an import, no file descriptor left).
    ReadSnapshot(sqlite3* db, bool wantSecond);
    ~ReadSnapshot();
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

    // Read-only, used by one thread at a time; valid until end().
    sqlite3* second() const { return second_; }
    // Ends both read transactions and closes the second connection.
    void end();

    // How long the lock connection waits for an import's write lock before the pass reads alone.
    static constexpr int kLockWaitMs = 250;

  private:
    sqlite3* db_;
    sqlite3* second_ = nullptr;
    bool open_ = false;
};

} // namespace socwb::scoring
