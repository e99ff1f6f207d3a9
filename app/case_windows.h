// What a running socwb does when another `socwb CASE` hands it a case (single_instance.h): raise
// the window that has the case open, else open it in a window that has no case yet, else in a new
// window. Cases are compared as files (symbolic links and relative names resolved).
#pragma once

#include "single_instance.h"

class QWidget;

namespace socwb {

class MainWindow;

namespace caseWindows {

// The window that has this case open, or nullptr.
MainWindow* windowWith(const QString& casePath);
// Brings a window to the front, un-minimized.
void raise(QWidget* window);
// The SingleInstance handler: shows the case (empty: raises a window) and says what it did.
SingleInstance::Reply show(const QString& casePath);

} // namespace caseWindows
} // namespace socwb
