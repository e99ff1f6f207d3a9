// Analysts' verdicts on channels: status (new → in-review → benign / malicious / escalated), a
// note, tags and the justification a benign verdict needs. Keyed by channel_key, so a verdict
// survives any number of re-scores. Every change is one transaction that also appends to the
// case's audit log (time and OS user come from CaseStore::audit), one entry per channel.
#pragma once

#include <QString>
#include <QStringList>
#include <QVector>

struct sqlite3;

namespace socwb {

class CaseStore;

struct TriageRecord {
    QString channelKey;
    QString status = QStringLiteral("new");
    QString note;
    QString tags;
    QString justification;
    QString updatedAt;
    QString updatedBy;
};

// The triage row of a queue item by its key (status "new" and the rest empty when it has none),
// read through DB; throws SqlError.
TriageRecord readTriageRecord(sqlite3* db, const QString& channelKey);

class TriageStore {
  public:
    explicit TriageStore(CaseStore& store) : store_(store) {}

    static const QStringList& statuses(); // new, in-review, benign, malicious, escalated
    static bool needsJustification(const QString& status);

    // Throws std::invalid_argument for an unknown status or a benign verdict without a
    // justification; SqlError when the case cannot be written. Nothing is written then.
    void setStatus(const QStringList& channelKeys, const QString& status, const QString& justification = {});
    void setNote(const QStringList& channelKeys, const QString& note);
    // Adds tags (comma-separated) to each channel's tags, keeping the ones it has.
    void addTags(const QStringList& channelKeys, const QString& tags);
    TriageRecord record(const QString& channelKey) const;
    // Undo: puts each channel's status, note, tags and justification back as BEFORE holds them
    // (records read before the change), in one transaction; the audit log records it as
    // triage.undo with WHAT (the change undone) and the values restored.
    void restore(const QVector<TriageRecord>& before, const QString& what);

  private:
    CaseStore& store_;
};

} // namespace socwb
