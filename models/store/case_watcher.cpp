#include "case_watcher.h"

#include "case_store.h"
#include "core/logging.h"
#include "statement.h"

#include <QFileInfo>
#include <QStringList>
#include <QTimer>

namespace socwb {

QString CaseChange::describe() const {
    QStringList parts;
    if (evidenceAdded == 1) {
        parts << QObject::tr("1 evidence file imported");
    } else if (evidenceAdded > 1) {
        parts << QObject::tr("%1 evidence files imported").arg(evidenceAdded);
    }
    if (rescored) {
        parts << QObject::tr("re-scored");
    }
    if (suppressions) {
        parts << QObject::tr("suppressions changed");
    }
    if (triage) {
        parts << QObject::tr("verdicts or notes changed");
    }
    if (sigma) {
        parts << QObject::tr("Sigma rules run");
    }
    return parts.isEmpty() ? QObject::tr("changed") : parts.join(QStringLiteral(", "));
}

CaseWatcher::CaseWatcher(QObject* parent) : QObject(parent), timer_(new QTimer(this)) {
    qRegisterMetaType<socwb::CaseChange>();
    timer_->setInterval(kDefaultIntervalMs);
    connect(timer_, &QTimer::timeout, this, &CaseWatcher::poll);
}

void CaseWatcher::setInterval(int ms) {
    timer_->setInterval(ms);
}

void CaseWatcher::watch(CaseStore* store) {
    store_ = store;
    lost_ = false;
    ownWork_ = false;
    if (!store_) {
        timer_->stop();
        return;
    }
    const QString path = store_->path();
    main_ = case_file::fileId(path);
    // open() has read the case, so in WAL mode its -wal and -shm exist from now until it closes.
    walMode_ = queryText(store_->db(), "PRAGMA journal_mode") == "wal";
    wal_ = case_file::fileId(path + QStringLiteral("-wal"));
    shm_ = case_file::fileId(path + QStringLiteral("-shm"));
    lastIntact_ = QDateTime::currentDateTime();
    rebase();
    timer_->start();
}

void CaseWatcher::setOwnWork(bool running) {
    if (ownWork_ && !running) {
        ownWork_ = false;
        rebase();
    }
    ownWork_ = running;
}

CaseWatcher::State CaseWatcher::read() const {
    sqlite3* db = store_->db();
    State s;
    // One read transaction (deferred: no write lock), so the version and what it stands for are
    // of the same commit.
    execSql(db, "BEGIN");
    struct EndRead {
        sqlite3* db;
        ~EndRead() { sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr); }
    } endRead{db};
    s.dataVersion = queryInt(db, "PRAGMA data_version").value_or(0);
    s.evidence = queryInt(db, "SELECT count(*) FROM evidence WHERE status = 'imported'").value_or(0);
    s.scoreRun = queryInt(db, "SELECT coalesce(max(id), 0) FROM score_runs WHERE status = 'done'").value_or(0);
    s.suppressions = QString::fromStdString(
        queryText(db, "SELECT count(*) || '/' || coalesce(group_concat(id || ':' || enabled || ':' || "
                      "coalesce(expires_at, ''), ','), '') FROM suppressions"));
    s.triage =
        QString::fromStdString(queryText(db, "SELECT count(*) || '/' || coalesce(max(updated_at), '') FROM triage"));
    // Running rules replaces their hits: new row ids.
    s.sigma = QString::fromStdString(
        queryText(db, "SELECT count(*) || '/' || coalesce(max(id), 0) || '/' || coalesce(max(found_at), '') "
                      "FROM sigma_hits"));
    // A re-score reads no events (events = 0): only a full pass takes in new evidence.
    s.unscored =
        queryInt(db, "SELECT EXISTS (SELECT 1 FROM evidence WHERE status = 'imported' AND import_finished > "
                     "coalesce((SELECT max(started) FROM score_runs WHERE status = 'done' AND events > 0), ''))")
            .value_or(0) != 0;
    return s;
}

void CaseWatcher::rebase() {
    if (!store_ || lost_ || sqlite3_get_autocommit(store_->db()) == 0) {
        return;
    }
    try {
        seen_ = read();
    } catch (const SqlError& e) {
        if (case_file::isStorageFailure(e.code())) {
            fail(tr("reading it failed (%1)").arg(QString::fromUtf8(e.what())));
        }
    }
}

void CaseWatcher::poll() {
    // Not inside one of the window's own transactions (a modal dialog can run the event loop).
    if (!store_ || lost_ || !checkFiles().isEmpty() || sqlite3_get_autocommit(store_->db()) == 0) {
        return;
    }
    try {
        if (queryInt(store_->db(), "PRAGMA data_version").value_or(0) == seen_.dataVersion || ownWork_) {
            return;
        }
        const State now = read();
        CaseChange c;
        c.evidenceAdded = now.evidence - seen_.evidence;
        c.rescored = now.scoreRun != seen_.scoreRun;
        c.suppressions = now.suppressions != seen_.suppressions;
        c.triage = now.triage != seen_.triage;
        c.sigma = now.sigma != seen_.sigma;
        c.unscored = now.unscored;
        seen_ = now;
        log::store()->info("{}: changed by another program: {}", store_->path().toStdString(),
                           c.describe().toStdString());
        emit changedElsewhere(c);
    } catch (const SqlError& e) {
        // Busy is for the next tick; a failing file is not.
        if (case_file::isStorageFailure(e.code())) {
            fail(tr("reading it failed (%1)").arg(QString::fromUtf8(e.what())));
        }
    }
}

QString CaseWatcher::checkFiles() {
    if (!store_ || lost_) {
        return {};
    }
    const QString path = store_->path();
    const QString name = QFileInfo(path).fileName();
    const case_file::FileId now = case_file::fileId(path);
    QString what;
    if (!now.exists) {
        what = tr("%1 was deleted or moved away while the window had it open").arg(name);
    } else if (!(now == main_)) {
        what = tr("%1 was replaced by another file while the window had it open").arg(name);
    } else if (walMode_) {
        const case_file::FileId wal = case_file::fileId(path + QStringLiteral("-wal"));
        const case_file::FileId shm = case_file::fileId(path + QStringLiteral("-shm"));
        if (!wal.exists || !shm.exists) {
            what = tr("its %1-wal and %1-shm files were deleted while the window had the case open").arg(name);
        } else if (!(wal == wal_) || !(shm == shm_)) {
            what = tr("its %1-wal and %1-shm files were deleted and made anew while the window had the case open")
                       .arg(name);
        }
    }
    if (what.isEmpty()) {
        lastIntact_ = QDateTime::currentDateTime();
        return {};
    }
    fail(what);
    return what;
}

void CaseWatcher::fail(const QString& what) {
    if (lost_) {
        return;
    }
    lost_ = true;
    timer_->stop();
    log::store()->error("{}: {}", store_->path().toStdString(), what.toStdString());
    emit lost(what);
}

} // namespace socwb
