#include "importer.h"

#include "case_writer.h"
#include "core/logging.h"
#include "format_registry.h"
#include "record_batch.h"
#include "host_linker.h"
#include "request_attributor.h"
#include "store/case_store.h"
#include "store/schema.h"
#include "store/statement.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QFuture>
#include <QtConcurrent/QtConcurrentRun>

#include <openssl/evp.h>

#include <thread>
#include <vector>

namespace socwb {

QString sha256OfFile(const QString& path) {
    // OpenSSL uses the CPU's SHA extensions where present: hashing a multi-GB log takes seconds.
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
    std::vector<char> buf(1 << 20);
    for (;;) {
        const qint64 n = f.read(buf.data(), static_cast<qint64>(buf.size()));
        if (n <= 0) {
            break;
        }
        EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(n));
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), digest, &len);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(digest), static_cast<int>(len)).toHex());
}

namespace {

using Tick = std::function<bool(const InputReader&, int64_t records, int64_t rejects)>;

// Proxy, DNS and Windows event formats are parsed on a second thread into batches while this
// thread writes the previous ones, so that on two cores parsing and SQLite overlap. Other formats (and any format
// whose records are not batched) are parsed straight into the writer. Returns false when tick()
// asked to stop.
bool parseAndWrite(Parser& parser, InputReader& in, CaseWriter& writer, bool pipelined, const Tick& tick) {
    if (!pipelined) {
        return parser.parse(in, writer, [&](const InputReader& r) { return tick(r, writer.accepted(), writer.rejected()); });
    }
    BatchPipe pipe;
    std::atomic<bool> writerFailed{false};
    std::exception_ptr parseError;
    bool completed = false;
    std::thread producer([&] {
        BatchingSink batches(pipe);
        try {
            completed = parser.parse(in, batches, [&](const InputReader& r) {
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


ImportResult refused(ImportResult r, const QString& message) {
    r.status = QStringLiteral("refused");
    r.message = message;
    return r;
}

// Rebuilding the event indexes after the load is cheaper than maintaining them row by row once
// the new rows are a fair share of the table.
bool worthDroppingIndexes(sqlite3* db, int64_t fileSize) {
    const int64_t existing = queryInt(db, "SELECT coalesce(max(id), 0) FROM proxy_events").value_or(0) +
                             queryInt(db, "SELECT coalesce(max(id), 0) FROM dns_events").value_or(0) +
                             queryInt(db, "SELECT coalesce(max(id), 0) FROM sysmon_events").value_or(0);
    const int64_t expected = fileSize / 120; // rough bytes per log line
    return expected > 50000 && expected * 5 > existing;
}

} // namespace

ImportResult Importer::importFile(const QString& path, const ImportOptions& options, const ProgressFn& progress,
                                  const std::atomic<bool>& cancel, int fileIndex, int fileCount) {
    QElapsedTimer clock;
    clock.start();
    ImportResult result;
    result.path = path;
    const QFileInfo info(path);
    const QString shown = info.fileName();
    sqlite3* db = store_.db();
    auto logger = log::ingest();

    auto finishRefusal = [&](const QString& message) {
        store_.audit(QStringLiteral("import.refused"), info.absoluteFilePath(), message);
        logger->warn("refused {}: {}", path.toStdString(), message.toStdString());
        ImportResult r = refused(result, message);
        r.seconds = clock.elapsed() / 1000.0;
        return r;
    };

    if (!info.exists()) {
        return finishRefusal(QStringLiteral("%1: no such file").arg(path));
    }
    if (!info.isFile() || !info.isReadable()) {
        return finishRefusal(QStringLiteral("%1: not a readable file").arg(path));
    }

    const FormatInfo* format = nullptr;
    // A field mapping only means something to the mapping-driven CSV reader.
    const QString formatName = options.format.isEmpty() && !options.mappingPath.isEmpty() ? QStringLiteral("csv") : options.format;
    if (!formatName.isEmpty()) {
        format = findFormat(formatName);
        if (!format) {
            QStringList names;
            for (const auto& f : formats()) {
                names << QString::fromLatin1(f.name);
            }
            return finishRefusal(QStringLiteral("unknown format '%1' (known: %2)")
                                     .arg(formatName, names.join(QStringLiteral(", "))));
        }
    } else {
        const SniffSample sample = readSniffSample(path);
        const Detection d = detectFormat(sample);
        if (!d.format) {
            return finishRefusal(QStringLiteral("%1: %2").arg(shown, d.reason));
        }
        format = d.format;
    }
    result.format = QString::fromLatin1(format->name);

    // Hash while parsing (on the other core) unless a file of the same size is already in the
    // case; then hash first, so that a duplicate costs one read and no parse.
    QFuture<QString> hashFuture;
    const int64_t size = info.size();
    Statement sameSize(db, "SELECT count(*) FROM evidence WHERE size = ?");
    sameSize.bind(1, size);
    sameSize.step();
    const bool sizeSeen = sameSize.int64(0) > 0;
    sameSize.reset(); // an unfinished read statement would block the DDL below
    auto findDuplicate = [&](const QString& sha) -> QString {
        Statement dup(db, "SELECT path FROM evidence WHERE sha256 = ? AND status = 'imported'");
        dup.bind(1, sha.toStdString());
        return dup.step() ? QString::fromStdString(dup.text(0)) : QString();
    };
    if (sizeSeen) {
        result.sha256 = sha256OfFile(path);
        const QString existing = findDuplicate(result.sha256);
        if (!existing.isEmpty()) {
            result.status = QStringLiteral("skipped-duplicate");
            result.message = QStringLiteral("%1: already in the case (same SHA-256 as %2)").arg(shown, existing);
            store_.audit(QStringLiteral("import.skipped-duplicate"), info.absoluteFilePath(), result.sha256);
            result.seconds = clock.elapsed() / 1000.0;
            return result;
        }
    } else {
        hashFuture = QtConcurrent::run(sha256OfFile, path);
    }

    std::unique_ptr<Parser> parser;
    ParserOptions popts;
    popts.sourceTimeZone = options.sourceTimeZone;
    popts.mappingPath = options.mappingPath;

    // The writer inserts every row an event points to (evidence, host, domain) before the event,
    // so per-row foreign-key checks during the bulk load would only cost time; back on afterwards.
    struct ForeignKeysOff {
        sqlite3* db;
        explicit ForeignKeysOff(sqlite3* d) : db(d) { execSql(db, "PRAGMA foreign_keys = OFF"); }
        ~ForeignKeysOff() { sqlite3_exec(db, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr); }
    } foreignKeysOff(db);
    const bool bulk = worthDroppingIndexes(db, size);
    // A big load appends pages past the end of the file. In WAL mode every one of them is written
    // twice (to the WAL, then by the checkpoint into the case); with a rollback journal, pages that
    // did not exist before the transaction need no journal entry, so they are written once, and
    // ROLLBACK (cancel, error) still restores the case exactly. SQLite only leaves WAL mode when no
    // other connection has the case open, so with the GUI's own connection open this stays WAL.
    struct RollbackJournalWhileBulk {
        sqlite3* db;
        bool switched = false;
        RollbackJournalWhileBulk(sqlite3* d, bool bulk) : db(d) {
            if (!bulk) {
                return;
            }
            // Another connection makes the switch fail with SQLITE_BUSY: ask once, do not wait.
            sqlite3_busy_timeout(db, 0);
            try {
                Statement mode(db, "PRAGMA journal_mode = DELETE");
                switched = mode.step() && mode.text(0) == "delete";
            } catch (const SqlError&) {
                switched = false;
            }
            sqlite3_busy_timeout(db, CaseStore::kBusyTimeoutMs);
        }
        ~RollbackJournalWhileBulk() {
            if (switched) {
                sqlite3_exec(db, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
            }
        }
    } journal(db, bulk);
    logger->debug("bulk load: {}, journal: {}", bulk, journal.switched ? "rollback" : "wal");
    Transaction tx(db);
    int64_t evidenceId = 0;
    {
        Statement ins(db, "INSERT INTO evidence(path, sha256, size, format, source_tz, import_started, status) "
                          "VALUES (?, ?, ?, ?, ?, ?, 'importing')");
        ins.bind(1, info.absoluteFilePath().toStdString())
            .bind(2, "pending:" + std::to_string(clock.nsecsElapsed()) + info.absoluteFilePath().toStdString())
            .bind(3, size)
            .bind(4, format->name)
            .bind(5, options.sourceTimeZone.toStdString())
            .bind(6, CaseStore::nowIso().toStdString())
            .exec();
        evidenceId = sqlite3_last_insert_rowid(db);
    }
    if (bulk) {
        execSql(db, schema::dropBulkIndexesSql());
    }

    CaseWriter writer(db, evidenceId);
    QElapsedTimer sinceReport;
    sinceReport.start();
    ImportProgress p;
    p.path = path;
    p.fileIndex = fileIndex;
    p.fileCount = fileCount;
    auto report = [&](const InputReader& in, int64_t records, int64_t rejects) {
        p.bytesRead = in.rawBytesRead();
        p.bytesTotal = in.rawSize();
        p.records = records;
        p.rejects = rejects;
        if (progress) {
            progress(p);
        }
    };
    bool completed = false;
    try {
        parser = format->create(popts);
        InputReader in(path);
        report(in, 0, 0);
        const std::string_view kind = format->kind;
        const bool pipelined = kind == "proxy" || kind == "dns" || kind == "sysmon";
        completed = parseAndWrite(*parser, in, writer, pipelined,
                                  [&](const InputReader& r, int64_t records, int64_t rejects) {
                                      if (cancel.load(std::memory_order_relaxed)) {
                                          return false;
                                      }
                                      if (sinceReport.elapsed() >= 100) {
                                          sinceReport.restart();
                                          report(r, records, rejects);
                                      }
                                      return true;
                                  });
        if (completed) {
            report(in, writer.accepted(), writer.rejected());
        }
    } catch (const SqlError& e) {
        tx.rollback();
        if (hashFuture.isValid()) {
            hashFuture.waitForFinished();
        }
        return finishRefusal(QStringLiteral("%1: could not be written to the case (%2)").arg(shown, QString::fromUtf8(e.what())));
    } catch (const std::exception& e) {
        tx.rollback();
        if (hashFuture.isValid()) {
            hashFuture.waitForFinished();
        }
        return finishRefusal(QStringLiteral("%1: %2").arg(shown, QString::fromUtf8(e.what())));
    }
    if (!completed || cancel.load()) {
        tx.rollback();
        if (hashFuture.isValid()) {
            hashFuture.waitForFinished();
        }
        result.status = QStringLiteral("cancelled");
        result.message = QStringLiteral("%1: import cancelled; the case is as it was before").arg(shown);
        store_.audit(QStringLiteral("import.cancelled"), info.absoluteFilePath());
        logger->info("cancelled import of {}", path.toStdString());
        result.seconds = clock.elapsed() / 1000.0;
        return result;
    }
    logger->debug("parsed and inserted in {:.2f} s", clock.elapsed() / 1000.0);
    writer.finish();
    if (hashFuture.isValid()) {
        result.sha256 = hashFuture.result();
        const QString existing = findDuplicate(result.sha256);
        if (!existing.isEmpty()) {
            tx.rollback();
            result.status = QStringLiteral("skipped-duplicate");
            result.message = QStringLiteral("%1: already in the case (same SHA-256 as %2)").arg(shown, existing);
            store_.audit(QStringLiteral("import.skipped-duplicate"), info.absoluteFilePath(), result.sha256);
            result.seconds = clock.elapsed() / 1000.0;
            return result;
        }
    }
    result.accepted = writer.accepted();
    result.rejected = writer.rejected();
    for (const auto& s : writer.rejectSamples()) {
        result.rejectSamples << QString::fromStdString(s);
    }
    {
        Statement upd(db, "UPDATE evidence SET sha256 = ?, accepted = ?, rejected = ?, status = 'imported', "
                          "import_finished = ?, message = ? WHERE id = ?");
        result.message = QStringLiteral("%1: %2 records imported as %3, %4 rejected")
                             .arg(shown)
                             .arg(result.accepted)
                             .arg(result.format)
                             .arg(result.rejected);
        upd.bind(1, result.sha256.toStdString())
            .bind(2, result.accepted)
            .bind(3, result.rejected)
            .bind(4, CaseStore::nowIso().toStdString())
            .bind(5, result.message.toStdString())
            .bind(6, evidenceId)
            .exec();
    }
    if (bulk) {
        execSql(db, schema::createBulkIndexesSql());
        logger->debug("indexes rebuilt at {:.2f} s", clock.elapsed() / 1000.0);
    }
    // Sysmon data re-homes proxy/DNS events by address and ties requests to processes.
    HostLinker(db).link();
    RequestAttributor(db).run();
    store_.audit(QStringLiteral("import"), info.absoluteFilePath(),
                 QStringLiteral("format=%1 accepted=%2 rejected=%3 sha256=%4")
                     .arg(result.format)
                     .arg(result.accepted)
                     .arg(result.rejected)
                     .arg(result.sha256));
    tx.commit();
    logger->debug("committed at {:.2f} s", clock.elapsed() / 1000.0);
    execSql(db, "PRAGMA optimize");
    result.status = QStringLiteral("imported");
    result.evidenceId = evidenceId;
    result.seconds = clock.elapsed() / 1000.0;
    logger->info("imported {} as {}: {} records, {} rejected in {:.2f} s", path.toStdString(),
                 format->name, result.accepted, result.rejected, result.seconds);
    return result;
}

} // namespace socwb
