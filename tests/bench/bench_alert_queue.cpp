// How the alert queue model behaves on a case of N channels (default 1,000,000): time from
// setCase to the row count, to the first page, to a page deep down (row 90 %), and the same after a
// re-sort by host and after a filter. Every wait is on the model's own signals, with the GUI
// thread's event loop running, as in the window. Prints figures; asserts nothing.
#include "alert_fixture.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "tables/alert_table_model.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

using namespace socwb;

namespace {
// Milliseconds until the row's page is loaded (the event loop runs meanwhile).
double untilLoaded(AlertTableModel& m, int row) {
    QElapsedTimer t;
    t.start();
    m.rowAt(row);
    if (!QTest::qWaitFor([&] { return m.rowAt(row) != nullptr; }, 120000)) {
        return -1;
    }
    return double(t.nsecsElapsed()) / 1e6;
}

double untilCounted(AlertTableModel& m, const std::function<void()>& change) {
    QElapsedTimer t;
    t.start();
    change();
    if (!QTest::qWaitFor([&] { return !m.isCounting(); }, 120000)) {
        return -1;
    }
    return double(t.nsecsElapsed()) / 1e6;
}
} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int n = argc > 1 ? std::atoi(argv[1]) : 1000000;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("queue.socwb"));
    {
        auto store = CaseStore::open(path);
        QElapsedTimer t;
        t.start();
        Transaction tx(store->db());
        test::insertSyntheticAlerts(store->db(), n);
        tx.commit();
        std::printf("bench_alert_queue: %d channels written in %.1f s\n", n, t.elapsed() / 1000.0);
    }
    AlertTableModel m;
    const double count = untilCounted(m, [&] { m.setCase(path); });
    const double first = untilLoaded(m, 0);
    const double deep = untilLoaded(m, m.rowCount() * 9 / 10);
    QTest::qWait(5000); // the anchors pass runs after the count; then deep pages are seeks
    const double deepAnchored = untilLoaded(m, m.rowCount() * 8 / 10);
    std::printf("open: %d rows counted in %.0f ms, first page %.0f ms later, page at row %d in %.0f ms; "
                "5 s later (anchors found) a page at row %d in %.1f ms\n",
                m.rowCount(), count, first, m.rowCount() * 9 / 10, deep, m.rowCount() * 8 / 10, deepAnchored);
    const double sortCount = untilCounted(m, [&] { m.sort(AlertTableModel::HostColumn, Qt::AscendingOrder); });
    const double sortFirst = untilLoaded(m, 0);
    QTest::qWait(5000);
    const double sortDeep = untilLoaded(m, m.rowCount() * 9 / 10);
    std::printf("sort by host (no index): count %.0f ms, first page %.0f ms, page at 90 %% 5 s later %.0f ms\n",
                sortCount, sortFirst, sortDeep);
    const double filterCount = untilCounted(
        m, [&] { m.setFilter(parseAlertFilter(QStringLiteral("service:pastebin score>=50 -process:git.exe"))); });
    const double filterFirst = untilLoaded(m, 0);
    std::printf(
        "filter 'service:pastebin score>=50 -process:git.exe': %d rows counted in %.0f ms, first page %.0f ms\n",
        m.rowCount(), filterCount, filterFirst);
    return 0;
}
