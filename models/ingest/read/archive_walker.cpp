#include "ingest/read/archive_walker.h"

#include <QLocale>
#include <QRegularExpression>

#include <archive_entry.h>

namespace socwb {

namespace {
bool needsRandomAccess(std::string_view head) {
    return head.starts_with("PK\x03\x04") || head.starts_with(std::string_view("7z\xBC\xAF\x27\x1C", 6));
}
} // namespace

bool ArchiveWalker::isSafePath(const QString& path) {
    if (path.isEmpty() || path.startsWith(QLatin1Char('/')) || path.startsWith(QLatin1Char('\\'))) {
        return false;
    }
    static const QRegularExpression drive(QStringLiteral("^[A-Za-z]:"));
    if (drive.match(path).hasMatch()) {
        return false;
    }
    static const QRegularExpression sep(QStringLiteral("[/\\\\]"));
    for (const QString& part : path.split(sep)) {
        if (part == QLatin1String("..")) {
            return false;
        }
    }
    return true;
}

bool ArchiveWalker::walk(ArchiveReader& container, const QString& prefix, int depth) {
    const ArchiveLimits& limits = budget_.limits();
    EntryInfo e;
    while (container.nextEntry(e)) {
        if (visitor_.cancelled()) {
            return false;
        }
        budget_.entry();
        MemberInfo m;
        m.chain = prefix.isEmpty() ? e.path : prefix + QString::fromUtf8(kSeparator) + e.path;
        m.name = e.path.section(QLatin1Char('/'), -1);
        m.storedSize = e.size;
        m.depth = depth;
        budget_.setWhere(m.chain);
        if (e.type == AE_IFDIR) {
            continue;
        }
        if (e.type == AE_IFLNK) {
            visitor_.skipped(m, QStringLiteral("a symbolic link (to %1): links are not followed").arg(e.symlink));
            continue;
        }
        if (!e.hardlink.isEmpty()) {
            visitor_.skipped(m, QStringLiteral("a hard link (to %1): links are not followed").arg(e.hardlink));
            continue;
        }
        if (e.type != AE_IFREG) {
            visitor_.skipped(m, QStringLiteral("not a regular file (a device, pipe or socket entry)"));
            continue;
        }
        if (!isSafePath(e.path)) {
            visitor_.skipped(m, QStringLiteral("its path leaves the archive (absolute, or through \"..\"): not read"));
            continue;
        }
        if (e.encrypted) {
            visitor_.skipped(m, QStringLiteral("encrypted (password-protected): not read"));
            continue;
        }
        EntrySource source(container);
        const std::string_view head = source.peek(8);
        if (head.empty()) {
            visitor_.skipped(m, source.error().isEmpty() ? QStringLiteral("empty")
                                                         : QStringLiteral("cannot be read: %1").arg(source.error()));
            continue;
        }
        std::unique_ptr<ArchiveReader> inner;
        try {
            if (needsRandomAccess(head)) {
                if (depth >= limits.maxDepth) {
                    visitor_.skipped(
                        m, QStringLiteral("an archive nested %1 levels deep (the limit): not opened").arg(depth + 1));
                    continue;
                }
                std::string bytes;
                if (!source.readAll(bytes, limits.maxMemoryCopy)) {
                    visitor_.skipped(
                        m, source.error().isEmpty()
                               ? QStringLiteral("an archive inside an archive larger than %1 (the limit): not opened")
                                     .arg(QLocale::c().formattedDataSize(limits.maxMemoryCopy, 0,
                                                                         QLocale::DataSizeTraditionalFormat))
                               : QStringLiteral("cannot be read: %1").arg(source.error()));
                    continue;
                }
                inner = ArchiveReader::openMemory(std::move(bytes), &budget_);
            } else {
                inner = ArchiveReader::openEntry(source, &budget_);
            }
        } catch (const ArchiveLimitError&) {
            throw;
        } catch (const std::exception& ex) {
            visitor_.skipped(m, QString::fromUtf8(ex.what()));
            continue;
        }
        if (inner->kind() == ArchiveReader::Kind::Container) {
            if (depth >= limits.maxDepth) {
                visitor_.skipped(
                    m, QStringLiteral("an archive nested %1 levels deep (the limit): not opened").arg(depth + 1));
                continue;
            }
            if (!walk(*inner, m.chain, depth + 1)) {
                return false;
            }
            if (!inner->error().isEmpty()) {
                visitor_.skipped(m, QStringLiteral("the rest of this archive cannot be read: %1").arg(inner->error()));
            }
            continue;
        }
        visitor_.member(m, *inner, source);
        if (visitor_.cancelled()) {
            return false;
        }
        if (hashMembers_ && !source.atEnd()) {
            source.drain();
        }
    }
    if (!container.error().isEmpty() && prefix.isEmpty()) {
        visitor_.skipped(MemberInfo{},
                         QStringLiteral("the rest of the archive cannot be read: %1").arg(container.error()));
    }
    return true;
}

} // namespace socwb
