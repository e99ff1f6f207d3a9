#include "scoring_config.h"

#include "config_checks.h"
#include "core/resources.h"
#include "store/case_store.h"
#include "store/statement.h"

#include <QCryptographicHash>
#include <QStringList>

#include <yaml-cpp/yaml.h>

#include <stdexcept>

namespace socwb::scoring {

namespace {

enum class Shape { Number, Whole, Patterns };

// The schema of a scoring YAML is the compiled-in resources/scoring/scoring.yaml itself: its keys
// are the known keys, and a number, list or mapping there must be one here. This table adds what
// the file cannot say — ranges, whole numbers, lists of patterns — one line a key ("weights.*":
// every key of weights). A number it does not name must be finite and within ±10^9.
struct KeyRule {
    const char* path;
    double min;
    double max;
    Shape shape = Shape::Number;
};
const KeyRule kKeyRules[] = {
    {"weights.*", -100, 100},
    {"thresholds.min_polls", 2, 1e6, Shape::Whole},
    {"thresholds.min_interval_s", 0, 86400},
    {"thresholds.full_confidence_polls", 2, 1e6, Shape::Whole},
    {"thresholds.pause_factor", 1.01, 1000},
    {"thresholds.band", 0.01, 1},
    {"thresholds.min_attribution_confidence", 0, 1},
    {"thresholds.fleet_min_hosts", 2, 1e6, Shape::Whole},
    {"thresholds.fleet_min_share", 0.01, 1},
    {"thresholds.cadence_ratio", 1, 100},
    {"thresholds.late_start_hours", 0, 1e5},
    {"thresholds.output_window_s", 1, 7 * 86400},
    {"thresholds.response_change", 0, 10},
    {"thresholds.idle_min_share", 0, 0.99},
    {"thresholds.small_request_bytes", 0, 1e9, Shape::Whole},
    {"severity.*", 1, 100},
    {"hidden_command_line", 0, 0, Shape::Patterns},
    {"browser_user_agents", 0, 0, Shape::Patterns},
};

const KeyRule* ruleFor(const std::string& path) {
    const KeyRule* wildcard = nullptr;
    for (const KeyRule& r : kKeyRules) {
        const std::string p = r.path;
        if (p == path) {
            return &r;
        }
        if (p.size() > 2 && p.compare(p.size() - 2, 2, ".*") == 0 && path.rfind(p.substr(0, p.size() - 1), 0) == 0) {
            wildcard = &r;
        }
    }
    return wildcard;
}

bool isNumber(const YAML::Node& n) {
    try {
        n.as<double>();
        return true;
    } catch (const YAML::Exception&) {
        return false;
    }
}

// NODE against the schema node of the same place.
void conform(const YAML::Node& schema, const YAML::Node& node, const std::string& path, const std::string& what) {
    const std::string where = what + ": " + (path.empty() ? std::string("the top level") : path);
    const KeyRule* rule = ruleFor(path);
    if (schema.IsMap()) {
        std::vector<std::string> deeper;
        for (const auto& kv : schema) {
            if (kv.second.IsMap()) {
                for (const std::string& leaf : checks::keysOf(kv.second)) {
                    deeper.push_back(kv.first.Scalar() + "." + leaf);
                }
            }
        }
        checks::requireKeys(node, checks::keysOf(schema), where, deeper);
        for (const auto& kv : node) {
            const std::string key = kv.first.Scalar();
            conform(schema[key], kv.second, path.empty() ? key : path + "." + key, what);
        }
    } else if (schema.IsSequence()) {
        int i = 0;
        for (const QString& item : checks::textList(node, where)) {
            ++i;
            if (rule && rule->shape == Shape::Patterns) {
                checks::pattern(item, where + " entry " + std::to_string(i), QRegularExpression::CaseInsensitiveOption);
            }
        }
    } else if (isNumber(schema)) {
        checks::number(node, where, rule ? rule->min : -1e9, rule ? rule->max : 1e9,
                       rule && rule->shape == Shape::Whole);
    } else {
        checks::text(node, where);
    }
}

const YAML::Node& schemaRoot() {
    static const YAML::Node root =
        YAML::Load(resources::readBuiltIn(QStringLiteral("scoring/scoring.yaml")).toStdString());
    return root;
}

// Parses and checks one scoring YAML (the defaults, or a case's override) against the schema.
YAML::Node parse(const QByteArray& text, const char* what) {
    const std::string name = std::string("scoring config (") + what + ")";
    YAML::Node n = checks::loadOne(text, name, ScoringConfig::kMaxBytes);
    if (!n.IsNull()) {
        conform(schemaRoot(), n, std::string(), name);
    }
    return n;
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
        for (const auto& kv : (*src)[key]) {
            out[kv.first.as<std::string>()] = kv.second.as<double>(); // checked by parse()
        }
    }
    return out;
}

std::vector<std::string> strings(const YAML::Node& n) {
    std::vector<std::string> out;
    if (n) {
        for (const YAML::Node& s : n) {
            out.push_back(s.as<std::string>());
        }
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
        out.push_back(checks::pattern(QString::fromStdString(s), std::string("scoring config: ") + key,
                                      QRegularExpression::CaseInsensitiveOption));
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
    c.scriptingProcesses = lowerSet(strings(pick(d, o, "scripting_processes")));
    c.browsers = lowerSet(strings(pick(d, o, "browsers")));
    c.officeParents = lowerSet(strings(pick(d, o, "office_parents")));
    c.serviceParents = lowerSet(strings(pick(d, o, "service_parents")));
    c.serverRoles = lowerSet(strings(pick(d, o, "server_roles")));
    for (const auto& s : strings(pick(d, o, "user_writable_paths"))) {
        c.userWritablePaths.push_back(QString::fromStdString(s).toLower().toStdString());
    }
    for (const auto& s : strings(pick(d, o, "user_writable_known"))) {
        c.userWritableKnown.push_back(QString::fromStdString(s).toLower().toStdString());
    }
    c.hiddenCommandLine = regexes(strings(pick(d, o, "hidden_command_line")), "hidden_command_line");
    c.browserUserAgents = regexes(strings(pick(d, o, "browser_user_agents")), "browser_user_agents");
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
    // The bands must fall from critical to low, or a band would never be reached.
    double above = 101;
    for (const char* band : {"critical", "high", "medium", "low"}) {
        const auto it = c.severity.find(band);
        if (it == c.severity.end() || it->second >= above) {
            throw std::runtime_error(std::string("scoring config: severity.") + band +
                                     (it == c.severity.end() ? " is missing"
                                                             : " must be below the band above it (bands fall from "
                                                               "critical to low)"));
        }
        above = it->second;
    }
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(defaultsText);
    h.addData(QByteArrayView("\0", 1));
    h.addData(overrideText);
    c.sha256 = h.result().toHex();
    return c;
}

ScoringConfig ScoringConfig::forCase(sqlite3* db) {
    const QByteArray defaults = resources::read(QStringLiteral("scoring/scoring.yaml"));
    const QByteArray override = caseOverride(db);
    if (override.isEmpty()) {
        return fromYaml(defaults);
    }
    fromYaml(defaults); // a bad defaults file is named as such, not blamed on the case
    try {
        return fromYaml(defaults, override);
    } catch (const std::runtime_error& e) {
        // The override is part of the case: a bad one makes the case unusable until replaced.
        throw CaseError(std::string("case_meta 'scoring.yaml' (the case's scoring override) is not valid: ") +
                        e.what() +
                        "; replace it with 'socwb-cli score CASE --config FILE', or remove it with "
                        "'--config -'");
    }
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
