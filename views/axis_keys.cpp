#include "axis_keys.h"

#include <qcustomplot.h>

namespace socwb {

bool applyAxisKey(QCPAxis* axis, int key) {
    const double size = axis->range().size();
    switch (key) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        axis->scaleRange(0.8, axis->range().center());
        return true;
    case Qt::Key_Minus:
        axis->scaleRange(1.25, axis->range().center());
        return true;
    case Qt::Key_Left:
        axis->moveRange(-size * 0.1);
        return true;
    case Qt::Key_Right:
        axis->moveRange(size * 0.1);
        return true;
    default:
        return false;
    }
}

} // namespace socwb
