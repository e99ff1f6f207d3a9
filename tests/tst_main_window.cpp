// The GUI on the offscreen platform, driven like an analyst would: a case opens and its explorer
// shows the evidence; a file dropped on the window goes through the preview into the case; the
// queue fills, filters from the keyboard, takes verdicts from the number keys (a benign one only
// with a justification) and the audit log shows them; untrusted text stays text; --screenshot works.
#include "alert_detail_widget.h"
#include "alert_fixture.h"
#include "alert_queue_dock.h"
#include "archive_writer.h"
#include "audit_log_dialog.h"
#include "case_overview_widget.h"
#include "current_case.h"
#include "elide_delegate.h"
#include "fold_area.h"
#include "host_timeline_widget.h"
#include "import_preview_dialog.h"
#include "interval_charts_widget.h"
#include "justification_dialog.h"
#include "main_window.h"
#include "process_tree_widget.h"
#include "rejected_lines_dialog.h"
#include "scoring/scoring_engine.h"
#include "scoring/suppression_store.h"
#include "store/case_store.h"
#include "store/case_summary.h"
#include "store/schema.h"
#include "store/statement.h"
#include "suppress_similar_dialog.h"
#include "suppression_dialog.h"
#include "tables/alert_table_model.h"
#include "tables/audit_log_model.h"
#include "tables/channel_request_model.h"
#include "tables/evidence_table_model.h"
#include "tables/host_table_model.h"
#include "tables/plain_text.h"
#include "tables/process_tree_model.h"
#include "tables/timeline_event_model.h"
#include "task_panel.h"
#include "test_paths.h"
#include "triage/triage_store.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFrame>
#include <QHeaderView>
#include <QImage>
#include <QInputDialog>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QMap>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProcess>
#include <QProgressDialog>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabBar>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>
#include <QTimeZone>
#include <QTimer>
#include <QToolButton>

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

// The window's action with this menu text (mnemonic '&' included), or null.
QAction* actionNamed(const QWidget& w, const QString& text) {
    for (QAction* a : w.findChildren<QAction*>()) {
        if (a->text() == text) {
            return a;
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

// The window at 1366x768 on case C.
bool showCase(MainWindow& w, const QString& c) {
    w.resize(1366, 768);
    w.show();
    return QTest::qWaitForWindowExposed(&w) && w.openCase(c);
}

// The queue has counted its rows and loaded the first N of them (a scored sample case: 20 s at most).
bool queueHoldsRows(AlertTableModel* model, int n) {
    return QTest::qWaitFor([model, n] { return !model->isCounting() && model->rowCount() >= n && model->rowAt(n - 1); },
                           20000);
}

// Answers every modal message box with BUTTON and keeps what each said.
class BoxAnswerer : public QObject {
  public:
    explicit BoxAnswerer(QMessageBox::StandardButton button) : button_(button) {
        timer_.setInterval(50);
        QObject::connect(&timer_, &QTimer::timeout, this, [this] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                said << box->text();
                if (QAbstractButton* b = box->button(button_)) {
                    b->click();
                } else {
                    box->reject();
                }
            }
        });
        timer_.start();
    }
    QStringList said;

  private:
    QMessageBox::StandardButton button_;
    QTimer timer_;
};

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
  private slots:
    void opensCaseAndShowsEvidence();
    void dropFilterTriageAudit();
    void closingDuringImportDoesNotWait();
    void previewAsksTheZoneOfLocalTimeLogs();
    void previewCountsArchiveMembersAsFiles();
    void bulkStatusOnASelection();
    void verdictFollowsTheChannelThroughARescore();
    void bulkStatusOverPagesNotLoaded();
    void invisibleCharactersAreShown();
    void overrideBannerSaysWhatTheCaseOverrides();
    void openingAnotherCaseWhileScoringAsks();
    void quitLeavesEverythingInTheCaseFile();
    void suppressSimilarAsksWhereWithCounts();
    void enterInTheFilterKeepsTheFocus();
    void backAndForwardFollowTheSelection();
    void anotherCaseResetsEveryView();
    void ctrlZUndoesTriageAndSuppressions();
    void importIntoACaseThatWentBadIsReported();
    void untrustedTextRendersLiterally();
    void refusesNonCaseWithDialog();
    void upgradesAnOlderCaseWithProgress();
    void docksExistForEveryView();
    void hostTableSortsInTheModel();
    void sortArrowsPointTheWayRowsRun();
    void screenshotWritesPng();
    void detailTimeColumnsFitTheirText();
    void queueShowsRolesAndServicesWhole();
    void narrowDetailStacksItsReasons();
    void filterThatHidesTheCurrentAlertSaysSo();
    void siemRowHasNoViewsToOpen();
    void detailSaysWhoTriagedAndWhy();
    void detailKeepsItsReasonsBesideAView();
    void countsOfOneAreSingular();
    void saveDialogsStartBesideTheCase();
    void taskPanelKnowsEarlierImports();
    void caseActionsWaitForACase();
    void previewSaysWhenNothingWouldBeImported();
    void taskDockWaitsWhileInUse();

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
    // Rows as tall as the queue's (the style's default showed nine hosts at 1366x768).
    for (QTableView* view : {hosts, table}) {
        QCOMPARE(view->verticalHeader()->defaultSectionSize(),
                 w.alertQueue()->view()->verticalHeader()->defaultSectionSize());
    }
    // A double-click on a host shows its alerts, as the host's menu does (it did nothing).
    w.resize(1366, 768);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QModelIndex busiest = hosts->model()->index(0, HostTableModel::ProxyColumn);
    hosts->scrollTo(busiest);
    // QTest's double click is its second click: the item view wants the first one's press too.
    QTest::mouseClick(hosts->viewport(), Qt::LeftButton, {}, hosts->visualRect(busiest).center());
    QTest::mouseDClick(hosts->viewport(), Qt::LeftButton, {}, hosts->visualRect(busiest).center());
    QCOMPARE(w.alertQueue()->filterEdit()->text(), QStringLiteral("host:\"10.1.2.3\""));
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
    QVERIFY(showCase(w, c));
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
    QVERIFY(queue->filterEdit()->hasFocus()); // Enter applied it; Down goes on to the queue
    QTest::keyClick(queue->filterEdit(), Qt::Key_Down);
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

// An archive's members are the files it brings: the summary counts them, not the archive row
// (before: "5 file(s) to import" for one log and an archive of three members).
void TestMainWindow::previewCountsArchiveMembersAsFiles() {
    QFile in(fixture(QStringLiteral("squid/access.log")));
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QByteArray squid = in.readAll();
    const QString zip = dir_.filePath(QStringLiteral("collection.zip"));
    QFile out(zip);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(writeArchive("zip", "none",
                           {{QStringLiteral("proxy/access.log"), squid},
                            {QStringLiteral("proxy/access.log.1.gz"), compressed("gzip", squid)},
                            {QStringLiteral("core.bin"), QByteArray(4096, '\x01')}}));
    out.close();
    ImportPreviewDialog preview({zip, fixture(QStringLiteral("squid/access.log"))}, QString());
    QVERIFY(QTest::qWaitFor([&preview] { return preview.isReady(); }, 10000));
    QCOMPARE(preview.table()->rowCount(), 5); // the log, the archive and its three members
    QString summary;
    for (auto* l : preview.findChildren<QLabel*>()) {
        summary = l->text().contains(QStringLiteral("to import")) ? l->text() : summary;
    }
    QCOMPARE(summary, QStringLiteral("4 files to import (3 members in 1 archive). Nothing is written until "
                                     "you press Import. 1 file matched no format: choose one or leave it out."));
}

// Issue 28 item 7: the zone of a local-time log is asked, never preset. Dropped on the window, a
// Windows DNS debug log gets a zone column with nothing selected (the machine's zone offered
// first) and Import stays disabled until one is chosen; the choice is stored with the evidence
// row, converts its times and shows in the evidence table; the next preview of the case offers it
// again without selecting it. Before: the drop-down was preset (UTC or the last zone) and Import
// was enabled at once.
void TestMainWindow::previewAsksTheZoneOfLocalTimeLogs() {
    const QString c = dir_.filePath(QStringLiteral("zones.socwb"));
    MainWindow w;
    QVERIFY(showCase(w, c));
    auto drop = [&w](const QStringList& files) {
        QMimeData mime;
        QList<QUrl> urls;
        for (const QString& f : files) {
            urls << QUrl::fromLocalFile(f);
        }
        mime.setUrls(urls);
        QDragEnterEvent enter(QPoint(200, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &enter);
        QDropEvent event(QPointF(200, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &event);
    };
    drop({fixture(QStringLiteral("windows-dns/dns.log")), fixture(QStringLiteral("squid/access.log"))});
    auto* preview = w.findChild<ImportPreviewDialog*>();
    QVERIFY(preview);
    QVERIFY(QTest::qWaitFor([preview] { return preview->isReady(); }, 10000));
    QCOMPARE(preview->table()->rowCount(), 2);
    // Sorted by path: squid/ comes before windows-dns/.
    auto cell = [](ImportPreviewDialog* d, int row, int column) {
        return qobject_cast<QComboBox*>(d->table()->cellWidget(row, column));
    };
    QCOMPARE(cell(preview, 0, ImportPreviewDialog::FormatColumn)->currentData().toString(), QStringLiteral("squid"));
    QVERIFY(!cell(preview, 0, ImportPreviewDialog::TimeZoneColumn)->isEnabled()); // Squid logs epoch seconds
    QCOMPARE(cell(preview, 1, ImportPreviewDialog::FormatColumn)->currentData().toString(),
             QStringLiteral("windows-dns"));
    QComboBox* zone = cell(preview, 1, ImportPreviewDialog::TimeZoneColumn);
    QVERIFY(zone->isEnabled());         // the server's local time: the analyst says which
    QCOMPARE(zone->currentIndex(), -1); // ... and nothing is chosen for them
    QCOMPARE(zone->currentText(), QString());
    QCOMPARE(zone->placeholderText(), QStringLiteral("Choose the zone\u2026"));
    const QString machine = QString::fromLatin1(QTimeZone::systemTimeZoneId());
    QCOMPARE(zone->itemData(0).toString(), machine); // offered first
    QCOMPARE(zone->itemText(0), QStringLiteral("%1 (this computer)").arg(machine));
    QCOMPARE(preview->rowsWithoutZone(), 1);
    QVERIFY(!preview->importButton()->isEnabled());
    QVERIFY(!preview->importButton()->isDefault());
    QLabel* summary = nullptr;
    for (auto* l : preview->findChildren<QLabel*>()) {
        summary = l->text().contains(QStringLiteral("local time")) ? l : summary;
    }
    QVERIFY(summary);
    QVERIFY2(summary->text().endsWith(QStringLiteral(
                 "1 file logs the server's local time: choose its zone (Time zone column) before importing.")),
             qPrintable(summary->text()));
    // Enter does not import either.
    QTest::keyClick(preview, Qt::Key_Return);
    QVERIFY(preview->isVisible());
    {
        auto store = CaseStore::open(c);
        QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM evidence").value_or(-1), 0);
    }
    // The analyst picks the server's zone: Import is enabled.
    const QString kolkata = QStringLiteral("Asia/Kolkata"); // UTC+05:30 all year: no DST ambiguity
    QVERIFY(machine != kolkata);
    zone->setCurrentIndex(zone->findData(kolkata));
    QCOMPARE(preview->rowsWithoutZone(), 0);
    QVERIFY(preview->importButton()->isEnabled());
    QSignalSpy imported(&w, &MainWindow::importsFinished);
    QTest::mouseClick(preview->importButton(), Qt::LeftButton);
    QVERIFY(imported.wait(60000));
    QCOMPARE(w.caseTimeZone(), kolkata); // remembered for this case
    {
        auto store = CaseStore::open(c);
        Statement st(store->db(), "SELECT format, source_tz FROM evidence ORDER BY format");
        QVERIFY(st.step());
        QCOMPARE(QString::fromStdString(st.text(0)), QStringLiteral("squid"));
        QCOMPARE(QString::fromStdString(st.text(1)), QStringLiteral("UTC"));
        QVERIFY(st.step());
        QCOMPARE(QString::fromStdString(st.text(0)), QStringLiteral("windows-dns"));
        QCOMPARE(QString::fromStdString(st.text(1)), kolkata);
        // Line 32, "3/1/2024 2:05:11 PM" in Kolkata, is 08:35:11 UTC.
        QCOMPARE(queryInt(store->db(), "SELECT ts_us FROM dns_events WHERE line_no = 32").value_or(-1),
                 1709282111000000LL);
        // Line 41, "3/1/2024 12:30:00 AM" in Kolkata, is 19:00 UTC the day before.
        QCOMPARE(queryInt(store->db(), "SELECT ts_us FROM dns_events WHERE line_no = 41").value_or(-1),
                 1709233200000000LL);
    }
    // The evidence table says which zone each file was read in.
    QTableView* table = viewOf(w.overview(), w.overview()->evidenceModel());
    QVERIFY(table);
    QTRY_COMPARE(table->model()->rowCount(), 2);
    QMap<QString, QString> zones;
    for (int r = 0; r < 2; ++r) {
        zones.insert(table->model()->index(r, EvidenceTableModel::FormatColumn).data().toString(),
                     table->model()->index(r, EvidenceTableModel::TimeZoneColumn).data().toString());
    }
    QCOMPARE(zones.value(QStringLiteral("windows-dns")), kolkata);
    QCOMPARE(zones.value(QStringLiteral("squid")), QStringLiteral("UTC"));
    QCOMPARE(table->model()->headerData(EvidenceTableModel::TimeZoneColumn, Qt::Horizontal).toString(),
             QStringLiteral("Time zone"));
    QVERIFY(!table->isColumnHidden(EvidenceTableModel::TimeZoneColumn));

    // The next preview of this case offers the zone chosen before, second, and selects nothing.
    QTRY_VERIFY(w.findChild<ImportPreviewDialog*>() == nullptr); // closed and deleted by Import
    w.previewImport({fixture(QStringLiteral("windows-dns/dns.log"))});
    auto* again = w.findChild<ImportPreviewDialog*>();
    QVERIFY(again);
    QVERIFY(QTest::qWaitFor([again] { return again->isReady(); }, 10000));
    QComboBox* zone2 = cell(again, 0, ImportPreviewDialog::TimeZoneColumn);
    QCOMPARE(zone2->currentIndex(), -1);
    QCOMPARE(zone2->itemData(1).toString(), kolkata);
    QCOMPARE(zone2->itemText(1), QStringLiteral("Asia/Kolkata (chosen before in this case)"));
    QVERIFY(!again->importButton()->isEnabled());
    again->reject();
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

// Issue 18: select a channel, a re-score moves the rows (a channel above it suppressed), press 3:
// the verdict lands on the channel selected, not on whatever moved into its row.
void TestMainWindow::verdictFollowsTheChannelThroughARescore() {
    const QString c = scoredSampleCase(dir_.filePath(QStringLiteral("follow.socwb")));
    QVERIFY(!c.isEmpty());
    MainWindow w;
    QVERIFY(showCase(w, c));
    AlertTableModel* model = w.alertQueue()->model();
    QVERIFY(queueHoldsRows(model, 9));
    QTableView* view = w.alertQueue()->view();
    w.activateWindow();
    view->setFocus();
    view->setCurrentIndex(model->index(5, AlertTableModel::HostColumn));
    const QString chosen = model->rowAt(5)->channelKey;
    const AlertRow top = *model->rowAt(0);
    QCOMPARE(w.alertQueue()->selectedChannelKeys(), QStringList{chosen});

    // The top channel suppressed (this host, process and destination only) and a re-score.
    {
        auto store = CaseStore::open(c);
        scoring::SuppressionRule rule;
        rule.host = top.host;
        rule.process = top.processImage.isEmpty() ? top.processName : top.processImage;
        rule.destination = top.destination;
        rule.reason = QStringLiteral("test: move the rows");
        scoring::addSuppression(*store, rule);
    }
    QSignalSpy scored(&w, &MainWindow::scoringFinished);
    w.scoreCase(ScoreMode::Rescore);
    QVERIFY(scored.wait(30000));
    QVERIFY(QTest::qWaitFor(
        [&] { return !model->isCounting() && model->rowAt(5) && model->rowAt(5)->channelKey != chosen; }, 10000));
    const QString movedIn = model->rowAt(5)->channelKey;
    QVERIFY(movedIn != chosen);

    QTest::keyClick(view, Qt::Key_3);
    auto store = CaseStore::open(c);
    auto statusOf = [&](const QString& key) {
        Statement st(store->db(), "SELECT status FROM triage WHERE channel_key = ?");
        st.bind(1, key.toStdString());
        return st.step() ? QString::fromStdString(st.text(0)) : QStringLiteral("new");
    };
    QCOMPARE(statusOf(chosen), QStringLiteral("malicious"));
    QCOMPARE(statusOf(movedIn), QStringLiteral("new"));
    // The selection moved with its channel: its row shows the verdict.
    const int row = model->loadedRowOf(chosen);
    QVERIFY(row >= 0);
    QVERIFY(view->selectionModel()->isRowSelected(row, {}));
    QVERIFY(!view->selectionModel()->isRowSelected(5, {}) || row == 5);
}

// Issue 18: Ctrl+A over a queue of which only the first page is loaded; "1" puts every channel in
// review, not only the rows that happened to be loaded.
void TestMainWindow::bulkStatusOverPagesNotLoaded() {
    const QString c = dir_.filePath(QStringLiteral("bulk-pages.socwb"));
    const int n = 3 * AlertTableModel::kPageSize + 17;
    {
        auto store = CaseStore::open(c);
        insertSyntheticAlerts(store->db(), n);
    }
    MainWindow w;
    QVERIFY(showCase(w, c));
    AlertTableModel* model = w.alertQueue()->model();
    QVERIFY(QTest::qWaitFor([&] { return !model->isCounting() && model->rowCount() == n && model->rowAt(0); }, 10000));
    QTableView* view = w.alertQueue()->view();
    w.activateWindow();
    view->setFocus();
    QTest::keyClick(view, Qt::Key_A, Qt::ControlModifier);
    QCOMPARE(w.alertQueue()->selectedChannelKeys().size(), n);
    {
        // More than 20 channels: asked first (issue 28); "No" changes nothing.
        BoxAnswerer no(QMessageBox::No);
        QTest::keyClick(view, Qt::Key_1);
        QCOMPARE(no.said.size(), 1);
        QVERIFY2(no.said.first().contains(QStringLiteral("%1 selected channels").arg(n)), qPrintable(no.said.first()));
        auto store = CaseStore::open(c);
        QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM triage").value_or(-1), 0);
    }
    BoxAnswerer yes(QMessageBox::Yes);
    QTest::keyClick(view, Qt::Key_1);
    QCOMPARE(yes.said.size(), 1);
    auto store = CaseStore::open(c);
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM triage WHERE status = 'in-review'").value_or(-1), qint64(n));
}

// Issue 18: a bidi override (U+202E) makes "gpj.exe" read as "exe.jpg"; a zero-width space hides in a
// host name; an ESC would reach the terminal; "=cmd" would run in a spreadsheet. The queue, the
// detail, the CLI's table and its CSV show marks instead, and the CSV defuses the formula.
void TestMainWindow::invisibleCharactersAreShown() {
    const QString c = dir_.filePath(QStringLiteral("invisible.socwb"));
    const QString rlo = QString(QChar(0x202E));
    {
        auto store = CaseStore::open(c);
        FixtureAlert a;
        a.host = QStringLiteral("WS") + QChar(0x200B) + QStringLiteral("01");
        a.process = QStringLiteral("invoice") + rlo + QStringLiteral("gpj.exe");
        a.image = QStringLiteral("C:\\Users\\x\\") + a.process;
        a.destination = QStringLiteral("=cmd|' /C calc'!A0.example");
        a.service = QStringLiteral("x") + QChar(0x1B) + QStringLiteral("]0;owned") + QChar(0x07);
        a.score = 90;
        insertAlert(store->db(), a);
    }
    MainWindow w;
    QVERIFY(showCase(w, c));
    AlertTableModel* model = w.alertQueue()->model();
    QVERIFY(QTest::qWaitFor([model] { return !model->isCounting() && model->rowAt(0); }, 10000));
    const QString host = model->index(0, AlertTableModel::HostColumn).data().toString();
    const QString process = model->index(0, AlertTableModel::ProcessColumn).data().toString();
    QCOMPARE(host, QStringLiteral("WS\u27e8U+200B\u27e901"));
    QCOMPARE(process, QStringLiteral("invoice\u27e8U+202E\u27e9gpj.exe"));
    QVERIFY(!model->index(0, AlertTableModel::ServiceColumn).data().toString().contains(QChar(0x1B)));
    // The key the triage is written under stays the evidence's own.
    QVERIFY(model->rowAt(0)->channelKey.contains(rlo));

    const qint64 id = model->rowAt(0)->id;
    w.alertQueue()->view()->setCurrentIndex(model->index(0, AlertTableModel::HostColumn));
    emit w.alertQueue()->alertActivated(id);
    QVERIFY(QTest::qWaitFor([&] { return w.alertDetail()->detail().row.id == id; }, 10000));
    QStringList shown;
    for (auto* l : w.alertDetail()->findChildren<QLabel*>()) {
        shown << l->text();
    }
    QVERIFY2(shown.join(QLatin1Char('\n')).contains(QStringLiteral("invoice\u27e8U+202E\u27e9gpj.exe")),
             qPrintable(shown.join(QLatin1Char('\n'))));
    for (auto* l : w.alertDetail()->findChildren<QLabel*>()) {
        QVERIFY2(!l->text().contains(rlo) && !l->text().contains(QChar(0x200B)), qPrintable(l->text()));
    }

    for (const QString& format : {QStringLiteral("table"), QStringLiteral("csv")}) {
        const CliRun r = runCli({QStringLiteral("alerts"), c, QStringLiteral("--format"), format});
        QCOMPARE(r.exitCode, 0);
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(out.contains(QStringLiteral("invoice\u27e8U+202E\u27e9gpj.exe")), qPrintable(out));
        QVERIFY2(!out.contains(rlo) && !out.contains(QChar(0x200B)) && !out.contains(QChar(0x1B)), qPrintable(out));
        if (format == QLatin1String("csv")) {
            QVERIFY2(out.contains(QLatin1String("'=cmd")), qPrintable(out));
        }
    }
}

// Issue 18: a case that carries its own scoring settings says so — a banner over the queue naming
// what it overrides, with View and Drop; socwb-cli says the same line on alerts and score.
void TestMainWindow::overrideBannerSaysWhatTheCaseOverrides() {
    const QString c = dir_.filePath(QStringLiteral("override.socwb"));
    {
        auto store = CaseStore::open(c);
        insertSyntheticAlerts(store->db(), 5);
        execSql(store->db(), "INSERT INTO case_meta(key, value) VALUES ('scoring.yaml', "
                             "'weights:\n  periodicity: 0\n  one_way: 0\nbrowsers: [chrome.exe, curl.exe]\n')");
    }
    MainWindow w;
    QVERIFY(showCase(w, c));
    auto* banner = w.findChild<QFrame*>(QStringLiteral("overrideBanner"));
    QVERIFY(banner);
    QVERIFY(banner->isVisible());
    QString text;
    for (auto* l : banner->findChildren<QLabel*>()) {
        text += l->text();
    }
    QVERIFY2(text.contains(QLatin1String("weights.periodicity = 0")) &&
                 text.contains(QLatin1String("weights.one_way = 0")) &&
                 text.contains(QLatin1String("browsers (a list of 2)")),
             qPrintable(text));
    const CliRun r = runCli({QStringLiteral("alerts"), c});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(QString::fromUtf8(r.err).contains(text), r.err.constData());

    // Drop: asked, removed, audited, the banner goes.
    BoxAnswerer yes(QMessageBox::Yes);
    QPushButton* drop = nullptr;
    for (auto* b : banner->findChildren<QPushButton*>()) {
        if (b->text().startsWith(QLatin1String("Drop"))) {
            drop = b;
        }
    }
    QVERIFY(drop);
    drop->click();
    QVERIFY(!yes.said.isEmpty());
    QVERIFY(!banner->isVisible());
    auto store = CaseStore::open(c);
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM case_meta WHERE key = 'scoring.yaml'").value_or(-1), 0);
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM audit_log WHERE action = 'scoring.config'").value_or(-1), 1);
}

// Issue 18: opening another case while a scoring pass runs asks first; "No" keeps the case, "Yes"
// stops the pass, and nothing of it reaches the new case.
void TestMainWindow::openingAnotherCaseWhileScoringAsks() {
    const QString first = scoredSampleCase(dir_.filePath(QStringLiteral("scoring-first.socwb")));
    QVERIFY(!first.isEmpty());
    const QString second = dir_.filePath(QStringLiteral("scoring-second.socwb"));
    MainWindow w;
    QVERIFY(w.openCase(first));
    QSignalSpy scored(&w, &MainWindow::scoringFinished);
    {
        w.scoreCase(ScoreMode::Full);
        QVERIFY(w.isScoring());
        BoxAnswerer no(QMessageBox::No);
        QVERIFY(!w.openCase(second));
        QCOMPARE(no.said.size(), 1);
        QVERIFY2(no.said.first().contains(QLatin1String("scoring-first.socwb is being scored")),
                 qPrintable(no.said.first()));
        QCOMPARE(w.caseStore()->path(), first);
    }
    QVERIFY(scored.count() == 1 || scored.wait(60000)); // the pass it kept ends in its own case
    scored.clear();
    w.scoreCase(ScoreMode::Full);
    QVERIFY(w.isScoring());
    {
        BoxAnswerer yes(QMessageBox::Yes);
        QVERIFY(w.openCase(second));
        QCOMPARE(yes.said.size(), 1);
    }
    QCOMPARE(w.caseStore()->path(), second);
    QVERIFY(!w.isScoring());
    QTest::qWait(300);
    QCOMPARE(scored.count(), 0); // nothing of the old pass arrives in the new case
    QCOMPARE(w.tasks()->runningCount(), 0);
}

// Issue 28, item 4: after Quit the .socwb file alone — what an analyst mails to a colleague — holds
// every verdict, note and suppression (the window checkpoints the WAL into it when it closes).
void TestMainWindow::quitLeavesEverythingInTheCaseFile() {
    const QString c = dir_.filePath(QStringLiteral("quit.socwb"));
    {
        auto store = CaseStore::open(c);
        insertSyntheticAlerts(store->db(), 10);
    }
    MainWindow w;
    QVERIFY(showCase(w, c));
    AlertTableModel* model = w.alertQueue()->model();
    QVERIFY(QTest::qWaitFor([model] { return !model->isCounting() && model->rowAt(9); }, 10000));
    QTableView* view = w.alertQueue()->view();
    w.activateWindow();
    view->setFocus();
    view->setCurrentIndex(model->index(0, AlertTableModel::HostColumn));
    const QString first = model->rowAt(0)->channelKey;
    QTest::keyClick(view, Qt::Key_3);
    view->setCurrentIndex(model->index(1, AlertTableModel::HostColumn));
    const QString second = model->rowAt(1)->channelKey;
    QTimer::singleShot(200, [] {
        if (auto* d = qobject_cast<JustificationDialog*>(QApplication::activeModalWidget())) {
            d->setText(QStringLiteral("seen on the proxy too"));
            d->accept();
        }
    });
    QVERIFY(w.alertQueue()->addNoteToSelection());
    {
        auto store = CaseStore::open(c);
        scoring::SuppressionRule rule;
        rule.destination = QStringLiteral("quit-test.example");
        rule.reason = QStringLiteral("lab traffic");
        scoring::addSuppression(*store, rule);
    }
    QSignalSpy closed(&w, &MainWindow::closed);
    QVERIFY(w.close());
    QCOMPARE(closed.count(), 1);
    // The case file alone, copied while the window object still exists (the process has not ended).
    const QString copy = dir_.filePath(QStringLiteral("mailed/quit.socwb"));
    QVERIFY(QDir().mkpath(QFileInfo(copy).path()));
    QVERIFY(QFile::copy(c, copy));
    auto store = CaseStore::open(copy);
    Statement st(store->db(), "SELECT channel_key, status, coalesce(note, '') FROM triage ORDER BY channel_key");
    QMap<QString, QPair<QString, QString>> triage;
    while (st.step()) {
        triage.insert(QString::fromStdString(st.text(0)),
                      {QString::fromStdString(st.text(1)), QString::fromStdString(st.text(2))});
    }
    QCOMPARE(triage.value(first).first, QStringLiteral("malicious"));
    QCOMPARE(triage.value(second).second, QStringLiteral("seen on the proxy too"));
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM suppressions WHERE reason = 'lab traffic'").value_or(-1), 1);
}

// Issue 18: "s" asks where — this host, this role, every host — with how many channels each would
// hide and how many are above medium; the rule written is the one chosen (here: this host only, so
// an implant's PowerShell on another workstation polling the same site stays in the queue).
void TestMainWindow::suppressSimilarAsksWhereWithCounts() {
    const QString c = dir_.filePath(QStringLiteral("scope.socwb"));
    {
        auto store = CaseStore::open(c);
        auto add = [&](const char* host, const char* role, const char* process, double score, const char* severity) {
            FixtureAlert a;
            a.host = QString::fromLatin1(host);
            a.role = QString::fromLatin1(role);
            a.process = QString::fromLatin1(process);
            a.image = QStringLiteral("C:\\x\\") + a.process;
            a.destination = QStringLiteral("raw.githubusercontent.com");
            a.score = score;
            a.severity = QString::fromLatin1(severity);
            insertAlert(store->db(), a);
        };
        add("IT-WS01", "workstation", "powershell.exe", 95, "critical"); // IT's sync, the top row
        add("WS02", "workstation", "powershell.exe", 80, "high");        // an implant, same site
        add("SRV1", "server", "powershell.exe", 70, "high");
        add("WS03", "workstation", "git.exe", 40, "medium"); // another process: never matched
    }
    MainWindow w;
    QVERIFY(showCase(w, c));
    AlertTableModel* model = w.alertQueue()->model();
    QVERIFY(QTest::qWaitFor([model] { return !model->isCounting() && model->rowAt(3); }, 10000));
    QTableView* view = w.alertQueue()->view();
    w.activateWindow();
    view->setFocus();
    view->setCurrentIndex(model->index(0, AlertTableModel::HostColumn));
    QCOMPARE(model->rowAt(0)->host, QStringLiteral("IT-WS01"));
    QStringList texts;
    bool asked = false;
    QTimer::singleShot(300, [&] {
        auto* d = qobject_cast<SuppressSimilarDialog*>(QApplication::activeModalWidget());
        if (!d) {
            if (auto* other = qobject_cast<QDialog*>(QApplication::activeModalWidget())) {
                other->reject();
            }
            return;
        }
        asked = true;
        for (auto scope :
             {scoring::SuppressScope::Host, scoring::SuppressScope::Role, scoring::SuppressScope::Everywhere}) {
            texts << d->scopeText(scope);
        }
        auto* ok = d->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        const bool enabledWithoutReason = ok->isEnabled();
        d->setReason(QStringLiteral("IT's script sync"));
        if (!enabledWithoutReason && ok->isEnabled()) {
            ok->click();
        } else {
            d->reject();
        }
    });
    QTest::keyClick(view, Qt::Key_S);
    QVERIFY(asked);
    QCOMPARE(texts.size(), 3);
    QVERIFY2(texts[0].contains(QLatin1String("IT-WS01")) && texts[0].contains(QLatin1String("hides 1 channel")) &&
                 texts[0].contains(QLatin1String("1 above medium")),
             qPrintable(texts[0]));
    QVERIFY2(texts[1].contains(QLatin1String("workstation")) && texts[1].contains(QLatin1String("hides 2 channel")) &&
                 texts[1].contains(QLatin1String("2 above medium")),
             qPrintable(texts[1]));
    QVERIFY2(texts[2].contains(QLatin1String("hides 3 channel")) && texts[2].contains(QLatin1String("3 above medium")),
             qPrintable(texts[2]));
    auto store = CaseStore::open(c);
    const auto rules = scoring::listSuppressions(store->db());
    QCOMPARE(rules.size(), 1);
    QCOMPARE(rules.first().host, QStringLiteral("IT-WS01"));
    QCOMPARE(rules.first().process, QStringLiteral("powershell.exe"));
    QCOMPARE(rules.first().destination, QStringLiteral("raw.githubusercontent.com"));
    QCOMPARE(rules.first().reason, QStringLiteral("IT's script sync"));
}

// Issue 28, item 10: the case file replaced with garbage under the window, then an import. It
// was flaky (once "imported as squid: 4 records"): whichever of the import's connection and the
// file watcher's timer came first decided. Now the window checks the files before it imports:
// nothing runs, the window stops writing and says the file was replaced — every time.
// Issue 28, item 6: Enter in the filter applies it and keeps the focus there, so letters typed next
// are filter text, not commands on the queue ("t" tagged channels, "s" opened Suppress similar).
void TestMainWindow::enterInTheFilterKeepsTheFocus() {
    const QString c = dir_.filePath(QStringLiteral("focus.socwb"));
    {
        auto store = CaseStore::open(c);
        insertSyntheticAlerts(store->db(), 10);
    }
    MainWindow w;
    QVERIFY(showCase(w, c));
    AlertTableModel* model = w.alertQueue()->model();
    QVERIFY(QTest::qWaitFor([model] { return !model->isCounting() && model->rowAt(0); }, 10000));
    w.activateWindow();
    QLineEdit* filter = w.alertQueue()->filterEdit();
    w.alertQueue()->focusFilter();
    QVERIFY(QTest::qWaitFor([filter] { return filter->hasFocus(); }, 2000));
    QStringList dialogs; // anything modal that opens is a command that ran
    QTimer closer;
    connect(&closer, &QTimer::timeout, this, [&] {
        if (auto* d = qobject_cast<QDialog*>(QApplication::activeModalWidget())) {
            dialogs << d->windowTitle();
            d->reject();
        }
    });
    closer.start(50);
    QTest::keyClicks(filter, QStringLiteral("score>=0"));
    QTest::keyClick(filter, Qt::Key_Return);
    QVERIFY(filter->hasFocus());
    QTest::keyClicks(filter, QStringLiteral(" ts3"));
    QCOMPARE(filter->text(), QStringLiteral("score>=0 ts3"));
    QVERIFY2(dialogs.isEmpty(), qPrintable(dialogs.join(QLatin1String(", "))));
    auto store = CaseStore::open(c);
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM triage").value_or(-1), 0);
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM suppressions").value_or(-1), 0);
}

// Issue 28, item 5: Back and Forward enable once the analyst has been somewhere (here: two alerts
// selected in the queue), and Back shows the previous alert.
void TestMainWindow::backAndForwardFollowTheSelection() {
    const QString c = dir_.filePath(QStringLiteral("history.socwb"));
    {
        auto store = CaseStore::open(c);
        insertSyntheticAlerts(store->db(), 10);
    }
    MainWindow w;
    QVERIFY(showCase(w, c));
    AlertTableModel* model = w.alertQueue()->model();
    QVERIFY(QTest::qWaitFor([model] { return !model->isCounting() && model->rowAt(2); }, 10000));
    QAction* back = actionNamed(w, QStringLiteral("Back"));
    QAction* forward = actionNamed(w, QStringLiteral("Forward"));
    QVERIFY(back && forward);
    QTableView* view = w.alertQueue()->view();
    view->setCurrentIndex(model->index(1, AlertTableModel::HostColumn));
    const qint64 first = model->rowAt(1)->id;
    view->setCurrentIndex(model->index(2, AlertTableModel::HostColumn));
    const qint64 second = model->rowAt(2)->id;
    QVERIFY(back->isEnabled());
    QVERIFY(!forward->isEnabled());
    back->trigger();
    QVERIFY(QTest::qWaitFor([&] { return w.alertDetail()->detail().row.id == first; }, 10000));
    QVERIFY(forward->isEnabled());
    forward->trigger();
    QVERIFY(QTest::qWaitFor([&] { return w.alertDetail()->detail().row.id == second; }, 10000));
}

// Issue 28, item 2: after looking at an alert of one case, another case opens while the first is
// being scored. Nothing of the first stays: not its processes, its channel's charts, its timeline,
// its detail, its task rows (a "Rejected lines…" button would open its rejects against the new
// case), nor Back into it; the scoring pass was asked about and stopped.
void TestMainWindow::anotherCaseResetsEveryView() {
    const QString first = scoredSampleCase(dir_.filePath(QStringLiteral("first.socwb")));
    QVERIFY(!first.isEmpty());
    const QString second = dir_.filePath(QStringLiteral("second.socwb"));
    {
        auto store = CaseStore::open(second);
        insertSyntheticAlerts(store->db(), 5);
    }
    MainWindow w;
    QVERIFY(showCase(w, first));
    AlertTableModel* model = w.alertQueue()->model();
    QVERIFY(QTest::qWaitFor([model] { return !model->isCounting() && model->rowAt(1); }, 20000));
    QTableView* view = w.alertQueue()->view();
    view->setFocus();
    view->setCurrentIndex(model->index(0, AlertTableModel::HostColumn));
    view->setCurrentIndex(model->index(1, AlertTableModel::HostColumn));
    const qint64 shown = model->rowAt(1)->id;
    QCOMPARE(w.current()->alertId(), shown);
    QVERIFY(
        QTest::qWaitFor([&] { return w.investigationReady() && w.alertDetail()->detail().row.id == shown; }, 20000));
    QVERIFY(w.processTree()->model()->rowCount() > 0);
    QVERIFY(!w.intervalCharts()->series().times.isEmpty());
    QVERIFY(w.hostTimeline()->hostId() > 0);
    // A finished import of this case with rejected lines: its row offers them.
    const int rejected = w.tasks()->addTask(QStringLiteral("Import access.log"), QStringLiteral("records"));
    w.tasks()->finishTask(rejected, QStringLiteral("imported as squid: 10 records, 2 rejected"), false, 1);
    auto rejectButtons = [&] {
        int n = 0;
        for (auto* b : w.tasks()->findChildren<QPushButton*>()) {
            n += b->text().startsWith(QStringLiteral("Rejected lines")) && b->isVisibleTo(w.tasks()) ? 1 : 0;
        }
        return n;
    };
    QCOMPARE(rejectButtons(), 1);
    w.scoreCase(ScoreMode::Full);
    QVERIFY(w.isScoring());

    BoxAnswerer yes(QMessageBox::Yes);
    QVERIFY(w.openCase(second));
    QCOMPARE(yes.said.size(), 1); // asked before the scoring pass of the first case was stopped
    QVERIFY(!w.isScoring());
    QCOMPARE(w.current()->path(), second);
    QCOMPARE(w.current()->alertId(), qint64(0));
    QCOMPARE(w.processTree()->model()->rowCount(), 0);
    QVERIFY(w.intervalCharts()->series().times.isEmpty());
    QCOMPARE(w.hostTimeline()->hostId(), qint64(-1));
    QCOMPARE(w.hostTimeline()->eventModel()->rowCount(), 0);
    QCOMPARE(w.alertDetail()->detail().row.id, qint64(0));
    QCOMPARE(rejectButtons(), 0);
    QCOMPARE(w.tasks()->runningCount(), 0);
    QVERIFY(w.tasks()->taskText(rejected).isEmpty()); // the row went with its case
    QAction* back = actionNamed(w, QStringLiteral("Back"));
    QVERIFY(back && !back->isEnabled()); // Back does not lead into the first case
    // The views follow the new case's alerts.
    AlertTableModel* model2 = w.alertQueue()->model();
    QVERIFY(QTest::qWaitFor([model2] { return !model2->isCounting() && model2->rowAt(0); }, 10000));
    view->setCurrentIndex(model2->index(0, AlertTableModel::HostColumn));
    const qint64 next = model2->rowAt(0)->id;
    QCOMPARE(w.current()->alertId(), next);
    QVERIFY(QTest::qWaitFor([&] { return w.alertDetail()->detail().row.id == next; }, 10000));
}

// Issue 28: Ctrl+Z undoes a verdict, a note, tags and a suppression, newest first, and the audit
// log records each undo.
void TestMainWindow::ctrlZUndoesTriageAndSuppressions() {
    const QString c = dir_.filePath(QStringLiteral("undo.socwb"));
    {
        auto store = CaseStore::open(c);
        insertSyntheticAlerts(store->db(), 10);
    }
    MainWindow w;
    QVERIFY(showCase(w, c));
    AlertTableModel* model = w.alertQueue()->model();
    QVERIFY(QTest::qWaitFor([model] { return !model->isCounting() && model->rowAt(2); }, 10000));
    QTableView* view = w.alertQueue()->view();
    w.activateWindow();
    view->setFocus();
    view->setCurrentIndex(model->index(0, AlertTableModel::HostColumn));
    const QString key = model->rowAt(0)->channelKey;
    auto store = CaseStore::open(c);
    auto triage = [&](const char* column) {
        Statement st(store->db(), std::string("SELECT coalesce(") + column + ", '') FROM triage WHERE channel_key = ?");
        st.bind(1, key.toStdString());
        return st.step() ? QString::fromStdString(st.text(0)) : QString();
    };
    auto undoCount = [&](const char* action) {
        Statement st(store->db(), "SELECT count(*) FROM audit_log WHERE action = ?");
        st.bind(1, std::string(action));
        return st.step() ? st.int64(0) : -1;
    };
    auto ctrlZ = [&] { QTest::keyClick(view, Qt::Key_Z, Qt::ControlModifier); };

    QTest::keyClick(view, Qt::Key_3);
    QCOMPARE(triage("status"), QStringLiteral("malicious"));
    QTimer::singleShot(200, [] {
        if (auto* d = qobject_cast<JustificationDialog*>(QApplication::activeModalWidget())) {
            d->setText(QStringLiteral("beacon seen on the proxy"));
            d->accept();
        }
    });
    QVERIFY(w.alertQueue()->addNoteToSelection());
    QTimer::singleShot(200, [] {
        if (auto* d = qobject_cast<QInputDialog*>(QApplication::activeModalWidget())) {
            d->setTextValue(QStringLiteral("c2, apt"));
            d->accept();
        }
    });
    QVERIFY(w.alertQueue()->addTagsToSelection());
    QCOMPARE(triage("tags"), QStringLiteral("c2,apt"));
    QVERIFY(w.undoText().startsWith(QStringLiteral("tags")));
    // The dialogs above were the active windows; the shortcut reaches the window once it is again.
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));

    ctrlZ(); // the tags
    QCOMPARE(triage("tags"), QString());
    QCOMPARE(triage("note"), QStringLiteral("beacon seen on the proxy"));
    ctrlZ(); // the note
    QCOMPARE(triage("note"), QString());
    QCOMPARE(triage("status"), QStringLiteral("malicious"));
    ctrlZ(); // the verdict
    QCOMPARE(triage("status"), QStringLiteral("new"));
    QCOMPARE(undoCount("triage.undo"), 3);
    QVERIFY(w.undoText().isEmpty());
    QTRY_COMPARE(model->rowAt(0) ? model->rowAt(0)->status : QString(), QStringLiteral("new"));

    // A suppression, undone once the re-score it started has finished.
    QSignalSpy scored(&w, &MainWindow::scoringFinished);
    w.suppressSimilar({key}, QStringLiteral("IT's sync job"), scoring::SuppressScope::Host);
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM suppressions WHERE enabled = 1").value_or(-1), 1);
    QVERIFY(scored.wait(30000));
    ctrlZ();
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM suppressions WHERE enabled = 1").value_or(-1), 0);
    QCOMPARE(undoCount("suppression.undo"), 1);
    QVERIFY(scored.wait(30000)); // re-scored without it
}

void TestMainWindow::importIntoACaseThatWentBadIsReported() {
    const QString c = dir_.filePath(QStringLiteral("gone-bad.socwb"));
    MainWindow w;
    QVERIFY(w.openCase(c));
    w.caseWatcher()->setInterval(3600 * 1000); // the check before the import decides, not the timer
    // Another program replaces the case file.
    const QString garbage = dir_.filePath(QStringLiteral("garbage.bin"));
    {
        QFile f(garbage);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'z'));
    }
    QVERIFY(QFile::remove(c));
    QVERIFY(QFile::rename(garbage, c));
    QSignalSpy stopped(&w, &MainWindow::stoppedWriting);
    w.importFiles({fixture(QStringLiteral("squid/access.log"))});
    QCOMPARE(stopped.count(), 1);
    QVERIFY2(stopped.first().first().toString().contains(QLatin1String("replaced by another file")),
             qPrintable(stopped.first().first().toString()));
    QVERIFY(!w.isImporting());
    QCOMPARE(w.tasks()->runningCount(), 0);
    QVERIFY(w.caseStore() == nullptr);
    auto* box = w.findChild<QMessageBox*>();
    QVERIFY(box);
    QCOMPARE(box->textFormat(), Qt::PlainText);
    box->close();
    // The garbage is as it was: nothing was written into it.
    QFile f(c);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray(8192, 'z'));
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
    // A channel with events opens its views.
    for (const char* name : {"timelineButton", "process-treeButton", "intervalsButton"}) {
        auto* button = w.alertDetail()->findChild<QPushButton*>(QString::fromLatin1(name));
        QVERIFY2(button && button->isEnabled() && button->toolTip().isEmpty(), name);
    }
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
        // The grade is the exercise dock's second tab.
        QVERIFY2(w.findChild<QDockWidget*>(v == QLatin1String("grade") ? QStringLiteral("exercise") : v),
                 qPrintable(v));
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

// The detail's request and sensor-connection tables size their time column from the font: in
// ems ('M' widths) it cut "2024-03-04 09:15:56.123" to "2024-03-04 09:15..." at 1366x768 (#26).
void TestMainWindow::detailTimeColumnsFitTheirText() {
    AlertDetailWidget w;
    const QString time = QStringLiteral("2024-03-04 09:15:56.123");
    for (const char* name : {"channelRequests", "channelSensorConnections"}) {
        auto* view = w.findChild<QTableView*>(QString::fromLatin1(name));
        QVERIFY2(view, name);
        QVERIFY2(view->columnWidth(0) >= view->fontMetrics().horizontalAdvance(time) + 4,
                 qPrintable(QStringLiteral("%1: %2 px for %3 px of text")
                                .arg(QString::fromLatin1(name))
                                .arg(view->columnWidth(0))
                                .arg(view->fontMetrics().horizontalAdvance(time))));
    }
    // The queue's first and last seen, to the second: they were cut to "2024-03-04 09:31:..." at
    // the header's own width (131 px). What the delegate has for text: the cell less its margins
    // (the style's focus-frame margin plus one, each side) and the grid line.
    AlertQueueDock queue;
    const QString seen = QStringLiteral("2024-03-04 23:59:07");
    const int margins =
        2 * (queue.view()->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, queue.view()) + 1) + 1;
    for (const int c : {int(AlertTableModel::FirstSeenColumn), int(AlertTableModel::LastSeenColumn)}) {
        QVERIFY2(queue.view()->columnWidth(c) - margins >= queue.view()->fontMetrics().horizontalAdvance(seen),
                 qPrintable(QStringLiteral("column %1: %2 px for %3 px of text")
                                .arg(c)
                                .arg(queue.view()->columnWidth(c))
                                .arg(queue.view()->fontMetrics().horizontalAdvance(seen))));
    }
}

// At 1366x768 the queue cut roles and services ("domain-c…", "google-d…") and a destination to its
// first letters ("raw.githubuserco…", whose site?). Roles and services widen to the loaded rows'
// text as hosts do, say themselves in a tooltip, and a destination elides in its middle.
void TestMainWindow::queueShowsRolesAndServicesWhole() {
    const QString c = dir_.filePath(QStringLiteral("roles.socwb"));
    auto store = CaseStore::open(c);
    FixtureAlert a;
    a.host = QStringLiteral("DC01");
    a.role = QStringLiteral("domain-controller");
    a.service = QStringLiteral("google-docs");
    a.destination = QStringLiteral("raw.githubusercontent.com");
    insertAlert(store->db(), a);
    AlertQueueDock queue;
    queue.resize(900, 400);
    queue.show();
    queue.setCase(store.get());
    AlertTableModel* model = queue.model();
    QVERIFY(QTest::qWaitFor([model] { return model->rowCount() == 1 && model->rowAt(0); }, 10000));
    QTableView* view = queue.view();
    const int margins = 2 * (view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 1) + 1;
    for (const int col : {int(AlertTableModel::RoleColumn), int(AlertTableModel::ServiceColumn)}) {
        const QString text = model->index(0, col).data().toString();
        QVERIFY(!text.isEmpty());
        QVERIFY2(view->columnWidth(col) - margins >= view->fontMetrics().horizontalAdvance(text),
                 qPrintable(QStringLiteral("%1: %2 px for %3 px of text")
                                .arg(text)
                                .arg(view->columnWidth(col))
                                .arg(view->fontMetrics().horizontalAdvance(text))));
        QCOMPARE(model->index(0, col).data(Qt::ToolTipRole).toString(), plainToolTip(text));
    }
    const QModelIndex destination = model->index(0, AlertTableModel::DestinationColumn);
    auto* elide = dynamic_cast<ElideDelegate*>(view->itemDelegateForColumn(AlertTableModel::DestinationColumn));
    QVERIFY(elide);
    QStyleOptionViewItem option;
    option.initFrom(view);
    option.textElideMode = view->textElideMode();
    elide->initStyleOption(&option, destination);
    QCOMPARE(option.textElideMode, Qt::ElideMiddle);
    QCOMPARE(option.text, QStringLiteral("raw.githubusercontent.com"));
    // The other columns keep the view's right elision, and so does a Sigma item's (negative id) rule
    // title in this column.
    QCOMPARE(view->textElideMode(), Qt::ElideRight);
    QStandardItemModel titles(1, AlertTableModel::ColumnCount);
    titles.setData(titles.index(0, AlertTableModel::DestinationColumn),
                   QStringLiteral("Raw content fetched from a paste site"));
    titles.setData(titles.index(0, AlertTableModel::DestinationColumn), qint64(-3), AlertTableModel::AlertIdRole);
    QStyleOptionViewItem title;
    elide->initStyleOption(&title, titles.index(0, AlertTableModel::DestinationColumn));
    QCOMPARE(title.textElideMode, Qt::ElideRight);
}

// The overview's layout gives the detail about 350 px: each reason's sentence had the third of it
// beside the name and bar and took eight lines. Narrower than 420 px, the sentence goes under its
// name and bar, across the width; wider, it stays beside them.
void TestMainWindow::narrowDetailStacksItsReasons() {
    const QString c = dir_.filePath(QStringLiteral("narrow.socwb"));
    qint64 id = 0;
    {
        auto store = CaseStore::open(c);
        FixtureAlert a;
        a.factors = QStringLiteral(
            R"j([{"name":"periodicity","contribution":24,"detail":"polls every 60 s for 14.5 h: 869 polls, 100% of )j"
            R"j(the gaps within 50% of the median"},{"name":"web_service","contribution":12,"detail":"pastebin.com )j"
            R"j(is pastebin (paste, a consumer service)"}])j");
        id = insertAlert(store->db(), a);
    }
    AlertDetailWidget w;
    w.resize(350, 700);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.setCase(c);
    w.showAlert(id);
    QVERIFY(QTest::qWaitFor([&w] { return w.detail().found; }, 10000));
    auto* factors = w.findChild<QWidget*>(QStringLiteral("factors"));
    QVERIFY(factors);
    const auto place = [factors](const QString& text) {
        for (const QLabel* l : factors->findChildren<QLabel*>()) {
            if (l->text() == text) {
                return l->geometry();
            }
        }
        return QRect();
    };
    const QString first =
        QStringLiteral("polls every 60 s for 14.5 h: 869 polls, 100% of the gaps within 50% of the median");
    QCoreApplication::processEvents();
    QVERIFY(w.factorsStacked());
    QVERIFY2(place(first).top() >= place(QStringLiteral("periodicity")).bottom(),
             qPrintable(QStringLiteral("sentence at %1, name ends at %2")
                            .arg(place(first).top())
                            .arg(place(QStringLiteral("periodicity")).bottom())));
    QVERIFY(place(first).bottom() <= place(QStringLiteral("web_service")).top());
    w.resize(600, 700);
    QTRY_VERIFY(!w.factorsStacked());
    QCoreApplication::processEvents();
    QVERIFY(place(first).left() > place(QStringLiteral("periodicity")).right());
    QCOMPARE(place(first).top(), place(QStringLiteral("periodicity")).top());
}

// A filter that hid the selected channel left the detail showing it, the queue with no row
// selected, and the queue's keys acting on it, with no word why; a sort that moved it off the
// loaded pages lost its row. Now the detail says the filter hides it, and the queue finds its row
// again (scrolling to it) when the filter clears or the order changes.
void TestMainWindow::filterThatHidesTheCurrentAlertSaysSo() {
    const QString c = dir_.filePath(QStringLiteral("hidden.socwb"));
    {
        auto store = CaseStore::open(c);
        insertSyntheticAlerts(store->db(), 3000);
    }
    MainWindow w;
    QVERIFY(showCase(w, c));
    AlertQueueDock* queue = w.alertQueue();
    AlertTableModel* model = queue->model();
    QVERIFY(queueHoldsRows(model, 100));
    QCOMPARE(model->rowCount(), 3000);
    // The top row is current; a github channel of updater.exe below it is chosen (a pastebin
    // filter hides it; sorted by process it is among the last 600 rows).
    int pick = -1;
    for (int r = 1; r < 100 && pick < 0; ++r) {
        const AlertRow* row = model->rowAt(r);
        pick =
            row && row->service == QLatin1String("github") && row->processName == QLatin1String("updater.exe") ? r : -1;
    }
    QVERIFY(pick >= 0);
    queue->view()->setCurrentIndex(model->index(pick, AlertTableModel::HostColumn));
    const qint64 id = model->rowAt(pick)->id;
    const QString key = model->rowAt(pick)->channelKey;
    QVERIFY(QTest::qWaitFor([&w, id] { return w.alertDetail()->detail().found && w.alertDetail()->alertId() == id; },
                            10000));
    QVERIFY(!w.alertDetail()->isHiddenNoteShown());
    QSignalSpy hidden(queue, &AlertQueueDock::hiddenAlertChanged);
    queue->setFilterText(QStringLiteral("service:pastebin"));
    QVERIFY(hidden.wait(10000));
    QCOMPARE(hidden.last().at(0).toLongLong(), id);
    QVERIFY(queue->currentHidden());
    QCOMPARE(w.alertDetail()->alertId(), id); // the detail stays on it, and says why the queue does not show it
    QVERIFY(w.alertDetail()->isHiddenNoteShown());
    QCOMPARE(queue->selectedChannelKeys(), QStringList{key}); // what the keys act on, as the note says
    // Cleared, the filter gives its row back: current again, the note gone.
    queue->setFilterText(QString());
    QVERIFY(hidden.wait(10000));
    QCOMPARE(hidden.last().at(0).toLongLong(), qint64(0));
    QVERIFY(!w.alertDetail()->isHiddenNoteShown());
    QTRY_COMPARE(queue->view()->currentIndex().data(AlertTableModel::ChannelKeyRole).toString(), key);
    // Sorted by process, its row is on a page not loaded yet: the queue scrolls there, the page
    // loads and the row is current again.
    queue->view()->horizontalHeader()->setSortIndicator(AlertTableModel::ProcessColumn, Qt::AscendingOrder);
    QTRY_VERIFY_WITH_TIMEOUT(queue->view()->currentIndex().isValid(), 10000);
    QCOMPARE(queue->view()->currentIndex().data(AlertTableModel::ChannelKeyRole).toString(), key);
    QVERIFY2(queue->view()->currentIndex().row() >= 2400,
             qPrintable(QString::number(queue->view()->currentIndex().row())));
    const QRect shown = queue->view()->visualRect(queue->view()->currentIndex());
    QVERIFY(queue->view()->viewport()->rect().intersects(shown));
}

// A SIEM export's row has no events in the case: its Host timeline, Process tree and Interval
// charts buttons are off, and their tooltip says why.
void TestMainWindow::siemRowHasNoViewsToOpen() {
    const QString c = dir_.filePath(QStringLiteral("siem-only.socwb"));
    {
        auto store = CaseStore::open(c);
        QVERIFY(importInto(*store, fixture(QStringLiteral("siem/splunk-results.csv"))).accepted > 10);
        QCOMPARE(ScoringEngine(*store).run(ScoreMode::Full).status, QStringLiteral("done"));
    }
    MainWindow w;
    w.resize(1366, 768);
    w.show();
    QVERIFY(w.openCase(c));
    AlertTableModel* model = w.alertQueue()->model();
    QVERIFY(QTest::qWaitFor([model] { return model->rowCount() > 10 && model->rowAt(0); }, 10000));
    QVERIFY(model->rowAt(0)->fromSiem());
    w.alertDetail()->showAlert(model->rowAt(0)->id);
    QVERIFY(QTest::qWaitFor([&w] { return w.alertDetail()->detail().found; }, 10000));
    for (const char* name : {"timelineButton", "process-treeButton", "intervalsButton"}) {
        auto* button = w.alertDetail()->findChild<QPushButton*>(QString::fromLatin1(name));
        QVERIFY2(button, name);
        QVERIFY2(!button->isEnabled(), name);
        QVERIFY2(button->toolTip().startsWith(QStringLiteral("Nothing to show: this channel is a row of a SIEM "
                                                             "export, with no events in the case.")),
                 qPrintable(button->toolTip()));
    }
}

// The detail's triage lines come from the item's triage row as the store wrote it: status, who
// and when, the justification and the note, as plain text.
void TestMainWindow::detailSaysWhoTriagedAndWhy() {
    const QString path = dir_.filePath(QStringLiteral("triaged.socwb"));
    qint64 id = 0;
    QString key;
    {
        auto store = CaseStore::open(path);
        FixtureAlert a;
        a.channelKey = QStringLiteral("WS001|powershell.exe|pastebin.com");
        key = a.channelKey;
        id = insertAlert(store->db(), a);
        TriageStore t(*store);
        t.setStatus({key}, QStringLiteral("benign"), QStringLiteral("<b>admin</b> script & \"test\""));
        t.setNote({key}, QStringLiteral("asked the owner"));
    }
    const AlertDetail d = loadAlertDetail(path, id);
    QVERIFY2(d.found, qPrintable(d.error));
    QCOMPARE(d.triage.status, QStringLiteral("benign"));
    QCOMPARE(d.triage.updatedBy, CaseStore::actorName());
    const QString text = AlertDetailWidget::triageText(d.triage.status, d.triage, QString());
    const QStringList lines = text.split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 3);
    QVERIFY2(lines[0].startsWith(
                 QStringLiteral("Status: Benign (by %1, %2").arg(CaseStore::actorName(), d.triage.updatedAt.left(10))),
             qPrintable(lines[0]));
    QCOMPARE(lines[1], QStringLiteral("Justification: <b>admin</b> script & \"test\""));
    QCOMPARE(lines[2], QStringLiteral("Note: asked the owner"));
}

// The task dock opens for an import and folds a moment after the last task, but not while the
// analyst is in it: focus inside keeps it; focus elsewhere lets it fold.
void TestMainWindow::taskDockWaitsWhileInUse() {
    const QString c = dir_.filePath(QStringLiteral("taskdock.socwb"));
    MainWindow w;
    QVERIFY(showCase(w, c));
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    auto* dock = w.findChild<QDockWidget*>(QStringLiteral("import"));
    QVERIFY(dock && !dock->isVisible());
    // The bottom tab that shows, by its title (the bar that holds the charts' tab).
    const auto shownTab = [&w] {
        for (auto* bar : w.findChildren<QTabBar*>(Qt::FindDirectChildrenOnly)) {
            for (int i = 0; bar->isVisible() && i < bar->count(); ++i) {
                if (bar->tabText(i) == QStringLiteral("Polling intervals")) {
                    return bar->tabText(bar->currentIndex());
                }
            }
        }
        return QString();
    };
    QVERIFY(w.showView(QStringLiteral("process-tree")));
    QTRY_COMPARE(shownTab(), QStringLiteral("Process tree"));
    QSignalSpy done(&w, &MainWindow::importsFinished);
    w.importFiles({fixture(QStringLiteral("squid/access.log"))});
    QVERIFY(dock->isVisible());
    QTRY_COMPARE(shownTab(), QStringLiteral("Imports and tasks"));
    QVERIFY(done.wait(60000));
    QTRY_COMPARE_WITH_TIMEOUT(w.tasks()->runningCount(), 0, 30000); // the scoring pass after it
    auto* area = w.tasks()->findChild<QScrollArea*>();              // the outcome's labels scroll in it
    QVERIFY(area);
    area->setFocus();
    QWidget* inside = QApplication::focusWidget();
    QVERIFY(inside && dock->isAncestorOf(inside));
    QTest::qWait(6500); // past the fold delay (5 s)
    QVERIFY(dock->isVisible());
    w.alertQueue()->view()->setFocus();
    QVERIFY(!dock->isAncestorOf(QApplication::focusWidget()));
    QTRY_VERIFY_WITH_TIMEOUT(!dock->isVisible(), 12000);
    // Folded, the tasks give the bottom back to the tab the analyst had (it showed the timeline,
    // the tab after the tasks').
    QTRY_COMPARE(shownTab(), QStringLiteral("Process tree"));
}

// Issue 18's laptop, found on screenshots: with an investigation view raised at 1366x768 the queue
// kept four rows and the detail its title, its summary and two rows of requests (the view lists the
// same events), "Why this score" below the fold. Now the queue keeps its first rows, the detail's
// tables fold to their caption line with "Show", and the reasons come straight after the summary.
void TestMainWindow::detailKeepsItsReasonsBesideAView() {
    const QString c = scoredSampleCase(dir_.filePath(QStringLiteral("reasons.socwb")));
    QVERIFY(!c.isEmpty());
    MainWindow w;
    QVERIFY(showCase(w, c));
    AlertTableModel* model = w.alertQueue()->model();
    QVERIFY(queueHoldsRows(model, 9));
    int row = 0;
    while (!model->rowAt(row) || model->rowAt(row)->id <= 0) {
        ++row; // the first channel, below the Sigma items
    }
    w.alertQueue()->view()->setCurrentIndex(model->index(row, AlertTableModel::HostColumn));
    AlertDetailWidget* detail = w.alertDetail();
    QVERIFY(QTest::qWaitFor([detail] { return detail->detail().found; }, 10000));
    auto* factors = detail->findChild<QWidget*>(QStringLiteral("factors"));
    auto* requests = detail->findChild<QTableView*>(QStringLiteral("channelRequests"));
    auto* fold = detail->findChild<QToolButton*>(QStringLiteral("foldRequests"));
    QVERIFY(factors && requests && fold);
    QScrollArea* scroll = nullptr;
    for (QWidget* p = factors->parentWidget(); p && !scroll; p = p->parentWidget()) {
        scroll = qobject_cast<QScrollArea*>(p);
    }
    QVERIFY(scroll);
    // The first reason's row shows whole in the detail's facts, without scrolling.
    const auto firstReasonShows = [&] {
        QCoreApplication::processEvents();
        const int top = factors->mapTo(scroll->viewport(), QPoint(0, 0)).y();
        const int firstRow = factors->layout()->itemAt(0)->geometry().height();
        return factors->isVisible() && top >= 0 && top + firstRow <= scroll->viewport()->height();
    };

    for (const QString view :
         {QStringLiteral("timeline"), QStringLiteral("process-tree"), QStringLiteral("intervals")}) {
        w.emphasizeView(view);
        QTRY_VERIFY2(firstReasonShows(), qPrintable(view));
        QTRY_VERIFY2(!requests->isVisible(), qPrintable(view));
        QCOMPARE(fold->text(), QStringLiteral("Show"));
        auto* dock = w.findChild<QDockWidget*>(view);
        auto* area = qobject_cast<FoldArea*>(dock->widget());
        QVERIFY2(area && !area->isFolded(), qPrintable(view)); // the view keeps what it needs
    }
    // The timeline and the tree leave the queue its first rows.
    w.emphasizeView(QStringLiteral("timeline"));
    QTableView* queue = w.alertQueue()->view();
    QTRY_VERIFY(queue->viewport()->height() >= 6 * queue->verticalHeader()->defaultSectionSize());
    // "Show" unfolds the requests in place; the queue's or the detail's height takes the fold away.
    QTest::mouseClick(fold, Qt::LeftButton);
    QTRY_VERIFY(requests->isVisible());
    QCOMPARE(fold->text(), QStringLiteral("Hide"));
    QTest::mouseClick(fold, Qt::LeftButton);
    QTRY_VERIFY(!requests->isVisible());
    w.emphasizeView(QStringLiteral("detail"));
    QTRY_VERIFY(requests->isVisible());
    QVERIFY(requests->height() > 3 * requests->verticalHeader()->defaultSectionSize());
    QTRY_VERIFY(firstReasonShows());
    // Unfolded, where the analyst drags the splitter stays from one alert to the next.
    QSplitter* split = nullptr;
    for (QWidget* p = requests->parentWidget(); p && !split; p = p->parentWidget()) {
        split = qobject_cast<QSplitter*>(p);
    }
    QVERIFY(split);
    const int total = split->sizes().value(0) + split->sizes().value(1);
    split->setSizes({total / 3, total - total / 3});
    const QList<int> dragged = split->sizes();
    const qint64 before = detail->alertId();
    QSignalSpy loaded(detail, &AlertDetailWidget::loaded);
    w.alertQueue()->view()->setCurrentIndex(model->index(row + 1, AlertTableModel::HostColumn));
    QVERIFY(loaded.wait(10000));
    QVERIFY(detail->alertId() != before && detail->detail().found);
    QCOMPARE(split->sizes(), dragged);

    // Pressing the tab of a folded view, one never shown yet included, gives it the height (seen
    // driving the window: the tree's tab, pressed with the bottom folded, raised a folded line).
    const auto pressTab = [&](const QString& title) {
        for (auto* b : w.findChildren<QTabBar*>(Qt::FindDirectChildrenOnly)) {
            for (int i = 0; i < b->count(); ++i) {
                if (b->isVisible() && b->tabText(i) == title) {
                    QTest::mouseClick(b, Qt::LeftButton, {}, b->tabRect(i).center());
                    return true;
                }
            }
        }
        return false;
    };
    for (const auto& [title, name] : {std::pair{QStringLiteral("Process tree"), QStringLiteral("process-tree")},
                                      std::pair{QStringLiteral("Polling intervals"), QStringLiteral("intervals")}}) {
        w.emphasizeView(QStringLiteral("detail"));
        auto* area = qobject_cast<FoldArea*>(w.findChild<QDockWidget*>(name)->widget());
        QVERIFY(area);
        QVERIFY2(pressTab(title), qPrintable(title));
        QTRY_VERIFY2(area->isVisible() && !area->isFolded() && area->height() >= area->readableHeight(),
                     qPrintable(title));
    }
    // From the tree's height to the charts' tab: the charts take their own height (they were laid
    // out at the tree's, below their minimum, and the heat map scrolled away).
    // The window's height where the tree's height is above the charts' fold (300 px) and below
    // their own, as at 1366x768 on a screen (tree 380 px, charts 476).
    auto* intervals = w.findChild<QDockWidget*>(QStringLiteral("intervals"));
    auto* treeDock = w.findChild<QDockWidget*>(QStringLiteral("process-tree"));
    bool tried = false;
    for (int height = 760; height <= 1000 && !tried; height += 40) {
        w.resize(1366, height);
        QTRY_COMPARE(w.height(), height);
        w.emphasizeView(QStringLiteral("intervals"));
        QTest::qWait(100);
        const int chartsHeight = intervals->height();
        w.emphasizeView(QStringLiteral("detail"));
        QTest::qWait(100);
        QVERIFY(pressTab(QStringLiteral("Process tree")));
        QTest::qWait(200);
        if (treeDock->height() <= 320 || treeDock->height() >= chartsHeight - 20) {
            continue;
        }
        tried = true;
        QVERIFY(pressTab(QStringLiteral("Polling intervals")));
        QTRY_VERIFY2(intervals->isVisible() && std::abs(intervals->height() - chartsHeight) <= 2,
                     qPrintable(QStringLiteral("%1 px, %2 when raised").arg(intervals->height()).arg(chartsHeight)));
    }
    QVERIFY(tried);
}

// One of each reads as one: the explorer said "1 hosts · 0 alerts · 1 rejected lines" and the status
// bar "1 evidence files" (seen on a SIEM export's case, one file).
void TestMainWindow::countsOfOneAreSingular() {
    const QString log = dir_.filePath(QStringLiteral("one.log"));
    {
        QFile f(log);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 3; ++i) {
            f.write(QByteArray::number(1700000000 + i) +
                    ".250     42 10.1.1.1 TCP_MISS/200 1200 GET https://www.example.com/a - HIER_DIRECT/192.0.2.1 "
                    "text/html\n");
        }
        f.write("1700000009.250     42 10.1.1.1 TCP_MISS/200 this line is cut\n");
    }
    MainWindow w;
    QVERIFY(w.openCase(dir_.filePath(QStringLiteral("one.socwb"))));
    QSignalSpy done(&w, &MainWindow::importsFinished);
    QSignalSpy refreshed(&w, &MainWindow::refreshed);
    w.importFiles({log});
    QVERIFY(done.wait(60000));
    QVERIFY(refreshed.wait(10000));
    auto* counts = w.overview()->findChild<QLabel*>(QStringLiteral("caseCounts"));
    auto* status = w.findChild<QLabel*>(QStringLiteral("statusCounts"));
    QVERIFY(counts && status);
    QTRY_COMPARE(counts->text().section(QLatin1Char('\n'), 0, 1),
                 QStringLiteral("3 proxy requests \u00b7 0 DNS queries \u00b7 0 Sysmon events \u00b7 0 processes\n"
                                "1 host \u00b7 0 alerts \u00b7 1 rejected line"));
    QTRY_VERIFY2(status->text().startsWith(QStringLiteral("1 evidence file \u00b7 3 events \u00b7 ")),
                 qPrintable(status->text()));
    // To the second, as the detail shows times; one day's date once (it read
    // "2023-11-14T22:13:20.250Z to 2023-11-14T22:13:22.250Z (UTC)", four lines in the 1366 px dock).
    QCOMPARE(counts->text().section(QLatin1Char('\n'), 2, 2),
             QStringLiteral("Evidence from 2023-11-14 22:13:20 to 22:13:22 UTC"));
    QCOMPARE(utcSpanFromUs(1700000000250000, 1700179200000000),
             QStringLiteral("2023-11-14 22:13:20 to 2023-11-17 00:00:00 UTC"));
    // A double-click on the file shows its rejected line, as its menu does (it did nothing).
    QTableView* files = viewOf(w.overview(), w.overview()->evidenceModel());
    QVERIFY(files);
    QTRY_COMPARE(files->model()->rowCount(), 1);
    QVERIFY(w.findChild<RejectedLinesDialog*>() == nullptr);
    w.resize(1366, 768);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QModelIndex file = files->model()->index(0, EvidenceTableModel::FileColumn);
    QTest::mouseClick(files->viewport(), Qt::LeftButton, {}, files->visualRect(file).center());
    QTest::mouseDClick(files->viewport(), Qt::LeftButton, {}, files->visualRect(file).center());
    QTRY_VERIFY(w.findChild<RejectedLinesDialog*>() != nullptr);
}

// Which file a save dialog offers when TRIGGER opens it (it is cancelled): the path it would save to.
QString offeredSavePath(const std::function<void()>& trigger) {
    QString offered;
    QTimer::singleShot(0, [&offered] {
        QTRY_VERIFY(qobject_cast<QFileDialog*>(QApplication::activeModalWidget()));
        auto* d = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
        offered = QDir(d->directory()).filePath(d->selectedFiles().value(0).section(QLatin1Char('/'), -1));
        d->reject();
    });
    trigger();
    return offered;
}

// A report, a chart or the suppressions were offered in the working folder, with no name: the
// analyst's reports landed wherever the program was started. They start beside the case now.
void TestMainWindow::saveDialogsStartBesideTheCase() {
    QVERIFY(QDir(dir_.path()).mkpath(QStringLiteral("beside")));
    const QString folder = dir_.filePath(QStringLiteral("beside"));
    MainWindow w;
    w.resize(1366, 768);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w) && w.openCase(folder + QStringLiteral("/mine.socwb")));
    QAction* report = actionNamed(w, QStringLiteral("&Report\u2026"));
    QAction* suppressions = actionNamed(w, QStringLiteral("S&uppressions\u2026"));
    QVERIFY(report && suppressions);
    QCOMPARE(offeredSavePath([report] { report->trigger(); }), folder + QStringLiteral("/mine-report.pdf"));

    suppressions->trigger();
    auto* dialog = w.findChild<SuppressionDialog*>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    // An empty list says what it is for and how a rule gets there.
    QVERIFY(dialog->emptyHint()->isVisible());
    QVERIFY2(dialog->emptyHint()->text().contains(QStringLiteral("no suppressions")),
             qPrintable(dialog->emptyHint()->text()));
    QPushButton* exportButton = nullptr;
    for (QPushButton* b : dialog->findChildren<QPushButton*>()) {
        exportButton = b->text() == QStringLiteral("Export YAML\u2026") ? b : exportButton;
    }
    QVERIFY(exportButton);
    QCOMPARE(offeredSavePath([exportButton] { exportButton->click(); }),
             folder + QStringLiteral("/mine-suppressions.yaml"));
    {
        auto store = CaseStore::open(folder + QStringLiteral("/mine.socwb"));
        scoring::SuppressionRule rule;
        rule.host = QStringLiteral("WKS-01");
        rule.reason = QStringLiteral("test: a rule");
        scoring::addSuppression(*store, rule);
    }
    dialog->reload();
    QVERIFY(!dialog->emptyHint()->isVisible());
    QCOMPARE(dialog->table()->rowCount(), 1);

    // A chart is named for its channel (host and destination from evidence: unsafe characters go).
    IntervalChartsWidget charts;
    charts.setCase(folder + QStringLiteral("/mine.socwb"));
    ChannelSeries series;
    series.host = QStringLiteral("WKS 01/..");
    series.destination = QStringLiteral("pastebin.com");
    charts.setSeries(series);
    QToolButton* exportChart = nullptr;
    for (QToolButton* b : charts.findChildren<QToolButton*>()) {
        exportChart = b->text() == QStringLiteral("Export") ? b : exportChart;
    }
    QVERIFY(exportChart);
    QVERIFY(exportChart->menu() && !exportChart->menu()->actions().isEmpty());
    QCOMPARE(offeredSavePath([exportChart] { exportChart->menu()->actions().first()->trigger(); }),
             folder + QStringLiteral("/WKS_01_.._pastebin.com-Request_times.png"));

    // New case starts in the open case's folder (it started where the program was started), and a
    // name typed with a space after it is the name without it ("other.socwb .socwb" before).
    QAction* newCase = actionNamed(w, QStringLiteral("&New case\u2026"));
    QVERIFY(newCase);
    QString offeredFolder;
    QTimer::singleShot(0, [&offeredFolder] {
        QTRY_VERIFY(qobject_cast<QFileDialog*>(QApplication::activeModalWidget()));
        auto* d = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
        offeredFolder = d->directory().absolutePath();
        d->selectFile(QStringLiteral("other.socwb "));
        static_cast<QDialog*>(d)->accept(); // QFileDialog's own accept(), protected there
    });
    newCase->trigger();
    QCOMPARE(offeredFolder, folder);
    QCOMPARE(w.caseStore()->path(), folder + QStringLiteral("/other.socwb"));
}

// A case imported earlier (by socwb-cli, or in another session) opened to "No imports or scoring
// runs yet" in the Imports and tasks view: its empty text now follows the case.
void TestMainWindow::taskPanelKnowsEarlierImports() {
    const QString c = dir_.filePath(QStringLiteral("earlier.socwb"));
    {
        MainWindow first;
        QSignalSpy refreshed(&first, &MainWindow::refreshed);
        QVERIFY(first.openCase(c));
        QVERIFY(refreshed.wait(10000));
        TaskPanel* tasks = first.tasks();
        QVERIFY2(tasks->emptyText().startsWith(QStringLiteral("No imports or scoring runs yet.")),
                 qPrintable(tasks->emptyText()));
        QSignalSpy done(&first, &MainWindow::importsFinished);
        first.importFiles({fixture(QStringLiteral("squid/access.log"))});
        QVERIFY(done.wait(60000));
    }
    MainWindow w;
    TaskPanel* tasks = w.tasks();
    QVERIFY2(tasks->emptyText().startsWith(QStringLiteral("No case open.")), qPrintable(tasks->emptyText()));
    QSignalSpy refreshed(&w, &MainWindow::refreshed);
    QVERIFY(w.openCase(c));
    QVERIFY(refreshed.wait(10000));
    QTRY_VERIFY2(tasks->emptyText().startsWith(QStringLiteral(
                     "Nothing has run in this window since earlier.socwb was opened. It holds 1 evidence file from "
                     "earlier imports")),
                 qPrintable(tasks->emptyText()));
}

// With no case open, Export alerts, Report, Score now, Suppressions and the others stayed enabled
// and did nothing when chosen. They are greyed until a case is open; Import evidence stays, as it
// offers to create one.
void TestMainWindow::caseActionsWaitForACase() {
    MainWindow w;
    const QStringList needCase{QStringLiteral("&Export alerts (CSV, JSON)\u2026"),
                               QStringLiteral("Export &hunt for the SIEM\u2026"),
                               QStringLiteral("&Report\u2026"),
                               QStringLiteral("&Score now"),
                               QStringLiteral("Run S&igma rules\u2026"),
                               QStringLiteral("S&uppressions\u2026"),
                               QStringLiteral("&Audit log\u2026")};
    auto enabled = [&w](const QString& text) {
        const QAction* a = actionNamed(w, text);
        return a ? QString::number(a->isEnabled()) : QStringLiteral("missing");
    };
    for (const QString& t : needCase) {
        QCOMPARE(enabled(t), QStringLiteral("0"));
    }
    QCOMPARE(enabled(QStringLiteral("&Import evidence\u2026")), QStringLiteral("1"));
    // The case explorer and the detail say what to do: they were blank, and the detail said to
    // select a channel in a queue that had none.
    const auto saying = [](QWidget* in, const QString& start) {
        for (const QLabel* l : in->findChildren<QLabel*>()) {
            if (l->text().startsWith(start)) {
                return l->isVisibleTo(in);
            }
        }
        return false;
    };
    QVERIFY(saying(w.overview(), QStringLiteral("No case open")));
    QVERIFY(saying(w.overview(), QStringLiteral("File \u2192 Open case")));
    QVERIFY(saying(w.alertDetail(), QStringLiteral("No case open. Open one (Ctrl+O)")));
    QVERIFY(w.openCase(dir_.filePath(QStringLiteral("actions.socwb"))));
    for (const QString& t : needCase) {
        QCOMPARE(enabled(t), QStringLiteral("1"));
    }
    QVERIFY(!saying(w.overview(), QStringLiteral("No case open")));
    QVERIFY(!saying(w.alertDetail(), QStringLiteral("No case open")));
    QVERIFY(saying(w.alertDetail(), QStringLiteral("Select a channel in the alert queue")));
}

// Three files no format recognised: the preview skipped them all and Import stayed enabled; pressed,
// it closed the dialog and did nothing, not even say so. Why each file was not recognised (and what
// was tried) was only in a tooltip.
void TestMainWindow::previewSaysWhenNothingWouldBeImported() {
    const QString notes = dir_.filePath(QStringLiteral("notes.txt"));
    {
        QFile f(notes);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("hello world\nthis is not a log\n");
    }
    MainWindow w;
    QVERIFY(w.openCase(dir_.filePath(QStringLiteral("nothing.socwb"))));
    w.previewImport({notes});
    auto* preview = w.findChild<ImportPreviewDialog*>();
    QVERIFY(preview);
    QVERIFY(QTest::qWaitFor([preview] { return preview->isReady(); }, 10000));
    QCOMPARE(preview->rowsToImport(), 0);
    QVERIFY(!preview->importButton()->isEnabled());
    QVERIFY2(preview->summaryText().endsWith(QStringLiteral("Nothing to import: every file is left out.")),
             qPrintable(preview->summaryText()));
    const QString shown = preview->shownLines();
    QVERIFY2(shown.startsWith(QStringLiteral("no format recognised")) && shown.contains(QStringLiteral("squid")) &&
                 shown.endsWith(QStringLiteral("Its first lines:\nhello world\nthis is not a log")),
             qPrintable(shown));
    // A format chosen by hand: something to import.
    auto* format = qobject_cast<QComboBox*>(preview->table()->cellWidget(0, ImportPreviewDialog::FormatColumn));
    QVERIFY(format);
    format->setCurrentIndex(format->findData(QStringLiteral("squid")));
    QCOMPARE(preview->rowsToImport(), 1);
    QVERIFY(preview->importButton()->isEnabled());
    QVERIFY(!preview->summaryText().contains(QStringLiteral("Nothing to import")));
    preview->reject();
}

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
