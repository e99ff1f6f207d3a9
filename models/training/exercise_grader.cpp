#include "exercise_grader.h"

#include "core/sha256.h"
#include "exercise_session.h"
#include "scoring/answer_key.h"
#include "store/case_store.h"
#include "store/statement.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>
#include <stdexcept>

namespace socwb::training {

namespace {

struct Channel {
    qint64 id = 0;
    double score = 0;
    scoring::ChannelFacts facts;
    QString status;
    QStringList evidence;
    int item = -1;
};

QStringList factorSentences(const QByteArray& json) {
    QStringList out;
    for (const QJsonValue& v : QJsonDocument::fromJson(json).array()) {
        const QString detail = v.toObject().value(QStringLiteral("detail")).toString();
        if (!detail.isEmpty()) {
            out << detail;
        }
    }
    return out;
}

bool accuses(const QString& status) {
    return status == QLatin1String("malicious") || status == QLatin1String("escalated");
}

} // namespace

GradeResult grade(sqlite3* db, const QJsonObject& truth, const GradeInput& input) {
    const std::vector<scoring::AnswerKeyItem> key = scoring::loadAnswerKey(truth);
    const QVector<QJsonObject> planted = plantedChannels(truth);
    const QJsonArray orgHosts =
        truth.value(QStringLiteral("organisation")).toObject().value(QStringLiteral("hosts")).toArray();

    GradeResult r;
    r.exercise = input.exercise;
    r.trainee = input.trainee;
    r.startedAt = input.startedAt;
    r.submittedAt = input.submittedAt;
    const QDateTime started = QDateTime::fromString(input.startedAt, Qt::ISODateWithMs);
    const QDateTime submitted = QDateTime::fromString(input.submittedAt, Qt::ISODateWithMs);
    r.seconds = started.isValid() && submitted.isValid() ? std::max<qint64>(0, started.secsTo(submitted)) : 0;

    std::vector<Channel> channels;
    Statement st(db, "SELECT a.id, a.score, a.host, a.destination, coalesce(a.registered_domain, ''), "
                     "coalesce(a.process_name, ''), coalesce(a.endpoint, ''), a.factors, coalesce(t.status, '') "
                     "FROM alerts a LEFT JOIN triage t ON t.channel_key = a.channel_key ORDER BY a.score DESC, a.id");
    while (st.step()) {
        Channel c;
        c.id = st.int64(0);
        c.score = st.real(1);
        c.facts = scoring::ChannelFacts{QString::fromStdString(st.text(2)), QString::fromStdString(st.text(3)),
                                        QString::fromStdString(st.text(4)), QString::fromStdString(st.text(5)),
                                        QString::fromStdString(st.text(6))};
        c.evidence = factorSentences(QByteArray::fromStdString(st.text(7)));
        c.status = QString::fromStdString(st.text(8));
        c.item = scoring::matchItem(key, c.facts);
        channels.push_back(std::move(c));
    }

    for (size_t i = 0; i < key.size(); ++i) {
        const scoring::AnswerKeyItem& k = key[i];
        ItemGrade g;
        g.channel = k.channel;
        g.positive = k.positive;
        g.points = k.points;
        const Channel* decisive = nullptr;
        const Channel* best = nullptr;
        bool malicious = false, benign = false;
        for (const Channel& c : channels) {
            if (c.item != static_cast<int>(i)) {
                continue;
            }
            best = best ? best : &c;
            if (accuses(c.status)) {
                malicious = true;
                // The accusation decides a look-alike; for a planted channel any accusing row does.
                decisive = decisive && accuses(decisive->status) ? decisive : &c;
            } else if (c.status == QLatin1String("benign")) {
                benign = true;
                decisive = decisive ? decisive : &c;
            }
        }
        g.verdict = malicious ? QStringLiteral("malicious") : benign ? QStringLiteral("benign") : QString();
        if (const Channel* c = decisive ? decisive : best) {
            g.alertId = c->id;
            g.host = c->facts.host;
            g.destination = c->facts.destination;
            g.process = c->facts.processName;
            g.evidence = c->evidence;
        }
        if (k.positive) {
            g.outcome = malicious ? QStringLiteral("correct") : QStringLiteral("missed");
            r.missed += malicious ? 0 : 1;
        } else if (malicious) {
            g.outcome = QStringLiteral("false-accusation");
            ++r.falseAccusations;
        } else {
            g.outcome = benign ? QStringLiteral("correct") : QStringLiteral("not-reviewed");
        }
        g.earned = g.outcome == QLatin1String("correct") ? g.points : 0;
        r.itemPoints += g.earned;
        r.itemTotal += g.points;
        r.items.push_back(g);
    }
    for (const Channel& c : channels) {
        if (c.item < 0 && accuses(c.status)) {
            r.strays.push_back({c.id, c.facts.host, c.facts.destination, c.facts.processName, c.evidence});
            ++r.falseAccusations;
        }
    }

    // The trainee's channel N is the planted channel whose host they named, when one does; the
    // others keep the truth's order. So two planted channels answered in the other order still count.
    const QVector<ExerciseQuestion> questions = questionsFromTruth(truth);
    QVector<int> pairing(planted.size(), -1); // trainee channel (0-based) -> planted index
    QVector<bool> taken(planted.size(), false);
    for (int g = 0; g < planted.size(); ++g) {
        const QString host = input.answers.value(QStringLiteral("c%1.host").arg(g + 1));
        for (int p = 0; p < planted.size() && !host.isEmpty(); ++p) {
            if (!taken[p] && checkAnswer(QStringLiteral("host"), planted[p], orgHosts, host).correct) {
                pairing[g] = p;
                taken[p] = true;
                break;
            }
        }
    }
    for (int g = 0; g < planted.size(); ++g) {
        for (int p = 0; p < planted.size() && pairing[g] < 0; ++p) {
            if (!taken[p]) {
                pairing[g] = p;
                taken[p] = true;
            }
        }
    }
    for (const ExerciseQuestion& q : questions) {
        QuestionGrade g;
        g.question = q;
        g.answer = input.answers.value(q.id);
        const ExpectedAnswer e = checkAnswer(q.kind, planted[pairing[q.channel - 1]], orgHosts, g.answer);
        g.expected = e.display;
        g.correct = e.correct;
        g.earned = e.correct ? q.points : 0;
        g.hintUsed = input.hints.contains(q.id);
        r.questionPoints += g.earned;
        r.questionTotal += q.points;
        r.questions.push_back(g);
    }
    for (auto it = input.hints.begin(); it != input.hints.end(); ++it) {
        ++r.hintsUsed;
        r.hintPoints += std::clamp(it.value(), 0, 100);
    }
    r.penalty = r.falseAccusations * kFalseAccusationPenalty;
    r.maximum = r.itemTotal + r.questionTotal;
    r.total = std::max(0, r.itemPoints + r.questionPoints - r.hintPoints - r.penalty);
    return r;
}

GradeResult gradeCase(CaseStore& store, const QHash<QString, QString>& extra, const QString& submittedAt) {
    ExerciseSession session(store);
    const std::optional<ExerciseOrigin> origin = session.origin();
    if (!origin) {
        throw std::runtime_error("this case is not a trainee's case (it records no exercise)");
    }
    const QString truthPath = QDir(origin->dir).filePath(QStringLiteral("truth.json"));
    QFile f(truthPath);
    if (f.size() > 64 * 1024 * 1024 || !f.open(QIODevice::ReadOnly)) {
        throw std::runtime_error("cannot read the answer key " + truthPath.toStdString() + ": " +
                                 f.errorString().toStdString());
    }
    const QByteArray bytes = f.readAll();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (!doc.isObject()) {
        throw std::runtime_error(truthPath.toStdString() + " is not JSON: " + error.errorString().toStdString());
    }
    GradeInput in;
    in.exercise = origin->name;
    in.trainee = origin->trainee;
    in.startedAt = origin->startedAt;
    in.submittedAt = !submittedAt.isEmpty()           ? submittedAt
                     : !origin->submittedAt.isEmpty() ? origin->submittedAt
                                                      : CaseStore::nowIso();
    in.answers = session.answers();
    for (auto it = extra.begin(); it != extra.end(); ++it) {
        in.answers.insert(it.key(), it.value());
    }
    in.hints = session.hints();
    GradeResult r = grade(store.db(), doc.object(), in);
    Sha256 sha;
    sha.update(std::string_view(bytes.constData(), static_cast<size_t>(bytes.size())));
    r.answerKeyChanged = sha.hex() != origin->truthSha256;
    return r;
}

QStringList GradeResult::missedChannels() const {
    QStringList out;
    for (const ItemGrade& g : items) {
        if (g.outcome == QLatin1String("missed")) {
            out << g.channel;
        }
    }
    return out;
}

QStringList GradeResult::falselyAccusedChannels() const {
    QStringList out;
    for (const ItemGrade& g : items) {
        if (g.outcome == QLatin1String("false-accusation")) {
            out << g.channel;
        }
    }
    return out;
}

QString GradeResult::summaryLine() const {
    return QStringLiteral("%1 of %2 points: channels %3/%4, questions %5/%6, %7 hint(s) -%8, %9 false accusation(s) "
                          "-%10, %11 missed, %12 min")
        .arg(total)
        .arg(maximum)
        .arg(itemPoints)
        .arg(itemTotal)
        .arg(questionPoints)
        .arg(questionTotal)
        .arg(hintsUsed)
        .arg(hintPoints)
        .arg(falseAccusations)
        .arg(penalty)
        .arg(missed)
        .arg(seconds / 60.0, 0, 'f', 1);
}

QJsonObject GradeResult::toJson() const {
    QJsonArray itemList, questionList, strayList;
    for (const ItemGrade& g : items) {
        itemList.append(QJsonObject{{"channel", g.channel},
                                    {"expected", g.positive ? "malicious" : "benign"},
                                    {"verdict", g.verdict.isEmpty() ? QJsonValue() : QJsonValue(g.verdict)},
                                    {"outcome", g.outcome},
                                    {"points", g.points},
                                    {"earned", g.earned},
                                    {"alert_id", g.alertId ? QJsonValue(g.alertId) : QJsonValue()},
                                    {"host", g.host},
                                    {"destination", g.destination},
                                    {"process", g.process},
                                    {"evidence", QJsonArray::fromStringList(g.evidence)}});
    }
    for (const QuestionGrade& g : questions) {
        questionList.append(QJsonObject{{"id", g.question.id},
                                        {"text", g.question.text},
                                        {"answer", g.answer},
                                        {"expected", g.expected},
                                        {"correct", g.correct},
                                        {"points", g.question.points},
                                        {"earned", g.earned},
                                        {"hint_used", g.hintUsed}});
    }
    for (const StrayAccusation& s : strays) {
        strayList.append(QJsonObject{{"alert_id", s.alertId},
                                     {"host", s.host},
                                     {"destination", s.destination},
                                     {"process", s.process},
                                     {"evidence", QJsonArray::fromStringList(s.evidence)}});
    }
    return QJsonObject{{"exercise", exercise},
                       {"trainee", trainee},
                       {"started_at", startedAt},
                       {"submitted_at", submittedAt},
                       {"seconds", seconds},
                       {"answer_key_changed", answerKeyChanged},
                       {"total", total},
                       {"maximum", maximum},
                       {"channel_points", itemPoints},
                       {"channel_total", itemTotal},
                       {"question_points", questionPoints},
                       {"question_total", questionTotal},
                       {"hints_used", hintsUsed},
                       {"hint_points", hintPoints},
                       {"false_accusations", falseAccusations},
                       {"false_accusation_penalty", penalty},
                       {"missed", missed},
                       {"missed_channels", QJsonArray::fromStringList(missedChannels())},
                       {"falsely_accused_channels", QJsonArray::fromStringList(falselyAccusedChannels())},
                       {"channels", itemList},
                       {"questions", questionList},
                       {"unlisted_accusations", strayList}};
}

QString GradeResult::toHtml() const {
    auto e = [](const QString& s) { return s.toHtmlEscaped(); };
    QString h;
    h += QStringLiteral("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%1 — %2</title>"
                        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;text-align:left;"
                        "vertical-align:top}.ok{color:#1a7f37}.bad{color:#b42318}</style></head><body>\n")
             .arg(e(exercise), e(trainee));
    h += QStringLiteral("<h1>%1</h1>\n<p>Trainee %2, started %3, submitted %4.</p>\n<p><b>%5</b></p>\n")
             .arg(e(exercise), e(trainee), e(startedAt), e(submittedAt), e(summaryLine()));
    h += QStringLiteral("<h2>Channels</h2>\n<table><tr><th>Channel</th><th>Expected</th><th>Verdict</th>"
                        "<th>Outcome</th><th>Points</th><th>Evidence</th></tr>\n");
    for (const ItemGrade& g : items) {
        h +=
            QStringLiteral("<tr><td>%1<br><small>%2 → %3 %4</small></td><td>%5</td><td>%6</td><td class=\"%7\">%8</td>"
                           "<td>%9/%10</td><td>%11</td></tr>\n")
                .arg(e(g.channel), e(g.host), e(g.destination), e(g.process),
                     g.positive ? QStringLiteral("malicious") : QStringLiteral("benign"),
                     e(g.verdict.isEmpty() ? QStringLiteral("—") : g.verdict),
                     g.outcome == QLatin1String("correct") ? QStringLiteral("ok") : QStringLiteral("bad"), e(g.outcome))
                .arg(g.earned)
                .arg(g.points)
                .arg(e(g.evidence.join(QStringLiteral("\n"))).replace(QLatin1Char('\n'), QLatin1String("<br>")));
    }
    h += QStringLiteral("</table>\n");
    if (!strays.isEmpty()) {
        h += QStringLiteral("<h2>Accused, not in the answer key</h2>\n<ul>\n");
        for (const StrayAccusation& s : strays) {
            h += QStringLiteral("<li>%1 → %2 %3</li>\n").arg(e(s.host), e(s.destination), e(s.process));
        }
        h += QStringLiteral("</ul>\n");
    }
    h += QStringLiteral("<h2>Questions</h2>\n<table><tr><th>Question</th><th>Answer</th><th>Expected</th>"
                        "<th>Points</th><th>Hint</th></tr>\n");
    for (const QuestionGrade& g : questions) {
        h += QStringLiteral("<tr><td>%1</td><td class=\"%2\">%3</td><td>%4</td><td>%5/%6</td><td>%7</td></tr>\n")
                 .arg(e(g.question.text), g.correct ? QStringLiteral("ok") : QStringLiteral("bad"), e(g.answer),
                      e(g.expected))
                 .arg(g.earned)
                 .arg(g.question.points)
                 .arg(g.hintUsed ? QStringLiteral("-%1").arg(g.question.hintCost) : QString());
    }
    h += QStringLiteral("</table>\n</body></html>\n");
    return h;
}

QString resultsDir() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/training");
}

QString saveResult(const GradeResult& result, const QString& dir) {
    // The trainee and exercise names become path parts: only a safe alphabet is kept.
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]"));
    QString trainee = QString(result.trainee).replace(unsafe, QStringLiteral("_"));
    QString exercise = QString(result.exercise).replace(unsafe, QStringLiteral("_"));
    trainee = trainee.isEmpty() || trainee.startsWith(QLatin1Char('.')) ? QStringLiteral("_") + trainee : trainee;
    exercise = exercise.isEmpty() ? QStringLiteral("exercise") : exercise;
    const QString folder = QDir(dir).filePath(trainee);
    if (!QDir().mkpath(folder)) {
        throw std::runtime_error("cannot create " + folder.toStdString());
    }
    QDateTime at = QDateTime::fromString(result.submittedAt, Qt::ISODateWithMs);
    at = at.isValid() ? at : QDateTime::currentDateTimeUtc();
    const QString base =
        QDir(folder).filePath(exercise + QLatin1Char('-') + at.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss")));
    for (const auto& [suffix, bytes] :
         {std::pair{QStringLiteral(".json"), QJsonDocument(result.toJson()).toJson(QJsonDocument::Indented)},
          std::pair{QStringLiteral(".html"), result.toHtml().toUtf8()}}) {
        QSaveFile f(base + suffix);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
            throw std::runtime_error("cannot write " + (base + suffix).toStdString() + ": " +
                                     f.errorString().toStdString());
        }
    }
    return base + QStringLiteral(".json");
}

} // namespace socwb::training
