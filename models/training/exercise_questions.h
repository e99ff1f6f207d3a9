// The questions of an exercise, made from its ground truth: for every planted channel, which host
// and which process, the parent that started it, the polling interval (within a tolerance), when it
// began, which service and endpoint, and whether the host has Sysmon. A question carries its text,
// a hint (which costs points) and its points; what the right answer is comes from expectedAnswer(),
// which only the grader calls, with the truth read at grading time.
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QVector>

namespace socwb::training {

struct ExerciseQuestion {
    QString id;      // "c1.host": channel number and kind
    int channel = 1; // 1-based, among the planted channels
    int channels = 1;
    QString kind; // host, process, parent, interval, began, endpoint, sysmon
    QString text;
    QString hint;
    int points = 0;
    int hintCost = 1;
};

struct ExpectedAnswer {
    QString display; // what the feedback shows as the right answer
    bool correct = false;
};

// Throws std::runtime_error when TRUTH is not a socwb truth file.
QVector<ExerciseQuestion> questionsFromTruth(const QJsonObject& truth);
QJsonArray questionsToJson(const QVector<ExerciseQuestion>& questions);

// Whether ANSWER answers question KIND about the planted channel CHANNEL (truth.json's object) of
// an organisation whose hosts are HOSTS (truth.json organisation.hosts).
ExpectedAnswer checkAnswer(const QString& kind, const QJsonObject& channel, const QJsonArray& hosts,
                           const QString& answer);

// The planted channels (kind positive) in the truth's order.
QVector<QJsonObject> plantedChannels(const QJsonObject& truth);

// "90", "90 s", "1.5 min", "2m", "00:01:30" -> seconds; negative when not a duration.
double parseSeconds(const QString& text);

} // namespace socwb::training
