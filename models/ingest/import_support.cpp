#include "ingest/import_support.h"

#include "core/logging.h"
#include "ingest/read/parser.h"
#include "ingest/read/plausibility_filter.h"
#include "ingest/write/case_writer.h"
#include "ingest/write/record_batch.h"
#include "store/case_summary.h"
#include "store/schema.h"
#include "store/statement.h"

#include <exception>
#include <thread>

namespace socwb {

bool isPipelinedKind(std::string_view kind) {
    return kind == "proxy" || kind == "dns" || kind == "sysmon" || kind == "sensor";
}

bool parseAndWrite(Parser& parser, InputReader& in, CaseWriter& writer, bool pipelined, const ParseTick& tick) {
    if (!pipelined) {
        PlausibilityFilter checked(writer);
        return parser.parse(in, checked,
                            [&](const InputReader& r) { return tick(r, writer.accepted(), writer.rejected()); });
    }
    BatchPipe pipe;
    std::atomic<bool> writerFailed{false};
    std::exception_ptr parseError;
    bool completed = false;
    std::thread producer([&] {
        BatchingSink batches(pipe);
        PlausibilityFilter checked(batches);
        try {
            completed = parser.parse(in, checked, [&](const InputReader& r) {
                return !writerFailed.load() && !batches.stopped() && tick(r, batches.records(), batches.rejects());
            });
            batches.flush();
        } catch (...) {
            parseError = std::current_exception();
        }
        pipe.close();
    });
    try {
        writer.holdRows(true); // a batch's bytes live until it is recycled, after flushRows()
        while (auto batch = pipe.pop()) {
            batch->replay(writer);
            writer.flushRows();
            pipe.recycle(std::move(batch));
        }
        writer.holdRows(false);
    } catch (...) {
        writerFailed = true;
        pipe.close();
        producer.join();
        throw;
    }
    producer.join();
    if (parseError) {
        std::rethrow_exception(parseError);
    }
    return completed;
}

// " (812 connections, 40 TLS sessions, 3 alerts)" when a file held more than one kind of record.
QString contentsNote(const std::vector<std::pair<std::string, int64_t>>& contents) {
    if (contents.size() < 2) {
        return {};
    }
    EvidenceContents c;
    for (const auto& [kind, n] : contents) {
        c.push_back({QString::fromStdString(kind), n});
    }
    return QStringLiteral(" (%1)").arg(contentsText(c));
}

void rebuildBulkIndexes(sqlite3* db) {
    execSql(db, "PRAGMA threads = 2");
    try {
        execSql(db, schema::createBulkIndexesSql());
    } catch (...) {
        sqlite3_exec(db, "PRAGMA threads = 0", nullptr, nullptr, nullptr);
        throw;
    }
    execSql(db, "PRAGMA threads = 0");
}

bool worthDroppingIndexes(sqlite3* db, int64_t inputBytes, std::string_view kind) {
    const int64_t existing = queryInt(db, schema::bulkTablesSql(kind)).value_or(0);
    const int64_t expected = inputBytes / 120; // rough bytes per log line
    return expected > 50000 && expected * 5 > existing;
}

QString findDuplicateEvidence(sqlite3* db, const QString& sha256) {
    Statement dup(db, "SELECT path, member_path FROM evidence WHERE sha256 = ? AND status = 'imported'");
    dup.bind(1, sha256.toStdString());
    if (!dup.step()) {
        return {};
    }
    return provenanceLabel(QString::fromStdString(dup.text(0)), QString::fromStdString(dup.text(1)), true);
}

ForeignKeysOff::ForeignKeysOff(sqlite3* db) : db_(db) {
    execSql(db_, "PRAGMA foreign_keys = OFF");
}

ForeignKeysOff::~ForeignKeysOff() {
    int on = 0;
    if (sqlite3_exec(db_, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr) == SQLITE_OK) {
        sqlite3_exec(
            db_, "PRAGMA foreign_keys",
            [](void* out, int, char** v, char**) {
                *static_cast<int*>(out) = v[0] && v[0][0] == '1';
                return 0;
            },
            &on, nullptr);
    }
    if (!on) {
        log::ingest()->error("foreign keys could not be switched back on: {}", sqlite3_errmsg(db_));
    }
}

TempStoreOnDisk::TempStoreOnDisk(sqlite3* db) : db_(db) {
    before_ = queryInt(db_, "PRAGMA temp_store").value_or(-1);
    if (before_ >= 0 && before_ != 1 &&
        sqlite3_exec(db_, "PRAGMA temp_store = FILE", nullptr, nullptr, nullptr) != SQLITE_OK) {
        log::ingest()->warn("temp_store stays {} for this import: {}", before_, sqlite3_errmsg(db_));
        before_ = -1; // unchanged: nothing to set back
    }
}

TempStoreOnDisk::~TempStoreOnDisk() {
    if (before_ < 0 || before_ == 1) {
        return;
    }
    const std::string restore = "PRAGMA temp_store = " + std::to_string(before_);
    if (sqlite3_exec(db_, restore.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
        log::ingest()->error("temp_store could not be set back to {}: {}", before_, sqlite3_errmsg(db_));
    }
}

InterruptOnCancel::InterruptOnCancel(sqlite3* db, const std::atomic<bool>& cancel) : db_(db) {
    sqlite3_progress_handler(
        db_, 10000, [](void* c) { return static_cast<const std::atomic<bool>*>(c)->load() ? 1 : 0; },
        const_cast<std::atomic<bool>*>(&cancel));
}

void InterruptOnCancel::disarm() {
    sqlite3_progress_handler(db_, 0, nullptr, nullptr);
}

} // namespace socwb
