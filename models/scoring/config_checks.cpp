#include "config_checks.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <stdexcept>

namespace socwb::scoring::checks {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw std::runtime_error(where + ": " + what);
}

std::string at(const YAML::Node& n) {
    const YAML::Mark m = n.Mark();
    return m.is_null() ? std::string() : " (line " + std::to_string(m.line + 1) + ")";
}

// Edits (insert, delete, replace, swap two neighbours) from A to B: "periodicty" is one from
// "periodicity", "domian" two from "domains".
size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

// Records where each document starts and builds nothing.
class DocumentStarts final : public YAML::EventHandler {
  public:
    std::vector<YAML::Mark> marks;
    void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

} // namespace

YAML::Node loadOne(const QByteArray& text, const std::string& what, qsizetype maxBytes) {
    if (text.size() > maxBytes) {
        fail(what, "larger than " + std::to_string(maxBytes / 1024) + " KiB, more than such a file holds");
    }
    const std::string source = text.toStdString();
    try {
        // Where the documents start, read with yaml-cpp's event parser and at most kMaxYamlDocuments + 1
        // of them: YAML::LoadAll of yaml-cpp 0.7 never returns on some malformed input (a ',' before
        // anything else: tests/fixtures/configs/endless-documents.yaml, found by fuzz_suppressions) —
        // it yields an empty document at the same place again and again, a list that grows until
        // memory runs out.
        std::istringstream in(source);
        YAML::Parser parser(in);
        DocumentStarts starts;
        while (starts.marks.size() <= kMaxYamlDocuments && parser.HandleNextDocument(starts)) {
            const size_t n = starts.marks.size();
            if (n >= 2 && starts.marks[n - 1].pos <= starts.marks[n - 2].pos) {
                const YAML::Mark& m = starts.marks[n - 1];
                fail(what, "is not YAML that can be read: the parser stops advancing at line " +
                               std::to_string(m.line + 1) + ", column " + std::to_string(m.column + 1) +
                               " (a ',' or bracket outside a list?)");
            }
        }
        if (starts.marks.size() > kMaxYamlDocuments) {
            fail(what, "holds " + std::to_string(starts.marks.size()) +
                           " YAML documents or more (the second starts at line " +
                           std::to_string(starts.marks[1].line + 1) +
                           ", after ---); one is read, so the others would be ignored");
        }
        return YAML::Load(source);
    } catch (const YAML::DeepRecursion& e) {
        fail(what, "nested deeper than " + std::to_string(e.depth()) + " levels (line " +
                       std::to_string(e.mark.line + 1) + "): not a file of this kind");
    } catch (const YAML::Exception& e) {
        fail(what, e.what());
    }
}

std::string nearest(const std::string& key, const std::vector<std::string>& known) {
    std::string best;
    if (key.size() > 64) {
        return best; // no key is that long; and the distance costs key length x known length
    }
    size_t bestDistance = std::max<size_t>(2, key.size() / 3) + 1;
    for (const std::string& k : known) {
        const size_t d = editDistance(key, k);
        if (d < bestDistance) {
            best = k;
            bestDistance = d;
        }
    }
    return best;
}

std::vector<std::string> keysOf(const YAML::Node& map) {
    std::vector<std::string> keys;
    for (const auto& kv : map) {
        keys.push_back(kv.first.IsScalar() ? kv.first.Scalar() : std::string());
    }
    return keys;
}

void requireKeys(const YAML::Node& node, const std::vector<std::string>& known, const std::string& where,
                 const std::vector<std::string>& deeper) {
    if (!node.IsMap()) {
        fail(where, "is not a mapping of keys to values" + at(node));
    }
    std::set<std::string> seen;
    for (const auto& kv : node) {
        if (!kv.first.IsScalar()) {
            fail(where, "has a key that is not a name" + at(kv.first));
        }
        const std::string& key = kv.first.Scalar();
        if (!seen.insert(key).second) {
            fail(where, "sets '" + key + "' twice" + at(kv.first) + "; only one value can apply");
        }
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            std::string near = nearest(key, known);
            for (size_t i = 0; near.empty() && i < deeper.size(); ++i) {
                const std::string leaf = deeper[i].substr(deeper[i].rfind('.') + 1);
                if (!nearest(key, {leaf}).empty()) {
                    near = deeper[i]; // "periodicty" at the top: did you mean weights.periodicity?
                }
            }
            std::string all;
            for (const auto& k : known) {
                all += (all.empty() ? "" : ", ") + k;
            }
            fail(where, "unknown key '" + key + "'" + at(kv.first) +
                            (near.empty() ? "; known: " + all : "; did you mean '" + near + "'?"));
        }
    }
}

double number(const YAML::Node& node, const std::string& where, double min, double max, bool whole) {
    if (!node.IsScalar()) {
        fail(where, "is not a number" + at(node));
    }
    double v = 0;
    try {
        v = node.as<double>();
    } catch (const YAML::Exception&) {
        fail(where, "'" + node.Scalar() + "' is not a number" + at(node));
    }
    if (!std::isfinite(v)) {
        fail(where, "'" + node.Scalar() + "' is not a finite number" + at(node));
    }
    if (v < min || v > max || (whole && v != std::floor(v))) {
        auto show = [](double x) {
            std::string s = std::to_string(x);
            s.erase(s.find_last_not_of('0') + 1);
            if (!s.empty() && s.back() == '.') {
                s.pop_back();
            }
            return s;
        };
        fail(where, node.Scalar() + (whole ? " is not a whole number from " : " is not a number from ") + show(min) +
                        " to " + show(max) + at(node));
    }
    return v;
}

QString text(const YAML::Node& node, const std::string& where, int maxChars) {
    if (!node.IsScalar()) {
        fail(where, "is not text" + at(node));
    }
    const QString s = QString::fromStdString(node.Scalar());
    if (s.size() > maxChars) {
        fail(where, "is longer than " + std::to_string(maxChars) + " characters" + at(node));
    }
    return s;
}

bool boolean(const YAML::Node& node, const std::string& where) {
    try {
        if (node.IsScalar()) {
            return node.as<bool>();
        }
    } catch (const YAML::Exception&) {
    }
    fail(where, "is not true or false" + at(node));
}

std::vector<QString> textList(const YAML::Node& node, const std::string& where, int maxItems, int maxChars) {
    if (!node.IsSequence()) {
        fail(where, "is not a list" + at(node));
    }
    if (node.size() > static_cast<size_t>(maxItems)) {
        fail(where, "holds more than " + std::to_string(maxItems) + " entries");
    }
    std::vector<QString> out;
    int i = 0;
    for (const YAML::Node& item : node) {
        out.push_back(text(item, where + " entry " + std::to_string(++i), maxChars));
    }
    return out;
}

QRegularExpression pattern(const QString& source, const std::string& where,
                           QRegularExpression::PatternOptions options) {
    if (source.size() > 1000) {
        fail(where, "a pattern longer than 1000 characters");
    }
    QRegularExpression re(source, options);
    if (!re.isValid()) {
        fail(where, "bad pattern '" + source.toStdString() + "': " + re.errorString().toStdString() + " at offset " +
                        std::to_string(re.patternErrorOffset()));
    }
    re.optimize();
    return re;
}

} // namespace socwb::scoring::checks
