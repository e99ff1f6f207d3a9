// What analysts hand in besides evidence — a scoring YAML, a web-service catalog, a suppression
// file — is checked before it is stored or used: one YAML document, a size limit, known keys (an
// unknown one is an error naming the nearest known key), duplicate keys refused, finite numbers in
// range, text of bounded length, patterns that compile. The loaders (scoring_config.cpp,
// web_service_catalog.cpp, suppression_store.cpp) describe their files with these helpers.
#pragma once

#include <QByteArray>
#include <QRegularExpression>
#include <QString>

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace socwb::scoring::checks {

// A configuration file is one YAML document (kMaxYamlDocuments); a second one is refused.
inline constexpr size_t kMaxYamlDocuments = 1;
// Parses TEXT, which must hold exactly one YAML document of at most maxBytes. Errors are
// std::runtime_error "WHAT: …" (a nesting bomb, a second document, a syntax error with its line,
// input on which the YAML parser stops advancing).
YAML::Node loadOne(const QByteArray& text, const std::string& what, qsizetype maxBytes);

// The known key closest to KEY by edit distance, or "" when none is close.
std::string nearest(const std::string& key, const std::vector<std::string>& known);
// NODE must be a mapping whose keys are all in KNOWN and none twice; WHERE names it in errors
// ("weights", "suppression 3"). An unknown key's message suggests the nearest known one, or else the
// nearest of DEEPER (dotted paths one level down: "weights.periodicity").
void requireKeys(const YAML::Node& node, const std::vector<std::string>& known, const std::string& where,
                 const std::vector<std::string>& deeper = {});
// The keys of a mapping in document order.
std::vector<std::string> keysOf(const YAML::Node& map);

// A scalar that is a finite number in [min, max] (and whole, when asked). YAML's .nan and .inf
// parse as numbers; they are refused here by name.
double number(const YAML::Node& node, const std::string& where, double min, double max, bool whole = false);
// A scalar of at most maxChars characters.
QString text(const YAML::Node& node, const std::string& where, int maxChars = 1024);
bool boolean(const YAML::Node& node, const std::string& where);
// A sequence of scalars, at most maxItems of them, each text(…, maxChars).
std::vector<QString> textList(const YAML::Node& node, const std::string& where, int maxItems = 10000,
                              int maxChars = 1024);
// A regular expression that compiles, at most 1,000 characters, optimized once here.
QRegularExpression pattern(const QString& source, const std::string& where,
                           QRegularExpression::PatternOptions options = QRegularExpression::NoPatternOption);

// Whether a match attempt ended because the regex engine hit its match or stack limit (PCRE2
// reports that as an error; QRegularExpression as an invalid match of a valid pattern): "no match"
// would then be a guess, so callers say so.
inline bool hitMatchLimit(const QRegularExpression& re, const QRegularExpressionMatch& m) {
    return re.isValid() && !m.isValid();
}

} // namespace socwb::scoring::checks
