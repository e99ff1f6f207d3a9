// Background scoring, shaped like the importer's worker: ScoreWorker lives on its own QThread with
// its own case connection and reports through queued signals; cancel is an atomic flag (a queued
// slot would not run while the worker is busy). ScoreJob owns the thread.
#pragma once

#include "scoring_engine.h"

#include <QObject>
#include <QThread>

#include <atomic>

namespace socwb {

class ScoreWorker : public QObject {
    Q_OBJECT
  public:
    explicit ScoreWorker(QString casePath) : casePath_(std::move(casePath)) {}
    std::atomic<bool>& cancelFlag() { return cancel_; }

  public slots:
    void run(socwb::ScoreMode mode);

  signals:
    void progress(const socwb::ScoreProgress& p);
    void finished(const socwb::ScoreOutcome& outcome);

  private:
    QString casePath_;
    std::atomic<bool> cancel_{false};
};

class ScoreJob : public QObject {
    Q_OBJECT
  public:
    explicit ScoreJob(const QString& casePath, QObject* parent = nullptr);
    ~ScoreJob() override; // cancels and waits for the thread

    void start(ScoreMode mode);
    void cancel() { worker_->cancelFlag().store(true); }
    void wait() { thread_.wait(); }
    bool isRunning() const { return thread_.isRunning(); }
    // The run has reported its outcome (finished reached this object's thread); its thread may
    // still be checkpointing the pass's pages into the case file (ScoringEngine::checkpoint).
    bool hasReported() const { return reported_; }
    ScoreWorker* worker() const { return worker_; }

  private:
    QThread thread_;
    ScoreWorker* worker_;
    bool reported_ = false;
};

} // namespace socwb
