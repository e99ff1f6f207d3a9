// `socwb-cli exercise new`: writes an exercise from the scenario generator — evidence/, truth.json
// (the answer key), BRIEF.md, questions.json and exercise.json — and measures what makes it easy or
// hard by importing the evidence into a scratch case, scoring it and ranking the answer key:
// how many look-alikes, how close the best of them scores to the planted channels, whether the
// published rule knows the process (and so flags the channel), and how slow the channel is.
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <cstdint>

namespace socwb::training {

// The generator's settings per difficulty (README "Training mode").
struct DifficultyPreset {
    QString difficulty, scenario;
    int workstations = 6, servers = 4, days = 1;
    QStringList formats;
    int expectedMinutes = 20;
};

// Throws std::invalid_argument for a difficulty other than easy, medium, hard.
DifficultyPreset presetFor(const QString& difficulty);

struct ExerciseProperties {
    int planted = 0;
    int lookalikes = 0;            // look-alike channels in the answer key
    int slowestInterval = 0;       // seconds, the slowest planted channel's mean poll interval
    bool processesKnown = false;   // every planted channel's process is one the published rule lists
    bool allOnSysmonHosts = false; // every planted channel's host sends Sysmon
    int rejects = 0;               // lines the import rejected
    int worstRank = 0;             // socwb's rank of the worst-placed planted channel (0: one not found)
    int lookalikesAbove = 0;       // look-alike alerts ranked above it
    double margin = 0;             // lowest planted score minus the highest score of anything else
    int baselineFlagged = 0;       // planted channels the published rule flags
    QJsonObject toJson() const;
};

struct NewExercise {
    QString dir;
    DifficultyPreset preset;
    ExerciseProperties properties;
    double seconds = 0;
};

// Writes the exercise into OUTDIR (created; it must be empty or missing). Throws std::runtime_error
// (std::invalid_argument for a bad difficulty) with what went wrong.
NewExercise writeExercise(const QString& outDir, uint64_t seed, const QString& difficulty);

} // namespace socwb::training
