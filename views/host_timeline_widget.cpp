#include "host_timeline_widget.h"

#include "axis_keys.h"
#include "charts/channel_series.h"
#include "charts/timeline_query.h"
#include "store/case_reader.h"
#include "store/statement.h"
#include "tables/plain_text.h"
#include "tables/timeline_event_model.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace socwb {

namespace {

constexpr double kUs = 1e6;
constexpr int kLanes = TimelineQuery::LaneCount;

const QColor kLaneColors[kLanes] = {QColor(44, 123, 182), QColor(0, 150, 150), QColor(90, 170, 90),
                                    QColor(140, 80, 170), QColor(230, 140, 0), QColor(200, 90, 120),
                                    QColor(150, 110, 60), QColor(60, 60, 60)};
const QColor kChannelColor(210, 20, 40);

// A bucket width that gives a few hundred buckets across the view, from a list people read easily.
int64_t bucketWidthUs(int64_t spanUs) {
    static const int64_t widths[] = {1'000'000,      5'000'000,      15'000'000,     60'000'000,     300'000'000,
                                     900'000'000,    1'800'000'000,  3'600'000'000,  10'800'000'000, 21'600'000'000,
                                     43'200'000'000, 86'400'000'000, 604'800'000'000};
    for (int64_t w : widths) {
        if (spanUs / w <= 300) {
            return w;
        }
    }
    return widths[std::size(widths) - 1];
}

QString widthText(int64_t us) {
    const int64_t s = us / 1'000'000;
    if (s % 86400 == 0) {
        return QStringLiteral("%1 d").arg(s / 86400);
    }
    if (s % 3600 == 0) {
        return QStringLiteral("%1 h").arg(s / 3600);
    }
    if (s % 60 == 0) {
        return QStringLiteral("%1 min").arg(s / 60);
    }
    return QStringLiteral("%1 s").arg(s);
}

QString zoneName(bool local) {
    return local ? QStringLiteral("local, %1").arg(QDateTime::currentDateTime().timeZoneAbbreviation())
                 : QStringLiteral("UTC");
}

} // namespace

HostTimelineWidget::HostTimelineWidget(QWidget* parent)
    : QWidget(parent), reader_(std::make_unique<CaseReader>()), title_(new QLabel(this)),
      localBox_(new QCheckBox(this)), clearFilter_(new QToolButton(this)), plot_(new QCustomPlot(this)),
      table_(new QTableView(this)), model_(new TimelineEventModel(this)), record_(new QPlainTextEdit(this)),
      settle_(new QTimer(this)) {
    setFocusPolicy(Qt::StrongFocus);
    connect(reader_.get(), &CaseReader::openFailed, this, &HostTimelineWidget::loadFailed);
    title_->setTextFormat(Qt::PlainText);
    title_->setText(tr("No host selected"));
    localBox_->setText(tr("Local time"));
    connect(localBox_, &QCheckBox::toggled, this, &HostTimelineWidget::setLocalTime);
    clearFilter_->setText(tr("Show all processes"));
    clearFilter_->setVisible(false);
    connect(clearFilter_, &QToolButton::clicked, this, [this] { setProcessFilter(-1); });
    auto* reset = new QToolButton(this);
    reset->setText(tr("Reset zoom"));
    connect(reset, &QToolButton::clicked, this, &HostTimelineWidget::resetZoom);

    // Lanes: bars (bucket counts) and marks (single events) per lane, the channel's on top.
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() * 0.85));
    plot_->xAxis->setTickLabelFont(small);
    plot_->xAxis->setLabelFont(small);
    plot_->yAxis->setTickLabelFont(small);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    // Bars and ticks sit on whole pixels anyway; antialiasing them roughly doubles a replot.
    plot_->setNotAntialiasedElements(QCP::aePlottables);
    plot_->axisRect()->setRangeDrag(Qt::Horizontal);
    plot_->axisRect()->setRangeZoom(Qt::Horizontal);
    QSharedPointer<QCPAxisTickerDateTime> ticker(new QCPAxisTickerDateTime);
    ticker->setDateTimeSpec(Qt::UTC);
    ticker->setDateTimeFormat(QStringLiteral("yyyy-MM-dd\nHH:mm:ss"));
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->setLabel(tr("Time (UTC)"));
    plot_->yAxis->setRange(-0.6, kLanes - 0.4);
    plot_->yAxis->grid()->setVisible(false);
    QPainterPath tick;
    tick.moveTo(0, -7);
    tick.lineTo(0, 7);
    for (int lane = 0; lane < kLanes; ++lane) {
        auto* b = new QCPBars(plot_->xAxis, plot_->yAxis);
        b->setWidthType(QCPBars::wtPlotCoords);
        b->setBaseValue(laneY(lane) - 0.4);
        QColor fill = kLaneColors[lane];
        fill.setAlpha(150);
        b->setBrush(fill);
        b->setPen(Qt::NoPen);
        bars_[size_t(lane)] = b;
        QCPGraph* g = plot_->addGraph();
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(tick, QPen(kLaneColors[lane], 1.2), Qt::NoBrush, 14));
        marks_[size_t(lane)] = g;
    }
    channelBars_ = new QCPBars(plot_->xAxis, plot_->yAxis);
    channelBars_->setWidthType(QCPBars::wtPlotCoords);
    channelBars_->setBrush(kChannelColor);
    channelBars_->setPen(Qt::NoPen);
    channelMarks_ = plot_->addGraph();
    channelMarks_->setLineStyle(QCPGraph::lsNone);
    channelMarks_->setScatterStyle(QCPScatterStyle(tick, QPen(kChannelColor, 2.0), Qt::NoBrush, 16));
    selectedMark_ = plot_->addGraph();
    selectedMark_->setLineStyle(QCPGraph::lsNone);
    selectedMark_->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(Qt::black, 1.5), QColor(255, 220, 0), 11));
    connect(plot_->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
            &HostTimelineWidget::onRangeChanged);
    connect(plot_, &QCustomPlot::plottableClick, this, [this](QCPAbstractPlottable* p, int index, QMouseEvent*) {
        for (int lane = 0; lane < kLanes; ++lane) {
            if (p == marks_[size_t(lane)] && index >= 0 && index < laneIds_[size_t(lane)].size()) {
                selectEvent(lane, laneIds_[size_t(lane)][index]);
                return;
            }
            if (p == bars_[size_t(lane)] && index >= 0 && index < bars_[size_t(lane)]->dataCount()) {
                // A bucket: zoom into it.
                const double key = bars_[size_t(lane)]->data()->at(index)->key;
                const double half = bars_[size_t(lane)]->width() / 2;
                setTimeRange(qint64((key - half) * kUs), qint64((key + half) * kUs));
                return;
            }
        }
        if (p == channelMarks_ && index >= 0 && index < channelMarkIds_.size()) {
            selectEvent(channelLane_, channelMarkIds_[index]);
        }
    });
    settle_->setSingleShot(true);
    settle_->setInterval(60);
    connect(settle_, &QTimer::timeout, this, &HostTimelineWidget::redraw);

    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setWordWrap(false);
    table_->setColumnWidth(TimelineEventModel::TimeColumn, 170);
    table_->setColumnWidth(TimelineEventModel::LaneColumn, 110);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid()) {
                    const TimelineEvent& e = model_->eventAt(current.row());
                    selectEvent(e.lane, e.id);
                }
            });
    connect(model_, &TimelineEventModel::pageRequested, this,
            [this](quint64 gen, const TimelineKey& after) { requestPage(gen, after.tsUs, after.lane, after.id); });
    record_->setReadOnly(true); // plain text: evidence is never interpreted
    record_->setPlaceholderText(tr("Click an event for its full record and where it came from."));
    record_->setLineWrapMode(QPlainTextEdit::WidgetWidth);

    auto* bar = new QHBoxLayout;
    bar->addWidget(title_, 1);
    bar->addWidget(clearFilter_);
    bar->addWidget(localBox_);
    bar->addWidget(reset);
    auto* bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(table_);
    bottom->addWidget(record_);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(plot_);
    split->addWidget(bottom);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({460, 280}); // eight lanes need the height to stay readable
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(split, 1);
    updateTitle();
}

HostTimelineWidget::~HostTimelineWidget() {
    reader_.reset();
}

double HostTimelineWidget::laneY(int lane) const {
    return kLanes - 1 - lane;
}

void HostTimelineWidget::setCase(const QString& casePath) {
    ++generation_;
    ++rangeGeneration_; // an event page on its way is of the previous case
    hostId_ = -1;
    alertId_ = -1;
    processId_ = -1;
    pendingAlert_ = -1;
    // Nothing of the previous case stays on screen (issue 28: views carried over to the next case).
    buckets_ = TimelineBuckets{};
    channelLane_ = -1;
    channelIds_.clear();
    channelTimes_.clear();
    for (int lane = 0; lane < kLanes; ++lane) {
        bars_[size_t(lane)]->data()->clear();
        marks_[size_t(lane)]->data()->clear();
        laneIds_[size_t(lane)].clear();
    }
    selectedMark_->data()->clear();
    record_->clear();
    clearFilter_->hide();
    model_->reset(rangeGeneration_);
    title_->setText(tr("No host selected"));
    plot_->replot();
    reader_->open(casePath);
}

void HostTimelineWidget::showHost(qint64 hostId) {
    processId_ = -1;
    loadHost(hostId, -1);
}

void HostTimelineWidget::showChannel(qint64 alertId) {
    processId_ = -1;
    pendingAlert_ = alertId;
    loadHost(-1, alertId);
}

void HostTimelineWidget::setProcessFilter(qint64 processId) {
    if (processId == processId_) {
        return;
    }
    processId_ = processId;
    if (pendingAlert_ >= 0) {
        // A channel is still loading (the process tree was quicker): its host, not the one shown
        // now, with this process (issue 28: the first alert's host with the second's process).
        loadHost(-1, pendingAlert_);
        return;
    }
    if (hostId_ < 0) {
        return; // applied when a host is shown
    }
    // Keep the view where it is: the analyst filters what they are looking at. A view nobody
    // moved since it opened on the channel opens again as the filter would have had it: the
    // process tree's selection of the channel's process came before or after the channel loaded
    // as the two readers raced, and the same alert opened on 09:30 one time and 08:04 the next.
    if (std::abs(visibleFromUs() - openedFromUs_) < 1000 && std::abs(visibleToUs() - openedToUs_) < 1000) {
        loadHost(hostId_, alertId_);
        return;
    }
    loadHost(hostId_, alertId_, visibleFromUs(), visibleToUs());
}

void HostTimelineWidget::loadHost(qint64 hostId, qint64 alertId, qint64 keepFromUs, qint64 keepToUs) {
    const quint64 gen = ++generation_;
    const qint64 processId = processId_;
    title_->setText(tr("Loading\u2026"));
    reader_->post([this, gen, hostId, alertId, processId, keepFromUs, keepToUs](sqlite3* db) {
        qint64 host = hostId;
        int lane = -1;
        QSet<qint64> ids;
        QVector<double> times;
        if (alertId >= 0) {
            // The lane and the times the score's sentences were computed on: chooseTiming()'s
            // source, through the same series the interval charts draw.
            const ChannelSeries series = ChannelSeries::load(db, alertId);
            if (series.alertId >= 0) {
                host = series.hostId;
                const QString& src = series.source;
                lane = src == QLatin1String("http") || src == QLatin1String("connect") ? TimelineQuery::ProxyLane
                       : src == QLatin1String("sysmon_net")                            ? TimelineQuery::NetworkLane
                       : src == QLatin1String("sensor_conn")                           ? TimelineQuery::SensorLane
                       : src == QLatin1String("sysmon_dns")                            ? TimelineQuery::DnsQueryLane
                       : src == QLatin1String("dns_log")                               ? TimelineQuery::DnsLane
                                                                                       : -1;
                for (int64_t id : series.sourceIds) {
                    ids.insert(id);
                }
                times = series.times;
            }
        }
        QString name;
        {
            Statement h(db, "SELECT name FROM hosts WHERE id = ?");
            h.bind(1, int64_t(host));
            if (h.step()) {
                name = QString::fromStdString(h.text(0));
            }
        }
        // What the header names: the channel by its destination, the process by image and PID
        // (issue 28 item 9: "alert 108", "process 191" are the case file's ids, not the analyst's).
        QString channel, process;
        if (lane >= 0 || alertId >= 0) {
            Statement a(db, "SELECT destination FROM alerts WHERE id = ?");
            a.bind(1, int64_t(alertId));
            if (a.step()) {
                channel = QString::fromStdString(a.text(0));
            }
        }
        if (processId >= 0) {
            Statement pr(db, "SELECT coalesce(image, ''), pid FROM processes WHERE id = ?");
            pr.bind(1, int64_t(processId));
            if (pr.step()) {
                const QString image = QString::fromStdString(pr.text(0));
                const QString base = image.mid(
                    int(std::max(image.lastIndexOf(QLatin1Char('\\')), image.lastIndexOf(QLatin1Char('/')))) + 1);
                process = pr.isNull(1) ? base : tr("%1 (PID %2)").arg(base).arg(pr.int64(1));
            }
        }
        TimelineBuckets b = TimelineQuery(db, host, processId).minuteCounts();
        QMetaObject::invokeMethod(
            this,
            [=, this, b = std::move(b), ids = std::move(ids), times = std::move(times)] {
                if (gen != generation_) {
                    return;
                }
                pendingAlert_ = -1;
                hostId_ = host;
                alertId_ = alertId;
                hostName_ = name;
                channelName_ = channel;
                processName_ = process;
                buckets_ = b;
                channelLane_ = lane;
                channelIds_ = ids;
                channelTimes_ = times;
                selectedMark_->data()->clear();
                clearFilter_->setVisible(processId_ >= 0);
                if (keepToUs > keepFromUs) {
                    setTimeRange(keepFromUs, keepToUs);
                } else {
                    resetZoom();
                }
                redraw();
                emit hostLoaded(host);
            },
            Qt::QueuedConnection);
    });
}

void HostTimelineWidget::resetZoom() {
    int64_t from = buckets_.firstUs(), to = buckets_.lastUs();
    if (!channelTimes_.isEmpty()) {
        // Open on the channel with some context either side.
        // The context is cut to the host's evidence, never the channel: with one process shown
        // (a channel polled by a new curl.exe each time) that evidence can be the first poll's
        // minute alone, and the view opened on one minute of a 15-hour channel.
        const double span = std::max(3600.0, channelTimes_.last() - channelTimes_.first());
        const auto first = int64_t(channelTimes_.first() * kUs), last = int64_t(channelTimes_.last() * kUs);
        from = std::max<int64_t>(std::min<int64_t>(from, first), int64_t((channelTimes_.first() - span * 0.1) * kUs));
        to = std::min<int64_t>(std::max<int64_t>(to, last), int64_t((channelTimes_.last() + span * 0.1) * kUs));
    }
    if (to <= from) {
        to = from + 3'600'000'000;
    }
    // A mark on the range's edge hides under the axis (the sample case's top alert opened with its
    // process start on the left edge): 2% of the span either side.
    const int64_t pad = (to - from) / 50;
    setTimeRange(from - pad, to + pad);
    openedFromUs_ = visibleFromUs();
    openedToUs_ = visibleToUs();
}

void HostTimelineWidget::setTimeRange(qint64 fromUs, qint64 toUs) {
    if (toUs <= fromUs) {
        return;
    }
    plot_->xAxis->setRange(double(fromUs) / kUs, double(toUs) / kUs);
}

qint64 HostTimelineWidget::visibleFromUs() const {
    return qint64(std::floor(plot_->xAxis->range().lower * kUs));
}
qint64 HostTimelineWidget::visibleToUs() const {
    return qint64(std::ceil(plot_->xAxis->range().upper * kUs));
}

void HostTimelineWidget::onRangeChanged(const QCPRange&) {
    updateTitle();
    requestReplot();
    settle_->start(); // the lanes follow once the wheel or the drag pauses
}

void HostTimelineWidget::redraw() {
    settle_->stop();
    if (hostId_ < 0) {
        return;
    }
    const qint64 from = visibleFromUs(), to = visibleToUs();
    const quint64 rg = ++rangeGeneration_;
    const int64_t width = bucketWidthUs(to - from);
    QVector<int> eventLanes, sqlLanes;
    for (int lane = 0; lane < kLanes; ++lane) {
        const int64_t n = buckets_.count(lane, from, to);
        if (n <= kEventLimit) {
            eventLanes.push_back(lane);
        } else if (width < TimelineBuckets::kMinuteUs) {
            sqlLanes.push_back(lane);
        } else {
            QVector<double> starts, counts;
            buckets_.rebucket(lane, from, to, width, &starts, &counts);
            applyBuckets(lane, starts, counts, double(width) / kUs);
        }
    }
    if (channelLane_ >= 0 && !eventLanes.contains(channelLane_)) {
        applyChannelBuckets(double(from) / kUs, double(to) / kUs, double(width) / kUs);
    }
    model_->reset(rg);
    const qint64 host = hostId_, process = processId_;
    reader_->post([=, this](sqlite3* db) {
        TimelineQuery q(db, host, process);
        QVector<QVector<TimelineEvent>> events;
        for (int lane : eventLanes) {
            events.push_back(q.events(lane, from, to, kEventLimit + 1));
        }
        QVector<QPair<QVector<double>, QVector<double>>> sums;
        for (int lane : sqlLanes) {
            QPair<QVector<double>, QVector<double>> s;
            q.buckets(lane, from, to, width, &s.first, &s.second);
            sums.push_back(s);
        }
        QVector<TimelineEvent> page = q.page(from, to, TimelineKey{}, kPageSize + 1);
        QMetaObject::invokeMethod(
            this,
            [=, this, events = std::move(events), sums = std::move(sums), page = std::move(page)] {
                if (rg != rangeGeneration_) {
                    return; // zoomed again meanwhile
                }
                for (qsizetype i = 0; i < eventLanes.size(); ++i) {
                    applyEvents(eventLanes[i], events[i]);
                }
                for (qsizetype i = 0; i < sqlLanes.size(); ++i) {
                    applyBuckets(sqlLanes[i], sums[i].first, sums[i].second, double(width) / kUs);
                }
                if (channelLane_ >= 0 && sqlLanes.contains(channelLane_)) {
                    applyChannelBuckets(double(from) / kUs, double(to) / kUs, double(width) / kUs);
                }
                const bool more = page.size() > kPageSize;
                model_->appendPage(rg, more ? page.mid(0, kPageSize) : page, more);
                updateTitle();
                requestReplot();
                emit rangeDrawn(from, to);
            },
            Qt::QueuedConnection);
    });
}

void HostTimelineWidget::applyBuckets(int lane, const QVector<double>& startsSec, const QVector<double>& counts,
                                      double widthSec) {
    laneEvents_[size_t(lane)] = false;
    laneIds_[size_t(lane)].clear();
    marks_[size_t(lane)]->data()->clear();
    double maxCount = 1;
    for (double c : counts) {
        maxCount = std::max(maxCount, c);
    }
    QVector<double> keys(startsSec.size()), heights(counts.size());
    for (qsizetype i = 0; i < startsSec.size(); ++i) {
        keys[i] = startsSec[i] + widthSec / 2;
        // At least a sliver, so a bucket with one event among thousands still shows.
        heights[i] = std::max(0.06, 0.8 * counts[i] / maxCount);
    }
    QCPBars* b = bars_[size_t(lane)];
    b->setWidth(widthSec);
    b->setData(keys, heights, true);
    b->setProperty("maxCount", maxCount);
    b->setProperty("widthSec", widthSec);
    if (lane == channelLane_) {
        channelMarks_->data()->clear();
        channelMarkIds_.clear();
    }
}

void HostTimelineWidget::applyChannelBuckets(double fromSec, double toSec, double widthSec) {
    // The channel's own requests, bucketed like its lane and drawn over it to the lane's scale.
    QVector<double> keys, counts;
    const auto lo = std::lower_bound(channelTimes_.begin(), channelTimes_.end(), fromSec);
    for (auto it = lo; it != channelTimes_.end() && *it < toSec; ++it) {
        const double b = std::floor(*it / widthSec) * widthSec + widthSec / 2;
        if (keys.isEmpty() || keys.last() != b) {
            keys.push_back(b);
            counts.push_back(0);
        }
        counts.last() += 1;
    }
    const double maxCount = bars_[size_t(channelLane_)]->property("maxCount").toDouble();
    for (double& c : counts) {
        c = std::max(0.06, 0.8 * c / std::max(1.0, maxCount));
    }
    channelBars_->setBaseValue(laneY(channelLane_) - 0.4);
    channelBars_->setWidth(widthSec);
    channelBars_->setData(keys, counts, true);
}

void HostTimelineWidget::applyEvents(int lane, const QVector<TimelineEvent>& events) {
    laneEvents_[size_t(lane)] = true;
    bars_[size_t(lane)]->data()->clear();
    bars_[size_t(lane)]->setProperty("maxCount", QVariant());
    QVector<double> keys, values;
    QVector<qint64> ids;
    QVector<double> ck, cv;
    QVector<qint64> cids;
    const double y = laneY(lane);
    for (const TimelineEvent& e : events) {
        const double t = double(e.tsUs) / kUs;
        if (lane == channelLane_ && channelIds_.contains(e.id)) {
            ck.push_back(t);
            cv.push_back(y);
            cids.push_back(e.id);
        }
        keys.push_back(t);
        values.push_back(y);
        ids.push_back(e.id);
    }
    marks_[size_t(lane)]->setData(keys, values, true);
    laneIds_[size_t(lane)] = ids;
    if (lane == channelLane_) {
        channelBars_->data()->clear();
        channelMarks_->setData(ck, cv, true);
        channelMarkIds_ = cids;
    }
}

void HostTimelineWidget::requestPage(quint64 generation, qint64 afterTs, int afterLane, qint64 afterId) {
    const qint64 from = visibleFromUs(), to = visibleToUs(), host = hostId_, process = processId_;
    reader_->post([=, this](sqlite3* db) {
        QVector<TimelineEvent> page =
            TimelineQuery(db, host, process).page(from, to, TimelineKey{afterTs, afterLane, afterId}, kPageSize + 1);
        QMetaObject::invokeMethod(
            this,
            [=, this, page = std::move(page)] {
                const bool more = page.size() > kPageSize;
                model_->appendPage(generation, more ? page.mid(0, kPageSize) : page, more);
            },
            Qt::QueuedConnection);
    });
}

void HostTimelineWidget::selectEvent(int lane, qint64 id) {
    if (lane < 0 || lane >= kLanes || (lane == selectedLane_ && id == selectedId_)) {
        return;
    }
    selectedLane_ = lane;
    selectedId_ = id;
    const int row = model_->rowOf(lane, id);
    if (row >= 0) {
        table_->selectRow(row);
        table_->scrollTo(model_->index(row, 0));
    }
    selectedMark_->data()->clear();
    const qsizetype at = laneIds_[size_t(lane)].indexOf(id);
    if (at >= 0) {
        selectedMark_->addData(marks_[size_t(lane)]->data()->at(int(at))->key, laneY(lane));
    }
    requestReplot();
    emit eventActivated(lane, id);
    reader_->post([this, lane, id, gen = generation_](sqlite3* db) {
        const QString text = TimelineQuery::record(db, lane, id);
        QMetaObject::invokeMethod(
            this,
            [this, lane, id, text, gen] {
                if (gen != generation_ || lane != selectedLane_ || id != selectedId_) {
                    return;
                }
                record_->setPlainText(text);
                emit recordShown(lane, id);
            },
            Qt::QueuedConnection);
    });
}

QString HostTimelineWidget::recordText() const {
    return record_->toPlainText();
}

void HostTimelineWidget::setLocalTime(bool local) {
    local_ = local;
    if (localBox_->isChecked() != local) {
        localBox_->setChecked(local);
    }
    qSharedPointerCast<QCPAxisTickerDateTime>(plot_->xAxis->ticker())->setDateTimeSpec(local ? Qt::LocalTime : Qt::UTC);
    plot_->xAxis->setLabel(tr("Time (%1)").arg(zoneName(local)));
    model_->setLocalTime(local);
    updateTitle();
    requestReplot();
}

void HostTimelineWidget::updateTitle() {
    // Lane labels carry each lane's scale: what a full-height bar stands for, or that marks are events.
    QSharedPointer<QCPAxisTickerText> labels(new QCPAxisTickerText);
    const QStringList names = TimelineQuery::laneNames();
    const QLocale l;
    for (int lane = 0; lane < kLanes; ++lane) {
        QString label = names[lane];
        const QVariant maxCount = bars_[size_t(lane)]->property("maxCount");
        if (!laneEvents_[size_t(lane)] && maxCount.isValid()) {
            label += QStringLiteral(" (max %1 / %2)")
                         .arg(l.toString(qint64(maxCount.toDouble())),
                              widthText(int64_t(bars_[size_t(lane)]->property("widthSec").toDouble() * kUs)));
        } else if (laneEvents_[size_t(lane)]) {
            label += QStringLiteral(" (%1)").arg(l.toString(qint64(laneIds_[size_t(lane)].size())));
        }
        labels->addTick(laneY(lane), label);
    }
    plot_->yAxis->setTicker(labels);
    if (hostId_ < 0) {
        title_->setText(tr("No host selected"));
        return;
    }
    const QString fmt = QStringLiteral("yyyy-MM-dd HH:mm:ss");
    const Qt::TimeSpec spec = local_ ? Qt::LocalTime : Qt::UTC;
    QString text = tr("%1  \u00b7  %2 \u2013 %3 (%4)")
                       .arg(hostName_.isEmpty() ? tr("host %1").arg(hostId_) : hostName_,
                            QDateTime::fromMSecsSinceEpoch(visibleFromUs() / 1000, spec).toString(fmt),
                            QDateTime::fromMSecsSinceEpoch(visibleToUs() / 1000, spec).toString(fmt), zoneName(local_));
    if (channelLane_ >= 0) {
        text += channelName_.isEmpty() ? tr("  \u00b7  red: the alert's channel")
                                       : tr("  \u00b7  red: the channel to %1").arg(channelName_);
    }
    if (processId_ >= 0) {
        text += processName_.isEmpty() ? tr("  \u00b7  one process only") : tr("  \u00b7  only %1").arg(processName_);
    }
    title_->setText(visibleText(text));
}

void HostTimelineWidget::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_0 || event->key() == Qt::Key_Home) {
        resetZoom();
    } else if (!applyAxisKey(plot_->xAxis, event->key())) {
        QWidget::keyPressEvent(event);
    }
}

void HostTimelineWidget::requestReplot() {
    if (!isVisible()) {
        dirty_ = true; // drawn when shown
        return;
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void HostTimelineWidget::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (dirty_) {
        dirty_ = false;
        plot_->replot(QCustomPlot::rpQueuedReplot);
    }
}

} // namespace socwb
