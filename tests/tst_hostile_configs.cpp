// Configurations handed in are untrusted (issue 19): scoring YAMLs, the web-service catalog and
// suppression files are checked before they are stored or used (items 5-7), patterns that hit the
// regex engine's match limit are reported as such, globs are checked when added and compiled once
// a pass, and rules that would suppress everything are refused.
#include "core/resources.h"
#include "hostile_case.h"
#include "scoring/channel_scorer.h"
#include "scoring/scoring_config.h"
#include "scoring/suppression_store.h"
#include "scoring/web_service_catalog.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "test_paths.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace socwb;
using namespace socwb::scoring;
using namespace socwb::test;

namespace {

QByteArray defaults() {
    return resources::read(QStringLiteral("scoring/scoring.yaml"));
}

ChannelFeatures channel(const QString& host = QStringLiteral("WS01")) {
    ChannelFeatures f;
    f.key = host + QStringLiteral("|powershell.exe|pastebin.com|");
    f.hostId = 1;
    f.host = host;
    f.hostIps = QStringLiteral("10.0.0.5");
    f.processImage = QStringLiteral(R"(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)");
    f.processName = QStringLiteral("powershell.exe");
    f.destination = QStringLiteral("pastebin.com");
    f.registeredDomain = QStringLiteral("pastebin.com");
    f.polls = 30;
    f.firstTs = 1'700'000'000'000'000;
    f.lastTs = f.firstTs + 30LL * 60'000'000;
    f.medianInterval = 60;
    return f;
}

SuppressionRule rule(const char* field, const QString& value) {
    SuppressionRule r;
    r.reason = QStringLiteral("known");
    const QString f = QString::fromLatin1(field);
    (f == QLatin1String("host")          ? r.host
     : f == QLatin1String("process")     ? r.process
     : f == QLatin1String("destination") ? r.destination
     : f == QLatin1String("expires")     ? r.expiresAt
     : f == QLatin1String("created")     ? r.createdAt
                                         : r.urlPrefix) = value;
    if (f == QLatin1String("expires") || f == QLatin1String("created")) {
        r.destination = QStringLiteral("github.com");
    }
    return r;
}

QString writeFile(const QString& path, const QByteArray& text) {
    QFile f(path);
    f.open(QIODevice::WriteOnly | QIODevice::Truncate);
    f.write(text);
    return path;
}

} // namespace

class TestHostileConfigs : public QObject {
    Q_OBJECT
  private slots:
    void scoringConfigRefusesWhatItCannotUse_data();
    void scoringConfigRefusesWhatItCannotUse();
    void soundOverrideIsAcceptedAndApplied();
    void catalogRefusesWhatItCannotUse_data();
    void catalogRefusesWhatItCannotUse();
    void cliRefusesABadConfigBeforeStoringIt_data();
    void cliRefusesABadConfigBeforeStoringIt();
    void storedOverrideIsCheckedWhenRead();
    void matchLimitIsReportedNotTakenAsNoMatch();
    void globsAreCheckedWhenAdded();
    void badStoredGlobIsReportedOnceAndNotApplied();
    void suppressionsThatMeanTooMuchAreRefused_data();
    void suppressionsThatMeanTooMuchAreRefused();
    void suppressionFilesAreChecked_data();
    void suppressionFilesAreChecked();
    void fileOnWhichTheYamlParserStallsIsRefused();
    void aliasesCannotExpandARuleFileBeyondItsLimit();
    void importKeepsClaimsAsClaims();
    void alertsSayWhyTheyListNothing();

  private:
    QTemporaryDir dir_;
};

void TestHostileConfigs::scoringConfigRefusesWhatItCannotUse_data() {
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("says");
    QTest::newRow("NaN weight") << QByteArray("weights:\n  periodicity: .nan\n")
                                << "weights.periodicity: '.nan' is not a finite number";
    QTest::newRow("infinite weight") << QByteArray("weights:\n  periodicity: .inf\n")
                                     << "weights.periodicity: '.inf' is not a finite number";
    QTest::newRow("huge weight") << QByteArray("weights:\n  periodicity: 1e308\n")
                                 << "weights.periodicity: 1e308 is not a number from -100 to 100";
    QTest::newRow("NaN min_polls") << QByteArray("thresholds:\n  min_polls: .nan\n") << "thresholds.min_polls";
    QTest::newRow("negative min_polls") << QByteArray("thresholds:\n  min_polls: -5\n")
                                        << "thresholds.min_polls: -5 is not a whole number from 2";
    QTest::newRow("band NaN") << QByteArray("severity:\n  high: .nan\n") << "severity.high: '.nan'";
    QTest::newRow("band 0") << QByteArray("severity:\n  low: 0\n") << "severity.low: 0 is not a number from 1 to 100";
    QTest::newRow("band 101") << QByteArray("severity:\n  critical: 101\n") << "severity.critical: 101";
    QTest::newRow("bands out of order") << QByteArray("severity:\n  high: 90\n")
                                        << "severity.high must be below the band above it";
    QTest::newRow("unknown key") << QByteArray("weights:\n  periodicty: 20\n") << "did you mean 'periodicity'?";
    QTest::newRow("unknown key at the top") << QByteArray("periodicty: 20\n") << "did you mean 'weights.periodicity'?";
    QTest::newRow("duplicate key") << QByteArray("weights:\n  browser: -22\n  browser: 5\n") << "sets 'browser' twice";
    QTest::newRow("second document") << QByteArray("weights: {browser: -1}\n---\nweights: {browser: -30}\n")
                                     << "holds 2 YAML documents";
    QTest::newRow("too big") << QByteArray("# ") + QByteArray(2 * 1024 * 1024, 'x') + "\n"
                             << "larger than 1024 KiB";
    QTest::newRow("nesting bomb") << QByteArray(100000, '[') + QByteArray(100000, ']') << "nested deeper than";
    QTest::newRow("bad pattern") << QByteArray("hidden_command_line: ['(unclosed']\n")
                                 << "hidden_command_line entry 1: bad pattern";
    QTest::newRow("map for a list") << QByteArray("browsers: {chrome.exe: 1}\n") << "browsers: is not a list";
    QTest::newRow("list for a number") << QByteArray("weights:\n  browser: [1]\n")
                                       << "weights.browser: is not a number";
}

// Each of these passed validation before issue 19 (or aborted): a NaN weight then broke every
// later score with "NOT NULL constraint failed: alerts.score".
void TestHostileConfigs::scoringConfigRefusesWhatItCannotUse() {
    QFETCH(QByteArray, yaml);
    QFETCH(QString, says);
    try {
        ScoringConfig::fromYaml(defaults(), yaml);
        QFAIL("accepted");
    } catch (const std::runtime_error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(says), e.what());
    }
}

void TestHostileConfigs::soundOverrideIsAcceptedAndApplied() {
    const ScoringConfig c = ScoringConfig::fromYaml(
        defaults(), "weights:\n  browser: -30\nthresholds:\n  min_polls: 8\nbrowsers: [Chrome.exe]\n");
    QCOMPARE(c.weight("browser"), -30.0);
    QCOMPARE(c.threshold("min_polls"), 8.0);
    QCOMPARE(c.weight("periodicity"), 24.0); // kept from the defaults
    QVERIFY(c.browsers.count("chrome.exe") == 1 && c.browsers.size() == 1);
}

void TestHostileConfigs::catalogRefusesWhatItCannotUse_data() {
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("says");
    const QByteArray ok = "  - {id: a, domains: [a.example]}\n";
    QTest::newRow("NaN risk") << "services:\n  - {id: a, risk: .nan, domains: [a.example]}\n" + QByteArray()
                              << "service 'a'.risk: '.nan' is not a finite number";
    QTest::newRow("risk 5") << QByteArray("services:\n  - {id: a, risk: 5, domains: [a.example]}\n")
                            << "risk: 5 is not a number from 0 to 1";
    QTest::newRow("unknown key") << QByteArray("services:\n  - {id: a, domian: [a.example]}\n")
                                 << "unknown key 'domian' (line 2); did you mean 'domains'?";
    QTest::newRow("same id twice") << "services:\n" + ok + ok << "id 'a' twice";
    QTest::newRow("unknown role") << QByteArray("services:\n  - {id: a, domains: [a.example], endpoints: "
                                                "[{name: e, role: boss, path: '^/x'}]}\n")
                                  << "endpoint 'e'.role: 'boss' is not command, output or payload";
    QTest::newRow("second document") << "services:\n" + ok + "---\nservices: []\n"
                                     << "holds 2 YAML documents";
}

void TestHostileConfigs::catalogRefusesWhatItCannotUse() {
    QFETCH(QByteArray, yaml);
    QFETCH(QString, says);
    try {
        WebServiceCatalog::fromYaml(yaml);
        QFAIL("accepted");
    } catch (const std::runtime_error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(says), e.what());
    }
    QVERIFY(!WebServiceCatalog::load().services().empty()); // the shipped catalog passes
}

void TestHostileConfigs::cliRefusesABadConfigBeforeStoringIt_data() {
    QTest::addColumn<QString>("config");
    QTest::addColumn<QString>("says");
    QTest::newRow("/dev/zero") << "/dev/zero"
                               << "/dev/zero is larger than 1024 KiB";
    QTest::newRow("NaN weight") << writeFile(dir_.filePath("nan.yaml"), "weights:\n  periodicity: .nan\n")
                                << "weights.periodicity: '.nan' is not a finite number";
}

// `--config /dev/zero` aborted on std::bad_alloc (exit 134); a NaN weight was stored and broke
// every later pass. Now: exit 2, the case's override untouched, and the case still scores.
void TestHostileConfigs::cliRefusesABadConfigBeforeStoringIt() {
    QFETCH(QString, config);
    QFETCH(QString, says);
    const QString c = hostileBase(dir_.path());
    const CliRun r = runCli({"score", c, "--config", config});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(says.toUtf8()), r.err.constData());
    {
        auto store = CaseStore::open(c, CaseStore::Access::ReadOnly);
        QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM case_meta WHERE key = 'scoring.yaml'").value(),
                 int64_t(0));
    }
    QCOMPARE(runCli({"score", c, "--rescore"}).exitCode, 0);
}

// A case whose stored override was edited into something invalid is refused by name (exit 3), with
// the way out, rather than failing every pass with a database constraint.
void TestHostileConfigs::storedOverrideIsCheckedWhenRead() {
    const QString c = tamperedCase(
        dir_.path(), QStringLiteral("bad-override"),
        QStringLiteral("INSERT INTO case_meta(key, value) VALUES ('scoring.yaml', 'weights: {browser: .nan}');"));
    QVERIFY(!c.isEmpty());
    const CliRun r = runCli({"score", c, "--rescore"});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains("case_meta 'scoring.yaml'") && r.err.contains("weights.browser: '.nan'") &&
                 r.err.contains("--config -"),
             r.err.constData());
    QCOMPARE(runCli({"score", c, "--config", "-"}).exitCode, 0);
}

// A pattern that hits PCRE2's match limit on a long command line returned "no match", silently.
void TestHostileConfigs::matchLimitIsReportedNotTakenAsNoMatch() {
    const ScoringConfig c = ScoringConfig::fromYaml(defaults(), "hidden_command_line: ['^(a+)+$']\n");
    ChannelFeatures f = channel();
    f.commandLine = QString(100000, QLatin1Char('a')) + QLatin1Char('!');
    ChannelScorer scorer(c, {}, QDateTime::currentDateTimeUtc());
    const std::vector<ScoredChannel> s = scorer.score({f});
    bool said = false;
    for (const Factor& fa : s[0].factors) {
        said = said || (fa.name == QLatin1String("hidden_command_line") && fa.contribution == 0 &&
                        fa.detail.contains(QLatin1String("hit the regex engine's match limit")) &&
                        fa.detail.contains(QLatin1String("100001-character")));
    }
    QVERIFY(said);
    QCOMPARE(scorer.problems().size(), 1);
    QVERIFY(
        scorer.problems().first().startsWith(QLatin1String("1 pattern test(s) hit the regex engine's match limit")));
}

void TestHostileConfigs::globsAreCheckedWhenAdded() {
    try {
        validateSuppression(rule("host", QStringLiteral("[z-a]")));
        QFAIL("accepted");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QByteArray(e.what()).contains("host glob '[z-a]' is not valid: range out of order"), e.what());
    }
    validateSuppression(rule("host", QStringLiteral("WS0[1-3]*")));
}

// A stored rule with a glob that does not compile printed a warning per channel per re-score and
// never matched; now it is compiled once, reported once, and not applied.
void TestHostileConfigs::badStoredGlobIsReportedOnceAndNotApplied() {
    SuppressionRule bad = rule("host", QStringLiteral("[z-a]"));
    bad.id = 7;
    SuppressionRule good = rule("destination", QStringLiteral("pastebin.com"));
    good.id = 8;
    const ScoringConfig c = ScoringConfig::fromYaml(defaults());
    ChannelScorer scorer(c, {bad, good}, QDateTime::currentDateTimeUtc());
    const std::vector<ScoredChannel> s =
        scorer.score({channel(QStringLiteral("WS01")), channel(QStringLiteral("WS02"))});
    QCOMPARE(s[0].suppressedBy, 8);
    QCOMPARE(s[1].suppressedBy, 8);
    QCOMPARE(scorer.problems(), QStringList{"rule 7: host glob '[z-a]' is not valid: range out of order in character "
                                            "class; it is not applied"});
}

void TestHostileConfigs::suppressionsThatMeanTooMuchAreRefused_data() {
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("says");
    QTest::newRow("url scheme only") << "url"
                                     << "https://"
                                     << "names no host, so it would match every channel";
    QTest::newRow("url ://") << "url"
                             << "://"
                             << "names no host";
    QTest::newRow("url path only") << "url"
                                   << "/raw/"
                                   << "names no host";
    QTest::newRow("destination a public suffix") << "destination"
                                                 << "com"
                                                 << "'com' is a public suffix";
    QTest::newRow("destination co.uk") << "destination"
                                       << "co.uk"
                                       << "is a public suffix";
    QTest::newRow("destination with a path") << "destination"
                                             << "github.com/x"
                                             << "is not a host name";
    QTest::newRow("host * alone") << "host"
                                  << "*"
                                  << "would suppress every channel";
    QTest::newRow("expiry passed") << "expires"
                                   << "2020-01-01T00:00:00Z"
                                   << "has passed";
    QTest::newRow("expiry without zone") << "expires"
                                         << "2099-01-01T00:00:00"
                                         << "has no time zone";
    QTest::newRow("expiry not a time") << "expires"
                                       << "soon"
                                       << "is not an ISO-8601 time";
    QTest::newRow("created not a date") << "created"
                                        << "not a date"
                                        << "created_at 'not a date' is not an ISO-8601";
    QTest::newRow("created in the future") << "created"
                                           << "2099-01-01T00:00:00Z"
                                           << "lies in the future";
}

void TestHostileConfigs::suppressionsThatMeanTooMuchAreRefused() {
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, says);
    try {
        validateSuppression(rule(field.toLatin1().constData(), value), QDateTime::currentDateTimeUtc());
        QFAIL("accepted");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(says), e.what());
    }
}

void TestHostileConfigs::suppressionFilesAreChecked_data() {
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("says");
    QTest::newRow("unknown key") << QByteArray("suppressions:\n  - {destinaton: github.com, reason: r}\n")
                                 << "entry 1: unknown key 'destinaton' (line 2); did you mean 'destination'?";
    QTest::newRow("url prefix ://") << QByteArray("suppressions:\n  - {url_prefix: '://', reason: r}\n")
                                    << "entry 1: the URL prefix '://' names no host";
    QTest::newRow("bad glob") << QByteArray("suppressions:\n  - {host: '[z-a]', reason: r}\n") << "host glob '[z-a]'";
    QTest::newRow("enabled not a bool") << QByteArray("suppressions:\n  - {host: h, reason: r, enabled: maybe}\n")
                                        << "entry 1.enabled: is not true or false";
    QTest::newRow("second document") << QByteArray("- {host: h, reason: r}\n---\n- {host: i, reason: r}\n")
                                     << "holds 2 YAML documents";
    QTest::newRow("reason a list") << QByteArray("- {host: h, reason: [a, b]}\n") << "entry 1.reason: is not text";
}

void TestHostileConfigs::suppressionFilesAreChecked() {
    QFETCH(QByteArray, yaml);
    QFETCH(QString, says);
    try {
        suppressionsFromYaml(yaml);
        QFAIL("accepted");
    } catch (const std::runtime_error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(says), e.what());
    }
}

// fuzz_suppressions found a 60-byte file on which yaml-cpp's LoadAll never returned: it yields an
// empty document at the same place forever, and the list of documents ate 2 GB in seconds. Refused
// now, naming where the parser stops, for a suppression file and a scoring override alike (both read
// through checks::loadOne).
void TestHostileConfigs::fileOnWhichTheYamlParserStallsIsRefused() {
    QFile f(fixture(QStringLiteral("configs/endless-documents.yaml")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray yaml = f.readAll();
    try {
        suppressionsFromYaml(yaml);
        QFAIL("accepted");
    } catch (const std::runtime_error& e) {
        QCOMPARE(QString::fromUtf8(e.what()),
                 QStringLiteral("suppressions: is not YAML that can be read: the parser stops advancing at line 1, "
                                "column 1 (a ',' or bracket outside a list?)"));
    }
    const QByteArray defaults = resources::read(QStringLiteral("scoring/scoring.yaml"));
    try {
        ScoringConfig::fromYaml(defaults, yaml);
        QFAIL("accepted");
    } catch (const std::runtime_error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("the parser stops advancing at line 1")),
                 e.what());
    }
}

// One anchored entry repeated by aliases: 2,833 copies of 5,924 characters pass 16 M characters
// of rules from a 26 KB file (100,000 copies, the most entries a file may have, would be 1.2 GB). Refused at the entry
// that passes the limit, with its line.
void TestHostileConfigs::aliasesCannotExpandARuleFileBeyondItsLimit() {
    const QByteArray reason(1900, 'r');
    const QByteArray url = "updates.example.com/" + QByteArray(2000, 'p');
    QByteArray yaml = "suppressions:\n  - &a {host: 'WS0*', url_prefix: '" + url + "', reason: '" + reason +
                      "', author: '" + QByteArray(2000, 'a') + "'}\n";
    const qsizetype perRule = 4 + url.size() + reason.size() + 2000;
    const qsizetype copies = kMaxSuppressionTextChars / perRule + 1; // the first entry past the limit
    for (qsizetype i = 1; i < copies + 10; ++i) {
        yaml += "  - *a\n";
    }
    QVERIFY(yaml.size() < 64 * 1024);
    try {
        const QVector<SuppressionRule> rules = suppressionsFromYaml(yaml);
        QFAIL(qPrintable(QStringLiteral("accepted %1 rules").arg(rules.size())));
    } catch (const std::runtime_error& e) {
        QCOMPARE(QString::fromUtf8(e.what()),
                 QStringLiteral("suppressions: entry %1 (line 2): the rules up to here hold more than %2 characters "
                                "of text, more than a suppression file can spell out (YAML aliases repeat an "
                                "entry): refused")
                     .arg(copies)
                     .arg(kMaxSuppressionTextChars));
    }
    // The same rules spelled out one by one are within the limit while they are few.
    QCOMPARE(suppressionsFromYaml(yaml.left(yaml.indexOf("  - *a")) + "  - *a\n").size(), 2);
}

// A file's author and creation time are claims: kept, but shown as "NAME (imported by USER)"; a
// rule that has already expired is counted and left out, not stored as if it applied.
void TestHostileConfigs::importKeepsClaimsAsClaims() {
    const QString c = tamperedCase(dir_.path(), QStringLiteral("import"), QString());
    auto store = CaseStore::open(c);
    const SuppressionImport done =
        importSuppressions(*store, "suppressions:\n"
                                   "  - {destination: github.com, reason: r, author: mallory, "
                                   "created_at: '2024-01-01T00:00:00Z'}\n"
                                   "  - {destination: gitlab.com, reason: r, expires_at: "
                                   "'2024-01-02T00:00:00Z'}\n");
    QCOMPARE(done.added, 1);
    QCOMPARE(done.expired, 1);
    const QVector<SuppressionRule> rules = listSuppressions(store->db());
    QCOMPARE(rules.size(), 1);
    QCOMPARE(rules[0].author, QStringLiteral("mallory (imported by %1)").arg(CaseStore::actorName()));
    QCOMPARE(rules[0].createdAt, QStringLiteral("2024-01-01T00:00:00Z"));
    SuppressionRule entered = rule("destination", QStringLiteral("example.org"));
    entered.author = QStringLiteral("the boss");
    entered.createdAt = QStringLiteral("2001-01-01T00:00:00Z");
    addSuppression(*store, entered);
    const SuppressionRule back = listSuppressions(store->db()).last();
    QCOMPARE(back.author, QStringLiteral("the boss (entered by %1)").arg(CaseStore::actorName()));
    QVERIFY(QDateTime::fromString(back.createdAt, Qt::ISODateWithMs).secsTo(QDateTime::currentDateTimeUtc()) < 60);
}

// "no alerts in this case (run 'socwb-cli score CASE' first)" was said for an unscored case, for
// one whose every channel a rule suppressed, and for a filter that left nothing.
void TestHostileConfigs::alertsSayWhyTheyListNothing() {
    const QString unscored = dir_.filePath(QStringLiteral("unscored.socwb"));
    QCOMPARE(runCli({"import", unscored, fixture(QStringLiteral("squid/access.log"))}).exitCode, 0);
    const QString all = tamperedCase(dir_.path(), QStringLiteral("all-suppressed"),
                                     QStringLiteral("INSERT INTO suppressions(id, host, reason, author, created_at) "
                                                    "VALUES (1, 'h', 'r', 'a', '2024-01-01T00:00:00Z');"
                                                    "UPDATE alerts SET suppressed_by = 1;"));
    const QString base = hostileBase(dir_.path());
    const int64_t channels = [&] {
        auto store = CaseStore::open(base, CaseStore::Access::ReadOnly);
        return queryInt(store->db(), "SELECT count(*) FROM alerts").value();
    }();
    struct Case {
        QStringList args;
        QString says;
    };
    for (const Case& c : {Case{{"alerts", unscored}, "the case has not been scored: run 'socwb-cli score CASE'"},
                          Case{{"alerts", all},
                               QStringLiteral("every channel is suppressed: %1 channels by 1 "
                                              "rule; --suppressed lists them")
                                   .arg(channels)},
                          Case{{"alerts", base, "--min-score", "99.5"},
                               QStringLiteral("no channel matched your filter (--min-score 99.5): %1 channels score "
                                              "below it")
                                   .arg(channels)}}) {
        const CliRun r = runCli(c.args);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.isEmpty());
        QCOMPARE(QString::fromUtf8(r.err).trimmed(), c.says);
    }
}

QTEST_GUILESS_MAIN(TestHostileConfigs)
#include "tst_hostile_configs.moc"
