// The scenario generator end to end: the same seed writes the same bytes, every file it writes is
// read back by `socwb-cli import` without a reject and with the record counts the generator
// reports, truth.json lists what was planted, and a planted channel really polls at its cadence
// in the written proxy log. A fixed seed writes exactly the bytes it wrote when the generator was
// one file (before it was split by what it generates), so any change to the output is deliberate.
#include "scenario/channel_catalog.h"
#include "scenario/scenario_generator.h"
#include "test_paths.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

using socwb::test::runCli;

class TstScenarioGenerator : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir tmp_;

    QJsonObject generate(const QString& dir, const QStringList& extra) {
        QStringList args{QStringLiteral("generate"), dir, QStringLiteral("--json")};
        args += extra;
        const auto r = runCli(args, 300000);
        if (r.exitCode != 0) {
            qWarning("%s", r.err.constData());
        }
        return QJsonDocument::fromJson(r.out).object();
    }

    static QJsonObject readJson(const QString& path) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            return {};
        }
        return QJsonDocument::fromJson(f.readAll()).object();
    }

    static QJsonObject findChannel(const QJsonObject& truth, const QString& id) {
        for (const auto& c : truth.value("channels").toArray()) {
            if (c.toObject().value("id").toString() == id) {
                return c.toObject();
            }
        }
        return {};
    }

    // Squid native lines of one client and URL: their timestamps in milliseconds.
    static QList<qint64> squidTimes(const QString& path, const QString& clientIp, const QString& url) {
        QList<qint64> times;
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            return times;
        }
        while (!f.atEnd()) {
            const QList<QByteArray> fields = f.readLine().simplified().split(' ');
            if (fields.size() >= 7 && fields[2] == clientIp.toLatin1() && fields[6] == url.toLatin1()) {
                times << qint64(fields[0].toDouble() * 1000.0 + 0.5);
            }
        }
        return times;
    }

    static QList<double> gapsSeconds(const QList<qint64>& times) {
        QList<double> gaps;
        for (int i = 1; i < times.size(); ++i) {
            gaps << (times[i] - times[i - 1]) / 1000.0;
        }
        std::sort(gaps.begin(), gaps.end());
        return gaps;
    }

    // truth.json as it was before issue 17 added keys to it.
    static QJsonObject withoutIssue17Keys(QJsonObject truth) {
        auto strip = [](QJsonObject o, std::initializer_list<const char*> keys) {
            for (const char* k : keys) {
                o.remove(QLatin1String(k));
            }
            return o;
        };
        auto stripEach = [&strip](const QJsonArray& a, std::initializer_list<const char*> keys) {
            QJsonArray out;
            for (const auto& v : a) {
                out.append(strip(v.toObject(), keys));
            }
            return out;
        };
        truth["generator"] = strip(truth.value("generator").toObject(), {"world"});
        QJsonObject org = strip(truth.value("organisation").toObject(), {"dns_caching", "retention"});
        org["hosts"] = stripEach(org.value("hosts").toArray(), {"sharing", "device", "proxy_path"});
        truth["organisation"] = org;
        truth["files"] = stripEach(truth.value("files").toArray(), {"from"});
        QJsonArray channels;
        for (const auto& v : truth.value("channels").toArray()) {
            QJsonObject c = strip(v.toObject(), {"redirect"});
            c["destination"] = strip(c.value("destination").toObject(), {"addresses", "connect_targets"});
            c["counts"] = strip(c.value("counts").toObject(), {"connect_lines"});
            channels.append(c);
        }
        truth["channels"] = channels;
        QJsonObject key = truth.value("answer_key").toObject();
        key["items"] = stripEach(key.value("items").toArray(), {"addresses"});
        truth["answer_key"] = key;
        return truth;
    }

    // Lines of a text file split on single spaces (Squid native).
    static QList<QList<QByteArray>> squidLines(const QString& path) {
        QList<QList<QByteArray>> lines;
        QFile f(path);
        if (f.open(QIODevice::ReadOnly)) {
            while (!f.atEnd()) {
                lines << f.readLine().simplified().split(' ');
            }
        }
        return lines;
    }

    // Every file of a generated case imports without a reject and with the record count the
    // generator reported (proxy, DNS and assets into one case, each Sysmon file into its own).
    void checkImports(const QJsonObject& summary, const QString& tag) {
        const QJsonArray files = summary.value("files").toArray();
        QVERIFY(!files.isEmpty());

        const auto fr = runCli({"formats", "--json"});
        QCOMPARE(fr.exitCode, 0);
        QSet<QString> parsers;
        for (const auto& f : QJsonDocument::fromJson(fr.out).object().value("formats").toArray()) {
            parsers << f.toObject().value("name").toString();
        }

        // Proxy, DNS and assets go into one case (its counts are checked per source); each Sysmon
        // file gets its own case, since two renderings of the same events are one set of events.
        QStringList shared;
        QList<QJsonObject> sysmonFiles;
        qint64 proxyExpected = 0, dnsExpected = 0;
        QStringList notChecked;
        for (const auto& v : files) {
            const QJsonObject f = v.toObject();
            const QString kind = f.value("kind").toString();
            if (kind == QLatin1String("truth")) {
                continue;
            }
            if (!parsers.contains(f.value("parser").toString())) {
                notChecked << f.value("name").toString() + " (" + f.value("parser").toString() + ")";
                continue;
            }
            if (kind == QLatin1String("sysmon")) {
                sysmonFiles << f;
                continue;
            }
            shared << f.value("path").toString();
            if (kind == QLatin1String("proxy")) {
                proxyExpected += f.value("records").toInteger();
            } else if (kind == QLatin1String("dns")) {
                dnsExpected += f.value("records").toInteger();
            }
        }
        if (!notChecked.isEmpty()) {
            qInfo("not checked, no importer for their format in this build: %s", qPrintable(notChecked.join(", ")));
        }
        QVERIFY(!shared.isEmpty());

        auto importAll = [&](const QString& casePath, const QStringList& paths, const QList<QJsonObject>& expected) {
            const auto r =
                runCli(QStringList{"import", casePath} + paths + QStringList{"--json", "--tz", "UTC"}, 600000);
            QVERIFY2(r.exitCode == 0, r.err.constData());
            const QJsonArray results = QJsonDocument::fromJson(r.out).object().value("files").toArray();
            QCOMPARE(results.size(), paths.size());
            for (const auto& res : results) {
                const QJsonObject o = res.toObject();
                const QString name = QFileInfo(o.value("path").toString()).fileName();
                QVERIFY2(o.value("status").toString() == QLatin1String("imported"),
                         qPrintable(name + ": " + o.value("message").toString()));
                QVERIFY2(o.value("rejected").toInteger() == 0,
                         qPrintable(name + ": " + QJsonDocument(o.value("reject_samples").toArray()).toJson()));
                for (const QJsonObject& e : expected) {
                    if (e.value("name").toString() == name) {
                        QCOMPARE(o.value("format").toString(), e.value("parser").toString());
                        QCOMPARE(o.value("accepted").toInteger(), e.value("records").toInteger());
                    }
                }
            }
        };
        QList<QJsonObject> all;
        for (const auto& v : files) {
            all << v.toObject();
        }
        const QString casePath = tmp_.filePath(tag + ".socwb");
        importAll(casePath, shared, all);
        if (QTest::currentTestFailed()) {
            return;
        }
        const auto info = runCli({"info", casePath, "--json"});
        QCOMPARE(info.exitCode, 0);
        const QJsonObject counts = QJsonDocument::fromJson(info.out).object().value("counts").toObject();
        QCOMPARE(counts.value("proxy").toInteger(), proxyExpected);
        QCOMPARE(counts.value("dns").toInteger(), dnsExpected);
        QCOMPARE(proxyExpected,
                 summary.value("records").toObject().value("proxy").toInteger() * 4); // four proxy renderings
        QCOMPARE(dnsExpected, summary.value("records").toObject().value("dns").toInteger() * 3); // three DNS renderings

        for (const QJsonObject& f : sysmonFiles) {
            const QString sysCase = tmp_.filePath(tag + "-" + f.value("format").toString() + ".socwb");
            importAll(sysCase, {f.value("path").toString()}, all);
            if (QTest::currentTestFailed()) {
                return;
            }
            const auto si = runCli({"info", sysCase, "--json"});
            QCOMPARE(QJsonDocument::fromJson(si.out).object().value("counts").toObject().value("sysmon").toInteger(),
                     f.value("records").toInteger());
        }
    }

  private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void sameSeedSameBytes() {
        const QStringList opts{"--seed", "7", "--hosts", "5", "--servers", "3", "--days", "1", "--formats", "all"};
        const QString a = tmp_.filePath("det-a"), b = tmp_.filePath("det-b"), c = tmp_.filePath("det-c");
        const QJsonObject sa = generate(a, opts);
        const QJsonObject sb = generate(b, opts);
        QStringList otherSeed = opts;
        otherSeed[1] = QStringLiteral("8");
        generate(c, otherSeed);
        const QJsonArray files = sa.value("files").toArray();
        QCOMPARE(files.size(), 14); // thirteen evidence formats (three of them the edge sensor's) and truth.json
        QCOMPARE(sb.value("files").toArray().size(), files.size());
        for (const auto& v : files) {
            const QString name = v.toObject().value("name").toString();
            QFile fa(QDir(a).filePath(name)), fb(QDir(b).filePath(name));
            QVERIFY2(fa.open(QIODevice::ReadOnly) && fb.open(QIODevice::ReadOnly), qPrintable(name));
            const QByteArray da = fa.readAll();
            QVERIFY2(!da.isEmpty(), qPrintable(name));
            QVERIFY2(da == fb.readAll(), qPrintable(name + " differs between two runs with the same seed"));
        }
        QFile fa(QDir(a).filePath("access.log")), fc(QDir(c).filePath("access.log"));
        QVERIFY(fa.open(QIODevice::ReadOnly) && fc.open(QIODevice::ReadOnly));
        QVERIFY2(fa.readAll() != fc.readAll(), "another seed should give other traffic");
    }

    // Every file a fixed seed writes, hashed together (names, sizes and bytes, by name). The value
    // was computed by the generator before it was split into files by what it generates; it
    // changes only when the generated output does, and then this test must be updated on purpose.
    // (Debian 12's libm: the generator's draws go through exp/log, whose last bits are the
    // platform's.)
    void fixedSeedWritesKnownBytes() {
        socwb::scenario::GeneratorOptions o;
        o.seed = 7;
        o.workstations = 8;
        o.servers = 6;
        o.days = 3;
        o.scenario = "all";
        // The formats there were when these bytes were taken; the edge sensor's (#26) came later and
        // must leave every one of them as it was.
        for (const std::string& f : socwb::scenario::ScenarioGenerator::formatNames()) {
            if (!socwb::scenario::ScenarioGenerator::isSensorFormat(f)) {
                o.formats.push_back(f);
            }
        }
        QCOMPARE(o.formats.size(), size_t(10));
        socwb::scenario::ScenarioGenerator g(o);
        QVERIFY(g.validate().empty());
        g.simulate();
        const QString dir = tmp_.filePath("golden");
        const socwb::scenario::GenerationSummary summary = g.write(dir.toStdString());
        QCOMPARE(summary.files.size(), o.formats.size() + 1); // and truth.json
        QStringList names = QDir(dir).entryList(QDir::Files, QDir::Name);
        QCOMPARE(names.size(), int(summary.files.size()));
        QCryptographicHash all(QCryptographicHash::Sha256);
        for (const QString& name : names) {
            QFile f(QDir(dir).filePath(name));
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(name));
            QByteArray bytes = f.readAll();
            QVERIFY2(!bytes.isEmpty(), qPrintable(name));
            if (name == QLatin1String("truth.json")) {
                // truth.json gained keys for issue 17 (none renamed, no value changed): without them
                // it must be the very bytes it was.
                const QJsonObject truth = QJsonDocument::fromJson(bytes).object();
                QCOMPARE(truth.value("generator").toObject().value("world").toInt(), 1);
                bytes = QJsonDocument(withoutIssue17Keys(truth)).toJson(QJsonDocument::Indented);
            }
            all.addData(name.toUtf8() + '\0' + QByteArray::number(bytes.size()) + '\0');
            all.addData(bytes);
        }
        QCOMPARE(QString::fromLatin1(all.result().toHex()),
                 QStringLiteral("90e314b035f4c5b200c8d193530763778f2243432ff8e65c2c9bda7ab355ca44"));
    }

    void importsWithoutRejects() {
        const QString dir = tmp_.filePath("imp");
        checkImports(
            generate(dir, {"--seed", "11", "--hosts", "6", "--servers", "3", "--days", "1", "--formats", "all"}),
            "imp");
    }

    void truthListsEveryScenario() {
        const QString dir = tmp_.filePath("truth");
        generate(dir, {"--seed", "3", "--hosts", "12", "--servers", "4", "--days", "2", "--scenario", "all",
                       "--formats", "squid"});
        const QJsonObject truth = readJson(QDir(dir).filePath("truth.json"));
        QCOMPARE(truth.value("format").toString(), QStringLiteral("socwb-truth"));
        QCOMPARE(truth.value("version").toInt(), 1);
        std::string unknown;
        const auto positives = socwb::scenario::ChannelCatalog::positivesFor("all", &unknown);
        QVERIFY(positives.size() >= 11);
        QSet<QString> hostNames;
        for (const auto& h : truth.value("organisation").toObject().value("hosts").toArray()) {
            hostNames << h.toObject().value("name").toString();
        }
        QCOMPARE(hostNames.size(), 16);
        for (const auto& id : positives) {
            const QJsonObject c = findChannel(truth, QString::fromStdString(id));
            QVERIFY2(!c.isEmpty(), id.c_str());
            QCOMPARE(c.value("kind").toString(), QStringLiteral("positive"));
            QCOMPARE(c.value("technique").toString(), QStringLiteral("T1102.003"));
            QCOMPARE(c.value("expected_verdict").toString(), QStringLiteral("malicious"));
            QVERIFY(c.value("counts").toObject().value("requests").toInteger() > 0);
            QVERIFY(!c.value("process").toObject().value("image").toString().isEmpty());
            const QJsonArray hosts = c.value("hosts").toArray();
            QCOMPARE(hosts.size(), 1);
            QVERIFY(hostNames.contains(hosts.first().toObject().value("name").toString()));
        }
        // Visibility follows the scenario: the DNS-only host has no proxy line, the no-Sysmon host no events.
        const QJsonObject dnsOnly = findChannel(truth, "dns-only-linux");
        QCOMPARE(dnsOnly.value("visibility").toObject().value("proxy").toString(), QStringLiteral("none"));
        QCOMPARE(dnsOnly.value("counts").toObject().value("proxy_lines").toInteger(), 0);
        QVERIFY(dnsOnly.value("counts").toObject().value("dns_queries").toInteger() > 0);
        QCOMPARE(findChannel(truth, "no-sysmon-wscript").value("counts").toObject().value("sysmon_events").toInteger(),
                 0);
        QCOMPARE(findChannel(truth, "working-hours-onedrive").value("visibility").toObject().value("proxy").toString(),
                 QStringLiteral("connect-only"));
        // Look-alikes are there too, and the answer key covers every channel with points.
        int lookalikes = 0;
        for (const auto& c : truth.value("channels").toArray()) {
            lookalikes += c.toObject().value("kind").toString() == QLatin1String("look-alike") ? 1 : 0;
        }
        QVERIFY(lookalikes >= 10);
        QVERIFY(!findChannel(truth, "dev-git-autofetch").isEmpty());
        QVERIFY(!findChannel(truth, "ci-runner-gitlab").isEmpty());
        const QJsonObject key = truth.value("answer_key").toObject();
        const QJsonArray items = key.value("items").toArray();
        QVERIFY(items.size() >= truth.value("channels").toArray().size());
        int sum = 0;
        for (const auto& i : items) {
            const QJsonObject o = i.toObject();
            QVERIFY(!o.value("hosts").toArray().isEmpty());
            QVERIFY(!o.value("registrable_domain").toString().isEmpty());
            QVERIFY(o.value("expected").toString() == QLatin1String("malicious") ||
                    o.value("expected").toString() == QLatin1String("benign"));
            sum += o.value("points").toInt();
        }
        QCOMPARE(key.value("total_points").toInt(), sum);
        const QJsonObject pastebin = findChannel(truth, "pastebin-powershell");
        QCOMPARE(pastebin.value("destination").toObject().value("registrable_domain").toString(),
                 QStringLiteral("pastebin.com"));
        QCOMPARE(
            findChannel(truth, "github-python").value("destination").toObject().value("registrable_domain").toString(),
            QStringLiteral("raw.githubusercontent.com"));
    }

    void plantedChannelsPollAtTheirCadence() {
        const QString dir = tmp_.filePath("cadence");
        generate(dir, {"--seed", "5", "--hosts", "8", "--servers", "2", "--days", "2", "--scenario", "easy,medium",
                       "--formats", "squid"});
        const QJsonObject truth = readJson(QDir(dir).filePath("truth.json"));
        const QString log = QDir(dir).filePath("access.log");

        // Fixed interval: PowerShell every 60 s (±2%), one line per poll.
        const QJsonObject fixed = findChannel(truth, "pastebin-powershell");
        const QString ip = fixed.value("hosts").toArray().first().toObject().value("ip").toString();
        const QList<qint64> times = squidTimes(log, ip, fixed.value("destination").toObject().value("url").toString());
        QCOMPARE(times.size(), fixed.value("counts").toObject().value("proxy_lines").toInt());
        QVERIFY(times.size() > 1000); // about 38 hours at one a minute
        const QList<double> gaps = gapsSeconds(times);
        const double median = gaps[gaps.size() / 2];
        QVERIFY2(median > 59.0 && median < 61.0, qPrintable(QString::number(median)));
        QVERIFY2(gaps[gaps.size() / 20] > 57.0 && gaps[gaps.size() * 19 / 20] < 63.0,
                 qPrintable(QStringLiteral("%1 .. %2").arg(gaps[gaps.size() / 20]).arg(gaps[gaps.size() * 19 / 20])));

        // Jittered: 300 s ±60%, so gaps spread over roughly 120..480 s around a 300 s median.
        const QJsonObject jittered = findChannel(truth, "jitter-unknown-binary");
        const QString jip = jittered.value("hosts").toArray().first().toObject().value("ip").toString();
        const QList<double> jgaps =
            gapsSeconds(squidTimes(log, jip, jittered.value("destination").toObject().value("url").toString()));
        QVERIFY(jgaps.size() > 100);
        QVERIFY2(jgaps.first() < 150 && jgaps.last() > 450,
                 qPrintable(QStringLiteral("%1 .. %2").arg(jgaps.first()).arg(jgaps.last())));
        const double jmedian = jgaps[jgaps.size() / 2];
        QVERIFY2(jmedian > 260 && jmedian < 340, qPrintable(QString::number(jmedian)));
    }

    void worldTwoPicksALogFamilyPerSeed() {
        using socwb::scenario::ScenarioGenerator;
        QSet<QString> proxies, dns;
        for (uint64_t seed = 1; seed <= 20; ++seed) {
            const auto f = ScenarioGenerator::defaultFormats(2, seed);
            QCOMPARE(f.size(), size_t(4));
            proxies << QString::fromStdString(f[0]);
            dns << QString::fromStdString(f[1]);
            // A family is whole: Squid goes with Zeek and Sysmon XML, Blue Coat with Windows DNS and Winlogbeat.
            QCOMPARE(QString::fromStdString(f[2]),
                     f[0] == "squid" ? QStringLiteral("sysmon-xml") : QStringLiteral("winlogbeat"));
        }
        QCOMPARE(proxies, (QSet<QString>{"squid", "w3c"}));
        QCOMPARE(dns, (QSet<QString>{"zeek-dns", "zeek-dns-json", "windows-dns"}));
        QVERIFY(ScenarioGenerator::defaultFormats(1, 7) == ScenarioGenerator::defaultFormats());
    }

    // World 2 end to end on a small case: the same options write the same bytes, every file imports
    // without a reject, and what was planted is in the files as truth.json says.
    void worldTwoPlantsWhatTruthSays() {
        const QStringList opts{"--world",   "2", "--seed", "4", "--hosts",   "8",
                               "--servers", "6", "--days", "1", "--formats", "all"};
        const QString dir = tmp_.filePath("w2"), again = tmp_.filePath("w2-again");
        const QJsonObject summary = generate(dir, opts);
        generate(again, opts);
        const QJsonArray files = summary.value("files").toArray();
        QCOMPARE(files.size(), 11);
        for (const auto& v : files) {
            const QString name = v.toObject().value("name").toString();
            QFile fa(QDir(dir).filePath(name)), fb(QDir(again).filePath(name));
            QVERIFY2(fa.open(QIODevice::ReadOnly) && fb.open(QIODevice::ReadOnly), qPrintable(name));
            QVERIFY2(fa.readAll() == fb.readAll(), qPrintable(name + " differs between two runs with the same seed"));
        }
        checkImports(summary, "w2");
        if (QTest::currentTestFailed()) {
            return;
        }

        const QJsonObject truth = readJson(QDir(dir).filePath("truth.json"));
        QCOMPARE(truth.value("generator").toObject().value("world").toInt(), 2);
        QVERIFY(truth.value("generator").toObject().value("command").toString().endsWith("--world 2"));
        // Hosts: 8 workstations, 6 servers, the proxy, 3 sessions on the one VDA, 4 guest devices.
        const QJsonArray hosts = truth.value("organisation").toObject().value("hosts").toArray();
        QCOMPARE(hosts.size(), 22);
        int sessions = 0, devices = 0;
        QSet<QString> roles;
        for (const auto& h : hosts) {
            sessions += h.toObject().value("sharing").toString() == QLatin1String("vda-session") ? 1 : 0;
            devices += h.toObject().value("sharing").toString() == QLatin1String("nat-device") ? 1 : 0;
            roles << h.toObject().value("role").toString();
        }
        QCOMPARE(sessions, 3);
        QCOMPARE(devices, 4);
        for (const char* role : {"workstation", "domain-controller", "build-server", "file-server"}) {
            QVERIFY2(!roles.contains(role), role); // not world 1's role names
        }
        QVERIFY(roles.contains("Citrix VDA (multi-session)") && roles.contains("MSSQL"));
        QFile assets(QDir(dir).filePath("assets.csv"));
        QVERIFY(assets.open(QIODevice::ReadOnly));
        QCOMPARE(assets.readAll().count('\n'), 1 + 8 + 6 + 1 + 1); // header, machines, proxy, the NAT

        std::string unknown;
        const auto positives = socwb::scenario::ChannelCatalog::positivesFor("all", &unknown, 2);
        QCOMPARE(positives.size(), size_t(10));
        int planted = 0;
        for (const auto& c : truth.value("channels").toArray()) {
            planted += c.toObject().value("kind").toString() == QLatin1String("positive") ? 1 : 0;
        }
        QCOMPARE(planted, 10);
        for (const auto& id : positives) {
            const QJsonObject c = findChannel(truth, QString::fromStdString(id));
            QVERIFY2(!c.isEmpty(), id.c_str());
            QVERIFY2(c.value("counts").toObject().value("requests").toInteger() > 0, id.c_str());
            QVERIFY2(!c.value("destination").toObject().value("addresses").toArray().isEmpty(), id.c_str());
        }

        // One answer-key item per finding: the beacon posts its results to the address it polls (one
        // item), the Google Docs export's redirect target is a second finding.
        QMap<QString, int> items;
        for (const auto& i : truth.value("answer_key").toObject().value("items").toArray()) {
            ++items[i.toObject().value("channel").toString()];
        }
        QCOMPARE(items.value("w2-bare-address-beacon"), 1);
        QCOMPARE(items.value("w2-gdocs-export-mshta"), 2);

        const QString log = QDir(dir).filePath("access.log");
        const auto lines = squidLines(log);
        // The transparent proxy: a CONNECT to an address before the decrypted requests of a session.
        const QJsonObject pastebin = findChannel(truth, "w2-pastebin-runkey");
        const QString pip = pastebin.value("hosts").toArray().first().toObject().value("ip").toString();
        QSet<QString> pastebinAddresses;
        for (const auto& a : pastebin.value("destination").toObject().value("addresses").toArray()) {
            pastebinAddresses << a.toString();
        }
        QByteArray sessionAddress;
        int connects = 0, decrypted = 0;
        for (const auto& f : lines) {
            if (f.size() < 9 || f[2] != pip.toLatin1()) {
                continue;
            }
            if (f[5] == "CONNECT" && f[3] == "NONE_NONE/200") {
                const QByteArray address = f[6].left(f[6].indexOf(':'));
                if (pastebinAddresses.contains(QString::fromLatin1(address))) {
                    QCOMPARE(f[6], address + ":443");
                    sessionAddress = address;
                    ++connects;
                }
            } else if (f[6].startsWith("https://pastebin.com/raw/")) {
                QCOMPARE(f[8], "ORIGINAL_DST/" + sessionAddress); // the session its CONNECT opened
                ++decrypted;
            }
        }
        const QJsonObject pc = pastebin.value("counts").toObject();
        QCOMPARE(connects, pc.value("connect_lines").toInt());
        QCOMPARE(connects + decrypted, pc.value("proxy_lines").toInt());
        QVERIFY2(decrypted > 2 * connects, "kept-alive sessions carry several polls");
        QVERIFY(pastebin.value("destination").toObject().value("connect_targets").toArray().size() >= 2);

        // The forward proxy without inspection: one CONNECT host:443 line per kept-alive connection.
        const QJsonObject sql = findChannel(truth, "w2-sql-agent-gitlab");
        const QString sip = sql.value("hosts").toArray().first().toObject().value("ip").toString();
        int gitlab = 0;
        for (const auto& f : lines) {
            gitlab += f.size() >= 7 && f[2] == sip.toLatin1() && f[5] == "CONNECT" && f[6] == "gitlab.com:443";
        }
        QCOMPARE(gitlab, sql.value("counts").toObject().value("proxy_lines").toInt());
        QCOMPARE(gitlab, sql.value("counts").toObject().value("connect_lines").toInt());
        QVERIFY(sql.value("counts").toObject().value("requests").toInt() > 5 * gitlab);

        // Shared addresses: many User-Agents behind the guest NAT.
        QSet<QByteArray> guestAgents;
        QFile http(QDir(dir).filePath("http.log"));
        QVERIFY(http.open(QIODevice::ReadOnly));
        while (!http.atEnd()) {
            const QList<QByteArray> f = http.readLine().split('\t');
            if (f.size() > 12 && f[2] == "172.31.254.1") {
                guestAgents << f[12];
            }
        }
        QVERIFY2(guestAgents.size() >= 3, qPrintable(QString::number(guestAgents.size())));

        // DNS: retention, TTLs left by the server's cache, one address for several names, and the
        // DNS-only host's lookups paced by the TTL, not by its polls.
        const QJsonObject retention = truth.value("organisation").toObject().value("retention").toObject();
        const qint64 dnsFrom =
            QDateTime::fromString(retention.value("dns_from").toString(), Qt::ISODateWithMs).toMSecsSinceEpoch();
        const QJsonObject dnsOnly = findChannel(truth, "w2-dns-only-linux-cron");
        const QString dip = dnsOnly.value("hosts").toArray().first().toObject().value("ip").toString();
        QCOMPARE(dnsOnly.value("counts").toObject().value("proxy_lines").toInt(), 0);
        QFile dns(QDir(dir).filePath("dns.log"));
        QVERIFY(dns.open(QIODevice::ReadOnly));
        QMap<QByteArray, QSet<QByteArray>> namesOfAddress;
        QList<qint64> dnsOnlyTimes;
        qint64 first = -1;
        int partialTtl = 0;
        while (!dns.atEnd()) {
            const QByteArray line = dns.readLine().trimmed();
            if (line.startsWith('#')) {
                continue;
            }
            const QList<QByteArray> f = line.split('\t');
            QCOMPARE(f.size(), 24);
            const qint64 ms = qint64(f[0].toDouble() * 1000.0);
            first = first < 0 ? ms : first;
            for (const QByteArray& a : f[21].split(',')) {
                if (!a.isEmpty() && a.front() >= '0' && a.front() <= '9') {
                    namesOfAddress[a] << f[9];
                }
            }
            partialTtl += f[22].split(',').first().toDouble() < 300 && f[9] == "pastebin.com";
            if (f[2] == dip.toLatin1() && f[9] == "dpaste.org") {
                dnsOnlyTimes << ms;
            }
        }
        QVERIFY2(first >= dnsFrom, "no lookup before the DNS log's retention starts");
        QVERIFY(partialTtl > 0); // answers from the server's cache carry the TTL that is left
        int shared = 0;
        for (const auto& names : namesOfAddress) {
            shared += names.size() >= 2 ? 1 : 0;
        }
        QVERIFY2(shared > 0, "a CDN address answers for more than one name");
        QCOMPARE(dnsOnlyTimes.size(), dnsOnly.value("counts").toObject().value("dns_queries").toInt());
        QVERIFY(dnsOnlyTimes.size() > 10);
        QVERIFY(dnsOnlyTimes.size() * 2 < dnsOnly.value("counts").toObject().value("requests").toInt());
        const QList<double> gaps = gapsSeconds(dnsOnlyTimes);
        QVERIFY2(gaps.first() >= 299.0, qPrintable(QString::number(gaps.first()))); // polls every 120 s, TTL 300 s
    }

    void usageErrors() {
        QCOMPARE(runCli({"generate"}).exitCode, 2);
        QCOMPARE(runCli({"generate", tmp_.filePath("x"), "--scenario", "no-such-thing"}).exitCode, 2);
        QCOMPARE(runCli({"generate", tmp_.filePath("x"), "--formats", "squid,nope"}).exitCode, 2);
        QCOMPARE(runCli({"generate", tmp_.filePath("x"), "--days", "zero"}).exitCode, 2);
        QCOMPARE(runCli({"generate", tmp_.filePath("x"), "--start", "2024-13-40"}).exitCode, 2);
        QCOMPARE(runCli({"generate", tmp_.filePath("x"), "--world", "3"}).exitCode, 2);
        // World 2 simulates no network sensor: its formats are refused, not written empty.
        QCOMPARE(runCli({"generate", tmp_.filePath("x"), "--world", "2", "--formats", "zeek-conn"}).exitCode, 2);
        // World 1's exercise names are not world 2's scenarios.
        QCOMPARE(runCli({"generate", tmp_.filePath("x"), "--world", "2", "--scenario", "easy"}).exitCode, 2);
        const auto help = runCli({"generate", "--help"});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("--scenario"));
        QVERIFY(!QFileInfo::exists(tmp_.filePath("x")));
    }
};

QTEST_GUILESS_MAIN(TstScenarioGenerator)
#include "tst_scenario_generator.moc"
