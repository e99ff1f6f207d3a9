// A table column as wide as the text it shows, and rows as tall as the alert queue's.
#pragma once

#include <QFontMetrics>
#include <QHeaderView>
#include <QStyle>
#include <QTableView>

namespace socwb {

// A column as wide as SAMPLE in the view's font, with the item delegate's margins on both sides
// (QStyle's focus-frame margin plus one pixel each, as Qt's delegate lays text out) and a little
// air: a time column sized in ems clipped "2024-03-04 09:15:56.123" in the default font at 1366x768.
inline int textColumnWidth(const QTableView* view, const QString& sample) {
    const int margin = view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 1;
    return view->fontMetrics().horizontalAdvance(sample) + 2 * margin + view->fontMetrics().averageCharWidth();
}

// Fixed rows, the font's height and 8 px: the queue's (a million rows: the header measures none),
// and the case explorer's (the style's default, 30 px, showed nine hosts at 1366x768).
inline void setQueueRowHeight(QTableView* view) {
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
}

} // namespace socwb
