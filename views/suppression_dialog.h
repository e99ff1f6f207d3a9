// The case's suppression rules: list, add, edit, expire, and YAML import/export to share them
// between cases. Every change is audited by the store and announced with changed(), on which the
// window re-scores in the background (Rescore: no event is read) and the queue updates in place.
#pragma once

#include "scoring/suppression_store.h"

#include <QDialog>

class QLabel;
class QTableWidget;

namespace socwb {

class CaseStore;

class SuppressionDialog : public QDialog {
    Q_OBJECT
  public:
    enum Column {
        HostColumn,
        RoleColumn,
        ProcessColumn,
        DestinationColumn,
        UrlPrefixColumn,
        ReasonColumn,
        AuthorColumn,
        ExpiresColumn,
        StateColumn,
        ColumnCount
    };
    SuppressionDialog(CaseStore* store, QWidget* parent = nullptr);
    void reload();
    QTableWidget* table() const { return table_; }
    // Says what suppressions are and how to make one, while the case has none.
    QLabel* emptyHint() const { return emptyHint_; }
    const QVector<scoring::SuppressionRule>& rules() const { return rules_; }

  signals:
    void changed();
    // A write failed because the case's files did (I/O error, damaged or vanished file).
    void caseFailed(const QString& message);

  private:
    void addRule();
    void editRule();
    void expireRule();
    void importYaml();
    void exportYaml();
    bool guarded(const std::function<void()>& write);

    CaseStore* store_;
    QTableWidget* table_;
    QLabel* emptyHint_;
    QVector<scoring::SuppressionRule> rules_;
};

} // namespace socwb
