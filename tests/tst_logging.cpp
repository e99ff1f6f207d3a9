// The per-subsystem loggers: asking for one from several threads at once, before anything
// registered it, must hand every thread a logger (spdlog throws when a name is registered twice).
#include "core/logging.h"

#include <spdlog/spdlog.h>

#include <QTest>

#include <atomic>
#include <latch>
#include <thread>
#include <vector>

class TestLogging : public QObject {
    Q_OBJECT
  private slots:
    void firstUseFromManyThreads();
};

void TestLogging::firstUseFromManyThreads() {
    constexpr int kThreads = 8;
    std::atomic<int> failures{0};
    std::atomic<int> nulls{0};
    for (int round = 0; round < 200; ++round) {
        spdlog::drop("ingest"); // as before the first use
        std::latch start(kThreads);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&] {
                start.arrive_and_wait();
                try {
                    if (!socwb::log::ingest()) {
                        ++nulls;
                    }
                } catch (const std::exception&) {
                    ++failures;
                }
            });
        }
        for (auto& th : threads) {
            th.join();
        }
    }
    QCOMPARE(failures.load(), 0);
    QCOMPARE(nulls.load(), 0);
    QVERIFY(spdlog::get("ingest") != nullptr);
}

QTEST_GUILESS_MAIN(TestLogging)
#include "tst_logging.moc"
