#include "sigma_mapping.h"

#include "core/resources.h"

#include <QRegularExpression>

#include <algorithm>

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
    // Process creation as Sysmon logs it (EID 1) and as Windows' own audit does (Security 4688):
    // a site without Sysmon still has its process_creation rules run.
    RowSet process = *std::find_if(out.begin(), out.end(), [](const RowSet& s) { return s.source == "sysmon:1"; });
    process.source = QStringLiteral("sysmon:1+security:4688");
    process.whereSql = QStringLiteral("WHERE (x.event_id = 1 AND (x.provider IS NULL OR x.provider LIKE '%sysmon%')) "
                                      "OR (x.event_id = 4688 AND x.channel = 'Security')");
    process.security4688 = true;
    out << process;
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

QString fieldSql(const RowSet& set, const FieldSource& f) {
    if (!f.column.isEmpty()) {
        return set.columns.value(f.column);
    }
    const QString sysmon = QStringLiteral("socwb_data(x.fields, '%1')").arg(f.data);
    if (!set.security4688) {
        return sysmon;
    }
    return QStringLiteral("CASE WHEN x.event_id = 4688 THEN %1 ELSE %2 END")
        .arg(f.security.isEmpty() ? QStringLiteral("NULL")
                                  : QStringLiteral("socwb_data(x.fields, '%1')").arg(f.security),
             sysmon);
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
                                     "sysmon:22, sysmon:1+security:4688)");
        }
        for (const auto& kv : n["fields"]) {
            FieldSource f;
            const QString name = QString::fromStdString(kv.first.Scalar());
            f.column = str(kv.second["column"]);
            f.data = str(kv.second["data"]);
            f.hash = str(kv.second["hash"]);
            f.security = str(kv.second["security"]);
            if (!f.security.isEmpty() &&
                (!set->security4688 || f.data.isEmpty() || !identifier.match(f.security).hasMatch())) {
                throw std::runtime_error("sigma mappings: field " + name.toStdString() + " of " + m.name.toStdString() +
                                         ": security names a Security 4688 data field (letters, digits, _), on a "
                                         "data field of a source that holds 4688 events");
            }
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
