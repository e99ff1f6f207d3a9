// socwb-cli hunt: the query a SIEM runs to find a channel's behaviour (or every catalogued
// service's) across the fleet, in SPL, KQL or ES|QL (models/hunt).
#include "cli_commands.h"
#include "cli_reference.h"

#include "hunt/hunt_query.h"
#include "hunt/hunt_spec.h"
#include "store/case_store.h"

#include <QCommandLineParser>

#include <cstdio>
#include <stdexcept>

namespace socwb::cli {

int hunt(const QStringList& args) {
    QCommandLineParser p;
    const ParserOptions o = addToParser(p, command(QStringLiteral("hunt")));
    if (auto rc = parse(p, QStringLiteral("hunt"), args)) {
        return *rc;
    }
    const auto language = hunt::languageFromName(p.value(o["lang"]));
    if (!language) {
        err(QStringLiteral("socwb-cli hunt: --lang takes spl, kql or esql"));
        return Usage;
    }
    hunt::HuntSelection selection;
    if (p.isSet(o["channel"])) {
        bool ok = false;
        selection.channelId = p.value(o["channel"]).toLongLong(&ok);
        if (!ok || selection.channelId <= 0) {
            err(QStringLiteral("socwb-cli hunt: --channel takes an alert id (a positive number)"));
            return Usage;
        }
    }
    selection.host = p.value(o["host"]);
    selection.dest = p.value(o["dest"]);
    int failure = CaseUnusable;
    auto store = openCaseToRead(p.positionalArguments().first(), failure);
    if (!store) {
        return failure;
    }
    hunt::HuntSpec spec;
    try {
        spec = hunt::huntFromCase(store->db(), selection);
    } catch (const std::invalid_argument& e) {
        err(QStringLiteral("socwb-cli hunt: %1").arg(QString::fromUtf8(e.what())));
        return Rejected;
    } catch (const std::runtime_error& e) {
        err(QStringLiteral("socwb-cli hunt: %1").arg(QString::fromUtf8(e.what())));
        return CaseUnusable;
    }
    const QByteArray query = hunt::writeHunt(spec, *language).toUtf8();
    std::fwrite(query.constData(), 1, static_cast<size_t>(query.size()), stdout);
    err(QStringLiteral("socwb-cli hunt: %1 hunt over %2 and %3, from %4")
            .arg(hunt::languageTitle(*language),
                 counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n destination(s)"), spec.domains.size()),
                 counted(QT_TRANSLATE_N_NOOP("socwb::Cli", "%n endpoint shape(s)"), spec.shapes.size()),
                 hunt::commentText(spec.origin)));
    return Ok;
}

} // namespace socwb::cli
