// What the import preview shows before anything is written: the files a drop or a dialog named
// (folders expanded), each with its size, the format the registry detects (or why none does) and
// its first lines. Reads at most 64 KiB of each file; meant to run in a worker.
#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

namespace socwb {

struct ImportPlanItem {
    QString path;
    qint64 size = 0;
    QString detected;   // format name, empty when nothing matched
    QString reason;     // why nothing matched
    QString firstLines; // up to eight lines of the (decompressed) start
    QString format;     // what will be used: detected, or the analyst's choice
    QString timeZone = QStringLiteral("UTC");
};

// Expands folders (recursively, hidden files skipped) and sorts the files by path.
QStringList expandImportPaths(const QStringList& paths);
QVector<ImportPlanItem> previewImport(const QStringList& files);
// Formats whose timestamps are the logging machine's local time: the import needs its zone.
bool formatUsesLocalTime(const QString& format);

} // namespace socwb

Q_DECLARE_METATYPE(socwb::ImportPlanItem)
