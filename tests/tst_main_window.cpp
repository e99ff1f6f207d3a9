// The GUI on the offscreen platform: a case opens and its overview shows the evidence; a file
// that is not a case is refused with a dialog and left alone; --screenshot writes a real PNG.
#include "main_window.h"
#include "store/case_store.h"
#include "tables/evidence_table_model.h"
#include "tables/host_table_model.h"
#include "test_paths.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QMessageBox>
#include <QProcess>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace socwb;
using namespace socwb::test;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void opensCaseAndShowsEvidence();
    void refusesNonCaseWithDialog();
    void docksExistForEveryView();
    void screenshotWritesPng();

private:
    QTemporaryDir dir_;
};

void TestMainWindow::opensCaseAndShowsEvidence() {
    const QString c = dir_.filePath(QStringLiteral("gui.socwb"));
    MainWindow w;
    QVERIFY(w.openCase(c));
    QSignalSpy done(&w, &MainWindow::importsFinished);
    w.importFiles({fixture(QStringLiteral("squid/access.log"))});
    QVERIFY(done.wait(60000));
    const auto tables = w.findChildren<QTableView*>();
    QCOMPARE(tables.size(), 2);
    QTableView* table = tables[0]->model()->columnCount() == EvidenceTableModel::ColumnCount ? tables[0] : tables[1];
    QTableView* hosts = table == tables[0] ? tables[1] : tables[0];
    QAbstractItemModelTester hostTester(hosts->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Hosts, busiest first: 10.1.2.3 made two of the four requests.
    QCOMPARE(hosts->model()->rowCount(), 3);
    QCOMPARE(hosts->model()->index(0, HostTableModel::NameColumn).data().toString(), QStringLiteral("10.1.2.3"));
    QCOMPARE(hosts->model()->index(0, HostTableModel::ProxyColumn).data().toString(), QStringLiteral("2"));
    QCOMPARE(hosts->model()->index(0, HostTableModel::AttributedColumn).data().toString(), QStringLiteral("0 %"));
    QCOMPARE(hosts->model()->index(2, HostTableModel::ProxyColumn).data().toString(), QStringLiteral("1"));
    QAbstractItemModelTester tester(table->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(table->model()->rowCount(), 1);
    QCOMPARE(table->model()->index(0, EvidenceTableModel::FileColumn).data().toString(), QStringLiteral("access.log"));
    QCOMPARE(table->model()->index(0, EvidenceTableModel::FormatColumn).data().toString(), QStringLiteral("squid"));
    QCOMPARE(table->model()->index(0, EvidenceTableModel::AcceptedColumn).data().toString(), QStringLiteral("4"));
    bool countsShown = false;
    for (auto* l : w.findChildren<QLabel*>()) {
        countsShown = countsShown || l->text().startsWith(QStringLiteral("4 proxy requests"));
    }
    QVERIFY(countsShown);
    QVERIFY(w.windowTitle().startsWith(QStringLiteral("gui.socwb")));
}

void TestMainWindow::refusesNonCaseWithDialog() {
    const QString bad = dir_.filePath(QStringLiteral("bad.socwb"));
    {
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'z'));
    }
    MainWindow w;
    QString shown;
    // The dialog is modal: read and close it from the event loop.
    QTimer::singleShot(200, this, [&shown] {
        for (QWidget* top : QApplication::topLevelWidgets()) {
            if (auto* box = qobject_cast<QMessageBox*>(top)) {
                shown = box->text();
                box->accept();
            }
        }
    });
    QVERIFY(!w.openCase(bad));
    QVERIFY2(shown.contains(QStringLiteral("not an SQLite database")), qPrintable(shown));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray(8192, 'z'));
}

void TestMainWindow::docksExistForEveryView() {
    MainWindow w;
    const QStringList views = MainWindow::viewNames();
    QVERIFY(views.contains(QStringLiteral("overview")));
    for (const QString& v : views) {
        QVERIFY2(w.showView(v), qPrintable(v));
        if (v != QLatin1String("overview")) {
            QVERIFY(w.findChild<QDockWidget*>(v));
        }
    }
    QVERIFY(!w.showView(QStringLiteral("no-such-view")));
}

void TestMainWindow::screenshotWritesPng() {
    const QString c = dir_.filePath(QStringLiteral("shot.socwb"));
    const QString png = dir_.filePath(QStringLiteral("shot.png"));
    QProcess p;
    p.start(QStringLiteral(SOCWB_GUI_PATH), {c, QStringLiteral("--screenshot"), png});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    QImage img(png);
    QVERIFY(!img.isNull());
    QVERIFY(img.width() >= 800 && img.height() >= 500);
    // Not a blank canvas: the window drew text and frames in more than a couple of colours.
    QSet<QRgb> colours;
    for (int y = 0; y < img.height(); y += 7) {
        for (int x = 0; x < img.width(); x += 7) {
            colours.insert(img.pixel(x, y));
        }
    }
    QVERIFY(colours.size() > 10);
    QProcess bad;
    bad.start(QStringLiteral(SOCWB_GUI_PATH), {c, QStringLiteral("--screenshot"), png, QStringLiteral("--view"), QStringLiteral("nope")});
    QVERIFY(bad.waitForFinished(60000));
    QCOMPARE(bad.exitCode(), 2);
}

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
