// An investigation view in the window's bottom tabbed area. While the area is lower than the view
// needs to be readable (the queue and the detail have the height), the view is folded honestly: a
// line says what is folded and why, and a button raises it, instead of charts squeezed to a strip
// with clipped axis labels (issue 18). Raised tall enough, the view shows, scrolling if it must.
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QScrollArea;
class QStackedLayout;

namespace socwb {

class FoldArea : public QWidget {
    Q_OBJECT
  public:
    // BODY is the view (reparented into a scroll area); WHAT names it ("Polling intervals");
    // READABLEHEIGHT is the height below which it folds.
    FoldArea(QWidget* body, const QString& what, int readableHeight, QWidget* parent = nullptr);

    bool isFolded() const;
    // Shown but lower than the view's minimum: it scrolls (the charts raised at the tree's height).
    bool isCramped() const;
    int readableHeight() const { return readableHeight_; }
    QPushButton* showButton() const { return show_; }

  signals:
    void showRequested(); // the analyst asked for the folded view: the window gives it the height

  protected:
    void resizeEvent(QResizeEvent* event) override;

  private:
    void updateFold();

    int readableHeight_;
    QStackedLayout* stack_;
    QScrollArea* scroll_;
    QWidget* folded_;
    QLabel* text_;
    QPushButton* show_;
};

} // namespace socwb
