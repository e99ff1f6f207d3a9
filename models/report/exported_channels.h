// The channels an export writes: those whose verdict is one of the given statuses, with what every
// export format says of them (who polled what, when, the score and its reasons, the analyst's
// verdict and words, the first full URL seen). Shared by the STIX bundle and the MISP event.
#pragma once

#include <QString>
#include <QStringList>

#include <cstdint>
#include <string>
#include <vector>

struct sqlite3;

namespace socwb {

struct ExportedChannel {
    QString key, host, hostRole, processImage, processName, commandLine;
    QStringList hostIps;
    int64_t pid = -1; // -1: not known
    QString destination, service, endpoint;
    int64_t requests = 0, firstTs = 0, lastTs = 0, proxyRequests = 0, dnsQueries = 0;
    double score = 0;
    QString severity, status, justification, note, updatedBy;
    std::string factorsJson;
    QString firstUrl, scheme; // the first request with a full URL (CONNECT lines name only host:port)

    bool destinationIsAddress() const;
    // "powershell.exe on WS01", or "an unattributed process on WS01".
    QString who() const;
    // "analyst verdict: malicious — <justification> — <note> (alice)".
    QString verdictText() const;
    // One line per factor: "interval_regularity +22.0: polls every 300 s ±2 %".
    QString factorSentences() const;
    // The process image's file name.
    QString imageName() const;
};

// Throws std::invalid_argument for an empty list or a status triage does not know.
void checkExportStatuses(const QStringList& statuses);

// Highest score first; throws SqlError / std::invalid_argument.
std::vector<ExportedChannel> readExportedChannels(sqlite3* db, const QStringList& statuses);

} // namespace socwb
