#include "exercise_list_dialog.h"

#include "markdown_view.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace socwb {

ExerciseListDialog::ExerciseListDialog(QWidget* parent)
    : QDialog(parent), exercises_(training::ExerciseLibrary::list()), list_(new QListWidget(this)),
      brief_(new MarkdownView(this)) {
    setWindowTitle(tr("Exercises"));
    auto* layout = new QVBoxLayout(this);
    auto* where = new QLabel(tr("Bundled exercises, and those in %1").arg(training::ExerciseLibrary::userDir()), this);
    where->setTextFormat(Qt::PlainText);
    where->setWordWrap(true);
    layout->addWidget(where);
    list_->setObjectName(QStringLiteral("exerciseList"));
    for (const training::ExerciseInfo& e : exercises_) {
        list_->addItem(tr("%1  —  %2, about %3 min%4")
                           .arg(e.title, e.difficulty.isEmpty() ? tr("difficulty not stated") : e.difficulty)
                           .arg(e.expectedMinutes)
                           .arg(e.bundled ? QString() : tr(" (instructor's)")));
    }
    brief_->setObjectName(QStringLiteral("exerciseBrief"));
    layout->addWidget(list_, 1);
    layout->addWidget(brief_, 2);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(list_, &QListWidget::currentRowChanged, this, [this, buttons](int row) {
        brief_->setMarkdownText(row >= 0 ? exercises_[row].brief : QString());
        buttons->button(QDialogButtonBox::Open)->setEnabled(row >= 0);
    });
    connect(list_, &QListWidget::itemActivated, this, &QDialog::accept);
    buttons->button(QDialogButtonBox::Open)->setEnabled(false);
    if (!exercises_.isEmpty()) {
        list_->setCurrentRow(0);
    }
    resize(720, 520);
}

std::optional<training::ExerciseInfo> ExerciseListDialog::chosen() const {
    const int row = list_->currentRow();
    if (row < 0 || row >= exercises_.size()) {
        return std::nullopt;
    }
    return exercises_[row];
}

} // namespace socwb
