// Export → Hunt…: the dialog writes the selected channel's hunt (or the catalog's) in the chosen
// language, read-only in a monospace editor, and Copy puts exactly that text on the clipboard.
#include "alert_fixture.h"
#include "hunt_dialog.h"
#include "store/case_store.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace socwb;
using namespace socwb::test;

class TestHuntDialog : public QObject {
    Q_OBJECT
  private slots:
    void channelAndCatalogInEachLanguage();
    void unscoredCaseOffersTheCatalogOnly();

  private:
    QTemporaryDir dir_;
};

void TestHuntDialog::channelAndCatalogInEachLanguage() {
    auto store = CaseStore::open(dir_.filePath(QStringLiteral("dialog.socwb")));
    FixtureAlert a;
    a.host = QStringLiteral("WS<b>01");
    a.destination = QStringLiteral("evil\"x.example");
    a.service = QString();
    const qint64 id = insertAlert(store->db(), a);
    HuntDialog d(store->db(), id);
    auto* text = d.findChild<QPlainTextEdit*>();
    QVERIFY(text && text->isReadOnly());
    QCOMPARE(text->font().styleHint(), QFont::Monospace); // offscreen Qt may lack a fixed-pitch face to report
    // SPL first, for the channel: its destination as SPL's literal.
    QVERIFY2(d.queryText().contains(QLatin1String("dest=\"evil\\\"x.example\"")), qPrintable(d.queryText().left(400)));
    d.setLanguage(hunt::HuntLanguage::Kql);
    QVERIFY(d.queryText().startsWith(QLatin1String("// socwb hunt (Microsoft KQL)")));
    QVERIFY(d.queryText().contains(QLatin1String("dest in (\"evil\\\"x.example\")")));
    QVERIFY(d.queryText().contains(QLatin1String("median_interval_s between (30 .. 120)"))); // the fixture's 60 s
    // The host name from the evidence is shown as text, not markup.
    bool plain = false;
    for (QLabel* l : d.findChildren<QLabel*>()) {
        plain = plain || (l->textFormat() == Qt::PlainText && l->text().contains(QLatin1String("WS<b>01")));
    }
    QVERIFY(plain);
    // The whole catalog.
    auto* scope = d.findChildren<QComboBox*>().value(0);
    QCOMPARE(scope->count(), 2);
    scope->setCurrentIndex(1);
    QVERIFY(d.queryText().contains(QLatin1String("\"pastebin: raw paste (command)\"")));
    QVERIFY(!d.queryText().contains(QLatin1String("evil")));
    d.setLanguage(hunt::HuntLanguage::Esql);
    QVERIFY(d.queryText().startsWith(QLatin1String("// socwb hunt (Elastic ES|QL)")));
    // Copy: exactly the query.
    QPushButton* copy = nullptr;
    for (QPushButton* b : d.findChild<QDialogButtonBox*>()->findChildren<QPushButton*>()) {
        copy = b->text() == QLatin1String("&Copy") ? b : copy;
    }
    QVERIFY(copy);
    QApplication::clipboard()->clear();
    QTest::mouseClick(copy, Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), d.queryText());
}

void TestHuntDialog::unscoredCaseOffersTheCatalogOnly() {
    auto store = CaseStore::open(dir_.filePath(QStringLiteral("empty.socwb")));
    HuntDialog d(store->db(), 0);
    QCOMPARE(d.findChildren<QComboBox*>().value(0)->count(), 1);
    QVERIFY(d.queryText().contains(QLatin1String("from datamodel=Web.Web")));
}

QTEST_MAIN(TestHuntDialog)
#include "tst_hunt_dialog.moc"
