#include "web_service_catalog.h"

#include "core/resources.h"

#include <yaml-cpp/yaml.h>

#include <stdexcept>

namespace socwb::scoring {

namespace {
QString str(const YAML::Node& n, const char* key, const QString& fallback = {}) {
    return n[key] ? QString::fromStdString(n[key].as<std::string>()) : fallback;
}

bool hostMatches(const std::string& fqdn, const std::string& domain) {
    return fqdn == domain ||
           (fqdn.size() > domain.size() && fqdn.compare(fqdn.size() - domain.size(), domain.size(), domain) == 0 &&
            fqdn[fqdn.size() - domain.size() - 1] == '.');
}
} // namespace

WebServiceCatalog WebServiceCatalog::fromYaml(const QByteArray& yaml) {
    WebServiceCatalog c;
    YAML::Node root;
    try {
        root = YAML::Load(yaml.toStdString());
    } catch (const YAML::Exception& e) {
        throw std::runtime_error(std::string("web-service catalog: ") + e.what());
    }
    if (!root["services"] || !root["services"].IsSequence()) {
        throw std::runtime_error("web-service catalog: no 'services' list");
    }
    for (const YAML::Node& n : root["services"]) {
        WebService s;
        try {
            s.id = str(n, "id");
            if (s.id.isEmpty()) {
                throw std::runtime_error("a service without an id");
            }
            s.name = str(n, "name", s.id);
            s.category = str(n, "category", QStringLiteral("other"));
            s.consumer = n["consumer"] && n["consumer"].as<bool>();
            s.risk = n["risk"] ? n["risk"].as<double>() : 0.5;
            for (const YAML::Node& d : n["domains"]) {
                s.domains.push_back(QString::fromStdString(d.as<std::string>()).toLower().toStdString());
            }
            if (s.domains.empty()) {
                throw std::runtime_error("no domains");
            }
            if (n["endpoints"]) {
                for (const YAML::Node& e : n["endpoints"]) {
                    EndpointShape shape;
                    shape.name = str(e, "name");
                    shape.role = str(e, "role", QStringLiteral("command"));
                    shape.host = str(e, "host").toLower();
                    shape.path = QRegularExpression(str(e, "path"));
                    if (!shape.path.isValid()) {
                        throw std::runtime_error("endpoint '" + shape.name.toStdString() +
                                                 "': bad path pattern: " + shape.path.errorString().toStdString());
                    }
                    shape.path.optimize();
                    s.endpoints.push_back(std::move(shape));
                }
            }
        } catch (const YAML::Exception& e) {
            throw std::runtime_error("web-service catalog, service '" + s.id.toStdString() + "': " + e.what());
        } catch (const std::runtime_error& e) {
            throw std::runtime_error("web-service catalog, service '" + s.id.toStdString() + "': " + e.what());
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
