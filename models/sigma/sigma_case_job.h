// Sigma rules over a case from the window: the bundled rules plus folders the analyst picks, run
// with the runner (sigma_runner.h) on a connection of its own and their hits stored, in a worker
// thread. The result lists every rule that did not compile with its reason, as the CLI does.
#pragma once

#include <QString>
#include <QStringList>

#include <atomic>
#include <cstdint>

namespace socwb::sigma {

struct SigmaCaseRun {
    bool ok = false;
    bool cancelled = false;
    QString error;
    int rules = 0;
    int compiled = 0;
    int64_t hits = 0;
    QStringList unsupported; // "TITLE (FILE): REASON", one per rule that did not compile
    double seconds = 0;
};

// Blocking: call it in a worker. FOLDERS are read after the bundled rules. Never throws.
SigmaCaseRun runSigmaOnCase(const QString& casePath, const QStringList& folders, const std::atomic<bool>* cancel);

} // namespace socwb::sigma
