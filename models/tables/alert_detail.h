// Everything the alert detail view shows about one channel, read in one go off the GUI thread:
// the queue row, the factors that add up to its score, the process and how its requests were tied
// to it (attributions.method / confidence), and the ids of its member events for paging.
#pragma once

#include "alert_table_model.h"
#include "sigma_detail.h"
#include "triage/triage_store.h"

#include <QMetaType>
#include <QVector>

#include <cstdint>
#include <vector>

namespace socwb {

struct ScoreFactor {
    QString name;
    double contribution = 0;
    QString detail; // the engine's sentence
};

struct AttributionSummary {
    QString method; // five-tuple, dns-answer, time-window
    qint64 requests = 0;
    double meanConfidence = 0;
};

// One network-sensor connection of a channel (sensor_conn_rows), named by the server name of the
// TLS session with its uid where the sensor logged one.
struct SensorConnectionRow {
    qint64 id = 0;
    qint64 ts = 0; // us
    QString uid;
    QString serverName;   // empty: no TLS session with this uid
    QString responder;    // address:port
    qint64 bytesOut = -1; // payload bytes where logged, else IP-level; -1 not logged
    qint64 bytesIn = -1;
    qint64 durationUs = -1; // -1 not logged (a connection still open)
    QString state;
    QString sensor;
};

// Which sensor saw a channel's connections, one per sensor and file: the name the log gives it
// (Zeek JSON's @system or _system_name, Suricata's host) or none (Zeek TSV names no sensor: its
// file does), the format and file it came from, and how many of the channel's connections.
struct SensorSource {
    QString sensor; // empty: the log names no sensor
    QString format; // zeek-conn, suricata-eve
    QString file;   // the evidence file's name
    qint64 connections = 0;
};
// "Seen by sensor ids-edge01 (Suricata eve.json, file eve.json, 812 connections)"; without a name,
// "Seen by the sensor that wrote conn.log (Zeek conn.log, 763 connections; the log does not name its
// sensor)".
QString seenBySentence(const SensorSource& s);

// A network sensor's alert (Suricata's alert events) on one of a channel's connections, by flow id.
struct SensorAlertRow {
    qint64 ts = 0; // us
    QString signature;
    qint64 signatureId = 0;
    int severity = 0; // 1 (high) .. 4; 0 not logged
    QString category, action, sensor, uid;
};
// "2024-03-04 08:05:00 UTC · severity 1 · ET POLICY Telegram API Domain in TLS SNI (sid 2025131,
// Potential Corporate Privacy Violation, allowed)".
QString sensorAlertSentence(const SensorAlertRow& a);

struct AlertDetail {
    bool found = false;
    QString error;
    AlertRow row;
    QString serviceCategory;
    QString registeredDomain;
    QString hostIps;
    qint64 proxyRequests = 0;
    qint64 dnsQueries = 0;
    qint64 netConnections = 0;
    qint64 bytesOut = -1; // summed over the members that logged it; -1: none did
    qint64 bytesIn = -1;
    QVector<ScoreFactor> factors;
    // What recorded the channel's events and how each was named (features' members), and which
    // of them its cadence was timed on.
    struct Member {
        QString source, naming;
        qint64 count = 0;
    };
    QVector<Member> members;
    QString timingSource, timingNote;
    bool hostShared = false;
    QString hostSharedReason;
    // The first process of the channel.
    QString commandLine;
    QString processUser;
    qint64 pid = 0;
    QString parentImage;
    QVector<AttributionSummary> attribution; // over the channel's proxy requests and DNS queries
    qint64 unattributed = 0;
    std::vector<int64_t> proxyIds; // ascending
    // The channel's network-sensor connections (alerts.sensor_ids) and the first kSensorRowsShown
    // of them in time order.
    static constexpr int kSensorRowsShown = 1000;
    std::vector<int64_t> sensorIds;
    QVector<SensorConnectionRow> sensorConnections;
    // Over all of them: the sensors that saw them (most connections first) and the sensor's alerts
    // on their flows (the first kSensorAlertsShown by time; sensorAlertTotal all of them).
    QVector<SensorSource> sensorSources;
    static constexpr int kSensorAlertsShown = 200;
    QVector<SensorAlertRow> sensorAlerts;
    qint64 sensorAlertTotal = 0;
    // Sigma items that matched the channel's rows (proxy, DNS, Sysmon events of its lookups and
    // connections).
    SigmaChannelMatches sigma;
    // The analysts' triage of the channel.
    TriageRecord triage;
};

// The detail's count line: "869 polls (of 869 proxy lines and 316 DNS lookups)". Sources with no
// events are left out: a "0 connections" beside a timeline lane of 869 Sysmon connections (the
// connections that carried the proxy requests, which the channel counts once, as requests) read
// as a contradiction.
QString pollsSentence(const AlertDetail& d);
// Why a SIEM export's row lists no requests (empty for a channel of events): "No events: this channel
// is a row of a SIEM export (From Splunk export FILE, row N: …). Import the host's raw logs for its
// requests; they merge with it on the next score."
QString siemRequestsNote(const AlertRow& row);
// For a channel of events that absorbed a SIEM export's row: "Also in the SIEM export: From Splunk
// export FILE, row N: …" (empty otherwise).
QString alsoInSiemLine(const AlertRow& row);
// A member source as the features store it (scoring/member_source.h: "sensor_conn"), in words
// ("sensor connections"); the detail's member list and the charts' stats line say it alike.
QString memberSourceWords(const QString& source);

// Blocking; call it in a worker. Never throws: a failure is in .error.
AlertDetail loadAlertDetail(const QString& casePath, qint64 alertId);

} // namespace socwb

Q_DECLARE_METATYPE(socwb::AlertDetail)
