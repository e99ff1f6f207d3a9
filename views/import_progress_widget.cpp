#include "import_progress_widget.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>

namespace socwb {

ImportProgressWidget::ImportProgressWidget(QWidget* parent)
    : QWidget(parent), label_(new QLabel(this)), bar_(new QProgressBar(this)), cancel_(new QPushButton(tr("Cancel"), this)) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    label_->setTextFormat(Qt::PlainText);
    bar_->setRange(0, 1000);
    bar_->setMaximumWidth(220);
    layout->addWidget(label_);
    layout->addWidget(bar_);
    layout->addWidget(cancel_);
    connect(cancel_, &QPushButton::clicked, this, &ImportProgressWidget::cancelRequested);
}

void ImportProgressWidget::showProgress(const ImportProgress& p) {
    const QLocale l;
    label_->setText(tr("Importing %1 (%2 of %3): %4 records, %5 rejected")
                        .arg(QFileInfo(p.path).fileName())
                        .arg(p.fileIndex + 1)
                        .arg(p.fileCount)
                        .arg(l.toString(qint64(p.records)), l.toString(qint64(p.rejects))));
    bar_->setValue(p.bytesTotal > 0 ? static_cast<int>(1000 * p.bytesRead / p.bytesTotal) : 0);
}

} // namespace socwb
