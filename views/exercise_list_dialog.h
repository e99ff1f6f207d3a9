// File → Exercises…: the bundled exercises and the instructor's (the user's exercises folder), each
// with its difficulty, expected time and brief; Open starts a fresh attempt.
#pragma once

#include "training/exercise_library.h"

#include <QDialog>
#include <QVector>

#include <optional>

class QListWidget;

namespace socwb {

class MarkdownView;

class ExerciseListDialog : public QDialog {
    Q_OBJECT
  public:
    explicit ExerciseListDialog(QWidget* parent = nullptr);
    // The exercise chosen, after exec() returned Accepted.
    std::optional<training::ExerciseInfo> chosen() const;
    QListWidget* list() const { return list_; }

  private:
    QVector<training::ExerciseInfo> exercises_;
    QListWidget* list_;
    MarkdownView* brief_;
};

} // namespace socwb
