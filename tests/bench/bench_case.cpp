// Whole-case import benchmark (issue 10): a generated case of proxy, DNS and Sysmon logs of the
// same hosts and hours (≈1M proxy lines, ≈200k DNS queries, ≈250k Sysmon events at the default
// size) imported in one `socwb-cli import` — host linking and request-to-process attribution
// included — in both orders, beside the reference: the same three files each imported alone into
// an empty case (which attributes nothing, having nothing to join). Medians of --runs (default 3).
// Also the three files in three imports into one case, Sysmon last (a Sysmon log added later:
// its import moves every request to its host and attributes them all).
//
// Goal (issue 20): the whole case in either order within 1.2x the files alone. Beside it, the part
// of that extra no import order avoids: this build's attribution of the finished case's requests,
// alone (in process, on a copy with its attributions deleted), written and committed.
//
//   bench_case [--hosts N] [--days N] [--runs R] [--dir DIR] [--cli PATH]
// --cli: another build's socwb-cli (a copy kept from before a change), for before/after figures.
#include "bench_support.h"
#include "ingest/correlate/request_attributor.h"
#include "store/case_store.h"
#include "store/statement.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

using namespace socwb::bench;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int hosts = std::stoi(option(argc, argv, "hosts", "120"));
    const int days = std::stoi(option(argc, argv, "days", "3"));
    const int runs = std::stoi(option(argc, argv, "runs", "3"));
    const QString dirArg = QString::fromStdString(option(argc, argv, "dir", ""));
    QTemporaryDir tmp(dirArg.isEmpty() ? QDir::tempPath() + QStringLiteral("/socwb-bench-XXXXXX")
                                       : dirArg + QStringLiteral("/XXXXXX"));
    const std::string dir = tmp.path().toStdString();
    const std::string cli = option(argc, argv, "cli", SOCWB_CLI_PATH);
    const std::string logs = dir + "/logs";
    QProcess gen;
    gen.start(QString::fromStdString(cli),
              {QStringLiteral("generate"), QString::fromStdString(logs), QStringLiteral("--seed"), QStringLiteral("7"),
               QStringLiteral("--hosts"), QString::number(hosts), QStringLiteral("--servers"), QStringLiteral("4"),
               QStringLiteral("--days"), QString::number(days), QStringLiteral("--formats"),
               QStringLiteral("squid,windows-dns,sysmon-xml"), QStringLiteral("--json")});
    gen.waitForFinished(-1);
    const QJsonObject summary = QJsonDocument::fromJson(gen.readAllStandardOutput()).object();
    std::string proxy, dns, sysmon;
    long long proxyN = 0, dnsN = 0, sysmonN = 0;
    for (const auto& v : summary.value(QStringLiteral("files")).toArray()) {
        const QJsonObject f = v.toObject();
        const std::string path = logs + "/" + f.value(QStringLiteral("name")).toString().toStdString();
        const QString kind = f.value(QStringLiteral("kind")).toString();
        const long long n = f.value(QStringLiteral("records")).toInteger();
        if (kind == QLatin1String("proxy")) {
            proxy = path, proxyN = n;
        } else if (kind == QLatin1String("dns")) {
            dns = path, dnsN = n;
        } else if (kind == QLatin1String("sysmon")) {
            sysmon = path, sysmonN = n;
        }
    }
    if (proxy.empty() || dns.empty() || sysmon.empty()) {
        std::fprintf(stderr, "bench_case: the generator did not write the three logs\n");
        return 1;
    }
    std::printf("bench_case: %d workstations + 4 servers x %d days: %lld proxy lines, %lld DNS queries, "
                "%lld Sysmon events\n",
                hosts, days, proxyN, dnsN, sysmonN);
    std::fflush(stdout);

    const std::string c = dir + "/bench.socwb";
    auto fresh = [&] {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            std::remove((c + suffix).c_str());
        }
    };
    auto importAll = [&](const std::vector<std::string>& files) {
        fresh();
        std::vector<std::string> a{cli, "import", c, "--tz", "UTC"}; // generated logs are UTC
        a.insert(a.end(), files.begin(), files.end());
        return runChild(a);
    };
    // One `import` per file into the same case, in this order: a Sysmon log added to a case later.
    auto importEach = [&](const std::vector<std::string>& files) {
        fresh();
        Measure sum;
        sum.exitCode = 0;
        for (const std::string& f : files) {
            const Measure m = runChild({cli, "import", c, "--tz", "UTC", f});
            sum.seconds += m.seconds;
            sum.cpuSeconds += m.cpuSeconds;
            sum.maxRssKb = std::max(sum.maxRssKb, m.maxRssKb);
            sum.exitCode = sum.exitCode ? sum.exitCode : m.exitCode;
        }
        return sum;
    };
    std::vector<Measure> alone[3], sysmonFirst, proxyFirst, sysmonLater;
    int failures = 0;
    for (int r = 0; r < runs; ++r) {
        const std::string files[3] = {proxy, dns, sysmon};
        for (int i = 0; i < 3; ++i) {
            alone[i].push_back(importAll({files[i]}));
        }
        proxyFirst.push_back(importAll({proxy, dns, sysmon}));
        sysmonFirst.push_back(importAll({sysmon, proxy, dns}));
        sysmonLater.push_back(importEach({proxy, dns, sysmon}));
    }
    // The last import left the whole case (Sysmon added later) in `c`.
    std::vector<double> attribution;
    for (int r = 0; r < runs && sysmonLater.back().exitCode == 0; ++r) {
        const QString copy = QString::fromStdString(dir + "/attribution.socwb");
        QFile::remove(copy);
        QFile::copy(QString::fromStdString(c), copy);
        auto store = socwb::CaseStore::open(copy);
        sqlite3* db = store->db();
        socwb::execSql(db, "DELETE FROM proxy_attributions; DELETE FROM dns_attributions; DELETE FROM "
                           "sensor_attributions");
        QElapsedTimer clock;
        clock.start();
        socwb::Transaction tx(db);
        socwb::RequestAttributor(db).run();
        tx.commit();
        attribution.push_back(clock.elapsed() / 1000.0);
    }
    std::sort(attribution.begin(), attribution.end());
    const Measure a0 = median(alone[0]), a1 = median(alone[1]), a2 = median(alone[2]);
    const Measure pf = median(proxyFirst), sf = median(sysmonFirst), sl = median(sysmonLater);
    for (const Measure& m : {a0, a1, a2, pf, sf, sl}) {
        failures += m.exitCode != 0;
    }
    const double sumAlone = a0.seconds + a1.seconds + a2.seconds;
    std::printf("the files alone, each into an empty case: proxy %.2f s + DNS %.2f s + Sysmon %.2f s = %.2f s "
                "(reference)\n",
                a0.seconds, a1.seconds, a2.seconds, sumAlone);
    std::printf("whole case, one import, Sysmon first (Sysmon, proxy, DNS): %.2f s  peak RSS %.0f MB | ratio %.2f "
                "(goal <= 1.2)\n",
                sf.seconds, sf.maxRssKb / 1024.0, sf.seconds / sumAlone);
    std::printf("whole case, one import, Sysmon last (proxy, DNS, Sysmon): %.2f s  peak RSS %.0f MB | ratio %.2f "
                "(goal <= 1.2)\n",
                pf.seconds, pf.maxRssKb / 1024.0, pf.seconds / sumAlone);
    std::printf("one import per file, Sysmon last (proxy, DNS, then Sysmon): %.2f s  peak RSS %.0f MB | ratio %.2f\n",
                sl.seconds, sl.maxRssKb / 1024.0, sl.seconds / sumAlone);
    std::printf("order: Sysmon last / Sysmon first = %.2f\n", pf.seconds / sf.seconds);
    if (!attribution.empty()) {
        const double a = attribution[attribution.size() / 2];
        std::printf("this build's attribution of the whole case alone (every request, written and committed): "
                    "%.2f s | the files alone + it: %.2f s = ratio %.2f\n",
                    a, sumAlone + a, (sumAlone + a) / sumAlone);
    }
    std::printf("(medians of %d runs; 2-core machine)\n", runs);
    if (failures) {
        std::fprintf(stderr, "bench_case: %d imports failed\n", failures);
    }
    return failures ? 1 : 0;
}
