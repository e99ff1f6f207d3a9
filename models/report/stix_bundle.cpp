#include "report/stix_bundle.h"

#include "ingest/write/domain_names.h"
#include "scoring/channel_members.h"
#include "store/statement.h"
#include "triage/triage_store.h"

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

QString qs(const std::string& s) {
    return QString::fromStdString(s);
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

struct SeenUrl {
    QString url, scheme;
};

// The first HTTP request of the channel with a full URL (CONNECT lines name only host:port).
SeenUrl firstUrl(sqlite3* db, const std::vector<int64_t>& proxyIds) {
    Statement st(db, "SELECT coalesce(url, ''), coalesce(method, '') FROM proxy_events WHERE id = ?1");
    const size_t n = std::min<size_t>(proxyIds.size(), 64);
    for (size_t i = 0; i < n; ++i) {
        st.reset();
        st.bind(1, proxyIds[i]);
        if (!st.step() || st.text(1) == "CONNECT") {
            continue;
        }
        const QString url = qs(st.text(0));
        if (const qsizetype colon = url.indexOf(QStringLiteral("://")); colon > 0) {
            return {url, url.left(colon).toLower()};
        }
    }
    return {};
}

QString factorSentences(const std::string& factorsJson) {
    QStringList lines;
    for (const QJsonValue& v : QJsonDocument::fromJson(QByteArray::fromStdString(factorsJson)).array()) {
        const QJsonObject f = v.toObject();
        lines << QStringLiteral("%1 %2%3: %4")
                     .arg(f.value(QStringLiteral("name")).toString(),
                          f.value(QStringLiteral("contribution")).toDouble() >= 0 ? QStringLiteral("+") : QString(),
                          QString::number(f.value(QStringLiteral("contribution")).toDouble(), 'f', 1),
                          f.value(QStringLiteral("detail")).toString());
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace

QString stixQuoted(const QString& s) {
    QString out = s;
    out.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('\''), QStringLiteral("\\'"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

StixExport exportStixBundle(sqlite3* db, const StixOptions& options) {
    if (options.statuses.isEmpty()) {
        throw std::invalid_argument("no triage status to export");
    }
    for (const QString& s : options.statuses) {
        if (!TriageStore::statuses().contains(s)) {
            throw std::invalid_argument("unknown triage status: " + s.toStdString());
        }
    }
    Bundle b(options);
    StixExport out;
    QStringList marks;
    for (int i = 0; i < options.statuses.size(); ++i) {
        marks << QStringLiteral("?%1").arg(i + 1);
    }
    Statement st(db, ("SELECT a.channel_key, a.host, coalesce(a.host_ips, ''), coalesce(a.host_role, ''), "
                      "coalesce(a.process_image, ''), coalesce(a.process_name, ''), coalesce(a.process_id, 0), "
                      "a.destination, coalesce(a.service, ''), coalesce(a.endpoint, ''), a.requests, a.first_ts, "
                      "a.last_ts, a.score, a.severity, a.factors, t.status, coalesce(t.justification, ''), "
                      "coalesce(t.note, ''), t.updated_by, a.proxy_ids, a.proxy_requests, a.dns_queries "
                      "FROM alerts a JOIN triage t ON t.channel_key = a.channel_key WHERE t.status IN (" +
                      marks.join(QLatin1Char(',')) + ") ORDER BY a.score DESC, a.id")
                         .toStdString());
    for (int i = 0; i < options.statuses.size(); ++i) {
        st.bind(i + 1, options.statuses[i].toStdString());
    }
    Statement proc(db, "SELECT pid, coalesce(command_line, '') FROM processes WHERE id = ?1");
    while (st.step()) {
        const QString key = qs(st.text(0)), host = qs(st.text(1)), destination = qs(st.text(7));
        const QString service = qs(st.text(8)), endpoint = qs(st.text(9)), status = qs(st.text(16));
        const int64_t requests = st.int64(10), firstTs = st.int64(11), lastTs = st.int64(12);
        ++out.channels;

        // ---- what was observed: the host's addresses, the destination, the URL, the process
        QJsonArray refs;
        QString hostAddress;
        for (const QString& ip : qs(st.text(2)).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString id = b.sco(addressType(ip), {{QStringLiteral("value"), ip}});
            hostAddress = hostAddress.isEmpty() ? id : hostAddress;
            refs.append(id);
        }
        const bool literal = DomainNames::isIpLiteral(destination.toStdString());
        const QString destType = literal ? addressType(destination) : QStringLiteral("domain-name");
        const QString destId = b.sco(destType, {{QStringLiteral("value"), destination}});
        refs.append(destId);
        const SeenUrl seen = firstUrl(
            db, scoring::decodeMemberIds(sqlite3_column_blob(st.handle(), 20), sqlite3_column_bytes(st.handle(), 20)));
        if (!seen.url.isEmpty()) {
            refs.append(b.sco(QStringLiteral("url"), {{QStringLiteral("value"), seen.url}}));
        }
        QJsonObject traffic{
            {QStringLiteral("dst_ref"), destId},
            {QStringLiteral("protocols"), st.int64(21) > 0 || st.int64(22) == 0
                                              ? QJsonArray{QStringLiteral("tcp")}
                                              : QJsonArray{QStringLiteral("udp"), QStringLiteral("dns")}}};
        if (!hostAddress.isEmpty()) {
            traffic.insert(QStringLiteral("src_ref"), hostAddress);
        }
        refs.append(b.sco(QStringLiteral("network-traffic"), traffic));
        const QString image = qs(st.text(4));
        if (!image.isEmpty()) {
            const int cut = std::max(image.lastIndexOf(QLatin1Char('\\')), image.lastIndexOf(QLatin1Char('/')));
            QJsonObject file{{QStringLiteral("name"), cut >= 0 ? image.mid(cut + 1) : image}};
            if (cut > 0) {
                const QString dir = b.sco(QStringLiteral("directory"), {{QStringLiteral("path"), image.left(cut)}});
                refs.append(dir);
                file.insert(QStringLiteral("parent_directory_ref"), dir);
            }
            const QString fileId = b.sco(QStringLiteral("file"), file);
            refs.append(fileId);
            QJsonObject process{{QStringLiteral("image_ref"), fileId}};
            proc.reset();
            proc.bind(1, st.int64(6));
            if (st.int64(6) != 0 && proc.step()) {
                if (!proc.isNull(0)) {
                    process.insert(QStringLiteral("pid"), qint64(proc.int64(0)));
                }
                if (!proc.text(1).empty()) {
                    process.insert(QStringLiteral("command_line"), qs(proc.text(1)));
                }
            }
            // A process has no contributing properties in STIX: its id is named by the channel.
            const QString pid = sdoId(QStringLiteral("process"), key);
            process.insert(QStringLiteral("type"), QStringLiteral("process"));
            process.insert(QStringLiteral("spec_version"), QStringLiteral("2.1"));
            process.insert(QStringLiteral("id"), pid);
            b.add(process);
            refs.append(pid);
        }
        const QString observed = sdoId(QStringLiteral("observed-data"), key);
        b.add(b.sdo(QStringLiteral("observed-data"), observed)
                  .insert2(QStringLiteral("first_observed"), stampUs(firstTs))
                  .insert2(QStringLiteral("last_observed"), stampUs(lastTs))
                  .insert2(QStringLiteral("number_observed"), qint64(std::max<int64_t>(requests, 1)))
                  .insert2(QStringLiteral("object_refs"), refs));

        // ---- the host where it was seen
        const QString hostId = sdoId(QStringLiteral("identity"), QStringLiteral("host|") + host);
        QString hostDescription = QStringLiteral("host %1").arg(host);
        if (!qs(st.text(3)).isEmpty()) {
            hostDescription += QStringLiteral(", role %1").arg(qs(st.text(3)));
        }
        if (!qs(st.text(2)).isEmpty()) {
            hostDescription += QStringLiteral(", addresses %1").arg(qs(st.text(2)));
        }
        b.add(b.sdo(QStringLiteral("identity"), hostId)
                  .insert2(QStringLiteral("name"), host)
                  .insert2(QStringLiteral("identity_class"), QStringLiteral("system"))
                  .insert2(QStringLiteral("description"), hostDescription));

        // ---- indicators: the endpoint's URLs; the destination where it is no catalogued service (or all there is)
        const QString who = (image.isEmpty() ? QStringLiteral("an unattributed process") : qs(st.text(5))) +
                            QStringLiteral(" on ") + host;
        // The analyst's reasons go with the verdict (the schemas' bundle has no place for a note object).
        QString verdict = QStringLiteral("analyst verdict: %1").arg(status);
        for (const QString& s : {qs(st.text(17)), qs(st.text(18))}) {
            if (!s.isEmpty()) {
                verdict += QStringLiteral(" \u2014 ") + s;
            }
        }
        if (!st.isNull(19)) {
            verdict += QStringLiteral(" (%1)").arg(qs(st.text(19)));
        }
        const QString description =
            QStringLiteral("socwb score %1 (%2); %3.\nWhy it scored:\n%4")
                .arg(QString::number(st.real(13), 'f', 1), qs(st.text(14)), verdict, factorSentences(st.text(15)));
        const int indicatorsBefore = out.indicators;
        auto indicator = [&](const QString& what, const QString& pattern) {
            const QString id = sdoId(QStringLiteral("indicator"), key + QLatin1Char('|') + pattern);
            b.add(b.sdo(QStringLiteral("indicator"), id)
                      .insert2(QStringLiteral("name"), QStringLiteral("%1 polled by %2").arg(what, who))
                      .insert2(QStringLiteral("description"), description)
                      .insert2(QStringLiteral("indicator_types"),
                               QJsonArray{status == QLatin1String("malicious") ? QStringLiteral("malicious-activity")
                                                                               : QStringLiteral("anomalous-activity")})
                      .insert2(QStringLiteral("pattern"), pattern)
                      .insert2(QStringLiteral("pattern_type"), QStringLiteral("stix"))
                      .insert2(QStringLiteral("valid_from"), stampUs(firstTs))
                      .insert2(QStringLiteral("kill_chain_phases"), Bundle::killChain()));
            b.add(b.sdo(QStringLiteral("relationship"),
                        sdoId(QStringLiteral("relationship"), id + QStringLiteral("|indicates")))
                      .insert2(QStringLiteral("relationship_type"), QStringLiteral("indicates"))
                      .insert2(QStringLiteral("source_ref"), id)
                      .insert2(QStringLiteral("target_ref"), b.technique()));
            b.add(b.sdo(QStringLiteral("sighting"), sdoId(QStringLiteral("sighting"), id))
                      .insert2(QStringLiteral("sighting_of_ref"), id)
                      .insert2(QStringLiteral("first_seen"), stampUs(firstTs))
                      .insert2(QStringLiteral("last_seen"), stampUs(lastTs))
                      .insert2(QStringLiteral("count"), qint64(std::clamp<int64_t>(requests, 0, 999999999)))
                      .insert2(QStringLiteral("description"), verdict)
                      .insert2(QStringLiteral("observed_data_refs"), QJsonArray{observed})
                      .insert2(QStringLiteral("where_sighted_refs"), QJsonArray{hostId}));
            ++out.indicators;
        };
        if (!endpoint.isEmpty() && !seen.url.isEmpty()) {
            // The endpoint is a URL shape (host and path prefix): every URL under it, with any query.
            const QString prefix = seen.scheme + QStringLiteral("://") + endpoint;
            indicator(endpoint,
                      QStringLiteral("[url:value LIKE %1]")
                          .arg(stixQuoted((seen.url.startsWith(prefix) ? prefix : QStringLiteral("%//") + endpoint) +
                                          QLatin1Char('%'))));
        }
        if (service.isEmpty() || out.indicators == indicatorsBefore) {
            indicator(destination, QStringLiteral("[%1:value = %2]").arg(destType, stixQuoted(destination)));
        }
    }
    out.bundle = b.finish();
    return out;
}

} // namespace socwb
