#include "factor_bar.h"

#include <QPainter>

namespace socwb {

FactorBar::FactorBar(double contribution, double scale, QWidget* parent)
    : QWidget(parent), contribution_(contribution), scale_(scale > 0 ? scale : 1) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(tr("%1 points").arg(contribution, 0, 'f', 1));
}

QSize FactorBar::sizeHint() const {
    return {160, fontMetrics().height() + 4};
}

QSize FactorBar::minimumSizeHint() const {
    return {80, fontMetrics().height() + 4};
}

void FactorBar::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QString value =
        QStringLiteral("%1%2").arg(contribution_ > 0 ? QStringLiteral("+") : QString()).arg(contribution_, 0, 'f', 1);
    const int textWidth = fontMetrics().horizontalAdvance(QStringLiteral("+100.0")) + 6;
    const QRect area = rect().adjusted(0, 2, -textWidth, -2);
    const int mid = area.left() + area.width() / 3; // a third of the room for factors that lower the score
    QColor track = palette().color(QPalette::Mid);
    track.setAlpha(50);
    p.fillRect(area, track);
    if (contribution_ >= 0) {
        const int w = static_cast<int>((area.right() - mid) * qMin(1.0, contribution_ / scale_));
        p.fillRect(QRect(mid, area.top(), w, area.height()), palette().color(QPalette::Highlight));
    } else {
        const int w = static_cast<int>((mid - area.left()) * qMin(1.0, -contribution_ / scale_));
        p.fillRect(QRect(mid - w, area.top(), w, area.height()), QColor(0x60, 0x9f, 0x60));
    }
    p.setPen(palette().color(QPalette::WindowText));
    p.drawLine(mid, area.top(), mid, area.bottom());
    p.drawText(QRect(area.right() + 2, 0, textWidth - 2, height()), Qt::AlignVCenter | Qt::AlignRight, value);
}

} // namespace socwb
