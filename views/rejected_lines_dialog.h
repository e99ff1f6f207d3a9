// A finished file's rejected lines: line number, offset, why, and the bytes as read (plain text).
#pragma once

#include <QDialog>

class QTableWidget;

namespace socwb {

class RejectedLinesDialog : public QDialog {
    Q_OBJECT
  public:
    static constexpr int kLimit = 5000;
    RejectedLinesDialog(const QString& casePath, qint64 evidenceId, QWidget* parent = nullptr);
    QTableWidget* table() const { return table_; }

  signals:
    void loaded();

  private:
    QTableWidget* table_;
};

} // namespace socwb
