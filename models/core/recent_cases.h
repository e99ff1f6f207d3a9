// The cases opened lately, from two lists: socwb's own (QSettings, newest first) and the desktop's
// (freedesktop.org's recently-used.xbel, the list GTK and KDE applications, file choosers and shells
// share, read and written through GLib's GBookmarkFile). A case opened from the file manager or
// another socwb thus shows in File → Open recent, and a case opened here shows in the desktop's
// recent files. The desktop's list is only written when it could be read: a file GLib cannot parse
// is left as it is, so socwb never wipes another application's history.
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

namespace socwb {

class RecentCases {
  public:
    struct Entry {
        QString path;       // absolute
        QDateTime lastUsed; // invalid when neither list knows when
        bool exists = false;
    };

    static constexpr const char* kMimeType = "application/x-socwb-case";
    static constexpr const char* kApplication = "socwb";

    // xbelPath: the desktop's list (defaultXbelPath() unless a test gives another).
    explicit RecentCases(QString xbelPath = defaultXbelPath());
    // $XDG_DATA_HOME/recently-used.xbel (~/.local/share/recently-used.xbel).
    static QString defaultXbelPath();

    // Records that the case was opened now, in both lists.
    void add(const QString& path);
    // Newest first, each case once, at most `limit`: socwb's entries and the desktop's .socwb files.
    QList<Entry> entries(int limit = 10) const;
    // Empties socwb's list and takes socwb's registrations out of the desktop's (entries other
    // applications registered stay).
    void clear();
    // Why the desktop's list was not read or written last time (empty when it was).
    QString desktopProblem() const { return problem_; }

  private:
    QString xbel_;
    mutable QString problem_;
};

} // namespace socwb
