#include "sort_arrow_style.h"

#include <QApplication>
#include <QHeaderView>
#include <QStyleOptionHeader>

namespace socwb {

void SortArrowStyle::install(QHeaderView* header) {
    auto* style = new SortArrowStyle(QApplication::style()->name());
    style->setParent(header); // a widget does not own the style it is given
    header->setStyle(style);
}

void SortArrowStyle::drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                                   const QWidget* widget) const {
    const auto* header = qobject_cast<const QHeaderView*>(widget);
    const auto* opt = qstyleoption_cast<const QStyleOptionHeader*>(option);
    if (element != PE_IndicatorHeaderArrow || !header || !opt || opt->sortIndicator == QStyleOptionHeader::None) {
        QProxyStyle::drawPrimitive(element, option, painter, widget);
        return;
    }
    // Only the sorted section gets an arrow, so the header's order is this section's.
    QStyleOption arrow(*option);
    QProxyStyle::drawPrimitive(header->sortIndicatorOrder() == Qt::DescendingOrder ? PE_IndicatorArrowDown
                                                                                   : PE_IndicatorArrowUp,
                               &arrow, painter, widget);
}

} // namespace socwb
