// socwb-cli report: the case as a document (HTML or PDF). The only command that needs Qt Widgets:
// its charts and process lineage are drawn by the window's own widgets, offscreen, so that the
// report shows what an analyst sees. The other commands run under a QCoreApplication.
#include "cli_commands.h"
#include "cli_reference.h"

#include "case_report_writer.h"
#include "core/resources.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <stdexcept>

namespace socwb::cli {

std::unique_ptr<QCoreApplication> makeReportApplication(int& argc, char** argv) {
    // A report never shows a window: draw offscreen unless the caller chose a platform, so that it
    // works the same over ssh, in cron and on a desktop.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    return std::make_unique<QApplication>(argc, argv);
}

int report(const QStringList& args) {
    QCommandLineParser p;
    const ParserOptions o = addToParser(p, command(QStringLiteral("report")));
    if (auto rc = parse(p, QStringLiteral("report"), args)) {
        return *rc;
    }
    const QString casePath = p.positionalArguments().at(0);
    const QString out = p.positionalArguments().at(1);
    if (!isReportPath(out)) {
        err(QStringLiteral("socwb-cli report: %1: the report's name ends in .html or .pdf").arg(out));
        return Usage;
    }
    const QString size = p.value(o["page-size"]).toLower();
    if (size != QLatin1String("a4") && size != QLatin1String("letter")) {
        err(QStringLiteral("socwb-cli report: --page-size takes a4 or letter"));
        return Usage;
    }
    if (!qobject_cast<QApplication*>(QCoreApplication::instance())) {
        err(QStringLiteral("socwb-cli report: needs a QApplication (socwb-cli's main makes one for this command)"));
        return Usage;
    }
    QString templateText;
    if (p.isSet(o["template"])) {
        QFile t(p.value(o["template"]));
        if (t.size() > resources::kMaxResourceBytes || !t.open(QIODevice::ReadOnly)) {
            err(QStringLiteral("socwb-cli report: cannot read the template %1: %2")
                    .arg(t.fileName(),
                         t.size() > resources::kMaxResourceBytes ? QStringLiteral("too large") : t.errorString()));
            return Usage;
        }
        templateText = QString::fromUtf8(t.readAll());
    } else {
        templateText = defaultReportTemplate();
    }
    CaseReportOptions options;
    options.statuses = p.value(o["status"]).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString& s : options.statuses) {
        s = s.trimmed();
    }
    int failure = CaseUnusable;
    if (!openCaseToRead(casePath, failure)) { // the same checks and messages as every command that reads
        return failure;
    }
    QElapsedTimer clock;
    clock.start();
    CaseReportData data;
    try {
        data = gatherCaseReport(casePath, options);
    } catch (const std::invalid_argument& e) {
        err(QStringLiteral("socwb-cli report: %1 (verdicts: new, in-review, benign, malicious, escalated)")
                .arg(QString::fromUtf8(e.what())));
        return Usage;
    }
    const ReportImageSet images = renderReportImages(data);
    try {
        if (QFileInfo(out).suffix().toLower() == QLatin1String("pdf")) {
            writeReportPdf(data, templateText, images,
                           size == QLatin1String("letter") ? QPageSize::Letter : QPageSize::A4, out);
        } else {
            writeReportHtml(data, templateText, images, out);
        }
    } catch (const std::invalid_argument& e) {
        err(QStringLiteral("socwb-cli report: the template %1: %2")
                .arg(p.value(o["template"]), QString::fromUtf8(e.what())));
        return Usage;
    } catch (const std::runtime_error& e) {
        err(QStringLiteral("socwb-cli report: %1").arg(QString::fromUtf8(e.what())));
        return WriteFailed;
    }
    err(QStringLiteral("socwb-cli report: %1: %2 reported, %3, in %4 s")
            .arg(out, counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n channel(s)"), data.channels.size()),
                 counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n evidence file(s)"), data.summary.evidence.size()))
            .arg(clock.elapsed() / 1000.0, 0, 'f', 1));
    return Ok;
}

} // namespace socwb::cli
