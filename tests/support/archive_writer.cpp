#include "archive_writer.h"

#include <archive.h>

#include <QtGlobal>

#include <string_view>

namespace socwb::test {

namespace {
la_ssize_t appendTo(archive*, void* out, const void* buf, size_t n) {
    static_cast<QByteArray*>(out)->append(static_cast<const char*>(buf), static_cast<qsizetype>(n));
    return static_cast<la_ssize_t>(n);
}
} // namespace

QByteArray writeArchive(const char* format, const char* filter, const QVector<ArchiveEntry>& entries,
                        const char* options, const char* passphrase) {
    QByteArray out;
    archive* a = archive_write_new();
    if (archive_write_set_format_by_name(a, format) != ARCHIVE_OK ||
        (std::string_view(filter) != "none" && archive_write_add_filter_by_name(a, filter) != ARCHIVE_OK) ||
        (options && archive_write_set_options(a, options) != ARCHIVE_OK) ||
        (passphrase && archive_write_set_passphrase(a, passphrase) != ARCHIVE_OK)) {
        qFatal("libarchive cannot write %s/%s: %s", format, filter, archive_error_string(a));
    }
    archive_write_set_bytes_in_last_block(a, 1);
    archive_write_open(a, &out, nullptr, &appendTo, nullptr);
    for (const ArchiveEntry& e : entries) {
        archive_entry* ae = archive_entry_new();
        archive_entry_set_pathname(ae, e.path.toUtf8().constData());
        archive_entry_set_filetype(ae, e.type);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_mtime(ae, 1700000000, 0);
        if (e.type == AE_IFLNK) {
            archive_entry_set_symlink(ae, e.link.toUtf8().constData());
        }
        archive_entry_set_size(ae, e.type == AE_IFREG ? e.data.size() : 0);
        if (archive_write_header(a, ae) != ARCHIVE_OK) {
            qFatal("header %s: %s", qPrintable(e.path), archive_error_string(a));
        }
        if (!e.data.isEmpty()) {
            archive_write_data(a, e.data.constData(), static_cast<size_t>(e.data.size()));
        }
        archive_entry_free(ae);
    }
    archive_write_close(a);
    archive_write_free(a);
    return out;
}

QByteArray compressed(const char* filter, const QByteArray& data) {
    return writeArchive("raw", filter, {{QStringLiteral("data"), data}});
}

} // namespace socwb::test
