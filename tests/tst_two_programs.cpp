// The window and socwb-cli on one case at the same time (issue 27), the window offscreen and
// driven like an analyst would, the CLI as a second process like a script beside it.
#include "alert_queue_dock.h"
#include "main_window.h"
#include "store/case_store.h"
#include "tables/alert_table_model.h"
#include "test_paths.h"

#include <QApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

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
    const CliRun r = runCli({QStringLiteral("alerts"), casePath, QStringLiteral("--format"), QStringLiteral("json")});
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

// The sample evidence, imported and scored by socwb-cli into a case on disk.
QString sampleCase(const QTemporaryDir& dir, const QString& name) {
    const QString c = dir.filePath(name);
    QStringList import{QStringLiteral("import"), c};
    for (const char* f : {"access.log.gz", "assets.csv", "dns_debug.log.gz", "sysmon.xml.gz"}) {
        import << QStringLiteral(SOCWB_SOURCE_DIR "/sample-data/case/") + QLatin1String(f);
    }
    if (runCli(import).exitCode != 0 || runCli({QStringLiteral("score"), c}).exitCode != 0) {
        return {};
    }
    return c;
}

} // namespace

class TestTwoPrograms : public QObject {
    Q_OBJECT
  private slots:
    void cliBesideTheWindowLosesNothing();

  private:
    QTemporaryDir dir_;
};

// The reproduction: the window holds the case; socwb-cli lists alerts; two verdicts from
// the keyboard; socwb-cli reads them back; a "suppress similar" re-scores.
void TestTwoPrograms::cliBesideTheWindowLosesNothing() {
    const QString c = sampleCase(dir_, QStringLiteral("shared.socwb"));
    QVERIFY(!c.isEmpty());
    const QString wal = c + QStringLiteral("-wal");
    const QString shm = c + QStringLiteral("-shm");
    BoxCloser boxes;
    MainWindow w;
    w.resize(1366, 768);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openCase(c));
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

QTEST_MAIN(TestTwoPrograms)
#include "tst_two_programs.moc"
