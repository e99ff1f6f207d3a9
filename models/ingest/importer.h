// Imports one evidence file into a case, synchronously, in the caller's thread and on the
// caller's connection: detect (or take) the format, hash, parse into the case in one transaction,
// rebuild indexes, record the evidence row and an audit entry. Cancel rolls everything back.
#pragma once

#include "ingest/read/archive_reader.h"

#include <QHash>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

#include <atomic>
#include <cstdint>
#include <functional>

namespace socwb {

class CaseStore;

struct ImportOptions {
    QString format; // empty: detect from content
    // For formats that log local time (formatUsesLocalTime): empty means the caller has not said,
    // and such a file is refused with a reason naming --tz. Other formats read UTC when empty.
    QString sourceTimeZone = QStringLiteral("UTC");
    QString mappingPath; // CSV field mapping (file or resource)
    // Per member of a received archive (its path inside, as MemberInfo::chain says it): the format
    // the preview chose, or an empty string to leave the member out. Members not named are detected.
    QHash<QString, QString> memberFormats;
    ArchiveLimits limits;
};

struct ImportProgress {
    QString path;
    int fileIndex = 0;
    int fileCount = 1;
    int64_t bytesRead = 0;
    int64_t bytesTotal = 0;
    int64_t records = 0;
    int64_t rejects = 0;
    QString member; // the archive member being read, empty for a file received as is
    // What the import is doing: reading the file, then the SQL phases after it (the bytes and
    // record counts stay at their final values), then the commit, where cancel is no longer honoured.
    enum class Phase { Reading, Indexing, Linking, Attributing, Committing };
    Phase phase = Phase::Reading;
};

// What became of one member of a received archive.
struct ImportMemberResult {
    QString member; // its path inside the archive
    QString format;
    QString status;  // imported, skipped, skipped-duplicate, refused
    QString message; // one line, naming the member
    int64_t accepted = 0;
    int64_t rejected = 0;
    int64_t size = -1; // stored bytes; -1 when not read to the end
    QString sha256;
    int64_t evidenceId = 0;
};

struct ImportResult {
    QString path;
    QString sha256;
    QString format;
    QString status;  // imported, skipped-duplicate, refused, cancelled, busy, failed
    QString message; // one line for the user
    int64_t accepted = 0;
    int64_t rejected = 0;
    QStringList rejectSamples;
    int64_t evidenceId = 0;
    double seconds = 0;
    // A received archive: each member's outcome, in the order read, and what its layout told
    // (the event log channels a collection held and were not imported, ...).
    QVector<ImportMemberResult> members;
    QStringList notes;
};

class Importer {
  public:
    using ProgressFn = std::function<void(const ImportProgress&)>;
    // A file is refused early, and nothing of it kept, once this many of its lines were rejected
    // while fewer than one in kRefuseRatio of what was read became a record: it is not in the
    // format it was read as, and storing its rejects would only fill the case.
    static constexpr int64_t kRefuseAfterRejects = 10000;
    static constexpr int64_t kRefuseRatio = 100;

    explicit Importer(CaseStore& store) : store_(store) {}
    // progress is called at most about ten times a second; cancel is polled while parsing.
    ImportResult importFile(const QString& path, const ImportOptions& options, const ProgressFn& progress,
                            const std::atomic<bool>& cancel, int fileIndex = 0, int fileCount = 1);

  private:
    ImportResult importArchive(const QString& path, const ImportOptions& options, const ProgressFn& progress,
                               const std::atomic<bool>& cancel, int fileIndex, int fileCount);
    CaseStore& store_;
};

// The order one import of several files takes them in (issue 20): endpoint evidence first (Sysmon
// XML/JSON, EVTX, asset inventories: the formats that name hosts and processes), then the rest,
// each group in the order given. Network logs imported after them find their hosts named and are
// attributed while they are written; before them, each request was first written to an
// address-only host, then moved and attributed again by the endpoint import (a Sysmon-last case
// cost 1.3x what Sysmon first cost). The attributions do not depend on the order
// (tst_import_order); host and domain row ids do. Archives, files no format matches and a forced
// --format keep their place. Returns indexes into paths.
QVector<int> importOrder(const QStringList& paths, const ImportOptions& options);

// The file's SHA-256 in hex; empty when it cannot be read to the end (or `cancel` was set).
QString sha256OfFile(const QString& path, const std::atomic<bool>* cancel = nullptr);

} // namespace socwb

Q_DECLARE_METATYPE(socwb::ImportOptions)
Q_DECLARE_METATYPE(socwb::ImportProgress)
Q_DECLARE_METATYPE(socwb::ImportResult)
