// The case report's content, read in one go (no widgets): the summary, the evidence with its chain
// of custody and the audit trail, every channel with a reported verdict (malicious, escalated) with
// its factors (the alert detail's own sentences), requests and the data its charts and process
// lineage are drawn from, the benign dispositions, the suppressions in force and the method.
// views/case_report_writer draws the charts and the lineage and writes HTML or PDF; the HTML text
// is made here, from a template in resources/report/ the user can copy and edit.
//
// Everything from evidence or from analysts is untrusted: it reaches the HTML through reportText()
// (invisible and bidi characters made visible, then HTML-escaped), never as markup.
#pragma once

#include "charts/channel_series.h"
#include "charts/process_tree_data.h"
#include "scoring/suppression_store.h"
#include "store/case_summary.h"
#include "tables/alert_detail.h"
#include "tables/audit_log_model.h"
#include "tables/channel_request_model.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>

#include <functional>

namespace socwb {

struct CaseReportOptions {
    QStringList statuses{QStringLiteral("malicious"), QStringLiteral("escalated")};
    int requestsListed = 5; // first and last requests listed per channel
};

struct ReportChannel {
    AlertDetail detail;
    QString status;
    QStringList requestSummary; // sentences
    QVector<ChannelRequest> firstRequests, lastRequests;
    ChannelSeries series; // what the interval charts draw
    QString lineage;      // the process lineage as text ("" when no process is known)
};

struct BenignDisposition {
    QString host, process, destination, justification, by, at;
};

struct ImportRecord {
    QString user, at;
};

struct CaseReportData {
    QString casePath, caseName, generatedAt, generatedBy;
    QStringList statuses;
    CaseSummary summary;
    QHash<QString, ImportRecord> imports; // by evidence SHA-256: the audit log's import entry
    QVector<AuditEntry> audit;            // oldest first
    QHash<QString, int> verdicts;         // status -> channels
    QVector<ReportChannel> channels;      // by score, highest first
    QVector<BenignDisposition> benign;
    QVector<scoring::SuppressionRule> suppressions; // in force now
    QString engineVersion, configSha256, scoredAt, configOverride;
    QHash<qint64, ProcessTreeData> trees; // by host id: the channels' hosts, for the lineage images
};

// Reads the report's content. Throws SqlError / CaseError when the case cannot be read and
// std::invalid_argument for an unknown status.
CaseReportData gatherCaseReport(const QString& casePath, const CaseReportOptions& options = {});

// Untrusted text for HTML: invisible and bidi characters made visible (plain_text.h), then escaped.
QString reportText(const QString& untrusted);

// Images of one channel, as the writer supplies them: an <img> src (a data: URI or a resource name),
// or "" when there is none.
struct ReportImages {
    // The interval charts, one image each (requests, intervals, histogram, heat map): each moves to
    // the next page alone, so a page is never left mostly empty by a figure that does not fit.
    std::function<QStringList(int channelIndex)> charts;
    std::function<QString(int channelIndex)> lineage;
};

// The bundled template (resources/report/report.html).
QString defaultReportTemplate();
// The placeholders a template may hold, each replaced by one section: {{case}}, {{generated}},
// {{summary}}, {{evidence}}, {{audit}}, {{channels}}, {{benign}}, {{suppressions}}, {{method}}.
QStringList reportPlaceholders();
// Fills TEMPLATE with the sections. Throws std::invalid_argument when TEMPLATE holds none of the
// placeholders (not a report template).
QString renderReportHtml(const CaseReportData& data, const QString& templateText, const ReportImages& images);

} // namespace socwb
