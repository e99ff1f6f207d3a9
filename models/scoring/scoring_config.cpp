#include "scoring_config.h"

#include "core/resources.h"
#include "store/statement.h"

#include <QCryptographicHash>

#include <yaml-cpp/yaml.h>

#include <algorithm>
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

// Every threshold some part of the engine reads.
constexpr const char* kThresholdKeys[] = {"burst_merge_s",
                                          "min_polls",
                                          "ttl_pacing_band",
                                          "ttl_paced_min_share",
                                          "long_session_share",
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
                                          "own_channel_min_share",
                                          "response_change",
                                          "response_change_min_bytes",
                                          "changes_min_constancy",
                                          "small_request_bytes",
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
    const YAML::Node root = parse(text, "citations");
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

ScoringConfig ScoringConfig::fromYaml(const QByteArray& defaultsText, const QByteArray& overrideText) {
    const YAML::Node d = parse(defaultsText, "defaults");
    const YAML::Node o = overrideText.trimmed().isEmpty() ? YAML::Node() : parse(overrideText, "case override");
    ScoringConfig c;
    c.weights = numbers(d, o, "weights");
    c.thresholds = numbers(d, o, "thresholds");
    c.severity = numbers(d, o, "severity");
    auto list = [&](const char* key) { return strings(pick(d, o, key), key); };
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
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(defaultsText);
    h.addData(QByteArrayView("\0", 1));
    h.addData(overrideText);
    c.sha256 = h.result().toHex();
    return c;
}

ScoringConfig ScoringConfig::forCase(sqlite3* db) {
    QByteArray override;
    Statement st(db, "SELECT value FROM case_meta WHERE key = ?");
    st.bind(1, kCaseMetaKey);
    if (st.step() && !st.isNull(0)) {
        override = QByteArray::fromStdString(st.text(0));
    }
    return fromYaml(resources::read(QStringLiteral("scoring/scoring.yaml")), override);
}

} // namespace socwb::scoring
