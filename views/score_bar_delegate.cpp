#include "score_bar_delegate.h"

#include <QApplication>
#include <QPainter>

namespace socwb {

ScoreBarDelegate::ScoreBarDelegate(Mode mode, int scoreRole, int severityRole, QObject* parent)
    : QStyledItemDelegate(parent), mode_(mode), scoreRole_(scoreRole), severityRole_(severityRole) {}

QColor ScoreBarDelegate::severityColour(const QString& s) {
    if (s == QLatin1String("critical")) {
        return QColor(0xc6, 0x28, 0x28);
    }
    if (s == QLatin1String("high")) {
        return QColor(0xef, 0x6c, 0x00);
    }
    if (s == QLatin1String("medium")) {
        return QColor(0xf9, 0xa8, 0x25);
    }
    if (s == QLatin1String("low")) {
        return QColor(0x1e, 0x88, 0xe5);
    }
    return QColor(0x90, 0x90, 0x90);
}

void ScoreBarDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QVariant v = index.data(scoreRole_);
    const QString severity = index.data(severityRole_).toString();
    // A row with a severity but no score (a Sigma rule's hits) shows the Score column's own text.
    const bool textOnly = !v.isValid() && mode_ == Mode::Score && !severity.isEmpty();
    if (!textOnly) {
        opt.text.clear(); // the background, selection and focus come from the style; the rest is ours
    }
    QStyle* style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
    if (textOnly || (!v.isValid() && (mode_ == Mode::Score || severity.isEmpty()))) {
        return;
    }
    const QColor colour = severityColour(severity);
    const QRect r = opt.rect.adjusted(3, 4, -3, -4);
    painter->save();
    if (mode_ == Mode::Severity) {
        const QRect chip(r.left(), r.top(), r.height(), r.height());
        painter->fillRect(chip, colour);
        painter->setPen((opt.state & QStyle::State_Selected) ? opt.palette.color(QPalette::HighlightedText)
                                                             : opt.palette.color(QPalette::Text));
        painter->drawText(r.adjusted(chip.width() + 6, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft, severity);
        painter->restore();
        return;
    }
    const double score = qBound(0.0, v.toDouble(), 100.0);
    painter->setRenderHint(QPainter::Antialiasing, false);
    QColor track = opt.palette.color(QPalette::Mid);
    track.setAlpha(60);
    // The number to the right of the bar, never over it: it stays readable on any colour.
    const int textWidth = opt.fontMetrics.horizontalAdvance(QStringLiteral("100")) + 6;
    const QRect trackRect(r.left(), r.top(), qMax(0, r.width() - textWidth), r.height());
    painter->fillRect(trackRect, track);
    QRect bar = trackRect;
    bar.setWidth(static_cast<int>(trackRect.width() * score / 100.0));
    painter->fillRect(bar, colour);
    painter->setPen((opt.state & QStyle::State_Selected) ? opt.palette.color(QPalette::HighlightedText)
                                                         : opt.palette.color(QPalette::Text));
    painter->drawText(QRect(trackRect.right() + 1, r.top(), textWidth - 1, r.height()),
                      Qt::AlignVCenter | Qt::AlignRight, QString::number(score, 'f', 0));
    painter->restore();
}

QSize ScoreBarDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    const QString widest = mode_ == Mode::Score ? QStringLiteral("100100") : QStringLiteral("critical");
    s.setWidth(qMax(s.width(), option.fontMetrics.horizontalAdvance(widest) + 3 * option.fontMetrics.height()));
    return s;
}

} // namespace socwb
