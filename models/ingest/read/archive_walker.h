// Walks a received container depth first and hands each member that holds data to a visitor as a
// decoded stream: a .gz inside a zip inside a tar arrives as the .gz's text, its provenance as
// "collection.zip › logs/access.log.2.gz". What is not read is reported with its reason: links
// (never followed), paths that leave the archive (../, absolute), encrypted members, empty ones,
// containers nested deeper than the limit. Containers that libarchive reads only with random
// access (zip, 7z) are held in memory, within the budget's bound, when they sit inside another.
// A member of the received file's own level can be made to wait for another (a rotated log for
// the older one before it in its sequence): it is then held in memory, as stored, until that one has
// been visited; past the memory bound it is visited where it stands, and the visitor is told.
#pragma once

#include "ingest/read/archive_reader.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <atomic>
#include <string>
#include <vector>

namespace socwb {

struct MemberInfo {
    QString chain;           // its path inside the received file; nested containers joined by " › "
    QString name;            // the last path component, as a file name for detection
    int64_t storedSize = -1; // as its container says; -1 when it does not
    int depth = 1;           // containers it sits in
};

class MemberVisitor {
  public:
    virtual ~MemberVisitor() = default;
    // A member to read: stream decodes it; source holds its stored bytes (drain() it, then sha256()).
    virtual void member(const MemberInfo& m, ArchiveReader& stream, EntrySource& source) = 0;
    virtual void skipped(const MemberInfo& m, const QString& reason) = 0;
    // A member that was to wait for `before` is visited before it all the same (why: the reason).
    virtual void outOfOrder(const MemberInfo& m, const QString& before, const QString& reason) {
        Q_UNUSED(m);
        Q_UNUSED(before);
        Q_UNUSED(reason);
    }
    // The walk stops between members (and the visitor stops within one) when this turns true.
    virtual bool cancelled() const = 0;
};

class ArchiveWalker {
  public:
    // hashMembers: members the visitor left unread are still read to their end, for their hash.
    ArchiveWalker(ExpansionBudget& budget, MemberVisitor& visitor, bool hashMembers = true)
        : budget_(budget), visitor_(visitor), hashMembers_(hashMembers) {}
    // Every entry of a Container reader. Throws ArchiveLimitError; false when cancelled.
    bool walk(ArchiveReader& container, const QString& prefix = {}, int depth = 1);

    // Members of the top level (by path) and the member each must follow; see the file comment.
    void setPredecessors(QHash<QString, QString> predecessorOf) { predecessorOf_ = std::move(predecessorOf); }
    // The paths of the top level's regular entries, in the container's order, without reading them
    // (skipping a compressed tar's entries still decodes them: bounded by budget). Throws
    // ArchiveLimitError and std::runtime_error; empty when cancelled.
    static QStringList listTopLevel(const QString& path, ExpansionBudget& budget, const std::atomic<bool>* cancel);

    // Whether a member path stays inside the archive: no "..", not absolute, no drive letter.
    static bool isSafePath(const QString& path);
    static constexpr const char* kSeparator = " \u203a ";

  private:
    struct Held {
        MemberInfo member;
        std::string bytes;
    };
    // The stored bytes of one entry: sniffed, opened and walked or handed to the visitor.
    bool visitEntry(const MemberInfo& m, EntrySource& source, int depth);
    // A top-level entry, or held until its predecessor has been visited.
    bool visitInOrder(const MemberInfo& m, const EntryInfo& e, ArchiveReader& container);
    bool visitHeld(Held& h);
    // Marks a top-level path visited and visits what waited for it; false when cancelled.
    bool passed(const QString& path);

    ExpansionBudget& budget_;
    MemberVisitor& visitor_;
    bool hashMembers_;
    QHash<QString, QString> predecessorOf_;
    QHash<QString, int> visited_; // top-level paths visited (or passed over), with how many times
    std::vector<Held> held_;
    int64_t heldBytes_ = 0;
};

} // namespace socwb
