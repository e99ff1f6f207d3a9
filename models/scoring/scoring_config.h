// The scorer's tunables (resources/scoring/scoring.yaml, optionally overridden per case by a YAML
// text stored in case_meta under 'scoring.yaml'): factor weights, thresholds, severity bands and
// the process and path lists the factors use. Data, not code: changing one re-scores, no re-import.
#pragma once

#include <QByteArray>
#include <QRegularExpression>
#include <QString>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace socwb {
class CaseStore;
}

namespace socwb::scoring {

// A launcher of scheduled or event-triggered code: its image file name and, where the evidence
// has the parent's command line, a pattern it must match (invalid: the image alone decides).
struct LauncherParent {
    std::string image; // lower case
    QRegularExpression commandLine;
};

struct ScoringConfig {
    // Looked up by name without building a std::string (std::less<>): the scorer asks for dozens a channel.
    std::map<std::string, double, std::less<>> weights;
    std::map<std::string, double, std::less<>> thresholds;
    std::map<std::string, double, std::less<>> severity; // band name -> lowest score
    // Lower-case file names. scriptingProcesses is scripting_engines and lolbins together.
    std::set<std::string> scriptingProcesses, browsers, officeParents;
    std::vector<LauncherParent> launcherParents;
    std::vector<std::string> userWritablePaths, userWritableKnown; // lower case substrings
    std::vector<QRegularExpression> hiddenCommandLine, browserUserAgents, browserFamilies, notBrowserUserAgents,
        serverRolePatterns, sharedHostRoles, relayRoles, serviceAccounts;
    QByteArray sha256; // of the effective text (defaults + override), hex

    bool isServerRole(const QString& role) const;
    bool isSharedRole(const QString& role) const;
    // A proxy or web gateway: what it looks up and connects to, it does for its clients.
    bool isRelayRole(const QString& role) const;
    // The launcher a parent (image path, command line) is, or nullptr.
    const LauncherParent* launcher(const QString& parentImage, const QString& parentCommandLine) const;
    // The user_writable_paths entry an image path lies under, unless a user_writable_known folder
    // (a vendor's documented per-user install) excepts it; empty when neither applies.
    std::string userWritableFolder(const QString& image) const;

    // Throws std::runtime_error naming a missing or malformed key.
    double weight(std::string_view name) const;
    double threshold(std::string_view name) const;
    QString severityFor(double score) const;

    // The list keys (sequences) a config may hold.
    static const std::vector<std::string>& listKeys();
    // The top-level lists in a scoring YAML text whose comment block (the comment lines right above
    // the key, or between the key and its first entry) names no public source: a line with
    // "Source:" and an http(s) address. The shipped file must give none (tst_channel_model).
    static std::vector<std::string> uncitedLists(const QByteArray& yamlText);
    // Defaults merged with an override text (keys present in the override replace the defaults').
    // Both are checked against the compiled-in scoring.yaml, which is the schema: one document of
    // at most kMaxBytes, known keys only (an unknown key names the nearest known one), no key twice,
    // finite numbers in the ranges of scoring_config.cpp's key table, patterns that compile,
    // severity bands falling from critical to low. Throws std::runtime_error naming the key.
    static ScoringConfig fromYaml(const QByteArray& defaults, const QByteArray& override = {});
    // The shipped defaults (or their file override) merged with the case's stored override.
    static ScoringConfig forCase(sqlite3* db);
    static constexpr const char* kCaseMetaKey = "scoring.yaml";
    // A scoring YAML larger than this is refused (the shipped one is 6 KB).
    static constexpr qsizetype kMaxBytes = 1024 * 1024;
};

// A case can carry its own scoring settings (issue 18: a case from someone else can set weights to
// zero and hide channels). The stored override text (empty: none) and one line that says what it
// changes, "This case overrides the shipped scoring: weights.beacon_regularity = 0, browsers (a list
// of 2)" (empty: no override), for the window's banner and the CLI.
QByteArray caseOverride(sqlite3* db);
QString caseOverrideLine(sqlite3* db);
// Removes the case's override (audited); the next scoring pass uses the shipped settings.
void dropCaseOverride(socwb::CaseStore& store);

} // namespace socwb::scoring
