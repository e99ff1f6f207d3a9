// Paints a score (0–100) as a bar in the severity's colour with the number over it, or (Severity
// mode) a severity as a coloured chip with its name. Text is drawn with QPainter::drawText, never
// interpreted as markup.
#pragma once

#include <QStyledItemDelegate>

namespace socwb {

class ScoreBarDelegate : public QStyledItemDelegate {
    Q_OBJECT
  public:
    enum class Mode { Score, Severity };
    // scoreRole holds a double 0–100, severityRole the severity's name.
    ScoreBarDelegate(Mode mode, int scoreRole, int severityRole, QObject* parent = nullptr);
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

    static QColor severityColour(const QString& severity);

  private:
    Mode mode_;
    int scoreRole_;
    int severityRole_;
};

} // namespace socwb
