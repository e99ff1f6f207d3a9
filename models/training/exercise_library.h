// The exercises a trainee can open: the bundled ones (sample-data/exercises) and those an
// instructor wrote with `socwb-cli exercise new` into the user's folder
// (QStandardPaths::AppDataLocation/exercises). An exercise is a folder with BRIEF.md, evidence/
// and truth.json (the answer key), and optionally exercise.json (title, difficulty, expected time)
// and questions.json; what is missing is derived from the folder name and truth.json.
#pragma once

#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace socwb::training {

struct ExerciseInfo {
    QString name;       // the folder's name ("1-easy")
    QString dir;        // absolute path of the folder
    QString title;      // BRIEF.md's first heading, or exercise.json's title
    QString difficulty; // easy, medium, hard; empty when unknown
    QString brief;      // BRIEF.md as written (rendered as Markdown without HTML, links or images)
    int expectedMinutes = 0;
    bool bundled = false;

    QString truthPath() const;
    // The evidence files, sorted by name, the asset inventory first (it names the hosts).
    QStringList evidenceFiles() const;
};

class ExerciseLibrary {
  public:
    // SOCWB_EXERCISES when set, else next to an installed binary, else the source tree's.
    static QString bundledDir();
    // QStandardPaths::AppDataLocation/exercises (not created here).
    static QString userDir();
    // Every folder under the roots that holds a truth.json and an evidence/ folder, bundled first,
    // each root's by name.
    static QVector<ExerciseInfo> list(const QString& bundled = bundledDir(), const QString& user = userDir());
    // One exercise folder; nullopt when it is not one.
    static std::optional<ExerciseInfo> load(const QString& dir, bool bundled = false);
    // By folder name ("1-easy"), difficulty ("easy": the first listed), or a folder path.
    static std::optional<ExerciseInfo> find(const QString& nameOrPath, const QString& bundled = bundledDir(),
                                            const QString& user = userDir());
};

} // namespace socwb::training
