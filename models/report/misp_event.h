// The channels an analyst called malicious (or escalated) as one MISP event (MISP core format, JSON):
// what a MISP instance imports through "Add event from JSON" or its REST API. Per channel a url
// object (the first full URL the channel requested, its host, first and last seen, who polled it and
// the analyst's verdict), a network-connection object (the host's address, the destination, the
// protocol) and a process object (name, image, pid, command line), the process referring to the
// other two; a sighting on the polled URL at its first and last poll. The event carries TLP:AMBER
// and the ATT&CK galaxy tag of T1102.003, and is not published.
//
// As in the STIX bundle, a destination that is a catalogued web service (pastebin.com, api.github.com)
// is never flagged for IDS by itself: blocking it would block the service; its URL is.
//
// Uuids are name-based (UUIDv5), so the same case exported twice gives the same event, and a MISP
// that already has it updates it. Text from evidence goes in as JSON strings only.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QStringList>

struct sqlite3;

namespace socwb {

struct MispOptions {
    QStringList statuses{QStringLiteral("malicious"), QStringLiteral("escalated")};
    QDateTime created; // the event's date and timestamp; invalid: now
    QString producer = QStringLiteral("socwb");
    QString caseName; // shown in the event's info
};

struct MispExport {
    QJsonObject event; // {"Event": {...}}
    int channels = 0;
    int objects = 0;
    int idsAttributes = 0; // attributes flagged for IDS
};

// Reads the case's alerts and verdicts; throws SqlError / std::invalid_argument.
MispExport exportMispEvent(sqlite3* db, const MispOptions& options = {});

} // namespace socwb
