#include "suppress_similar_dialog.h"

#include "store/statement.h"
#include "tables/plain_text.h"
#include "tables/read_connection.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace socwb {

using scoring::SuppressScope;

SuppressSimilarDialog::SuppressSimilarDialog(sqlite3* db, const QStringList& keys, QWidget* parent)
    : QDialog(parent), reason_(new QPlainTextEdit(this)) {
    setObjectName(QStringLiteral("suppressSimilarDialog"));
    setWindowTitle(tr("Suppress similar"));
    auto* layout = new QVBoxLayout(this);
    // What the first selected channel is, to name the host and the role in the choices.
    QString host, role;
    if (!keys.isEmpty()) {
        Statement st(db, "SELECT host, coalesce(host_role, '') FROM alerts WHERE channel_key = ?");
        st.bind(1, keys.first().toStdString());
        if (st.step()) {
            host = columnText(st, 0);
            role = columnText(st, 1);
        }
    }
    auto* intro = new QLabel(tr("Channels like the %n selected (same process and destination) leave the default "
                                "queue. Where?",
                                nullptr, static_cast<int>(keys.size())),
                             this);
    intro->setTextFormat(Qt::PlainText);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    const QString names[3] = {
        keys.size() == 1 ? tr("On this host only (%1)").arg(visibleText(host)) : tr("On their hosts only"),
        role.isEmpty() || keys.size() > 1 ? tr("On hosts of the same role")
                                          : tr("On every host of the role %1").arg(visibleText(role)),
        tr("On every host")};
    for (int i = 0; i < 3; ++i) {
        const auto scope = SuppressScope(i);
        const scoring::HiddenCount c = scoring::countHidden(db, scoring::similarRules(db, keys, scope));
        scopes_[i] =
            new QRadioButton(tr("%1: hides %n channel(s)", nullptr, int(c.channels)).arg(names[i]) +
                                 (c.aboveMedium > 0 ? tr(", %n above medium", nullptr, int(c.aboveMedium)) : QString()),
                             this);
        scopes_[i]->setObjectName(QStringLiteral("scope%1").arg(i));
        layout->addWidget(scopes_[i]);
    }
    scopes_[0]->setChecked(true); // the narrowest is the default
    auto* why = new QLabel(tr("Why? (required; a colleague or an auditor will read it)"), this);
    why->setTextFormat(Qt::PlainText);
    layout->addWidget(why);
    reason_->setTabChangesFocus(true);
    reason_->setMinimumHeight(70);
    layout->addWidget(reason_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    ok_ = buttons->button(QDialogButtonBox::Ok);
    ok_->setText(tr("Suppress"));
    ok_->setEnabled(false);
    layout->addWidget(buttons);
    connect(reason_, &QPlainTextEdit::textChanged, this, [this] { ok_->setEnabled(!reason().isEmpty()); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(520, 300);
}

SuppressScope SuppressSimilarDialog::scope() const {
    for (int i = 0; i < 3; ++i) {
        if (scopes_[i]->isChecked()) {
            return SuppressScope(i);
        }
    }
    return SuppressScope::Host;
}

void SuppressSimilarDialog::setScope(SuppressScope scope) {
    scopes_[int(scope)]->setChecked(true);
}

QString SuppressSimilarDialog::reason() const {
    return reason_->toPlainText().trimmed();
}

void SuppressSimilarDialog::setReason(const QString& reason) {
    reason_->setPlainText(reason);
}

QString SuppressSimilarDialog::scopeText(SuppressScope scope) const {
    return scopes_[int(scope)]->text();
}

} // namespace socwb
