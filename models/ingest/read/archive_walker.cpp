#include "ingest/read/archive_walker.h"

#include <QLocale>
#include <QRegularExpression>

#include <archive_entry.h>

#include <algorithm>

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
    const bool ordered = prefix.isEmpty() && !predecessorOf_.isEmpty();
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
        QString reason;
        if (e.type == AE_IFLNK) {
            reason = QStringLiteral("a symbolic link (to %1): links are not followed").arg(e.symlink);
        } else if (!e.hardlink.isEmpty()) {
            reason = QStringLiteral("a hard link (to %1): links are not followed").arg(e.hardlink);
        } else if (e.type != AE_IFREG) {
            reason = QStringLiteral("not a regular file (a device, pipe or socket entry)");
        } else if (!isSafePath(e.path)) {
            reason = QStringLiteral("its path leaves the archive (absolute, or through \"..\"): not read");
        } else if (e.encrypted) {
            reason = QStringLiteral("encrypted (password-protected): not read");
        }
        if (!reason.isEmpty()) {
            visitor_.skipped(m, reason);
            if (ordered && !passed(m.chain)) {
                return false;
            }
            continue;
        }
        if (ordered) {
            if (!visitInOrder(m, e, container)) {
                return false;
            }
            continue;
        }
        EntrySource source(container);
        if (!visitEntry(m, source, depth)) {
            return false;
        }
    }
    // What still waits lost its predecessor (the archive ended before it): visited as held.
    while (ordered && !held_.empty()) {
        Held h = std::move(held_.front());
        held_.erase(held_.begin());
        heldBytes_ -= static_cast<int64_t>(h.bytes.size());
        if (!visitHeld(h)) {
            return false;
        }
    }
    if (!container.error().isEmpty() && prefix.isEmpty()) {
        visitor_.skipped(MemberInfo{},
                         QStringLiteral("the rest of the archive cannot be read: %1").arg(container.error()));
    }
    return true;
}

bool ArchiveWalker::visitInOrder(const MemberInfo& m, const EntryInfo& e, ArchiveReader& container) {
    const QString before = predecessorOf_.value(m.chain);
    const int64_t limit = budget_.limits().maxMemoryCopy;
    const bool waits = !before.isEmpty() && !visited_.contains(before);
    if (waits && e.size != 0 && (e.size < 0 || heldBytes_ + e.size > limit)) {
        visitor_.outOfOrder(
            m, before,
            e.size < 0 ? QStringLiteral("the archive does not say its size, so it cannot be held until then")
                       : QStringLiteral("holding it until then would take more than %1 of memory (the limit)")
                             .arg(QLocale::c().formattedDataSize(limit, 0, QLocale::DataSizeTraditionalFormat)));
    } else if (waits && e.size != 0) {
        Held h{m, {}};
        EntrySource source(container);
        if (!source.readAll(h.bytes, limit - heldBytes_)) {
            visitor_.skipped(m, source.error().isEmpty() ? QStringLiteral("cannot be read: larger than its header says")
                                                         : QStringLiteral("cannot be read: %1").arg(source.error()));
            return passed(m.chain);
        }
        heldBytes_ += static_cast<int64_t>(h.bytes.size());
        held_.push_back(std::move(h));
        return true;
    }
    EntrySource source(container);
    return visitEntry(m, source, 1) && passed(m.chain);
}

bool ArchiveWalker::visitHeld(Held& h) {
    budget_.setWhere(h.member.chain);
    if (h.bytes.empty()) {
        visitor_.skipped(h.member, QStringLiteral("empty"));
        return passed(h.member.chain);
    }
    auto stored = ArchiveReader::openStored(std::move(h.bytes));
    EntrySource source(*stored);
    return visitEntry(h.member, source, 1) && passed(h.member.chain);
}

bool ArchiveWalker::passed(const QString& path) {
    ++visited_[path];
    for (;;) {
        auto ready = std::find_if(held_.begin(), held_.end(), [this](const Held& h) {
            return visited_.contains(predecessorOf_.value(h.member.chain));
        });
        if (ready == held_.end()) {
            return true;
        }
        Held h = std::move(*ready);
        held_.erase(ready);
        heldBytes_ -= static_cast<int64_t>(h.bytes.size());
        if (!visitHeld(h)) {
            return false;
        }
    }
}

bool ArchiveWalker::visitEntry(const MemberInfo& m, EntrySource& source, int depth) {
    const ArchiveLimits& limits = budget_.limits();
    const std::string_view head = source.peek(8);
    if (head.empty()) {
        visitor_.skipped(m, source.error().isEmpty() ? QStringLiteral("empty")
                                                     : QStringLiteral("cannot be read: %1").arg(source.error()));
        return true;
    }
    std::unique_ptr<ArchiveReader> inner;
    try {
        if (needsRandomAccess(head)) {
            if (depth >= limits.maxDepth) {
                visitor_.skipped(
                    m, QStringLiteral("an archive nested %1 levels deep (the limit): not opened").arg(depth + 1));
                return true;
            }
            std::string bytes;
            if (!source.readAll(bytes, limits.maxMemoryCopy)) {
                visitor_.skipped(
                    m, source.error().isEmpty()
                           ? QStringLiteral("an archive inside an archive larger than %1 (the limit): not opened")
                                 .arg(QLocale::c().formattedDataSize(limits.maxMemoryCopy, 0,
                                                                     QLocale::DataSizeTraditionalFormat))
                           : QStringLiteral("cannot be read: %1").arg(source.error()));
                return true;
            }
            inner = ArchiveReader::openMemory(std::move(bytes), &budget_);
        } else {
            inner = ArchiveReader::openEntry(source, &budget_);
        }
    } catch (const ArchiveLimitError&) {
        throw;
    } catch (const std::exception& ex) {
        visitor_.skipped(m, QString::fromUtf8(ex.what()));
        return true;
    }
    if (inner->kind() == ArchiveReader::Kind::Container) {
        if (depth >= limits.maxDepth) {
            visitor_.skipped(m,
                             QStringLiteral("an archive nested %1 levels deep (the limit): not opened").arg(depth + 1));
            return true;
        }
        if (!walk(*inner, m.chain, depth + 1)) {
            return false;
        }
        if (!inner->error().isEmpty()) {
            visitor_.skipped(m, QStringLiteral("the rest of this archive cannot be read: %1").arg(inner->error()));
        }
        return true;
    }
    visitor_.member(m, *inner, source);
    if (visitor_.cancelled()) {
        return false;
    }
    if (hashMembers_ && !source.atEnd()) {
        source.drain();
    }
    return true;
}

QStringList ArchiveWalker::listTopLevel(const QString& path, ExpansionBudget& budget, const std::atomic<bool>* cancel) {
    auto r = ArchiveReader::openFile(path, nullptr);
    QStringList out;
    EntryInfo e;
    while (r->kind() == ArchiveReader::Kind::Container && r->nextEntry(e)) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            return {};
        }
        budget.entry();
        budget.setWhere(e.path);
        if (e.type == AE_IFREG && e.hardlink.isEmpty() && !e.encrypted) {
            // Skipping an entry of a compressed container decodes it: what a bomb would cost is
            // refused by its declared size before it is spent.
            budget.expanded(std::max<int64_t>(e.size, 0));
            out << e.path;
        }
    }
    return out;
}

} // namespace socwb
