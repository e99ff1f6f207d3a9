// Everything the alert detail view shows about one channel, read in one go off the GUI thread:
// the queue row, the factors that add up to its score, the process and how its requests were tied
// to it (attributions.method / confidence), and the ids of its member events for paging.
#pragma once

#include "alert_table_model.h"

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
    qint64 bytesOut = 0;
    qint64 bytesIn = 0;
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
    // The analysts' triage of the channel.
    QString note;
    QString justification;
    QString triagedBy;
    QString triagedAt;
};

// Blocking; call it in a worker. Never throws: a failure is in .error.
AlertDetail loadAlertDetail(const QString& casePath, qint64 alertId);

} // namespace socwb

Q_DECLARE_METATYPE(socwb::AlertDetail)
