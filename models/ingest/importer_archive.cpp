// Importer::importArchive: a received archive in one transaction. The archive is walked as a
// stream (ArchiveWalker); each member is detected like a file and parsed into an evidence row of its
// own inside a savepoint, so that a member that turns out to be a duplicate (its SHA-256 is known
// once it has been read) or is refused is undone alone. A limit crossed (a bomb) or a cancel undoes
// the whole archive. The received file and every member, imported or not, are recorded in
// received_files / received_members for the chain of custody.
#include "importer.h"

#include "core/logging.h"
#include "import/collection_layout.h"
#include "import/import_plan.h"
#include "ingest/correlate/host_linker.h"
#include "ingest/correlate/request_attributor.h"
#include "ingest/import_support.h"
#include "ingest/read/archive_walker.h"
#include "ingest/read/format_registry.h"
#include "ingest/write/case_writer.h"
#include "store/case_store.h"
#include "store/schema.h"
#include "store/statement.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QFuture>
#include <QLocale>
#include <QtConcurrent/QtConcurrentRun>

#include <optional>
#include <set>

namespace socwb {

namespace {

struct Cancelled {};

class ArchiveMemberImport : public MemberVisitor {
  public:
    ArchiveMemberImport(sqlite3* db, const QString& archivePath, int64_t receivedId, const ImportOptions& options,
                        const std::atomic<bool>& cancel, const ArchiveReader& root, int64_t archiveSize,
                        std::function<void(const ImportProgress&)> report)
        : db_(db), archivePath_(archivePath), receivedId_(receivedId), options_(options), cancel_(cancel), root_(root),
          archiveSize_(archiveSize), report_(std::move(report)) {}

    bool cancelled() const override { return cancel_.load(std::memory_order_relaxed); }

    void skipped(const MemberInfo& m, const QString& reason) override {
        ImportMemberResult r;
        r.member = m.chain;
        r.status = QStringLiteral("skipped");
        r.message = m.chain.isEmpty() ? reason : QStringLiteral("%1: %2").arg(m.chain, reason);
        record(r);
    }

    void member(const MemberInfo& m, ArchiveReader& stream, EntrySource& source) override {
        ImportMemberResult r;
        r.member = m.chain;
        auto skip = [&](const QString& reason, const QString& status = QStringLiteral("skipped")) {
            source.drain(&cancel_);
            r.status = status;
            r.message = QStringLiteral("%1: %2").arg(m.chain, reason);
            r.size = source.atEnd() ? source.size() : -1;
            r.sha256 = source.sha256();
            record(r);
        };
        if (const QString why = collection_layout::memberSkipReason(m.chain); !why.isEmpty()) {
            channelsLeftOut_ << collection_layout::eventLogChannel(m.chain);
            return skip(why);
        }
        QString formatName = options_.format;
        if (auto chosen = options_.memberFormats.find(m.chain); chosen != options_.memberFormats.end()) {
            if (chosen->isEmpty()) {
                return skip(QStringLiteral("left out in the import preview"));
            }
            formatName = *chosen;
        }
        std::string head = readHead(stream);
        const FormatInfo* format = nullptr;
        if (!formatName.isEmpty()) {
            format = findFormat(formatName);
            if (!format) {
                return skip(QStringLiteral("unknown format '%1'").arg(formatName), QStringLiteral("refused"));
            }
        } else {
            const SniffSample sample = sniffBytes(m.name, head);
            const Detection d = detectFormat(sample);
            if (!d.format) {
                return skip(!stream.error().isEmpty() ? stream.error() : d.reason);
            }
            format = d.format;
        }
        if (const QString why = missingTimeZoneReason(QString::fromLatin1(format->name), options_.sourceTimeZone);
            !why.isEmpty()) {
            return skip(why, QStringLiteral("refused"));
        }
        const QString zone =
            options_.sourceTimeZone.trimmed().isEmpty() ? QStringLiteral("UTC") : options_.sourceTimeZone;
        r.format = QString::fromLatin1(format->name);
        const std::string_view kind = format->kind;
        if (!dropped_.count(std::string(kind)) &&
            worthDroppingIndexes(db_, std::max<int64_t>(m.storedSize, 0) * (stream.compressed() ? 10 : 1), kind)) {
            execSql(db_, schema::dropBulkIndexesSql(kind));
            dropped_.insert(std::string(kind));
        }
        execSql(db_, "SAVEPOINT member");
        auto undo = [&] { execSql(db_, "ROLLBACK TO member; RELEASE member"); };
        int64_t evidenceId = 0;
        std::optional<CaseWriter> writer;
        bool mostlyRejected = false;
        bool completed = false;
        try {
            Statement ins(db_, "INSERT INTO evidence(path, sha256, size, format, source_tz, import_started, status, "
                               "received_id, member_path) VALUES (?, ?, ?, ?, ?, ?, 'importing', ?, ?)");
            ins.bind(1, archivePath_.toStdString())
                .bind(2, "pending:" + std::to_string(receivedId_) + ":" + m.chain.toStdString())
                .bind(3, std::max<int64_t>(m.storedSize, 0))
                .bind(4, format->name)
                .bind(5, zone.toStdString())
                .bind(6, CaseStore::nowIso().toStdString())
                .bind(7, receivedId_)
                .bind(8, m.chain.toStdString())
                .exec();
            evidenceId = sqlite3_last_insert_rowid(db_);
            writer.emplace(db_, evidenceId);
            ParserOptions popts;
            popts.sourceTimeZone = zone;
            popts.mappingPath = options_.mappingPath;
            std::unique_ptr<Parser> parser = format->create(popts);
            InputReader in(stream, std::move(head), m.chain, &root_, archiveSize_);
            ImportProgress p;
            p.member = m.chain;
            QElapsedTimer sinceReport; // invalid until the first report, which comes at once
            completed = parseAndWrite(*parser, in, *writer, isPipelinedKind(kind),
                                      [&](const InputReader& rd, int64_t records, int64_t rejects) {
                                          if (cancelled()) {
                                              return false;
                                          }
                                          if (rejects >= Importer::kRefuseAfterRejects &&
                                              records * Importer::kRefuseRatio < rejects + records) {
                                              mostlyRejected = true;
                                              return false;
                                          }
                                          if (!sinceReport.isValid() || sinceReport.elapsed() >= 100) {
                                              sinceReport.start();
                                              p.bytesRead = rd.rawBytesRead();
                                              p.records = accepted_ + records;
                                              p.rejects = rejected_ + rejects;
                                              report_(p);
                                          }
                                          return true;
                                      });
        } catch (const ArchiveLimitError&) {
            throw;
        } catch (const SqlError&) {
            throw;
        } catch (const std::exception& e) {
            undo();
            return skip(QString::fromUtf8(e.what()), QStringLiteral("refused"));
        }
        if (mostlyRejected) {
            undo();
            return skip(
                QStringLiteral("refused after %1 rejected lines: fewer than 1 in %2 lines read as %3, nothing "
                               "of it was kept")
                    .arg(QString::number(writer->rejected()), QString::number(Importer::kRefuseRatio), r.format),
                QStringLiteral("refused"));
        }
        if (!completed || cancelled()) {
            throw Cancelled{};
        }
        writer->finish();
        if (!source.drain(&cancel_)) {
            if (cancelled()) {
                throw Cancelled{};
            }
            undo();
            return skip(QStringLiteral("cannot be read to its end: %1").arg(source.error()), QStringLiteral("refused"));
        }
        r.sha256 = source.sha256();
        r.size = source.size();
        if (const QString existing = findDuplicateEvidence(db_, r.sha256); !existing.isEmpty()) {
            undo();
            r.status = QStringLiteral("skipped-duplicate");
            r.message = QStringLiteral("%1: already in the case (same SHA-256 as %2)").arg(m.chain, existing);
            record(r);
            return;
        }
        r.accepted = writer->accepted();
        r.rejected = writer->rejected();
        r.status = QStringLiteral("imported");
        r.evidenceId = evidenceId;
        r.message = QStringLiteral("%1: %2 records imported as %3%4, %5 rejected")
                        .arg(m.chain, QString::number(r.accepted), r.format, contentsNote(writer->contents()),
                             QString::number(r.rejected));
        Statement upd(db_, "UPDATE evidence SET sha256 = ?, size = ?, accepted = ?, rejected = ?, status = 'imported', "
                           "import_finished = ?, message = ? WHERE id = ?");
        upd.bind(1, r.sha256.toStdString())
            .bind(2, r.size)
            .bind(3, r.accepted)
            .bind(4, r.rejected)
            .bind(5, CaseStore::nowIso().toStdString())
            .bind(6, r.message.toStdString())
            .bind(7, evidenceId)
            .exec();
        execSql(db_, "RELEASE member");
        if (kind == "assets") {
            hostsGivenRequests_.insert(hostsGivenRequests_.end(), writer->hostsGivenRequests().begin(),
                                       writer->hostsGivenRequests().end());
        } else {
            onlyAssets_ = false;
        }
        triesEveryRequest_ = triesEveryRequest_ || AttributionScope::triesEveryRequest(kind);
        accepted_ += r.accepted;
        rejected_ += r.rejected;
        for (const auto& s : writer->rejectSamples()) {
            rejectSamples_ << QStringLiteral("%1, %2").arg(m.chain, QString::fromStdString(s));
        }
        record(r);
    }

    void outOfOrder(const MemberInfo& m, const QString& before, const QString& reason) override {
        orderNotes_ << QStringLiteral("%1 was imported before %2, older in its rotated sequence: %3")
                           .arg(m.chain, before, reason);
    }

    const QVector<ImportMemberResult>& results() const { return results_; }
    const QStringList& orderNotes() const { return orderNotes_; }
    const QStringList& channelsLeftOut() const { return channelsLeftOut_; }
    const std::set<std::string>& droppedIndexes() const { return dropped_; }
    int64_t accepted() const { return accepted_; }
    int64_t rejected() const { return rejected_; }
    const QStringList& rejectSamples() const { return rejectSamples_; }
    // No member but asset inventories was imported: the archive's attribution can be narrowed as
    // a plain inventory's is, to the hosts its members moved requests onto.
    bool onlyAssets() const { return onlyAssets_; }
    const std::vector<int64_t>& hostsGivenRequests() const { return hostsGivenRequests_; }
    // A member brought endpoint events: every request not yet attributed may now be tied, old
    // rows as much as the archive's own.
    bool triesEveryRequest() const { return triesEveryRequest_; }

  private:
    // Every member is recorded, outside its savepoint, so the inventory survives its rollback.
    void record(const ImportMemberResult& r) {
        Statement ins(db_, "INSERT INTO received_members(received_id, member_path, size, sha256, format, status, "
                           "reason, evidence_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        ins.bind(1, receivedId_)
            .bind(2, r.member.toStdString())
            .bindIntOrNull(3, r.size)
            .bindTextOrNull(4, r.sha256.toStdString())
            .bindTextOrNull(5, r.format.toStdString())
            .bind(6, r.status == QLatin1String("skipped-duplicate") ? "duplicate" : r.status.toStdString())
            .bindTextOrNull(7, r.status == QLatin1String("imported") ? std::string() : r.message.toStdString())
            .bindIntOrNull(8, r.evidenceId, 0)
            .exec();
        results_ << r;
    }

    sqlite3* db_;
    QString archivePath_;
    int64_t receivedId_;
    const ImportOptions& options_;
    const std::atomic<bool>& cancel_;
    const ArchiveReader& root_;
    int64_t archiveSize_;
    std::function<void(const ImportProgress&)> report_;
    QVector<ImportMemberResult> results_;
    QStringList channelsLeftOut_;
    QStringList orderNotes_;
    QStringList rejectSamples_;
    std::set<std::string> dropped_;
    int64_t accepted_ = 0;
    int64_t rejected_ = 0;
    bool onlyAssets_ = true;
    bool triesEveryRequest_ = false;
    std::vector<int64_t> hostsGivenRequests_;
};

} // namespace

ImportResult Importer::importArchive(const QString& path, const ImportOptions& options, const ProgressFn& progress,
                                     const std::atomic<bool>& cancel, int fileIndex, int fileCount) {
    QElapsedTimer clock;
    clock.start();
    const QFileInfo info(path);
    const QString shown = info.fileName();
    const QString absolute = info.absoluteFilePath();
    const int64_t size = info.size();
    sqlite3* db = store_.db();
    auto logger = log::ingest();
    ImportResult result;
    result.path = path;
    auto done = [&](const QString& status, const QString& message) {
        result.status = status;
        result.message = message;
        result.seconds = clock.elapsed() / 1000.0;
        if (status != QLatin1String("imported")) {
            result.accepted = 0;
            result.rejected = 0;
        }
        const QString action =
            QStringLiteral("import.%1").arg(status == QLatin1String("imported") ? QString() : status);
        try {
            store_.audit(status == QLatin1String("imported") ? QStringLiteral("import") : action, absolute,
                         status == QLatin1String("imported")
                             ? QStringLiteral("archive members=%1 accepted=%2 rejected=%3 sha256=%4")
                                   .arg(QString::number(result.members.size()), QString::number(result.accepted),
                                        QString::number(result.rejected), result.sha256)
                             : message);
        } catch (const SqlError&) {
            // a full disk may refuse the audit row too; the log below still has it
        }
        logger->info("{}: {}", path.toStdString(), message.toStdString());
        return result;
    };

    // The same archive twice: its SHA-256 is looked up before anything is read when one of its size
    // was received before, else computed on the other core while the members are read.
    QFuture<QString> hashFuture;
    auto receivedBefore = [&](const QString& sha) {
        Statement st(db, "SELECT path, received_at FROM received_files WHERE sha256 = ?");
        st.bind(1, sha.toStdString());
        return st.step() ? QStringLiteral("%1, received %2")
                               .arg(QString::fromStdString(st.text(0)), QString::fromStdString(st.text(1)))
                         : QString();
    };
    const bool sizeSeen =
        queryInt(db, "SELECT count(*) FROM received_files WHERE size = " + std::to_string(size)).value_or(0) > 0;
    if (sizeSeen) {
        result.sha256 = sha256OfFile(path, &cancel);
        if (result.sha256.isEmpty()) {
            return cancel.load() ? done(QStringLiteral("cancelled"),
                                        QStringLiteral("%1: import cancelled; the case is as it was before").arg(shown))
                                 : done(QStringLiteral("refused"),
                                        QStringLiteral("%1: could not be read to the end to hash it").arg(shown));
        }
        if (const QString before = receivedBefore(result.sha256); !before.isEmpty()) {
            return done(QStringLiteral("skipped-duplicate"),
                        QStringLiteral("%1: already in the case (same SHA-256 as %2)").arg(shown, before));
        }
    } else {
        hashFuture = QtConcurrent::run([path, &cancel] { return sha256OfFile(path, &cancel); });
    }
    auto waitForHash = [&] {
        if (hashFuture.isValid()) {
            hashFuture.waitForFinished();
        }
    };

    TempStoreOnDisk tempStoreOnDisk(db); // first in, last out: set back once the transaction has ended
    ForeignKeysOff foreignKeysOff(db);
    InterruptOnCancel interruptOnCancel(db, cancel);
    std::optional<Transaction> tx;
    try {
        tx.emplace(db);
    } catch (const SqlError& e) {
        waitForHash();
        return e.code() == SQLITE_BUSY
                   ? done(QStringLiteral("busy"),
                          QStringLiteral("%1: not imported: the case is busy (another import is writing to it); try "
                                         "again when it has finished")
                              .arg(shown))
                   : done(QStringLiteral("failed"),
                          QStringLiteral("%1: not imported: %2").arg(shown, QString::fromUtf8(e.what())));
    }
    ImportProgress p;
    p.path = path;
    p.fileIndex = fileIndex;
    p.fileCount = fileCount;
    p.bytesTotal = size;
    auto report = [&](const ImportProgress& at) {
        p.bytesRead = at.bytesRead;
        p.records = at.records;
        p.rejects = at.rejects;
        p.member = at.member;
        if (progress) {
            progress(p);
        }
    };
    auto failWith = [&](const QString& status, const QString& message) {
        tx->rollback();
        waitForHash();
        return done(status, message);
    };
    std::optional<ArchiveMemberImport> members;
    try {
        AttributionScope attribution;
        attribution.proxyAfter = queryInt(db, "SELECT coalesce(max(id), 0) FROM proxy_rows").value_or(0);
        attribution.dnsAfter = queryInt(db, "SELECT coalesce(max(id), 0) FROM dns_rows").value_or(0);
        attribution.sensorAfter = queryInt(db, "SELECT coalesce(max(id), 0) FROM sensor_conn_rows").value_or(0);
        ExpansionBudget budget(shown, size, options.limits);
        auto root = ArchiveReader::openFile(path, &budget);
        Statement ins(db, "INSERT INTO received_files(path, size, sha256, format, received_at) VALUES (?, ?, ?, ?, ?)");
        ins.bind(1, absolute.toStdString())
            .bind(2, size)
            .bind(3, "pending")
            .bind(4,
                  (root->formatName() + (root->compressed() ? QStringLiteral(", ") + root->compression() : QString()))
                      .toStdString())
            .bind(5, CaseStore::nowIso().toStdString())
            .exec();
        const int64_t receivedId = sqlite3_last_insert_rowid(db);
        members.emplace(db, absolute, receivedId, options, cancel, *root, size, report);
        ArchiveWalker walker(budget, *members);
        if (root->kind() == ArchiveReader::Kind::Container) {
            // Rotated logs oldest first, whatever order the archive holds them in: its top level is
            // listed first (for a compressed tar, one more decoding pass) to know what waits for what.
            ExpansionBudget listing(shown, size, options.limits);
            walker.setPredecessors(
                collection_layout::rotationPredecessors(ArchiveWalker::listTopLevel(path, listing, &cancel)));
        }
        if (!walker.walk(*root) || cancel.load()) {
            throw Cancelled{};
        }
        result.members = members->results();
        result.accepted = members->accepted();
        result.rejected = members->rejected();
        result.rejectSamples = members->rejectSamples().mid(0, 5);
        result.notes = collection_layout::archiveNotes(result.members, members->channelsLeftOut());
        result.notes << members->orderNotes();
        int imported = 0, duplicates = 0;
        for (const ImportMemberResult& m : result.members) {
            imported += m.status == QLatin1String("imported");
            duplicates += m.status == QLatin1String("skipped-duplicate");
        }
        if (hashFuture.isValid()) {
            result.sha256 = hashFuture.result();
            if (result.sha256.isEmpty()) {
                throw Cancelled{};
            }
            if (const QString before = receivedBefore(result.sha256); !before.isEmpty()) {
                return failWith(QStringLiteral("skipped-duplicate"),
                                QStringLiteral("%1: already in the case (same SHA-256 as %2)").arg(shown, before));
            }
        }
        const QString summary = QStringLiteral("%1: %2 members, %3 imported (%4 records, %5 rejected), %6 skipped")
                                    .arg(shown, QString::number(result.members.size()), QString::number(imported),
                                         QString::number(result.accepted), QString::number(result.rejected),
                                         QString::number(result.members.size() - imported));
        if (imported == 0) {
            // Nothing of it is kept: an archive of nothing importable is refused like a file.
            return failWith(duplicates > 0 ? QStringLiteral("skipped-duplicate") : QStringLiteral("refused"),
                            QStringLiteral("%1; nothing of it was kept").arg(summary));
        }
        Statement upd(db, "UPDATE received_files SET sha256 = ?, finished_at = ?, members = ?, imported = ?, "
                          "skipped = ?, message = ? WHERE id = ?");
        upd.bind(1, result.sha256.toStdString())
            .bind(2, CaseStore::nowIso().toStdString())
            .bind(3, int64_t(result.members.size()))
            .bind(4, int64_t(imported))
            .bind(5, int64_t(result.members.size() - imported))
            .bind(6, summary.toStdString())
            .bind(7, receivedId)
            .exec();
        for (const ImportMemberResult& m : result.members) {
            if (m.status == QLatin1String("imported")) {
                result.evidenceId = m.evidenceId; // the last one, for "Rejected lines…" of a one-member archive
            }
        }
        auto enterPhase = [&](ImportProgress::Phase phase) {
            p.phase = phase;
            if (progress) {
                progress(p);
            }
            if (cancel.load()) {
                throw Cancelled{};
            }
        };
        if (!members->droppedIndexes().empty()) {
            enterPhase(ImportProgress::Phase::Indexing);
            rebuildBulkIndexes(db);
        }
        enterPhase(ImportProgress::Phase::Linking);
        HostLinker linker(db);
        linker.link();
        // As for plain files (Importer::importFile): endpoint events may tie any request not yet
        // attributed; without them only the archive's own rows, and the old requests an inventory or
        // the linker moved onto another host (the "after" bounds alone left those unattributed).
        AttributionScope moved;
        moved.onlyHosts = true;
        moved.hosts = members->hostsGivenRequests();
        const std::set<int64_t>& linked = linker.hostsGivenEvents();
        moved.hosts.insert(moved.hosts.end(), linked.begin(), linked.end());
        if (members->triesEveryRequest()) {
            attribution = AttributionScope{};
        } else if (members->onlyAssets()) {
            attribution = moved;
        }
        enterPhase(ImportProgress::Phase::Attributing);
        RequestAttributor(db).run(attribution);
        if (!members->triesEveryRequest() && !members->onlyAssets() && !moved.hosts.empty()) {
            RequestAttributor(db).run(moved);
        }
        if (cancel.load()) {
            throw Cancelled{};
        }
        store_.audit(QStringLiteral("import"), absolute,
                     QStringLiteral("archive members=%1 imported=%2 accepted=%3 rejected=%4 sha256=%5")
                         .arg(QString::number(result.members.size()), QString::number(imported),
                              QString::number(result.accepted), QString::number(result.rejected), result.sha256));
        interruptOnCancel.disarm();
        p.phase = ImportProgress::Phase::Committing;
        if (progress) {
            progress(p);
        }
        tx->commit();
        result.status = QStringLiteral("imported");
        result.message = summary;
        result.seconds = clock.elapsed() / 1000.0;
        logger->info("imported archive {}: {} in {:.2f} s", path.toStdString(), summary.toStdString(), result.seconds);
        if (sqlite3_exec(db, "PRAGMA optimize", nullptr, nullptr, nullptr) != SQLITE_OK) {
            logger->debug("PRAGMA optimize skipped: {}", sqlite3_errmsg(db));
        }
        return result;
    } catch (const Cancelled&) {
        result.members.clear();
        return failWith(QStringLiteral("cancelled"),
                        QStringLiteral("%1: import cancelled; the case is as it was before").arg(shown));
    } catch (const ArchiveLimitError& e) {
        result.members = members ? members->results() : QVector<ImportMemberResult>{};
        return failWith(QStringLiteral("refused"), QString::fromUtf8(e.what()));
    } catch (const SqlError& e) {
        if (e.code() == SQLITE_INTERRUPT) {
            result.members.clear();
            return failWith(QStringLiteral("cancelled"),
                            QStringLiteral("%1: import cancelled; the case is as it was before").arg(shown));
        }
        return failWith(QStringLiteral("failed"),
                        e.code() == SQLITE_FULL
                            ? QStringLiteral("%1: not imported: disk full; the case is as it was before").arg(shown)
                            : QStringLiteral("%1: not imported: %2; the case is as it was before")
                                  .arg(shown, QString::fromUtf8(e.what())));
    } catch (const std::exception& e) {
        return failWith(QStringLiteral("refused"), QStringLiteral("%1: %2").arg(shown, QString::fromUtf8(e.what())));
    }
}

} // namespace socwb
