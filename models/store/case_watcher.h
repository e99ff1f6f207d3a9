// Watches the case the window holds while other programs use it too (issue 27). Two things, on a
// timer, from the window's own connection:
//  - commits by others: SQLite's PRAGMA data_version changes whenever another connection (another
//    program, or a worker of this one) commits; reading it touches shared memory only. Then a few
//    small queries say what changed (evidence, a scoring pass, suppressions, verdicts).
//  - the files: while the connection is open, the case, its -wal and its -shm must stay the very
//    files it opened. One deleted or replaced means the window's writes may no longer reach the case.
#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QObject>
#include <QString>

#include "case_file.h"

class QTimer;

namespace socwb {

class CaseStore;

struct CaseChange {
    qint64 evidenceAdded = 0;  // evidence files imported
    bool rescored = false;     // a scoring pass finished
    bool suppressions = false; // rules added, edited or expired
    bool triage = false;       // verdicts, notes or tags
    bool sigma = false;        // Sigma rules run (their hits stored again)
    bool unscored = false;     // evidence imported after the last full scoring pass
    // "1 evidence file imported, re-scored, suppressions changed"; "changed" when none of these.
    QString describe() const;
};

class CaseWatcher : public QObject {
    Q_OBJECT
  public:
    static constexpr int kDefaultIntervalMs = 1000;
    explicit CaseWatcher(QObject* parent = nullptr);

    // Watches STORE's case through its connection (used on this thread only); null stops.
    void watch(CaseStore* store);
    void setInterval(int ms);
    // While this process's own workers write (an import, a scoring pass, Sigma rules) their commits are not
    // another program's: nothing is announced, and when they end the case as it is then counts as
    // seen (the window re-reads it anyway).
    void setOwnWork(bool running);
    // The case as it is now counts as seen: after the window's own writes through the watched
    // connection (triage, suppressions), which data_version does not count.
    void rebase();
    // Checks the files now. Returns what happened to them (empty: they are as opened); the first
    // time something did, also emits lost().
    QString checkFiles();
    bool isLost() const { return lost_; }
    // When the files were last seen as opened.
    QDateTime lastIntact() const { return lastIntact_; }

  signals:
    void changedElsewhere(const socwb::CaseChange& change);
    void lost(const QString& what);

  private:
    struct State {
        qint64 dataVersion = 0;
        qint64 evidence = 0;
        qint64 scoreRun = 0;
        QString suppressions;
        QString triage;
        QString sigma;
        bool unscored = false;
    };
    void poll();
    State read() const;
    void fail(const QString& what);

    CaseStore* store_ = nullptr;
    QTimer* timer_;
    State seen_;
    bool ownWork_ = false;
    bool lost_ = false;
    case_file::FileId main_, wal_, shm_;
    bool walMode_ = false;
    QDateTime lastIntact_;
};

} // namespace socwb

Q_DECLARE_METATYPE(socwb::CaseChange)
