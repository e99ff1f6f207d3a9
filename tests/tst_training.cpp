// Training mode without the window: questions and their tolerances, grading a trainee's case made
// from the bundled easy exercise (exact points, missed channels and false accusations named, hints
// charged), the answer key kept out of the case, `socwb-cli exercise grade`, and `exercise new` for
// three seeds of each difficulty measured against the documented definition.
#include "ingest/importer.h"
#include "scoring/scoring_engine.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "test_paths.h"
#include "training/exercise_grader.h"
#include "training/exercise_library.h"
#include "training/exercise_questions.h"
#include "training/exercise_session.h"
#include "triage/triage_store.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace socwb;
using namespace socwb::training;

namespace {

QJsonObject readJson(const QString& path) {
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QJsonDocument::fromJson(f.readAll()).object();
}

QString channelKey(CaseStore& store, const QString& host, const QString& destinationLike, const QString& process) {
    Statement st(store.db(), "SELECT channel_key FROM alerts WHERE host = ? AND destination LIKE ? AND "
                             "coalesce(process_name, '') = ? ORDER BY score DESC LIMIT 1");
    st.bind(1, host.toStdString()).bind(2, destinationLike.toStdString()).bind(3, process.toStdString());
    return st.step() ? QString::fromStdString(st.text(0)) : QString();
}

} // namespace

class TestTraining : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void libraryListsTheBundledExercises();
    void questionsComeFromTheTruth();
    void answersAreCheckedWithinTolerance_data();
    void answersAreCheckedWithinTolerance();
    void gradesTheEasyExerciseExactly();
    void wrongVerdictsNameTheChannels();
    void cliGradesACase();
    void newExercisesMeetTheirDifficulty_data();
    void newExercisesMeetTheirDifficulty();

  private:
    // A trainee's case of the bundled easy exercise, imported and scored, in dir_.
    QString makeAttempt(const QString& name);
    QTemporaryDir dir_;
    std::optional<ExerciseInfo> easy_;
};

void TestTraining::initTestCase() {
    QVERIFY(dir_.isValid());
    easy_ = ExerciseLibrary::find(QStringLiteral("easy"), ExerciseLibrary::bundledDir(), dir_.filePath("none"));
    QVERIFY(easy_);
}

void TestTraining::libraryListsTheBundledExercises() {
    const QVector<ExerciseInfo> all = ExerciseLibrary::list(ExerciseLibrary::bundledDir(), dir_.filePath("none"));
    QCOMPARE(all.size(), 3);
    QCOMPARE(all[0].name, QStringLiteral("1-easy"));
    QCOMPARE(all[0].difficulty, QStringLiteral("easy"));
    QCOMPARE(all[2].difficulty, QStringLiteral("hard"));
    QCOMPARE(all[0].title, QStringLiteral("Exercise 1 (easy): something keeps reading pastebin"));
    QCOMPARE(all[0].expectedMinutes, 20);
    QVERIFY(all[0].brief.contains(QStringLiteral("What to find")));
    QCOMPARE(QFileInfo(all[0].evidenceFiles().first()).fileName(), QStringLiteral("assets.csv"));
    QCOMPARE(all[0].evidenceFiles().size(), 4);
    QVERIFY(!ExerciseLibrary::find(QStringLiteral("nonesuch")));
}

void TestTraining::questionsComeFromTheTruth() {
    const QVector<ExerciseQuestion> q = questionsFromTruth(readJson(easy_->truthPath()));
    QCOMPARE(q.size(), 7);
    QStringList ids;
    int points = 0;
    for (const ExerciseQuestion& x : q) {
        ids << x.id;
        points += x.points;
    }
    QCOMPARE(ids.join(','), QStringLiteral("c1.host,c1.process,c1.parent,c1.interval,c1.began,c1.endpoint,c1.sysmon"));
    QCOMPARE(points, 15);
    QVERIFY(q[0].hint.contains(QStringLiteral("pastebin")));
    // The hard exercise has two planted channels, asked apart.
    const QVector<ExerciseQuestion> hard =
        questionsFromTruth(readJson(ExerciseLibrary::find(QStringLiteral("hard"))->truthPath()));
    QCOMPARE(hard.size(), 14);
    QVERIFY(hard[7].text.startsWith(QStringLiteral("Channel 2 of 2: ")));
}

void TestTraining::answersAreCheckedWithinTolerance_data() {
    QTest::addColumn<QString>("exercise");
    QTest::addColumn<int>("channel");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("answer");
    QTest::addColumn<bool>("correct");
    // Easy: 60 s ± 6 s (10 %), began 2024-03-04 09:38:38 ± 15 min, parent explorer.exe.
    QTest::newRow("interval 60") << "easy" << 0 << "interval"
                                 << "60" << true;
    QTest::newRow("interval 1 min") << "easy" << 0 << "interval"
                                    << "1 min" << true;
    QTest::newRow("interval 66 s") << "easy" << 0 << "interval"
                                   << "66 s" << true;
    QTest::newRow("interval 67 s") << "easy" << 0 << "interval"
                                   << "67 s" << false;
    QTest::newRow("interval words") << "easy" << 0 << "interval"
                                    << "often" << false;
    QTest::newRow("began minute") << "easy" << 0 << "began"
                                  << "2024-03-04 09:38" << true;
    QTest::newRow("began 16 min late") << "easy" << 0 << "began"
                                       << "2024-03-04 09:55" << false;
    QTest::newRow("began next day") << "easy" << 0 << "began"
                                    << "2024-03-05 09:38" << false;
    QTest::newRow("process path") << "easy" << 0 << "process"
                                  << "C:\\Windows\\System32\\powershell.exe" << true;
    QTest::newRow("process wrong") << "easy" << 0 << "process"
                                   << "cmd.exe" << false;
    QTest::newRow("process unknown with Sysmon") << "easy" << 0 << "process"
                                                 << "unknown" << false;
    QTest::newRow("parent") << "easy" << 0 << "parent"
                            << "explorer" << true;
    QTest::newRow("host any case") << "easy" << 0 << "host"
                                   << "wks-sal-03" << true;
    QTest::newRow("host other") << "easy" << 0 << "host"
                                << "WKS-SAL-01" << false;
    QTest::newRow("endpoint url") << "easy" << 0 << "endpoint"
                                  << "https://pastebin.com/raw/zfavNLbL" << true;
    QTest::newRow("endpoint other") << "easy" << 0 << "endpoint"
                                    << "github.com" << false;
    QTest::newRow("sysmon yes") << "easy" << 0 << "sysmon"
                                << "Yes" << true;
    // Hard: its second channel runs on a Linux server without Sysmon (DNS only): "unknown" is right.
    QTest::newRow("no Sysmon: unknown process") << "hard" << 1 << "process"
                                                << "unknown" << true;
    QTest::newRow("no Sysmon: sysmon no") << "hard" << 1 << "sysmon"
                                          << "no" << true;
    QTest::newRow("no Sysmon: sysmon yes") << "hard" << 1 << "sysmon"
                                           << "yes" << false;
}

void TestTraining::answersAreCheckedWithinTolerance() {
    QFETCH(QString, exercise);
    QFETCH(int, channel);
    QFETCH(QString, kind);
    QFETCH(QString, answer);
    QFETCH(bool, correct);
    const QJsonObject truth = readJson(ExerciseLibrary::find(exercise)->truthPath());
    const QJsonArray hosts = truth.value("organisation").toObject().value("hosts").toArray();
    QCOMPARE(checkAnswer(kind, plantedChannels(truth).at(channel), hosts, answer).correct, correct);
}

QString TestTraining::makeAttempt(const QString& name) {
    const QString path = newAttemptPath(easy_->name, QStringLiteral("trainee ") + name, dir_.filePath("results"));
    auto store = CaseStore::open(path);
    ExerciseSession(*store).start(*easy_, QStringLiteral("trainee ") + name);
    Importer importer(*store);
    const std::atomic<bool> cancel{false};
    for (const QString& f : easy_->evidenceFiles()) {
        const ImportResult r = importer.importFile(f, ImportOptions{}, {}, cancel);
        if (r.status != QLatin1String("imported") || r.rejected != 0) {
            qWarning() << f << r.status << r.message;
            return {};
        }
    }
    if (ScoringEngine(*store).run(ScoreMode::Full).status != QLatin1String("done")) {
        return {};
    }
    return path;
}

void TestTraining::gradesTheEasyExerciseExactly() {
    const QString path = makeAttempt(QStringLiteral("ok"));
    QVERIFY(!path.isEmpty());
    QVERIFY(path.startsWith(dir_.filePath("results/trainee_ok/cases/1-easy-")));
    auto store = CaseStore::open(path);
    // Nothing of the answer key is in the case: not the file, not its channel ids.
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM evidence WHERE path LIKE '%truth.json'").value_or(-1), 0);
    for (const char* table : {"exercise", "exercise_answers", "exercise_hints", "case_meta"}) {
        Statement st(store->db(), std::string("SELECT * FROM ") + table);
        while (st.step()) {
            for (int c = 0; c < st.columnCount(); ++c) {
                QVERIFY(!QString::fromStdString(st.text(c)).contains(QStringLiteral("pastebin-powershell")));
            }
        }
    }
    TriageStore triage(*store);
    const QString planted = channelKey(*store, "WKS-SAL-03", "pastebin.com", "powershell.exe");
    const QString baseline = channelKey(*store, "WKS-DEV-04", "raw.githubusercontent.com", "powershell.exe");
    const QString runner = channelKey(*store, "BUILD01", "gitlab.com", "");
    QVERIFY(!planted.isEmpty() && !baseline.isEmpty() && !runner.isEmpty());
    triage.setStatus({planted}, QStringLiteral("malicious"));
    triage.setStatus({baseline, runner}, QStringLiteral("benign"), QStringLiteral("IT's known jobs"));
    ExerciseSession s(*store);
    s.setAnswer("c1.host", "WKS-SAL-03");
    s.setAnswer("c1.process", "powershell.exe");
    s.setAnswer("c1.parent", "explorer.exe");
    s.setAnswer("c1.interval", "60 s");
    s.setAnswer("c1.began", "2024-03-04 09:40");
    s.setAnswer("c1.endpoint", "pastebin.com/raw/zfavNLbL <script>");
    s.setAnswer("c1.sysmon", "yes");
    QVERIFY(s.useHint("c1.interval", 1));
    QVERIFY(!s.useHint("c1.interval", 1)); // a hint is charged once
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM audit_log WHERE action = 'exercise.hint'").value_or(-1), 1);

    const GradeResult r = gradeCase(*store);
    QCOMPARE(r.itemPoints, 20); // 10 (planted) + 5 + 5 (two look-alikes called benign)
    QCOMPARE(r.itemTotal, 113);
    QCOMPARE(r.questionPoints, 15);
    QCOMPARE(r.questionTotal, 15);
    QCOMPARE(r.hintsUsed, 1);
    QCOMPARE(r.hintPoints, 1);
    QCOMPARE(r.falseAccusations, 0);
    QCOMPARE(r.missed, 0);
    QCOMPARE(r.total, 34);
    QCOMPARE(r.maximum, 128);
    QVERIFY(!r.answerKeyChanged);
    QCOMPARE(r.trainee, QStringLiteral("trainee ok"));
    // The planted item's feedback carries the alert that decides it and its factor sentences.
    QCOMPARE(r.items[0].channel, QStringLiteral("pastebin-powershell"));
    QCOMPARE(r.items[0].outcome, QStringLiteral("correct"));
    QVERIFY(r.items[0].alertId > 0);
    QVERIFY(!r.items[0].evidence.isEmpty());
    const QString html = r.toHtml();
    QVERIFY(html.contains(QStringLiteral("&lt;script&gt;")));
    QVERIFY(!html.contains(QStringLiteral("<script>")));

    const QString saved = saveResult(r, dir_.filePath("results"));
    QVERIFY(saved.startsWith(dir_.filePath("results/trainee_ok/1-easy-")));
    QCOMPARE(readJson(saved).value("total").toInt(), 34);
    QVERIFY(QFileInfo::exists(saved.chopped(5) + QStringLiteral(".html")));
}

void TestTraining::wrongVerdictsNameTheChannels() {
    const QString path = makeAttempt(QStringLiteral("wrong"));
    QVERIFY(!path.isEmpty());
    auto store = CaseStore::open(path);
    TriageStore triage(*store);
    const QString planted = channelKey(*store, "WKS-SAL-03", "pastebin.com", "powershell.exe");
    const QString telegram = channelKey(*store, "WKS-DEV-02", "149.154.167.51", "telegram.exe");
    const QString update = channelKey(*store, "WKS-SAL-01", "update.googleapis.com", "googleupdate.exe");
    QVERIFY(!planted.isEmpty() && !telegram.isEmpty() && !update.isEmpty());
    triage.setStatus({planted}, QStringLiteral("benign"), QStringLiteral("looks like a person"));
    triage.setStatus({telegram}, QStringLiteral("malicious"));
    triage.setStatus({update}, QStringLiteral("escalated"));
    ExerciseSession(*store).setAnswer("c1.host", "WKS-DEV-02");
    const GradeResult r = gradeCase(*store);
    QCOMPARE(r.missedChannels(), QStringList{QStringLiteral("pastebin-powershell")});
    QCOMPARE(r.falselyAccusedChannels(),
             (QStringList{QStringLiteral("google-updater"), QStringLiteral("telegram-desktop")}));
    QCOMPARE(r.falseAccusations, 2);
    QCOMPARE(r.penalty, 4);
    QCOMPARE(r.itemPoints, 0);
    QCOMPARE(r.questionPoints, 0);
    QCOMPARE(r.total, 0); // never below 0
    QCOMPARE(r.items[0].verdict, QStringLiteral("benign"));
}

void TestTraining::cliGradesACase() {
    const QString path = makeAttempt(QStringLiteral("cli"));
    QVERIFY(!path.isEmpty());
    {
        auto store = CaseStore::open(path);
        TriageStore(*store).setStatus({channelKey(*store, "WKS-SAL-03", "pastebin.com", "powershell.exe")},
                                      QStringLiteral("malicious"));
        ExerciseSession(*store).setAnswer("c1.host", "WKS-SAL-01"); // wrong; the answers file corrects it
    }
    QFile answers(dir_.filePath("answers.json"));
    QVERIFY(answers.open(QIODevice::WriteOnly));
    answers.write(R"({"answers": {"c1.host": "WKS-SAL-03", "c1.interval": "1 min", "c1.sysmon": "no"}})");
    answers.close();
    const test::CliRun run = test::runCli({"exercise", "grade", path, "--json", "--answers", answers.fileName()});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(o.value("channel_points").toInt(), 10);
    QCOMPARE(o.value("question_points").toInt(), 5); // host 3 + interval 2; Sysmon is yes
    QCOMPARE(o.value("total").toInt(), 15);
    QCOMPARE(o.value("missed").toInt(), 0);
    // A case that is no exercise's is refused with a reason, exit 1.
    const QString plain = dir_.filePath("plain.socwb");
    CaseStore::open(plain);
    const test::CliRun refused = test::runCli({"exercise", "grade", plain});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY(refused.err.contains("not a trainee's case"));
}

void TestTraining::newExercisesMeetTheirDifficulty_data() {
    QTest::addColumn<QString>("difficulty");
    QTest::addColumn<int>("seed");
    for (const char* d : {"easy", "medium", "hard"}) {
        for (int seed : {1, 2, 3}) {
            QTest::addRow("%s seed %d", d, seed) << QString::fromLatin1(d) << seed;
        }
    }
}

// The documented definition (README "Training mode"):
//   easy:   1 planted channel; the published rule flags it (its process is one the rule lists);
//           polls every <= 120 s; socwb ranks it first, >= 20 points above anything else.
//   medium: 1 planted channel; the rule does not flag it; polls every >= 300 s with jitter;
//           socwb ranks it first, >= 20 points above anything else.
//   hard:   >= 2 planted channels; the rule misses at least one; one polls every >= 900 s and one runs
//           on a host without Sysmon; socwb ranks them all in its top 5, less than 10 points
//           above the best other channel.
void TestTraining::newExercisesMeetTheirDifficulty() {
    QFETCH(QString, difficulty);
    QFETCH(int, seed);
    const QString out = dir_.filePath(QStringLiteral("new-%1-%2").arg(difficulty).arg(seed));
    const test::CliRun run =
        test::runCli({"exercise", "new", out, "--seed", QString::number(seed), "--difficulty", difficulty, "--json"});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject p = QJsonDocument::fromJson(run.out).object().value("properties").toObject();
    QCOMPARE(readJson(out + "/exercise.json").value("properties").toObject(), p);
    QCOMPARE(p.value("import_rejects").toInt(), 0);
    QVERIFY(QFileInfo::exists(out + "/BRIEF.md") && QFileInfo::exists(out + "/questions.json"));
    QVERIFY(!QFileInfo::exists(out + "/evidence/truth.json")); // the key is not among the evidence
    const auto info = ExerciseLibrary::load(out);
    QVERIFY(info);
    QCOMPARE(info->difficulty, difficulty);
    QVERIFY(!info->brief.contains(QStringLiteral("jitter-unknown-binary")));

    const int planted = p.value("planted").toInt();
    const int flagged = p.value("published_rule_flagged").toInt();
    const int worst = p.value("socwb_worst_planted_rank").toInt();
    const double margin = p.value("score_margin").toDouble();
    const int slowest = p.value("slowest_interval_s").toInt();
    if (difficulty == QLatin1String("easy")) {
        QCOMPARE(planted, 1);
        QCOMPARE(flagged, 1);
        QVERIFY(slowest <= 120);
        QCOMPARE(worst, 1);
        QVERIFY2(margin >= 20, qPrintable(QString::number(margin)));
    } else if (difficulty == QLatin1String("medium")) {
        QCOMPARE(planted, 1);
        QCOMPARE(flagged, 0);
        QVERIFY(slowest >= 300);
        QCOMPARE(worst, 1);
        QVERIFY2(margin >= 20, qPrintable(QString::number(margin)));
    } else {
        QVERIFY(planted >= 2);
        QVERIFY(flagged < planted);
        QVERIFY(slowest >= 900);
        QVERIFY(!p.value("all_planted_on_sysmon_hosts").toBool());
        QVERIFY2(worst >= planted && worst <= 5, qPrintable(QString::number(worst)));
        QVERIFY2(margin < 10, qPrintable(QString::number(margin)));
    }
    if (seed != 1) {
        return;
    }
    // Once per difficulty, independently of the writer's own measurement: the CLI imports the
    // evidence with 0 rejects and evaluate ranks the answer key as exercise.json says.
    const QString c = out + "/check.socwb";
    QStringList files{"import", c};
    for (const QString& f : info->evidenceFiles()) {
        files << f;
    }
    const test::CliRun imported = test::runCli(files + QStringList{"--tz", "UTC", "--json"});
    QCOMPARE(imported.exitCode, 0);
    QCOMPARE(test::runCli({"score", c}).exitCode, 0);
    const test::CliRun eval = test::runCli({"evaluate", c, out + "/truth.json", "--json"});
    QCOMPARE(eval.exitCode, 0);
    const QJsonObject e = QJsonDocument::fromJson(eval.out).object();
    QCOMPARE(e.value("socwb").toObject().value("worst_positive_rank").toInt(), worst);
    QCOMPARE(e.value("baseline").toObject().value("found").toInt(), flagged);
}

QTEST_GUILESS_MAIN(TestTraining)
#include "tst_training.moc"
