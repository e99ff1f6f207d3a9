// render_views OUTDIR: the investigation views for the sample case's top alert, as PNGs at
// 1366x768 (intervals.png, timeline.png, process-tree.png) — for the README and for looking at.
// Imports sample-data/case into a temporary case with socwb-cli, scores it, takes the highest-
// scored unsuppressed alert and grabs each widget once it has drawn.
#include "investigation_views.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "tables/timeline_event_model.h"

#include <QApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

using namespace socwb;

namespace {

bool cli(const QStringList& args) {
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(QStringLiteral(SOCWB_CLI_PATH), args);
    p.waitForFinished(600000);
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() <= 1; // 1: some lines rejected
}

template <typename Obj, typename Signal> void waitFor(Obj* obj, Signal signal) {
    QEventLoop loop;
    QObject::connect(obj, signal, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();
    QTimer::singleShot(300, &loop, &QEventLoop::quit); // queued replots and layouts settle
    loop.exec();
}

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: render_views OUTDIR\n");
        return 2;
    }
    const QString out = QString::fromLocal8Bit(argv[1]);
    QDir().mkpath(out);
    QTemporaryDir tmp;
    const QString casePath = tmp.filePath(QStringLiteral("sample.socwb"));
    QStringList importArgs{QStringLiteral("import"), casePath, QStringLiteral("--tz"), QStringLiteral("UTC")};
    for (const QFileInfo& f :
         QDir(QStringLiteral(SOCWB_SOURCE_DIR "/sample-data/case")).entryInfoList(QDir::Files, QDir::Name)) {
        importArgs << f.absoluteFilePath();
    }
    if (!cli(importArgs) || !cli({QStringLiteral("score"), casePath})) {
        std::fprintf(stderr, "render_views: import or score failed\n");
        return 1;
    }
    qint64 alertId = -1;
    {
        auto store = CaseStore::open(casePath);
        Statement top(store->db(), "SELECT id FROM alerts WHERE suppressed_by IS NULL ORDER BY score DESC, id LIMIT 1");
        if (top.step()) {
            alertId = top.int64(0);
        }
    }
    if (alertId < 0) {
        std::fprintf(stderr, "render_views: the sample case has no alert\n");
        return 1;
    }
    const QSize size(1366, 768);
    {
        IntervalChartsWidget w;
        w.resize(size);
        w.show();
        w.setCase(casePath);
        w.showChannel(alertId);
        waitFor(&w, &IntervalChartsWidget::channelLoaded);
        w.grab().save(out + QStringLiteral("/intervals.png"));
    }
    {
        HostTimelineWidget w;
        w.resize(size);
        w.show();
        w.setCase(casePath);
        w.showChannel(alertId);
        waitFor(&w, &HostTimelineWidget::rangeDrawn);
        // Show a record too: the first event of the channel's lane in the table.
        if (w.eventModel()->rowCount() > 0) {
            const auto& e = w.eventModel()->eventAt(0);
            w.selectEvent(e.lane, e.id);
            waitFor(&w, &HostTimelineWidget::recordShown);
        }
        w.grab().save(out + QStringLiteral("/timeline.png"));
    }
    {
        ProcessTreeWidget w;
        w.resize(size);
        w.show();
        w.setCase(casePath);
        w.showChannel(alertId);
        waitFor(&w, &ProcessTreeWidget::hostLoaded);
        w.grab().save(out + QStringLiteral("/process-tree.png"));
    }
    std::fprintf(stderr, "render_views: alert %lld rendered into %s\n", (long long)alertId, qPrintable(out));
    return 0;
}
