// What a row must contain for a compiled Sigma rule to match it, found for many rules in one read of
// the row: the runner reads each row's inputs once, looks for every rule's literals in them at once
// (Aho-Corasick over the ASCII-lowered text) and evaluates a rule's SQL only on the rows that hold
// one of its literals. The literals are necessary, never sufficient: the rule's own SQL decides, so
// the hits are exactly those of evaluating every rule on every row.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace socwb::sigma {

// One literal a matching row holds in an input (the input's alias, the literal ASCII-lowered).
struct Need {
    QString alias;
    QByteArray literal;
    bool operator==(const Need&) const = default;
};

// A row meets a clause when it holds one of its needs (an empty clause: never).
using Clause = QList<Need>;
// A rule's requirement: the row meets every clause (at most 64); nullopt when nothing is known (a
// negation, a regular expression, a comparison): the rule is evaluated on every row.
using Requirement = std::optional<QList<Clause>>;

Requirement anyOf(const QList<Requirement>& parts);
Requirement allOf(const QList<Requirement>& parts);
// The longest run of literal characters of a LIKE pattern (ESCAPE '\'; % and _ are wildcards) or a
// GLOB pattern ([c] is the literal c; * and ? are wildcards), as a need of `alias`; nullopt when the
// run is shorter than minLength.
Requirement likeNeed(const QString& alias, const QString& pattern, bool glob, int minLength = 1);
// ASCII lower case, as SQLite's LIKE compares.
QByteArray asciiLower(QByteArray s);

// Aho-Corasick over bytes: add literals with a value each, build(), then find every value whose
// literal occurs in a text.
class LiteralSet {
  public:
    void add(const QByteArray& literal, int value);
    void build();
    bool empty() const { return nodes_.size() <= 1; }
    // Calls found(value) for each literal occurring in text (ASCII case ignored) (a value may come more than once).
    template <typename F> void find(std::string_view text, F&& found) const {
        int s = 0;
        for (const char ch : text) {
            auto c = static_cast<unsigned char>(ch);
            c = c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + ('a' - 'A')) : c;
            s = step(s, c);
            for (int o = nodes_[s].out; o >= 0; o = nodes_[o].dictLink) {
                for (int v : nodes_[o].values) {
                    found(v);
                }
            }
        }
    }

  private:
    struct Node {
        std::vector<std::pair<unsigned char, int>> next; // sorted by byte
        int fail = 0;
        int out = -1;      // this node when it ends literals, else its nearest suffix that does
        int dictLink = -1; // the next shorter suffix node that ends literals
        std::vector<int> values;
    };
    int child(int s, unsigned char c) const;
    int step(int s, unsigned char c) const;
    std::vector<Node> nodes_{Node{}};
    int rootNext_[256] = {};
};

} // namespace socwb::sigma
