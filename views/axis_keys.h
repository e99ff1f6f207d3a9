// Keyboard zoom and pan for a QCustomPlot time axis, shared by the charts and the timeline:
// + or = zooms in around the centre, - zooms out, Left/Right pan by a tenth of the view.
#pragma once

class QCPAxis;

namespace socwb {

// Applies KEY (a Qt::Key) to AXIS; false when the key is not one of these.
bool applyAxisKey(QCPAxis* axis, int key);

} // namespace socwb
