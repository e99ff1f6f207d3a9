#include "scoring_config.h"

#include "core/resources.h"
#include "store/case_store.h"
#include "store/statement.h"

#include <QCryptographicHash>
#include <QStringList>

#include <yaml-cpp/yaml.h>

#include <stdexcept>

namespace socwb::scoring {

namespace {

YAML::Node parse(const QByteArray& text, const char* what) {
    try {
        YAML::Node n = YAML::Load(text.toStdString());
        if (!n.IsNull() && !n.IsMap()) {
            throw std::runtime_error(std::string("scoring config (") + what + "): the top level is not a mapping");
        }
        return n;
    } catch (const YAML::Exception& e) {
        throw std::runtime_error(std::string("scoring config (") + what + "): " + e.what());
    }
}

// The override's key if it has it, else the default's.
YAML::Node pick(const YAML::Node& defaults, const YAML::Node& override, const char* key) {
    if (override.IsMap() && override[key]) {
        return override[key];
    }
    return defaults[key];
}

std::map<std::string, double> numbers(const YAML::Node& defaults, const YAML::Node& override, const char* key) {
    std::map<std::string, double> out;
    for (const YAML::Node* src : {&defaults, &override}) {
        if (!src->IsMap() || !(*src)[key]) {
            continue;
        }
        const YAML::Node m = (*src)[key];
        if (!m.IsMap()) {
            throw std::runtime_error(std::string("scoring config: '") + key + "' is not a mapping");
        }
        for (const auto& kv : m) {
            try {
                out[kv.first.as<std::string>()] = kv.second.as<double>();
            } catch (const YAML::Exception&) {
                throw std::runtime_error(std::string("scoring config: ") + key + "." + kv.first.as<std::string>() +
                                         " is not a number");
            }
        }
    }
    return out;
}

std::vector<std::string> strings(const YAML::Node& n, const char* key) {
    std::vector<std::string> out;
    if (!n) {
        return out;
    }
    if (!n.IsSequence()) {
        throw std::runtime_error(std::string("scoring config: '") + key + "' is not a list");
    }
    for (const YAML::Node& s : n) {
        out.push_back(s.as<std::string>());
    }
    return out;
}

std::set<std::string> lowerSet(const std::vector<std::string>& v) {
    std::set<std::string> out;
    for (const auto& s : v) {
        out.insert(QString::fromStdString(s).toLower().toStdString());
    }
    return out;
}

std::vector<QRegularExpression> regexes(const std::vector<std::string>& v, const char* key) {
    std::vector<QRegularExpression> out;
    for (const auto& s : v) {
        QRegularExpression re(QString::fromStdString(s), QRegularExpression::CaseInsensitiveOption);
        if (!re.isValid()) {
            throw std::runtime_error(std::string("scoring config: ") + key + ": bad pattern '" + s +
                                     "': " + re.errorString().toStdString());
        }
        out.push_back(std::move(re));
    }
    return out;
}

} // namespace

double ScoringConfig::weight(const std::string& name) const {
    const auto it = weights.find(name);
    if (it == weights.end()) {
        throw std::runtime_error("scoring config: no weight '" + name + "'");
    }
    return it->second;
}

double ScoringConfig::threshold(const std::string& name) const {
    const auto it = thresholds.find(name);
    if (it == thresholds.end()) {
        throw std::runtime_error("scoring config: no threshold '" + name + "'");
    }
    return it->second;
}

QString ScoringConfig::severityFor(double score) const {
    for (const char* band : {"critical", "high", "medium", "low"}) {
        const auto it = severity.find(band);
        if (it != severity.end() && score >= it->second) {
            return QString::fromLatin1(band);
        }
    }
    return QStringLiteral("info");
}

ScoringConfig ScoringConfig::fromYaml(const QByteArray& defaultsText, const QByteArray& overrideText) {
    const YAML::Node d = parse(defaultsText, "defaults");
    const YAML::Node o = overrideText.trimmed().isEmpty() ? YAML::Node() : parse(overrideText, "case override");
    ScoringConfig c;
    c.weights = numbers(d, o, "weights");
    c.thresholds = numbers(d, o, "thresholds");
    c.severity = numbers(d, o, "severity");
    try {
        c.scriptingProcesses = lowerSet(strings(pick(d, o, "scripting_processes"), "scripting_processes"));
        c.browsers = lowerSet(strings(pick(d, o, "browsers"), "browsers"));
        c.officeParents = lowerSet(strings(pick(d, o, "office_parents"), "office_parents"));
        c.serviceParents = lowerSet(strings(pick(d, o, "service_parents"), "service_parents"));
        c.serverRoles = lowerSet(strings(pick(d, o, "server_roles"), "server_roles"));
        for (const auto& s : strings(pick(d, o, "user_writable_paths"), "user_writable_paths")) {
            c.userWritablePaths.push_back(QString::fromStdString(s).toLower().toStdString());
        }
        for (const auto& s : strings(pick(d, o, "user_writable_known"), "user_writable_known")) {
            c.userWritableKnown.push_back(QString::fromStdString(s).toLower().toStdString());
        }
        c.hiddenCommandLine =
            regexes(strings(pick(d, o, "hidden_command_line"), "hidden_command_line"), "hidden_command_line");
        c.browserUserAgents =
            regexes(strings(pick(d, o, "browser_user_agents"), "browser_user_agents"), "browser_user_agents");
    } catch (const YAML::Exception& e) {
        throw std::runtime_error(std::string("scoring config: ") + e.what());
    }
    // Every weight and threshold the scorer reads must be there: fail at load, not mid-run.
    for (const char* w : {"periodicity", "web_service", "command_endpoint", "one_way", "output_elsewhere",
                          "scripting_process", "user_writable_image", "hidden_command_line", "suspicious_parent",
                          "image_unique_to_host", "user_agent_mismatch", "rare_in_fleet", "fleet_wide", "browser",
                          "post_heartbeat", "late_start", "server_to_consumer", "idle_hours", "proxy_bypass"}) {
        c.weight(w);
    }
    for (const char* t :
         {"min_polls", "min_interval_s", "full_confidence_polls", "pause_factor", "band", "min_attribution_confidence",
          "fleet_min_hosts", "fleet_min_share", "cadence_ratio", "late_start_hours", "output_window_s",
          "response_change", "idle_min_share", "small_request_bytes"}) {
        c.threshold(t);
    }
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(defaultsText);
    h.addData(QByteArrayView("\0", 1));
    h.addData(overrideText);
    c.sha256 = h.result().toHex();
    return c;
}

ScoringConfig ScoringConfig::forCase(sqlite3* db) {
    return fromYaml(resources::read(QStringLiteral("scoring/scoring.yaml")), caseOverride(db));
}

QByteArray caseOverride(sqlite3* db) {
    Statement st(db, "SELECT value FROM case_meta WHERE key = ?");
    st.bind(1, ScoringConfig::kCaseMetaKey);
    if (st.step() && !st.isNull(0)) {
        return QByteArray::fromStdString(st.text(0));
    }
    return {};
}

QString caseOverrideLine(sqlite3* db) {
    const QByteArray text = caseOverride(db);
    if (text.trimmed().isEmpty()) {
        return {};
    }
    QStringList parts;
    try {
        const YAML::Node o = parse(text, "case override");
        for (const auto& entry : o) {
            const QString key = QString::fromStdString(entry.first.as<std::string>());
            const YAML::Node& v = entry.second;
            if (v.IsMap()) {
                for (const auto& sub : v) {
                    parts << QStringLiteral("%1.%2 = %3")
                                 .arg(key, QString::fromStdString(sub.first.as<std::string>()),
                                      sub.second.IsScalar() ? QString::fromStdString(sub.second.as<std::string>())
                                                            : QStringLiteral("(…)"));
                }
            } else if (v.IsSequence()) {
                parts << QStringLiteral("%1 (a list of %2)").arg(key).arg(v.size());
            } else {
                parts << QStringLiteral("%1 = %2").arg(key, QString::fromStdString(v.Scalar()));
            }
        }
    } catch (const std::exception& e) {
        return QStringLiteral("This case carries its own scoring settings, which are not valid: %1")
            .arg(QString::fromUtf8(e.what()));
    }
    constexpr int kShown = 6;
    QString list = QStringList(parts.mid(0, kShown)).join(QStringLiteral(", "));
    if (parts.size() > kShown) {
        list += QStringLiteral(" and %1 more").arg(parts.size() - kShown);
    }
    return QStringLiteral("This case overrides the shipped scoring: %1")
        .arg(list.isEmpty() ? QStringLiteral("(empty)") : list);
}

void dropCaseOverride(CaseStore& store) {
    Statement del(store.db(), "DELETE FROM case_meta WHERE key = ?");
    del.bind(1, ScoringConfig::kCaseMetaKey).exec();
    store.audit(QStringLiteral("scoring.config"), store.path(), QStringLiteral("case override removed"));
}

} // namespace socwb::scoring
