// Untrusted text (host names, URLs, command lines from evidence) on its way to a person.
//  - visibleText: characters that change how text reads without being seen — bidi overrides and
//    isolates (U+202E makes "exe.txt" read as "txt.exe"), zero-width and other format characters,
//    control characters — become visible marks such as ⟨U+202E⟩ (Unicode's general category Cf,
//    Cc, Zl and Zp: https://www.unicode.org/reports/tr44/#General_Category_Values; the bidi
//    controls of UAX #9 §2 are all Cf). Tabs and line feeds stay.
//  - plainToolTip: places where Qt would guess whether a string is rich text — tooltips above all.
//    Escaping alone is not enough there: Qt shows "&lt;b&gt;" verbatim when it guesses "plain";
//    wrapped in a paragraph the guess is always "rich" and the escaped text renders as given.
//  - csvCell: RFC 4180 quoting, and a leading = + - @ tab or CR prefixed with ' so that a
//    spreadsheet does not run evidence text as a formula (OWASP, "CSV Injection").
#pragma once

#include <QString>
#include <QVariant>

namespace socwb {

inline bool isInvisibleCodePoint(char32_t u) {
    if (u == U'\t' || u == U'\n') {
        return false;
    }
    switch (QChar::category(u)) {
    case QChar::Other_Format:
    case QChar::Other_Control:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return true;
    default:
        // Fillers that render as nothing (Hangul fillers, braille blank is visible enough).
        return u == 0x115F || u == 0x1160 || u == 0x3164 || u == 0xFFA0 || u == 0x180E;
    }
}

inline QString visibleText(const QString& untrusted) {
    QString out;
    bool changed = false;
    for (qsizetype i = 0; i < untrusted.size(); ++i) {
        char32_t u = untrusted[i].unicode();
        qsizetype width = 1;
        if (QChar::isHighSurrogate(u) && i + 1 < untrusted.size() && untrusted[i + 1].isLowSurrogate()) {
            u = QChar::surrogateToUcs4(untrusted[i], untrusted[i + 1]);
            width = 2;
        }
        if (isInvisibleCodePoint(u)) {
            if (!changed) {
                out = untrusted.left(i);
                changed = true;
            }
            out += QStringLiteral("\u27e8U+%1\u27e9")
                       .arg(QString::number(uint(u), 16).toUpper().rightJustified(4, QLatin1Char('0')));
        } else if (changed) {
            out += untrusted.mid(i, width);
        }
        i += width - 1;
    }
    return changed ? out : untrusted;
}

// A model's data() for display and tooltip roles, with invisible characters made visible.
inline QVariant visibleData(const QVariant& v, int role) {
    if ((role == Qt::DisplayRole || role == Qt::ToolTipRole) && v.typeId() == QMetaType::QString) {
        return visibleText(v.toString());
    }
    return v;
}

inline QString plainToolTip(const QString& untrusted) {
    if (untrusted.isEmpty()) {
        return {};
    }
    return QStringLiteral("<p style=\"white-space:pre-wrap\">%1</p>").arg(visibleText(untrusted).toHtmlEscaped());
}

inline QString csvCell(QString v) {
    v = visibleText(v);
    if (!v.isEmpty() && QStringLiteral("=+-@\t\r").contains(v.front())) {
        v.prepend(QLatin1Char('\''));
    }
    if (v.contains(QLatin1Char(',')) || v.contains(QLatin1Char('"')) || v.contains(QLatin1Char('\n')) ||
        v.contains(QLatin1Char('\r'))) {
        v = QLatin1Char('"') + v.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    }
    return v;
}

} // namespace socwb
