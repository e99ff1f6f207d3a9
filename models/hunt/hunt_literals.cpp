// String literals, comments and regular expressions for the three hunt languages, each by its
// documented rules: SPL's double-quoted strings (backslash escapes; '*' cannot be escaped in a
// search), KQL's (\", \\, \n, \r, \t; newlines only escaped), ES|QL's lexer (\t \n \r \" \\),
// Lucene's regular expressions for ES|QL's RLIKE.
#include "hunt/hunt_query.h"

namespace socwb::hunt {

namespace {

bool isControl(char32_t c) {
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029;
}

QString fromCodePoint(char32_t c) {
    return QString::fromUcs4(&c, 1);
}

// UTF-8 percent-encoding of one character, for SPL's urldecode().
QString percentEncoded(char32_t c) {
    QString out;
    for (const char b : fromCodePoint(c).toUtf8()) {
        out += QStringLiteral("%%1").arg(static_cast<unsigned char>(b), 2, 16, QLatin1Char('0')).toUpper();
    }
    return out;
}

} // namespace

QString splString(const QString& text) {
    QStringList parts;
    QString run;
    bool open = false;
    const auto flush = [&] {
        if (open) {
            parts << QLatin1Char('"') + run + QLatin1Char('"');
            run.clear();
            open = false;
        }
    };
    for (const char32_t c : text.toUcs4()) {
        if (isControl(c)) {
            flush();
            parts << QStringLiteral("urldecode(\"%1\")").arg(percentEncoded(c));
            continue;
        }
        open = true;
        if (c == '"' || c == '\\') {
            run += QLatin1Char('\\');
        }
        run += fromCodePoint(c);
    }
    flush();
    return parts.isEmpty() ? QStringLiteral("\"\"") : parts.join(QLatin1Char('.'));
}

QString splSearchValue(const QString& text) {
    QString out = QStringLiteral("\"");
    for (const char32_t c : text.toUcs4()) {
        if (isControl(c)) {
            out += QLatin1Char('*');
            continue;
        }
        if (c == '"' || c == '\\') {
            out += QLatin1Char('\\');
        }
        out += fromCodePoint(c);
    }
    return out + QLatin1Char('"');
}

namespace {

// A double-quoted literal with C-style escapes for the quote, the backslash, \n, \r and \t; other
// control characters as `other` writes them.
template <typename Other> QString backslashEscaped(const QString& text, Other other) {
    QString out = QStringLiteral("\"");
    for (const char32_t c : text.toUcs4()) {
        switch (c) {
        case '"':
            out += QStringLiteral("\\\"");
            break;
        case '\\':
            out += QStringLiteral("\\\\");
            break;
        case '\n':
            out += QStringLiteral("\\n");
            break;
        case '\r':
            out += QStringLiteral("\\r");
            break;
        case '\t':
            out += QStringLiteral("\\t");
            break;
        default:
            out += isControl(c) ? other(c) : fromCodePoint(c);
        }
    }
    return out + QLatin1Char('"');
}

} // namespace

QString kqlString(const QString& text) {
    // Kusto's parser takes \uXXXX (tests/kql_check.js, tst_hunt).
    return backslashEscaped(text, [](char32_t c) {
        return c <= 0xffff ? QStringLiteral("\\u%1").arg(static_cast<unsigned>(c), 4, 16, QLatin1Char('0'))
                           : fromCodePoint(c);
    });
}

QString esqlString(const QString& text) {
    // ES|QL's lexer knows only \t \n \r \" \\ and takes any other character as itself; other
    // controls become a replacement character rather than go raw into a query someone pastes.
    return backslashEscaped(text, [](char32_t) { return QString(QChar(0xfffd)); });
}

QString commentText(const QString& text) {
    QString out;
    for (const char32_t c : text.toUcs4()) {
        out += isControl(c) || c == '`' ? QString(QLatin1Char('?')) : fromCodePoint(c);
    }
    return out.replace(QStringLiteral("*/"), QStringLiteral("* /"));
}

QString luceneRegex(const QString& pattern) {
    QString p = pattern;
    if (!p.startsWith(QLatin1Char('^'))) {
        p.prepend(QStringLiteral(".*")); // an unanchored search: anything may come first
    } else {
        p.remove(0, 1);
    }
    bool anchoredEnd = false;
    if (p.endsWith(QLatin1Char('$')) && !p.endsWith(QStringLiteral("\\$"))) {
        p.chop(1);
        anchoredEnd = true;
    }
    QString out;
    bool inClass = false;
    for (qsizetype i = 0; i < p.size(); ++i) {
        const QChar c = p.at(i);
        if (c == QLatin1Char('\\')) {
            if (i + 1 >= p.size()) {
                return {};
            }
            const QChar n = p.at(++i);
            if (n.isLetterOrNumber()) {
                return {}; // \d \w \s \b \x{..}: classes and assertions Lucene does not have
            }
            out += QLatin1Char('\\') + n;
            continue;
        }
        if (inClass) {
            if (c == QLatin1Char(']')) {
                inClass = false;
                out += c;
            } else if (c == QLatin1Char('-') && (p.at(i - 1) == QLatin1Char('[') || p.at(i - 1) == QLatin1Char('^') ||
                                                 (i + 1 < p.size() && p.at(i + 1) == QLatin1Char(']')))) {
                out += QStringLiteral("\\-"); // Lucene reads a bare '-' before ']' as a range
            } else if (QStringLiteral("\"#@&<>~").contains(c)) {
                out += QLatin1Char('\\') + c;
            } else {
                out += c;
            }
            continue;
        }
        if (c == QLatin1Char('[')) {
            inClass = true;
            out += c;
            if (i + 1 < p.size() && p.at(i + 1) == QLatin1Char('^')) {
                out += QLatin1Char('^');
                ++i;
            }
            continue;
        }
        if (c == QLatin1Char('^') || c == QLatin1Char('$')) {
            return {}; // an anchor inside the pattern ((^|x)): no Lucene equivalent
        }
        if (c == QLatin1Char('(') && i + 1 < p.size() && p.at(i + 1) == QLatin1Char('?')) {
            return {}; // lookaround, non-capturing groups with flags
        }
        if (QStringLiteral("\"#@&<>~").contains(c)) {
            out += QLatin1Char('\\');
        }
        out += c;
    }
    if (inClass) {
        return {};
    }
    return anchoredEnd ? out : out + QStringLiteral(".*");
}

} // namespace socwb::hunt
