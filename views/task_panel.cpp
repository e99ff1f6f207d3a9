#include "task_panel.h"

#include <algorithm>
#include <climits>

#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace socwb {

namespace {
QString duration(double seconds) {
    if (seconds < 60) {
        return QObject::tr("%1 s").arg(qMax(0.0, seconds), 0, 'f', 0);
    }
    return QObject::tr("%1 min %2 s").arg(int(seconds) / 60).arg(int(seconds) % 60);
}
} // namespace

TaskPanel::TaskPanel(QWidget* parent) : QWidget(parent), empty_(new QLabel(this)) {
    setObjectName(QStringLiteral("taskPanel"));
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* inner = new QWidget(scroll);
    rows_ = new QVBoxLayout(inner);
    rows_->setContentsMargins(6, 6, 6, 6);
    empty_->setTextFormat(Qt::PlainText);
    empty_->setWordWrap(true);
    empty_->setEnabled(false);
    empty_->setObjectName(QStringLiteral("tasksEmpty"));
    setCaseState(QString(), 0, 0);
    rows_->addWidget(empty_);
    rows_->addStretch(1);
    scroll->setWidget(inner);
    outer->addWidget(scroll);
}

void TaskPanel::setCaseState(const QString& caseName, int evidenceFiles, qint64 channels) {
    const QString drop = tr("Drop proxy, DNS or Sysmon logs (or a folder) on the window, or use File \u2192 Import "
                            "evidence\u2026");
    if (caseName.isEmpty()) {
        empty_->setText(tr("No case open. File \u2192 New case\u2026 or Open case\u2026; then %1.").arg(drop));
    } else if (evidenceFiles == 0) {
        empty_->setText(tr("No imports or scoring runs yet. %1.").arg(drop));
    } else {
        // A case imported before (by socwb-cli, or in an earlier session) is not "no imports yet".
        QString held = tr("%Ln evidence file(s)", nullptr, evidenceFiles);
        if (channels > 0) {
            held += tr(" and %Ln scored channel(s)", nullptr, static_cast<int>(std::min<qint64>(channels, INT_MAX)));
        }
        empty_->setText(tr("Nothing has run in this window since %1 was opened. It holds %2 from earlier imports: the "
                           "case explorer lists the files, and Case \u2192 Audit log\u2026 says who imported and "
                           "scored them, and when. %3 to add to it.")
                            .arg(caseName, held, drop));
    }
}

QString TaskPanel::emptyText() const {
    return empty_->text();
}

int TaskPanel::addTask(const QString& title, const QString& unit) {
    const int id = nextId_++;
    Row r;
    r.box = new QWidget(this);
    auto* g = new QGridLayout(r.box);
    g->setContentsMargins(0, 2, 0, 2);
    r.title = new QLabel(title, r.box);
    r.title->setTextFormat(Qt::PlainText);
    QFont f = r.title->font();
    f.setBold(true);
    r.title->setFont(f);
    r.status = new QLabel(tr("waiting\u2026"), r.box);
    r.status->setTextFormat(Qt::PlainText);
    r.status->setWordWrap(true);
    r.status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    r.bar = new QProgressBar(r.box);
    r.bar->setRange(0, 0);
    r.bar->setMaximumHeight(r.status->fontMetrics().height() / 2);
    r.bar->setTextVisible(false);
    r.cancel = new QPushButton(tr("Cancel"), r.box);
    r.rejects = new QPushButton(tr("Rejected lines\u2026"), r.box);
    r.rejects->hide();
    // One line of text per task, the bar under it: many tasks fit in a short dock.
    g->addWidget(r.title, 0, 0);
    g->addWidget(r.status, 0, 1);
    g->addWidget(r.cancel, 0, 2);
    g->addWidget(r.rejects, 0, 2);
    g->addWidget(r.bar, 1, 0, 1, 3);
    g->setColumnStretch(1, 1);
    g->setVerticalSpacing(2);
    connect(r.cancel, &QPushButton::clicked, this, [this, id] {
        tasks_[id].status->setText(tr("cancelling\u2026"));
        tasks_[id].cancel->setEnabled(false);
        emit cancelRequested(id);
    });
    r.unit = unit;
    r.clock.start();
    rows_->insertWidget(0, r.box); // newest on top
    empty_->hide();
    tasks_.insert(id, r);
    return id;
}

void TaskPanel::updateTask(int id, qint64 done, qint64 total, qint64 count, const QString& detail) {
    auto it = tasks_.find(id);
    if (it == tasks_.end() || !it->running) {
        return;
    }
    const QLocale l;
    const double secs = qMax(0.001, it->clock.elapsed() / 1000.0);
    QString text = tr("%1 %2 \u00b7 %3 %2/s").arg(l.toString(count), it->unit, l.toString(qint64(count / secs)));
    if (total > 0) {
        it->bar->setRange(0, 1000);
        it->bar->setValue(static_cast<int>(1000.0 * double(done) / double(total)));
        if (done > 0 && done < total) {
            text += tr(" \u00b7 about %1 left").arg(duration(secs * double(total - done) / double(done)));
        }
    }
    if (!detail.isEmpty()) {
        text += QStringLiteral(" \u00b7 ") + detail;
    }
    it->status->setText(text);
}

void TaskPanel::finishTask(int id, const QString& outcome, bool ok, qint64 evidenceIdWithRejects) {
    auto it = tasks_.find(id);
    if (it == tasks_.end()) {
        return;
    }
    it->running = false;
    it->bar->setRange(0, 1000);
    it->bar->setValue(1000);
    it->bar->setEnabled(false);
    it->cancel->hide();
    it->status->setText(tr("%1 (%2)").arg(outcome, duration(it->clock.elapsed() / 1000.0)));
    if (!ok) {
        it->status->setStyleSheet(QStringLiteral("color: #c62828;"));
        it->problem = true;
    }
    if (evidenceIdWithRejects > 0) {
        it->rejects->show();
        connect(it->rejects, &QPushButton::clicked, this,
                [this, evidenceIdWithRejects] { emit rejectedLinesRequested(evidenceIdWithRejects); });
    }
}

int TaskPanel::showNote(int id, const QString& title, const QString& text, bool problem, const QString& action) {
    auto it = tasks_.find(id);
    if (it == tasks_.end()) {
        id = addTask(title, QString());
        it = tasks_.find(id);
        it->running = false;
        it->bar->hide();
        it->cancel->hide();
        it->action = new QPushButton(it->box);
        static_cast<QGridLayout*>(it->box->layout())->addWidget(it->action, 0, 2);
        connect(it->action, &QPushButton::clicked, this, [this, id] { emit noteActionRequested(id); });
    } else {
        rows_->removeWidget(it->box);
        rows_->insertWidget(0, it->box);
    }
    it->title->setText(title);
    it->status->setText(text);
    it->status->setStyleSheet(problem ? QStringLiteral("color: #c62828;") : QString());
    it->problem = problem;
    it->action->setText(action);
    it->action->setVisible(!action.isEmpty());
    return id;
}

int TaskPanel::problemCount() const {
    int n = 0;
    for (const Row& r : tasks_) {
        n += r.problem ? 1 : 0;
    }
    return n;
}

int TaskPanel::runningCount() const {
    int n = 0;
    for (const Row& r : tasks_) {
        n += r.running ? 1 : 0;
    }
    return n;
}

QString TaskPanel::taskText(int id) const {
    const auto it = tasks_.constFind(id);
    return it == tasks_.constEnd() ? QString() : it->title->text() + QLatin1Char('\n') + it->status->text();
}

void TaskPanel::clearFinished() {
    forgetCase(nextId_, QString());
}

void TaskPanel::forgetCase(int beforeId, const QString& caseName) {
    for (auto it = tasks_.begin(); it != tasks_.end();) {
        if (it.key() >= beforeId) {
            ++it;
        } else if (!it->running) {
            delete it->box; // its buttons (Rejected lines…) would act on the case open now
            it = tasks_.erase(it);
        } else {
            if (!caseName.isEmpty() && !it->title->text().startsWith(caseName)) {
                it->title->setText(tr("%1: %2").arg(caseName, it->title->text()));
            }
            ++it;
        }
    }
    empty_->setVisible(tasks_.isEmpty());
}

} // namespace socwb
