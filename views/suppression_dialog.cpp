#include "suppression_dialog.h"

#include "core/resources.h"
#include "current_case.h"
#include "store/case_file.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "suppression_rule_dialog.h"
#include "tables/plain_text.h"

#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QTableWidget>
#include <QVBoxLayout>

namespace socwb {

SuppressionDialog::SuppressionDialog(CaseStore* store, QWidget* parent)
    : QDialog(parent), store_(store), table_(new QTableWidget(this)), emptyHint_(new QLabel(this)) {
    setObjectName(QStringLiteral("suppressions"));
    setWindowTitle(tr("Suppressions"));
    auto* layout = new QVBoxLayout(this);
    table_->setColumnCount(ColumnCount);
    table_->setHorizontalHeaderLabels({tr("Host"), tr("Role"), tr("Process"), tr("Destination"), tr("URL prefix"),
                                       tr("Reason"), tr("Author"), tr("Expires"), tr("State")});
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    emptyHint_->setObjectName(QStringLiteral("emptyHint"));
    emptyHint_->setWordWrap(true);
    emptyHint_->setText(tr("This case has no suppressions: every channel the engine scores is in the queue. "
                           "Add\u2026 writes a rule by hand; in the alert queue, s suppresses the channels like the "
                           "selected one (it asks why); Import YAML\u2026 takes the rules another case exported."));
    layout->addWidget(emptyHint_);
    layout->addWidget(table_);
    auto* buttons = new QHBoxLayout;
    const struct {
        const char* label;
        void (SuppressionDialog::*slot)();
    } kButtons[] = {{QT_TR_NOOP("Add\u2026"), &SuppressionDialog::addRule},
                    {QT_TR_NOOP("Edit\u2026"), &SuppressionDialog::editRule},
                    {QT_TR_NOOP("Expire now"), &SuppressionDialog::expireRule},
                    {QT_TR_NOOP("Import YAML\u2026"), &SuppressionDialog::importYaml},
                    {QT_TR_NOOP("Export YAML\u2026"), &SuppressionDialog::exportYaml}};
    for (const auto& b : kButtons) {
        auto* button = new QPushButton(tr(b.label), this);
        connect(button, &QPushButton::clicked, this, b.slot);
        buttons->addWidget(button);
    }
    buttons->addStretch(1);
    auto* close = new QPushButton(tr("Close"), this);
    connect(close, &QPushButton::clicked, this, &QDialog::close);
    buttons->addWidget(close);
    layout->addLayout(buttons);
    connect(table_, &QTableWidget::cellDoubleClicked, this, [this] { editRule(); });
    resize(980, 420);
    reload();
}

void SuppressionDialog::reload() {
    rules_ = scoring::listSuppressions(store_->db());
    table_->setRowCount(static_cast<int>(rules_.size()));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int row = 0; row < rules_.size(); ++row) {
        const scoring::SuppressionRule& r = rules_[row];
        const QStringList cells{r.host,
                                r.hostRole,
                                r.process,
                                r.destination,
                                r.urlPrefix,
                                r.reason,
                                r.author,
                                r.expiresAt.isEmpty() ? tr("never") : r.expiresAt,
                                r.isActive(now) ? tr("active") : (r.enabled ? tr("expired") : tr("disabled"))};
        for (int c = 0; c < ColumnCount; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            item->setToolTip(plainToolTip(cells[c]));
            table_->setItem(row, c, item);
        }
    }
    table_->resizeColumnsToContents();
    emptyHint_->setVisible(rules_.isEmpty());
}

bool SuppressionDialog::guarded(const std::function<void()>& write) {
    try {
        write();
    } catch (const std::exception& e) {
        if (const auto* sql = dynamic_cast<const SqlError*>(&e); sql && case_file::isStorageFailure(sql->code())) {
            emit caseFailed(QString::fromUtf8(e.what())); // the window stops writing and says so
            return false;
        }
        QMessageBox box(QMessageBox::Warning, tr("Suppressions not changed"), QString::fromUtf8(e.what()),
                        QMessageBox::Ok, this);
        box.setTextFormat(Qt::PlainText);
        box.exec();
        return false;
    }
    reload();
    emit changed();
    return true;
}

void SuppressionDialog::addRule() {
    SuppressionRuleDialog d(scoring::SuppressionRule{}, this);
    if (d.exec() == QDialog::Accepted) {
        guarded([&] { scoring::addSuppression(*store_, d.rule()); });
    }
}

void SuppressionDialog::editRule() {
    const int row = table_->currentRow();
    if (row < 0 || row >= rules_.size()) {
        return;
    }
    SuppressionRuleDialog d(rules_[row], this);
    if (d.exec() == QDialog::Accepted) {
        guarded([&] { scoring::updateSuppression(*store_, d.rule()); });
    }
}

void SuppressionDialog::expireRule() {
    const int row = table_->currentRow();
    if (row >= 0 && row < rules_.size()) {
        const qint64 id = rules_[row].id;
        guarded([&] { scoring::expireSuppression(*store_, id); });
    }
}

void SuppressionDialog::importYaml() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import suppressions"), QFileInfo(store_->path()).absolutePath(), tr("YAML (*.yaml *.yml)"));
    if (path.isEmpty()) {
        return;
    }
    guarded([&] {
        if (case_file::isHeld(path)) { // reading it would drop this program's locks on the case
            throw std::runtime_error(QFileInfo(path).fileName().toStdString() + " is the open case, not suppressions");
        }
        const scoring::SuppressionImport done =
            scoring::importSuppressions(*store_, resources::readFile(path, scoring::kMaxSuppressionFileBytes));
        if (done.expired > 0 || done.duplicates > 0) {
            QStringList left;
            if (done.expired > 0) {
                left << tr("%1 had already expired").arg(done.expired);
            }
            if (done.duplicates > 0) {
                left << tr("%1 the case already has in force").arg(done.duplicates);
            }
            QMessageBox box(QMessageBox::Information, tr("Suppressions imported"),
                            tr("%n rule(s) imported; left out: %1.", nullptr, done.added).arg(left.join(tr("; "))),
                            QMessageBox::Ok, this);
            box.setTextFormat(Qt::PlainText);
            box.exec();
        }
    });
}

void SuppressionDialog::exportYaml() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export suppressions"),
        saveStartPath(store_->path(), caseBaseName(store_->path()) + QStringLiteral("-suppressions"),
                      QStringLiteral(".yaml")),
        tr("YAML (*.yaml *.yml)"));
    if (path.isEmpty()) {
        return;
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(scoring::suppressionsToYaml(rules_)) < 0 || !f.commit()) {
        QMessageBox box(QMessageBox::Warning, tr("Not exported"), f.errorString(), QMessageBox::Ok, this);
        box.setTextFormat(Qt::PlainText);
        box.exec();
    }
}

} // namespace socwb
