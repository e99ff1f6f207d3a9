#include "alert_filter.h"

#include <QCoreApplication>
#include <QHash>

namespace socwb {

namespace {

// Messages for the filter bar, through Qt's translation like every string the analyst reads.
QString trFilter(const char* text) {
    return QCoreApplication::translate("socwb::AlertFilter", text);
}

enum class Kind { Text, Number, Status, Suppressed, ItemKind, Source };

struct Key {
    const char* name;
    Kind kind;
    const char* columns; // SQL expressions, ';'-separated: a text term matches any of them
};

// The only places column names come from.
const Key kKeys[] = {
    {"host", Kind::Text, "a.host; coalesce(a.host_ips,'')"},
    {"role", Kind::Text, "coalesce(a.host_role,'')"},
    {"process", Kind::Text, "coalesce(a.process_name,''); coalesce(a.process_image,'')"},
    {"service", Kind::Text, "coalesce(a.service,''); coalesce(a.service_category,'')"},
    {"dest", Kind::Text, "a.destination; coalesce(a.registered_domain,'')"},
    {"destination", Kind::Text, "a.destination; coalesce(a.registered_domain,'')"},
    {"endpoint", Kind::Text, "coalesce(a.endpoint,'')"},
    {"severity", Kind::Text, "a.severity"},
    {"tag", Kind::Text, "(',' || replace(coalesce(t.tags,''),' ','') || ',')"},
    {"status", Kind::Status, "coalesce(t.status,'new')"},
    {"score", Kind::Number, "a.score"},
    {"requests", Kind::Number, "a.requests"},
    {"interval", Kind::Number, "a.median_interval_s"},
    {"jitter", Kind::Number, "a.jitter"},
    {"suppressed", Kind::Suppressed, ""},
    {"kind", Kind::ItemKind, ""},
    {"source", Kind::Source, "json_extract(a.features, '$.siem_origin')"},
};

const Key* findKey(const QString& name) {
    for (const Key& k : kKeys) {
        if (name.compare(QLatin1String(k.name), Qt::CaseInsensitive) == 0) {
            return &k;
        }
    }
    return nullptr;
}

// A term as typed, quotes removed; 'literal' marks the characters that came escaped from inside a
// quoted run (\" \\ \* \?), which are themselves and never syntax or wildcards.
struct Token {
    QString text;
    QList<bool> literal;
    void append(QChar c, bool lit) {
        text += c;
        literal << lit;
    }
    Token mid(int from) const { return {text.mid(from), literal.mid(from)}; }
};

// Splits on whitespace, keeping "quoted runs" (quotes removed) inside a token.
QList<Token> tokenize(const QString& text) {
    QList<Token> out;
    Token cur;
    bool quoted = false;
    bool any = false;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted && c == QLatin1Char('\\') && i + 1 < text.size() && QStringLiteral("\"\\*?").contains(text[i + 1])) {
            cur.append(text[++i], true);
        } else if (c == QLatin1Char('"')) {
            quoted = !quoted;
            any = true;
        } else if (c.isSpace() && !quoted) {
            if (any) {
                out << cur;
            }
            cur = Token{};
            any = false;
        } else {
            cur.append(c, false);
            any = true;
        }
    }
    if (any) {
        out << cur;
    }
    return out;
}

// A glob to a LIKE pattern with '\\' as the escape character; escaped characters are literal.
QString likePattern(const Token& glob, bool substring) {
    QString p;
    for (int i = 0; i < glob.text.size(); ++i) {
        const QChar c = glob.text[i];
        const bool literal = glob.literal.value(i);
        if (c == QLatin1Char('%') || c == QLatin1Char('_') || c == QLatin1Char('\\')) {
            p += QLatin1Char('\\');
            p += c;
        } else if (c == QLatin1Char('*') && !literal) {
            p += QLatin1Char('%');
        } else if (c == QLatin1Char('?') && !literal) {
            p += QLatin1Char('_');
        } else {
            p += c;
        }
    }
    return substring ? QLatin1Char('%') + p + QLatin1Char('%') : p;
}

QString anyOf(const QString& columns, const QString& pattern, QVariantList& params) {
    QStringList parts;
    for (const QString& col : columns.split(QLatin1Char(';'))) {
        const QString c = col.trimmed();
        parts << c + QStringLiteral(" LIKE ? ESCAPE '\\'");
        params << pattern;
    }
    return parts.size() == 1 ? parts.first() : QLatin1Char('(') + parts.join(QStringLiteral(" OR ")) + QLatin1Char(')');
}

const QStringList kStatuses{QStringLiteral("new"), QStringLiteral("in-review"), QStringLiteral("benign"),
                            QStringLiteral("malicious"), QStringLiteral("escalated")};

} // namespace

QString quoteFilterValue(const QString& value) {
    QString out = QStringLiteral("\"");
    for (const QChar c : value) {
        if (QStringLiteral("\"\\*?").contains(c)) {
            out += QLatin1Char('\\');
        }
        out += c;
    }
    return out + QLatin1Char('"');
}

QStringList alertFilterKeys() {
    QStringList keys;
    for (const Key& k : kKeys) {
        keys << QString::fromLatin1(k.name);
    }
    return keys;
}

AlertFilter parseAlertFilter(const QString& text) {
    AlertFilter f;
    QStringList terms;
    QString suppressed = QStringLiteral("no");
    for (Token token : tokenize(text)) {
        bool negate = false;
        if (token.text.size() > 1 && token.text.startsWith(QLatin1Char('-')) && !token.literal.value(0)) {
            negate = true;
            token = token.mid(1);
        }
        const QString& tok = token.text;
        // key, operator, value: the first ':' or comparison sign after a word of letters.
        int opAt = -1;
        for (int i = 0; i < tok.size(); ++i) {
            const QChar c = tok[i];
            if (token.literal.value(i)) {
                break;
            }
            if (c == QLatin1Char(':') || c == QLatin1Char('<') || c == QLatin1Char('>') || c == QLatin1Char('=')) {
                opAt = i;
                break;
            }
            if (!c.isLetter()) {
                break;
            }
        }
        QString term;
        if (opAt <= 0) {
            if (tok.isEmpty()) {
                continue;
            }
            const QString pattern = likePattern(token, true);
            term = anyOf(QStringLiteral("a.host; coalesce(a.process_name,''); a.destination; coalesce(a.service,''); "
                                        "coalesce(a.endpoint,'')"),
                         pattern, f.params);
        } else {
            const QString name = tok.left(opAt);
            QString op;
            int v = opAt;
            // Up to three signs: "score:>=70" is ':' then '>='.
            while (v < tok.size() && QStringLiteral(":<>=").contains(tok[v]) && !token.literal.value(v) &&
                   op.size() < 3) {
                op += tok[v++];
            }
            const Token valueToken = token.mid(v);
            const QString& value = valueToken.text;
            const Key* key = findKey(name);
            if (!key) {
                f.errors
                    << trFilter("unknown key '%1' (known: %2)").arg(name, alertFilterKeys().join(QStringLiteral(", ")));
                continue;
            }
            if (value.isEmpty()) {
                f.errors << trFilter("'%1' has no value").arg(tok);
                continue;
            }
            const QString cols = QString::fromLatin1(key->columns);
            switch (key->kind) {
            case Kind::Number: {
                static const QHash<QString, QString> ops{
                    {QStringLiteral(":"), QStringLiteral("=")},    {QStringLiteral("="), QStringLiteral("=")},
                    {QStringLiteral(":="), QStringLiteral("=")},   {QStringLiteral(">"), QStringLiteral(">")},
                    {QStringLiteral(">="), QStringLiteral(">=")},  {QStringLiteral(":>"), QStringLiteral(">")},
                    {QStringLiteral(":>="), QStringLiteral(">=")}, {QStringLiteral("<"), QStringLiteral("<")},
                    {QStringLiteral("<="), QStringLiteral("<=")},  {QStringLiteral(":<"), QStringLiteral("<")},
                    {QStringLiteral(":<="), QStringLiteral("<=")}};
                bool ok = false;
                const double number = value.toDouble(&ok);
                if (!ops.contains(op) || !ok) {
                    f.errors << trFilter("'%1': expected %2 followed by =, >, >=, < or <= and a number").arg(tok, name);
                    continue;
                }
                term = QStringLiteral("%1 %2 ?").arg(cols, ops.value(op));
                f.params << number;
                break;
            }
            case Kind::Status: {
                if (op != QLatin1String(":")) {
                    f.errors << trFilter("'%1': status takes ':'").arg(tok);
                    continue;
                }
                QStringList wanted;
                for (const QString& s : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                    const QString lower =
                        s.toLower() == QLatin1String("review") ? QStringLiteral("in-review") : s.toLower();
                    if (!kStatuses.contains(lower)) {
                        f.errors << trFilter("'%1': unknown status (known: %2)")
                                        .arg(s, kStatuses.join(QStringLiteral(", ")));
                        continue;
                    }
                    wanted << lower;
                }
                if (wanted.isEmpty()) {
                    continue;
                }
                term = QStringLiteral("%1 IN (%2)")
                           .arg(cols, QStringList(wanted.size(), QStringLiteral("?")).join(QLatin1Char(',')));
                for (const QString& s : wanted) {
                    f.params << s;
                }
                break;
            }
            case Kind::Suppressed: {
                const QString lower = value.toLower();
                if (lower == QLatin1String("yes") || lower == QLatin1String("only")) {
                    suppressed = QStringLiteral("yes");
                } else if (lower == QLatin1String("any") || lower == QLatin1String("all")) {
                    suppressed = QStringLiteral("any");
                } else if (lower == QLatin1String("no")) {
                    suppressed = QStringLiteral("no");
                } else {
                    f.errors << trFilter("'%1': suppressed takes yes, no or any").arg(tok);
                }
                continue;
            }
            case Kind::ItemKind: {
                const QString lower = value.toLower();
                if (lower.startsWith(QLatin1String("channel"))) {
                    f.kinds = negate ? AlertKinds::Sigma : AlertKinds::Channels;
                } else if (lower == QLatin1String("sigma")) {
                    f.kinds = negate ? AlertKinds::Channels : AlertKinds::Sigma;
                } else if (lower == QLatin1String("any") || lower == QLatin1String("all") ||
                           lower == QLatin1String("both")) {
                    f.kinds = AlertKinds::Both;
                } else {
                    f.errors << trFilter("'%1': kind takes channel, sigma or any").arg(tok);
                }
                continue;
            }
            case Kind::Source: {
                // Where the channel came from: a SIEM export's row, or events in the case (a channel
                // of events that absorbed a SIEM row is of events).
                const QString lower = value.toLower();
                if (op != QLatin1String(":") || (lower != QLatin1String("siem") && lower != QLatin1String("events"))) {
                    f.errors << trFilter("'%1': source takes siem or events").arg(tok);
                    continue;
                }
                term = QStringLiteral("%1 IS %2NULL")
                           .arg(cols, lower == QLatin1String("siem") ? QStringLiteral("NOT ") : QString());
                break;
            }
            case Kind::Text: {
                if (op != QLatin1String(":")) {
                    f.errors << trFilter("'%1': %2 takes ':'").arg(tok, name);
                    continue;
                }
                QString pattern;
                if (qstrcmp(key->name, "tag") == 0) {
                    Token wrapped{QStringLiteral(","), {false}};
                    wrapped.text += value + QLatin1Char(',');
                    wrapped.literal << valueToken.literal << false;
                    pattern = QLatin1Char('%') + likePattern(wrapped, false) + QLatin1Char('%');
                } else {
                    pattern = likePattern(valueToken, false);
                }
                term = anyOf(cols, pattern, f.params);
                break;
            }
            }
        }
        terms << (negate ? QStringLiteral("NOT (%1)").arg(term) : term);
    }
    if (suppressed == QLatin1String("no")) {
        terms.prepend(QStringLiteral("a.suppressed_by IS NULL"));
    } else if (suppressed == QLatin1String("yes")) {
        terms.prepend(QStringLiteral("a.suppressed_by IS NOT NULL"));
    }
    f.where = terms.isEmpty() ? QStringLiteral("1") : terms.join(QStringLiteral(" AND "));
    return f;
}

} // namespace socwb
