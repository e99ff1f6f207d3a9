#include "csv_parser.h"

#include "ingest/read/text_util.h"

#include "core/resources.h"
#include "syslog_prefix.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QTimeZone>

#include <algorithm>
#include <stdexcept>

namespace socwb {

namespace {

constexpr const char* kCsvFieldNames[kCsvFieldCount] = {
    "ts",     "clientIp", "user",    "method",   "url",       "host",        "port",   "path",     "query",
    "destIp", "status",   "bytesIn", "bytesOut", "userAgent", "contentType", "action", "referrer", "durationMs"};

std::string lower(std::string_view s) {
    return toLowerAscii(s);
}

[[noreturn]] void fail(const QString& origin, const QString& problem) {
    throw std::runtime_error(QStringLiteral("mapping %1: %2").arg(origin, problem).toStdString());
}

// A string or a non-empty array of strings -> lower-cased alternatives.
std::vector<std::string> names(const QJsonValue& v, const QString& origin, const QString& what) {
    std::vector<std::string> out;
    if (v.isString()) {
        out.push_back(lower(v.toString().trimmed().toStdString()));
    } else if (v.isArray()) {
        for (const QJsonValue& e : v.toArray()) {
            if (!e.isString()) {
                fail(origin, QStringLiteral("%1 must be a column name or a list of column names").arg(what));
            }
            out.push_back(lower(e.toString().trimmed().toStdString()));
        }
    } else {
        fail(origin, QStringLiteral("%1 must be a column name or a list of column names").arg(what));
    }
    if (out.empty() || std::any_of(out.begin(), out.end(), [](const std::string& s) { return s.empty(); })) {
        fail(origin, QStringLiteral("%1 names an empty column").arg(what));
    }
    return out;
}

CsvTimeFormat compileTimeFormat(const QString& text, const QString& origin) {
    CsvTimeFormat f;
    f.text = text.toStdString();
    if (text == QLatin1String("epoch")) {
        f.kind = CsvTimeFormat::Kind::Epoch;
        return f;
    }
    if (text == QLatin1String("epoch_ms")) {
        f.kind = CsvTimeFormat::Kind::EpochMs;
        return f;
    }
    if (text == QLatin1String("iso8601")) {
        f.kind = CsvTimeFormat::Kind::Iso8601;
        return f;
    }
    f.kind = CsvTimeFormat::Kind::Pattern;
    const std::string p = f.text;
    if (p.find('%') == std::string::npos) {
        fail(origin,
             QStringLiteral("time format '%1' is none of epoch, epoch_ms, iso8601 and has no %-directive").arg(text));
    }
    auto add = [&f](char directive, char literal = 0) { f.items.push_back({directive, literal}); };
    for (size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == ' ' || c == '\t') {
            if (f.items.empty() || f.items.back().directive != ' ') {
                add(' ');
            }
            continue;
        }
        if (c != '%') {
            add(0, c);
            continue;
        }
        if (++i >= p.size()) {
            fail(origin, QStringLiteral("time format '%1' ends with a lone %").arg(text));
        }
        switch (p[i]) {
        case 'Y':
        case 'y':
        case 'm':
        case 'd':
        case 'e':
        case 'H':
        case 'I':
        case 'M':
        case 'S':
        case 'f':
        case 'p':
        case 'b':
        case 'a':
        case 'z':
        case 'Z':
            add(p[i] == 'e' ? 'd' : p[i]);
            break;
        case 'B':
            add('b');
            break;
        case 'A':
            add('a');
            break;
        case 'h':
            add('b');
            break;
        case 'T':
            add('H');
            add(0, ':');
            add('M');
            add(0, ':');
            add('S');
            break;
        case 'F':
            add('Y');
            add(0, '-');
            add('m');
            add(0, '-');
            add('d');
            break;
        case '%':
            add(0, '%');
            break;
        default:
            fail(origin, QStringLiteral("time format '%1': %%%2 is not supported (supported: %%Y %%y %%m %%d %%e %%H "
                                        "%%I %%M %%S %%f %%p %%b %%B %%h %%a %%A %%z %%Z %%T %%F %%%%)")
                             .arg(text, QChar::fromLatin1(p[i])));
        }
    }
    return f;
}

bool isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

} // namespace

bool CsvTimeFormat::parse(std::string_view s, int64_t& us, bool& hasZone) const {
    hasZone = false;
    switch (kind) {
    case Kind::Epoch:
        hasZone = true;
        return parseEpochSeconds(s, us);
    case Kind::EpochMs: {
        int64_t v = 0;
        if (!parseEpochSeconds(s, v)) {
            return false;
        }
        us = v / 1000;
        hasZone = true;
        return true;
    }
    case Kind::Iso8601:
        return parseIsoTimestamp(s, us, &hasZone);
    case Kind::Pattern:
        break;
    }
    int y = 1970, mo = 1, d = 1, h = 0, mi = 0, sec = 0;
    int64_t frac = 0, offsetSec = 0;
    int pm = -1; // -1: no %p, 0: AM, 1: PM
    bool twelveHour = false;
    size_t i = 0;
    for (const Item& it : items) {
        switch (it.directive) {
        case 0:
            if (i >= s.size() || s[i] != it.literal) {
                return false;
            }
            ++i;
            break;
        case ' ':
            if (i >= s.size() || (s[i] != ' ' && s[i] != '\t')) {
                return false;
            }
            while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) {
                ++i;
            }
            break;
        case 'Y':
            if (!readDigits(s, i, 4, 4, y)) {
                return false;
            }
            break;
        case 'y': {
            int yy = 0;
            if (!readDigits(s, i, 2, 2, yy)) {
                return false;
            }
            y = yy < 69 ? 2000 + yy : 1900 + yy;
            break;
        }
        case 'm':
            if (!readDigits(s, i, 1, 2, mo)) {
                return false;
            }
            break;
        case 'd':
            if (!readDigits(s, i, 1, 2, d)) {
                return false;
            }
            break;
        case 'H':
            if (!readDigits(s, i, 1, 2, h)) {
                return false;
            }
            break;
        case 'I':
            if (!readDigits(s, i, 1, 2, h)) {
                return false;
            }
            twelveHour = true;
            break;
        case 'M':
            if (!readDigits(s, i, 1, 2, mi)) {
                return false;
            }
            break;
        case 'S':
            if (!readDigits(s, i, 1, 2, sec)) {
                return false;
            }
            break;
        case 'f': {
            int n = 0;
            frac = 0;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
                if (n < 6) {
                    frac = frac * 10 + (s[i] - '0');
                }
                ++n;
                ++i;
            }
            if (n == 0) {
                return false;
            }
            for (int k = std::min(n, 6); k < 6; ++k) {
                frac *= 10;
            }
            break;
        }
        case 'p':
            if (i + 2 > s.size() || (s[i + 1] != 'M' && s[i + 1] != 'm')) {
                return false;
            }
            if (s[i] == 'A' || s[i] == 'a') {
                pm = 0;
            } else if (s[i] == 'P' || s[i] == 'p') {
                pm = 1;
            } else {
                return false;
            }
            i += 2;
            break;
        case 'b': {
            if (i + 3 > s.size()) {
                return false;
            }
            mo = monthFromAbbrev(s.substr(i, 3));
            if (mo == 0) {
                return false;
            }
            i += 3;
            while (i < s.size() && isAlpha(s[i])) {
                ++i; // full month names
            }
            break;
        }
        case 'a': {
            const size_t b = i;
            while (i < s.size() && isAlpha(s[i])) {
                ++i;
            }
            if (i - b < 2) {
                return false;
            }
            break;
        }
        case 'z': {
            if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
                ++i;
                offsetSec = 0;
                hasZone = true;
                break;
            }
            if (i >= s.size() || (s[i] != '+' && s[i] != '-')) {
                return false;
            }
            const int sign = s[i] == '-' ? -1 : 1;
            ++i;
            int oh = 0, om = 0;
            if (!readDigits(s, i, 2, 2, oh)) {
                return false;
            }
            if (i < s.size() && s[i] == ':') {
                ++i;
            }
            if (i < s.size() && s[i] >= '0' && s[i] <= '9' && !readDigits(s, i, 2, 2, om)) {
                return false;
            }
            offsetSec = sign * (oh * 3600 + om * 60);
            hasZone = true;
            break;
        }
        case 'Z': {
            const size_t b = i;
            while (i < s.size() && isAlpha(s[i])) {
                ++i;
            }
            const std::string_view z = s.substr(b, i - b);
            if (z != "UTC" && z != "GMT" && z != "Z") {
                return false;
            }
            offsetSec = 0;
            hasZone = true;
            break;
        }
        default:
            return false;
        }
    }
    if (i != s.size()) {
        return false;
    }
    if (twelveHour || pm >= 0) {
        if (h < 1 || h > 12 || pm < 0) {
            return false;
        }
        h = h % 12 + (pm == 1 ? 12 : 0);
    }
    if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 60) {
        return false;
    }
    us = civilToUs(y, mo, d, h, mi, sec, frac) - offsetSec * 1000000LL;
    return true;
}

CsvMapping parseCsvMapping(const QByteArray& json, const QString& name, const QString& origin) {
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError) {
        fail(origin,
             QStringLiteral("not valid JSON (%1 at byte %2)").arg(err.errorString(), QString::number(err.offset)));
    }
    if (!doc.isObject()) {
        fail(origin, QStringLiteral("the document must be a JSON object"));
    }
    const QJsonObject o = doc.object();
    CsvMapping m;
    m.name = name;
    m.origin = origin;
    const QJsonValue format = o.value(QStringLiteral("format"));
    if (!format.isUndefined() && format.toString() != QLatin1String("csv")) {
        fail(origin, QStringLiteral("this is a mapping for the '%1' format, not for csv").arg(format.toString()));
    }
    static const QStringList kKeys{QStringLiteral("format"),      QStringLiteral("name"),
                                   QStringLiteral("description"), QStringLiteral("separator"),
                                   QStringLiteral("detect"),      QStringLiteral("timeFormat"),
                                   QStringLiteral("timeZone"),    QStringLiteral("empty"),
                                   QStringLiteral("fields"),      QStringLiteral("durationUnit")};
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!kKeys.contains(it.key()) && !it.key().startsWith(QLatin1Char('_'))) {
            fail(origin,
                 QStringLiteral("unknown key '%1' (known: %2)").arg(it.key(), kKeys.join(QStringLiteral(", "))));
        }
    }
    if (o.contains(QStringLiteral("separator"))) {
        const QJsonValue v = o.value(QStringLiteral("separator"));
        QString sep = v.toString();
        if (sep == QLatin1String("tab")) {
            sep = QStringLiteral("\t");
        }
        if (!v.isString() || sep.size() != 1 || sep.at(0).unicode() > 0x7F || sep == QLatin1String("\"")) {
            fail(origin, QStringLiteral("separator must be one ASCII character other than '\"' (or \"tab\")"));
        }
        m.separator = static_cast<char>(sep.at(0).unicode());
    }
    if (o.contains(QStringLiteral("detect"))) {
        const QJsonValue v = o.value(QStringLiteral("detect"));
        if (!v.isArray()) {
            fail(origin, QStringLiteral("detect must be a list of column names"));
        }
        for (const QJsonValue& e : v.toArray()) {
            m.detect.push_back(names(e, origin, QStringLiteral("a detect entry")));
        }
    }
    const QJsonValue tf = o.value(QStringLiteral("timeFormat"));
    if (tf.isUndefined()) {
        m.timeFormats.push_back(compileTimeFormat(QStringLiteral("iso8601"), origin));
    } else if (tf.isString()) {
        m.timeFormats.push_back(compileTimeFormat(tf.toString(), origin));
    } else if (tf.isArray() && !tf.toArray().isEmpty()) {
        for (const QJsonValue& e : tf.toArray()) {
            if (!e.isString()) {
                fail(origin, QStringLiteral("timeFormat must be a string or a list of strings"));
            }
            m.timeFormats.push_back(compileTimeFormat(e.toString(), origin));
        }
    } else {
        fail(origin, QStringLiteral("timeFormat must be a string or a non-empty list of strings"));
    }
    if (o.contains(QStringLiteral("timeZone"))) {
        m.timeZone = o.value(QStringLiteral("timeZone")).toString();
        if (m.timeZone.isEmpty() || (m.timeZone != QLatin1String("UTC") && !QTimeZone(m.timeZone.toUtf8()).isValid())) {
            fail(origin, QStringLiteral("timeZone '%1' is not a known IANA time zone").arg(m.timeZone));
        }
    }
    if (o.contains(QStringLiteral("empty"))) {
        const QJsonValue v = o.value(QStringLiteral("empty"));
        if (!v.isArray()) {
            fail(origin, QStringLiteral("empty must be a list of strings"));
        }
        for (const QJsonValue& e : v.toArray()) {
            if (!e.isString()) {
                fail(origin, QStringLiteral("empty must be a list of strings"));
            }
            m.emptyValues.push_back(e.toString().toStdString());
        }
    } else {
        m.emptyValues.push_back("-");
    }
    if (o.contains(QStringLiteral("durationUnit"))) {
        const QString u = o.value(QStringLiteral("durationUnit")).toString();
        if (u == QLatin1String("ms")) {
            m.durationDivisor = 1000000;
        } else if (u == QLatin1String("s")) {
            m.durationDivisor = 1000;
        } else if (u == QLatin1String("us")) {
            m.durationDivisor = 1000000000;
        } else {
            fail(origin, QStringLiteral("durationUnit must be \"ms\", \"s\" or \"us\""));
        }
    }
    const QJsonValue fields = o.value(QStringLiteral("fields"));
    if (!fields.isObject()) {
        fail(origin, QStringLiteral("fields must be an object naming the CSV column of each field"));
    }
    const QJsonObject fo = fields.toObject();
    QStringList known;
    for (const char* n : kCsvFieldNames) {
        known << QString::fromLatin1(n);
    }
    for (auto it = fo.begin(); it != fo.end(); ++it) {
        const qsizetype idx = known.indexOf(it.key());
        if (idx < 0) {
            fail(origin, QStringLiteral("fields: unknown field '%1' (known: %2)")
                             .arg(it.key(), known.join(QStringLiteral(", "))));
        }
        m.columns[static_cast<size_t>(idx)] = names(it.value(), origin, QStringLiteral("fields.%1").arg(it.key()));
    }
    if (m.columns[static_cast<size_t>(CsvField::Ts)].empty()) {
        fail(origin, QStringLiteral("fields.ts is missing: a mapping must name the timestamp column"));
    }
    return m;
}

const std::vector<CsvMapping>& shippedCsvMappings() {
    static const std::vector<CsvMapping> kMappings = [] {
        std::vector<CsvMapping> out;
        for (const QString& rel : resources::list(QStringLiteral("mappings"))) {
            if (!rel.endsWith(QLatin1String(".json"))) {
                continue;
            }
            // The folder also holds other formats' mappings (sysmon-json); ours say "format": "csv".
            const QByteArray data = resources::read(rel);
            const QJsonDocument doc = QJsonDocument::fromJson(data);
            if (doc.isObject() && doc.object().value(QStringLiteral("format")).toString() != QLatin1String("csv")) {
                continue;
            }
            const QString name = QFileInfo(rel).completeBaseName();
            out.push_back(parseCsvMapping(data, name, resources::locate(rel)));
        }
        return out;
    }();
    return kMappings;
}

CsvProxyParser::CsvProxyParser(const ParserOptions& options) : sourceTimeZone_(options.sourceTimeZone) {
    index_.fill(-1);
    fields_.reserve(64);
    if (!options.mappingPath.isEmpty()) {
        forced_ = true;
        const QString path = options.mappingPath;
        QFile f(path);
        if (f.open(QIODevice::ReadOnly)) {
            candidates_.push_back(parseCsvMapping(f.readAll(), QFileInfo(path).completeBaseName(), path));
        } else if (!path.contains(QLatin1Char('/')) && !path.endsWith(QLatin1String(".json"))) {
            // A shipped mapping by name: "--mapping splunk-proxy-outputcsv".
            const QString rel = QStringLiteral("mappings/%1.json").arg(path);
            QByteArray data;
            try {
                data = resources::read(rel);
            } catch (const std::exception&) {
                throw std::runtime_error(QStringLiteral("mapping %1: no such file, and no shipped mapping of that name")
                                             .arg(path)
                                             .toStdString());
            }
            candidates_.push_back(parseCsvMapping(data, path, resources::locate(rel)));
        } else {
            throw std::runtime_error(
                QStringLiteral("mapping %1: the file cannot be read (%2)").arg(path, f.errorString()).toStdString());
        }
    } else {
        candidates_ = shippedCsvMappings();
    }
    const TzConverter check(sourceTimeZone_);
    if (!check.valid()) {
        throw std::runtime_error(QStringLiteral("csv: unknown time zone '%1' (use an IANA name such as Europe/Berlin)")
                                     .arg(sourceTimeZone_)
                                     .toStdString());
    }
}

int CsvProxyParser::sniff(const SniffSample& sample) {
    const std::vector<CsvMapping>* mappings = nullptr;
    try {
        mappings = &shippedCsvMappings();
    } catch (const std::exception&) {
        return 0; // a broken mapping shows up when the format is used, with its message
    }
    std::string_view header;
    for (std::string_view l : sample.lines) {
        if (!isBlank(l)) {
            header = l;
            break;
        }
    }
    char sepOverride = 0;
    if (header.starts_with("sep=") && header.size() == 5) {
        sepOverride = header[4];
        header = {};
        bool seen = false;
        for (std::string_view l : sample.lines) {
            if (isBlank(l)) {
                continue;
            }
            if (seen) {
                header = l;
                break;
            }
            seen = true;
        }
    }
    if (header.empty()) {
        return 0;
    }
    std::vector<std::string_view> cols;
    std::string scratch;
    int best = 0;
    for (const CsvMapping& m : *mappings) {
        if (m.detect.empty() || !splitCsv(header, sepOverride ? sepOverride : m.separator, cols, scratch)) {
            continue;
        }
        std::vector<std::string> have;
        for (std::string_view c : cols) {
            have.push_back(lower(trim(c)));
        }
        const bool all = std::all_of(m.detect.begin(), m.detect.end(), [&](const std::vector<std::string>& alts) {
            return std::any_of(alts.begin(), alts.end(), [&](const std::string& a) {
                return std::find(have.begin(), have.end(), a) != have.end();
            });
        });
        if (all) {
            // Certain when several columns agree; a one-column detect list is a weaker hint.
            best = std::max(best, m.detect.size() >= 3 ? 88 : 70);
        }
    }
    return best;
}

bool CsvProxyParser::readHeader(std::string_view line, SourcePos pos, RecordSink& sink) {
    headerLine_ = pos.record;
    std::vector<std::string> have;
    QStringList tried;
    const CsvMapping* chosen = nullptr;
    size_t chosenScore = 0;
    for (const CsvMapping& m : candidates_) {
        const char sep = separator_ ? separator_ : m.separator;
        if (!splitCsv(line, sep, fields_, scratch_)) {
            tried << QStringLiteral("%1 (unterminated quote in the header)").arg(m.name);
            continue;
        }
        have.clear();
        for (std::string_view c : fields_) {
            have.push_back(lower(trim(c)));
        }
        auto present = [&have](const std::vector<std::string>& alts) {
            return std::any_of(alts.begin(), alts.end(), [&](const std::string& a) {
                return std::find(have.begin(), have.end(), a) != have.end();
            });
        };
        if (!forced_) {
            QStringList missing;
            for (const auto& alts : m.detect) {
                if (!present(alts)) {
                    QStringList a;
                    for (const auto& s : alts) {
                        a << QString::fromStdString(s);
                    }
                    missing << a.join(QLatin1Char('|'));
                }
            }
            if (m.detect.empty()) {
                tried << QStringLiteral("%1 (has no detect columns)").arg(m.name);
                continue;
            }
            if (!missing.isEmpty()) {
                tried << QStringLiteral("%1 (lacks %2)").arg(m.name, missing.join(QStringLiteral(", ")));
                continue;
            }
        }
        if (!chosen || m.detect.size() > chosenScore) {
            chosen = &m;
            chosenScore = m.detect.size();
        }
    }
    if (!chosen) {
        sink.reject(pos,
                    QStringLiteral("csv: the header matches no mapping; tried %1. Pass --mapping FILE for this export")
                        .arg(tried.isEmpty() ? QStringLiteral("none (no mappings are installed)")
                                             : tried.join(QStringLiteral("; ")))
                        .toStdString(),
                    line);
        return false;
    }
    // Split again with the chosen mapping's separator and find each field's column.
    const char sep = separator_ ? separator_ : chosen->separator;
    splitCsv(line, sep, fields_, scratch_);
    have.clear();
    for (std::string_view c : fields_) {
        have.push_back(lower(trim(c)));
    }
    headerFields_ = fields_.size();
    for (size_t f = 0; f < kCsvFieldCount; ++f) {
        index_[f] = -1;
        for (const std::string& alt : chosen->columns[f]) {
            const auto it = std::find(have.begin(), have.end(), alt);
            if (it != have.end()) {
                index_[f] = static_cast<int>(it - have.begin());
                columnName_[f] = alt;
                break;
            }
        }
    }
    if (index_[static_cast<size_t>(CsvField::Ts)] < 0) {
        QStringList alts;
        for (const auto& s : chosen->columns[static_cast<size_t>(CsvField::Ts)]) {
            alts << QString::fromStdString(s);
        }
        sink.reject(pos,
                    QStringLiteral("csv: mapping %1 needs a timestamp column (%2), and the header has none of them")
                        .arg(chosen->name, alts.join(QStringLiteral(", ")))
                        .toStdString(),
                    line);
        return false;
    }
    active_ = chosen;
    separator_ = sep;
    tz_ = TzConverter(chosen->timeZone.isEmpty() ? sourceTimeZone_ : chosen->timeZone);
    headerText_.assign(line);
    return true;
}

std::string_view CsvProxyParser::value(size_t field) const {
    const int i = index_[field];
    if (i < 0 || static_cast<size_t>(i) >= fields_.size()) {
        return {};
    }
    const std::string_view v = trim(fields_[static_cast<size_t>(i)]);
    for (const std::string& e : active_->emptyValues) {
        if (v == e) {
            return {};
        }
    }
    return v;
}

bool CsvProxyParser::numberField(CsvField f, int64_t& out, SourcePos pos, std::string_view line, RecordSink& sink) {
    const size_t idx = static_cast<size_t>(f);
    const std::string_view v = value(idx);
    if (v.empty()) {
        return true;
    }
    if (f == CsvField::DurationMs) {
        int64_t scaled = 0;
        if (parseEpochSeconds(v, scaled) && scaled >= 0) {
            out = scaled / active_->durationDivisor;
            return true;
        }
    } else if (parseInt(v, out)) {
        return true;
    }
    sink.reject(pos,
                "csv: column '" + columnName_[idx] + "' (" + kCsvFieldNames[idx] + ") is not a number: '" +
                    excerpt(v, 60) + "'",
                line);
    return false;
}

void CsvProxyParser::parseLine(std::string_view line, SourcePos pos, RecordSink& sink) {
    if (!sawFirstLine_) {
        sawFirstLine_ = true;
        if (line.starts_with("sep=") && line.size() == 5) {
            separator_ = line[4];
            return;
        }
    }
    if (!headerDone_) {
        headerDone_ = true;
        headerFailed_ = !readHeader(line, pos, sink);
        return;
    }
    if (headerFailed_) {
        sink.reject(pos,
                    "csv: not read, because the header on line " + std::to_string(headerLine_) + " matched no mapping",
                    line);
        return;
    }
    if (line == headerText_) {
        return; // the header again: exports concatenated into one file
    }
    if (!splitCsv(line, separator_, fields_, scratch_)) {
        sink.reject(pos, "csv: unterminated quote", line);
        return;
    }
    if (fields_.size() != headerFields_) {
        sink.reject(pos,
                    "csv: expected " + std::to_string(headerFields_) + " fields as in the header, found " +
                        std::to_string(fields_.size()),
                    line);
        return;
    }
    ProxyRecord r;
    r.pos = pos;
    const std::string_view ts = value(static_cast<size_t>(CsvField::Ts));
    const std::string& tsColumn = columnName_[static_cast<size_t>(CsvField::Ts)];
    if (ts.empty()) {
        sink.reject(pos, "csv: no timestamp in column '" + tsColumn + "'", line);
        return;
    }
    bool parsed = false;
    for (const CsvTimeFormat& f : active_->timeFormats) {
        bool hasZone = false;
        if (f.parse(ts, r.tsUs, hasZone)) {
            if (!hasZone) {
                r.tsUs = tz_.toUtc(r.tsUs);
            }
            parsed = true;
            break;
        }
    }
    if (!parsed) {
        std::string formats;
        for (const CsvTimeFormat& f : active_->timeFormats) {
            formats += formats.empty() ? "" : ", ";
            formats += f.text;
        }
        sink.reject(pos,
                    "csv: timestamp '" + excerpt(ts, 60) + "' in column '" + tsColumn +
                        "' matches none of the mapping's time formats (" + formats + ")",
                    line);
        return;
    }
    r.clientIp = value(static_cast<size_t>(CsvField::ClientIp));
    r.user = value(static_cast<size_t>(CsvField::User));
    r.method = value(static_cast<size_t>(CsvField::Method));
    r.url = value(static_cast<size_t>(CsvField::Url));
    r.destIp = value(static_cast<size_t>(CsvField::DestIp));
    r.userAgent = value(static_cast<size_t>(CsvField::UserAgent));
    r.contentType = value(static_cast<size_t>(CsvField::ContentType));
    r.action = value(static_cast<size_t>(CsvField::Action));
    r.referrer = value(static_cast<size_t>(CsvField::Referrer));
    if (!r.url.empty()) {
        const UrlParts u = splitUrl(r.url);
        r.scheme = u.scheme;
        r.host = u.host;
        r.port = u.port;
        r.path = u.path;
        r.query = u.query;
    }
    if (r.host.empty()) {
        r.host = value(static_cast<size_t>(CsvField::Host));
    }
    if (r.path.empty()) {
        r.path = value(static_cast<size_t>(CsvField::Path));
    }
    if (r.query.empty()) {
        r.query = value(static_cast<size_t>(CsvField::Query));
        if (r.query.starts_with('?')) {
            r.query.remove_prefix(1);
        }
    }
    int64_t n = -1;
    if (r.port < 0) {
        if (!numberField(CsvField::Port, n, pos, line, sink)) {
            return;
        }
        r.port = n >= 0 && n <= 65535 ? static_cast<int>(n) : -1;
    }
    n = -1;
    if (!numberField(CsvField::Status, n, pos, line, sink)) {
        return;
    }
    r.status = n >= 0 && n <= 999 ? static_cast<int>(n) : -1;
    if (!numberField(CsvField::BytesIn, r.bytesIn, pos, line, sink) ||
        !numberField(CsvField::BytesOut, r.bytesOut, pos, line, sink) ||
        !numberField(CsvField::DurationMs, r.durationMs, pos, line, sink)) {
        return;
    }
    sink.proxy(r);
}

} // namespace socwb
