// Turns measured channels into scores: each factor adds (or takes away) part of its configured
// weight and says why in a sentence; the score is their sum clamped to 0..100. The scorer reads
// the features of every channel of the case at once, because some evidence is about the fleet
// (how many hosts do the same), and it never reads events — so a re-score is quick and exact.
#pragma once

#include "channel_features.h"
#include "scoring_config.h"
#include "suppression_store.h"

#include <QDateTime>
#include <QJsonArray>
#include <QString>

#include <atomic>
#include <vector>

namespace socwb::scoring {

struct Factor {
    QString name;
    double contribution = 0;
    QString detail;
};

struct ScoredChannel {
    double score = 0;
    QString severity;
    std::vector<Factor> factors;    // those that contributed, largest first, then those that did not (0)
    qint64 suppressedBy = 0;        // the first active rule that matches, or 0
    QJsonArray factorsJson() const; // [{name, contribution, detail}] of the contributing factors
    // A 64-bit digest (xxHash's XXH3, libxxhash: stable across builds and versions) of what a pass stores of this
    // result: the score, severity, suppression and the factors factorsJson() holds. Equal results give equal digests in
    // every build; a re-score compares it with the stored one (alert_features.result, schema 13) instead of building
    // every row's factors JSON, and builds the JSON only for the rows it writes.
    uint64_t digest() const;
};

class ChannelScorer {
  public:
    // The rules active at `now` are compiled here, once for the pass.
    ChannelScorer(const ScoringConfig& config, const QVector<SuppressionRule>& rules, QDateTime now);
    std::vector<ScoredChannel> score(const std::vector<ChannelFeatures>& channels) const;
    // What the pass could not do as configured, once each: a stored rule that does not compile, a
    // pattern that hit the regex engine's match limit (its factor then says so on the channel).
    QStringList problems() const;

  private:
    const ScoringConfig& config_;
    std::vector<SuppressionMatcher> rules_;
    QStringList ruleProblems_;
    mutable std::atomic<int> matchLimitHits_ = 0; // the channels are scored on both cores
    QDateTime now_;
};

// "5 min", "2 h", "45 s": an interval as a person says it.
QString humanInterval(double seconds);

} // namespace socwb::scoring
