#include "case_report.h"

#include "core/library_versions.h"
#include "core/resources.h"
#include "scoring/scoring_config.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "tables/plain_text.h"
#include "tables/process_tree_model.h"
#include "tables/read_connection.h"
#include "triage/triage_store.h"

#include <QDateTime>
#include <QFileInfo>
#include <QLocale>
#include <QMap>
#include <QRegularExpression>

#include <algorithm>
#include <stdexcept>

namespace socwb {

namespace {

QString utc(qint64 us) {
    if (us == 0) {
        return QStringLiteral("\u2014");
    }
    return QDateTime::fromMSecsSinceEpoch(us / 1000, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

// An ISO-8601 time as stored ("2026-12-06T15:49:35.125Z") as the report's other times read.
QString isoText(const QString& iso) {
    const QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : iso;
}

QString bytesText(qint64 n) {
    return n < 0 ? QStringLiteral("not logged") : QLocale().formattedDataSize(n, 1, QLocale::DataSizeTraditionalFormat);
}

// "GET 860, POST 9": the values of one field by how often they occur, most first, at most SHOWN.
QString tally(const QMap<QString, qint64>& counts, int shown) {
    QVector<QPair<QString, qint64>> v;
    for (auto it = counts.begin(); it != counts.end(); ++it) {
        v.push_back({it.key(), it.value()});
    }
    std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    QStringList parts;
    for (int i = 0; i < v.size() && i < shown; ++i) {
        parts << QStringLiteral("%1 (%2)").arg(v[i].first.isEmpty() ? QStringLiteral("none logged") : v[i].first,
                                               QLocale().toString(v[i].second));
    }
    if (v.size() > shown) {
        parts << QStringLiteral("%1 more").arg(v.size() - shown);
    }
    return parts.join(QStringLiteral(", "));
}

QStringList summarizeRequests(const QVector<ChannelRequest>& requests) {
    if (requests.isEmpty()) {
        return {};
    }
    QMap<QString, qint64> methods, statuses, urls, agents, actions;
    qint64 sent = -1, received = -1;
    for (const ChannelRequest& r : requests) {
        ++methods[r.method];
        ++statuses[r.status > 0 ? QString::number(r.status) : QString()];
        ++urls[r.url];
        ++agents[r.userAgent];
        ++actions[r.action];
        if (r.bytesOut >= 0) {
            sent = std::max<qint64>(sent, 0) + r.bytesOut;
        }
        if (r.bytesIn >= 0) {
            received = std::max<qint64>(received, 0) + r.bytesIn;
        }
    }
    const QLocale l;
    return {
        QStringLiteral("%1 proxy requests from %2 to %3 UTC.")
            .arg(l.toString(requests.size()), utc(requests.first().ts), utc(requests.last().ts)),
        QStringLiteral("Methods: %1. Status codes: %2. Proxy actions: %3.")
            .arg(tally(methods, 5), tally(statuses, 6), tally(actions, 4)),
        QStringLiteral("%1 distinct URL(s); the most requested: %2.").arg(l.toString(urls.size()), tally(urls, 3)),
        QStringLiteral("User agents: %1.").arg(tally(agents, 3)),
        QStringLiteral("Sent %1, received %2 in all.").arg(bytesText(sent), bytesText(received)),
    };
}

QString cell(const QString& untrusted) {
    return QStringLiteral("<td>%1</td>").arg(reportText(untrusted));
}

// A table's header row in <thead>: the PDF repeats it at the top of every page the table runs onto.
QString headerRow(const QStringList& names) {
    QString s = QStringLiteral("<thead><tr>");
    for (const QString& n : names) {
        s += QStringLiteral("<th>%1</th>").arg(n);
    }
    return s + QStringLiteral("</tr></thead>");
}

const QString kTable = QStringLiteral("<table class=\"grid\" border=\"1\" cellspacing=\"0\" cellpadding=\"3\" "
                                      "width=\"100%\">");

QString keyValues(const QVector<QPair<QString, QString>>& rows) {
    QString s = QStringLiteral("<table class=\"kv\" cellspacing=\"0\" cellpadding=\"2\" width=\"100%\">");
    for (const auto& [k, v] : rows) {
        s += QStringLiteral("<tr><th width=\"22%\" align=\"left\">%1</th>%2</tr>").arg(k, cell(v));
    }
    return s + QStringLiteral("</table>");
}

QString summarySection(const CaseReportData& d) {
    const CaseSummary& s = d.summary;
    const QLocale l;
    QStringList hosts;
    for (const HostRow& h : s.hosts) {
        hosts << h.name;
    }
    constexpr int kHostsNamed = 40;
    QString hostText = QStringList(hosts.mid(0, kHostsNamed)).join(QStringLiteral(", "));
    if (hosts.size() > kHostsNamed) {
        hostText += QStringLiteral(" and %1 more").arg(hosts.size() - kHostsNamed);
    }
    QStringList found;
    for (const QString& st : TriageStore::statuses()) {
        if (d.verdicts.value(st) > 0) {
            found << QStringLiteral("%1 %2").arg(l.toString(d.verdicts.value(st)), st);
        }
    }
    const QVector<QPair<QString, QString>> rows{
        {QStringLiteral("Case"), d.caseName},
        {QStringLiteral("Time span"), QStringLiteral("%1 to %2 UTC").arg(utc(s.firstTs), utc(s.lastTs))},
        {QStringLiteral("Evidence"),
         QStringLiteral("%1 file(s): %2 proxy requests, %3 DNS records, %4 Sysmon events, "
                        "%5 sensor connections; %6 line(s) rejected")
             .arg(l.toString(s.evidence.size()), l.toString(s.proxy), l.toString(s.dns), l.toString(s.sysmon),
                  l.toString(s.sensorConnections), l.toString(s.rejected))},
        {QStringLiteral("Hosts"), QStringLiteral("%1: %2").arg(l.toString(s.hostCount), hostText)},
        {QStringLiteral("Channels scored"), l.toString(s.alerts)},
        {QStringLiteral("Verdicts"), found.isEmpty() ? QStringLiteral("none yet") : found.join(QStringLiteral(", "))},
        {QStringLiteral("Reported here"),
         QStringLiteral("%1 channel(s) with the verdict %2")
             .arg(l.toString(d.channels.size()), d.statuses.join(QStringLiteral(" or ")))},
    };
    QString html = keyValues(rows);
    if (!d.channels.isEmpty()) {
        html += QStringLiteral("<p>What was found:</p><ul>");
        for (const ReportChannel& c : d.channels) {
            const AlertRow& r = c.detail.row;
            html += QStringLiteral("<li>%1 \u2192 %2 (%3, score %4, %5)</li>")
                        .arg(reportText(r.host), reportText(r.destination),
                             reportText(r.processName.isEmpty() ? QStringLiteral("no process known") : r.processName))
                        .arg(r.score, 0, 'f', 1)
                        .arg(reportText(c.status));
        }
        html += QStringLiteral("</ul>");
    }
    return html;
}

QString evidenceSection(const CaseReportData& d) {
    if (d.summary.evidence.isEmpty()) {
        return QStringLiteral("<p>No evidence has been imported.</p>");
    }
    const QLocale l;
    QString html = kTable + headerRow({QStringLiteral("File"), QStringLiteral("Size"), QStringLiteral("Format"),
                                       QStringLiteral("Records"), QStringLiteral("Rejects"),
                                       QStringLiteral("Imported (UTC)"), QStringLiteral("By")});
    for (const EvidenceRow& e : d.summary.evidence) {
        ImportRecord imp = d.imports.value(e.sha256);
        if (imp.user.isEmpty()) {
            imp = d.imports.value(e.path);
        }
        html +=
            QStringLiteral("<tr>%1%2%3%4%5%6%7</tr>")
                .arg(cell(provenanceLabel(e.path, e.memberPath)), cell(l.formattedDataSize(e.size)), cell(e.format),
                     cell(l.toString(e.accepted)), cell(l.toString(e.rejected)),
                     cell(isoText(e.importFinished.isEmpty() ? e.importStarted : e.importFinished)), cell(imp.user));
        html += QStringLiteral("<tr><td colspan=\"7\" class=\"hash\">SHA-256 <tt class=\"sha\">%1</tt></td></tr>")
                    .arg(reportText(e.sha256));
    }
    return html + QStringLiteral("</table>");
}

QString auditSection(const CaseReportData& d) {
    if (d.audit.isEmpty()) {
        return QStringLiteral("<p>The audit log is empty.</p>");
    }
    QString html = kTable + headerRow({QStringLiteral("Time (UTC)"), QStringLiteral("User"), QStringLiteral("Action"),
                                       QStringLiteral("Target"), QStringLiteral("Detail")});
    for (const AuditEntry& a : d.audit) {
        html += QStringLiteral("<tr>%1%2%3%4%5</tr>")
                    .arg(cell(isoText(a.ts)), cell(a.actor), cell(a.action), cell(a.target), cell(a.detail));
    }
    return html + QStringLiteral("</table>");
}

QString requestTable(const QString& caption, const QVector<ChannelRequest>& rows) {
    QString html = QStringLiteral("<p class=\"caption\">%1</p>").arg(caption) + kTable +
                   headerRow({QStringLiteral("Time (UTC)"), QStringLiteral("Method"), QStringLiteral("URL"),
                              QStringLiteral("Status"), QStringLiteral("Sent"), QStringLiteral("Received")});
    for (const ChannelRequest& r : rows) {
        html += QStringLiteral("<tr>%1%2%3%4%5%6</tr>")
                    .arg(cell(utc(r.ts)), cell(r.method), cell(r.url),
                         cell(r.status > 0 ? QString::number(r.status) : QString()),
                         cell(r.bytesOut < 0 ? QString() : QString::number(r.bytesOut)),
                         cell(r.bytesIn < 0 ? QString() : QString::number(r.bytesIn)));
    }
    return html + QStringLiteral("</table>");
}

QString connectionTable(const QVector<SensorConnectionRow>& rows) {
    QString html =
        kTable + headerRow({QStringLiteral("Time (UTC)"), QStringLiteral("Server name"), QStringLiteral("Responder"),
                            QStringLiteral("Sent"), QStringLiteral("Received"), QStringLiteral("Sensor")});
    for (const SensorConnectionRow& r : rows) {
        html += QStringLiteral("<tr>%1%2%3%4%5%6</tr>")
                    .arg(cell(utc(r.ts)), cell(r.serverName), cell(r.responder),
                         cell(r.bytesOut < 0 ? QString() : QString::number(r.bytesOut)),
                         cell(r.bytesIn < 0 ? QString() : QString::number(r.bytesIn)), cell(r.sensor));
    }
    return html + QStringLiteral("</table>");
}

QString channelSection(const ReportChannel& c, int index, const ReportImages& images) {
    const AlertDetail& d = c.detail;
    const AlertRow& r = d.row;
    QString html =
        QStringLiteral("<h3>%1. %2 \u2192 %3</h3>").arg(index + 1).arg(reportText(r.host), reportText(r.destination));
    const auto interval = [](double s) {
        return s < 0 ? QStringLiteral("not measured") : QStringLiteral("%1 s").arg(s, 0, 'f', 1);
    };
    html += keyValues({
        {QStringLiteral("Verdict"), c.status},
        {QStringLiteral("Justification"), d.triage.justification},
        {QStringLiteral("Note"), d.triage.note},
        {QStringLiteral("Decided by"), d.triage.updatedBy.isEmpty()
                                           ? QString()
                                           : d.triage.updatedBy + QStringLiteral(", ") + isoText(d.triage.updatedAt)},
        {QStringLiteral("Score"), QStringLiteral("%1 (%2)").arg(r.score, 0, 'f', 1).arg(r.severity)},
        {QStringLiteral("Host"), r.host + (d.hostIps.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(d.hostIps))},
        {QStringLiteral("Process"), r.processImage.isEmpty() ? QStringLiteral("not known") : r.processImage},
        {QStringLiteral("Command line"), d.commandLine},
        {QStringLiteral("User, PID, parent"),
         QStringLiteral("%1, %2, %3")
             .arg(d.processUser, d.pid > 0 ? QString::number(d.pid) : QString(), d.parentImage)},
        {QStringLiteral("Destination"),
         QStringLiteral("%1 (%2%3)")
             .arg(r.destination, r.service.isEmpty() ? QStringLiteral("no catalogued service") : r.service,
                  d.serviceCategory.isEmpty() ? QString() : QStringLiteral(", ") + d.serviceCategory)},
        {QStringLiteral("Endpoint"), r.endpoint},
        {QStringLiteral("Seen"), QStringLiteral("%1 to %2 UTC").arg(utc(r.firstTs), utc(r.lastTs))},
        {QStringLiteral("Polls"), pollsSentence(d)},
        {QStringLiteral("Interval"),
         QStringLiteral("median %1, jitter %2")
             .arg(interval(r.medianInterval),
                  r.jitter < 0 ? QStringLiteral("not measured") : QString::number(r.jitter, 'f', 2))},
        {QStringLiteral("Sent, received"), QStringLiteral("%1, %2").arg(bytesText(d.bytesOut), bytesText(d.bytesIn))},
    });
    html += QStringLiteral("<h4>Factors</h4>") + kTable +
            headerRow({QStringLiteral("Factor"), QStringLiteral("Points"), QStringLiteral("Why")});
    for (const ScoreFactor& f : d.factors) {
        html += QStringLiteral("<tr>%1<td align=\"right\">%2</td>%3</tr>")
                    .arg(cell(f.name))
                    .arg(f.contribution, 0, 'f', 1)
                    .arg(cell(f.detail));
    }
    html += QStringLiteral("</table>");
    const QStringList charts = images.charts ? images.charts(index) : QStringList();
    for (qsizetype i = 0; i < charts.size(); ++i) {
        // The heading in the first image's paragraph: the two move to the next page together.
        html +=
            QStringLiteral("<p class=\"figure\">%1<img src=\"%2\" width=\"680\"/></p>")
                .arg(i == 0 ? QStringLiteral("<b>Polling intervals</b><br/>") : QString(), charts[i].toHtmlEscaped());
    }
    if (!c.lineage.isEmpty()) {
        html += QStringLiteral("<h4>Process lineage</h4><pre>%1</pre>").arg(reportText(c.lineage));
        const QString tree = images.lineage ? images.lineage(index) : QString();
        if (!tree.isEmpty()) {
            html += QStringLiteral("<p class=\"figure\"><img src=\"%1\" width=\"680\"/></p>").arg(tree.toHtmlEscaped());
        }
    }
    html += QStringLiteral("<h4>Requests</h4>");
    if (!c.requestSummary.isEmpty()) {
        html += QStringLiteral("<ul>");
        for (const QString& s : c.requestSummary) {
            html += QStringLiteral("<li>%1</li>").arg(reportText(s));
        }
        html += QStringLiteral("</ul>");
        html += requestTable(QStringLiteral("First requests"), c.firstRequests);
        html += requestTable(QStringLiteral("Last requests"), c.lastRequests);
    } else if (!d.sensorConnections.isEmpty()) {
        html += QStringLiteral("<p>No proxy requests: %1 network-sensor connection(s), the first shown.</p>")
                    .arg(d.sensorIds.size());
        html += connectionTable(d.sensorConnections.mid(0, 10));
    } else {
        html += QStringLiteral("<p>%1</p>").arg(reportText(pollsSentence(d)));
    }
    return html;
}

QString benignSection(const CaseReportData& d) {
    if (d.benign.isEmpty()) {
        return QStringLiteral("<p>No channel has been called benign.</p>");
    }
    QString html =
        kTable + headerRow({QStringLiteral("Host"), QStringLiteral("Process"), QStringLiteral("Destination"),
                            QStringLiteral("Justification"), QStringLiteral("By"), QStringLiteral("When (UTC)")});
    for (const BenignDisposition& b : d.benign) {
        html += QStringLiteral("<tr>%1%2%3%4%5%6</tr>")
                    .arg(cell(b.host), cell(b.process), cell(b.destination), cell(b.justification), cell(b.by),
                         cell(isoText(b.at)));
    }
    return html + QStringLiteral("</table>");
}

QString suppressionSection(const CaseReportData& d) {
    if (d.suppressions.isEmpty()) {
        return QStringLiteral("<p>No suppression rule is in force.</p>");
    }
    QString html = kTable + headerRow({QStringLiteral("Rule"), QStringLiteral("Matches"), QStringLiteral("Reason"),
                                       QStringLiteral("Author"), QStringLiteral("Created"), QStringLiteral("Expires")});
    for (const scoring::SuppressionRule& r : d.suppressions) {
        html += QStringLiteral("<tr>%1%2%3%4%5%6</tr>")
                    .arg(cell(QString::number(r.id)), cell(r.criteria()), cell(r.reason), cell(r.author),
                         cell(isoText(r.createdAt)),
                         cell(r.expiresAt.isEmpty() ? QStringLiteral("never") : isoText(r.expiresAt)));
    }
    return html + QStringLiteral("</table>");
}

QString methodSection(const CaseReportData& d) {
    return keyValues({
        {QStringLiteral("Engine"), d.engineVersion.isEmpty()
                                       ? QStringLiteral("the case has not been scored")
                                       : QStringLiteral("socwb scoring engine %1").arg(d.engineVersion)},
        {QStringLiteral("Scored"), isoText(d.scoredAt)},
        {QStringLiteral("Configuration"),
         d.configSha256.isEmpty()
             ? QString()
             : QStringLiteral("resources/scoring/scoring.yaml and the case's override (if any) as in effect, "
                              "SHA-256 %1")
                   .arg(d.configSha256)},
        {QStringLiteral("Case override"),
         d.configOverride.isEmpty() ? QStringLiteral("none: the shipped settings") : d.configOverride},
        {QStringLiteral("Report"),
         QStringLiteral("written %1 UTC by %2 with socwb %3").arg(d.generatedAt, d.generatedBy, applicationVersion())},
    });
}

} // namespace

QString reportText(const QString& untrusted) {
    return visibleText(untrusted).toHtmlEscaped();
}

CaseReportData gatherCaseReport(const QString& casePath, const CaseReportOptions& options) {
    for (const QString& s : options.statuses) {
        if (!TriageStore::statuses().contains(s)) {
            throw std::invalid_argument("unknown verdict '" + s.toStdString() + "'");
        }
    }
    CaseReportData d;
    d.casePath = casePath;
    d.caseName = QFileInfo(casePath).fileName();
    d.generatedAt = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    d.generatedBy = CaseStore::actorName();
    d.statuses = options.statuses;

    ReadConnection c(casePath);
    sqlite3* db = c.db();
    d.summary = summarize(db, true);

    // Who imported what: the audit log's import entries name the file and its SHA-256.
    static const QRegularExpression shaRe(QStringLiteral("sha256=([0-9a-fA-F]{64})"));
    {
        Statement st(db, "SELECT id, ts, actor, action, target, detail FROM audit_log ORDER BY id");
        while (st.step()) {
            AuditEntry a{st.int64(0),       columnText(st, 1), columnText(st, 2),
                         columnText(st, 3), columnText(st, 4), columnText(st, 5)};
            if (a.action == QLatin1String("import")) {
                const ImportRecord rec{a.actor, a.ts};
                const auto m = shaRe.match(a.detail);
                if (m.hasMatch()) {
                    d.imports.insert(m.captured(1).toLower(), rec);
                }
                d.imports.insert(a.target, rec);
            }
            d.audit.push_back(std::move(a));
        }
    }
    {
        Statement st(db, "SELECT COALESCE(t.status, 'new'), count(*) FROM alerts a "
                         "LEFT JOIN triage t ON t.channel_key = a.channel_key GROUP BY 1");
        while (st.step()) {
            d.verdicts.insert(columnText(st, 0), int(st.int64(1)));
        }
    }
    // The reported channels, highest score first; the statuses are bound, never spliced.
    QStringList marks;
    for (int i = 0; i < options.statuses.size(); ++i) {
        marks << QStringLiteral("?");
    }
    std::vector<std::pair<qint64, QString>> ids;
    if (!marks.isEmpty()) {
        Statement st(db, QStringLiteral("SELECT a.id, t.status FROM alerts a JOIN triage t ON t.channel_key = "
                                        "a.channel_key WHERE t.status IN (%1) ORDER BY a.score DESC, a.id")
                             .arg(marks.join(QLatin1Char(',')))
                             .toStdString());
        for (int i = 0; i < options.statuses.size(); ++i) {
            st.bind(i + 1, options.statuses[i].toStdString());
        }
        while (st.step()) {
            ids.emplace_back(st.int64(0), columnText(st, 1));
        }
    }
    ProcessTreeModel lineageModel;
    qint64 lineageHost = -2;
    for (const auto& [id, status] : ids) {
        ReportChannel ch;
        ch.detail = loadAlertDetail(casePath, id);
        if (!ch.detail.found) {
            continue; // re-scored away since the list was read
        }
        ch.status = status;
        ch.series = ChannelSeries::load(db, id);
        const QVector<ChannelRequest> requests = readChannelRequests(casePath, ch.detail.proxyIds);
        ch.requestSummary = summarizeRequests(requests);
        const int n = std::min<int>(options.requestsListed, int(requests.size()));
        ch.firstRequests = requests.mid(0, n);
        ch.lastRequests = requests.mid(std::max<qsizetype>(n, requests.size() - n));
        if (ch.series.hostId >= 0 && ch.series.processId >= 0) {
            if (!d.trees.contains(ch.series.hostId)) {
                d.trees.insert(ch.series.hostId, ProcessTreeData::load(db, ch.series.hostId));
            }
            if (lineageHost != ch.series.hostId) {
                lineageModel.setData(d.trees.value(ch.series.hostId));
                lineageHost = ch.series.hostId;
            }
            ch.lineage = lineageModel.lineageText(ch.series.processId);
        }
        d.channels.push_back(std::move(ch));
    }
    {
        Statement st(db, "SELECT a.host, COALESCE(a.process_image, ''), a.destination, COALESCE(t.justification, ''), "
                         "t.updated_by, t.updated_at FROM triage t JOIN alerts a ON a.channel_key = t.channel_key "
                         "WHERE t.status = 'benign' ORDER BY t.updated_at, a.id");
        while (st.step()) {
            d.benign.push_back({columnText(st, 0), columnText(st, 1), columnText(st, 2), columnText(st, 3),
                                columnText(st, 4), columnText(st, 5)});
        }
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const scoring::SuppressionRule& r : scoring::listSuppressions(db)) {
        if (r.isActive(now)) {
            d.suppressions.push_back(r);
        }
    }
    {
        Statement st(db, "SELECT engine_version, COALESCE(config_sha256, ''), COALESCE(finished, started) "
                         "FROM score_runs WHERE status = 'done' ORDER BY id DESC LIMIT 1");
        if (st.step()) {
            d.engineVersion = columnText(st, 0);
            d.configSha256 = columnText(st, 1);
            d.scoredAt = columnText(st, 2);
        }
    }
    d.configOverride = scoring::caseOverrideLine(db);
    return d;
}

QString defaultReportTemplate() {
    return QString::fromUtf8(resources::read(QStringLiteral("report/report.html")));
}

QStringList reportPlaceholders() {
    return {QStringLiteral("case"),     QStringLiteral("generated"),    QStringLiteral("summary"),
            QStringLiteral("evidence"), QStringLiteral("audit"),        QStringLiteral("channels"),
            QStringLiteral("benign"),   QStringLiteral("suppressions"), QStringLiteral("method")};
}

QString renderReportHtml(const CaseReportData& d, const QString& templateText, const ReportImages& images) {
    const QStringList names = reportPlaceholders();
    if (std::none_of(names.begin(), names.end(),
                     [&](const QString& n) { return templateText.contains(QStringLiteral("{{%1}}").arg(n)); })) {
        throw std::invalid_argument("the template holds none of the report's placeholders ({{summary}}, "
                                    "{{evidence}}, {{channels}}, ...)");
    }
    QString channels;
    if (d.channels.isEmpty()) {
        channels = QStringLiteral("<p>No channel has the verdict %1.</p>")
                       .arg(reportText(d.statuses.join(QStringLiteral(" or "))));
    }
    for (int i = 0; i < d.channels.size(); ++i) {
        channels += channelSection(d.channels[i], i, images);
    }
    const QHash<QString, QString> sections{
        {QStringLiteral("case"), reportText(d.caseName)},
        {QStringLiteral("generated"), reportText(d.generatedAt + QStringLiteral(" UTC by ") + d.generatedBy)},
        {QStringLiteral("summary"), summarySection(d)},
        {QStringLiteral("evidence"), evidenceSection(d)},
        {QStringLiteral("audit"), auditSection(d)},
        {QStringLiteral("channels"), channels},
        {QStringLiteral("benign"), benignSection(d)},
        {QStringLiteral("suppressions"), suppressionSection(d)},
        {QStringLiteral("method"), methodSection(d)},
    };
    // One pass over the template, so that a section's text (which may hold "{{" from evidence,
    // escaped or not) is never itself searched for placeholders.
    static const QRegularExpression placeholder(QStringLiteral("\\{\\{([a-z]+)\\}\\}"));
    QString out;
    qsizetype at = 0;
    for (auto it = placeholder.globalMatch(templateText); it.hasNext();) {
        const auto m = it.next();
        out += QStringView(templateText).mid(at, m.capturedStart() - at);
        const auto found = sections.constFind(m.captured(1));
        out += found != sections.cend() ? *found : m.captured(0);
        at = m.capturedEnd();
    }
    out += QStringView(templateText).mid(at);
    return out;
}

} // namespace socwb
