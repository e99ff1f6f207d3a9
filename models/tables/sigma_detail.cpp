#include "sigma_detail.h"

#include "plain_text.h"
#include "read_connection.h"
#include "store/case_summary.h"
#include "store/statement.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QMap>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace socwb {

namespace {

QStringList jsonStrings(const QString& json) {
    QStringList out;
    for (const QJsonValue& v : QJsonDocument::fromJson(json.toUtf8()).array()) {
        out << v.toString();
    }
    return out;
}

int levelRank(const QString& level) {
    static const QStringList order{QStringLiteral("informational"), QStringLiteral("low"), QStringLiteral("medium"),
                                   QStringLiteral("high"), QStringLiteral("critical")};
    return static_cast<int>(order.indexOf(level.toLower()));
}

// What a Sysmon event says: its command line, query, destination or image, the first it has.
QString sysmonText(const QString& fieldsJson) {
    const QJsonObject f = QJsonDocument::fromJson(fieldsJson.toUtf8()).object();
    QString dest = f.value(QLatin1String("DestinationHostname")).toString();
    if (dest.isEmpty()) {
        dest = f.value(QLatin1String("DestinationIp")).toString();
    }
    if (!dest.isEmpty() && f.contains(QLatin1String("DestinationPort"))) {
        dest += QLatin1Char(':') + f.value(QLatin1String("DestinationPort")).toVariant().toString();
    }
    for (const QString& v :
         {f.value(QLatin1String("CommandLine")).toString(), f.value(QLatin1String("QueryName")).toString(), dest,
          f.value(QLatin1String("Image")).toString(), f.value(QLatin1String("NewProcessName")).toString()}) {
        if (!v.isEmpty()) {
            return v;
        }
    }
    return {};
}

// Where each table's rows come from. Every statement selects (what, detail, evidence path,
// line or record number) of one row.
struct RowSource {
    const char* table;
    const char* sql;
    bool isRecord;
    QString (*kind)(Statement&);
    QString (*text)(Statement&);
};

QString joined(const QString& a, const QString& b) {
    return b.isEmpty() ? a : a + QLatin1Char(' ') + b;
}

const RowSource kRowSources[] = {
    {"proxy_rows",
     "SELECT p.url, p.method, e.path, p.line_no FROM proxy_events p JOIN evidence e ON e.id = p.evidence_id "
     "WHERE p.id = ?",
     false, [](Statement&) { return QObject::tr("proxy request"); },
     [](Statement& st) {
         return columnText(st, 1).isEmpty() ? columnText(st, 0) : joined(columnText(st, 1), columnText(st, 0));
     }},
    {"dns_rows",
     "SELECT d.name, r.qtype, e.path, r.line_no FROM dns_events r LEFT JOIN domains d ON d.id = r.domain_id "
     "JOIN evidence e ON e.id = r.evidence_id WHERE r.id = ?",
     false, [](Statement&) { return QObject::tr("DNS query"); },
     [](Statement& st) { return joined(columnText(st, 0), columnText(st, 1)); }},
    {"sysmon_events",
     "SELECT s.event_id, s.fields, e.path, s.record_no FROM sysmon_events s JOIN evidence e ON "
     "e.id = s.evidence_id WHERE s.id = ?",
     true,
     [](Statement& st) {
         return st.int64(0) == 4688 ? QObject::tr("Security event 4688")
                                    : QObject::tr("Sysmon event %1").arg(st.int64(0));
     },
     [](Statement& st) { return sysmonText(columnText(st, 1)); }},
};

// The row's provenance and what it says, by its table.
void readProvenance(sqlite3* db, SigmaHitRow& h) {
    for (const RowSource& src : kRowSources) {
        if (h.table != QLatin1String(src.table)) {
            continue;
        }
        Statement st(db, src.sql);
        st.bind(1, int64_t(h.rowId));
        if (st.step()) {
            h.kind = src.kind(st);
            h.text = src.text(st);
            h.evidence = QFileInfo(columnText(st, 2)).fileName();
            h.location = st.int64(3);
            h.isRecord = src.isRecord;
        }
        return;
    }
}

} // namespace

QString readableSigmaTag(const QString& tag) {
    static const QRegularExpression technique(QStringLiteral("^attack\\.(t\\d{4}(\\.\\d{3})?)$"),
                                              QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression group(QStringLiteral("^attack\\.(g\\d{4})$"),
                                          QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression software(QStringLiteral("^attack\\.(s\\d{4})$"),
                                             QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression tactic(QStringLiteral("^attack\\.([a-z_-]+)$"),
                                           QRegularExpression::CaseInsensitiveOption);
    QRegularExpressionMatch m = technique.match(tag);
    if (m.hasMatch()) {
        return QObject::tr("ATT&CK %1").arg(m.captured(1).toUpper());
    }
    if ((m = group.match(tag)).hasMatch()) {
        return QObject::tr("ATT&CK group %1").arg(m.captured(1).toUpper());
    }
    if ((m = software.match(tag)).hasMatch()) {
        return QObject::tr("ATT&CK software %1").arg(m.captured(1).toUpper());
    }
    if ((m = tactic.match(tag)).hasMatch()) {
        QString words = m.captured(1).toLower();
        words.replace(QLatin1Char('_'), QLatin1Char(' ')).replace(QLatin1Char('-'), QLatin1Char(' '));
        return QObject::tr("ATT&CK tactic: %1").arg(words);
    }
    return tag;
}

QString sigmaAttribution(const QString& author) {
    const QString who = author.trimmed().isEmpty() ? QObject::tr("an unnamed author") : author.trimmed();
    return QObject::tr("rule by %1, Detection Rule License (DRL) 1.1").arg(who);
}

SigmaDetail readSigmaDetail(sqlite3* db, qint64 itemId) {
    SigmaDetail d;
    try {
        if (itemId >= 0 || !caseHasSigmaHits(db)) {
            d.error = QObject::tr("Sigma item %1 is not in the case (rules run again?)").arg(itemId);
            return d;
        }
        Statement key(db, "SELECT h.rule_key, h.host_id, coalesce(ho.name, ''), h.rule_id, h.title, h.level, h.tags, "
                          "h.refs, h.author, h.rule_path FROM sigma_hits h LEFT JOIN hosts ho ON ho.id = h.host_id "
                          "WHERE h.id = ?");
        key.bind(1, int64_t(-itemId));
        if (!key.step()) {
            d.error = QObject::tr("Sigma item %1 is not in the case (rules run again?)").arg(itemId);
            return d;
        }
        d.ruleKey = columnText(key, 0);
        const bool noHost = key.isNull(1);
        const int64_t hostId = noHost ? 0 : key.int64(1);
        d.ruleId = columnText(key, 3);
        d.title = columnText(key, 4);
        d.level = columnText(key, 5);
        d.tags = jsonStrings(columnText(key, 6));
        d.references = jsonStrings(columnText(key, 7));
        d.author = columnText(key, 8);
        d.rulePath = columnText(key, 9);
        // The queue's row, as the queue reads it.
        Statement row(db, (alertRowSelectSql(sigmaItemsSql()) + QStringLiteral("WHERE a.id = ?")).toStdString());
        row.bind(1, int64_t(itemId));
        if (!row.step()) {
            d.error = QObject::tr("Sigma item %1 is not in the case (rules run again?)").arg(itemId);
            return d;
        }
        d.row = alertRowFromStatement(row);
        d.found = true;
        Statement hits(db, "SELECT row_table, row_id, coalesce(ts_us, 0), count(*) OVER () FROM sigma_hits WHERE "
                           "rule_key = ? AND host_id IS ? ORDER BY ts_us, id LIMIT ?");
        hits.bind(1, d.ruleKey.toStdString());
        noHost ? hits.bindNull(2) : hits.bind(2, hostId);
        hits.bind(3, int64_t(SigmaDetail::kHitsShown));
        while (hits.step()) {
            SigmaHitRow h;
            h.table = columnText(hits, 0);
            h.rowId = hits.int64(1);
            h.ts = hits.int64(2);
            d.hitTotal = hits.int64(3);
            d.hits << h;
        }
        for (SigmaHitRow& h : d.hits) {
            readProvenance(db, h);
        }
        d.triage = readTriageRecord(db, d.row.channelKey);
    } catch (const std::exception& e) {
        d.found = false;
        d.error = QString::fromUtf8(e.what());
    }
    return d;
}

SigmaDetail loadSigmaDetail(const QString& casePath, qint64 itemId) {
    try {
        ReadConnection c(casePath);
        return readSigmaDetail(c.db(), itemId);
    } catch (const std::exception& e) {
        SigmaDetail d;
        d.error = QString::fromUtf8(e.what());
        return d;
    }
}

SigmaChannelMatches sigmaMatchesOfRows(sqlite3* db, const std::vector<int64_t>& proxyIds,
                                       const std::vector<int64_t>& dnsIds, const std::vector<int64_t>& sysmonIds) {
    SigmaChannelMatches out;
    if ((proxyIds.empty() && dnsIds.empty() && sysmonIds.empty()) || !caseHasSigmaHits(db)) {
        return out;
    }
    struct Group {
        QString ruleKey, title, level;
        bool noHost = false;
        int64_t hostId = 0;
        QString host;
        qint64 rows = 0;
    };
    QMap<QString, Group> groups; // by item key
    QSet<QPair<QString, qint64>> rows;
    constexpr size_t kChunk = 400; // one bound parameter an id
    for (const auto& [table, ids] :
         {std::pair{"proxy_rows", &proxyIds}, std::pair{"dns_rows", &dnsIds}, std::pair{"sysmon_events", &sysmonIds}}) {
        for (size_t at = 0; at < ids->size(); at += kChunk) {
            const size_t n = std::min(kChunk, ids->size() - at);
            QStringList marks(static_cast<int>(n), QStringLiteral("?"));
            Statement st(db, QStringLiteral("SELECT h.rule_key, h.host_id, coalesce(ho.name, ''), h.title, h.level, "
                                            "h.row_id FROM sigma_hits h LEFT JOIN hosts ho ON ho.id = h.host_id "
                                            "WHERE h.row_table = ? AND h.row_id IN (%1)")
                                 .arg(marks.join(QLatin1Char(',')))
                                 .toStdString());
            st.bind(1, table);
            for (size_t k = 0; k < n; ++k) {
                st.bind(static_cast<int>(k) + 2, (*ids)[at + k]);
            }
            while (st.step()) {
                const QString ruleKey = columnText(st, 0);
                const QString host = columnText(st, 2);
                Group& g = groups[sigmaItemKey(ruleKey, host)];
                g.ruleKey = ruleKey;
                g.noHost = st.isNull(1);
                g.hostId = g.noHost ? 0 : st.int64(1);
                g.host = host;
                g.title = columnText(st, 3);
                g.level = columnText(st, 4);
                ++g.rows;
                rows.insert({QString::fromLatin1(table), st.int64(5)});
            }
        }
    }
    Statement first(db, "SELECT -min(id) FROM sigma_hits WHERE rule_key = ? AND host_id IS ?");
    for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
        first.reset();
        first.bind(1, it->ruleKey.toStdString());
        it->noHost ? first.bindNull(2) : first.bind(2, it->hostId);
        SigmaChannelMatch m;
        m.itemId = first.step() ? first.int64(0) : 0;
        m.itemKey = it.key();
        m.title = it->title;
        m.level = it->level;
        m.rows = it->rows;
        out.items << m;
    }
    std::sort(out.items.begin(), out.items.end(), [](const SigmaChannelMatch& a, const SigmaChannelMatch& b) {
        const int ra = levelRank(a.level);
        const int rb = levelRank(b.level);
        return ra != rb ? ra > rb : a.title < b.title;
    });
    out.rowsMatched = rows.size();
    return out;
}

QString sigmaMatchesSentence(const SigmaChannelMatches& m) {
    if (m.items.isEmpty()) {
        return {};
    }
    QStringList titles;
    for (const SigmaChannelMatch& i : m.items) {
        titles << QObject::tr("%1 (%2)").arg(i.title, i.level.isEmpty() ? QObject::tr("no level") : i.level);
    }
    return QObject::tr("Sigma: %n rule(s) matched %1 of this channel's rows: %2", nullptr,
                       static_cast<int>(m.items.size()))
        .arg(QLocale().toString(m.rowsMatched), titles.join(QStringLiteral(", ")));
}

// ---- SigmaHitModel -----------------------------------------------------------------------------

void SigmaHitModel::setHits(QVector<SigmaHitRow> hits) {
    beginResetModel();
    hits_ = std::move(hits);
    endResetModel();
}

int SigmaHitModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(hits_.size());
}

int SigmaHitModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SigmaHitModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= hits_.size()) {
        return {};
    }
    const SigmaHitRow& h = hits_[index.row()];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case TimeColumn:
            return isoFromUs(h.ts).left(23).replace(QLatin1Char('T'), QLatin1Char(' '));
        case KindColumn:
            return h.kind.isEmpty() ? h.table : h.kind;
        case RowColumn:
            return visibleText(h.text);
        case EvidenceColumn:
            return visibleText(h.evidence);
        case LocationColumn:
            return h.isRecord ? tr("record %1").arg(h.location) : tr("line %1").arg(h.location);
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole && (index.column() == RowColumn || index.column() == EvidenceColumn)) {
        return plainToolTip(index.column() == RowColumn ? h.text : h.evidence);
    }
    return {};
}

QVariant SigmaHitModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case TimeColumn:
        return tr("Time (UTC)");
    case KindColumn:
        return tr("Kind");
    case RowColumn:
        return tr("URL, query or command line");
    case EvidenceColumn:
        return tr("Evidence file");
    case LocationColumn:
        return tr("Line / record");
    default:
        return {};
    }
}

} // namespace socwb
