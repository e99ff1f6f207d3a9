#include "resources.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <mutex>
#include <stdexcept>

// The resources are compiled into the static socwb_models library; nothing else refers to their
// object file, so without this explicit initialisation the linker may leave them out.
static void initCompiledResources() {
    Q_INIT_RESOURCE(resources);
}

namespace socwb::resources {

namespace {
void ensureLoaded() {
    static std::once_flag once;
    std::call_once(once, initCompiledResources);
}

QStringList overrideRoots() {
    QStringList roots;
    const QString env = qEnvironmentVariable("SOCWB_RESOURCES");
    if (!env.isEmpty()) {
        roots << env;
    }
    const QString config = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    if (!config.isEmpty()) {
        roots << config + QStringLiteral("/socwb");
    }
    return roots;
}
} // namespace

QString locate(const QString& relative) {
    ensureLoaded();
    for (const QString& root : overrideRoots()) {
        const QString candidate = root + QLatin1Char('/') + relative;
        if (QFileInfo::exists(candidate)) {
            return candidate;
        }
    }
    return QStringLiteral(":/socwb/") + relative;
}

QByteArray read(const QString& relative) {
    const QString path = locate(relative);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        throw std::runtime_error(
            QStringLiteral("resource %1 cannot be read (%2)").arg(relative, f.errorString()).toStdString());
    }
    return f.readAll();
}

QStringList list(const QString& folder) {
    ensureLoaded();
    QStringList names;
    QStringList roots = overrideRoots();
    roots << QStringLiteral(":/socwb");
    for (const QString& root : roots) {
        const QDir dir(root + QLatin1Char('/') + folder);
        for (const QString& name : dir.entryList(QDir::Files, QDir::Name)) {
            const QString rel = folder + QLatin1Char('/') + name;
            if (!names.contains(rel)) {
                names << rel;
            }
        }
    }
    names.sort();
    return names;
}

} // namespace socwb::resources
