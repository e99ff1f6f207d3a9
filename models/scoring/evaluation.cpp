#include "evaluation.h"

#include "answer_key.h"

#include "core/resources.h"
#include "store/statement.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace socwb::scoring {

namespace {

using Item = AnswerKeyItem;

struct AlertRow {
    int64_t id = 0;
    double score = 0;
    bool suppressed = false;
    ChannelFacts facts;
    QString commandLine, parentImage;
    int match = -1; // index into items
};

RankingQuality rank(const std::vector<const AlertRow*>& order, const std::vector<Item>& items, double flagCut,
                    const std::vector<double>& rankScore) {
    RankingQuality q;
    q.ranked = static_cast<int>(order.size());
    std::vector<int> itemRank(items.size(), 0);
    std::vector<const AlertRow*> itemAlert(items.size(), nullptr);
    for (size_t r = 0; r < order.size(); ++r) {
        const int m = order[r]->match;
        if (m >= 0 && itemRank[size_t(m)] == 0) {
            itemRank[size_t(m)] = static_cast<int>(r + 1);
            itemAlert[size_t(m)] = order[r];
        }
    }
    int hits = 0;
    double apSum = 0;
    int seen = 0;
    std::set<int> counted;
    std::vector<int> rows(items.size(), 0);
    for (size_t r = 0; r < order.size(); ++r) {
        const int m = order[r]->match;
        const bool positive = m >= 0 && items[size_t(m)].positive;
        ++seen;
        if (m >= 0) {
            ++rows[size_t(m)];
        }
        // A second row of a planted channel is one more row an analyst triages: a false positive.
        if (positive && counted.insert(m).second) {
            ++hits;
            apSum += static_cast<double>(hits) / seen;
        } else if (positive) {
            ++q.extraRows;
        }
        if (m >= 0 && !items[size_t(m)].positive && q.bestLookalikeRank == 0) {
            q.bestLookalikeRank = static_cast<int>(r + 1);
        }
    }
    int worst = 0;
    bool missing = false;
    for (size_t i = 0; i < items.size(); ++i) {
        if (!items[i].positive) {
            continue;
        }
        ++q.positives;
        RankedItem ri;
        ri.channel = items[i].channel;
        ri.rank = itemRank[i];
        ri.rows = rows[i];
        q.maxRows = std::max(q.maxRows, rows[i]);
        if (const AlertRow* a = itemAlert[i]) {
            ri.score = rankScore[size_t(ri.rank - 1)];
            ri.host = a->facts.host;
            ri.destination = a->facts.destination;
            ri.process = a->facts.processName;
            ++q.found;
            q.flagged += ri.score >= flagCut ? 1 : 0;
            worst = std::max(worst, ri.rank);
        } else {
            missing = true;
        }
        q.items.push_back(ri);
    }
    q.recall = q.positives ? static_cast<double>(q.flagged) / q.positives : 0;
    q.averagePrecision = q.positives ? apSum / q.positives : 0;
    int topHits = 0;
    std::set<int> topItems; // a planted channel's second row in the top k is not a hit
    for (size_t r = 0; r < order.size() && r < size_t(q.positives); ++r) {
        const int m = order[r]->match;
        if (m >= 0 && items[size_t(m)].positive && topItems.insert(m).second) {
            ++topHits;
        }
    }
    q.precisionAtK = q.positives ? static_cast<double>(topHits) / q.positives : 0;
    q.worstRank = missing ? 0 : worst;
    if (!missing) {
        std::set<int> firstSeen;
        for (int r = 0; r < worst - 1; ++r) {
            const int m = order[size_t(r)]->match;
            if (m < 0) {
                ++q.othersAbove;
            } else if (!items[size_t(m)].positive) {
                ++q.lookalikesAbove;
            } else if (!firstSeen.insert(m).second) {
                ++q.extraRowsAbove;
            }
        }
    }
    q.allAboveLookalikes = !missing && (q.bestLookalikeRank == 0 || worst < q.bestLookalikeRank);
    if (!missing) {
        double lowest = 1e300, highestOther = -1e300;
        for (size_t r = 0; r < order.size(); ++r) {
            const int m = order[r]->match;
            if (m >= 0 && items[size_t(m)].positive && itemRank[size_t(m)] == static_cast<int>(r + 1)) {
                lowest = std::min(lowest, rankScore[r]);
            } else {
                highestOther = std::max(highestOther, rankScore[r]); // extra rows of planted channels included
            }
        }
        q.margin = highestOther > -1e300 ? lowest - highestOther : lowest;
    }
    return q;
}

} // namespace

QJsonObject RankingQuality::toJson() const {
    QJsonArray list;
    for (const RankedItem& i : items) {
        list.append(QJsonObject{{"channel", i.channel},
                                {"rank", i.rank == 0 ? QJsonValue() : QJsonValue(i.rank)},
                                {"rows", i.rows},
                                {"score", i.score},
                                {"host", i.host},
                                {"destination", i.destination},
                                {"process", i.process.isEmpty() ? QJsonValue() : QJsonValue(i.process)}});
    }
    return QJsonObject{{"positives", positives},
                       {"found", found},
                       {"flagged", flagged},
                       {"recall", recall},
                       {"precision_at_k", precisionAtK},
                       {"average_precision", averagePrecision},
                       {"worst_positive_rank", worstRank == 0 ? QJsonValue() : QJsonValue(worstRank)},
                       {"lookalikes_above_worst", lookalikesAbove},
                       {"others_above_worst", othersAbove},
                       {"extra_rows_above_worst", extraRowsAbove},
                       {"extra_rows", extraRows},
                       {"max_rows_per_planted", maxRows},
                       {"best_lookalike_rank", bestLookalikeRank == 0 ? QJsonValue() : QJsonValue(bestLookalikeRank)},
                       {"all_positives_above_lookalikes", allAboveLookalikes},
                       {"ranked", ranked},
                       {"margin", margin},
                       {"planted", list}};
}

QJsonObject Evaluation::toJson() const {
    return QJsonObject{{"socwb", socwb.toJson()}, {"baseline", baseline.toJson()}, {"lookalike_items", lookalikeItems}};
}

Evaluation evaluate(sqlite3* db, const QByteArray& truthJson, double flagScore) {
    const std::vector<Item> items = loadAnswerKey(QJsonDocument::fromJson(truthJson).object());
    std::vector<AlertRow> alerts;
    Statement st(db, "SELECT a.id, a.score, a.suppressed_by IS NOT NULL, a.host, a.destination, "
                     "coalesce(a.registered_domain, ''), coalesce(a.process_name, ''), "
                     "coalesce(p.command_line, ''), coalesce(p.parent_image, ''), coalesce(a.endpoint, '') "
                     "FROM alerts a LEFT JOIN processes p ON p.id = a.process_id ORDER BY a.score DESC, a.id");
    while (st.step()) {
        AlertRow a;
        a.id = st.int64(0);
        a.score = st.real(1);
        a.suppressed = st.int64(2) != 0;
        a.facts = ChannelFacts{QString::fromStdString(st.text(3)), QString::fromStdString(st.text(4)),
                               QString::fromStdString(st.text(5)), QString::fromStdString(st.text(6)),
                               QString::fromStdString(st.text(9))};
        a.commandLine = QString::fromStdString(st.text(7));
        a.parentImage = QString::fromStdString(st.text(8));
        a.match = matchItem(items, a.facts);
        alerts.push_back(a);
    }
    Evaluation e;
    for (const Item& i : items) {
        e.lookalikeItems += i.positive ? 0 : 1;
    }
    // socwb: its queue as an analyst sees it — suppressed channels left out, highest score first.
    std::vector<const AlertRow*> order;
    std::vector<double> scores;
    for (const AlertRow& a : alerts) {
        if (!a.suppressed) {
            order.push_back(&a);
            scores.push_back(a.score);
        }
    }
    e.socwb = rank(order, items, flagScore, scores);

    // The baseline: flagged channels only, ranked by the rule's own suspicion score.
    const YAML::Node rule = YAML::Load(resources::read(QStringLiteral("scoring/baseline-rule.yaml")).toStdString());
    std::set<QString> names;
    for (const YAML::Node& n : rule["process_names"]) {
        names.insert(QString::fromStdString(n.as<std::string>()).toLower());
    }
    std::vector<QRegularExpression> dests;
    for (const YAML::Node& n : rule["destinations"]) {
        dests.emplace_back(QString::fromStdString(n.as<std::string>()), QRegularExpression::CaseInsensitiveOption);
    }
    auto re = [&rule](const char* k) {
        return QRegularExpression(QString::fromStdString(rule[k].as<std::string>()),
                                  QRegularExpression::CaseInsensitiveOption);
    };
    const QRegularExpression encoded = re("encoded_command_line"), office = re("office_parents"),
                             service = re("service_parents");
    std::vector<std::pair<double, const AlertRow*>> flagged;
    for (const AlertRow& a : alerts) {
        if (!names.count(a.facts.processName.toLower())) {
            continue;
        }
        const bool listed = std::any_of(dests.begin(), dests.end(), [&](const QRegularExpression& d) {
            return d.match(a.facts.destination).hasMatch();
        });
        if (!listed) {
            continue;
        }
        const double s = 1 + (encoded.match(a.commandLine).hasMatch() ? 1 : 0) +
                         (office.match(a.parentImage).hasMatch() ? 1 : 0) +
                         (service.match(a.parentImage).hasMatch() ? 1 : 0);
        flagged.push_back({s, &a});
    }
    // Ties in the rule's score go by the order channels were written (alert id), never by socwb's
    // score: the rule has nothing else to rank by.
    std::sort(flagged.begin(), flagged.end(), [](const auto& x, const auto& y) {
        return x.first != y.first ? x.first > y.first : x.second->id < y.second->id;
    });
    std::vector<const AlertRow*> baseOrder;
    std::vector<double> baseScores;
    for (const auto& [s, a] : flagged) {
        baseOrder.push_back(a);
        baseScores.push_back(s);
    }
    e.baseline = rank(baseOrder, items, 1, baseScores);
    return e;
}

} // namespace socwb::scoring
