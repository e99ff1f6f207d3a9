// Help → About: socwb's version (CMake's project VERSION, the one place it is set), the versions of
// Qt, SQLite, QCustomPlot and the other libraries it runs with, where the log is, and a button that
// copies all of it for a support ticket.
#pragma once

#include "core/library_versions.h"

#include <QDialog>

namespace socwb {

class AboutDialog : public QDialog {
    Q_OBJECT
  public:
    explicit AboutDialog(QWidget* parent = nullptr);
    // What the dialog shows and copies, as plain text.
    QString reportText() const;
    // libraryVersions() and QCustomPlot's, which only the widgets link.
    static QList<LibraryVersion> versions();
    // The lines `socwb --version` prints.
    static QString versionText();
};

} // namespace socwb
