#include "ingest/read/input_reader.h"

#include <QFile>
#include <QFileInfo>

#include <zlib.h>

#include <cstring>
#include <stdexcept>

namespace socwb {

namespace {
constexpr size_t kChunk = 1u << 20;
constexpr size_t kRawChunk = 256u * 1024;
z_stream* asZ(void* p) {
    return static_cast<z_stream*>(p);
}
bool isGzipMagic(const char* p, size_t n) {
    return n >= 2 && static_cast<unsigned char>(p[0]) == 0x1F && static_cast<unsigned char>(p[1]) == 0x8B;
}
} // namespace

InputReader::InputReader(const QString& path) : path_(path) {
    const QByteArray native = QFile::encodeName(path);
    rawSize_ = QFileInfo(path).size();
    file_ = std::fopen(native.constData(), "rb");
    if (!file_) {
        throw std::runtime_error(QStringLiteral("%1: cannot be opened").arg(path).toStdString());
    }
    raw_.resize(kRawChunk);
    buf_.resize(InputReader::kMaxLine + kChunk);
    readRaw();
    if (isGzipMagic(raw_.data(), raw_.size())) {
        auto* z = new z_stream{};
        // 16 + MAX_WBITS: gzip wrapper only; each member is inflated on its own (see inflateSome).
        if (inflateInit2(z, 16 + MAX_WBITS) != Z_OK) {
            delete z;
            throw std::runtime_error(QStringLiteral("%1: cannot start decompression").arg(path).toStdString());
        }
        z->next_in = reinterpret_cast<Bytef*>(raw_.data());
        z->avail_in = static_cast<uInt>(raw_.size());
        zs_ = z;
        compressed_ = true;
    } else {
        // Plain text: read from the start again (inputs are regular files, see Importer).
        std::rewind(file_);
        rawRead_ = 0;
        raw_ = {};
    }
    fill();
}

InputReader::~InputReader() {
    if (zs_) {
        inflateEnd(asZ(zs_));
        delete asZ(zs_);
    }
    if (file_) {
        std::fclose(file_);
    }
}

// Reads the next stretch of the file into raw_ (resized to what was read). False at the end.
bool InputReader::readRaw() {
    raw_.resize(kRawChunk);
    const size_t n = std::fread(raw_.data(), 1, raw_.size(), file_);
    raw_.resize(n);
    rawRead_ += static_cast<int64_t>(n);
    if (n == 0) {
        rawEof_ = true;
        if (std::ferror(file_)) {
            error_ = QStringLiteral("read error after %1 bytes").arg(QString::number(rawRead_));
        }
        return false;
    }
    return true;
}

int64_t InputReader::rawBytesRead() const {
    if (libraryPosition_ >= 0) {
        return libraryPosition_;
    }
    return zs_ ? rawRead_ - static_cast<int64_t>(asZ(zs_)->avail_in) : offset_;
}

size_t InputReader::inflateSome(char* out, size_t n) {
    z_stream* z = asZ(zs_);
    z->next_out = reinterpret_cast<Bytef*>(out);
    z->avail_out = static_cast<uInt>(n);
    while (z->avail_out == n) {
        if (z->avail_in == 0) {
            if (!readRaw()) {
                if (error_.isEmpty()) {
                    error_ = QStringLiteral("compressed stream ended early (the file is truncated)");
                }
                return 0;
            }
            z->next_in = reinterpret_cast<Bytef*>(raw_.data());
            z->avail_in = static_cast<uInt>(raw_.size());
        }
        const int rc = inflate(z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            // End of one member: another member, the end of the file, or data that is not gzip.
            if (z->avail_in == 0 && readRaw()) {
                z->next_in = reinterpret_cast<Bytef*>(raw_.data());
                z->avail_in = static_cast<uInt>(raw_.size());
            }
            if (z->avail_in == 0) {
                eof_ = true;
                break;
            }
            if (z->avail_in >= 2 && isGzipMagic(reinterpret_cast<const char*>(z->next_in), z->avail_in)) {
                inflateReset(z);
                continue;
            }
            const int64_t trailing = rawSize_ - rawBytesRead();
            error_ = QStringLiteral("%1 bytes after the end of the compressed stream are not gzip data and were "
                                    "not read")
                         .arg(QString::number(trailing));
            eof_ = true;
            break;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            error_ = QStringLiteral("compressed stream is damaged (%1)")
                         .arg(QString::fromUtf8(z->msg ? z->msg : "inflate error"));
            eof_ = true;
            break;
        }
    }
    return n - z->avail_out;
}

bool InputReader::fill() {
    if (eof_) {
        return false;
    }
    if (begin_ > 0) {
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    const size_t room = std::min(buf_.size() - end_, kChunk);
    if (room == 0) {
        return false;
    }
    size_t n = 0;
    if (zs_) {
        n = inflateSome(buf_.data() + end_, room);
    } else {
        n = std::fread(buf_.data() + end_, 1, room, file_);
        rawRead_ += static_cast<int64_t>(n);
        if (n == 0 && std::ferror(file_)) {
            error_ = QStringLiteral("read error after %1 bytes").arg(QString::number(rawRead_));
        }
    }
    if (n == 0) {
        eof_ = true;
        return false;
    }
    end_ += n;
    return true;
}

bool InputReader::next(Line& line) {
    for (;;) {
        const char* start = buf_.data() + begin_;
        const size_t avail = end_ - begin_;
        const void* nl = avail ? std::memchr(start, '\n', std::min(avail, kMaxLine + 1)) : nullptr;
        const bool lastLine = !nl && eof_ && avail > 0 && avail <= kMaxLine;
        if (nl || lastLine) {
            size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : avail;
            const size_t consumed = nl ? len + 1 : len;
            if (len > 0 && start[len - 1] == '\r') {
                --len;
            }
            line.text = std::string_view(start, len);
            line.pos = SourcePos{++lineNo_, offset_};
            line.fullLength = static_cast<int64_t>(len);
            line.overlong = false;
            begin_ += consumed;
            offset_ += static_cast<int64_t>(consumed);
            return true;
        }
        if (avail > kMaxLine) {
            // Overlong: keep the first kMaxLine bytes, then skip to the next line end.
            line.pos = SourcePos{++lineNo_, offset_};
            overlongHead_.assign(start, kMaxLine);
            int64_t total = 0;
            bool found = false;
            while (!found) {
                const char* s = buf_.data() + begin_;
                const size_t a = end_ - begin_;
                const void* p = std::memchr(s, '\n', a);
                const size_t take = p ? static_cast<size_t>(static_cast<const char*>(p) - s) + 1 : a;
                found = p != nullptr;
                total += static_cast<int64_t>(take);
                offset_ += static_cast<int64_t>(take);
                begin_ += take;
                if (!found && !fill()) {
                    break;
                }
            }
            line.text = overlongHead_;
            line.fullLength = total - (found ? 1 : 0);
            line.overlong = true;
            return true;
        }
        if (!fill() && end_ == begin_) {
            return false;
        }
    }
}

bool InputReader::nextBlock(std::string_view& block, int64_t& offset) {
    if (begin_ == end_ && !fill()) {
        return false;
    }
    block = std::string_view(buf_.data() + begin_, end_ - begin_);
    offset = offset_;
    offset_ += static_cast<int64_t>(block.size());
    begin_ = end_;
    return true;
}

SniffSample readSniffSample(const QString& path) {
    SniffSample s;
    s.fileName = QFileInfo(path).fileName();
    const QByteArray native = QFile::encodeName(path);
    gzFile gz = gzopen(native.constData(), "rb");
    if (!gz) {
        return s;
    }
    s.head.resize(64 * 1024);
    const int n = gzread(gz, s.head.data(), static_cast<unsigned>(s.head.size()));
    gzclose(gz);
    s.head.resize(n > 0 ? static_cast<size_t>(n) : 0);
    s.empty = s.head.empty();
    size_t control = 0;
    // A few NUL bytes in a text log are text damage, kept as "\x00" (isValidUtf8()); a file is
    // binary when control bytes (NUL among them) are a tenth of it — as in UTF-16 or a database.
    for (unsigned char c : s.head) {
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
            ++control;
        }
    }
    if (!s.head.empty() && control * 10 > s.head.size()) {
        s.binary = true;
    }
    std::string_view rest(s.head);
    // Skip a UTF-8 byte order mark: exports from Windows tools often start with one.
    if (rest.starts_with("\xEF\xBB\xBF")) {
        rest.remove_prefix(3);
    }
    while (!rest.empty() && s.lines.size() < 64) {
        const size_t nl = rest.find('\n');
        if (nl == std::string_view::npos && s.head.size() == 64 * 1024) {
            break; // the last, cut-off line of the sample says nothing reliable
        }
        std::string_view l = rest.substr(0, nl);
        if (!l.empty() && l.back() == '\r') {
            l.remove_suffix(1);
        }
        s.lines.push_back(l);
        if (nl == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(nl + 1);
    }
    return s;
}

} // namespace socwb
