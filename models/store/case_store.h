// A case: one SQLite file that holds a whole investigation. CaseStore validates a file before it
// touches it (so a newer, foreign or damaged file is refused with nothing written), creates and
// migrates the schema, and owns one connection — used only by the thread that opened it.
#pragma once

#include <sqlite3.h>

#include <QString>

#include <memory>
#include <stdexcept>

namespace socwb {

// A one-line, user-facing reason why a case file cannot be used.
class CaseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class CaseStore {
public:
    // 'SOCW' in PRAGMA application_id marks a file as ours.
    static constexpr int kApplicationId = 0x534F4357;
    // How long a statement waits for another connection (the GUI, a second import) to let go.
    static constexpr int kBusyTimeoutMs = 5000;

    // Opens CASE, creating it when missing; throws CaseError when the file is not usable.
    static std::unique_ptr<CaseStore> open(const QString& path);
    // Only the checks of open(), read-only: throws CaseError, or returns the schema version found
    // (0 for a file that does not exist yet).
    static int inspect(const QString& path);

    ~CaseStore();
    CaseStore(const CaseStore&) = delete;
    CaseStore& operator=(const CaseStore&) = delete;

    sqlite3* db() const { return db_; }
    const QString& path() const { return path_; }
    int schemaVersion() const;

    // Appends to the audit log (the table refuses updates and deletes).
    void audit(const QString& action, const QString& target, const QString& detail = {});

    static QString nowIso();
    static QString actorName();

private:
    CaseStore(sqlite3* db, QString path) : db_(db), path_(std::move(path)) {}
    sqlite3* db_;
    QString path_;
};

} // namespace socwb
