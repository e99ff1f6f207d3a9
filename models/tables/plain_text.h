// Untrusted text (host names, URLs, command lines from evidence) in places where Qt would guess
// whether a string is rich text — tooltips above all. Escaping alone is not enough there: Qt
// shows "&lt;b&gt;" verbatim when it guesses "plain"; wrapped in a paragraph the guess is always
// "rich" and the escaped text renders exactly as the evidence had it.
#pragma once

#include <QString>

namespace socwb {

inline QString plainToolTip(const QString& untrusted) {
    if (untrusted.isEmpty()) {
        return {};
    }
    return QStringLiteral("<p style=\"white-space:pre-wrap\">%1</p>").arg(untrusted.toHtmlEscaped());
}

} // namespace socwb
