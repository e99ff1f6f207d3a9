#include "hostile_case.h"

#include "test_paths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sqlite3.h>

namespace socwb::test {

QString hostileBase(const QString& dir) {
    const QString base = QDir(dir).filePath(QStringLiteral("base.socwb"));
    if (QFileInfo::exists(base)) {
        return base;
    }
    const QString building = base + QStringLiteral(".building.socwb");
    const CliRun imported =
        runCli({QStringLiteral("import"), building, fixture(QStringLiteral("cases/hostile/poll.log")),
                fixture(QStringLiteral("squid/access.log")), fixture(QStringLiteral("sysmon/process_tree.xml"))});
    const CliRun scored = runCli({QStringLiteral("score"), building});
    if (imported.exitCode != 0 || scored.exitCode != 0) {
        qWarning("hostile base case not built: %s %s", imported.err.constData(), scored.err.constData());
        return {};
    }
    // One file, no WAL beside it: copies are then whole cases.
    sqlite3* db = nullptr;
    sqlite3_open(QFile::encodeName(building).constData(), &db);
    sqlite3_exec(db, "PRAGMA journal_mode = DELETE", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return QFile::rename(building, base) ? base : QString();
}

QString tamperedCase(const QString& dir, const QString& name, const QString& sql) {
    const QString base = hostileBase(dir);
    const QString path = QDir(dir).filePath(name + QStringLiteral(".socwb"));
    QFile::remove(path);
    if (base.isEmpty() || !QFile::copy(base, path)) {
        return {};
    }
    sqlite3* db = nullptr;
    sqlite3_open(QFile::encodeName(path).constData(), &db);
    char* error = nullptr;
    const QByteArray text = "PRAGMA ignore_check_constraints = ON; " + sql.toUtf8();
    const int rc = sqlite3_exec(db, text.constData(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        qWarning("tampering %s failed: %s", qPrintable(name), error ? error : "?");
        sqlite3_free(error);
        sqlite3_close(db);
        return {};
    }
    sqlite3_close(db);
    return path;
}

QString hostileCase(const QString& dir, const QString& name) {
    QFile f(fixture(QStringLiteral("cases/hostile/%1.sql").arg(name)));
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    return tamperedCase(dir, name, QString::fromUtf8(f.readAll()));
}

} // namespace socwb::test
