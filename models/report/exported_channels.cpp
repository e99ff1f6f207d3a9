#include "report/exported_channels.h"

#include "ingest/write/domain_names.h"
#include "scoring/channel_members.h"
#include "store/statement.h"
#include "triage/triage_store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <sqlite3.h>

#include <algorithm>
#include <stdexcept>

namespace socwb {
namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

void readFirstUrl(sqlite3* db, const std::vector<int64_t>& proxyIds, ExportedChannel& c) {
    Statement st(db, "SELECT coalesce(url, ''), coalesce(method, '') FROM proxy_events WHERE id = ?1");
    const size_t n = std::min<size_t>(proxyIds.size(), 64);
    for (size_t i = 0; i < n; ++i) {
        st.reset();
        st.bind(1, proxyIds[i]);
        if (!st.step() || st.text(1) == "CONNECT") {
            continue;
        }
        const QString url = qs(st.text(0));
        if (const qsizetype colon = url.indexOf(QStringLiteral("://")); colon > 0) {
            c.firstUrl = url;
            c.scheme = url.left(colon).toLower();
            return;
        }
    }
}

} // namespace

bool ExportedChannel::destinationIsAddress() const {
    return DomainNames::isIpLiteral(destination.toStdString());
}

QString ExportedChannel::imageName() const {
    const int cut = std::max(processImage.lastIndexOf(QLatin1Char('\\')), processImage.lastIndexOf(QLatin1Char('/')));
    return cut >= 0 ? processImage.mid(cut + 1) : processImage;
}

QString ExportedChannel::who() const {
    return (processImage.isEmpty() ? QStringLiteral("an unattributed process") : processName) + QStringLiteral(" on ") +
           host;
}

QString ExportedChannel::verdictText() const {
    QString verdict = QStringLiteral("analyst verdict: %1").arg(status);
    for (const QString& s : {justification, note}) {
        if (!s.isEmpty()) {
            verdict += QStringLiteral(" \u2014 ") + s;
        }
    }
    if (!updatedBy.isEmpty()) {
        verdict += QStringLiteral(" (%1)").arg(updatedBy);
    }
    return verdict;
}

QString ExportedChannel::factorSentences() const {
    QStringList lines;
    for (const QJsonValue& v : QJsonDocument::fromJson(QByteArray::fromStdString(factorsJson)).array()) {
        const QJsonObject f = v.toObject();
        lines << QStringLiteral("%1 %2%3: %4")
                     .arg(f.value(QStringLiteral("name")).toString(),
                          f.value(QStringLiteral("contribution")).toDouble() >= 0 ? QStringLiteral("+") : QString(),
                          QString::number(f.value(QStringLiteral("contribution")).toDouble(), 'f', 1),
                          f.value(QStringLiteral("detail")).toString());
    }
    return lines.join(QLatin1Char('\n'));
}

void checkExportStatuses(const QStringList& statuses) {
    if (statuses.isEmpty()) {
        throw std::invalid_argument("no triage status to export");
    }
    for (const QString& s : statuses) {
        if (!TriageStore::statuses().contains(s)) {
            throw std::invalid_argument("unknown triage status: " + s.toStdString());
        }
    }
}

std::vector<ExportedChannel> readExportedChannels(sqlite3* db, const QStringList& statuses) {
    checkExportStatuses(statuses);
    QStringList marks;
    for (int i = 0; i < statuses.size(); ++i) {
        marks << QStringLiteral("?%1").arg(i + 1);
    }
    Statement st(db, ("SELECT a.channel_key, a.host, coalesce(a.host_ips, ''), coalesce(a.host_role, ''), "
                      "coalesce(a.process_image, ''), coalesce(a.process_name, ''), coalesce(a.process_id, 0), "
                      "a.destination, coalesce(a.service, ''), coalesce(a.endpoint, ''), a.requests, a.first_ts, "
                      "a.last_ts, a.score, a.severity, a.factors, t.status, coalesce(t.justification, ''), "
                      "coalesce(t.note, ''), coalesce(t.updated_by, ''), a.proxy_ids, a.proxy_requests, "
                      "a.dns_queries FROM alerts a JOIN triage t ON t.channel_key = a.channel_key WHERE t.status IN (" +
                      marks.join(QLatin1Char(',')) + ") ORDER BY a.score DESC, a.id")
                         .toStdString());
    for (int i = 0; i < statuses.size(); ++i) {
        st.bind(i + 1, statuses[i].toStdString());
    }
    Statement proc(db, "SELECT pid, coalesce(command_line, '') FROM processes WHERE id = ?1");
    std::vector<ExportedChannel> out;
    while (st.step()) {
        ExportedChannel c;
        c.key = qs(st.text(0));
        c.host = qs(st.text(1));
        c.hostIps = qs(st.text(2)).split(QLatin1Char(','), Qt::SkipEmptyParts);
        c.hostRole = qs(st.text(3));
        c.processImage = qs(st.text(4));
        c.processName = qs(st.text(5));
        c.destination = qs(st.text(7));
        c.service = qs(st.text(8));
        c.endpoint = qs(st.text(9));
        c.requests = st.int64(10);
        c.firstTs = st.int64(11);
        c.lastTs = st.int64(12);
        c.score = st.real(13);
        c.severity = qs(st.text(14));
        c.factorsJson = st.text(15);
        c.status = qs(st.text(16));
        c.justification = qs(st.text(17));
        c.note = qs(st.text(18));
        c.updatedBy = qs(st.text(19));
        c.proxyRequests = st.int64(21);
        c.dnsQueries = st.int64(22);
        readFirstUrl(
            db, scoring::decodeMemberIds(sqlite3_column_blob(st.handle(), 20), sqlite3_column_bytes(st.handle(), 20)),
            c);
        if (const int64_t processId = st.int64(6); processId != 0) {
            proc.reset();
            proc.bind(1, processId);
            if (proc.step()) {
                c.pid = proc.isNull(0) ? -1 : proc.int64(0);
                c.commandLine = qs(proc.text(1));
            }
        }
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace socwb
