// A host's process graph for the process tree, read off the GUI thread: every process of the host
// (a few thousand at most in real logs) with its parent link, how many connections and DNS queries
// it made (their rows are read only when a process is expanded), and why its lineage looks
// suspicious, if it does, by the lineage rules of resources/scoring/scoring.yaml (the lists the
// scorer uses, with the case's override): docs/scoring.md, "Process tree".
#pragma once

#include <sqlite3.h>

#include <QString>
#include <QVector>

#include <cstdint>

namespace socwb {

namespace scoring {
struct ScoringConfig;
}

struct ProcessRecord {
    int64_t id = 0;
    int64_t parentId = -1; // -1: no parent known on this host
    int64_t pid = -1;
    QString image;
    QString commandLine;
    QString user;
    int64_t startUs = 0; // 0: not known
    int64_t endUs = 0;
    int64_t netCount = 0;
    int64_t dnsCount = 0;
    QString suspicion; // why the lineage is marked; empty when it is not
};

struct ProcessActivity {
    enum Kind { Connection, DnsQuery };
    Kind kind = Connection;
    int64_t id = 0;
    int64_t tsUs = 0;
    QString text; // destination as logged: plain text
};

class ProcessTreeData {
  public:
    static ProcessTreeData load(sqlite3* db, int64_t hostId);
    // A process's connections and DNS queries by time, at most LIMIT.
    static QVector<ProcessActivity> activity(sqlite3* db, int64_t processId, int limit);
    // Why a process running IMAGE under a parent (image path, command line: empty when the
    // evidence lacks it) is worth a look ("" when it is not), by CONFIG's lists: an Office or PDF
    // parent (office_parents) or a launcher (launcher_parents: the Task Scheduler's own svchost.exe
    // by its command line, taskeng.exe, WMI, cron, at) starting a scripting engine or LOLBin
    // (scripting_engines, lolbins); an image in a user-writable folder (user_writable_paths) that is
    // no vendor's documented per-user install (user_writable_known). services.exe is no launcher.
    static QString suspicion(const scoring::ScoringConfig& config, const QString& parentImage,
                             const QString& parentCommandLine, const QString& image);

    int64_t hostId = -1;
    QString hostName;
    QString rulesNote;                // set when the case's scoring override is invalid and the shipped lists were used
    QVector<ProcessRecord> processes; // by start time
};

} // namespace socwb
