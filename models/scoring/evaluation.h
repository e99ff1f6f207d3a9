// How well a scored case ranks what the scenario generator planted (truth.json's answer key),
// side by side with the published rule's baseline (resources/scoring/baseline-rule.yaml: a
// scripting/LOLBin process talking to a listed web service) applied to the same channels.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QVector>

#include <sqlite3.h>

namespace socwb::scoring {

struct RankedItem {
    QString channel; // the answer key's channel id
    int rank = 0;    // 1-based rank of its best alert; 0: not found (or not flagged by the baseline)
    int rows = 0;    // alerts in the ranking that are this planted channel (one is the goal)
    double score = 0;
    QString host, destination, process;
};

struct RankingQuality {
    int positives = 0;
    int found = 0;               // planted channels with an alert anywhere in the ranking
    int flagged = 0;             // ... at or above the flag score (socwb: severity medium; baseline: flagged)
    double recall = 0;           // flagged / positives
    double precisionAtK = 0;     // k = positives: share of the top k that are planted channels
    double averagePrecision = 0; // every row beyond a planted channel's first counts as a false positive
    int worstRank = 0;           // rank of the worst-placed planted channel (0 when one is missing)
    int lookalikesAbove = 0;     // look-alike alerts ranked above it
    int othersAbove = 0;         // alerts matching no answer-key item ranked above it
    int extraRowsAbove = 0;      // second and later rows of planted channels ranked above it
    int extraRows = 0;           // rows of planted channels beyond one each, anywhere in the ranking
    int maxRows = 0;             // the most rows one planted channel has
    int bestLookalikeRank = 0;
    bool allAboveLookalikes = false;
    int ranked = 0;    // alerts in the ranking
    double margin = 0; // lowest planted score - highest score of anything else (when all were found)
    QVector<RankedItem> items;
    QJsonObject toJson() const;
};

struct Evaluation {
    RankingQuality socwb;
    RankingQuality baseline;
    int lookalikeItems = 0;
    QJsonObject toJson() const;
};

// Throws std::runtime_error when the truth file is not a socwb truth file.
Evaluation evaluate(sqlite3* db, const QByteArray& truthJson, double flagScore = 40);

} // namespace socwb::scoring
