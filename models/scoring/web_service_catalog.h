// The web-service catalog (resources/scoring/web-services.yaml): which destinations are services
// that carry one-way command channels, and which URL shapes on them name one endpoint (a paste,
// a bot, a gist, a webhook). Loaded at scoring time, so an edited catalog applies on re-score.
#pragma once

#include <QByteArray>
#include <QRegularExpression>
#include <QString>

#include <string>
#include <vector>

namespace socwb::scoring {

struct EndpointShape {
    QString name;
    QString role; // command, output, payload
    QString host; // empty: any of the service's domains
    QRegularExpression path;
};

struct WebService {
    QString id;
    QString name;
    QString category;
    bool consumer = false;
    double risk = 0;
    std::vector<std::string> domains; // lower case
    std::vector<EndpointShape> endpoints;
};

struct EndpointMatch {
    const EndpointShape* shape = nullptr;
    QString prefix; // the part of the path the shape matched
};

class WebServiceCatalog {
  public:
    // Parses the YAML text; throws std::runtime_error naming the problem and the entry.
    static WebServiceCatalog fromYaml(const QByteArray& yaml);
    // The catalog the program ships, or its override (resources::read("scoring/web-services.yaml")).
    static WebServiceCatalog load();

    // The service a host name belongs to (exact name or a subdomain of one of its domains; the
    // longest matching domain wins), or nullptr.
    const WebService* match(const std::string& fqdn) const;
    // The endpoint shape a request path has on that service, if any.
    EndpointMatch endpoint(const WebService& service, const std::string& fqdn, const std::string& path) const;
    const std::vector<WebService>& services() const { return services_; }
    const WebService* find(const QString& id) const;

  private:
    std::vector<WebService> services_;
};

} // namespace socwb::scoring
