#include "report/misp_event.h"

#include "report/exported_channels.h"

#include <QJsonArray>
#include <QUrl>
#include <QUuid>

namespace socwb {
namespace {

// Our namespace for MISP uuids (not the STIX one: the same channel is another object in MISP).
const QUuid kMispNamespace(QStringLiteral("b0c4e2a9-3f61-5d7a-8e2c-6a1d9f4b7c05"));

// The MISP object templates used (misp-objects: objects/NAME/definition.json).
struct Template {
    const char* name;
    const char* metaCategory;
    const char* uuid;
    int version;
};
constexpr Template kUrlObject{"url", "network", "60efb77b-40b5-4c46-871b-ed1ed999fce5", 3};
constexpr Template kConnectionObject{"network-connection", "network", "af16764b-f8e5-4603-9de1-de34d272f80b", 2};
constexpr Template kProcessObject{"process", "misc", "02aeef94-ac23-455c-addb-731757ceafb5", 7};

QString uuidFor(const QString& name) {
    return QUuid::createUuidV5(kMispNamespace, name).toString(QUuid::WithoutBraces);
}

QString isoUs(int64_t us) {
    // MISP's first_seen/last_seen and datetime attributes: ISO 8601 with microseconds and an offset.
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(us / 1000, Qt::UTC);
    return t.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.")) +
           QStringLiteral("%1").arg(us % 1000000, 6, 10, QLatin1Char('0')) + QStringLiteral("+00:00");
}

QString category(const QString& type) {
    if (type == QLatin1String("text") || type == QLatin1String("datetime")) {
        return QStringLiteral("Other");
    }
    if (type == QLatin1String("filename")) {
        return QStringLiteral("Artifacts dropped");
    }
    return QStringLiteral("Network activity"); // url, hostname, domain, ip-src, ip-dst
}

class MispObject {
  public:
    MispObject(const Template& t, const QString& uuid, const ExportedChannel& c)
        : uuid_(uuid), first_(isoUs(c.firstTs)), last_(isoUs(c.lastTs)) {
        o_ = QJsonObject{{QStringLiteral("name"), QString::fromLatin1(t.name)},
                         {QStringLiteral("meta-category"), QString::fromLatin1(t.metaCategory)},
                         {QStringLiteral("template_uuid"), QString::fromLatin1(t.uuid)},
                         {QStringLiteral("template_version"), QString::number(t.version)},
                         {QStringLiteral("uuid"), uuid},
                         {QStringLiteral("distribution"), QStringLiteral("5")},
                         {QStringLiteral("first_seen"), first_},
                         {QStringLiteral("last_seen"), last_}};
    }

    // Returns the attribute (to add sightings to it).
    QJsonObject& add(const QString& relation, const QString& type, const QString& value, bool toIds,
                     const QString& comment = {}) {
        QJsonObject a{{QStringLiteral("uuid"), uuidFor(uuid_ + QLatin1Char('|') + relation + QLatin1Char('|') + value)},
                      {QStringLiteral("object_relation"), relation},
                      {QStringLiteral("type"), type},
                      {QStringLiteral("category"), category(type)},
                      {QStringLiteral("value"), value},
                      {QStringLiteral("to_ids"), toIds},
                      {QStringLiteral("distribution"), QStringLiteral("5")},
                      {QStringLiteral("disable_correlation"), false},
                      {QStringLiteral("comment"), comment}};
        if (type != QLatin1String("datetime")) {
            a.insert(QStringLiteral("first_seen"), first_);
            a.insert(QStringLiteral("last_seen"), last_);
        }
        idsAttributes_ += toIds ? 1 : 0;
        attributes_.push_back(a);
        return attributes_.back();
    }

    void refer(const QString& target, const QString& relationship) {
        refs_.append(QJsonObject{{QStringLiteral("uuid"), uuidFor(uuid_ + QStringLiteral("|ref|") + target)},
                                 {QStringLiteral("referenced_uuid"), target},
                                 {QStringLiteral("relationship_type"), relationship}});
    }

    void setComment(const QString& comment) { o_.insert(QStringLiteral("comment"), comment); }
    const QString& uuid() const { return uuid_; }
    int idsAttributes() const { return idsAttributes_; }

    QJsonObject finish() const {
        QJsonObject o = o_;
        QJsonArray attributes;
        for (const QJsonObject& a : attributes_) {
            attributes.append(a);
        }
        o.insert(QStringLiteral("Attribute"), attributes);
        if (!refs_.isEmpty()) {
            o.insert(QStringLiteral("ObjectReference"), refs_);
        }
        return o;
    }

  private:
    QString uuid_, first_, last_;
    QJsonObject o_;
    std::vector<QJsonObject> attributes_; // std::vector keeps the reference add() returns valid until the next add
    QJsonArray refs_;
    int idsAttributes_ = 0;
};

QJsonObject sighting(const QString& attributeUuid, int64_t us, const QString& source) {
    return QJsonObject{
        {QStringLiteral("uuid"), uuidFor(attributeUuid + QStringLiteral("|sighting|") + QString::number(us))},
        {QStringLiteral("type"), QStringLiteral("0")}, // a sighting (not a false positive, not expiry)
        {QStringLiteral("date_sighting"), QString::number(us / 1000000)},
        {QStringLiteral("source"), source}};
}

} // namespace

MispExport exportMispEvent(sqlite3* db, const MispOptions& options) {
    const std::vector<ExportedChannel> channels = readExportedChannels(db, options.statuses);
    const QDateTime created = options.created.isValid() ? options.created.toUTC() : QDateTime::currentDateTimeUtc();
    MispExport out;
    QJsonArray objects;
    QStringList keys;
    bool anyMalicious = false;
    for (const ExportedChannel& c : channels) {
        ++out.channels;
        keys << c.key;
        anyMalicious = anyMalicious || c.status == QLatin1String("malicious");
        const bool address = c.destinationIsAddress();
        // A catalogued web service is not an indicator by itself; an unknown destination is.
        const bool destinationIsIndicator = c.service.isEmpty();
        const QString why = QStringLiteral("socwb score %1 (%2), %3 polls by %4 from %5 to %6; %7")
                                .arg(QString::number(c.score, 'f', 1), c.severity, QString::number(c.requests), c.who(),
                                     isoUs(c.firstTs), isoUs(c.lastTs), c.verdictText());

        MispObject connection(kConnectionObject, uuidFor(QStringLiteral("connection|") + c.key), c);
        if (!c.hostIps.isEmpty()) {
            connection.add(QStringLiteral("ip-src"), QStringLiteral("ip-src"), c.hostIps.first(), false,
                           QStringLiteral("host %1").arg(c.host));
        }
        connection.add(address ? QStringLiteral("ip-dst") : QStringLiteral("hostname-dst"),
                       address ? QStringLiteral("ip-dst") : QStringLiteral("hostname"), c.destination,
                       destinationIsIndicator,
                       c.service.isEmpty() ? QString() : QStringLiteral("web service %1").arg(c.service));
        connection.add(QStringLiteral("layer7-protocol"), QStringLiteral("text"),
                       c.proxyRequests > 0
                           ? (c.scheme == QLatin1String("http") ? QStringLiteral("HTTP") : QStringLiteral("HTTPS"))
                           : (c.dnsQueries > 0 ? QStringLiteral("DNS") : QStringLiteral("HTTPS")),
                       false);
        connection.add(QStringLiteral("first-packet-seen"), QStringLiteral("datetime"), isoUs(c.firstTs), false);
        connection.setComment(why);

        std::vector<MispObject> channelObjects;
        if (!c.firstUrl.isEmpty()) {
            MispObject url(kUrlObject, uuidFor(QStringLiteral("url|") + c.key), c);
            QJsonObject& polled = url.add(
                QStringLiteral("url"), QStringLiteral("url"), c.firstUrl, true,
                c.endpoint.isEmpty() ? QString() : QStringLiteral("endpoint %1: every URL under it").arg(c.endpoint));
            polled.insert(QStringLiteral("Sighting"),
                          QJsonArray{sighting(polled.value(QStringLiteral("uuid")).toString(), c.firstTs, c.host),
                                     sighting(polled.value(QStringLiteral("uuid")).toString(), c.lastTs, c.host)});
            const QString host = QUrl(c.firstUrl).host();
            if (!host.isEmpty()) {
                url.add(QStringLiteral("host"), QStringLiteral("hostname"), host, destinationIsIndicator && !address);
            }
            url.add(QStringLiteral("scheme"), QStringLiteral("text"), c.scheme, false);
            url.add(QStringLiteral("first-seen"), QStringLiteral("datetime"), isoUs(c.firstTs), false);
            url.add(QStringLiteral("last-seen"), QStringLiteral("datetime"), isoUs(c.lastTs), false);
            url.add(QStringLiteral("text"), QStringLiteral("text"),
                    why + QStringLiteral("\nWhy it scored:\n") + c.factorSentences(), false);
            url.setComment(QStringLiteral("polled by %1").arg(c.who()));
            channelObjects.push_back(std::move(url));
        }
        if (!c.processImage.isEmpty()) {
            MispObject process(kProcessObject, uuidFor(QStringLiteral("process|") + c.key), c);
            process.add(QStringLiteral("name"), QStringLiteral("text"), c.imageName(), false);
            process.add(QStringLiteral("image"), QStringLiteral("filename"), c.processImage, false);
            if (c.pid >= 0) {
                process.add(QStringLiteral("pid"), QStringLiteral("text"), QString::number(c.pid), false);
            }
            if (!c.commandLine.isEmpty()) {
                process.add(QStringLiteral("command-line"), QStringLiteral("text"), c.commandLine, false);
            }
            process.setComment(QStringLiteral("on host %1").arg(c.host));
            process.refer(connection.uuid(), QStringLiteral("connected-to"));
            for (const MispObject& o : channelObjects) {
                process.refer(o.uuid(), QStringLiteral("communicates-with"));
            }
            channelObjects.push_back(std::move(process));
        }
        channelObjects.push_back(std::move(connection));
        for (const MispObject& o : channelObjects) {
            objects.append(o.finish());
            out.idsAttributes += o.idsAttributes();
            ++out.objects;
        }
    }
    const QString info =
        QStringLiteral("socwb: %1 command channel(s) over legitimate web services (ATT&CK T1102.003)%2")
            .arg(out.channels)
            .arg(options.caseName.isEmpty() ? QString() : QStringLiteral(" in case %1").arg(options.caseName));
    QJsonObject event{
        {QStringLiteral("uuid"),
         uuidFor(QStringLiteral("event|") + options.caseName + QLatin1Char('|') + keys.join(QLatin1Char(',')))},
        {QStringLiteral("info"), info},
        {QStringLiteral("date"), created.date().toString(Qt::ISODate)},
        {QStringLiteral("timestamp"), QString::number(created.toSecsSinceEpoch())},
        {QStringLiteral("published"), false},
        {QStringLiteral("analysis"), QStringLiteral("2")},                                             // completed
        {QStringLiteral("threat_level_id"), anyMalicious ? QStringLiteral("1") : QStringLiteral("2")}, // high : medium
        {QStringLiteral("distribution"), QStringLiteral("0")}, // this organisation only: case evidence
        {QStringLiteral("Tag"),
         QJsonArray{
             QJsonObject{{QStringLiteral("name"), QStringLiteral("tlp:amber")}},
             QJsonObject{{QStringLiteral("name"),
                          QStringLiteral("misp-galaxy:mitre-attack-pattern=\"One-Way Communication - T1102.003\"")}},
             QJsonObject{{QStringLiteral("name"), QStringLiteral("socwb:producer=\"%1\"").arg(options.producer)}}}},
        {QStringLiteral("Attribute"), QJsonArray{}},
        {QStringLiteral("Object"), objects}};
    out.event = QJsonObject{{QStringLiteral("Event"), event}};
    return out;
}

} // namespace socwb
