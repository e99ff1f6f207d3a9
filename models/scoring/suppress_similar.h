// "Suppress similar" with a scope (issue 18): a (process, destination) rule for every host also
// hid an implant's PowerShell polling the site IT's sync uses. The analyst chooses: this host,
// this role, or every host, and sees beforehand how many channels each would hide.
#pragma once

#include "suppression_store.h"

#include <QStringList>
#include <QVector>

namespace socwb::scoring {

enum class SuppressScope { Host, Role, Everywhere };

// The rules that suppress channels like those of KEYS within SCOPE (one per channel; the process
// when attributed, the destination, and the host or the role). Without a reason: the caller adds it.
QVector<SuppressionRule> similarRules(sqlite3* db, const QStringList& keys, SuppressScope scope);

struct HiddenCount {
    qint64 channels = 0;    // not suppressed now, matched by one of the rules
    qint64 aboveMedium = 0; // of those, severity high or critical
};
// What RULES would take out of the default queue (the rules' matching, in SQL).
HiddenCount countHidden(sqlite3* db, const QVector<SuppressionRule>& rules);

} // namespace socwb::scoring
