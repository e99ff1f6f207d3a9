#include "test_paths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace socwb::test {

QString fixture(const QString& relative) {
    return QStringLiteral(SOCWB_FIXTURES_DIR "/") + relative;
}

namespace {
// The environment variable wins over the path compiled in: a worktree beside the shared folder
// (not inside it) points the tests at it this way.
QString sharedRoot() {
    const QString env = qEnvironmentVariable("SOCWB_SHARED_DATA_DIR");
    return env.isEmpty() ? QStringLiteral(SOCWB_SHARED_DATA_DIR) : env;
}
} // namespace

QString sharedData(const QString& relative) {
    return sharedRoot() + QLatin1Char('/') + relative;
}

bool haveSharedData() {
    return QFileInfo(sharedRoot()).isDir();
}

CliRun runCli(const QStringList& args, int timeoutMs) {
    QProcess p;
    p.start(QStringLiteral(SOCWB_CLI_PATH), args);
    CliRun r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

ImportResult importInto(CaseStore& store, const QString& path, const QString& format,
                        const Importer::ProgressFn& progress) {
    Importer importer(store);
    std::atomic<bool> cancel{false};
    ImportOptions options;
    options.format = format;
    return importer.importFile(path, options, progress, cancel);
}

QString writeSquidLog(const QString& path, const QList<QPair<QString, int>>& requestsPerClient) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        return {};
    }
    qint64 t = 1700000000;
    for (const auto& [client, n] : requestsPerClient) {
        for (int i = 0; i < n; ++i) {
            f.write(QByteArray::number(t++) + ".250     42 " + client.toLatin1() +
                    " TCP_MISS/200 1200 GET https://www.example.com/page/" + QByteArray::number(i) +
                    " - HIER_DIRECT/192.0.2.1 text/html\n");
        }
    }
    return path;
}

QString scoredSampleCase(const QString& path) {
    // The generated sample logs are written in UTC; the Windows DNS log needs its zone named.
    QStringList import{QStringLiteral("import"), path, QStringLiteral("--tz"), QStringLiteral("UTC")};
    for (const char* f : {"access.log.gz", "assets.csv", "dns_debug.log.gz", "sysmon.xml.gz"}) {
        import << QStringLiteral(SOCWB_SOURCE_DIR "/sample-data/case/") + QLatin1String(f);
    }
    if (runCli(import).exitCode != 0 || runCli({QStringLiteral("score"), path}).exitCode != 0) {
        return {};
    }
    return path;
}

} // namespace socwb::test
