// Compiles a Sigma rule into one SQL boolean expression over the columns of its log source's row
// set (see sigma_mapping.h), every value of the rule a bound parameter. What the compiler cannot
// express, or a field the case does not store, makes the rule unsupported with the precise reason.
#pragma once

#include "sigma_mapping.h"
#include "sigma_prefilter.h"
#include "sigma_rule.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QVariant>

namespace socwb::sigma {

struct CompiledRule {
    const LogSourceMapping* logsource = nullptr;
    QString reason; // empty: compiled
    // The expression; parameters are written ?#N# (N from 0, an index of params): withBase() numbers
    // them for a statement that holds several rules.
    QString where;
    QList<QVariant> params;            // QString or double
    QMap<QString, FieldSource> inputs; // alias -> where it is read
    // A literal of one of these must be in a row the rule matches (the runner's prefilter);
    // nullopt: none is known, the rule is evaluated on every row.
    Requirement need;
    bool ok() const { return reason.isEmpty(); }
    // The expression with its parameters numbered ?base+1 ... ?base+params.size().
    QString withBase(int base) const;
};

CompiledRule compileRule(const SigmaRule& rule, const SigmaMappings& mappings);

// Sigma's base64offset: the three encodings of `data` shifted by 0, 1 and 2 bytes, cut to the
// characters that do not depend on what surrounds it.
QStringList base64Offsets(const QByteArray& data);
// Sigma's windash: the value with each option dash ('-' or '/' starting a word) as each of
// - / – — ―.
QStringList windashVariants(const QString& value);

} // namespace socwb::sigma
