// What the importers of a single file (Importer) and of a received archive (ArchiveImport) share:
// parsing on one core while SQLite writes on the other, the pragmas and handlers that hold for the
// length of a load, and the duplicate look-up by SHA-256.
#pragma once

#include "ingest/read/input_reader.h"

#include <sqlite3.h>

#include <QString>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace socwb {

class CaseWriter;
class Parser;

using ParseTick = std::function<bool(const InputReader&, int64_t records, int64_t rejects)>;

// Proxy, DNS, Windows event and network sensor formats are parsed on a second thread into batches while this
// thread writes the previous ones, so that on two cores parsing (and decompression, which happens in
// the parser's reads) and SQLite overlap. Other formats are parsed straight into the writer.
// Returns false when tick() asked to stop.
bool parseAndWrite(Parser& parser, InputReader& in, CaseWriter& writer, bool pipelined, const ParseTick& tick);

// " (812 connections, 40 TLS sessions, 3 alerts)" when a file held more than one kind of record;
// empty otherwise.
QString contentsNote(const std::vector<std::pair<std::string, int64_t>>& contents);

bool isPipelinedKind(std::string_view kind);

// Rebuilding the event indexes after the load is cheaper than maintaining them row by row once
// the new rows are a fair share of the table.
bool worthDroppingIndexes(sqlite3* db, int64_t inputBytes, std::string_view kind);

// Rebuilds the indexes a bulk load dropped. SQLite sorts each index's keys on two threads
// (PRAGMA threads) for the length of it: the rest of the import's tail runs on one core.
void rebuildBulkIndexes(sqlite3* db);

// The imported evidence with this SHA-256, as a person reads it ("evidence.zip › logs/a.log"), or
// empty when there is none.
QString findDuplicateEvidence(sqlite3* db, const QString& sha256);

// The writer inserts every row an event points to (evidence, host, domain) before the event, so
// per-row foreign-key checks during the bulk load would only cost time; back on afterwards
// (outside the transaction, where the pragma takes effect).
class ForeignKeysOff {
  public:
    explicit ForeignKeysOff(sqlite3* db);
    ~ForeignKeysOff();

  private:
    sqlite3* db_;
};

// Every import runs with temp_store=FILE. SQLite's sorter (CREATE INDEX after a bulk load, ORDER BY
// without an index) holds all of its keys in memory when temp files live in memory, so an import's
// peak grew with the rows it sorted (issue 20: 402 MB at 3.7 M events, 2 GB at 20 M); with FILE it
// sorts runs of the page cache's size and merges them from temporary files.
// An archive's members are each written inside a SAVEPOINT, so every INSERT's statement journal
// nests in the member's sub-journal. With temp_store=MEMORY SQLite keeps that sub-journal in
// memory, and releasing each statement truncates it by walking its chunks from the start: time per
// row grows with the member, and a large member imports quadratically. With FILE the sub-journal
// spills to a temporary file past 64 KiB and is not truncated per statement. Set for the length of
// an import, outside its transaction (SQLite refuses the change inside one, and the pager
// reads it when the transaction begins); the previous value comes back on every way out. Changing
// it drops the connection's TEMP tables, which the importer recreates when it needs them.
class TempStoreOnDisk {
  public:
    explicit TempStoreOnDisk(sqlite3* db);
    ~TempStoreOnDisk();
    TempStoreOnDisk(const TempStoreOnDisk&) = delete;
    TempStoreOnDisk& operator=(const TempStoreOnDisk&) = delete;

  private:
    sqlite3* db_;
    int64_t before_ = -1;
};

// Cancel reaches every phase, SQLite's included: a long index build or attribution query stops
// with SQLITE_INTERRUPT. Disarmed for the commit, which is quick and not worth tearing.
class InterruptOnCancel {
  public:
    InterruptOnCancel(sqlite3* db, const std::atomic<bool>& cancel);
    ~InterruptOnCancel() { disarm(); }
    void disarm();

  private:
    sqlite3* db_;
};

} // namespace socwb
