// Training mode in the window, with the real widgets: File → Exercises… opens the bundled easy
// exercise into a fresh case, the brief shows, verdicts are set with the keyboard in the queue, the
// questions are typed, one hint is taken, Submit grades to the exact points and the feedback's
// button opens the channel's intervals; a second attempt with wrong verdicts names the missed
// channel and the false accusation.
#include "alert_queue_dock.h"
#include "current_case.h"
#include "exercise_list_dialog.h"
#include "exercise_panel.h"
#include "justification_dialog.h"
#include "main_window.h"
#include "markdown_view.h"
#include "store/case_store.h"
#include "tables/alert_table_model.h"
#include "training/exercise_grader.h"

#include <QAction>
#include <QApplication>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFileInfo>
#include <QImage>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTimer>

using namespace socwb;

class TestExercisePanel : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void wholeLoopOnTheEasyExercise();
    void wrongVerdictsAreNamed();
    void anInstructorsBriefReachesNothingOutsideIt();

  private:
    // Opens the easy exercise through File → Exercises… and waits for its import and score.
    bool openEasy(MainWindow& w);
    // Puts the queue's cursor on the row of HOST → DESTINATION and presses KEY there.
    bool pressOn(MainWindow& w, const QString& host, const QString& destination, Qt::Key key,
                 const QString& justification = {});
    void answer(ExercisePanel* panel, const QString& id, const QString& text);
};

void TestExercisePanel::initTestCase() {
    QStandardPaths::setTestModeEnabled(true); // results and cases under the test's own data folder
}

// Shows the window at a laptop's size and opens the easy exercise from File → Exercises….
bool TestExercisePanel::openEasy(MainWindow& w) {
    w.resize(1366, 768);
    w.show();
    if (!QTest::qWaitForWindowExposed(&w)) {
        return false;
    }
    QAction* action = nullptr;
    for (QAction* a : w.menuBar()->actions().first()->menu()->actions()) {
        action = a->text() == QStringLiteral("E&xercises\u2026") ? a : action;
    }
    if (!action) {
        return false;
    }
    QTimer::singleShot(100, this, [] {
        auto* d = qobject_cast<ExerciseListDialog*>(QApplication::activeModalWidget());
        if (!d) {
            return;
        }
        // The bundled exercises come first, easy at the top; Enter opens it.
        QTest::keyClick(d->list(), Qt::Key_Home);
        QTest::keyClick(d->list(), Qt::Key_Return);
    });
    action->trigger();
    AlertTableModel* model = w.alertQueue()->model();
    return QTest::qWaitFor(
        [&] {
            return w.exercisePanel()->hasExercise() && !w.isImporting() && !w.isScoring() && !model->isCounting() &&
                   model->rowCount() > 600 && model->rowAt(0) && model->rowAt(model->rowCount() - 1);
        },
        60000);
}

bool TestExercisePanel::pressOn(MainWindow& w, const QString& host, const QString& destination, Qt::Key key,
                                const QString& justification) {
    AlertTableModel* model = w.alertQueue()->model();
    QTableView* view = w.alertQueue()->view();
    for (int r = 0; r < model->rowCount(); ++r) {
        const AlertRow* row = model->rowAt(r);
        if (row && row->host == host && row->destination == destination) {
            view->setFocus();
            view->setCurrentIndex(model->index(r, AlertTableModel::HostColumn));
            if (!justification.isEmpty()) {
                QTimer::singleShot(100, this, [justification] {
                    if (auto* d = qobject_cast<JustificationDialog*>(QApplication::activeModalWidget())) {
                        QTest::keyClicks(d->findChild<QPlainTextEdit*>(), justification);
                        QTest::mouseClick(d->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok),
                                          Qt::LeftButton);
                    }
                });
            }
            const QString before = row->channelKey;
            QTest::keyClick(view, key);
            const QString want = key == Qt::Key_3 ? QStringLiteral("malicious") : QStringLiteral("benign");
            return QTest::qWaitFor(
                [&] {
                    for (int i = 0; i < model->rowCount(); ++i) {
                        const AlertRow* x = model->rowAt(i);
                        if (x && x->channelKey == before) {
                            return x->status == want;
                        }
                    }
                    return false;
                },
                10000);
        }
    }
    return false;
}

void TestExercisePanel::answer(ExercisePanel* panel, const QString& id, const QString& text) {
    QLineEdit* edit = panel->answerField(id);
    QVERIFY(edit);
    edit->setFocus();
    QTest::keyClicks(edit, text);
    QTest::keyClick(edit, Qt::Key_Return); // editingFinished: kept in the case
}

void TestExercisePanel::wholeLoopOnTheEasyExercise() {
    MainWindow w;
    // No exercise yet: the panel (View -> Exercise) says how to start one, without an empty brief
    // and a greyed Submit under it.
    QVERIFY(w.exercisePanel()->tabs()->isHidden());
    QVERIFY(openEasy(w));
    ExercisePanel* panel = w.exercisePanel();
    QVERIFY(!panel->tabs()->isHidden());
    // A fresh case of the trainee's own, under the user data folder; the bundled files untouched.
    QVERIFY(w.caseStore()->path().startsWith(training::resultsDir()));
    QVERIFY(!w.caseStore()->path().contains(QStringLiteral("sample-data")));
    QVERIFY(panel->isVisible());
    // The brief is rendered: its heading is a heading, not a line starting "# ", and no "**" is left.
    const QString brief = panel->briefView()->shownText();
    QVERIFY2(brief.startsWith(QStringLiteral("Exercise 1 (easy)")), qPrintable(brief.left(80)));
    QVERIFY(brief.contains(QStringLiteral("What to find.")));
    QVERIFY(!brief.contains(QStringLiteral("**")));
    QCOMPARE(panel->briefView()->document()->begin().blockFormat().headingLevel(), 1);
    QCOMPARE(panel->tabs()->isTabEnabled(1), false);

    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QVERIFY(pressOn(w, "WKS-SAL-03", "pastebin.com", Qt::Key_3));
    QVERIFY(pressOn(w, "BUILD01", "gitlab.com", Qt::Key_2, "the CI runner polls for jobs"));

    answer(panel, "c1.host", "WKS-SAL-03");
    answer(panel, "c1.process", "powershell.exe");
    answer(panel, "c1.parent", "explorer.exe");
    answer(panel, "c1.interval", "60");
    answer(panel, "c1.began", "2024-03-04 09:38");
    answer(panel, "c1.endpoint", "pastebin.com/raw/zfavNLbL");
    answer(panel, "c1.sysmon", "yes");
    QTest::mouseClick(panel->hintButton("c1.interval"), Qt::LeftButton);
    QVERIFY(!panel->hintButton("c1.interval")->isEnabled());
    QTest::mouseClick(panel->submitButton(), Qt::LeftButton);

    QVERIFY(panel->result());
    const training::GradeResult& r = *panel->result();
    QCOMPARE(r.itemPoints, 15); // the planted channel 10, the CI runner 5
    QCOMPARE(r.questionPoints, 15);
    QCOMPARE(r.hintPoints, 1);
    QCOMPARE(r.total, 29);
    QCOMPARE(r.maximum, 128);
    QCOMPARE(panel->tabs()->currentIndex(), 1);
    QVERIFY(panel->feedbackText().startsWith(QStringLiteral("29 of 128 points")));
    QVERIFY(panel->feedbackText().contains(QStringLiteral("pastebin-powershell \u2014 correct (10/10)")));
    QVERIFY(panel->feedbackText().contains(QStringLiteral("polls every 60 s")));
    QVERIFY(QFileInfo::exists(panel->savedResultPath()));
    QVERIFY(!panel->submitButton()->isEnabled());

    // The feedback's button opens the channel's intervals.
    QPushButton* open = panel->openButton("pastebin-powershell", "intervals");
    QVERIFY(open);
    QTest::mouseClick(open, Qt::LeftButton);
    QCOMPARE(w.current()->alertId(), r.items[0].alertId);
    QVERIFY(w.findChild<QDockWidget*>(QStringLiteral("intervals"))->isVisible());
}

void TestExercisePanel::wrongVerdictsAreNamed() {
    MainWindow w;
    QVERIFY(openEasy(w));
    ExercisePanel* panel = w.exercisePanel();
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QVERIFY(pressOn(w, "WKS-SAL-03", "pastebin.com", Qt::Key_2, "someone reading pastes"));
    QVERIFY(pressOn(w, "WKS-DEV-02", "149.154.167.51", Qt::Key_3));
    answer(panel, "c1.host", "WKS-DEV-02");
    QTest::mouseClick(panel->submitButton(), Qt::LeftButton);
    QVERIFY(panel->result());
    QCOMPARE(panel->result()->missedChannels(), QStringList{QStringLiteral("pastebin-powershell")});
    QCOMPARE(panel->result()->falselyAccusedChannels(), QStringList{QStringLiteral("telegram-desktop")});
    QCOMPARE(panel->result()->total, 0);
    const QString text = panel->feedbackText();
    QVERIFY(text.contains(QStringLiteral("pastebin-powershell \u2014 MISSED")));
    QVERIFY(text.contains(QStringLiteral("telegram-desktop \u2014 FALSE ACCUSATION")));
    QVERIFY(text.contains(QStringLiteral("WKS-DEV-02 \u2192 149.154.167.51 telegram.exe")));
    QVERIFY(panel->openButton("telegram-desktop", "process-tree"));
}

// A brief is an instructor's file: its HTML stays text, and an image or link it names is neither
// loaded nor followed (a QTextBrowser would read a local file it names).
void TestExercisePanel::anInstructorsBriefReachesNothingOutsideIt() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString png = dir.filePath(QStringLiteral("secret.png"));
    QImage image(4, 4, QImage::Format_RGB32);
    image.fill(Qt::red);
    QVERIFY(image.save(png));
    const QUrl url = QUrl::fromLocalFile(png);
    MarkdownView view;
    view.setMarkdownText(QStringLiteral("# Brief\n\n<b>bold?</b> <script>alert(1)</script>\n\n![x](%1) [a link](%1)\n")
                             .arg(url.toString()));
    view.resize(400, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCoreApplication::processEvents();
    const QString shown = view.shownText();
    QVERIFY2(shown.contains(QStringLiteral("<b>bold?</b>")), qPrintable(shown));
    QVERIFY(shown.contains(QStringLiteral("<script>alert(1)</script>")));
    QVERIFY(!view.document()->resource(QTextDocument::ImageResource, url).isValid());
    QVERIFY(!view.openLinks());
    QVERIFY(!view.openExternalLinks());
}

QTEST_MAIN(TestExercisePanel)
#include "tst_exercise_panel.moc"
