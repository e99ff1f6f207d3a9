#include "importer.h"

#include "case_writer.h"
#include "core/logging.h"
#include "format_registry.h"
#include "host_linker.h"
#include "request_attributor.h"
#include "store/case_store.h"
#include "store/schema.h"
#include "store/statement.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QFuture>
#include <QtConcurrent/QtConcurrentRun>

namespace socwb {

QString sha256OfFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return QString::fromLatin1(h.result().toHex());
}

namespace {

ImportResult refused(ImportResult r, const QString& message) {
    r.status = QStringLiteral("refused");
    r.message = message;
    return r;
}

// Rebuilding the event indexes after the load is cheaper than maintaining them row by row once
// the new rows are a fair share of the table.
bool worthDroppingIndexes(sqlite3* db, int64_t fileSize) {
    const int64_t existing = queryInt(db, "SELECT coalesce(max(id), 0) FROM proxy_events").value_or(0) +
                             queryInt(db, "SELECT coalesce(max(id), 0) FROM dns_events").value_or(0);
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
    if (!options.format.isEmpty()) {
        format = findFormat(options.format);
        if (!format) {
            QStringList names;
            for (const auto& f : formats()) {
                names << QString::fromLatin1(f.name);
            }
            return finishRefusal(QStringLiteral("unknown format '%1' (known: %2)")
                                     .arg(options.format, names.join(QStringLiteral(", "))));
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
    const bool bulk = worthDroppingIndexes(db, size);
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
    auto report = [&](const InputReader& in) {
        p.bytesRead = in.rawBytesRead();
        p.bytesTotal = in.rawSize();
        p.records = writer.accepted();
        p.rejects = writer.rejected();
        if (progress) {
            progress(p);
        }
    };
    bool completed = false;
    try {
        parser = format->create(popts);
        InputReader in(path);
        report(in);
        completed = parser->parse(in, writer, [&](const InputReader& r) {
            if (cancel.load(std::memory_order_relaxed)) {
                return false;
            }
            if (sinceReport.elapsed() >= 100) {
                sinceReport.restart();
                report(r);
            }
            return true;
        });
        if (completed) {
            report(in);
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
    execSql(db, "PRAGMA optimize");
    result.status = QStringLiteral("imported");
    result.evidenceId = evidenceId;
    result.seconds = clock.elapsed() / 1000.0;
    logger->info("imported {} as {}: {} records, {} rejected in {:.2f} s", path.toStdString(),
                 format->name, result.accepted, result.rejected, result.seconds);
    return result;
}

} // namespace socwb
