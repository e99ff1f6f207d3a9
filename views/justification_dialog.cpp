#include "justification_dialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

namespace socwb {

JustificationDialog::JustificationDialog(const QString& title, const QString& prompt, QWidget* parent)
    : QDialog(parent), edit_(new QPlainTextEdit(this)) {
    setObjectName(QStringLiteral("justificationDialog"));
    setWindowTitle(title);
    auto* layout = new QVBoxLayout(this);
    auto* label = new QLabel(prompt, this);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    layout->addWidget(label);
    edit_->setTabChangesFocus(true);
    edit_->setMinimumHeight(90);
    layout->addWidget(edit_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    ok_ = buttons->button(QDialogButtonBox::Ok);
    ok_->setEnabled(false);
    layout->addWidget(buttons);
    connect(edit_, &QPlainTextEdit::textChanged, this, [this] { ok_->setEnabled(!text().isEmpty()); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // Enter makes a new line in the text; Ctrl+Enter submits it (issue 28, item 9).
    for (const QKeySequence& keys : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto* submit = new QShortcut(keys, this);
        submit->setContext(Qt::WidgetWithChildrenShortcut);
        connect(submit, &QShortcut::activated, this, [this] {
            if (ok_->isEnabled()) {
                accept();
            }
        });
    }
    ok_->setToolTip(tr("Ctrl+Enter"));
    resize(460, 220);
}

QString JustificationDialog::text() const {
    return edit_->toPlainText().trimmed();
}

void JustificationDialog::setText(const QString& text) {
    edit_->setPlainText(text);
}

QString JustificationDialog::ask(QWidget* parent, const QString& title, const QString& prompt) {
    JustificationDialog d(title, prompt, parent);
    return d.exec() == QDialog::Accepted ? d.text() : QString();
}

} // namespace socwb
