#include "case_report_writer.h"

#include "interval_charts_widget.h"
#include "process_tree_widget.h"
#include "tables/plain_text.h"
#include "tables/process_tree_model.h"

#include <qcustomplot.h>

#include <QAbstractTextDocumentLayout>
#include <QBuffer>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QLocale>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QScrollBar>
#include <QTextDocument>
#include <QTreeView>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>
#include <stdexcept>

namespace socwb {

namespace {

// The charts as the report shows them, in display pixels (drawn at twice that for print), stacked
// at the page's width; each plot carries its own title.
constexpr int kFigureWidth = 680;
constexpr double kScale = 2.0;

QVector<QImage> chartImages(IntervalChartsWidget& w, const ChannelSeries& series) {
    if (series.times.isEmpty()) {
        return {};
    }
    w.setSeries(series);
    const std::pair<IntervalChartsWidget::Chart, int> charts[] = {
        {IntervalChartsWidget::RequestsChart, 210}, // its legend sits under the axis
        {IntervalChartsWidget::IntervalsChart, 160},
        {IntervalChartsWidget::HistogramChart, 160},
        {IntervalChartsWidget::HeatMapChart, 190}, // room for its colour scale's label
    };
    QVector<QImage> out;
    for (const auto& [chart, h] : charts) {
        out << w.plot(chart)->toPixmap(kFigureWidth, h, kScale).toImage();
    }
    return out;
}

// The tree as the window draws it, with the path to the process expanded; the widget is wider than
// the figure so that the last column (command line / destination) is elided inside the picture, not cut at
// its edge with its header (at 900 it was).
constexpr int kTreeWidth = 1150;

QImage lineageImage(ProcessTreeWidget& w, const ProcessTreeData& tree, qint64 processId) {
    if (tree.hostId != w.hostId()) {
        w.setData(tree);
    }
    QTreeView* view = w.view();
    view->collapseAll();
    w.revealProcess(processId);
    constexpr int kRows = 18, kCounted = 10000;
    int rows = 0;
    for (QModelIndex i = view->model()->index(0, 0); i.isValid() && rows < kCounted; i = view->indexBelow(i)) {
        ++rows;
    }
    if (rows > kRows) {
        view->scrollTo(view->currentIndex(), QAbstractItemView::PositionAtCenter);
    } else {
        view->scrollToTop();
    }
    view->horizontalScrollBar()->setValue(0);
    const int rowHeight = std::max(view->sizeHintForRow(0), 1);
    const int height = view->header()->height() + std::min(rows, kRows) * rowHeight + 2 * view->frameWidth();
    return view->grab(QRect(0, 0, view->width(), std::min(height, view->height()))).toImage();
}

QString dataUri(const QImage& image) {
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png.toBase64());
}

QString chartResource(int channel, int chart) {
    return QStringLiteral("socwb-report:charts-%1-%2.png").arg(channel).arg(chart);
}

QString lineageResource(int channel) {
    return QStringLiteral("socwb-report:lineage-%1.png").arg(channel);
}

ReportImages imageLinks(const ReportImageSet& images, bool inline_) {
    const auto charts = [&images, inline_](int i) -> QStringList {
        QStringList out;
        for (int j = 0; i >= 0 && i < images.charts.size() && j < images.charts[i].size(); ++j) {
            out << (inline_ ? dataUri(images.charts[i][j]) : chartResource(i, j));
        }
        return out;
    };
    const auto lineage = [&images, inline_](int i) -> QString {
        if (i < 0 || i >= images.lineage.size() || images.lineage[i].isNull()) {
            return {};
        }
        return inline_ ? dataUri(images.lineage[i]) : lineageResource(i);
    };
    return {charts, lineage};
}

} // namespace

ReportImageSet renderReportImages(const CaseReportData& data) {
    ReportImageSet set;
    IntervalChartsWidget charts;
    charts.setAttribute(Qt::WA_DontShowOnScreen);
    ProcessTreeWidget tree;
    tree.setAttribute(Qt::WA_DontShowOnScreen);
    tree.resize(kTreeWidth, 720); // the tree's share of it holds kRows rows
    tree.view()->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    tree.view()->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Shown (never on screen) so that its layout and splitter give the tree its size.
    tree.show();
    for (const ReportChannel& c : data.channels) {
        set.charts.push_back(chartImages(charts, c.series));
        const auto t = data.trees.constFind(c.series.hostId);
        set.lineage.push_back(
            t == data.trees.cend() || c.lineage.isEmpty() ? QImage() : lineageImage(tree, *t, c.series.processId));
    }
    return set;
}

void writeCaseReportInBackground(QObject* context, const QString& casePath, const QString& out,
                                 std::function<void(const QString& outcome)> done) {
    struct Gathered {
        CaseReportData data;
        QString error;
    };
    auto* gather = new QFutureWatcher<Gathered>(context);
    QObject::connect(gather, &QFutureWatcher<Gathered>::finished, context, [context, gather, out, done] {
        gather->deleteLater();
        Gathered g = gather->result();
        if (!g.error.isEmpty()) {
            done(QStringLiteral("! ") + g.error);
            return;
        }
        auto images = std::make_shared<ReportImageSet>(renderReportImages(g.data));
        auto data = std::make_shared<CaseReportData>(std::move(g.data));
        auto* write = new QFutureWatcher<QString>(context);
        QObject::connect(write, &QFutureWatcher<QString>::finished, context, [write, done] {
            write->deleteLater();
            done(write->result());
        });
        write->setFuture(QtConcurrent::run([data, images, out]() -> QString {
            try {
                if (QFileInfo(out).suffix().toLower() == QLatin1String("pdf")) {
                    const bool us = QLocale().measurementSystem() == QLocale::ImperialUSSystem;
                    writeReportPdf(*data, defaultReportTemplate(), *images, us ? QPageSize::Letter : QPageSize::A4,
                                   out);
                } else {
                    writeReportHtml(*data, defaultReportTemplate(), *images, out);
                }
                return QObject::tr("%n channel(s) reported", nullptr, int(data->channels.size()));
            } catch (const std::exception& e) {
                return QStringLiteral("! ") + QString::fromUtf8(e.what());
            }
        }));
    });
    gather->setFuture(QtConcurrent::run([casePath]() -> Gathered {
        try {
            return {gatherCaseReport(casePath), {}};
        } catch (const std::exception& e) {
            return {{}, QString::fromUtf8(e.what())};
        }
    }));
}

bool isReportPath(const QString& out) {
    const QString suffix = QFileInfo(out).suffix().toLower();
    return suffix == QLatin1String("html") || suffix == QLatin1String("htm") || suffix == QLatin1String("pdf");
}

void writeReportHtml(const CaseReportData& data, const QString& templateText, const ReportImageSet& images,
                     const QString& out) {
    const QByteArray html = renderReportHtml(data, templateText, imageLinks(images, true)).toUtf8();
    QSaveFile f(out); // all or nothing
    if (!f.open(QIODevice::WriteOnly) || f.write(html) != html.size() || !f.commit()) {
        throw std::runtime_error(QStringLiteral("cannot write %1: %2").arg(out, f.errorString()).toStdString());
    }
}

void writeReportPdf(const CaseReportData& data, const QString& templateText, const ReportImageSet& images,
                    QPageSize::PageSizeId pageSize, const QString& out) {
    const QString html = renderReportHtml(data, templateText, imageLinks(images, false));
    QSaveFile f(out);
    if (!f.open(QIODevice::WriteOnly)) {
        throw std::runtime_error(QStringLiteral("cannot write %1: %2").arg(out, f.errorString()).toStdString());
    }
    {
        QPdfWriter pdf(&f);
        pdf.setTitle(QStringLiteral("Case report: %1").arg(data.caseName));
        pdf.setCreator(QStringLiteral("socwb"));
        // 96 dpi: the document's pixels are the HTML's (a 680-pixel figure fits the page); text and
        // lines stay vectors, and the images keep the resolution they were drawn at.
        pdf.setResolution(96);
        pdf.setPageLayout(QPageLayout(QPageSize(pageSize), QPageLayout::Portrait, QMarginsF(16, 14, 16, 14),
                                      QPageLayout::Millimeter));
        const QRectF body = pdf.pageLayout().paintRectPixels(pdf.resolution());
        constexpr double kHeader = 28, kFooter = 24;

        QTextDocument doc;
        doc.documentLayout()->setPaintDevice(&pdf);
        doc.setDocumentMargin(0);
        // Evidence has long tokens (URLs, hashes, command lines without spaces): they wrap anywhere
        // rather than widen a table past the page.
        QTextOption wrap = doc.defaultTextOption();
        wrap.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
        doc.setDefaultTextOption(wrap);
        for (int i = 0; i < images.charts.size(); ++i) {
            for (int j = 0; j < images.charts[i].size(); ++j) {
                doc.addResource(QTextDocument::ImageResource, QUrl(chartResource(i, j)), images.charts[i][j]);
            }
        }
        for (int i = 0; i < images.lineage.size(); ++i) {
            doc.addResource(QTextDocument::ImageResource, QUrl(lineageResource(i)), images.lineage[i]);
        }
        doc.setHtml(html);
        const QSizeF page(body.width(), body.height() - kHeader - kFooter);
        doc.setPageSize(page);
        const int pages = doc.pageCount();

        QPainter p;
        if (!p.begin(&pdf)) {
            throw std::runtime_error(QStringLiteral("cannot write %1: no PDF could be started").arg(out).toStdString());
        }
        QFont small = doc.defaultFont();
        small.setPointSizeF(8);
        // Untrusted text (the case's file name) is drawn as text: QPainter never reads markup.
        const QString header = QStringLiteral("Case report: %1").arg(visibleText(data.caseName));
        for (int i = 0; i < pages; ++i) {
            if (i > 0) {
                pdf.newPage();
            }
            p.setFont(small);
            p.setPen(QColor(0x55, 0x55, 0x55));
            p.drawText(QRectF(0, 0, page.width(), kHeader - 8), Qt::AlignLeft | Qt::AlignBottom, header);
            p.drawText(QRectF(0, 0, page.width(), kHeader - 8), Qt::AlignRight | Qt::AlignBottom,
                       data.generatedAt + QStringLiteral(" UTC"));
            p.drawLine(QPointF(0, kHeader - 4), QPointF(page.width(), kHeader - 4));
            p.drawText(QRectF(0, body.height() - kFooter + 6, page.width(), kFooter - 6),
                       Qt::AlignHCenter | Qt::AlignTop, QStringLiteral("Page %1 of %2").arg(i + 1).arg(pages));
            p.save();
            p.translate(0, kHeader - i * page.height());
            QAbstractTextDocumentLayout::PaintContext ctx;
            ctx.clip = QRectF(0, i * page.height(), page.width(), page.height());
            p.setClipRect(ctx.clip);
            doc.documentLayout()->draw(&p, ctx);
            p.restore();
        }
        p.end();
    }
    if (!f.commit()) {
        throw std::runtime_error(QStringLiteral("cannot write %1: %2").arg(out, f.errorString()).toStdString());
    }
}

} // namespace socwb
