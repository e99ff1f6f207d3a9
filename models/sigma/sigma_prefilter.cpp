#include "sigma_prefilter.h"

#include <algorithm>
#include <deque>

namespace socwb::sigma {

namespace {

int minLength(const Clause& c) {
    int m = INT32_MAX;
    for (const Need& n : c) {
        m = std::min(m, static_cast<int>(n.literal.size()));
    }
    return m;
}

// The clause least likely to be met by chance: its shortest literal longest, then the fewest needs.
bool better(const Clause& a, const Clause& b) {
    return minLength(a) > minLength(b) || (minLength(a) == minLength(b) && a.size() < b.size());
}

} // namespace

QByteArray asciiLower(QByteArray s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c + ('a' - 'A'));
        }
    }
    return s;
}

Requirement anyOf(const QList<Requirement>& parts) {
    // Each part implies each of its clauses, so the or of the parts implies the or of one clause of
    // each: the best one.
    Clause all;
    for (const Requirement& r : parts) {
        if (!r || r->isEmpty()) {
            return std::nullopt;
        }
        const Clause best = *std::min_element(r->begin(), r->end(), better);
        for (const Need& n : best) {
            if (!all.contains(n)) {
                all << n;
            }
        }
    }
    return QList<Clause>{all};
}

Requirement allOf(const QList<Requirement>& parts) {
    Requirement out;
    for (const Requirement& r : parts) {
        if (r) {
            out = out ? *out + *r : *r;
        }
    }
    if (out && out->size() > 64) {
        std::sort(out->begin(), out->end(), better);
        out->resize(64);
    }
    return out;
}

Requirement likeNeed(const QString& alias, const QString& pattern, bool glob, int minLen) {
    QString best, run;
    auto flush = [&] {
        if (run.size() > best.size()) {
            best = run;
        }
        run.clear();
    };
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QChar c = pattern.at(i);
        if (glob) {
            if (c == QLatin1Char('*') || c == QLatin1Char('?')) {
                flush();
            } else if (c == QLatin1Char('[')) {
                // The compiler writes only [c] for a literal c.
                const qsizetype close = pattern.indexOf(QLatin1Char(']'), i + 2);
                if (close != i + 2) {
                    return std::nullopt;
                }
                run += pattern.at(i + 1);
                i = close;
            } else {
                run += c;
            }
        } else if (c == QLatin1Char('\\') && i + 1 < pattern.size()) {
            run += pattern.at(++i);
        } else if (c == QLatin1Char('%') || c == QLatin1Char('_')) {
            flush();
        } else {
            run += c;
        }
    }
    flush();
    const QByteArray literal = asciiLower(best.toUtf8());
    if (literal.size() < minLen) {
        return std::nullopt;
    }
    return QList<Clause>{Clause{Need{alias, literal}}};
}

void LiteralSet::add(const QByteArray& literal, int value) {
    int s = 0;
    for (const char ch : asciiLower(literal)) {
        const auto c = static_cast<unsigned char>(ch);
        int n = child(s, c);
        if (n < 0) {
            n = static_cast<int>(nodes_.size());
            auto& next = nodes_[s].next;
            next.insert(std::lower_bound(next.begin(), next.end(), std::make_pair(c, 0)), {c, n});
            nodes_.push_back(Node{});
        }
        s = n;
    }
    nodes_[s].values.push_back(value);
}

void LiteralSet::build() {
    for (int c = 0; c < 256; ++c) {
        const int n = child(0, static_cast<unsigned char>(c));
        rootNext_[c] = n < 0 ? 0 : n;
    }
    std::deque<int> queue;
    for (const auto& [c, n] : nodes_[0].next) {
        nodes_[n].fail = 0;
        queue.push_back(n);
    }
    while (!queue.empty()) {
        const int s = queue.front();
        queue.pop_front();
        Node& node = nodes_[s];
        node.dictLink = nodes_[node.fail].out;
        node.out = node.values.empty() ? node.dictLink : s;
        for (const auto& [c, n] : nodes_[s].next) {
            nodes_[n].fail = step(nodes_[s].fail, c);
            queue.push_back(n);
        }
    }
}

int LiteralSet::child(int s, unsigned char c) const {
    const auto& next = nodes_[s].next;
    const auto it = std::lower_bound(next.begin(), next.end(), std::make_pair(c, 0));
    return it != next.end() && it->first == c ? it->second : -1;
}

int LiteralSet::step(int s, unsigned char c) const {
    while (s != 0) {
        const int n = child(s, c);
        if (n >= 0) {
            return n;
        }
        s = nodes_[s].fail;
    }
    return rootNext_[c];
}

} // namespace socwb::sigma
