// The case's audit log, newest first, read-only: who changed which verdict, suppression or
// evidence, and when. Non-modal; Refresh re-reads it.
#pragma once

#include <QDialog>

class QTableView;

namespace socwb {

class AuditLogModel;

class AuditLogDialog : public QDialog {
    Q_OBJECT
  public:
    AuditLogDialog(const QString& casePath, QWidget* parent = nullptr);
    AuditLogModel* model() const { return model_; }
    void reload();

  private:
    QString casePath_;
    AuditLogModel* model_;
    QTableView* view_;
};

} // namespace socwb
