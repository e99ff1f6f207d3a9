// A case's attributions do not depend on the order its files are imported in (issue 20): the same
// generated evidence imported in one `import` in path order, Sysmon first, in reverse, and file by
// file (one `import` each, in two orders) gives every proxy request, DNS query and sensor
// connection the same host, and the same process (by GUID), method, confidence, skew and matched
// event, row by row. Row ids are comparable across the cases: each event table is written by one
// file only, whatever comes before it.
#include "archive_writer.h"
#include "ingest/correlate/request_attributor.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "test_paths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace socwb;
using namespace socwb::test;

namespace {

// Every request's host and attribution, one line per row, in a fixed order.
constexpr const char* kRowsSql =
    "SELECT 'proxy', p.id, h.name, pr.process_guid, a.method, a.confidence, a.skew_ms, a.matched_event_id "
    "FROM proxy_rows p LEFT JOIN hosts h ON h.id = p.host_id "
    "LEFT JOIN attributions a ON a.request_kind = 'proxy' AND a.request_id = p.id "
    "LEFT JOIN processes pr ON pr.id = a.process_id "
    "UNION ALL SELECT 'dns', d.id, h.name, pr.process_guid, a.method, a.confidence, a.skew_ms, a.matched_event_id "
    "FROM dns_rows d LEFT JOIN hosts h ON h.id = d.host_id "
    "LEFT JOIN attributions a ON a.request_kind = 'dns' AND a.request_id = d.id "
    "LEFT JOIN processes pr ON pr.id = a.process_id "
    "UNION ALL SELECT 'sensor', c.id, h.name, pr.process_guid, s.method, s.confidence, s.skew_ms, s.matched_event_id "
    "FROM sensor_conn_rows c LEFT JOIN hosts h ON h.id = c.host_id "
    "LEFT JOIN sensor_attributions s ON s.conn_id = c.id LEFT JOIN processes pr ON pr.id = s.process_id "
    "ORDER BY 1, 2";

struct Rows {
    QStringList lines;
    int attributed = 0;
    QString integrity; // PRAGMA integrity_check: every index holds its table's rows
};

Rows readRows(sqlite3* db) {
    Rows out;
    {
        // Schema 15's by-process indexes are dropped and built again by an import that adds many
        // attributions; whatever the order, they are there after it and agree with their tables.
        Statement indexes(db, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema WHERE type = "
                              "'index' AND name IN ('proxy_attributions_process', 'dns_attributions_process') "
                              "ORDER BY name)");
        Statement check(db, "PRAGMA integrity_check");
        out.integrity = (indexes.step() ? QString::fromStdString(indexes.text(0)) : QString()) + QLatin1Char(' ') +
                        (check.step() ? QString::fromStdString(check.text(0)) : QString());
    }
    Statement st(db, kRowsSql);
    while (st.step()) {
        QStringList cols;
        for (int c = 0; c < 8; ++c) {
            cols << (st.isNull(c) ? QStringLiteral("-") : QString::fromStdString(st.text(c)));
        }
        out.attributed += !st.isNull(3);
        out.lines << cols.join(QLatin1Char('|'));
    }
    return out;
}

Rows readRows(const QString& casePath) {
    auto store = CaseStore::open(casePath);
    return readRows(store->db());
}

// The logs `socwb-cli generate` writes for one day of world 2 (whose seed picks the formats), by
// name, without its answer key; empty, with the generator's error, when it failed.
QStringList generatedLogs(const QString& evidence, int seed, int hosts, int servers) {
    const CliRun g = runCli({"generate", evidence, "--world", "2", "--seed", QString::number(seed), "--hosts",
                             QString::number(hosts), "--servers", QString::number(servers), "--days", "1"});
    if (g.exitCode != 0 || !QFile::remove(evidence + QStringLiteral("/truth.json"))) {
        qWarning("generate: %s", g.err.constData());
        return {};
    }
    QStringList files;
    for (const QString& f : QDir(evidence).entryList(QDir::Files, QDir::Name)) {
        files << evidence + QLatin1Char('/') + f;
    }
    return files;
}

} // namespace

class TestImportOrder : public QObject {
    Q_OBJECT
  private slots:
    void attributionsIgnoreOrder_data();
    void attributionsIgnoreOrder();
    void inventoryAttributesOnlyMovedRequests_data();
    void inventoryAttributesOnlyMovedRequests();
    void oneImportTakesEndpointLogsFirst();
    void alertIdsIgnoreOrder();
    void networkLogsAttributedFromTheWriter();

  private:
    QTemporaryDir dir_;
};

void TestImportOrder::attributionsIgnoreOrder_data() {
    QTest::addColumn<int>("seed");
    // World 2's seed picks the formats: 3 is Squid, Zeek DNS, Sysmon XML and the inventory; 5 adds
    // other proxy and DNS formats.
    QTest::newRow("world2-seed3") << 3;
    QTest::newRow("world2-seed5") << 5;
}

void TestImportOrder::attributionsIgnoreOrder() {
    QFETCH(int, seed);
    QVERIFY(dir_.isValid());
    const QString name = QString::fromLatin1(QTest::currentDataTag());
    const QString evidence = dir_.filePath(name);
    const QStringList files = generatedLogs(evidence, seed, 8, 2);
    QVERIFY(!files.isEmpty());
    QStringList sysmonFirst;
    for (const QString& f : files) {
        if (f.contains(QLatin1String("sysmon"))) {
            sysmonFirst.prepend(f);
        } else {
            sysmonFirst.append(f);
        }
    }
    QVERIFY2(sysmonFirst != files, "the Sysmon log must come after another in path order");
    QStringList reversed(files.rbegin(), files.rend());
    // The Sysmon log in an archive, added to the case after the others: its events tie the
    // requests already there, as the plain file's do.
    QStringList sysmonArchivedLast, archived;
    for (const QString& f : files) {
        if (!f.contains(QLatin1String("sysmon"))) {
            sysmonArchivedLast << f;
            continue;
        }
        QFile in(f);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray tar = writeArchive("gnutar", "gzip", {{QFileInfo(f).fileName(), in.readAll()}});
        QFile out(dir_.filePath(name + QLatin1Char('-') + QFileInfo(f).fileName() + QStringLiteral(".tar.gz")));
        QVERIFY(out.open(QIODevice::WriteOnly) && out.write(tar) == tar.size());
        archived << out.fileName();
    }
    QVERIFY(!archived.isEmpty());
    sysmonArchivedLast << archived;

    auto importCase = [&](const QString& label, const QStringList& order, bool oneByOne) {
        const QString casePath = dir_.filePath(name + QLatin1Char('-') + label + QStringLiteral(".socwb"));
        const QList<QStringList> runs =
            oneByOne ? [&] {
                QList<QStringList> r;
                for (const QString& f : order) {
                    r << QStringList{f};
                }
                return r;
            }()
                     : QList<QStringList>{order};
        for (const QStringList& run : runs) {
            const CliRun i = runCli(QStringList{"import", casePath, "--tz", "UTC"} + run);
            if (i.exitCode != 0) {
                qWarning("%s", i.err.constData());
                return Rows{};
            }
        }
        return readRows(casePath);
    };

    const Rows reference = importCase(QStringLiteral("path-order"), files, false);
    QVERIFY(reference.lines.size() > 10000);
    QVERIFY2(reference.attributed > 1000, qPrintable(QString::number(reference.attributed)));
    QVERIFY(reference.attributed < reference.lines.size()); // some stay unattributed: a real mix
    QCOMPARE(reference.integrity, QStringLiteral("dns_attributions_process,proxy_attributions_process ok"));

    // rebuild: the imports take the path of a big case, writing each kind's attributions with its
    // by-process index dropped and built again after them (SOCWB_ATTRIBUTION_REBUILD_ROWS): in
    // one order the proxy and DNS imports rebuild them, in the other the Sysmon import.
    const struct {
        const char* label;
        QStringList order;
        bool oneByOne;
        bool rebuild;
    } others[] = {{"sysmon-first", sysmonFirst, false, false},
                  {"reversed", reversed, false, false},
                  {"file-by-file", files, true, false},
                  {"file-by-file-sysmon-first", sysmonFirst, true, false},
                  {"sysmon-archived-last", sysmonArchivedLast, true, false},
                  {"path-order-rebuilt", files, false, true},
                  {"sysmon-first-rebuilt", sysmonFirst, false, true}};
    for (const auto& o : others) {
        if (o.rebuild) {
            qputenv("SOCWB_ATTRIBUTION_REBUILD_ROWS", "10");
        }
        const Rows rows = importCase(QString::fromLatin1(o.label), o.order, o.oneByOne);
        qunsetenv("SOCWB_ATTRIBUTION_REBUILD_ROWS");
        QCOMPARE(rows.integrity, reference.integrity);
        QCOMPARE(rows.lines.size(), reference.lines.size());
        for (qsizetype i = 0; i < rows.lines.size(); ++i) {
            if (rows.lines[i] != reference.lines[i]) {
                QFAIL(qPrintable(
                    QStringLiteral("%1: row %2 differs from path order\n  path order: %3\n  %1: %4")
                        .arg(QLatin1String(o.label), QString::number(i), reference.lines[i], rows.lines[i])));
            }
        }
        QCOMPARE(rows.attributed, reference.attributed);
    }
}

// An asset inventory brings no endpoint event: its import attributes only the requests it moves
// onto a Sysmon host (an address-only host merged into the host the inventory names), and the
// result is what a run over every request not yet attributed gives. An inventory that moves
// nothing onto a Sysmon host attributes nothing at all. The same for an inventory inside an archive,
// alone or beside another log (whose own rows bring no endpoint event: the moved requests are
// attributed all the same).
void TestImportOrder::inventoryAttributesOnlyMovedRequests_data() {
    QTest::addColumn<bool>("inArchive");
    QTest::addColumn<bool>("withLog");
    QTest::newRow("plain") << false << false;
    QTest::newRow("tar.gz") << true << false;
    QTest::newRow("tar.gz with a proxy log") << true << true;
}

void TestImportOrder::inventoryAttributesOnlyMovedRequests() {
    QFETCH(bool, inArchive);
    QFETCH(bool, withLog);
    QVERIFY(dir_.isValid());
    const QString tag = QString::fromLatin1(QTest::currentDataTag());
    // One proxy request from an address the case has never seen (a host of its own, no Sysmon).
    const QByteArray otherLog = "1709510401.731      9 172.31.255.254 TCP_MISS/200 310 GET http://example.org/ - "
                                "ORIGINAL_DST/93.184.216.34 text/html\n";
    // The inventory as it is imported: the file itself, or a tar.gz holding it (beside that log).
    auto asImported = [&](const QString& path, bool beside) {
        if (!inArchive) {
            return path;
        }
        QFile in(path);
        if (!in.open(QIODevice::ReadOnly)) {
            return QString();
        }
        QVector<ArchiveEntry> members{{QFileInfo(path).fileName(), in.readAll()}};
        if (beside) {
            members.append({QStringLiteral("other-access.log"), otherLog});
        }
        const QByteArray tar = writeArchive("gnutar", "gzip", members);
        QFile out(path + QStringLiteral(".tar.gz"));
        if (!out.open(QIODevice::WriteOnly) || out.write(tar) != tar.size()) {
            return QString();
        }
        return out.fileName();
    };
    const QString evidence = dir_.filePath(QStringLiteral("inventory-") + tag);
    QStringList logs;
    QString inventory;
    for (const QString& path : generatedLogs(evidence, 3, 8, 2)) {
        if (QFileInfo(path).fileName().startsWith(QLatin1String("assets"))) {
            inventory = path;
        } else {
            logs << path;
        }
    }
    QVERIFY2(!inventory.isEmpty(), "world 2, seed 3 writes an inventory");
    const QString casePath = dir_.filePath(QStringLiteral("inventory-%1.socwb").arg(tag));
    const CliRun i = runCli(QStringList{"import", casePath, "--tz", "UTC"} + logs);
    QVERIFY2(i.exitCode == 0, i.err.constData());

    Rows linked;
    int detached = 0;
    QString address, hostName;
    {
        auto store = CaseStore::open(casePath);
        sqlite3* db = store->db();
        linked = readRows(db);
        // A Sysmon host's address whose proxy requests were attributed.
        Statement pick(db, "SELECT h.name, a.ip FROM hosts h JOIN host_addresses a ON a.host_id = h.id "
                           "WHERE EXISTS (SELECT 1 FROM net_connections n WHERE n.host_id = h.id) "
                           "AND (SELECT count(*) FROM proxy_rows p JOIN attributions t ON t.request_kind = 'proxy' "
                           "AND t.request_id = p.id WHERE p.host_id = h.id AND p.client_ip_s = "
                           "(SELECT id FROM strings WHERE value = a.ip)) > 50 "
                           "AND NOT EXISTS (SELECT 1 FROM host_addresses b WHERE b.ip = a.ip AND b.host_id != h.id) "
                           "ORDER BY h.id LIMIT 1");
        QVERIFY(pick.step());
        hostName = QString::fromStdString(pick.text(0));
        address = QString::fromStdString(pick.text(1));
        pick.reset();
        // Undo the link for that address, as if the case had never seen its Sysmon connections:
        // its requests on an address-only host, not attributed.
        Transaction tx(db);
        Statement add(db, "INSERT INTO hosts(name, source) VALUES (?, 'ip')");
        add.bind(1, address.toStdString()).exec();
        const int64_t ipHost = sqlite3_last_insert_rowid(db);
        for (const char* sql :
             {"DELETE FROM attributions WHERE (request_kind = 'proxy' AND request_id IN (SELECT id FROM proxy_rows "
              "WHERE host_id = (SELECT id FROM hosts WHERE name = ?2 AND source != 'ip') AND client_ip_s = "
              "(SELECT id FROM strings WHERE value = ?3))) OR (request_kind = 'dns' AND request_id IN (SELECT id "
              "FROM dns_rows WHERE host_id = (SELECT id FROM hosts WHERE name = ?2 AND source != 'ip') AND "
              "client_ip_s = (SELECT id FROM strings WHERE value = ?3)))",
              "UPDATE proxy_rows SET host_id = ?1 WHERE host_id = (SELECT id FROM hosts WHERE name = ?2 AND source "
              "!= 'ip') AND client_ip_s = (SELECT id FROM strings WHERE value = ?3)",
              "UPDATE dns_rows SET host_id = ?1 WHERE host_id = (SELECT id FROM hosts WHERE name = ?2 AND source "
              "!= 'ip') AND client_ip_s = (SELECT id FROM strings WHERE value = ?3)",
              "UPDATE host_addresses SET host_id = ?1 WHERE ip = ?3 AND host_id = (SELECT id FROM hosts WHERE "
              "name = ?2 AND source != 'ip')"}) {
            // Counted with the changes its triggers make: `attributions` is a view (schema 15).
            const int before = sqlite3_total_changes(db);
            Statement st(db, sql);
            st.bind(1, ipHost).bind(2, hostName.toStdString()).bind(3, address.toStdString()).exec();
            if (detached == 0) {
                detached = sqlite3_total_changes(db) - before;
            }
        }
        tx.commit();
        QVERIFY2(readRows(db).attributed == linked.attributed - detached, "the detached requests lost theirs");
    }
    QVERIFY2(detached > 50, qPrintable(QString::number(detached)));

    // The inventory names the address's host: its requests move back and are attributed as before.
    const QString oneLine = dir_.filePath(QStringLiteral("one-asset-%1.csv").arg(tag));
    {
        QFile f(oneLine);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("ip,hostname,role,owner\n%1,%2,workstation,it\n").arg(address, hostName).toUtf8());
    }
    const QString oneImported = asImported(oneLine, withLog);
    // The other log's one request, unattributed, on a host of its own; the rest as before.
    auto withoutOtherLog = [&](Rows rows) {
        if (withLog) {
            const QStringList added =
                rows.lines.filter(QRegularExpression(QStringLiteral("^proxy\\|\\d+\\|172\\.31\\.255\\.254\\|")));
            [&] {
                QCOMPARE(added.size(), 1);
                QVERIFY2(added.front().endsWith(QLatin1String("|-|-|-|-|-")), qPrintable(added.front()));
            }();
            rows.lines.removeAll(added.value(0));
        }
        return rows;
    };
    QVERIFY(!oneImported.isEmpty());
    const CliRun moved = runCli({"--verbose", "import", casePath, "--tz", "UTC", oneImported});
    QVERIFY2(moved.exitCode == 0, moved.err.constData());
    QVERIFY2(moved.err.contains("attribution: requests read"), moved.err.constData());
    {
        auto store = CaseStore::open(casePath);
        sqlite3* db = store->db();
        const Rows after = withoutOtherLog(readRows(db));
        QCOMPARE(after.attributed, linked.attributed);
        QCOMPARE(after.lines, linked.lines);
        // A run over every request not yet attributed finds nothing more.
        Transaction tx(db);
        const AttributionStats all = RequestAttributor(db).run();
        QCOMPARE(all.fiveTuple + all.dnsAnswer + all.timeWindow + all.sensorFiveTuple, int64_t(0));
        QVERIFY(all.unattributed > 0); // it did look at some
        tx.rollback();
    }

    // The generated inventory moves no request onto a Sysmon host: no attribution is tried.
    const QString inventoryImported = asImported(inventory, false);
    QVERIFY(!inventoryImported.isEmpty());
    const CliRun none = runCli({"--verbose", "import", casePath, "--tz", "UTC", inventoryImported});
    QVERIFY2(none.exitCode == 0, none.err.constData());
    QVERIFY2(none.err.contains("nothing to attribute"), none.err.constData());
    QVERIFY2(!none.err.contains("attribution: requests read"), none.err.constData());
    // The inventory may name hosts: every row's attribution, without its host's name, is as it was.
    auto withoutHost = [](const Rows& rows) {
        QStringList out;
        for (const QString& line : rows.lines) {
            QStringList cols = line.split(QLatin1Char('|'));
            cols.removeAt(2);
            out << cols.join(QLatin1Char('|'));
        }
        return out;
    };
    const Rows named = withoutOtherLog(readRows(casePath));
    QCOMPARE(named.attributed, linked.attributed);
    QCOMPARE(withoutHost(named), withoutHost(linked));
}

// One `import` of several files takes the endpoint evidence (Sysmon, the inventory) before the
// network logs, whatever order they are named in (issue 20: network logs imported after them are
// written onto named hosts and attributed once, instead of moved and attributed again): the case
// is the one the same files give imported one by one in that order, row ids included, and the
// import still reports the files in the order they were named.
void TestImportOrder::oneImportTakesEndpointLogsFirst() {
    QVERIFY(dir_.isValid());
    const QString evidence = dir_.filePath(QStringLiteral("endpoint-first"));
    const QStringList named = generatedLogs(evidence, 3, 4, 1);
    QStringList endpointFirst, network;
    for (const QString& path : named) {
        const QString f = QFileInfo(path).fileName();
        (f.startsWith(QLatin1String("sysmon")) || f.startsWith(QLatin1String("assets")) ? endpointFirst : network)
            << path;
    }
    endpointFirst << network;
    QCOMPARE(endpointFirst.size(), 4);
    QVERIFY2(QFileInfo(named.last()).fileName().startsWith(QLatin1String("sysmon")), "Sysmon last in path order");

    const QString oneImport = dir_.filePath(QStringLiteral("endpoint-first-one.socwb"));
    const CliRun i = runCli(QStringList{"import", oneImport, "--tz", "UTC", "--json"} + named);
    QVERIFY2(i.exitCode == 0, i.err.constData());
    QStringList reported;
    for (const auto& f : QJsonDocument::fromJson(i.out).object().value(QStringLiteral("files")).toArray()) {
        reported << f.toObject().value(QStringLiteral("path")).toString();
    }
    QCOMPARE(reported, named);
    const QString oneByOne = dir_.filePath(QStringLiteral("endpoint-first-each.socwb"));
    for (const QString& f : endpointFirst) {
        const CliRun r = runCli({"import", oneByOne, "--tz", "UTC", f});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }
    // Hosts, domains and evidence by row id, and every request's host and attribution.
    auto read = [](const QString& path) {
        auto store = CaseStore::open(path);
        QStringList out;
        for (const char* sql :
             {"SELECT id, name, 0 FROM hosts ORDER BY id", "SELECT id, name, 0 FROM domains ORDER BY id",
              "SELECT id, format, accepted FROM evidence ORDER BY id"}) {
            Statement st(store->db(), sql);
            while (st.step()) {
                out << QString::fromStdString(st.text(0) + '|' + st.text(1) + '|' + st.text(2));
            }
        }
        return out + readRows(store->db()).lines;
    };
    const QStringList expected = read(oneByOne);
    QVERIFY(expected.size() > 1000);
    QCOMPARE(read(oneImport), expected);
}

// The alerts of a first score are numbered, and among equal scores queued, the same whichever order
// the files came in: host and domain ids follow import order, and the builder's channels follow
// them, so alert ids (in exports and the audit log) and the queue's ties moved with it.
void TestImportOrder::alertIdsIgnoreOrder() {
    const QString evidence = dir_.filePath(QStringLiteral("alert-ids"));
    const QStringList files = generatedLogs(evidence, 3, 6, 1);
    QVERIFY(!files.isEmpty());
    struct Scored {
        QString hosts;      // host names in id order
        QStringList alerts; // id, channel key, score
        QStringList queue;  // channel keys in the queue's default order (score, then id)
    };
    auto scoredCase = [&](const QString& label, const QStringList& order) {
        const QString casePath = dir_.filePath(QStringLiteral("alert-ids-") + label + QStringLiteral(".socwb"));
        for (const QString& f : order) { // one import each: the order the files were given is kept
            const CliRun i = runCli({"import", casePath, "--tz", "UTC", f});
            if (i.exitCode != 0) {
                qWarning("%s", i.err.constData());
                return Scored{};
            }
        }
        const CliRun sc = runCli({"score", casePath});
        if (sc.exitCode != 0) {
            qWarning("%s", sc.err.constData());
            return Scored{};
        }
        Scored out;
        auto store = CaseStore::open(casePath);
        Statement hosts(store->db(), "SELECT group_concat(name, ',') FROM (SELECT name FROM hosts ORDER BY id)");
        out.hosts = hosts.step() ? QString::fromStdString(hosts.text(0)) : QString();
        Statement alerts(store->db(), "SELECT id, channel_key, score FROM alerts ORDER BY id");
        while (alerts.step()) {
            out.alerts << QStringLiteral("%1 %2 %3")
                              .arg(alerts.int64(0))
                              .arg(QString::fromStdString(alerts.text(1)))
                              .arg(alerts.real(2), 0, 'f', 3);
        }
        Statement queue(store->db(), "SELECT channel_key FROM alerts ORDER BY score DESC, id");
        while (queue.step()) {
            out.queue << QString::fromStdString(queue.text(0));
        }
        return out;
    };
    const Scored pathOrder = scoredCase(QStringLiteral("path-order"), files);
    const Scored reversed = scoredCase(QStringLiteral("reversed"), QStringList(files.rbegin(), files.rend()));
    QVERIFY(pathOrder.alerts.size() > 20);
    QVERIFY2(pathOrder.hosts != reversed.hosts, "the two orders must number the hosts differently");
    QCOMPARE(reversed.alerts.size(), pathOrder.alerts.size());
    for (qsizetype i = 0; i < pathOrder.alerts.size(); ++i) {
        QCOMPARE(reversed.alerts[i], pathOrder.alerts[i]);
    }
    QCOMPARE(reversed.queue, pathOrder.queue);
}

// A proxy or DNS log added to a case with endpoint data is attributed from the rows its writer
// kept in memory, not read back from the tables (issue 20), and gets what the tables give: the
// same case imported with the requests parked on disk (a batch of one request, so the writer keeps
// none) holds the same hosts and attributions row by row.
void TestImportOrder::networkLogsAttributedFromTheWriter() {
    QVERIFY(dir_.isValid());
    const QString evidence = dir_.filePath(QStringLiteral("from-writer"));
    QStringList endpoint, network;
    for (const QString& path : generatedLogs(evidence, 3, 4, 1)) {
        const QString f = QFileInfo(path).fileName();
        (f.startsWith(QLatin1String("sysmon")) || f.startsWith(QLatin1String("assets")) ? endpoint : network) << path;
    }
    QCOMPARE(network.size(), 2); // a proxy log and a DNS log
    auto importCase = [&](const QString& label, int* fromWriter) {
        const QString casePath = dir_.filePath(QStringLiteral("from-writer-%1.socwb").arg(label));
        CliRun r = runCli(QStringList{"import", casePath, "--tz", "UTC"} + endpoint);
        if (r.exitCode != 0) {
            qWarning("%s", r.err.constData());
            return Rows{};
        }
        for (const QString& f : network) {
            r = runCli({"--verbose", "import", casePath, "--tz", "UTC", f});
            if (r.exitCode != 0) {
                qWarning("%s", r.err.constData());
                return Rows{};
            }
            *fromWriter += r.err.count("attribution: requests from the writer: yes");
        }
        return readRows(casePath);
    };
    int fromWriter = 0;
    const Rows rows = importCase(QStringLiteral("memory"), &fromWriter);
    QCOMPARE(fromWriter, 2);
    QVERIFY2(rows.attributed > 1000, qPrintable(QString::number(rows.attributed)));
    QVERIFY(rows.attributed < rows.lines.size());

    qputenv("SOCWB_ATTRIBUTION_BATCH_REQUESTS", "1");
    int parkedFromWriter = 0;
    const Rows parked = importCase(QStringLiteral("parked"), &parkedFromWriter);
    qunsetenv("SOCWB_ATTRIBUTION_BATCH_REQUESTS");
    QCOMPARE(parkedFromWriter, 0);
    QCOMPARE(parked.integrity, rows.integrity);
    QCOMPARE(parked.attributed, rows.attributed);
    QCOMPARE(parked.lines, rows.lines);
}

QTEST_GUILESS_MAIN(TestImportOrder)
#include "tst_import_order.moc"
