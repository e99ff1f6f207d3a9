// Scored channels written straight into a case, for tests of the views that read `alerts`
// without running the scoring engine.
#pragma once

#include <sqlite3.h>

#include <QString>

#include <vector>

namespace socwb::test {

struct FixtureAlert {
    QString host = QStringLiteral("WS001");
    QString role = QStringLiteral("workstation");
    QString process = QStringLiteral("powershell.exe");
    QString image = QStringLiteral("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
    QString destination = QStringLiteral("pastebin.com");
    QString service = QStringLiteral("pastebin");
    double score = 50;
    QString severity = QStringLiteral("medium");
    qint64 requests = 10;
    double interval = 60;
    double jitter = 0.05;
    qint64 firstTs = 1709510400000000; // 2024-03-04T00:00:00Z
    qint64 lastTs = 1709514000000000;
    QString factors = QStringLiteral("[]");
    qint64 suppressedBy = 0;
    qint64 processId = 0;
    qint64 hostId = 0;
    qint64 domainId = 0;
    QString channelKey;            // derived from host|process|destination when empty
    std::vector<int64_t> proxyIds; // member proxy_events ids, ascending
};

// Returns the new alert's id.
qint64 insertAlert(sqlite3* db, const FixtureAlert& a);
// n channels in one statement: host WS0000..., process cycling through five names, score
// (i * 37) % 101, severity from the score, a tenth of them on service "pastebin".
void insertSyntheticAlerts(sqlite3* db, int n);

} // namespace socwb::test
