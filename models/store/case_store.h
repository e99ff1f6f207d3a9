// A case: one SQLite file that holds a whole investigation. CaseStore validates a file before it
// touches it (so a newer, foreign or damaged file is refused with nothing written), creates and
// migrates the schema, and owns one connection — used only by the thread that opened it.
#pragma once

#include "schema.h"

#include <sqlite3.h>

#include <QString>
#include <QStringList>

#include <memory>
#include <stdexcept>

namespace socwb {

// A one-line, user-facing reason why a case file cannot be used (as asked).
class CaseError : public std::runtime_error {
  public:
    enum class Kind {
        Unusable,  // not a case, newer, damaged
        Busy,      // another connection holds the write lock longer than kBusyTimeoutMs
        ReadOnly,  // a write was asked of a case on read-only media, in a read-only folder, or mode 0444
        Cancelled, // the user cancelled the upgrade of an older case; it is as it was
    };
    explicit CaseError(const std::string& what, Kind kind = Kind::Unusable) : std::runtime_error(what), kind_(kind) {}
    Kind kind() const { return kind_; }

  private:
    Kind kind_;
};

class CaseStore {
  public:
    // 'SOCW' in PRAGMA application_id marks a file as ours.
    static constexpr int kApplicationId = 0x534F4357;
    // How long a statement waits for another connection (the GUI, a second import) to let go.
    static constexpr int kBusyTimeoutMs = 5000;

    enum class Access { ReadWrite, ReadOnly };
    // Opens CASE, creating it when missing; throws CaseError when the file is not usable. With
    // ReadWrite, a read-only case is refused (Kind::ReadOnly) before anything is written. With
    // ReadOnly, nothing is ever written: the case must exist and be of this build's schema, and on
    // read-only media it is opened immutable (no -wal/-shm files are made beside it).
    //
    // An existing case of an older schema is first copied beside itself (NAME.v<old>.socwb, see
    // backupPath()), then upgraded in one transaction; `upgrade` receives its progress and may
    // cancel it. A failed or cancelled upgrade leaves the case as it was and removes the copy. The
    // copy is written under a temporary name (NAME.v3.socwb.partial) and renamed when complete; what
    // a killed copy left (that temporary file, or a NAME.v3.socwb with a hot journal beside it, as
    // builds before issue 19 left) is removed first and named by staleCopiesRemoved().
    static std::unique_ptr<CaseStore> open(const QString& path, Access access = Access::ReadWrite,
                                           const schema::MigrationHooks* upgrade = nullptr);
    // Where the copy of an older case goes before its upgrade: NAME.v3.socwb beside NAME.socwb
    // (NAME.v3-2.socwb when that exists already).
    static QString backupPathFor(const QString& path, int version);
    // Why a write to this existing case cannot work ("the file is not writable", "on a read-only
    // file system"), or empty when it can. Mode bits count even for root: a case marked 0444 was
    // marked read-only on purpose.
    static QString whyReadOnly(const QString& path);
    // Only the checks of open(), read-only: throws CaseError, or returns the schema version found
    // (0 for a file that does not exist yet).
    static int inspect(const QString& path);
    // The schema version a case file's header states (0: not one of our cases, or unreadable),
    // without inspect()'s checks and without opening it. The header can lag a WAL that holds a
    // newer one; for deciding whether open() is likely to upgrade, which then decides for real.
    static int versionOf(const QString& path);

    ~CaseStore();
    CaseStore(const CaseStore&) = delete;
    CaseStore& operator=(const CaseStore&) = delete;

    sqlite3* db() const { return db_; }
    bool readOnly() const { return readOnly_; }
    const QString& path() const { return path_; }
    int schemaVersion() const;
    // When open() upgraded the case: the schema it had, and where its original was copied.
    int upgradedFrom() const { return upgradedFrom_; }
    const QString& backupPath() const { return backupPath_; }
    // Partial copies an earlier, killed upgrade left beside the case, removed by this open().
    const QStringList& staleCopiesRemoved() const { return staleCopies_; }

    // Appends to the audit log (the table refuses updates and deletes).
    void audit(const QString& action, const QString& target, const QString& detail = {});

    static QString nowIso();
    static QString actorName();

  private:
    CaseStore(sqlite3* db, QString path, bool readOnly) : db_(db), path_(std::move(path)), readOnly_(readOnly) {}
    sqlite3* db_;
    QString path_;
    bool readOnly_ = false;
    int upgradedFrom_ = 0;
    QString backupPath_;
    QStringList staleCopies_;
};

} // namespace socwb
