// A Sigma rule as read from YAML: its metadata, log source, named detections and condition.
// Loading never throws: a document that is not a rule this build reads keeps its reason in
// loadError and is listed as unsupported with it.
#pragma once

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace socwb::sigma {

struct SigmaValue {
    enum class Kind { String, Number, Bool, Null };
    Kind kind = Kind::String;
    QString text; // as written (strings keep their Sigma escapes)
};

// One `field|modifier|...: value(s)` of a detection; field empty: a keyword (no field named).
struct FieldMatch {
    QString field;
    QStringList modifiers;
    QList<SigmaValue> values;
};

// A named detection: any of its alternatives (a list of maps or of keywords), each alternative
// all of its matches (a map).
struct Detection {
    QList<QList<FieldMatch>> alternatives;
};

struct SigmaRule {
    QString path;
    QString id;
    QString title;
    QString status;
    QString level;
    QString author;
    QString description;
    QStringList tags;
    QStringList references;
    QString category;
    QString product;
    QString service;
    QMap<QString, Detection> detections;
    QStringList conditions; // more than one: any of them
    QString loadError;      // empty when the rule was read
};

// Reads every YAML document of a file as a rule (a file that cannot be read is one rule whose
// loadError says why).
QList<SigmaRule> loadRuleFile(const QString& path);
QList<SigmaRule> loadRuleText(const QByteArray& yaml, const QString& path);
// Files and folders (recursively, *.yml and *.yaml, sorted) to rules, in order.
QList<SigmaRule> loadRules(const QStringList& paths);
// The rules bundled in resources/sigma/ (overrides included).
QList<SigmaRule> loadBundledRules();

} // namespace socwb::sigma
