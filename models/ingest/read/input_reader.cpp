#include "ingest/read/input_reader.h"

#include "ingest/read/archive_reader.h"

#include <QFileInfo>

#include <cstring>
#include <stdexcept>

namespace socwb {

namespace {
constexpr size_t kChunk = 1u << 20;
constexpr size_t kSniffBytes = 64 * 1024;
} // namespace

InputReader::InputReader(const QString& path, ExpansionBudget* budget) : path_(path) {
    rawSize_ = QFileInfo(path).size();
    if (rawSize_ == 0 && QFileInfo(path).isFile()) {
        eof_ = true; // nothing to read; libarchive would call an empty file an unknown format
        plainFile_ = true;
        return;
    }
    try {
        owned_ = ArchiveReader::openFile(path, budget);
    } catch (const ArchiveLimitError&) {
        throw;
    } catch (const std::exception& e) {
        throw std::runtime_error(QStringLiteral("%1: %2").arg(path, QString::fromUtf8(e.what())).toStdString());
    }
    if (owned_->kind() != ArchiveReader::Kind::Stream) {
        throw std::runtime_error(QStringLiteral("%1: an archive (%2): its members are read one by one")
                                     .arg(path, owned_->formatName())
                                     .toStdString());
    }
    stream_ = owned_.get();
    compressed_ = stream_->compressed();
    plainFile_ = !compressed_;
    buf_.resize(InputReader::kMaxLine + kChunk);
    fill();
}

InputReader::InputReader(ArchiveReader& stream, std::string head, const QString& name, const ArchiveReader* received,
                         int64_t receivedSize)
    : stream_(&stream), received_(received), head_(std::move(head)), compressed_(stream.compressed()),
      rawSize_(receivedSize), path_(name) {
    buf_.resize(InputReader::kMaxLine + kChunk);
    fill();
}

InputReader::~InputReader() = default;

const QString& InputReader::error() const {
    return error_.isEmpty() && stream_ ? stream_->error() : error_;
}

int64_t InputReader::rawBytesRead() const {
    if (libraryPosition_ >= 0) {
        return libraryPosition_;
    }
    if (received_) {
        return received_->rawConsumed();
    }
    return compressed_ && stream_ ? stream_->rawConsumed() : offset_;
}

int64_t InputReader::memoryLimit() const {
    return stream_ ? stream_->memoryLimit() : ArchiveLimits{}.maxMemoryCopy;
}

size_t InputReader::readSome(char* out, size_t n) {
    if (headPos_ < head_.size()) {
        const size_t take = std::min(n, head_.size() - headPos_);
        std::memcpy(out, head_.data() + headPos_, take);
        headPos_ += take;
        if (headPos_ == head_.size()) {
            head_ = {};
            headPos_ = 0;
        }
        return take;
    }
    return stream_ ? stream_->read(out, n) : 0;
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
    const size_t n = readSome(buf_.data() + end_, room);
    if (n == 0) {
        eof_ = true;
        return false;
    }
    end_ += n;
    return true;
}

bool InputReader::readRest(std::string& out, int64_t limit) {
    out.assign(buf_.data() + begin_, end_ - begin_);
    offset_ += static_cast<int64_t>(end_ - begin_);
    begin_ = end_ = 0;
    std::vector<char> chunk(kChunk);
    while (!eof_) {
        if (static_cast<int64_t>(out.size()) > limit) {
            return false;
        }
        const size_t n = readSome(chunk.data(), chunk.size());
        if (n == 0) {
            eof_ = true;
            break;
        }
        out.append(chunk.data(), n);
        offset_ += static_cast<int64_t>(n);
    }
    return static_cast<int64_t>(out.size()) <= limit && error().isEmpty();
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

std::string readHead(ArchiveReader& stream) {
    std::string head(kSniffBytes, '\0');
    size_t got = 0;
    while (got < head.size()) {
        const size_t n = stream.read(head.data() + got, head.size() - got);
        if (n == 0) {
            break;
        }
        got += n;
    }
    head.resize(got);
    return head;
}

SniffSample readSniffSample(const QString& path) {
    const QFileInfo info(path);
    if (info.isFile() && info.size() == 0) {
        SniffSample s;
        s.fileName = info.fileName();
        s.empty = true;
        return s;
    }
    std::unique_ptr<ArchiveReader> r;
    try {
        r = ArchiveReader::openFile(path, nullptr);
    } catch (const std::exception& e) {
        SniffSample s;
        s.fileName = info.fileName();
        s.error = QString::fromUtf8(e.what());
        return s;
    }
    if (r->kind() == ArchiveReader::Kind::Container) {
        SniffSample s;
        s.fileName = info.fileName();
        s.archive = r->formatName() + (r->compressed() ? QStringLiteral(", %1").arg(r->compression()) : QString());
        return s;
    }
    return sniffBytes(info.fileName(), readHead(*r));
}

SniffSample sniffBytes(const QString& fileName, std::string head) {
    SniffSample s;
    s.fileName = fileName;
    s.head = std::move(head);
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
        if (nl == std::string_view::npos && s.head.size() == kSniffBytes) {
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
