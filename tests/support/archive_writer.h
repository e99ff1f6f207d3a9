// Fixture archives written by the tests themselves, in memory, with libarchive's writer.
#pragma once

#include <archive_entry.h>

#include <QByteArray>
#include <QString>
#include <QVector>

namespace socwb::test {

struct ArchiveEntry {
    QString path;
    QByteArray data;
    unsigned type = AE_IFREG;
    QString link = {};
};

// An archive in `format` (libarchive's names: "gnutar", "zip", "7zip", "cpio", "raw") through
// `filter` ("none", "gzip", ...).
QByteArray writeArchive(const char* format, const char* filter, const QVector<ArchiveEntry>& entries,
                        const char* options = nullptr, const char* passphrase = nullptr);

// `data` as one stream through `filter` (gzip, bzip2, xz, zstd, lz4, lzma).
QByteArray compressed(const char* filter, const QByteArray& data);

} // namespace socwb::test
