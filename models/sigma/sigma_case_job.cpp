#include "sigma_case_job.h"

#include "sigma_runner.h"
#include "store/case_store.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QObject>

namespace socwb::sigma {

SigmaCaseRun runSigmaOnCase(const QString& casePath, const QStringList& folders, const std::atomic<bool>* cancel) {
    SigmaCaseRun out;
    try {
        QElapsedTimer timer;
        timer.start();
        const SigmaMappings mappings = loadMappings();
        QList<SigmaRule> rules = loadBundledRules();
        if (!folders.isEmpty()) {
            rules += loadRules(folders);
        }
        auto store = CaseStore::open(casePath);
        const SigmaRun run = runRules(store->db(), rules, mappings, cancel);
        if (cancel && cancel->load()) {
            out.cancelled = true;
            out.error = QObject::tr("cancelled; no hit stored");
            return out;
        }
        storeHits(store->db(), rules, run);
        out.rules = static_cast<int>(rules.size());
        out.compiled = run.compiledCount();
        for (qsizetype i = 0; i < rules.size(); ++i) {
            out.hits += run.hits[i].size();
            if (!run.compiled[i].ok()) {
                const SigmaRule& r = rules[i];
                out.unsupported << QObject::tr("%1 (%2): %3")
                                       .arg(r.title.isEmpty() ? QObject::tr("untitled") : r.title,
                                            QFileInfo(r.path).fileName(), run.compiled[i].reason);
            }
        }
        out.seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
        out.ok = true;
    } catch (const std::exception& e) {
        out.error = QString::fromUtf8(e.what());
    }
    return out;
}

} // namespace socwb::sigma
