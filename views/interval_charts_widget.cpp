#include "interval_charts_widget.h"

#include "axis_keys.h"
#include "current_case.h"
#include "store/case_reader.h"
#include "tables/alert_detail.h"
#include "tables/plain_text.h"

#include <qcustomplot.h>

#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMenu>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace socwb {

namespace {

// A legend in a row of its own under the plotted area, one line, never over the data (issue 18:
// the legends sat on the requests and the bytes at both window sizes).
void legendBelow(QCustomPlot* p) {
    const int row = p->plotLayout()->rowCount();
    p->plotLayout()->addElement(row, 0, p->legend); // taken out of the axis rect's inset layout
    p->plotLayout()->setRowStretchFactor(row, 0.001);
    p->legend->setFillOrder(QCPLegend::foColumnsFirst);
    p->legend->setWrap(4);
    p->legend->setRowSpacing(0);
    p->legend->setColumnSpacing(12);
    p->legend->setBorderPen(Qt::NoPen);
    p->legend->setMargins(QMargins(4, 0, 4, 2));
}

constexpr double kUs = 1e6;

const QColor kSizeColors[IntervalChartsWidget::SizeClassCount] = {
    QColor(120, 120, 120), QColor(44, 123, 182), QColor(0, 150, 100), QColor(230, 140, 0), QColor(200, 30, 45)};
const char* const kSizeNames[IntervalChartsWidget::SizeClassCount] = {"size unknown", "< 1 KB", "1-10 KB", "10-100 KB",
                                                                      ">= 100 KB"};

int sizeClass(double bytes) {
    if (bytes < 0) {
        return IntervalChartsWidget::SizeUnknown;
    }
    if (bytes < 1024) {
        return IntervalChartsWidget::SizeUnder1K;
    }
    if (bytes < 10240) {
        return IntervalChartsWidget::SizeUnder10K;
    }
    return bytes < 102400 ? IntervalChartsWidget::SizeUnder100K : IntervalChartsWidget::SizeLarge;
}

QSharedPointer<QCPAxisTickerDateTime> utcTicker() {
    QSharedPointer<QCPAxisTickerDateTime> t(new QCPAxisTickerDateTime);
    t->setDateTimeSpec(Qt::UTC);
    t->setDateTimeFormat(QStringLiteral("MM-dd\nHH:mm"));
    t->setTickCount(6);
    return t;
}

void useLogAxis(QCPAxis* axis) {
    axis->setScaleType(QCPAxis::stLogarithmic);
    QSharedPointer<QCPAxisTickerLog> t(new QCPAxisTickerLog);
    axis->setTicker(t);
    // Plain numbers ("60", "100"): a channel's intervals rarely span more than a few decades.
    axis->setNumberFormat(QStringLiteral("g"));
    axis->setNumberPrecision(4);
}

QString seconds(double s) {
    if (s >= 3600) {
        return QStringLiteral("%1 h").arg(s / 3600, 0, 'f', 2);
    }
    if (s >= 120) {
        return QStringLiteral("%1 min").arg(s / 60, 0, 'f', 1);
    }
    return QStringLiteral("%1 s").arg(s, 0, 'f', 1);
}

// A band across the axis rect's whole height between two keys.
QCPItemRect* verticalBand(QCustomPlot* plot, const QColor& fill) {
    auto* r = new QCPItemRect(plot);
    r->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
    r->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
    r->setPen(Qt::NoPen);
    r->setBrush(fill);
    r->setVisible(false);
    r->setSelectable(false);
    return r;
}

} // namespace

IntervalChartsWidget::IntervalChartsWidget(QWidget* parent)
    : QWidget(parent), reader_(std::make_unique<CaseReader>()), title_(new QLabel(this)), stats_(new QLabel(this)),
      emptyState_(new QLabel(this)), chartArea_(new QWidget(this)), brushButton_(new QToolButton(this)) {
    setFocusPolicy(Qt::StrongFocus);
    title_->setTextFormat(Qt::PlainText); // host, destination and image come from evidence
    // A long image path wraps (and, with no space in it, is cut) rather than pushing the chart
    // buttons out of the window at 1366x768.
    title_->setWordWrap(true);
    title_->setMinimumWidth(1);
    stats_->setTextFormat(Qt::PlainText);
    emptyState_->setObjectName(QStringLiteral("emptyState"));
    emptyState_->setTextFormat(Qt::PlainText); // the timing note quotes evidence
    emptyState_->setWordWrap(true);
    emptyState_->setAlignment(Qt::AlignCenter);
    emptyState_->setMargin(12);
    QFont bold = title_->font();
    bold.setBold(true);
    title_->setFont(bold);
    title_->setText(tr("No channel selected"));
    connect(reader_.get(), &CaseReader::openFailed, this, &IntervalChartsWidget::loadFailed);

    brushButton_->setText(tr("Select range"));
    brushButton_->setCheckable(true);
    brushButton_->setToolTip(tr("Drag across a time chart to select a time range for the timeline. "
                                "Off: drag pans, the wheel zooms; keys + - \u2190 \u2192 0"));
    auto* reset = new QToolButton(this);
    reset->setText(tr("Reset zoom"));
    connect(reset, &QToolButton::clicked, this, &IntervalChartsWidget::resetZoom);
    auto* exportButton = new QToolButton(this);
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* exportMenu = new QMenu(exportButton);
    for (int c = 0; c < ChartCount; ++c) {
        exportMenu->addAction(chartName(Chart(c)) + QStringLiteral("\u2026"), this,
                              [this, c] { chooseExport(Chart(c)); });
    }
    exportButton->setMenu(exportMenu);

    auto* bar = new QHBoxLayout;
    bar->addWidget(title_, 1);
    bar->addWidget(brushButton_);
    bar->addWidget(reset);
    bar->addWidget(exportButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(stats_);
    layout->addWidget(emptyState_);
    auto* grid = new QGridLayout(chartArea_);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(2);
    for (auto& p : plots_) {
        p = new QCustomPlot(chartArea_);
        p->setMinimumSize(200, 120);
        p->setNoAntialiasingOnDrag(true);
    }
    grid->addWidget(plots_[RequestsChart], 0, 0);
    grid->addWidget(plots_[IntervalsChart], 0, 1);
    grid->addWidget(plots_[BytesChart], 1, 0);
    grid->addWidget(plots_[HistogramChart], 1, 1);
    grid->addWidget(plots_[HeatMapChart], 2, 0, 1, 2);
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 3);
    grid->setRowStretch(2, 2);
    layout->addWidget(chartArea_, 1);
    connect(brushButton_, &QToolButton::toggled, this, [this](bool on) {
        for (Chart c : {RequestsChart, IntervalsChart, BytesChart}) {
            plots_[c]->setSelectionRectMode(on ? QCP::srmCustom : QCP::srmNone);
        }
    });
    buildCharts();
    showEmptyState(tr("No channel selected: choose an alert in the Alerts table to chart its polls."), false);
}

IntervalChartsWidget::~IntervalChartsWidget() {
    reader_.reset(); // the reader thread's last job may still queue a call to this widget
}

QString IntervalChartsWidget::chartName(Chart chart) {
    switch (chart) {
    case RequestsChart:
        return tr("Request times");
    case IntervalsChart:
        return tr("Intervals over time");
    case HistogramChart:
        return tr("Interval histogram");
    case BytesChart:
        return tr("Bytes per request");
    case HeatMapChart:
        return tr("Hour-of-day heat map");
    default:
        return {};
    }
}

void IntervalChartsWidget::buildCharts() {
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() * 0.85));
    for (int c = 0; c < ChartCount; ++c) {
        QCustomPlot* p = plots_[c];
        p->setObjectName(QStringLiteral("chart%1").arg(c));
        p->xAxis->setTickLabelFont(small);
        p->yAxis->setTickLabelFont(small);
        p->xAxis->setLabelFont(small);
        p->yAxis->setLabelFont(small);
        p->yAxis2->setTickLabelFont(small);
        p->yAxis2->setLabelFont(small);
        p->legend->setFont(small);
        p->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
        auto* caption = new QCPTextElement(p, chartName(Chart(c)), small);
        p->plotLayout()->insertRow(0);
        p->plotLayout()->addElement(0, 0, caption);
        p->plotLayout()->setRowSpacing(0);
    }
    for (Chart c : {RequestsChart, IntervalsChart, BytesChart}) {
        QCustomPlot* p = plots_[c];
        p->xAxis->setTicker(utcTicker());
        p->xAxis->setLabel(tr("Time (UTC)"));
        p->axisRect()->setRangeDrag(Qt::Horizontal);
        p->axisRect()->setRangeZoom(Qt::Horizontal);
        connect(p->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
                [this, p](const QCPRange& r) { syncTimeAxes(p, r); });
        connect(p->selectionRect(), &QCPSelectionRect::accepted, this,
                [this, p](const QRect& rect, QMouseEvent*) { onBrushRect(p, rect); });
        brushes_[c] = verticalBand(p, QColor(30, 110, 220, 45));
    }

    // (1) Request times over the host's hourly web activity.
    QCustomPlot* req = plots_[RequestsChart];
    auto* host = new QCPBars(req->xAxis, req->yAxis2);
    host->setName(tr("host, all destinations (per hour)"));
    host->setPen(Qt::NoPen);
    host->setBrush(QColor(200, 200, 200));
    host->setWidth(3600);
    host->setWidthType(QCPBars::wtPlotCoords);
    // One vertical stroke per request (impulses from 0 to 1 on a 0..2 axis: the lower half), which
    // QCustomPlot thins per pixel column like any line; a custom scatter shape would be drawn
    // 100,000 times.
    for (int k = 0; k < SizeClassCount; ++k) {
        QCPGraph* g = req->addGraph(req->xAxis, req->yAxis);
        g->setName(QString::fromLatin1(kSizeNames[k]));
        g->setLineStyle(QCPGraph::lsImpulse);
        g->setPen(QPen(kSizeColors[k], 1.2));
    }
    req->yAxis->setRange(0, 2);
    req->yAxis->setTicks(false);
    req->yAxis->setTickLabels(false);
    req->yAxis->setLabel(tr("Requests"));
    req->yAxis2->setVisible(true);
    req->yAxis2->setLabel(tr("Host requests / hour"));
    req->legend->setVisible(true);
    req->legend->setIconSize(10, 8);
    legendBelow(req);

    // (2) Interval against time, log scale, with the median and the jitter band.
    QCustomPlot* gaps = plots_[IntervalsChart];
    gapBand_ = new QCPItemRect(gaps);
    gapBand_->topLeft->setTypeX(QCPItemPosition::ptAxisRectRatio);
    gapBand_->bottomRight->setTypeX(QCPItemPosition::ptAxisRectRatio);
    gapBand_->setPen(Qt::NoPen);
    gapBand_->setBrush(QColor(255, 170, 0, 50));
    gapBand_->setObjectName(QStringLiteral("jitterBand"));
    QCPGraph* gapGraph = gaps->addGraph();
    gapGraph->setName(tr("interval"));
    gapGraph->setLineStyle(QCPGraph::lsNone);
    gapGraph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(44, 123, 182), 3.5));
    gapMedian_ = new QCPItemStraightLine(gaps);
    gapMedian_->setPen(QPen(QColor(200, 30, 45), 1.2, Qt::DashLine));
    gapMedian_->setObjectName(QStringLiteral("median"));
    // Hidden until a channel places them: at their default coordinates they were drawn as stray
    // diagonals on an empty chart (issue 19).
    gapMedian_->setVisible(false);
    gapBand_->setVisible(false);
    useLogAxis(gaps->yAxis);
    gaps->yAxis->setLabel(tr("Interval (s, log)"));

    // (3) Histogram of the intervals.
    QCustomPlot* hist = plots_[HistogramChart];
    histBand_ = verticalBand(hist, QColor(255, 170, 0, 60));
    histBand_->setObjectName(QStringLiteral("jitterBand"));
    auto* bars = new QCPBars(hist->xAxis, hist->yAxis);
    bars->setName(tr("intervals"));
    bars->setPen(QPen(QColor(30, 90, 150)));
    bars->setBrush(QColor(44, 123, 182, 170));
    bars->setWidthType(QCPBars::wtPlotCoords);
    histMedian_ = new QCPItemStraightLine(hist);
    histMedian_->setPen(QPen(QColor(200, 30, 45), 1.5, Qt::DashLine));
    histMedian_->setObjectName(QStringLiteral("median"));
    histMedian_->setVisible(false);
    hist->xAxis->setLabel(tr("Interval between polls (s); dashed: median, band: \u00b1 MAD"));
    hist->yAxis->setLabel(tr("Intervals (count)"));

    // (4) Bytes per request.
    QCustomPlot* bytes = plots_[BytesChart];
    const QColor outColor(230, 120, 0), inColor(44, 123, 182);
    QCPGraph* sent = bytes->addGraph();
    sent->setName(tr("sent (client \u2192 server)"));
    sent->setLineStyle(QCPGraph::lsNone);
    sent->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, outColor, 4));
    QCPGraph* received = bytes->addGraph();
    received->setName(tr("received (server \u2192 client)"));
    received->setLineStyle(QCPGraph::lsNone);
    received->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, inColor, 4));
    useLogAxis(bytes->yAxis);
    bytes->yAxis->setLabel(tr("Bytes (log)"));
    bytes->legend->setVisible(true);
    legendBelow(bytes);

    // (5) Hour of day x day.
    QCustomPlot* heat = plots_[HeatMapChart];
    heat->setInteractions(QCP::Interactions());
    auto* map = new QCPColorMap(heat->xAxis, heat->yAxis);
    auto* scale = new QCPColorScale(heat);
    heat->plotLayout()->addElement(1, 1, scale);
    scale->setType(QCPAxis::atRight);
    scale->axis()->setLabel(tr("Requests / hour"));
    scale->axis()->setLabelFont(small);
    scale->axis()->setTickLabelFont(small);
    scale->setBarWidth(10);
    // The scale's auto margin leaves its rotated label a pixel or two short at some widths (the
    // report's figure clipped "Requests / hour"): room for the tick labels and the label, always.
    scale->setMinimumMargins(QMargins(0, 0, QFontMetrics(small).height() * 2 + 4, 0));
    map->setColorScale(scale);
    QCPColorGradient gradient;
    gradient.clearColorStops();
    gradient.setColorStopAt(0, QColor(250, 250, 250));
    gradient.setColorStopAt(0.25, QColor(255, 210, 110));
    gradient.setColorStopAt(0.6, QColor(235, 100, 30));
    gradient.setColorStopAt(1, QColor(130, 0, 30));
    map->setGradient(gradient);
    map->setInterpolate(false);
    auto* margins = new QCPMarginGroup(heat);
    heat->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    QSharedPointer<QCPAxisTickerDateTime> days = utcTicker();
    days->setDateTimeFormat(QStringLiteral("ddd MM-dd"));
    heat->xAxis->setTicker(days);
    heat->xAxis->setLabel(tr("Day (UTC)"));
    heat->yAxis->setLabel(tr("Hour of day (UTC)"));
    heat->yAxis->setRange(-0.5, 23.5);
    QSharedPointer<QCPAxisTickerFixed> hours(new QCPAxisTickerFixed);
    hours->setTickStep(6);
    hours->setScaleStrategy(QCPAxisTickerFixed::ssNone);
    heat->yAxis->setTicker(hours);
}

void IntervalChartsWidget::setCase(const QString& casePath) {
    ++generation_;
    casePath_ = casePath;
    // The previous case's channel is not drawn over the next case (issue 28).
    setSeries(ChannelSeries{});
    title_->setText(tr("No alert selected"));
    stats_->clear();
    reader_->open(casePath);
    // Another case (or none): the last case's channel is not this one's.
    series_ = ChannelSeries();
    title_->setText(tr("No channel selected"));
    stats_->clear();
    stats_->setToolTip(QString());
    showEmptyState(tr("No channel selected: choose an alert in the Alerts table to chart its polls."), false);
}

void IntervalChartsWidget::showEmptyState(const QString& reason, bool charts) {
    emptyState_->setText(reason);
    emptyState_->setVisible(!reason.isEmpty());
    chartArea_->setVisible(reason.isEmpty() || charts);
    // Without the charts the sentence takes the room they leave, so the title and stats line stay at
    // the top instead of floating to the middle with the space shared out among the three.
    if (auto* box = qobject_cast<QBoxLayout*>(layout())) {
        box->setStretchFactor(emptyState_, chartArea_->isVisibleTo(this) ? 0 : 1);
    }
}

void IntervalChartsWidget::showChannel(qint64 alertId) {
    const quint64 gen = ++generation_;
    title_->setText(tr("Loading channel %1\u2026").arg(alertId));
    reader_->post([this, gen, alertId](sqlite3* db) {
        ChannelSeries s = ChannelSeries::load(db, alertId);
        QMetaObject::invokeMethod(
            this,
            [this, gen, s = std::move(s)] {
                if (gen != generation_) {
                    return; // the analyst moved on
                }
                setSeries(s);
                emit channelLoaded(s.alertId);
            },
            Qt::QueuedConnection);
    });
}

void IntervalChartsWidget::showHostDestination(qint64 hostId, qint64 domainId) {
    const quint64 gen = ++generation_;
    title_->setText(tr("Loading\u2026"));
    reader_->post([this, gen, hostId, domainId](sqlite3* db) {
        ChannelSeries s = ChannelSeries::loadHostDestination(db, hostId, domainId);
        QMetaObject::invokeMethod(
            this,
            [this, gen, s = std::move(s)] {
                if (gen == generation_) {
                    setSeries(s);
                    emit channelLoaded(-1);
                }
            },
            Qt::QueuedConnection);
    });
}

void IntervalChartsWidget::setSeries(const ChannelSeries& s) {
    series_ = s;
    const qsizetype n = s.times.size();
    if (s.alertId < 0 && n == 0) {
        title_->setText(tr("No such channel"));
    } else {
        title_->setText(
            visibleText(tr("%1 \u2192 %2%3")
                            .arg(s.host.isEmpty() ? tr("(unknown host)") : s.host, s.destination,
                                 s.process.isEmpty() ? QString() : QStringLiteral("  \u00b7  ") + s.process)));
    }
    // The polls are the source the score was timed on (scoring::chooseTiming()); its sentence says
    // which and why, so the chart and the factor beside it cannot disagree.
    const bool measured = std::isfinite(s.medianGap) && s.medianGap > 0;
    // In words ("sensor connections"), as the detail's member list says it, not the stored id.
    const QString source = s.source.isEmpty() ? tr("no events") : memberSourceWords(s.source);
    if (measured) {
        stats_->setText(tr("%1 polls (%2)  \u00b7  median interval %3  \u00b7  MAD %4 (%5 % of the median)  \u00b7  "
                           "all times UTC")
                            .arg(n)
                            .arg(source)
                            .arg(seconds(s.medianGap), seconds(s.madGap))
                            .arg(100.0 * s.madGap / s.medianGap, 0, 'f', 0));
    } else { // "median interval 0.0 s" would be a figure nobody measured
        stats_->setText((n == 1 ? tr("1 poll") : tr("%1 polls").arg(n)) +
                        tr(" (%1)  \u00b7  no measurable interval  \u00b7  all times UTC").arg(source));
    }
    stats_->setToolTip(plainToolTip(s.timingNote));
    // An honest empty state instead of empty axes at 1970: why there is nothing (or no interval) to chart.
    const auto utc = [](double t) {
        return QDateTime::fromMSecsSinceEpoch(qint64(std::llround(t * 1000)), Qt::UTC)
            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    };
    const QString note = s.timingNote.isEmpty() ? QString() : QStringLiteral("\n") + visibleText(s.timingNote);
    if (n == 0) {
        showEmptyState((s.alertId < 0 ? tr("No such channel: nothing to chart.")
                                      : tr("No polls to chart: this channel has no events with a usable time.")) +
                           note,
                       false);
    } else if (s.firstTime() == s.lastTime()) {
        showEmptyState((n == 1 ? tr("One poll, at %1 UTC: no interval between polls to chart.").arg(utc(s.firstTime()))
                               : tr("All %1 polls fall on one instant, %2 UTC: no interval between them to chart.")
                                     .arg(n)
                                     .arg(utc(s.firstTime()))) +
                           note,
                       false);
    } else if (!measured) {
        const auto zero = std::count(s.gaps.begin(), s.gaps.end(), 0.0);
        showEmptyState(tr("Median interval unmeasurable: %1 of the %2 gaps between polls are zero (polls sharing a "
                          "timestamp); the charts show the polls as logged.")
                           .arg(zero)
                           .arg(s.gaps.size()),
                       true);
    } else {
        showEmptyState(QString(), true);
    }

    // (1) Marks by size class; the host's activity behind.
    QCustomPlot* req = plots_[RequestsChart];
    std::array<QVector<double>, SizeClassCount> keys;
    for (qsizetype i = 0; i < n; ++i) {
        keys[size_t(sizeClass(s.bytesIn[i]))].push_back(s.times[i]);
    }
    for (int k = 0; k < SizeClassCount; ++k) {
        req->graph(k)->setData(keys[size_t(k)], QVector<double>(keys[size_t(k)].size(), 1.0), true);
        req->graph(k)->addToLegend();
        if (keys[size_t(k)].isEmpty()) {
            req->graph(k)->removeFromLegend();
        }
    }
    auto* hostBars = qobject_cast<QCPBars*>(req->plottable(0));
    QVector<double> centers = s.hostHourStarts;
    for (double& c : centers) {
        c += 1800;
    }
    hostBars->setData(centers, s.hostHourCounts, true);
    double maxHost = 1;
    for (double c : s.hostHourCounts) {
        maxHost = std::max(maxHost, c);
    }
    req->yAxis2->setRange(0, maxHost * 1.15);

    // Many points: one-pixel dots (a disc per point costs more than the rest of the chart).
    const bool dense = n > kDensePoints;
    plots_[IntervalsChart]->graph(0)->setScatterStyle(
        dense ? QCPScatterStyle(QCPScatterStyle::ssDot, QColor(44, 123, 182), 1)
              : QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(44, 123, 182), 3.5));
    plots_[BytesChart]->graph(0)->setScatterStyle(
        QCPScatterStyle(dense ? QCPScatterStyle::ssDot : QCPScatterStyle::ssCross, QColor(230, 120, 0), 4));
    plots_[BytesChart]->graph(1)->setScatterStyle(
        QCPScatterStyle(dense ? QCPScatterStyle::ssDot : QCPScatterStyle::ssCircle, QColor(44, 123, 182), 4));

    // (2) Intervals; a log axis cannot show a zero gap, so those stay out (the histogram has them).
    QVector<double> gk, gv;
    gk.reserve(s.gaps.size());
    gv.reserve(s.gaps.size());
    double gmin = 1e300, gmax = 0;
    for (qsizetype i = 0; i < s.gaps.size(); ++i) {
        if (s.gaps[i] > 0) {
            gk.push_back(s.gapTimes[i]);
            gv.push_back(s.gaps[i]);
            gmin = std::min(gmin, s.gaps[i]);
            gmax = std::max(gmax, s.gaps[i]);
        }
    }
    QCustomPlot* gaps = plots_[IntervalsChart];
    gaps->graph(0)->setData(gk, gv, true);
    if (gv.isEmpty()) {
        gmin = 1;
        gmax = 1000;
    }
    gaps->yAxis->setRange(std::max(1e-3, gmin / 2), gmax * 2);
    gapMedian_->point1->setCoords(0, s.medianGap);
    gapMedian_->point2->setCoords(1, s.medianGap);
    gapMedian_->setVisible(s.medianGap > 0);
    gapBand_->topLeft->setCoords(0, s.medianGap + s.madGap);
    gapBand_->bottomRight->setCoords(1, std::max(s.medianGap - s.madGap, gmin / 2));
    gapBand_->setVisible(s.medianGap > 0);

    // (3) Histogram.
    QCustomPlot* hist = plots_[HistogramChart];
    auto* bars = qobject_cast<QCPBars*>(hist->plottable(0));
    bars->setWidth(s.histBinWidth * 0.9);
    bars->setData(s.histCenters, s.histCounts, true);
    double maxCount = 1;
    for (double c : s.histCounts) {
        maxCount = std::max(maxCount, c);
    }
    hist->xAxis->setRange(s.histLow, s.histLow + s.histBinWidth * ChannelSeries::kHistogramBins);
    hist->yAxis->setRange(0, maxCount * 1.1);
    histMedian_->point1->setCoords(s.medianGap, 0);
    histMedian_->point2->setCoords(s.medianGap, 1);
    histMedian_->setVisible(!s.gaps.isEmpty());
    histBand_->topLeft->setCoords(s.medianGap - s.madGap, 0);
    histBand_->bottomRight->setCoords(s.medianGap + s.madGap, 1);
    histBand_->setVisible(!s.gaps.isEmpty());

    // (4) Bytes; a log axis shows 0 B at 1 B.
    QCustomPlot* bytes = plots_[BytesChart];
    // A side the log did not record (-1: Squid's native format logs no request size) has no
    // point: drawn at 1 B, the sent crosses read as requests of one byte.
    QVector<double> outKeys, out, inKeys, in;
    double bmax = 10;
    for (qsizetype i = 0; i < n; ++i) {
        if (s.bytesOut[i] >= 0) {
            outKeys.push_back(s.times[i]);
            out.push_back(std::max(1.0, s.bytesOut[i]));
        }
        if (s.bytesIn[i] >= 0) {
            inKeys.push_back(s.times[i]);
            in.push_back(std::max(1.0, s.bytesIn[i]));
        }
        bmax = std::max({bmax, s.bytesOut[i], s.bytesIn[i]});
    }
    bytes->graph(0)->setData(outKeys, out, true);
    bytes->graph(1)->setData(inKeys, in, true);
    const bool any = !outKeys.isEmpty() || !inKeys.isEmpty();
    bytes->graph(0)->setName(any && outKeys.isEmpty() ? tr("sent: not logged") : tr("sent (client \u2192 server)"));
    bytes->graph(1)->setName(any && inKeys.isEmpty() ? tr("received: not logged")
                                                     : tr("received (server \u2192 client)"));
    bytes->yAxis->setRange(0.8, bmax * 3);
    // Short: at 1366x768 the chart is about 90 px high and a longer label is cut.
    bytes->yAxis->setLabel(!any && n > 0 ? tr("Bytes (not logged)") : tr("Bytes (log)"));

    // (5) Heat map: one cell per day and UTC hour.
    QCustomPlot* heat = plots_[HeatMapChart];
    auto* map = qobject_cast<QCPColorMap*>(heat->plottable(0));
    // At least two columns: a colour map's key range runs from the first cell's centre to the
    // last's, so a single day would have no width.
    const int days = std::max(2, s.dayCount);
    map->data()->setSize(days, 24);
    const double firstCenter = s.firstDayStart + 43200;
    map->data()->setRange(QCPRange(firstCenter, firstCenter + 86400.0 * (days - 1)), QCPRange(0, 23));
    for (int d = 0; d < days; ++d) {
        for (int h = 0; h < 24; ++h) {
            map->data()->setCell(d, h, d * 24 + h < s.heat.size() ? s.heat[d * 24 + h] : 0.0);
        }
    }
    map->rescaleDataRange(true);
    // The axis shows the channel's days only: the second column of a one-day channel stays off the
    // axis (shown, it read as a day with no polls that the evidence does not cover).
    const int shownDays = std::max(1, s.dayCount);
    heat->xAxis->setRange(s.firstDayStart, s.firstDayStart + 86400.0 * shownDays);
    auto days24 = qSharedPointerCast<QCPAxisTickerDateTime>(heat->xAxis->ticker());
    days24->setTickCount(std::min(shownDays, 8));
    days24->setTickOrigin(s.firstDayStart);

    resetZoom();
    clearBrush();
    requestReplot();
}

void IntervalChartsWidget::resetZoom() {
    double from = series_.firstTime(), to = series_.lastTime();
    if (series_.times.isEmpty()) {
        const double now = double(QDateTime::currentSecsSinceEpoch());
        from = now - 86400;
        to = now;
    }
    const double pad = std::max(60.0, (to - from) * 0.02);
    plots_[RequestsChart]->xAxis->setRange(from - pad, to + pad); // the others follow
    requestReplot();
}

void IntervalChartsWidget::setTimeRange(qint64 fromUs, qint64 toUs) {
    if (toUs <= fromUs) {
        return;
    }
    plots_[RequestsChart]->xAxis->setRange(double(fromUs) / kUs, double(toUs) / kUs);
    requestReplot();
}

void IntervalChartsWidget::syncTimeAxes(QCustomPlot* source, const QCPRange& range) {
    if (syncing_) {
        return;
    }
    syncing_ = true;
    for (Chart c : {RequestsChart, IntervalsChart, BytesChart}) {
        if (plots_[c] != source) {
            plots_[c]->xAxis->setRange(range);
        }
    }
    syncing_ = false;
    requestReplot();
}

void IntervalChartsWidget::onBrushRect(QCustomPlot* source, const QRect& rect) {
    const double a = source->xAxis->pixelToCoord(rect.left());
    const double b = source->xAxis->pixelToCoord(rect.right());
    selectTimeRange(qint64(std::min(a, b) * kUs), qint64(std::max(a, b) * kUs));
}

void IntervalChartsWidget::selectTimeRange(qint64 fromUs, qint64 toUs) {
    if (toUs <= fromUs) {
        return;
    }
    for (Chart c : {RequestsChart, IntervalsChart, BytesChart}) {
        brushes_[c]->topLeft->setCoords(double(fromUs) / kUs, 0);
        brushes_[c]->bottomRight->setCoords(double(toUs) / kUs, 1);
        brushes_[c]->setVisible(true);
    }
    requestReplot();
    emit timeRangeSelected(fromUs, toUs);
}

void IntervalChartsWidget::clearBrush() {
    for (QCPItemRect* b : brushes_) {
        if (b) {
            b->setVisible(false);
        }
    }
    requestReplot();
}

void IntervalChartsWidget::requestReplot() {
    if (!isVisible()) {
        dirty_ = true; // drawn when shown
        return;
    }
    for (QCustomPlot* p : plots_) {
        p->replot(QCustomPlot::rpQueuedReplot);
    }
}

void IntervalChartsWidget::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (dirty_) {
        dirty_ = false;
        requestReplot();
    }
}

void IntervalChartsWidget::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_0 || event->key() == Qt::Key_Home) {
        resetZoom();
    } else if (event->key() == Qt::Key_Escape) {
        clearBrush();
    } else if (!applyAxisKey(plots_[RequestsChart]->xAxis, event->key())) { // the other two follow
        QWidget::keyPressEvent(event);
        return;
    }
    requestReplot();
}

bool IntervalChartsWidget::exportChart(Chart chart, const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    QCustomPlot* p = plots_[chart];
    if (suffix == QLatin1String("png")) {
        return p->savePng(path, std::max(p->width(), 800), std::max(p->height(), 450));
    }
    if (suffix == QLatin1String("pdf")) {
        return p->savePdf(path, std::max(p->width(), 800), std::max(p->height(), 450), QCP::epAllowCosmetic,
                          QStringLiteral("socwb"), chartName(chart));
    }
    return false;
}

void IntervalChartsWidget::chooseExport(Chart chart) {
    // Named for the channel and the chart, beside the case: "WKS-01_pastebin.com-Request_times.png".
    const QString stem = series_.host.isEmpty() && series_.destination.isEmpty()
                             ? chartName(chart)
                             : QStringList{series_.host, series_.destination}.join(QLatin1Char('_')) +
                                   QLatin1Char('-') + chartName(chart);
    const QString path = QFileDialog::getSaveFileName(this, tr("Export %1").arg(chartName(chart)),
                                                      saveStartPath(casePath_, stem, QStringLiteral(".png")),
                                                      tr("PNG image (*.png);;PDF document (*.pdf)"));
    if (!path.isEmpty()) {
        exportChart(chart, QFileInfo(path).suffix().isEmpty() ? path + QStringLiteral(".png") : path);
    }
}

} // namespace socwb
