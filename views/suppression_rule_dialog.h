// Add or edit one suppression rule: the criteria (every one set must match), the reason that is
// required, an optional expiry, and whether it is on.
#pragma once

#include "scoring/suppression_store.h"

#include <QDialog>

class QCheckBox;
class QLineEdit;
class QPushButton;

namespace socwb {

class SuppressionRuleDialog : public QDialog {
    Q_OBJECT
  public:
    explicit SuppressionRuleDialog(const scoring::SuppressionRule& rule, QWidget* parent = nullptr);
    scoring::SuppressionRule rule() const;

  private:
    scoring::SuppressionRule rule_;
    QLineEdit* host_;
    QLineEdit* role_;
    QLineEdit* process_;
    QLineEdit* destination_;
    QLineEdit* urlPrefix_;
    QLineEdit* reason_;
    QLineEdit* expires_;
    QCheckBox* enabled_;
    QPushButton* ok_;
};

} // namespace socwb
