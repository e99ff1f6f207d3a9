// The window and socwb-cli on one case at the same time (issue 27), the window offscreen and
// driven like an analyst would, the CLI as a second process like a script beside it:
//  - the reproduction (verdicts and a re-score while socwb-cli lists alerts);
//  - the window notices what other programs commit, and says so;
//  - when the case's files go, or a write fails with an I/O error (injected through an SQLite VFS
//    shim), the window stops writing, says so, and after Reopen shows what the file holds;
//  - a stress run: the window's open/read/triage/re-score paths against socwb-cli processes that
//    loop alerts, suppress add/expire, import and score. SOCWB_STRESS_SECONDS sets its length
//    (20 s by default; `./packaging/dev.sh stress MINUTES` runs it longer).
#include "alert_queue_dock.h"
#include "case_overview_widget.h"
#include "main_window.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "tables/alert_table_model.h"
#include "tables/evidence_table_model.h"
#include "task_panel.h"
#include "test_paths.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <atomic>
#include <map>

using namespace socwb;
using namespace socwb::test;

namespace {

// Closes any modal message box the window puts up, and keeps what it said.
class BoxCloser : public QObject {
  public:
    BoxCloser() {
        timer_.setInterval(50);
        QObject::connect(&timer_, &QTimer::timeout, this, [this] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                said << box->text();
                box->reject();
            }
        });
        timer_.start();
    }
    QStringList said;

  private:
    QTimer timer_;
};

QJsonArray cliAlerts(const QString& casePath) {
    const CliRun r = runCli({QStringLiteral("alerts"), casePath, QStringLiteral("--format"), QStringLiteral("json"),
                             QStringLiteral("--limit"), QStringLiteral("1000000")});
    return r.exitCode == 0 ? QJsonDocument::fromJson(r.out).array() : QJsonArray{};
}

QString statusOf(const QJsonArray& alerts, qint64 id) {
    for (const QJsonValue& v : alerts) {
        if (v.toObject().value(QLatin1String("id")).toInteger() == id) {
            return v.toObject().value(QLatin1String("status")).toString();
        }
    }
    return QStringLiteral("(not listed)");
}

QString sampleCase(const QTemporaryDir& dir, const QString& name) {
    return scoredSampleCase(dir.filePath(name));
}

// An SQLite VFS over the default one whose writes fail with SQLITE_IOERR_WRITE while failWrites is
// set: a disk's I/O error, on demand. Installed as the default for this process, so the window's
// connections go through it; transparent otherwise.
std::atomic<bool> failWrites{false};
sqlite3_vfs* realVfs = nullptr;
sqlite3_vfs faultVfs;
sqlite3_io_methods faultMethods;

struct FaultFile {
    sqlite3_file base;
    sqlite3_file* real;
};
sqlite3_file* realOf(sqlite3_file* f) {
    return reinterpret_cast<FaultFile*>(f)->real;
}

void installFaultVfs() {
    if (realVfs) {
        return;
    }
    realVfs = sqlite3_vfs_find(nullptr);
    faultVfs = *realVfs;
    faultVfs.pNext = nullptr;
    faultVfs.zName = "socwb-test-faults";
    faultVfs.szOsFile = int(sizeof(FaultFile)) + realVfs->szOsFile;
    faultVfs.xOpen = [](sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* outFlags) {
        auto* file = reinterpret_cast<FaultFile*>(f);
        file->real = reinterpret_cast<sqlite3_file*>(file + 1);
        const int rc = realVfs->xOpen(realVfs, name, file->real, flags, outFlags);
        file->base.pMethods = rc == SQLITE_OK && file->real->pMethods ? &faultMethods : nullptr;
        return rc;
    };
    faultMethods.iVersion = 3;
    faultMethods.xClose = [](sqlite3_file* f) { return realOf(f)->pMethods->xClose(realOf(f)); };
    faultMethods.xRead = [](sqlite3_file* f, void* b, int n, sqlite3_int64 o) {
        return realOf(f)->pMethods->xRead(realOf(f), b, n, o);
    };
    faultMethods.xWrite = [](sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
        return failWrites.load() ? SQLITE_IOERR_WRITE : realOf(f)->pMethods->xWrite(realOf(f), b, n, o);
    };
    faultMethods.xTruncate = [](sqlite3_file* f, sqlite3_int64 n) {
        return realOf(f)->pMethods->xTruncate(realOf(f), n);
    };
    faultMethods.xSync = [](sqlite3_file* f, int flags) { return realOf(f)->pMethods->xSync(realOf(f), flags); };
    faultMethods.xFileSize = [](sqlite3_file* f, sqlite3_int64* n) {
        return realOf(f)->pMethods->xFileSize(realOf(f), n);
    };
    faultMethods.xLock = [](sqlite3_file* f, int l) { return realOf(f)->pMethods->xLock(realOf(f), l); };
    faultMethods.xUnlock = [](sqlite3_file* f, int l) { return realOf(f)->pMethods->xUnlock(realOf(f), l); };
    faultMethods.xCheckReservedLock = [](sqlite3_file* f, int* out) {
        return realOf(f)->pMethods->xCheckReservedLock(realOf(f), out);
    };
    faultMethods.xFileControl = [](sqlite3_file* f, int op, void* arg) {
        return realOf(f)->pMethods->xFileControl(realOf(f), op, arg);
    };
    faultMethods.xSectorSize = [](sqlite3_file* f) { return realOf(f)->pMethods->xSectorSize(realOf(f)); };
    faultMethods.xDeviceCharacteristics = [](sqlite3_file* f) {
        return realOf(f)->pMethods->xDeviceCharacteristics(realOf(f));
    };
    faultMethods.xShmMap = [](sqlite3_file* f, int page, int size, int extend, void volatile** p) {
        return realOf(f)->pMethods->xShmMap(realOf(f), page, size, extend, p);
    };
    faultMethods.xShmLock = [](sqlite3_file* f, int offset, int n, int flags) {
        return realOf(f)->pMethods->xShmLock(realOf(f), offset, n, flags);
    };
    faultMethods.xShmBarrier = [](sqlite3_file* f) { realOf(f)->pMethods->xShmBarrier(realOf(f)); };
    faultMethods.xShmUnmap = [](sqlite3_file* f, int del) { return realOf(f)->pMethods->xShmUnmap(realOf(f), del); };
    faultMethods.xFetch = [](sqlite3_file* f, sqlite3_int64 o, int n, void** p) {
        return realOf(f)->pMethods->xFetch(realOf(f), o, n, p);
    };
    faultMethods.xUnfetch = [](sqlite3_file* f, sqlite3_int64 o, void* p) {
        return realOf(f)->pMethods->xUnfetch(realOf(f), o, p);
    };
    sqlite3_vfs_register(&faultVfs, 1);
}

// The text of every label in W (the task panel's rows).
QString labelsOf(QWidget* w) {
    QStringList out;
    for (auto* l : w->findChildren<QLabel*>()) {
        out << l->text();
    }
    return out.join(QLatin1Char('\n'));
}

QAction* actionNamed(QWidget* w, const QString& text) {
    for (auto* a : w->findChildren<QAction*>()) {
        if (a->text() == text) {
            return a;
        }
    }
    return nullptr;
}

// The row of the queue that shows alert ID (among the loaded ones), or -1.
int rowOfAlert(const AlertTableModel* model, qint64 id) {
    for (int r = 0; r < model->rowCount(); ++r) {
        if (const AlertRow* row = model->rowAt(r); row && row->id == id) {
            return r;
        }
    }
    return -1;
}

bool queueLoaded(const AlertTableModel* model, int atLeast) {
    return !model->isCounting() && model->rowCount() >= atLeast && model->rowAt(atLeast - 1);
}

// What a socwb-cli run came to in the stress test.
enum class Outcome { Ok, Busy, Failed };
Outcome outcomeOf(int exitCode, const QByteArray& err) {
    const bool storage = err.contains("disk I/O error") || err.contains("malformed") || err.contains("not a database");
    if (exitCode == 0 && !storage) {
        return Outcome::Ok;
    }
    if (!storage && (exitCode == 4 || err.contains("busy") || err.contains("database is locked"))) {
        return Outcome::Busy;
    }
    return Outcome::Failed;
}

// A socwb-cli command run over and over, each run started when the last has ended.
class CliLane : public QObject {
  public:
    using Next = std::function<QStringList()>;
    using Done =
        std::function<void(const QStringList& args, int exitCode, const QByteArray& out, const QByteArray& err)>;
    CliLane(QString name, Next next, Done done)
        : name(std::move(name)), next_(std::move(next)), done_(std::move(done)) {
        QObject::connect(&proc_, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
            const QByteArray out = proc_.readAllStandardOutput();
            const QByteArray err = proc_.readAllStandardError();
            const int exitCode = status == QProcess::NormalExit ? code : -1;
            ++runs;
            switch (outcomeOf(exitCode, err)) {
            case Outcome::Ok:
                done_(args_, exitCode, out, err);
                break;
            case Outcome::Busy:
                ++busy;
                break;
            case Outcome::Failed:
                failures << QStringLiteral("socwb-cli %1 -> %2: %3")
                                .arg(args_.join(QLatin1Char(' ')), QString::number(exitCode), QString::fromUtf8(err));
                break;
            }
            if (!stopping_) {
                start();
            }
        });
    }
    void start() {
        args_ = next_();
        proc_.start(QStringLiteral(SOCWB_CLI_PATH), args_);
    }
    void stop() {
        stopping_ = true;
        proc_.waitForFinished(120000);
    }
    QString name;
    int runs = 0;
    int busy = 0;
    QStringList failures;

  private:
    Next next_;
    Done done_;
    QProcess proc_;
    QStringList args_;
    bool stopping_ = false;
};
// The window at 1366x768, on case C.
bool showCase(MainWindow& w, const QString& c) {
    w.resize(1366, 768);
    w.show();
    return QTest::qWaitForWindowExposed(&w) && w.openCase(c);
}

} // namespace

class TestTwoPrograms : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void cliBesideTheWindowLosesNothing();
    void windowNoticesOtherPrograms();
    void filesGoneStopsTheWindowWriting();
    void ioErrorStopsTheWindowWriting();
    void stressWindowAndCli();

  private:
    QTemporaryDir dir_;
};

void TestTwoPrograms::initTestCase() {
    installFaultVfs(); // before any connection: every one of this process goes through it
}

// The reproduction: the window holds the case; socwb-cli lists alerts; two verdicts from
// the keyboard; socwb-cli reads them back; a "suppress similar" re-scores.
void TestTwoPrograms::cliBesideTheWindowLosesNothing() {
    const QString c = sampleCase(dir_, QStringLiteral("shared.socwb"));
    QVERIFY(!c.isEmpty());
    const QString wal = c + QStringLiteral("-wal");
    const QString shm = c + QStringLiteral("-shm");
    BoxCloser boxes;
    MainWindow w;
    QVERIFY(showCase(w, c));
    AlertTableModel* model = w.alertQueue()->model();
    QVERIFY(
        QTest::qWaitFor([model] { return !model->isCounting() && model->rowCount() > 5 && model->rowAt(5); }, 20000));
    // Every view has opened the case by now (each on its own connection).
    QTest::qWait(500);
    QVERIFY(QFileInfo::exists(wal) && QFileInfo::exists(shm));

    const CliRun listed = runCli({QStringLiteral("alerts"), c, QStringLiteral("--limit"), QStringLiteral("1")});
    QCOMPARE(listed.exitCode, 0);
    QVERIFY2(QFileInfo::exists(wal), "the -wal file went away while the window holds the case");
    QVERIFY2(QFileInfo::exists(shm), "the -shm file went away while the window holds the case");

    // Two channels selected, "3": both malicious, in the window and in the file.
    QTableView* view = w.alertQueue()->view();
    w.activateWindow();
    view->setFocus();
    const auto centre = [view, model](int row) {
        return view->visualRect(model->index(row, AlertTableModel::HostColumn)).center();
    };
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::NoModifier, centre(0));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ShiftModifier, centre(1));
    QCOMPARE(w.alertQueue()->selectedChannelKeys().size(), 2);
    const qint64 id0 = model->rowAt(0)->id;
    const qint64 id1 = model->rowAt(1)->id;
    QTest::keyClick(view, Qt::Key_3);
    QVERIFY(QTest::qWaitFor(
        [model] {
            return model->index(0, AlertTableModel::StatusColumn).data().toString() == QLatin1String("Malicious") &&
                   model->index(1, AlertTableModel::StatusColumn).data().toString() == QLatin1String("Malicious");
        },
        10000));
    const QJsonArray alerts = cliAlerts(c);
    QCOMPARE(statusOf(alerts, id0), QStringLiteral("malicious"));
    QCOMPARE(statusOf(alerts, id1), QStringLiteral("malicious"));

    // "Suppress similar" on a third channel writes a rule and re-scores.
    QSignalSpy scored(&w, &MainWindow::scoringFinished);
    const QString third = model->rowAt(4)->channelKey;
    w.suppressSimilar({third}, QStringLiteral("a sanctioned service for this team"));
    QVERIFY2(boxes.said.isEmpty(), qPrintable(boxes.said.join(QLatin1Char('\n'))));
    QVERIFY(scored.wait(60000));
    const ScoreOutcome outcome = scored.first().first().value<ScoreOutcome>();
    QVERIFY2(outcome.status == QLatin1String("done"), qPrintable(outcome.message));
    const CliRun rules = runCli({QStringLiteral("suppress"), c, QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(rules.exitCode, 0);
    QCOMPARE(QJsonDocument::fromJson(rules.out).object().value(QLatin1String("suppressions")).toArray().size(), 1);
    QVERIFY2(boxes.said.isEmpty(), qPrintable(boxes.said.join(QLatin1Char('\n'))));
}

// What other programs commit shows in the window: the views re-read, the task panel says what.
void TestTwoPrograms::windowNoticesOtherPrograms() {
    const QString c = sampleCase(dir_, QStringLiteral("noticed.socwb"));
    QVERIFY(!c.isEmpty());
    BoxCloser boxes;
    MainWindow w;
    QVERIFY(showCase(w, c));
    w.caseWatcher()->setInterval(150);
    AlertTableModel* model = w.alertQueue()->model();
    QVERIFY(QTest::qWaitFor([model] { return queueLoaded(model, 6); }, 20000));
    const qint64 before = model->total();
    QCOMPARE(before, qint64(cliAlerts(c).size()));
    CaseChange seen;
    int changes = 0;
    connect(&w, &MainWindow::caseChangedElsewhere, this, [&](const CaseChange& ch) {
        ++changes;
        seen.evidenceAdded += ch.evidenceAdded;
        seen.rescored = seen.rescored || ch.rescored;
        seen.suppressions = seen.suppressions || ch.suppressions;
        seen.triage = seen.triage || ch.triage;
        seen.sigma = seen.sigma || ch.sigma;
    });

    // A runbook suppresses a destination; socwb-cli re-scores. The queue loses those channels.
    CliRun r = runCli({QStringLiteral("suppress"), c, QStringLiteral("add"), QStringLiteral("--dest"),
                       QStringLiteral("pastebin.com"), QStringLiteral("--reason"), QStringLiteral("runbook 7")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(QTest::qWaitFor([&] { return seen.suppressions && seen.rescored; }, 10000));
    const qint64 afterRule = cliAlerts(c).size();
    QVERIFY(afterRule < before);
    QVERIFY(QTest::qWaitFor([&] { return !model->isCounting() && model->total() == afterRule; }, 10000));
    QVERIFY2(labelsOf(w.tasks()).contains(QLatin1String("Changed by another program")),
             qPrintable(labelsOf(w.tasks())));
    QVERIFY(labelsOf(w.tasks()).contains(QLatin1String("suppressions changed")));

    // A collector imports a file: the explorer lists it, and the window says it is not scored yet.
    seen = CaseChange{};
    const QString log =
        writeSquidLog(dir_.filePath(QStringLiteral("collector.log")), {{QStringLiteral("10.66.0.1"), 4}});
    r = runCli({QStringLiteral("import"), c, log});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(QTest::qWaitFor([&] { return seen.evidenceAdded == 1; }, 10000));
    QVERIFY(!seen.rescored);
    QVERIFY(QTest::qWaitFor([&] { return w.overview()->evidenceModel()->rowCount() == 5; }, 10000));
    QVERIFY2(labelsOf(w.tasks()).contains(QLatin1String("1 evidence file imported")), qPrintable(labelsOf(w.tasks())));
    QVERIFY(labelsOf(w.tasks()).contains(QLatin1String("not scored yet")));

    // socwb-cli scores it: the queue shows the new channel.
    seen = CaseChange{};
    r = runCli({QStringLiteral("score"), c});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(QTest::qWaitFor([&] { return seen.rescored; }, 10000));
    QVERIFY(QTest::qWaitFor([&] { return !labelsOf(w.tasks()).contains(QLatin1String("not scored yet")); }, 5000));
    const qint64 afterScore = cliAlerts(c).size();
    QCOMPARE(afterScore, afterRule + 1); // 10.66.0.1 -> www.example.com
    QVERIFY(QTest::qWaitFor([&] { return !model->isCounting() && model->total() == afterScore; }, 10000));

    // socwb-cli runs the bundled Sigma rules: the queue shows their items, and the panel says so.
    seen = CaseChange{};
    r = runCli({QStringLiteral("sigma"), c});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(QTest::qWaitFor([&] { return seen.sigma; }, 10000));
    QVERIFY(!seen.rescored && !seen.triage && seen.evidenceAdded == 0);
    QVERIFY2(labelsOf(w.tasks()).contains(QLatin1String("Sigma rules run")), qPrintable(labelsOf(w.tasks())));
    QVERIFY(QTest::qWaitFor([&] { return !model->isCounting() && model->sigmaCount() > 0; }, 10000));

    // The window's own writes are not news: a verdict, a scoring pass and a Sigma run of its own.
    QVERIFY(QTest::qWaitFor([model] { return queueLoaded(model, 2); }, 10000));
    const int noticed = changes;
    QTableView* view = w.alertQueue()->view();
    w.activateWindow();
    view->setFocus();
    view->setCurrentIndex(model->index(1, AlertTableModel::HostColumn));
    QTest::keyClick(view, Qt::Key_1);
    QSignalSpy scored(&w, &MainWindow::scoringFinished);
    w.scoreCase(ScoreMode::Rescore);
    QVERIFY(scored.wait(30000));
    QSignalSpy sigmaRan(&w, &MainWindow::sigmaFinished);
    w.runSigmaRules({});
    QVERIFY(sigmaRan.wait(30000));
    QVERIFY2(w.statusBar()->currentMessage().contains(QLatin1String(" compiled, ")),
             qPrintable(w.statusBar()->currentMessage()));
    QTest::qWait(600); // four polls
    QCOMPARE(changes, noticed);
    QVERIFY2(boxes.said.isEmpty(), qPrintable(boxes.said.join(QLatin1Char('\n'))));
}

// The case's -wal and -shm deleted under the window (what socwb-cli did before the fix, or a
// clean-up script): the window stops writing, closes the case, says so; Reopen shows the file.
void TestTwoPrograms::filesGoneStopsTheWindowWriting() {
    const QString c = sampleCase(dir_, QStringLiteral("gone.socwb"));
    QVERIFY(!c.isEmpty());
    MainWindow w;
    QVERIFY(showCase(w, c));
    w.caseWatcher()->setInterval(100);
    AlertTableModel* model = w.alertQueue()->model();
    QVERIFY(QTest::qWaitFor([model] { return queueLoaded(model, 3); }, 20000));
    QTableView* view = w.alertQueue()->view();
    w.activateWindow();
    view->setFocus();
    view->setCurrentIndex(model->index(0, AlertTableModel::HostColumn));
    const qint64 id = model->rowAt(0)->id;
    QTest::keyClick(view, Qt::Key_3);
    QVERIFY(QTest::qWaitFor(
        [model] {
            return model->index(0, AlertTableModel::StatusColumn).data().toString() == QLatin1String("Malicious");
        },
        10000));

    QSignalSpy stopped(&w, &MainWindow::stoppedWriting);
    QVERIFY(QFile::remove(c + QStringLiteral("-wal")));
    QVERIFY(QFile::remove(c + QStringLiteral("-shm")));
    QVERIFY(stopped.wait(5000));
    const QString message = stopped.first().first().toString();
    QVERIFY2(message.contains(QLatin1String("gone.socwb-wal")) && message.contains(QLatin1String("deleted")),
             qPrintable(message));
    QVERIFY(message.contains(QLatin1String("Reopen case")));
    QVERIFY(w.caseStore() == nullptr);
    QVERIFY(w.hasStoppedWriting());
    QCOMPARE(model->rowCount(), 0); // nothing shown that could differ from the file
    QVERIFY(labelsOf(w.tasks()).contains(QLatin1String("stopped writing")));
    QAction* reopen = actionNamed(&w, QStringLiteral("&Reopen case"));
    QVERIFY(reopen && reopen->isEnabled());
    auto* box = w.findChild<QMessageBox*>();
    QVERIFY(box && box->text() == message && box->textFormat() == Qt::PlainText);
    box->close();
    QTest::keyClick(view, Qt::Key_4); // no case: nothing to write into, nothing happens

    // Reopened, the queue shows what the file holds: row for row what socwb-cli reads.
    BoxCloser boxes; // from here on a box would be a failure; it must not hang the test
    QSignalSpy loaded(&w, &MainWindow::caseLoaded);
    reopen->trigger();
    QVERIFY(loaded.count() == 1 || loaded.wait(10000));
    QVERIFY(!w.hasStoppedWriting());
    QVERIFY(QTest::qWaitFor([model] { return queueLoaded(model, 3); }, 20000));
    const QJsonArray stored = cliAlerts(c);
    const int row = rowOfAlert(model, id);
    QVERIFY(row >= 0);
    QCOMPARE(model->index(row, AlertTableModel::StatusColumn).data(AlertTableModel::StatusRole).toString(),
             statusOf(stored, id));
    QVERIFY(w.caseStore() != nullptr);
    QVERIFY2(boxes.said.isEmpty(), qPrintable(boxes.said.join(QLatin1Char('\n'))));
}

// A disk's I/O error while a verdict is written (injected by the VFS shim): no verdict shows as set,
// the window stops writing and says why; after Reopen the row is what the file holds.
void TestTwoPrograms::ioErrorStopsTheWindowWriting() {
    const QString c = sampleCase(dir_, QStringLiteral("ioerror.socwb"));
    QVERIFY(!c.isEmpty());
    MainWindow w;
    QVERIFY(showCase(w, c));
    AlertTableModel* model = w.alertQueue()->model();
    QVERIFY(QTest::qWaitFor([model] { return queueLoaded(model, 3); }, 20000));
    QTableView* view = w.alertQueue()->view();
    w.activateWindow();
    view->setFocus();
    view->setCurrentIndex(model->index(2, AlertTableModel::HostColumn));
    const qint64 id = model->rowAt(2)->id;
    QSignalSpy stopped(&w, &MainWindow::stoppedWriting);
    failWrites = true;
    QTest::keyClick(view, Qt::Key_3);
    failWrites = false;
    QCOMPARE(stopped.count(), 1);
    const QString message = stopped.first().first().toString();
    QVERIFY2(message.contains(QLatin1String("writing a verdict failed")) &&
                 message.contains(QLatin1String("disk I/O error")),
             qPrintable(message));
    QCOMPARE(model->rowCount(), 0);
    QVERIFY(w.caseStore() == nullptr);
    w.findChild<QMessageBox*>()->close();

    BoxCloser boxes;
    QSignalSpy loaded(&w, &MainWindow::caseLoaded);
    w.reopenCase();
    QVERIFY(loaded.count() == 1 || loaded.wait(10000));
    QVERIFY(QTest::qWaitFor([model] { return queueLoaded(model, 3); }, 20000));
    const int row = rowOfAlert(model, id);
    QVERIFY(row >= 0);
    QCOMPARE(statusOf(cliAlerts(c), id), QStringLiteral("new"));
    QCOMPARE(model->index(row, AlertTableModel::StatusColumn).data().toString(), QStringLiteral("New"));
    QVERIFY2(boxes.said.isEmpty(), qPrintable(boxes.said.join(QLatin1Char('\n'))));
}

// For a bounded time: the window opens, reads, triages and re-scores the case while socwb-cli
// processes loop `alerts`, `suppress add`/`expire`, `import` of a small file and `score`. Then every
// verdict and suppression made is in the case, integrity_check is ok, and nothing reported an I/O
// error (waits for the write lock are fine: they are counted as busy).
void TestTwoPrograms::stressWindowAndCli() {
    const int seconds =
        qEnvironmentVariableIsSet("SOCWB_STRESS_SECONDS") ? qEnvironmentVariableIntValue("SOCWB_STRESS_SECONDS") : 20;
    QVERIFY(seconds > 0);
    const QString c = sampleCase(dir_, QStringLiteral("stress.socwb"));
    QVERIFY(!c.isEmpty());
    QStringList failures;

    // socwb-cli, three scripts at once.
    CliLane alerts(
        QStringLiteral("alerts"),
        [c] {
            return QStringList{QStringLiteral("alerts"),   c,
                               QStringLiteral("--limit"),  QStringLiteral("20"),
                               QStringLiteral("--format"), QStringLiteral("json")};
        },
        [&failures](const QStringList&, int, const QByteArray& out, const QByteArray&) {
            if (!QJsonDocument::fromJson(out).isArray()) {
                failures << QStringLiteral("socwb-cli alerts printed no JSON array");
            }
        });
    QStringList cliRules;     // reasons of the rules socwb-cli added
    QList<qint64> cliExpired; // and the ids it expired
    qint64 toExpire = 0;
    int ruleSerial = 0;
    CliLane suppress(
        QStringLiteral("suppress add/expire"),
        [&] {
            if (toExpire) {
                return QStringList{QStringLiteral("suppress"), c, QStringLiteral("expire"), QString::number(toExpire)};
            }
            ++ruleSerial;
            return QStringList{QStringLiteral("suppress"),
                               c,
                               QStringLiteral("add"),
                               QStringLiteral("--dest"),
                               QStringLiteral("stress%1.example").arg(ruleSerial),
                               QStringLiteral("--reason"),
                               QStringLiteral("cli stress %1").arg(ruleSerial)};
        },
        [&](const QStringList& args, int, const QByteArray&, const QByteArray& err) {
            if (args.at(2) == QLatin1String("expire")) {
                cliExpired << toExpire;
                toExpire = 0;
                return;
            }
            cliRules << args.last();
            const QRegularExpressionMatch m =
                QRegularExpression(QStringLiteral("added rule (\\d+)")).match(QString::fromUtf8(err));
            if (m.hasMatch()) {
                toExpire = m.captured(1).toLongLong();
            } else {
                failures << QStringLiteral("socwb-cli suppress add did not name its rule: ") + QString::fromUtf8(err);
            }
        });
    int logSerial = 0;
    bool scoreNext = false;
    CliLane importScore(
        QStringLiteral("import/score"),
        [&] {
            scoreNext = !scoreNext;
            if (!scoreNext) {
                return QStringList{QStringLiteral("score"), c};
            }
            ++logSerial;
            const QString log =
                writeSquidLog(dir_.filePath(QStringLiteral("stress-%1.log").arg(logSerial)),
                              {{QStringLiteral("10.88.%1.%2").arg(logSerial / 250).arg(logSerial % 250 + 1), 5}});
            return QStringList{QStringLiteral("import"), c, log};
        },
        [](const QStringList&, int, const QByteArray&, const QByteArray&) {});

    // The window, driven like an analyst who triages fast.
    BoxCloser boxes;
    auto w = std::make_unique<MainWindow>();
    QVERIFY(showCase(*w, c));
    w->caseWatcher()->setInterval(200);
    AlertTableModel* model = w->alertQueue()->model();
    QVERIFY(QTest::qWaitFor([model] { return queueLoaded(model, 20); }, 20000));
    int outside = 0, scoringBusy = 0, rescores = 0, reopened = 0, windowBusy = 0, details = 0;
    connect(w.get(), &MainWindow::caseChangedElsewhere, this, [&outside] { ++outside; });
    connect(w.get(), &MainWindow::stoppedWriting, this,
            [&failures](const QString& m) { failures << QStringLiteral("the window stopped writing: ") + m; });
    connect(w.get(), &MainWindow::scoringFinished, this, [&](const ScoreOutcome& o) {
        if (o.status == QLatin1String("failed")) {
            if (outcomeOf(1, o.message.toUtf8()) == Outcome::Busy) {
                ++scoringBusy;
            } else {
                failures << QStringLiteral("the window's scoring failed: ") + o.message;
            }
        }
    });
    std::map<QString, QString> verdicts; // channel key -> the status last stored
    QStringList windowRules;
    auto* rng = QRandomGenerator::global();
    bool acting = false;
    int actions = 0;
    QTimer drive;
    drive.setInterval(150);
    connect(&drive, &QTimer::timeout, this, [&] {
        if (acting) { // a busy message's own event loop
            return;
        }
        acting = true;
        ++actions;
        const int loaded = qMin(model->rowCount(), 40);
        const int row = loaded > 0 ? int(rng->bounded(loaded)) : -1;
        const AlertRow* alert = row >= 0 && !model->isCounting() ? model->rowAt(row) : nullptr;
        QTableView* view = w->alertQueue()->view();
        const int said = boxes.said.size();
        if (actions % 45 == 0 && !w->isImporting() && !w->isScoring()) { // else it would ask first
            reopened += w->openCase(c) ? 1 : 0;                          // the window's open path, again
        } else if (actions % 11 == 0) {
            w->scoreCase(ScoreMode::Rescore);
            ++rescores;
        } else if (alert && actions % 29 == 0) {
            const QString reason = QStringLiteral("window stress %1").arg(actions);
            view->setCurrentIndex(model->index(row, AlertTableModel::HostColumn));
            w->suppressSimilar({alert->channelKey}, reason);
            if (boxes.said.size() == said) {
                windowRules << reason;
            }
        } else if (alert && actions % 5 == 0) {
            view->setCurrentIndex(model->index(row, AlertTableModel::HostColumn));
            emit w->alertQueue()->alertActivated(alert->id); // Enter: the detail and the investigation views
            ++details;
        } else if (alert) {
            static const char* kStatuses[] = {"in-review", "malicious", "escalated", "new"};
            const QString status = QString::fromLatin1(kStatuses[rng->bounded(4)]);
            const QString key = alert->channelKey;
            view->setCurrentIndex(model->index(row, AlertTableModel::HostColumn));
            if (w->alertQueue()->setStatusOfSelection(status)) {
                verdicts[key] = status;
            }
        }
        for (int i = said; i < boxes.said.size(); ++i) {
            if (boxes.said[i].contains(QLatin1String("busy")) || boxes.said[i].contains(QLatin1String("locked"))) {
                ++windowBusy;
            } else {
                failures << QStringLiteral("the window said: ") + boxes.said[i];
            }
        }
        acting = false;
    });

    alerts.start();
    suppress.start();
    importScore.start();
    drive.start();
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < seconds * 1000LL) {
        QTest::qWait(200);
    }
    drive.stop();
    alerts.stop();
    suppress.stop();
    importScore.stop();
    QVERIFY(QTest::qWaitFor([&] { return !w->isScoring() && !w->isImporting() && !acting; }, 120000));
    QTest::qWait(500); // the last outside change noticed
    if (!w->caseStore()) {
        failures << QStringLiteral("the window does not hold the case any more");
    }
    w.reset(); // every connection of this process closed

    qInfo("stress %d s: socwb-cli alerts %d runs (%d busy), suppress add/expire %d (%d busy), import/score %d "
          "(%d busy); the window: %d actions, verdicts stored on %d channels, %d details, %d re-scores (%d busy), "
          "%d rules, %d reopens, %d busy messages, %d outside changes noticed",
          seconds, alerts.runs, alerts.busy, suppress.runs, suppress.busy, importScore.runs, importScore.busy, actions,
          int(verdicts.size()), details, rescores, scoringBusy, int(windowRules.size()), reopened, windowBusy, outside);
    failures << alerts.failures << suppress.failures << importScore.failures;
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
    // Enough happened for the checks below to mean something.
    QVERIFY(alerts.runs > 0 && suppress.runs > 1 && importScore.runs > 1);
    QVERIFY(!verdicts.empty());
    QVERIFY(outside > 0);

    auto store = CaseStore::open(c);
    QCOMPARE(queryText(store->db(), "PRAGMA integrity_check"), std::string("ok"));
    for (const auto& [key, status] : verdicts) {
        Statement st(store->db(), "SELECT status FROM triage WHERE channel_key = ?");
        st.bind(1, key.toStdString());
        QVERIFY2(st.step(), qPrintable(key));
        QCOMPARE(QString::fromStdString(st.text(0)), status);
    }
    const CliRun listed = runCli({QStringLiteral("suppress"), c, QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(listed.exitCode, 0);
    QHash<QString, QJsonObject> rules;
    for (const QJsonValue& v :
         QJsonDocument::fromJson(listed.out).object().value(QLatin1String("suppressions")).toArray()) {
        rules.insert(v.toObject().value(QLatin1String("reason")).toString(), v.toObject());
    }
    for (const QString& reason : cliRules + windowRules) {
        QVERIFY2(rules.contains(reason), qPrintable(reason));
    }
    for (const qint64 id : cliExpired) {
        bool found = false;
        for (const QJsonObject& r : rules) {
            if (r.value(QLatin1String("id")).toInteger() == id) {
                found = true;
                QVERIFY2(!r.value(QLatin1String("expires_at")).toString().isEmpty(), qPrintable(QString::number(id)));
            }
        }
        QVERIFY(found);
    }
}

QTEST_MAIN(TestTwoPrograms)
#include "tst_two_programs.moc"
