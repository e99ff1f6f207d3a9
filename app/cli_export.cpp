// socwb-cli export: what the case found, in formats other tools read — the channels analysts called
// malicious as a STIX 2.1 bundle or a MISP event, the channels as CSV or JSON, and one channel's
// requests as CSV or JSON.
#include "cli_commands.h"
#include "cli_reference.h"

#include "report/exported_channels.h"
#include "report/misp_event.h"
#include "report/stix_bundle.h"
#include "store/case_store.h"
#include "tables/alert_export.h"

#include <QBuffer>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <cstdio>
#include <stdexcept>

namespace socwb::cli {

namespace {

bool writeOut(const QString& target, const QByteArray& bytes) {
    if (target == QLatin1String("-")) {
        std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stdout);
        std::fflush(stdout);
        return true;
    }
    QSaveFile f(target); // all or nothing: an interrupted export leaves no half file
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        err(QStringLiteral("socwb-cli export: cannot write %1: %2").arg(target, f.errorString()));
        return false;
    }
    return true;
}

// The channels with these verdicts, for the queue's CSV/JSON (the queue's own columns and order).
AlertQuery statusQuery(const QStringList& statuses) {
    AlertQuery q;
    QStringList marks;
    for (const QString& s : statuses) {
        q.params << s;
        marks << QStringLiteral("?%1").arg(q.params.size());
    }
    q.where = QStringLiteral("coalesce(t.status, 'new') IN (%1)").arg(marks.join(QLatin1Char(',')));
    return q;
}

} // namespace

int exportChannels(const QStringList& args) {
    QCommandLineParser p;
    const ParserOptions o = addToParser(p, command(QStringLiteral("export")));
    if (auto rc = parse(p, QStringLiteral("export"), args)) {
        return *rc;
    }
    const QString format = p.value(o["format"]);
    const QString channel = p.value(o["channel"]);
    const bool table = format == QLatin1String("csv") || format == QLatin1String("json");
    if (!table && format != QLatin1String("stix") && format != QLatin1String("misp")) {
        err(QStringLiteral("socwb-cli export: --format takes stix, misp, csv or json"));
        return Usage;
    }
    if (!channel.isEmpty() && !table) {
        err(QStringLiteral("socwb-cli export: --channel writes the channel's requests as csv or json"));
        return Usage;
    }
    QStringList statuses = p.value(o["status"]).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString& s : statuses) {
        s = s.trimmed();
    }
    const QString casePath = p.positionalArguments().first();
    const QString target = p.positionalArguments().at(1);
    int failure = CaseUnusable;
    auto store = openCaseToRead(casePath, failure);
    if (!store) {
        return failure;
    }
    QByteArray bytes;
    QString summary;
    try {
        if (table) {
            const ExportFormat f = format == QLatin1String("json") ? ExportFormat::Json : ExportFormat::Csv;
            QBuffer buffer(&bytes);
            buffer.open(QIODevice::WriteOnly);
            if (!channel.isEmpty()) {
                const qint64 n = writeChannelRequests(store->db(), channelProxyIds(store->db(), channel), buffer, f);
                summary = QStringLiteral("%1 of channel %2")
                              .arg(counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n request(s)"), n), channel);
            } else {
                checkExportStatuses(statuses);
                const qint64 n = writeAlerts(store->db(), statusQuery(statuses), buffer, f);
                summary = QStringLiteral("%1 with the verdict %2")
                              .arg(counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n channel(s)"), n),
                                   statuses.join(QStringLiteral(" or ")));
            }
        } else if (format == QLatin1String("stix")) {
            StixOptions options;
            options.statuses = statuses;
            const StixExport out = exportStixBundle(store->db(), options);
            bytes = QJsonDocument(out.bundle).toJson(QJsonDocument::Indented);
            summary = QStringLiteral("%1, %2 in a STIX 2.1 bundle of %3")
                          .arg(counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n channel(s)"), out.channels),
                               counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n indicator(s)"), out.indicators),
                               counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n object(s)"),
                                       out.bundle.value(QStringLiteral("objects")).toArray().size()));
            if (out.channels == 0) {
                summary = QStringLiteral("no channel has the verdict %1; the bundle holds only its producer and "
                                         "ATT&CK T1102.003")
                              .arg(statuses.join(QStringLiteral(" or ")));
            }
        } else {
            MispOptions options;
            options.statuses = statuses;
            options.caseName = QFileInfo(casePath).completeBaseName();
            const MispExport out = exportMispEvent(store->db(), options);
            bytes = QJsonDocument(out.event).toJson(QJsonDocument::Indented);
            summary = QStringLiteral("%1 as %2 in a MISP event, %3 for IDS")
                          .arg(counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n channel(s)"), out.channels),
                               counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n object(s)"), out.objects),
                               counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n attribute(s)"), out.idsAttributes));
            if (out.channels == 0) {
                summary = QStringLiteral("no channel has the verdict %1; the MISP event is empty")
                              .arg(statuses.join(QStringLiteral(" or ")));
            }
        }
    } catch (const std::invalid_argument& e) {
        err(QStringLiteral("socwb-cli export: %1 (verdicts: new, in-review, benign, malicious, escalated; channels: "
                           "the id or channel_key `socwb-cli alerts --format json` lists)")
                .arg(QString::fromUtf8(e.what())));
        return Usage;
    }
    if (!writeOut(target, bytes)) {
        return WriteFailed;
    }
    err(QStringLiteral("socwb-cli export: ") + summary);
    return Ok;
}

} // namespace socwb::cli
