// Grades a trainee's case against the exercise's answer key, read from the exercise's folder at
// submission (never from the case). Points per answer-key item (a verdict on the channel as the key
// expects it) and per question, less the hints taken and a penalty per false accusation; the
// feedback names, for every item, the alert that decides it and that alert's factor sentences.
//
// Rules (README "Training mode"):
// - An answer-key item's verdict is the trainee's verdicts on the case's channels that match it
//   (scoring/answer_key.h): malicious when any is malicious or escalated, else benign when any is
//   benign. As expected: the item's points. A planted channel not called malicious is missed; a
//   look-alike called malicious is a false accusation; a look-alike with no verdict is not reviewed.
// - A malicious (or escalated) verdict on a channel that matches no item is a false accusation too.
// - Each false accusation costs kFalseAccusationPenalty points; each hint its cost. The total is
//   never below 0.
#pragma once

#include "exercise_questions.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <sqlite3.h>

namespace socwb {
class CaseStore;
}

namespace socwb::training {

constexpr int kFalseAccusationPenalty = 2;

struct ItemGrade {
    QString channel; // the answer key's channel id
    bool positive = false;
    int points = 0, earned = 0;
    QString verdict; // malicious, benign, or empty: none given
    QString outcome; // correct, missed, false-accusation, not-reviewed
    // The alert that decides it: the one given a verdict, else the best-scored one that matches.
    qint64 alertId = 0;
    QString host, destination, process;
    QStringList evidence; // that alert's factor sentences, highest contribution first
};

struct QuestionGrade {
    ExerciseQuestion question;
    QString answer, expected;
    bool correct = false;
    int earned = 0;
    bool hintUsed = false;
};

// A malicious verdict on a channel the answer key does not list.
struct StrayAccusation {
    qint64 alertId = 0;
    QString host, destination, process;
    QStringList evidence;
};

struct GradeInput {
    QString exercise, trainee, startedAt, submittedAt; // ISO-8601 UTC
    QHash<QString, QString> answers;                   // question id -> answer
    QHash<QString, int> hints;                         // question id -> cost
};

struct GradeResult {
    QString exercise, trainee, startedAt, submittedAt;
    qint64 seconds = 0;            // time taken
    bool answerKeyChanged = false; // truth.json is not the one the case was made from
    int itemPoints = 0, itemTotal = 0, questionPoints = 0, questionTotal = 0;
    int hintsUsed = 0, hintPoints = 0;
    int falseAccusations = 0, missed = 0, penalty = 0;
    int total = 0, maximum = 0;
    QVector<ItemGrade> items;
    QVector<QuestionGrade> questions;
    QVector<StrayAccusation> strays;

    QJsonObject toJson() const;
    // A self-contained page for an instructor; everything from the case or the answers is escaped.
    QString toHtml() const;
    QString summaryLine() const;
    // Channel ids of the missed items and of the look-alikes falsely accused.
    QStringList missedChannels() const;
    QStringList falselyAccusedChannels() const;
};

// Throws std::runtime_error when TRUTH is not a socwb truth file; SqlError when the case cannot be read.
GradeResult grade(sqlite3* db, const QJsonObject& truth, const GradeInput& input);

// Grades the exercise STORE came from: its verdicts, its answers (EXTRA's replace them, question by
// question) and its hints, with the answer key read from the exercise's folder. SUBMITTEDAT: the
// case's submission time when empty (now when it was not submitted). Throws std::runtime_error when
// the case is not a trainee's case or the answer key cannot be read.
GradeResult gradeCase(CaseStore& store, const QHash<QString, QString>& extra = {}, const QString& submittedAt = {});

// Writes RESULT as JSON and HTML under DIR/<trainee>/ (<exercise>-<yyyyMMddTHHmmss>.json/.html) and
// returns the JSON file's path; throws std::runtime_error when it cannot be written.
QString saveResult(const GradeResult& result, const QString& dir);
// QStandardPaths::AppDataLocation/training: where results are kept per trainee.
QString resultsDir();

} // namespace socwb::training
