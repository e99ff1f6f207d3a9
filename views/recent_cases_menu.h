// File → Open recent: the cases RecentCases knows (socwb's own list and the desktop's), each shown
// with the folder it is in — two "case.socwb" from different investigations are told apart — and a
// case no longer there greyed out. Rebuilt each time it opens.
#pragma once

#include <QMenu>

namespace socwb {

class RecentCasesMenu : public QMenu {
    Q_OBJECT
  public:
    explicit RecentCasesMenu(QWidget* parent = nullptr);
    // The entries' text and path, rebuilt from the lists now (what opening the menu does).
    void rebuild();
    // "case.socwb — ~/cases/acme": a case's name and its folder, the home folder as ~.
    static QString label(const QString& path);

  signals:
    void caseChosen(const QString& path);
};

} // namespace socwb
