#include "triage_store.h"

#include "store/case_store.h"
#include "store/statement.h"

#include <stdexcept>

namespace socwb {

namespace {

// Creates the channel's triage row when it has none, so that every later UPDATE finds one.
void ensureRow(sqlite3* db, const QString& key) {
    Statement st(db, "INSERT INTO triage(channel_key, status, updated_at, updated_by) VALUES (?, 'new', ?, ?) "
                     "ON CONFLICT(channel_key) DO NOTHING");
    st.bind(1, key.toStdString())
        .bind(2, CaseStore::nowIso().toStdString())
        .bind(3, CaseStore::actorName().toStdString());
    st.exec();
}

QString textOrEmpty(const Statement& st, int col) {
    return st.isNull(col) ? QString() : QString::fromStdString(st.text(col));
}

} // namespace

const QStringList& TriageStore::statuses() {
    static const QStringList s{QStringLiteral("new"), QStringLiteral("in-review"), QStringLiteral("benign"),
                               QStringLiteral("malicious"), QStringLiteral("escalated")};
    return s;
}

bool TriageStore::needsJustification(const QString& status) {
    return status == QLatin1String("benign");
}

void TriageStore::setStatus(const QStringList& channelKeys, const QString& status, const QString& justification) {
    if (!statuses().contains(status)) {
        throw std::invalid_argument("unknown triage status: " + status.toStdString());
    }
    const QString why = justification.trimmed();
    if (needsJustification(status) && why.isEmpty()) {
        throw std::invalid_argument("a benign verdict needs a justification");
    }
    sqlite3* db = store_.db();
    Transaction tx(db);
    for (const QString& key : channelKeys) {
        const QString before = record(key).status;
        ensureRow(db, key);
        Statement st(db,
                     "UPDATE triage SET status = ?, justification = CASE WHEN ? = '' THEN justification ELSE ? END, "
                     "updated_at = ?, updated_by = ? WHERE channel_key = ?");
        st.bind(1, status.toStdString()).bind(2, why.toStdString()).bind(3, why.toStdString());
        st.bind(4, CaseStore::nowIso().toStdString())
            .bind(5, CaseStore::actorName().toStdString())
            .bind(6, key.toStdString());
        st.exec();
        store_.audit(QStringLiteral("triage.status"), key,
                     why.isEmpty() ? QStringLiteral("%1 -> %2").arg(before, status)
                                   : QStringLiteral("%1 -> %2: %3").arg(before, status, why));
    }
    tx.commit();
}

void TriageStore::setNote(const QStringList& channelKeys, const QString& note) {
    sqlite3* db = store_.db();
    Transaction tx(db);
    for (const QString& key : channelKeys) {
        ensureRow(db, key);
        Statement st(db, "UPDATE triage SET note = ?, updated_at = ?, updated_by = ? WHERE channel_key = ?");
        note.isEmpty() ? st.bindNull(1) : st.bind(1, note.toStdString());
        st.bind(2, CaseStore::nowIso().toStdString())
            .bind(3, CaseStore::actorName().toStdString())
            .bind(4, key.toStdString());
        st.exec();
        store_.audit(QStringLiteral("triage.note"), key, note);
    }
    tx.commit();
}

void TriageStore::addTags(const QStringList& channelKeys, const QString& tags) {
    QStringList wanted;
    for (const QString& t : tags.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!t.trimmed().isEmpty()) {
            wanted << t.trimmed();
        }
    }
    if (wanted.isEmpty()) {
        return;
    }
    sqlite3* db = store_.db();
    Transaction tx(db);
    for (const QString& key : channelKeys) {
        QStringList have = record(key).tags.split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (QString& h : have) {
            h = h.trimmed();
        }
        for (const QString& t : wanted) {
            if (!have.contains(t, Qt::CaseInsensitive)) {
                have << t;
            }
        }
        ensureRow(db, key);
        Statement st(db, "UPDATE triage SET tags = ?, updated_at = ?, updated_by = ? WHERE channel_key = ?");
        st.bind(1, have.join(QLatin1Char(',')).toStdString()).bind(2, CaseStore::nowIso().toStdString());
        st.bind(3, CaseStore::actorName().toStdString()).bind(4, key.toStdString());
        st.exec();
        store_.audit(QStringLiteral("triage.tags"), key, have.join(QLatin1Char(',')));
    }
    tx.commit();
}

void TriageStore::restore(const QVector<TriageRecord>& before, const QString& what) {
    sqlite3* db = store_.db();
    Transaction tx(db);
    for (const TriageRecord& r : before) {
        if (!statuses().contains(r.status)) {
            throw std::invalid_argument("unknown triage status: " + r.status.toStdString());
        }
        ensureRow(db, r.channelKey);
        Statement st(db, "UPDATE triage SET status = ?, note = ?, tags = ?, justification = ?, updated_at = ?, "
                         "updated_by = ? WHERE channel_key = ?");
        st.bind(1, r.status.toStdString());
        for (const auto& [col, value] :
             {std::pair{2, &r.note}, std::pair{3, &r.tags}, std::pair{4, &r.justification}}) {
            value->isEmpty() ? st.bindNull(col) : st.bind(col, value->toStdString());
        }
        st.bind(5, CaseStore::nowIso().toStdString())
            .bind(6, CaseStore::actorName().toStdString())
            .bind(7, r.channelKey.toStdString());
        st.exec();
        store_.audit(QStringLiteral("triage.undo"), r.channelKey,
                     QStringLiteral("undid %1; back to status %2, note \"%3\", tags \"%4\"")
                         .arg(what, r.status, r.note, r.tags));
    }
    tx.commit();
}

TriageRecord readTriageRecord(sqlite3* db, const QString& channelKey) {
    TriageRecord r;
    r.channelKey = channelKey;
    Statement st(db,
                 "SELECT status, note, tags, justification, updated_at, updated_by FROM triage WHERE channel_key = ?");
    st.bind(1, channelKey.toStdString());
    if (st.step()) {
        r.status = textOrEmpty(st, 0);
        r.note = textOrEmpty(st, 1);
        r.tags = textOrEmpty(st, 2);
        r.justification = textOrEmpty(st, 3);
        r.updatedAt = textOrEmpty(st, 4);
        r.updatedBy = textOrEmpty(st, 5);
    }
    return r;
}

TriageRecord TriageStore::record(const QString& channelKey) const {
    return readTriageRecord(store_.db(), channelKey);
}

} // namespace socwb
