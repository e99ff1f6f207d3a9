// The trainee's side of an exercise, kept in the trainee's case (schema 8): which exercise the case
// came from, the answers typed so far and the hints taken. Never the answer key: the grader reads
// truth.json from the exercise's folder at submission.
#pragma once

#include <QHash>
#include <QString>

#include <optional>

namespace socwb {
class CaseStore;
}

namespace socwb::training {

struct ExerciseInfo;

struct ExerciseOrigin {
    QString name, dir, truthSha256, trainee, startedAt, submittedAt;
};

class ExerciseSession {
  public:
    explicit ExerciseSession(CaseStore& store) : store_(store) {}

    // Records that this case is a fresh attempt at EXERCISE by TRAINEE (audited). Throws
    // std::runtime_error when the case already belongs to an exercise or truth.json cannot be read.
    void start(const ExerciseInfo& exercise, const QString& trainee);
    std::optional<ExerciseOrigin> origin() const;
    // Empty answers are removed. Throws std::invalid_argument for an over-long answer (4 KiB).
    void setAnswer(const QString& questionId, const QString& answer);
    QHash<QString, QString> answers() const;
    // Records a hint taken (once per question; audited); returns false when it was taken before.
    bool useHint(const QString& questionId, int cost);
    QHash<QString, int> hints() const; // question id -> cost
    void markSubmitted(const QString& atIso);

  private:
    CaseStore& store_;
};

// Where a fresh case for TRAINEE's attempt at EXERCISE goes: DIR/<trainee>/cases/<name>-<time>.socwb
// (DIR: resultsDir() by default; the folders are created). Every attempt is a new file: a retry
// starts from a clean case and the bundled files are never written.
QString newAttemptPath(const QString& exerciseName, const QString& trainee, const QString& dir = {});

// The OS user, as the audit log names the analyst.
QString traineeName();

} // namespace socwb::training
