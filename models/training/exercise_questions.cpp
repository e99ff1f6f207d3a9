#include "exercise_questions.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace socwb::training {

namespace {

struct Kind {
    const char* kind;
    const char* text;
    const char* hint;
    int points;
};

// What every planted channel is asked, in the order a trainee finds it out. %1 names the service,
// which the hints may give away: a hint costs what it tells.
const Kind kKinds[] = {
    {"host", "Which host runs it? (host name)",
     "Sort the alert queue by score: the channel is among the top rows, and it talks to %1.", 3},
    {"process", "Which process polls? (image file name, or 'unknown' when the evidence cannot tell)",
     "Open the process tree on the channel: the poller is the process whose network events line up with the "
     "requests.",
     3},
    {"parent", "Which process started it? (the parent's image file name, or 'unknown')",
     "In the process tree the parent is the node directly above the poller; a loop launcher such as cmd.exe "
     "counts.",
     2},
    {"interval", "How often does it poll? (seconds; within a tolerance)",
     "The Intervals view shows the gaps between its requests: the median gap is the answer.", 2},
    {"began", "When did it begin? (first request in the evidence, UTC: YYYY-MM-DD HH:MM)",
     "The alert detail names the channel's first request; the host timeline shows where it starts.", 2},
    {"endpoint", "Which web service and endpoint does it poll? (host name or URL)",
     "The service is %1; the alert detail's requests show the host name and path.", 2},
    {"sysmon", "Does the host have Sysmon? (yes/no)",
     "A host whose processes appear in the process tree sends Sysmon events; the case overview lists the "
     "evidence per host.",
     1},
};

QString fileName(QString path) {
    path.replace(QLatin1Char('\\'), QLatin1Char('/'));
    return path.mid(path.lastIndexOf(QLatin1Char('/')) + 1).trimmed().toLower();
}

bool sameImage(const QString& answer, const QString& image) {
    const QString a = fileName(answer), want = fileName(image);
    if (a.isEmpty() || want.isEmpty()) {
        return false;
    }
    auto bare = [](QString s) { return s.endsWith(QLatin1String(".exe")) ? s.chopped(4) : s; };
    return bare(a) == bare(want);
}

bool hostHasSysmon(const QJsonObject& channel, const QJsonArray& hosts) {
    const QString name =
        channel.value(QStringLiteral("hosts")).toArray().first().toObject().value(QStringLiteral("name")).toString();
    for (const QJsonValue& v : hosts) {
        const QJsonObject h = v.toObject();
        if (h.value(QStringLiteral("name")).toString().compare(name, Qt::CaseInsensitive) == 0) {
            return h.value(QStringLiteral("sysmon")).toBool();
        }
    }
    return channel.value(QStringLiteral("visibility")).toObject().value(QStringLiteral("sysmon_hosts")).toInt() > 0;
}

QDateTime parseUtc(QString text) {
    text = text.trimmed();
    text.replace(QLatin1Char(' '), QLatin1Char('T'));
    if (text.endsWith(QLatin1String("UTC"), Qt::CaseInsensitive)) {
        text = text.chopped(3).trimmed();
    }
    if (text.endsWith(QLatin1Char('T'))) {
        text.chop(1);
    }
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid()) {
        t = QDateTime::fromString(text, QStringLiteral("yyyy-MM-ddTHH:mm"));
    }
    if (t.isValid() && t.timeSpec() == Qt::LocalTime) {
        t.setTimeZone(QTimeZone::utc()); // the question asks for UTC
    }
    return t;
}

} // namespace

double parseSeconds(const QString& text) {
    const QString t = text.trimmed().toLower();
    static const QRegularExpression clock(QStringLiteral("^(\\d{1,2}):(\\d{2}):(\\d{2})$"));
    if (const auto m = clock.match(t); m.hasMatch()) {
        return m.captured(1).toDouble() * 3600 + m.captured(2).toDouble() * 60 + m.captured(3).toDouble();
    }
    static const QRegularExpression amount(
        QStringLiteral("^(\\d+(?:\\.\\d+)?)\\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours)?$"));
    const auto m = amount.match(t);
    if (!m.hasMatch()) {
        return -1;
    }
    const double n = m.captured(1).toDouble();
    const QString unit = m.captured(2);
    if (unit.startsWith(QLatin1Char('h'))) {
        return n * 3600;
    }
    if (unit.startsWith(QLatin1Char('m'))) {
        return n * 60;
    }
    return std::isfinite(n) ? n : -1;
}

QVector<QJsonObject> plantedChannels(const QJsonObject& truth) {
    if (truth.value(QStringLiteral("format")).toString() != QLatin1String("socwb-truth")) {
        throw std::runtime_error("not a socwb truth file (format is not \"socwb-truth\")");
    }
    QVector<QJsonObject> out;
    for (const QJsonValue& v : truth.value(QStringLiteral("channels")).toArray()) {
        const QJsonObject c = v.toObject();
        if (c.value(QStringLiteral("kind")).toString() == QLatin1String("positive") &&
            !c.value(QStringLiteral("hosts")).toArray().isEmpty()) {
            out.push_back(c);
        }
    }
    return out;
}

QVector<ExerciseQuestion> questionsFromTruth(const QJsonObject& truth) {
    const QVector<QJsonObject> planted = plantedChannels(truth);
    QVector<ExerciseQuestion> out;
    for (int i = 0; i < planted.size(); ++i) {
        const QString service = planted[i].value(QStringLiteral("service")).toString();
        for (const Kind& k : kKinds) {
            ExerciseQuestion q;
            q.channel = i + 1;
            q.channels = static_cast<int>(planted.size());
            q.kind = QLatin1String(k.kind);
            q.id = QStringLiteral("c%1.%2").arg(q.channel).arg(q.kind);
            const QString prefix = planted.size() > 1
                                       ? QStringLiteral("Channel %1 of %2: ").arg(q.channel).arg(planted.size())
                                       : QString();
            q.text = prefix + QLatin1String(k.text);
            q.hint = QString::fromLatin1(k.hint).replace(QLatin1String("%1"), service);
            q.points = k.points;
            out.push_back(q);
        }
    }
    return out;
}

QJsonArray questionsToJson(const QVector<ExerciseQuestion>& questions) {
    QJsonArray a;
    for (const ExerciseQuestion& q : questions) {
        a.append(QJsonObject{{"id", q.id},
                             {"channel", q.channel},
                             {"kind", q.kind},
                             {"text", q.text},
                             {"hint", q.hint},
                             {"points", q.points},
                             {"hint_cost", q.hintCost}});
    }
    return a;
}

ExpectedAnswer checkAnswer(const QString& kind, const QJsonObject& channel, const QJsonArray& hosts,
                           const QString& rawAnswer) {
    const QString answer = rawAnswer.trimmed();
    const QJsonObject process = channel.value(QStringLiteral("process")).toObject();
    const QJsonObject dest = channel.value(QStringLiteral("destination")).toObject();
    const bool sysmon = hostHasSysmon(channel, hosts);
    const bool unknown =
        QStringList{QStringLiteral("unknown"), QStringLiteral("n/a"), QStringLiteral("none"), QStringLiteral("-")}
            .contains(answer.toLower());
    ExpectedAnswer e;
    if (kind == QLatin1String("host")) {
        QStringList names;
        for (const QJsonValue& v : channel.value(QStringLiteral("hosts")).toArray()) {
            const QJsonObject h = v.toObject();
            names << h.value(QStringLiteral("name")).toString();
            if (answer.compare(h.value(QStringLiteral("name")).toString(), Qt::CaseInsensitive) == 0 ||
                answer == h.value(QStringLiteral("ip")).toString()) {
                e.correct = !answer.isEmpty();
            }
        }
        e.display = names.join(QStringLiteral(", "));
    } else if (kind == QLatin1String("process") || kind == QLatin1String("parent")) {
        QStringList images;
        if (kind == QLatin1String("process")) {
            images << process.value(QStringLiteral("image_name")).toString();
        } else {
            // The poller's parent in the process tree is the loop launcher when there is one.
            for (const char* key : {"launcher_image", "parent_image"}) {
                if (const QString img = process.value(QLatin1String(key)).toString(); !img.isEmpty()) {
                    images << fileName(img);
                }
            }
        }
        e.correct = std::any_of(images.begin(), images.end(), [&](const QString& i) { return sameImage(answer, i); });
        // Without Sysmon the evidence cannot name a process: "unknown" is the right answer then.
        e.correct = e.correct || (!sysmon && unknown);
        e.display =
            images.join(QStringLiteral(" or ")) + (sysmon ? QString() : QStringLiteral(" (or unknown: no Sysmon)"));
    } else if (kind == QLatin1String("interval")) {
        const double want = channel.value(QStringLiteral("interval_seconds")).toDouble();
        const double jitter = channel.value(QStringLiteral("jitter")).toDouble();
        // The tolerance: the channel's own jitter, at least 10 % and 5 s.
        const double tolerance = std::max({want * jitter, want * 0.10, 5.0});
        const double got = parseSeconds(answer);
        e.correct = got >= 0 && want > 0 && std::abs(got - want) <= tolerance;
        e.display = QStringLiteral("%1 s (± %2 s)").arg(want).arg(std::round(tolerance));
    } else if (kind == QLatin1String("began")) {
        const QDateTime want = QDateTime::fromString(
            channel.value(QStringLiteral("active")).toObject().value(QStringLiteral("first_request")).toString(),
            Qt::ISODateWithMs);
        const double interval = channel.value(QStringLiteral("interval_seconds")).toDouble();
        // Within two polls or 15 minutes, whichever is longer: minutes are what the question asks for.
        const qint64 tolerance = static_cast<qint64>(std::max(2 * interval, 900.0));
        const QDateTime got = parseUtc(answer);
        e.correct = got.isValid() && want.isValid() && std::abs(got.secsTo(want)) <= tolerance;
        e.display = want.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
    } else if (kind == QLatin1String("endpoint")) {
        QString a = answer.toLower();
        if (const qsizetype cut = a.indexOf(QLatin1String("://")); cut >= 0) {
            a = a.mid(cut + 3);
        }
        const QString host = dest.value(QStringLiteral("host")).toString().toLower();
        const QString reg = dest.value(QStringLiteral("registrable_domain")).toString().toLower();
        e.correct = !a.isEmpty() && (a.contains(host) || a.contains(reg));
        e.display = dest.value(QStringLiteral("url")).toString();
        if (e.display.isEmpty()) {
            e.display = host;
        }
        e.display = channel.value(QStringLiteral("service")).toString() + QStringLiteral(": ") + e.display;
    } else if (kind == QLatin1String("sysmon")) {
        const QString a = answer.toLower();
        const bool yes = a == QLatin1String("yes") || a == QLatin1String("y") || a == QLatin1String("true");
        const bool no = a == QLatin1String("no") || a == QLatin1String("n") || a == QLatin1String("false");
        e.correct = sysmon ? yes : no;
        e.display = sysmon ? QStringLiteral("yes") : QStringLiteral("no");
    }
    return e;
}

} // namespace socwb::training
