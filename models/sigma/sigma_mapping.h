// Which of the case's rows a Sigma log source reads, and where each Sigma field is stored
// (resources/sigma/mappings.yaml). The row sets themselves and their columns are code (here): the
// mapping file names them, so nothing in it becomes SQL text unchecked.
#pragma once

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace socwb::sigma {

// Where one Sigma field is read: a column of the row set, or a data field of a Windows event.
struct FieldSource {
    QString column; // a column name of the source, or empty
    QString data;   // an EventData name (letters, digits, _), or empty
    QString hash;   // for hash fields kept in Sysmon's Hashes ("IMPHASH"): the algorithm
    // On a source that also holds Security 4688 events: the 4688 data field holding the same value
    // ("NewProcessName" for Image), or empty: a 4688 event has none (the field reads NULL there).
    QString security;
    // The alias the compiled SQL reads it by (c_url, d_CommandLine).
    QString alias() const { return column.isEmpty() ? QStringLiteral("d_") + data : QStringLiteral("c_") + column; }
};

struct LogSourceMapping {
    QString name;     // "proxy", "process_creation"
    QString category; // matched against the rule's logsource
    QString product;  // empty: any
    QString source;   // "proxy", "dns", "sysmon:N", "sysmon:1+security:4688"
    QStringList keywords;
    QMap<QString, FieldSource> fields;
};

struct SigmaMappings {
    QList<LogSourceMapping> logsources;
    // The log source of a rule, or nullptr with the reason.
    const LogSourceMapping* find(const QString& category, const QString& product, QString& reason) const;
};

// The row set a source names: its FROM clause, rowid, the table the rowid is of (provenance), and
// the SQL expression of each column it offers.
struct RowSet {
    QString source;
    QString table;    // proxy_rows, dns_rows, sysmon_events
    QString fromSql;  // "FROM proxy_events x" (x is the alias expressions use)
    QString whereSql; // "" or "WHERE ..."
    QMap<QString, QString> columns;
    bool windowsData = false;  // x.fields holds the event's data fields as JSON
    bool security4688 = false; // also Security 4688 events, whose fields have names of their own
};
// nullptr when the source is not one this build knows.
const RowSet* rowSet(const QString& source);
// The SQL expression that reads field F from a row of SET (x).
QString fieldSql(const RowSet& set, const FieldSource& f);

// Parses a mappings YAML; throws std::runtime_error with the reason when it is not one.
SigmaMappings parseMappings(const QByteArray& yaml);
// resources/sigma/mappings.yaml (overrides included).
SigmaMappings loadMappings();

} // namespace socwb::sigma
