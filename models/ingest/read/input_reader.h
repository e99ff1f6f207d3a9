// Streams evidence line by line with bounded memory, keeping each line's number and byte offset
// (in the decoded bytes) for provenance. The bytes come through an ArchiveReader: a plain file, any
// compression libarchive decodes (gzip with any number of members, bzip2, xz, zstd, lz4, ...), or
// a member of a received archive; data after the end of a compressed stream is reported, not
// dropped. A line longer than kMaxLine is handed over cut to that bound and flagged, and the rest
// of it is skipped: a 10 MB line costs no more than 1 MiB.
#pragma once

#include "ingest/read/records.h"

#include <memory>

#include <QString>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace socwb {

struct Line {
    std::string_view text; // without the line end (\n or \r\n)
    SourcePos pos;
    int64_t fullLength = 0; // bytes of the whole line, larger than text.size() when overlong
    bool overlong = false;
};

class ArchiveReader;
class ExpansionBudget;

class InputReader {
  public:
    static constexpr size_t kMaxLine = 1u << 20;

    // Throws std::runtime_error with a readable message when the file cannot be opened, or when it
    // is an archive (whose members are read one by one through an ArchiveWalker).
    // budget (may be null) bounds what a compressed file may expand to (a gzip bomb).
    explicit InputReader(const QString& path, ExpansionBudget* budget = nullptr);
    // A member of a received file: `stream` decodes it, `head` holds the bytes already taken from it
    // for detection (handed out first), and progress is told in the received file's bytes.
    InputReader(ArchiveReader& stream, std::string head, const QString& name, const ArchiveReader* received,
                int64_t receivedSize);
    ~InputReader();
    InputReader(const InputReader&) = delete;
    InputReader& operator=(const InputReader&) = delete;

    bool next(Line& line);
    // For formats that are not line-oriented (event XML): the next stretch of decompressed bytes
    // and the offset of its first byte. Do not mix with next() on the same reader.
    bool nextBlock(std::string_view& block, int64_t& offset);
    // For formats read by a library that opens the file itself (EVTX): the file's path, and whether
    // the library may open it there (a plain file on disk, not compressed, not an archive member).
    const QString& path() const { return path_; }
    bool isPlainFile() const { return plainFile_; }
    // For a library that needs random access to bytes that are not a plain file: everything not yet
    // handed out, in memory. False (out cut short) past `limit` bytes or on a read error.
    bool readRest(std::string& out, int64_t limit);
    // The bound readRest() callers use: ArchiveLimits::maxMemoryCopy of the import.
    int64_t memoryLimit() const;
    // Such a library reads the file behind this reader's back: the parser says how far through the
    // file it has got, and rawBytesRead() reports that from then on.
    void setLibraryPosition(int64_t rawBytes) { libraryPosition_ = rawBytes; }
    // Bytes of the file consumed so far and the file's size: progress in the user's terms. Plain
    // files count what next() and nextBlock() handed out (not what is read ahead into the buffer),
    // compressed files the compressed bytes decoded, archive members the received file's bytes.
    int64_t rawBytesRead() const;
    int64_t rawSize() const { return rawSize_; }
    bool compressed() const { return compressed_; }
    // Set when the stream ended early (a truncated compressed stream), is damaged, has data after
    // its end, or a read failed.
    const QString& error() const;

  private:
    bool fill();
    size_t readSome(char* out, size_t n);

    std::unique_ptr<ArchiveReader> owned_;
    ArchiveReader* stream_ = nullptr;
    const ArchiveReader* received_ = nullptr; // progress: the received file's reader
    std::string head_;                        // bytes taken for detection, handed out first
    size_t headPos_ = 0;
    bool plainFile_ = false;
    std::vector<char> buf_;
    size_t begin_ = 0;
    size_t end_ = 0;
    bool eof_ = false;
    bool compressed_ = false;
    int64_t rawSize_ = 0;
    int64_t libraryPosition_ = -1; // set by a parser whose library reads the file (-1: none)
    int64_t offset_ = 0;           // decompressed offset of buf_[begin_]
    int64_t lineNo_ = 0;
    QString path_;
    std::string overlongHead_;
    QString error_;
};

// What format detection looks at: the first 64 KiB (decompressed) and the lines in it.
struct SniffSample {
    QString fileName;
    std::string head;
    std::vector<std::string_view> lines; // up to 64 lines, line ends stripped, blank lines kept
    bool binary = false;                 // a tenth or more control bytes (NUL included)
    bool empty = false;
    QString archive; // the container's format when the file is an archive (then nothing else is set)
    QString error;   // why the file could not be read
};

// The first 64 KiB of a file, decoded; an archive is only named (its members are sampled one by one).
SniffSample readSniffSample(const QString& path);
// A sample of bytes already read (a member's head).
SniffSample sniffBytes(const QString& fileName, std::string head);
// The first 64 KiB of a stream into head (fewer at its end).
std::string readHead(ArchiveReader& stream);

} // namespace socwb
