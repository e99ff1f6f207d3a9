// The investigation views, for the main window to place in its docks:
//
//   IntervalChartsWidget  (interval_charts_widget.h)  polling-interval charts of one channel
//   HostTimelineWidget    (host_timeline_widget.h)    a host's lanes over time + event table + record
//   ProcessTreeWidget     (process_tree_widget.h)     a host's process tree, reveal, lineage
//   NavigationHistory     (navigation_history.h)      back/forward over where the analyst has been
//
// Each widget opens its own connection to the case on its own thread: call setCase(path) once a
// case is open (and again after an import or a re-score), then
//   charts->showChannel(alertId);   timeline->showChannel(alertId);   tree->showChannel(alertId);
// or charts->showHostDestination(hostId, domainId) for any host + destination,
// or timeline->showHost(hostId) / tree->showHost(hostId) / tree->revealProcess(processId).
// Each emits a "loaded" signal once drawn (channelLoaded, hostLoaded), which --screenshot can wait on.
//
// Signals to link (linkInvestigationViews does this):
//   IntervalChartsWidget::timeRangeSelected(qint64 fromUs, qint64 toUs) -> HostTimelineWidget::setTimeRange
//   ProcessTreeWidget::processSelected(qint64 processId)               -> HostTimelineWidget::setProcessFilter
//   HostTimelineWidget::eventActivated(int lane, qint64 id)            -> ProcessTreeWidget::revealProcess
//                                                                        (process-start lane only)
// Back/forward: NavigationHistory::visit({view, alertId, hostId, processId, fromUs, toUs}) when the
// analyst goes somewhere; createBackAction/createForwardAction give tool-bar actions (Alt+Left/Right)
// that stay disabled when there is nowhere to go; navigated(entry) says where to show.
// Keyboard on the charts and the timeline: + - zoom, Left/Right pan, 0 resets; wheel and drag too.
// Times are UTC microseconds throughout.
#pragma once

#include "charts/timeline_query.h"
#include "host_timeline_widget.h"
#include "interval_charts_widget.h"
#include "navigation_history.h"
#include "process_tree_widget.h"

namespace socwb {

inline void linkInvestigationViews(IntervalChartsWidget* charts, HostTimelineWidget* timeline,
                                   ProcessTreeWidget* tree) {
    if (charts && timeline) {
        QObject::connect(charts, &IntervalChartsWidget::timeRangeSelected, timeline, &HostTimelineWidget::setTimeRange);
    }
    if (tree && timeline) {
        QObject::connect(tree, &ProcessTreeWidget::processSelected, timeline, &HostTimelineWidget::setProcessFilter);
        QObject::connect(timeline, &HostTimelineWidget::eventActivated, tree, [tree](int lane, qint64 id) {
            if (lane == TimelineQuery::ProcessLane) {
                tree->revealProcess(id);
            }
        });
    }
}

} // namespace socwb
