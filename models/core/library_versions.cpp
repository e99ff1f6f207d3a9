#include "library_versions.h"

#include <QStringList>
#include <QtGlobal>

#include <cstring>

#include <dlfcn.h>
#include <gnu/libc-version.h>

#include <archive.h>
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

namespace {
// The malloc the program runs with: the programs link one (CMake's SOCWB_ALLOCATOR) ahead of libc,
// the libraries and tests do not, so it is asked for by its functions' names in the running process.
QString allocatorVersion() {
    if (auto* miVersion = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "mi_version"))) {
        const int v = miVersion(); // 209: 2.0.9
        return QStringLiteral("mimalloc %1.%2.%3").arg(v / 100).arg(v / 10 % 10).arg(v % 10);
    }
    using Mallctl = int (*)(const char*, void*, size_t*, void*, size_t);
    if (auto* mallctl = reinterpret_cast<Mallctl>(dlsym(RTLD_DEFAULT, "mallctl"))) {
        const char* version = nullptr;
        size_t size = sizeof version;
        if (mallctl("version", static_cast<void*>(&version), &size, nullptr, 0) == 0 && version) {
            return QStringLiteral("jemalloc %1").arg(QString::fromLatin1(version).section(QLatin1Char('-'), 0, 0));
        }
    }
    using TcVersion = const char* (*)(int*, int*, const char**);
    if (auto* tcVersion = reinterpret_cast<TcVersion>(dlsym(RTLD_DEFAULT, "tc_version"))) {
        int major = 0, minor = 0;
        const char* patch = nullptr;
        tcVersion(&major, &minor, &patch);
        return QStringLiteral("tcmalloc %1.%2%3").arg(major).arg(minor).arg(QString::fromLatin1(patch ? patch : ""));
    }
    return QStringLiteral("glibc %1").arg(QString::fromLatin1(gnu_get_libc_version()));
}
} // namespace

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
        // "libarchive 3.6.2": the number alone, as the header gives it.
        entry("libarchive", archive_version_string() + std::strlen("libarchive "), ARCHIVE_VERSION_ONLY_STRING),
        entry("zlib", zlibVersion(), ZLIB_VERSION),
        entry("OpenSSL", OpenSSL_version(OPENSSL_VERSION_STRING), OPENSSL_VERSION_STR),
        // spdlog is header-and-library with no run-time query: the version it was built with.
        entry("spdlog", spdlogVersion.constData(), spdlogVersion.constData()),
        LibraryVersion{QStringLiteral("malloc"), allocatorVersion(), QString()},
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
