// Issue 22 (case report): the sample case, with two channels called malicious (one justification
// hostile: markup, a formula, a bidi override) and one benign, written as HTML and as PDF on A4 and
// Letter. The sections, the SHA-256 values against the evidence table (and the files themselves),
// the images, hostile text kept literal in the HTML and in the PDF's text (pdftotext), a template of
// the user's, and the CLI's outcomes.
#include "case_report_writer.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "test_paths.h"
#include "triage/triage_store.h"

#include <QCryptographicHash>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace socwb;
using namespace socwb::test;

namespace {

const QString kHostile = QStringLiteral("polls a paste <script>alert(1)</script> =cmd|'/C calc'!A0 evil\u202Egpj.exe");
const QString kBenignWhy = QStringLiteral("Discord client keeps its gateway open; the user confirmed it");
const QStringList kSections{
    QStringLiteral("1. Summary"),
    QStringLiteral("2. Evidence and chain of custody"),
    QStringLiteral("3. Malicious and escalated channels"),
    QStringLiteral("4. Benign dispositions"),
    QStringLiteral("5. Suppressions in force"),
    QStringLiteral("6. Method"),
    QStringLiteral("7. Audit trail"),
};

QString collapse(QString s) {
    static const QRegularExpression space(QStringLiteral("\\s+"));
    return s.replace(space, QStringLiteral(" "));
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The PDF's text as pdftotext reads it (in drawing order: a table cell's lines stay together),
// ligatures undone (NFKC: "ﬁ" is "fi") and whitespace collapsed; empty when pdftotext is missing.
QString pdfText(const QString& pdf) {
    QProcess p;
    p.start(QStringLiteral("pdftotext"),
            {QStringLiteral("-raw"), QStringLiteral("-enc"), QStringLiteral("UTF-8"), pdf, QStringLiteral("-")});
    if (!p.waitForFinished(60000) || p.exitCode() != 0) {
        return {};
    }
    return collapse(QString::fromUtf8(p.readAllStandardOutput()).normalized(QString::NormalizationForm_KC));
}

} // namespace

class TestCaseReport : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void sections();
    void evidenceHashes();
    void channelImages();
    void hostileTextStaysLiteral();
    void pageSizes();
    void userTemplate();
    void commandLine();
    void inTheBackground();

  private:
    QTemporaryDir dir_;
    QString case_;
    QStringList malicious_; // the destinations of the two malicious channels
    CaseReportData data_;
    QString html_, a4_, letter_;
    bool havePdftotext_ = false;
};

void TestCaseReport::initTestCase() {
    case_ = scoredSampleCase(dir_.filePath(QStringLiteral("sample.socwb")));
    QVERIFY2(!case_.isEmpty(), "socwb-cli could not import and score the sample case");
    {
        auto store = CaseStore::open(case_);
        QStringList keys;
        Statement st(store->db(), "SELECT channel_key, destination FROM alerts ORDER BY score DESC, id LIMIT 3");
        while (st.step()) {
            keys << QString::fromStdString(st.text(0));
            malicious_ << QString::fromStdString(st.text(1));
        }
        QCOMPARE(keys.size(), 3);
        malicious_.removeLast();
        TriageStore triage(*store);
        triage.setStatus({keys[0]}, QStringLiteral("malicious"), kHostile);
        triage.setStatus({keys[1]}, QStringLiteral("malicious"), QStringLiteral("certutil fetches a document"));
        triage.setStatus({keys[2]}, QStringLiteral("benign"), kBenignWhy);
    }
    data_ = gatherCaseReport(case_);
    const ReportImageSet images = renderReportImages(data_);
    html_ = dir_.filePath(QStringLiteral("report.html"));
    a4_ = dir_.filePath(QStringLiteral("report-a4.pdf"));
    letter_ = dir_.filePath(QStringLiteral("report-letter.pdf"));
    writeReportHtml(data_, defaultReportTemplate(), images, html_);
    writeReportPdf(data_, defaultReportTemplate(), images, QPageSize::A4, a4_);
    writeReportPdf(data_, defaultReportTemplate(), images, QPageSize::Letter, letter_);
    havePdftotext_ = !QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty();
}

void TestCaseReport::sections() {
    QCOMPARE(data_.channels.size(), 2);
    QCOMPARE(data_.benign.size(), 1);
    const QString html = QString::fromUtf8(readAll(html_));
    qsizetype at = 0;
    for (const QString& s : kSections) { // all there, in the template's order
        const qsizetype found = html.indexOf(s, at);
        QVERIFY2(found > at, qPrintable(s));
        at = found;
    }
    for (const QString& dest : malicious_) {
        QVERIFY2(html.contains(QStringLiteral("\u2192 %1</h3>").arg(dest)), qPrintable(dest));
    }
    // The factor sentences are the alert detail's own.
    const AlertDetail& first = data_.channels.first().detail;
    QVERIFY(!first.factors.isEmpty());
    for (const ScoreFactor& f : first.factors) {
        QVERIFY2(html.contains(f.detail.toHtmlEscaped()), qPrintable(f.detail));
    }
    QVERIFY(html.contains(kBenignWhy));
    QVERIFY(html.contains(QStringLiteral("<td>triage.status</td>"))); // the audit trail holds the verdicts
    QVERIFY(html.contains(QStringLiteral("First requests")) && html.contains(QStringLiteral("Last requests")));
    QVERIFY(html.contains(data_.engineVersion) && !data_.engineVersion.isEmpty());
    if (havePdftotext_) {
        const QString text = pdfText(a4_);
        for (const QString& s : kSections) {
            QVERIFY2(text.contains(s), qPrintable(s));
        }
        QVERIFY(text.contains(collapse(kBenignWhy)));
        QVERIFY(text.contains(QStringLiteral("Page 1 of ")));
    }
}

void TestCaseReport::evidenceHashes() {
    // The evidence table's values, each the file's own SHA-256, and each in the report.
    auto store = CaseStore::open(case_, CaseStore::Access::ReadOnly);
    Statement st(store->db(), "SELECT path, sha256 FROM evidence ORDER BY id");
    const QString html = QString::fromUtf8(readAll(html_));
    const QString text = havePdftotext_ ? pdfText(a4_) : QString();
    int n = 0;
    while (st.step()) {
        const QString path = QString::fromStdString(st.text(0));
        const QString sha = QString::fromStdString(st.text(1));
        QCOMPARE(sha, QString::fromLatin1(QCryptographicHash::hash(readAll(path), QCryptographicHash::Sha256).toHex()));
        QVERIFY2(html.contains(QStringLiteral("SHA-256 <tt class=\"sha\">%1</tt>").arg(sha)), qPrintable(path));
        if (havePdftotext_) {
            QVERIFY2(text.contains(QStringLiteral("SHA-256 %1").arg(sha)), qPrintable(path));
        }
        ++n;
    }
    QCOMPARE(n, 4);
}

void TestCaseReport::channelImages() {
    const QString html = QString::fromUtf8(readAll(html_));
    static const QRegularExpression uri(QStringLiteral("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\""));
    QVector<QImage> images;
    for (auto it = uri.globalMatch(html); it.hasNext();) {
        images << QImage::fromData(QByteArray::fromBase64(it.next().captured(1).toLatin1()), "PNG");
    }
    // Four charts (each its own figure, so that each moves to the next page alone) and the lineage of
    // each of the two malicious channels, inline.
    QCOMPARE(images.size(), 10);
    for (const QImage& i : images) {
        QVERIFY(!i.isNull());
        QVERIFY(i.width() >= 680);
    }
    for (int i : {0, 1, 2, 3, 5, 6, 7, 8}) {
        QCOMPARE(images[i].width(), 1360); // the charts, drawn at twice the figure's width
        QVERIFY(images[i].height() >= 320 && images[i].height() <= 420);
    }
    QVERIFY(!html.contains(QStringLiteral("src=\"http")) && !html.contains(QStringLiteral("src=\"file:")));
}

void TestCaseReport::hostileTextStaysLiteral() {
    const QString html = QString::fromUtf8(readAll(html_));
    QVERIFY(!html.contains(QStringLiteral("<script>")));
    QVERIFY(html.contains(QStringLiteral("&lt;script&gt;alert(1)&lt;/script&gt; =cmd|'/C calc'!A0 evil")));
    QVERIFY(!html.contains(QChar(0x202E)));
    QVERIFY(html.contains(QStringLiteral("evil\u27e8U+202E\u27e9gpj.exe")));
    if (!havePdftotext_) {
        QSKIP("pdftotext (poppler-utils) is not installed: the PDF's text is not checked");
    }
    for (const QString& pdf : {a4_, letter_}) {
        const QString text = pdfText(pdf);
        QVERIFY2(
            text.contains(QStringLiteral("<script>alert(1)</script> =cmd|'/C calc'!A0 evil\u27e8U+202E\u27e9gpj.exe")),
            qPrintable(pdf));
        QVERIFY(!text.contains(QChar(0x202E)));
    }
}

void TestCaseReport::pageSizes() {
    // QPdfWriter writes each page's MediaBox in points: A4 595 x 842, Letter 612 x 792.
    const auto boxes = [](const QString& pdf) {
        QSet<QString> out;
        static const QRegularExpression box(QStringLiteral("/MediaBox \\[0 0 ([0-9.]+) ([0-9.]+)\\]"));
        for (auto it = box.globalMatch(QString::fromLatin1(readAll(pdf))); it.hasNext();) {
            const auto m = it.next();
            out << QStringLiteral("%1x%2").arg(qRound(m.captured(1).toDouble())).arg(qRound(m.captured(2).toDouble()));
        }
        return out;
    };
    QCOMPARE(boxes(a4_), QSet<QString>{QStringLiteral("595x842")});
    QCOMPARE(boxes(letter_), QSet<QString>{QStringLiteral("612x792")});
    if (havePdftotext_) {
        // Page numbers count the pages: "Page N of N" closes each document.
        for (const QString& pdf : {a4_, letter_}) {
            const QString text = pdfText(pdf);
            static const QRegularExpression last(QStringLiteral("Page (\\d+) of (\\d+)"));
            int pages = 0;
            QSet<int> totals;
            for (auto it = last.globalMatch(text); it.hasNext();) {
                const auto m = it.next();
                ++pages;
                QCOMPARE(m.captured(1).toInt(), pages);
                totals << m.captured(2).toInt();
            }
            QVERIFY(pages >= 3);
            QCOMPARE(totals, QSet<int>{pages});
        }
    }
}

void TestCaseReport::userTemplate() {
    const QString t = QStringLiteral("<html><body><h1>Ticket for {{case}}</h1>{{evidence}}{{unknown}}</body></html>");
    const QString html = renderReportHtml(data_, t, {});
    QVERIFY(html.startsWith(QStringLiteral("<html><body><h1>Ticket for sample.socwb</h1>")));
    QVERIFY(html.contains(QStringLiteral("SHA-256")));
    QVERIFY(!html.contains(kSections.first()));
    QVERIFY(html.contains(QStringLiteral("{{unknown}}"))); // not a section: left as written
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, renderReportHtml(data_, QStringLiteral("<p>no sections</p>"), {}));
}

void TestCaseReport::commandLine() {
    const QString pdf = dir_.filePath(QStringLiteral("cli.pdf"));
    CliRun r = runCli({QStringLiteral("report"), case_, pdf, QStringLiteral("--page-size"), QStringLiteral("letter")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(readAll(pdf).startsWith("%PDF-"));
    QVERIFY(r.err.contains("2 channels reported"));
    // The benign one alone, through a template of the user's.
    const QString templ = dir_.filePath(QStringLiteral("mine.html"));
    {
        QFile f(templ);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("<h1>{{case}}</h1>{{channels}}");
    }
    const QString html = dir_.filePath(QStringLiteral("cli.html"));
    r = runCli({QStringLiteral("report"), case_, html, QStringLiteral("--status"), QStringLiteral("benign"),
                QStringLiteral("--template"), templ});
    QCOMPARE(r.exitCode, 0);
    const QString written = QString::fromUtf8(readAll(html));
    QVERIFY(written.startsWith(QStringLiteral("<h1>sample.socwb</h1><h3>1. ")));
    QVERIFY(written.contains(kBenignWhy));
    // Clear outcomes for bad input, nothing written.
    QCOMPARE(runCli({QStringLiteral("report"), case_, dir_.filePath(QStringLiteral("r.txt"))}).exitCode, 2);
    QCOMPARE(
        runCli({QStringLiteral("report"), case_, html, QStringLiteral("--status"), QStringLiteral("evil")}).exitCode,
        2);
    QCOMPARE(
        runCli({QStringLiteral("report"), case_, pdf, QStringLiteral("--page-size"), QStringLiteral("a3")}).exitCode,
        2);
    QCOMPARE(runCli({QStringLiteral("report"), dir_.filePath(QStringLiteral("none.socwb")), pdf}).exitCode, 3);
    r = runCli({QStringLiteral("report"), case_, dir_.filePath(QStringLiteral("x.html")), QStringLiteral("--template"),
                dir_.filePath(QStringLiteral("missing.html"))});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(!QFile::exists(dir_.filePath(QStringLiteral("x.html"))));
}

void TestCaseReport::inTheBackground() {
    // The window's File > Report: the outcome arrives on this thread, the file is whole.
    const QString out = dir_.filePath(QStringLiteral("window.html"));
    QString outcome;
    writeCaseReportInBackground(this, case_, out, [&outcome](const QString& o) { outcome = o; });
    QVERIFY(outcome.isEmpty()); // not done in the call: the GUI thread stays free
    QTRY_VERIFY_WITH_TIMEOUT(!outcome.isEmpty(), 60000);
    QCOMPARE(outcome, QStringLiteral("2 channels reported"));
    QVERIFY(QString::fromUtf8(readAll(out)).contains(QStringLiteral("7. Audit trail")));
    outcome.clear();
    writeCaseReportInBackground(this, dir_.filePath(QStringLiteral("none.socwb")), out,
                                [&outcome](const QString& o) { outcome = o; });
    QTRY_VERIFY_WITH_TIMEOUT(!outcome.isEmpty(), 60000);
    QVERIFY2(outcome.startsWith(QStringLiteral("! ")), qPrintable(outcome));
}

QTEST_MAIN(TestCaseReport)
#include "tst_case_report.moc"
