// The evidence table: model invariants, and evidence text (file names) shown as text, never as
// markup — tooltips render anything that looks like HTML.
#include "tables/evidence_table_model.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace socwb;

class TestEvidenceTableModel : public QObject {
    Q_OBJECT
  private slots:
    void invariantsAndPlainTooltips();
    void holdsSaysWhatTheFileBecame();
};

void TestEvidenceTableModel::invariantsAndPlainTooltips() {
    EvidenceTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    EvidenceRow row;
    row.id = 1;
    row.path = QStringLiteral("/cases/<img src=x onerror=alert(1)><b>bold</b>.log");
    row.sha256 = QStringLiteral("ab12");
    row.format = QStringLiteral("squid");
    model.setRows({row});
    QCOMPARE(model.rowCount(), 1);
    const QString tip = model.index(0, EvidenceTableModel::FileColumn).data(Qt::ToolTipRole).toString();
    QVERIFY(!tip.contains(QStringLiteral("<b>")));
    QVERIFY(!tip.contains(QStringLiteral("<img")));
    // Declared rich text, with the path escaped: rendered, it reads exactly the path.
    QCOMPARE(
        tip,
        QStringLiteral(
            "<p style='white-space:pre'>/cases/&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;bold&lt;/b&gt;.log</p>"));
    QCOMPARE(model.index(0, EvidenceTableModel::Sha256Column).data(Qt::ToolTipRole).toString(),
             QStringLiteral("<p style='white-space:pre'>ab12</p>"));
}

void TestEvidenceTableModel::holdsSaysWhatTheFileBecame() {
    EvidenceTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    EvidenceRow eve;
    eve.format = QStringLiteral("suricata-eve");
    eve.contents = {{QStringLiteral("proxy"), 1},
                    {QStringLiteral("connections"), 812},
                    {QStringLiteral("tls"), 40},
                    {QStringLiteral("alerts"), 1}};
    EvidenceRow old; // imported before the case recorded it
    model.setRows({eve, old});
    QCOMPARE(model.headerData(EvidenceTableModel::ContentsColumn, Qt::Horizontal).toString(), QStringLiteral("Holds"));
    QCOMPARE(model.index(0, EvidenceTableModel::ContentsColumn).data().toString(),
             QStringLiteral("1 proxy request, 812 connections, 40 TLS sessions, 1 alert"));
    QCOMPARE(model.index(1, EvidenceTableModel::ContentsColumn).data().toString(), QString());
}

QTEST_GUILESS_MAIN(TestEvidenceTableModel)
#include "tst_evidence_table_model.moc"
