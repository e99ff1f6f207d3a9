// bench_views: how fast the investigation views draw on big inputs, on the offscreen platform.
//   - a channel of 100,000 requests: all five polling-interval charts (goal < 200 ms)
//   - a host timeline over 1,000,000 events re-drawing on zoom (goal < 100 ms)
//   - a host with 5,000 processes: the process tree opens (goal < 300 ms)
// The fixture case is built here with plain SQL into a case made by CaseStore::open (so schema and
// indexes are the real ones). Figures are medians of 5; each line prints its goal. A program, not a
// test: the machine is shared, so numbers are for reading, not for failing a build.
#include "charts/channel_series.h"
#include "charts/process_tree_data.h"
#include "charts/timeline_query.h"
#include "host_timeline_widget.h"
#include "interval_charts_widget.h"
#include "process_tree_widget.h"
#include "scoring/channel_members.h"
#include "store/case_store.h"
#include "store/statement.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <array>
#include <cstdio>
#include <random>

using namespace socwb;

namespace {

constexpr int64_t kT0 = 1'700'000'000'000'000;
constexpr int64_t kDay = 86'400'000'000;
constexpr int kEvents = 1'000'000;
constexpr int kChannel = 100'000;
constexpr int kProcesses = 5'000;

double medianMs(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Waits for SIGNAL of OBJ (at most 60 s); the time spent is the caller's to measure.
template <typename Obj, typename Signal> bool waitFor(Obj* obj, Signal signal) {
    QEventLoop loop;
    bool fired = false;
    auto c = QObject::connect(obj, signal, &loop, [&] {
        fired = true;
        loop.quit();
    });
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    loop.exec();
    QObject::disconnect(c);
    return fired;
}

void buildCase(const QString& path) {
    auto store = CaseStore::open(path);
    sqlite3* db = store->db();
    std::mt19937_64 rng(7);
    Transaction tx(db);
    execSql(db, "INSERT INTO evidence(id, path, sha256, size, format, status) VALUES (1, '/bench/access.log', 'x', 1, "
                "'squid', 'imported'),"
                "(2, '/bench/sysmon.xml', 'y', 1, 'sysmon-xml', 'imported')");
    execSql(db, "INSERT INTO hosts(id, name, source) VALUES (1, 'busy-ws', 'asset'), (2, 'many-processes', 'asset')");
    execSql(db, "INSERT INTO domains(id, name) VALUES (1, 'pastebin.com'), (2, 'www.example.com')");
    // 1,000,000 requests over 30 days: a 100,000-request channel every ~26 s with +-20 % jitter,
    // and 900,000 browsing requests in office hours.
    std::vector<std::pair<int64_t, bool>> times;
    times.reserve(kEvents);
    int64_t t = kT0;
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    for (int i = 0; i < kChannel; ++i) {
        t += int64_t(26e6 * jitter(rng));
        times.push_back({t, true});
    }
    const int64_t span = t - kT0;
    std::uniform_int_distribution<int64_t> anywhere(0, span);
    while (int(times.size()) < kEvents) {
        const int64_t u = kT0 + anywhere(rng);
        const int64_t hour = (u / 3'600'000'000) % 24;
        if (hour >= 8 && hour < 18) {
            times.push_back({u, false});
        }
    }
    std::sort(times.begin(), times.end());
    Statement ins(
        db, "INSERT INTO proxy_events(evidence_id, line_no, ts_us, host_id, method, url, domain_id, status, bytes_out, "
            "bytes_in) VALUES (1, ?, ?, 1, 'GET', ?, ?, 200, ?, ?)");
    std::vector<int64_t> channelIds;
    std::uniform_int_distribution<int64_t> size(200, 60000);
    for (size_t i = 0; i < times.size(); ++i) {
        ins.bind(1, int64_t(i + 1)).bind(2, times[i].first);
        ins.bindStatic(3, times[i].second ? "https://pastebin.com/raw/Ab12" : "https://www.example.com/page");
        ins.bind(4, times[i].second ? 1 : 2).bind(5, int64_t(300)).bind(6, size(rng));
        ins.exec();
        ins.reset();
        if (times[i].second) {
            channelIds.push_back(sqlite3_last_insert_rowid(db));
        }
    }
    const QByteArray blob = scoring::encodeMemberIds(channelIds);
    Statement a(db, "INSERT INTO alerts(id, channel_key, host_id, host, destination, requests, first_ts, last_ts, "
                    "features, proxy_ids) "
                    "VALUES (1, 'bench', 1, 'busy-ws', 'pastebin.com', ?, ?, ?, '{}', ?)");
    a.bind(1, int64_t(kChannel))
        .bind(2, kT0)
        .bind(3, t)
        .bindBlob(4, std::string_view(blob.constData(), size_t(blob.size())));
    a.exec();
    // 5,000 processes on host 2, each the child of an earlier one (a few long chains, many leaves).
    Statement p(
        db,
        "INSERT INTO processes(id, host_id, process_guid, pid, image, command_line, user_name, parent_id, start_ts, "
        "known_from) VALUES (?, 2, ?, ?, ?, ?, 'bob', ?, ?, 'create')");
    for (int i = 1; i <= kProcesses; ++i) {
        p.bind(1, int64_t(i)).bind(2, "{" + std::to_string(i) + "}").bind(3, int64_t(1000 + i));
        p.bind(4, i % 50 == 0 ? "C:\\Users\\bob\\AppData\\Local\\Temp\\x.exe" : "C:\\Windows\\System32\\svchost.exe");
        p.bind(5, "svchost.exe -k netsvcs -p -s Schedule " + std::to_string(i));
        if (i == 1) {
            p.bindNull(6);
        } else {
            p.bind(6, int64_t(std::uniform_int_distribution<int>(std::max(1, i - 40), i - 1)(rng)));
        }
        p.bind(7, kT0 + int64_t(i) * 1'000'000);
        p.exec();
        p.reset();
    }
    tx.commit();
}

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    QTemporaryDir dir;
    const QString casePath = dir.filePath(QStringLiteral("bench.socwb"));
    QElapsedTimer clock;
    clock.start();
    buildCase(casePath);
    std::fprintf(stderr, "fixture: %d proxy requests (channel %d), %d processes in %.1f s\n", kEvents, kChannel,
                 kProcesses, clock.elapsed() / 1000.0);
    std::printf("bench_views: offscreen, 1366x768, medians of 5\n");

    // 1. Charts: the reader's preparation, then the five charts drawn from it.
    {
        auto store = CaseStore::open(casePath);
        std::vector<double> load, draw;
        std::array<std::vector<double>, IntervalChartsWidget::ChartCount> perChart;
        IntervalChartsWidget w;
        w.resize(1366, 768);
        w.show();
        ChannelSeries s;
        for (int run = 0; run < 5; ++run) {
            clock.restart();
            s = ChannelSeries::load(store->db(), 1);
            load.push_back(double(clock.nsecsElapsed()) / 1e6);
            clock.restart();
            w.setSeries(s);
            for (int c = 0; c < IntervalChartsWidget::ChartCount; ++c) {
                QElapsedTimer one;
                one.start();
                w.plot(IntervalChartsWidget::Chart(c))->replot(QCustomPlot::rpImmediateRefresh);
                perChart[size_t(c)].push_back(double(one.nsecsElapsed()) / 1e6);
            }
            draw.push_back(double(clock.nsecsElapsed()) / 1e6);
        }
        std::printf("  channel of %lld requests: read + prepare (reader thread)      %7.1f ms\n",
                    (long long)s.times.size(), medianMs(load));
        std::printf("  channel of %lld requests: all five charts drawn (GUI thread)  %7.1f ms  (goal < 200)\n",
                    (long long)s.times.size(), medianMs(draw));
        std::printf("      of which replots:");
        for (int c = 0; c < IntervalChartsWidget::ChartCount; ++c) {
            std::printf(" %s %.1f ms%s", qPrintable(IntervalChartsWidget::chartName(IntervalChartsWidget::Chart(c))),
                        medianMs(perChart[size_t(c)]), c + 1 < IntervalChartsWidget::ChartCount ? "," : "\n");
        }
    }

    // 2. Timeline over 1,000,000 events: open, then zooms at three scales.
    {
        HostTimelineWidget w;
        w.resize(1366, 768);
        w.show();
        w.setCase(casePath);
        w.showHost(1); // the first also opens and checks the case
        waitFor(&w, &HostTimelineWidget::rangeDrawn);
        clock.restart();
        w.showHost(1);
        waitFor(&w, &HostTimelineWidget::rangeDrawn);
        const double open = double(clock.nsecsElapsed()) / 1e6;
        std::printf("  host timeline, %d events: open (per-minute SQL counts, once)   %7.1f ms\n", kEvents, open);
        const int64_t mid = kT0 + 15 * kDay;
        struct Zoom {
            const char* what;
            int64_t span;
        };
        for (const Zoom z :
             {Zoom{"30 days (in-memory buckets)", 30 * kDay}, Zoom{"3 days (in-memory buckets)", 3 * kDay},
              Zoom{"1 hour (single events)", 3'600'000'000}, Zoom{"90 s, office hours (single events)", 90'000'000}}) {
            std::vector<double> ms;
            for (int run = 0; run < 5; ++run) {
                const int64_t from = mid + 10 * 3'600'000'000LL + run * 60'000'000LL - z.span / 2;
                w.setTimeRange(from, from + z.span);
                clock.restart();
                w.redraw();
                waitFor(&w, &HostTimelineWidget::rangeDrawn);
                w.plot()->replot(QCustomPlot::rpImmediateRefresh);
                ms.push_back(double(clock.nsecsElapsed()) / 1e6);
            }
            std::printf("  host timeline zoom to %-36s %7.1f ms  (goal < 100)\n", z.what, medianMs(ms));
            // Where the time goes: the first table page (SQL, reader thread) and one replot.
            auto store = CaseStore::open(casePath);
            const int64_t from = mid + 10 * 3'600'000'000LL - z.span / 2;
            clock.restart();
            TimelineQuery(store->db(), 1).page(from, from + z.span, TimelineKey{}, HostTimelineWidget::kPageSize + 1);
            const double page = double(clock.nsecsElapsed()) / 1e6;
            clock.restart();
            w.plot()->replot(QCustomPlot::rpImmediateRefresh);
            std::printf("      of which first table page (SQL) %.1f ms, one replot %.1f ms\n", page,
                        double(clock.nsecsElapsed()) / 1e6);
        }
    }

    // 3. A 5,000-process tree opens: read, model, first paint.
    {
        std::vector<double> ms;
        ProcessTreeWidget w;
        w.resize(1366, 768);
        w.show();
        w.setCase(casePath);
        w.showHost(2); // the first also opens and checks the case
        waitFor(&w, &ProcessTreeWidget::hostLoaded);
        for (int run = 0; run < 5; ++run) {
            clock.restart();
            w.showHost(2);
            waitFor(&w, &ProcessTreeWidget::hostLoaded);
            w.grab();
            ms.push_back(double(clock.nsecsElapsed()) / 1e6);
        }
        std::printf("  process tree of %d processes: open and paint               %7.1f ms  (goal < 300)\n", kProcesses,
                    medianMs(ms));
    }
    return 0;
}
