// Writes the case report (models/report/case_report.h) as a self-contained HTML file or a PDF.
// The images are drawn by the window's own widgets, offscreen: the interval charts by
// IntervalChartsWidget's QCustomPlots, the process lineage by ProcessTreeWidget's tree; so the
// report shows what the analyst saw. renderReportImages() makes widgets and must run on the GUI
// thread; writing (HTML with the images inline as data: URIs, PDF through QTextDocument and
// QPdfWriter with a header naming the case and page numbers) may run in any thread.
#pragma once

#include "report/case_report.h"

#include <QImage>
#include <QPageSize>
#include <QVector>

#include <functional>

class QObject;

namespace socwb {

struct ReportImageSet {
    QVector<QVector<QImage>> charts; // per reported channel, one image per chart; empty: nothing to chart
    QVector<QImage> lineage;         // per reported channel; null: no process known
};

// GUI thread only (QApplication, any platform: offscreen does).
ReportImageSet renderReportImages(const CaseReportData& data);

// Both throw std::runtime_error with the reason when OUT cannot be written, and std::invalid_argument
// for a template that holds no placeholder. Nothing is left at OUT on failure.
void writeReportHtml(const CaseReportData& data, const QString& templateText, const ReportImageSet& images,
                     const QString& out);
void writeReportPdf(const CaseReportData& data, const QString& templateText, const ReportImageSet& images,
                    QPageSize::PageSizeId pageSize, const QString& out);

// The window's File > Report: reads the case in a worker, draws the images on the GUI thread (a
// fraction of a second a channel), writes in a worker, then calls DONE on CONTEXT's thread with the
// outcome ("2 channel(s) reported"; "! reason" on failure). The PDF's paper follows the locale
// (Letter where US measures are used, else A4).
void writeCaseReportInBackground(QObject* context, const QString& casePath, const QString& out,
                                 std::function<void(const QString& outcome)> done);

// A report by OUT's suffix (.html / .htm or .pdf); false for any other suffix.
bool isReportPath(const QString& out);

} // namespace socwb
