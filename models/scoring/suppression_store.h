// Suppression rules: an analyst's "this is known and fine", kept in the case with who said so,
// why and until when. A rule matches a channel when every criterion it sets matches; a matched
// channel keeps its score and factors (visible on request) but leaves the default queue.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QRegularExpression>
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
    // Compiles the rule for one test; a pass compiles each rule once (SuppressionMatcher).
    bool matches(const ChannelFeatures& c) const;
    // "host WS0* · process *\git.exe · destination github.com"
    QString criteria() const;
};

// A rule compiled once for a scoring pass: its globs as regular expressions (a glob without a
// wildcard is a plain comparison), destination and URL prefix lower-cased. A stored rule whose glob
// does not compile (written by something else than socwb) is not valid() and says why.
class SuppressionMatcher {
  public:
    explicit SuppressionMatcher(const SuppressionRule& rule);
    bool valid() const { return problem_.isEmpty(); }
    const QString& problem() const { return problem_; }
    qint64 id() const { return id_; }
    bool matches(const ChannelFeatures& c) const;

  private:
    struct Glob {
        QString plain; // no wildcard: compared case-insensitively
        QRegularExpression re;
        bool set = false;
        bool matches(const QString& text) const;
    };
    qint64 id_ = 0;
    Glob host_, process_;
    QString role_, destination_, urlPrefix_;
    QString problem_;
};

// What makes a rule fit to store, beyond the table's own constraints: a reason; at least one
// criterion; globs that compile; a URL prefix that names a host; a destination that is a host name
// and not a public suffix ("com" would suppress every .com site); not every criterion matching
// everything; times in ISO-8601 with a zone (Z or +hh:mm; a time without one would be read in
// whatever zone the machine has); an expiry in the future when `now` is given. Throws
// std::invalid_argument naming the field.
void validateSuppression(const SuppressionRule& rule, const QDateTime& now = {});

QVector<SuppressionRule> listSuppressions(sqlite3* db);
// Validates (an expiry must lie ahead), stores and audits a rule; returns the new id. The creation
// time is now, and the author the OS user: a name given in `rule.author` that is someone else's is
// kept as "NAME (entered by USER)", never as a fact.
qint64 addSuppression(CaseStore& store, SuppressionRule rule);
void updateSuppression(CaseStore& store, const SuppressionRule& rule);
// Sets the expiry to now (the rule stops applying; it stays listed). Audited.
void expireSuppression(CaseStore& store, qint64 id);
// Undo of a rule just added: disabled (it stays listed, with who made it), audited as
// suppression.undo with WHAT. The caller holds the transaction.
void undoSuppression(CaseStore& store, qint64 id, const QString& what);

QByteArray suppressionsToYaml(const QVector<SuppressionRule>& rules);
// A suppression file: one YAML document of at most kMaxSuppressionFileBytes, a list under
// 'suppressions' (or a bare list) of entries with known keys only. Throws std::runtime_error naming
// the entry that is not a valid rule (an unknown key names the nearest known one).
inline constexpr qsizetype kMaxSuppressionFileBytes = 16 * 1024 * 1024;
QVector<SuppressionRule> suppressionsFromYaml(const QByteArray& yaml);

// Imports a suppression file into the case in one transaction. Rules keep the file's creation time
// and author (shown as "NAME (imported by USER)"); rules whose expiry has passed are not imported,
// and counted, and so are rules with the same criteria as one in force. Throws like suppressionsFromYaml(), or
// std::invalid_argument for a rule not fit to store; nothing is imported then.
struct SuppressionImport {
    int added = 0;
    int expired = 0;    // already expired in the file: left out
    int duplicates = 0; // the same criteria as a rule in force in the case (or earlier in the file): left out
};
SuppressionImport importSuppressions(CaseStore& store, const QByteArray& yaml,
                                     const QDateTime& now = QDateTime::currentDateTimeUtc());

} // namespace socwb::scoring
