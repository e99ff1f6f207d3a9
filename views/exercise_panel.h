// Training mode's dock: the exercise's brief and questions, an answer field and a Hint button per
// question, and Submit, which grades the case (training/exercise_grader.h) and shows the feedback:
// per answer-key item the verdict, the outcome, the factor sentences that decide it and buttons that
// open that channel's alert detail, intervals or process tree. Everything shown is plain text.
#pragma once

#include "training/exercise_grader.h"
#include "training/exercise_library.h"

#include <QHash>
#include <QWidget>

#include <optional>

class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QVBoxLayout;

namespace socwb {

class MainWindow;
class MarkdownView;

class ExercisePanel : public QWidget {
    Q_OBJECT
  public:
    explicit ExercisePanel(MainWindow* window);

    // A fresh attempt: a new case of the trainee's own (training::newAttemptPath), the exercise
    // recorded in it, its evidence imported (the window scores it after). False, after saying why,
    // when the case cannot be made.
    bool start(const training::ExerciseInfo& exercise, const QString& resultsDir = {});
    // Reads the open case: a trainee's case shows its exercise, any other case nothing.
    void followCase();
    bool hasExercise() const { return exercise_.has_value(); }

    // What the widgets do, for tests and the scripted screenshot.
    QLineEdit* answerField(const QString& questionId) const { return answers_.value(questionId); }
    QPushButton* hintButton(const QString& questionId) const { return hintButtons_.value(questionId); }
    QPushButton* submitButton() const { return submit_; }
    QTabWidget* tabs() const { return tabs_; }
    MarkdownView* briefView() const { return brief_; }
    const std::optional<training::GradeResult>& result() const { return result_; }
    QString savedResultPath() const { return savedPath_; }
    // The feedback's "open" buttons, by channel id and view (detail, intervals, process-tree).
    QPushButton* openButton(const QString& channel, const QString& view) const;
    QString feedbackText() const; // the grade page's text, for tests

  signals:
    void graded();

  private:
    void buildQuestions();
    void saveAnswer(const QString& questionId);
    void takeHint(const QString& questionId);
    void submit();
    void showGrade(const training::GradeResult& r);
    void openOn(qint64 alertId, const QString& view);

    MainWindow* window_;
    std::optional<training::ExerciseInfo> exercise_;
    QVector<training::ExerciseQuestion> questions_;
    QString resultsDir_;
    QTabWidget* tabs_;
    QLabel* title_;
    QLabel* meta_;
    MarkdownView* brief_;
    QWidget* questionsBox_;
    QVBoxLayout* questionsLayout_;
    QLabel* hintsLine_;
    QPushButton* submit_;
    QWidget* gradeBox_;
    QVBoxLayout* gradeLayout_;
    QHash<QString, QLineEdit*> answers_;
    QHash<QString, QPushButton*> hintButtons_;
    QHash<QString, QLabel*> hintLabels_;
    QHash<QString, QPushButton*> openButtons_;
    std::optional<training::GradeResult> result_;
    QString savedPath_;
    QStringList feedback_;
};

} // namespace socwb
