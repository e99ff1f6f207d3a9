#include "scoring_config.h"

#include "config_checks.h"
#include "core/resources.h"
#include "store/case_store.h"
#include "store/statement.h"

#include <QCryptographicHash>
#include <QStringList>

#include <yaml-cpp/yaml.h>

#include <algorithm>
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
    {"thresholds.burst_merge_s", 0, 3600},
    {"thresholds.min_polls", 2, 1e6, Shape::Whole},
    {"thresholds.ttl_pacing_band", 0, 10},
    {"thresholds.ttl_paced_min_share", 0, 1},
    {"thresholds.long_session_share", 0, 1},
    {"thresholds.long_session_min_s", 0, 1e9},
    {"thresholds.min_intervals", 1, 1e6, Shape::Whole},
    {"thresholds.full_confidence_intervals", 1, 1e6, Shape::Whole},
    {"thresholds.min_interval_s", 0, 86400},
    {"thresholds.pause_factor", 1.01, 1000},
    {"thresholds.band", 0.01, 1},
    {"thresholds.rita_skew_min_iqr", 0, 1e6},
    {"thresholds.pause_max_share", 0, 1},
    {"thresholds.histogram_bins", 1, 10000, Shape::Whole},
    {"thresholds.histogram_level_share", 0.001, 1},
    {"thresholds.duration_run_bins", 1, 10000, Shape::Whole},
    {"thresholds.min_attribution_confidence", 0, 1},
    {"thresholds.strong_attribution_confidence", 0, 1},
    {"thresholds.naming_window_s", 0, 7 * 86400},
    {"thresholds.naming_lead_s", 0, 86400},
    {"thresholds.join_window_s", 0, 3600},
    {"thresholds.poller_min_hours", 1, 1e4, Shape::Whole},
    {"thresholds.own_channel_min_share", 0, 1},
    {"thresholds.response_change", 0, 10},
    {"thresholds.response_change_min_bytes", 0, 1e9, Shape::Whole},
    {"thresholds.changes_min_constancy", 0, 1},
    {"thresholds.small_request_bytes", 0, 1e9, Shape::Whole},
    {"thresholds.sensor_small_upload_bytes", 0, 1e9, Shape::Whole},
    {"thresholds.sensor_shape_share", 0, 1},
    {"thresholds.single_path_max", 1, 1e6, Shape::Whole},
    {"thresholds.few_paths_max", 1, 1e6, Shape::Whole},
    {"thresholds.tunnel_share", 0, 1},
    {"thresholds.post_heartbeat_share", 0, 1},
    {"thresholds.output_endpoint_share", 0, 1},
    {"thresholds.payload_endpoint_share", 0, 1},
    {"thresholds.output_window_s", 1, 7 * 86400},
    {"thresholds.output_min_reactions", 1, 1e6, Shape::Whole},
    {"thresholds.output_chance_factor", 1, 1000},
    {"thresholds.fleet_context_min_hosts", 2, 1e6, Shape::Whole},
    {"thresholds.fleet_min_hosts", 2, 1e6, Shape::Whole},
    {"thresholds.fleet_min_share", 0.01, 1},
    {"thresholds.cadence_ratio", 1, 100},
    {"thresholds.continuous_min_hours", 0, 1e5},
    {"thresholds.late_start_hours", 0, 1e5},
    {"thresholds.idle_min_share", 0, 0.99},
    {"thresholds.idle_base_share", 0, 1},
    {"thresholds.irregular_band_score", 0, 1},
    {"thresholds.irregular_rita_score", 0, 1},
    {"thresholds.service_parent_share", 0, 1},
    {"thresholds.beacon_min_periodicity", 0, 1},
    {"thresholds.beacon_min_one_way", 0, 1},
    {"thresholds.beacon_min_hours", 0, 1e5},
    {"thresholds.shared_min_users", 1, 1e6, Shape::Whole},
    {"thresholds.shared_min_interactive_users", 1, 1e6, Shape::Whole},
    {"thresholds.shared_min_browsers", 1, 1e6, Shape::Whole},
    {"thresholds.shared_min_host_names", 1, 1e6, Shape::Whole},
    {"severity.*", 1, 100},
    {"hidden_command_line", 0, 0, Shape::Patterns},
    {"browser_user_agents", 0, 0, Shape::Patterns},
    {"browser_families", 0, 0, Shape::Patterns},
    {"not_browser_user_agents", 0, 0, Shape::Patterns},
    {"server_role_patterns", 0, 0, Shape::Patterns},
    {"shared_host_roles", 0, 0, Shape::Patterns},
    {"relay_roles", 0, 0, Shape::Patterns},
    {"service_accounts", 0, 0, Shape::Patterns},
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
    } else if (schema.IsSequence() && schema.size() > 0 && schema[0].IsMap()) {
        // A list of records (launcher_parents): each entry a mapping with the first entry's keys.
        if (!node.IsSequence() || node.size() > 10000) {
            throw std::runtime_error(where + ": not a list of at most 10000 entries");
        }
        for (std::size_t i = 0; i < node.size(); ++i) {
            conform(schema[0], node[i], path + "[" + std::to_string(i + 1) + "]", what);
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

std::map<std::string, double, std::less<>> numbers(const YAML::Node& defaults, const YAML::Node& override,
                                                   const char* key) {
    std::map<std::string, double, std::less<>> out;
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

// Every threshold some part of the engine reads.
constexpr const char* kThresholdKeys[] = {"burst_merge_s",
                                          "min_polls",
                                          "ttl_pacing_band",
                                          "ttl_paced_min_share",
                                          "long_session_share",
                                          "long_session_min_s",
                                          "min_intervals",
                                          "full_confidence_intervals",
                                          "min_interval_s",
                                          "pause_factor",
                                          "band",
                                          "rita_skew_min_iqr",
                                          "pause_max_share",
                                          "histogram_bins",
                                          "histogram_level_share",
                                          "duration_run_bins",
                                          "min_attribution_confidence",
                                          "strong_attribution_confidence",
                                          "naming_window_s",
                                          "naming_lead_s",
                                          "join_window_s",
                                          "poller_min_hours",
                                          "own_channel_min_share",
                                          "response_change",
                                          "response_change_min_bytes",
                                          "changes_min_constancy",
                                          "small_request_bytes",
                                          "sensor_small_upload_bytes",
                                          "sensor_shape_share",
                                          "single_path_max",
                                          "few_paths_max",
                                          "tunnel_share",
                                          "post_heartbeat_share",
                                          "output_endpoint_share",
                                          "payload_endpoint_share",
                                          "output_window_s",
                                          "output_min_reactions",
                                          "output_chance_factor",
                                          "fleet_context_min_hosts",
                                          "fleet_min_hosts",
                                          "fleet_min_share",
                                          "cadence_ratio",
                                          "continuous_min_hours",
                                          "late_start_hours",
                                          "idle_min_share",
                                          "idle_base_share",
                                          "irregular_band_score",
                                          "irregular_rita_score",
                                          "service_parent_share",
                                          "beacon_min_periodicity",
                                          "beacon_min_one_way",
                                          "beacon_min_hours",
                                          "shared_min_users",
                                          "shared_min_interactive_users",
                                          "shared_min_browsers",
                                          "shared_min_host_names"};

} // namespace

double ScoringConfig::weight(std::string_view name) const {
    const auto it = weights.find(name);
    if (it == weights.end()) {
        throw std::runtime_error("scoring config: no weight '" + std::string(name) + "'");
    }
    return it->second;
}

double ScoringConfig::threshold(std::string_view name) const {
    const auto it = thresholds.find(name);
    if (it == thresholds.end()) {
        throw std::runtime_error("scoring config: no threshold '" + std::string(name) + "'");
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

const std::vector<std::string>& ScoringConfig::listKeys() {
    static const std::vector<std::string> kKeys{"scripting_engines",
                                                "lolbins",
                                                "browsers",
                                                "office_parents",
                                                "launcher_parents",
                                                "user_writable_paths",
                                                "user_writable_known",
                                                "hidden_command_line",
                                                "browser_user_agents",
                                                "browser_families",
                                                "not_browser_user_agents",
                                                "server_role_patterns",
                                                "shared_host_roles",
                                                "relay_roles",
                                                "service_accounts"};
    return kKeys;
}

std::vector<std::string> ScoringConfig::uncitedLists(const QByteArray& text) {
    const YAML::Node root = checks::loadOne(text, "scoring config (citations)", kMaxBytes);
    const QStringList lines = QString::fromUtf8(text).split(QLatin1Char('\n'));
    static const QRegularExpression cite(QStringLiteral("^\\s*#.*Source:\\s*https?://\\S+"));
    std::vector<std::string> uncited;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString& line = lines[i];
        if (line.isEmpty() || line.front().isSpace() || line.front() == QLatin1Char('#') ||
            !line.contains(QLatin1Char(':'))) {
            continue;
        }
        const std::string key = line.left(line.indexOf(QLatin1Char(':'))).trimmed().toStdString();
        if (!root.IsMap() || !root[key] || !root[key].IsSequence()) {
            continue;
        }
        bool cited = false;
        for (qsizetype k = i - 1; k >= 0 && lines[k].trimmed().startsWith(QLatin1Char('#')); --k) {
            cited = cited || cite.match(lines[k]).hasMatch();
        }
        // A block list may carry its sources between the key and its entries.
        for (qsizetype k = i + 1; k < lines.size() && lines[k].trimmed().startsWith(QLatin1Char('#')); ++k) {
            cited = cited || cite.match(lines[k]).hasMatch();
        }
        if (!cited) {
            uncited.push_back(key);
        }
    }
    return uncited;
}

namespace {
bool anyMatches(const std::vector<QRegularExpression>& patterns, const QString& role) {
    return !role.isEmpty() && std::any_of(patterns.begin(), patterns.end(),
                                          [&](const QRegularExpression& re) { return re.match(role).hasMatch(); });
}
} // namespace

bool ScoringConfig::isServerRole(const QString& role) const {
    // A NAT gateway or a session host stands for its users, not for a server of the fleet.
    return anyMatches(serverRolePatterns, role) && !anyMatches(sharedHostRoles, role);
}

bool ScoringConfig::isSharedRole(const QString& role) const {
    return anyMatches(sharedHostRoles, role);
}

bool ScoringConfig::isRelayRole(const QString& role) const {
    return anyMatches(relayRoles, role);
}

const LauncherParent* ScoringConfig::launcher(const QString& parentImage, const QString& parentCommandLine) const {
    const qsizetype cut =
        std::max(parentImage.lastIndexOf(QLatin1Char('\\')), parentImage.lastIndexOf(QLatin1Char('/')));
    const std::string name = parentImage.mid(cut + 1).toLower().toStdString();
    for (const LauncherParent& l : launcherParents) {
        if (l.image != name) {
            continue;
        }
        // A pattern needs the parent's command line: without it the image cannot say which
        // service host (or which task) it was.
        if (l.commandLine.pattern().isEmpty() || l.commandLine.match(parentCommandLine).hasMatch()) {
            return &l;
        }
    }
    return nullptr;
}

std::string ScoringConfig::userWritableFolder(const QString& image) const {
    const std::string path = image.toLower().toStdString();
    for (const auto& known : userWritableKnown) {
        if (path.find(known) != std::string::npos) {
            return {};
        }
    }
    for (const auto& folder : userWritablePaths) {
        if (path.find(folder) != std::string::npos) {
            return folder;
        }
    }
    return {};
}

ScoringConfig ScoringConfig::fromYaml(const QByteArray& defaultsText, const QByteArray& overrideText) {
    const YAML::Node d = parse(defaultsText, "defaults");
    const YAML::Node o = overrideText.trimmed().isEmpty() ? YAML::Node() : parse(overrideText, "case override");
    ScoringConfig c;
    c.weights = numbers(d, o, "weights");
    c.thresholds = numbers(d, o, "thresholds");
    c.severity = numbers(d, o, "severity");
    auto list = [&](const char* key) { return strings(pick(d, o, key)); };
    auto patterns = [&](const char* key) { return regexes(list(key), key); };
    try {
        for (const char* key : {"scripting_engines", "lolbins"}) {
            const std::set<std::string> names = lowerSet(list(key));
            c.scriptingProcesses.insert(names.begin(), names.end());
        }
        c.browsers = lowerSet(list("browsers"));
        c.officeParents = lowerSet(list("office_parents"));
        if (const YAML::Node l = pick(d, o, "launcher_parents")) {
            if (!l.IsSequence()) {
                throw std::runtime_error("scoring config: 'launcher_parents' is not a list");
            }
            for (const YAML::Node& e : l) {
                if (!e.IsMap() || !e["image"]) {
                    throw std::runtime_error("scoring config: launcher_parents: an entry without 'image'");
                }
                LauncherParent p;
                p.image = QString::fromStdString(e["image"].as<std::string>()).toLower().toStdString();
                const std::string cl = e["command_line"] ? e["command_line"].as<std::string>() : std::string();
                p.commandLine = regexes({cl}, "launcher_parents").front();
                c.launcherParents.push_back(std::move(p));
            }
        }
        for (const auto& s : list("user_writable_paths")) {
            c.userWritablePaths.push_back(QString::fromStdString(s).toLower().toStdString());
        }
        for (const auto& s : list("user_writable_known")) {
            c.userWritableKnown.push_back(QString::fromStdString(s).toLower().toStdString());
        }
        c.hiddenCommandLine = patterns("hidden_command_line");
        c.browserUserAgents = patterns("browser_user_agents");
        c.browserFamilies = patterns("browser_families");
        c.notBrowserUserAgents = patterns("not_browser_user_agents");
        c.serverRolePatterns = patterns("server_role_patterns");
        c.sharedHostRoles = patterns("shared_host_roles");
        c.relayRoles = patterns("relay_roles");
        c.serviceAccounts = patterns("service_accounts");
    } catch (const YAML::Exception& e) {
        throw std::runtime_error(std::string("scoring config: ") + e.what());
    }
    // Every weight and threshold the engine reads must be there: fail at load, not mid-run.
    for (const char* w : {"periodicity",         "web_service",
                          "command_endpoint",    "one_way",
                          "output_elsewhere",    "scripting_process",
                          "user_writable_image", "hidden_command_line",
                          "suspicious_parent",   "image_unique_to_host",
                          "user_agent_mismatch", "rare_in_fleet",
                          "fleet_wide",          "browser",
                          "post_heartbeat",      "late_start",
                          "server_to_consumer",  "idle_hours",
                          "proxy_bypass",        "generic_beacon"}) {
        c.weight(w);
    }
    for (const char* t : kThresholdKeys) {
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
