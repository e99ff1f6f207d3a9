// A read-only connection to a case for a worker thread: the GUI's views read through these, never
// through the connection that writes, so a long query never waits on (or holds up) the GUI thread.
// Used only by the thread that opened it (SQLite's NOMUTEX mode).
#pragma once

#include <sqlite3.h>

#include <QString>
#include <QVariantList>

namespace socwb {

class Statement;

class ReadConnection {
  public:
    // Throws SqlError when the case cannot be opened.
    explicit ReadConnection(const QString& casePath);
    ~ReadConnection();
    ReadConnection(const ReadConnection&) = delete;
    ReadConnection& operator=(const ReadConnection&) = delete;
    sqlite3* db() const { return db_; }

  private:
    sqlite3* db_ = nullptr;
};

// Binds QVariants (numbers, text, null) to ?1..?n from 'first' on.
void bindAll(Statement& st, const QVariantList& params, int first = 1);
QString columnText(const Statement& st, int col);

} // namespace socwb
