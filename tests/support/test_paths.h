// Where tests find their fixtures, the shared real-log corpus, and the built executables.
#pragma once

#include "ingest/importer.h"

#include <QList>
#include <QPair>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace socwb {
class CaseStore;
}

namespace socwb::test {

QString fixture(const QString& relative);    // tests/fixtures/<relative>
QString sharedData(const QString& relative); // ../shared/data/<relative>, may not exist
bool haveSharedData();

struct CliRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};
// Runs socwb-cli with the arguments and waits (up to timeoutMs).
CliRun runCli(const QStringList& args, int timeoutMs = 120000);

// Imports one file into an open case on the caller's thread, as `format` (detected when empty).
ImportResult importInto(CaseStore& store, const QString& path, const QString& format = {},
                        const Importer::ProgressFn& progress = {});

// Writes a Squid native log in which each client address makes the given number of requests (one
// a second from 2023-11-14); returns the path.
QString writeSquidLog(const QString& path, const QList<QPair<QString, int>>& requestsPerClient);

// The sample evidence (sample-data/case), imported and scored by socwb-cli into a case at PATH;
// returns PATH, or empty when socwb-cli failed.
QString scoredSampleCase(const QString& path);

} // namespace socwb::test
