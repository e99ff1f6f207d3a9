#include "suppression_store.h"

#include "channel_features.h"
#include "config_checks.h"
#include "ingest/write/domain_names.h"
#include "store/case_store.h"
#include "store/statement.h"

#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <tuple>

namespace socwb::scoring {

namespace {

QString fileName(const QString& image) {
    const qsizetype cut = std::max(image.lastIndexOf(QLatin1Char('\\')), image.lastIndexOf(QLatin1Char('/')));
    return image.mid(cut + 1);
}

QString stripScheme(QString url) {
    const qsizetype at = url.indexOf(QLatin1String("://"));
    return at >= 0 ? url.mid(at + 3) : url;
}

bool hasWildcard(const QString& glob) {
    return glob.contains(QLatin1Char('*')) || glob.contains(QLatin1Char('?')) || glob.contains(QLatin1Char('['));
}

bool onlyWildcards(const QString& glob) {
    return !glob.isEmpty() && std::all_of(glob.begin(), glob.end(),
                                          [](QChar c) { return c == QLatin1Char('*') || c == QLatin1Char('?'); });
}

// An ISO-8601 time with its zone; the error names FIELD.
QDateTime zonedTime(const QString& text, const char* field) {
    const QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid()) {
        throw std::invalid_argument(std::string(field) + " '" + text.toStdString() +
                                    "' is not an ISO-8601 time (2026-12-31T00:00:00Z)");
    }
    if (t.timeSpec() == Qt::LocalTime) {
        throw std::invalid_argument(std::string(field) + " '" + text.toStdString() +
                                    "' has no time zone: add Z for UTC, or +hh:mm");
    }
    return t;
}

QRegularExpression compiledGlob(const QString& glob, const char* field) {
    const QRegularExpression re = QRegularExpression::fromWildcard(glob, Qt::CaseInsensitive);
    if (!re.isValid()) {
        throw std::invalid_argument(std::string(field) + " glob '" + glob.toStdString() +
                                    "' is not valid: " + re.errorString().toStdString());
    }
    return re;
}

void bindRule(Statement& st, const SuppressionRule& r) {
    st.bindTextOrNull(1, r.host.toStdString())
        .bindTextOrNull(2, r.hostRole.toStdString())
        .bindTextOrNull(3, r.process.toStdString())
        .bindTextOrNull(4, r.destination.trimmed().toLower().toStdString())
        .bindTextOrNull(5, r.urlPrefix.toStdString())
        .bind(6, r.reason.trimmed().toStdString())
        .bind(7, r.author.toStdString())
        .bind(8, r.createdAt.toStdString())
        .bindTextOrNull(9, r.expiresAt.toStdString())
        .bind(10, r.enabled ? 1 : 0);
}

// Who stored a rule is the OS user; a name the rule or its file gives stays visible as a claim.
QString authorAs(const QString& claimed, const char* how) {
    const QString actor = CaseStore::actorName();
    return claimed.trimmed().isEmpty() || claimed == actor
               ? actor
               : QStringLiteral("%1 (%2 by %3)").arg(claimed.trimmed(), QLatin1String(how), actor);
}

qint64 insertRule(CaseStore& store, const SuppressionRule& r) {
    Statement st(store.db(), "INSERT INTO suppressions(host, host_role, process, destination, url_prefix, reason, "
                             "author, created_at, expires_at, enabled) VALUES (?,?,?,?,?,?,?,?,?,?)");
    bindRule(st, r);
    st.exec();
    const qint64 id = sqlite3_last_insert_rowid(store.db());
    store.audit(QStringLiteral("suppression.add"), QStringLiteral("suppression %1").arg(id),
                r.criteria() + QStringLiteral(" \u2014 ") + r.reason);
    return id;
}

} // namespace

void validateSuppression(const SuppressionRule& r, const QDateTime& now) {
    if (r.reason.trimmed().isEmpty()) {
        throw std::invalid_argument("a suppression needs a reason");
    }
    if (r.host.isEmpty() && r.hostRole.isEmpty() && r.process.isEmpty() && r.destination.isEmpty() &&
        r.urlPrefix.isEmpty()) {
        throw std::invalid_argument(
            "a suppression needs at least one of host, host role, process, destination, URL prefix");
    }
    for (const auto& [field, value, limit] :
         {std::tuple{"reason", &r.reason, 2000}, std::tuple{"host", &r.host, 256}, std::tuple{"role", &r.hostRole, 256},
          std::tuple{"process", &r.process, 1024}, std::tuple{"destination", &r.destination, 253},
          std::tuple{"URL prefix", &r.urlPrefix, 2048}}) {
        if (value->size() > limit) {
            throw std::invalid_argument(std::string(field) + " is longer than " + std::to_string(limit) +
                                        " characters");
        }
    }
    if (!r.host.isEmpty()) {
        compiledGlob(r.host, "host");
    }
    if (!r.process.isEmpty()) {
        compiledGlob(r.process, "process");
    }
    if (!r.urlPrefix.isEmpty()) {
        const QString rest = stripScheme(r.urlPrefix.trimmed());
        if (rest.isEmpty() || rest.startsWith(QLatin1Char('/')) || rest.startsWith(QLatin1Char(':'))) {
            throw std::invalid_argument("the URL prefix '" + r.urlPrefix.toStdString() +
                                        "' names no host, so it would match every channel");
        }
    }
    if (!r.destination.isEmpty()) {
        const std::string d = DomainNames::normalize(r.destination.trimmed().toStdString());
        const bool name = !d.empty() && std::all_of(d.begin(), d.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == ':';
        });
        if (!name) {
            throw std::invalid_argument("the destination '" + r.destination.toStdString() +
                                        "' is not a host name or address (a domain suffix such as github.com)");
        }
        if (DomainNames().isPublicSuffix(d)) {
            throw std::invalid_argument("the destination '" + d +
                                        "' is a public suffix: it would suppress every site under it");
        }
    }
    const bool everyHost = r.host.isEmpty() || onlyWildcards(r.host);
    const bool everyProcess = r.process.isEmpty() || onlyWildcards(r.process);
    if (everyHost && everyProcess && r.hostRole.isEmpty() && r.destination.isEmpty() && r.urlPrefix.isEmpty()) {
        throw std::invalid_argument("every criterion is a wildcard only: the rule would suppress every channel");
    }
    if (!r.createdAt.isEmpty()) {
        const QDateTime created = zonedTime(r.createdAt, "created_at");
        if (now.isValid() && created > now.addSecs(300)) {
            throw std::invalid_argument("created_at '" + r.createdAt.toStdString() + "' lies in the future");
        }
    }
    if (!r.expiresAt.isEmpty()) {
        const QDateTime until = zonedTime(r.expiresAt, "the expiry");
        if (now.isValid() && until <= now) {
            throw std::invalid_argument("the expiry " + r.expiresAt.toStdString() +
                                        " has passed: the rule would never apply");
        }
    }
}

bool SuppressionRule::isActive(const QDateTime& now) const {
    if (!enabled) {
        return false;
    }
    if (expiresAt.isEmpty()) {
        return true;
    }
    const QDateTime until = QDateTime::fromString(expiresAt, Qt::ISODateWithMs);
    return until.isValid() && now < until;
}

bool SuppressionRule::matches(const ChannelFeatures& c) const {
    return SuppressionMatcher(*this).matches(c);
}

bool SuppressionMatcher::Glob::matches(const QString& text) const {
    return plain.isEmpty() ? re.match(text).hasMatch() : plain.compare(text, Qt::CaseInsensitive) == 0;
}

SuppressionMatcher::SuppressionMatcher(const SuppressionRule& r) : id_(r.id) {
    try {
        for (const auto& [glob, value, field] :
             {std::tuple{&host_, &r.host, "host"}, std::tuple{&process_, &r.process, "process"}}) {
            glob->set = !value->isEmpty();
            if (!glob->set) {
                continue;
            }
            if (hasWildcard(*value)) {
                glob->re = compiledGlob(*value, field);
                glob->re.optimize();
            } else {
                glob->plain = *value;
            }
        }
    } catch (const std::invalid_argument& e) {
        problem_ = QStringLiteral("rule %1: %2; it is not applied").arg(r.id).arg(QString::fromUtf8(e.what()));
    }
    role_ = r.hostRole;
    destination_ = r.destination.trimmed().toLower();
    urlPrefix_ = r.urlPrefix.isEmpty() ? QString() : stripScheme(r.urlPrefix);
    if (!r.urlPrefix.isEmpty() && urlPrefix_.isEmpty() && problem_.isEmpty()) {
        problem_ = QStringLiteral("rule %1: its URL prefix names no host; it is not applied").arg(r.id);
    }
}

bool SuppressionMatcher::matches(const ChannelFeatures& c) const {
    if (!valid()) {
        return false;
    }
    if (!role_.isEmpty() && role_.compare(c.hostRole, Qt::CaseInsensitive) != 0) {
        return false;
    }
    if (!destination_.isEmpty()) {
        const QString dest = c.destination.toLower();
        if (dest != destination_ && !dest.endsWith(QLatin1Char('.') + destination_)) {
            return false;
        }
    }
    if (!urlPrefix_.isEmpty()) {
        // A channel covers host + its endpoint's paths; without an endpoint, every path of the host.
        const QString channelUrl = c.destination.toLower() + c.pathPrefix;
        if (!channelUrl.startsWith(urlPrefix_, Qt::CaseInsensitive) &&
            !(c.pathPrefix.isEmpty() && urlPrefix_.compare(c.destination, Qt::CaseInsensitive) == 0)) {
            return false;
        }
    }
    if (host_.set) {
        bool any = host_.matches(c.host);
        for (const QString& ip : c.hostIps.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            any = any || host_.matches(ip);
        }
        if (!any) {
            return false;
        }
    }
    if (process_.set && (c.processImage.isEmpty() ||
                         !(process_.matches(c.processImage) || process_.matches(fileName(c.processImage))))) {
        return false;
    }
    return true;
}

QString SuppressionRule::criteria() const {
    QStringList parts;
    for (const auto& [label, value] :
         {std::pair{"host", &host}, std::pair{"role", &hostRole}, std::pair{"process", &process},
          std::pair{"destination", &destination}, std::pair{"url", &urlPrefix}}) {
        if (!value->isEmpty()) {
            parts << QLatin1String(label) + QLatin1Char(' ') + *value;
        }
    }
    return parts.join(QStringLiteral(" \u00b7 "));
}

QVector<SuppressionRule> listSuppressions(sqlite3* db) {
    QVector<SuppressionRule> out;
    Statement st(db, "SELECT id, coalesce(host, ''), coalesce(host_role, ''), coalesce(process, ''), "
                     "coalesce(destination, ''), coalesce(url_prefix, ''), reason, author, created_at, "
                     "coalesce(expires_at, ''), enabled FROM suppressions ORDER BY id");
    while (st.step()) {
        SuppressionRule r;
        r.id = st.int64(0);
        r.host = QString::fromStdString(st.text(1));
        r.hostRole = QString::fromStdString(st.text(2));
        r.process = QString::fromStdString(st.text(3));
        r.destination = QString::fromStdString(st.text(4));
        r.urlPrefix = QString::fromStdString(st.text(5));
        r.reason = QString::fromStdString(st.text(6));
        r.author = QString::fromStdString(st.text(7));
        r.createdAt = QString::fromStdString(st.text(8));
        r.expiresAt = QString::fromStdString(st.text(9));
        r.enabled = st.int64(10) != 0;
        out.push_back(r);
    }
    return out;
}

qint64 addSuppression(CaseStore& store, SuppressionRule r) {
    validateSuppression(r, QDateTime::currentDateTimeUtc());
    r.author = authorAs(r.author, "entered");
    r.createdAt = CaseStore::nowIso();
    return insertRule(store, r);
}

void updateSuppression(CaseStore& store, const SuppressionRule& r) {
    validateSuppression(r); // an edit may keep an expiry that has passed: the rule stays expired
    Statement st(store.db(), "UPDATE suppressions SET host = ?1, host_role = ?2, process = ?3, destination = ?4, "
                             "url_prefix = ?5, reason = ?6, author = ?7, created_at = ?8, expires_at = ?9, "
                             "enabled = ?10 WHERE id = ?11");
    bindRule(st, r);
    st.bind(11, static_cast<int64_t>(r.id));
    st.exec();
    if (sqlite3_changes(store.db()) == 0) {
        throw std::invalid_argument("no suppression " + std::to_string(r.id));
    }
    store.audit(QStringLiteral("suppression.edit"), QStringLiteral("suppression %1").arg(r.id),
                r.criteria() + QStringLiteral(" \u2014 ") + r.reason);
}

void expireSuppression(CaseStore& store, qint64 id) {
    Statement st(store.db(), "UPDATE suppressions SET expires_at = ? WHERE id = ?");
    st.bind(1, CaseStore::nowIso().toStdString()).bind(2, static_cast<int64_t>(id));
    st.exec();
    if (sqlite3_changes(store.db()) == 0) {
        throw std::invalid_argument("no suppression " + std::to_string(id));
    }
    store.audit(QStringLiteral("suppression.expire"), QStringLiteral("suppression %1").arg(id));
}

void undoSuppression(CaseStore& store, qint64 id, const QString& what) {
    Statement st(store.db(), "UPDATE suppressions SET enabled = 0 WHERE id = ?");
    st.bind(1, static_cast<int64_t>(id));
    st.exec();
    if (sqlite3_changes(store.db()) == 0) {
        throw std::invalid_argument("no suppression " + std::to_string(id));
    }
    store.audit(QStringLiteral("suppression.undo"), QStringLiteral("suppression %1").arg(id),
                QStringLiteral("undid %1; the rule is disabled").arg(what));
}

QByteArray suppressionsToYaml(const QVector<SuppressionRule>& rules) {
    YAML::Emitter e;
    e << YAML::BeginMap << YAML::Key << "suppressions" << YAML::Value << YAML::BeginSeq;
    for (const SuppressionRule& r : rules) {
        e << YAML::BeginMap;
        for (const auto& [key, value] :
             {std::pair{"host", &r.host}, std::pair{"host_role", &r.hostRole}, std::pair{"process", &r.process},
              std::pair{"destination", &r.destination}, std::pair{"url_prefix", &r.urlPrefix},
              std::pair{"reason", &r.reason}, std::pair{"author", &r.author}, std::pair{"created_at", &r.createdAt},
              std::pair{"expires_at", &r.expiresAt}}) {
            if (!value->isEmpty()) {
                e << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << value->toStdString();
            }
        }
        e << YAML::Key << "enabled" << YAML::Value << r.enabled;
        e << YAML::EndMap;
    }
    e << YAML::EndSeq << YAML::EndMap;
    return QByteArray(e.c_str()) + '\n';
}

QVector<SuppressionRule> suppressionsFromYaml(const QByteArray& yaml) {
    const YAML::Node root = checks::loadOne(yaml, "suppressions", kMaxSuppressionFileBytes);
    if (root.IsMap()) {
        checks::requireKeys(root, {"suppressions"}, "suppressions");
    }
    const YAML::Node list = root.IsMap() ? root["suppressions"] : root;
    if (!list || !list.IsSequence()) {
        throw std::runtime_error("suppressions: expected a list under 'suppressions'");
    }
    if (list.size() > 100000) {
        throw std::runtime_error("suppressions: more than 100000 rules in one file");
    }
    static const std::vector<std::string> kKeys{"host",   "host_role", "process",    "destination", "url_prefix",
                                                "reason", "author",    "created_at", "expires_at",  "enabled"};
    QVector<SuppressionRule> out;
    int index = 0;
    for (const YAML::Node& n : list) {
        const std::string where = "suppressions: entry " + std::to_string(++index);
        checks::requireKeys(n, kKeys, where);
        SuppressionRule r;
        auto get = [&](const char* k) { return n[k] ? checks::text(n[k], where + "." + k, 2048) : QString(); };
        r.host = get("host");
        r.hostRole = get("host_role");
        r.process = get("process");
        r.destination = get("destination");
        r.urlPrefix = get("url_prefix");
        r.reason = get("reason");
        r.author = get("author");
        r.createdAt = get("created_at");
        r.expiresAt = get("expires_at");
        r.enabled = !n["enabled"] || checks::boolean(n["enabled"], where + ".enabled");
        try {
            validateSuppression(r);
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(where + ": " + e.what());
        }
        out.push_back(r);
    }
    return out;
}

SuppressionImport importSuppressions(CaseStore& store, const QByteArray& yaml, const QDateTime& now) {
    SuppressionImport result;
    const QVector<SuppressionRule> rules = suppressionsFromYaml(yaml);
    Transaction tx(store.db());
    // A rule the case already has in force (same criteria, active) is not added again: importing
    // the same file twice left every rule twice, silently (issue 28 item 9).
    auto sameCriteria = [](const SuppressionRule& a, const SuppressionRule& b) {
        return a.host.compare(b.host, Qt::CaseInsensitive) == 0 &&
               a.hostRole.compare(b.hostRole, Qt::CaseInsensitive) == 0 &&
               a.process.compare(b.process, Qt::CaseInsensitive) == 0 &&
               a.destination.compare(b.destination, Qt::CaseInsensitive) == 0 &&
               a.urlPrefix.compare(b.urlPrefix, Qt::CaseInsensitive) == 0;
    };
    QVector<SuppressionRule> inForce;
    for (const SuppressionRule& r : listSuppressions(store.db())) {
        if (r.isActive(now)) {
            inForce << r;
        }
    }
    int index = 0;
    for (SuppressionRule r : rules) {
        ++index;
        const QDateTime until = QDateTime::fromString(r.expiresAt, Qt::ISODateWithMs);
        if (until.isValid() && until <= now) {
            ++result.expired; // history of another case: nothing it would do here
            continue;
        }
        if (std::any_of(inForce.cbegin(), inForce.cend(),
                        [&](const SuppressionRule& have) { return sameCriteria(have, r); })) {
            ++result.duplicates;
            continue;
        }
        try {
            validateSuppression(r, now);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("suppressions: entry " + std::to_string(index) + ": " + e.what());
        }
        r.id = 0;
        r.author = authorAs(r.author, "imported");
        if (r.createdAt.isEmpty()) {
            r.createdAt = CaseStore::nowIso();
        }
        insertRule(store, r);
        inForce << r; // a file that repeats a rule adds it once
        ++result.added;
    }
    tx.commit();
    return result;
}

} // namespace socwb::scoring
