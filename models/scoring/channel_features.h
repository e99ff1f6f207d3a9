// What the engine measured about one channel: who, where, how often, what the requests look like
// and what the process is. The builder fills it from the events; it is stored as JSON with the
// alert, and the scorer reads only this (plus the other channels of the case), so a re-score with
// new weights or suppressions never touches the events again.
#pragma once

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <vector>

namespace socwb::scoring {

struct ChannelFeatures {
    // Identity
    QString key; // host|process|destination|endpoint (stable across re-scores)
    int64_t hostId = 0;
    QString host, hostIps, hostRole;
    QString processImage, processName, commandLine, parentImage, userName;
    int64_t processId = 0;
    int64_t processCount = 0; // distinct processes (GUIDs) behind the channel
    QString destination, registeredDomain;
    int64_t domainId = 0;
    QString service, serviceCategory, endpoint, endpointName, endpointRole, pathPrefix;
    bool consumerService = false;
    double serviceRisk = 0;
    // Evidence
    int64_t proxyRequests = 0, dnsQueries = 0, netConnections = 0;
    int64_t polls = 0;             // the timing series' length
    bool caseHasProxyLogs = false; // so a channel with no proxy record at all bypassed the proxy
    QString timingSource;          // proxy, sysmon, dns
    int64_t firstTs = 0, lastTs = 0;
    double lateStartHours = 0; // after the first event of the case
    // Timing
    int64_t intervals = 0;
    double medianInterval = 0, jitter = 0, skew = 0, ritaTs = 0;
    double bandShare = 0, bandScore = 0;
    int64_t pauses = 0;
    double histogramScore = 0, durationScore = 0, coverage = 0;
    double idleShare = -1; // share of polls in hours without interactive use of the host; -1 unknown
    // Shape (proxy requests)
    double getShare = 0, postShare = 0, connectShare = 0;
    int64_t distinctPaths = 0;
    double medianBytesOut = 0, medianBytesIn = 0, requestConstancy = 0, responseConstancy = 0, ritaData = 0;
    int64_t bytesOut = 0, bytesIn = 0, responseChanges = 0;
    // Process context
    QString userAgent; // the most frequent User-Agent of the proxy requests
    // Channel separation: output posted elsewhere after changed responses (command side), or
    // posts that follow another channel's changed responses (output side).
    int64_t outputReactions = 0;
    QString outputPeer; // the other channel's destination
    double outputDelayS = 0;

    QJsonObject toJson() const;
    static ChannelFeatures fromJson(const QJsonObject& o);
    // The features stored with alert ALERTID, checked: the text must be a JSON object whose numbers
    // are finite, with the channel's key, host and destination, and times in the plausible years.
    // Throws CaseError naming the alert row otherwise (a reader never shows or re-scores a guess).
    static ChannelFeatures fromStored(int64_t alertId, const std::string& json);
};

} // namespace socwb::scoring
