#include "alert_fixture.h"

#include "scoring/channel_members.h"
#include "store/statement.h"

namespace socwb::test {

qint64 insertAlert(sqlite3* db, const FixtureAlert& a) {
    Statement st(db,
                 "INSERT INTO alerts(channel_key, host, host_role, process_image, process_name, destination, "
                 "registered_domain, service, requests, proxy_requests, first_ts, last_ts, median_interval_s, jitter, "
                 "features, score, severity, factors, suppressed_by, process_id, host_id, domain_id, proxy_ids) "
                 "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,'{}',?,?,?,?,?,?,?,?)");
    const QString key =
        a.channelKey.isEmpty() ? QStringLiteral("%1|%2|%3").arg(a.host, a.process, a.destination) : a.channelKey;
    st.bind(1, key.toStdString()).bind(2, a.host.toStdString()).bind(3, a.role.toStdString());
    a.image.isEmpty() ? st.bindNull(4) : st.bind(4, a.image.toStdString());
    a.process.isEmpty() ? st.bindNull(5) : st.bind(5, a.process.toStdString());
    st.bind(6, a.destination.toStdString()).bind(7, a.destination.toStdString());
    a.service.isEmpty() ? st.bindNull(8) : st.bind(8, a.service.toStdString());
    st.bind(9, int64_t(a.requests))
        .bind(10, int64_t(a.requests))
        .bind(11, int64_t(a.firstTs))
        .bind(12, int64_t(a.lastTs));
    st.bind(13, a.interval).bind(14, a.jitter).bind(15, a.score).bind(16, a.severity.toStdString());
    st.bind(17, a.factors.toStdString());
    st.bindIntOrNull(18, a.suppressedBy, 0).bindIntOrNull(19, a.processId, 0).bindIntOrNull(20, a.hostId, 0);
    st.bindIntOrNull(21, a.domainId, 0);
    if (a.proxyIds.empty()) {
        st.bindNull(22);
    } else {
        const QByteArray blob = scoring::encodeMemberIds(a.proxyIds);
        st.bindBlob(22, std::string_view(blob.constData(), size_t(blob.size())));
    }
    st.exec();
    return sqlite3_last_insert_rowid(db);
}

void insertSyntheticAlerts(sqlite3* db, int n) {
    Statement st(db, R"SQL(
WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?)
INSERT INTO alerts(channel_key, host, host_role, process_image, process_name, destination, registered_domain, service,
                   requests, proxy_requests, first_ts, last_ts, median_interval_s, jitter, features, score, severity)
SELECT 'syn|' || i,
       printf('WS%04d', i / 10),
       CASE WHEN i % 7 = 0 THEN 'server' ELSE 'workstation' END,
       'C:\apps\' || (CASE i % 5 WHEN 0 THEN 'git.exe' WHEN 1 THEN 'powershell.exe' WHEN 2 THEN 'teams.exe'
                      WHEN 3 THEN 'curl.exe' ELSE 'updater.exe' END),
       CASE i % 5 WHEN 0 THEN 'git.exe' WHEN 1 THEN 'powershell.exe' WHEN 2 THEN 'teams.exe'
                  WHEN 3 THEN 'curl.exe' ELSE 'updater.exe' END,
       printf('d%d.example.com', i % 97), printf('d%d.example.com', i % 97),
       CASE WHEN i % 10 = 3 THEN 'pastebin' ELSE 'github' END,
       10 + i % 500, 10 + i % 500, 1709510400000000 + i * 1000000, 1709510400000000 + i * 1000000 + 3600000000,
       30 + i % 600, (i % 100) / 100.0, '{}',
       (i * 37) % 101,
       CASE WHEN (i * 37) % 101 >= 90 THEN 'critical' WHEN (i * 37) % 101 >= 70 THEN 'high'
            WHEN (i * 37) % 101 >= 40 THEN 'medium' WHEN (i * 37) % 101 >= 20 THEN 'low' ELSE 'info' END
FROM seq)SQL");
    st.bind(1, int64_t(n));
    st.exec();
}

} // namespace socwb::test
