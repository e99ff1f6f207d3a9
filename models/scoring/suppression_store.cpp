#include "suppression_store.h"

#include "channel_features.h"
#include "store/case_store.h"
#include "store/statement.h"

#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

#include <stdexcept>

namespace socwb::scoring {

namespace {

bool globMatches(const QString& glob, const QString& text) {
    const QRegularExpression re = QRegularExpression::fromWildcard(glob, Qt::CaseInsensitive);
    return re.match(text).hasMatch();
}

QString fileName(const QString& image) {
    const qsizetype cut = std::max(image.lastIndexOf(QLatin1Char('\\')), image.lastIndexOf(QLatin1Char('/')));
    return image.mid(cut + 1);
}

QString stripScheme(QString url) {
    const qsizetype at = url.indexOf(QLatin1String("://"));
    return at >= 0 ? url.mid(at + 3) : url;
}

void validate(const SuppressionRule& r) {
    if (r.reason.trimmed().isEmpty()) {
        throw std::invalid_argument("a suppression needs a reason");
    }
    if (r.host.isEmpty() && r.hostRole.isEmpty() && r.process.isEmpty() && r.destination.isEmpty() &&
        r.urlPrefix.isEmpty()) {
        throw std::invalid_argument(
            "a suppression needs at least one of host, host role, process, destination, URL prefix");
    }
    if (!r.expiresAt.isEmpty() && !QDateTime::fromString(r.expiresAt, Qt::ISODate).isValid()) {
        throw std::invalid_argument("the expiry is not an ISO-8601 time");
    }
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

} // namespace

bool SuppressionRule::isActive(const QDateTime& now) const {
    if (!enabled) {
        return false;
    }
    if (expiresAt.isEmpty()) {
        return true;
    }
    const QDateTime until = QDateTime::fromString(expiresAt, Qt::ISODate);
    return until.isValid() && now < until;
}

bool SuppressionRule::matches(const ChannelFeatures& c) const {
    if (!host.isEmpty()) {
        bool any = globMatches(host, c.host);
        for (const QString& ip : c.hostIps.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            any = any || globMatches(host, ip);
        }
        if (!any) {
            return false;
        }
    }
    if (!hostRole.isEmpty() && hostRole.compare(c.hostRole, Qt::CaseInsensitive) != 0) {
        return false;
    }
    if (!process.isEmpty() && (c.processImage.isEmpty() || !(globMatches(process, c.processImage) ||
                                                             globMatches(process, fileName(c.processImage))))) {
        return false;
    }
    if (!destination.isEmpty()) {
        const QString d = destination.trimmed().toLower();
        const QString dest = c.destination.toLower();
        if (dest != d && !dest.endsWith(QLatin1Char('.') + d)) {
            return false;
        }
    }
    if (!urlPrefix.isEmpty()) {
        // A channel covers host + its endpoint's paths; without an endpoint, every path of the host.
        const QString channelUrl = c.destination.toLower() + c.pathPrefix;
        const QString prefix = stripScheme(urlPrefix);
        if (!channelUrl.startsWith(prefix, Qt::CaseInsensitive) &&
            !(c.pathPrefix.isEmpty() && prefix.compare(c.destination, Qt::CaseInsensitive) == 0)) {
            return false;
        }
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
    validate(r);
    if (r.author.isEmpty()) {
        r.author = CaseStore::actorName();
    }
    if (r.createdAt.isEmpty()) {
        r.createdAt = CaseStore::nowIso();
    }
    Statement st(store.db(), "INSERT INTO suppressions(host, host_role, process, destination, url_prefix, reason, "
                             "author, created_at, expires_at, enabled) VALUES (?,?,?,?,?,?,?,?,?,?)");
    bindRule(st, r);
    st.exec();
    const qint64 id = sqlite3_last_insert_rowid(store.db());
    store.audit(QStringLiteral("suppression.add"), QStringLiteral("suppression %1").arg(id),
                r.criteria() + QStringLiteral(" \u2014 ") + r.reason);
    return id;
}

void updateSuppression(CaseStore& store, const SuppressionRule& r) {
    validate(r);
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
    QVector<SuppressionRule> out;
    YAML::Node root;
    try {
        root = YAML::Load(yaml.toStdString());
    } catch (const YAML::Exception& e) {
        throw std::runtime_error(std::string("suppressions: ") + e.what());
    }
    const YAML::Node list = root.IsMap() ? root["suppressions"] : root;
    if (!list || !list.IsSequence()) {
        throw std::runtime_error("suppressions: expected a list under 'suppressions'");
    }
    int index = 0;
    for (const YAML::Node& n : list) {
        ++index;
        SuppressionRule r;
        try {
            auto get = [&n](const char* k) {
                return n[k] ? QString::fromStdString(n[k].as<std::string>()) : QString();
            };
            r.host = get("host");
            r.hostRole = get("host_role");
            r.process = get("process");
            r.destination = get("destination");
            r.urlPrefix = get("url_prefix");
            r.reason = get("reason");
            r.author = get("author");
            r.createdAt = get("created_at");
            r.expiresAt = get("expires_at");
            r.enabled = !n["enabled"] || n["enabled"].as<bool>();
            validate(r);
        } catch (const std::exception& e) {
            throw std::runtime_error("suppressions: entry " + std::to_string(index) + ": " + e.what());
        }
        out.push_back(r);
    }
    return out;
}

} // namespace socwb::scoring
