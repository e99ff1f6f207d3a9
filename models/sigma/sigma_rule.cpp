#include "sigma_rule.h"

#include "core/resources.h"

#include <QDirIterator>
#include <QFileInfo>

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace socwb::sigma {

namespace {

constexpr qint64 kMaxRuleBytes = 4 * 1024 * 1024;

QString str(const YAML::Node& n) {
    return n && n.IsScalar() ? QString::fromStdString(n.Scalar()) : QString();
}

QStringList strList(const YAML::Node& n) {
    QStringList out;
    if (n && n.IsSequence()) {
        for (const auto& item : n) {
            if (item.IsScalar()) {
                out << QString::fromStdString(item.Scalar());
            }
        }
    } else if (n && n.IsScalar()) {
        out << QString::fromStdString(n.Scalar());
    }
    return out;
}

// YAML's untagged plain scalars: null, true/false and numbers are values of their own kind;
// quoted scalars are always strings.
SigmaValue value(const YAML::Node& n) {
    SigmaValue v;
    if (!n || n.IsNull()) {
        v.kind = SigmaValue::Kind::Null;
        return v;
    }
    v.text = QString::fromStdString(n.Scalar());
    if (n.Tag() == "!") {
        return v; // quoted
    }
    const QString lower = v.text.toLower();
    if (lower == QLatin1String("true") || lower == QLatin1String("false")) {
        v.kind = SigmaValue::Kind::Bool;
        v.text = lower;
        return v;
    }
    bool ok = false;
    v.text.toDouble(&ok);
    if (ok && !v.text.isEmpty() && !v.text.startsWith(QLatin1Char('.'))) {
        v.kind = SigmaValue::Kind::Number;
    }
    return v;
}

// A map's entries: each key is `field|modifiers`, each value a scalar or a list of scalars.
QList<FieldMatch> matchesOf(const YAML::Node& map, QString& error) {
    QList<FieldMatch> out;
    for (const auto& kv : map) {
        FieldMatch m;
        const QStringList parts = QString::fromStdString(kv.first.Scalar()).split(QLatin1Char('|'));
        m.field = parts.first();
        m.modifiers = parts.mid(1);
        const YAML::Node& v = kv.second;
        if (v.IsSequence()) {
            for (const auto& item : v) {
                if (!item.IsScalar() && !item.IsNull()) {
                    error = QStringLiteral("field %1 has a nested value").arg(m.field);
                    return {};
                }
                m.values << value(item);
            }
        } else if (v.IsMap()) {
            error = QStringLiteral("field %1 has a map as its value").arg(m.field);
            return {};
        } else {
            m.values << value(v);
        }
        out << m;
    }
    return out;
}

void readDetection(const YAML::Node& node, SigmaRule& rule) {
    for (const auto& kv : node) {
        const QString name = QString::fromStdString(kv.first.Scalar());
        const YAML::Node& d = kv.second;
        if (name == QLatin1String("condition")) {
            rule.conditions = strList(d);
            continue;
        }
        if (name == QLatin1String("timeframe")) {
            rule.loadError = QStringLiteral("timeframe (a correlation) not supported");
            return;
        }
        Detection det;
        QString error;
        if (d.IsMap()) {
            det.alternatives << matchesOf(d, error);
        } else if (d.IsSequence()) {
            FieldMatch keywords;
            for (const auto& item : d) {
                if (item.IsMap()) {
                    det.alternatives << matchesOf(item, error);
                } else if (item.IsScalar() || item.IsNull()) {
                    keywords.values << value(item);
                } else {
                    error = QStringLiteral("detection %1 holds a nested list").arg(name);
                }
            }
            if (!keywords.values.isEmpty()) {
                det.alternatives << QList<FieldMatch>{keywords};
            }
        } else if (d.IsScalar()) {
            FieldMatch keyword;
            keyword.values << value(d);
            det.alternatives << QList<FieldMatch>{keyword};
        } else {
            error = QStringLiteral("detection %1 is empty").arg(name);
        }
        if (!error.isEmpty()) {
            rule.loadError = error;
            return;
        }
        rule.detections.insert(name, det);
    }
}

SigmaRule ruleOf(const YAML::Node& doc, const QString& path) {
    SigmaRule r;
    r.path = path;
    if (!doc.IsMap()) {
        r.loadError = QStringLiteral("not a Sigma rule (the document is not a map)");
        return r;
    }
    r.id = str(doc["id"]);
    r.title = str(doc["title"]);
    r.status = str(doc["status"]);
    r.level = str(doc["level"]);
    r.author = str(doc["author"]);
    r.description = str(doc["description"]);
    r.tags = strList(doc["tags"]);
    r.references = strList(doc["references"]);
    if (doc["correlation"]) {
        r.loadError = QStringLiteral("correlation rules not supported");
        return r;
    }
    const YAML::Node ls = doc["logsource"];
    if (!ls || !ls.IsMap()) {
        r.loadError = QStringLiteral("no logsource");
        return r;
    }
    r.category = str(ls["category"]);
    r.product = str(ls["product"]);
    r.service = str(ls["service"]);
    const YAML::Node det = doc["detection"];
    if (!det || !det.IsMap()) {
        r.loadError = QStringLiteral("no detection");
        return r;
    }
    readDetection(det, r);
    if (r.loadError.isEmpty() && r.conditions.isEmpty()) {
        r.loadError = QStringLiteral("no condition");
    }
    return r;
}

} // namespace

QList<SigmaRule> loadRuleText(const QByteArray& yaml, const QString& path) {
    QList<SigmaRule> out;
    try {
        const auto docs = YAML::LoadAll(yaml.toStdString());
        for (const auto& doc : docs) {
            if (doc.IsNull()) {
                continue;
            }
            if (doc.IsMap() && doc["action"]) {
                SigmaRule r;
                r.path = path;
                r.title = str(doc["title"]);
                r.loadError = QStringLiteral("rule collections (action: %1) not supported").arg(str(doc["action"]));
                out << r;
                continue;
            }
            out << ruleOf(doc, path);
        }
    } catch (const YAML::Exception& e) {
        SigmaRule r;
        r.path = path;
        r.loadError = QStringLiteral("not valid YAML: %1").arg(QString::fromStdString(e.what()));
        out << r;
    }
    if (out.isEmpty()) {
        SigmaRule r;
        r.path = path;
        r.loadError = QStringLiteral("the file holds no rule");
        out << r;
    }
    return out;
}

QList<SigmaRule> loadRuleFile(const QString& path) {
    try {
        return loadRuleText(resources::readFile(path, kMaxRuleBytes), path);
    } catch (const std::exception& e) {
        SigmaRule r;
        r.path = path;
        r.loadError = QString::fromUtf8(e.what());
        return {r};
    }
}

QList<SigmaRule> loadRules(const QStringList& paths) {
    QList<SigmaRule> out;
    for (const QString& p : paths) {
        if (QFileInfo(p).isDir()) {
            QStringList files;
            QDirIterator it(p, {QStringLiteral("*.yml"), QStringLiteral("*.yaml")}, QDir::Files,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                files << it.next();
            }
            std::sort(files.begin(), files.end());
            for (const QString& f : files) {
                out << loadRuleFile(f);
            }
        } else {
            out << loadRuleFile(p);
        }
    }
    return out;
}

QList<SigmaRule> loadBundledRules() {
    QList<SigmaRule> out;
    for (const QString& rel : resources::list(QStringLiteral("sigma"))) {
        if (rel.endsWith(QLatin1String(".yml"))) {
            out << loadRuleText(resources::read(rel, kMaxRuleBytes), rel);
        }
    }
    return out;
}

} // namespace socwb::sigma
