#include "import_plan.h"

#include "ingest/read/format_registry.h"
#include "ingest/read/input_reader.h"
#include "store/case_file.h"

#include <QDirIterator>
#include <QFileInfo>

namespace socwb {

QStringList expandImportPaths(const QStringList& paths) {
    QStringList files;
    for (const QString& p : paths) {
        const QFileInfo fi(p);
        if (fi.isDir()) {
            QDirIterator it(p, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString f = it.next();
                if (!it.fileInfo().isHidden()) {
                    files << f;
                }
            }
        } else if (fi.isFile()) {
            files << fi.absoluteFilePath();
        }
    }
    files.sort();
    files.removeDuplicates();
    return files;
}

QVector<ImportPlanItem> previewImport(const QStringList& files) {
    QVector<ImportPlanItem> out;
    for (const QString& f : files) {
        ImportPlanItem item;
        item.path = f;
        item.size = QFileInfo(f).size();
        if (case_file::isHeld(f)) {
            // Not even its first lines: reading it would drop this program's locks on the case.
            item.reason = QStringLiteral("a case this program has open (or its -wal, -shm or -journal), not evidence");
            out << item;
            continue;
        }
        try {
            const SniffSample sample = readSniffSample(f);
            const Detection d = detectFormat(sample);
            if (d.format) {
                item.detected = QString::fromLatin1(d.format->name);
            } else {
                item.reason = d.reason;
            }
            QStringList lines;
            for (size_t i = 0; i < sample.lines.size() && lines.size() < 8; ++i) {
                lines << QString::fromUtf8(sample.lines[i].data(),
                                           qsizetype(qMin<size_t>(sample.lines[i].size(), 400)));
            }
            item.firstLines = sample.binary ? QStringLiteral("(binary data)") : lines.join(QLatin1Char('\n'));
        } catch (const std::exception& e) {
            item.reason = QString::fromUtf8(e.what());
        }
        item.format = item.detected;
        out << item;
    }
    return out;
}

bool formatUsesLocalTime(const QString& format) {
    return format == QLatin1String("windows-dns") || format == QLatin1String("bind") ||
           format == QLatin1String("dnsmasq") || format == QLatin1String("w3c");
}

} // namespace socwb
