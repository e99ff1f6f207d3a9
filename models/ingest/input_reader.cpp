#include "input_reader.h"

#include <QFile>
#include <QFileInfo>

#include <zlib.h>

#include <cstring>
#include <stdexcept>

namespace socwb {

namespace {
constexpr size_t kChunk = 1u << 20;
gzFile asGz(void* p) { return static_cast<gzFile>(p); }
} // namespace

InputReader::InputReader(const QString& path) : path_(path) {
    const QByteArray native = QFile::encodeName(path);
    rawSize_ = QFileInfo(path).size();
    gz_ = gzopen(native.constData(), "rb");
    if (!gz_) {
        throw std::runtime_error(QStringLiteral("%1: cannot be opened").arg(path).toStdString());
    }
    gzbuffer(asGz(gz_), 256 * 1024);
    buf_.resize(InputReader::kMaxLine + kChunk);
    // gzdirect() is only meaningful after the first read.
    fill();
    compressed_ = gzdirect(asGz(gz_)) == 0;
}

InputReader::~InputReader() {
    if (gz_) {
        gzclose(asGz(gz_));
    }
}

int64_t InputReader::rawBytesRead() const {
    const z_off_t off = gz_ ? gzoffset(asGz(gz_)) : 0;
    return off < 0 ? rawSize_ : static_cast<int64_t>(off);
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
    const size_t room = buf_.size() - end_;
    if (room == 0) {
        return false;
    }
    const int n = gzread(asGz(gz_), buf_.data() + end_, static_cast<unsigned>(std::min(room, kChunk)));
    if (n <= 0) {
        eof_ = true;
        int errnum = 0;
        const char* msg = gzerror(asGz(gz_), &errnum);
        if (n < 0 || (errnum != Z_OK && errnum != Z_STREAM_END)) {
            error_ = QStringLiteral("compressed stream ended early or is damaged (%1)")
                         .arg(QString::fromUtf8(msg ? msg : "read error"));
        }
        return false;
    }
    end_ += static_cast<size_t>(n);
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
