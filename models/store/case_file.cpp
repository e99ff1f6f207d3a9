#include "case_file.h"

#include "case_store.h"

#include <QFile>
#include <QFileInfo>
#include <QUrl>

#include <sys/stat.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>

namespace socwb::case_file {

namespace {

bool same(const FileId& a, const FileId& b) {
    return a.exists && b.exists && a == b;
}

struct Held {
    QString path; // absolute
    FileId key;   // of the file when it was opened
};

// Every connection this process has open on a case, whichever thread opened it.
std::mutex& registryMutex() {
    static std::mutex m;
    return m;
}
std::unordered_map<sqlite3*, Held>& registry() {
    static std::unordered_map<sqlite3*, Held> r;
    return r;
}

// How a connection that never writes opens a case: mode=ro, and immutable when nobody can write
// the file (read-only media or folder, mode 0444) and no WAL content waits to be read — SQLite then
// needs no -shm file beside the case, which it could not create there (and would leave behind).
QByteArray readOnlyUri(const QString& path) {
    QByteArray uri = QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath()).toEncoded() + "?mode=ro";
    if (!CaseStore::whyReadOnly(path).isEmpty() && QFileInfo(path + QStringLiteral("-wal")).size() <= 0) {
        uri += "&immutable=1";
    }
    return uri;
}

} // namespace

FileId fileId(const QString& path) {
    struct stat st {};
    const QByteArray native = QFile::encodeName(path);
    if (::stat(native.constData(), &st) != 0) {
        return {};
    }
    return {quint64(st.st_dev), quint64(st.st_ino), true};
}

bool isStorageFailure(int code) {
    switch (code & 0xFF) {
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_CANTOPEN:
        return true;
    case SQLITE_READONLY:
        return code == SQLITE_READONLY_DBMOVED;
    default:
        return false;
    }
}

bool mentionsStorageFailure(const QString& message) {
    for (const int code : {SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_NOTADB}) {
        if (message.contains(QLatin1String(sqlite3_errstr(code)))) {
            return true;
        }
    }
    return false;
}

Connection connect(const QString& path, Mode mode, std::string& error, int* code) {
    sqlite3* db = nullptr;
    int rc = SQLITE_OK;
    switch (mode) {
    case Mode::Create:
    case Mode::ReadWrite: {
        const QByteArray native = QFile::encodeName(path);
        const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (mode == Mode::Create ? SQLITE_OPEN_CREATE : 0);
        rc = sqlite3_open_v2(native.constData(), &db, flags, nullptr);
        break;
    }
    case Mode::ReadOnly:
        rc = sqlite3_open_v2(readOnlyUri(path).constData(), &db,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
        break;
    }
    if (code) {
        *code = rc;
    }
    if (rc != SQLITE_OK) {
        error = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close_v2(db);
        return nullptr;
    }
    const std::lock_guard lock(registryMutex());
    registry()[db] = Held{QFileInfo(path).absoluteFilePath(), fileId(path)};
    return Connection(db);
}

void close(sqlite3* db) {
    if (!db) {
        return;
    }
    {
        const std::lock_guard lock(registryMutex());
        registry().erase(db);
    }
    // SQLite keeps the descriptor open while another connection of this process holds locks on
    // the file, and closes it with the last one.
    sqlite3_close_v2(db);
}

void Close::operator()(sqlite3* db) const {
    close(db);
}

Header header(sqlite3* db) {
    Header h;
    sqlite3_file* file = nullptr;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || !file || !file->pMethods) {
        return h;
    }
    sqlite3_int64 size = 0;
    if (file->pMethods->xFileSize(file, &size) != SQLITE_OK) {
        return h;
    }
    h.size = size;
    h.bytes.resize(static_cast<qsizetype>(std::min<sqlite3_int64>(size, 100)));
    h.readable = h.bytes.isEmpty() ||
                 file->pMethods->xRead(file, h.bytes.data(), static_cast<int>(h.bytes.size()), 0) == SQLITE_OK;
    if (!h.readable) {
        h.bytes.clear();
    }
    return h;
}

int openConnections(const QString& path) {
    const FileId key = fileId(path);
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const std::lock_guard lock(registryMutex());
    return static_cast<int>(std::count_if(registry().begin(), registry().end(), [&](const auto& entry) {
        return same(entry.second.key, key) || entry.second.path == absolute;
    }));
}

bool isHeld(const QString& path) {
    const FileId key = fileId(path);
    if (!key.exists) {
        return false;
    }
    const std::lock_guard lock(registryMutex());
    for (const auto& [db, held] : registry()) {
        if (same(held.key, key)) {
            return true;
        }
        for (const char* suffix : {"-wal", "-shm", "-journal"}) {
            if (same(fileId(held.path + QLatin1String(suffix)), key)) {
                return true;
            }
        }
    }
    return false;
}

} // namespace socwb::case_file
