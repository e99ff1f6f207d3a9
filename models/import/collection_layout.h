// How evidence is laid out when responders receive it, in one place for folders and archives:
// - KAPE and Velociraptor collections keep Windows event logs under .../Windows/System32/winevt/Logs/:
//   the Sysmon channel's EVTX is taken, the other channels are named and left out (KAPE's target
//   EventLogs.tkape and Velociraptor's Windows.KapeFiles.Targets collect that folder whole);
// - a proxy's rotated logs (access.log, access.log.1, access.log.2.gz, ... as logrotate names them,
//   the highest number the oldest) are imported oldest first;
// - Zeek's per-hour logs (2024-03-01/dns.14:00:00-15:00:00.log.gz, as zeekctl archives them) sort by
//   day folder and hour;
// - an exercise folder (BRIEF.md and truth.json beside evidence/) gives only evidence/: the rest is
//   the answer key;
// - hidden files and OS metadata (.DS_Store, __MACOSX/, Thumbs.db, desktop.ini) are left out quietly.
#pragma once

#include "ingest/importer.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace socwb::collection_layout {

struct Expanded {
    QStringList files; // in import order
    QStringList notes; // what the layout told, one line each
};

// Expands folders recursively; include/exclude are globs (*, ?, [..]) matched against the path
// relative to the folder named (and against the file name), exclude winning.
Expanded expand(const QStringList& paths, const QStringList& include = {}, const QStringList& exclude = {});
// Hidden files and OS metadata, by their path relative to the folder (or inside the archive).
bool isOsMetadata(const QString& relativePath);
// Why a member or file is left out by the layout (an event log channel other than Sysmon's in a
// collection's event log folder), or empty.
QString memberSkipReason(const QString& path);
// "Microsoft-Windows-Sysmon%4Operational.evtx" -> "Microsoft-Windows-Sysmon/Operational".
QString eventLogChannel(const QString& path);
// Sort key that puts a rotated sequence oldest first (access.log.3.gz, access.log.2, ..., access.log).
QString importOrderKey(const QString& path);
// For the members of one container (paths in it): each member of a rotated sequence that has an
// older one beside it, mapped to that older one (access.log -> access.log.1 -> access.log.2.gz), so
// that each sequence is imported oldest first; members of no sequence are not in the map.
QHash<QString, QString> rotationPredecessors(const QStringList& paths);
// What a received archive's layout told: the event log channels present and not imported.
QStringList archiveNotes(const QVector<ImportMemberResult>& members, const QStringList& channelsLeftOut);

} // namespace socwb::collection_layout
