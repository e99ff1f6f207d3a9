#include "audit_log_dialog.h"

#include "tables/audit_log_model.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace socwb {

AuditLogDialog::AuditLogDialog(const QString& casePath, QWidget* parent)
    : QDialog(parent), casePath_(casePath), model_(new AuditLogModel(this)), view_(new QTableView(this)) {
    setObjectName(QStringLiteral("auditLog"));
    setWindowTitle(tr("Audit log"));
    auto* layout = new QVBoxLayout(this);
    view_->setModel(model_);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setAlternatingRowColors(true);
    view_->setWordWrap(false);
    view_->verticalHeader()->hide();
    view_->horizontalHeader()->setStretchLastSection(true);
    const int em = view_->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    view_->setColumnWidth(AuditLogModel::TargetColumn, 18 * em);
    // Time, actor and action are short and must be read whole (issue 28: the time was cut before
    // the minutes, "triage.sta…"): sized to what they hold each time the log is read.
    connect(model_, &AuditLogModel::loaded, this, [this] {
        for (int c : {AuditLogModel::TimeColumn, AuditLogModel::ActorColumn, AuditLogModel::ActionColumn}) {
            view_->resizeColumnToContents(c);
        }
    });
    layout->addWidget(view_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(tr("Refresh"), QDialogButtonBox::ActionRole)->setObjectName(QStringLiteral("refresh"));
    connect(buttons, &QDialogButtonBox::clicked, this, [this, buttons](QAbstractButton* b) {
        if (buttons->buttonRole(b) == QDialogButtonBox::ActionRole) {
            reload();
        } else {
            close();
        }
    });
    layout->addWidget(buttons);
    resize(900, 480);
    reload();
}

void AuditLogDialog::reload() {
    model_->load(casePath_);
}

} // namespace socwb
