#include "process_tree_widget.h"

#include "charts/process_tree_data.h"
#include "store/case_reader.h"
#include "store/statement.h"
#include "suspicion_delegate.h"
#include "tables/plain_text.h"
#include "tables/process_tree_model.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSplitter>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace socwb {

ProcessTreeWidget::ProcessTreeWidget(QWidget* parent)
    : QWidget(parent), reader_(std::make_unique<CaseReader>()), title_(new QLabel(this)), search_(new QLineEdit(this)),
      nextFlagged_(new QToolButton(this)), view_(new QTreeView(this)), model_(new ProcessTreeModel(this)),
      details_(new QLabel(this)) {
    connect(reader_.get(), &CaseReader::openFailed, this, &ProcessTreeWidget::loadFailed);
    title_->setTextFormat(Qt::PlainText);
    title_->setText(tr("No host selected"));
    search_->setPlaceholderText(tr("Find image, command line, user or PID (Enter: next)"));
    search_->setClearButtonEnabled(true);
    connect(search_, &QLineEdit::returnPressed, this, [this] { findNext(search_->text()); });
    auto* copy = new QToolButton(this);
    copy->setText(tr("Copy lineage"));
    copy->setToolTip(tr("Copy the selected process and its ancestors as text, for a ticket"));
    connect(copy, &QToolButton::clicked, this, &ProcessTreeWidget::copyLineage);
    // Flagged processes often sit in a collapsed subtree (a scheduled task's children under the
    // Task Scheduler): this walks them one by one.
    nextFlagged_->setText(tr("Next suspicious"));
    nextFlagged_->setToolTip(tr("Select the next process with a suspicious lineage, opening its ancestors"));
    nextFlagged_->setEnabled(false);
    connect(nextFlagged_, &QToolButton::clicked, this, [this] { nextSuspicious(); });

    view_->setModel(model_);
    view_->setItemDelegate(new SuspicionDelegate(view_));
    view_->setUniformRowHeights(true); // thousands of rows: no per-row size queries
    view_->setAlternatingRowColors(true);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->header()->setStretchLastSection(true);
    view_->setColumnWidth(ProcessTreeModel::ImageColumn, 240);
    view_->setColumnWidth(ProcessTreeModel::PidColumn, 60);
    view_->setColumnWidth(ProcessTreeModel::UserColumn, 140);
    view_->setColumnWidth(ProcessTreeModel::StartColumn, 140);
    view_->setColumnWidth(ProcessTreeModel::EndColumn, 140);
    view_->setWordWrap(false);
    connect(view_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { onCurrentChanged(current); });
    // The view fetches more as it lays out; expanding asks explicitly so a process's connections
    // arrive even when its row has no subprocesses to lay out.
    connect(view_, &QTreeView::expanded, this, [this](const QModelIndex& index) {
        if (model_->canFetchMore(index)) {
            model_->fetchMore(index);
        }
    });
    connect(model_, &ProcessTreeModel::activityRequested, this, [this](qint64 processId) {
        reader_->post([this, processId, gen = generation_](sqlite3* db) {
            QVector<ProcessActivity> rows = ProcessTreeData::activity(db, processId, ProcessTreeModel::kActivityLimit);
            QMetaObject::invokeMethod(
                this,
                [this, processId, gen, rows = std::move(rows)] {
                    if (gen == generation_) {
                        model_->setActivity(processId, rows);
                    }
                },
                Qt::QueuedConnection);
        });
    });

    details_->setTextFormat(Qt::PlainText); // command lines are attacker-controlled text
    details_->setWordWrap(true);
    details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    details_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    details_->setMargin(4);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(details_);
    scroll->setWidgetResizable(true);

    auto* legend = new QLabel(tr("red: suspicious lineage"), this);
    legend->setStyleSheet(QStringLiteral("color: #b00020"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(title_, 1);
    bar->addWidget(legend);
    bar->addWidget(nextFlagged_);
    bar->addWidget(copy);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(view_);
    split->addWidget(scroll);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(search_);
    layout->addWidget(split, 1);
}

ProcessTreeWidget::~ProcessTreeWidget() {
    reader_.reset();
}

void ProcessTreeWidget::setCase(const QString& casePath) {
    ++generation_;
    pendingReveal_ = -1;
    // The previous case's processes (command lines included) go with it (issue 28).
    model_->setData(ProcessTreeData{});
    nextFlagged_->setEnabled(false);
    details_->clear();
    title_->setText(tr("No host selected"));
    reader_->open(casePath);
}

void ProcessTreeWidget::showHost(qint64 hostId) {
    loadHost(hostId, -1);
}

void ProcessTreeWidget::showChannel(qint64 alertId) {
    const quint64 gen = ++generation_;
    reader_->post([this, gen, alertId](sqlite3* db) {
        // How many processes made the channel's polls: a tool started once a poll (certutil,
        // curl from a scheduled task) is one process a poll.
        Statement a(db,
                    "SELECT host_id, process_id, json_extract(features, '$.process_count') FROM alerts WHERE id = ?");
        a.bind(1, int64_t(alertId));
        if (!a.step() || a.isNull(0)) {
            return;
        }
        const qint64 host = a.int64(0), process = a.isNull(1) ? -1 : a.int64(1);
        const bool several = !a.isNull(2) && a.int64(2) > 1;
        QMetaObject::invokeMethod(
            this,
            [this, gen, host, process, several] {
                if (gen == generation_) {
                    loadHost(host, process, true);
                    // Its first process is revealed, but filtering the timeline to it showed one
                    // poll of a channel of 46 (one certutil.exe a poll): the timeline keeps the
                    // host's events, the channel's in red, until the analyst picks a process.
                    pendingQuiet_ = several;
                }
            },
            Qt::QueuedConnection);
    });
}

void ProcessTreeWidget::revealProcess(qint64 processId) {
    if (model_->indexForProcess(processId).isValid()) {
        reveal(processId);
        return;
    }
    // Another host's process: load that host, then reveal.
    const quint64 gen = ++generation_;
    reader_->post([this, gen, processId](sqlite3* db) {
        Statement p(db, "SELECT host_id FROM processes WHERE id = ?");
        p.bind(1, int64_t(processId));
        if (!p.step()) {
            return;
        }
        const qint64 host = p.int64(0);
        QMetaObject::invokeMethod(
            this,
            [this, gen, host, processId] {
                if (gen == generation_) {
                    loadHost(host, processId);
                }
            },
            Qt::QueuedConnection);
    });
}

void ProcessTreeWidget::loadHost(qint64 hostId, qint64 revealId, bool expand) {
    const quint64 gen = ++generation_;
    pendingReveal_ = revealId;
    pendingExpand_ = expand;
    pendingQuiet_ = false; // showChannel says otherwise after this call
    title_->setText(tr("Loading\u2026"));
    reader_->post([this, gen, hostId](sqlite3* db) {
        ProcessTreeData d = ProcessTreeData::load(db, hostId);
        QMetaObject::invokeMethod(
            this,
            [this, gen, d = std::move(d)] {
                if (gen != generation_) {
                    return;
                }
                setData(d);
                emit hostLoaded(d.hostId);
            },
            Qt::QueuedConnection);
    });
}

void ProcessTreeWidget::setData(const ProcessTreeData& data) {
    model_->setData(data);
    int flagged = 0;
    for (const ProcessRecord& r : data.processes) {
        flagged += r.suspicion.isEmpty() ? 0 : 1;
    }
    title_->setText(tr("%1  \u00b7  %2 processes, %3 with suspicious lineage  \u00b7  times UTC")
                        .arg(data.hostName.isEmpty() ? tr("host %1").arg(data.hostId) : visibleText(data.hostName))
                        .arg(data.processes.size())
                        .arg(flagged));
    nextFlagged_->setEnabled(flagged > 0);
    title_->setToolTip(data.rulesNote.isEmpty()
                           ? QString()
                           : tr("Lineage marked by the shipped rules: %1").arg(visibleText(data.rulesNote)));
    details_->clear();
    if (pendingReveal_ >= 0) {
        quiet_ = pendingQuiet_;
        reveal(pendingReveal_, pendingExpand_);
        quiet_ = false;
        pendingReveal_ = -1;
    }
    pendingQuiet_ = false;
}

void ProcessTreeWidget::reveal(qint64 processId, bool expand) {
    const QModelIndex target = model_->indexForProcess(processId);
    if (!target.isValid()) {
        return;
    }
    for (QModelIndex p = target.parent(); p.isValid(); p = p.parent()) {
        view_->expand(p);
    }
    if (expand) {
        view_->expand(target); // its connections and queries arrive in the background
    }
    view_->setCurrentIndex(target);
    view_->scrollTo(target, QAbstractItemView::PositionAtCenter);
}

bool ProcessTreeWidget::findNext(const QString& text) {
    return revealNextOf(model_->find(text));
}

bool ProcessTreeWidget::nextSuspicious() {
    return revealNextOf(model_->suspicious());
}

bool ProcessTreeWidget::revealNextOf(const QVector<qint64>& hits) {
    if (hits.isEmpty()) {
        return false;
    }
    const qsizetype at = hits.indexOf(selectedProcess());
    reveal(hits[(at + 1) % hits.size()]);
    return true;
}

qint64 ProcessTreeWidget::hostId() const {
    return model_->treeData().hostId;
}

qint64 ProcessTreeWidget::selectedProcess() const {
    return model_->processIdAt(view_->currentIndex());
}

QString ProcessTreeWidget::lineageText() const {
    return model_->lineageText(selectedProcess());
}

void ProcessTreeWidget::copyLineage() const {
    const QString text = lineageText();
    if (!text.isEmpty()) {
        QApplication::clipboard()->setText(text);
    }
}

QString ProcessTreeWidget::detailsText() const {
    return details_->text();
}

void ProcessTreeWidget::onCurrentChanged(const QModelIndex& current) {
    const qint64 id = model_->processIdAt(current);
    if (id < 0) {
        details_->clear();
        return;
    }
    const ProcessRecord* rec = nullptr;
    for (const ProcessRecord& r : model_->treeData().processes) {
        if (r.id == id) {
            rec = &r;
            break;
        }
    }
    if (rec) {
        QString text =
            tr("%1  (PID %2, user %3)\n%4").arg(rec->image, QString::number(rec->pid), rec->user, rec->commandLine);
        if (!rec->suspicion.isEmpty()) {
            text += QStringLiteral("\n\u26a0 ") + rec->suspicion;
        }
        details_->setText(visibleText(text));
    }
    if (!quiet_) {
        emit processSelected(id);
    }
}

} // namespace socwb
