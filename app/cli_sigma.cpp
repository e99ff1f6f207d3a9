// socwb-cli sigma: Sigma rules over the case, each compiled to SQL or listed with why not.
#include "cli_commands.h"
#include "cli_reference.h"

#include "sigma/sigma_runner.h"
#include "store/case_store.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>

#include <cstdio>
#include <stdexcept>

namespace socwb::cli {

int sigma(const QStringList& args) {
    QCommandLineParser p;
    const ParserOptions o = addToParser(p, command(QStringLiteral("sigma")));
    if (auto rc = parse(p, QStringLiteral("sigma"), args)) {
        return *rc;
    }
    const QStringList pos = p.positionalArguments();
    const QString casePath = pos.first();
    const QStringList rulePaths = pos.mid(1);
    for (const QString& r : rulePaths) {
        if (!QFileInfo::exists(r)) {
            err(QStringLiteral("socwb-cli sigma: no rule file or folder at %1").arg(r));
            return Usage;
        }
    }
    const bool store = !p.isSet(o["no-store"]);
    if (!QFileInfo::exists(casePath)) {
        err(QStringLiteral("socwb-cli sigma: no case at %1").arg(casePath));
        return CaseUnusable;
    }
    int failure = CaseUnusable;
    auto cs = store ? openCase(casePath, failure) : openCaseToRead(casePath, failure);
    if (!cs) {
        return failure;
    }
    sigma::SigmaMappings mappings;
    try {
        mappings = sigma::loadMappings();
    } catch (const std::exception& e) {
        err(QStringLiteral("socwb-cli sigma: %1").arg(QString::fromUtf8(e.what())));
        return Usage;
    }
    const QList<sigma::SigmaRule> rules = rulePaths.isEmpty() ? sigma::loadBundledRules() : sigma::loadRules(rulePaths);
    QElapsedTimer timer;
    timer.start();
    const sigma::SigmaRun run = sigma::runRules(cs->db(), rules, mappings, &interrupted());
    if (interrupted().load()) {
        err(QStringLiteral("socwb-cli sigma: cancelled; no hit stored"));
        return Cancelled;
    }
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    int64_t stored = 0;
    if (store) {
        stored = sigma::storeHits(cs->db(), rules, run);
    }
    int64_t hits = 0;
    QJsonArray list;
    QString text;
    for (qsizetype i = 0; i < rules.size(); ++i) {
        const sigma::SigmaRule& r = rules[i];
        const sigma::CompiledRule& c = run.compiled[i];
        const QString title = r.title.isEmpty() ? QFileInfo(r.path).fileName() : r.title;
        hits += run.hits[i].size();
        QJsonObject j{{QStringLiteral("id"), r.id},
                      {QStringLiteral("title"), r.title},
                      {QStringLiteral("level"), r.level},
                      {QStringLiteral("path"), r.path},
                      {QStringLiteral("author"), r.author},
                      {QStringLiteral("references"), QJsonArray::fromStringList(r.references)},
                      {QStringLiteral("tags"), QJsonArray::fromStringList(r.tags)},
                      {QStringLiteral("status"), c.ok() ? QStringLiteral("compiled") : QStringLiteral("unsupported")}};
        if (c.ok()) {
            j.insert(QStringLiteral("logsource"), c.logsource->name);
            j.insert(QStringLiteral("table"), run.tables[i]);
            j.insert(QStringLiteral("hits"), run.hits[i].size());
            QJsonArray rows;
            for (qsizetype k = 0; k < run.hits[i].size() && k < 1000; ++k) {
                rows.append(static_cast<qint64>(run.hits[i][k]));
            }
            j.insert(QStringLiteral("rows"), rows);
            text += QStringLiteral("compiled     %1 hit(s)  %2  %3%4\n")
                        .arg(run.hits[i].size(), 6)
                        .arg(r.level.isEmpty() ? QStringLiteral("-") : r.level, -8)
                        .arg(title, r.author.isEmpty() ? QString() : QStringLiteral("  (by %1)").arg(r.author));
        } else {
            j.insert(QStringLiteral("reason"), c.reason);
            text += QStringLiteral("unsupported  %1: %2\n").arg(title, c.reason);
        }
        list.append(j);
    }
    const int compiled = run.compiledCount();
    if (p.isSet(o["json"])) {
        printJson(QJsonObject{{QStringLiteral("rules"), list},
                              {QStringLiteral("compiled"), compiled},
                              {QStringLiteral("unsupported"), static_cast<int>(rules.size()) - compiled},
                              {QStringLiteral("hits"), static_cast<qint64>(hits)},
                              {QStringLiteral("stored"), static_cast<qint64>(stored)},
                              {QStringLiteral("passes"), run.passes},
                              {QStringLiteral("seconds"), seconds}});
    } else {
        std::fputs(text.toUtf8().constData(), stdout);
    }
    err(QStringLiteral("socwb-cli sigma: %1: %2 compiled, %3 unsupported; %4%5 in %6 s "
                       "(rules under the Detection Rule License keep their authors and references above)")
            .arg(counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n rule(s)"), rules.size()))
            .arg(compiled)
            .arg(rules.size() - compiled)
            .arg(counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n hit(s)"), hits))
            .arg(store ? QStringLiteral(", stored in the case") : QString())
            .arg(seconds, 0, 'f', 2));
    return Ok;
}

} // namespace socwb::cli
