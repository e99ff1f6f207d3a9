// Issue 21 (hunt export): the SIEM hunts written from the sample case name the planted channels'
// destinations and the scoring config's thresholds in SPL, KQL and ES|QL; KQL passes Microsoft's
// own parser (tests/kql_check.js with @kusto/language-service-next, run by Debian's nodejs); SPL
// and ES|QL use only the commands and functions, with the argument counts, that their references
// document (tests/fixtures/hunt/*-reference.txt); hostile destinations and hosts stay inside their
// string literals in all three.
#include "alert_fixture.h"
#include "core/resources.h"
#include "hunt/hunt_query.h"
#include "hunt/hunt_spec.h"
#include "scoring/scoring_config.h"
#include "scoring/web_service_catalog.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "test_paths.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <set>

using namespace socwb;
using namespace socwb::hunt;
using namespace socwb::test;

namespace {

const QString kKustoVersion = QStringLiteral("12.4.1"); // @kusto/language-service-next, pinned
const QList<HuntLanguage> kLanguages{HuntLanguage::Spl, HuntLanguage::Kql, HuntLanguage::Esql};
// A destination and a host as hostile evidence could name them: quotes of both kinds, backslashes,
// a pipe (a command separator in all three), a newline (ends a // comment), backticks (end an SPL
// comment), a comment opener and a wildcard.
const QString kHostileDest = QStringLiteral("evil\"'.ex\\ample|where 1==1\n// `x` */*.c2.test");
const QString kHostileHost = QStringLiteral("WS\"01|drop\n```");

// The query with every string literal emptied ("" stays) and every comment removed, by the
// language's lexical rules: what is left is the query's structure, which evidence must not change.
QString skeleton(const QString& q, HuntLanguage lang, QString* error = nullptr) {
    QString out;
    qsizetype i = 0;
    const auto fail = [&](const QString& why) {
        if (error) {
            *error = why;
        }
        return QString();
    };
    while (i < q.size()) {
        const QChar c = q.at(i);
        if (lang == HuntLanguage::Spl && q.mid(i, 3) == QLatin1String("```")) {
            const qsizetype end = q.indexOf(QLatin1String("```"), i + 3);
            if (end < 0) {
                return fail(QStringLiteral("unterminated comment at %1").arg(i));
            }
            i = end + 3;
            continue;
        }
        if (lang != HuntLanguage::Spl && q.mid(i, 2) == QLatin1String("//")) {
            const qsizetype end = q.indexOf(QLatin1Char('\n'), i);
            i = end < 0 ? q.size() : end + 1;
            out += QLatin1Char('\n');
            continue;
        }
        if (lang == HuntLanguage::Kql && c == QLatin1Char('@') && q.mid(i + 1, 1) == QLatin1String("\"")) {
            qsizetype j = i + 2;
            for (;; ++j) {
                if (j >= q.size() || q.at(j) == QLatin1Char('\n')) {
                    return fail(QStringLiteral("unterminated verbatim string at %1").arg(i));
                }
                if (q.at(j) == QLatin1Char('"')) {
                    if (q.mid(j + 1, 1) == QLatin1String("\"")) {
                        ++j;
                        continue;
                    }
                    break;
                }
            }
            out += QStringLiteral("@\"\"");
            i = j + 1;
            continue;
        }
        if (c == QLatin1Char('"')) {
            qsizetype j = i + 1;
            for (;; ++j) {
                if (j >= q.size() || q.at(j) == QLatin1Char('\n') || q.at(j) == QLatin1Char('\r')) {
                    return fail(QStringLiteral("unterminated string at %1").arg(i));
                }
                if (q.at(j) == QLatin1Char('\\')) {
                    ++j;
                    continue;
                }
                if (q.at(j) == QLatin1Char('"')) {
                    break;
                }
            }
            out += QStringLiteral("\"\"");
            i = j + 1;
            continue;
        }
        out += c;
        ++i;
    }
    return out;
}

// The skeleton with what the text's length and characters may change folded: numbers (SPL's
// substr(dest, -N) counts the destination) and SPL's joined literals ("a".urldecode("%0A")."b").
QString structure(const QString& q, HuntLanguage lang) {
    static const QRegularExpression joined(QStringLiteral(R"((?:urldecode\(""\)|"")(?:\.(?:urldecode\(""\)|""))*)"));
    static const QRegularExpression digits(QStringLiteral("[0-9]+"));
    return skeleton(q, lang).replace(joined, QStringLiteral("\"\"")).replace(digits, QStringLiteral("0"));
}

// The documented forms of one language (tests/fixtures/hunt/<lang>-reference.txt).
struct Reference {
    bool caseSensitive = true;
    std::map<QString, QStringList> commands; // name -> options (empty: not checked)
    struct Arity {
        int min = 0, max = 0; // max -1: any
        bool even = false;
    };
    std::map<QString, Arity> functions;
    std::set<QString> keywords;

    QString key(const QString& s) const { return caseSensitive ? s : s.toUpper(); }

    static Reference load(const QString& path) {
        Reference r;
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            qFatal("cannot read %s", qPrintable(path));
        }
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'));
        for (const QString& raw : lines) {
            const QStringList w = raw.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
            if (w.isEmpty() || w.first().startsWith(QLatin1Char('#'))) {
                continue;
            }
            if (w.first() == QLatin1String("case")) {
                r.caseSensitive = w.value(1) == QLatin1String("sensitive");
            } else if (w.first() == QLatin1String("command")) {
                QStringList options;
                if (w.value(2).startsWith(QLatin1String("options="))) {
                    options = w.value(2).mid(8).split(QLatin1Char(','));
                }
                r.commands[r.key(w.value(1))] = options;
            } else if (w.first() == QLatin1String("function")) {
                const QStringList range = w.value(2).split(QLatin1Char('-'));
                Arity a;
                a.min = range.value(0).toInt();
                a.max = range.value(1) == QLatin1String("*") ? -1 : range.value(1).toInt();
                a.even = w.value(3) == QLatin1String("even");
                r.functions[r.key(w.value(1))] = a;
            } else if (w.first() == QLatin1String("keyword")) {
                r.keywords.insert(r.key(w.value(1)));
            }
        }
        return r;
    }

    // Every command after a pipe (or an SPL subsearch's '['), its leading OPTION=VALUE words, and
    // every call NAME(...) with its argument count, against the reference. Empty: all documented.
    QStringList check(const QString& query, HuntLanguage lang) const {
        QString error;
        const QString s = skeleton(query, lang, &error);
        if (!error.isEmpty()) {
            return {error};
        }
        QStringList problems;
        static const QRegularExpression commandRe(QStringLiteral(R"((?:^|[|\[])\s*([A-Za-z_]+)([^|\[\]]*))"));
        for (auto it = commandRe.globalMatch(s); it.hasNext();) {
            const auto m = it.next();
            const auto c = commands.find(key(m.captured(1)));
            if (c == commands.end()) {
                problems << QStringLiteral("command '%1' is not in the reference").arg(m.captured(1));
                continue;
            }
            if (c->second.isEmpty()) {
                continue;
            }
            for (const QString& word : m.captured(2).split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
                const qsizetype eq = word.indexOf(QLatin1Char('='));
                if (eq <= 0) {
                    break;
                }
                if (!c->second.contains(word.left(eq))) {
                    problems << QStringLiteral("%1 has no option '%2'").arg(m.captured(1), word.left(eq));
                }
            }
        }
        static const QRegularExpression callRe(QStringLiteral(R"((?<![\w.@])([A-Za-z_][A-Za-z0-9_]*)\()"));
        for (auto it = callRe.globalMatch(s); it.hasNext();) {
            const auto m = it.next();
            const QString name = key(m.captured(1));
            if (keywords.count(name)) {
                continue;
            }
            const auto f = functions.find(name);
            if (f == functions.end()) {
                problems << QStringLiteral("function '%1' is not in the reference").arg(m.captured(1));
                continue;
            }
            int depth = 0, commas = 0;
            bool any = false;
            qsizetype j = m.capturedEnd();
            for (; j < s.size(); ++j) {
                const QChar ch = s.at(j);
                if (ch == QLatin1Char('(')) {
                    ++depth;
                } else if (ch == QLatin1Char(')')) {
                    if (depth-- == 0) {
                        break;
                    }
                } else if (ch == QLatin1Char(',') && depth == 0) {
                    ++commas;
                }
                any = any || !ch.isSpace();
            }
            if (j >= s.size()) {
                problems << QStringLiteral("%1( is not closed").arg(m.captured(1));
                continue;
            }
            const int args = any ? commas + 1 : 0;
            const Arity& a = f->second;
            if (args < a.min || (a.max >= 0 && args > a.max) || (a.even && args % 2 != 0)) {
                problems << QStringLiteral("%1 takes %2-%3%4 arguments, not %5")
                                .arg(m.captured(1))
                                .arg(a.min)
                                .arg(a.max < 0 ? QStringLiteral("*") : QString::number(a.max),
                                     a.even ? QStringLiteral(" (even)") : QString())
                                .arg(args);
            }
        }
        return problems;
    }
};

Reference referenceFor(HuntLanguage lang) {
    return Reference::load(fixture(QStringLiteral("hunt/%1-reference.txt").arg(languageName(lang))));
}

HuntSpec hostileSpec() {
    HuntSpec spec =
        configHunt(scoring::ScoringConfig::fromYaml(resources::read(QStringLiteral("scoring/scoring.yaml"))),
                   scoring::WebServiceCatalog::load());
    spec.domains = {kHostileDest};
    spec.shapes = {{kHostileDest, {kHostileDest}, QStringLiteral("^/raw/[A-Za-z0-9]{4,16}")}};
    spec.origin = kHostileHost;
    spec.cadenceS = 60;
    return spec;
}

HuntSpec benignSpec() {
    HuntSpec spec = hostileSpec();
    spec.domains = {QStringLiteral("benign.example")};
    spec.shapes.front().label = QStringLiteral("benign");
    spec.shapes.front().domains = spec.domains;
    spec.origin = QStringLiteral("benign");
    return spec;
}

} // namespace

class TestHunt : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void literalsEscapeEachLanguagesWay_data();
    void literalsEscapeEachLanguagesWay();
    void hostileTextStaysInsideItsLiterals();
    void sampleCaseHuntsNameThePlantedDestinations();
    void channelHuntCarriesItsCadence();
    void thresholdsComeFromTheCasesConfig();
    void splAndEsqlUseOnlyDocumentedForms();
    void theReferenceCheckerCatchesUndocumentedForms();
    void kqlPassesMicrosoftsParser();
    void luceneShapesMatchAsTheCatalogDoes();
    void cliWritesTheHuntAndRefusesBadArguments();

  private:
    // Runs tests/kql_check.js on the query: its exit code (0 clean, 1 errors) and output; skips the
    // calling test when node or the package is unavailable.
    bool kustoReady(QString* why);
    int kqlCheck(const QString& query, QString* output);

    QTemporaryDir dir_;
    QString sample_;
    QString node_, modules_;
};

void TestHunt::initTestCase() {
    QVERIFY(dir_.isValid());
    sample_ = scoredSampleCase(dir_.filePath(QStringLiteral("sample.socwb")));
    QVERIFY2(!sample_.isEmpty(), "socwb-cli could not import and score sample-data/case");
}

void TestHunt::literalsEscapeEachLanguagesWay_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("spl");
    QTest::addColumn<QString>("splSearch");
    QTest::addColumn<QString>("kql");
    QTest::addColumn<QString>("esql");
    QTest::newRow("plain") << "pastebin.com"
                           << "\"pastebin.com\""
                           << "\"pastebin.com\""
                           << "\"pastebin.com\""
                           << "\"pastebin.com\"";
    QTest::newRow("quote and backslash") << "a\"b\\c"
                                         << "\"a\\\"b\\\\c\""
                                         << "\"a\\\"b\\\\c\""
                                         << "\"a\\\"b\\\\c\""
                                         << "\"a\\\"b\\\\c\"";
    QTest::newRow("pipe") << "a|b"
                          << "\"a|b\""
                          << "\"a|b\""
                          << "\"a|b\""
                          << "\"a|b\"";
    QTest::newRow("newline and tab") << "a\nb\tc"
                                     << "\"a\".urldecode(\"%0A\").\"b\".urldecode(\"%09\").\"c\""
                                     << "\"a*b*c\""
                                     << "\"a\\nb\\tc\""
                                     << "\"a\\nb\\tc\"";
    QTest::newRow("other control") << QStringLiteral("a\u0001") << "\"a\".urldecode(\"%01\")"
                                   << "\"a*\""
                                   << "\"a\\u0001\"" << QStringLiteral("\"a\uFFFD\"");
    QTest::newRow("line separator") << QStringLiteral("\u2028x") << "urldecode(\"%E2%80%A8\").\"x\""
                                    << "\"*x\""
                                    << "\"\\u2028x\"" << QStringLiteral("\"\uFFFDx\"");
    QTest::newRow("empty") << ""
                           << "\"\""
                           << "\"\""
                           << "\"\""
                           << "\"\"";
}

void TestHunt::literalsEscapeEachLanguagesWay() {
    QFETCH(QString, text);
    QFETCH(QString, spl);
    QFETCH(QString, splSearch);
    QFETCH(QString, kql);
    QFETCH(QString, esql);
    QCOMPARE(splString(text), spl);
    QCOMPARE(splSearchValue(text), splSearch);
    QCOMPARE(kqlString(text), kql);
    QCOMPARE(esqlString(text), esql);
}

void TestHunt::hostileTextStaysInsideItsLiterals() {
    const HuntSpec hostile = hostileSpec();
    const HuntSpec benign = benignSpec();
    for (const HuntLanguage lang : kLanguages) {
        const QString q = writeHunt(hostile, lang);
        QString error;
        const QString shape = skeleton(q, lang, &error);
        QVERIFY2(error.isEmpty(), qPrintable(languageName(lang) + QLatin1String(": ") + error));
        // The same query structure as for a harmless destination: nothing of the evidence became query text.
        QCOMPARE(structure(q, lang), structure(writeHunt(benign, lang), lang));
        QVERIFY2(!shape.contains(QLatin1String("evil")) && !shape.contains(QLatin1String("drop")),
                 qPrintable(languageName(lang)));
        // And the destination is there, in the language's own literal.
        const QString literal = lang == HuntLanguage::Spl   ? splString(kHostileDest)
                                : lang == HuntLanguage::Kql ? kqlString(kHostileDest)
                                                            : esqlString(kHostileDest);
        QVERIFY2(q.contains(literal), qPrintable(languageName(lang)));
        // The origin (host name) reaches a comment only without its line break and backticks.
        QVERIFY2(q.contains(QLatin1String("WS\"01|drop????")), qPrintable(languageName(lang)));
    }
    // A hostile host and destination from a case: selected, quoted, never matched by SQL text.
    const QString path = dir_.filePath(QStringLiteral("hostile.socwb"));
    {
        auto store = CaseStore::open(path);
        FixtureAlert a;
        a.host = kHostileHost;
        a.destination = kHostileDest;
        a.service = QString();
        a.score = 70;
        a.severity = QStringLiteral("high");
        insertAlert(store->db(), a);
        HuntSelection sel;
        sel.host = kHostileHost;
        sel.dest = kHostileDest;
        const HuntSpec spec = huntFromCase(store->db(), sel);
        QCOMPARE(spec.domains, QStringList{kHostileDest.toLower()});
        QCOMPARE(spec.cadenceS, 60.0);
        sel.dest = QStringLiteral("' OR 1=1 --");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, huntFromCase(store->db(), sel));
    }
}

void TestHunt::sampleCaseHuntsNameThePlantedDestinations() {
    auto store = CaseStore::open(sample_, CaseStore::Access::ReadOnly);
    const HuntSpec all = huntFromCase(store->db(), {});
    QFile truthFile(QStringLiteral(SOCWB_SOURCE_DIR "/sample-data/truth.json"));
    QVERIFY(truthFile.open(QIODevice::ReadOnly));
    const QJsonArray items = QJsonDocument::fromJson(truthFile.readAll())
                                 .object()
                                 .value(QStringLiteral("answer_key"))
                                 .toObject()
                                 .value(QStringLiteral("items"))
                                 .toArray();
    int planted = 0;
    for (const QJsonValue& v : items) {
        const QJsonObject item = v.toObject();
        if (item.value(QStringLiteral("expected")).toString() != QLatin1String("malicious")) {
            continue;
        }
        ++planted;
        const QString dest = item.value(QStringLiteral("destination_host")).toString();
        const QString host = item.value(QStringLiteral("hosts")).toArray().first().toString();
        // The config-wide hunt covers the planted destination (itself or a catalogued parent domain) ...
        bool covered = false;
        for (const QString& d : all.domains) {
            covered = covered || dest == d || dest.endsWith(QLatin1Char('.') + d);
        }
        QVERIFY2(covered, qPrintable(dest));
        // ... and the channel's own hunt names it in each language's literal, with the thresholds.
        HuntSelection sel;
        sel.host = host;
        sel.dest = dest;
        const HuntSpec spec = huntFromCase(store->db(), sel);
        QVERIFY2(spec.domains.contains(dest), qPrintable(dest));
        QVERIFY2(!spec.shapes.empty(), qPrintable(dest + QLatin1String(": no catalog shape")));
        const QString spl = writeHunt(spec, HuntLanguage::Spl);
        const QString kql = writeHunt(spec, HuntLanguage::Kql);
        const QString esql = writeHunt(spec, HuntLanguage::Esql);
        QVERIFY2(spl.contains(QStringLiteral("dest=%1").arg(splString(dest))), qPrintable(dest));
        QVERIFY2(kql.contains(QStringLiteral("dest in (%1)").arg(kqlString(dest))), qPrintable(dest));
        QVERIFY2(esql.contains(QStringLiteral("dest IN (%1)").arg(esqlString(dest))), qPrintable(dest));
        // The engine's band test on a row (siem_channels.cpp): both gap quartiles within +-band.
        QVERIFY(spl.contains(QLatin1String("where polls>=6 AND intervals>=5 AND median_interval_s>=2 AND "
                                           "gap_p25>=0.5 * median_interval_s AND gap_p75<=1.5 * median_interval_s "
                                           "AND (web=1 OR has_web=0)")));
        QVERIFY(kql.contains(QLatin1String("let min_polls = 6;")) && kql.contains(QLatin1String("let band = 0.5;")));
        QVERIFY(kql.contains(QLatin1String("gap_p25 >= (1 - band) * median_interval_s and gap_p75 <= (1 + band) * "
                                           "median_interval_s")));
        // The DNS part: the resolver's lookups of the same names, a series only without web requests
        // (SPL, KQL); ES|QL reads dns.question.name.
        QVERIFY(spl.contains(QStringLiteral("datamodel=Network_Resolution.DNS where earliest=-7d (DNS.query=%1 OR "
                                            "DNS.query=%2")
                                 .arg(splSearchValue(dest), splSearchValue(QStringLiteral("*.") + dest))));
        QVERIFY(kql.contains(QLatin1String("let lookups = DnsEvents")) &&
                kql.contains(QLatin1String("join kind=leftanti web_pairs on src, dest")));
        QVERIFY(esql.contains(QLatin1String("COALESCE(url.domain, destination.domain, dns.question.name)")));
        QVERIFY(esql.contains(
            QLatin1String("WHERE polls >= 6 AND intervals >= 5 AND median_interval_s >= 2 AND spread <= 0.5")));
    }
    QCOMPARE(planted, 6);
    // The whole catalog's shapes, by their labels, in every language (ES|QL: those Lucene can say).
    const QString kql = writeHunt(all, HuntLanguage::Kql);
    for (const char* label :
         {"pastebin: raw paste (command)", "telegram: bot updates (command)", "github: gist (command)",
          "paste.ee: raw paste (command)", "rentry: raw entry (command)"}) {
        QVERIFY2(kql.contains(kqlString(QString::fromLatin1(label))), label);
        QVERIFY2(writeHunt(all, HuntLanguage::Spl).contains(splString(QString::fromLatin1(label))), label);
        QVERIFY2(writeHunt(all, HuntLanguage::Esql).contains(esqlString(QString::fromLatin1(label))), label);
    }
}

void TestHunt::channelHuntCarriesItsCadence() {
    auto store = CaseStore::open(sample_, CaseStore::Access::ReadOnly);
    HuntSelection sel;
    sel.host = QStringLiteral("WKS-LEG-01");
    sel.dest = QStringLiteral("pastebin.com");
    const HuntSpec spec = huntFromCase(store->db(), sel);
    QVERIFY2(qAbs(spec.cadenceS - 60) < 3, qPrintable(QString::number(spec.cadenceS))); // polls every 60 s
    QVERIFY(spec.origin.contains(QLatin1String("WKS-LEG-01")) && spec.origin.contains(QLatin1String("powershell.exe")));
    const QString lo = QString::number(spec.cadenceS / 2, 'g', 10), hi = QString::number(spec.cadenceS * 2, 'g', 10);
    QVERIFY(writeHunt(spec, HuntLanguage::Kql)
                .contains(QStringLiteral("median_interval_s between (%1 .. %2)").arg(lo, hi)));
    QVERIFY(writeHunt(spec, HuntLanguage::Spl)
                .contains(QStringLiteral("median_interval_s>=%1 AND median_interval_s<=%2").arg(lo, hi)));
    // The host alone: its flagged channels (the pastebin one among them), and no single cadence.
    HuntSelection hostOnly;
    hostOnly.host = QStringLiteral("WKS-LEG-01");
    const HuntSpec host = huntFromCase(store->db(), hostOnly);
    QVERIFY(host.domains.contains(QStringLiteral("pastebin.com")));
    // By alert id: the same channel as host + destination.
    const auto id = queryInt(store->db(), "SELECT id FROM alerts WHERE host = 'WKS-LEG-01' AND destination = "
                                          "'pastebin.com' ORDER BY score DESC LIMIT 1");
    QVERIFY(id);
    HuntSelection byId;
    byId.channelId = *id;
    QCOMPARE(huntFromCase(store->db(), byId).domains, spec.domains);
    HuntSelection nothing;
    nothing.dest = QStringLiteral("no-such.example");
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, huntFromCase(store->db(), nothing));
}

void TestHunt::thresholdsComeFromTheCasesConfig() {
    const QString c = dir_.filePath(QStringLiteral("tuned.socwb"));
    QVERIFY(QFile::copy(sample_, c));
    const QString yaml = dir_.filePath(QStringLiteral("tuned.yaml"));
    QFile f(yaml);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("thresholds:\n  min_polls: 9\n  band: 0.35\n  min_interval_s: 4\n");
    f.close();
    const CliRun r = runCli({QStringLiteral("score"), c, QStringLiteral("--config"), yaml});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    auto store = CaseStore::open(c, CaseStore::Access::ReadOnly);
    const HuntSpec spec = huntFromCase(store->db(), {});
    QCOMPARE(spec.thresholds.minPolls, 9);
    QCOMPARE(spec.thresholds.band, 0.35);
    QVERIFY(writeHunt(spec, HuntLanguage::Kql).contains(QLatin1String("let min_polls = 9;")));
    QVERIFY(writeHunt(spec, HuntLanguage::Spl)
                .contains(QLatin1String("where polls>=9 AND intervals>=5 AND median_interval_s>=4 AND gap_p25>=0.65 * "
                                        "median_interval_s AND gap_p75<=1.35 * median_interval_s")));
    QVERIFY(writeHunt(spec, HuntLanguage::Esql)
                .contains(QLatin1String(
                    "WHERE polls >= 9 AND intervals >= 5 AND median_interval_s >= 4 AND spread <= 0.35")));
}

void TestHunt::splAndEsqlUseOnlyDocumentedForms() {
    auto store = CaseStore::open(sample_, CaseStore::Access::ReadOnly);
    HuntSelection channel;
    channel.host = QStringLiteral("WKS-FIN-01");
    channel.dest = QStringLiteral("api.telegram.org");
    const QList<HuntSpec> specs{huntFromCase(store->db(), {}), huntFromCase(store->db(), channel), hostileSpec()};
    for (const HuntLanguage lang : {HuntLanguage::Spl, HuntLanguage::Esql}) {
        const Reference ref = referenceFor(lang);
        QVERIFY(ref.commands.size() >= 7 && ref.functions.size() >= 10);
        for (const HuntSpec& spec : specs) {
            const QStringList problems = ref.check(writeHunt(spec, lang), lang);
            QVERIFY2(problems.isEmpty(),
                     qPrintable(languageName(lang) + QLatin1String(": ") + problems.join(QLatin1String("; "))));
        }
    }
}

void TestHunt::theReferenceCheckerCatchesUndocumentedForms() {
    const Reference spl = referenceFor(HuntLanguage::Spl);
    QCOMPARE(spl.check(QStringLiteral("| tstats count from datamodel=Web.Web by Web.dest | eval d=lower(dest)"),
                       HuntLanguage::Spl),
             QStringList());
    QCOMPARE(spl.check(QStringLiteral("| tstats count | frobnicate x"), HuntLanguage::Spl),
             QStringList{QStringLiteral("command 'frobnicate' is not in the reference")});
    QCOMPARE(spl.check(QStringLiteral("| eval d=lower(a, b)"), HuntLanguage::Spl),
             QStringList{QStringLiteral("lower takes 1-1 arguments, not 2")});
    QCOMPARE(spl.check(QStringLiteral("| eval d=case(a, \"x\", b)"), HuntLanguage::Spl),
             QStringList{QStringLiteral("case takes 2-* (even) arguments, not 3")});
    QCOMPARE(spl.check(QStringLiteral("| streamstats reset=t count"), HuntLanguage::Spl),
             QStringList{QStringLiteral("streamstats has no option 'reset'")});
    QCOMPARE(spl.check(QStringLiteral("| eval d=LOWER(a)"), HuntLanguage::Spl),
             QStringList{QStringLiteral("function 'LOWER' is not in the reference")});
    // A call's parenthesis inside a string is no call; an unterminated string is reported.
    QCOMPARE(spl.check(QStringLiteral("| eval d=\"frob(1)\""), HuntLanguage::Spl), QStringList());
    QCOMPARE(spl.check(QStringLiteral("| eval d=\"frob"), HuntLanguage::Spl).size(), 1);
    const Reference esql = referenceFor(HuntLanguage::Esql);
    QCOMPARE(
        esql.check(QStringLiteral("FROM logs-* | where x IN (\"a\") | stats n = count(*) BY y"), HuntLanguage::Esql),
        QStringList());
    QCOMPARE(esql.check(QStringLiteral("FROM logs-* | INLINESTATS n = COUNT(*)"), HuntLanguage::Esql),
             QStringList{QStringLiteral("command 'INLINESTATS' is not in the reference")});
    QCOMPARE(esql.check(QStringLiteral("FROM logs-* | EVAL d = DATE_TRUNC(@timestamp)"), HuntLanguage::Esql),
             QStringList{QStringLiteral("DATE_TRUNC takes 2-2 arguments, not 1")});
}

bool TestHunt::kustoReady(QString* why) {
    node_ = QStringLiteral("/usr/bin/node"); // Debian's nodejs, as CI installs it
    if (!QFile::exists(node_)) {
        node_ = QStandardPaths::findExecutable(QStringLiteral("node"));
    }
    if (node_.isEmpty()) {
        *why = QStringLiteral("node is not installed (./packaging/dev.sh test installs nodejs and npm)");
        return false;
    }
    const QString prefix = QStringLiteral(SOCWB_BUILD_DIR "/kusto-%1").arg(kKustoVersion);
    modules_ = prefix + QStringLiteral("/node_modules");
    if (!QFile::exists(modules_ + QStringLiteral("/@kusto/language-service-next/Kusto.Language.Bridge.js"))) {
        const QString npm = QStandardPaths::findExecutable(QStringLiteral("npm"));
        if (npm.isEmpty()) {
            *why = QStringLiteral("@kusto/language-service-next is not installed and npm is not here");
            return false;
        }
        QDir().mkpath(prefix);
        QProcess p;
        p.start(npm,
                {QStringLiteral("install"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund"),
                 QStringLiteral("--prefix"), prefix, QStringLiteral("@kusto/language-service-next@") + kKustoVersion});
        if (!p.waitForFinished(180000) || p.exitCode() != 0) {
            p.kill();
            *why = QStringLiteral("npm could not install @kusto/language-service-next@%1: %2")
                       .arg(kKustoVersion, QString::fromUtf8(p.readAllStandardError().right(300)));
            return false;
        }
    }
    return true;
}

int TestHunt::kqlCheck(const QString& query, QString* output) {
    QTemporaryDir d;
    const QString file = d.filePath(QStringLiteral("q.kql"));
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly)) {
        return -1;
    }
    f.write(query.toUtf8());
    f.close();
    QProcess p;
    p.start(node_, {QStringLiteral(SOCWB_SOURCE_DIR "/tests/kql_check.js"), modules_, file});
    p.waitForFinished(60000);
    *output = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

void TestHunt::kqlPassesMicrosoftsParser() {
    QString why;
    if (!kustoReady(&why)) {
        QSKIP(qPrintable(why));
    }
    auto store = CaseStore::open(sample_, CaseStore::Access::ReadOnly);
    HuntSelection channel;
    channel.host = QStringLiteral("WKS-LEG-01");
    channel.dest = QStringLiteral("pastebin.com");
    QString out;
    for (const HuntSpec& spec : {huntFromCase(store->db(), {}), huntFromCase(store->db(), channel), hostileSpec()}) {
        const int rc = kqlCheck(writeHunt(spec, HuntLanguage::Kql), &out);
        QVERIFY2(rc == 0, qPrintable(out));
        QVERIFY2(out.contains(QLatin1String("0 syntax error(s)")), qPrintable(out));
    }
    // The parser does catch what a careless writer would produce: a raw newline and an unknown
    // escape in a string literal, an unclosed parenthesis.
    for (const QString& bad :
         {QStringLiteral("T | where dest == \"a\nb\""), QStringLiteral("T | where dest == \"a\\qb\""),
          QStringLiteral("T | where (dest == \"a\"")}) {
        QCOMPARE(kqlCheck(bad, &out), 1);
        QVERIFY2(out.contains(QLatin1String("error at")), qPrintable(out));
    }
}

void TestHunt::luceneShapesMatchAsTheCatalogDoes() {
    // Each catalog shape as Lucene reads it (anchored at both ends) matches the paths the catalog's
    // own pattern matches from their start: the sample case's request paths, and crafted ones.
    auto store = CaseStore::open(sample_, CaseStore::Access::ReadOnly);
    QStringList paths{QStringLiteral("/raw/Ab12Cd34"),   QStringLiteral("/raw/Ab"),
                      QStringLiteral("/x/raw/Ab12Cd34"), QStringLiteral("/bot123456:AAx_y/getUpdates"),
                      QStringLiteral("/abc.txt"),        QStringLiteral("/a-b_c/raw")};
    Statement st(store->db(), "SELECT DISTINCT url FROM proxy_events WHERE url LIKE 'http%' LIMIT 2000");
    while (st.step()) {
        const QString url = QString::fromStdString(st.text(0));
        const qsizetype slash = url.indexOf(QLatin1Char('/'), url.indexOf(QLatin1String("://")) + 3);
        if (slash > 0) {
            paths << url.mid(slash);
        }
    }
    QVERIFY(paths.size() > 50);
    const scoring::WebServiceCatalog catalog = scoring::WebServiceCatalog::load();
    int converted = 0, total = 0;
    for (const scoring::WebService& s : catalog.services()) {
        for (const scoring::EndpointShape& e : s.endpoints) {
            ++total;
            const QString lucene = luceneRegex(e.path.pattern());
            if (lucene.isEmpty()) {
                continue;
            }
            ++converted;
            const QRegularExpression whole(QRegularExpression::anchoredPattern(lucene));
            QVERIFY2(whole.isValid(), qPrintable(lucene));
            for (const QString& path : paths) {
                const bool catalogSays = e.path.match(path).hasMatch();
                QVERIFY2(whole.match(path).hasMatch() == catalogSays,
                         qPrintable(QStringLiteral("%1 vs %2 on %3").arg(e.path.pattern(), lucene, path)));
            }
        }
    }
    QVERIFY2(converted == total, qPrintable(QStringLiteral("%1 of %2 shapes converted").arg(converted).arg(total)));
    // What Lucene lacks is refused, not mistranslated.
    QCOMPARE(luceneRegex(QStringLiteral("^/a\\d+")), QString());
    QCOMPARE(luceneRegex(QStringLiteral("(^|/)x")), QString());
    QCOMPARE(luceneRegex(QStringLiteral("^/(?=x)")), QString());
    QCOMPARE(luceneRegex(QStringLiteral("^/a@b[_-]$")), QStringLiteral("/a\\@b[_\\-]"));
}

void TestHunt::cliWritesTheHuntAndRefusesBadArguments() {
    CliRun r = runCli({QStringLiteral("hunt"), sample_, QStringLiteral("--lang"), QStringLiteral("esql"),
                       QStringLiteral("--host"), QStringLiteral("WKS-FIN-01"), QStringLiteral("--dest"),
                       QStringLiteral("api.telegram.org")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.out.startsWith("// socwb hunt (Elastic ES|QL)"));
    QVERIFY(r.out.contains("dest IN (\"api.telegram.org\")"));
    QVERIFY(r.err.contains("1 destination and "));
    r = runCli({QStringLiteral("hunt"), sample_, QStringLiteral("--lang"), QStringLiteral("spl")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.out.contains("from datamodel=Web.Web"));
    r = runCli({QStringLiteral("hunt"), sample_, QStringLiteral("--lang"), QStringLiteral("sql")});
    QCOMPARE(r.exitCode, 2);
    r = runCli({QStringLiteral("hunt"), sample_});
    QCOMPARE(r.exitCode, 2);
    r = runCli({QStringLiteral("hunt"), sample_, QStringLiteral("--lang"), QStringLiteral("kql"),
                QStringLiteral("--channel"), QStringLiteral("999999")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("no scored channel matches channel 999999"), r.err.constData());
    QVERIFY(r.out.isEmpty());
    r = runCli({QStringLiteral("hunt"), dir_.filePath(QStringLiteral("absent.socwb")), QStringLiteral("--lang"),
                QStringLiteral("kql")});
    QCOMPARE(r.exitCode, 3);
}

QTEST_GUILESS_MAIN(TestHunt)
#include "tst_hunt.moc"
