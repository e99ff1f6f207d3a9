// A Sigma queue item in full (models/tables/sigma_detail.h): the rule's title and level, its
// ATT&CK tags in words, references and author with the Detection Rule License attribution, the
// rule file, the triage, and the rows it matched with their provenance. All text is plain.
#pragma once

#include "tables/sigma_detail.h"

#include <QWidget>

class QLabel;
class QTableView;

namespace socwb {

class SigmaDetailWidget : public QWidget {
    Q_OBJECT
  public:
    explicit SigmaDetailWidget(QWidget* parent = nullptr);
    void display(const SigmaDetail& d);
    SigmaHitModel* hitModel() const { return hits_; }

  private:
    QLabel* plainLabel();
    QLabel* title_;
    QLabel* summary_;
    QLabel* tags_;
    QLabel* references_;
    QLabel* rule_;
    QLabel* triage_;
    QLabel* hitsCaption_;
    QTableView* hitView_;
    SigmaHitModel* hits_;
};

} // namespace socwb
