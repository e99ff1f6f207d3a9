// Suppression rules: an analyst's "this is known and fine", kept in the case with who said so,
// why and until when. A rule matches a channel when every criterion it sets matches; a matched
// channel keeps its score and factors (visible on request) but leaves the default queue.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QVector>

#include <sqlite3.h>

namespace socwb {
class CaseStore;
}

namespace socwb::scoring {

struct ChannelFeatures;

struct SuppressionRule {
    qint64 id = 0;
    QString host;        // glob on the host name or any of its addresses, case-insensitive
    QString hostRole;    // equal, case-insensitive
    QString process;     // glob on the process image (full path) or its file name, case-insensitive
    QString destination; // domain suffix: "github.com" matches github.com and raw.github.com
    QString urlPrefix;   // prefix of host + path ("pastebin.com/raw/"), scheme ignored
    QString reason;      // required
    QString author;
    QString createdAt; // ISO-8601 UTC
    QString expiresAt; // ISO-8601 UTC, empty: never
    bool enabled = true;

    bool isActive(const QDateTime& now) const;
    bool matches(const ChannelFeatures& c) const;
    // "host WS0* · process *\git.exe · destination github.com"
    QString criteria() const;
};

QVector<SuppressionRule> listSuppressions(sqlite3* db);
// Throws std::invalid_argument when the reason or every criterion is missing; returns the new id.
// Author and creation time default to the OS user and now. Audited.
qint64 addSuppression(CaseStore& store, SuppressionRule rule);
void updateSuppression(CaseStore& store, const SuppressionRule& rule);
// Sets the expiry to now (the rule stops applying; it stays listed). Audited.
void expireSuppression(CaseStore& store, qint64 id);

QByteArray suppressionsToYaml(const QVector<SuppressionRule>& rules);
// Throws std::runtime_error naming the entry that is not a valid rule.
QVector<SuppressionRule> suppressionsFromYaml(const QByteArray& yaml);

} // namespace socwb::scoring
