// Case storage v4 (issue 10): slim rows read back through the views exactly as the logs gave them.
// - migration: a v3 case written by the v3 build (tests/fixtures/cases/v3.socwb) is upgraded, and
//   every proxy and DNS row read through the views equals the row of the original, both ways;
//   a cancelled or failed upgrade leaves the case as it was; v1, v2 and v3 cases all open.
// - round trip: for every proxy log of the generator's formats, of tests/fixtures and of
//   ../shared/data, the URL the view gives equals the URL the parser read from that line.
// - provenance: every row's evidence file and line number lead back to a line of that file
//   holding the row's client address (and, for proxy rows, its path).
#include "collecting_sink.h"
#include "ingest/read/format_registry.h"
#include "store/case_store.h"
#include "store/schema.h"
#include "store/slim_rows.h"
#include "store/statement.h"
#include "test_paths.h"

#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cctype>
#include <map>

using namespace socwb;
using namespace socwb::test;

namespace {

// Every row of a query, each as one string, sorted: two row sets compare as multisets.
QStringList rows(sqlite3* db, const std::string& sql) {
    Statement st(db, sql);
    QStringList out;
    while (st.step()) {
        QString row;
        for (int c = 0; c < st.columnCount(); ++c) {
            row += (st.isNull(c) ? QStringLiteral("NULL") : QString::fromStdString(st.text(c))) + QLatin1Char('|');
        }
        out << row;
    }
    out.sort();
    return out;
}

QStringList tableDump(const QString& casePath, const std::string& sql) {
    sqlite3* db = nullptr;
    const QByteArray native = QFile::encodeName(casePath);
    sqlite3_open_v2(native.constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    QStringList r = rows(db, sql);
    sqlite3_close(db);
    return r;
}

int64_t userVersion(const QString& casePath) {
    sqlite3* db = nullptr;
    const QByteArray native = QFile::encodeName(casePath);
    sqlite3_open_v2(native.constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    const int64_t v = queryInt(db, "PRAGMA user_version").value_or(-1);
    sqlite3_close(db);
    return v;
}

// Log files that may be proxy logs, to round-trip (the format is detected; others are skipped).
QStringList proxyLogs(const QString& generated) {
    QStringList out;
    // The generator's files (every format it writes); those that are not proxy logs are skipped.
    for (const QString& f : QDir(generated).entryList(QDir::Files)) {
        out << generated + QLatin1Char('/') + f;
    }
    for (const char* f : {"squid/access.log", "squid/access.log.gz", "squid/invalid_utf8.log", "combined/access.log",
                          "combined/invalid_utf8.log", "zeek/http.log", "zeek/http.json", "zeek/http_rotated.log",
                          "w3c/bluecoat.log", "w3c/gateway_cs_uri.log", "w3c/iis_two_blocks.log", "w3c/local_time.log",
                          "csv/zscaler.csv", "csv/splunk.csv"}) {
        out << fixture(QString::fromLatin1(f));
    }
    if (haveSharedData()) {
        for (const QString& dir : {QStringLiteral("proxy"), QStringLiteral("zeek")}) {
            QDirIterator it(sharedData(dir), QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString p = it.next();
                const QString name = QFileInfo(p).fileName();
                if (dir == QLatin1String("proxy") ? name.endsWith(QLatin1String(".log"))
                                                  : name.startsWith(QLatin1String("http"))) {
                    out << p;
                }
            }
        }
    }
    return out;
}

QStringList linesOf(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    QStringList out;
    for (const QByteArray& l : f.readAll().split('\n')) {
        out << QString::fromUtf8(l);
    }
    return out;
}

} // namespace

class TestStorage : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir tmp_;
    QString v3Copy(const QString& name) {
        const QString p = tmp_.filePath(name);
        QFile::remove(p);
        QFile::copy(fixture(QStringLiteral("cases/v3.socwb")), p);
        QFile::setPermissions(p, QFile::ReadOwner | QFile::WriteOwner);
        return p;
    }
    const std::string proxyAll_ = "SELECT * FROM proxy_events";
    const std::string dnsAll_ = "SELECT * FROM dns_events";

  private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void urlRuleInCppMatchesTheSql() {
        // The writer's C++ and the view's SQL, over the same parts, on the edges of the rule.
        struct Case {
            const char *scheme, *host;
            int port;
            const char *path, *query, *url;
        };
        const Case cases[] = {
            {"https", "pastebin.com", 443, "/raw/Ab12", "", "https://pastebin.com/raw/Ab12"},
            {"http", "a.example", 8080, "/x", "q=1&r=2", "http://a.example:8080/x?q=1&r=2"},
            {"", "api.github.com", 443, "", "", "api.github.com:443"},
            {"https", "2001:db8::1", 443, "/", "", "https://[2001:db8::1]/"},
            {"https", "h.example", -1, "", "", "https://h.example"},
            {"ftp", "f.example", 21, "/pub", "", "ftp://f.example/pub"},
            {"http", "z.example", 0, "/", "", "http://z.example:0/"},
            {"", "", -1, "/only/path", "a=b", "/only/path?a=b"},
            {"", "", -1, "", "", ""},
        };
        sqlite3* db = nullptr;
        sqlite3_open(":memory:", &db);
        for (const Case& c : cases) {
            std::string out;
            slim::rebuildUrl(out, c.scheme, c.host, c.port, c.path, c.query);
            QCOMPARE(QString::fromStdString(out), QString::fromLatin1(c.url));
            Statement st(db, "SELECT " + slim::urlSql("NULL", "nullif(?1, '')", "nullif(?2, '')",
                                                      "CASE WHEN ?3 = -1 THEN NULL ELSE ?3 END", "nullif(?4, '')",
                                                      "nullif(?5, '')"));
            st.bind(1, c.scheme).bind(2, c.host).bind(3, c.port).bind(4, c.path).bind(5, c.query);
            QVERIFY(st.step());
            QCOMPARE(QString::fromStdString(st.text(0)), QString::fromLatin1(c.url));
            QCOMPARE(st.isNull(0), out.empty());
            std::string scratch;
            QVERIFY(!slim::urlToStore(scratch, c.url, c.scheme, c.host, c.port, c.path, c.query));
            // Upper case in the logged host does not rebuild from the normalized name: kept whole.
            if (*c.host) {
                std::string logged = c.url;
                const auto at = logged.find(c.host);
                logged[at] = static_cast<char>(std::toupper(static_cast<unsigned char>(logged[at])));
                if (logged != c.url) {
                    QVERIFY(slim::urlToStore(scratch, logged, c.scheme, c.host, c.port, c.path, c.query));
                    QCOMPARE(scratch, logged);
                }
            }
        }
        sqlite3_close(db);
    }

    void migratesV3CaseRowForRow() {
        const QString p = v3Copy(QStringLiteral("m.socwb"));
        const QStringList proxyBefore = tableDump(p, proxyAll_);
        const QStringList dnsBefore = tableDump(p, dnsAll_);
        const QStringList alertsBefore = tableDump(p, "SELECT channel_key, score, proxy_ids FROM alerts");
        QCOMPARE(userVersion(p), int64_t(3));
        QCOMPARE(proxyBefore.size(), 44);
        QCOMPARE(dnsBefore.size(), 31);

        std::vector<double> seen;
        schema::MigrationHooks hooks;
        hooks.progress = [&](double f, const char*) { seen.push_back(f); };
        auto store = CaseStore::open(p, CaseStore::Access::ReadWrite, &hooks);
        QCOMPARE(store->schemaVersion(), schema::latestVersion());
        QCOMPARE(store->upgradedFrom(), 3);
        QCOMPARE(store->backupPath(), tmp_.filePath(QStringLiteral("m.v3.socwb")));
        QVERIFY(!seen.empty());
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QCOMPARE(seen.back(), 1.0);

        // Every row, every column, through the views.
        QCOMPARE(rows(store->db(), proxyAll_), proxyBefore);
        QCOMPARE(rows(store->db(), dnsAll_), dnsBefore);
        QCOMPARE(rows(store->db(), "SELECT channel_key, score, proxy_ids FROM alerts"), alertsBefore);
        // Slim: the old tables are gone and most URLs are rebuilt, not stored.
        QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM sqlite_schema WHERE name = 'proxy_events' AND "
                                       "type = 'view'")
                     .value(),
                 int64_t(1));
        const int64_t stored = queryInt(store->db(), "SELECT count(url) FROM proxy_rows").value();
        QVERIFY2(stored < 10, qPrintable(QString::number(stored)));
        // The original is beside it, untouched: still schema 3 with the same rows.
        QCOMPARE(userVersion(store->backupPath()), int64_t(3));
        QCOMPARE(tableDump(store->backupPath(), proxyAll_), proxyBefore);
        Statement audit(store->db(), "SELECT detail FROM audit_log WHERE action = 'case.migrate'");
        QVERIFY(audit.step());
        QCOMPARE(QString::fromStdString(audit.text(0)),
                 QStringLiteral("schema 3 -> %1; original kept as m.v3.socwb").arg(schema::latestVersion()));
        // A second upgrade of a copy of the same case does not overwrite the first copy.
        QCOMPARE(CaseStore::backupPathFor(p, 3), tmp_.filePath(QStringLiteral("m.v3-2.socwb")));
    }

    void cancelledUpgradeLeavesCaseAsItWas() {
        const QString p = v3Copy(QStringLiteral("c.socwb"));
        const QStringList before = tableDump(p, proxyAll_);
        std::atomic<bool> cancel{false};
        schema::MigrationHooks hooks;
        hooks.cancel = &cancel;
        hooks.progress = [&](double, const char*) { cancel = true; }; // cancel after the first chunk
        try {
            CaseStore::open(p, CaseStore::Access::ReadWrite, &hooks);
            QFAIL("a cancelled upgrade opened the case");
        } catch (const CaseError& e) {
            QCOMPARE(e.kind(), CaseError::Kind::Cancelled);
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("as it was")), e.what());
        }
        QCOMPARE(userVersion(p), int64_t(3));
        QCOMPARE(tableDump(p, proxyAll_), before);
        QVERIFY(!QFileInfo::exists(tmp_.filePath(QStringLiteral("c.v3.socwb"))));
        // And it upgrades fine afterwards.
        auto store = CaseStore::open(p);
        QCOMPARE(rows(store->db(), proxyAll_), before);
    }

    void failedUpgradeLeavesCaseAsItWas() {
        const QString p = v3Copy(QStringLiteral("f.socwb"));
        const QStringList before = tableDump(p, dnsAll_);
        schema::MigrationHooks hooks;
        int calls = 0;
        // Fails after the proxy rows were copied, midway through the upgrade.
        hooks.progress = [&](double, const char*) {
            if (++calls == 2) {
                throw SqlError("disk I/O error (simulated)", SQLITE_IOERR);
            }
        };
        QVERIFY_THROWS_EXCEPTION(CaseError, CaseStore::open(p, CaseStore::Access::ReadWrite, &hooks));
        QCOMPARE(userVersion(p), int64_t(3));
        QCOMPARE(tableDump(p, dnsAll_), before);
        QVERIFY(!QFileInfo::exists(tmp_.filePath(QStringLiteral("f.v3.socwb"))));
    }

    void everyEarlierVersionOpens() {
        for (int v = 1; v <= 3; ++v) {
            const QString p = tmp_.filePath(QStringLiteral("old%1.socwb").arg(v));
            {
                sqlite3* db = nullptr;
                const QByteArray native = QFile::encodeName(p);
                sqlite3_open(native.constData(), &db);
                execSql(db, "PRAGMA application_id = " + std::to_string(CaseStore::kApplicationId));
                schema::migrate(db, v);
                // A row in the shape that version stored.
                execSql(db, "INSERT INTO evidence(path, sha256, size, status) VALUES ('a.log', 'x', 1, 'imported');"
                            "INSERT INTO domains(name) VALUES ('pastebin.com');"
                            "INSERT INTO proxy_events(evidence_id, line_no, ts_us, client_ip, method, url, scheme, "
                            "domain_id, dest_port, path) VALUES (1, 7, 1700000000000000, '10.0.0.5', 'GET', "
                            "'https://pastebin.com/raw/x', 'https', 1, 443, '/raw/x');");
                sqlite3_close(db);
            }
            auto store = CaseStore::open(p);
            QCOMPARE(store->schemaVersion(), schema::latestVersion());
            QCOMPARE(store->upgradedFrom(), v);
            QCOMPARE(rows(store->db(), "SELECT line_no, client_ip, method, url FROM proxy_events"),
                     QStringList{QStringLiteral("7|10.0.0.5|GET|https://pastebin.com/raw/x|")});
            QCOMPARE(queryInt(store->db(), "SELECT count(url) FROM proxy_rows").value(), int64_t(0));
        }
    }

    void urlsRoundTripForEveryProxyLog() {
        const QString gen = tmp_.filePath(QStringLiteral("gen"));
        const CliRun g =
            runCli({QStringLiteral("generate"), gen, QStringLiteral("--seed"), QStringLiteral("4"),
                    QStringLiteral("--hosts"), QStringLiteral("4"), QStringLiteral("--servers"), QStringLiteral("1"),
                    QStringLiteral("--days"), QStringLiteral("1"), QStringLiteral("--formats"), QStringLiteral("all")});
        QVERIFY2(g.exitCode == 0, g.err.constData());
        int64_t compared = 0, kept = 0;
        QSet<QString> formats;
        for (const QString& path : proxyLogs(gen)) {
            const Detection d = detectFormat(readSniffSample(path));
            if (!d.format || std::string_view(d.format->kind) != "proxy") {
                continue;
            }
            const QString caseFile = tmp_.filePath(QStringLiteral("rt.socwb"));
            QFile::remove(caseFile);
            auto store = CaseStore::open(caseFile);
            const ImportResult r = importInto(*store, path);
            QVERIFY2(r.status == QLatin1String("imported"), qPrintable(path + QLatin1String(": ") + r.message));
            const CollectingSink parsed = parseFile(d.format->name, path);
            std::map<int64_t, std::string> urlOfLine;
            for (const OwnedProxy& p : parsed.proxies) {
                QVERIFY2(urlOfLine.emplace(p.line, p.url).second, qPrintable(path));
            }
            Statement st(store->db(), "SELECT line_no, url FROM proxy_events");
            int64_t n = 0;
            while (st.step()) {
                const auto it = urlOfLine.find(st.int64(0));
                QVERIFY2(it != urlOfLine.end(), qPrintable(path + QStringLiteral(": line %1").arg(st.int64(0))));
                QVERIFY2(st.text(1) == it->second,
                         qPrintable(QStringLiteral("%1 line %2: view gives '%3', the line carries '%4'")
                                        .arg(path, QString::number(st.int64(0)), QString::fromStdString(st.text(1)),
                                             QString::fromStdString(it->second))));
                ++n;
            }
            QCOMPARE(n, r.accepted);
            compared += n;
            kept += queryInt(store->db(), "SELECT count(url) FROM proxy_rows").value();
            formats.insert(QString::fromLatin1(d.format->name));
        }
        qInfo("round trip: %lld URLs in %lld formats; %lld stored whole (not rebuildable from their parts)",
              static_cast<long long>(compared), static_cast<long long>(formats.size()), static_cast<long long>(kept));
        QVERIFY(formats.contains(QStringLiteral("squid")) && formats.contains(QStringLiteral("w3c")) &&
                formats.contains(QStringLiteral("zeek-http")) && formats.contains(QStringLiteral("combined")) &&
                formats.contains(QStringLiteral("csv")));
        QVERIFY(compared > 1000);
        QVERIFY2(kept * 20 < compared, "most URLs should rebuild from their parts");
    }

    void everyRowLeadsBackToItsLine() {
        const QString gen = tmp_.filePath(QStringLiteral("gen-prov"));
        const CliRun g =
            runCli({QStringLiteral("generate"), gen, QStringLiteral("--seed"), QStringLiteral("8"),
                    QStringLiteral("--hosts"), QStringLiteral("3"), QStringLiteral("--servers"), QStringLiteral("1"),
                    QStringLiteral("--days"), QStringLiteral("1"), QStringLiteral("--formats"),
                    QStringLiteral("squid,w3c,zeek-http,zeek-dns,windows-dns")});
        QVERIFY2(g.exitCode == 0, g.err.constData());
        const QString caseFile = tmp_.filePath(QStringLiteral("prov.socwb"));
        auto store = CaseStore::open(caseFile);
        for (const QString& f : QDir(gen).entryList(QDir::Files)) {
            if (!f.endsWith(QLatin1String(".json"))) {
                importInto(*store, gen + QLatin1Char('/') + f);
            }
        }
        int64_t checked = 0;
        for (const char* sql : {"SELECT v.path, e.line_no, e.client_ip, e.path FROM proxy_events e "
                                "JOIN evidence v ON v.id = e.evidence_id",
                                "SELECT v.path, e.line_no, e.client_ip, NULL FROM dns_events e "
                                "JOIN evidence v ON v.id = e.evidence_id"}) {
            std::map<QString, QStringList> files;
            Statement st(store->db(), sql);
            while (st.step()) {
                const QString file = QString::fromStdString(st.text(0));
                auto it = files.find(file);
                if (it == files.end()) {
                    it = files.emplace(file, linesOf(file)).first;
                }
                const int64_t line = st.int64(1);
                QVERIFY(line >= 1 && line <= it->second.size());
                const QString text = it->second.at(static_cast<int>(line - 1));
                QVERIFY2(text.contains(QString::fromStdString(st.text(2))),
                         qPrintable(QStringLiteral("%1:%2 lacks %3")
                                        .arg(file, QString::number(line), QString::fromStdString(st.text(2)))));
                if (!st.isNull(3)) {
                    QVERIFY2(text.contains(QString::fromStdString(st.text(3))),
                             qPrintable(QStringLiteral("%1:%2 lacks path %3")
                                            .arg(file, QString::number(line), QString::fromStdString(st.text(3)))));
                }
                ++checked;
            }
        }
        QVERIFY(checked > 1000);
    }
};

QTEST_GUILESS_MAIN(TestStorage)
#include "tst_storage.moc"
