#include "sigma_compiler.h"

#include <QHash>
#include <QRegularExpression>

#include <arpa/inet.h>

#include <cmath>
#include <optional>

namespace socwb::sigma {

namespace {

// A Sigma string: characters, each literal or a wildcard (kinds: 'l', '*', '?').
struct Pattern {
    QString chars;
    QByteArray kinds;

    void add(QChar c, char kind) {
        chars += c;
        kinds += kind;
    }
    void addLiteral(const QString& s) {
        for (QChar c : s) {
            add(c, 'l');
        }
    }
    bool hasWildcards() const { return kinds.contains('*') || kinds.contains('?'); }
    static Pattern literal(const QString& s) {
        Pattern p;
        p.addLiteral(s);
        return p;
    }
    // Sigma's escapes: \* \? \\ are the literal character; a backslash before anything else stays.
    static Pattern parse(const QString& s) {
        Pattern p;
        for (qsizetype i = 0; i < s.size(); ++i) {
            const QChar c = s.at(i);
            if (c == QLatin1Char('\\') && i + 1 < s.size() &&
                (s.at(i + 1) == QLatin1Char('*') || s.at(i + 1) == QLatin1Char('?') ||
                 s.at(i + 1) == QLatin1Char('\\'))) {
                p.add(s.at(++i), 'l');
            } else if (c == QLatin1Char('*') || c == QLatin1Char('?')) {
                p.add(c, c.toLatin1());
            } else {
                p.add(c, 'l');
            }
        }
        return p;
    }
    Pattern wrapped(bool before, bool after) const {
        Pattern p;
        if (before && !(kinds.startsWith('*'))) {
            p.add(QLatin1Char('*'), '*');
        }
        p.chars += chars;
        p.kinds += kinds;
        if (after && !(kinds.endsWith('*'))) {
            p.add(QLatin1Char('*'), '*');
        }
        return p;
    }
    // LIKE with ESCAPE '\': % _ \ are escaped.
    QString like() const {
        QString out;
        for (qsizetype i = 0; i < chars.size(); ++i) {
            const QChar c = chars.at(i);
            if (kinds.at(i) == '*') {
                out += QLatin1Char('%');
            } else if (kinds.at(i) == '?') {
                out += QLatin1Char('_');
            } else {
                if (c == QLatin1Char('%') || c == QLatin1Char('_') || c == QLatin1Char('\\')) {
                    out += QLatin1Char('\\');
                }
                out += c;
            }
        }
        return out;
    }
    // GLOB (case-sensitive): * ? [ are literal inside brackets.
    QString glob() const {
        QString out;
        for (qsizetype i = 0; i < chars.size(); ++i) {
            const QChar c = chars.at(i);
            if (kinds.at(i) != 'l') {
                out += c;
            } else if (c == QLatin1Char('*') || c == QLatin1Char('?') || c == QLatin1Char('[')) {
                out += QLatin1Char('[') + c + QLatin1Char(']');
            } else {
                out += c;
            }
        }
        return out;
    }
};

struct Failure {
    QString reason;
};

QString joinBalanced(const QStringList& parts, const QString& op, qsizetype from, qsizetype to) {
    if (to - from == 1) {
        return parts.at(from);
    }
    const qsizetype mid = from + (to - from) / 2;
    return QLatin1Char('(') + joinBalanced(parts, op, from, mid) + QLatin1Char(' ') + op + QLatin1Char(' ') +
           joinBalanced(parts, op, mid, to) + QLatin1Char(')');
}

// a OR b OR ... as a balanced tree, so a list of hundreds of values stays within SQLite's
// expression depth.
QString joinAll(const QStringList& parts, const QString& op) {
    if (parts.isEmpty()) {
        return op == QLatin1String("AND") ? QStringLiteral("1") : QStringLiteral("0");
    }
    return joinBalanced(parts, op, 0, parts.size());
}

void windashOf(const Pattern& p, QList<Pattern>& out) {
    static const QList<QChar> dashes{QLatin1Char('-'), QLatin1Char('/'), QChar(0x2013), QChar(0x2014), QChar(0x2015)};
    auto isWord = [](QChar c) { return c.isLetterOrNumber() || c == QLatin1Char('_'); };
    QList<qsizetype> positions;
    for (qsizetype i = 0; i < p.chars.size(); ++i) {
        const QChar c = p.chars.at(i);
        if (p.kinds.at(i) != 'l' || (c != QLatin1Char('-') && c != QLatin1Char('/'))) {
            continue;
        }
        const bool wordBefore = i > 0 && p.kinds.at(i - 1) == 'l' && isWord(p.chars.at(i - 1));
        const bool wordAfter = i + 1 < p.chars.size() && p.kinds.at(i + 1) == 'l' && isWord(p.chars.at(i + 1));
        if (!wordBefore && wordAfter) {
            positions << i;
        }
    }
    out.clear();
    if (positions.isEmpty()) {
        out << p;
        return;
    }
    // Every combination while there are few; beyond 3 dashes, each dash form for all of them.
    if (positions.size() <= 3) {
        qsizetype total = 1;
        for (qsizetype k = 0; k < positions.size(); ++k) {
            total *= dashes.size();
        }
        for (qsizetype n = 0; n < total; ++n) {
            Pattern v = p;
            qsizetype rest = n;
            for (qsizetype pos : positions) {
                v.chars[pos] = dashes.at(rest % dashes.size());
                rest /= dashes.size();
            }
            out << v;
        }
    } else {
        for (QChar d : dashes) {
            Pattern v = p;
            for (qsizetype pos : positions) {
                v.chars[pos] = d;
            }
            out << v;
        }
    }
}

class Compiler {
  public:
    Compiler(const SigmaRule& rule, const LogSourceMapping& ls, CompiledRule& out) : rule_(rule), ls_(ls), out_(out) {}

    QString condition(const QString& text);
    // What a row must hold for the expression `sql` (one this compiler returned) to be true.
    Requirement requirement(const QString& sql) const {
        const auto it = needs_.constFind(sql);
        return it == needs_.constEnd() ? std::nullopt : Requirement(*it);
    }
    // joinAll(), its requirement derived from the parts'.
    QString joined(const QStringList& parts, const QString& op);

  private:
    // The condition's grammar: or := and ('or' and)*; and := not ('and' not)*;
    // not := 'not' not | '(' or ')' | ('1'|'any'|'all') 'of' (name-pattern | 'them') | name.
    QString parseOr();
    QString parseAnd();
    QString parseNot();
    QString parsePrimary();
    QString detection(const QString& name);
    QString matchSql(const FieldMatch& m);
    QString valueSql(const FieldMatch& m, const FieldSource& f, const QString& alias, const SigmaValue& v);
    QString input(const QString& field, FieldSource* source = nullptr);
    QString param(const QVariant& v) {
        out_.params << v;
        return QStringLiteral("?#%1#").arg(out_.params.size() - 1);
    }

    const SigmaRule& rule_;
    const LogSourceMapping& ls_;
    CompiledRule& out_;
    QStringList tokens_;
    qsizetype pos_ = 0;
    QMap<QString, QString> compiled_;
    // The requirements of the expressions that have one (none: nothing is known, e.g. a negation).
    QHash<QString, QList<Clause>> needs_;
    void need(const QString& sql, const Requirement& r) {
        if (r) {
            needs_.insert(sql, *r);
        }
    }
};

QString Compiler::joined(const QStringList& parts, const QString& op) {
    const QString sql = joinAll(parts, op);
    QList<Requirement> reqs;
    for (const QString& p : parts) {
        reqs << requirement(p);
    }
    need(sql, op == QLatin1String("AND") ? allOf(reqs) : anyOf(reqs));
    return sql;
}

QString Compiler::input(const QString& field, FieldSource* source) {
    auto it = ls_.fields.constFind(field);
    if (it == ls_.fields.constEnd()) {
        for (auto i = ls_.fields.constBegin(); i != ls_.fields.constEnd(); ++i) {
            if (i.key().compare(field, Qt::CaseInsensitive) == 0) {
                it = i;
                break;
            }
        }
    }
    if (it == ls_.fields.constEnd()) {
        throw Failure{QStringLiteral("field %1 not stored for category %2").arg(field, ls_.category)};
    }
    out_.inputs.insert(it->alias(), *it);
    if (source) {
        *source = *it;
    }
    return it->alias();
}

QString Compiler::condition(const QString& text) {
    if (text.contains(QLatin1Char('|'))) {
        throw Failure{QStringLiteral("aggregation in the condition (%1) not supported").arg(text.simplified())};
    }
    tokens_.clear();
    pos_ = 0;
    static const QRegularExpression token(QStringLiteral("\\(|\\)|[^\\s()]+"));
    for (auto it = token.globalMatch(text); it.hasNext();) {
        tokens_ << it.next().captured(0);
    }
    if (tokens_.isEmpty()) {
        throw Failure{QStringLiteral("empty condition")};
    }
    QString sql = parseOr();
    if (pos_ != tokens_.size()) {
        throw Failure{QStringLiteral("condition: unexpected '%1'").arg(tokens_.at(pos_))};
    }
    return sql;
}

QString Compiler::parseOr() {
    QStringList parts{parseAnd()};
    while (pos_ < tokens_.size() && tokens_.at(pos_).compare(QLatin1String("or"), Qt::CaseInsensitive) == 0) {
        ++pos_;
        parts << parseAnd();
    }
    return joined(parts, QStringLiteral("OR"));
}

QString Compiler::parseAnd() {
    QStringList parts{parseNot()};
    while (pos_ < tokens_.size() && tokens_.at(pos_).compare(QLatin1String("and"), Qt::CaseInsensitive) == 0) {
        ++pos_;
        parts << parseNot();
    }
    return joined(parts, QStringLiteral("AND"));
}

QString Compiler::parseNot() {
    if (pos_ < tokens_.size() && tokens_.at(pos_).compare(QLatin1String("not"), Qt::CaseInsensitive) == 0) {
        ++pos_;
        // A field the row lacks is NULL in SQL, and NOT NULL is NULL: in Sigma it is false, so its
        // negation is true.
        return QStringLiteral("(NOT coalesce(%1, 0))").arg(parseNot());
    }
    return parsePrimary();
}

QString Compiler::parsePrimary() {
    if (pos_ >= tokens_.size()) {
        throw Failure{QStringLiteral("condition ends too early")};
    }
    const QString t = tokens_.at(pos_++);
    if (t == QLatin1String("(")) {
        QString inner = parseOr();
        if (pos_ >= tokens_.size() || tokens_.at(pos_) != QLatin1String(")")) {
            throw Failure{QStringLiteral("condition: missing ')'")};
        }
        ++pos_;
        return inner;
    }
    if (t == QLatin1String(")")) {
        throw Failure{QStringLiteral("condition: unexpected ')'")};
    }
    const QString lower = t.toLower();
    if ((lower == QLatin1String("1") || lower == QLatin1String("all") || lower == QLatin1String("any")) &&
        pos_ + 1 < tokens_.size() && tokens_.at(pos_).compare(QLatin1String("of"), Qt::CaseInsensitive) == 0) {
        ++pos_;
        const QString target = tokens_.at(pos_++);
        QStringList names;
        if (target.compare(QLatin1String("them"), Qt::CaseInsensitive) == 0) {
            for (const QString& n : rule_.detections.keys()) {
                if (!n.startsWith(QLatin1Char('_'))) {
                    names << n;
                }
            }
        } else {
            const QRegularExpression re(QRegularExpression::anchoredPattern(
                QRegularExpression::escape(target).replace(QStringLiteral("\\*"), QStringLiteral(".*"))));
            for (const QString& n : rule_.detections.keys()) {
                if (re.match(n).hasMatch()) {
                    names << n;
                }
            }
        }
        if (names.isEmpty()) {
            throw Failure{QStringLiteral("condition: '%1 of %2' names no detection").arg(t, target)};
        }
        QStringList parts;
        for (const QString& n : names) {
            parts << detection(n);
        }
        return joined(parts, lower == QLatin1String("all") ? QStringLiteral("AND") : QStringLiteral("OR"));
    }
    if (lower == QLatin1String("and") || lower == QLatin1String("or") || lower == QLatin1String("of")) {
        throw Failure{QStringLiteral("condition: unexpected '%1'").arg(t)};
    }
    if (lower != QLatin1String("1") && lower != QLatin1String("all") && lower != QLatin1String("any") &&
        (t.contains(QLatin1Char('*')) || !rule_.detections.contains(t))) {
        throw Failure{QStringLiteral("condition names %1, which the detection does not define").arg(t)};
    }
    return detection(t);
}

QString Compiler::detection(const QString& name) {
    if (const auto it = compiled_.constFind(name); it != compiled_.constEnd()) {
        return *it;
    }
    const auto d = rule_.detections.constFind(name);
    if (d == rule_.detections.constEnd()) {
        throw Failure{QStringLiteral("condition names %1, which the detection does not define").arg(name)};
    }
    QStringList alternatives;
    for (const QList<FieldMatch>& alt : d->alternatives) {
        QStringList all;
        for (const FieldMatch& m : alt) {
            all << matchSql(m);
        }
        alternatives << joined(all, QStringLiteral("AND"));
    }
    const QString inner = joined(alternatives, QStringLiteral("OR"));
    const QString sql = QLatin1Char('(') + inner + QLatin1Char(')');
    need(sql, requirement(inner));
    compiled_.insert(name, sql);
    return sql;
}

QString Compiler::matchSql(const FieldMatch& m) {
    QStringList fields;
    if (m.field.isEmpty()) {
        if (ls_.keywords.isEmpty()) {
            throw Failure{QStringLiteral("keyword detections not supported for category %1").arg(ls_.category)};
        }
        fields = ls_.keywords;
    } else {
        fields << m.field;
    }
    const bool all = m.modifiers.contains(QLatin1String("all"));
    QStringList perField;
    for (const QString& field : fields) {
        FieldSource f;
        const QString alias = input(field, &f);
        QStringList perValue;
        for (const SigmaValue& v : m.values) {
            perValue << valueSql(m, f, alias, v);
        }
        if (m.values.isEmpty()) {
            throw Failure{QStringLiteral("field %1 has an empty list of values").arg(field)};
        }
        perField << joined(perValue, all ? QStringLiteral("AND") : QStringLiteral("OR"));
    }
    return joined(perField, QStringLiteral("OR"));
}

QString Compiler::valueSql(const FieldMatch& m, const FieldSource& f, const QString& alias, const SigmaValue& v) {
    // Keywords match anywhere in the field unless a modifier says otherwise.
    QString kind = m.field.isEmpty() ? QStringLiteral("contains") : QString();
    bool cased = false;
    bool regexI = false, regexM = false, regexS = false;
    bool wide = false;
    QList<Pattern> patterns;
    bool patternsReady = false;
    QString fieldName = m.field.isEmpty() ? QStringLiteral("keyword") : m.field;

    auto ensurePatterns = [&]() {
        if (!patternsReady) {
            patterns = {v.kind == SigmaValue::Kind::String ? Pattern::parse(v.text) : Pattern::literal(v.text)};
            patternsReady = true;
        }
    };
    auto plainBytes = [&](const Pattern& p, const QString& modifier) {
        if (p.hasWildcards()) {
            throw Failure{QStringLiteral("modifier %1 over a value with wildcards not supported").arg(modifier)};
        }
        return wide ? QByteArray(reinterpret_cast<const char*>(p.chars.utf16()), p.chars.size() * 2) : p.chars.toUtf8();
    };
    for (const QString& mod : m.modifiers) {
        if (mod == QLatin1String("contains") || mod == QLatin1String("startswith") ||
            mod == QLatin1String("endswith") || mod == QLatin1String("re") || mod == QLatin1String("cidr") ||
            mod == QLatin1String("exists") || mod == QLatin1String("gt") || mod == QLatin1String("gte") ||
            mod == QLatin1String("lt") || mod == QLatin1String("lte")) {
            if (!kind.isEmpty() && !m.field.isEmpty()) {
                throw Failure{QStringLiteral("modifiers %1 and %2 together not supported").arg(kind, mod)};
            }
            kind = mod;
        } else if (mod == QLatin1String("fieldref")) {
            // With contains/startswith/endswith (before or after it): a part of the other field.
        } else if (mod == QLatin1String("all")) {
        } else if (mod == QLatin1String("cased")) {
            cased = true;
        } else if (mod == QLatin1String("i") || mod == QLatin1String("ignorecase")) {
            regexI = true;
        } else if (mod == QLatin1String("m") || mod == QLatin1String("multiline")) {
            regexM = true;
        } else if (mod == QLatin1String("s") || mod == QLatin1String("dotall")) {
            regexS = true;
        } else if (mod == QLatin1String("wide") || mod == QLatin1String("utf16le")) {
            wide = true;
        } else if (mod == QLatin1String("base64") || mod == QLatin1String("base64offset")) {
            ensurePatterns();
            QList<Pattern> next;
            for (const Pattern& p : patterns) {
                const QByteArray bytes = plainBytes(p, mod);
                const QStringList encoded = mod == QLatin1String("base64")
                                                ? QStringList{QString::fromLatin1(bytes.toBase64())}
                                                : base64Offsets(bytes);
                for (const QString& e : encoded) {
                    next << Pattern::literal(e);
                }
            }
            patterns = next;
            wide = false;
        } else if (mod == QLatin1String("windash")) {
            ensurePatterns();
            QList<Pattern> next;
            for (const Pattern& p : patterns) {
                QList<Pattern> variants;
                windashOf(p, variants);
                next << variants;
            }
            patterns = next;
        } else {
            throw Failure{QStringLiteral("modifier %1 not supported").arg(mod)};
        }
    }
    if (wide) {
        throw Failure{QStringLiteral("modifier wide without base64 after it not supported")};
    }
    const bool fieldref = m.modifiers.contains(QLatin1String("fieldref"));
    if (!f.hash.isEmpty()) {
        if (!m.modifiers.isEmpty() || v.kind == SigmaValue::Kind::Null) {
            throw Failure{QStringLiteral("modifiers on hash field %1 not supported").arg(fieldName)};
        }
        Pattern p = Pattern::literal(QStringLiteral(",") + f.hash + QLatin1Char('='));
        const Pattern value = Pattern::parse(v.text);
        p.chars += value.chars;
        p.kinds += value.kinds;
        // The row's field holds the algorithm and the value (the commas may be the added ones).
        const Requirement r = likeNeed(alias, p.like().mid(1), false);
        p.addLiteral(QStringLiteral(","));
        const QString sql =
            QStringLiteral("((',' || %1 || ',') LIKE %2 ESCAPE '\\')").arg(alias, param(p.wrapped(true, true).like()));
        need(sql, r);
        return sql;
    }
    if (kind == QLatin1String("exists")) {
        const bool want = v.text.compare(QLatin1String("false"), Qt::CaseInsensitive) != 0;
        return QStringLiteral("(%1 IS %2NULL)").arg(alias, want ? QStringLiteral("NOT ") : QString());
    }
    if (v.kind == SigmaValue::Kind::Null) {
        if (!kind.isEmpty() && !m.field.isEmpty()) {
            throw Failure{QStringLiteral("modifier %1 with a null value not supported").arg(kind)};
        }
        return QStringLiteral("(%1 IS NULL)").arg(alias);
    }
    if (fieldref) {
        const QString other = input(v.text);
        const QString a = cased ? alias : QStringLiteral("lower(%1)").arg(alias);
        const QString b = cased ? other : QStringLiteral("lower(%1)").arg(other);
        if (kind.isEmpty()) {
            return QStringLiteral("(%1 = %2)").arg(a, b);
        }
        if (kind == QLatin1String("contains")) {
            return QStringLiteral("(instr(%1, %2) > 0)").arg(a, b);
        }
        if (kind == QLatin1String("startswith")) {
            return QStringLiteral("(substr(%1, 1, length(%2)) = %2)").arg(a, b);
        }
        if (kind == QLatin1String("endswith")) {
            return QStringLiteral("(length(%2) > 0 AND substr(%1, -length(%2)) = %2)").arg(a, b);
        }
        throw Failure{QStringLiteral("modifier %1 with fieldref not supported").arg(kind)};
    }
    if (kind == QLatin1String("gt") || kind == QLatin1String("gte") || kind == QLatin1String("lt") ||
        kind == QLatin1String("lte")) {
        bool ok = false;
        const double n = v.text.toDouble(&ok);
        if (!ok || !std::isfinite(n)) {
            throw Failure{QStringLiteral("modifier %1 needs a number, not '%2'").arg(kind, v.text)};
        }
        const char* op = kind == QLatin1String("gt")    ? ">"
                         : kind == QLatin1String("gte") ? ">="
                         : kind == QLatin1String("lt")  ? "<"
                                                        : "<=";
        return QStringLiteral("(%1 IS NOT NULL AND CAST(%1 AS REAL) %2 %3)")
            .arg(alias, QString::fromLatin1(op), param(n));
    }
    if (kind == QLatin1String("re")) {
        if (!patterns.isEmpty()) {
            throw Failure{QStringLiteral("modifier re after an encoding modifier not supported")};
        }
        QString flags;
        if (regexI) {
            flags += QLatin1Char('i');
        }
        if (regexM) {
            flags += QLatin1Char('m');
        }
        if (regexS) {
            flags += QLatin1Char('s');
        }
        const QString pattern = flags.isEmpty() ? v.text : QStringLiteral("(?%1)").arg(flags) + v.text;
        const QRegularExpression re(pattern);
        if (!re.isValid()) {
            throw Failure{QStringLiteral("regular expression '%1' is not valid: %2").arg(v.text, re.errorString())};
        }
        return QStringLiteral("(%1 REGEXP %2)").arg(alias, param(pattern));
    }
    if (regexI || regexM || regexS) {
        throw Failure{QStringLiteral("regular-expression flags without re")};
    }
    if (kind == QLatin1String("cidr")) {
        const QString cidr = v.text.trimmed();
        const qsizetype slash = cidr.indexOf(QLatin1Char('/'));
        const QByteArray addr = cidr.left(slash).toLatin1();
        bool ok = slash > 0;
        const int bits = cidr.mid(slash + 1).toInt(&ok);
        unsigned char buf[16];
        const bool v6 = addr.contains(':');
        if (!ok || inet_pton(v6 ? AF_INET6 : AF_INET, addr.constData(), buf) != 1 || bits < 0 ||
            bits > (v6 ? 128 : 32)) {
            throw Failure{QStringLiteral("'%1' is not a CIDR network").arg(v.text)};
        }
        return QStringLiteral("socwb_cidr(%1, %2)").arg(alias, param(cidr));
    }
    ensurePatterns();
    const bool before = kind == QLatin1String("contains") || kind == QLatin1String("endswith");
    const bool after = kind == QLatin1String("contains") || kind == QLatin1String("startswith");
    QStringList variants;
    for (const Pattern& p : patterns) {
        const Pattern w = p.wrapped(before, after);
        const QString pattern = cased ? w.glob() : w.like();
        variants << (cased ? QStringLiteral("(%1 GLOB %2)") : QStringLiteral("(%1 LIKE %2 ESCAPE '\\')"))
                        .arg(alias, param(pattern));
        need(variants.last(), likeNeed(alias, pattern, cased));
    }
    return joined(variants, QStringLiteral("OR"));
}

} // namespace

QStringList base64Offsets(const QByteArray& data) {
    QStringList out;
    static const int start[3] = {0, 2, 3};
    for (int shift = 0; shift < 3; ++shift) {
        const QByteArray encoded = (QByteArray(shift, ' ') + data).toBase64();
        const int rest = static_cast<int>((data.size() + shift) % 3);
        const qsizetype endCut = rest == 0 ? 0 : (rest == 1 ? 3 : 2);
        const qsizetype len = encoded.size() - start[shift] - endCut;
        if (len > 0) {
            out << QString::fromLatin1(encoded.mid(start[shift], len));
        }
    }
    return out;
}

QStringList windashVariants(const QString& value) {
    QList<Pattern> variants;
    windashOf(Pattern::literal(value), variants);
    QStringList out;
    for (const Pattern& p : variants) {
        out << p.chars;
    }
    return out;
}

QString CompiledRule::withBase(int base) const {
    static const QRegularExpression marker(QStringLiteral("\\?#(\\d+)#"));
    QString out;
    qsizetype last = 0;
    for (auto it = marker.globalMatch(where); it.hasNext();) {
        const auto m = it.next();
        out += QStringView(where).mid(last, m.capturedStart() - last);
        out += QLatin1Char('?') + QString::number(base + m.captured(1).toInt() + 1);
        last = m.capturedEnd();
    }
    out += QStringView(where).mid(last);
    return out;
}

CompiledRule compileRule(const SigmaRule& rule, const SigmaMappings& mappings) {
    CompiledRule out;
    if (!rule.loadError.isEmpty()) {
        out.reason = rule.loadError;
        return out;
    }
    QString reason;
    out.logsource = mappings.find(rule.category, rule.product, reason);
    if (!out.logsource) {
        out.reason = reason;
        return out;
    }
    try {
        Compiler c(rule, *out.logsource, out);
        QStringList parts;
        for (const QString& cond : rule.conditions) {
            parts << c.condition(cond);
        }
        out.where = c.joined(parts, QStringLiteral("OR"));
        out.need = c.requirement(out.where);
    } catch (const Failure& f) {
        out.reason = f.reason;
        out.where.clear();
        out.params.clear();
        out.inputs.clear();
        out.need.reset();
    }
    return out;
}

} // namespace socwb::sigma
