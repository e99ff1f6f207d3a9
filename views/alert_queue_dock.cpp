#include "alert_queue_dock.h"
#include "column_width.h"
#include "elide_delegate.h"

#include "justification_dialog.h"
#include "score_bar_delegate.h"
#include "sort_arrow_style.h"
#include "store/case_file.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "tables/alert_table_model.h"
#include "triage/triage_store.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <utility>

namespace socwb {

namespace {
const char* kSavedKey = "alertQueue/savedFilters";
// Keys 0–4 and the statuses they set.
const char* kStatusKeys[] = {"new", "in-review", "benign", "malicious", "escalated"};
} // namespace

AlertQueueDock::AlertQueueDock(QWidget* parent)
    : QDockWidget(tr("Alert queue"), parent), model_(new AlertTableModel(this)), filter_(new QLineEdit(this)),
      kinds_(new QComboBox(this)), saved_(new QToolButton(this)), count_(new QLabel(this)), error_(new QLabel(this)),
      view_(new QTableView(this)), debounce_(new QTimer(this)) {
    setObjectName(QStringLiteral("alerts"));
    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* bar = new QHBoxLayout;
    filter_->setObjectName(QStringLiteral("alertFilter"));
    filter_->setPlaceholderText(
        tr("Filter: host:WS0* service:pastebin score>=70 status:new -process:git.exe, or any text  (/)"));
    filter_->setClearButtonEnabled(true);
    filter_->setToolTip(
        tr("Keys: host, role, process, service, dest, endpoint, severity, status, tag, score, requests, "
           "interval, jitter, suppressed (yes/no/any), kind (channel/sigma/any), "
           "source (siem: a SIEM export's rows; events). '-' negates a term, '*' and '?' "
           "are wildcards, numbers take =, >, >=, <, <=."));
    kinds_->setObjectName(QStringLiteral("alertKinds"));
    kinds_->addItem(tr("Channels and Sigma"), int(AlertKinds::Both));
    kinds_->addItem(tr("Channels"), int(AlertKinds::Channels));
    kinds_->addItem(tr("Sigma hits"), int(AlertKinds::Sigma));
    kinds_->setToolTip(tr("Which queue items to show: scored channels, Sigma rule hits (one per rule and host, "
                          "listed above the channels), or both"));
    connect(kinds_, &QComboBox::currentIndexChanged, this, [this] { applyFilter(); });
    saved_->setText(tr("Saved"));
    saved_->setToolTip(tr("Saved filters"));
    connect(saved_, &QToolButton::clicked, this, &AlertQueueDock::showSavedMenu);
    count_->setTextFormat(Qt::PlainText);
    bar->addWidget(filter_, 1);
    bar->addWidget(kinds_);
    bar->addWidget(saved_);
    bar->addWidget(count_);
    layout->addLayout(bar);
    error_->setTextFormat(Qt::PlainText);
    error_->setWordWrap(true);
    error_->setStyleSheet(QStringLiteral("color: #c62828;"));
    error_->hide();
    layout->addWidget(error_);

    view_->setObjectName(QStringLiteral("alertTable"));
    view_->setModel(model_);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    SortArrowStyle::install(view_->horizontalHeader());
    view_->setSortingEnabled(true);
    view_->horizontalHeader()->setSortIndicator(AlertTableModel::ScoreColumn, Qt::DescendingOrder);
    view_->setAlternatingRowColors(true);
    view_->setWordWrap(false);
    view_->setTextElideMode(Qt::ElideRight);
    view_->setContextMenuPolicy(Qt::CustomContextMenu);
    // A million rows: fixed row heights, or the header would measure every one.
    setQueueRowHeight(view_);
    view_->verticalHeader()->hide();
    view_->horizontalHeader()->setStretchLastSection(true);
    view_->horizontalHeader()->setSectionsMovable(true);
    view_->setItemDelegateForColumn(AlertTableModel::ScoreColumn,
                                    new ScoreBarDelegate(ScoreBarDelegate::Mode::Score, AlertTableModel::ScoreRole,
                                                         AlertTableModel::SeverityRole, view_));
    view_->setItemDelegateForColumn(AlertTableModel::SeverityColumn,
                                    new ScoreBarDelegate(ScoreBarDelegate::Mode::Severity, AlertTableModel::ScoreRole,
                                                         AlertTableModel::SeverityRole, view_));
    // A channel's destination is a host name, cut in the middle; a Sigma item's is its rule's title,
    // read from the start ("Raw content fetched fr…", not "Raw cont…ste site").
    view_->setItemDelegateForColumn(AlertTableModel::DestinationColumn,
                                    new ElideDelegate(
                                        [](const QModelIndex& at) {
                                            return at.data(AlertTableModel::AlertIdRole).toLongLong() < 0
                                                       ? Qt::ElideRight
                                                       : Qt::ElideMiddle;
                                        },
                                        view_));
    const int em = view_->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    const int widths[AlertTableModel::ColumnCount] = {7, 8, 6, 8, 8, 9, 13, 6, 5, 5, 4, 12, 12};
    for (int c = 0; c < AlertTableModel::ColumnCount; ++c) {
        // Never narrower than the header's own text.
        view_->setColumnWidth(c, qMax(widths[c] * em, view_->horizontalHeader()->sectionSizeHint(c)));
    }
    // A time whole: 12 em cut "2024-03-04 09:31:05" to "2024-03-04 09:31:..." in the default font.
    for (const int c : {int(AlertTableModel::FirstSeenColumn), int(AlertTableModel::LastSeenColumn)}) {
        view_->setColumnWidth(
            c, qMax(view_->columnWidth(c), textColumnWidth(view_, QStringLiteral("2024-03-04 09:31:05"))));
    }
    view_->installEventFilter(this);
    filter_->installEventFilter(this);
    layout->addWidget(view_, 1);
    setWidget(body);

    debounce_->setSingleShot(true);
    debounce_->setInterval(250);
    connect(debounce_, &QTimer::timeout, this, &AlertQueueDock::applyFilter);
    connect(filter_, &QLineEdit::textChanged, debounce_, qOverload<>(&QTimer::start));
    // Enter applies the filter and leaves the focus in it: the next letters typed are more filter,
    // never commands on the queue (issue 28: "t…" tagged five channels). Tab or Down goes on.
    connect(filter_, &QLineEdit::returnPressed, this, [this] { applyFilter(); });
    connect(model_, &AlertTableModel::countChanged, this, &AlertQueueDock::updateCount);
    connect(model_, &AlertTableModel::loadFailed, this, [this](const QString& message) {
        error_->setText(message);
        error_->show();
    });
    connect(view_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        if (const qint64 id = index.data(AlertTableModel::AlertIdRole).toLongLong()) {
            emit alertActivated(id);
        }
    });
    connect(view_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
        if (!restoring_) {
            currentKey_ = current.data(AlertTableModel::ChannelKeyRole).toString();
            model_->setFollowKey(currentKey_);
        }
        if (current.isValid()) {
            currentId_ = current.data(AlertTableModel::AlertIdRole).toLongLong();
            setCurrentHidden(false);
        } else if (currentKey_.isEmpty()) {
            currentId_ = 0;
        }
        emit currentAlertChanged(current.data(AlertTableModel::AlertIdRole).toLongLong());
    });
    connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        if (!restoring_) {
            rememberSelection();
        }
    });
    // Rows going with a smaller count (a reload) take no channel out of the selection.
    connect(model_, &QAbstractItemModel::rowsAboutToBeRemoved, this, [this] { restoring_ = true; });
    connect(model_, &QAbstractItemModel::rowsRemoved, this, [this] { restoring_ = false; });
    connect(view_, &QWidget::customContextMenuRequested, this, &AlertQueueDock::showContextMenu);
    // A filter or an order that moves the current channel off the loaded pages, or hides it: the
    // count finds its row (the queue scrolls to it) or says it is hidden (the detail says so; it
    // showed the channel with no row selected and no word why).
    connect(model_, &AlertTableModel::followedRow, this, &AlertQueueDock::followedRow);
    connect(view_->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this, [this] { scrollToCurrent_ = true; });
    // Rows (re)loaded after a reload, a sort or a filter: the selection follows its channels. The
    // first rows of a fresh queue with nothing selected: the top one, so the keyboard has a start.
    connect(model_, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex& topLeft, const QModelIndex& bottomRight) {
                restoreSelection(topLeft.row(), bottomRight.row());
                fitNameColumns();
                if (topLeft.row() == 0 && !view_->currentIndex().isValid() && selectedKeys_.isEmpty() &&
                    model_->rowCount() > 0) {
                    view_->setCurrentIndex(model_->index(0, AlertTableModel::HostColumn));
                }
            });
    // A column the analyst dragged keeps the width they gave it.
    connect(view_->horizontalHeader(), &QHeaderView::sectionResized, this, [this](int column) {
        if (!fitting_) {
            sizedByHand_.insert(column);
        }
    });
    updateCount();
}

void AlertQueueDock::fitNameColumns() {
    // Host names like WKS-DEV-04 and WKS-DEV-07 differ in their last characters: an elided host
    // or process is a queue that cannot be read, and so is a role or a service cut to "domain-c…"
    // or "google-d…" (1366x768). The loaded rows' names widen their columns (never narrower than
    // before, never wider than the cap; a page loaded later can widen them again).
    const int em = view_->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    fitting_ = true;
    const std::pair<int, int> capped[] = {{AlertTableModel::HostColumn, 24},
                                          {AlertTableModel::ProcessColumn, 24},
                                          {AlertTableModel::RoleColumn, 16},
                                          {AlertTableModel::ServiceColumn, 16}};
    for (const auto& [c, cap] : capped) {
        if (!sizedByHand_.contains(c) && !view_->isColumnHidden(c)) {
            const int before = view_->columnWidth(c);
            view_->resizeColumnToContents(c); // the rows in view
            view_->setColumnWidth(c, qMax(before, qMin(view_->columnWidth(c), cap * em)));
        }
    }
    fitting_ = false;
}

void AlertQueueDock::setCase(CaseStore* store) {
    store_ = store;
    selectedKeys_.clear();
    selectedSet_.clear();
    currentKey_.clear();
    currentId_ = 0;
    model_->setFollowKey(QString());
    setCurrentHidden(false);
    model_->setCase(store ? store->path() : QString());
    updateCount();
}

void AlertQueueDock::reload() {
    model_->reload();
}

void AlertQueueDock::setFilterText(const QString& text) {
    filter_->setText(text);
    applyFilter();
}

void AlertQueueDock::addBanner(QWidget* banner) {
    static_cast<QVBoxLayout*>(widget()->layout())->insertWidget(0, banner);
}

void AlertQueueDock::focusFilter() {
    raise();
    filter_->setFocus(Qt::ShortcutFocusReason);
    filter_->selectAll();
}

void AlertQueueDock::applyFilter() {
    debounce_->stop();
    AlertFilter f = parseAlertFilter(filter_->text());
    if (f.kinds == AlertKinds::Both) {
        f.kinds = static_cast<AlertKinds>(kinds_->currentData().toInt());
    }
    error_->setVisible(!f.errors.isEmpty());
    error_->setText(f.errors.join(QStringLiteral("; ")));
    if (!(f == model_->filter())) {
        scrollToCurrent_ = true;
        model_->setFilter(f);
        updateCount();
    }
}

void AlertQueueDock::updateCount() {
    if (!store_) {
        count_->setText(tr("no case open"));
    } else if (model_->isCounting()) {
        count_->setText(tr("counting\u2026"));
    } else {
        QString text = tr("%n channel(s)", nullptr, static_cast<int>(model_->total()));
        if (model_->sigmaCount() > 0) {
            text += tr(" \u00b7 %n Sigma item(s)", nullptr, model_->sigmaCount());
        }
        if (selectedKeys_.size() > 1) { // what a key pressed now acts on
            text += tr(" \u00b7 %n selected", nullptr, static_cast<int>(selectedKeys_.size()));
        }
        count_->setText(text);
    }
}

QStringList AlertQueueDock::selectedChannelKeys() const {
    if (!selectedKeys_.isEmpty()) {
        return selectedKeys_;
    }
    return currentKey_.isEmpty() ? QStringList{} : QStringList{currentKey_};
}

void AlertQueueDock::rememberSelection() {
    selectedKeys_.clear();
    selectedSet_.clear();
    for (const QItemSelectionRange& range : view_->selectionModel()->selection()) {
        for (const QString& key :
             model_->channelKeysOfRows(store_ ? store_->db() : nullptr, range.top(), range.bottom())) {
            if (!selectedSet_.contains(key)) {
                selectedSet_.insert(key);
                selectedKeys_ << key;
            }
        }
    }
    updateCount();
}

void AlertQueueDock::restoreSelection(int first, int last) {
    if (selectedKeys_.isEmpty() && currentKey_.isEmpty()) {
        return;
    }
    restoring_ = true;
    QItemSelectionModel* sel = view_->selectionModel();
    QItemSelection add, drop;
    const int lastColumn = AlertTableModel::ColumnCount - 1;
    for (int r = qMax(first, 0); r <= last && r < model_->rowCount(); ++r) {
        const AlertRow* row = model_->rowAt(r);
        if (!row) {
            continue;
        }
        const bool want = selectedSet_.contains(row->channelKey);
        if (want != sel->isRowSelected(r, {})) {
            (want ? add : drop).select(model_->index(r, 0), model_->index(r, lastColumn));
        }
        if (row->channelKey == currentKey_ && view_->currentIndex().row() != r) {
            const int column =
                view_->currentIndex().isValid() ? view_->currentIndex().column() : int(AlertTableModel::HostColumn);
            sel->setCurrentIndex(model_->index(r, column), QItemSelectionModel::NoUpdate);
        }
    }
    sel->select(drop, QItemSelectionModel::Deselect);
    sel->select(add, QItemSelectionModel::Select);
    restoring_ = false;
}

void AlertQueueDock::followedRow(const QString& key, int row) {
    if (key != currentKey_) {
        return; // the analyst moved on while the count ran
    }
    setCurrentHidden(row < 0);
    if (row >= 0 && scrollToCurrent_) {
        // Scrolled to, its page loads and restoreSelection makes it current again.
        view_->scrollTo(model_->index(row, AlertTableModel::HostColumn));
        restoreSelection(row, row); // already loaded: current now
    }
    scrollToCurrent_ = false;
}

void AlertQueueDock::setCurrentHidden(bool hidden) {
    if (hidden != currentHidden_) {
        currentHidden_ = hidden;
        emit hiddenAlertChanged(hidden ? currentId_ : 0);
    }
}

bool AlertQueueDock::selectItem(const QString& key) {
    const int row = model_->loadedRowOf(key);
    if (row < 0) {
        return false;
    }
    view_->setCurrentIndex(model_->index(row, AlertTableModel::HostColumn));
    view_->scrollTo(view_->currentIndex());
    return true;
}

qint64 AlertQueueDock::currentAlertId() const {
    return view_->currentIndex().data(AlertTableModel::AlertIdRole).toLongLong();
}

bool AlertQueueDock::applyTriage(const QStringList& keys, const QString& what,
                                 const std::function<void(TriageStore&)>& change) {
    if (writeCheck_ && !writeCheck_()) {
        return false;
    }
    QVector<TriageRecord> before;
    try {
        TriageStore t(*store_);
        for (const QString& key : keys) {
            before << t.record(key); // what Ctrl+Z puts back
        }
        change(t);
    } catch (const std::exception& e) {
        const auto* sql = dynamic_cast<const SqlError*>(&e);
        if (sql && case_file::isStorageFailure(sql->code())) {
            emit caseFailed(QString::fromUtf8(e.what())); // the window stops writing and says so
            return false;
        }
        const bool busy = sql && (sql->code() & 0xff) == SQLITE_BUSY;
        const QString why = busy ? tr("The case is busy with an import or a scoring pass; nothing was changed. "
                                      "Try again when the task panel shows it finished.")
                                 : QString::fromUtf8(e.what());
        QMessageBox box(QMessageBox::Warning, tr("Triage not saved"), why, QMessageBox::Ok, this);
        box.setTextFormat(Qt::PlainText);
        box.exec();
        return false;
    }
    model_->reload();
    emit triageApplied(what, before);
    emit triageChanged();
    return true;
}

bool AlertQueueDock::confirmBulk(const QStringList& keys, const QString& what) {
    if (keys.size() <= kBulkConfirmAbove) {
        return true;
    }
    QMessageBox ask(QMessageBox::Question, tr("Change %n channels", nullptr, static_cast<int>(keys.size())),
                    tr("%1 on %n selected channels?", nullptr, static_cast<int>(keys.size())).arg(what),
                    QMessageBox::Yes | QMessageBox::No, this);
    ask.setTextFormat(Qt::PlainText);
    ask.setDefaultButton(QMessageBox::No);
    return ask.exec() == QMessageBox::Yes;
}

bool AlertQueueDock::setStatusOfSelection(const QString& status) {
    const QStringList keys = selectedChannelKeys();
    if (!store_ || keys.isEmpty()) {
        return false;
    }
    if (!confirmBulk(keys, tr("Set the status %1").arg(AlertTableModel::statusLabel(status)))) {
        return false;
    }
    QString why;
    if (TriageStore::needsJustification(status)) {
        why =
            JustificationDialog::ask(this, tr("Mark as benign"),
                                     tr("Why are these %n channel(s) benign? A colleague or an auditor will read this.",
                                        nullptr, static_cast<int>(keys.size())));
        if (why.isEmpty()) {
            return false;
        }
    }
    return applyTriage(keys,
                       tr("status %1 on %n channel(s)", nullptr, static_cast<int>(keys.size()))
                           .arg(AlertTableModel::statusLabel(status)),
                       [&](TriageStore& t) { t.setStatus(keys, status, why); });
}

bool AlertQueueDock::addNoteToSelection() {
    const QStringList keys = selectedChannelKeys();
    if (!store_ || keys.isEmpty()) {
        return false;
    }
    const QString current = keys.size() == 1 ? TriageStore(*store_).record(keys.first()).note : QString();
    JustificationDialog d(tr("Note"), tr("Note on %n channel(s):", nullptr, static_cast<int>(keys.size())), this);
    d.setText(current);
    if (d.exec() != QDialog::Accepted) {
        return false;
    }
    return applyTriage(keys, tr("note on %n channel(s)", nullptr, static_cast<int>(keys.size())),
                       [&](TriageStore& t) { t.setNote(keys, d.text()); });
}

bool AlertQueueDock::addTagsToSelection() {
    const QStringList keys = selectedChannelKeys();
    if (!store_ || keys.isEmpty()) {
        return false;
    }
    bool ok = false;
    const QString tags = QInputDialog::getText(this, tr("Tags"), tr("Tags to add (comma-separated):"),
                                               QLineEdit::Normal, QString(), &ok);
    if (!ok || tags.trimmed().isEmpty()) {
        return false;
    }
    return applyTriage(keys, tr("tags on %n channel(s)", nullptr, static_cast<int>(keys.size())),
                       [&](TriageStore& t) { t.addTags(keys, tags); });
}

void AlertQueueDock::suppressSelection() {
    const QStringList keys = selectedChannelKeys();
    if (keys.isEmpty()) {
        return;
    }
    emit suppressRequested(keys); // the window asks where and why (SuppressSimilarDialog)
}

bool AlertQueueDock::eventFilter(QObject* watched, QEvent* event) {
    if (watched == filter_ && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Down) {
        view_->setFocus(Qt::TabFocusReason); // from the filter down into the queue
        return true;
    }
    if (watched == view_ && event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier)) {
            return QDockWidget::eventFilter(watched, event);
        }
        const int row = view_->currentIndex().row();
        const int column =
            view_->currentIndex().isValid() ? view_->currentIndex().column() : int(AlertTableModel::HostColumn);
        switch (key->key()) {
        case Qt::Key_J:
        case Qt::Key_K: {
            const int next = qBound(0, row + (key->key() == Qt::Key_J ? 1 : -1), model_->rowCount() - 1);
            if (model_->rowCount() > 0) {
                view_->setCurrentIndex(model_->index(next, column));
            }
            return true;
        }
        case Qt::Key_0:
        case Qt::Key_1:
        case Qt::Key_2:
        case Qt::Key_3:
        case Qt::Key_4:
            setStatusOfSelection(QString::fromLatin1(kStatusKeys[key->key() - Qt::Key_0]));
            return true;
        case Qt::Key_N:
            addNoteToSelection();
            return true;
        case Qt::Key_T:
            addTagsToSelection();
            return true;
        case Qt::Key_S:
            suppressSelection();
            return true;
        case Qt::Key_Slash:
            focusFilter();
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            if (const qint64 id = currentAlertId()) {
                emit alertActivated(id);
            }
            return true;
        default:
            break;
        }
    }
    return QDockWidget::eventFilter(watched, event);
}

void AlertQueueDock::showContextMenu(const QPoint& pos) {
    if (!view_->indexAt(pos).isValid()) {
        return;
    }
    QMenu menu(this);
    QMenu* status = menu.addMenu(tr("Set status"));
    const QStringList labels{tr("&0 New"), tr("&1 In review"), tr("&2 Benign\u2026"), tr("&3 Malicious"),
                             tr("&4 Escalated")};
    for (int i = 0; i < 5; ++i) {
        const QString s = QString::fromLatin1(kStatusKeys[i]);
        status->addAction(labels[i], this, [this, s] { setStatusOfSelection(s); });
    }
    menu.addAction(tr("Add &note\u2026"), this, [this] { addNoteToSelection(); });
    menu.addAction(tr("Add &tags\u2026"), this, [this] { addTagsToSelection(); });
    menu.addAction(tr("&Suppress similar\u2026"), this, [this] { suppressSelection(); });
    menu.addSeparator();
    menu.addAction(tr("Open &detail"), this, [this] {
        if (const qint64 id = currentAlertId()) {
            emit alertActivated(id);
        }
    });
    const QModelIndex at = view_->indexAt(pos);
    menu.addAction(tr("Filter to this &host"), this, [this, at] {
        if (const AlertRow* row = model_->rowAt(at.row())) { // the host as stored, not as shown
            setFilterText(QStringLiteral("host:") + quoteFilterValue(row->host));
        }
    });
    menu.addAction(tr("&Copy cell"), this, [at] { QApplication::clipboard()->setText(at.data().toString()); });
    menu.exec(view_->viewport()->mapToGlobal(pos));
}

void AlertQueueDock::showSavedMenu() {
    QSettings settings;
    const QVariantMap saved = settings.value(QLatin1String(kSavedKey)).toMap();
    QMenu menu(this);
    for (auto it = saved.cbegin(); it != saved.cend(); ++it) {
        const QString text = it.value().toString();
        QAction* a = menu.addAction(it.key(), this, [this, text] { setFilterText(text); });
        a->setToolTip(text);
    }
    if (!saved.isEmpty()) {
        menu.addSeparator();
    }
    menu.addAction(tr("Save current filter\u2026"), this, [this] {
        bool ok = false;
        const QString name =
            QInputDialog::getText(this, tr("Save filter"), tr("Name:"), QLineEdit::Normal, filter_->text(), &ok);
        if (ok && !name.trimmed().isEmpty()) {
            QSettings s;
            QVariantMap m = s.value(QLatin1String(kSavedKey)).toMap();
            m.insert(name.trimmed(), filter_->text());
            s.setValue(QLatin1String(kSavedKey), m);
        }
    });
    QMenu* remove = menu.addMenu(tr("Remove"));
    remove->setEnabled(!saved.isEmpty());
    for (auto it = saved.cbegin(); it != saved.cend(); ++it) {
        const QString name = it.key();
        remove->addAction(name, this, [name] {
            QSettings s;
            QVariantMap m = s.value(QLatin1String(kSavedKey)).toMap();
            m.remove(name);
            s.setValue(QLatin1String(kSavedKey), m);
        });
    }
    menu.exec(saved_->mapToGlobal(QPoint(0, saved_->height())));
}

} // namespace socwb
