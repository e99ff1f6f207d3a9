// What socwb does as a desktop application: File → Open recent (both lists, folders shown), one
// window per case across processes (SingleInstance and `socwb CASE` twice), Help → About with the
// versions in use, and Help → User guide with a guide that names every format and factor.
#include "about_dialog.h"
#include "case_windows.h"
#include "core/recent_cases.h"
#include "fold_area.h"
#include "ingest/read/format_registry.h"
#include "main_window.h"
#include "recent_cases_menu.h"
#include "single_instance.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "test_paths.h"
#include "user_guide_dialog.h"

#include <QApplication>
#include <QDir>
#include <QDirIterator>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLocalSocket>
#include <QMenuBar>
#include <QProcess>
#include <QRegularExpression>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>

#include <QTextBrowser>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <gnu/libc-version.h>

#include <qcustomplot.h>
#include <sqlite3.h>
#include <unistd.h>

using namespace socwb;

namespace {
QString makeCase(const QString& path) {
    CaseStore::open(path); // created, schema applied
    return QFileInfo(path).absoluteFilePath();
}
} // namespace

class TestDesktopIntegration : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void recentMenuShowsFoldersAndOpensTheCase();
    void windowAddsOpenedCasesToBothLists();
    void aboutShowsTheVersionsInUse();
    void userGuideCoversFormatsFactorsAndTraining();
    void singleInstanceHandsOverAndSurvivesGarbage();
    void staleSocketIsTakenOver();
    void secondSocwbRaisesTheWindowThatHasTheCase();
    void quitDuringAnImportEndsTheEventLoop();
    void commandLineLogsWaitInThePreview();
    void firstStartFitsTheScreen();
    void clickingAFoldedTabShowsTheView();

  private:
    QTemporaryDir dir_;
    QString path(const QString& name) const { return dir_.filePath(name); }
};

void TestDesktopIntegration::initTestCase() {
    QStandardPaths::setTestModeEnabled(true); // settings and recently-used.xbel under ~/.qttest
    QCoreApplication::setOrganizationName(QStringLiteral("socwb-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_desktop_integration"));
    QSettings().clear();
    QFile::remove(RecentCases::defaultXbelPath());
}

void TestDesktopIntegration::recentMenuShowsFoldersAndOpensTheCase() {
    QDir(dir_.path()).mkpath(QStringLiteral("acme"));
    QDir(dir_.path()).mkpath(QStringLiteral("globex"));
    const QString a = makeCase(path(QStringLiteral("acme/case.socwb")));
    const QString b = makeCase(path(QStringLiteral("globex/case.socwb")));
    const QString amp = makeCase(path(QStringLiteral("R&D.socwb")));
    const QString gone = makeCase(path(QStringLiteral("gone.socwb")));
    RecentCases recent;
    for (const QString& c : {gone, a, b, amp}) {
        recent.add(c);
        QTest::qSleep(1050); // the desktop's list keeps seconds
    }
    QFile::remove(gone);

    RecentCasesMenu menu;
    menu.rebuild();
    QList<QAction*> entries;
    for (QAction* act : menu.actions()) {
        if (act->data().isValid()) {
            entries << act;
        }
    }
    QCOMPARE(entries.size(), 4);
    QCOMPARE(entries[0]->data().toString(), amp);
    QCOMPARE(entries[1]->data().toString(), b);
    QCOMPARE(entries[2]->data().toString(), a);
    QCOMPARE(entries[3]->data().toString(), gone);
    // Two "case.socwb" told apart by their folders; '&' shown as itself, not as a mnemonic.
    QVERIFY2(entries[1]->text().contains(QStringLiteral("case.socwb \u2014 ")) &&
                 entries[1]->text().endsWith(QStringLiteral("globex")),
             qPrintable(entries[1]->text()));
    QVERIFY(entries[2]->text().endsWith(QStringLiteral("acme")));
    QVERIFY2(entries[0]->text().startsWith(QStringLiteral("&1 R&&D.socwb")), qPrintable(entries[0]->text()));
    QCOMPARE(entries[1]->toolTip(), b);
    QVERIFY(!entries[3]->isEnabled());
    QVERIFY(entries[3]->text().endsWith(QStringLiteral("(not found)")));

    QSignalSpy chosen(&menu, &RecentCasesMenu::caseChosen);
    entries[2]->trigger();
    QCOMPARE(chosen.size(), 1);
    QCOMPARE(chosen.first().first().toString(), a);

    // The home folder is shown as ~.
    const QString home = QDir::homePath() + QStringLiteral("/cases/x.socwb");
    QCOMPARE(RecentCasesMenu::label(home), QStringLiteral("x.socwb \u2014 ~/cases"));
}

void TestDesktopIntegration::windowAddsOpenedCasesToBothLists() {
    QSettings().clear();
    QFile::remove(RecentCases::defaultXbelPath());
    const QString one = makeCase(path(QStringLiteral("one.socwb")));
    const QString two = makeCase(path(QStringLiteral("two.socwb")));
    MainWindow w;
    QVERIFY(w.openCase(one));
    QVERIFY(w.openCase(two));
    auto* menu = w.findChild<RecentCasesMenu*>();
    QVERIFY(menu);
    menu->rebuild();
    QAction* first = nullptr;
    for (QAction* act : menu->actions()) {
        if (act->data().toString() == one) {
            first = act;
        }
    }
    QVERIFY(first);
    first->trigger();
    QCOMPARE(QFileInfo(w.caseStore()->path()).absoluteFilePath(), one);
    // The desktop's list has both, registered to socwb.
    QFile xbel(RecentCases::defaultXbelPath());
    QVERIFY(xbel.open(QIODevice::ReadOnly));
    const QByteArray text = xbel.readAll();
    QVERIFY(text.contains(QUrl::fromLocalFile(one).toEncoded()));
    QVERIFY(text.contains(QUrl::fromLocalFile(two).toEncoded()));
    QVERIFY(text.contains("application/x-socwb-case"));
}

void TestDesktopIntegration::aboutShowsTheVersionsInUse() {
    AboutDialog d;
    const QString report = d.reportText();
    QVERIFY(report.startsWith(QStringLiteral("socwb " SOCWB_VERSION "\n")));
    for (const QString& expected : {QStringLiteral("Qt %1").arg(QString::fromLatin1(qVersion())),
                                    QStringLiteral("SQLite %1").arg(QString::fromLatin1(sqlite3_libversion())),
                                    QStringLiteral("QCustomPlot " QCUSTOMPLOT_VERSION_STR)}) {
        QVERIFY2(report.contains(expected), qPrintable(report));
    }
    auto* qt = d.findChild<QLabel*>(QStringLiteral("version:Qt"));
    QVERIFY(qt);
    QVERIFY(qt->text().startsWith(QString::fromLatin1(qVersion())));
    auto* sqlite = d.findChild<QLabel*>(QStringLiteral("version:SQLite"));
    QVERIFY(sqlite);
    QCOMPARE(sqlite->text(), QString::fromLatin1(sqlite3_libversion()));
    QVERIFY(d.findChild<QLabel*>(QStringLiteral("version:QCustomPlot")));
    // The tests link no malloc of their own (the programs do): glibc's, with its version.
    auto* allocator = d.findChild<QLabel*>(QStringLiteral("version:malloc"));
    QVERIFY(allocator);
    QCOMPARE(allocator->text(), QStringLiteral("glibc %1").arg(QString::fromLatin1(gnu_get_libc_version())));
}

void TestDesktopIntegration::userGuideCoversFormatsFactorsAndTraining() {
    const QString guide = UserGuideDialog::guidePath();
    QVERIFY(!guide.isEmpty());
    QFile f(guide);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString html = QString::fromUtf8(f.readAll());
    for (const FormatInfo& fmt : formats()) {
        QVERIFY2(html.contains(QStringLiteral("<code>%1</code>").arg(QString::fromLatin1(fmt.name))), fmt.name);
    }
    // Every factor the scoring configuration weighs (its "weights:" block).
    QFile yaml(QStringLiteral(SOCWB_SOURCE_DIR "/resources/scoring/scoring.yaml"));
    QVERIFY(yaml.open(QIODevice::ReadOnly));
    const QString weights = QString::fromUtf8(yaml.readAll())
                                .section(QStringLiteral("\nweights:\n"), 1)
                                .section(QRegularExpression(QStringLiteral("\\n[a-z]")), 0, 0);
    static const QRegularExpression key(QStringLiteral("^  ([a-z_]+):"), QRegularExpression::MultilineOption);
    int factors = 0;
    for (auto it = key.globalMatch(weights); it.hasNext();) {
        const QString name = it.next().captured(1);
        QVERIFY2(html.contains(QStringLiteral("<code>%1</code>").arg(name)), qPrintable(name));
        ++factors;
    }
    QVERIFY(factors >= 15);
    QVERIFY(html.contains(QStringLiteral("TRAINING-MODE"))); // the marked place for training mode
    for (const char* section : {"id=\"quick-start\"", "id=\"formats\"", "id=\"score\"", "id=\"triage\""}) {
        QVERIFY2(html.contains(QLatin1String(section)), section);
    }
    UserGuideDialog d;
    QVERIFY(d.browser()->toPlainText().contains(QStringLiteral("Quick start")));
    QVERIFY(d.browser()->toPlainText().contains(QStringLiteral("Triage from the keyboard")));
}

void TestDesktopIntegration::singleInstanceHandsOverAndSurvivesGarbage() {
    const QString socket = path(QStringLiteral("hand.socket"));
    SingleInstance server(socket);
    QStringList asked;
    QVERIFY2(server.listen([&asked](const QString& c) {
        asked << c;
        return SingleInstance::Reply{QStringLiteral("raised"), QStringLiteral("raised ") + c};
    }),
             qPrintable(server.errorString()));
    // Only this user may talk to it.
    const QFile::Permissions perms = QFileInfo(socket).permissions();
    QVERIFY(!(perms & (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther)));

    // Garbage first: answered with an error, and the server goes on.
    QLocalSocket raw;
    raw.connectToServer(socket);
    QVERIFY(raw.waitForConnected(3000));
    raw.write("{\"open\": \"relative/path.socwb\"}\n");
    QTRY_VERIFY(raw.canReadLine());
    QVERIFY(raw.readLine().contains("\"error\""));
    QVERIFY(asked.isEmpty());

    QDir::setCurrent(dir_.path());
    auto reply = QtConcurrent::run([socket] { return SingleInstance(socket).handOver(QStringLiteral("x.socwb")); });
    QTRY_VERIFY_WITH_TIMEOUT(reply.isFinished(), 10000);
    QCOMPARE(reply.result().result, QStringLiteral("raised"));
    QCOMPARE(asked, QStringList{path(QStringLiteral("x.socwb"))}); // made absolute by the asker

    // Nobody listening: no answer, so the asker is the one to listen.
    const QString none = path(QStringLiteral("nobody.socket"));
    auto silence = QtConcurrent::run([none] { return SingleInstance(none).handOver(QStringLiteral("x.socwb"), 500); });
    QTRY_VERIFY_WITH_TIMEOUT(silence.isFinished(), 10000);
    QVERIFY(silence.result().result.isEmpty());
}

void TestDesktopIntegration::staleSocketIsTakenOver() {
    // What a crashed socwb leaves: a file where the socket was, that nobody answers on.
    const QString socket = path(QStringLiteral("stale.socket"));
    QFile f(socket);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    SingleInstance instance(socket);
    QVERIFY2(instance.listen([](const QString&) {
        return SingleInstance::Reply{QStringLiteral("raised"), {}};
    }),
             qPrintable(instance.errorString()));
    auto reply = QtConcurrent::run([socket] { return SingleInstance(socket).handOver(QString()); });
    QTRY_VERIFY_WITH_TIMEOUT(reply.isFinished(), 10000);
    QCOMPARE(reply.result().result, QStringLiteral("raised"));
}

// The real thing: a socwb with a case open; `socwb CASE` again raises it and exits, `socwb OTHER`
// has the running one open OTHER; neither starts a second window process on the same case.
void TestDesktopIntegration::secondSocwbRaisesTheWindowThatHasTheCase() {
    const QString runtime = path(QStringLiteral("runtime"));
    QVERIFY(QDir().mkpath(runtime));
    QFile::setPermissions(runtime, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    const QString first = makeCase(path(QStringLiteral("first.socwb")));
    const QString second = makeCase(path(QStringLiteral("second.socwb")));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime);
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));

    QProcess running;
    running.setProcessEnvironment(env);
    running.start(QStringLiteral(SOCWB_GUI_PATH), {first});
    QVERIFY(running.waitForStarted());
    const QString socket = runtime + QStringLiteral("/socwb-%1.socket").arg(::getuid());
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(socket), 30000);

    auto again = [&env](const QString& c) {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(SOCWB_GUI_PATH), {c});
        p.waitForFinished(30000);
        return std::pair{p.exitCode(), QString::fromUtf8(p.readAllStandardError())};
    };
    const auto [code1, err1] = again(first);
    QCOMPARE(code1, 0);
    QVERIFY2(err1.contains(QStringLiteral("raised its window")), qPrintable(err1));
    const auto [code2, err2] = again(second);
    QCOMPARE(code2, 0);
    QVERIFY2(err2.contains(QStringLiteral("opens in a window of the running socwb")), qPrintable(err2));
    // And now the running one has the second case too: asking for it raises.
    const auto [code3, err3] = again(second);
    QCOMPARE(code3, 0);
    QVERIFY2(err3.contains(QStringLiteral("raised its window")), qPrintable(err3));
    QCOMPARE(running.state(), QProcess::Running);
    running.terminate();
    QVERIFY(running.waitForFinished(30000));
}

// Issue 28, item 3: Ctrl+Q a moment into an import hides the window, rolls the import back and
// then ends the application's event loop — it used to idle in it for ever. The window is wired as
// gui_main wires it (caseWindows::quitWithLastWindow) and the key goes to the real window.
void TestDesktopIntegration::quitDuringAnImportEndsTheEventLoop() {
    const QString c = makeCase(path(QStringLiteral("quit-import.socwb")));
    auto* w = new MainWindow;
    w->setAttribute(Qt::WA_DeleteOnClose);
    caseWindows::quitWithLastWindow(w);
    w->show();
    QVERIFY(QTest::qWaitForWindowExposed(w));
    QVERIFY(w->openCase(c));
    // A log big enough that the import is still running when the key comes on an idle machine (the
    // 128k-line exercise log was sometimes done within the 300 ms the key used to wait).
    const QString log = path(QStringLiteral("quit-import-access.log"));
    {
        QFile f(log);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray chunk;
        for (int i = 0; i < 600000; ++i) {
            chunk += QByteArray::number(1700000000 + i / 10) + ".123    120 10.0.0." + QByteArray::number(i % 200 + 1) +
                     " TCP_MISS/200 1234 GET http://example.com/p" + QByteArray::number(i % 97) +
                     " - HIER_DIRECT/93.184.216.34 text/html\n";
            if (chunk.size() > (1 << 20)) {
                f.write(chunk);
                chunk.clear();
            }
        }
        f.write(chunk);
    }
    w->importFiles({log});
    QVERIFY(w->isImporting());
    bool hidden = false;
    bool importing = false;
    QTimer::singleShot(100, w, [w, &hidden, &importing] {
        importing = w->isImporting(); // the key comes during the import, not after it
        w->activateWindow();
        QTest::keyClick(w, Qt::Key_Q, Qt::ControlModifier); // File → Quit
        hidden = !w->isVisible();
    });
    // A guard: without the fix the loop never ends; exit code 7 then says so.
    QTimer guard;
    guard.setSingleShot(true);
    connect(&guard, &QTimer::timeout, qApp, [] { QCoreApplication::exit(7); });
    guard.start(90000);
    const int code = QCoreApplication::exec();
    QCOMPARE(code, 0);
    QVERIFY(importing);
    QVERIFY(hidden);
    auto store = CaseStore::open(c);
    Statement st(store->db(), "SELECT count(*) FROM evidence");
    QVERIFY(st.step());
    QCOMPARE(st.int64(0), int64_t(0)); // rolled back
}

// Issue 28 item 7: `socwb FILES...` goes through the import preview (and its time-zone question)
// like a drop: nothing is imported before the analyst confirms. Before, the files were imported at
// once, a Windows DNS debug log in whatever zone the case had last used (or the machine's).
void TestDesktopIntegration::commandLineLogsWaitInThePreview() {
    const QString home = path(QStringLiteral("cli-home"));
    QVERIFY(QDir().mkpath(home + QStringLiteral("/rt")));
    QFile::setPermissions(home + QStringLiteral("/rt"), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home + QStringLiteral("/rt"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    QProcess gui;
    gui.setProcessEnvironment(env);
    gui.start(QStringLiteral(SOCWB_GUI_PATH),
              {QStringLiteral("--screenshot"), path(QStringLiteral("cli.png")), QStringLiteral("--size"),
               QStringLiteral("1366x768"), socwb::test::fixture(QStringLiteral("windows-dns/dns.log")),
               socwb::test::fixture(QStringLiteral("squid/access.log"))});
    QVERIFY(gui.waitForFinished(120000));
    QCOMPARE(gui.exitCode(), 0);
    QStringList cases;
    QDirIterator it(home + QStringLiteral("/data"), {QStringLiteral("untitled-*.socwb")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        cases << it.next();
    }
    QCOMPARE(cases.size(), 1); // the fresh case the files were given to
    auto store = CaseStore::open(cases.first());
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM evidence").value_or(-1), 0);
}

// Issue 18: on a first start (no saved geometry) the window fits the screen's free area; it was
// 1400x900 everywhere, wider and taller than a 1366x768 laptop's screen. (Qt's offscreen screen is
// 800x600, smaller than 1400x900, so this fails without the fit.)
void TestDesktopIntegration::firstStartFitsTheScreen() {
    QSettings().remove(QStringLiteral("window/geometry"));
    MainWindow w;
    QVERIFY(w.screen());
    const QSize avail = w.screen()->availableGeometry().size();
    const QSize least = w.minimumSizeHint().expandedTo(w.minimumSize());
    QVERIFY2(w.width() <= qMax(avail.width(), least.width()) && w.height() <= qMax(avail.height(), least.height()),
             qPrintable(QStringLiteral("%1x%2 on a %3x%4 screen")
                            .arg(w.width())
                            .arg(w.height())
                            .arg(avail.width())
                            .arg(avail.height())));
    QVERIFY(w.width() < 1400 || avail.width() >= 1400);
}

// Clicking the tab of a folded investigation view (the bottom area holds the folded line while the
// queue has the height) raises the view with the height it needs; it used to make the folded line
// current and wait for a second click on "Show ..." (found driving the window with xdotool).
void TestDesktopIntegration::clickingAFoldedTabShowsTheView() {
    QSettings().remove(QStringLiteral("window/geometry"));
    QSettings().remove(QStringLiteral("window/state"));
    MainWindow w;
    w.resize(1366, 768);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.showView(QStringLiteral("alerts")); // the queue takes the height: the bottom views fold
    auto* dock = w.findChild<QDockWidget*>(QStringLiteral("timeline"));
    QVERIFY(dock);
    auto* area = qobject_cast<FoldArea*>(dock->widget());
    QVERIFY(area);
    QTRY_VERIFY(area->isFolded());
    QTabBar* bar = nullptr;
    int index = -1;
    for (auto* b : w.findChildren<QTabBar*>()) {
        for (int i = 0; i < b->count(); ++i) {
            if (b->tabText(i) == dock->windowTitle() && b->isVisible()) {
                bar = b, index = i;
            }
        }
    }
    QVERIFY2(bar, "the bottom views are tabs");
    QVERIFY(bar->currentIndex() != index); // the charts' tab is the current one
    QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(index).center());
    QTRY_VERIFY(!area->isFolded());
    QCOMPARE(bar->currentIndex(), index);
    QVERIFY(dock->height() >= area->readableHeight());
    // Folded again, a click on the tab that is already current shows it too.
    w.showView(QStringLiteral("alerts"));
    QTRY_VERIFY(area->isFolded());
    QCOMPARE(bar->currentIndex(), index);
    QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(index).center());
    QTRY_VERIFY(!area->isFolded());
}

QTEST_MAIN(TestDesktopIntegration)
#include "tst_desktop_integration.moc"
