// What the import preview shows before anything is written: the files a drop or a dialog named
// (folders expanded as collection_layout says), each with its size, the format the registry detects
// (or why none does) and its first lines; an archive is followed by one item per member, read as a
// stream (64 KiB of each member, the rest skipped). Meant to run in a worker.
#pragma once

#include <QHash>
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
    QString timeZone;   // for a format that logs local time: the analyst's choice, empty until made
    QString archive;    // an archive's container format: its members follow it in the plan
    QString member;     // a member of the archive `path`: its path inside; size is its stored size
    // For an archive: the members' chosen formats (empty: leave it out), as ImportOptions wants them.
    QHash<QString, QString> memberFormats;
};

// What the preview's summary counts. An archive member is a file to import like any other; the
// archive itself is not (what is imported is its members).
struct PlanCounts {
    int files = 0;     // plain files and archive members
    int members = 0;   // of the files, those inside an archive
    int archives = 0;  // received archives whose members are listed
    int unmatched = 0; // files (members included) that no format matched
};
PlanCounts countPlan(const QVector<ImportPlanItem>& items);

// Expands folders (recursively, hidden files and OS metadata skipped, collection layouts applied).
QStringList expandImportPaths(const QStringList& paths);
QVector<ImportPlanItem> previewImport(const QStringList& files);
// Folds member items into their archive's memberFormats and drops them: what the importer takes.
QVector<ImportPlanItem> foldMembers(const QVector<ImportPlanItem>& items);
// Formats whose timestamps are the logging machine's local time: the import needs its zone.
bool formatUsesLocalTime(const QString& format);
// Why a file read as FORMAT cannot be imported with ZONE: its format logs local time and no zone
// was given (empty when the format logs UTC or a zone is given). Names the option and the preview.
QString missingTimeZoneReason(const QString& format, const QString& zone);

} // namespace socwb

Q_DECLARE_METATYPE(socwb::ImportPlanItem)
