// Walks a received container depth first and hands each member that holds data to a visitor as a
// decoded stream: a .gz inside a zip inside a tar arrives as the .gz's text, its provenance as
// "collection.zip › logs/access.log.2.gz". What is not read is reported with its reason: links
// (never followed), paths that leave the archive (../, absolute), encrypted members, empty ones,
// containers nested deeper than the limit. Containers that libarchive reads only with random
// access (zip, 7z) are held in memory, within the budget's bound, when they sit inside another.
#pragma once

#include "ingest/read/archive_reader.h"

#include <QString>

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

    // Whether a member path stays inside the archive: no "..", not absolute, no drive letter.
    static bool isSafePath(const QString& path);
    static constexpr const char* kSeparator = " \u203a ";

  private:
    ExpansionBudget& budget_;
    MemberVisitor& visitor_;
    bool hashMembers_;
};

} // namespace socwb
