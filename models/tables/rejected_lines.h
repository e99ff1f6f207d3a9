// A finished file's rejected lines (line, byte offset, reason, the raw bytes), for the import
// summary's "Rejected lines…". Blocking: call it in a worker.
#pragma once

#include <QString>
#include <QVector>

namespace socwb {

struct RejectedLine {
    qint64 lineNo = 0;
    qint64 byteOffset = 0;
    QString reason;
    QString raw; // invalid UTF-8 shown as U+FFFD
};

QVector<RejectedLine> readRejectedLines(const QString& casePath, qint64 evidenceId, int limit);

} // namespace socwb
