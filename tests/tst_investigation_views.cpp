// The investigation widgets on the offscreen platform, over the SQL fixture: the charts hold the
// channel's points, histogram and median; the timeline draws lanes, pages its table and shows a
// record with provenance; the tree reveals the alert's process; selections propagate between the
// views; navigation history walks back and forward; evidence that looks like HTML stays text.
#include "alert_fixture.h"
#include "charts/timeline_buckets.h"
#include "charts/timeline_query.h"
#include "fold_area.h"
#include "investigation_fixture.h"
#include "investigation_views.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "tables/process_tree_model.h"
#include "tables/timeline_event_model.h"

#include <qcustomplot.h>

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QVBoxLayout>

#include <cmath>
#include <optional>

using namespace socwb;
using namespace socwb::test;

namespace {
// Process 10 on the fixture's host: a curl.exe whose evidence is its start, 30 s in (a poller that
// runs a new curl.exe each time; the alert names the first).
void addShortLivedCurl(const QString& c) {
    auto store = CaseStore::open(c);
    Statement st(store->db(),
                 "INSERT INTO processes(id, host_id, process_guid, pid, image, command_line, user_name, start_ts, "
                 "known_from, evidence_id, record_no) VALUES (10, 1, '{10}', 5668, 'C:\\Windows\\System32\\"
                 "curl.exe', 'curl -s', 'bob', ?, 'create', 2, 10)");
    st.bind(1, InvestigationFixture::kT0 + 30'000'000).exec();
}
} // namespace

class TestInvestigationViews : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void chartsHoldTheChannel();
    void bytesTheLogDidNotRecordAreNotDrawn();
    void chartsBrushAndExport();
    void chartsNameWhyTheyAreEmpty();
    void timelineDrawsLanesAndRecord();
    void timelineFollowsTheSecondAlertsHost();
    void timelineOpensOnTheChannelWithOneProcess();
    void timelineOpensAlikeWhicheverReaderWins();
    void timelineLeavesRoomAtItsEdges();
    void foldAreaFitsAViewAtItsMinimum();
    void treeRevealsAlertProcess();
    void channelOfManyProcessesKeepsTheHostsTimeline();
    void linkedSelectionPropagates();
    void htmlInCommandLineStaysText();
    void navigationHistory();

  private:
    QTemporaryDir dir_;
    QString case_;
};

void TestInvestigationViews::initTestCase() {
    case_ = dir_.filePath(QStringLiteral("views.socwb"));
    InvestigationFixture::write(case_);
}

void TestInvestigationViews::chartsHoldTheChannel() {
    IntervalChartsWidget w;
    w.resize(1366, 768);
    w.show();
    QSignalSpy loaded(&w, &IntervalChartsWidget::channelLoaded);
    w.setCase(case_);
    w.showChannel(InvestigationFixture::kAlertId);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(loaded[0][0].toLongLong(), InvestigationFixture::kAlertId);

    // (1) One mark per request, by response size: 4 of 20 KB, 7 of 500 B.
    QCustomPlot* req = w.plot(IntervalChartsWidget::RequestsChart);
    QCOMPARE(req->graph(IntervalChartsWidget::SizeUnder10K)->dataCount(), 0);
    QCOMPARE(req->graph(IntervalChartsWidget::SizeUnder100K)->dataCount(), 4);
    QCOMPARE(req->graph(IntervalChartsWidget::SizeUnder1K)->dataCount(), 7);
    const auto times = InvestigationFixture::channelTimes();
    QCOMPARE(req->graph(IntervalChartsWidget::SizeUnder100K)->data()->at(1)->key, double(times[3]) / 1e6);
    // The host's activity behind it: one hour bar of 16 requests on the right axis.
    auto* host = qobject_cast<QCPBars*>(req->plottable(0));
    QVERIFY(host);
    QCOMPARE(host->dataCount(), 1);
    QCOMPARE(host->data()->at(0)->value, 16.0);
    QCOMPARE(host->valueAxis(), req->yAxis2);

    // (2) Intervals over time on a log axis: the ten gaps at the later request's time.
    QCustomPlot* gaps = w.plot(IntervalChartsWidget::IntervalsChart);
    QCOMPARE(gaps->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(gaps->graph(0)->dataCount(), 10);
    const auto expected = InvestigationFixture::gaps();
    for (int i = 0; i < 10; ++i) {
        QCOMPARE(gaps->graph(0)->data()->at(i)->value, double(expected[size_t(i)]));
        QCOMPARE(gaps->graph(0)->data()->at(i)->key, double(times[size_t(i) + 1]) / 1e6);
    }
    auto* gapMedian = gaps->findChild<QCPItemStraightLine*>(QStringLiteral("median"));
    QVERIFY(gapMedian);
    QCOMPARE(gapMedian->point1->value(), 60.0);
    auto* gapBand = gaps->findChild<QCPItemRect*>(QStringLiteral("jitterBand"));
    QCOMPARE(gapBand->topLeft->value(), 62.5);
    QCOMPARE(gapBand->bottomRight->value(), 57.5);

    // (3) Histogram: 40 bins, the five 60 s gaps in one, the median line at 60, the band +-2.5.
    QCustomPlot* hist = w.plot(IntervalChartsWidget::HistogramChart);
    auto* bars = qobject_cast<QCPBars*>(hist->plottable(0));
    QCOMPARE(bars->dataCount(), 40);
    const double width = 115.5 * 1.5 / 40;
    double total = 0;
    for (int i = 0; i < 40; ++i) {
        total += bars->data()->at(i)->value;
    }
    QCOMPARE(total, 10.0);
    QCOMPARE(bars->data()->at(int(60 / width))->value, 5.0);
    QVERIFY(std::abs(bars->data()->at(int(60 / width))->key - (int(60 / width) + 0.5) * width) < 1e-9);
    auto* histMedian = hist->findChild<QCPItemStraightLine*>(QStringLiteral("median"));
    QCOMPARE(histMedian->point1->key(), 60.0);
    QCOMPARE(histMedian->point2->key(), 60.0);
    auto* histBand = hist->findChild<QCPItemRect*>(QStringLiteral("jitterBand"));
    QCOMPARE(histBand->topLeft->key(), 57.5);
    QCOMPARE(histBand->bottomRight->key(), 62.5);

    // (4) Bytes sent and received per request.
    QCustomPlot* bytes = w.plot(IntervalChartsWidget::BytesChart);
    QCOMPARE(bytes->graph(0)->dataCount(), 11);
    QCOMPARE(bytes->graph(0)->data()->at(0)->value, 300.0);
    QCOMPARE(bytes->graph(1)->data()->at(0)->value, 20000.0);
    QCOMPARE(bytes->graph(1)->data()->at(1)->value, 500.0);

    // (5) Heat map: all 11 in the 22:00 UTC row of the one day (and an empty next day, for width,
    // that the axis does not show: the evidence does not cover it).
    auto* map = qobject_cast<QCPColorMap*>(w.plot(IntervalChartsWidget::HeatMapChart)->plottable(0));
    QCOMPARE(map->data()->keySize(), 2);
    QCOMPARE(map->data()->cell(1, 22), 0.0);
    const QCPRange days = w.plot(IntervalChartsWidget::HeatMapChart)->xAxis->range();
    QCOMPARE(days.size(), 86400.0);
    QVERIFY(days.lower <= times.front() / 1e6 && times.back() / 1e6 < days.upper);
    QCOMPARE(map->data()->valueSize(), 24);
    QCOMPARE(map->data()->cell(0, 22), 11.0);
    QCOMPARE(map->data()->cell(0, 21), 0.0);

    // Time axes in UTC and labelled so.
    QCOMPARE(req->xAxis->label(), QStringLiteral("Time (UTC)"));
    QCOMPARE(qSharedPointerCast<QCPAxisTickerDateTime>(req->xAxis->ticker())->dateTimeSpec(), Qt::UTC);
    // The three time charts share their range.
    w.setTimeRange(times[2], times[6]);
    QCOMPARE(gaps->xAxis->range().lower, double(times[2]) / 1e6);
    QCOMPARE(bytes->xAxis->range().upper, double(times[6]) / 1e6);
    bytes->xAxis->setRange(double(times[1]) / 1e6, double(times[4]) / 1e6);
    QCOMPARE(req->xAxis->range().lower, double(times[1]) / 1e6);
    // Keyboard: + zooms in around the centre, 0 resets to the channel.
    const double before = req->xAxis->range().size();
    QTest::keyClick(&w, Qt::Key_Plus);
    QVERIFY(std::abs(req->xAxis->range().size() - before * 0.8) < 1e-6);
    QTest::keyClick(&w, Qt::Key_0);
    QVERIFY(req->xAxis->range().lower < double(times.front()) / 1e6);
    QVERIFY(req->xAxis->range().upper > double(times.back()) / 1e6);

    // Any host + destination, without an alert: ws02's single pastebin request.
    w.showHostDestination(InvestigationFixture::kOtherHost, 1);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(loaded.last()[0].toLongLong(), qint64(-1));
    QCOMPARE(w.series().times.size(), 1);
    QCOMPARE(gaps->graph(0)->dataCount(), 0);
}

// Issue 19: with no channel, or a channel without usable timing, the charts drew empty axes at
// 1970 and stray dashed diagonals (the median lines at their default coordinates). Now a label
// says why, and the charts are hidden unless they still show something true.
// Squid's native format logs no request size (bytes_out NULL): the sent crosses were drawn at 1 B, a
// row of one-byte requests, beside the detail's "sent not logged". They are not drawn, and the
// legend says so.
void TestInvestigationViews::bytesTheLogDidNotRecordAreNotDrawn() {
    const QString c = dir_.filePath(QStringLiteral("no-sent-bytes.socwb"));
    InvestigationFixture::write(c);
    {
        auto store = CaseStore::open(c);
        Statement st(store->db(), "UPDATE proxy_rows SET bytes_out = NULL"); // not logged
        st.exec();
    }
    IntervalChartsWidget w;
    w.resize(1366, 768);
    w.show();
    QSignalSpy loaded(&w, &IntervalChartsWidget::channelLoaded);
    QSignalSpy failed(&w, &IntervalChartsWidget::loadFailed);
    w.setCase(c);
    w.showChannel(InvestigationFixture::kAlertId);
    QVERIFY2(loaded.wait(10000), failed.isEmpty() ? "" : qPrintable(failed.last().at(0).toString()));
    QCustomPlot* bytes = w.plot(IntervalChartsWidget::BytesChart);
    QCOMPARE(bytes->graph(0)->dataCount(), 0);
    QCOMPARE(bytes->graph(0)->name(), QStringLiteral("sent: not logged"));
    QCOMPARE(bytes->graph(1)->dataCount(), 11);
    QCOMPARE(bytes->graph(1)->data()->at(0)->value, 20000.0);
    QCOMPARE(bytes->graph(1)->name(), QStringLiteral("received (server \u2192 client)"));
    QCOMPARE(bytes->yAxis->label(), QStringLiteral("Bytes (log)"));
}

void TestInvestigationViews::chartsNameWhyTheyAreEmpty() {
    IntervalChartsWidget w;
    w.resize(1366, 768);
    w.show();
    auto* empty = w.findChild<QLabel*>(QStringLiteral("emptyState"));
    QVERIFY(empty);
    const auto reason = [empty] { return empty->isVisible() ? empty->text() : QString(); };
    QCustomPlot* req = w.plot(IntervalChartsWidget::RequestsChart);
    QCustomPlot* gaps = w.plot(IntervalChartsWidget::IntervalsChart);
    QCustomPlot* hist = w.plot(IntervalChartsWidget::HistogramChart);
    // Nothing selected (a case with no alerts stays so).
    QVERIFY(empty->isVisible());
    QVERIFY2(reason().contains(QStringLiteral("No channel selected")), qPrintable(reason()));
    QVERIFY(!req->isVisible());
    QVERIFY(!gaps->findChild<QCPItemStraightLine*>(QStringLiteral("median"))->visible());
    QVERIFY(!hist->findChild<QCPItemStraightLine*>(QStringLiteral("median"))->visible());

    // A channel whose polls have no usable time.
    ChannelSeries none;
    none.alertId = 7;
    w.setSeries(none);
    QVERIFY2(reason().contains(QStringLiteral("no events with a usable time")), qPrintable(reason()));
    QVERIFY(!req->isVisible());

    // 100 polls in one microsecond: one instant, no interval, no "median interval 0.0 s".
    const int64_t t0 = 1'700'000'000'000'000;
    ChannelSeries instant = ChannelSeries::fromRequests(std::vector<int64_t>(100, t0), {}, {});
    instant.alertId = 7;
    w.setSeries(instant);
    QVERIFY2(reason().contains(QStringLiteral("All 100 polls fall on one instant, 2023-11-14 22:13:20 UTC")),
             qPrintable(reason()));
    QVERIFY(!req->isVisible());
    for (QLabel* l : w.findChildren<QLabel*>()) {
        QVERIFY2(!l->text().contains(QStringLiteral("median interval 0.0 s")), qPrintable(l->text()));
    }

    // Most gaps zero: the polls are real and charted, the median is named unmeasurable.
    ChannelSeries burst = ChannelSeries::fromRequests({t0, t0, t0, t0 + 60'000'000}, {}, {});
    burst.alertId = 7;
    w.setSeries(burst);
    QVERIFY2(reason().contains(QStringLiteral("Median interval unmeasurable: 2 of the 3 gaps")), qPrintable(reason()));
    QVERIFY(req->isVisible());
    QVERIFY(!gaps->findChild<QCPItemStraightLine*>(QStringLiteral("median"))->visible());

    // A measurable channel: no empty state, the time axis around its polls, not at the epoch.
    ChannelSeries good = ChannelSeries::fromRequests({t0, t0 + 60'000'000, t0 + 120'000'000}, {}, {});
    good.alertId = 7;
    w.setSeries(good);
    QVERIFY(reason().isEmpty());
    QVERIFY(!empty->isVisible());
    QVERIFY(req->isVisible());
    QVERIFY(req->xAxis->range().lower > 1.6e9);

    // Another case: the last channel is not shown over it.
    w.setCase(case_);
    QVERIFY(reason().contains(QStringLiteral("No channel selected")));
    QVERIFY(!req->isVisible());
}

void TestInvestigationViews::chartsBrushAndExport() {
    IntervalChartsWidget w;
    w.resize(1366, 768);
    w.show();
    w.setSeries(ChannelSeries::fromRequests(InvestigationFixture::channelTimes(), {}, {}));
    QSignalSpy selected(&w, &IntervalChartsWidget::timeRangeSelected);
    const auto times = InvestigationFixture::channelTimes();
    w.selectTimeRange(times[1], times[5]);
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected[0][0].toLongLong(), times[1]);
    QCOMPARE(selected[0][1].toLongLong(), times[5]);
    // Dragging the brush on a chart gives the range under the drag.
    QCustomPlot* bytes = w.plot(IntervalChartsWidget::BytesChart);
    bytes->replot();
    const int x0 = int(bytes->xAxis->coordToPixel(double(times[2]) / 1e6));
    const int x1 = int(bytes->xAxis->coordToPixel(double(times[8]) / 1e6));
    emit bytes->selectionRect()->accepted(QRect(x0, 20, x1 - x0, 40), nullptr);
    QCOMPARE(selected.size(), 2);
    const double pxSeconds = bytes->xAxis->range().size() / bytes->axisRect()->width();
    QVERIFY(std::abs(selected[1][0].toLongLong() / 1e6 - double(times[2]) / 1e6) <= 2 * pxSeconds);
    QVERIFY(std::abs(selected[1][1].toLongLong() / 1e6 - double(times[8]) / 1e6) <= 2 * pxSeconds);

    for (int c = 0; c < IntervalChartsWidget::ChartCount; ++c) {
        for (const char* suffix : {"png", "pdf"}) {
            const QString path = dir_.filePath(QStringLiteral("chart%1.%2").arg(c).arg(QLatin1String(suffix)));
            QVERIFY2(w.exportChart(IntervalChartsWidget::Chart(c), path), qPrintable(path));
            QVERIFY(QFileInfo(path).size() > 1000);
        }
    }
    QVERIFY(!w.exportChart(IntervalChartsWidget::RequestsChart, dir_.filePath(QStringLiteral("x.svg"))));
    QImage png(dir_.filePath(QStringLiteral("chart2.png")));
    QVERIFY(png.width() >= 800);
}

// Issue 28, item 1: the second alert is on another host; the process tree, quicker than the
// timeline, sets its process filter while the timeline still loads that alert. The timeline shows
// the second alert's host (it showed the first's, with the second's process: every lane empty).
void TestInvestigationViews::timelineFollowsTheSecondAlertsHost() {
    const QString c = dir_.filePath(QStringLiteral("two-hosts.socwb"));
    InvestigationFixture::write(c);
    qint64 second = 0;
    {
        auto store = CaseStore::open(c);
        FixtureAlert a;
        a.host = QStringLiteral("ws02");
        a.hostId = InvestigationFixture::kOtherHost;
        a.processId = 9;
        a.process = QStringLiteral("certutil.exe");
        a.destination = QStringLiteral("docs.google.com");
        second = insertAlert(store->db(), a);
    }
    HostTimelineWidget w;
    w.resize(1366, 768);
    w.show();
    QSignalSpy drawn(&w, &HostTimelineWidget::rangeDrawn);
    w.setCase(c);
    w.showChannel(InvestigationFixture::kAlertId);
    QVERIFY(drawn.wait(10000));
    QCOMPARE(w.hostId(), InvestigationFixture::kHost);
    w.showChannel(second);
    w.setProcessFilter(9); // what the process tree's processSelected does when it is first
    QVERIFY(QTest::qWaitFor([&] { return w.hostId() == InvestigationFixture::kOtherHost; }, 10000));
    QString title;
    for (auto* l : w.findChildren<QLabel*>()) {
        title += l->text() + QLatin1Char('\n');
    }
    // Named as the analyst knows them, not by the case file's ids ("alert 108", "process 9").
    QVERIFY2(title.contains(QLatin1String("ws02")) && title.contains(QLatin1String("only explorer.exe (PID 700)")),
             qPrintable(title));
}

// A channel whose process shows only a minute of the host's evidence (a poller that runs a new
// curl.exe each time: the alert names the first) opens on the channel, not on that minute: the
// view was cut to the filtered evidence and opened on one minute of a 15-hour channel.
void TestInvestigationViews::timelineOpensOnTheChannelWithOneProcess() {
    const QString c = dir_.filePath(QStringLiteral("one-process.socwb"));
    InvestigationFixture::write(c);
    addShortLivedCurl(c);
    HostTimelineWidget w;
    w.resize(1366, 768);
    w.show();
    QSignalSpy drawn(&w, &HostTimelineWidget::rangeDrawn);
    w.setCase(c);
    w.showChannel(InvestigationFixture::kAlertId);
    w.setProcessFilter(10); // the process tree's processSelected, before the channel has loaded
    QVERIFY(
        QTest::qWaitFor([&] { return w.hostId() == InvestigationFixture::kHost && w.processFilter() == 10; }, 10000));
    QVERIFY(QTest::qWaitFor([&] { return !drawn.isEmpty(); }, 10000));
    const auto times = InvestigationFixture::channelTimes();
    QVERIFY2(w.visibleFromUs() <= times.front() && w.visibleToUs() >= times.back(),
             qPrintable(QStringLiteral("%1..%2 for a channel %3..%4")
                            .arg(w.visibleFromUs())
                            .arg(w.visibleToUs())
                            .arg(times.front())
                            .arg(times.back())));
}

// A host opens on its evidence with room either side: it opened exactly on its first and last
// minute, and a mark there (the sample case's top alert: its process start) hid under the axis.
void TestInvestigationViews::timelineLeavesRoomAtItsEdges() {
    TimelineBuckets b;
    {
        auto store = CaseStore::open(case_);
        b = TimelineQuery(store->db(), InvestigationFixture::kHost, -1).minuteCounts();
    }
    QVERIFY(b.lastUs() > b.firstUs());
    HostTimelineWidget w;
    w.resize(1366, 768);
    w.show();
    QSignalSpy loaded(&w, &HostTimelineWidget::hostLoaded);
    w.setCase(case_);
    w.showHost(InvestigationFixture::kHost);
    QVERIFY(loaded.wait(10000));
    const qint64 room = (b.lastUs() - b.firstUs()) / 100;
    QVERIFY2(w.visibleFromUs() <= b.firstUs() - room && w.visibleToUs() >= b.lastUs() + room,
             qPrintable(QStringLiteral("%1..%2 for evidence %3..%4")
                            .arg(w.visibleFromUs())
                            .arg(w.visibleToUs())
                            .arg(b.firstUs())
                            .arg(b.lastUs())));
}

// The process tree selects the channel's process while the timeline loads the channel: the
// timeline opened on the process's evidence when the selection came first and on the host's when
// it came second (the sample case's top alert: 09:30 one start, 08:04 the next, seen on two
// screenshots). Either way it now opens alike; a range the analyst chose still stays.
void TestInvestigationViews::timelineOpensAlikeWhicheverReaderWins() {
    const QString c = dir_.filePath(QStringLiteral("race.socwb"));
    InvestigationFixture::write(c);
    addShortLivedCurl(c);
    const auto opened = [&](bool filterFirst, std::optional<std::pair<qint64, qint64>> chosen = std::nullopt) {
        HostTimelineWidget w;
        w.resize(1366, 768);
        w.show();
        QSignalSpy drawn(&w, &HostTimelineWidget::rangeDrawn);
        w.setCase(c);
        w.showChannel(InvestigationFixture::kAlertId);
        if (filterFirst) {
            w.setProcessFilter(10);
        } else {
            if (!QTest::qWaitFor([&] { return w.hostId() == InvestigationFixture::kHost && !drawn.isEmpty(); },
                                 10000)) {
                return std::pair<qint64, qint64>{-1, -1};
            }
            if (chosen) {
                w.setTimeRange(chosen->first, chosen->second);
            }
            drawn.clear();
            w.setProcessFilter(10);
        }
        if (!QTest::qWaitFor([&] { return w.processFilter() == 10 && w.hostId() == InvestigationFixture::kHost; },
                             10000) ||
            !QTest::qWaitFor([&] { return !drawn.isEmpty(); }, 10000)) {
            return std::pair<qint64, qint64>{-2, -2};
        }
        QTest::qWait(200); // a load still on its way would move it
        return std::pair<qint64, qint64>{w.visibleFromUs(), w.visibleToUs()};
    };
    const auto first = opened(true), second = opened(false);
    QVERIFY(first.first > 0);
    QCOMPARE(second, first);
    const auto times = InvestigationFixture::channelTimes();
    const std::pair<qint64, qint64> chosen{times.front() - 60'000'000, times.front() + 600'000'000};
    const auto kept = opened(false, chosen);
    QVERIFY2(std::abs(kept.first - chosen.first) < 1000 && std::abs(kept.second - chosen.second) < 1000,
             qPrintable(QStringLiteral("%1..%2 after choosing %3..%4")
                            .arg(kept.first)
                            .arg(kept.second)
                            .arg(chosen.first)
                            .arg(chosen.second)));
}

void TestInvestigationViews::timelineDrawsLanesAndRecord() {
    HostTimelineWidget w;
    w.resize(1366, 768);
    w.show();
    QAbstractItemModelTester tester(w.eventModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy drawn(&w, &HostTimelineWidget::rangeDrawn);
    w.setCase(case_);
    w.showChannel(InvestigationFixture::kAlertId);
    QVERIFY(drawn.wait(10000));
    QCOMPARE(w.hostId(), InvestigationFixture::kHost);
    // Few events: every lane shows them one by one; the channel's eleven in red over the proxy lane.
    QVERIFY(w.laneShowsEvents(TimelineQuery::ProxyLane));
    QCustomPlot* p = w.plot();
    QCOMPARE(p->graph(TimelineQuery::ProxyLane)->dataCount(), 16);
    QCOMPARE(p->graph(TimelineQuery::LaneCount)->dataCount(), 11); // the channel's marks
    // The header names the channel by its destination, not by the case file's alert id.
    QString header;
    for (auto* l : w.findChildren<QLabel*>()) {
        header += l->text() + QLatin1Char('\n');
    }
    QVERIFY2(header.contains(QLatin1String("red: the channel to pastebin.com")), qPrintable(header));
    QCOMPARE(p->graph(TimelineQuery::NetworkLane)->dataCount(), 2);
    QCOMPARE(p->graph(TimelineQuery::NoteLane)->dataCount(), 1);
    QCOMPARE(p->xAxis->label(), QStringLiteral("Time (UTC)"));
    // The table holds the visible range's events by time.
    const int rows = w.eventModel()->rowCount();
    QVERIFY(rows >= 16 + 2 + 1 + 1 + 1);
    for (int r = 1; r < rows; ++r) {
        QVERIFY(w.eventModel()->eventAt(r - 1).tsUs <= w.eventModel()->eventAt(r).tsUs);
    }
    // Zoom to the first five minutes: the table follows.
    const int64_t t0 = InvestigationFixture::kT0;
    w.setTimeRange(t0, t0 + 300'000'000);
    w.redraw();
    QVERIFY(drawn.wait(10000));
    for (int r = 0; r < w.eventModel()->rowCount(); ++r) {
        QVERIFY(w.eventModel()->eventAt(r).tsUs >= t0 && w.eventModel()->eventAt(r).tsUs < t0 + 300'000'000);
    }
    QCOMPARE(p->graph(TimelineQuery::ProxyLane)->dataCount(), 5 + 5); // channel 0..4 and the browsing
    // Selecting an event shows its record and provenance as plain text.
    QSignalSpy shown(&w, &HostTimelineWidget::recordShown);
    QSignalSpy activated(&w, &HostTimelineWidget::eventActivated);
    w.selectEvent(TimelineQuery::ProxyLane, 3);
    QCOMPARE(activated.size(), 1);
    QVERIFY(shown.wait(10000));
    QVERIFY(w.recordText().contains(QStringLiteral("Provenance: /evidence/access.log (squid), line 3")));
    // Keyboard: + zooms in around the centre, Left pans back by a tenth.
    const QCPRange before = p->xAxis->range();
    QTest::keyClick(&w, Qt::Key_Plus);
    QVERIFY(std::abs(p->xAxis->range().size() - before.size() * 0.8) < 1e-6);
    QTest::keyClick(&w, Qt::Key_Left);
    QVERIFY(std::abs(p->xAxis->range().center() - (before.center() - before.size() * 0.08)) < 1e-3);
    // Local time is a switch; the zone is named either way.
    w.setLocalTime(true);
    QVERIFY(p->xAxis->label().startsWith(QStringLiteral("Time (local, ")));
    QCOMPARE(qSharedPointerCast<QCPAxisTickerDateTime>(p->xAxis->ticker())->dateTimeSpec(), Qt::LocalTime);
    w.setLocalTime(false);
    QCOMPARE(p->xAxis->label(), QStringLiteral("Time (UTC)"));
}

void TestInvestigationViews::treeRevealsAlertProcess() {
    ProcessTreeWidget w;
    w.resize(1366, 768);
    w.show();
    QAbstractItemModelTester tester(w.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&w, &ProcessTreeWidget::hostLoaded);
    QSignalSpy selected(&w, &ProcessTreeWidget::processSelected);
    w.setCase(case_);
    w.showChannel(InvestigationFixture::kAlertId);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(w.hostId(), InvestigationFixture::kHost);
    // Revealed: powershell selected, its ancestors and itself expanded (its connections and query
    // arrive in the background), nothing else.
    QCOMPARE(w.selectedProcess(), InvestigationFixture::kPowerShell);
    QCOMPARE(selected.last()[0].toLongLong(), InvestigationFixture::kPowerShell);
    ProcessTreeModel* m = w.model();
    for (qint64 id : {1, 2, 3}) {
        QVERIFY(w.view()->isExpanded(m->indexForProcess(id)));
    }
    QVERIFY(!w.view()->isExpanded(m->indexForProcess(5)));
    QVERIFY(w.lineageText().contains(QStringLiteral("taskhostw.exe")));
    w.copyLineage();
    QCOMPARE(QApplication::clipboard()->text(), w.lineageText());
    const QModelIndex ps = m->indexForProcess(InvestigationFixture::kPowerShell);
    QVERIFY(w.view()->isExpanded(ps));
    QTRY_COMPARE_WITH_TIMEOUT(m->rowCount(ps), 3, 10000);
    // Search moves the selection to the next match.
    QVERIFY(w.findNext(QStringLiteral("winword")));
    QCOMPARE(w.selectedProcess(), 6);
    QVERIFY(w.view()->isExpanded(m->indexForProcess(5)));
    QVERIFY(!w.findNext(QStringLiteral("no-such-image")));
    // Next suspicious walks the flagged processes by start time, wrapping: cmd.exe, upd.exe.
    QVERIFY(w.nextSuspicious());
    QCOMPARE(w.selectedProcess(), 7);
    QVERIFY(w.nextSuspicious());
    QCOMPARE(w.selectedProcess(), 8);
    QVERIFY(w.nextSuspicious());
    QCOMPARE(w.selectedProcess(), 7);
    // Another host's process: the tree switches host, then reveals it.
    w.revealProcess(9);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(w.hostId(), InvestigationFixture::kOtherHost);
    QCOMPARE(w.selectedProcess(), 9);
}

// A channel polled by a new process each time (certutil.exe from a scheduled task: 46 of them in
// 46 polls) opened the timeline filtered to its first process, one poll of 46 in view. Its first
// process is still revealed in the tree, but the timeline keeps the host's events with the
// channel's in red; a process the analyst picks filters it as before.
void TestInvestigationViews::channelOfManyProcessesKeepsTheHostsTimeline() {
    const QString c = dir_.filePath(QStringLiteral("many-processes.socwb"));
    InvestigationFixture::write(c);
    const auto opened = [&](const char* features) {
        {
            auto store = CaseStore::open(c);
            Statement st(store->db(), "UPDATE alerts SET features = ? WHERE id = ?");
            st.bind(1, std::string(features)).bind(2, int64_t(InvestigationFixture::kAlertId)).exec();
        }
        HostTimelineWidget timeline;
        ProcessTreeWidget tree;
        linkInvestigationViews(nullptr, &timeline, &tree);
        QSignalSpy treeLoaded(&tree, &ProcessTreeWidget::hostLoaded);
        QSignalSpy drawn(&timeline, &HostTimelineWidget::rangeDrawn);
        timeline.setCase(c);
        tree.setCase(c);
        timeline.showChannel(InvestigationFixture::kAlertId);
        tree.showChannel(InvestigationFixture::kAlertId);
        if (!treeLoaded.wait(10000) || !QTest::qWaitFor([&] { return !drawn.isEmpty(); }, 10000)) {
            return std::pair<qint64, qint64>{-2, -2};
        }
        QTest::qWait(100); // a filter on its way
        return std::pair<qint64, qint64>{tree.selectedProcess(), timeline.processFilter()};
    };
    // One process: the tree's selection filters the timeline to it, as before.
    QCOMPARE(opened(R"({"process_count":1})"),
             (std::pair<qint64, qint64>{InvestigationFixture::kPowerShell, InvestigationFixture::kPowerShell}));
    // Several: revealed, no filter.
    QCOMPARE(opened(R"({"process_count":46})"), (std::pair<qint64, qint64>{InvestigationFixture::kPowerShell, -1}));
}

void TestInvestigationViews::linkedSelectionPropagates() {
    IntervalChartsWidget charts;
    HostTimelineWidget timeline;
    ProcessTreeWidget tree;
    linkInvestigationViews(&charts, &timeline, &tree);
    for (QWidget* w : std::initializer_list<QWidget*>{&charts, &timeline, &tree}) {
        w->resize(1000, 700);
        w->show();
    }
    charts.setCase(case_);
    timeline.setCase(case_);
    tree.setCase(case_);
    QSignalSpy timelineDrawn(&timeline, &HostTimelineWidget::rangeDrawn);
    QSignalSpy treeLoaded(&tree, &ProcessTreeWidget::hostLoaded);
    timeline.showChannel(InvestigationFixture::kAlertId);
    tree.showHost(InvestigationFixture::kHost);
    QVERIFY(timelineDrawn.wait(10000));
    QTRY_COMPARE_WITH_TIMEOUT(treeLoaded.size(), 1, 10000);

    // A range selected in the charts becomes the timeline's range, and its table follows.
    const auto times = InvestigationFixture::channelTimes();
    charts.selectTimeRange(times[2], times[4]);
    QCOMPARE(timeline.visibleFromUs(), times[2]);
    QCOMPARE(timeline.visibleToUs(), times[4]);
    timeline.redraw();
    QVERIFY(timelineDrawn.wait(10000));
    QCOMPARE(timelineDrawn.last()[0].toLongLong(), times[2]);
    for (int r = 0; r < timeline.eventModel()->rowCount(); ++r) {
        QVERIFY(timeline.eventModel()->eventAt(r).tsUs >= times[2]);
    }

    // Selecting a process filters the timeline to it.
    QSignalSpy hostLoaded(&timeline, &HostTimelineWidget::hostLoaded);
    tree.revealProcess(5); // explorer.exe: no web requests of its own
    QCOMPARE(timeline.processFilter(), 5);
    QVERIFY(hostLoaded.wait(10000));
    QVERIFY(timelineDrawn.wait(10000));
    QCOMPARE(timeline.plot()->graph(TimelineQuery::ProxyLane)->dataCount(), 0);

    // Activating a process start in the timeline reveals it in the tree.
    timeline.selectEvent(TimelineQuery::ProcessLane, 7);
    QCOMPARE(tree.selectedProcess(), 7);
}

void TestInvestigationViews::htmlInCommandLineStaysText() {
    ProcessTreeWidget w;
    w.show();
    QSignalSpy loaded(&w, &ProcessTreeWidget::hostLoaded);
    w.setCase(case_);
    w.showHost(InvestigationFixture::kHost);
    QVERIFY(loaded.wait(10000));
    w.revealProcess(InvestigationFixture::kPowerShell);
    QVERIFY(w.detailsText().contains(InvestigationFixture::powershellCommandLine()));
    bool found = false;
    for (QLabel* l : w.findChildren<QLabel*>()) {
        if (l->text().contains(QStringLiteral("<img src=x>"))) {
            QCOMPARE(l->textFormat(), Qt::PlainText);
            found = true;
        }
    }
    QVERIFY(found);
    // The tree cell shows the literal text: render it and compare with a label showing the same.
    const QModelIndex ps = w.model()->indexForProcess(InvestigationFixture::kPowerShell);
    const QModelIndex cmd = w.model()->index(ps.row(), ProcessTreeModel::CommandLineColumn, ps.parent());
    QCOMPARE(cmd.data().toString(), InvestigationFixture::powershellCommandLine());
}

// A view with a wrapping label inside a fold area takes the viewport's height whenever its minimum
// fits: QScrollArea gave it its preferred height for the width, and the charts at 1366x768 scrolled
// by 17 px with the heat map's axis label under the edge.
void TestInvestigationViews::foldAreaFitsAViewAtItsMinimum() {
    struct Tall : QWidget {
        QSize sizeHint() const override { return {200, 600}; }
        QSize minimumSizeHint() const override { return {200, 300}; }
    };
    auto* body = new QWidget;
    auto* layout = new QVBoxLayout(body);
    auto* label = new QLabel(QStringLiteral("a title long enough to wrap ").repeated(8));
    label->setWordWrap(true);
    layout->addWidget(label);
    layout->addWidget(new Tall, 1);
    FoldArea area(body, QStringLiteral("Test view"), 100);
    area.resize(500, 420);
    area.show();
    QVERIFY(QTest::qWaitForWindowExposed(&area));
    auto* scroll = area.findChild<QScrollArea*>();
    QVERIFY(scroll);
    QVERIFY(!area.isFolded());
    QCOMPARE(body->height(), scroll->viewport()->height());
    QVERIFY(!scroll->verticalScrollBar()->isVisible());
    QVERIFY(!area.isCramped());
    // Below its minimum it scrolls rather than squeezing, and says so (the window then gives a view
    // raised by its tab its own height).
    area.resize(500, 250);
    QTRY_VERIFY(scroll->verticalScrollBar()->isVisible());
    QVERIFY(area.isCramped());
    QVERIFY(body->height() > scroll->viewport()->height());
}

void TestInvestigationViews::navigationHistory() {
    NavigationHistory h;
    QSignalSpy moved(&h, &NavigationHistory::navigated);
    QObject owner;
    QAction* backAction = h.createBackAction(&owner);
    QAction* forwardAction = h.createForwardAction(&owner);
    QVERIFY(!backAction->isEnabled());
    QVERIFY(!h.canGoBack());
    QVERIFY(!h.back());
    NavigationEntry a{NavigationEntry::Intervals, 1, 1, -1, 0, 0};
    NavigationEntry b{NavigationEntry::Timeline, 1, 1, -1, 100, 200};
    NavigationEntry c{NavigationEntry::ProcessTree, 1, 1, 4, 0, 0};
    h.visit(a);
    h.visit(b);
    h.visit(b); // the same place twice is one step
    h.visit(c);
    QCOMPARE(h.size(), 3);
    QVERIFY(backAction->isEnabled());
    QVERIFY(!forwardAction->isEnabled());
    backAction->trigger(); // the tool bar's Back
    QCOMPARE(h.current(), b);
    QCOMPARE(moved.last()[0].value<NavigationEntry>(), b);
    QVERIFY(forwardAction->isEnabled());
    QVERIFY(h.back());
    QCOMPARE(h.current(), a);
    QVERIFY(!h.canGoBack());
    QVERIFY(h.forward());
    QCOMPARE(h.current(), b);
    // Going somewhere new from the middle drops what was ahead.
    NavigationEntry d{NavigationEntry::Timeline, 2, 2, -1, 5, 6};
    h.visit(d);
    QVERIFY(!h.canGoForward());
    QCOMPARE(h.size(), 3);
    QVERIFY(h.back());
    QCOMPARE(h.current(), b);
    // A zoom updates the place without a new step.
    NavigationEntry zoomed = b;
    zoomed.fromUs = 120;
    h.updateCurrent(zoomed);
    QCOMPARE(h.size(), 3);
    QVERIFY(h.forward());
    QVERIFY(h.back());
    QCOMPARE(h.current().fromUs, 120);
    for (int i = 0; i < NavigationHistory::kMaxEntries + 10; ++i) {
        h.visit(NavigationEntry{NavigationEntry::Timeline, i, 1, -1, 0, 0});
    }
    QCOMPARE(h.size(), NavigationHistory::kMaxEntries);
}

QTEST_MAIN(TestInvestigationViews)
#include "tst_investigation_views.moc"
