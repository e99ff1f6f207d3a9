#include "sigma_mapping.h"

#include "core/resources.h"

#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

#include <stdexcept>

namespace socwb::sigma {

namespace {

QString str(const YAML::Node& n) {
    return n && n.IsScalar() ? QString::fromStdString(n.Scalar()) : QString();
}

QList<RowSet> makeRowSets() {
    RowSet proxy;
    proxy.source = QStringLiteral("proxy");
    proxy.table = QStringLiteral("proxy_rows");
    proxy.fromSql = QStringLiteral("FROM proxy_events x");
    for (const char* c : {"url", "query", "path", "user_agent", "method", "referrer", "status", "client_ip", "dest_ip",
                          "dest_port", "bytes_out", "bytes_in", "user_name", "content_type", "action"}) {
        proxy.columns.insert(QString::fromLatin1(c), QStringLiteral("x.") + QString::fromLatin1(c));
    }
    proxy.columns.insert(QStringLiteral("host"), QStringLiteral("(SELECT name FROM domains WHERE id = x.domain_id)"));

    RowSet dns;
    dns.source = QStringLiteral("dns");
    dns.table = QStringLiteral("dns_rows");
    dns.fromSql = QStringLiteral("FROM dns_events x");
    for (const char* c : {"answers", "qtype", "rcode", "client_ip", "server_ip", "protocol"}) {
        dns.columns.insert(QString::fromLatin1(c), QStringLiteral("x.") + QString::fromLatin1(c));
    }
    dns.columns.insert(QStringLiteral("query"), QStringLiteral("(SELECT name FROM domains WHERE id = x.domain_id)"));

    QList<RowSet> out{proxy, dns};
    for (int eid : {1, 3, 22}) {
        RowSet s;
        s.source = QStringLiteral("sysmon:%1").arg(eid);
        s.table = QStringLiteral("sysmon_events");
        s.fromSql = QStringLiteral("FROM sysmon_events x");
        s.whereSql =
            QStringLiteral("WHERE x.event_id = %1 AND (x.provider IS NULL OR x.provider LIKE '%sysmon%')").arg(eid);
        s.windowsData = true;
        out << s;
    }
    return out;
}

} // namespace

const RowSet* rowSet(const QString& source) {
    static const QList<RowSet> sets = makeRowSets();
    for (const RowSet& s : sets) {
        if (s.source == source) {
            return &s;
        }
    }
    return nullptr;
}

const LogSourceMapping* SigmaMappings::find(const QString& category, const QString& product, QString& reason) const {
    bool categoryKnown = false;
    for (const LogSourceMapping& m : logsources) {
        if (m.category != category) {
            continue;
        }
        categoryKnown = true;
        if (m.product.isEmpty() || product.isEmpty() || m.product == product) {
            return &m;
        }
    }
    if (category.isEmpty()) {
        reason = QStringLiteral("logsource without a category (product %1) not supported")
                     .arg(product.isEmpty() ? QStringLiteral("none") : product);
    } else if (categoryKnown) {
        reason = QStringLiteral("logsource category %1 product %2 not stored in the case").arg(category, product);
    } else {
        reason = QStringLiteral("logsource category %1 not stored in the case").arg(category);
    }
    return nullptr;
}

SigmaMappings parseMappings(const QByteArray& yaml) {
    static const QRegularExpression identifier(QStringLiteral("^[A-Za-z][A-Za-z0-9_]*$"));
    SigmaMappings out;
    YAML::Node root;
    try {
        root = YAML::Load(yaml.toStdString());
    } catch (const YAML::Exception& e) {
        throw std::runtime_error(std::string("sigma mappings: not valid YAML: ") + e.what());
    }
    const YAML::Node list = root["logsources"];
    if (!list || !list.IsSequence()) {
        throw std::runtime_error("sigma mappings: no logsources list");
    }
    for (const auto& n : list) {
        LogSourceMapping m;
        m.name = str(n["name"]);
        m.category = str(n["category"]);
        m.product = str(n["product"]);
        m.source = str(n["source"]);
        const RowSet* set = rowSet(m.source);
        if (m.category.isEmpty() || !set) {
            throw std::runtime_error("sigma mappings: logsource " + m.name.toStdString() +
                                     " needs a category and a known source (proxy, dns, sysmon:1, sysmon:3, "
                                     "sysmon:22)");
        }
        for (const auto& kv : n["fields"]) {
            FieldSource f;
            const QString name = QString::fromStdString(kv.first.Scalar());
            f.column = str(kv.second["column"]);
            f.data = str(kv.second["data"]);
            f.hash = str(kv.second["hash"]);
            const bool columnOk = !f.column.isEmpty() && set->columns.contains(f.column);
            const bool dataOk = !f.data.isEmpty() && set->windowsData && identifier.match(f.data).hasMatch();
            if (columnOk == dataOk) {
                throw std::runtime_error("sigma mappings: field " + name.toStdString() + " of " + m.name.toStdString() +
                                         " needs one column of its source or one data field (letters, digits, _)");
            }
            m.fields.insert(name, f);
        }
        for (const auto& k : n["keywords"]) {
            const QString name = QString::fromStdString(k.Scalar());
            if (!m.fields.contains(name)) {
                throw std::runtime_error("sigma mappings: keyword field " + name.toStdString() + " of " +
                                         m.name.toStdString() + " is not mapped");
            }
            m.keywords << name;
        }
        out.logsources << m;
    }
    return out;
}

SigmaMappings loadMappings() {
    return parseMappings(resources::read(QStringLiteral("sigma/mappings.yaml")));
}

} // namespace socwb::sigma
