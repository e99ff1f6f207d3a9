// The case file: creation, schema version and migration, refusal of files we must not touch
// (newer, foreign, not SQLite, truncated, corrupted) with the bytes left as they were, provenance
// columns, and the append-only audit log.
#include "store/case_store.h"
#include "store/schema.h"
#include "store/statement.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace socwb;

namespace {

QByteArray fileBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeBytes(const QString& path, const QByteArray& b) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(b);
}

// A raw connection, bypassing CaseStore, to build unusual files.
struct RawDb {
    sqlite3* db = nullptr;
    explicit RawDb(const QString& path) { sqlite3_open(QFile::encodeName(path).constData(), &db); }
    ~RawDb() { sqlite3_close(db); }
};

QStringList columns(sqlite3* db, const char* table) {
    QStringList out;
    Statement st(db, std::string("SELECT name FROM pragma_table_info('") + table + "')");
    while (st.step()) {
        out << QString::fromStdString(st.text(0));
    }
    return out;
}

} // namespace

class TestCaseStore : public QObject {
    Q_OBJECT
  private slots:
    void createsNewCaseAtLatestVersion();
    void pragmasAreSet();
    void migratesVersion1Case();
    void refusesNewerCase();
    void refusesNonSqliteFile();
    void refusesTruncatedCase();
    void refusesCorruptedCase();
    void refusesForeignSqliteDatabase();
    void provenanceColumnsPresent();
    void auditLogIsAppendOnly();
    void reopenKeepsData();
    void interruptedBulkImportIsRolledBack();
    void readOnlyFileOpensForReadingOnly();
    void readOnlyFolderOpensImmutable();
    void busyIsNotUnusable();
    void refusalLeavesNoWalFilesBehind();

  private:
    QTemporaryDir dir_;
    QString path(const char* name) { return dir_.filePath(QString::fromLatin1(name)); }
    // Refusal leaves the file byte for byte as it was, and says why in one line.
    void expectRefusedUntouched(const QString& file, const char* expectedWords);
};

void TestCaseStore::createsNewCaseAtLatestVersion() {
    const QString p = path("new.socwb");
    QVERIFY(!QFile::exists(p));
    auto store = CaseStore::open(p);
    QVERIFY(QFile::exists(p));
    QCOMPARE(store->schemaVersion(), schema::latestVersion());
    QVERIFY(schema::latestVersion() >= 2);
    QCOMPARE(queryInt(store->db(), "PRAGMA application_id").value(), int64_t(CaseStore::kApplicationId));
    // Creation is audited.
    Statement st(store->db(), "SELECT action FROM audit_log ORDER BY id");
    QVERIFY(st.step());
    QCOMPARE(QString::fromStdString(st.text(0)), QStringLiteral("case.create"));
}

void TestCaseStore::pragmasAreSet() {
    auto store = CaseStore::open(path("pragmas.socwb"));
    Statement jm(store->db(), "PRAGMA journal_mode");
    QVERIFY(jm.step());
    QCOMPARE(QString::fromStdString(jm.text(0)), QStringLiteral("wal"));
    QCOMPARE(queryInt(store->db(), "PRAGMA foreign_keys").value(), int64_t(1));
    int defensive = 0;
    sqlite3_db_config(store->db(), SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
    QCOMPARE(defensive, 1);
    // Foreign keys are enforced: an event pointing at no evidence is refused.
    QVERIFY_THROWS_EXCEPTION(
        SqlError, execSql(store->db(), "INSERT INTO proxy_events(evidence_id, line_no, ts_us) VALUES (999, 1, 0)"));
}

void TestCaseStore::migratesVersion1Case() {
    const QString p = path("v1.socwb");
    {
        RawDb raw(p);
        execSql(raw.db, "PRAGMA application_id = " + std::to_string(CaseStore::kApplicationId));
        schema::migrate(raw.db, 1);
        QCOMPARE(queryInt(raw.db, "PRAGMA user_version").value(), int64_t(1));
        execSql(raw.db,
                "INSERT INTO evidence(path, sha256, size, status) VALUES ('/x/access.log', 'abc', 10, 'imported')");
        execSql(
            raw.db,
            "INSERT INTO proxy_events(evidence_id, line_no, ts_us, url) VALUES (1, 7, 1700000000000000, 'http://a/')");
        // Version 1 has no process table yet.
        QCOMPARE(queryInt(raw.db, "SELECT count(*) FROM sqlite_schema WHERE name = 'processes'").value(), int64_t(0));
    }
    auto store = CaseStore::open(p);
    QCOMPARE(store->schemaVersion(), schema::latestVersion());
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM sqlite_schema WHERE name = 'processes'").value(), int64_t(1));
    QCOMPARE(queryInt(store->db(), "SELECT line_no FROM proxy_events").value(), int64_t(7));
    Statement st(store->db(), "SELECT detail FROM audit_log WHERE action = 'case.migrate'");
    QVERIFY(st.step());
    QCOMPARE(QString::fromStdString(st.text(0)),
             QStringLiteral("schema 1 -> %1; original kept as v1.v1.socwb").arg(schema::latestVersion()));
}

void TestCaseStore::expectRefusedUntouched(const QString& file, const char* expectedWords) {
    const QByteArray before = fileBytes(file);
    try {
        CaseStore::open(file);
        QFAIL("the case was opened");
    } catch (const CaseError& e) {
        const QString msg = QString::fromUtf8(e.what());
        QVERIFY2(msg.contains(QString::fromLatin1(expectedWords)), qPrintable(msg));
        QVERIFY2(!msg.contains(QLatin1Char('\n')), "the message is one line");
    }
    QCOMPARE(fileBytes(file), before);
}

void TestCaseStore::refusesNewerCase() {
    const QString p = path("newer.socwb");
    { CaseStore::open(p); }
    {
        RawDb raw(p);
        execSql(raw.db, "PRAGMA user_version = " + std::to_string(schema::latestVersion() + 5));
    }
    expectRefusedUntouched(p, "newer socwb");
}

void TestCaseStore::refusesNonSqliteFile() {
    const QString p = path("notes.socwb");
    writeBytes(p, QByteArray("These are my notes about the incident, not a database.\n").repeated(20));
    expectRefusedUntouched(p, "not an SQLite database");
}

void TestCaseStore::refusesTruncatedCase() {
    const QString p = path("truncated.socwb");
    {
        auto store = CaseStore::open(p);
        execSql(store->db(), "INSERT INTO evidence(path, sha256, size, status) VALUES ('/a', 'h', 1, 'imported')");
        // Enough rows to make the file many pages long.
        execSql(store->db(), "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                             "INSERT INTO proxy_events(evidence_id, line_no, ts_us, url) SELECT 1, i, i, "
                             "printf('http://h%d/', i) FROM n");
    }
    QByteArray bytes = fileBytes(p);
    QVERIFY(bytes.size() > 20 * 4096);
    writeBytes(p, bytes.left(bytes.size() / 2 + 100)); // cut mid-page
    expectRefusedUntouched(p, "truncated");
}

void TestCaseStore::refusesCorruptedCase() {
    const QString p = path("corrupt.socwb");
    {
        auto store = CaseStore::open(p);
        execSql(store->db(), "INSERT INTO evidence(path, sha256, size, status) VALUES ('/a', 'h', 1, 'imported')");
        execSql(store->db(), "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                             "INSERT INTO proxy_events(evidence_id, line_no, ts_us, url) SELECT 1, i, i, "
                             "printf('http://h%d/', i) FROM n");
    }
    QByteArray bytes = fileBytes(p);
    // Overwrite the middle pages with garbage, keeping the size: only SQLite's own checks see it.
    const int page = 4096;
    for (int i = 8 * page; i < 14 * page; ++i) {
        bytes[i] = static_cast<char>((i * 131) & 0xFF);
    }
    writeBytes(p, bytes);
    expectRefusedUntouched(p, "corrupted");
}

void TestCaseStore::refusesForeignSqliteDatabase() {
    const QString p = path("firefox-places.sqlite");
    {
        RawDb raw(p);
        execSql(raw.db, "CREATE TABLE moz_places(id INTEGER PRIMARY KEY, url TEXT)");
    }
    expectRefusedUntouched(p, "another application");
}

void TestCaseStore::provenanceColumnsPresent() {
    auto store = CaseStore::open(path("prov.socwb"));
    for (const char* table : {"proxy_events", "dns_events", "rejected_lines"}) {
        const QStringList cols = columns(store->db(), table);
        QVERIFY2(cols.contains(QStringLiteral("evidence_id")), table);
        QVERIFY2(cols.contains(QStringLiteral("line_no")), table);
    }
    QVERIFY(columns(store->db(), "rejected_lines").contains(QStringLiteral("byte_offset")));
    QVERIFY(columns(store->db(), "sysmon_events").contains(QStringLiteral("record_no")));
    const QStringList ev = columns(store->db(), "evidence");
    for (const char* c :
         {"path", "sha256", "size", "format", "import_started", "import_finished", "accepted", "rejected", "status"}) {
        QVERIFY2(ev.contains(QString::fromLatin1(c)), c);
    }
}

void TestCaseStore::auditLogIsAppendOnly() {
    auto store = CaseStore::open(path("audit.socwb"));
    store->audit(QStringLiteral("triage.set"), QStringLiteral("alert 1"), QStringLiteral("malicious"));
    const auto before = queryInt(store->db(), "SELECT count(*) FROM audit_log").value();
    try {
        execSql(store->db(), "UPDATE audit_log SET detail = 'benign'");
        QFAIL("UPDATE on audit_log succeeded");
    } catch (const SqlError& e) {
        QVERIFY(QString::fromUtf8(e.what()).contains(QStringLiteral("append-only")));
    }
    QVERIFY_THROWS_EXCEPTION(SqlError, execSql(store->db(), "DELETE FROM audit_log"));
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM audit_log").value(), before);
    Statement st(store->db(), "SELECT detail FROM audit_log WHERE action = 'triage.set'");
    QVERIFY(st.step());
    QCOMPARE(QString::fromStdString(st.text(0)), QStringLiteral("malicious"));
}

void TestCaseStore::reopenKeepsData() {
    const QString p = path("reopen.socwb");
    {
        auto store = CaseStore::open(p);
        execSql(store->db(), "INSERT INTO hosts(name, source) VALUES ('WS-042', 'asset')");
    }
    auto store = CaseStore::open(p);
    Statement st(store->db(), "SELECT name FROM hosts");
    QVERIFY(st.step());
    QCOMPARE(QString::fromStdString(st.text(0)), QStringLiteral("WS-042"));
    // Opening an up-to-date case does not migrate again.
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM audit_log WHERE action = 'case.migrate'").value(), int64_t(0));
}

// A bulk import writes with a rollback journal. A process killed mid-import leaves the case and a
// hot journal; opening the case must roll that import back, not call the case corrupted.
void TestCaseStore::interruptedBulkImportIsRolledBack() {
    const QString p = path("killed.socwb"), crashed = path("crashed.socwb");
    {
        auto store = CaseStore::open(p);
        execSql(store->db(), "INSERT INTO evidence(path, sha256, size, status) VALUES ('a.log', 'x', 1, 'imported')");
        execSql(store->db(), "INSERT INTO proxy_events(evidence_id, line_no, ts_us, url) VALUES (1, 1, "
                             "1700000000000000, 'http://kept/')");
    }
    {
        RawDb raw(p);
        QCOMPARE(QString::fromStdString([&] {
                     Statement m(raw.db, "PRAGMA journal_mode = DELETE");
                     m.step();
                     return m.text(0);
                 }()),
                 QStringLiteral("delete"));
        execSql(raw.db, "PRAGMA cache_size = 8"); // tiny cache: changed pages spill into the file mid-transaction
        execSql(raw.db, "BEGIN IMMEDIATE");
        execSql(raw.db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
                        "INSERT INTO proxy_events(evidence_id, line_no, ts_us, url) SELECT 1, i, 1700000000000000 + i, "
                        "printf('http://lost/%0400d', i) FROM n");
        execSql(raw.db, "UPDATE proxy_rows SET url = 'http://changed/' WHERE line_no = 1 AND url = 'http://kept/'");
        // The state a kill -9 leaves: the file with spilled pages, and its journal.
        QVERIFY(QFile::exists(p + QStringLiteral("-journal")));
        QVERIFY(QFile::copy(p, crashed));
        QVERIFY(QFile::copy(p + QStringLiteral("-journal"), crashed + QStringLiteral("-journal")));
        execSql(raw.db, "ROLLBACK");
    }
    auto store = CaseStore::open(crashed);
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM proxy_events").value(), int64_t(1));
    Statement url(store->db(), "SELECT url FROM proxy_events");
    QVERIFY(url.step());
    QCOMPARE(url.text(0), std::string("http://kept/"));
    Statement check(store->db(), "PRAGMA quick_check");
    QVERIFY(check.step());
    QCOMPARE(check.text(0), std::string("ok"));
    QVERIFY(!QFile::exists(crashed + QStringLiteral("-journal")));
}

namespace {
// The case's folder: what is in it besides the case (no -wal or -shm left behind by a reader).
QStringList folderEntries(const QString& dir) {
    return QDir(dir).entryList(QDir::Files | QDir::Hidden, QDir::Name);
}
} // namespace

// A healthy case that cannot be written (mode 0444 — even for root, who could) is not "corrupted":
// it opens for reading, and a write is refused up front as "case is read-only".
void TestCaseStore::readOnlyFileOpensForReadingOnly() {
    QTemporaryDir folder;
    const QString p = folder.filePath(QStringLiteral("ro.socwb"));
    {
        auto store = CaseStore::open(p);
        execSql(store->db(),
                "INSERT INTO evidence(path, sha256, size, status) VALUES ('/x/a.log', 'abc', 10, 'imported')");
    }
    QVERIFY(QFile::setPermissions(p, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
    const QByteArray before = fileBytes(p);
    const QStringList entries = folderEntries(folder.path());
    QCOMPARE(entries, QStringList{QStringLiteral("ro.socwb")});
    QCOMPARE(CaseStore::whyReadOnly(p), QStringLiteral("the file is not writable"));
    try {
        CaseStore::open(p);
        QFAIL("a read-only case was opened for writing");
    } catch (const CaseError& e) {
        QCOMPARE(e.kind(), CaseError::Kind::ReadOnly);
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("case is read-only")), e.what());
    }
    {
        auto store = CaseStore::open(p, CaseStore::Access::ReadOnly);
        QVERIFY(store->readOnly());
        QCOMPARE(store->schemaVersion(), schema::latestVersion());
        QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM evidence").value(), int64_t(1));
        QVERIFY_THROWS_EXCEPTION(SqlError, store->audit(QStringLiteral("x"), QStringLiteral("y")));
    }
    QCOMPARE(fileBytes(p), before);
    QCOMPARE(folderEntries(folder.path()), entries);
}

// In a folder nobody may write, SQLite could not make the -shm file a WAL reader needs: the case is
// opened immutable, and nothing appears beside it.
void TestCaseStore::readOnlyFolderOpensImmutable() {
    QTemporaryDir folder;
    const QString p = folder.filePath(QStringLiteral("in-ro-folder.socwb"));
    {
        auto store = CaseStore::open(p);
        execSql(store->db(),
                "INSERT INTO evidence(path, sha256, size, status) VALUES ('/x/a.log', 'abc', 10, 'imported')");
    }
    QVERIFY(
        QFile::setPermissions(folder.path(), QFile::ReadOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup));
    const QStringList entries = folderEntries(folder.path());
    QCOMPARE(CaseStore::whyReadOnly(p), QStringLiteral("its folder is not writable"));
    {
        auto store = CaseStore::open(p, CaseStore::Access::ReadOnly);
        QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM evidence").value(), int64_t(1));
    }
    QCOMPARE(folderEntries(folder.path()), entries);
    QVERIFY(QFile::setPermissions(folder.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QCOMPARE(CaseStore::whyReadOnly(p), QString());
}

// A case whose write lock another connection holds is busy, not unusable: opening it to read works
// (WAL), and opening it to write works too (the lock is only needed to write).
void TestCaseStore::busyIsNotUnusable() {
    const QString p = path("busy.socwb");
    auto holder = CaseStore::open(p);
    Transaction writing(holder->db());
    execSql(holder->db(),
            "INSERT INTO evidence(path, sha256, size, status) VALUES ('/x/a.log', 'abc', 10, 'imported')");
    auto reader = CaseStore::open(p, CaseStore::Access::ReadOnly);
    QCOMPARE(queryInt(reader->db(), "SELECT count(*) FROM evidence").value(), int64_t(0));
    auto writer = CaseStore::open(p);
    QCOMPARE(queryInt(writer->db(), "SELECT count(*) FROM evidence").value(), int64_t(0));
}

// Refusing a WAL-mode database (another application's, here) must not leave empty -wal and -shm
// files beside it that the read-only look made.
void TestCaseStore::refusalLeavesNoWalFilesBehind() {
    QTemporaryDir folder;
    const QString p = folder.filePath(QStringLiteral("foreign-wal.db"));
    {
        RawDb raw(p);
        execSql(raw.db, "PRAGMA journal_mode = WAL");
        execSql(raw.db, "CREATE TABLE t(x); INSERT INTO t VALUES (1)");
    }
    QCOMPARE(folderEntries(folder.path()), QStringList{QStringLiteral("foreign-wal.db")});
    expectRefusedUntouched(p, "not a socwb case");
    QCOMPARE(folderEntries(folder.path()), QStringList{QStringLiteral("foreign-wal.db")});
}

QTEST_GUILESS_MAIN(TestCaseStore)
#include "tst_case_store.moc"
