#include "web_service_catalog.h"

#include "config_checks.h"
#include "core/resources.h"

#include <yaml-cpp/yaml.h>

#include <set>
#include <stdexcept>

namespace socwb::scoring {

namespace {

bool hostMatches(const std::string& fqdn, const std::string& domain) {
    return fqdn == domain ||
           (fqdn.size() > domain.size() && fqdn.compare(fqdn.size() - domain.size(), domain.size(), domain) == 0 &&
            fqdn[fqdn.size() - domain.size() - 1] == '.');
}

// The catalog's shape, as its header comment documents it.
const std::vector<std::string> kServiceKeys{"id", "name", "category", "consumer", "risk", "domains", "endpoints"};
const std::vector<std::string> kEndpointKeys{"name", "role", "host", "path"};
constexpr qsizetype kMaxCatalogBytes = 4 * 1024 * 1024;

QString optionalText(const YAML::Node& n, const char* key, const std::string& where, const QString& fallback = {}) {
    return n[key] ? checks::text(n[key], where + "." + key, 256) : fallback;
}

} // namespace

WebServiceCatalog WebServiceCatalog::fromYaml(const QByteArray& yaml) {
    const std::string what = "web-service catalog";
    const YAML::Node root = checks::loadOne(yaml, what, kMaxCatalogBytes);
    checks::requireKeys(root, {"services"}, what);
    if (!root["services"].IsSequence() || root["services"].size() > 10000) {
        throw std::runtime_error(what + ": 'services' is not a list of at most 10000 services");
    }
    WebServiceCatalog c;
    std::set<QString> ids;
    int index = 0;
    for (const YAML::Node& n : root["services"]) {
        const std::string where = what + ", service " + std::to_string(++index);
        checks::requireKeys(n, kServiceKeys, where);
        WebService s;
        s.id = optionalText(n, "id", where);
        if (s.id.isEmpty() || !ids.insert(s.id).second) {
            throw std::runtime_error(
                where + ": " + (s.id.isEmpty() ? std::string("has no id") : "id '" + s.id.toStdString() + "' twice"));
        }
        const std::string named = what + ", service '" + s.id.toStdString() + "'";
        s.name = optionalText(n, "name", named, s.id);
        s.category = optionalText(n, "category", named, QStringLiteral("other"));
        s.consumer = n["consumer"] && checks::boolean(n["consumer"], named + ".consumer");
        s.risk = n["risk"] ? checks::number(n["risk"], named + ".risk", 0, 1) : 0.5;
        if (!n["domains"]) {
            throw std::runtime_error(named + ": no domains");
        }
        for (const QString& d : checks::textList(n["domains"], named + ".domains", 1000, 253)) {
            if (d.trimmed().isEmpty() || d.contains(QLatin1Char(' '))) {
                throw std::runtime_error(named + ".domains: '" + d.toStdString() + "' is not a host name");
            }
            s.domains.push_back(d.toLower().toStdString());
        }
        if (s.domains.empty()) {
            throw std::runtime_error(named + ": no domains");
        }
        if (n["endpoints"]) {
            if (!n["endpoints"].IsSequence()) {
                throw std::runtime_error(named + ".endpoints: is not a list");
            }
            int e = 0;
            for (const YAML::Node& en : n["endpoints"]) {
                std::string ew = named + ", endpoint " + std::to_string(++e);
                checks::requireKeys(en, kEndpointKeys, ew);
                EndpointShape shape;
                shape.name = optionalText(en, "name", ew);
                if (!shape.name.isEmpty()) {
                    ew = named + ", endpoint '" + shape.name.toStdString() + "'";
                }
                shape.role = optionalText(en, "role", ew, QStringLiteral("command"));
                if (shape.role != QLatin1String("command") && shape.role != QLatin1String("output") &&
                    shape.role != QLatin1String("payload")) {
                    throw std::runtime_error(ew + ".role: '" + shape.role.toStdString() +
                                             "' is not command, output or payload");
                }
                shape.host = optionalText(en, "host", ew).toLower();
                shape.path = checks::pattern(optionalText(en, "path", ew), ew + ".path");
                s.endpoints.push_back(std::move(shape));
            }
        }
        c.services_.push_back(std::move(s));
    }
    return c;
}

WebServiceCatalog WebServiceCatalog::load() {
    return fromYaml(resources::read(QStringLiteral("scoring/web-services.yaml")));
}

const WebService* WebServiceCatalog::match(const std::string& fqdn) const {
    const WebService* best = nullptr;
    size_t bestLen = 0;
    for (const WebService& s : services_) {
        for (const std::string& d : s.domains) {
            if (d.size() > bestLen && hostMatches(fqdn, d)) {
                best = &s;
                bestLen = d.size();
            }
        }
    }
    return best;
}

EndpointMatch WebServiceCatalog::endpoint(const WebService& service, const std::string& fqdn,
                                          const std::string& path) const {
    if (path.empty()) {
        return {};
    }
    const QString p = QString::fromStdString(path);
    for (const EndpointShape& e : service.endpoints) {
        if (!e.host.isEmpty() && !hostMatches(fqdn, e.host.toStdString())) {
            continue;
        }
        const QRegularExpressionMatch m =
            e.path.match(p, 0, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
        if (m.hasMatch()) {
            return {&e, m.captured(0)};
        }
    }
    return {};
}

const WebService* WebServiceCatalog::find(const QString& id) const {
    for (const WebService& s : services_) {
        if (s.id == id) {
            return &s;
        }
    }
    return nullptr;
}

} // namespace socwb::scoring
