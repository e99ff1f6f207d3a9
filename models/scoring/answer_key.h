// The generator's answer key (truth.json's answer_key.items, with each channel's addresses and URLs)
// and the one rule that says which answer-key item a channel of the case is. The evaluation of a
// ranking and the grading of a trainee's verdicts both match through here, so they cannot disagree.
#pragma once

#include <QJsonObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <vector>

namespace socwb::scoring {

struct AnswerKeyItem {
    QString channel;
    bool positive = false; // expected malicious
    int points = 0;
    QSet<QString> hosts; // lower case
    QString domain, process;
    QSet<QString> addresses; // the channel's destination addresses (truth.json destination.ips / addresses)
    QStringList urls;        // its URLs without the scheme, lower case (destination and output)
    QString destinationHost; // the FQDN it talks to (answer_key destination_host), lower case; may be empty
};

// What the case says of one channel (an alert row).
struct ChannelFacts {
    QString host, destination, registered, processName, endpoint;
};

// Throws std::runtime_error when TRUTH is not a socwb truth file.
std::vector<AnswerKeyItem> loadAnswerKey(const QJsonObject& truth);
bool matches(const AnswerKeyItem& item, const ChannelFacts& c);
// The item a channel is (index into ITEMS), or -1. A channel that fits a positive and a look-alike
// (a fleet item on the same host and destination) is the positive's when its evidence names the
// process or the URL; without either it cannot tell them apart, and it is the look-alike's.
int matchItem(const std::vector<AnswerKeyItem>& items, const ChannelFacts& c);

} // namespace socwb::scoring
