// The polling-interval charts of one channel (an alerts row): (1) request times coloured by
// response size over the host's web activity per hour, (2) interval against time on a log axis,
// (3) the interval histogram with the median and the jitter band (median +- MAD), (4) bytes sent
// and received per request, (5) an hour-of-day x day heat map. The three time charts share one
// time axis and one range brush. Data is read and prepared by a CaseReader thread; the charts take
// the prepared vectors already sorted. Times are UTC.
#pragma once

#include "charts/channel_series.h"

#include <QWidget>

#include <array>
#include <memory>

class QCustomPlot;
class QCPItemRect;
class QCPItemStraightLine;
class QCPRange;
class QLabel;
class QToolButton;

namespace socwb {

class CaseReader;

class IntervalChartsWidget : public QWidget {
    Q_OBJECT
  public:
    enum Chart { RequestsChart, IntervalsChart, HistogramChart, BytesChart, HeatMapChart, ChartCount };
    // Response-size classes of chart (1), one graph each, in this order.
    enum SizeClass { SizeUnknown, SizeUnder1K, SizeUnder10K, SizeUnder100K, SizeLarge, SizeClassCount };

    // Above this many requests, points are drawn as one-pixel dots.
    static constexpr int kDensePoints = 20000;

    explicit IntervalChartsWidget(QWidget* parent = nullptr);
    ~IntervalChartsWidget() override;

    void setCase(const QString& casePath);
    // Reads the channel in the background; channelLoaded follows when it is drawn.
    void showChannel(qint64 alertId);
    // Any host + destination (a domains.id), scored or not; channelLoaded(-1) follows.
    void showHostDestination(qint64 hostId, qint64 domainId);
    // Draws a prepared series (what showChannel does once the reader has it).
    void setSeries(const ChannelSeries& series);
    const ChannelSeries& series() const { return series_; }

    // Shows [fromUs, toUs) on the three time charts (zoom); the brush is not changed.
    void setTimeRange(qint64 fromUs, qint64 toUs);
    // Marks [fromUs, toUs) with the brush on the time charts and emits timeRangeSelected.
    void selectTimeRange(qint64 fromUs, qint64 toUs);
    void clearBrush();
    void resetZoom();

    QCustomPlot* plot(Chart chart) const { return plots_[chart]; }
    static QString chartName(Chart chart);
    // Saves one chart; the format follows the suffix: .png or .pdf (SVG needs Qt SVG, not in this build).
    bool exportChart(Chart chart, const QString& path);

  signals:
    void channelLoaded(qint64 alertId);
    void timeRangeSelected(qint64 fromUs, qint64 toUs);
    void loadFailed(const QString& reason);

  protected:
    void keyPressEvent(QKeyEvent* event) override;
    void showEvent(QShowEvent* event) override;

  private:
    void buildCharts();
    void requestReplot();
    void syncTimeAxes(QCustomPlot* source, const QCPRange& range);
    void onBrushRect(QCustomPlot* source, const QRect& rect);
    void chooseExport(Chart chart);
    // Shows REASON in place of the charts (hidden) or, with CHARTS, above them; an empty REASON
    // shows the charts alone.
    void showEmptyState(const QString& reason, bool charts);

    std::unique_ptr<CaseReader> reader_;
    QString casePath_; // exports start beside it
    quint64 generation_ = 0;
    ChannelSeries series_;
    std::array<QCustomPlot*, ChartCount> plots_{};
    std::array<QCPItemRect*, ChartCount> brushes_{};
    QCPItemStraightLine* gapMedian_ = nullptr;
    QCPItemRect* gapBand_ = nullptr;
    QCPItemStraightLine* histMedian_ = nullptr;
    QCPItemRect* histBand_ = nullptr;
    QLabel* title_;
    QLabel* stats_;
    // Why nothing (or no interval) is charted: no channel, no polls, all polls at one instant, or
    // most polls sharing a timestamp. objectName "emptyState".
    QLabel* emptyState_;
    QWidget* chartArea_; // the five charts
    QToolButton* brushButton_;
    bool syncing_ = false;
    bool dirty_ = false;
};

} // namespace socwb
