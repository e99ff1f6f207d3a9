#include "score_job.h"

#include "store/case_store.h"

#include <QElapsedTimer>
#include <QMetaObject>

#include <memory>

namespace socwb {

void ScoreWorker::run(ScoreMode mode) {
    // The cancel flag is not reset here: a cancel between start() and this slot running (a window
    // closed right after a run started) must stop the run (issue 18).
    ScoreOutcome outcome;
    std::unique_ptr<CaseStore> store;
    try {
        store = CaseStore::open(casePath_);
        ScoringEngine::useTempFiles(store->db()); // the job's own connection
        ScoringEngine engine(*store);
        engine.setDeferCheckpoint(true); // after the result is reported, below
        QElapsedTimer throttle;
        throttle.start();
        outcome = engine.run(mode, &cancel_, [&](const ScoreProgress& p) {
            // About ten reports a second reach the GUI, whatever the engine's pace.
            if (throttle.elapsed() >= 100) {
                throttle.restart();
                emit progress(p);
            }
        });
    } catch (const std::exception& e) {
        outcome.status = QStringLiteral("failed");
        outcome.message = QString::fromUtf8(e.what());
    }
    emit finished(outcome);
    // The analyst has the new scores (committed, read from the WAL); the copy of the pass's pages
    // into the case file follows off their wait, on this thread.
    if (store && outcome.status == QLatin1String("done")) {
        ScoringEngine::checkpoint(store->db());
    }
}

ScoreJob::ScoreJob(const QString& casePath, QObject* parent) : QObject(parent), worker_(new ScoreWorker(casePath)) {
    qRegisterMetaType<socwb::ScoreMode>();
    qRegisterMetaType<socwb::ScoreProgress>();
    qRegisterMetaType<socwb::ScoreOutcome>();
    worker_->moveToThread(&thread_);
    connect(worker_, &ScoreWorker::finished, &thread_, &QThread::quit);
    // Made before any caller's connection, so it runs first: a caller's finished slot sees it set.
    connect(worker_, &ScoreWorker::finished, this, [this] { reported_ = true; });
}

ScoreJob::~ScoreJob() {
    cancel();
    thread_.quit();
    thread_.wait();
    delete worker_; // its thread has ended: nothing else can touch it now
}

void ScoreJob::start(ScoreMode mode) {
    worker_->cancelFlag().store(false); // a fresh run; cancel() from now on counts
    reported_ = false;
    thread_.setObjectName(QStringLiteral("socwb-score"));
    thread_.start();
    QMetaObject::invokeMethod(
        worker_, [w = worker_, mode] { w->run(mode); }, Qt::QueuedConnection);
}

} // namespace socwb
