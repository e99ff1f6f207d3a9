// bench_report: the case report of a case with 50 malicious channels (goal < 10 s), as HTML and as
// PDF, beside a reference measured in the same run: reading the same content (every query the
// report makes: gatherCaseReport) without drawing or writing anything. The case is the sample
// evidence (356 channels), imported and scored by socwb-cli, with the 50 highest-scoring channels
// called malicious by the triage API (so the audit log holds 50 verdicts, as it would). Medians of
// 3, on the offscreen platform. A program, not a test: the machine is shared.
#include "bench_support.h"
#include "case_report_writer.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "triage/triage_store.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>

using namespace socwb;

namespace {

constexpr int kChannels = 50;

double medianSeconds(const std::function<void()>& run) {
    std::vector<double> v;
    for (int i = 0; i < 3; ++i) {
        QElapsedTimer t;
        t.start();
        run();
        v.push_back(t.nsecsElapsed() / 1e9);
    }
    std::sort(v.begin(), v.end());
    return v[1];
}

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    QTemporaryDir dir;
    const std::string casePath = dir.filePath(QStringLiteral("report.socwb")).toStdString();
    std::vector<std::string> import{SOCWB_CLI_PATH, "import", casePath, "--tz", "UTC"};
    for (const char* f : {"access.log.gz", "assets.csv", "dns_debug.log.gz", "sysmon.xml.gz"}) {
        import.push_back(std::string(SOCWB_SOURCE_DIR "/sample-data/case/") + f);
    }
    if (bench::runChild(import).exitCode != 0 || bench::runChild({SOCWB_CLI_PATH, "score", casePath}).exitCode != 0) {
        std::fprintf(stderr, "bench_report: socwb-cli could not import and score the sample case\n");
        return 1;
    }
    const QString path = QString::fromStdString(casePath);
    {
        auto store = CaseStore::open(path);
        QStringList keys;
        Statement st(store->db(), "SELECT channel_key FROM alerts ORDER BY score DESC, id LIMIT ?");
        st.bind(1, kChannels);
        while (st.step()) {
            keys << QString::fromStdString(st.text(0));
        }
        TriageStore triage(*store);
        for (const QString& k : keys) { // one audit entry each, as an analyst's verdicts make
            triage.setStatus({k}, QStringLiteral("malicious"), QStringLiteral("benchmark verdict"));
        }
    }
    int reported = 0;
    const double reference = medianSeconds([&] { reported = int(gatherCaseReport(path).channels.size()); });
    const auto report = [&](bool pdf) {
        const QString out = dir.filePath(pdf ? QStringLiteral("r.pdf") : QStringLiteral("r.html"));
        return medianSeconds([&] {
            const CaseReportData data = gatherCaseReport(path);
            const ReportImageSet images = renderReportImages(data);
            if (pdf) {
                writeReportPdf(data, defaultReportTemplate(), images, QPageSize::A4, out);
            } else {
                writeReportHtml(data, defaultReportTemplate(), images, out);
            }
        });
    };
    const double html = report(false);
    const double pdf = report(true);
    const auto size = [&](const char* name) { return QFileInfo(dir.filePath(QLatin1String(name))).size() / 1e6; };
    std::printf("case report, %d malicious channels of the sample case (medians of 3, load %.2f):\n", reported,
                bench::loadAverage());
    std::printf("  reference: reading its content (the same queries, nothing drawn) %6.2f s\n", reference);
    std::printf("  HTML (images inline)                                             %6.2f s  (%.1f MB)  goal < 10 s\n",
                html, size("r.html"));
    std::printf("  PDF (A4)                                                         %6.2f s  (%.1f MB)  goal < 10 s\n",
                pdf, size("r.pdf"));
    return reported == kChannels ? 0 : 1;
}
