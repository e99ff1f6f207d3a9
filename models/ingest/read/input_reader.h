// Streams a file line by line with bounded memory, gzip (any number of members) or plain, keeping
// each line's number and byte offset for provenance. Gzip is inflated here rather than through
// gzread(), which silently drops whatever follows the last gzip member: trailing data is reported. A line longer than
// kMaxLine is handed over cut to that bound and flagged, and the rest of it is skipped: a 10 MB line costs no more than
// 1 MiB.
#pragma once

#include "ingest/read/records.h"

#include <QString>

#include <cstdint>
#include <cstdio>
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

class InputReader {
  public:
    static constexpr size_t kMaxLine = 1u << 20;

    // Throws std::runtime_error with a readable message when the file cannot be opened.
    explicit InputReader(const QString& path);
    ~InputReader();
    InputReader(const InputReader&) = delete;
    InputReader& operator=(const InputReader&) = delete;

    bool next(Line& line);
    // For formats that are not line-oriented (event XML): the next stretch of decompressed bytes
    // and the offset of its first byte. Do not mix with next() on the same reader.
    bool nextBlock(std::string_view& block, int64_t& offset);
    // For formats read by a library that opens the file itself (EVTX).
    const QString& path() const { return path_; }
    // Such a library reads the file behind this reader's back: the parser says how far through the
    // file it has got, and rawBytesRead() reports that from then on.
    void setLibraryPosition(int64_t rawBytes) { libraryPosition_ = rawBytes; }
    // Bytes of the file consumed so far and the file's size: progress in the user's terms. Plain
    // files count what next() and nextBlock() handed out (not what is read ahead into the buffer),
    // gzip files the compressed bytes inflated.
    int64_t rawBytesRead() const;
    int64_t rawSize() const { return rawSize_; }
    bool compressed() const { return compressed_; }
    // Set when the stream ended early (a truncated gzip member), is damaged, has data after its
    // last member, or a read failed.
    const QString& error() const { return error_; }

  private:
    bool fill();
    // Decompressed bytes into out (at most n); 0 at the end or on an error (then error_ is set).
    size_t inflateSome(char* out, size_t n);
    bool readRaw();

    std::FILE* file_ = nullptr;
    void* zs_ = nullptr; // z_stream, when the file is gzip
    std::vector<char> raw_;
    bool rawEof_ = false;
    int64_t rawRead_ = 0; // bytes read from the file into raw_ so far
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
};

SniffSample readSniffSample(const QString& path);

} // namespace socwb
