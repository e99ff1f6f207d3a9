// The scorer's measures with exact values: RITA v5's published test vectors for its regularity
// score, Bowley skewness and MAD worked by hand, the band test, the 24-bin histogram, and the
// member-id codec that stores a channel's events.
#include "scoring/channel_members.h"
#include "scoring/interval_stats.h"

#include <QTest>

#include <cmath>

using namespace socwb::scoring;

class TestIntervalStats : public QObject {
    Q_OBJECT
  private slots:
    void ritaVectors_data();
    void ritaVectors();
    void bowleySkewAndMadByHand();
    void skewGuards();
    void quantilesAndMedian();
    void gapsDropZeros();
    void bandTest();
    void bandTestSetsAsidePausesOnlyWhenRare();
    void histogram();
    void memberIdsRoundTrip();
};

void TestIntervalStats::ritaVectors_data() {
    QTest::addColumn<QVector<double>>("gaps");
    QTest::addColumn<double>("expected");
    QTest::newRow("all 60 s") << QVector<double>(20, 60.0) << 1.0;
    QTest::newRow("98..102") << QVector<double>{98, 99, 99, 100, 100, 100, 101, 101, 102} << 0.995;
    QVector<double> alternating;
    for (int i = 0; i < 10; ++i) {
        alternating << (i % 2 ? 300.0 : 98.0);
    }
    // Median 199, MAD 101: (1 + (199 - 101) / 199) / 2.
    QTest::newRow("alternating 98/300") << alternating << 0.5 + 0.5 * 98.0 / 199.0;
}

void TestIntervalStats::ritaVectors() {
    QFETCH(QVector<double>, gaps);
    QFETCH(double, expected);
    const Regularity r = regularity(std::vector<double>(gaps.begin(), gaps.end()));
    QVERIFY2(std::abs(r.score - expected) < 1e-9, qPrintable(QString::number(r.score, 'g', 12)));
    // RITA rounds the published figure of the last vector to 0.746.
    QCOMPARE(std::round(r.score * 1000) / 1000, std::round(expected * 1000) / 1000);
}

void TestIntervalStats::bowleySkewAndMadByHand() {
    // Sorted 10, 20, 30, 100: Q1 = 17.5, Q2 = 25, Q3 = 47.5 -> (17.5 + 47.5 - 50) / 30 = 0.5.
    const Regularity r = regularity({100, 10, 30, 20});
    QCOMPARE(r.skew, 0.5);
    QCOMPARE(r.skewScore, 0.5);
    // Deviations from 25: 15, 5, 5, 75 -> MAD 10; (25 - 10) / 25 = 0.6.
    QCOMPARE(r.mad, 10.0);
    QCOMPARE(r.madScore, 0.6);
    QCOMPARE(r.score, 0.55);
    QCOMPARE(r.madOverMedian, 0.4);
    // A MAD as large as the median scores 0 (10; deviations 10, 10, 0, 10, 10).
    QCOMPARE(regularity({0, 0, 10, 20, 20}).madScore, 0.0);
}

void TestIntervalStats::skewGuards() {
    // A spread under 10 says nothing about skew.
    QCOMPARE(regularity({50, 51, 52, 58}).skew, 0.0);
    // A median equal to a quartile neither.
    QCOMPARE(regularity({10, 10, 10, 10, 200}).skew, 0.0);
    QCOMPARE(regularity({}).score, 0.0);
}

void TestIntervalStats::quantilesAndMedian() {
    QCOMPARE(medianSorted({1, 2, 3}), 2.0);
    QCOMPARE(medianSorted({1, 2, 3, 10}), 2.5);
    QCOMPARE(quantileSorted({0, 10, 20, 30, 40}, 0.25), 10.0);
    QCOMPARE(quantileSorted({0, 10}, 0.75), 7.5);
    QCOMPARE(medianSorted({}), 0.0);
}

void TestIntervalStats::gapsDropZeros() {
    const std::vector<double> g = nonZeroGapsSeconds({1'000'000, 1'000'000, 3'500'000, 63'500'000});
    QCOMPARE(g.size(), size_t(2));
    QCOMPARE(g[0], 2.5);
    QCOMPARE(g[1], 60.0);
}

void TestIntervalStats::bandTest() {
    // +-50 % jitter: every gap in the band around the median 300.
    const BandTest jittered = socwb::scoring::bandTest({150, 450, 300, 200, 400, 250, 350, 300, 160, 440}, 0.5, 6);
    QCOMPARE(jittered.considered, int64_t(10));
    QCOMPARE(jittered.share, 1.0);
    QCOMPARE(jittered.score, 1.0);
    // Median 10.5, band 5.25..15.75: five of eight in; score (0.625 - p) / (1 - p), p = 2^-0.5 - 2^-1.5.
    const BandTest part = socwb::scoring::bandTest({10, 10, 10, 10, 11, 100, 100, 100}, 0.5, 100);
    QCOMPARE(part.share, 0.625);
    const double p = std::pow(2.0, -0.5) - std::pow(2.0, -1.5);
    QVERIFY(std::abs(part.score - (0.625 - p) / (1 - p)) < 1e-12);
    // A share at what a Poisson process gives, or below, scores 0.
    QCOMPARE(socwb::scoring::bandTest({1, 10, 100, 1000, 10000}, 0.5, 1e9).score, 0.0);
}

void TestIntervalStats::bandTestSetsAsidePausesOnlyWhenRare() {
    // 20 polls a minute apart and one night off: the night is a pause, not jitter.
    std::vector<double> gaps(20, 60.0);
    gaps.push_back(8 * 3600.0);
    const BandTest night = socwb::scoring::bandTest(gaps, 0.5, 6);
    QCOMPARE(night.pauses, int64_t(1));
    QCOMPARE(night.considered, int64_t(20));
    QCOMPARE(night.score, 1.0);
    // Browsing: bursts of sub-second gaps with long gaps between them. The long gaps are a third
    // of all, so they count, and the share falls to the bursts' 2/3.
    const std::vector<double> bursts{0.5, 0.5, 400, 0.5, 0.5, 900, 0.5, 0.5, 1200};
    const BandTest b = socwb::scoring::bandTest(bursts, 0.5, 6);
    QCOMPARE(b.pauses, int64_t(0));
    QCOMPARE(b.considered, int64_t(9));
    QVERIFY(std::abs(b.share - 6.0 / 9.0) < 1e-12);
}

void TestIntervalStats::histogram() {
    constexpr int64_t hour = 3'600'000'000LL;
    std::vector<int64_t> even;
    for (int h = 0; h < 24; ++h) {
        even.push_back(h * hour + hour / 2);
        even.push_back(h * hour + hour / 4);
    }
    std::sort(even.begin(), even.end());
    const HistogramScores e = histogramScores(even, 0, 24 * hour);
    QCOMPARE(e.cvScore, 1.0);
    QCOMPARE(e.activeBins, 24);
    QCOMPARE(e.longestRun, 24.0);
    QCOMPARE(e.durationScore, 1.0);
    // Working hours: 9 active bins of 4, 15 empty: two levels, bimodal 1; CV = sqrt(15/9) -> 0.
    std::vector<int64_t> office;
    for (int h = 8; h < 17; ++h) {
        for (int q = 0; q < 4; ++q) {
            office.push_back(h * hour + q * hour / 4);
        }
    }
    const HistogramScores o = histogramScores(office, 0, 24 * hour);
    QCOMPARE(o.activeBins, 9);
    QCOMPARE(o.cvScore, 0.0);
    QCOMPARE(o.bimodalScore, 1.0);
    QCOMPARE(o.longestRun, 9.0);
    QCOMPARE(o.durationScore, 0.75); // max(coverage 0.36, 9 / 12)
    // Three levels (0, 1, 4 per bin): the two largest groups cover 15 + 8 of 24 bins.
    std::vector<int64_t> mixed = office;
    for (int h = 0; h < 8; ++h) {
        mixed.push_back(h * hour + 1);
    }
    std::sort(mixed.begin(), mixed.end());
    QCOMPARE(histogramScores(mixed, 0, 24 * hour).bimodalScore, 9.0 / 24.0 + 8.0 / 24.0);
}

void TestIntervalStats::memberIdsRoundTrip() {
    const std::vector<int64_t> ids{1, 2, 3, 130, 131, 70000, 1LL << 40};
    const QByteArray blob = encodeMemberIds(ids);
    // 1, 1, 1 take a byte each; 127 one byte; 1; 69869 three bytes; the last jump six.
    QCOMPARE(blob.size(), 1 + 1 + 1 + 1 + 1 + 3 + 6);
    QCOMPARE(decodeMemberIds(blob.constData(), int(blob.size())), ids);
    // Duplicates and descending ids are dropped rather than stored as nonsense.
    QCOMPARE(decodeMemberIds(encodeMemberIds({5, 5, 4, 9}).constData(), 2), (std::vector<int64_t>{5, 9}));
    // A cut BLOB gives the ids before the cut.
    QCOMPARE(decodeMemberIds(blob.constData(), 4), (std::vector<int64_t>{1, 2, 3, 130}));
    QCOMPARE(decodeMemberIds(nullptr, 0).size(), size_t(0));
}

QTEST_GUILESS_MAIN(TestIntervalStats)
#include "tst_interval_stats.moc"
