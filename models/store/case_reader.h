// A case connection on its own thread, for views. Each view owns one CaseReader; jobs posted to it
// run in order on that thread with the connection it opened there (SQLite connections are used
// only by the thread that opened them), and hand their results back with a queued call.
#pragma once

#include <sqlite3.h>

#include <QObject>
#include <QString>
#include <QThread>

#include <functional>
#include <memory>

namespace socwb {

class CaseStore;

class CaseReader : public QObject {
    Q_OBJECT
  public:
    explicit CaseReader(QObject* parent = nullptr);
    ~CaseReader() override; // waits for the running job

    // Opens CASE on the reader thread (closing any previous one; an empty path only closes). A missing
    // file is not created.
    void open(const QString& casePath);
    // Runs job(db) on the reader thread once the case is open; skipped when no case could be opened.
    void post(std::function<void(sqlite3*)> job);
    // Blocks until every job posted so far has run (tests and benchmarks).
    void drain();

  signals:
    void openFailed(const QString& reason); // queued to the owner's thread

  private:
    QThread thread_;
    QObject* context_ = nullptr;       // lives on thread_
    std::unique_ptr<CaseStore> store_; // touched only on thread_
};

} // namespace socwb
