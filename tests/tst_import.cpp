// The background import: ImportWorker on its own thread reports throttled progress through
// queued signals, and a cancel rolls the case back to exactly where it was.
#include "ingest/import_worker.h"
#include "ingest/importer.h"
#include "ingest/write/case_writer.h"
#include "store/case_store.h"
#include "store/case_summary.h"
#include "store/statement.h"
#include "test_paths.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace socwb;
using namespace socwb::test;

namespace {
// A Squid log big enough that an import takes a few seconds.
QString writeBigSquidLog(const QString& path, int lines) {
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    QByteArray buf;
    for (int i = 0; i < lines; ++i) {
        buf += QByteArray::number(1700000000 + i) + ".250    42 10.9." + QByteArray::number((i / 250) % 250) + "." +
               QByteArray::number(i % 250) + " TCP_MISS/200 " + QByteArray::number(1000 + i % 5000) +
               " GET https://cdn" + QByteArray::number(i % 300) + ".example.com/assets/" + QByteArray::number(i) +
               ".js?v=3 - HIER_DIRECT/192.0.2." + QByteArray::number(i % 250) + " application/javascript\n";
        if (buf.size() > (1 << 20)) {
            f.write(buf);
            buf.clear();
        }
    }
    f.write(buf);
    return path;
}
QString journalMode(sqlite3* db) {
    Statement st(db, "PRAGMA journal_mode");
    return st.step() ? QString::fromStdString(st.text(0)) : QString();
}

QStringList indexNames(sqlite3* db) {
    QStringList names;
    Statement st(db, "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name");
    while (st.step()) {
        names << QString::fromStdString(st.text(0));
    }
    return names;
}

// A case nobody imported into: the indexes every case is meant to have.
sqlite3* freshCaseDb() {
    static QTemporaryDir dir;
    static std::unique_ptr<CaseStore> fresh = CaseStore::open(dir.filePath(QStringLiteral("fresh.socwb")));
    return fresh->db();
}
} // namespace

class TestImport : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void workerReportsProgressAndResult();
    void cancelRollsBack();
    void bulkImportBesideAnOpenReader();
    void emitsAtMostAboutTenProgressSignalsPerSecond();
    void namesStayUniqueWhenTheCacheOverflows();
    void everyRowLandsAsParsed();
    void storedRejectsAreCappedCountsExact();
    void aFileOfJunkIsRefusedEarly();
    void nulBytesLoseNoLineAndHideNoName();
    void cancelAfterParsingIsHonoured_data();
    void cancelAfterParsingIsHonoured();
    void aSecondWriterIsToldTheCaseIsBusy();
    void readersOpenAndReadDuringABulkImport();
    void diskFullSaysSoAndKeepsTheCase();
    void fileNamesAreNotTemplates();
    void aLinkLoopIsNotAMissingFile();
    void evtxProgressReachesTheFileSize();

  private:
    QTemporaryDir dir_;
    QString big_;
};

void TestImport::initTestCase() {
    registerImportMetaTypes();
    big_ = writeBigSquidLog(dir_.filePath(QStringLiteral("big.log")), 400000);
}

void TestImport::workerReportsProgressAndResult() {
    const QString c = dir_.filePath(QStringLiteral("worker.socwb"));
    ImportJob job(c);
    QSignalSpy progress(job.worker(), &ImportWorker::progress);
    QSignalSpy fileDone(job.worker(), &ImportWorker::fileFinished);
    QSignalSpy finished(job.worker(), &ImportWorker::finished);
    ImportOptions squid;
    squid.format = QStringLiteral("squid"); // the mixed file has too many bad lines to be detected
    job.start({fixture(QStringLiteral("squid/access.log")), fixture(QStringLiteral("squid/mixed_crlf.log"))}, squid);
    QVERIFY(finished.wait(60000));
    QCOMPARE(fileDone.count(), 2);
    const auto results = finished.first().first().value<QList<ImportResult>>();
    QCOMPARE(results.size(), 2);
    QCOMPARE(results[0].status, QStringLiteral("imported"));
    QCOMPARE(results[0].accepted, int64_t(4));
    QCOMPARE(results[1].accepted, int64_t(2));
    QCOMPARE(results[1].rejected, int64_t(4));
    QVERIFY(!progress.isEmpty());
    const auto last = progress.last().first().value<ImportProgress>();
    QCOMPARE(last.fileIndex, 1);
    QCOMPARE(last.fileCount, 2);
    QCOMPARE(last.bytesRead, last.bytesTotal);
    QCOMPARE(last.records, int64_t(2));
    QCOMPARE(last.rejects, int64_t(4));
    // Signals arrived on this (the test's) thread, queued from the worker's.
    QVERIFY(job.worker()->thread() != QThread::currentThread());
}

void TestImport::cancelRollsBack() {
    const QString c = dir_.filePath(QStringLiteral("cancel.socwb"));
    {
        ImportJob first(c);
        QSignalSpy done(first.worker(), &ImportWorker::finished);
        first.start({fixture(QStringLiteral("squid/access.log"))}, ImportOptions{});
        QVERIFY(done.wait(60000));
    }
    auto before = CaseStore::open(c);
    const CaseSummary s0 = summarize(before->db());
    const auto audit0 = queryInt(before->db(), "SELECT count(*) FROM audit_log").value();
    before.reset();

    ImportJob job(c);
    QSignalSpy progress(job.worker(), &ImportWorker::progress);
    QSignalSpy finished(job.worker(), &ImportWorker::finished);
    connect(job.worker(), &ImportWorker::progress, this, [&job](const ImportProgress& p) {
        if (p.records > 20000) {
            job.cancel();
        }
    });
    job.start({big_, fixture(QStringLiteral("squid/mixed_crlf.log"))}, ImportOptions{});
    QVERIFY(finished.wait(120000));
    const auto results = finished.first().first().value<QList<ImportResult>>();
    QCOMPARE(results.size(), 2);
    QVERIFY2(results[0].status == QStringLiteral("cancelled"), qPrintable(results[0].message));
    QVERIFY(results[0].message.contains(QStringLiteral("as it was before")));
    QCOMPARE(results[1].status, QStringLiteral("cancelled")); // the rest of the job is not started
    QVERIFY(progress.last().first().value<ImportProgress>().records > 20000);

    auto after = CaseStore::open(c);
    const CaseSummary s1 = summarize(after->db());
    QCOMPARE(s1.proxy, s0.proxy);
    QCOMPARE(s1.evidence.size(), s0.evidence.size());
    QCOMPARE(s1.hosts.size(), s0.hosts.size());
    QCOMPARE(queryInt(after->db(), "SELECT count(*) FROM domains WHERE name LIKE 'cdn%'").value(), int64_t(0));
    // The cancel itself is on record.
    QCOMPARE(queryInt(after->db(), "SELECT count(*) FROM audit_log").value(), audit0 + 1);
    QCOMPARE(queryInt(after->db(), "SELECT count(*) FROM audit_log WHERE action = 'import.cancelled'").value(),
             int64_t(1));
    // Indexes dropped for the bulk load are back, and the case is in WAL mode again (the load ran
    // with a rollback journal because the worker held the only connection).
    QCOMPARE(indexNames(after->db()), indexNames(freshCaseDb()));
    QCOMPARE(journalMode(after->db()), QStringLiteral("wal"));
}

// A bulk load switches to a rollback journal only when nobody else has the case open. With the
// GUI's own connection open (here: a reader in the middle of a read transaction) the import stays
// in WAL mode, succeeds, and the reader keeps its snapshot until it lets go.
void TestImport::bulkImportBesideAnOpenReader() {
    const QString c = dir_.filePath(QStringLiteral("shared.socwb"));
    auto reader = CaseStore::open(c);
    Statement snapshot(reader->db(), "SELECT count(*) FROM proxy_events");
    QVERIFY(snapshot.step());
    QCOMPARE(snapshot.int64(0), int64_t(0));

    ImportJob job(c);
    QSignalSpy finished(job.worker(), &ImportWorker::finished);
    job.start({big_}, ImportOptions{});
    QVERIFY(finished.wait(120000));
    const auto results = finished.first().first().value<QList<ImportResult>>();
    QVERIFY2(results.value(0).status == QStringLiteral("imported"), qPrintable(results.value(0).message));
    QCOMPARE(results[0].accepted, int64_t(400000));
    QCOMPARE(queryInt(reader->db(), "SELECT count(*) FROM proxy_events").value(), int64_t(0)); // still its snapshot
    snapshot.reset();
    QCOMPARE(queryInt(reader->db(), "SELECT count(*) FROM proxy_events").value(), int64_t(400000));
    QCOMPARE(journalMode(reader->db()), QStringLiteral("wal"));
    QCOMPARE(indexNames(reader->db()), indexNames(freshCaseDb()));
}

// Throttling: between the first report and the last one of reading, consecutive reports are at
// least 100 ms apart, however fast or slow the machine is (the bound does not grow with the time
// the import took). Measured where the reports are made, on the importer's side, not where queued
// signals arrive in bursts.
void TestImport::emitsAtMostAboutTenProgressSignalsPerSecond() {
    const QString c = dir_.filePath(QStringLiteral("throttle.socwb"));
    auto store = CaseStore::open(c);
    QElapsedTimer clock;
    clock.start();
    QList<qint64> at;
    QList<int64_t> records;
    const ImportResult r = importInto(*store, big_, {}, [&](const ImportProgress& p) {
        if (p.phase == ImportProgress::Phase::Reading) {
            at << clock.nsecsElapsed();
            records << p.records;
        }
    });
    QVERIFY2(r.status == QStringLiteral("imported"), qPrintable(r.message));
    QCOMPARE(r.accepted, int64_t(400000));
    QVERIFY(at.size() >= 3); // the first report, at least one while reading, the last
    QCOMPARE(records.first(), int64_t(0));
    QCOMPARE(records.last(), int64_t(400000));
    for (qsizetype i = 1; i + 1 < at.size(); ++i) {
        QVERIFY2(at[i] - at[i - 1] >= 100 * 1000000LL,
                 qPrintable(
                     QStringLiteral("reports %1 and %2 are %3 ms apart")
                         .arg(QString::number(i - 1), QString::number(i), QString::number((at[i] - at[i - 1]) / 1e6))));
        QVERIFY(records[i] >= records[i - 1]); // monotonic
    }
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM proxy_events").value(), int64_t(400000));
    QCOMPARE(queryInt(store->db(), "SELECT count(DISTINCT host_id) FROM proxy_events").value(), int64_t(62500));
}

void TestImport::namesStayUniqueWhenTheCacheOverflows() {
    // More distinct domains and client addresses than the writer caches (CaseWriter::kMaxCached):
    // the cache is emptied and refilled from SQLite, and nothing is interned twice.
    const int n = static_cast<int>(CaseWriter::kMaxCached) + 20000;
    auto write = [](const QString& path, int count, int offset) {
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        QByteArray buf;
        for (int i = 0; i < count; ++i) {
            const int k = i + offset;
            buf += QByteArray::number(1700000000 + i) + ".000 1 10." + QByteArray::number((k >> 16) & 255) + "." +
                   QByteArray::number((k >> 8) & 255) + "." + QByteArray::number(k & 255) +
                   " TCP_MISS/200 10 GET http://d" + QByteArray::number(k) +
                   ".example.com/ - HIER_DIRECT/192.0.2.1 text/html\n";
        }
        f.write(buf);
    };
    const QString first = dir_.filePath(QStringLiteral("many.log"));
    const QString second = dir_.filePath(QStringLiteral("again.log"));
    write(first, n, 0);
    write(second, 1000, n - 500); // 500 names and addresses seen before, 500 new
    const QString c = dir_.filePath(QStringLiteral("many.socwb"));
    ImportJob job(c);
    QSignalSpy finished(job.worker(), &ImportWorker::finished);
    job.start({first, second}, ImportOptions{});
    QVERIFY(finished.wait(300000));
    const auto results = finished.first().first().value<QList<ImportResult>>();
    QCOMPARE(results[0].accepted, int64_t(n));
    QCOMPARE(results[1].accepted, int64_t(1000));
    auto store = CaseStore::open(c);
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM domains").value(), int64_t(n + 500));
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM hosts").value(), int64_t(n + 500));
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM host_addresses").value(), int64_t(n + 500));
    // An address seen in both files is one host with both files' events and its full time range.
    Statement st(store->db(),
                 "SELECT count(*), min(p.ts_us), max(p.ts_us) FROM proxy_events p JOIN domains d ON d.id = p.domain_id "
                 "WHERE d.name = ?");
    st.bind(1, "d" + std::to_string(n - 1) + ".example.com");
    QVERIFY(st.step());
    QCOMPARE(st.int64(0), int64_t(2));
    Statement addr(store->db(), "SELECT first_ts, last_ts FROM host_addresses WHERE ip = ?");
    const int k = n - 1;
    addr.bind(1, "10." + std::to_string((k >> 16) & 255) + "." + std::to_string((k >> 8) & 255) + "." +
                     std::to_string(k & 255));
    QVERIFY(addr.step());
    QCOMPARE(addr.int64(0), int64_t(1700000000 + 499) * 1000000);   // line 500 of the second file
    QCOMPARE(addr.int64(1), int64_t(1700000000 + n - 1) * 1000000); // the last line of the first
}

// The writer inserts proxy and DNS rows sixteen per statement and the rest one by one at each
// batch's end. Whatever the grouping — partial groups, batch boundaries, rejects in between —
// every row must land with its own values, in line order.
void TestImport::everyRowLandsAsParsed() {
    const int lines = 8192 * 2 + 37; // three batches, the last one not a multiple of sixteen
    const QString log = dir_.filePath(QStringLiteral("rows.log"));
    {
        QFile f(log);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray buf;
        for (int i = 1; i <= lines; ++i) {
            if (i % 1000 == 7) {
                buf += "not a squid line " + QByteArray::number(i) + "\n";
                continue;
            }
            buf += QByteArray::number(1700000000 + i) + ".500 " + QByteArray::number(i % 977) + " 10.1." +
                   QByteArray::number(i % 7) + ".9 TCP_MISS/" + QByteArray::number(200 + i % 3) + " " +
                   QByteArray::number(i * 3) + " GET http://h" + QByteArray::number(i % 101) + ".example.org/p/" +
                   QByteArray::number(i) + "?q=" + QByteArray::number(i) + " - HIER_DIRECT/192.0.2." +
                   QByteArray::number(i % 250) + " text/plain\n";
        }
        f.write(buf);
    }
    const QString c = dir_.filePath(QStringLiteral("rows.socwb"));
    auto store = CaseStore::open(c);
    const ImportResult r = importInto(*store, log, QStringLiteral("squid"));
    const int bad = lines / 1000 + (lines % 1000 >= 7 ? 1 : 0);
    QCOMPARE(r.rejected, int64_t(bad));
    QCOMPARE(r.accepted, int64_t(lines - bad));
    Statement st(store->db(),
                 "SELECT p.line_no, p.ts_us, p.duration_ms, p.client_ip, p.status, p.bytes_in, d.name, p.path, "
                 "p.query, p.dest_ip FROM proxy_events p JOIN domains d ON d.id = p.domain_id ORDER BY p.id");
    int i = 0;
    int rows = 0;
    while (st.step()) {
        do {
            ++i;
        } while (i % 1000 == 7);
        ++rows;
        QCOMPARE(st.int64(0), int64_t(i));
        QCOMPARE(st.int64(1), (int64_t(1700000000) + i) * 1000000 + 500000);
        QCOMPARE(st.int64(2), int64_t(i % 977));
        QCOMPARE(st.text(3), "10.1." + std::to_string(i % 7) + ".9");
        QCOMPARE(st.int64(4), int64_t(200 + i % 3));
        QCOMPARE(st.int64(5), int64_t(i) * 3);
        QCOMPARE(st.text(6), "h" + std::to_string(i % 101) + ".example.org");
        QCOMPARE(st.text(7), "/p/" + std::to_string(i));
        QCOMPARE(st.text(8), "q=" + std::to_string(i));
        QCOMPARE(st.text(9), "192.0.2." + std::to_string(i % 250));
    }
    QCOMPARE(rows, lines - bad);
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM rejected_lines WHERE line_no % 1000 = 7").value(),
             int64_t(bad));
}

namespace {
// `good` Squid lines with a junk line after each of the first `junk` of them, then the rest of
// the junk: line numbers stay predictable.
QString writeMixedSquidLog(const QString& path, int good, int junk) {
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    QByteArray buf;
    for (int i = 0; i < std::max(good, junk); ++i) {
        if (i < good) {
            buf += QByteArray::number(1700000000 + i) + ".000 1 10.0.0.1 TCP_MISS/200 10 GET http://example.com/" +
                   QByteArray::number(i) + " - HIER_DIRECT/192.0.2.1 text/html\n";
        }
        if (i < junk) {
            buf += "junk line " + QByteArray::number(i) + "\n";
        }
    }
    f.write(buf);
    return path;
}
} // namespace

// Every reject is counted, but only the first CaseWriter::kMaxStoredRejects of a file keep their
// raw bytes in the case: a file of junk cannot grow the case without bound.
void TestImport::storedRejectsAreCappedCountsExact() {
    const int junk = static_cast<int>(CaseWriter::kMaxStoredRejects) * 3;
    const QString log = writeMixedSquidLog(dir_.filePath(QStringLiteral("capped.log")), 2000, junk);
    auto store = CaseStore::open(dir_.filePath(QStringLiteral("capped.socwb")));
    const ImportResult r = importInto(*store, log, QStringLiteral("squid"));
    QCOMPARE(r.status, QStringLiteral("imported"));
    QCOMPARE(r.accepted, int64_t(2000));
    QCOMPARE(r.rejected, int64_t(junk));
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM rejected_lines").value(), CaseWriter::kMaxStoredRejects);
    QCOMPARE(queryInt(store->db(), "SELECT max(line_no) FROM rejected_lines").value(),
             CaseWriter::kMaxStoredRejects * 2);
    QCOMPARE(queryInt(store->db(), "SELECT rejected FROM evidence").value(), int64_t(junk));
    QCOMPARE(summarize(store->db()).rejected, int64_t(junk));
}

// A file where nearly every line is rejected is refused once that is clear, with nothing of it
// kept, instead of being read to the end into millions of reject rows.
void TestImport::aFileOfJunkIsRefusedEarly() {
    const QString log = writeMixedSquidLog(dir_.filePath(QStringLiteral("junk.log")), 50, 400000);
    const QString c = dir_.filePath(QStringLiteral("junk.socwb"));
    auto store = CaseStore::open(c);
    int64_t lastRejects = 0;
    const ImportResult r =
        importInto(*store, log, QStringLiteral("squid"), [&](const ImportProgress& p) { lastRejects = p.rejects; });
    QCOMPARE(r.status, QStringLiteral("refused"));
    QVERIFY2(r.message.contains(QStringLiteral("fewer than 1 in 100 lines read as squid")), qPrintable(r.message));
    QVERIFY2(r.rejected >= Importer::kRefuseAfterRejects && r.rejected < 50000,
             qPrintable(QString::number(r.rejected)));
    QVERIFY(lastRejects < 50000);
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM evidence").value(), int64_t(0));
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM rejected_lines").value(), int64_t(0));
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM proxy_events").value(), int64_t(0));
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM audit_log WHERE action = 'import.refused'").value(),
             int64_t(1));
}

// One rule for NUL bytes: written as the text "\x00" wherever they are. A NUL in the first 64 KiB
// does not make the file "binary", and a NUL inside a name cannot cut it short.
void TestImport::nulBytesLoseNoLineAndHideNoName() {
    const QString log = dir_.filePath(QStringLiteral("nul.log"));
    {
        QFile f(log);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QByteArray tail = " - HIER_DIRECT/192.0.2.1 text/html\n";
        f.write("1700000000.000 1 10.0.0.1 TCP_MISS/200 10 GET http://example.com/a" + tail);
        f.write(QByteArray(
                    "1700000001.000 1 10.0.0.1 TCP_MISS/200 10 GET https://ex\0ample.raw.githubusercontent.com/c", 90) +
                tail);
        f.write(QByteArray("1700000002.000 1 10.0.0.1 TCP_MISS/200 10 GET http://example.com/c?q=", 69) +
                QByteArray(1, '\0') + tail);
    }
    auto store = CaseStore::open(dir_.filePath(QStringLiteral("nul.socwb")));
    const ImportResult r = importInto(*store, log); // detected, not forced
    QVERIFY2(r.status == QStringLiteral("imported"), qPrintable(r.message));
    QCOMPARE(r.format, QStringLiteral("squid"));
    QCOMPARE(r.accepted, int64_t(3));
    QCOMPARE(r.rejected, int64_t(0));
    Statement st(store->db(), "SELECT d.name, d.reg_domain FROM proxy_events p JOIN domains d ON d.id = p.domain_id "
                              "WHERE p.line_no = 2");
    QVERIFY(st.step());
    QCOMPARE(st.text(0), std::string("ex\\x00ample.raw.githubusercontent.com"));
    QCOMPARE(st.text(1), std::string("raw.githubusercontent.com"));
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM proxy_events WHERE query = 'q=\\x00'").value(), int64_t(1));
}

// Cancel reaches the phases after parsing too (index rebuild, linking, attribution): a cancel
// that arrives once the last line is read still rolls everything back.
void TestImport::cancelAfterParsingIsHonoured_data() {
    QTest::addColumn<int>("phase");
    QTest::newRow("indexing") << int(ImportProgress::Phase::Indexing);
    QTest::newRow("linking") << int(ImportProgress::Phase::Linking);
    QTest::newRow("attributing") << int(ImportProgress::Phase::Attributing);
}

void TestImport::cancelAfterParsingIsHonoured() {
    QFETCH(int, phase);
    const QString c = dir_.filePath(QStringLiteral("late-cancel-%1.socwb").arg(phase));
    auto store = CaseStore::open(c);
    Importer importer(*store);
    std::atomic<bool> cancel{false};
    QList<int> phases;
    const ImportResult r = importer.importFile(
        big_, ImportOptions{},
        [&](const ImportProgress& p) {
            if (phases.isEmpty() || phases.last() != int(p.phase)) {
                phases << int(p.phase);
            }
            if (int(p.phase) == phase) {
                QCOMPARE(p.records, int64_t(400000)); // every line was read already
                cancel = true;
            }
        },
        cancel);
    QVERIFY2(r.status == QStringLiteral("cancelled"), qPrintable(r.status + QLatin1Char(' ') + r.message));
    QCOMPARE(r.accepted, int64_t(0)); // nothing of it is in the case, so none is reported imported
    QVERIFY(phases.contains(phase));
    QVERIFY(!phases.contains(int(ImportProgress::Phase::Committing)));
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM proxy_events").value(), int64_t(0));
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM evidence").value(), int64_t(0));
    QCOMPARE(indexNames(store->db()), indexNames(freshCaseDb())); // dropped for the bulk load, back now
    QCOMPARE(queryInt(store->db(), "PRAGMA foreign_keys").value(), int64_t(1));
}

// Another connection holds the write lock for longer than the busy timeout: the import says the
// case is busy, writes nothing, and blames neither the input nor the case.
void TestImport::aSecondWriterIsToldTheCaseIsBusy() {
    const QString c = dir_.filePath(QStringLiteral("busy.socwb"));
    auto holder = CaseStore::open(c);
    auto store = CaseStore::open(c);
    Importer importer(*store);
    std::atomic<bool> cancel{false};
    ImportResult r;
    {
        Transaction writing(holder->db());
        r = importer.importFile(fixture(QStringLiteral("squid/access.log")), ImportOptions{}, {}, cancel);
    }
    QCOMPARE(r.status, QStringLiteral("busy"));
    QVERIFY2(r.message.contains(QStringLiteral("the case is busy")), qPrintable(r.message));
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM evidence").value(), int64_t(0));
    // Once the other writer let go, the same file goes in.
    const ImportResult again =
        importer.importFile(fixture(QStringLiteral("squid/access.log")), ImportOptions{}, {}, cancel);
    QCOMPARE(again.status, QStringLiteral("imported"));
    QCOMPARE(again.accepted, int64_t(4));
}

// A bulk import used to switch the case to a rollback journal when it held the only connection,
// which locked out anyone who opened the case meanwhile. Now it stays in WAL mode: a second
// connection opens the case during the import and reads the snapshot from before it.
void TestImport::readersOpenAndReadDuringABulkImport() {
    const QString c = dir_.filePath(QStringLiteral("reader-during.socwb"));
    { CaseStore::open(c); }
    ImportJob job(c);
    QSignalSpy finished(job.worker(), &ImportWorker::finished);
    int64_t seen = -1;
    QString openError;
    connect(job.worker(), &ImportWorker::progress, this, [&](const ImportProgress& p) {
        if (seen >= 0 || !openError.isEmpty() || p.records < 50000) {
            return;
        }
        try {
            auto reader = CaseStore::open(c, CaseStore::Access::ReadOnly);
            seen = queryInt(reader->db(), "SELECT count(*) FROM proxy_events").value();
        } catch (const std::exception& e) {
            openError = QString::fromUtf8(e.what());
        }
    });
    job.start({big_}, ImportOptions{});
    QVERIFY(finished.wait(120000));
    QVERIFY2(openError.isEmpty(), qPrintable(openError));
    QCOMPARE(seen, int64_t(0));
    const auto results = finished.first().first().value<QList<ImportResult>>();
    QCOMPARE(results.value(0).status, QStringLiteral("imported"));
    auto after = CaseStore::open(c);
    QCOMPARE(journalMode(after->db()), QStringLiteral("wal"));
    QCOMPARE(queryInt(after->db(), "SELECT count(*) FROM proxy_events").value(), int64_t(400000));
}

// A full disk (here: SQLite's page limit) fails the import with "disk full", the case keeps what
// it had, and the input is not marked refused.
void TestImport::diskFullSaysSoAndKeepsTheCase() {
    const QString c = dir_.filePath(QStringLiteral("full.socwb"));
    auto store = CaseStore::open(c);
    QCOMPARE(importInto(*store, fixture(QStringLiteral("squid/access.log"))).status, QStringLiteral("imported"));
    const int64_t pages = queryInt(store->db(), "PRAGMA page_count").value();
    QCOMPARE(queryInt(store->db(), "PRAGMA max_page_count = " + std::to_string(pages + 20)).value(), pages + 20);
    const ImportResult r = importInto(*store, big_);
    QCOMPARE(r.status, QStringLiteral("failed"));
    QVERIFY2(r.message.contains(QStringLiteral("disk full")) && !r.message.contains(QStringLiteral("rollback")),
             qPrintable(r.message));
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM evidence").value(), int64_t(1));
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM proxy_events").value(), int64_t(4));
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM audit_log WHERE action = 'import.refused'").value(),
             int64_t(0));
    QCOMPARE(indexNames(store->db()), indexNames(freshCaseDb()));
    QCOMPARE(queryInt(store->db(), "PRAGMA foreign_keys").value(), int64_t(1));
}

// "odd%2.log" is a file name, not a template: chained QString::arg() calls used to fill its %2.
void TestImport::fileNamesAreNotTemplates() {
    const QString log = dir_.filePath(QStringLiteral("odd%2.log"));
    QVERIFY(QFile::copy(fixture(QStringLiteral("squid/access.log")), log));
    auto store = CaseStore::open(dir_.filePath(QStringLiteral("percent.socwb")));
    const ImportResult r = importInto(*store, log);
    QCOMPARE(r.message, QStringLiteral("odd%2.log: 4 records imported as squid, 0 rejected"));
    Statement st(store->db(), "SELECT path, message FROM evidence");
    QVERIFY(st.step());
    QCOMPARE(QString::fromStdString(st.text(0)), QFileInfo(log).absoluteFilePath());
    QCOMPARE(QString::fromStdString(st.text(1)), r.message);
}

void TestImport::aLinkLoopIsNotAMissingFile() {
    const QString a = dir_.filePath(QStringLiteral("loop-a.log"));
    const QString b = dir_.filePath(QStringLiteral("loop-b.log"));
    QVERIFY(QFile::link(b, a));
    QVERIFY(QFile::link(a, b));
    auto store = CaseStore::open(dir_.filePath(QStringLiteral("loop.socwb")));
    const ImportResult r = importInto(*store, a);
    QCOMPARE(r.status, QStringLiteral("refused"));
    QVERIFY2(r.message.contains(QStringLiteral("symbolic link that leads nowhere")), qPrintable(r.message));
}

// An EVTX file is read by libevtx, not through the InputReader: its progress still starts at
// nothing read, never goes back, and ends at the file's size.
void TestImport::evtxProgressReachesTheFileSize() {
    if (!haveSharedData()) {
        QSKIP("../shared/data is absent");
    }
    const QString path = sharedData(QStringLiteral("sysmon/evtx/bits_openvpn.evtx"));
    auto store = CaseStore::open(dir_.filePath(QStringLiteral("evtx-progress.socwb")));
    QList<qint64> bytes;
    qint64 total = -1;
    const ImportResult r = importInto(*store, path, {}, [&](const ImportProgress& p) {
        if (p.phase == ImportProgress::Phase::Reading) {
            bytes << p.bytesRead;
            total = p.bytesTotal;
        }
    });
    QVERIFY2(r.status == QStringLiteral("imported"), qPrintable(r.message));
    QCOMPARE(r.format, QStringLiteral("evtx"));
    QCOMPARE(r.accepted, int64_t(1537));
    const qint64 size = QFileInfo(path).size();
    QCOMPARE(total, size);
    QVERIFY(bytes.size() >= 2); // the first report and the last, at least
    QCOMPARE(bytes.first(), qint64(0));
    for (qsizetype i = 1; i < bytes.size(); ++i) {
        QVERIFY2(
            bytes[i] >= bytes[i - 1],
            qPrintable(QStringLiteral("%1 after %2").arg(QString::number(bytes[i]), QString::number(bytes[i - 1]))));
    }
    QCOMPARE(bytes.last(), size);
}

QTEST_GUILESS_MAIN(TestImport)
#include "tst_import.moc"
