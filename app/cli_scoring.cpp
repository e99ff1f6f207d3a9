// socwb-cli's scoring commands: score, alerts, explain, evaluate and suppress. They drive the
// engine in models/scoring/ and print what it stored; nothing here computes a score.
#include "cli_commands.h"

#include "core/resources.h"
#include "scoring/channel_features.h"
#include "scoring/channel_scorer.h"
#include "scoring/evaluation.h"
#include "scoring/scoring_config.h"
#include "scoring/scoring_engine.h"
#include "scoring/suppression_store.h"
#include "store/case_store.h"
#include "store/case_summary.h"
#include "store/case_validation.h"
#include "store/statement.h"
#include "tables/plain_text.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTextStream>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace socwb::cli {

namespace {

void printJsonArray(const QJsonArray& a) {
    const QByteArray b = QJsonDocument(a).toJson(QJsonDocument::Indented);
    std::fwrite(b.constData(), 1, static_cast<size_t>(b.size()), stdout);
    std::fflush(stdout);
}

// Evidence on a terminal: invisible and control characters (an ESC starting a terminal sequence)
// as marks such as ⟨U+001B⟩; only tabs and the line feeds that lay out the output stay.
void out(const QString& s) {
    std::fputs(visibleText(s).toUtf8().constData(), stdout);
}

// Runs the engine with a progress line on a terminal; Ctrl-C (caught from the start of main, see
// catchInterrupts) cancels and keeps the previous scores.
ScoreOutcome runEngine(CaseStore& store, ScoreMode mode) {
    const bool tty = isatty(STDERR_FILENO) == 1;
    ScoringEngine::useTempFiles(store.db()); // this command's own connection
    ScoringEngine engine(store);
    engine.setDeferCheckpoint(true); // score() checkpoints once it has printed the result
    const ScoreOutcome o = engine.run(mode, &interrupted(), [tty](const ScoreProgress& p) {
        if (tty) {
            const QString pct =
                p.total > 0 ? QStringLiteral("%1%").arg(100 * p.done / p.total) : QString::number(p.done);
            std::fprintf(stderr, "\r\033[K%s  %s", qPrintable(p.phase), qPrintable(pct));
        }
    });
    if (tty) {
        std::fputs("\r\033[K", stderr);
    }
    return o;
}

int finish(const ScoreOutcome& o, bool json) {
    if (json) {
        printJson(QJsonObject{{"status", o.status},
                              {"message", o.message},
                              {"events", o.events},
                              {"channels", o.channels},
                              {"flagged", o.flagged},
                              {"suppressed", o.suppressed},
                              {"seconds", o.seconds}});
    }
    err(QStringLiteral("socwb-cli score: ") + o.message);
    if (o.status == QLatin1String("done")) {
        return Ok;
    }
    if (o.status == QLatin1String("cancelled")) {
        return Cancelled;
    }
    if (o.status == QLatin1String("busy")) {
        return CaseBusy;
    }
    return o.status == QLatin1String("unusable") ? CaseUnusable : Rejected;
}

QJsonValue orNull(const std::string& s) {
    return s.empty() ? QJsonValue() : QJsonValue(QString::fromStdString(s));
}

// Why `alerts` printed nothing, in words that tell the cases apart: never scored, scored but no
// channel, every channel suppressed, or the filter left nothing.
QString whyNoAlerts(sqlite3* db, bool suppressedToo, double minScore) {
    const int64_t runs = queryInt(db, "SELECT count(*) FROM score_runs WHERE status = 'done'").value_or(0);
    const int64_t total = queryInt(db, "SELECT count(*) FROM alerts").value_or(0);
    if (total == 0) {
        return runs == 0 ? QStringLiteral("the case has not been scored: run 'socwb-cli score CASE'")
                         : QStringLiteral("the case was scored, and its evidence holds no channel to list");
    }
    const int64_t open = queryInt(db, "SELECT count(*) FROM alerts WHERE suppressed_by IS NULL").value_or(0);
    if (open == 0 && !suppressedToo) {
        return QStringLiteral("every channel is suppressed: %1 by %2; --suppressed lists them")
            .arg(counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n channel(s)"), total),
                 counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n rule(s)"),
                         queryInt(db, "SELECT count(DISTINCT suppressed_by) FROM alerts").value_or(0)));
    }
    return QStringLiteral("no channel matched your filter (--min-score %1): %2")
        .arg(minScore)
        .arg(counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n channels score below it"), suppressedToo ? total : open));
}

} // namespace

int score(const QStringList& args) {
    QCommandLineParser p;
    const ParserOptions o = addToParser(p, command(QStringLiteral("score")));
    const QCommandLineOption& json = o["json"];
    const QCommandLineOption& rescore = o["rescore"];
    const QCommandLineOption& config = o["config"];
    if (auto rc = parse(p, QStringLiteral("score"), args)) {
        return *rc;
    }
    int failure = CaseUnusable;
    auto store = openCase(p.positionalArguments().first(), failure);
    if (!store) {
        return failure;
    }
    if (p.isSet(config)) {
        const QString path = p.value(config);
        if (path == QLatin1String("-")) {
            scoring::dropCaseOverride(*store);
        } else {
            QByteArray text;
            try {
                // Read with a limit (never all of /dev/zero), checked whole before it is stored.
                text = resources::readFile(path, scoring::ScoringConfig::kMaxBytes);
            } catch (const std::exception& e) {
                err(QStringLiteral("socwb-cli score: %1").arg(QString::fromUtf8(e.what())));
                return Usage;
            }
            try {
                scoring::ScoringConfig::fromYaml(resources::read(QStringLiteral("scoring/scoring.yaml")), text);
            } catch (const std::exception& e) {
                err(QStringLiteral("socwb-cli score: %1: %2").arg(path, QString::fromUtf8(e.what())));
                return Usage;
            }
            Statement put(store->db(), "INSERT INTO case_meta(key, value) VALUES (?, ?) "
                                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
            put.bind(1, scoring::ScoringConfig::kCaseMetaKey).bind(2, text.toStdString()).exec();
            store->audit(QStringLiteral("scoring.config"), store->path(),
                         QStringLiteral("case override from %1").arg(path));
        }
    }
    if (const QString line = scoring::caseOverrideLine(store->db()); !line.isEmpty()) {
        err(line);
    }
    const ScoreOutcome outcome = runEngine(*store, p.isSet(rescore) ? ScoreMode::Rescore : ScoreMode::Full);
    const int rc = finish(outcome, p.isSet(json));
    if (outcome.status == QLatin1String("done")) {
        std::fflush(stdout);
        ScoringEngine::checkpoint(store->db()); // the command still waits for it before it exits
    }
    return rc;
}

int alerts(const QStringList& args) {
    QCommandLineParser p;
    const ParserOptions o = addToParser(p, command(QStringLiteral("alerts")));
    const QCommandLineOption& format = o["format"];
    const QCommandLineOption& limit = o["limit"];
    const QCommandLineOption& all = o["suppressed"];
    const QCommandLineOption& minScore = o["min-score"];
    if (auto rc = parse(p, QStringLiteral("alerts"), args)) {
        return *rc;
    }
    const QString fmt = p.value(format);
    bool ok = false, ok2 = false;
    int n = p.value(limit).toInt(&ok);
    const double min = p.value(minScore).toDouble(&ok2);
    if (!ok || !ok2 || n < 0 ||
        (fmt != QLatin1String("table") && fmt != QLatin1String("csv") && fmt != QLatin1String("json"))) {
        err(QStringLiteral("socwb-cli alerts: --format takes table, csv or json; --limit and --min-score a number"));
        return Usage;
    }
    int failure = CaseUnusable;
    auto store = openCaseToRead(p.positionalArguments().first(), failure);
    if (!store) {
        return failure;
    }
    if (const QString line = scoring::caseOverrideLine(store->db()); !line.isEmpty()) {
        err(line); // on stderr: scripts reading the alerts are not disturbed
    }
    // Every row is checked as it is read (validation::problemSql): a tampered score, time or JSON is
    // named with its row, never printed as a fact.
    Statement st(store->db(),
                 "SELECT alerts.id, alerts.host, coalesce(alerts.host_ips, ''), coalesce(alerts.process_image, ''), "
                 "alerts.destination, coalesce(alerts.registered_domain, ''), coalesce(alerts.service, ''), "
                 "coalesce(alerts.endpoint, ''), alerts.score, alerts.severity, alerts.requests, alerts.first_ts, "
                 "alerts.last_ts, alerts.median_interval_s, alerts.jitter, alerts.bytes_out, alerts.bytes_in, "
                 "coalesce(t.status, 'new'), alerts.factors, alerts.suppressed_by, coalesce(alerts.host_role, ''), "
                 "alerts.proxy_requests, alerts.dns_queries, alerts.net_connections, " +
                     validation::problemSql("alerts") +
                     " FROM alerts LEFT JOIN triage t ON t.channel_key = alerts.channel_key "
                     "WHERE (?1 OR alerts.suppressed_by IS NULL) AND alerts.score >= ?2 "
                     "ORDER BY alerts.score DESC, alerts.id LIMIT ?3");
    st.bind(1, p.isSet(all) ? 1 : 0).bind(2, min).bind(3, n == 0 ? int64_t(-1) : int64_t(n));
    QJsonArray rows;
    auto num = [&st](int col) { return st.isNull(col) ? QJsonValue() : QJsonValue(st.real(col)); };
    auto whole = [&st](int col) { return st.isNull(col) ? QJsonValue() : QJsonValue(qint64(st.int64(col))); };
    while (st.step()) {
        if (!st.isNull(24)) {
            err(QStringLiteral("socwb-cli alerts: %1: alerts row %2: %3 (the case was changed outside socwb, or is "
                               "damaged)")
                    .arg(store->path(), QString::number(st.int64(0)), QString::fromStdString(st.text(24))));
            return CaseUnusable;
        }
        QJsonArray ips;
        for (const QString& ip : QString::fromStdString(st.text(2)).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            ips.append(ip);
        }
        rows.append(QJsonObject{{"id", qint64(st.int64(0))},
                                {"host", QString::fromStdString(st.text(1))},
                                {"host_ips", ips},
                                {"host_role", orNull(st.text(20))},
                                {"process_image", orNull(st.text(3))},
                                {"destination", QString::fromStdString(st.text(4))},
                                {"registered_domain", orNull(st.text(5))},
                                {"service", orNull(st.text(6))},
                                {"endpoint", orNull(st.text(7))},
                                {"score", st.real(8)},
                                {"severity", QString::fromStdString(st.text(9))},
                                {"requests", qint64(st.int64(10))},
                                {"proxy_requests", qint64(st.int64(21))},
                                {"dns_queries", qint64(st.int64(22))},
                                {"net_connections", qint64(st.int64(23))},
                                {"first_seen", isoFromUs(st.int64(11))},
                                {"last_seen", isoFromUs(st.int64(12))},
                                {"median_interval_s", num(13)},
                                {"jitter", num(14)},
                                {"bytes_out", whole(15)},
                                {"bytes_in", whole(16)},
                                {"status", QString::fromStdString(st.text(17))},
                                {"suppressed_by", whole(19)},
                                {"factors", QJsonDocument::fromJson(QByteArray::fromStdString(st.text(18))).array()}});
    }
    if (fmt == QLatin1String("json")) {
        printJsonArray(rows);
        return Ok;
    }
    if (rows.isEmpty()) {
        err(whyNoAlerts(store->db(), p.isSet(all), min));
    }
    QString text;
    if (fmt == QLatin1String("csv")) {
        const QStringList keys{"id",         "score",         "severity",          "status",
                               "host",       "process_image", "destination",       "service",
                               "endpoint",   "requests",      "median_interval_s", "jitter",
                               "first_seen", "last_seen"};
        text += keys.join(QLatin1Char(',')) + QLatin1Char('\n');
        for (const auto& r : rows) {
            QStringList cells;
            for (const QString& k : keys) {
                const QJsonValue v = r.toObject().value(k);
                cells << csvCell(v.isDouble() ? QString::number(v.toDouble(), 'g', 6) : v.toString());
            }
            text += cells.join(QLatin1Char(',')) + QLatin1Char('\n');
        }
    } else {
        for (const auto& r : rows) {
            const QJsonObject o = r.toObject();
            const QString proc =
                o.value("process_image").isNull()
                    ? QStringLiteral("(process unknown)")
                    : o.value("process_image").toString().section(QRegularExpression(QStringLiteral("[\\\\/]")), -1);
            // The events behind the channel (proxy requests, lookups, connections); "requests" holds
            // its polls, where a burst of events is one.
            const qint64 events = o.value("proxy_requests").toInteger() + o.value("dns_queries").toInteger() +
                                  o.value("net_connections").toInteger();
            const qint64 shown = std::max(events, o.value("requests").toInteger());
            // No interval (null): one request, or all logged at the same instant; never "every -".
            const QString every =
                o.value("median_interval_s").isNull()
                    ? (shown > 1 ? QStringLiteral("all at one instant") : QStringLiteral("once"))
                    : QStringLiteral("every ") + scoring::humanInterval(o.value("median_interval_s").toDouble());
            text += QStringLiteral("%1  %2 %3  %4  %5 -> %6  %7 events, %8  %9\n")
                        .arg(o.value("score").toDouble(), 6, 'f', 2)
                        .arg(o.value("severity").toString(), -8)
                        .arg(o.value("status").toString(), -9)
                        .arg(o.value("host").toString(), proc,
                             o.value("endpoint").isNull() ? o.value("destination").toString()
                                                          : o.value("endpoint").toString())
                        .arg(shown)
                        .arg(every, o.value("service").isNull()
                                        ? QString()
                                        : QStringLiteral("[%1]").arg(o.value("service").toString()));
        }
    }
    out(text);
    return Ok;
}

int explain(const QStringList& args) {
    QCommandLineParser p;
    const ParserOptions o = addToParser(p, command(QStringLiteral("explain")));
    const QCommandLineOption& host = o["host"];
    const QCommandLineOption& dest = o["dest"];
    const QCommandLineOption& process = o["process"];
    const QCommandLineOption& json = o["json"];
    if (auto rc = parse(p, QStringLiteral("explain"), args)) {
        return *rc;
    }
    if (!p.isSet(host) || !p.isSet(dest)) {
        err(QStringLiteral("socwb-cli explain: --host and --dest are required (see --help)"));
        return Usage;
    }
    int failure = CaseUnusable;
    auto store = openCaseToRead(p.positionalArguments().first(), failure);
    if (!store) {
        return failure;
    }
    // Every channel's features, because the fleet factors compare a channel with the others.
    std::vector<scoring::ChannelFeatures> all;
    std::vector<qint64> suppressedBy;
    try {
        Statement st(store->db(), "SELECT id, features FROM alerts ORDER BY id");
        while (st.step()) {
            all.push_back(scoring::ChannelFeatures::fromStored(st.int64(0), st.text(1)));
        }
    } catch (const CaseError& e) {
        err(QStringLiteral("socwb-cli explain: %1: %2").arg(store->path(), QString::fromUtf8(e.what())));
        return CaseUnusable;
    }
    if (all.empty()) {
        err(QStringLiteral("socwb-cli explain: the case has not been scored (run 'socwb-cli score CASE')"));
        return Rejected;
    }
    const scoring::ScoringConfig config = scoring::ScoringConfig::forCase(store->db());
    const QVector<scoring::SuppressionRule> rules = scoring::listSuppressions(store->db());
    std::vector<scoring::ScoredChannel> scored;
    try {
        scored = scoring::ChannelScorer(config, rules, QDateTime::currentDateTimeUtc()).score(all);
    } catch (const scoring::StaleFeatures& e) {
        err(QStringLiteral("socwb-cli explain: %1").arg(QString::fromUtf8(e.what())));
        return Rejected;
    }
    const QString h = p.value(host), d = p.value(dest).toLower();
    const QRegularExpression proc = QRegularExpression::fromWildcard(p.value(process), Qt::CaseInsensitive);
    QJsonArray matches;
    QString text;
    for (size_t i = 0; i < all.size(); ++i) {
        const scoring::ChannelFeatures& f = all[i];
        const bool hostOk =
            f.host.compare(h, Qt::CaseInsensitive) == 0 || f.hostIps.split(QLatin1Char(',')).contains(h);
        const bool destOk = f.destination.toLower() == d || f.registeredDomain.toLower() == d;
        const bool procOk =
            !p.isSet(process) || proc.match(f.processImage).hasMatch() || proc.match(f.processName).hasMatch();
        if (!hostOk || !destOk || !procOk) {
            continue;
        }
        const scoring::ScoredChannel& s = scored[i];
        QJsonArray factors;
        text += QStringLiteral("\n%1 -> %2  process %3\n  score %4 (%5)%6\n")
                    .arg(f.host, f.endpoint.isEmpty() ? f.destination : f.endpoint,
                         f.processImage.isEmpty() ? QStringLiteral("unknown") : f.processImage)
                    .arg(s.score, 0, 'f', 2)
                    .arg(s.severity,
                         s.suppressedBy ? QStringLiteral(", suppressed by rule %1").arg(s.suppressedBy) : QString());
        text += QStringLiteral("  members (source/how named): %1\n  timing: %2 (%3 class), %4\n")
                    .arg(f.membersText(), f.timingSource, f.timingClass, f.timingNote);
        if (f.hostShared) {
            text += QStringLiteral("  host shared: %1\n").arg(f.hostSharedReason);
        }
        for (const scoring::Factor& fa : s.factors) {
            factors.append(QJsonObject{{"name", fa.name}, {"contribution", fa.contribution}, {"detail", fa.detail}});
            text += QStringLiteral("  %1  %2  %3\n").arg(fa.contribution, 7, 'f', 2).arg(fa.name, -20).arg(fa.detail);
        }
        if (s.severity == QLatin1String("info") || s.severity == QLatin1String("low")) {
            text += QStringLiteral("  not flagged: the factors above add up to %1, below the 'medium' band (%2)\n")
                        .arg(s.score, 0, 'f', 2)
                        .arg(config.severity.count("medium") ? config.severity.at("medium") : 40);
        }
        matches.append(QJsonObject{{"score", s.score},
                                   {"severity", s.severity},
                                   {"suppressed_by", s.suppressedBy ? QJsonValue(s.suppressedBy) : QJsonValue()},
                                   {"factors", factors},
                                   {"features", f.toJson()}});
    }
    if (matches.isEmpty()) {
        const QString m =
            QStringLiteral("no channel from %1 to %2%3 in this case: nothing of it was seen in the proxy, DNS or "
                           "Sysmon evidence")
                .arg(h, d, p.isSet(process) ? QStringLiteral(" by ") + p.value(process) : QString());
        if (p.isSet(json)) {
            printJson(QJsonObject{{"channels", matches}, {"message", m}});
        }
        err(QStringLiteral("socwb-cli explain: ") + m);
        return Rejected;
    }
    if (p.isSet(json)) {
        printJson(QJsonObject{{"channels", matches}});
    } else {
        out(text.mid(1));
    }
    return Ok;
}

int evaluate(const QStringList& args) {
    QCommandLineParser p;
    const ParserOptions o = addToParser(p, command(QStringLiteral("evaluate")));
    const QCommandLineOption& json = o["json"];
    const QCommandLineOption& brief = o["brief"];
    if (auto rc = parse(p, QStringLiteral("evaluate"), args)) {
        return *rc;
    }
    int failure = CaseUnusable;
    auto store = openCaseToRead(p.positionalArguments().at(0), failure);
    if (!store) {
        return failure;
    }
    QFile f(p.positionalArguments().at(1));
    if (!f.open(QIODevice::ReadOnly)) {
        err(QStringLiteral("socwb-cli evaluate: cannot read %1 (%2)").arg(f.fileName(), f.errorString()));
        return Usage;
    }
    scoring::Evaluation e;
    try {
        e = scoring::evaluate(store->db(), f.readAll());
    } catch (const std::exception& ex) {
        err(QStringLiteral("socwb-cli evaluate: %1: %2").arg(f.fileName(), QString::fromUtf8(ex.what())));
        return Usage;
    }
    if (p.isSet(json)) {
        printJson(e.toJson());
        return Ok;
    }
    auto line = [](const scoring::RankingQuality& q) {
        return QStringLiteral(
                   "AP %1  P@k %2  recall %3  worst rank %4  look-alikes above %5  margin %6  rows/planted max %7")
            .arg(q.averagePrecision, 0, 'f', 3)
            .arg(q.precisionAtK, 0, 'f', 3)
            .arg(q.recall, 0, 'f', 3)
            .arg(q.worstRank == 0 ? QStringLiteral("missed") : QString::number(q.worstRank))
            .arg(q.lookalikesAbove)
            .arg(q.worstRank == 0 ? QStringLiteral("-") : QString::number(q.margin, 'f', 1))
            .arg(q.maxRows);
    };
    if (p.isSet(brief)) {
        out(QStringLiteral("%1 planted | socwb: %2 | published rule: %3\n")
                .arg(e.socwb.positives)
                .arg(line(e.socwb), line(e.baseline)));
        return Ok;
    }
    QString t;
    auto row = [&t](const QString& label, const QString& a, const QString& b) {
        t += QStringLiteral("%1 %2 %3\n").arg(label, -40).arg(a, -12).arg(b);
    };
    auto f2 = [](double v) { return QString::number(v, 'f', 3); };
    auto rank = [](int r) { return r == 0 ? QStringLiteral("missed") : QString::number(r); };
    row(QStringLiteral("planted channels"), QString::number(e.socwb.positives), QString());
    row(QString(), QStringLiteral("socwb"), QStringLiteral("published rule"));
    row(QStringLiteral("recall (flagged)"), f2(e.socwb.recall), f2(e.baseline.recall));
    row(QStringLiteral("precision in the top k (k = planted)"), f2(e.socwb.precisionAtK), f2(e.baseline.precisionAtK));
    row(QStringLiteral("average precision"), f2(e.socwb.averagePrecision), f2(e.baseline.averagePrecision));
    row(QStringLiteral("rank of the worst-placed planted channel"), rank(e.socwb.worstRank),
        rank(e.baseline.worstRank));
    row(QStringLiteral("look-alikes above it"), QString::number(e.socwb.lookalikesAbove),
        QString::number(e.baseline.lookalikesAbove));
    row(QStringLiteral("other channels above it"), QString::number(e.socwb.othersAbove),
        QString::number(e.baseline.othersAbove));
    row(QStringLiteral("extra rows of planted channels above it"), QString::number(e.socwb.extraRowsAbove),
        QString::number(e.baseline.extraRowsAbove));
    row(QStringLiteral("extra rows of planted channels (all)"), QString::number(e.socwb.extraRows),
        QString::number(e.baseline.extraRows));
    row(QStringLiteral("every planted channel above every look-alike"),
        e.socwb.allAboveLookalikes ? QStringLiteral("yes") : QStringLiteral("no"),
        e.baseline.allAboveLookalikes ? QStringLiteral("yes") : QStringLiteral("no"));
    row(QStringLiteral("channels ranked"), QString::number(e.socwb.ranked), QString::number(e.baseline.ranked));
    row(QStringLiteral("margin: lowest planted - highest other score"),
        e.socwb.worstRank ? QString::number(e.socwb.margin, 'f', 1) : QStringLiteral("-"),
        e.baseline.worstRank ? QString::number(e.baseline.margin, 'f', 1) : QStringLiteral("-"));
    t += QStringLiteral("\nplanted channel                rank  score  rows  (published rule's rank)\n");
    for (int i = 0; i < e.socwb.items.size(); ++i) {
        const scoring::RankedItem& a = e.socwb.items[i];
        t += QStringLiteral("%1 %2 %3 %4  (%5)\n")
                 .arg(a.channel, -28)
                 .arg(rank(a.rank), 6)
                 .arg(a.score, 6, 'f', 1)
                 .arg(a.rows, 5)
                 .arg(rank(e.baseline.items[i].rank));
    }
    out(t);
    return Ok;
}

int suppress(const QStringList& args) {
    QCommandLineParser p;
    const ParserOptions o = addToParser(p, command(QStringLiteral("suppress")));
    const QCommandLineOption& host = o["host"];
    const QCommandLineOption& role = o["role"];
    const QCommandLineOption& process = o["process"];
    const QCommandLineOption& dest = o["dest"];
    const QCommandLineOption& url = o["url"];
    const QCommandLineOption& reason = o["reason"];
    const QCommandLineOption& author = o["author"];
    const QCommandLineOption& expires = o["expires"];
    const QCommandLineOption& json = o["json"];
    const QCommandLineOption& noRescore = o["no-rescore"];
    if (auto rc = parse(p, QStringLiteral("suppress"), args)) {
        return *rc;
    }
    const QStringList pos = p.positionalArguments();
    const QString action = pos.at(1);
    int failure = CaseUnusable;
    auto store = action == QLatin1String("list") || action == QLatin1String("export")
                     ? openCaseToRead(pos.at(0), failure)
                     : openCase(pos.at(0), failure);
    if (!store) {
        return failure;
    }
    auto rescore = [&]() {
        return p.isSet(noRescore) ? int(Ok) : finish(runEngine(*store, ScoreMode::Rescore), false);
    };
    try {
        if (action == QLatin1String("list")) {
            const QVector<scoring::SuppressionRule> rules = scoring::listSuppressions(store->db());
            const QDateTime now = QDateTime::currentDateTimeUtc();
            if (p.isSet(json)) {
                QJsonArray list;
                for (const auto& r : rules) {
                    list.append(QJsonObject{{"id", r.id},
                                            {"host", r.host},
                                            {"host_role", r.hostRole},
                                            {"process", r.process},
                                            {"destination", r.destination},
                                            {"url_prefix", r.urlPrefix},
                                            {"reason", r.reason},
                                            {"author", r.author},
                                            {"created_at", r.createdAt},
                                            {"expires_at", r.expiresAt},
                                            {"enabled", r.enabled},
                                            {"active", r.isActive(now)}});
                }
                printJson(QJsonObject{{"suppressions", list}});
            }
            QString t;
            for (const auto& r : rules) {
                t += QStringLiteral("%1  %2  %3 \u2014 %4 (%5, %6%7)\n")
                         .arg(r.id, 4)
                         .arg(r.isActive(now) ? QStringLiteral("active ") : QStringLiteral("expired"))
                         .arg(r.criteria(), r.reason, r.author, r.createdAt,
                              r.expiresAt.isEmpty() ? QString() : QStringLiteral(", until ") + r.expiresAt);
            }
            if (!p.isSet(json)) {
                out(t.isEmpty() ? QStringLiteral("no suppression rules\n") : t);
            }
            return Ok;
        }
        if (action == QLatin1String("add")) {
            scoring::SuppressionRule r;
            r.host = p.value(host);
            r.hostRole = p.value(role);
            r.process = p.value(process);
            r.destination = p.value(dest);
            r.urlPrefix = p.value(url);
            r.reason = p.value(reason);
            r.author = p.value(author);
            r.expiresAt = p.value(expires);
            const qint64 id = scoring::addSuppression(*store, r);
            err(QStringLiteral("socwb-cli suppress: added rule %1").arg(id));
            return rescore();
        }
        if (action == QLatin1String("expire") && pos.size() == 3) {
            bool ok = false;
            const qint64 id = pos.at(2).toLongLong(&ok);
            if (!ok) {
                err(QStringLiteral("socwb-cli suppress: expire takes a rule id"));
                return Usage;
            }
            scoring::expireSuppression(*store, id);
            return rescore();
        }
        if (action == QLatin1String("export")) {
            const QByteArray yaml = scoring::suppressionsToYaml(scoring::listSuppressions(store->db()));
            if (pos.size() == 3) {
                QFile f(pos.at(2));
                if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(yaml) != yaml.size()) {
                    err(QStringLiteral("socwb-cli suppress: cannot write %1 (%2)").arg(f.fileName(), f.errorString()));
                    return Rejected;
                }
            } else {
                std::fwrite(yaml.constData(), 1, static_cast<size_t>(yaml.size()), stdout);
            }
            return Ok;
        }
        if (action == QLatin1String("import") && pos.size() == 3) {
            const scoring::SuppressionImport done =
                scoring::importSuppressions(*store, resources::readFile(pos.at(2), scoring::kMaxSuppressionFileBytes));
            err(QStringLiteral("socwb-cli suppress: imported %1%2%3")
                    .arg(counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n rule(s)"), done.added),
                         done.expired
                             ? QStringLiteral("; ") +
                                   counted(QT_TRANSLATE_N_NOOP("socwb::Cli",
                                                               "%n rule(s) had already expired and were left out"),
                                           done.expired)
                             : QString(),
                         done.duplicates
                             ? QStringLiteral("; ") +
                                   counted(QT_TRANSLATE_N_NOOP(
                                               "socwb::Cli", "%n rule(s) the case already has in force were left out"),
                                           done.duplicates)
                             : QString()));
            return rescore();
        }
    } catch (const std::invalid_argument& e) {
        err(QStringLiteral("socwb-cli suppress: %1").arg(QString::fromUtf8(e.what())));
        return Usage;
    } catch (const std::runtime_error& e) {
        err(QStringLiteral("socwb-cli suppress: %1").arg(QString::fromUtf8(e.what())));
        return Usage;
    }
    err(QStringLiteral("socwb-cli suppress: unknown action '%1' (list, add, expire ID, export [FILE], import FILE)")
            .arg(action));
    return Usage;
}

} // namespace socwb::cli
