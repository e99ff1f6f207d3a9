#include "suppression_rule_dialog.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPushButton>

namespace socwb {

SuppressionRuleDialog::SuppressionRuleDialog(const scoring::SuppressionRule& rule, QWidget* parent)
    : QDialog(parent), rule_(rule), host_(new QLineEdit(rule.host, this)), role_(new QLineEdit(rule.hostRole, this)),
      process_(new QLineEdit(rule.process, this)), destination_(new QLineEdit(rule.destination, this)),
      urlPrefix_(new QLineEdit(rule.urlPrefix, this)), reason_(new QLineEdit(rule.reason, this)),
      expires_(new QLineEdit(rule.expiresAt, this)), enabled_(new QCheckBox(tr("Enabled"), this)) {
    setObjectName(QStringLiteral("suppressionRule"));
    setWindowTitle(rule.id ? tr("Edit suppression") : tr("Add suppression"));
    auto* form = new QFormLayout(this);
    host_->setPlaceholderText(tr("glob on host name or address, e.g. WKS-DEV-*"));
    role_->setPlaceholderText(tr("e.g. build-server"));
    process_->setPlaceholderText(tr("glob on image or file name, e.g. git.exe"));
    destination_->setPlaceholderText(tr("domain suffix, e.g. github.com"));
    urlPrefix_->setPlaceholderText(tr("host and path prefix, e.g. pastebin.com/raw/"));
    reason_->setPlaceholderText(tr("required: why this is known and fine"));
    expires_->setPlaceholderText(tr("ISO-8601 UTC, e.g. 2026-12-31T00:00:00Z; empty: never"));
    enabled_->setChecked(rule.enabled);
    form->addRow(tr("Host"), host_);
    form->addRow(tr("Host role"), role_);
    form->addRow(tr("Process"), process_);
    form->addRow(tr("Destination"), destination_);
    form->addRow(tr("URL prefix"), urlPrefix_);
    form->addRow(tr("Reason"), reason_);
    form->addRow(tr("Expires"), expires_);
    form->addRow(QString(), enabled_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    ok_ = buttons->button(QDialogButtonBox::Ok);
    form->addRow(buttons);
    const auto validate = [this] {
        const bool criterion = !(host_->text().trimmed().isEmpty() && role_->text().trimmed().isEmpty() &&
                                 process_->text().trimmed().isEmpty() && destination_->text().trimmed().isEmpty() &&
                                 urlPrefix_->text().trimmed().isEmpty());
        const QString e = expires_->text().trimmed();
        const bool expiry = e.isEmpty() || QDateTime::fromString(e, Qt::ISODate).isValid();
        ok_->setEnabled(criterion && !reason_->text().trimmed().isEmpty() && expiry);
    };
    for (QLineEdit* l : {host_, role_, process_, destination_, urlPrefix_, reason_, expires_}) {
        connect(l, &QLineEdit::textChanged, this, validate);
    }
    validate();
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(520, height());
}

scoring::SuppressionRule SuppressionRuleDialog::rule() const {
    scoring::SuppressionRule r = rule_;
    r.host = host_->text().trimmed();
    r.hostRole = role_->text().trimmed();
    r.process = process_->text().trimmed();
    r.destination = destination_->text().trimmed();
    r.urlPrefix = urlPrefix_->text().trimmed();
    r.reason = reason_->text().trimmed();
    r.expiresAt = expires_->text().trimmed();
    r.enabled = enabled_->isChecked();
    return r;
}

} // namespace socwb
