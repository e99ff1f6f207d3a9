#include "import_worker.h"

#include "core/logging.h"
#include "store/case_store.h"

namespace socwb {

void registerImportMetaTypes() {
    qRegisterMetaType<socwb::ImportOptions>();
    qRegisterMetaType<socwb::ImportProgress>();
    qRegisterMetaType<socwb::ImportResult>();
    qRegisterMetaType<QList<socwb::ImportResult>>();
}

void ImportWorker::run(const QStringList& paths, const ImportOptions& options) {
    QList<ImportResult> results;
    importAll(paths, options, results);
    // The case connection is closed by now: whoever hears "finished" may open the case at once.
    emit finished(results);
}

void ImportWorker::importAll(const QStringList& paths, const ImportOptions& options, QList<ImportResult>& results) {
    std::unique_ptr<CaseStore> store;
    try {
        store = CaseStore::open(casePath_);
    } catch (const CaseError& e) {
        emit failed(QString::fromUtf8(e.what()));
        return;
    }
    Importer importer(*store);
    // Endpoint evidence first (see importOrder); the results keep the order the files were named in.
    const QVector<int> order = importOrder(paths, options);
    QVector<ImportResult> byPath(paths.size());
    for (int step = 0; step < order.size(); ++step) {
        const int i = order[step];
        ImportResult& r = byPath[i];
        if (cancel_.load()) {
            r.path = paths[i];
            r.status = QStringLiteral("cancelled");
            r.message = QStringLiteral("%1: not imported, the job was cancelled").arg(paths[i]);
        } else {
            try {
                r = importer.importFile(
                    paths[i], options, [this](const ImportProgress& p) { emit progress(p); }, cancel_, step,
                    static_cast<int>(paths.size()));
            } catch (const std::exception& e) {
                // A failure of the case itself: the transaction was rolled back, the input is not to blame.
                r.path = paths[i];
                r.status = QStringLiteral("failed");
                r.message = QStringLiteral("%1: %2").arg(paths[i], QString::fromUtf8(e.what()));
                log::ingest()->error("import of {} failed: {}", paths[i].toStdString(), e.what());
            }
        }
        emit fileFinished(r);
    }
    for (const ImportResult& r : byPath) {
        results << r;
    }
}

ImportJob::ImportJob(const QString& casePath, QObject* parent) : QObject(parent), worker_(new ImportWorker(casePath)) {
    registerImportMetaTypes();
    worker_->moveToThread(&thread_);
    connect(worker_, &ImportWorker::finished, &thread_, &QThread::quit);
}

ImportJob::~ImportJob() {
    worker_->cancel();
    thread_.quit();
    thread_.wait();
    delete worker_; // its thread has ended: nothing else can touch it now
}

void ImportJob::start(const QStringList& paths, const ImportOptions& options) {
    thread_.setObjectName(QStringLiteral("socwb-import"));
    thread_.start();
    QMetaObject::invokeMethod(
        worker_, [w = worker_, paths, options] { w->run(paths, options); }, Qt::QueuedConnection);
}

} // namespace socwb
