// bench_sigma [WORKSTATIONS DAYS | CASE.socwb]: every compiled Sigma rule (the public rules of
// SOCWB_SHARED_DATA_DIR/sigma/rules and the bundled resources/sigma) over a generated case of about
// 4.5 M events (210 workstations + 6 servers, 7 days; kept in /tmp so a rerun skips generating and
// importing it), next to references measured in the same run, on the same connection:
//  - one SQLite scan of each table the rules read: SELECT count(*), sum(length(c1) + length(c2) + ...)
//    over every column expression a compiled rule reads from that table (the proxy_events and
//    dns_events views' columns, looked-up strings included; for sysmon_events its event_id,
//    provider and the fields JSON as stored, unparsed);
//  - the runner without its prefilter (every rule evaluated on every row, a bit of a mask each: the
//    runner before issue 21's benchmark);
//  - the per-rule way, as Zircolite runs Sigma: the rows of each log source flattened once into a
//    temporary table of one column per field the rules read (timed on its own), then one SELECT per
//    rule over it.
// Goal (issue 21): all compiled rules within 5x the scan. Medians of 3 (--slow-runs N for the two
// slow ways, 0 to skip them).
#include "bench_support.h"

#include "sigma/sigma_runner.h"
#include "store/case_store.h"
#include "store/statement.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace socwb;
using namespace socwb::bench;
using namespace socwb::sigma;

namespace {

std::string q(const std::string& s) {
    return "'" + s + "'";
}

double medianOf(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Seconds of each of `runs` calls of f, their median.
double timed(int runs, const std::function<void()>& f) {
    std::vector<double> t;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        f();
        t.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e9);
    }
    return medianOf(t);
}

// The column expressions every compiled rule reads, per table, for the reference scan.
std::map<QString, std::set<QString>> scannedColumns(const SigmaRun& run) {
    std::map<QString, std::set<QString>> out;
    for (const CompiledRule& c : run.compiled) {
        if (!c.ok()) {
            continue;
        }
        const RowSet* set = rowSet(c.logsource->source);
        auto& cols = out[set->table];
        for (const FieldSource& f : c.inputs) {
            cols.insert(f.column.isEmpty() ? QStringLiteral("x.fields") : set->columns.value(f.column));
        }
        if (set->windowsData) {
            cols.insert(QStringLiteral("x.event_id"));
            cols.insert(QStringLiteral("x.provider"));
        }
        if (set->security4688) {
            cols.insert(QStringLiteral("x.channel"));
        }
    }
    return out;
}

QString fromOf(const QString& table) {
    for (const char* s : {"proxy", "dns", "sysmon:1"}) {
        const RowSet* set = rowSet(QString::fromLatin1(s));
        if (set->table == table) {
            return set->fromSql;
        }
    }
    return {};
}

// The per-rule way: per log source a temporary table of the fields its rules read, then one query
// per rule. Returns (flatten seconds, query seconds) and the hits in `hits`.
std::pair<double, double> perRule(sqlite3* db, const SigmaRun& run, QList<QList<int64_t>>& hits) {
    std::map<QString, QList<int>> bySource;
    for (qsizetype i = 0; i < run.compiled.size(); ++i) {
        if (run.compiled[i].ok()) {
            bySource[run.compiled[i].logsource->source] << static_cast<int>(i);
        }
    }
    hits = QList<QList<int64_t>>(run.compiled.size());
    QElapsedTimer timer;
    timer.start();
    std::map<QString, QString> flat;
    int n = 0;
    for (const auto& [source, rules] : bySource) {
        const RowSet* set = rowSet(source);
        QMap<QString, FieldSource> inputs;
        for (int r : rules) {
            for (auto it = run.compiled[r].inputs.constBegin(); it != run.compiled[r].inputs.constEnd(); ++it) {
                inputs.insert(it.key(), it.value());
            }
        }
        QStringList cols{QStringLiteral("x.id AS rid")};
        for (auto it = inputs.constBegin(); it != inputs.constEnd(); ++it) {
            cols << fieldSql(*set, *it) + QStringLiteral(" AS ") + it.key();
        }
        const QString name = QStringLiteral("flat%1").arg(n++);
        execSql(db, QStringLiteral("DROP TABLE IF EXISTS temp.%1; CREATE TEMP TABLE %1 AS SELECT %2 %3 %4")
                        .arg(name, cols.join(QStringLiteral(", ")), set->fromSql, set->whereSql)
                        .toStdString());
        flat[source] = name;
    }
    const double flatten = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    timer.restart();
    for (const auto& [source, rules] : bySource) {
        for (int r : rules) {
            const CompiledRule& c = run.compiled[r];
            Statement st(db,
                         QStringLiteral("SELECT rid FROM %1 WHERE %2").arg(flat[source], c.withBase(0)).toStdString());
            bindRuleParams(st, c.params, 1);
            while (st.step()) {
                hits[r] << st.int64(0);
            }
        }
    }
    const double queries = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    for (const auto& [source, name] : flat) {
        execSql(db, "DROP TABLE temp." + name.toStdString());
    }
    return {flatten, queries};
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QString shared = qEnvironmentVariable("SOCWB_SHARED_DATA_DIR");
    const QString publicRules = shared + QStringLiteral("/sigma/rules");
    if (shared.isEmpty() || !QFileInfo(publicRules).isDir()) {
        std::printf("bench_sigma: skipped, SOCWB_SHARED_DATA_DIR/sigma/rules is absent (the public rules are "
                    "the benchmark)\n");
        return 0;
    }
    // 0: the two slow ways are not run (on the 4.5 M-event case they take minutes each).
    const int slowRuns = std::max(0, std::atoi(option(argc, argv, "slow-runs", "3").c_str()));
    const bool given = argc > 1 && std::string(argv[1]).ends_with(".socwb");
    const bool sized = argc > 2 && !given && argv[1][0] != '-';
    const int hosts = sized ? std::atoi(argv[1]) : 210;
    const int days = sized ? std::atoi(argv[2]) : 7;
    const std::string cli = SOCWB_CLI_PATH;
    // Generated cases are kept: generating and importing 4.5 M events takes longer than the runs.
    const std::string caseFile =
        given ? std::string(argv[1])
              : "/tmp/socwb-bench-sigma-" + std::to_string(hosts) + "x" + std::to_string(days) + ".socwb";
    if (!given && !QFileInfo::exists(QString::fromStdString(caseFile))) {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        std::fprintf(stderr, "generating %d workstations x %d days ...\n", hosts, days);
        shell(q(cli) + " generate " + q(dir + "/gen") + " --seed 42 --hosts " + std::to_string(hosts) +
              " --servers 6 --days " + std::to_string(days) + " --scenario all >/dev/null 2>&1");
        std::fprintf(stderr, "importing into %s ...\n", caseFile.c_str());
        const Measure m =
            runChild({cli, "import", dir + "/case.socwb", dir + "/gen/access.log", dir + "/gen/dns_debug.log",
                      dir + "/gen/sysmon.xml", dir + "/gen/assets.csv", "--tz", "UTC"});
        if (m.exitCode != 0) {
            std::fprintf(stderr, "import failed (exit code %d)\n", m.exitCode);
            return 1;
        }
        shell("mv " + q(dir + "/case.socwb") + " " + q(caseFile + ".part") + " && mv " + q(caseFile + ".part") + " " +
              q(caseFile));
    }
    auto store = CaseStore::open(QString::fromStdString(caseFile), CaseStore::Access::ReadOnly);
    sqlite3* db = store->db();
    const int64_t proxy = queryInt(db, "SELECT count(*) FROM proxy_rows").value_or(0);
    const int64_t dns = queryInt(db, "SELECT count(*) FROM dns_rows").value_or(0);
    const int64_t windows = queryInt(db, "SELECT count(*) FROM sysmon_events").value_or(0);
    const std::string eids =
        queryText(db, "SELECT group_concat(n, ', ') FROM (SELECT 'EID ' || event_id || ' ' || "
                      "count(*) AS n FROM sysmon_events GROUP BY event_id ORDER BY count(*) DESC)");
    const int64_t events = proxy + dns + windows;

    const SigmaMappings mappings = loadMappings();
    QList<SigmaRule> rules = loadRules({publicRules});
    const qsizetype publicCount = rules.size();
    rules << loadBundledRules();

    QElapsedTimer compileTimer;
    compileTimer.start();
    for (const SigmaRule& r : rules) {
        compileRule(r, mappings);
    }
    const double compileSeconds = static_cast<double>(compileTimer.nsecsElapsed()) / 1e9;

    constexpr int kRuns = 3;
    SigmaRun run;
    const double runnerSeconds = timed(kRuns, [&] { run = runRules(db, rules, mappings); });
    std::fprintf(stderr, "runner: %.2f s\n", runnerSeconds);
    const int compiled = run.compiledCount();
    SigmaRun plain = run;
    const double plainSeconds =
        slowRuns ? timed(slowRuns, [&] { plain = runRules(db, rules, mappings, nullptr, false); }) : 0;
    std::fprintf(stderr, "runner without the prefilter: %.2f s\n", plainSeconds);
    std::map<QString, int> perSource;
    for (const CompiledRule& c : run.compiled) {
        if (c.ok()) {
            ++perSource[c.logsource->name];
        }
    }

    // The reference: one scan of each table, over the columns the rules read.
    std::vector<std::pair<std::string, double>> scans;
    double scanSeconds = 0;
    for (const auto& [table, cols] : scannedColumns(run)) {
        QStringList terms;
        for (const QString& c : cols) {
            terms << QStringLiteral("ifnull(length(%1), 0)").arg(c);
        }
        const std::string sql = QStringLiteral("SELECT count(*), sum(%1) %2")
                                    .arg(terms.join(QStringLiteral(" + ")), fromOf(table))
                                    .toStdString();
        const double s = timed(kRuns, [&] {
            Statement st(db, sql);
            st.step();
        });
        QStringList shown(cols.begin(), cols.end());
        scans.emplace_back(
            fromOf(table).mid(5).toStdString() + " (" + shown.join(QStringLiteral(", ")).toStdString() + ")", s);
        scanSeconds += s;
    }

    QList<QList<int64_t>> ruleHits = run.hits;
    std::vector<double> flattenT, queryT;
    for (int i = 0; i < slowRuns; ++i) {
        const auto [f, qs] = perRule(db, run, ruleHits);
        flattenT.push_back(f);
        queryT.push_back(qs);
        std::fprintf(stderr, "per-rule run %d: flatten %.2f s, queries %.2f s\n", i + 1, f, qs);
    }
    const double flatten = slowRuns ? medianOf(flattenT) : 0, queries = slowRuns ? medianOf(queryT) : 0;
    int64_t hits = 0;
    int differing = 0;
    for (qsizetype i = 0; i < run.hits.size(); ++i) {
        hits += run.hits[i].size();
        QList<int64_t> a = ruleHits[i];
        std::sort(a.begin(), a.end());
        differing += a != run.hits[i] || plain.hits[i] != run.hits[i] ? 1 : 0;
    }

    std::printf("bench_sigma: %lld events in %s (proxy %lld, dns %lld, Windows events %lld: %s), medians of %d\n",
                static_cast<long long>(events), caseFile.c_str(), static_cast<long long>(proxy),
                static_cast<long long>(dns), static_cast<long long>(windows), eids.c_str(), kRuns);
    QStringList sources;
    for (const auto& [name, n] : perSource) {
        sources << QStringLiteral("%1 %2").arg(name).arg(n);
    }
    std::printf("  rules: %lld public + %lld bundled, %d compiled (%s); compiling them alone %.2f s\n",
                static_cast<long long>(publicCount), static_cast<long long>(rules.size() - publicCount), compiled,
                qPrintable(sources.join(QStringLiteral(", "))), compileSeconds);
    std::printf("  reference: one scan of each table the rules read, SELECT count(*), sum(length(...)) over "
                "their columns   %7.2f s\n",
                scanSeconds);
    for (const auto& [what, s] : scans) {
        std::printf("    %7.2f s  %s\n", s, what.c_str());
    }
    std::printf("  socwb runner (runRules: compile, %d scans, %d checks of %lld candidate rows)  %7.2f s  %7.0f "
                "rules/s  %10.0f events/s  ratio %.2f "
                "(goal <= 5)\n",
                run.passes, run.checks, static_cast<long long>(run.candidates), runnerSeconds, compiled / runnerSeconds,
                static_cast<double>(events) / runnerSeconds, runnerSeconds / scanSeconds);
    if (slowRuns == 0) {
        std::printf("  the runner without its prefilter and the per-rule queries: not run (--slow-runs 0)\n");
    } else {
        std::printf("  the runner without its prefilter (%d passes, every rule on every row)  %7.2f s  ratio %.2f\n",
                    plain.passes, plainSeconds, plainSeconds / scanSeconds);
        std::printf("  per-rule queries (Zircolite's way): flatten %.2f s + %d queries %.2f s = %.2f s  ratio %.2f; "
                    "the runner is %.1fx faster\n",
                    flatten, compiled, queries, flatten + queries, (flatten + queries) / scanSeconds,
                    (flatten + queries) / runnerSeconds);
    }
    if (slowRuns == 0) {
        std::printf("  hits: %lld (not compared with the other ways: not run)\n", static_cast<long long>(hits));
    } else {
        std::printf("  hits: %lld; rules whose hits differ between the three ways: %d\n", static_cast<long long>(hits),
                    differing);
    }
    std::printf("  load average %.1f\n", loadAverage());
    return differing == 0 ? 0 : 1;
}
