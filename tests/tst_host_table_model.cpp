// The host table's model: its rows come from the case in the order sort() asks for, sorted in SQL
// on the model's own thread; at most rowLimit() of them, the first ones of the order, with total()
// saying how many the case holds; an answer to an older request never replaces a newer one.
#include "store/case_store.h"
#include "tables/host_table_model.h"
#include "test_paths.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace socwb;
using namespace socwb::test;

namespace {

QStringList columnOf(const HostTableModel& model, int column) {
    QStringList out;
    for (int r = 0; r < model.rowCount(); ++r) {
        out << model.index(r, column).data().toString();
    }
    return out;
}

// Six client addresses; the busiest is not the first by name.
const QStringList kByName{"10.7.0.1", "10.7.0.2", "10.7.0.3", "10.7.0.4", "10.7.0.5", "10.7.0.6"};
const QStringList kBusiestFirst{"10.7.0.2", "10.7.0.4", "10.7.0.6", "10.7.0.1", "10.7.0.5", "10.7.0.3"};

} // namespace

class TestHostTableModel : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void sortsByTheColumnAsked();
    void showsTheFirstRowsOfTheOrder();
    void aNewerRequestWins();
    void noCaseNoRows();

  private:
    QTemporaryDir dir_;
    QString case_;
};

void TestHostTableModel::initTestCase() {
    case_ = dir_.filePath(QStringLiteral("hosts.socwb"));
    auto store = CaseStore::open(case_);
    const QList<QPair<QString, int>> clients{{QStringLiteral("10.7.0.1"), 3}, {QStringLiteral("10.7.0.2"), 6},
                                             {QStringLiteral("10.7.0.3"), 1}, {QStringLiteral("10.7.0.4"), 5},
                                             {QStringLiteral("10.7.0.5"), 2}, {QStringLiteral("10.7.0.6"), 4}};
    const ImportResult r =
        importInto(*store, writeSquidLog(dir_.filePath(QStringLiteral("hosts.log")), clients), QStringLiteral("squid"));
    QCOMPARE(r.accepted, int64_t(21));
}

void TestHostTableModel::sortsByTheColumnAsked() {
    HostTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&model, &HostTableModel::loaded);
    model.setCase(case_);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(model.total(), qint64(6));
    QCOMPARE(columnOf(model, HostTableModel::NameColumn), kByName); // by name until asked otherwise

    model.sort(HostTableModel::ProxyColumn, Qt::DescendingOrder);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(columnOf(model, HostTableModel::NameColumn), kBusiestFirst);
    QCOMPARE(columnOf(model, HostTableModel::ProxyColumn), (QStringList{"6", "5", "4", "3", "2", "1"}));
    QCOMPARE(model.index(0, HostTableModel::AddressesColumn).data().toString(), QStringLiteral("10.7.0.2"));

    model.sort(HostTableModel::ProxyColumn, Qt::AscendingOrder);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(columnOf(model, HostTableModel::ProxyColumn), (QStringList{"1", "2", "3", "4", "5", "6"}));

    // Every host has no alert: ties keep the order by name, whichever way the column runs.
    model.sort(HostTableModel::AlertsColumn, Qt::DescendingOrder);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(columnOf(model, HostTableModel::NameColumn), kByName);

    model.sort(HostTableModel::NameColumn, Qt::DescendingOrder);
    QVERIFY(loaded.wait(10000));
    QStringList reversed = kByName;
    std::reverse(reversed.begin(), reversed.end());
    QCOMPARE(columnOf(model, HostTableModel::NameColumn), reversed);
    // A count's first click sorts largest first, a name's A to Z.
    QCOMPARE(model.headerData(HostTableModel::ProxyColumn, Qt::Horizontal, Qt::InitialSortOrderRole).toInt(),
             int(Qt::DescendingOrder));
    QCOMPARE(model.headerData(HostTableModel::NameColumn, Qt::Horizontal, Qt::InitialSortOrderRole).toInt(),
             int(Qt::AscendingOrder));
}

void TestHostTableModel::showsTheFirstRowsOfTheOrder() {
    HostTableModel model;
    QSignalSpy loaded(&model, &HostTableModel::loaded);
    model.setRowLimit(2);
    model.sort(HostTableModel::ProxyColumn, Qt::DescendingOrder);
    model.setCase(case_);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(columnOf(model, HostTableModel::NameColumn), kBusiestFirst.mid(0, 2));
    QCOMPARE(model.total(), qint64(6));
    model.sort(HostTableModel::ProxyColumn, Qt::AscendingOrder);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(columnOf(model, HostTableModel::NameColumn), (QStringList{"10.7.0.3", "10.7.0.5"}));
}

void TestHostTableModel::aNewerRequestWins() {
    HostTableModel model;
    QSignalSpy loaded(&model, &HostTableModel::loaded);
    model.setCase(case_);
    model.sort(HostTableModel::ProxyColumn, Qt::AscendingOrder);
    model.sort(HostTableModel::ProxyColumn, Qt::DescendingOrder); // before either answer came
    QVERIFY(loaded.wait(10000));
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(columnOf(model, HostTableModel::NameColumn), kBusiestFirst);
    // The worker answers in order: once the answer to a later request is in, nothing older can
    // still arrive and replace it.
    model.sort(HostTableModel::ProxyColumn, Qt::DescendingOrder);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(loaded.count(), 2);
    QCOMPARE(columnOf(model, HostTableModel::NameColumn), kBusiestFirst);
}

void TestHostTableModel::noCaseNoRows() {
    HostTableModel model;
    QSignalSpy loaded(&model, &HostTableModel::loaded);
    model.setCase(case_);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(model.rowCount(), 6);
    model.setCase(QString());
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.total(), qint64(0));
    // A case that cannot be opened is no rows either (the window reports the case itself).
    model.setCase(dir_.filePath(QStringLiteral("missing/none.socwb")));
    QVERIFY(loaded.wait(10000));
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.total(), qint64(0));
}

QTEST_GUILESS_MAIN(TestHostTableModel)
#include "tst_host_table_model.moc"
