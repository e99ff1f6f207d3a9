// Sort arrows that point the way the values run down a table: down while the largest (or the last
// in the alphabet) come first, up while the smallest do. Qt's header asks the style for an "up"
// indicator when a column is sorted descending, and Fusion on Linux draws it pointing up, so a
// queue sorted by score, largest first, showed an arrow pointing up. This style draws the arrow
// from the header's order itself, the same on every platform; the rest is the application's style.
#pragma once

#include <QProxyStyle>

class QHeaderView;

namespace socwb {

class SortArrowStyle : public QProxyStyle {
    Q_OBJECT
  public:
    using QProxyStyle::QProxyStyle;
    // Gives HEADER this style (owned by the header), over the application's style.
    static void install(QHeaderView* header);
    void drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                       const QWidget* widget = nullptr) const override;
};

} // namespace socwb
