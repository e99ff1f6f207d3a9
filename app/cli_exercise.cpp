// socwb-cli exercise: the instructor's side of training mode. `new` writes an exercise from the
// generator and measures its difficulty; `grade` grades a trainee's case, so a class's cases can be
// collected and graded by script.
#include "cli_commands.h"
#include "training/exercise_grader.h"
#include "training/exercise_writer.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <stdexcept>

namespace socwb::cli {

namespace {

int newExercise(const QCommandLineParser& p, const ParserOptions& o, const QString& outDir) {
    bool ok = false;
    const uint64_t seed = p.value(o["seed"]).toULongLong(&ok);
    if (!ok) {
        err(QStringLiteral("socwb-cli exercise: --seed takes a non-negative integer (see --help)"));
        return Usage;
    }
    const QString difficulty = p.value(o["difficulty"]);
    training::NewExercise made;
    try {
        training::presetFor(difficulty);
        made = training::writeExercise(outDir, seed, difficulty);
    } catch (const std::invalid_argument& e) {
        err(QStringLiteral("socwb-cli exercise: %1 (see --help)").arg(QString::fromUtf8(e.what())));
        return Usage;
    } catch (const std::exception& e) {
        err(QStringLiteral("socwb-cli exercise new: %1").arg(QString::fromUtf8(e.what())));
        return Rejected;
    }
    const training::ExerciseProperties& pr = made.properties;
    err(QStringLiteral("wrote a %1 exercise (seed %2) into %3 in %4 s: %5 planted, %6 look-alikes, slowest %7 s, "
                       "rule knows the process: %8, socwb's worst planted rank %9, margin %10, rejects %11")
            .arg(difficulty)
            .arg(QString::number(seed), made.dir)
            .arg(made.seconds, 0, 'f', 1)
            .arg(pr.planted)
            .arg(pr.lookalikes)
            .arg(pr.slowestInterval)
            .arg(pr.processesKnown ? QStringLiteral("yes") : QStringLiteral("no"))
            .arg(pr.worstRank)
            .arg(pr.margin, 0, 'f', 1)
            .arg(pr.rejects));
    if (p.isSet(o["json"])) {
        printJson(QJsonObject{{"dir", made.dir},
                              {"difficulty", difficulty},
                              {"seed", QString::number(seed)},
                              {"seconds", made.seconds},
                              {"properties", pr.toJson()}});
    }
    return Ok;
}

int gradeExercise(const QCommandLineParser& p, const ParserOptions& o, const QString& casePath) {
    QHash<QString, QString> extra;
    if (p.isSet(o["answers"])) {
        QFile f(p.value(o["answers"]));
        if (f.size() > 1024 * 1024 || !f.open(QIODevice::ReadOnly)) {
            err(QStringLiteral("socwb-cli exercise grade: cannot read %1 (%2)").arg(f.fileName(), f.errorString()));
            return Usage;
        }
        const QJsonObject answers =
            QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("answers")).toObject();
        if (answers.isEmpty()) {
            err(QStringLiteral("socwb-cli exercise grade: %1 holds no {\"answers\": {...}} object").arg(f.fileName()));
            return Usage;
        }
        for (auto it = answers.begin(); it != answers.end(); ++it) {
            if (!it.value().isString()) {
                err(QStringLiteral("socwb-cli exercise grade: the answer to %1 is not text").arg(it.key()));
                return Usage;
            }
            extra.insert(it.key(), it.value().toString().left(4096));
        }
    }
    int failure = CaseUnusable;
    auto store = openCaseToRead(casePath, failure);
    if (!store) {
        return failure;
    }
    training::GradeResult r;
    try {
        r = training::gradeCase(*store, extra);
    } catch (const std::exception& e) {
        err(QStringLiteral("socwb-cli exercise grade: %1").arg(QString::fromUtf8(e.what())));
        return Rejected;
    }
    if (r.answerKeyChanged) {
        err(QStringLiteral(
            "socwb-cli exercise grade: note: the exercise's truth.json changed since the case was made"));
    }
    if (p.isSet(o["json"])) {
        printJson(r.toJson());
        return Ok;
    }
    QString out = QStringLiteral("%1 (%2): %3\n").arg(r.exercise, r.trainee, r.summaryLine());
    for (const training::ItemGrade& g : r.items) {
        out += QStringLiteral("  %1 %2 %3/%4  %5 on %6\n")
                   .arg(g.outcome, -16)
                   .arg(g.channel, -28)
                   .arg(g.earned)
                   .arg(g.points)
                   .arg(g.destination, g.host);
    }
    for (const training::StrayAccusation& s : r.strays) {
        out += QStringLiteral("  false-accusation (not in the key) %1 on %2\n").arg(s.destination, s.host);
    }
    for (const training::QuestionGrade& g : r.questions) {
        out += QStringLiteral("  %1 %2 %3/%4  answered '%5', expected %6\n")
                   .arg(g.correct ? QStringLiteral("right") : QStringLiteral("wrong"), -6)
                   .arg(g.question.id, -12)
                   .arg(g.earned)
                   .arg(g.question.points)
                   .arg(g.answer, g.expected);
    }
    std::fputs(out.toUtf8().constData(), stdout);
    return Ok;
}

} // namespace

int exercise(const QStringList& args) {
    QCommandLineParser p;
    const ParserOptions o = addToParser(p, command(QStringLiteral("exercise")));
    if (auto rc = parse(p, QStringLiteral("exercise"), args)) {
        return *rc;
    }
    const QString action = p.positionalArguments().at(0);
    const QString path = p.positionalArguments().at(1);
    if (action == QLatin1String("new")) {
        return newExercise(p, o, path);
    }
    if (action == QLatin1String("grade")) {
        return gradeExercise(p, o, path);
    }
    err(QStringLiteral("socwb-cli exercise: ACTION is new or grade, not '%1' (see --help)").arg(action));
    return Usage;
}

} // namespace socwb::cli
