#include "case_store.h"

#include "case_file.h"
#include "case_validation.h"
#include "core/logging.h"
#include "schema.h"
#include "statement.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>

#include <pwd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>

namespace socwb {

namespace {

// SQLite's memory statistics take a process-wide mutex on every allocation; nothing here reads
// them, and an import allocates for every row. Must run before SQLite initializes, hence static.
[[maybe_unused]] const int kMemStatusOff = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

uint32_t be32(const unsigned char* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

// The SQLite file header (https://www.sqlite.org/fileformat.html) tells us, before SQLite reads a
// page, whether this is SQLite at all and whether the file is shorter than it claims. Read through
// the connection's own descriptor (see case_file.h for why never through another).
void checkHeader(sqlite3* db, const QString& path, const QString& shown) {
    const case_file::Header head = case_file::header(db);
    if (!head.readable) {
        throw CaseError(QStringLiteral("%1: cannot be read").arg(shown).toStdString());
    }
    const qint64 size = head.size;
    if (size == 0) {
        return; // SQLite treats an empty file as an empty database: a new case.
    }
    const QByteArray& h = head.bytes;
    static const char kMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f', 'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};
    if (h.size() < 100 || memcmp(h.constData(), kMagic, 16) != 0) {
        throw CaseError(QStringLiteral("%1: not a socwb case (not an SQLite database)").arg(shown).toStdString());
    }
    const auto* u = reinterpret_cast<const unsigned char*>(h.constData());
    uint32_t pageSize = (uint32_t(u[16]) << 8) | u[17];
    if (pageSize == 1) {
        pageSize = 65536;
    }
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) != 0) {
        throw CaseError(
            QStringLiteral("%1: corrupted case file (invalid page size in the header)").arg(shown).toStdString());
    }
    // The in-header page count is valid only when the change counter matches "version valid for".
    const uint32_t pages = be32(u + 28);
    const bool countValid = be32(u + 24) == be32(u + 92);
    const bool walPending = QFileInfo(path + QStringLiteral("-wal")).size() > 0;
    if (!walPending && (size % pageSize != 0 || (countValid && qint64(pages) * pageSize > size))) {
        throw CaseError(QStringLiteral("%1: corrupted case file (truncated: %2 bytes, the header describes %3)")
                            .arg(shown, QString::number(size), QString::number(qint64(pages) * pageSize))
                            .toStdString());
    }
}

// A bulk import runs with a rollback journal. If it was killed, the case has a hot journal that
// SQLite rolls back the next time a connection that may write reads it; a read-only connection
// cannot, and would see the case as damaged. So for a file that carries our application id, let
// SQLite finish its own recovery first: the case is then as it was before that import.
void rollBackInterruptedImport(const QString& path, const QString& shown) {
    if (QFileInfo(path + QStringLiteral("-journal")).size() <= 0) {
        return;
    }
    if (const QString why = CaseStore::whyReadOnly(path); !why.isEmpty()) {
        throw CaseError(QStringLiteral("%1: an interrupted import must be rolled back, which needs write access, "
                                       "but the case is read-only (%2)")
                            .arg(shown, why)
                            .toStdString(),
                        CaseError::Kind::ReadOnly);
    }
    // Opening reads nothing yet: the header is checked before SQLite looks at the journal.
    std::string error;
    const case_file::Connection conn = case_file::connect(path, case_file::Mode::ReadWrite, error);
    if (!conn) {
        throw CaseError(shown.toStdString() +
                        ": an interrupted import must be rolled back, which needs write access (" + error + ")");
    }
    sqlite3* db = conn.get();
    const QByteArray h = case_file::header(db).bytes;
    if (h.size() < 100 ||
        be32(reinterpret_cast<const unsigned char*>(h.constData()) + 68) != uint32_t(CaseStore::kApplicationId)) {
        return; // not ours: leave its bytes alone; validation says what it is
    }
    sqlite3_busy_timeout(db, CaseStore::kBusyTimeoutMs);
    if (sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr) == SQLITE_OK &&
        QFileInfo(path + QStringLiteral("-journal")).size() <= 0) {
        log::store()->warn("{}: rolled back an import that was interrupted", path.toStdString());
    }
}

CaseError::Kind kindOf(const SqlError& e) {
    switch (e.code() & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return CaseError::Kind::Busy;
    case SQLITE_READONLY:
        return CaseError::Kind::ReadOnly;
    default:
        return CaseError::Kind::Unusable;
    }
}

bool hasWriteBit(const QByteArray& native) {
    struct stat st {};
    return ::stat(native.constData(), &st) == 0 && (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) != 0 &&
           ::access(native.constData(), W_OK) == 0;
}

} // namespace

QString CaseStore::whyReadOnly(const QString& path) {
    const QFileInfo fi(path);
    const QByteArray dir = QFile::encodeName(fi.absolutePath());
    struct statvfs vfs {};
    if (::statvfs(dir.constData(), &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0) {
        return QStringLiteral("it is on a read-only file system");
    }
    if (fi.exists() && !hasWriteBit(QFile::encodeName(fi.absoluteFilePath()))) {
        return QStringLiteral("the file is not writable");
    }
    if (!hasWriteBit(dir)) {
        return QStringLiteral("its folder is not writable");
    }
    return {};
}

int CaseStore::inspect(const QString& path) {
    const QString shown = QFileInfo(path).fileName();
    if (!QFileInfo::exists(path)) {
        return 0;
    }
    if (QFileInfo(path).isDir()) {
        throw CaseError(QStringLiteral("%1: is a directory, not a case file").arg(shown).toStdString());
    }
    rollBackInterruptedImport(path, shown);

    // Reading a WAL-mode database makes SQLite create empty -wal and -shm files beside it. When
    // the file is then refused (another application's, newer), remove the ones this look made, so
    // a refusal leaves the folder as it was. Runs after the connection below has closed.
    struct LeaveNoTrace {
        QString wal, shm;
        bool walBefore = false, shmBefore = false, refused = true;
        explicit LeaveNoTrace(const QString& p)
            : wal(p + QStringLiteral("-wal")), shm(p + QStringLiteral("-shm")), walBefore(QFileInfo::exists(wal)),
              shmBefore(QFileInfo::exists(shm)) {}
        ~LeaveNoTrace() {
            if (refused && !walBefore && QFileInfo(wal).exists() && QFileInfo(wal).size() == 0) {
                QFile::remove(wal);
                if (!shmBefore) {
                    QFile::remove(shm);
                }
            }
        }
    } leaveNoTrace(path);
    std::string error;
    const case_file::Connection conn = case_file::connect(path, case_file::Mode::ReadOnly, error);
    if (!conn) {
        throw CaseError(shown.toStdString() + ": cannot be opened (" + error + ")");
    }
    sqlite3* db = conn.get();
    checkHeader(db, path, shown);
    // Another connection (an import finishing) may hold a lock for a moment.
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    try {
        const int appId = static_cast<int>(queryInt(db, "PRAGMA application_id").value_or(0));
        const int version = static_cast<int>(queryInt(db, "PRAGMA user_version").value_or(0));
        const auto tables = queryInt(db, "SELECT count(*) FROM sqlite_schema").value_or(0);
        if (appId != kApplicationId && tables > 0) {
            throw CaseError(shown.toStdString() + ": not a socwb case (an SQLite database of another application)");
        }
        validation::checkSchemaVersion(version, tables, shown);
        if (version > schema::latestVersion()) {
            throw CaseError(shown.toStdString() + ": written by a newer socwb (case schema " + std::to_string(version) +
                            ", this build reads up to " + std::to_string(schema::latestVersion()) + ")");
        }
        // A full quick_check reads every page; on very large cases the header checks above and
        // SQLite's own checks while reading have to do.
        if (QFileInfo(path).size() <= validation::kFullCheckMaxBytes) {
            Statement check(db, "PRAGMA quick_check(1)");
            if (check.step() && check.text(0) != "ok") {
                std::string detail = check.text(0);
                std::replace(detail.begin(), detail.end(), '\n', ' ');
                throw CaseError(shown.toStdString() + ": corrupted case file (" + detail + ")");
            }
            if (version == schema::latestVersion()) {
                validation::checkStructure(db, path, shown);
            }
        }
        leaveNoTrace.refused = false;
        return version;
    } catch (const SqlError& e) {
        std::string detail = e.what();
        std::replace(detail.begin(), detail.end(), '\n', ' ');
        if (kindOf(e) == CaseError::Kind::Busy) {
            throw CaseError(shown.toStdString() + ": case is busy (" + detail + ")", CaseError::Kind::Busy);
        }
        throw CaseError(shown.toStdString() + ": corrupted case file (" + detail + ")");
    }
}

int CaseStore::versionOf(const QString& path) {
    // From the file header (https://www.sqlite.org/fileformat.html): user_version at offset 60,
    // application_id at 68. Read through SQLite's descriptor before any page is: reading the
    // database would make -wal/-shm files beside it.
    std::string error;
    const case_file::Connection conn = case_file::connect(path, case_file::Mode::ReadOnly, error);
    if (!conn) {
        return 0;
    }
    const QByteArray h = case_file::header(conn.get()).bytes;
    if (h.size() < 100 || !h.startsWith(QByteArrayLiteral("SQLite format 3"))) {
        return 0;
    }
    const auto* u = reinterpret_cast<const unsigned char*>(h.constData());
    return be32(u + 68) == uint32_t(kApplicationId) ? static_cast<int>(be32(u + 60)) : 0;
}

namespace {
case_file::Connection openReadOnly(const QString& path, const QString& shown) {
    std::string error;
    case_file::Connection conn = case_file::connect(path, case_file::Mode::ReadOnly, error);
    if (!conn) {
        throw CaseError(shown.toStdString() + ": cannot be opened for reading (" + error + ")");
    }
    sqlite3_busy_timeout(conn.get(), CaseStore::kBusyTimeoutMs);
    return conn;
}

void enableDefensive(sqlite3* db) {
    // Defensive mode stops SQL from corrupting the file through writable_schema and friends.
    int on = 0;
    if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, &on) != SQLITE_OK || on != 1) {
        throw SqlError("defensive mode could not be switched on", SQLITE_ERROR);
    }
}
} // namespace

QString CaseStore::backupPathFor(const QString& path, int version) {
    QString base = path;
    if (base.endsWith(QLatin1String(".socwb"))) {
        base.chop(6);
    }
    const QString v = QStringLiteral(".v") + QString::number(version);
    QString candidate = base + v + QStringLiteral(".socwb");
    for (int n = 2; QFileInfo::exists(candidate); ++n) {
        candidate = base + v + QLatin1Char('-') + QString::number(n) + QStringLiteral(".socwb");
    }
    return candidate;
}

namespace {
const QLatin1String kPartial(".partial");

void removeWithJournal(const QString& file) {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
        QFile::remove(file + QLatin1String(suffix));
    }
}

// What an upgrade killed during its copy left beside PATH for VERSION: the temporary copy, and a
// copy with a hot journal beside it (a complete copy is closed cleanly, so it has none). Removed;
// returns their names.
QStringList removeStaleCopies(const QString& path, int version) {
    QStringList removed;
    QString base = path;
    if (base.endsWith(QLatin1String(".socwb"))) {
        base.chop(6);
    }
    const QString v = QStringLiteral(".v") + QString::number(version);
    for (int n = 1; n < 1000; ++n) {
        const QString copy =
            base + v + (n == 1 ? QString() : QLatin1Char('-') + QString::number(n)) + QStringLiteral(".socwb");
        const bool partial = QFileInfo::exists(copy + kPartial) || QFileInfo::exists(copy + kPartial + "-journal");
        const bool hot = QFileInfo::exists(copy) && QFileInfo::exists(copy + QLatin1String("-journal"));
        if (partial) {
            removeWithJournal(copy + kPartial);
            removed << QFileInfo(copy + kPartial).fileName();
        }
        if (hot) {
            removeWithJournal(copy);
            removed << QFileInfo(copy).fileName();
        }
        if (!partial && !QFileInfo::exists(copy)) {
            break;
        }
    }
    return removed;
}

// Copies the case, page for page, through SQLite's online backup (a consistent snapshot even
// while another connection writes) to a new file: written as TO.partial and renamed to TO when
// complete, so a copy killed half-way never has the name of a kept original.
void copyCase(sqlite3* from, const QString& to, const QString& shown) {
    const QString temp = to + kPartial;
    removeWithJournal(temp);
    std::string ignored;
    int rc = SQLITE_OK;
    case_file::Connection guard = case_file::connect(temp, case_file::Mode::Create, ignored, &rc);
    sqlite3* dest = guard.get();
    if (rc == SQLITE_OK) {
        sqlite3_backup* b = sqlite3_backup_init(dest, "main", from, "main");
        if (!b) {
            rc = sqlite3_errcode(dest);
        } else {
            rc = sqlite3_backup_step(b, -1);
            const int finish = sqlite3_backup_finish(b);
            rc = rc == SQLITE_DONE ? finish : rc;
        }
    }
    guard.reset(); // closed (and out of this process's list of open cases) before it is renamed
    if (rc == SQLITE_OK && !QFile::rename(temp, to)) {
        rc = SQLITE_CANTOPEN;
    }
    if (rc != SQLITE_OK) {
        const std::string msg = sqlite3_errstr(rc);
        removeWithJournal(temp);
        throw SqlError(shown.toStdString() + ": the copy kept before an upgrade could not be written (" + msg + ")",
                       rc);
    }
}
} // namespace

std::unique_ptr<CaseStore> CaseStore::open(const QString& path, Access access, const schema::MigrationHooks* upgrade) {
    const QString shown = QFileInfo(path).fileName();
    if (access == Access::ReadWrite) {
        if (const QString why = whyReadOnly(path); !why.isEmpty()) {
            throw CaseError(QStringLiteral("%1: case is read-only (%2): it can be read, or saved as a copy in a "
                                           "writable folder, but not written")
                                .arg(shown, why)
                                .toStdString(),
                            CaseError::Kind::ReadOnly);
        }
    }
    const int before = inspect(path);
    if (access == Access::ReadOnly) {
        if (!QFileInfo::exists(path)) {
            throw CaseError(shown.toStdString() + ": no such case file");
        }
        if (before < schema::latestVersion()) {
            throw CaseError(
                QStringLiteral("%1: written by an older socwb (case schema %2); reading it needs an upgrade, "
                               "which needs write access")
                    .arg(shown, QString::number(before))
                    .toStdString(),
                CaseError::Kind::ReadOnly);
        }
        auto db = openReadOnly(path, shown);
        try {
            enableDefensive(db.get());
        } catch (const SqlError& e) {
            throw CaseError(shown.toStdString() + ": cannot be prepared (" + e.what() + ")");
        }
        return std::unique_ptr<CaseStore>(new CaseStore(db.release(), path, true));
    }

    std::string error;
    sqlite3* db = case_file::connect(path, case_file::Mode::Create, error).release();
    if (!db) {
        throw CaseError(shown.toStdString() + ": cannot be opened for writing (" + error + ")");
    }
    std::unique_ptr<CaseStore> store(new CaseStore(db, path, false));
    try {
        enableDefensive(db);
        sqlite3_busy_timeout(db, kBusyTimeoutMs);
        // WAL lets readers (another analyst's `info`, the GUI) read their snapshot while an import
        // writes. SQLite keeps the old mode when another connection holds the case in it.
        if (queryText(db, "PRAGMA journal_mode = WAL") != "wal") {
            log::store()->warn("{}: could not switch to WAL mode (another connection holds it in {} mode)",
                               path.toStdString(), queryText(db, "PRAGMA journal_mode"));
        }
        execSql(db, "PRAGMA synchronous = NORMAL");
        execSql(db, "PRAGMA foreign_keys = ON");
        execSql(db, "PRAGMA temp_store = MEMORY");
        execSql(db, "PRAGMA cache_size = -65536");
        // Index builds after a bulk load sort with a helper thread on the second core.
        execSql(db, "PRAGMA threads = 2");
        if (before == 0) {
            execSql(db, "PRAGMA application_id = " + std::to_string(kApplicationId));
        }
        if (before > 0 && before < schema::latestVersion()) {
            store->staleCopies_ = removeStaleCopies(path, before);
            for (const QString& stale : store->staleCopies_) {
                log::store()->warn("{}: removed {}, a partial copy an interrupted upgrade left", path.toStdString(),
                                   stale.toStdString());
            }
            store->backupPath_ = backupPathFor(path, before);
            copyCase(db, store->backupPath_, shown);
            try {
                schema::migrate(db, -1, upgrade);
            } catch (...) {
                QFile::remove(store->backupPath_); // the case is as it was: the copy is not needed
                throw;
            }
            store->upgradedFrom_ = before;
            if (QFileInfo(path).size() <= validation::kFullCheckMaxBytes) {
                validation::checkStructure(db, path, shown); // rows an older case carried over
            }
        } else {
            schema::migrate(db);
        }
        if (before == 0) {
            Statement meta(db, "INSERT OR REPLACE INTO case_meta(key, value) VALUES (?, ?)");
            meta.bind(1, "created_at").bind(2, nowIso().toStdString()).exec();
            meta.bind(1, "created_by").bind(2, actorName().toStdString()).exec();
            store->audit(QStringLiteral("case.create"), path);
            log::store()->info("created case {} (schema {})", path.toStdString(), schema::latestVersion());
        } else if (before < schema::latestVersion()) {
            store->audit(QStringLiteral("case.migrate"), path,
                         QStringLiteral("schema %1 -> %2; original kept as %3")
                             .arg(QString::number(before), QString::number(schema::latestVersion()),
                                  QFileInfo(store->backupPath_).fileName()));
            log::store()->info("migrated case {} from schema {} to {}", path.toStdString(), before,
                               schema::latestVersion());
        }
    } catch (const SqlError& e) {
        if ((e.code() & 0xFF) == SQLITE_INTERRUPT) {
            throw CaseError(shown.toStdString() + ": upgrade cancelled; the case is as it was (schema " +
                                std::to_string(before) + ")",
                            CaseError::Kind::Cancelled);
        }
        const CaseError::Kind kind = kindOf(e);
        throw CaseError(shown.toStdString() +
                            (kind == CaseError::Kind::Busy ? ": case is busy (" : ": cannot be prepared (") + e.what() +
                            ")",
                        kind);
    }
    return store;
}

CaseStore::~CaseStore() {
    case_file::close(db_);
}

int CaseStore::schemaVersion() const {
    return static_cast<int>(queryInt(db_, "PRAGMA user_version").value_or(0));
}

void CaseStore::audit(const QString& action, const QString& target, const QString& detail) {
    Statement st(db_, "INSERT INTO audit_log(ts, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)");
    st.bind(1, nowIso().toStdString()).bind(2, actorName().toStdString()).bind(3, action.toStdString());
    target.isEmpty() ? st.bindNull(4) : st.bind(4, target.toStdString());
    detail.isEmpty() ? st.bindNull(5) : st.bind(5, detail.toStdString());
    st.exec();
}

QString CaseStore::nowIso() {
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QString CaseStore::actorName() {
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty()) {
        user = qEnvironmentVariable("USERNAME");
    }
    if (user.isEmpty()) {
        // $USER is unset under systemd services, cron and some sandboxes: the account itself, not
        // a made-up "analyst" (issue 28, item 9).
        std::array<char, 4096> buf{};
        passwd pw{};
        passwd* found = nullptr;
        if (getpwuid_r(geteuid(), &pw, buf.data(), buf.size(), &found) == 0 && found && found->pw_name) {
            user = QString::fromLocal8Bit(found->pw_name);
        } else {
            user = QStringLiteral("uid %1").arg(geteuid());
        }
    }
    return user;
}

} // namespace socwb
