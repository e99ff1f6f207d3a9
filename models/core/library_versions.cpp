#include "library_versions.h"

#include <QStringList>
#include <QtGlobal>

#include <libevtx.h>
#include <libpsl.h>
#include <openssl/crypto.h>
#include <spdlog/version.h>
#include <sqlite3.h>
#include <zlib.h>

namespace socwb {

QString applicationVersion() {
    return QStringLiteral(SOCWB_VERSION);
}

QList<LibraryVersion> libraryVersions() {
    auto entry = [](const char* name, const char* runtime, const char* built) {
        LibraryVersion v{QString::fromLatin1(name), QString::fromLatin1(runtime), QString()};
        // libpsl says "0.21.2 (+libidn2/2.3.3)": the same release when it starts with the header's.
        if (!QByteArray(runtime).startsWith(built)) {
            v.builtWith = QString::fromLatin1(built);
        }
        return v;
    };
    const QByteArray spdlogVersion = QByteArray::number(SPDLOG_VER_MAJOR) + '.' + QByteArray::number(SPDLOG_VER_MINOR) +
                                     '.' + QByteArray::number(SPDLOG_VER_PATCH);
    return {
        entry("Qt", qVersion(), QT_VERSION_STR),
        entry("SQLite", sqlite3_libversion(), SQLITE_VERSION),
        entry("libpsl", psl_get_version(), PSL_VERSION),
        entry("libevtx", libevtx_get_version(), LIBEVTX_VERSION_STRING),
        entry("zlib", zlibVersion(), ZLIB_VERSION),
        entry("OpenSSL", OpenSSL_version(OPENSSL_VERSION_STRING), OPENSSL_VERSION_STR),
        // spdlog is header-and-library with no run-time query: the version it was built with.
        entry("spdlog", spdlogVersion.constData(), spdlogVersion.constData()),
    };
}

QString libraryVersionLine(const QList<LibraryVersion>& versions) {
    QStringList parts;
    for (const LibraryVersion& v : versions) {
        parts << (v.builtWith.isEmpty() ? QStringLiteral("%1 %2").arg(v.name, v.version)
                                        : QStringLiteral("%1 %2 (built with %3)").arg(v.name, v.version, v.builtWith));
    }
    return parts.join(QStringLiteral(", "));
}

} // namespace socwb
