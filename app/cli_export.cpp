// socwb-cli export: the channels analysts called malicious, in a format other tools read.
#include "cli_commands.h"
#include "cli_reference.h"

#include "report/stix_bundle.h"
#include "store/case_store.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <cstdio>
#include <stdexcept>

namespace socwb::cli {

int exportChannels(const QStringList& args) {
    QCommandLineParser p;
    const ParserOptions o = addToParser(p, command(QStringLiteral("export")));
    if (auto rc = parse(p, QStringLiteral("export"), args)) {
        return *rc;
    }
    if (p.value(o["format"]) != QLatin1String("stix")) {
        err(QStringLiteral("socwb-cli export: --format takes stix"));
        return Usage;
    }
    StixOptions options;
    options.statuses = p.value(o["status"]).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString& s : options.statuses) {
        s = s.trimmed();
    }
    int failure = CaseUnusable;
    auto store = openCaseToRead(p.positionalArguments().first(), failure);
    if (!store) {
        return failure;
    }
    StixExport out;
    try {
        out = exportStixBundle(store->db(), options);
    } catch (const std::invalid_argument& e) {
        err(QStringLiteral("socwb-cli export: %1 (verdicts: new, in-review, benign, malicious, escalated)")
                .arg(QString::fromUtf8(e.what())));
        return Usage;
    }
    const QByteArray json = QJsonDocument(out.bundle).toJson(QJsonDocument::Indented);
    const QString target = p.positionalArguments().at(1);
    if (target == QLatin1String("-")) {
        std::fwrite(json.constData(), 1, static_cast<size_t>(json.size()), stdout);
    } else {
        QSaveFile f(target); // all or nothing: an interrupted export leaves no half bundle
        if (!f.open(QIODevice::WriteOnly) || f.write(json) != json.size() || !f.commit()) {
            err(QStringLiteral("socwb-cli export: cannot write %1: %2").arg(target, f.errorString()));
            return WriteFailed;
        }
    }
    err(out.channels == 0
            ? QStringLiteral("socwb-cli export: no channel has the verdict %1; the bundle holds only its producer "
                             "and ATT&CK T1102.003")
                  .arg(options.statuses.join(QStringLiteral(" or ")))
            : QStringLiteral("socwb-cli export: %1 channel(s), %2 indicator(s) in a STIX 2.1 bundle of %3 object(s)")
                  .arg(out.channels)
                  .arg(out.indicators)
                  .arg(out.bundle.value(QStringLiteral("objects")).toArray().size()));
    return Ok;
}

} // namespace socwb::cli
