#include "channel_features.h"

#include "store/case_validation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <QStringList>

#include <algorithm>
#include <string>

#include <cmath>
#include <cstring>

namespace socwb::scoring {

namespace {
// One list of fields serves both directions, so the JSON and the struct cannot drift apart.
template <class F, class V> void visit(F& f, V&& v) {
    v("feature_version", f.featureVersion);
    v("key", f.key);
    v("host_id", f.hostId);
    v("host", f.host);
    v("host_ips", f.hostIps);
    v("host_role", f.hostRole);
    v("host_shared", f.hostShared);
    v("host_shared_reason", f.hostSharedReason);
    v("process_image", f.processImage);
    v("process_name", f.processName);
    v("command_line", f.commandLine);
    v("parent_image", f.parentImage);
    v("parent_command_line", f.parentCommandLine);
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
    v("destination_is_address", f.destinationIsAddress);
    v("service_risk", f.serviceRisk);
    v("proxy_requests", f.proxyRequests);
    v("dns_queries", f.dnsQueries);
    v("net_connections", f.netConnections);
    v("case_has_proxy_logs", f.caseHasProxyLogs);
    v("joined_before_process_evidence", f.joinedBeforeProcessEvidence);
    v("process_evidence_from", f.processEvidenceFrom);
    v("joined_by_cadence", f.joinedByCadence);
    v("timing_source", f.timingSource);
    v("timing_class", f.timingClass);
    v("timing_note", f.timingNote);
    v("polls", f.polls);
    v("events", f.events);
    v("ttl_s", f.ttlS);
    v("ttl_paced", f.ttlPaced);
    v("unmeasurable", f.unmeasurable);
    v("first_ts", f.firstTs);
    v("last_ts", f.lastTs);
    v("late_start_hours", f.lateStartHours);
    v("intervals", f.intervals);
    v("band_intervals", f.bandIntervals);
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
    v("sensor_sized_connections", f.sensorSized);
    v("small_upload_share", f.smallUploadShare);
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
// The compact form's layout; a change of it (or of visit()'s fields) bumps kFeatureVersion.
constexpr unsigned char kBinaryLayout = 1;

struct BinaryWriter {
    QByteArray& out;
    void raw(const void* p, size_t n) const { out.append(static_cast<const char*>(p), static_cast<qsizetype>(n)); }
    void operator()(const char*, const QString& v) const {
        const QByteArray u = v.toUtf8();
        const auto n = static_cast<uint32_t>(u.size());
        raw(&n, sizeof n);
        out.append(u);
    }
    void operator()(const char*, int64_t v) const { raw(&v, sizeof v); }
    void operator()(const char*, double v) const { raw(&v, sizeof v); }
    void operator()(const char*, bool v) const { out.append(char(v ? 1 : 0)); }
};

// Reads what BinaryWriter wrote, never past the end: a short blob leaves ok false. Numbers are
// held to what the JSON reader accepts: non-finite reads as 0 (the JSON's null), beyond 1e18 is
// refused (named in huge).
struct BinaryReader {
    const char* at;
    const char* end;
    bool ok = true;
    std::string huge;
    bool take(void* p, size_t n) {
        if (!ok || static_cast<size_t>(end - at) < n) {
            ok = false;
            return false;
        }
        std::memcpy(p, at, n);
        at += n;
        return true;
    }
    void tooBig(const char* k, double v) {
        if (std::abs(v) > 1e18 && huge.empty()) {
            huge = k ? k : "members";
        }
    }
    void operator()(const char*, QString& v) {
        uint32_t n = 0;
        if (take(&n, sizeof n)) {
            if (static_cast<size_t>(end - at) < n) {
                ok = false;
                return;
            }
            v = QString::fromUtf8(at, static_cast<qsizetype>(n));
            at += n;
        }
    }
    void operator()(const char* k, int64_t& v) {
        if (take(&v, sizeof v)) {
            tooBig(k, static_cast<double>(v));
        }
    }
    void operator()(const char* k, double& v) {
        if (take(&v, sizeof v)) {
            v = std::isfinite(v) ? v : 0;
            tooBig(k, v);
        }
    }
    void operator()(const char*, bool& v) {
        char b = 0;
        if (take(&b, 1)) {
            v = b != 0;
        }
    }
};

// What every decoded form must hold, whichever form it came from.
void checkDecoded(int64_t alertId, const ChannelFeatures& f) {
    if (f.featureVersion != kFeatureVersion) {
        throw StaleFeatures(f.featureVersion); // measured by another engine: recomputed, not judged as damage
    }
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
}
} // namespace

QString ChannelFeatures::membersText() const {
    QStringList parts;
    for (const MemberCount& m : members) {
        parts << QStringLiteral("%1/%2 %3").arg(m.source, m.naming).arg(m.count);
    }
    return parts.join(QStringLiteral(", "));
}

namespace {
// The features' JSON object, one key at a time: what toJson() did for every channel, and does
// where a channel carries a SIEM mark (keys of their own).
QJsonObject insertedJson(const ChannelFeatures& f) {
    QJsonObject o;
    visit(f, Writer{o});
    QJsonArray list;
    for (const MemberCount& m : f.members) {
        list.append(QJsonObject{{"source", m.source}, {"naming", m.naming}, {"count", qint64(m.count)}});
    }
    o.insert(QLatin1String("members"), list);
    if (!f.siemOrigin.isEmpty()) {
        o.insert(QLatin1String("siem_origin"), f.siemOrigin);
    }
    if (!f.alsoInSiem.isEmpty()) {
        o.insert(QLatin1String("also_in_siem"), f.alsoInSiem);
    }
    return o;
}

struct Names {
    std::vector<QString>& out;
    template <class T> void operator()(const char* k, const T&) const { out.push_back(QString::fromLatin1(k)); }
};

// The keys of a channel of events (every field visit() names, and members) with placeholder
// values, in the object's own order (sorted), and where each of visit()'s fields sits in it.
// Issue 20: building the object a key at a time (a search, a grown and moved store each) was
// half of its JSON's cost in a first score's write; a copy of this one with each value set in
// place is a third of that. Same keys, same values: the same object, so the same text.
struct JsonLayout {
    QJsonObject prototype;
    std::vector<qsizetype> positions; // visit() order -> position in prototype
    qsizetype members = 0;
    JsonLayout() : prototype(insertedJson(ChannelFeatures{})) {
        std::vector<QString> names;
        ChannelFeatures none;
        visit(none, Names{names});
        const QStringList keys = prototype.keys(); // in the object's order
        for (const QString& name : names) {
            positions.push_back(keys.indexOf(name));
        }
        members = keys.indexOf(QStringLiteral("members"));
        if (std::count(positions.begin(), positions.end(), -1) != 0 || members < 0 ||
            static_cast<size_t>(keys.size()) != names.size() + 1) {
            throw std::logic_error("the features' JSON layout does not hold every field once");
        }
    }
};

struct SlotWriter {
    QJsonObject::iterator first;
    const std::vector<qsizetype>& positions;
    size_t next = 0;
    void set(const QJsonValue& v) { (first + positions[next++]).value() = v; }
    void operator()(const char*, const QString& v) { set(v); }
    void operator()(const char*, int64_t v) { set(qint64(v)); }
    void operator()(const char*, double v) { set(v); }
    void operator()(const char*, bool v) { set(v); }
};
} // namespace

QJsonObject ChannelFeatures::toJson() const {
    if (!siemOrigin.isEmpty() || !alsoInSiem.isEmpty()) {
        return insertedJson(*this);
    }
    static const JsonLayout layout;
    QJsonObject o = layout.prototype;
    SlotWriter w{o.begin(), layout.positions};
    visit(*this, w);
    QJsonArray list;
    for (const MemberCount& m : members) {
        list.append(QJsonObject{{"source", m.source}, {"naming", m.naming}, {"count", qint64(m.count)}});
    }
    (w.first + layout.members).value() = list;
    return o;
}

QJsonObject ChannelFeatures::toJsonKeyByKey() const {
    return insertedJson(*this);
}

ChannelFeatures ChannelFeatures::fromJson(const QJsonObject& o) {
    ChannelFeatures f;
    visit(f, Reader{o});
    // Features written before the key existed are version 1: never read as current.
    f.featureVersion = o.contains(QLatin1String("feature_version")) ? f.featureVersion : 1;
    f.siemOrigin = o.value(QLatin1String("siem_origin")).toString();
    f.alsoInSiem = o.value(QLatin1String("also_in_siem")).toString();
    for (const QJsonValue& v : o.value(QLatin1String("members")).toArray()) {
        const QJsonObject m = v.toObject();
        f.members.push_back({m.value(QLatin1String("source")).toString(), m.value(QLatin1String("naming")).toString(),
                             m.value(QLatin1String("count")).toInteger()});
    }
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
    checkDecoded(alertId, f);
    return f;
}

QByteArray ChannelFeatures::toBinary() const {
    QByteArray out;
    out.reserve(1024);
    out.append(char(kBinaryLayout));
    visit(*this, BinaryWriter{out});
    BinaryWriter w{out};
    w(nullptr, static_cast<int64_t>(members.size()));
    for (const MemberCount& m : members) {
        w(nullptr, m.source);
        w(nullptr, m.naming);
        w(nullptr, m.count);
    }
    // The SIEM marks last (empty for a channel of events alone), as the JSON keeps them.
    w(nullptr, siemOrigin);
    w(nullptr, alsoInSiem);
    return out;
}

ChannelFeatures ChannelFeatures::fromBinary(int64_t alertId, std::string_view blob) {
    ChannelFeatures f;
    BinaryReader r{blob.data(), blob.data() + blob.size()};
    if (blob.empty() || static_cast<unsigned char>(blob[0]) != kBinaryLayout) {
        validation::rowError("alert_features", alertId, "features is not of this build's compact layout");
    }
    ++r.at;
    // The version first: features of another version have another layout, recomputed, not damaged.
    int64_t version = 0;
    if (r.take(&version, sizeof version) && version != kFeatureVersion) {
        throw StaleFeatures(version);
    }
    r.at = blob.data() + 1;
    visit(f, r);
    int64_t n = 0;
    r(nullptr, n);
    // A member takes at least 16 bytes: a count that promises more than the rest holds is damage.
    if (r.ok && n >= 0 && n <= (r.end - r.at) / 16) {
        f.members.resize(static_cast<size_t>(n));
        for (MemberCount& m : f.members) {
            r(nullptr, m.source);
            r(nullptr, m.naming);
            r(nullptr, m.count);
        }
        r(nullptr, f.siemOrigin);
        r(nullptr, f.alsoInSiem);
    } else {
        r.ok = false;
    }
    if (!r.ok || r.at != r.end) {
        validation::rowError("alert_features", alertId, "features is truncated or malformed");
    }
    if (!r.huge.empty()) {
        validation::rowError("alert_features", alertId, "features." + r.huge + " is not a finite number");
    }
    checkDecoded(alertId, f);
    return f;
}

StaleFeatures::StaleFeatures(int64_t v)
    : std::runtime_error("the stored features were measured by feature version " + std::to_string(v) +
                         ", this build measures version " + std::to_string(kFeatureVersion) +
                         ": run a full score ('socwb-cli score CASE', without --rescore) to recompute them"),
      version(v) {}

void requireCurrentFeatures(const std::vector<ChannelFeatures>& channels) {
    for (const ChannelFeatures& f : channels) {
        if (f.featureVersion != kFeatureVersion) {
            throw StaleFeatures(f.featureVersion);
        }
    }
}

} // namespace socwb::scoring
