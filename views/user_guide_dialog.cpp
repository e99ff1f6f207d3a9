#include "user_guide_dialog.h"

#include <QApplication>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QLabel>
#include <QPushButton>
#include <QScreen>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace socwb {

QString UserGuideDialog::guidePath() {
    for (const QString& candidate :
         {QCoreApplication::applicationDirPath() + QStringLiteral("/../share/socwb/guide/index.html"),
          QStringLiteral(SOCWB_SOURCE_DIR "/docs/guide/index.html")}) {
        if (QFileInfo::exists(candidate)) {
            return QFileInfo(candidate).canonicalFilePath();
        }
    }
    return {};
}

UserGuideDialog::UserGuideDialog(QWidget* parent) : QDialog(parent), browser_(new QTextBrowser(this)) {
    setWindowTitle(tr("socwb user guide"));
    setObjectName(QStringLiteral("userGuideDialog"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(browser_, 1);
    // Links to other sites go to the browser; the guide's own anchors are followed here.
    browser_->setOpenExternalLinks(true);
    const QString path = guidePath();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    if (path.isEmpty()) {
        browser_->setPlainText(tr("The user guide is not installed (share/socwb/guide/index.html beside the "
                                  "socwb executable)."));
    } else {
        browser_->setSource(QUrl::fromLocalFile(path));
        QPushButton* open = buttons->addButton(tr("Open in &browser"), QDialogButtonBox::ActionRole);
        connect(open, &QPushButton::clicked, this, [path] { QDesktopServices::openUrl(QUrl::fromLocalFile(path)); });
    }
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    QSize size(900, 700);
    if (const QScreen* screen = parent ? parent->screen() : QGuiApplication::primaryScreen()) {
        size = size.boundedTo(screen->availableSize() * 0.85);
    }
    resize(size);
}

} // namespace socwb
