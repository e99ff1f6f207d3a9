// What a case holds, in one read: evidence files, counts per source, hosts and the time span.
// Feeds `socwb-cli info` and the GUI's overview.
#pragma once

#include <sqlite3.h>

#include <QJsonObject>
#include <QPair>
#include <QString>
#include <QVector>

#include <cstdint>

namespace socwb {

// What an evidence file became, by kind (evidence_contents.kind: proxy, dns, windows-events,
// assets, connections, tls, alerts) with the number of records, in that order.
using EvidenceContents = QVector<QPair<QString, int64_t>>;
// "proxy" -> "proxy requests", "tls" -> "TLS sessions" (singular when n is 1).
QString evidenceKindName(const QString& kind, int64_t n);
// "812 connections, 40 TLS sessions, 1 alert"; empty when nothing is known.
QString contentsText(const EvidenceContents& contents);

struct EvidenceRow {
    int64_t id = 0;
    QString path;       // the file received (for an archive member: the archive)
    QString memberPath; // where it sits inside the received archive; empty for a file received as is
    QString sha256;
    int64_t size = 0;
    QString format;
    QString sourceTz;
    QString importStarted;
    QString importFinished;
    int64_t accepted = 0;
    int64_t rejected = 0;
    QString status;
    EvidenceContents contents;
};

struct HostRow {
    int64_t id = 0;
    QString name;
    QString role;
    QString owner;
    QStringList addresses;
    int64_t proxy = 0;
    int64_t dns = 0;
    int64_t sensor = 0; // network sensor connections
    int64_t processes = 0;
    int64_t attributed = 0;   // proxy requests and DNS queries tied to a process
    int64_t unattributed = 0; // the rest of proxy + dns
    int64_t alerts = 0;       // scored channels not suppressed
};

struct CaseSummary {
    int schemaVersion = 0;
    QVector<EvidenceRow> evidence;
    QVector<HostRow> hosts; // by name; empty when summarize() was asked for the count only
    int64_t hostCount = 0;
    int64_t proxy = 0;
    int64_t dns = 0;
    int64_t sysmon = 0;
    int64_t sensorConnections = 0;
    int64_t tlsSessions = 0;
    int64_t sensorAlerts = 0;
    int64_t processes = 0;
    int64_t alerts = 0;
    int64_t rejected = 0;
    int64_t firstTs = 0; // microseconds; 0 when the case holds no events
    int64_t lastTs = 0;
};

// With withHostRows false, only hostCount is read of the hosts: the window's host table reads and
// sorts its rows itself (HostTableModel), and a case can hold 120k of them.
CaseSummary summarize(sqlite3* db, bool withHostRows = true);
// Every host with its counts (events per source, processes, attributed requests, open alerts),
// by name.
QVector<HostRow> readHostRows(sqlite3* db);
QJsonObject toJson(const CaseSummary& s);
// Where evidence came from, as people read it: "access.log", or for an archive member
// "evidence.zip › C/Windows/…/Sysmon%4Operational.evtx" (fullPath: the archive's whole path).
QString provenanceLabel(const QString& path, const QString& memberPath, bool fullPath = false);
// Microseconds since the epoch -> "2024-03-01T12:34:56.789Z"; empty for 0.
QString isoFromUs(int64_t us);
// Microseconds since the epoch -> "2024-03-01 12:34:56", as the window shows times (UTC, to the
// second); empty for 0.
QString utcSecondsFromUs(int64_t us);
// The span of evidence from FIRST to LAST as a sentence reads it: "2024-03-04 00:00:02 to 23:59:56
// UTC" within a day, "2024-03-04 00:00:02 to 2024-03-06 23:59:56 UTC" across days.
QString utcSpanFromUs(int64_t first, int64_t last);

} // namespace socwb
