// The case explorer: what evidence the case holds, how many events of each source, its hosts and
// time span. Context menus open a file's rejected lines or a host's alerts, and copy. The host
// table is sorted by its model, in SQL on the model's thread (a case can hold 120k hosts).
#pragma once

#include "store/case_summary.h"

#include <QWidget>

class QLabel;
class QTableView;

namespace socwb {

class EvidenceTableModel;
class HostTableModel;

class CaseOverviewWidget : public QWidget {
    Q_OBJECT
  public:
    explicit CaseOverviewWidget(QWidget* parent = nullptr);
    // A case is opening: its counts are on their way (nothing says "no evidence" before they are).
    void setLoading(const QString& casePath);
    void setSummary(const QString& casePath, const CaseSummary& summary);
    EvidenceTableModel* evidenceModel() const { return model_; }
    HostTableModel* hostModel() const { return hosts_; }

  signals:
    void rejectedLinesRequested(qint64 evidenceId);
    void hostAlertsRequested(const QString& hostName);

  private:
    QLabel* title_;
    QLabel* counts_;
    QLabel* emptyHint_;
    QTableView* table_;
    EvidenceTableModel* model_;
    QTableView* hostTable_;
    HostTableModel* hosts_;
    QLabel* hostCaption_;
};

} // namespace socwb
