// One scoring pass over a case. Full: read every request and endpoint event once, gather channels,
// measure them, score them and write the alerts (channel keys keep their rows and triage).
// Rescore: read the stored features back and apply the current weights and suppression rules —
// no event is read, so changing a rule or a weight takes seconds on any case. Either runs in one
// transaction; a cancel or an error leaves the previous scores as they were.
#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QString>

#include <atomic>
#include <functional>

struct sqlite3;

namespace socwb {
class CaseStore;
}

namespace socwb {

enum class ScoreMode { Full, Rescore };

struct ScoreProgress {
    QString phase;
    qint64 done = 0;
    qint64 total = 0; // 0: unknown
};

struct ScoreOutcome {
    QString status; // done, cancelled, failed, busy (the write lock was held too long), unusable (a bad row)
    QString message;
    qint64 events = 0; // events read (0 for a rescore)
    qint64 channels = 0;
    qint64 flagged = 0; // channels at severity medium or above, not suppressed
    qint64 suppressed = 0;
    double seconds = 0;
};

class ScoringEngine {
  public:
    explicit ScoringEngine(CaseStore& store) : store_(store) {}
    // Never throws: failures come back as a status other than "done" with a message. The pass reads
    // in one read transaction; a suppression rule or a weight changed by another program while it
    // ran is applied before it commits (the rules and weights are read again under the write lock).
    ScoreOutcome run(ScoreMode mode, const std::atomic<bool>* cancel = nullptr,
                     const std::function<void(const ScoreProgress&)>& progress = {},
                     const QDateTime& now = QDateTime::currentDateTimeUtc());

    // For a connection opened for a pass (socwb-cli score, the window's score job): SQLite's
    // temporary b-trees in files, as imports have them. The pass's one sort (the distinct matched
    // events of the attributions, 0.9 M at 3.7 M events) then pages through the cache instead of
    // growing in memory: 0.5 s and 110 MB against 0.8 s and 148 MB in sqlite3 with this
    // connection's cache. It drops the connection's TEMP objects, so it is not for a shared one.
    static void useTempFiles(sqlite3* db);

    // Issue 20: a first score writes about 250 MB (44k channels), and SQLite's automatic
    // checkpoint copies all of it into the case file inside the commit, before the caller learns
    // the pass is done (0.6-1.1 s of a 7.9 s first score). With the checkpoint deferred the
    // commit leaves the frames in the WAL (readers see the new scores at once) and the caller runs
    // checkpoint() once it has told the user: the window's worker after it reported the result,
    // socwb-cli after it printed it. The connection's own wal_autocheckpoint is restored after the
    // commit, so a caller that never checkpoints leaves it to the next commit or the last close.
    void setDeferCheckpoint(bool defer) { deferCheckpoint_ = defer; }
    // A passive checkpoint of what the WAL holds (never waits on readers: a window reading the case
    // keeps reading, and what they still need is copied by a later checkpoint). Milliseconds taken;
    // logged as the pass's "checkpoint" phase. Never throws.
    static int64_t checkpoint(sqlite3* db);

    static constexpr const char* kEngineVersion = "socwb-score/2";
    // A re-score's reads where every alert has its compact row (tst_query_plans): the alerts' ids,
    // through an index, and the narrow rows in id order, without a sort and without the alert rows.
    static constexpr const char* kRescoreIdsSql = "SELECT id FROM alerts";
    static constexpr const char* kRescoreNarrowSql =
        "SELECT alert_id, features, result FROM alert_features ORDER BY alert_id";
    // A full score's reads of what is stored (tst_query_plans): the channel keys with their ids
    // from the keys' own index, and the digests from alert_features, neither from the alert rows.
    static constexpr const char* kStoredKeysSql = "SELECT channel_key, id FROM alerts";
    static constexpr const char* kStoredDigestsSql =
        "SELECT alert_id, content, result FROM alert_features WHERE content IS NOT NULL AND result IS NOT NULL";

  private:
    CaseStore& store_;
    bool deferCheckpoint_ = false;
};

} // namespace socwb

Q_DECLARE_METATYPE(socwb::ScoreMode)
Q_DECLARE_METATYPE(socwb::ScoreProgress)
Q_DECLARE_METATYPE(socwb::ScoreOutcome)
