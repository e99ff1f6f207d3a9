#include "exercise_panel.h"

#include "alert_detail_widget.h"
#include "current_case.h"
#include "main_window.h"
#include "markdown_view.h"
#include "store/case_store.h"
#include "store/case_watcher.h"
#include "training/exercise_questions.h"
#include "training/exercise_session.h"

#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QTabWidget>
#include <QVBoxLayout>

namespace socwb {

namespace {

QLabel* plainLabel(const QString& text, QWidget* parent, bool bold = false) {
    auto* l = new QLabel(text, parent);
    l->setTextFormat(Qt::PlainText); // briefs, answers and factor sentences are never markup
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (bold) {
        QFont f = l->font();
        f.setBold(true);
        l->setFont(f);
    }
    return l;
}

QScrollArea* scrolling(QWidget* body, QWidget* parent) {
    auto* area = new QScrollArea(parent);
    area->setWidget(body);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    return area;
}

void clearLayout(QLayout* layout) {
    while (QLayoutItem* item = layout->takeAt(0)) {
        if (QWidget* w = item->widget()) {
            w->deleteLater();
        } else if (QLayout* l = item->layout()) {
            clearLayout(l);
            delete l;
        }
        delete item;
    }
}

QString outcomeWords(const QString& outcome) {
    if (outcome == QLatin1String("correct")) {
        return QObject::tr("correct");
    }
    if (outcome == QLatin1String("missed")) {
        return QObject::tr("MISSED: a planted channel not called malicious");
    }
    if (outcome == QLatin1String("false-accusation")) {
        return QObject::tr("FALSE ACCUSATION: a benign channel called malicious");
    }
    return QObject::tr("not reviewed");
}

} // namespace

ExercisePanel::ExercisePanel(MainWindow* window)
    : QWidget(window), window_(window), tabs_(new QTabWidget(this)), title_(plainLabel({}, this, true)),
      meta_(plainLabel({}, this)), brief_(new MarkdownView(this)), questionsBox_(new QWidget(this)),
      questionsLayout_(new QVBoxLayout(questionsBox_)), hintsLine_(plainLabel({}, this)),
      submit_(new QPushButton(tr("&Submit for grading"), this)), gradeBox_(new QWidget(this)),
      gradeLayout_(new QVBoxLayout(gradeBox_)) {
    setObjectName(QStringLiteral("exercisePanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(title_);
    layout->addWidget(meta_);
    layout->addWidget(tabs_, 1);

    auto* task = new QWidget(this);
    auto* taskLayout = new QVBoxLayout(task);
    taskLayout->setContentsMargins(0, 0, 0, 0);
    brief_->setObjectName(QStringLiteral("exerciseBrief"));
    brief_->setMinimumHeight(80);
    taskLayout->addWidget(brief_, 2);
    questionsLayout_->setContentsMargins(2, 2, 2, 2);
    taskLayout->addWidget(scrolling(questionsBox_, task), 3);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(hintsLine_, 1);
    submit_->setObjectName(QStringLiteral("exerciseSubmit"));
    bottom->addWidget(submit_);
    taskLayout->addLayout(bottom);
    tabs_->addTab(task, tr("Brief and questions"));
    gradeLayout_->setContentsMargins(2, 2, 2, 2);
    tabs_->addTab(scrolling(gradeBox_, this), tr("Grade"));
    tabs_->setTabEnabled(1, false);
    connect(submit_, &QPushButton::clicked, this, &ExercisePanel::submit);
    title_->setText(tr("No exercise open. File \u2192 Exercises\u2026 starts one."));
    tabs_->hide(); // an empty brief and a greyed Submit until an exercise is open
}

bool ExercisePanel::start(const training::ExerciseInfo& exercise, const QString& resultsDir) {
    resultsDir_ = resultsDir.isEmpty() ? training::resultsDir() : resultsDir;
    const QString trainee = training::traineeName();
    const QString path = training::newAttemptPath(exercise.name, trainee, resultsDir_);
    if (!window_->openCase(path)) {
        return false;
    }
    CaseStore* store = window_->writableCase();
    try {
        if (!store) {
            throw std::runtime_error("the new case cannot be written");
        }
        training::ExerciseSession(*store).start(exercise, trainee);
        window_->caseWatcher()->rebase();
    } catch (const std::exception& e) {
        QMessageBox box(QMessageBox::Warning, tr("Exercise not started"), QString::fromUtf8(e.what()), QMessageBox::Ok,
                        this);
        box.setTextFormat(Qt::PlainText);
        box.exec();
        return false;
    }
    followCase();
    // The panel stays open beside the case explorer while the trainee works.
    if (auto* dock = qobject_cast<QDockWidget*>(parentWidget())) {
        dock->show();
        dock->raise();
    }
    // The exercise's logs were written in UTC (the generator's organisation keeps UTC).
    window_->importFiles(exercise.evidenceFiles(), QStringLiteral("UTC"));
    return true;
}

void ExercisePanel::followCase() {
    exercise_.reset();
    questions_.clear();
    result_.reset();
    answers_.clear();
    hintButtons_.clear();
    hintLabels_.clear();
    clearLayout(questionsLayout_);
    clearLayout(gradeLayout_);
    tabs_->setTabEnabled(1, false);
    tabs_->setCurrentIndex(0);
    const CaseStore* store = window_->caseStore();
    CaseStore* writable = store ? window_->writableCase() : nullptr;
    std::optional<training::ExerciseOrigin> origin;
    if (writable) {
        try {
            origin = training::ExerciseSession(*writable).origin();
        } catch (const std::exception&) {
            origin.reset(); // an older case has no exercise table until it is upgraded
        }
    }
    if (!origin) {
        title_->setText(tr("No exercise open. File \u2192 Exercises\u2026 starts one."));
        meta_->clear();
        brief_->clear();
        submit_->setEnabled(false);
        tabs_->hide();
        return;
    }
    exercise_ = training::ExerciseLibrary::load(origin->dir);
    if (!exercise_) {
        title_->setText(tr("The exercise of this case is gone: %1").arg(origin->dir));
        submit_->setEnabled(false);
        tabs_->hide();
        return;
    }
    tabs_->show();
    title_->setText(exercise_->title);
    meta_->setText(tr("%1 \u00b7 about %2 min \u00b7 trainee %3 \u00b7 started %4")
                       .arg(exercise_->difficulty.isEmpty() ? tr("difficulty not stated") : exercise_->difficulty)
                       .arg(exercise_->expectedMinutes)
                       .arg(origin->trainee, origin->startedAt));
    brief_->setMarkdownText(exercise_->brief);
    QFile truth(exercise_->truthPath());
    truth.open(QIODevice::ReadOnly);
    try {
        // Only the questions are read here; what answers them is read by the grader at submission.
        questions_ = training::questionsFromTruth(QJsonDocument::fromJson(truth.readAll()).object());
    } catch (const std::exception& e) {
        title_->setText(tr("The exercise's questions cannot be read: %1").arg(QString::fromUtf8(e.what())));
    }
    buildQuestions();
    const bool submitted = !origin->submittedAt.isEmpty();
    submit_->setEnabled(!submitted && !questions_.isEmpty());
    if (submitted) {
        try {
            showGrade(training::gradeCase(*writable));
        } catch (const std::exception& e) {
            gradeLayout_->addWidget(plainLabel(QString::fromUtf8(e.what()), gradeBox_));
        }
    }
}

void ExercisePanel::buildQuestions() {
    CaseStore* store = window_->writableCase();
    const QHash<QString, QString> given =
        store ? training::ExerciseSession(*store).answers() : QHash<QString, QString>{};
    const QHash<QString, int> hints = store ? training::ExerciseSession(*store).hints() : QHash<QString, int>{};
    for (const training::ExerciseQuestion& q : questions_) {
        auto* box = new QFrame(questionsBox_);
        auto* l = new QVBoxLayout(box);
        l->setContentsMargins(0, 2, 0, 2);
        const QString points = q.points == 1 ? tr("1 point") : tr("%1 points").arg(q.points);
        l->addWidget(plainLabel(QStringLiteral("%1 (%2)").arg(q.text, points), box));
        auto* row = new QHBoxLayout;
        auto* edit = new QLineEdit(given.value(q.id), box);
        edit->setObjectName(QStringLiteral("answer:") + q.id);
        edit->setMaxLength(4096);
        auto* hint = new QPushButton(tr("Hint (\u2212%1)").arg(q.hintCost), box);
        hint->setObjectName(QStringLiteral("hint:") + q.id);
        row->addWidget(edit, 1);
        row->addWidget(hint);
        l->addLayout(row);
        auto* hintText = plainLabel(q.hint, box);
        hintText->setVisible(hints.contains(q.id));
        hint->setEnabled(!hints.contains(q.id));
        l->addWidget(hintText);
        questionsLayout_->addWidget(box);
        answers_.insert(q.id, edit);
        hintButtons_.insert(q.id, hint);
        hintLabels_.insert(q.id, hintText);
        const QString id = q.id;
        connect(edit, &QLineEdit::editingFinished, this, [this, id] { saveAnswer(id); });
        connect(hint, &QPushButton::clicked, this, [this, id] { takeHint(id); });
    }
    questionsLayout_->addStretch(1);
    int cost = 0;
    for (int c : hints) {
        cost += c;
    }
    hintsLine_->setText(tr("Hints used: %1 (\u2212%2 points)").arg(hints.size()).arg(cost));
}

void ExercisePanel::saveAnswer(const QString& questionId) {
    CaseStore* store = window_->writableCase();
    QLineEdit* edit = answers_.value(questionId);
    if (!store || !edit) {
        return;
    }
    try {
        training::ExerciseSession(*store).setAnswer(questionId, edit->text());
        window_->caseWatcher()->rebase();
    } catch (const std::exception& e) {
        hintsLine_->setText(tr("The answer was not saved: %1").arg(QString::fromUtf8(e.what())));
    }
}

void ExercisePanel::takeHint(const QString& questionId) {
    CaseStore* store = window_->writableCase();
    if (!store) {
        return;
    }
    int cost = 1;
    for (const training::ExerciseQuestion& q : questions_) {
        cost = q.id == questionId ? q.hintCost : cost;
    }
    try {
        training::ExerciseSession session(*store);
        session.useHint(questionId, cost);
        window_->caseWatcher()->rebase();
        hintLabels_.value(questionId)->show();
        hintButtons_.value(questionId)->setEnabled(false);
        int total = 0;
        const QHash<QString, int> hints = session.hints();
        for (int c : hints) {
            total += c;
        }
        hintsLine_->setText(tr("Hints used: %1 (\u2212%2 points)").arg(hints.size()).arg(total));
    } catch (const std::exception& e) {
        hintsLine_->setText(tr("The hint was not recorded: %1").arg(QString::fromUtf8(e.what())));
    }
}

void ExercisePanel::submit() {
    CaseStore* store = window_->writableCase();
    if (!store || !exercise_) {
        return;
    }
    try {
        for (const QString& id : answers_.keys()) {
            training::ExerciseSession(*store).setAnswer(id, answers_.value(id)->text());
        }
        const QString now = CaseStore::nowIso();
        training::ExerciseSession(*store).markSubmitted(now);
        window_->caseWatcher()->rebase();
        const training::GradeResult r = training::gradeCase(*store, {}, now);
        savedPath_ = training::saveResult(r, resultsDir_.isEmpty() ? training::resultsDir() : resultsDir_);
        showGrade(r);
    } catch (const std::exception& e) {
        QMessageBox box(QMessageBox::Warning, tr("Not graded"), QString::fromUtf8(e.what()), QMessageBox::Ok, this);
        box.setTextFormat(Qt::PlainText);
        box.exec();
        return;
    }
    submit_->setEnabled(false);
    for (QLineEdit* e : std::as_const(answers_)) {
        e->setReadOnly(true);
    }
    for (QPushButton* b : std::as_const(hintButtons_)) {
        b->setEnabled(false);
    }
    emit graded();
}

void ExercisePanel::showGrade(const training::GradeResult& r) {
    result_ = r;
    clearLayout(gradeLayout_);
    openButtons_.clear();
    feedback_.clear();
    auto add = [this](QLabel* l) {
        gradeLayout_->addWidget(l);
        feedback_ << l->text();
    };
    add(plainLabel(tr("%1 of %2 points").arg(r.total).arg(r.maximum), gradeBox_, true));
    add(plainLabel(tr("Channels %1/%2 \u00b7 questions %3/%4 \u00b7 hints %5 (\u2212%6) \u00b7 false accusations %7 "
                      "(\u2212%8) \u00b7 missed %9 \u00b7 %10 min")
                       .arg(r.itemPoints)
                       .arg(r.itemTotal)
                       .arg(r.questionPoints)
                       .arg(r.questionTotal)
                       .arg(r.hintsUsed)
                       .arg(r.hintPoints)
                       .arg(r.falseAccusations)
                       .arg(r.penalty)
                       .arg(r.missed)
                       .arg(r.seconds / 60.0, 0, 'f', 1),
                   gradeBox_));
    if (!savedPath_.isEmpty()) {
        add(plainLabel(tr("Kept as %1 (and .html)").arg(savedPath_), gradeBox_));
    }
    int unreviewed = 0;
    for (const training::ItemGrade& g : r.items) {
        // Look-alikes nobody gave a verdict are counted in one line; every other item gets its
        // evidence and the buttons that open it.
        if (g.outcome == QLatin1String("not-reviewed")) {
            ++unreviewed;
            continue;
        }
        auto* box = new QFrame(gradeBox_);
        box->setFrameShape(QFrame::StyledPanel);
        auto* l = new QVBoxLayout(box);
        l->setContentsMargins(6, 4, 6, 4);
        auto* head = plainLabel(
            tr("%1 \u2014 %2 (%3/%4)").arg(g.channel, outcomeWords(g.outcome)).arg(g.earned).arg(g.points), box, true);
        if (g.outcome != QLatin1String("correct")) {
            head->setStyleSheet(QStringLiteral("color: #b42318;"));
        }
        l->addWidget(head);
        feedback_ << head->text();
        const QString where =
            tr("%1 \u2192 %2 %3 \u00b7 expected %4, your verdict %5")
                .arg(g.host, g.destination, g.process.isEmpty() ? tr("(process unknown)") : g.process,
                     g.positive ? tr("malicious") : tr("benign"), g.verdict.isEmpty() ? tr("none") : g.verdict);
        l->addWidget(plainLabel(where, box));
        feedback_ << where;
        const QStringList evidence = g.evidence.mid(0, 4);
        if (!evidence.isEmpty()) {
            auto* ev = plainLabel(QStringLiteral("\u2022 ") + evidence.join(QStringLiteral("\n\u2022 ")), box);
            l->addWidget(ev);
            feedback_ << ev->text();
        }
        if (g.alertId > 0) {
            auto* row = new QHBoxLayout;
            for (const auto& [view, label] : {std::pair{QStringLiteral("detail"), tr("Alert detail")},
                                              std::pair{QStringLiteral("intervals"), tr("Intervals")},
                                              std::pair{QStringLiteral("process-tree"), tr("Process tree")}}) {
                auto* b = new QPushButton(label, box);
                b->setObjectName(QStringLiteral("open:%1:%2").arg(g.channel, view));
                const qint64 id = g.alertId;
                const QString v = view;
                connect(b, &QPushButton::clicked, this, [this, id, v] { openOn(id, v); });
                row->addWidget(b);
                openButtons_.insert(g.channel + QLatin1Char('|') + view, b);
            }
            row->addStretch(1);
            l->addLayout(row);
        }
        gradeLayout_->addWidget(box);
    }
    for (const training::StrayAccusation& s : r.strays) {
        add(plainLabel(
            tr("FALSE ACCUSATION (not in the answer key): %1 \u2192 %2 %3").arg(s.host, s.destination, s.process),
            gradeBox_));
    }
    if (unreviewed > 0) {
        add(plainLabel(tr("%n look-alike channel(s) got no verdict (no points, no penalty).", nullptr, unreviewed),
                       gradeBox_));
    }
    for (const training::QuestionGrade& q : r.questions) {
        add(plainLabel(tr("%1 %2\n    your answer: %3 \u00b7 expected: %4 \u00b7 %5/%6%7")
                           .arg(q.correct ? QStringLiteral("\u2713") : QStringLiteral("\u2717"), q.question.text,
                                q.answer.isEmpty() ? tr("(none)") : q.answer, q.expected)
                           .arg(q.earned)
                           .arg(q.question.points)
                           .arg(q.hintUsed ? tr(" \u00b7 hint \u2212%1").arg(q.question.hintCost) : QString()),
                       gradeBox_));
    }
    gradeLayout_->addStretch(1);
    tabs_->setTabEnabled(1, true);
    tabs_->setCurrentIndex(1);
}

void ExercisePanel::openOn(qint64 alertId, const QString& view) {
    window_->current()->setAlert(alertId);
    window_->alertDetail()->showAlert(alertId);
    window_->showInvestigation(alertId);
    window_->showView(view);
}

QPushButton* ExercisePanel::openButton(const QString& channel, const QString& view) const {
    return openButtons_.value(channel + QLatin1Char('|') + view);
}

QString ExercisePanel::feedbackText() const {
    return feedback_.join(QLatin1Char('\n'));
}

} // namespace socwb
