// Evidence as responders receive it (issue 25). Every fixture archive is written here with
// libarchive's writer: each container (tar, zip, 7z, cpio) and compression (gzip, bzip2, xz, zstd,
// lz4), nested; each member's counts and its lines' provenance are checked exactly. Then the
// refusals (bombs, nesting, member count, ../ and absolute paths, links, encryption), duplicates by
// SHA-256, cancel, the upgrade from schema 4, the sample case from one zip, and the CLI on a KAPE-like
// folder.
#include "archive_writer.h"
#include "charts/timeline_query.h"
#include "import/collection_layout.h"
#include "import/import_plan.h"
#include "ingest/importer.h"
#include "store/case_store.h"
#include "store/case_summary.h"
#include "store/schema.h"
#include "store/statement.h"
#include "test_paths.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace socwb;
using namespace socwb::test;

namespace {

using Entry = ArchiveEntry;

// `n` Squid lines, the i-th one second after 1700000000 + start; line `bad` (1-based, 0: none) is junk.
QByteArray squid(int start, int n, int bad = 0) {
    QByteArray out;
    for (int i = 1; i <= n; ++i) {
        if (i == bad) {
            out += "this is not a squid line\n";
            continue;
        }
        out += QByteArray::number(1700000000 + start + i) + ".000    100 10.0.0." +
               QByteArray::number(1 + start % 200) + " TCP_MISS/200 1000 GET http://example.com/p" +
               QByteArray::number(start + i) + " - HIER_DIRECT/1.2.3.4 text/html\n";
    }
    return out;
}

QString write(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) {
        qFatal("cannot write %s", qPrintable(path));
    }
    return path;
}

const ImportMemberResult* memberNamed(const ImportResult& r, const QString& member) {
    for (const ImportMemberResult& m : r.members) {
        if (m.member == member) {
            return &m;
        }
    }
    return nullptr;
}

ImportResult importWith(CaseStore& store, const QString& path, const ImportOptions& options,
                        const Importer::ProgressFn& progress = {}, const std::atomic<bool>* cancel = nullptr) {
    static const std::atomic<bool> never{false};
    return Importer(store).importFile(path, options, progress, cancel ? *cancel : never);
}

int64_t count(CaseStore& s, const std::string& sql) {
    return queryInt(s.db(), sql).value_or(-1);
}

} // namespace

class TestArchives : public QObject {
    Q_OBJECT
  private slots:
    void containers_data();
    void containers();
    void nestedProvenanceToTheLine();
    void bombsAndTraversalAreRefused_data();
    void bombsAndTraversalAreRefused();
    void repeatedArchiveAndMembersAreSkipped();
    void cancelRollsTheWholeArchiveBack();
    void compressedStandaloneFiles_data();
    void compressedStandaloneFiles();
    void evtxInsideAnArchive();
    void upgradeFromSchema4();
    void sampleCaseFromOneZip();
    void cliImportsAKapeLikeFolder();
    void rotatedSequenceOldestFirst_data();
    void rotatedSequenceOldestFirst();
    void rotatedMemberPastTheMemoryBoundIsNamed();
    void exerciseFolderGivesOnlyEvidence();
    void planCountsMembersAsFiles();
    void previewSkipOfAMemberReachesTheImporter();
    void previewOfAnArchivePastALimitKeepsOneRow();

  private:
    QTemporaryDir tmp_;
};

// Each container and compression: three squid members (one plain with a reject on line 3, one
// compressed by another filter, one in a sub-folder), a binary member and an empty one skipped.
void TestArchives::containers_data() {
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("memberFilter");
    QTest::addColumn<QString>("suffix");
    QTest::newRow("tar") << "gnutar"
                         << "none"
                         << "gzip"
                         << ".gz";
    QTest::newRow("tar.gz") << "gnutar"
                            << "gzip"
                            << "bzip2"
                            << ".bz2";
    QTest::newRow("tar.bz2") << "gnutar"
                             << "bzip2"
                             << "xz"
                             << ".xz";
    QTest::newRow("tar.xz") << "gnutar"
                            << "xz"
                            << "zstd"
                            << ".zst";
    QTest::newRow("tar.zst") << "gnutar"
                             << "zstd"
                             << "lz4"
                             << ".lz4";
    QTest::newRow("tar.lz4") << "gnutar"
                             << "lz4"
                             << "gzip"
                             << ".gz";
    QTest::newRow("zip") << "zip"
                         << "none"
                         << "zstd"
                         << ".zst";
    QTest::newRow("7z") << "7zip"
                        << "none"
                        << "xz"
                        << ".xz";
    QTest::newRow("cpio.gz") << "cpio"
                             << "gzip"
                             << "bzip2"
                             << ".bz2";
}

void TestArchives::containers() {
    QFETCH(QString, format);
    QFETCH(QString, filter);
    QFETCH(QString, memberFilter);
    QFETCH(QString, suffix);
    const QByteArray binary(4096, '\x01');
    // Written once: a gzip header holds the time it was written, so a second compression a second
    // later would differ from what the archive holds.
    const QByteArray stored = compressed(memberFilter.toLatin1().constData(), squid(100, 7));
    const QVector<Entry> entries{
        {QStringLiteral("logs/access.log"), squid(0, 10, 3)},
        {QStringLiteral("logs/access.log.1") + suffix, stored},
        {QStringLiteral("logs/old/"), {}, AE_IFDIR},
        {QStringLiteral("logs/old/access.log.2"), squid(200, 5)},
        {QStringLiteral("core.bin"), binary},
        {QStringLiteral("empty.log"), {}},
    };
    const QString path = write(tmp_.filePath(QStringLiteral("c-%1.%2").arg(QTest::currentDataTag(), format)),
                               writeArchive(format.toLatin1().constData(), filter.toLatin1().constData(), entries));
    auto store = CaseStore::open(tmp_.filePath(QStringLiteral("c-%1.socwb").arg(QTest::currentDataTag())));
    const ImportResult r = importWith(*store, path, {});
    QCOMPARE(r.status, QStringLiteral("imported"));
    QCOMPARE(r.accepted, 9 + 7 + 5);
    QCOMPARE(r.rejected, 1);
    QCOMPARE(r.members.size(), 5); // the folder entry is not a member
    const ImportMemberResult* plain = memberNamed(r, QStringLiteral("logs/access.log"));
    QVERIFY(plain);
    QCOMPARE(plain->status, QStringLiteral("imported"));
    QCOMPARE(plain->accepted, 9);
    QCOMPARE(plain->rejected, 1);
    QCOMPARE(plain->size, squid(0, 10, 3).size());
    QCOMPARE(plain->sha256,
             QString::fromLatin1(QCryptographicHash::hash(squid(0, 10, 3), QCryptographicHash::Sha256).toHex()));
    const ImportMemberResult* rotated = memberNamed(r, QStringLiteral("logs/access.log.1") + suffix);
    QVERIFY(rotated);
    QCOMPARE(rotated->accepted, 7);
    QCOMPARE(rotated->format, QStringLiteral("squid"));
    // The member's hash is of its stored (compressed) bytes: what `sha256sum` says of it once extracted.
    QCOMPARE(rotated->sha256,
             QString::fromLatin1(QCryptographicHash::hash(stored, QCryptographicHash::Sha256).toHex()));
    QCOMPARE(memberNamed(r, QStringLiteral("logs/old/access.log.2"))->accepted, 5);
    const ImportMemberResult* bin = memberNamed(r, QStringLiteral("core.bin"));
    QVERIFY(bin);
    QCOMPARE(bin->status, QStringLiteral("skipped"));
    QVERIFY2(bin->message.contains(QStringLiteral("binary data")), qPrintable(bin->message));
    QCOMPARE(memberNamed(r, QStringLiteral("empty.log"))->status, QStringLiteral("skipped"));
    QVERIFY(memberNamed(r, QStringLiteral("empty.log"))->message.contains(QStringLiteral("empty")));

    // In the case: one evidence row per imported member, the received file and its inventory.
    QCOMPARE(count(*store, "SELECT count(*) FROM evidence WHERE received_id IS NOT NULL"), 3);
    QCOMPARE(count(*store, "SELECT count(*) FROM received_members"), 5);
    QCOMPARE(count(*store, "SELECT count(*) FROM received_files WHERE sha256 = '" + r.sha256.toStdString() + "'"), 1);
    // The reject keeps its line within the member.
    Statement rej(store->db(), "SELECT e.member_path, r.line_no FROM rejected_lines r JOIN evidence e ON "
                               "e.id = r.evidence_id");
    QVERIFY(rej.step());
    QCOMPARE(QString::fromStdString(rej.text(0)), QStringLiteral("logs/access.log"));
    QCOMPARE(rej.int64(1), int64_t(3));
    // A request's line within the compressed member.
    Statement line(store->db(), "SELECT e.line_no FROM proxy_events e JOIN evidence v ON v.id = e.evidence_id "
                                "WHERE v.member_path = ? AND e.path = '/p104'");
    line.bind(1, (QStringLiteral("logs/access.log.1") + suffix).toStdString());
    QVERIFY(line.step());
    QCOMPARE(line.int64(0), int64_t(4));
}

// A .gz inside a zip inside a tar.xz: the member is named through both containers.
void TestArchives::nestedProvenanceToTheLine() {
    const QByteArray zip =
        writeArchive("zip", "none",
                     {{QStringLiteral("C/proxy/access.log.3.gz"), compressed("gzip", squid(300, 6, 2))},
                      {QStringLiteral("C/proxy/access.log"), squid(400, 4)}});
    const QByteArray tar = writeArchive(
        "gnutar", "xz", {{QStringLiteral("collection.zip"), zip}, {QStringLiteral("top.log"), squid(500, 3)}});
    const QString path = write(tmp_.filePath(QStringLiteral("evidence.tar.xz")), tar);
    auto store = CaseStore::open(tmp_.filePath(QStringLiteral("nested.socwb")));
    const ImportResult r = importWith(*store, path, {});
    QCOMPARE(r.status, QStringLiteral("imported"));
    const QString deep = QStringLiteral("collection.zip \u203a C/proxy/access.log.3.gz");
    const ImportMemberResult* m = memberNamed(r, deep);
    QVERIFY2(m, qPrintable(r.message));
    QCOMPARE(m->accepted, 5);
    QCOMPARE(m->rejected, 1);
    QCOMPARE(memberNamed(r, QStringLiteral("collection.zip \u203a C/proxy/access.log"))->accepted, 4);
    QCOMPARE(memberNamed(r, QStringLiteral("top.log"))->accepted, 3);
    // info's and the views' label, and the reject's line.
    const CaseSummary s = summarize(store->db());
    QStringList labels;
    for (const EvidenceRow& e : s.evidence) {
        labels << provenanceLabel(e.path, e.memberPath);
    }
    QVERIFY2(labels.contains(QStringLiteral("evidence.tar.xz \u203a ") + deep),
             qPrintable(labels.join(QLatin1Char('|'))));
    Statement rej(store->db(), "SELECT r.line_no, r.reason FROM rejected_lines r JOIN evidence e ON e.id = "
                               "r.evidence_id WHERE e.member_path = ?");
    rej.bind(1, deep.toStdString());
    QVERIFY(rej.step());
    QCOMPARE(rej.int64(0), int64_t(2));
    // A timeline event's provenance: the received file, the members inside it, the line.
    const int64_t id = count(*store, "SELECT id FROM proxy_events WHERE path = '/p303'");
    const QString record = TimelineQuery::record(store->db(), TimelineQuery::ProxyLane, id);
    QVERIFY2(record.contains(QStringLiteral("Provenance: ") + QFileInfo(path).absoluteFilePath() +
                             QStringLiteral(" \u203a ") + deep + QStringLiteral(" (squid), line 3\n")),
             qPrintable(record));
}

void TestArchives::bombsAndTraversalAreRefused_data() {
    QTest::addColumn<QByteArray>("archive");
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("limitCase");  // 0 default limits, 1 small ratio, 2 small total, 3 few members, 4 shallow
    QTest::addColumn<QString>("status"); // of the whole file
    QTest::addColumn<QString>("member"); // the member whose message is checked ("" : the file's message)
    QTest::addColumn<QString>("expected");

    // Not zeros: blocks of zeros are also an empty tar, and would be read as one.
    const QByteArray zeros(8 << 20, 'A');
    QTest::newRow("zip bomb (ratio)") << writeArchive("zip", "none",
                                                      {{QStringLiteral("ok.log"), squid(0, 3)},
                                                       {QStringLiteral("bomb.log"), zeros}})
                                      << "bomb.zip" << 1 << "refused"
                                      << ""
                                      << "bomb.zip \u203a bomb.log: refused as a decompression bomb";
    // The same valid line 40,000 times: it reads as Squid, and expands beyond the 2 MiB limit set.
    const QByteArray lines = squid(0, 1).repeated(40000);
    QTest::newRow("gzip bomb (total)") << compressed("gzip", lines) << "a.log.gz" << 2 << "refused"
                                       << ""
                                       << "a.log.gz: refused: everything in a.log.gz expands to more than";
    QTest::newRow("bomb in a tar.zst (total)")
        << writeArchive("gnutar", "zstd", {{QStringLiteral("a.log"), lines}}) << "a.tar.zst" << 2 << "refused"
        << ""
        << "a.tar.zst \u203a a.log: refused: everything in a.tar.zst expands to more than";
    QVector<Entry> many;
    for (int i = 0; i < 12; ++i) {
        many << Entry{QStringLiteral("m%1.log").arg(i), squid(i * 10, 2)};
    }
    QTest::newRow("too many members") << writeArchive("gnutar", "gzip", many) << "many.tar.gz" << 3 << "refused"
                                      << ""
                                      << "holds more than 5 members";
    // A zip in a zip in a zip in a zip: a quine's recursion stopped by depth.
    QByteArray nest = writeArchive("zip", "none", {{QStringLiteral("deep.log"), squid(0, 2)}});
    for (int i = 0; i < 4; ++i) {
        nest = writeArchive(
            "zip", "none",
            {{QStringLiteral("level%1.zip").arg(i), nest}, {QStringLiteral("l%1.log").arg(i), squid(50 + i * 10, 2)}});
    }
    QTest::newRow("nested too deep") << nest << "quine.zip" << 4 << "imported"
                                     << "level3.zip \u203a level2.zip \u203a level1.zip"
                                     << "nested 4 levels deep";
    const QVector<Entry> evil{{QStringLiteral("good.log"), squid(0, 2)},
                              {QStringLiteral("../evil.log"), squid(10, 2)},
                              {QStringLiteral("/etc/abs.log"), squid(20, 2)},
                              {QStringLiteral("C:/win.log"), squid(30, 2)},
                              {QStringLiteral("link.log"), {}, AE_IFLNK, QStringLiteral("/etc/passwd")}};
    const QByteArray traversal = writeArchive("gnutar", "none", evil);
    QTest::newRow("../ member") << traversal << "t.tar" << 0 << "imported"
                                << "../evil.log"
                                << "leaves the archive";
    QTest::newRow("absolute member") << traversal << "t.tar" << 0 << "imported"
                                     << "/etc/abs.log"
                                     << "leaves the archive";
    QTest::newRow("drive member") << traversal << "t.tar" << 0 << "imported"
                                  << "C:/win.log"
                                  << "leaves the archive";
    QTest::newRow("symlink member") << traversal << "t.tar" << 0 << "imported"
                                    << "link.log"
                                    << "a symbolic link (to /etc/passwd): links are not followed";
    const QByteArray locked = writeArchive(
        "zip", "none", {{QStringLiteral("plain.log"), squid(0, 2)}, {QStringLiteral("secret.log"), squid(10, 2)}},
        "zip:encryption=zipcrypt", "secret");
    QTest::newRow("password-protected") << locked << "locked.zip" << 0 << "refused"
                                        << "plain.log"
                                        << "encrypted (password-protected)";
}

void TestArchives::bombsAndTraversalAreRefused() {
    QFETCH(QByteArray, archive);
    QFETCH(QString, name);
    QFETCH(int, limitCase);
    QFETCH(QString, status);
    QFETCH(QString, member);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = write(dir.filePath(name), archive);
    ImportOptions o;
    if (limitCase == 1) {
        o.limits.ratioFloor = 1 << 20;
        o.limits.maxRatio = 50;
    } else if (limitCase == 2) {
        o.limits.maxExpandedBytes = 2 << 20;
    } else if (limitCase == 3) {
        o.limits.maxMembers = 5;
    } else if (limitCase == 4) {
        o.limits.maxDepth = 3;
    }
    auto store = CaseStore::open(dir.filePath(QStringLiteral("case.socwb")));
    const ImportResult r = importWith(*store, path, o);
    QVERIFY2(r.status == status, qPrintable(r.message));
    if (member.isEmpty()) {
        QVERIFY2(r.message.contains(expected), qPrintable(r.message));
        // Nothing of a refused archive stays in the case.
        QCOMPARE(count(*store, "SELECT count(*) FROM evidence"), 0);
        QCOMPARE(count(*store, "SELECT count(*) FROM received_files"), 0);
        QCOMPARE(count(*store, "SELECT count(*) FROM proxy_events"), 0);
        QCOMPARE(count(*store, "PRAGMA temp_store"), 2); // set back after the refusal too
        return;
    }
    const ImportMemberResult* m = memberNamed(r, member);
    QVERIFY2(m, qPrintable(r.message));
    QCOMPARE(m->status, QStringLiteral("skipped"));
    QVERIFY2(m->message.contains(expected), qPrintable(m->message));
    QVERIFY2(m->message.startsWith(member), qPrintable(m->message)); // the refusal names the member
    // Nothing was written beside the archive.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::NoDotAndDotDot).filter(QStringLiteral(".log")).size(), 0);
}

void TestArchives::repeatedArchiveAndMembersAreSkipped() {
    QTemporaryDir dir;
    const QByteArray one = squid(0, 5);
    const QString zip =
        write(dir.filePath(QStringLiteral("first.zip")),
              writeArchive("zip", "none", {{QStringLiteral("a.log"), one}, {QStringLiteral("b.log"), squid(50, 4)}}));
    auto store = CaseStore::open(dir.filePath(QStringLiteral("case.socwb")));
    QCOMPARE(importWith(*store, zip, {}).status, QStringLiteral("imported"));
    const ImportResult again = importWith(*store, zip, {});
    QCOMPARE(again.status, QStringLiteral("skipped-duplicate"));
    QVERIFY2(again.message.contains(QStringLiteral("same SHA-256")), qPrintable(again.message));
    // A copy under another name is the same bytes: recognised too.
    QFile::copy(zip, dir.filePath(QStringLiteral("copy.zip")));
    QCOMPARE(importWith(*store, dir.filePath(QStringLiteral("copy.zip")), {}).status,
             QStringLiteral("skipped-duplicate"));
    // A member already imported from elsewhere (here: the same a.log, extracted and imported alone)
    // is skipped with a message; the new member of the other archive is imported.
    const QString tar = write(
        dir.filePath(QStringLiteral("second.tar.gz")),
        writeArchive("gnutar", "gzip", {{QStringLiteral("x/a.log"), one}, {QStringLiteral("c.log"), squid(90, 3)}}));
    const ImportResult mixed = importWith(*store, tar, {});
    QCOMPARE(mixed.status, QStringLiteral("imported"));
    const ImportMemberResult* dup = memberNamed(mixed, QStringLiteral("x/a.log"));
    QVERIFY(dup);
    QCOMPARE(dup->status, QStringLiteral("skipped-duplicate"));
    QVERIFY2(dup->message.contains(QStringLiteral("first.zip \u203a a.log")), qPrintable(dup->message));
    QCOMPARE(memberNamed(mixed, QStringLiteral("c.log"))->accepted, 3);
    QCOMPARE(count(*store, "SELECT count(*) FROM proxy_events"), 5 + 4 + 3);
    const QString plain = write(dir.filePath(QStringLiteral("a.log")), one);
    const ImportResult file = importWith(*store, plain, {});
    QCOMPARE(file.status, QStringLiteral("skipped-duplicate"));
    QVERIFY2(file.message.contains(QStringLiteral("first.zip \u203a a.log")), qPrintable(file.message));
}

void TestArchives::cancelRollsTheWholeArchiveBack() {
    QTemporaryDir dir;
    const QString path = write(
        dir.filePath(QStringLiteral("big.tar.zst")),
        writeArchive("gnutar", "zstd",
                     {{QStringLiteral("small.log"), squid(0, 10)}, {QStringLiteral("big.log"), squid(1000, 60000)}}));
    auto store = CaseStore::open(dir.filePath(QStringLiteral("case.socwb")));
    std::atomic<bool> cancel{false};
    QString cancelledIn;
    const ImportResult r = importWith(
        *store, path, {},
        [&](const ImportProgress& p) {
            if (p.member == QLatin1String("big.log") && p.records > 0) {
                cancelledIn = p.member;
                cancel = true; // mid-member: small.log is already in, big.log half read
            }
        },
        &cancel);
    QCOMPARE(cancelledIn, QStringLiteral("big.log"));
    QCOMPARE(r.status, QStringLiteral("cancelled"));
    QCOMPARE(count(*store, "SELECT count(*) FROM evidence"), 0);
    QCOMPARE(count(*store, "SELECT count(*) FROM received_files"), 0);
    QCOMPARE(count(*store, "SELECT count(*) FROM received_members"), 0);
    QCOMPARE(count(*store, "SELECT count(*) FROM proxy_events"), 0);
    // The archive import keeps SQLite's statement journal on disk (TempStoreOnDisk: in memory it is
    // truncated per row, quadratic in a member's size) and sets the case's MEMORY back on the way out.
    QCOMPARE(count(*store, "PRAGMA temp_store"), 2);

    // Cancelled later, once every member is in: during the import temp_store is FILE (read on the
    // importing thread, where the phases are reported), after the rollback MEMORY again.
    cancel = false;
    int64_t during = -1;
    const ImportResult linking = importWith(
        *store, path, {},
        [&](const ImportProgress& p) {
            if (p.phase == ImportProgress::Phase::Linking) {
                during = count(*store, "PRAGMA temp_store");
                cancel = true;
            }
        },
        &cancel);
    QCOMPARE(linking.status, QStringLiteral("cancelled"));
    QCOMPARE(during, int64_t(1));
    QCOMPARE(count(*store, "PRAGMA temp_store"), 2);
    QCOMPARE(count(*store, "SELECT count(*) FROM proxy_events"), 0);
    // And after an import that succeeds.
    QCOMPARE(importWith(*store, path, {}).status, QStringLiteral("imported"));
    QCOMPARE(count(*store, "PRAGMA temp_store"), 2);
}

// A plain file in any compression reads as the file itself (no archive around it).
void TestArchives::compressedStandaloneFiles_data() {
    QTest::addColumn<QString>("filter");
    for (const char* f : {"gzip", "bzip2", "xz", "zstd", "lz4", "lzma"}) {
        QTest::newRow(f) << QString::fromLatin1(f);
    }
}

void TestArchives::compressedStandaloneFiles() {
    QFETCH(QString, filter);
    QTemporaryDir dir;
    const QString path = write(dir.filePath(QStringLiteral("access.log.") + filter),
                               compressed(filter.toLatin1().constData(), squid(0, 20, 7)));
    auto store = CaseStore::open(dir.filePath(QStringLiteral("case.socwb")));
    const ImportResult r = importWith(*store, path, {});
    QCOMPARE(r.status, QStringLiteral("imported"));
    QCOMPARE(r.accepted, 19);
    QCOMPARE(r.rejected, 1);
    QVERIFY(r.members.isEmpty());
    QCOMPARE(count(*store, "SELECT line_no FROM rejected_lines"), 7);
}

void TestArchives::evtxInsideAnArchive() {
    const QString evtx = sharedData(QStringLiteral("sysmon/evtx/Sysmon_Exec_CompiledHTML.evtx"));
    if (!QFileInfo::exists(evtx)) {
        QSKIP("shared EVTX sample not present (SOCWB_SHARED_DATA_DIR)");
    }
    QFile f(evtx);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    QTemporaryDir dir;
    auto plainStore = CaseStore::open(dir.filePath(QStringLiteral("plain.socwb")));
    const ImportResult plain = importWith(*plainStore, evtx, {});
    QCOMPARE(plain.status, QStringLiteral("imported"));
    QVERIFY(plain.accepted > 0);
    const QString channel = QStringLiteral("C/Windows/System32/winevt/Logs/Microsoft-Windows-Sysmon%4Operational.evtx");
    const QString zip =
        write(dir.filePath(QStringLiteral("kape.zip")),
              writeArchive("zip", "none",
                           {{channel, bytes},
                            {QStringLiteral("C/Windows/System32/winevt/Logs/Security.evtx"), bytes.left(4096)}}));
    auto store = CaseStore::open(dir.filePath(QStringLiteral("zip.socwb")));
    const ImportResult r = importWith(*store, zip, {});
    QCOMPARE(r.status, QStringLiteral("imported"));
    const ImportMemberResult* m = memberNamed(r, channel);
    QVERIFY(m);
    QCOMPARE(m->format, QStringLiteral("evtx"));
    QCOMPARE(m->accepted, plain.accepted);
    const ImportMemberResult* security = memberNamed(r, QStringLiteral("C/Windows/System32/winevt/Logs/Security.evtx"));
    QVERIFY(security);
    QCOMPARE(security->status, QStringLiteral("skipped"));
    QVERIFY(r.notes.join(QLatin1Char(' ')).contains(QStringLiteral("present and not imported: Security")));
    // Records keep their number within the member: the same as from the file itself.
    QCOMPARE(count(*store, "SELECT max(record_no) FROM sysmon_events"),
             count(*plainStore, "SELECT max(record_no) FROM sysmon_events"));
}

// A case of schema 4 (made by migrating to 4 only) opens as 5 with its rows kept and the new
// columns empty.
void TestArchives::upgradeFromSchema4() {
    const QString path = tmp_.filePath(QStringLiteral("v4.socwb"));
    {
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
        execSql(db, "PRAGMA application_id = " + std::to_string(CaseStore::kApplicationId));
        schema::migrate(db, 4);
        execSql(db, "INSERT INTO evidence(path, sha256, size, format, status, accepted) VALUES "
                    "('/x/access.log', 'abc', 10, 'squid', 'imported', 2)");
        execSql(db,
                "INSERT INTO proxy_events(evidence_id, line_no, ts_us, url, method) VALUES (1, 7, 1700000000000000, "
                "'http://a.example/', 'GET')");
        QCOMPARE(queryInt(db, "PRAGMA user_version").value_or(0), int64_t(4));
        sqlite3_close(db);
    }
    auto store = CaseStore::open(path);
    QCOMPARE(store->schemaVersion(), schema::latestVersion());
    QCOMPARE(store->upgradedFrom(), 4);
    const CaseSummary s = summarize(store->db());
    QCOMPARE(s.evidence.size(), 1);
    QCOMPARE(s.evidence[0].path, QStringLiteral("/x/access.log"));
    QVERIFY(s.evidence[0].memberPath.isEmpty());
    QCOMPARE(provenanceLabel(s.evidence[0].path, s.evidence[0].memberPath), QStringLiteral("access.log"));
    QCOMPARE(count(*store, "SELECT line_no FROM proxy_events"), 7);
    QCOMPARE(count(*store, "SELECT count(*) FROM received_files"), 0);
}

void TestArchives::sampleCaseFromOneZip() {
    const QDir sample(QStringLiteral(SOCWB_SOURCE_DIR "/sample-data/case"));
    QVector<Entry> entries;
    for (const QString& f : sample.entryList(QDir::Files, QDir::Name)) {
        QFile in(sample.filePath(f));
        QVERIFY(in.open(QIODevice::ReadOnly));
        entries << Entry{QStringLiteral("case/") + f, in.readAll()};
    }
    QTemporaryDir dir;
    const QString zip = write(dir.filePath(QStringLiteral("sample.zip")), writeArchive("zip", "none", entries));
    auto fromFiles = CaseStore::open(dir.filePath(QStringLiteral("files.socwb")));
    for (const QString& f : sample.entryList(QDir::Files, QDir::Name)) {
        QCOMPARE(importWith(*fromFiles, sample.filePath(f), {}).status, QStringLiteral("imported"));
    }
    auto fromZip = CaseStore::open(dir.filePath(QStringLiteral("zip.socwb")));
    const ImportResult r = importWith(*fromZip, zip, {});
    QCOMPARE(r.status, QStringLiteral("imported"));
    QCOMPARE(r.members.size(), entries.size());
    const CaseSummary a = summarize(fromFiles->db());
    const CaseSummary b = summarize(fromZip->db());
    QCOMPARE(b.proxy, a.proxy);
    QCOMPARE(b.dns, a.dns);
    QCOMPARE(b.sysmon, a.sysmon);
    QCOMPARE(b.processes, a.processes);
    QCOMPARE(b.hostCount, a.hostCount);
    QCOMPARE(b.rejected, a.rejected);
    QCOMPARE(count(*fromZip, "SELECT count(*) FROM attributions"),
             count(*fromFiles, "SELECT count(*) FROM attributions"));
    for (int i = 0; i < a.evidence.size(); ++i) {
        QCOMPARE(b.evidence[i].accepted, a.evidence[i].accepted);
        QCOMPARE(b.evidence[i].sha256, a.evidence[i].sha256); // a member's hash is the file's
    }
}

// A KAPE-like collection folder through the CLI: the Sysmon channel imported, the other channels
// named, OS metadata left out quietly, the proxy's rotated logs oldest first, --exclude honoured.
void TestArchives::cliImportsAKapeLikeFolder() {
    QTemporaryDir dir;
    const QString root = dir.filePath(QStringLiteral("HOST01"));
    const QString logs = root + QStringLiteral("/C/Windows/System32/winevt/Logs/");
    const QString evtx = sharedData(QStringLiteral("sysmon/evtx/Sysmon_Exec_CompiledHTML.evtx"));
    const bool haveEvtx = QFileInfo::exists(evtx);
    if (haveEvtx) {
        QDir().mkpath(logs);
        QVERIFY(QFile::copy(evtx, logs + QStringLiteral("Microsoft-Windows-Sysmon%4Operational.evtx")));
    }
    write(logs + QStringLiteral("Security.evtx"), QByteArray("ElfFile\0", 8) + QByteArray(4088, '\0'));
    write(logs + QStringLiteral("System.evtx"), QByteArray("ElfFile\0", 8) + QByteArray(4088, '\1'));
    write(root + QStringLiteral("/proxy/access.log"), squid(300, 4));
    write(root + QStringLiteral("/proxy/access.log.1"), squid(200, 3));
    write(root + QStringLiteral("/proxy/access.log.2.gz"), compressed("gzip", squid(100, 2)));
    write(root + QStringLiteral("/proxy/access.log.10.bz2"), compressed("bzip2", squid(0, 5)));
    write(root + QStringLiteral("/.DS_Store"), QByteArray(100, '\0'));
    write(root + QStringLiteral("/__MACOSX/proxy/._access.log"), QByteArray(100, '\0'));
    write(root + QStringLiteral("/proxy/Thumbs.db"), QByteArray(100, '\0'));
    write(root + QStringLiteral("/proxy/notes.txt"), "left out by --exclude\n");
    const QString casePath = dir.filePath(QStringLiteral("case.socwb"));
    const CliRun run = runCli({QStringLiteral("import"), casePath, root, QStringLiteral("--exclude"),
                               QStringLiteral("*.txt"), QStringLiteral("--json")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject out = QJsonDocument::fromJson(run.out).object();
    QStringList order;
    for (const QJsonValue& f : out.value(QStringLiteral("files")).toArray()) {
        order << QFileInfo(f.toObject().value(QStringLiteral("path")).toString()).fileName();
        QCOMPARE(f.toObject().value(QStringLiteral("status")).toString(), QStringLiteral("imported"));
    }
    QStringList expected{QStringLiteral("access.log.10.bz2"), QStringLiteral("access.log.2.gz"),
                         QStringLiteral("access.log.1"), QStringLiteral("access.log")};
    if (haveEvtx) {
        expected.prepend(QStringLiteral("Microsoft-Windows-Sysmon%4Operational.evtx"));
    }
    QCOMPARE(order, expected);
    const QString notes = out.value(QStringLiteral("notes")).toVariant().toStringList().join(QLatin1Char('\n'));
    QVERIFY2(notes.contains(QStringLiteral("present and not imported: Security, System")), qPrintable(notes));
    QVERIFY(!run.err.contains("DS_Store"));
    QVERIFY(!run.err.contains("Thumbs"));
    QVERIFY(!run.err.contains("notes.txt"));
    const CliRun info = runCli({QStringLiteral("info"), casePath});
    QVERIFY(info.out.contains("proxy events: 14"));
}

// A proxy's rotated logs inside an archive, in the order `tar cf logs.tar access.log*` (or a zip
// tool) puts them, newest first: imported oldest first, each sequence in the places its members
// hold, the rest in the archive's order; the rows' ids follow the time of their lines.
void TestArchives::rotatedSequenceOldestFirst_data() {
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QStringList>("stream");
    QTest::addColumn<QStringList>("expected");
    const QStringList glob{QStringLiteral("proxy/access.log"), QStringLiteral("proxy/access.log.1"),
                           QStringLiteral("proxy/access.log.2.gz"), QStringLiteral("proxy/access.log.10.bz2"),
                           QStringLiteral("other/proxy.log")};
    const QStringList oldestFirst{QStringLiteral("proxy/access.log.10.bz2"), QStringLiteral("proxy/access.log.2.gz"),
                                  QStringLiteral("proxy/access.log.1"), QStringLiteral("proxy/access.log"),
                                  QStringLiteral("other/proxy.log")};
    QTest::newRow("tar, newest first") << "gnutar"
                                       << "none" << glob << oldestFirst;
    QTest::newRow("tar.zst, newest first") << "gnutar"
                                           << "zstd" << glob << oldestFirst;
    QTest::newRow("zip, newest first") << "zip"
                                       << "none" << glob << oldestFirst;
    QTest::newRow("tar.gz, already oldest first") << "gnutar"
                                                  << "gzip" << oldestFirst << oldestFirst;
    // Another log between them keeps its place: the sequence comes once its oldest has been read.
    QTest::newRow("tar, interleaved")
        << "gnutar"
        << "none"
        << QStringList{QStringLiteral("proxy/access.log"), QStringLiteral("other/proxy.log"),
                       QStringLiteral("proxy/access.log.2.gz"), QStringLiteral("proxy/access.log.10.bz2"),
                       QStringLiteral("proxy/access.log.1")}
        << QStringList{QStringLiteral("other/proxy.log"), QStringLiteral("proxy/access.log.10.bz2"),
                       QStringLiteral("proxy/access.log.2.gz"), QStringLiteral("proxy/access.log.1"),
                       QStringLiteral("proxy/access.log")};
}

namespace {
// The rotated sequence's members: the higher the number, the older the lines.
QHash<QString, QByteArray> rotatedMembers() {
    return {{QStringLiteral("proxy/access.log.10.bz2"), compressed("bzip2", squid(0, 5))},
            {QStringLiteral("proxy/access.log.2.gz"), compressed("gzip", squid(100, 4))},
            {QStringLiteral("proxy/access.log.1"), squid(200, 3)},
            {QStringLiteral("proxy/access.log"), squid(300, 2)},
            {QStringLiteral("other/proxy.log"), squid(1000, 1)}};
}

QStringList importedOrder(CaseStore& store) {
    QStringList order;
    Statement st(store.db(), "SELECT member_path FROM evidence ORDER BY id");
    while (st.step()) {
        order << QString::fromStdString(st.text(0));
    }
    return order;
}
} // namespace

void TestArchives::rotatedSequenceOldestFirst() {
    QFETCH(QString, format);
    QFETCH(QString, filter);
    QFETCH(QStringList, stream);
    QFETCH(QStringList, expected);
    const QHash<QString, QByteArray> data = rotatedMembers();
    QVector<Entry> entries;
    for (const QString& m : stream) {
        entries << Entry{m, data.value(m)};
    }
    const QString path =
        write(tmp_.filePath(QStringLiteral("rot-%1.%2").arg(QString::number(qHash(QTest::currentDataTag())), format)),
              writeArchive(format.toLatin1().constData(), filter.toLatin1().constData(), entries));
    auto store = CaseStore::open(tmp_.filePath(QStringLiteral("rot-%1.socwb").arg(qHash(QTest::currentDataTag()))));
    const ImportResult r = importWith(*store, path, {});
    QCOMPARE(r.status, QStringLiteral("imported"));
    QCOMPARE(r.accepted, 5 + 4 + 3 + 2 + 1);
    QCOMPARE(importedOrder(*store), expected);
    QStringList reported;
    for (const ImportMemberResult& m : r.members) {
        reported << m.member;
    }
    QCOMPARE(reported, expected);
    QVERIFY2(r.notes.isEmpty(), qPrintable(r.notes.join(QLatin1Char('\n'))));
    // Each member held back is hashed as the archive stores it.
    for (const QString& m : stream) {
        QCOMPARE(memberNamed(r, m)->sha256,
                 QString::fromLatin1(QCryptographicHash::hash(data.value(m), QCryptographicHash::Sha256).toHex()));
    }
    // The rotated sequence's rows' ids follow their time: no row is older than the one before it.
    QCOMPARE(count(*store, "SELECT count(*) FROM proxy_rows a JOIN proxy_rows b ON b.id = a.id + 1 "
                           "WHERE b.ts_us < a.ts_us AND a.ts_us < 1700001000000000"),
             0);
    QCOMPARE(count(*store, "SELECT count(*) FROM proxy_rows"), 15);
}

// Holding a member back costs memory: past ArchiveLimits::maxMemoryCopy it is imported where it
// stands, and the result says so.
void TestArchives::rotatedMemberPastTheMemoryBoundIsNamed() {
    const QHash<QString, QByteArray> data = rotatedMembers();
    const QString path =
        write(tmp_.filePath(QStringLiteral("rot-bound.tar")),
              writeArchive("gnutar", "none",
                           {{QStringLiteral("proxy/access.log.1"), data.value("proxy/access.log.1")},
                            {QStringLiteral("proxy/access.log.2.gz"), data.value("proxy/access.log.2.gz")},
                            {QStringLiteral("proxy/access.log.10.bz2"), data.value("proxy/access.log.10.bz2")}}));
    ImportOptions options;
    // access.log.1 (3 lines) does not fit; access.log.2.gz does.
    options.limits.maxMemoryCopy = data.value("proxy/access.log.2.gz").size() + 10;
    QVERIFY(data.value("proxy/access.log.1").size() > options.limits.maxMemoryCopy);
    auto store = CaseStore::open(tmp_.filePath(QStringLiteral("rot-bound.socwb")));
    const ImportResult r = importWith(*store, path, options);
    QCOMPARE(r.status, QStringLiteral("imported"));
    QCOMPARE(importedOrder(*store),
             (QStringList{QStringLiteral("proxy/access.log.1"), QStringLiteral("proxy/access.log.10.bz2"),
                          QStringLiteral("proxy/access.log.2.gz")}));
    QCOMPARE(r.notes, QStringList{QStringLiteral("proxy/access.log.1 was imported before proxy/access.log.2.gz, older "
                                                 "in its rotated sequence: holding it until then would take more "
                                                 "than %1 of memory (the limit)")
                                      .arg(QLocale::c().formattedDataSize(options.limits.maxMemoryCopy, 0,
                                                                          QLocale::DataSizeTraditionalFormat))});
}

void TestArchives::exerciseFolderGivesOnlyEvidence() {
    const QString exercise = QStringLiteral(SOCWB_SOURCE_DIR "/sample-data/exercises/1-easy");
    const collection_layout::Expanded e = collection_layout::expand({exercise});
    QCOMPARE(e.files.size(), 4);
    for (const QString& f : e.files) {
        QVERIFY2(f.contains(QStringLiteral("/evidence/")), qPrintable(f));
    }
    QVERIFY(e.notes.join(QLatin1Char(' ')).contains(QStringLiteral("only evidence/")));
}

// The preview's plan: an archive's members are the files to import, the archive row is not one.
void TestArchives::planCountsMembersAsFiles() {
    QTemporaryDir dir;
    const QString zip = write(dir.filePath(QStringLiteral("collection.zip")),
                              writeArchive("zip", "none",
                                           {{QStringLiteral("proxy/access.log"), squid(0, 5)},
                                            {QStringLiteral("proxy/access.log.1.gz"), compressed("gzip", squid(10, 5))},
                                            {QStringLiteral("core.bin"), QByteArray(4096, '\x01')}}));
    const QString log = write(dir.filePath(QStringLiteral("access.log")), squid(100, 3));
    const QVector<ImportPlanItem> plan = previewImport({zip, log});
    QCOMPARE(plan.size(), 5); // the archive, its three members, the log
    const PlanCounts c = countPlan(plan);
    QCOMPARE(c.files, 4);
    QCOMPARE(c.members, 3);
    QCOMPARE(c.archives, 1);
    QCOMPARE(c.unmatched, 1); // core.bin
    // Plain files only: no archive, nothing counted twice.
    const PlanCounts plain = countPlan(previewImport({log}));
    QCOMPARE(plain.files, 1);
    QCOMPARE(plain.members, 0);
    QCOMPARE(plain.archives, 0);
    QCOMPARE(plain.unmatched, 0);
}

// A member the analyst leaves out in the preview is folded into its archive's options and skipped by
// the importer with that reason; the other members are imported as the preview detected them.
void TestArchives::previewSkipOfAMemberReachesTheImporter() {
    QTemporaryDir dir;
    const QString zip =
        write(dir.filePath(QStringLiteral("collection.zip")),
              writeArchive("zip", "none",
                           {{QStringLiteral("proxy/access.log"), squid(0, 5)},
                            {QStringLiteral("proxy/access.log.1.gz"), compressed("gzip", squid(10, 4))}}));
    QVector<ImportPlanItem> plan = previewImport({zip});
    QCOMPARE(plan.size(), 3);
    QVERIFY(!plan[0].archive.isEmpty()); // the archive row first, then its members
    for (ImportPlanItem& it : plan) {
        if (!it.member.isEmpty()) {
            QCOMPARE(it.detected, QStringLiteral("squid"));
        }
        if (it.member == QLatin1String("proxy/access.log.1.gz")) {
            it.format.clear(); // "(skip this member)"
        }
    }
    const QVector<ImportPlanItem> folded = foldMembers(plan);
    QCOMPARE(folded.size(), 1);
    QCOMPARE(folded[0].memberFormats, (QHash<QString, QString>{{QStringLiteral("proxy/access.log.1.gz"), QString()}}));
    ImportOptions o;
    o.memberFormats = folded[0].memberFormats;
    auto store = CaseStore::open(dir.filePath(QStringLiteral("case.socwb")));
    const ImportResult r = importWith(*store, zip, o);
    QCOMPARE(r.status, QStringLiteral("imported"));
    QCOMPARE(r.accepted, 5);
    const ImportMemberResult* left = memberNamed(r, QStringLiteral("proxy/access.log.1.gz"));
    QVERIFY(left);
    QCOMPARE(left->status, QStringLiteral("skipped"));
    QVERIFY2(left->message.contains(QStringLiteral("left out in the import preview")), qPrintable(left->message));
}

// An archive refused while its members are listed (here: more members than ArchiveLimits allows)
// keeps one row, with the refusal as its reason; before, a second row of the same archive was added.
void TestArchives::previewOfAnArchivePastALimitKeepsOneRow() {
    QTemporaryDir dir;
    QVector<Entry> many;
    const int64_t n = ArchiveLimits{}.maxMembers + 1;
    for (int64_t i = 0; i < n; ++i) {
        many << Entry{QStringLiteral("m%1.log").arg(i), QByteArrayLiteral("x\n")};
    }
    const QString tar = write(dir.filePath(QStringLiteral("many.tar")), writeArchive("gnutar", "none", many));
    const QVector<ImportPlanItem> plan = previewImport({tar});
    int archiveRows = 0;
    for (const ImportPlanItem& it : plan) {
        archiveRows += it.archive.isEmpty() ? 0 : 1;
    }
    QCOMPARE(archiveRows, 1);
    QVERIFY2(plan[0].reason.contains(QStringLiteral("holds more than 20000 members")), qPrintable(plan[0].reason));
    QCOMPARE(plan[0].firstLines, plan[0].reason);
}

QTEST_GUILESS_MAIN(TestArchives)
#include "tst_archives.moc"
