#include "resources.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTranslator>

#include <mutex>
#include <stdexcept>

// The resources are compiled into the static socwb_models library; nothing else refers to their
// object file, so without this explicit initialisation the linker may leave them out.
static void initCompiledResources() {
    Q_INIT_RESOURCE(resources);
}

// English plural forms: Qt shows tr("%n channel(s)", nullptr, n) as "1 channel" / "2 channels" only
// through a translation, compiled from resources/translations/socwb_en.ts. Installed as every
// program's QCoreApplication starts (GUI, CLI and tests alike); the source text is the fallback.
// A program links this file through any resource it reads; pluralFormsLoaded() says it did.
static bool pluralForms = false;
static void installPluralForms() {
    auto* forms = new QTranslator(QCoreApplication::instance());
    if (forms->load(QStringLiteral(":/socwb/i18n/socwb_en.qm"))) {
        pluralForms = QCoreApplication::installTranslator(forms);
    } else {
        delete forms;
    }
}
Q_COREAPP_STARTUP_FUNCTION(installPluralForms)

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

bool pluralFormsLoaded() {
    return pluralForms;
}

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

QByteArray readFile(const QString& path, qint64 maxBytes) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        throw std::runtime_error(QStringLiteral("%1 cannot be read (%2)").arg(path, f.errorString()).toStdString());
    }
    // One byte past the limit tells a file at the limit from a larger one (or an endless one:
    // /dev/zero, a FIFO) without reading more than that.
    const QByteArray data = f.read(maxBytes + 1);
    if (data.size() > maxBytes) {
        throw std::runtime_error(QStringLiteral("%1 is larger than %2 KiB, more than such a file holds")
                                     .arg(path)
                                     .arg(maxBytes / 1024)
                                     .toStdString());
    }
    return data;
}

QByteArray read(const QString& relative, qint64 maxBytes) {
    return readFile(locate(relative), maxBytes);
}

QByteArray readBuiltIn(const QString& relative) {
    ensureLoaded();
    return readFile(QStringLiteral(":/socwb/") + relative, kMaxResourceBytes);
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
