#include "importer.h"

#include "core/logging.h"
#include "import/import_plan.h"
#include "ingest/correlate/host_linker.h"
#include "ingest/correlate/request_attributor.h"
#include "ingest/import_support.h"
#include "ingest/read/format_registry.h"
#include "ingest/write/case_writer.h"
#include "store/case_file.h"
#include "store/case_store.h"
#include "store/case_summary.h"
#include "store/schema.h"
#include "store/statement.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QFuture>
#include <QtConcurrent/QtConcurrentRun>

#include "core/sha256.h"

#include <openssl/crypto.h>

#include <optional>
#include <vector>

namespace socwb {

namespace {
// OpenSSL frees its global state in an atexit() handler, which races with the per-thread cleanup of
// a pool thread that hashed a file and is being torn down at the same moment (seen once in CI:
// "malloc_consolidate(): unaligned fastbin chunk detected" in a Qt pool thread while the main
// thread ran OPENSSL_cleanup). No cleanup at exit: the process is ending, the OS takes it all back.
// Runs before main(), so before the first hash, as OPENSSL_init_crypto requires.
[[maybe_unused]] const int kOpenSslNoAtExit = OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
} // namespace

QString sha256OfFile(const QString& path, const std::atomic<bool>* cancel) {
    // OpenSSL uses the CPU's SHA extensions where present: hashing a multi-GB log takes seconds.
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    Sha256 sha;
    std::vector<char> buf(1 << 20);
    for (;;) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            return {};
        }
        const qint64 n = f.read(buf.data(), static_cast<qint64>(buf.size()));
        if (n == 0) {
            break;
        }
        // A read error is not the end of the file: the hash of a prefix must never be stored.
        if (n < 0 || !sha.update(std::string_view(buf.data(), static_cast<size_t>(n)))) {
            return {};
        }
    }
    return sha.hex();
}

namespace {

ImportResult refused(ImportResult r, const QString& message) {
    r.status = QStringLiteral("refused");
    r.message = message;
    return r;
}

} // namespace

QVector<int> importOrder(const QStringList& paths, const ImportOptions& options) {
    QVector<int> endpoint, rest;
    const bool forced = !options.format.isEmpty() || !options.mappingPath.isEmpty();
    for (int i = 0; i < paths.size(); ++i) {
        bool first = false;
        if (!forced && paths.size() > 1) {
            const SniffSample sample = readSniffSample(paths[i]);
            if (sample.archive.isEmpty()) {
                const Detection d = detectFormat(sample);
                first = d.format &&
                        (std::string_view(d.format->kind) == "sysmon" || std::string_view(d.format->kind) == "assets");
            }
        }
        (first ? endpoint : rest).push_back(i);
    }
    return endpoint + rest;
}

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
        // exists() follows links: a link that leads nowhere is not "no such file".
        return finishRefusal(
            info.isSymLink()
                ? QStringLiteral("%1: a symbolic link that leads nowhere (a loop, or its target is missing)").arg(path)
                : QStringLiteral("%1: no such file").arg(path));
    }
    if (!info.isFile() || !info.isReadable()) {
        return finishRefusal(QStringLiteral("%1: not a readable file").arg(path));
    }
    if (case_file::isHeld(path)) {
        // Reading it would drop this program's locks on that case (see store/case_file.h).
        return finishRefusal(QStringLiteral("%1: a case this program has open (or its -wal, -shm or -journal), "
                                            "not evidence")
                                 .arg(shown));
    }

    // A received archive: its members are imported one by one, in one transaction.
    const SniffSample sample = readSniffSample(path);
    if (!sample.archive.isEmpty()) {
        return importArchive(path, options, progress, cancel, fileIndex, fileCount);
    }

    const FormatInfo* format = nullptr;
    // A field mapping only means something to the mapping-driven CSV reader.
    const QString formatName =
        options.format.isEmpty() && !options.mappingPath.isEmpty() ? QStringLiteral("csv") : options.format;
    if (!formatName.isEmpty()) {
        format = findFormat(formatName);
        if (!format) {
            QStringList names;
            for (const auto& f : formats()) {
                names << QString::fromLatin1(f.name);
            }
            return finishRefusal(
                QStringLiteral("unknown format '%1' (known: %2)").arg(formatName, names.join(QStringLiteral(", "))));
        }
    } else {
        const Detection d = detectFormat(sample);
        if (!d.format) {
            return finishRefusal(QStringLiteral("%1: %2").arg(shown, d.reason));
        }
        format = d.format;
    }
    result.format = QString::fromLatin1(format->name);
    if (const QString why = missingTimeZoneReason(result.format, options.sourceTimeZone); !why.isEmpty()) {
        return finishRefusal(QStringLiteral("%1: %2").arg(shown, why));
    }
    const QString zone = options.sourceTimeZone.trimmed().isEmpty() ? QStringLiteral("UTC") : options.sourceTimeZone;

    // Hash on the other core while this one rebuilds indexes, links and attributes (the parse
    // keeps both cores busy already: parser and writer) unless a file of the same size is already
    // in the case; then hash first, so that a duplicate costs one read and no parse.
    QFuture<QString> hashFuture;
    const int64_t size = info.size();
    Statement sameSize(db, "SELECT count(*) FROM evidence WHERE size = ?");
    sameSize.bind(1, size);
    sameSize.step();
    const bool sizeSeen = sameSize.int64(0) > 0;
    sameSize.reset(); // an unfinished read statement would block the DDL below
    auto findDuplicate = [&](const QString& sha) { return findDuplicateEvidence(db, sha); };
    if (sizeSeen) {
        result.sha256 = sha256OfFile(path, &cancel);
        if (result.sha256.isEmpty()) {
            if (cancel.load()) {
                result.status = QStringLiteral("cancelled");
                result.message = QStringLiteral("%1: import cancelled; the case is as it was before").arg(shown);
                return result;
            }
            return finishRefusal(QStringLiteral("%1: could not be read to the end to hash it").arg(shown));
        }
        const QString existing = findDuplicate(result.sha256);
        if (!existing.isEmpty()) {
            result.status = QStringLiteral("skipped-duplicate");
            result.message = QStringLiteral("%1: already in the case (same SHA-256 as %2)").arg(shown, existing);
            store_.audit(QStringLiteral("import.skipped-duplicate"), info.absoluteFilePath(), result.sha256);
            result.seconds = clock.elapsed() / 1000.0;
            return result;
        }
    }

    std::unique_ptr<Parser> parser;
    ParserOptions popts;
    popts.sourceTimeZone = zone;
    popts.mappingPath = options.mappingPath;

    // SQLite's sorter (the bulk index rebuilds, the linker's and attributor's ORDER BY) keeps every
    // key in memory with temp_store=MEMORY; on disk it sorts in runs of the cache's size (issue 20:
    // the import's peak grew with events).
    TempStoreOnDisk tempStoreOnDisk(db); // first in, last out: set back once the transaction has ended
    ForeignKeysOff foreignKeysOff(db);
    // The case stays in WAL mode for the whole import: a rollback journal writes a big load's pages
    // once instead of twice, but it locks every reader out (another analyst's `info`, the GUI) for
    // as long as the import runs. Readers keep their snapshot; the import is invisible until commit.
    const bool bulk = worthDroppingIndexes(db, size, format->kind);
    logger->debug("bulk load: {}", bulk);
    InterruptOnCancel interruptOnCancel(db, cancel);

    // A rolled-back import reports what the case holds of the file: nothing.
    auto waitForHash = [&] {
        if (hashFuture.isValid()) {
            hashFuture.waitForFinished();
        }
        result.accepted = 0;
        result.rejected = 0;
        result.rejectSamples.clear();
    };
    // The case side failed (disk full, I/O error): nothing of the file is in the case, and the
    // input is not to blame.
    auto finishFailed = [&](const SqlError& e) {
        waitForHash();
        result.status = QStringLiteral("failed");
        const bool full = e.code() == SQLITE_FULL;
        result.message =
            full ? QStringLiteral("%1: not imported: disk full; the case is as it was before").arg(shown)
                 : QStringLiteral("%1: not imported: the case could not be written (%2); it is as it was before")
                       .arg(shown, QString::fromUtf8(e.what()));
        try {
            store_.audit(QStringLiteral("import.failed"), info.absoluteFilePath(), result.message);
        } catch (const SqlError&) {
            // a full disk may refuse the audit row too; the log below still has it
        }
        logger->error("import of {} failed: {}", path.toStdString(), e.what());
        result.seconds = clock.elapsed() / 1000.0;
        return result;
    };
    auto finishCancelled = [&] {
        waitForHash(); // also: nothing kept
        result.status = QStringLiteral("cancelled");
        result.message = QStringLiteral("%1: import cancelled; the case is as it was before").arg(shown);
        store_.audit(QStringLiteral("import.cancelled"), info.absoluteFilePath());
        logger->info("cancelled import of {}", path.toStdString());
        result.seconds = clock.elapsed() / 1000.0;
        return result;
    };

    std::optional<Transaction> tx;
    try {
        tx.emplace(db);
    } catch (const SqlError& e) {
        if (e.code() != SQLITE_BUSY) {
            return finishFailed(e);
        }
        waitForHash();
        result.status = QStringLiteral("busy");
        result.message = QStringLiteral("%1: not imported: the case is busy (another import is writing to it); "
                                        "try again when it has finished")
                             .arg(shown);
        logger->warn("{}: case busy", path.toStdString());
        result.seconds = clock.elapsed() / 1000.0;
        return result;
    }
    int64_t evidenceId = 0;
    std::optional<CaseWriter> writer;
    ImportProgress p;
    bool completed = false;
    bool mostlyRejected = false;
    // Rows up to these ids were attributed (or tried) before this import; see AttributionScope.
    AttributionScope attribution;
    try {
        if (std::string_view(format->kind) == "proxy") {
            attribution.dns = false;
            attribution.sensor = false;
            attribution.proxyAfter = queryInt(db, "SELECT coalesce(max(id), 0) FROM proxy_rows").value_or(0);
        } else if (std::string_view(format->kind) == "dns") {
            attribution.proxy = false;
            attribution.sensor = false;
            attribution.dnsAfter = queryInt(db, "SELECT coalesce(max(id), 0) FROM dns_rows").value_or(0);
        } else if (std::string_view(format->kind) == "sensor") {
            // A sensor log may bring proxy and DNS rows too (Suricata's http and dns events): only
            // its own rows can gain an attribution, as for a proxy or DNS log.
            attribution.proxyAfter = queryInt(db, "SELECT coalesce(max(id), 0) FROM proxy_rows").value_or(0);
            attribution.dnsAfter = queryInt(db, "SELECT coalesce(max(id), 0) FROM dns_rows").value_or(0);
            attribution.sensorAfter = queryInt(db, "SELECT coalesce(max(id), 0) FROM sensor_conn_rows").value_or(0);
        }
        Statement ins(db, "INSERT INTO evidence(path, sha256, size, format, source_tz, import_started, status) "
                          "VALUES (?, ?, ?, ?, ?, ?, 'importing')");
        ins.bind(1, info.absoluteFilePath().toStdString())
            .bind(2, "pending:" + std::to_string(clock.nsecsElapsed()) + info.absoluteFilePath().toStdString())
            .bind(3, size)
            .bind(4, format->name)
            .bind(5, zone.toStdString())
            .bind(6, CaseStore::nowIso().toStdString())
            .exec();
        evidenceId = sqlite3_last_insert_rowid(db);
        if (bulk) {
            execSql(db, schema::dropBulkIndexesSql(format->kind));
        }
        writer.emplace(db, evidenceId);
        // A proxy or DNS log into a case with endpoint data: its attribution takes the new rows from
        // the writer's memory rather than reading them back (issue 20). Without processes there is
        // nothing to attribute; over a batch of requests the attributor parks them on disk anyway.
        const std::string_view ownRowsOnly = format->kind;
        if ((ownRowsOnly == "proxy" || ownRowsOnly == "dns") && queryInt(db, "SELECT 1 FROM processes LIMIT 1")) {
            writer->keepWrittenRequests(RequestAttributor::batchRequestsFromEnvironment());
        }

        QElapsedTimer sinceReport;
        sinceReport.start();
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
        parser = format->create(popts);
        ExpansionBudget budget(shown, size, options.limits);
        InputReader in(path, &budget);
        report(in, 0, 0);
        sinceReport.restart(); // the next report at least 100 ms after this one
        const std::string_view kind = format->kind;
        const bool pipelined = isPipelinedKind(kind);
        completed =
            parseAndWrite(*parser, in, *writer, pipelined, [&](const InputReader& r, int64_t records, int64_t rejects) {
                if (cancel.load(std::memory_order_relaxed)) {
                    return false;
                }
                p.records = records; // kept for a refusal's message
                p.rejects = rejects;
                if (rejects >= kRefuseAfterRejects && records * kRefuseRatio < rejects + records) {
                    mostlyRejected = true;
                    return false;
                }
                if (sinceReport.elapsed() >= 100) {
                    sinceReport.restart();
                    report(r, records, rejects);
                }
                return true;
            });
        if (completed) {
            report(in, writer->accepted(), writer->rejected());
        }
    } catch (const SqlError& e) {
        tx->rollback();
        if (e.code() == SQLITE_INTERRUPT) {
            return finishCancelled();
        }
        return finishFailed(e);
    } catch (const ArchiveLimitError& e) {
        tx->rollback();
        waitForHash();
        return finishRefusal(QString::fromUtf8(e.what()));
    } catch (const std::exception& e) {
        tx->rollback();
        waitForHash();
        return finishRefusal(QStringLiteral("%1: %2").arg(shown, QString::fromUtf8(e.what())));
    }
    if (mostlyRejected) {
        tx->rollback();
        waitForHash();
        result.rejected = p.rejects;
        for (const auto& s : writer->rejectSamples()) {
            result.rejectSamples << QString::fromStdString(s);
        }
        return finishRefusal(QStringLiteral("%1: refused after %2 rejected lines: fewer than 1 in %3 lines read as %4, "
                                            "nothing of it was kept")
                                 .arg(shown, QString::number(p.rejects), QString::number(kRefuseRatio), result.format));
    }
    if (!completed || cancel.load()) {
        tx->rollback();
        return finishCancelled();
    }
    logger->debug("parsed and inserted in {:.2f} s", clock.elapsed() / 1000.0);
    if (!sizeSeen) {
        hashFuture = QtConcurrent::run([path, &cancel] { return sha256OfFile(path, &cancel); });
    }
    // After the parse: every phase checks cancel before it starts, and SQLite's progress handler
    // interrupts the long statements inside them.
    struct Cancelled {};
    auto checkCancel = [&] {
        if (cancel.load()) {
            throw Cancelled{};
        }
    };
    auto enterPhase = [&](ImportProgress::Phase phase) {
        p.phase = phase;
        if (progress) {
            progress(p);
        }
        checkCancel();
    };
    try {
        writer->finish();
        checkCancel();
        if (bulk) {
            enterPhase(ImportProgress::Phase::Indexing);
            rebuildBulkIndexes(db);
            logger->debug("indexes rebuilt at {:.2f} s", clock.elapsed() / 1000.0);
        }
        // Sysmon data re-homes proxy/DNS events by address and ties requests to processes.
        enterPhase(ImportProgress::Phase::Linking);
        HostLinker linker(db);
        const int64_t linked = linker.link();
        logger->debug("hosts linked at {:.2f} s", clock.elapsed() / 1000.0);
        if (std::string_view(format->kind) == "assets") {
            // An inventory brings no endpoint event: only requests it or the linker moved onto
            // another host can gain an attribution (a 3-day case re-tried all it had left: 17 s).
            attribution.onlyHosts = true;
            attribution.hosts = writer->hostsGivenRequests();
            const std::set<int64_t>& given = linker.hostsGivenEvents();
            attribution.hosts.insert(attribution.hosts.end(), given.begin(), given.end());
        }
        if (linked == 0) {
            attribution.written = &writer->writtenRequests(); // no row moved since it was written
        }
        enterPhase(ImportProgress::Phase::Attributing);
        RequestAttributor(db).run(attribution);
        logger->debug("requests attributed at {:.2f} s", clock.elapsed() / 1000.0);
        checkCancel();
        if (hashFuture.isValid()) {
            result.sha256 = hashFuture.result();
            checkCancel();
            if (result.sha256.isEmpty()) {
                tx->rollback();
                return finishRefusal(QStringLiteral("%1: could not be read to the end to hash it").arg(shown));
            }
            const QString existing = findDuplicate(result.sha256);
            if (!existing.isEmpty()) {
                tx->rollback();
                result.status = QStringLiteral("skipped-duplicate");
                result.message = QStringLiteral("%1: already in the case (same SHA-256 as %2)").arg(shown, existing);
                store_.audit(QStringLiteral("import.skipped-duplicate"), info.absoluteFilePath(), result.sha256);
                result.seconds = clock.elapsed() / 1000.0;
                return result;
            }
        }
        result.accepted = writer->accepted();
        result.rejected = writer->rejected();
        for (const auto& s : writer->rejectSamples()) {
            result.rejectSamples << QString::fromStdString(s);
        }
        {
            Statement upd(db, "UPDATE evidence SET sha256 = ?, accepted = ?, rejected = ?, status = 'imported', "
                              "import_finished = ?, message = ? WHERE id = ?");
            result.message = QStringLiteral("%1: %2 records imported as %3%4, %5 rejected")
                                 .arg(shown, QString::number(result.accepted), result.format,
                                      contentsNote(writer->contents()), QString::number(result.rejected));
            upd.bind(1, result.sha256.toStdString())
                .bind(2, result.accepted)
                .bind(3, result.rejected)
                .bind(4, CaseStore::nowIso().toStdString())
                .bind(5, result.message.toStdString())
                .bind(6, evidenceId)
                .exec();
        }
        store_.audit(
            QStringLiteral("import"), info.absoluteFilePath(),
            QStringLiteral("format=%1 accepted=%2 rejected=%3 sha256=%4")
                .arg(result.format, QString::number(result.accepted), QString::number(result.rejected), result.sha256));
        interruptOnCancel.disarm();
        p.phase = ImportProgress::Phase::Committing; // "finishing, cannot cancel now"
        if (progress) {
            progress(p);
        }
        tx->commit();
    } catch (const Cancelled&) {
        tx->rollback();
        return finishCancelled();
    } catch (const SqlError& e) {
        tx->rollback();
        if (e.code() == SQLITE_INTERRUPT) {
            return finishCancelled();
        }
        return finishFailed(e);
    }
    logger->debug("committed at {:.2f} s", clock.elapsed() / 1000.0);
    // Committed: from here on nothing may turn the result into a failure. PRAGMA optimize may
    // find the case busy (another import); the statistics can wait for the next import.
    if (sqlite3_exec(db, "PRAGMA optimize", nullptr, nullptr, nullptr) != SQLITE_OK) {
        logger->debug("PRAGMA optimize skipped: {}", sqlite3_errmsg(db));
    }
    result.status = QStringLiteral("imported");
    result.evidenceId = evidenceId;
    result.seconds = clock.elapsed() / 1000.0;
    logger->info("imported {} as {}: {} records, {} rejected in {:.2f} s", path.toStdString(), format->name,
                 result.accepted, result.rejected, result.seconds);
    return result;
}

} // namespace socwb
