#include "case_overview_widget.h"

#include "tables/evidence_table_model.h"

#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableView>
#include <QVBoxLayout>

namespace socwb {

CaseOverviewWidget::CaseOverviewWidget(QWidget* parent)
    : QWidget(parent), title_(new QLabel(this)), counts_(new QLabel(this)), emptyHint_(new QLabel(this)),
      table_(new QTableView(this)), model_(new EvidenceTableModel(this)) {
    auto* layout = new QVBoxLayout(this);
    QFont big = title_->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    title_->setFont(big);
    title_->setTextFormat(Qt::PlainText);
    counts_->setTextFormat(Qt::PlainText);
    counts_->setWordWrap(true);
    emptyHint_->setTextFormat(Qt::PlainText);
    emptyHint_->setWordWrap(true);
    emptyHint_->setText(tr("This case holds no evidence yet. Drop proxy, DNS or Sysmon logs on this window, "
                           "or use File \u2192 Import evidence\u2026"));
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setAlternatingRowColors(true);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layout->addWidget(title_);
    layout->addWidget(counts_);
    layout->addWidget(emptyHint_);
    layout->addWidget(new QLabel(tr("Evidence files"), this));
    layout->addWidget(table_, 1);
}

void CaseOverviewWidget::setSummary(const QString& casePath, const CaseSummary& s) {
    const QLocale l;
    title_->setText(QFileInfo(casePath).fileName());
    QString text = tr("%1 proxy requests \u00b7 %2 DNS queries \u00b7 %3 Sysmon events \u00b7 %4 processes \u00b7 "
                      "%5 hosts \u00b7 %6 alerts \u00b7 %7 rejected lines")
                       .arg(l.toString(qint64(s.proxy)), l.toString(qint64(s.dns)), l.toString(qint64(s.sysmon)),
                            l.toString(qint64(s.processes)), l.toString(qint64(s.hosts.size())),
                            l.toString(qint64(s.alerts)), l.toString(qint64(s.rejected)));
    if (s.firstTs) {
        text += QLatin1Char('\n') + tr("Evidence spans %1 to %2 (UTC)").arg(isoFromUs(s.firstTs), isoFromUs(s.lastTs));
    }
    counts_->setText(text);
    emptyHint_->setVisible(s.evidence.isEmpty());
    model_->setRows(s.evidence);
}

} // namespace socwb
