// A Sigma queue item (one rule's hits on one host, alert_table_model.h) in full: the rule's title,
// level, tags, references, author and file, and the rows it matched with their provenance (time,
// which table, the row's URL / query / command line, the evidence file and its line or record).
// And the other way round: which Sigma items matched rows of a channel (its proxy requests, DNS
// queries and the Sysmon events of its lookups and connections), for the channel's detail.
// Read off the GUI thread; all text is evidence or a rule author's and is shown as plain text.
#pragma once

#include "alert_table_model.h"
#include "triage/triage_store.h"

#include <QString>

#include <QAbstractTableModel>
#include <QMetaType>
#include <QStringList>
#include <QVector>

#include <cstdint>
#include <vector>

struct sqlite3;

namespace socwb {

// One matched row.
struct SigmaHitRow {
    qint64 ts = 0;       // us
    QString table;       // proxy_rows, dns_rows, sysmon_events
    QString kind;        // "proxy request", "DNS query", "Sysmon event 1"
    QString text;        // the URL, the name queried, the command line (else image or destination)
    QString evidence;    // the evidence file's name
    qint64 location = 0; // its line (text logs) or record (event logs)
    bool isRecord = false;
    qint64 rowId = 0;
};

struct SigmaDetail {
    bool found = false;
    QString error;
    AlertRow row; // the queue's item (triage status and tags included)
    QString ruleKey, ruleId, title, level, author, rulePath;
    QStringList tags, references;
    static constexpr int kHitsShown = 1000;
    QVector<SigmaHitRow> hits; // the first kHitsShown by time
    qint64 hitTotal = 0;
    TriageRecord triage;
};

// "attack.t1102.003" -> "ATT&CK T1102.003", "attack.command_and_control" -> "ATT&CK tactic: command
// and control", "attack.g0010" -> "ATT&CK group G0010", "attack.s0002" -> "ATT&CK software S0002";
// other tags as they are.
QString readableSigmaTag(const QString& tag);
// The attribution the public rules' Detection Rule License asks for: "rule by AUTHOR, Detection
// Rule License (DRL) 1.1" ("rule by an unnamed author, …" when the rule names none).
QString sigmaAttribution(const QString& author);

// ITEM_ID is the queue's id of the item (negative). Never throws: a failure is in .error.
SigmaDetail readSigmaDetail(sqlite3* db, qint64 itemId);
SigmaDetail loadSigmaDetail(const QString& casePath, qint64 itemId);

// A Sigma item that matched rows of a channel.
struct SigmaChannelMatch {
    qint64 itemId = 0; // the queue's id of the item
    QString itemKey;
    QString title, level;
    qint64 rows = 0; // of the channel's rows
};
struct SigmaChannelMatches {
    QVector<SigmaChannelMatch> items; // by level (critical first), then title
    qint64 rowsMatched = 0;           // distinct rows of the channel any rule matched
};
// Over a channel's proxy_rows, dns_rows and sysmon_events ids; throws SqlError. A case without
// Sigma hits gives none.
SigmaChannelMatches sigmaMatchesOfRows(sqlite3* db, const std::vector<int64_t>& proxyIds,
                                       const std::vector<int64_t>& dnsIds, const std::vector<int64_t>& sysmonIds);
// "Sigma: 2 rules matched 5 of this channel's rows: Raw paste service access (high), …".
QString sigmaMatchesSentence(const SigmaChannelMatches& m);

// The matched rows of a Sigma item, for the detail's table.
class SigmaHitModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    // The row's text second, whole where the pane allows: what was matched is read first.
    enum Column { TimeColumn, RowColumn, KindColumn, EvidenceColumn, LocationColumn, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    void setHits(QVector<SigmaHitRow> hits);
    const QVector<SigmaHitRow>& hits() const { return hits_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  private:
    QVector<SigmaHitRow> hits_;
};

} // namespace socwb

Q_DECLARE_METATYPE(socwb::SigmaDetail)
