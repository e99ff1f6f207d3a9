// The one place that opens a case file (issue 27). SQLite locks a case with POSIX advisory locks,
// and those belong to a process and a file, not to a descriptor: closing ANY descriptor this
// process has on a case drops the locks of every SQLite connection it holds on it
// (https://www.sqlite.org/howtocorrupt.html, 2.2). Another program then takes the case for unused,
// checkpoints it and deletes the -wal and -shm files this process is still writing into: its later
// commits land in deleted files. So nothing in socwb opens a case (or its -wal, -shm, -journal)
// except SQLite, through connect() below, and what is read of a case outside SQL — its 100-byte
// header — is read through that connection's own descriptor (header()). SQLite itself keeps a
// closing connection's descriptor open while another connection of the process holds locks on
// the file. tests/tst_shared_case.cpp checks that no other file in models/, views/ or app/ opens
// an SQLite connection, and that every opening path keeps another connection's locks.
//
// It also counts the connections this process has open on each case, so that what imports
// evidence can refuse a case's own files (reading one would drop the locks as well).
#pragma once

#include <sqlite3.h>

#include <QByteArray>
#include <QString>

#include <memory>
#include <string>

namespace socwb::case_file {

enum class Mode {
    Create,    // read-write, the file created when missing (a case being opened for work)
    ReadWrite, // read-write, an existing file only
    ReadOnly,  // never writes; immutable where nobody can write the file (see readOnlyUri)
};

struct Close {
    void operator()(sqlite3* db) const;
};
using Connection = std::unique_ptr<sqlite3, Close>;

// Opens PATH with NOMUTEX (a connection is used by the thread that opened it). Nothing is read
// yet, so no -wal/-shm file is made. On failure returns null and puts SQLite's words in `error`
// and its result code in `code`.
Connection connect(const QString& path, Mode mode, std::string& error, int* code = nullptr);
// Closes a connection from connect() (what Connection does; for owners that keep a raw pointer).
void close(sqlite3* db);

// The start of the file and its size, read through the connection's own descriptor (no lock is
// taken and no page is cached). `bytes` holds min(size, 100) bytes; `readable` is false when SQLite
// could not read them.
struct Header {
    bool readable = false;
    qint64 size = 0;
    QByteArray bytes;
};
Header header(sqlite3* db);

// Which file a path names now (device and inode), to tell a file from one put in its place.
struct FileId {
    quint64 device = 0;
    quint64 inode = 0;
    bool exists = false;
    bool operator==(const FileId& o) const { return exists == o.exists && device == o.device && inode == o.inode; }
};
FileId fileId(const QString& path);

// SQLite result codes (primary or extended) that mean the case's files failed, not the request:
// an I/O error, a damaged or foreign file, a file that went away. After one of these nothing that
// connection writes can be trusted to reach the case.
bool isStorageFailure(int code);
// The same for a message that carries SQLite's words for those codes (from a worker that reports
// text only).
bool mentionsStorageFailure(const QString& message);

// How many connections this process has open on the case at PATH (or on the file PATH names).
int openConnections(const QString& path);
// True when PATH names a case this process has open, or the -wal, -shm or -journal beside one:
// a file nothing but SQLite may open while that lasts.
bool isHeld(const QString& path);

} // namespace socwb::case_file
