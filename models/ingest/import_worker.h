// Background import: ImportWorker is a QObject that lives on its own QThread with its own case
// connection, imports a list of files one by one and reports through queued signals. Cancel is an
// atomic flag (a queued slot would not run while the worker is busy). ImportJob owns the thread.
#pragma once

#include "importer.h"

#include <QList>
#include <QObject>
#include <QThread>

#include <atomic>

namespace socwb {

class ImportWorker : public QObject {
    Q_OBJECT
  public:
    explicit ImportWorker(QString casePath) : casePath_(std::move(casePath)) {}
    void cancel() { cancel_.store(true); }
    std::atomic<bool>& cancelFlag() { return cancel_; }

  public slots:
    void run(const QStringList& paths, const socwb::ImportOptions& options);

  signals:
    void progress(const socwb::ImportProgress& p);
    void fileFinished(const socwb::ImportResult& r);
    void finished(const QList<socwb::ImportResult>& results);
    // The case itself could not be opened: nothing was imported.
    void failed(const QString& message);

  private:
    void importAll(const QStringList& paths, const ImportOptions& options, QList<ImportResult>& results);
    QString casePath_;
    std::atomic<bool> cancel_{false};
};

class ImportJob : public QObject {
    Q_OBJECT
  public:
    explicit ImportJob(const QString& casePath, QObject* parent = nullptr);
    ~ImportJob() override; // cancels and waits for the thread

    void start(const QStringList& paths, const ImportOptions& options);
    void cancel() { worker_->cancel(); }
    ImportWorker* worker() const { return worker_; }
    bool isRunning() const { return thread_.isRunning(); }
    // Blocks the caller until the worker's thread has ended (tests, CLI).
    void wait() { thread_.wait(); }

  private:
    QThread thread_;
    ImportWorker* worker_;
};

void registerImportMetaTypes();

} // namespace socwb
