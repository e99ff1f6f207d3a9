#include "channel_features.h"

#include "store/case_validation.h"

#include <QJsonDocument>
#include <QJsonValue>

#include <cmath>

namespace socwb::scoring {

namespace {
// One list of fields serves both directions, so the JSON and the struct cannot drift apart.
template <class F, class V> void visit(F& f, V&& v) {
    v("key", f.key);
    v("host_id", f.hostId);
    v("host", f.host);
    v("host_ips", f.hostIps);
    v("host_role", f.hostRole);
    v("process_image", f.processImage);
    v("process_name", f.processName);
    v("command_line", f.commandLine);
    v("parent_image", f.parentImage);
    v("user_name", f.userName);
    v("process_id", f.processId);
    v("process_count", f.processCount);
    v("destination", f.destination);
    v("registered_domain", f.registeredDomain);
    v("domain_id", f.domainId);
    v("service", f.service);
    v("service_category", f.serviceCategory);
    v("endpoint", f.endpoint);
    v("endpoint_name", f.endpointName);
    v("endpoint_role", f.endpointRole);
    v("path_prefix", f.pathPrefix);
    v("consumer_service", f.consumerService);
    v("service_risk", f.serviceRisk);
    v("proxy_requests", f.proxyRequests);
    v("dns_queries", f.dnsQueries);
    v("net_connections", f.netConnections);
    v("polls", f.polls);
    v("case_has_proxy_logs", f.caseHasProxyLogs);
    v("timing_source", f.timingSource);
    v("first_ts", f.firstTs);
    v("last_ts", f.lastTs);
    v("late_start_hours", f.lateStartHours);
    v("intervals", f.intervals);
    v("median_interval_s", f.medianInterval);
    v("jitter", f.jitter);
    v("bowley_skew", f.skew);
    v("rita_ts_score", f.ritaTs);
    v("band_share", f.bandShare);
    v("band_score", f.bandScore);
    v("pauses", f.pauses);
    v("histogram_score", f.histogramScore);
    v("duration_score", f.durationScore);
    v("coverage", f.coverage);
    v("idle_share", f.idleShare);
    v("get_share", f.getShare);
    v("post_share", f.postShare);
    v("connect_share", f.connectShare);
    v("distinct_paths", f.distinctPaths);
    v("median_bytes_out", f.medianBytesOut);
    v("median_bytes_in", f.medianBytesIn);
    v("request_constancy", f.requestConstancy);
    v("response_constancy", f.responseConstancy);
    v("rita_data_score", f.ritaData);
    v("bytes_out", f.bytesOut);
    v("bytes_in", f.bytesIn);
    v("response_changes", f.responseChanges);
    v("user_agent", f.userAgent);
    v("output_reactions", f.outputReactions);
    v("output_peer", f.outputPeer);
    v("output_delay_s", f.outputDelayS);
}

struct Writer {
    QJsonObject& o;
    void operator()(const char* k, const QString& v) const { o.insert(QLatin1String(k), v); }
    void operator()(const char* k, int64_t v) const { o.insert(QLatin1String(k), qint64(v)); }
    void operator()(const char* k, double v) const { o.insert(QLatin1String(k), v); }
    void operator()(const char* k, bool v) const { o.insert(QLatin1String(k), v); }
};

struct Reader {
    const QJsonObject& o;
    void operator()(const char* k, QString& v) const { v = o.value(QLatin1String(k)).toString(); }
    void operator()(const char* k, int64_t& v) const { v = o.value(QLatin1String(k)).toInteger(); }
    void operator()(const char* k, double& v) const { v = o.value(QLatin1String(k)).toDouble(); }
    void operator()(const char* k, bool& v) const { v = o.value(QLatin1String(k)).toBool(); }
};
} // namespace

QJsonObject ChannelFeatures::toJson() const {
    QJsonObject o;
    visit(*this, Writer{o});
    return o;
}

ChannelFeatures ChannelFeatures::fromJson(const QJsonObject& o) {
    ChannelFeatures f;
    visit(f, Reader{o});
    return f;
}

ChannelFeatures ChannelFeatures::fromStored(int64_t alertId, const std::string& json) {
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        validation::rowError(
            "alerts", alertId,
            "features is not a JSON object" +
                (error.error != QJsonParseError::NoError
                     ? " (" + error.errorString().toStdString() + " at offset " + std::to_string(error.offset) + ")"
                     : std::string()));
    }
    const QJsonObject o = doc.object();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (it->isDouble() && (!std::isfinite(it->toDouble()) || std::abs(it->toDouble()) > 1e18)) {
            validation::rowError("alerts", alertId, "features." + it.key().toStdString() + " is not a finite number");
        }
    }
    ChannelFeatures f = fromJson(o);
    for (const auto& [name, value] :
         {std::pair{"key", &f.key}, std::pair{"host", &f.host}, std::pair{"destination", &f.destination}}) {
        if (value->isEmpty()) {
            validation::rowError("alerts", alertId, std::string("features.") + name + " is missing");
        }
    }
    validation::checkTime(f.firstTs, "alerts", alertId, "features.first_ts");
    validation::checkTime(f.lastTs, "alerts", alertId, "features.last_ts");
    for (const auto& [name, value] :
         {std::pair{"polls", f.polls}, std::pair{"intervals", f.intervals},
          std::pair{"proxy_requests", f.proxyRequests}, std::pair{"dns_queries", f.dnsQueries},
          std::pair{"net_connections", f.netConnections}}) {
        if (value < 0) {
            validation::rowError("alerts", alertId, std::string("features.") + name + " is negative");
        }
    }
    if (f.medianInterval < 0 || f.lastTs < f.firstTs) {
        validation::rowError("alerts", alertId, "features: a negative interval or a last time before the first");
    }
    return f;
}

} // namespace socwb::scoring
