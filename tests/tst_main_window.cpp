// The GUI on the offscreen platform, driven like an analyst would: a case opens and its explorer
// shows the evidence; a file dropped on the window goes through the preview into the case; the
// queue fills, filters from the keyboard, takes verdicts from the number keys (a benign one only
// with a justification) and the audit log shows them; untrusted text stays text; --screenshot works.
#include "alert_detail_widget.h"
#include "alert_fixture.h"
#include "alert_queue_dock.h"
#include "audit_log_dialog.h"
#include "case_overview_widget.h"
#include "import_preview_dialog.h"
#include "justification_dialog.h"
#include "main_window.h"
#include "store/case_store.h"
#include "store/case_summary.h"
#include "store/schema.h"
#include "store/statement.h"
#include "tables/alert_table_model.h"
#include "tables/audit_log_model.h"
#include "tables/channel_request_model.h"
#include "tables/evidence_table_model.h"
#include "tables/host_table_model.h"
#include "task_panel.h"
#include "test_paths.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFile>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProcess>
#include <QProgressDialog>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>
#include <QTimer>

using namespace socwb;
using namespace socwb::test;

namespace {
QTableView* viewOf(QWidget* w, const QAbstractItemModel* model) {
    for (auto* v : w->findChildren<QTableView*>()) {
        if (v->model() == model || (v->model() && v->model()->property("sourceModel").value<QObject*>() == model)) {
            return v;
        }
    }
    return nullptr;
}

QStringList columnOf(const QAbstractItemModel* model, int column) {
    QStringList out;
    for (int r = 0; r < model->rowCount(); ++r) {
        out << model->index(r, column).data().toString();
    }
    return out;
}

// The header as drawn with one section sorted one way.
QImage renderSorted(QHeaderView* header, int section, Qt::SortOrder order) {
    header->setSortIndicator(section, order);
    return header->grab().toImage().convertToFormat(QImage::Format_RGB32);
}

// Which way the sort arrow in `sorted` points, against `other`, the same header sorted the other
// way (so the label is where it was). Both arrows are drawn in one spot, and a triangle pointing
// down has its wide side on top: the pixels of columns [x0, x1) only the down arrow darkens lie
// above those only the up arrow darkens. 1: down, -1: up, 0: no arrow found.
int arrowDirection(const QImage& sorted, const QImage& other, int x0, int x1) {
    double ySorted = 0, yOther = 0;
    int nSorted = 0, nOther = 0;
    for (int y = 0; y < sorted.height(); ++y) {
        for (int x = x0; x < x1; ++x) {
            const int a = qGray(sorted.pixel(x, y)), b = qGray(other.pixel(x, y));
            if (a + 40 < b) {
                ySorted += y;
                ++nSorted;
            } else if (b + 40 < a) {
                yOther += y;
                ++nOther;
            }
        }
    }
    if (nSorted == 0 || nOther == 0 || ySorted / nSorted == yOther / nOther) {
        return 0;
    }
    return ySorted / nSorted < yOther / nOther ? 1 : -1;
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
  private slots:
    void opensCaseAndShowsEvidence();
    void dropFilterTriageAudit();
    void closingDuringImportDoesNotWait();
    void previewAsksTheZoneOfLocalTimeLogs();
    void bulkStatusOnASelection();
    void importIntoACaseThatWentBadIsReported();
    void untrustedTextRendersLiterally();
    void refusesNonCaseWithDialog();
    void upgradesAnOlderCaseWithProgress();
    void docksExistForEveryView();
    void hostTableSortsInTheModel();
    void sortArrowsPointTheWayRowsRun();
    void screenshotWritesPng();

  private:
    QTemporaryDir dir_;
};

void TestMainWindow::opensCaseAndShowsEvidence() {
    const QString c = dir_.filePath(QStringLiteral("gui.socwb"));
    MainWindow w;
    QVERIFY(w.openCase(c));
    QSignalSpy done(&w, &MainWindow::importsFinished);
    QSignalSpy refreshed(&w, &MainWindow::refreshed);
    w.importFiles({fixture(QStringLiteral("squid/access.log"))});
    QVERIFY(done.wait(60000));
    QVERIFY(refreshed.wait(10000)); // the summary is read in a worker after the import
    QTableView* hosts = viewOf(w.overview(), w.overview()->hostModel());
    QTableView* table = viewOf(w.overview(), w.overview()->evidenceModel());
    QVERIFY(hosts && table);
    QAbstractItemModelTester hostTester(hosts->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Hosts, busiest first: 10.1.2.3 made two of the four requests. The table reads its rows on
    // its own thread after the summary.
    QTRY_COMPARE(hosts->model()->rowCount(), 3);
    QCOMPARE(hosts->model()->index(0, HostTableModel::NameColumn).data().toString(), QStringLiteral("10.1.2.3"));
    QCOMPARE(hosts->model()->index(0, HostTableModel::ProxyColumn).data().toString(), QStringLiteral("2"));
    QCOMPARE(hosts->model()->index(0, HostTableModel::AttributedColumn).data().toString(), QStringLiteral("0 %"));
    QCOMPARE(hosts->model()->index(2, HostTableModel::ProxyColumn).data().toString(), QStringLiteral("1"));
    QCOMPARE(hosts->model()->index(0, HostTableModel::SysmonColumn).data().toString(), QStringLiteral("no"));
    QAbstractItemModelTester tester(table->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(table->model()->rowCount(), 1);
    QCOMPARE(table->model()->index(0, EvidenceTableModel::FileColumn).data().toString(), QStringLiteral("access.log"));
    QCOMPARE(table->model()->index(0, EvidenceTableModel::FormatColumn).data().toString(), QStringLiteral("squid"));
    QCOMPARE(table->model()->index(0, EvidenceTableModel::AcceptedColumn).data().toString(), QStringLiteral("4"));
    QCOMPARE(table->model()->index(0, EvidenceTableModel::StatusColumn).data().toString(), QStringLiteral("imported"));
    bool countsShown = false;
    for (auto* l : w.findChildren<QLabel*>()) {
        countsShown = countsShown || l->text().startsWith(QStringLiteral("4 proxy requests"));
    }
    QVERIFY(countsShown);
    QVERIFY(w.windowTitle().startsWith(QStringLiteral("gui.socwb")));
    // The task panel kept the file's outcome.
    QVERIFY2(w.tasks()->taskText(1).contains(QStringLiteral("imported as squid: 4 records, 0 rejected")),
             qPrintable(w.tasks()->taskText(1)));
}

void TestMainWindow::dropFilterTriageAudit() {
    const QString c = dir_.filePath(QStringLiteral("triage.socwb"));
    // The "easy" exercise's proxy log: a planted pastebin channel among some 600 channels.
    const QString log = QStringLiteral(SOCWB_SOURCE_DIR "/sample-data/exercises/1-easy/evidence/access.log.gz");
    MainWindow w;
    w.resize(1366, 768);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openCase(c));
    AlertQueueDock* queue = w.alertQueue();
    AlertTableModel* model = queue->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);

    // Drop the log on the window: the preview lists it with its detected format, nothing is written yet.
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(log)});
    QDragEnterEvent enter(QPoint(200, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(200, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &drop);
    auto* preview = w.findChild<ImportPreviewDialog*>();
    QVERIFY(preview);
    QVERIFY(QTest::qWaitFor([preview] { return preview->isReady(); }, 10000));
    QCOMPARE(preview->table()->rowCount(), 1);
    auto* format = qobject_cast<QComboBox*>(preview->table()->cellWidget(0, ImportPreviewDialog::FormatColumn));
    QVERIFY(format);
    QCOMPARE(format->currentData().toString(), QStringLiteral("squid"));
    {
        auto store = CaseStore::open(c);
        QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM evidence").value_or(-1), 0);
    }
    QSignalSpy scored(&w, &MainWindow::scoringFinished);
    QPushButton* importButton = nullptr;
    for (auto* b : preview->findChildren<QPushButton*>()) {
        if (b->text() == QLatin1String("Import")) {
            importButton = b;
        }
    }
    QVERIFY(importButton && importButton->isEnabled());
    QTest::mouseClick(importButton, Qt::LeftButton);
    // The import is followed by a scoring pass; then the queue shows the channels, best first.
    QVERIFY(scored.wait(120000));
    QCOMPARE(scored.first().first().value<ScoreOutcome>().status, QStringLiteral("done"));
    qint64 channels = 0;
    qint64 pastebin = 0;
    {
        auto store = CaseStore::open(c);
        channels = queryInt(store->db(), "SELECT count(*) FROM alerts WHERE suppressed_by IS NULL").value_or(-1);
        pastebin =
            queryInt(store->db(), "SELECT count(*) FROM alerts WHERE suppressed_by IS NULL AND host = '10.20.1.19' "
                                  "AND service = 'pastebin'")
                .value_or(-1);
    }
    QVERIFY(channels > 100);
    QVERIFY(pastebin >= 2); // the planted command channel and quieter ones to the same site
    QVERIFY(QTest::qWaitFor([&] { return !model->isCounting() && model->rowCount() == channels && model->rowAt(0); },
                            10000));
    QCOMPARE(model->index(0, AlertTableModel::HostColumn).data().toString(), QStringLiteral("10.20.1.19"));
    QCOMPARE(model->index(0, AlertTableModel::DestinationColumn).data().toString(), QStringLiteral("pastebin.com"));
    QCOMPARE(model->index(0, AlertTableModel::SeverityColumn).data().toString(), QStringLiteral("high"));

    // "/" focuses the filter; typing a query and Enter applies it.
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QTableView* view = queue->view();
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Slash);
    QVERIFY(queue->filterEdit()->hasFocus());
    QTest::keyClicks(queue->filterEdit(), QStringLiteral("host:10.20.1.19 service:pastebin status:new"));
    QTest::keyClick(queue->filterEdit(), Qt::Key_Return);
    QVERIFY(QTest::qWaitFor([&] { return !model->isCounting() && model->rowAt(model->rowCount() - 1); }, 10000));
    QCOMPARE(model->rowCount(), pastebin);
    QVERIFY(view->hasFocus());
    QCOMPARE(model->index(0, AlertTableModel::HostColumn).data().toString(), QStringLiteral("10.20.1.19"));
    QCOMPARE(model->index(1, AlertTableModel::HostColumn).data().toString(), QStringLiteral("10.20.1.19"));
    QVERIFY(model->index(0, 0).data(AlertTableModel::ScoreRole).toDouble() >
            model->index(1, 0).data(AlertTableModel::ScoreRole).toDouble());
    const QString first = model->index(0, 0).data(AlertTableModel::ChannelKeyRole).toString();
    const QString second = model->index(1, 0).data(AlertTableModel::ChannelKeyRole).toString();

    // j moves down, k up; 3 marks the current channel malicious.
    view->setCurrentIndex(model->index(0, AlertTableModel::HostColumn));
    QTest::keyClick(view, Qt::Key_J);
    QCOMPARE(view->currentIndex().row(), 1);
    QTest::keyClick(view, Qt::Key_K);
    QCOMPARE(view->currentIndex().row(), 0);
    queue->setFilterText(QStringLiteral("host:10.20.1.19 service:pastebin"));
    QVERIFY(QTest::qWaitFor([model] { return !model->isCounting() && model->rowAt(1); }, 10000));
    view->setCurrentIndex(model->index(0, AlertTableModel::HostColumn));
    QTest::keyClick(view, Qt::Key_3);
    QVERIFY(QTest::qWaitFor(
        [model] {
            return model->index(0, AlertTableModel::StatusColumn).data().toString() == QLatin1String("Malicious");
        },
        10000));

    // 2 (benign) asks why; cancelling changes nothing, a justification goes through.
    view->setCurrentIndex(model->index(1, AlertTableModel::HostColumn));
    QTimer::singleShot(100, this, [] {
        if (auto* d = qobject_cast<JustificationDialog*>(QApplication::activeModalWidget())) {
            d->reject();
        }
    });
    QTest::keyClick(view, Qt::Key_2);
    QCOMPARE(model->index(1, AlertTableModel::StatusColumn).data().toString(), QStringLiteral("New"));
    bool okWasDisabled = false;
    QTimer::singleShot(100, this, [&okWasDisabled] {
        auto* d = qobject_cast<JustificationDialog*>(QApplication::activeModalWidget());
        if (!d) {
            return;
        }
        QPushButton* ok = d->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        okWasDisabled = !ok->isEnabled();
        QTest::keyClicks(d->findChild<QPlainTextEdit*>(),
                         QStringLiteral("the owner's paste-sync script, checked with them"));
        QTest::mouseClick(ok, Qt::LeftButton);
    });
    QTest::keyClick(view, Qt::Key_2);
    QVERIFY(okWasDisabled);
    QVERIFY(QTest::qWaitFor(
        [model] { return model->index(1, AlertTableModel::StatusColumn).data().toString() == QLatin1String("Benign"); },
        10000));

    // The audit log (Ctrl+L) shows both verdicts, newest first, with the OS user.
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QTest::keyClick(&w, Qt::Key_L, Qt::ControlModifier);
    auto* audit = w.findChild<AuditLogDialog*>();
    QVERIFY(audit);
    QAbstractItemModelTester auditTester(audit->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(QTest::qWaitFor([audit] { return audit->model()->rowCount() > 0; }, 10000));
    QAbstractItemModel* entries = audit->model();
    QCOMPARE(entries->index(0, AuditLogModel::ActionColumn).data().toString(), QStringLiteral("triage.status"));
    QCOMPARE(entries->index(0, AuditLogModel::TargetColumn).data().toString(), second);
    QCOMPARE(entries->index(0, AuditLogModel::DetailColumn).data().toString(),
             QStringLiteral("new -> benign: the owner's paste-sync script, checked with them"));
    QCOMPARE(entries->index(1, AuditLogModel::TargetColumn).data().toString(), first);
    QCOMPARE(entries->index(1, AuditLogModel::DetailColumn).data().toString(), QStringLiteral("new -> malicious"));
    QCOMPARE(entries->index(1, AuditLogModel::ActorColumn).data().toString(), CaseStore::actorName());
    audit->close();

    // Verdicts are keyed by channel: a new scoring pass keeps them, and the rows stay in place.
    w.scoreCase(ScoreMode::Full);
    QVERIFY(scored.wait(120000));
    QVERIFY(QTest::qWaitFor([model] { return !model->isCounting() && model->rowAt(1); }, 10000));
    QCOMPARE(model->index(0, AlertTableModel::StatusColumn).data().toString(), QStringLiteral("Malicious"));
    QCOMPARE(model->index(1, AlertTableModel::StatusColumn).data().toString(), QStringLiteral("Benign"));

    // Enter opens the detail of the current channel, with the engine's factors.
    w.activateWindow();
    view->setFocus();
    view->setCurrentIndex(model->index(0, AlertTableModel::HostColumn));
    QTest::keyClick(view, Qt::Key_Return);
    QVERIFY(QTest::qWaitFor([&w, first] { return w.alertDetail()->detail().row.channelKey == first; }, 10000));
    QVERIFY(!w.alertDetail()->detail().factors.isEmpty());
    QCOMPARE(qint64(w.alertDetail()->detail().proxyIds.size()), w.alertDetail()->detail().proxyRequests);
    QCOMPARE(w.alertDetail()->detail().row.status, QStringLiteral("malicious"));
    QVERIFY(w.findChild<QDockWidget*>(QStringLiteral("detail"))->isVisible());

    // Suppressing channels like the first (no process: its destination, any host) re-scores in
    // the background; both pastebin channels leave the default queue and show with suppressed:yes.
    w.suppressSimilar({first}, QStringLiteral("a sanctioned paste service for this team"));
    QVERIFY(scored.wait(120000));
    queue->setFilterText(QStringLiteral("host:10.20.1.19 service:pastebin"));
    QVERIFY(QTest::qWaitFor([model] { return !model->isCounting() && model->rowCount() == 0; }, 10000));
    queue->setFilterText(QStringLiteral("host:10.20.1.19 service:pastebin suppressed:yes"));
    QVERIFY(QTest::qWaitFor([&] { return !model->isCounting() && model->rowCount() == pastebin && model->rowAt(1); },
                            10000));
    // The verdicts stay with their channels while they are suppressed.
    QCOMPARE(model->index(0, AlertTableModel::StatusColumn).data().toString(), QStringLiteral("Malicious"));
}

void TestMainWindow::previewAsksTheZoneOfLocalTimeLogs() {
    const QString c = dir_.filePath(QStringLiteral("zones.socwb"));
    MainWindow w;
    QVERIFY(w.openCase(c));
    w.previewImport({fixture(QStringLiteral("windows-dns/dns.log")), fixture(QStringLiteral("squid/access.log"))});
    auto* preview = w.findChild<ImportPreviewDialog*>();
    QVERIFY(preview);
    QVERIFY(QTest::qWaitFor([preview] { return preview->isReady(); }, 10000));
    QCOMPARE(preview->table()->rowCount(), 2);
    // Sorted by path: squid/ comes before windows-dns/.
    auto cell = [preview](int row, int column) {
        return qobject_cast<QComboBox*>(preview->table()->cellWidget(row, column));
    };
    QCOMPARE(cell(0, ImportPreviewDialog::FormatColumn)->currentData().toString(), QStringLiteral("squid"));
    QVERIFY(!cell(0, ImportPreviewDialog::TimeZoneColumn)->isEnabled()); // Squid logs epoch seconds
    QCOMPARE(cell(1, ImportPreviewDialog::FormatColumn)->currentData().toString(), QStringLiteral("windows-dns"));
    QComboBox* zone = cell(1, ImportPreviewDialog::TimeZoneColumn);
    QVERIFY(zone->isEnabled()); // the server's local time: the analyst says which
    zone->setCurrentText(QStringLiteral("Europe/Berlin"));
    QSignalSpy imported(&w, &MainWindow::importsFinished);
    preview->accept();
    QVERIFY(imported.wait(60000));
    QCOMPARE(w.caseTimeZone(), QStringLiteral("Europe/Berlin")); // remembered for this case
    auto store = CaseStore::open(c);
    Statement st(store->db(), "SELECT format, source_tz FROM evidence ORDER BY format");
    QVERIFY(st.step());
    QCOMPARE(QString::fromStdString(st.text(0)), QStringLiteral("squid"));
    QCOMPARE(QString::fromStdString(st.text(1)), QStringLiteral("UTC"));
    QVERIFY(st.step());
    QCOMPARE(QString::fromStdString(st.text(0)), QStringLiteral("windows-dns"));
    QCOMPARE(QString::fromStdString(st.text(1)), QStringLiteral("Europe/Berlin"));
}

void TestMainWindow::bulkStatusOnASelection() {
    const QString c = dir_.filePath(QStringLiteral("bulk.socwb"));
    {
        auto store = CaseStore::open(c);
        insertSyntheticAlerts(store->db(), 40);
    }
    MainWindow w;
    w.resize(1366, 768);
    w.show();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QVERIFY(w.openCase(c));
    AlertTableModel* model = w.alertQueue()->model();
    QVERIFY(QTest::qWaitFor([model] { return !model->isCounting() && model->rowCount() == 40 && model->rowAt(39); },
                            10000));
    QTableView* view = w.alertQueue()->view();
    view->setFocus();
    // Click the first row, shift-click the third: three channels selected; "1" puts all in review.
    const auto centre = [view, model](int row) {
        return view->visualRect(model->index(row, AlertTableModel::HostColumn)).center();
    };
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::NoModifier, centre(0));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ShiftModifier, centre(2));
    QCOMPARE(w.alertQueue()->selectedChannelKeys().size(), 3);
    QTest::keyClick(view, Qt::Key_1);
    QVERIFY(QTest::qWaitFor(
        [model] {
            for (int row = 0; row < 3; ++row) {
                if (model->index(row, AlertTableModel::StatusColumn).data().toString() != QLatin1String("In review")) {
                    return false;
                }
            }
            return true;
        },
        10000));
    QCOMPARE(model->index(3, AlertTableModel::StatusColumn).data().toString(), QStringLiteral("New"));
    auto store = CaseStore::open(c);
    QCOMPARE(queryInt(store->db(),
                      "SELECT count(*) FROM audit_log WHERE action = 'triage.status' AND detail = 'new -> in-review'")
                 .value_or(-1),
             3);
}

void TestMainWindow::importIntoACaseThatWentBadIsReported() {
    const QString c = dir_.filePath(QStringLiteral("gone-bad.socwb"));
    MainWindow w;
    QVERIFY(w.openCase(c));
    // Another program replaces the case file: the import's own connection cannot open it.
    const QString garbage = dir_.filePath(QStringLiteral("garbage.bin"));
    {
        QFile f(garbage);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'z'));
    }
    QVERIFY(QFile::remove(c));
    QVERIFY(QFile::rename(garbage, c));
    w.importFiles({fixture(QStringLiteral("squid/access.log"))});
    QVERIFY(QTest::qWaitFor([&w] { return !w.isImporting(); }, 30000));
    QVERIFY2(w.tasks()->taskText(1).contains(QStringLiteral("not imported")), qPrintable(w.tasks()->taskText(1)));
    QVERIFY(w.tasks()->taskText(1).contains(QStringLiteral("not an SQLite database")));
    QCOMPARE(w.tasks()->runningCount(), 0);
    auto* box = w.findChild<QMessageBox*>();
    QVERIFY(box);
    QCOMPARE(box->textFormat(), Qt::PlainText);
    box->close();
}

void TestMainWindow::closingDuringImportDoesNotWait() {
    const QString c = dir_.filePath(QStringLiteral("closing.socwb"));
    auto* w = new MainWindow;
    w->show();
    QVERIFY(w->openCase(c));
    QSignalSpy destroyed(w, &QObject::destroyed);
    w->setAttribute(Qt::WA_DeleteOnClose);
    w->importFiles({QStringLiteral(SOCWB_SOURCE_DIR "/sample-data/exercises/1-easy/evidence/access.log.gz")});
    QVERIFY(w->isImporting());
    // Closing returns at once with the window hidden; the import is cancelled and rolled back in
    // its worker, and only then does the window really close.
    QVERIFY(!w->close());
    QVERIFY(!w->isVisible());
    QVERIFY(destroyed.wait(60000));
    auto store = CaseStore::open(c);
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM evidence").value_or(-1), 0);
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM proxy_events").value_or(-1), 0);
}

void TestMainWindow::untrustedTextRendersLiterally() {
    const QString c = dir_.filePath(QStringLiteral("markup.socwb"));
    const QString image = QStringLiteral("C:\\Users\\<b>x</b>\\<img src=x>.exe");
    const QString commandLine = QStringLiteral("<img src=x> -c \"<a href=http://evil.example/>click</a>\" <b>bold</b>");
    const QString url = QStringLiteral("https://pastebin.com/raw/<b>x</b>?q=<img src=x>&r=<a href=http://e/>y</a>");
    {
        auto store = CaseStore::open(c);
        sqlite3* db = store->db();
        execSql(db, "INSERT INTO evidence(id, path, sha256, size, status) VALUES (1, 'p.log', 'x', 1, 'imported')");
        execSql(db, "INSERT INTO hosts(id, name, source) VALUES (1, '<b>WS1</b>', 'asset')");
        execSql(db, "INSERT INTO domains(id, name) VALUES (1, 'pastebin.com')");
        Statement p(db, "INSERT INTO processes(id, host_id, process_guid, image, command_line, known_from) VALUES (1, "
                        "1, '{g}', ?, ?, 'create')");
        p.bind(1, image.toStdString()).bind(2, commandLine.toStdString()).exec();
        Statement e(
            db,
            "INSERT INTO proxy_events(id, evidence_id, line_no, ts_us, host_id, domain_id, method, url, user_agent) "
            "VALUES (1, 1, 1, 1709510400000000, 1, 1, 'GET', ?, '<b>ua</b>')");
        e.bind(1, url.toStdString()).exec();
        FixtureAlert a;
        a.host = QStringLiteral("<b>WS1</b>");
        a.image = image;
        a.process = QStringLiteral("<img src=x>.exe");
        a.hostId = 1;
        a.domainId = 1;
        a.processId = 1;
        a.requests = 1;
        a.firstTs = a.lastTs = 1709510400000000;
        a.proxyIds = {1};
        a.factors = QStringLiteral(R"([{"name":"<b>f</b>","contribution":5,"detail":"<a href=x>sentence</a>"}])");
        insertAlert(db, a);
    }
    MainWindow w;
    w.resize(1366, 768);
    w.show();
    QVERIFY(w.openCase(c));
    AlertTableModel* model = w.alertQueue()->model();
    QVERIFY(QTest::qWaitFor([model] { return model->rowCount() == 1 && model->rowAt(0); }, 10000));
    // In the queue: the text as it came, and a tooltip that shows it (escaped inside rich text).
    QCOMPARE(model->index(0, AlertTableModel::HostColumn).data().toString(), QStringLiteral("<b>WS1</b>"));
    const QString tip = model->index(0, AlertTableModel::ProcessColumn).data(Qt::ToolTipRole).toString();
    QVERIFY(!tip.contains(QLatin1String("<img")));
    QTextDocument doc;
    doc.setHtml(tip);
    QCOMPARE(doc.toPlainText(), image);

    w.alertDetail()->showAlert(model->index(0, 0).data(AlertTableModel::AlertIdRole).toLongLong());
    QVERIFY(QTest::qWaitFor([&w] { return w.alertDetail()->detail().found; }, 10000));
    ChannelRequestModel* requests = w.alertDetail()->requestModel();
    QVERIFY(QTest::qWaitFor([requests] { return requests->rowCount() == 1; }, 10000));
    // Every label in the detail is plain text, and the command line and URL read exactly as logged.
    bool sawCommandLine = false;
    bool sawFactor = false;
    for (QLabel* l : w.alertDetail()->findChildren<QLabel*>()) {
        QVERIFY2(l->textFormat() == Qt::PlainText, qPrintable(l->text()));
        sawCommandLine = sawCommandLine || l->text() == commandLine;
        sawFactor = sawFactor || l->text() == QLatin1String("<a href=x>sentence</a>");
    }
    QVERIFY(sawCommandLine);
    QVERIFY(sawFactor);
    QCOMPARE(requests->index(0, ChannelRequestModel::UrlColumn).data().toString(), url);
    doc.setHtml(requests->index(0, ChannelRequestModel::UrlColumn).data(Qt::ToolTipRole).toString());
    QCOMPARE(doc.toPlainText(), url);
    doc.setHtml(requests->index(0, ChannelRequestModel::UserAgentColumn).data(Qt::ToolTipRole).toString());
    QCOMPARE(doc.toPlainText(), QStringLiteral("<b>ua</b>"));
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

// Opening a case of schema 3 (written by the v3 build) upgrades it in a worker behind a progress
// dialog that names the copy kept beside it; the window then shows the case's rows.
void TestMainWindow::upgradesAnOlderCaseWithProgress() {
    const QString c = dir_.filePath(QStringLiteral("older.socwb"));
    QVERIFY(QFile::copy(fixture(QStringLiteral("cases/v3.socwb")), c));
    QFile::setPermissions(c, QFile::ReadOwner | QFile::WriteOwner);
    struct DialogWatch : QObject {
        QString label;
        QImage image;
        bool eventFilter(QObject* o, QEvent* e) override {
            if (e->type() == QEvent::Show) {
                if (auto* d = qobject_cast<QProgressDialog*>(o); d && label.isEmpty()) {
                    label = d->labelText();
                    image = d->grab().toImage();
                }
            }
            return false;
        }
    } watch;
    qApp->installEventFilter(&watch);
    MainWindow w;
    const bool opened = w.openCase(c);
    qApp->removeEventFilter(&watch);
    QVERIFY(opened);
    QVERIFY2(watch.label.contains(QStringLiteral("older.v3.socwb")), qPrintable(watch.label));
    QVERIFY(!watch.image.isNull());
    if (const QString out = qEnvironmentVariable("SOCWB_SCREENSHOT_DIR"); !out.isEmpty()) {
        watch.image.save(out + QStringLiteral("/upgrade-dialog.png"));
    }
    QVERIFY(QFileInfo::exists(dir_.filePath(QStringLiteral("older.v3.socwb"))));
    QVERIFY2(w.tasks()->taskText(1).contains(QStringLiteral("upgraded from case format 3 to %1; the original is kept "
                                                            "as older.v3.socwb")
                                                 .arg(schema::latestVersion())),
             qPrintable(w.tasks()->taskText(1)));
    auto store = CaseStore::open(c);
    QCOMPARE(store->schemaVersion(), schema::latestVersion());
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM proxy_events").value(), int64_t(44));
}

void TestMainWindow::docksExistForEveryView() {
    MainWindow w;
    const QStringList views = MainWindow::viewNames();
    for (const char* v : {"overview", "alerts", "detail", "import", "intervals", "timeline", "process-tree"}) {
        QVERIFY2(views.contains(QLatin1String(v)), v);
    }
    for (const QString& v : views) {
        QVERIFY2(w.showView(v), qPrintable(v));
        QVERIFY(w.findChild<QDockWidget*>(v));
    }
    QVERIFY(!w.showView(QStringLiteral("no-such-view")));
}

void TestMainWindow::screenshotWritesPng() {
    const QString c = dir_.filePath(QStringLiteral("shot.socwb"));
    const QString png = dir_.filePath(QStringLiteral("shot.png"));
    QProcess p;
    p.start(QStringLiteral(SOCWB_GUI_PATH),
            {c, QStringLiteral("--screenshot"), png, QStringLiteral("--size"), QStringLiteral("1366x768")});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    QImage img(png);
    QVERIFY(!img.isNull());
    QCOMPARE(img.size(), QSize(1366, 768));
    // Not a blank canvas: the window drew text and frames in more than a couple of colours.
    QSet<QRgb> colours;
    for (int y = 0; y < img.height(); y += 7) {
        for (int x = 0; x < img.width(); x += 7) {
            colours.insert(img.pixel(x, y));
        }
    }
    QVERIFY(colours.size() > 10);
    QProcess bad;
    bad.start(QStringLiteral(SOCWB_GUI_PATH),
              {c, QStringLiteral("--screenshot"), png, QStringLiteral("--view"), QStringLiteral("nope")});
    QVERIFY(bad.waitForFinished(60000));
    QCOMPARE(bad.exitCode(), 2);
}

// A case can hold 120k hosts (one per client address): the host table is sorted by its model, in
// SQL, not by a QSortFilterProxyModel on the GUI thread. The view shows the model itself, and the
// rows follow the case's counts whichever header is clicked.
void TestMainWindow::hostTableSortsInTheModel() {
    // Six client addresses; the busiest is not the first by name.
    const QList<QPair<QString, int>> clients{{QStringLiteral("10.7.0.1"), 3}, {QStringLiteral("10.7.0.2"), 6},
                                             {QStringLiteral("10.7.0.3"), 1}, {QStringLiteral("10.7.0.4"), 5},
                                             {QStringLiteral("10.7.0.5"), 2}, {QStringLiteral("10.7.0.6"), 4}};
    const QString c = dir_.filePath(QStringLiteral("hosts.socwb"));
    auto store = CaseStore::open(c);
    const ImportResult r =
        importInto(*store, writeSquidLog(dir_.filePath(QStringLiteral("hosts.log")), clients), QStringLiteral("squid"));
    QCOMPARE(r.accepted, int64_t(21));
    CaseOverviewWidget overview;
    overview.resize(1400, 700);
    overview.show();
    QVERIFY(QTest::qWaitForWindowExposed(&overview));
    overview.setSummary(c, summarize(store->db()));
    HostTableModel* model = overview.hostModel();
    QTableView* view = viewOf(&overview, model);
    QVERIFY(view);
    QCOMPARE(view->model(), static_cast<QAbstractItemModel*>(model));
    QVERIFY(overview.findChildren<QSortFilterProxyModel*>().isEmpty());
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QHeaderView* header = view->horizontalHeader();
    auto click = [header](int section) {
        const int x = header->sectionViewportPosition(section) + header->sectionSize(section) / 2;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    };

    // Busiest first.
    QCOMPARE(header->sortIndicatorSection(), int(HostTableModel::ProxyColumn));
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    QTRY_COMPARE(columnOf(view->model(), HostTableModel::NameColumn),
                 (QStringList{"10.7.0.2", "10.7.0.4", "10.7.0.6", "10.7.0.1", "10.7.0.5", "10.7.0.3"}));
    QCOMPARE(columnOf(view->model(), HostTableModel::ProxyColumn), (QStringList{"6", "5", "4", "3", "2", "1"}));
    // The same header again: fewest first.
    click(HostTableModel::ProxyColumn);
    QCOMPARE(header->sortIndicatorOrder(), Qt::AscendingOrder);
    QTRY_COMPARE(columnOf(view->model(), HostTableModel::ProxyColumn), (QStringList{"1", "2", "3", "4", "5", "6"}));
    QCOMPARE(columnOf(view->model(), HostTableModel::NameColumn),
             (QStringList{"10.7.0.3", "10.7.0.5", "10.7.0.1", "10.7.0.6", "10.7.0.4", "10.7.0.2"}));
    // By name.
    click(HostTableModel::NameColumn);
    QCOMPARE(header->sortIndicatorSection(), int(HostTableModel::NameColumn));
    QCOMPARE(header->sortIndicatorOrder(), Qt::AscendingOrder);
    QTRY_COMPARE(columnOf(view->model(), HostTableModel::NameColumn),
                 (QStringList{"10.7.0.1", "10.7.0.2", "10.7.0.3", "10.7.0.4", "10.7.0.5", "10.7.0.6"}));
    QCOMPARE(columnOf(view->model(), HostTableModel::ProxyColumn), (QStringList{"3", "6", "1", "5", "2", "4"}));
}

// The arrow of a sorted column points the way the values run down the table: down while the
// largest come first (the host table's Proxy column, the queue's score), up while the smallest do.
// Qt's own header draws it the other way round on Linux.
void TestMainWindow::sortArrowsPointTheWayRowsRun() {
    CaseOverviewWidget overview;
    overview.resize(1400, 700);
    overview.show();
    AlertQueueDock queue;
    queue.resize(1400, 500);
    queue.show();
    QVERIFY(QTest::qWaitForWindowExposed(&overview) && QTest::qWaitForWindowExposed(&queue));
    for (QTableView* view : {viewOf(&overview, overview.hostModel()), queue.view()}) {
        QVERIFY(view);
        QHeaderView* header = view->horizontalHeader();
        const int section = header->sortIndicatorSection();
        QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
        const int x0 = header->sectionViewportPosition(section);
        const int x1 = x0 + header->sectionSize(section);
        QVERIFY2(x0 >= 0 && x1 <= header->width(), "the sorted column must be in view");
        const QImage descending = renderSorted(header, section, Qt::DescendingOrder);
        const QImage ascending = renderSorted(header, section, Qt::AscendingOrder);
        QCOMPARE(arrowDirection(descending, ascending, x0, x1), 1);
        QCOMPARE(arrowDirection(ascending, descending, x0, x1), -1);
    }
}

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
