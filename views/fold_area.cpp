#include "fold_area.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QResizeEvent>
#include <QScrollArea>
#include <QStackedLayout>
#include <QVBoxLayout>

namespace socwb {

namespace {
// Holds the view in the scroll area. A view with a wrapping label has a height for its width, and
// QScrollArea gives such a widget its preferred height for the width, not its minimum: the charts
// (minimum 411 px) got 461 in a 444 px viewport at 1366x768 and the heat map's axis label went
// under the edge. Answering with the minimum lets the view take the viewport's height whenever it
// fits, and scroll only below its minimum.
class ScrollBody : public QWidget {
  public:
    explicit ScrollBody(QWidget* view) {
        auto* layout = new QVBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(view);
    }
    int heightForWidth(int w) const override { return layout()->totalMinimumHeightForWidth(w); }
};
} // namespace

FoldArea::FoldArea(QWidget* body, const QString& what, int readableHeight, QWidget* parent)
    : QWidget(parent), readableHeight_(readableHeight), stack_(new QStackedLayout(this)),
      scroll_(new QScrollArea(this)), folded_(new QWidget(this)), text_(new QLabel(folded_)),
      show_(new QPushButton(tr("Show %1").arg(what.toLower()), folded_)) {
    scroll_->setWidget(new ScrollBody(body));
    scroll_->setWidgetResizable(true);
    scroll_->setFrameShape(QFrame::NoFrame);
    text_->setTextFormat(Qt::PlainText);
    text_->setWordWrap(true);
    text_->setText(tr("%1 folded: the views above have the height. It follows the selected alert.").arg(what));
    text_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    show_->setObjectName(QStringLiteral("foldShow"));
    auto* row = new QHBoxLayout(folded_);
    row->setContentsMargins(6, 2, 6, 2);
    row->addWidget(text_, 1);
    row->addWidget(show_, 0, Qt::AlignVCenter);
    connect(show_, &QPushButton::clicked, this, &FoldArea::showRequested);
    stack_->addWidget(scroll_);
    stack_->addWidget(folded_);
    // Folded, the area asks for no more than its line: the dock can shrink to it.
    setMinimumHeight(0);
    updateFold();
}

bool FoldArea::isFolded() const {
    return stack_->currentWidget() == folded_;
}

bool FoldArea::isCramped() const {
    const QWidget* view = scroll_->widget();
    return !isFolded() && view->heightForWidth(scroll_->viewport()->width()) > scroll_->viewport()->height();
}

void FoldArea::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    updateFold();
}

void FoldArea::updateFold() {
    stack_->setCurrentWidget(height() < readableHeight_ ? folded_ : scroll_);
}

} // namespace socwb
