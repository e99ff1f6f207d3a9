#include "investigation_fixture.h"

#include "scoring/channel_members.h"
#include "store/case_store.h"
#include "store/statement.h"

namespace socwb::test {

std::vector<int64_t> InvestigationFixture::channelTimes() {
    std::vector<int64_t> t{kT0};
    for (int g : gaps()) {
        t.push_back(t.back() + int64_t(g) * 1'000'000);
    }
    return t;
}

void InvestigationFixture::write(const QString& path) {
    auto store = CaseStore::open(path);
    sqlite3* db = store->db();
    Transaction tx(db);
    execSql(db, "INSERT INTO evidence(id, path, sha256, size, format, status) VALUES "
                "(1, '/evidence/access.log', 'a1', 100, 'squid', 'imported'),"
                "(2, '/evidence/sysmon.xml', 'b2', 100, 'sysmon-xml', 'imported')");
    execSql(db, "INSERT INTO hosts(id, name, source) VALUES (1, 'ws01', 'asset'), (2, 'ws02', 'asset')");
    execSql(db, "INSERT INTO domains(id, name, reg_domain, service_domain) VALUES "
                "(1, 'pastebin.com', 'pastebin.com', 'pastebin.com'), (2, 'intranet.example', 'intranet.example', "
                "'intranet.example')");
    // The channel's requests interleaved with ws01's other browsing and ws02's.
    Statement p(db,
                "INSERT INTO proxy_events(id, evidence_id, line_no, ts_us, host_id, method, url, domain_id, status, "
                "bytes_out, bytes_in) VALUES (?, 1, ?, ?, ?, 'GET', ?, ?, 200, ?, ?)");
    std::vector<int64_t> channelIds;
    int64_t id = 1;
    const auto times = channelTimes();
    for (size_t i = 0; i < times.size(); ++i) {
        // Response sizes: every third one over 10 KB.
        p.bind(1, id).bind(2, id).bind(3, times[i]).bind(4, kHost).bind(5, "https://pastebin.com/raw/Ab12").bind(6, 1);
        p.bind(7, int64_t(300)).bind(8, int64_t(i % 3 == 0 ? 20000 : 500));
        p.exec();
        p.reset();
        channelIds.push_back(id++);
        if (i < size_t(kOtherRequests)) {
            p.bind(1, id)
                .bind(2, id)
                .bind(3, times[i] + 5'000'000)
                .bind(4, kHost)
                .bind(5, "http://intranet.example/")
                .bind(6, 2);
            p.bind(7, int64_t(100)).bind(8, int64_t(100));
            p.exec();
            p.reset();
            ++id;
        }
    }
    p.bind(1, id).bind(2, id).bind(3, kT0).bind(4, kOtherHost).bind(5, "https://pastebin.com/raw/Zz").bind(6, 1);
    p.bind(7, int64_t(1)).bind(8, int64_t(1));
    p.exec();

    execSql(
        db,
        "INSERT INTO processes(id, host_id, process_guid, pid, image, command_line, user_name, parent_id, start_ts, "
        "known_from, evidence_id, record_no) VALUES "
        "(1, 1, '{1}', 600, 'C:\\Windows\\System32\\services.exe', 'services.exe', 'SYSTEM', NULL, 1699990000000000, "
        "'create', 2, 1),"
        "(2, 1, '{2}', 800, 'C:\\Windows\\System32\\svchost.exe', 'svchost.exe -k netsvcs -s Schedule', 'SYSTEM', 1, "
        "1699990001000000, 'create', 2, 2),"
        "(3, 1, '{3}', 900, 'C:\\Windows\\System32\\taskhostw.exe', 'taskhostw.exe', 'bob', 2, 1699999000000000, "
        "'create', 2, 3),"
        "(5, 1, '{5}', 1200, 'C:\\Windows\\explorer.exe', 'explorer.exe', 'bob', NULL, 1699990500000000, 'create', 2, "
        "5),"
        "(6, 1, '{6}', 1300, 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', 'WINWORD.EXE /n "
        "report.docm', 'bob', 5, 1699995000000000, 'create', 2, 6),"
        "(7, 1, '{7}', 1400, 'C:\\Windows\\System32\\cmd.exe', 'cmd /c whoami', 'bob', 6, 1699995100000000, 'create', "
        "2, 7),"
        "(8, 1, '{8}', 1500, 'C:\\Users\\bob\\AppData\\Local\\Temp\\upd.exe', 'upd.exe', 'bob', 5, 1699996000000000, "
        "'create', 2, 8),"
        "(9, 2, '{9}', 700, 'C:\\Windows\\explorer.exe', 'explorer.exe', 'eve', NULL, 1699990000000000, 'create', 2, "
        "9)");
    Statement ps(
        db,
        "INSERT INTO processes(id, host_id, process_guid, pid, image, command_line, user_name, parent_id, start_ts, "
        "known_from, evidence_id, record_no) VALUES (4, 1, '{4}', 1000, "
        "'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', ?, 'bob', 3, ?, 'create', 2, 4)");
    ps.bind(1, powershellCommandLine().toStdString()).bind(2, kT0 - 10'000'000).exec();
    // Sysmon: two connections and one DNS query by PowerShell, one file event.
    execSql(
        db,
        "INSERT INTO sysmon_events(id, evidence_id, record_no, ts_us, host_id, event_id, process_id, fields) VALUES "
        "(1, 2, 20, 1700000000100000, 1, 3, 4, '{}'),"
        "(2, 2, 21, 1700000050100000, 1, 3, 4, '{}'),"
        "(3, 2, 22, 1700000000050000, 1, 22, 4, '{}'),"
        "(4, 2, 23, 1700000200000000, 1, 11, 4, '{\"TargetFilename\": \"C:\\\\Users\\\\bob\\\\out.txt\"}')");
    execSql(
        db,
        "INSERT INTO net_connections(id, event_id, host_id, process_id, ts_us, protocol, initiated, src_ip, src_port, "
        "dst_ip, dst_port, dst_host) VALUES "
        "(1, 1, 1, 4, 1700000000100000, 'tcp', 1, '10.0.0.5', 50000, '104.20.1.1', 443, 'pastebin.com'),"
        "(2, 2, 1, 4, 1700000050100000, 'tcp', 1, '10.0.0.5', 50001, '104.20.1.1', 443, 'pastebin.com')");
    execSql(db, "INSERT INTO dns_queries(id, event_id, host_id, process_id, ts_us, domain_id, status, answers) VALUES "
                "(1, 3, 1, 4, 1700000000050000, 1, '0', '104.20.1.1')");
    execSql(db, "INSERT INTO attributions(request_kind, request_id, process_id, method, confidence) "
                "SELECT 'proxy', id, 4, 'five-tuple', 0.9 FROM proxy_events WHERE host_id = 1 AND domain_id = 1");

    Statement a(db,
                "INSERT INTO alerts(id, channel_key, host_id, host, process_image, process_id, destination, domain_id, "
                "requests, proxy_requests, first_ts, last_ts, features, score, severity, proxy_ids) "
                "VALUES (1, 'ws01|powershell.exe|pastebin.com|', 1, 'ws01', "
                "'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 4, 'pastebin.com', 1, ?, ?, ?, ?, "
                "'{}', 90, 'critical', ?)");
    const QByteArray blob = scoring::encodeMemberIds(channelIds);
    a.bind(1, int64_t(times.size())).bind(2, int64_t(times.size())).bind(3, times.front()).bind(4, times.back());
    a.bindBlob(5, std::string_view(blob.constData(), size_t(blob.size())));
    a.exec();
    execSql(db, "INSERT INTO triage(channel_key, status, note, updated_at, updated_by) VALUES "
                "('ws01|powershell.exe|pastebin.com|', 'in-review', 'polls every minute <script>', "
                "'2023-11-14T22:30:00.000Z', 'ann')");
    tx.commit();
}

} // namespace socwb::test
