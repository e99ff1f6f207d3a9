// Help → User guide: the offline HTML guide installed with socwb (share/socwb/guide, or docs/guide
// in a build tree) in a window of its own, links inside it followed there, and a button that hands
// it to the desktop's browser. Nothing is fetched from the network.
#pragma once

#include <QDialog>

class QTextBrowser;

namespace socwb {

class UserGuideDialog : public QDialog {
    Q_OBJECT
  public:
    explicit UserGuideDialog(QWidget* parent = nullptr);
    // The guide's index.html: beside an installed socwb, else in the source tree; empty if neither.
    static QString guidePath();
    QTextBrowser* browser() const { return browser_; }

  private:
    QTextBrowser* browser_;
};

} // namespace socwb
