// Runs compiled Sigma rules over a case: the rules of one log source are evaluated together, in
// one pass over its rows (a few hundred rules a statement, each a bit of the row's result), and
// stores their hits with the row they matched (table and rowid: its provenance).
#pragma once

#include "sigma_compiler.h"
#include "sigma_rule.h"
#include "store/statement.h"

#include <sqlite3.h>

#include <QList>

#include <atomic>
#include <cstdint>

namespace socwb::sigma {

struct SigmaRun {
    QList<CompiledRule> compiled; // parallel to the rules
    QList<QList<int64_t>> hits;   // rowids of the rule's row set, ascending
    QList<QString> tables;        // the table those rowids are of ("" when not compiled)
    int passes = 0;               // statements run (each one scan of a row set)
    int64_t candidates = 0;       // rows a rule's literals were found in (the prefilter's yield)
    int checks = 0;               // statements checking a rule on its candidate rows
    int compiledCount() const;
};

// REGEXP (QRegularExpression; Sigma's re is case-sensitive unless (?i)), socwb_cidr(ip, network)
// and socwb_data(json, key) (a Windows event's data field; the last row's JSON is parsed once for
// all its keys). Idempotent per connection.
void registerSigmaFunctions(sqlite3* db);

// Compiles and runs the rules; throws SqlError when the case cannot be read. With prefilter, a
// rule with literals (CompiledRule::need) is checked only on the rows holding one of them, found
// for all rules in the one scan of the row set; without, every rule is evaluated on every row. The
// hits are the same.
SigmaRun runRules(sqlite3* db, const QList<SigmaRule>& rules, const SigmaMappings& mappings,
                  const std::atomic<bool>* cancel = nullptr, bool prefilter = true);

// SELECT x.id AS rid and each input of the rule AS its alias, from the rule's row set (its filter,
// and `also` when given).
QString ruleRowsSql(const CompiledRule& c, const QString& also = {});
// Binds a rule's parameters (QString or double) from ?first on.
void bindRuleParams(Statement& st, const QList<QVariant>& params, int first);
// One rule's hits by a statement of its own over every row (Zircolite's way; what the runner's
// results are checked against), rowids ascending.
QList<int64_t> hitsOneByOne(sqlite3* db, const CompiledRule& c);

// Replaces the stored hits of every compiled rule of the run with its hits now (one transaction).
// Returns how many were written.
int64_t storeHits(sqlite3* db, const QList<SigmaRule>& rules, const SigmaRun& run);

// The key a rule's hits are stored under: its id, or its file and title when it has none.
QString ruleKey(const SigmaRule& rule);

} // namespace socwb::sigma
