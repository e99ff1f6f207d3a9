#include "rejected_lines_dialog.h"

#include "tables/plain_text.h"
#include "tables/rejected_lines.h"

#include <QDialogButtonBox>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace socwb {

RejectedLinesDialog::RejectedLinesDialog(const QString& casePath, qint64 evidenceId, QWidget* parent)
    : QDialog(parent), table_(new QTableWidget(this)) {
    setObjectName(QStringLiteral("rejectedLines"));
    setWindowTitle(tr("Rejected lines"));
    auto* layout = new QVBoxLayout(this);
    table_->setColumnCount(4);
    table_->setHorizontalHeaderLabels({tr("Line"), tr("Offset"), tr("Reason"), tr("Raw")});
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setWordWrap(false);
    table_->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(table_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    layout->addWidget(buttons);
    resize(900, 420);
    auto* watcher = new QFutureWatcher<QVector<RejectedLine>>(this);
    connect(watcher, &QFutureWatcher<QVector<RejectedLine>>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const QVector<RejectedLine> rows = watcher->result();
        table_->setRowCount(static_cast<int>(rows.size()));
        for (int i = 0; i < rows.size(); ++i) {
            const RejectedLine& r = rows[i];
            const QStringList cells{QString::number(r.lineNo), QString::number(r.byteOffset), r.reason, r.raw};
            for (int c = 0; c < cells.size(); ++c) {
                auto* item = new QTableWidgetItem(cells[c]);
                if (c >= 2) {
                    item->setToolTip(plainToolTip(cells[c]));
                }
                table_->setItem(i, c, item);
            }
        }
        table_->resizeColumnsToContents();
        setWindowTitle(rows.size() >= kLimit ? tr("Rejected lines (first %1)").arg(kLimit)
                                             : tr("Rejected lines (%1)").arg(rows.size()));
        emit loaded();
    });
    watcher->setFuture(
        QtConcurrent::run([casePath, evidenceId] { return readRejectedLines(casePath, evidenceId, kLimit); }));
}

} // namespace socwb
