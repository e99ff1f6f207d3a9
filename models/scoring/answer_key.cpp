#include "answer_key.h"

#include <QHash>
#include <QJsonArray>

#include <algorithm>
#include <stdexcept>

namespace socwb::scoring {

std::vector<AnswerKeyItem> loadAnswerKey(const QJsonObject& truth) {
    if (truth.value(QStringLiteral("format")).toString() != QLatin1String("socwb-truth")) {
        throw std::runtime_error("not a socwb truth file (format is not \"socwb-truth\")");
    }
    // Each channel's destination addresses, for rows the evidence keyed by address alone.
    QHash<QString, QSet<QString>> addressesOf;
    QHash<QString, QStringList> urlsOf;
    auto withoutScheme = [](QString u) {
        const qsizetype cut = u.indexOf(QLatin1String("://"));
        return (cut >= 0 ? u.mid(cut + 3) : u).toLower();
    };
    for (const QJsonValue& v : truth.value(QStringLiteral("channels")).toArray()) {
        const QJsonObject ch = v.toObject();
        QSet<QString>& set = addressesOf[ch.value(QStringLiteral("id")).toString()];
        const QJsonObject dest = ch.value(QStringLiteral("destination")).toObject();
        // World 1 lists the name's addresses (ips); world 2 every address the channel's lookups
        // returned and its connections used (addresses).
        for (const char* key : {"ips", "addresses"}) {
            for (const QJsonValue& ip : dest.value(QLatin1String(key)).toArray()) {
                set.insert(ip.toString().toLower());
            }
        }
        QStringList& urls = urlsOf[ch.value(QStringLiteral("id")).toString()];
        for (const QJsonValue& u : {dest.value(QStringLiteral("url")),
                                    ch.value(QStringLiteral("output")).toObject().value(QStringLiteral("url"))}) {
            if (!u.toString().isEmpty()) {
                urls << withoutScheme(u.toString());
            }
        }
    }
    std::vector<AnswerKeyItem> items;
    for (const QJsonValue& v :
         truth.value(QStringLiteral("answer_key")).toObject().value(QStringLiteral("items")).toArray()) {
        const QJsonObject o = v.toObject();
        AnswerKeyItem it;
        it.channel = o.value(QStringLiteral("channel")).toString();
        it.positive = o.value(QStringLiteral("expected")).toString() == QLatin1String("malicious");
        it.points = std::clamp(o.value(QStringLiteral("points")).toInt(), 0, 1000);
        for (const QJsonValue& h : o.value(QStringLiteral("hosts")).toArray()) {
            it.hosts.insert(h.toString().toLower());
        }
        it.domain = o.value(QStringLiteral("registrable_domain")).toString();
        it.process = o.value(QStringLiteral("process_image")).toString();
        it.addresses = addressesOf.value(it.channel);
        it.urls = urlsOf.value(it.channel);
        it.destinationHost = o.value(QStringLiteral("destination_host")).toString().toLower();
        for (const QJsonValue& ip : o.value(QStringLiteral("addresses")).toArray()) {
            it.addresses.insert(ip.toString().toLower());
        }
        items.push_back(it);
    }
    return items;
}

bool matches(const AnswerKeyItem& item, const ChannelFacts& a) {
    if (!item.hosts.contains(a.host.toLower())) {
        return false;
    }
    // By name — the host name where the answer key gives it, else the registrable domain — or,
    // where the evidence kept only an address, by the channel's own addresses.
    const QString reg = a.registered.isEmpty() ? a.destination : a.registered;
    const bool named = item.destinationHost.isEmpty()
                           ? reg.compare(item.domain, Qt::CaseInsensitive) == 0
                           : a.destination.compare(item.destinationHost, Qt::CaseInsensitive) == 0;
    if (!named && !item.addresses.contains(a.destination.toLower())) {
        return false;
    }
    // A row with a URL shape (one raw file, one gist) is the channel only when the channel's URL
    // has that shape: IT's baseline script and an implant on the same host and site are two.
    if (!a.endpoint.isEmpty() && !item.urls.isEmpty() &&
        std::none_of(item.urls.begin(), item.urls.end(),
                     [&](const QString& u) { return u.startsWith(a.endpoint.toLower()); })) {
        return false;
    }
    // When the evidence cannot name the process, host and registrable domain decide.
    return a.processName.isEmpty() || a.processName.compare(item.process, Qt::CaseInsensitive) == 0;
}

int matchItem(const std::vector<AnswerKeyItem>& items, const ChannelFacts& c) {
    int positive = -1, lookalike = -1;
    for (size_t i = 0; i < items.size(); ++i) {
        int& first = items[i].positive ? positive : lookalike;
        if (first < 0 && matches(items[i], c)) {
            first = static_cast<int>(i);
        }
    }
    const bool evidenced = !c.processName.isEmpty() || !c.endpoint.isEmpty();
    return positive >= 0 && (lookalike < 0 || evidenced) ? positive : lookalike;
}

} // namespace socwb::scoring
