#include "exercise_writer.h"

#include "exercise_questions.h"
#include "ingest/importer.h"
#include "scenario/scenario_generator.h"
#include "scoring/evaluation.h"
#include "scoring/scoring_engine.h"
#include "store/case_store.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QTimeZone>

#include <atomic>
#include <stdexcept>

namespace socwb::training {

namespace {

void writeFile(const QString& path, const QByteArray& bytes) {
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        throw std::runtime_error("cannot write " + path.toStdString() + ": " + f.errorString().toStdString());
    }
}

// The brief says what the SOC saw and what to find, as much as the difficulty allows: the easy
// exercise names the service, the medium one the kind of traffic it hides in, the hard one nothing.
QString briefFor(const DifficultyPreset& p, const QJsonObject& truth, uint64_t seed, const ExerciseProperties& props) {
    const QVector<QJsonObject> planted = plantedChannels(truth);
    const QString service = planted.isEmpty() ? QString() : planted.first().value(QStringLiteral("service")).toString();
    QString b;
    b +=
        QStringLiteral("# Exercise (%1, seed %2): %3\n\n")
            .arg(p.difficulty)
            .arg(seed)
            .arg(p.difficulty == QLatin1String("easy")     ? QStringLiteral("something keeps reading %1").arg(service)
                 : p.difficulty == QLatin1String("medium") ? QStringLiteral("an unknown program among busy web traffic")
                                                           : QStringLiteral("slow, quiet channels"));
    b += QStringLiteral("**What the SOC saw.** ");
    if (p.difficulty == QLatin1String("easy")) {
        b += QStringLiteral("A threat-intel feed flagged %1 as a common stage for commands. Several hosts talk to "
                            "it; one of them is not a person.\n\n")
                 .arg(service);
    } else if (p.difficulty == QLatin1String("medium")) {
        b += QStringLiteral("Something on a workstation polls a popular web service on a jittered schedule. The "
                            "program is not one the published detection rule lists.\n\n");
    } else {
        b += QStringLiteral("A hunch, no alert: %1 host(s) may take orders from a web service, slowly, and not all "
                            "of them send Sysmon.\n\n")
                 .arg(props.planted);
    }
    b += QStringLiteral("**Evidence** (`evidence/`, %1 workstations and %2 servers, %3 day(s), all times UTC):\n")
             .arg(p.workstations)
             .arg(p.servers)
             .arg(p.days);
    for (const QJsonValue& v : truth.value(QStringLiteral("files")).toArray()) {
        const QJsonObject f = v.toObject();
        if (f.value(QStringLiteral("kind")).toString() != QLatin1String("truth")) {
            b += QStringLiteral("- `%1` (%2)\n")
                     .arg(f.value(QStringLiteral("name")).toString(), f.value(QStringLiteral("kind")).toString());
        }
    }
    b += QStringLiteral("\n**What to find.** Answer the questions (host, process, parent, interval, start, service "
                        "and endpoint, Sysmon) and give every host-and-destination pair you looked at a verdict, "
                        "malicious or benign. `truth.json` is the answer key: the grader reads it, you do not.\n");
    return b;
}

ExerciseProperties measure(const QString& evidenceDir, const QJsonObject& truth, const QByteArray& truthBytes) {
    ExerciseProperties props;
    for (const QJsonObject& c : plantedChannels(truth)) {
        ++props.planted;
        props.slowestInterval = std::max(props.slowestInterval, c.value(QStringLiteral("interval_seconds")).toInt());
    }
    for (const QJsonValue& v : truth.value(QStringLiteral("channels")).toArray()) {
        props.lookalikes +=
            v.toObject().value(QStringLiteral("kind")).toString() == QLatin1String("look-alike") ? 1 : 0;
    }
    bool sysmon = true;
    const QJsonArray hosts =
        truth.value(QStringLiteral("organisation")).toObject().value(QStringLiteral("hosts")).toArray();
    for (const QJsonObject& c : plantedChannels(truth)) {
        sysmon = sysmon && checkAnswer(QStringLiteral("sysmon"), c, hosts, QStringLiteral("yes")).correct;
    }
    props.allOnSysmonHosts = sysmon;

    QTemporaryDir scratch;
    if (!scratch.isValid()) {
        throw std::runtime_error("cannot make a scratch folder to measure the exercise");
    }
    auto store = CaseStore::open(scratch.filePath(QStringLiteral("measure.socwb")));
    Importer importer(*store);
    const std::atomic<bool> cancel{false};
    QStringList files;
    for (const QFileInfo& fi : QDir(evidenceDir).entryInfoList(QDir::Files, QDir::Name)) {
        files << fi.absoluteFilePath();
    }
    std::stable_partition(files.begin(), files.end(),
                          [](const QString& f) { return QFileInfo(f).fileName().startsWith(QLatin1String("assets")); });
    for (const QString& f : files) {
        const ImportResult r = importer.importFile(f, ImportOptions{}, {}, cancel);
        if (r.status != QLatin1String("imported")) {
            throw std::runtime_error("the generated " + f.toStdString() +
                                     " did not import: " + r.message.toStdString());
        }
        props.rejects += static_cast<int>(r.rejected);
    }
    const ScoreOutcome outcome = ScoringEngine(*store).run(ScoreMode::Full);
    if (outcome.status != QLatin1String("done")) {
        throw std::runtime_error("scoring the generated evidence failed: " + outcome.message.toStdString());
    }
    const scoring::Evaluation e = scoring::evaluate(store->db(), truthBytes);
    props.worstRank = e.socwb.worstRank;
    props.lookalikesAbove = e.socwb.lookalikesAbove;
    props.margin = e.socwb.margin;
    props.baselineFlagged = e.baseline.found;
    // "Known" as the published rule knows it: it flags the channel.
    props.processesKnown = e.baseline.found == props.planted;
    return props;
}

} // namespace

QJsonObject ExerciseProperties::toJson() const {
    return QJsonObject{{"planted", planted},
                       {"lookalikes", lookalikes},
                       {"slowest_interval_s", slowestInterval},
                       {"processes_known_to_published_rule", processesKnown},
                       {"all_planted_on_sysmon_hosts", allOnSysmonHosts},
                       {"import_rejects", rejects},
                       {"socwb_worst_planted_rank", worstRank},
                       {"lookalikes_above_worst_planted", lookalikesAbove},
                       {"score_margin", margin},
                       {"published_rule_flagged", baselineFlagged}};
}

DifficultyPreset presetFor(const QString& difficulty) {
    DifficultyPreset p;
    p.difficulty = difficulty;
    p.scenario = difficulty;
    if (difficulty == QLatin1String("easy")) {
        p.formats = {QStringLiteral("squid"), QStringLiteral("windows-dns"), QStringLiteral("sysmon-xml"),
                     QStringLiteral("assets")};
        p.expectedMinutes = 20;
    } else if (difficulty == QLatin1String("medium")) {
        p.workstations = 8;
        p.formats = {QStringLiteral("w3c"), QStringLiteral("zeek-dns"), QStringLiteral("winlogbeat"),
                     QStringLiteral("assets")};
        p.expectedMinutes = 40;
    } else if (difficulty == QLatin1String("hard")) {
        p.workstations = 8;
        p.formats = {QStringLiteral("squid"), QStringLiteral("windows-dns"), QStringLiteral("sysmon-xml"),
                     QStringLiteral("assets")};
        p.expectedMinutes = 60;
    } else {
        throw std::invalid_argument("--difficulty takes easy, medium or hard");
    }
    return p;
}

NewExercise writeExercise(const QString& outDir, uint64_t seed, const QString& difficulty) {
    QElapsedTimer clock;
    clock.start();
    NewExercise out;
    out.preset = presetFor(difficulty);
    QDir dir(outDir);
    if (dir.exists() && !dir.isEmpty()) {
        throw std::runtime_error(outDir.toStdString() + " is not empty");
    }
    const QString evidence = dir.filePath(QStringLiteral("evidence"));
    if (!QDir().mkpath(evidence)) {
        throw std::runtime_error("cannot create " + evidence.toStdString());
    }
    out.dir = QFileInfo(outDir).absoluteFilePath();

    scenario::GeneratorOptions o;
    o.seed = seed;
    o.workstations = out.preset.workstations;
    o.servers = out.preset.servers;
    o.days = out.preset.days;
    o.scenario = out.preset.scenario.toStdString();
    for (const QString& f : out.preset.formats) {
        o.formats.push_back(f.toStdString());
    }
    o.startUs = QDateTime(QDate(2024, 3, 4), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch() * 1000;
    o.title = QStringLiteral("Exercise (%1, seed %2)").arg(difficulty).arg(seed).toStdString();
    scenario::ScenarioGenerator generator(o);
    if (const std::string problem = generator.validate(); !problem.empty()) {
        throw std::runtime_error(problem);
    }
    generator.simulate();
    generator.write(evidence.toStdString());
    // The answer key sits beside evidence/, never in it: importing the evidence folder must not
    // bring it into the trainee's case.
    const QString truthPath = dir.filePath(QStringLiteral("truth.json"));
    if (!QFile::rename(QDir(evidence).filePath(QStringLiteral("truth.json")), truthPath)) {
        throw std::runtime_error("cannot move truth.json out of the evidence folder");
    }
    QFile tf(truthPath);
    if (!tf.open(QIODevice::ReadOnly)) {
        throw std::runtime_error("cannot read " + truthPath.toStdString());
    }
    const QByteArray truthBytes = tf.readAll();
    const QJsonObject truth = QJsonDocument::fromJson(truthBytes).object();

    out.properties = measure(evidence, truth, truthBytes);
    writeFile(dir.filePath(QStringLiteral("BRIEF.md")), briefFor(out.preset, truth, seed, out.properties).toUtf8());
    writeFile(dir.filePath(QStringLiteral("questions.json")),
              QJsonDocument(QJsonObject{{"questions", questionsToJson(questionsFromTruth(truth))}})
                  .toJson(QJsonDocument::Indented));
    out.seconds = clock.elapsed() / 1000.0;
    const QJsonObject meta{{"title", QStringLiteral("Exercise (%1, seed %2)").arg(difficulty).arg(seed)},
                           {"difficulty", difficulty},
                           {"seed", QString::number(seed)},
                           {"expected_minutes", out.preset.expectedMinutes},
                           {"generator", truth.value(QStringLiteral("generator"))},
                           {"properties", out.properties.toJson()}};
    writeFile(dir.filePath(QStringLiteral("exercise.json")), QJsonDocument(meta).toJson(QJsonDocument::Indented));
    return out;
}

} // namespace socwb::training
