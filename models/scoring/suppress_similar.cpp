#include "suppress_similar.h"

#include "store/statement.h"
#include "tables/read_connection.h"

namespace socwb::scoring {

QVector<SuppressionRule> similarRules(sqlite3* db, const QStringList& keys, SuppressScope scope) {
    QVector<SuppressionRule> rules;
    for (const QString& key : keys) {
        Statement st(db, "SELECT process_name, destination, host, coalesce(host_role, '') FROM alerts "
                         "WHERE channel_key = ?");
        st.bind(1, key.toStdString());
        if (!st.step()) {
            continue;
        }
        SuppressionRule rule;
        rule.process = columnText(st, 0); // empty for an unattributed channel: the destination alone
        rule.destination = columnText(st, 1);
        if (scope == SuppressScope::Host) {
            rule.host = columnText(st, 2);
        } else if (scope == SuppressScope::Role) {
            rule.hostRole = columnText(st, 3);
            if (rule.hostRole.isEmpty()) { // no role known: no wider than the host
                rule.host = columnText(st, 2);
            }
        }
        const bool seen = std::any_of(rules.begin(), rules.end(), [&](const SuppressionRule& r) {
            return r.process == rule.process && r.destination == rule.destination && r.host == rule.host &&
                   r.hostRole == rule.hostRole;
        });
        if (!seen) {
            rules << rule;
        }
    }
    return rules;
}

HiddenCount countHidden(sqlite3* db, const QVector<SuppressionRule>& rules) {
    if (rules.isEmpty()) {
        return {};
    }
    // Each rule as SuppressionRule::matches reads it: the destination as a domain suffix, the
    // process by file name (case-insensitive), the host by name, the role equal.
    QStringList any;
    QVariantList params;
    for (const SuppressionRule& r : rules) {
        QStringList all;
        all << QStringLiteral("(lower(a.destination) = lower(?) OR lower(a.destination) LIKE '%.' || "
                              "replace(replace(replace(lower(?), '\\', '\\\\'), '%', '\\%'), '_', '\\_') ESCAPE '\\')");
        params << r.destination << r.destination;
        if (!r.process.isEmpty()) {
            all << QStringLiteral("lower(coalesce(a.process_name, '')) = lower(?)");
            params << r.process;
        }
        if (!r.host.isEmpty()) {
            all << QStringLiteral("lower(a.host) = lower(?)");
            params << r.host;
        }
        if (!r.hostRole.isEmpty()) {
            all << QStringLiteral("lower(coalesce(a.host_role, '')) = lower(?)");
            params << r.hostRole;
        }
        any << QLatin1Char('(') + all.join(QStringLiteral(" AND ")) + QLatin1Char(')');
    }
    Statement st(db,
                 QStringLiteral("SELECT count(*), coalesce(sum(a.severity IN ('high', 'critical')), 0) FROM alerts a "
                                "WHERE a.suppressed_by IS NULL AND (%1)")
                     .arg(any.join(QStringLiteral(" OR ")))
                     .toStdString());
    bindAll(st, params);
    HiddenCount c;
    if (st.step()) {
        c.channels = st.int64(0);
        c.aboveMedium = st.int64(1);
    }
    return c;
}

} // namespace socwb::scoring
