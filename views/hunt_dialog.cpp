#include "hunt_dialog.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <stdexcept>

namespace socwb {

HuntDialog::HuntDialog(sqlite3* db, qint64 channelId, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Hunt for the SIEM"));
    try {
        if (channelId > 0) {
            hunt::HuntSelection sel;
            sel.channelId = channelId;
            channel_ = hunt::huntFromCase(db, sel);
        }
        catalog_ = hunt::huntFromCase(db, {});
    } catch (const std::exception& e) {
        // A case without scores, a config that no longer loads: say so in place of a query.
        problem_ = QString::fromUtf8(e.what());
    }

    scope_ = new QComboBox(this);
    if (channel_) {
        scope_->addItem(tr("The selected channel, fleet-wide"));
    }
    scope_->addItem(tr("Every catalogued web service"));
    language_ = new QComboBox(this);
    for (const hunt::HuntLanguage l : {hunt::HuntLanguage::Spl, hunt::HuntLanguage::Kql, hunt::HuntLanguage::Esql}) {
        language_->addItem(hunt::languageTitle(l), static_cast<int>(l));
    }
    auto* form = new QFormLayout;
    form->addRow(tr("&Hunt for:"), scope_);
    form->addRow(tr("&Language:"), language_);

    origin_ = new QLabel(this);
    origin_->setTextFormat(Qt::PlainText); // names from the evidence
    origin_->setWordWrap(true);
    origin_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    text_ = new QPlainTextEdit(this);
    text_->setReadOnly(true);
    text_->setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    text_->setFont(mono);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* copy = buttons->addButton(tr("&Copy"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(queryText()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(origin_);
    layout->addWidget(text_, 1);
    layout->addWidget(buttons);

    connect(scope_, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
    connect(language_, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
    resize(960, 600);
    refresh();
}

HuntDialog* HuntDialog::showFor(QWidget* parent, sqlite3* db, qint64 channelId) {
    auto* d = new HuntDialog(db, channelId, parent);
    d->setAttribute(Qt::WA_DeleteOnClose);
    d->show();
    return d;
}

QString HuntDialog::queryText() const {
    return text_->toPlainText();
}

void HuntDialog::setLanguage(hunt::HuntLanguage language) {
    language_->setCurrentIndex(language_->findData(static_cast<int>(language)));
}

void HuntDialog::refresh() {
    const bool channel = channel_ && scope_->currentIndex() == 0;
    const std::optional<hunt::HuntSpec>& spec = channel ? channel_ : catalog_;
    if (!spec) {
        origin_->setText(tr("No hunt can be written: %1").arg(problem_));
        text_->clear();
        return;
    }
    const auto language = static_cast<hunt::HuntLanguage>(language_->currentData().toInt());
    origin_->setText(tr("From %1. %2, %3; thresholds from the case's scoring config.")
                         .arg(spec->origin, tr("%n destination(s)", nullptr, static_cast<int>(spec->domains.size())),
                              tr("%n endpoint shape(s)", nullptr, static_cast<int>(spec->shapes.size()))));
    text_->setPlainText(hunt::writeHunt(*spec, language));
}

} // namespace socwb
