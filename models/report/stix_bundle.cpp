#include "report/stix_bundle.h"

#include "report/exported_channels.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QUuid>

#include <sqlite3.h>

#include <stdexcept>

namespace socwb {
namespace {

// STIX 2.1 section 2.9: the namespace of name-based ids for cyber-observable objects.
const QUuid kScoNamespace(QStringLiteral("00abedb4-aa42-466c-9c01-fed23315a9b7"));
// Our own namespace for the domain objects: the same case exported twice gives the same ids.
const QUuid kSocwbNamespace(QStringLiteral("5d2f7c1e-8a43-5b8e-9f0d-2b6a4c9e1f37"));

QString stamp(const QDateTime& t) {
    return t.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

QString stampUs(int64_t us) {
    return stamp(QDateTime::fromMSecsSinceEpoch(us / 1000, Qt::UTC));
}

// An observable's id from its ID-contributing properties, as STIX 2.1 says (UUIDv5 over their JSON).
QString scoId(const QString& type, const QJsonObject& contributing) {
    const QByteArray canonical = QJsonDocument(contributing).toJson(QJsonDocument::Compact); // keys sorted
    return type + QStringLiteral("--") + QUuid::createUuidV5(kScoNamespace, canonical).toString(QUuid::WithoutBraces);
}

QString sdoId(const QString& type, const QString& name) {
    return type + QStringLiteral("--") +
           QUuid::createUuidV5(kSocwbNamespace, QString(type + QLatin1Char('|') + name)).toString(QUuid::WithoutBraces);
}

QString addressType(const QString& value) {
    return value.contains(QLatin1Char(':')) ? QStringLiteral("ipv6-addr") : QStringLiteral("ipv4-addr");
}

class Bundle {
  public:
    Bundle(const StixOptions& o) : created_(stamp(o.created.isValid() ? o.created : QDateTime::currentDateTimeUtc())) {
        producer_ = sdoId(QStringLiteral("identity"), o.producer);
        add(sdo(QStringLiteral("identity"), producer_)
                .insert2(QStringLiteral("name"), o.producer)
                .insert2(QStringLiteral("identity_class"), QStringLiteral("system"))
                .insert2(QStringLiteral("description"),
                         QStringLiteral("socwb, the investigation workbench that scored and triaged these channels")));
        technique_ = sdoId(QStringLiteral("attack-pattern"), QStringLiteral("T1102.003"));
        add(sdo(QStringLiteral("attack-pattern"), technique_)
                .insert2(QStringLiteral("name"), QStringLiteral("Web Service: One-Way Communication"))
                .insert2(QStringLiteral("external_references"),
                         QJsonArray{QJsonObject{{QStringLiteral("source_name"), QStringLiteral("mitre-attack")},
                                                {QStringLiteral("external_id"), QStringLiteral("T1102.003")},
                                                {QStringLiteral("url"),
                                                 QStringLiteral("https://attack.mitre.org/techniques/T1102/003/")}}})
                .insert2(QStringLiteral("kill_chain_phases"), killChain()));
    }

    struct Obj : QJsonObject {
        Obj& insert2(const QString& k, const QJsonValue& v) {
            insert(k, v);
            return *this;
        }
    };

    Obj sdo(const QString& type, const QString& id) const {
        Obj o;
        o.insert2(QStringLiteral("type"), type)
            .insert2(QStringLiteral("spec_version"), QStringLiteral("2.1"))
            .insert2(QStringLiteral("id"), id)
            .insert2(QStringLiteral("created"), created_)
            .insert2(QStringLiteral("modified"), created_);
        if (!producer_.isEmpty() && id != producer_) {
            o.insert2(QStringLiteral("created_by_ref"), producer_);
        }
        return o;
    }

    // An observable (its id from its contributing properties); added once, however many channels share it.
    QString sco(const QString& type, const QJsonObject& contributing, const QJsonObject& more = {}) {
        const QString id = scoId(type, contributing);
        if (!seen_.contains(id)) {
            QJsonObject o = contributing;
            for (auto it = more.begin(); it != more.end(); ++it) {
                o.insert(it.key(), it.value());
            }
            o.insert(QStringLiteral("type"), type);
            o.insert(QStringLiteral("spec_version"), QStringLiteral("2.1"));
            o.insert(QStringLiteral("id"), id);
            add(o);
        }
        return id;
    }

    void add(const QJsonObject& o) {
        const QString id = o.value(QStringLiteral("id")).toString();
        if (!seen_.contains(id)) {
            seen_.insert(id);
            objects_.append(o);
        }
    }

    static QJsonArray killChain() {
        return QJsonArray{QJsonObject{{QStringLiteral("kill_chain_name"), QStringLiteral("mitre-attack")},
                                      {QStringLiteral("phase_name"), QStringLiteral("command-and-control")}}};
    }

    QJsonObject finish() const {
        QStringList ids;
        for (const QJsonValue& v : objects_) {
            ids << v.toObject().value(QStringLiteral("id")).toString();
        }
        return QJsonObject{{QStringLiteral("type"), QStringLiteral("bundle")},
                           {QStringLiteral("id"), sdoId(QStringLiteral("bundle"), ids.join(QLatin1Char(',')))},
                           {QStringLiteral("objects"), objects_}};
    }

    const QString& technique() const { return technique_; }

  private:
    QString created_, producer_, technique_;
    QSet<QString> seen_;
    QJsonArray objects_;
};

} // namespace

QString stixQuoted(const QString& s) {
    QString out = s;
    out.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('\''), QStringLiteral("\\'"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

QString stixUri(const QString& logged) {
    // RFC 3986's unreserved and reserved characters stay, as does a '%' that starts an escape; every
    // other byte of the UTF-8 (a backslash, a space, a quote mark, non-ASCII) is percent-encoded.
    const QByteArray in = logged.toUtf8();
    static const QByteArray kept("-._~:/?#[]@!$&'()*+,;=");
    QByteArray out;
    out.reserve(in.size());
    for (qsizetype i = 0; i < in.size(); ++i) {
        const char ch = in[i];
        auto hex = [](char h) { return (h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'); };
        const bool alnum = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
        const bool escape = ch == '%' && i + 2 < in.size() && hex(in[i + 1]) && hex(in[i + 2]);
        if (alnum || kept.contains(ch) || escape) {
            out += ch;
        } else {
            out += '%' + QByteArray::number(uchar(ch), 16).toUpper().rightJustified(2, '0');
        }
    }
    return QString::fromLatin1(out);
}

StixExport exportStixBundle(sqlite3* db, const StixOptions& options) {
    const std::vector<ExportedChannel> channels = readExportedChannels(db, options.statuses);
    Bundle b(options);
    StixExport out;
    for (const ExportedChannel& c : channels) {
        ++out.channels;

        // ---- what was observed: the host's addresses, the destination, the URL, the process
        QJsonArray refs;
        QString hostAddress;
        for (const QString& ip : c.hostIps) {
            const QString id = b.sco(addressType(ip), {{QStringLiteral("value"), ip}});
            hostAddress = hostAddress.isEmpty() ? id : hostAddress;
            refs.append(id);
        }
        const QString destType = c.destinationIsAddress() ? addressType(c.destination) : QStringLiteral("domain-name");
        const QString destId = b.sco(destType, {{QStringLiteral("value"), c.destination}});
        refs.append(destId);
        const QString firstUrl = stixUri(c.firstUrl);
        if (!firstUrl.isEmpty()) {
            refs.append(b.sco(QStringLiteral("url"), {{QStringLiteral("value"), firstUrl}}));
        }
        QJsonObject traffic{
            {QStringLiteral("dst_ref"), destId},
            {QStringLiteral("protocols"), c.proxyRequests > 0 || c.dnsQueries == 0
                                              ? QJsonArray{QStringLiteral("tcp")}
                                              : QJsonArray{QStringLiteral("udp"), QStringLiteral("dns")}}};
        if (!hostAddress.isEmpty()) {
            traffic.insert(QStringLiteral("src_ref"), hostAddress);
        }
        refs.append(b.sco(QStringLiteral("network-traffic"), traffic));
        if (!c.processImage.isEmpty()) {
            const QString image = c.processImage;
            const qsizetype cut = image.size() - c.imageName().size() - 1;
            QJsonObject file{{QStringLiteral("name"), c.imageName()}};
            if (cut > 0) {
                const QString dir = b.sco(QStringLiteral("directory"), {{QStringLiteral("path"), image.left(cut)}});
                refs.append(dir);
                file.insert(QStringLiteral("parent_directory_ref"), dir);
            }
            const QString fileId = b.sco(QStringLiteral("file"), file);
            refs.append(fileId);
            QJsonObject process{{QStringLiteral("image_ref"), fileId}};
            if (c.pid >= 0) {
                process.insert(QStringLiteral("pid"), qint64(c.pid));
            }
            if (!c.commandLine.isEmpty()) {
                process.insert(QStringLiteral("command_line"), c.commandLine);
            }
            // A process has no contributing properties in STIX: its id is named by the channel.
            const QString pid = sdoId(QStringLiteral("process"), c.key);
            process.insert(QStringLiteral("type"), QStringLiteral("process"));
            process.insert(QStringLiteral("spec_version"), QStringLiteral("2.1"));
            process.insert(QStringLiteral("id"), pid);
            b.add(process);
            refs.append(pid);
        }
        const QString observed = sdoId(QStringLiteral("observed-data"), c.key);
        b.add(b.sdo(QStringLiteral("observed-data"), observed)
                  .insert2(QStringLiteral("first_observed"), stampUs(c.firstTs))
                  .insert2(QStringLiteral("last_observed"), stampUs(c.lastTs))
                  .insert2(QStringLiteral("number_observed"), qint64(std::max<int64_t>(c.requests, 1)))
                  .insert2(QStringLiteral("object_refs"), refs));

        // ---- the host where it was seen
        const QString hostId = sdoId(QStringLiteral("identity"), QStringLiteral("host|") + c.host);
        QString hostDescription = QStringLiteral("host %1").arg(c.host);
        if (!c.hostRole.isEmpty()) {
            hostDescription += QStringLiteral(", role %1").arg(c.hostRole);
        }
        if (!c.hostIps.isEmpty()) {
            hostDescription += QStringLiteral(", addresses %1").arg(c.hostIps.join(QLatin1Char(',')));
        }
        b.add(b.sdo(QStringLiteral("identity"), hostId)
                  .insert2(QStringLiteral("name"), c.host)
                  .insert2(QStringLiteral("identity_class"), QStringLiteral("system"))
                  .insert2(QStringLiteral("description"), hostDescription));

        // ---- indicators: the endpoint's URLs; the destination where it is no catalogued service (or all there is)
        // The analyst's reasons go with the verdict (the schemas' bundle has no place for a note object).
        const QString verdict = c.verdictText();
        const QString description =
            QStringLiteral("socwb score %1 (%2); %3.\nWhy it scored:\n%4")
                .arg(QString::number(c.score, 'f', 1), c.severity, verdict, c.factorSentences());
        const int indicatorsBefore = out.indicators;
        auto indicator = [&](const QString& what, const QString& pattern) {
            const QString id = sdoId(QStringLiteral("indicator"), c.key + QLatin1Char('|') + pattern);
            b.add(
                b.sdo(QStringLiteral("indicator"), id)
                    .insert2(QStringLiteral("name"), QStringLiteral("%1 polled by %2").arg(what, c.who()))
                    .insert2(QStringLiteral("description"), description)
                    .insert2(QStringLiteral("indicator_types"),
                             QJsonArray{c.status == QLatin1String("malicious") ? QStringLiteral("malicious-activity")
                                                                               : QStringLiteral("anomalous-activity")})
                    .insert2(QStringLiteral("pattern"), pattern)
                    .insert2(QStringLiteral("pattern_type"), QStringLiteral("stix"))
                    .insert2(QStringLiteral("valid_from"), stampUs(c.firstTs))
                    .insert2(QStringLiteral("kill_chain_phases"), Bundle::killChain()));
            b.add(b.sdo(QStringLiteral("relationship"),
                        sdoId(QStringLiteral("relationship"), id + QStringLiteral("|indicates")))
                      .insert2(QStringLiteral("relationship_type"), QStringLiteral("indicates"))
                      .insert2(QStringLiteral("source_ref"), id)
                      .insert2(QStringLiteral("target_ref"), b.technique()));
            b.add(b.sdo(QStringLiteral("sighting"), sdoId(QStringLiteral("sighting"), id))
                      .insert2(QStringLiteral("sighting_of_ref"), id)
                      .insert2(QStringLiteral("first_seen"), stampUs(c.firstTs))
                      .insert2(QStringLiteral("last_seen"), stampUs(c.lastTs))
                      .insert2(QStringLiteral("count"), qint64(std::clamp<int64_t>(c.requests, 0, 999999999)))
                      .insert2(QStringLiteral("description"), verdict)
                      .insert2(QStringLiteral("observed_data_refs"), QJsonArray{observed})
                      .insert2(QStringLiteral("where_sighted_refs"), QJsonArray{hostId}));
            ++out.indicators;
        };
        if (!c.endpoint.isEmpty() && !firstUrl.isEmpty()) {
            // The endpoint is a URL shape (host and path prefix): every URL under it, with any query.
            const QString prefix = stixUri(c.scheme + QStringLiteral("://") + c.endpoint);
            indicator(c.endpoint,
                      QStringLiteral("[url:value LIKE %1]")
                          .arg(stixQuoted(
                              (firstUrl.startsWith(prefix) ? prefix : QStringLiteral("%//") + stixUri(c.endpoint)) +
                              QLatin1Char('%'))));
        }
        if (c.service.isEmpty() || out.indicators == indicatorsBefore) {
            indicator(c.destination, QStringLiteral("[%1:value = %2]").arg(destType, stixQuoted(c.destination)));
        }
    }
    out.bundle = b.finish();
    return out;
}

} // namespace socwb
