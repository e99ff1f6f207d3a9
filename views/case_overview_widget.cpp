#include "case_overview_widget.h"

#include "column_width.h"
#include "sort_arrow_style.h"
#include "tables/evidence_table_model.h"
#include "tables/host_table_model.h"

#include <QApplication>
#include <QClipboard>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>

namespace socwb {

CaseOverviewWidget::CaseOverviewWidget(QWidget* parent)
    : QWidget(parent), title_(new QLabel(this)), counts_(new QLabel(this)), emptyHint_(new QLabel(this)),
      table_(new QTableView(this)), model_(new EvidenceTableModel(this)), hostTable_(new QTableView(this)),
      hosts_(new HostTableModel(this)), hostCaption_(new QLabel(tr("Hosts"), this)) {
    auto* layout = new QVBoxLayout(this);
    QFont big = title_->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    title_->setFont(big);
    title_->setTextFormat(Qt::PlainText);
    counts_->setObjectName(QStringLiteral("caseCounts"));
    counts_->setTextFormat(Qt::PlainText);
    counts_->setWordWrap(true);
    emptyHint_->setTextFormat(Qt::PlainText);
    emptyHint_->setWordWrap(true);
    emptyHint_->setText(tr("This case holds no evidence yet. Drop proxy, DNS, Sysmon or network sensor (Zeek, "
                           "Suricata) logs on this window, "
                           "or use File \u2192 Import evidence\u2026"));
    emptyHint_->hide(); // until a summary says the case holds none
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setAlternatingRowColors(true);
    setQueueRowHeight(table_);
    setQueueRowHeight(hostTable_);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

    // Hosts: the model sorts (a header click is an ORDER BY on its thread) and shows the first
    // rows of the order; the caption says when there are more.
    hostTable_->setModel(hosts_);
    SortArrowStyle::install(hostTable_->horizontalHeader());
    hostTable_->setSortingEnabled(true);
    hostTable_->sortByColumn(HostTableModel::ProxyColumn, Qt::DescendingOrder);
    connect(hosts_, &HostTableModel::loaded, this, [this] {
        const QLocale l;
        hostCaption_->setText(hosts_->rowCount() < hosts_->total()
                                  ? tr("Hosts (the first %1 of %2 in this order)")
                                        .arg(l.toString(hosts_->rowCount()), l.toString(hosts_->total()))
                                  : tr("Hosts"));
    });
    hostTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    hostTable_->setAlternatingRowColors(true);
    hostTable_->verticalHeader()->hide();
    hostTable_->horizontalHeader()->setStretchLastSection(true);
    hostTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

    const auto hasRejects = [](const QModelIndex& at) {
        return at.sibling(at.row(), EvidenceTableModel::RejectedColumn).data().toString() != QLatin1String("0");
    };
    table_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(table_, &QWidget::customContextMenuRequested, this, [this, hasRejects](const QPoint& pos) {
        const QModelIndex at = table_->indexAt(pos);
        if (!at.isValid()) {
            return;
        }
        QMenu menu(this);
        const qint64 id = at.data(EvidenceTableModel::EvidenceIdRole).toLongLong();
        menu.addAction(tr("Show &rejected lines\u2026"), this, [this, id] { emit rejectedLinesRequested(id); })
            ->setEnabled(hasRejects(at));
        const QString path = at.data(EvidenceTableModel::PathRole).toString();
        const QString sha = at.sibling(at.row(), EvidenceTableModel::Sha256Column).data(Qt::ToolTipRole).toString();
        menu.addAction(tr("Copy &path"), this, [path] { QApplication::clipboard()->setText(path); });
        menu.addAction(tr("Copy &SHA-256"), this, [sha] { QApplication::clipboard()->setText(sha); });
        menu.exec(table_->viewport()->mapToGlobal(pos));
    });
    hostTable_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(hostTable_, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        const QModelIndex at = hostTable_->indexAt(pos);
        if (!at.isValid()) {
            return;
        }
        const QString name = at.sibling(at.row(), HostTableModel::NameColumn).data().toString();
        QMenu menu(this);
        menu.addAction(tr("Show this host's &alerts"), this, [this, name] { emit hostAlertsRequested(name); });
        menu.addAction(tr("Copy &name"), this, [name] { QApplication::clipboard()->setText(name); });
        menu.exec(hostTable_->viewport()->mapToGlobal(pos));
    });
    // A double-click (or Enter) does what each menu's first item does: it did nothing.
    connect(table_, &QAbstractItemView::activated, this, [this, hasRejects](const QModelIndex& at) {
        if (hasRejects(at)) {
            emit rejectedLinesRequested(at.data(EvidenceTableModel::EvidenceIdRole).toLongLong());
        }
    });
    connect(hostTable_, &QAbstractItemView::activated, this, [this](const QModelIndex& at) {
        emit hostAlertsRequested(at.sibling(at.row(), HostTableModel::NameColumn).data().toString());
    });

    auto section = [this](QLabel* label, QTableView* view) {
        auto* box = new QWidget(this);
        auto* l = new QVBoxLayout(box);
        l->setContentsMargins(0, 4, 0, 0);
        QFont f = label->font();
        f.setBold(true);
        label->setFont(f);
        label->setTextFormat(Qt::PlainText);
        l->addWidget(label);
        l->addWidget(view, 1);
        return box;
    };
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(section(new QLabel(tr("Evidence files"), this), table_));
    split->addWidget(section(hostCaption_, hostTable_));
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    layout->addWidget(title_);
    layout->addWidget(counts_);
    layout->addWidget(emptyHint_);
    layout->addWidget(split, 1);
    setSummary(QString(), CaseSummary{}); // what the dock says until a case opens
}

void CaseOverviewWidget::setLoading(const QString& casePath) {
    title_->setText(QFileInfo(casePath).fileName());
    counts_->setText(tr("Loading\u2026 (counting the evidence of this case)"));
    emptyHint_->hide(); // "no evidence" only once the counts say so
    model_->setRows({});
}

void CaseOverviewWidget::setSummary(const QString& casePath, const CaseSummary& s) {
    if (casePath.isEmpty()) { // no case (closed)
        title_->setText(tr("No case open"));
        counts_->setText(tr("File \u2192 Open case\u2026 (Ctrl+O) or New case\u2026 (Ctrl+N); then drop proxy, DNS or "
                            "Sysmon logs on the window."));
        emptyHint_->hide();
        model_->setRows({});
        hosts_->setCase(QString());
        return;
    }
    const QLocale l;
    title_->setText(QFileInfo(casePath).fileName());
    // Counted with %Ln, each in its own words: "1 hosts" and "1 rejected lines" read wrong.
    const auto n = [](qint64 count) { return static_cast<int>(std::min<qint64>(count, INT_MAX)); };
    const QString dot = QStringLiteral(" \u00b7 ");
    QString text =
        QStringList{tr("%Ln proxy request(s)", nullptr, n(s.proxy)), tr("%Ln DNS queries", nullptr, n(s.dns)),
                    tr("%Ln Sysmon event(s)", nullptr, n(s.sysmon)), tr("%Ln process(es)", nullptr, n(s.processes))}
            .join(dot) +
        QLatin1Char('\n') +
        QStringList{tr("%Ln host(s)", nullptr, n(s.hostCount)), tr("%Ln alert(s)", nullptr, n(s.alerts)),
                    tr("%Ln rejected line(s)", nullptr, n(s.rejected))}
            .join(dot);
    if (s.sensorConnections + s.tlsSessions + s.sensorAlerts > 0) {
        text += QLatin1Char('\n') + tr("Network sensors: %1")
                                        .arg(QStringList{tr("%Ln connection(s)", nullptr, n(s.sensorConnections)),
                                                         tr("%Ln TLS session(s)", nullptr, n(s.tlsSessions)),
                                                         tr("%Ln alert(s)", nullptr, n(s.sensorAlerts))}
                                                 .join(dot));
    }
    if (s.firstTs) {
        text += QLatin1Char('\n') + tr("Evidence from %1").arg(utcSpanFromUs(s.firstTs, s.lastTs));
    }
    counts_->setText(text);
    emptyHint_->setVisible(s.evidence.isEmpty());
    model_->setRows(s.evidence);
    hosts_->setCase(casePath); // read again: the import or scoring pass that led here changed the counts
}

} // namespace socwb
