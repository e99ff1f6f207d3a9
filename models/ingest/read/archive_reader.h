// Evidence bytes through libarchive, whatever they came wrapped in: a plain file, a compressed
// stream (gzip, bzip2, xz, lzma, zstd, lz4, compress) or a container (tar, zip, 7z, cpio, rar),
// any of them inside another, read as streams and never unpacked to disk. An ArchiveReader is one
// libarchive read handle; its first header says what it holds: a Stream (libarchive's "raw" format,
// the decoded bytes of one file) or a Container, whose current entry an EntrySource hands to a
// child reader. One ExpansionBudget per received file bounds what everything under it may expand
// to, so a zip bomb or a quine costs a bounded amount of work and is refused by name.
#pragma once

#include "core/sha256.h"

#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct archive;

namespace socwb {

struct ArchiveLimits {
    int maxDepth = 4;                      // containers one inside another, the received file counting as 1
    int64_t maxMembers = 20000;            // entries of every container under one received file
    int64_t maxExpandedBytes = 64LL << 30; // bytes decoded at every level under one received file
    int64_t maxRatio = 250;                // bytes decoded per byte received, checked ...
    int64_t ratioFloor = 64LL << 20;       // ... once this much was decoded (small files may compress well)
    int64_t maxMemoryCopy = 512LL << 20;   // a member held in memory: an EVTX, a nested zip or 7z
};

// A limit was crossed: the whole received file is refused, naming the member being read.
class ArchiveLimitError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class ExpansionBudget {
  public:
    ExpansionBudget(QString receivedName, int64_t receivedSize, const ArchiveLimits& limits);
    // Counts decoded bytes; throws ArchiveLimitError past the total or the ratio.
    void expanded(int64_t n);
    // Counts one entry; throws ArchiveLimitError past maxMembers.
    void entry();
    void setWhere(const QString& member) { where_ = member; }
    const ArchiveLimits& limits() const { return limits_; }
    int64_t total() const { return total_; }

  private:
    QString name_;
    int64_t receivedSize_;
    ArchiveLimits limits_;
    int64_t total_ = 0;
    int64_t entries_ = 0;
    QString where_;
};

struct EntryInfo {
    QString path;
    unsigned type = 0; // AE_IFREG, AE_IFDIR, AE_IFLNK, ... (archive_entry.h)
    int64_t size = -1; // -1: the container does not say (a streamed zip entry)
    bool encrypted = false;
    QString symlink;  // target of a symbolic link
    QString hardlink; // target of a hard link
};

class EntrySource;

class ArchiveReader {
  public:
    enum class Kind { Stream, Container };
    // Each throws std::runtime_error with a readable message when the bytes cannot be read.
    // budget may be null (a single file read outside an import's limits).
    static std::unique_ptr<ArchiveReader> openFile(const QString& path, ExpansionBudget* budget);
    static std::unique_ptr<ArchiveReader> openMemory(std::string bytes, ExpansionBudget* budget);
    // Reads the current entry of source's container; source must outlive the reader.
    static std::unique_ptr<ArchiveReader> openEntry(EntrySource& source, ExpansionBudget* budget);
    // A member's stored bytes, held in memory, handed out as they are (nothing decoded, no budget:
    // they were counted when they were taken from their container). Not empty.
    static std::unique_ptr<ArchiveReader> openStored(std::string bytes);
    ~ArchiveReader();
    ArchiveReader(const ArchiveReader&) = delete;
    ArchiveReader& operator=(const ArchiveReader&) = delete;

    Kind kind() const { return kind_; }
    QString formatName() const; // "ZIP 2.0 (deflation)", "GNU tar format", ...
    // The compression around the bytes ("gzip", "zstd", ...), empty when none.
    QString compression() const;
    bool compressed() const { return !compression().isEmpty(); }

    // Container: the next entry's header; false at the end, or on damage (then error() says why).
    bool nextEntry(EntryInfo& e);
    // The decoded bytes of the stream, or of the container's current entry: at most n, 0 at the end
    // or on an error (then error() is set: damage, a truncated stream, data after its end).
    size_t read(char* out, size_t n);
    // Bytes taken from below (the file, the memory copy, the parent entry) so far.
    int64_t rawConsumed() const;
    // Bytes decoded so far by the compression around a container (what skipping entries costs).
    int64_t decodedConsumed() const;
    int64_t memoryLimit() const;
    const QString& error() const { return error_; }

  private:
    enum class Accept { Everything, Streams, StoredBytes };
    ArchiveReader(ExpansionBudget* budget, Accept accept = Accept::Everything);
    void start(int openResult, const QString& what);

    archive* a_ = nullptr;
    ExpansionBudget* budget_ = nullptr;
    Kind kind_ = Kind::Stream;
    bool firstPending_ = false;
    EntryInfo first_;
    std::string memory_;
    int64_t knownRawSize_ = -1; // bytes below the stream: what is left after it is reported
    bool ended_ = false;
    QString error_;
};

// The stored bytes of a container's current entry, hashed (SHA-256) and counted as they are taken,
// so that a member's hash covers exactly what the archive holds, compression included.
class EntrySource {
  public:
    explicit EntrySource(ArchiveReader& parent) : parent_(parent) {}
    // The first n bytes (fewer at the end) without handing them out.
    std::string_view peek(size_t n);
    // The next stretch of bytes; empty at the end or on an error (error()).
    std::string_view next();
    // Everything not yet handed out into out; false past `limit` bytes (out then holds a prefix) or on error.
    bool readAll(std::string& out, int64_t limit);
    // Takes what is left so that sha256() covers the whole entry; false on error or cancel.
    bool drain(const std::atomic<bool>* cancel = nullptr);
    bool atEnd() const { return eof_ && pending_ == 0; }
    // The entry's hash; empty until drained, or after an error.
    QString sha256();
    int64_t size() const { return size_; }
    const QString& error() const { return parent_.error(); }

  private:
    bool pull();

    ArchiveReader& parent_;
    std::vector<char> buf_;
    size_t pending_ = 0; // bytes at the start of buf_ not yet handed out
    int64_t size_ = 0;
    bool eof_ = false;
    bool failed_ = false;
    Sha256 sha_;
    QString hex_;
};

} // namespace socwb
