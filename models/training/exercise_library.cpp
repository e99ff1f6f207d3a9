#include "exercise_library.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

#include <algorithm>

namespace socwb::training {

namespace {

// A brief or a metadata file larger than this is not one we wrote: it is not read.
constexpr qint64 kMaxTextBytes = 256 * 1024;

QByteArray readSmall(const QString& path) {
    QFile f(path);
    if (f.size() > kMaxTextBytes || !f.open(QIODevice::ReadOnly)) {
        return {};
    }
    return f.readAll();
}

// The expected time when exercise.json does not say: the bundled briefs were written for these.
int defaultMinutes(const QString& difficulty) {
    if (difficulty == QLatin1String("easy")) {
        return 20;
    }
    if (difficulty == QLatin1String("medium")) {
        return 40;
    }
    return difficulty == QLatin1String("hard") ? 60 : 30;
}

} // namespace

QString ExerciseInfo::truthPath() const {
    return QDir(dir).filePath(QStringLiteral("truth.json"));
}

QStringList ExerciseInfo::evidenceFiles() const {
    QDir d(QDir(dir).filePath(QStringLiteral("evidence")));
    QStringList files;
    for (const QFileInfo& fi : d.entryInfoList(QDir::Files, QDir::Name)) {
        files << fi.absoluteFilePath();
    }
    std::stable_partition(files.begin(), files.end(),
                          [](const QString& f) { return QFileInfo(f).fileName().startsWith(QLatin1String("assets")); });
    return files;
}

QString ExerciseLibrary::bundledDir() {
    const QString env = qEnvironmentVariable("SOCWB_EXERCISES");
    if (!env.isEmpty()) {
        return env;
    }
    const QString installed =
        QCoreApplication::applicationDirPath() + QStringLiteral("/../share/socwb/sample-data/exercises");
    if (QFileInfo::exists(installed)) {
        return QDir(installed).canonicalPath();
    }
    return QStringLiteral(SOCWB_SOURCE_DIR "/sample-data/exercises");
}

QString ExerciseLibrary::userDir() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/exercises");
}

std::optional<ExerciseInfo> ExerciseLibrary::load(const QString& dir, bool bundled) {
    const QFileInfo fi(dir);
    if (!fi.isDir() || !QFileInfo(QDir(dir).filePath(QStringLiteral("truth.json"))).isFile() ||
        !QFileInfo(QDir(dir).filePath(QStringLiteral("evidence"))).isDir()) {
        return std::nullopt;
    }
    ExerciseInfo e;
    e.dir = fi.absoluteFilePath();
    e.name = fi.fileName();
    e.bundled = bundled;
    e.brief = QString::fromUtf8(readSmall(QDir(dir).filePath(QStringLiteral("BRIEF.md"))));
    for (const QString& line : e.brief.split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("# "))) {
            e.title = line.mid(2).trimmed();
            break;
        }
    }
    const QJsonObject meta =
        QJsonDocument::fromJson(readSmall(QDir(dir).filePath(QStringLiteral("exercise.json")))).object();
    if (const QString t = meta.value(QStringLiteral("title")).toString(); !t.isEmpty()) {
        e.title = t.left(200);
    }
    e.difficulty = meta.value(QStringLiteral("difficulty")).toString();
    if (e.difficulty.isEmpty()) {
        for (const char* d : {"easy", "medium", "hard"}) {
            if (e.name.endsWith(QLatin1String(d))) {
                e.difficulty = QLatin1String(d);
            }
        }
    }
    if (!QStringList{QStringLiteral("easy"), QStringLiteral("medium"), QStringLiteral("hard")}.contains(e.difficulty)) {
        e.difficulty.clear();
    }
    e.expectedMinutes =
        std::clamp(meta.value(QStringLiteral("expected_minutes")).toInt(defaultMinutes(e.difficulty)), 1, 24 * 60);
    if (e.title.isEmpty()) {
        e.title = e.name;
    }
    return e;
}

QVector<ExerciseInfo> ExerciseLibrary::list(const QString& bundled, const QString& user) {
    QVector<ExerciseInfo> out;
    for (const auto& [root, isBundled] : {std::pair{bundled, true}, std::pair{user, false}}) {
        if (root.isEmpty()) {
            continue;
        }
        for (const QFileInfo& fi : QDir(root).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
            if (auto e = load(fi.absoluteFilePath(), isBundled)) {
                out.push_back(*e);
            }
        }
    }
    return out;
}

std::optional<ExerciseInfo> ExerciseLibrary::find(const QString& nameOrPath, const QString& bundled,
                                                  const QString& user) {
    if (nameOrPath.contains(QLatin1Char('/'))) {
        return load(nameOrPath, false);
    }
    const QVector<ExerciseInfo> all = list(bundled, user);
    for (const ExerciseInfo& e : all) {
        if (e.name == nameOrPath) {
            return e;
        }
    }
    for (const ExerciseInfo& e : all) {
        if (e.difficulty == nameOrPath) {
            return e;
        }
    }
    return std::nullopt;
}

} // namespace socwb::training
