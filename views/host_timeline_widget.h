// A host's activity on one zoomable time axis, a lane per source (proxy, DNS server log, Sysmon DNS,
// process starts, connections, file events, analyst notes). Zoomed out, lanes are counts per time
// bucket (per-minute SQL aggregates read once per host and re-bucketed in memory; finer SQL
// GROUP BY buckets below that); once a lane's visible range holds few enough events they are drawn
// one by one. Below the chart, the events of the visible range in a table paged from SQLite by key,
// and the full record and provenance of the selected event. The selected alert's channel is
// highlighted in its lane. Times in UTC, switchable to local time; the zone is always shown.
#pragma once

#include "charts/timeline_buckets.h"

#include <QSet>
#include <QWidget>

#include <array>
#include <memory>

class QCheckBox;
class QCustomPlot;
class QCPBars;
class QCPGraph;
class QCPRange;
class QLabel;
class QPlainTextEdit;
class QTableView;
class QTimer;
class QToolButton;

namespace socwb {

class CaseReader;
class TimelineEventModel;
struct TimelineEvent;

class HostTimelineWidget : public QWidget {
    Q_OBJECT
  public:
    static constexpr int kEventLimit = 3000; // a lane shows single events up to this many in view
    static constexpr int kPageSize = 200;    // event table rows per page

    explicit HostTimelineWidget(QWidget* parent = nullptr);
    ~HostTimelineWidget() override;

    void setCase(const QString& casePath);
    void showHost(qint64 hostId);
    // The alert's host, with its channel's events highlighted in their lane.
    void showChannel(qint64 alertId);
    // Zooms to [fromUs, toUs); the lanes and the event table follow.
    void setTimeRange(qint64 fromUs, qint64 toUs);
    // Only what this process did (-1: everything on the host).
    void setProcessFilter(qint64 processId);
    void setLocalTime(bool local);
    void resetZoom();
    // Selects one event: its record and provenance are shown, and eventActivated is emitted.
    void selectEvent(int lane, qint64 id);

    qint64 hostId() const { return hostId_; }
    qint64 processFilter() const { return processId_; }
    qint64 visibleFromUs() const;
    qint64 visibleToUs() const;
    bool laneShowsEvents(int lane) const { return laneEvents_[size_t(lane)]; }
    QCustomPlot* plot() const { return plot_; }
    TimelineEventModel* eventModel() const { return model_; }
    QString recordText() const;
    // Re-reads the visible range now instead of after the zoom settles (benchmarks, tests).
    void redraw();

  signals:
    void hostLoaded(qint64 hostId);
    void rangeDrawn(qint64 fromUs, qint64 toUs); // after the lanes for a range are drawn
    void eventActivated(int lane, qint64 eventId);
    void recordShown(int lane, qint64 eventId);
    void loadFailed(const QString& reason);

  protected:
    void showEvent(QShowEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override; // + - Left Right 0, like the charts

  private:
    // The range resetZoom() opened on, to tell a view nobody moved from one the analyst chose.
    qint64 openedFromUs_ = 0, openedToUs_ = 0;
    void loadHost(qint64 hostId, qint64 alertId, qint64 keepFromUs = 0, qint64 keepToUs = 0);
    void onRangeChanged(const QCPRange& range);
    void applyBuckets(int lane, const QVector<double>& startsSec, const QVector<double>& counts, double widthSec);
    void applyEvents(int lane, const QVector<TimelineEvent>& events);
    void applyChannelBuckets(double fromSec, double toSec, double widthSec);
    void requestPage(quint64 generation, qint64 afterTs, int afterLane, qint64 afterId);
    void updateTitle();
    void requestReplot();
    double laneY(int lane) const;

    std::unique_ptr<CaseReader> reader_;
    quint64 generation_ = 0;      // host / filter changes
    quint64 rangeGeneration_ = 0; // visible-range changes
    qint64 hostId_ = -1;
    qint64 processId_ = -1;
    QString hostName_;
    TimelineBuckets buckets_;
    // The highlighted channel: its lane, member ids, and request times (seconds).
    int channelLane_ = -1;
    QSet<qint64> channelIds_;
    QVector<double> channelTimes_;
    std::array<bool, TimelineBuckets::kLaneCount> laneEvents_{};
    std::array<QVector<qint64>, TimelineBuckets::kLaneCount> laneIds_;
    std::array<QCPBars*, TimelineBuckets::kLaneCount> bars_{};
    std::array<QCPGraph*, TimelineBuckets::kLaneCount> marks_{};
    QCPBars* channelBars_ = nullptr;
    QCPGraph* channelMarks_ = nullptr;
    QVector<qint64> channelMarkIds_;
    QCPGraph* selectedMark_ = nullptr;
    bool local_ = false;
    bool dirty_ = false;
    qint64 alertId_ = -1;
    QString channelName_; // the alert's destination, for the header
    QString processName_; // "image.exe (PID n)", for the header
    int selectedLane_ = -1;
    qint64 selectedId_ = -1;

    qint64 pendingAlert_ = -1; // the channel asked for while it loads
    QLabel* title_;
    QCheckBox* localBox_;
    QToolButton* clearFilter_;
    QCustomPlot* plot_;
    QTableView* table_;
    TimelineEventModel* model_;
    QPlainTextEdit* record_;
    QTimer* settle_;
};

} // namespace socwb
