#include "exercise_session.h"

#include "core/sha256.h"
#include "exercise_library.h"
#include "store/case_store.h"
#include "store/statement.h"

#include "exercise_grader.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <stdexcept>

namespace socwb::training {

namespace {
constexpr qsizetype kMaxAnswer = 4096;
}

QString newAttemptPath(const QString& exerciseName, const QString& trainee, const QString& dir) {
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]"));
    QString who = QString(trainee).replace(unsafe, QStringLiteral("_"));
    who = who.isEmpty() || who.startsWith(QLatin1Char('.')) ? QStringLiteral("_") + who : who;
    QString name = QString(exerciseName).replace(unsafe, QStringLiteral("_"));
    const QString folder = QDir(dir.isEmpty() ? resultsDir() : dir).filePath(who + QStringLiteral("/cases"));
    QDir().mkpath(folder);
    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss"));
    QString path = QDir(folder).filePath(QStringLiteral("%1-%2.socwb").arg(name, stamp));
    for (int n = 2; QFileInfo::exists(path); ++n) {
        path = QDir(folder).filePath(QStringLiteral("%1-%2-%3.socwb").arg(name, stamp).arg(n));
    }
    return path;
}

QString traineeName() {
    return CaseStore::actorName();
}

void ExerciseSession::start(const ExerciseInfo& exercise, const QString& trainee) {
    QFile truth(exercise.truthPath());
    if (!truth.open(QIODevice::ReadOnly)) {
        throw std::runtime_error("cannot read the exercise's truth.json: " + truth.errorString().toStdString());
    }
    Sha256 sha;
    const QByteArray bytes = truth.readAll();
    sha.update(std::string_view(bytes.constData(), static_cast<size_t>(bytes.size())));
    const QString digest = sha.hex();
    sqlite3* db = store_.db();
    if (queryInt(db, "SELECT count(*) FROM exercise").value_or(0) > 0) {
        throw std::runtime_error("this case already belongs to an exercise; a retry starts from a new case");
    }
    Statement st(db,
                 "INSERT INTO exercise (id, name, dir, truth_sha256, trainee, started_at) VALUES (1, ?, ?, ?, ?, ?)");
    st.bind(1, exercise.name.toStdString())
        .bind(2, exercise.dir.toStdString())
        .bind(3, digest.toStdString())
        .bind(4, trainee.toStdString())
        .bind(5, CaseStore::nowIso().toStdString());
    st.exec();
    store_.audit(QStringLiteral("exercise.start"), exercise.name, exercise.dir);
}

std::optional<ExerciseOrigin> ExerciseSession::origin() const {
    Statement st(store_.db(), "SELECT name, dir, truth_sha256, trainee, started_at, coalesce(submitted_at, '') "
                              "FROM exercise WHERE id = 1");
    if (!st.step()) {
        return std::nullopt;
    }
    auto t = [&](int c) { return QString::fromStdString(st.text(c)); };
    return ExerciseOrigin{t(0), t(1), t(2), t(3), t(4), t(5)};
}

void ExerciseSession::setAnswer(const QString& questionId, const QString& answer) {
    if (answer.size() > kMaxAnswer || questionId.size() > 64) {
        throw std::invalid_argument("an answer is at most 4096 characters");
    }
    if (answer.trimmed().isEmpty()) {
        Statement del(store_.db(), "DELETE FROM exercise_answers WHERE question_id = ?");
        del.bind(1, questionId.toStdString()).exec();
        return;
    }
    Statement st(store_.db(), "INSERT INTO exercise_answers (question_id, answer, updated_at) VALUES (?, ?, ?) "
                              "ON CONFLICT(question_id) DO UPDATE SET answer = excluded.answer, "
                              "updated_at = excluded.updated_at");
    st.bind(1, questionId.toStdString())
        .bind(2, answer.trimmed().toStdString())
        .bind(3, CaseStore::nowIso().toStdString());
    st.exec();
}

QHash<QString, QString> ExerciseSession::answers() const {
    QHash<QString, QString> out;
    Statement st(store_.db(), "SELECT question_id, answer FROM exercise_answers");
    while (st.step()) {
        out.insert(QString::fromStdString(st.text(0)), QString::fromStdString(st.text(1)));
    }
    return out;
}

bool ExerciseSession::useHint(const QString& questionId, int cost) {
    if (questionId.size() > 64) {
        throw std::invalid_argument("not a question id");
    }
    Transaction tx(store_.db());
    Statement st(store_.db(), "INSERT OR IGNORE INTO exercise_hints (question_id, cost, used_at) VALUES (?, ?, ?)");
    st.bind(1, questionId.toStdString()).bind(2, cost).bind(3, CaseStore::nowIso().toStdString());
    st.exec();
    const bool added = sqlite3_changes(store_.db()) > 0;
    tx.commit();
    if (added) {
        store_.audit(QStringLiteral("exercise.hint"), questionId, QStringLiteral("costs %1 point(s)").arg(cost));
    }
    return added;
}

QHash<QString, int> ExerciseSession::hints() const {
    QHash<QString, int> out;
    Statement st(store_.db(), "SELECT question_id, cost FROM exercise_hints");
    while (st.step()) {
        out.insert(QString::fromStdString(st.text(0)), static_cast<int>(st.int64(1)));
    }
    return out;
}

void ExerciseSession::markSubmitted(const QString& atIso) {
    Statement st(store_.db(), "UPDATE exercise SET submitted_at = ? WHERE id = 1");
    st.bind(1, atIso.toStdString()).exec();
    store_.audit(QStringLiteral("exercise.submit"), origin() ? origin()->name : QString(), atIso);
}

} // namespace socwb::training
