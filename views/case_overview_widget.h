// The case at a glance: what evidence it holds, how many events of each source, hosts, time span.
#pragma once

#include "store/case_summary.h"

#include <QWidget>

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace socwb {

class EvidenceTableModel;
class HostTableModel;

class CaseOverviewWidget : public QWidget {
    Q_OBJECT
public:
    explicit CaseOverviewWidget(QWidget* parent = nullptr);
    void setSummary(const QString& casePath, const CaseSummary& summary);
    EvidenceTableModel* evidenceModel() const { return model_; }
    HostTableModel* hostModel() const { return hosts_; }

private:
    QLabel* title_;
    QLabel* counts_;
    QLabel* emptyHint_;
    QTableView* table_;
    EvidenceTableModel* model_;
    QTableView* hostTable_;
    HostTableModel* hosts_;
    QSortFilterProxyModel* hostSort_;
};

} // namespace socwb
