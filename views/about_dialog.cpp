#include "about_dialog.h"

#include "core/logging.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace socwb {

QList<LibraryVersion> AboutDialog::versions() {
    QList<LibraryVersion> list = libraryVersions();
    // QCustomPlot has no run-time query; Debian's libqcustomplot2.1 is built from the header's release.
    list.insert(2, LibraryVersion{QStringLiteral("QCustomPlot"), QStringLiteral(QCUSTOMPLOT_VERSION_STR), QString()});
    return list;
}

QString AboutDialog::versionText() {
    return QStringLiteral("socwb %1\n%2\n").arg(applicationVersion(), libraryVersionLine(versions()));
}

AboutDialog::AboutDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("About socwb"));
    setObjectName(QStringLiteral("aboutDialog"));
    auto* layout = new QVBoxLayout(this);

    auto* head = new QHBoxLayout;
    auto* icon = new QLabel(this);
    icon->setPixmap(QApplication::windowIcon().pixmap(64, 64));
    head->addWidget(icon, 0, Qt::AlignTop);
    auto* title = new QLabel(this);
    title->setTextFormat(Qt::PlainText);
    title->setText(tr("socwb %1").arg(applicationVersion()));
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    title->setFont(big);
    auto* blurb = new QLabel(tr("Investigation workbench for one-way command channels over legitimate web services "
                                "(MITRE ATT&CK T1102.003)."),
                             this);
    blurb->setTextFormat(Qt::PlainText);
    blurb->setWordWrap(true);
    auto* titles = new QVBoxLayout;
    titles->addWidget(title);
    titles->addWidget(blurb);
    head->addLayout(titles, 1);
    layout->addLayout(head);

    auto* grid = new QGridLayout;
    grid->setHorizontalSpacing(16);
    int row = 0;
    auto addRow = [&](const QString& name, const QString& value) {
        auto* n = new QLabel(name, this);
        auto* v = new QLabel(value, this);
        n->setTextFormat(Qt::PlainText);
        v->setTextFormat(Qt::PlainText);
        v->setTextInteractionFlags(Qt::TextSelectableByMouse);
        v->setObjectName(QStringLiteral("version:") + name);
        grid->addWidget(n, row, 0, Qt::AlignLeft | Qt::AlignTop);
        grid->addWidget(v, row, 1, Qt::AlignLeft | Qt::AlignTop);
        ++row;
    };
    for (const LibraryVersion& v : versions()) {
        addRow(v.name, v.builtWith.isEmpty() ? v.version : tr("%1 (built with %2)").arg(v.version, v.builtWith));
    }
    addRow(tr("Log folder"), log::directory());
    grid->setColumnStretch(1, 1);
    layout->addLayout(grid);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* copy = buttons->addButton(tr("&Copy versions"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(reportText()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

QString AboutDialog::reportText() const {
    return versionText() + QStringLiteral("Log folder: %1\n").arg(log::directory());
}

} // namespace socwb
