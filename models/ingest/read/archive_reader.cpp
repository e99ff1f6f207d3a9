#include "ingest/read/archive_reader.h"

#include <QFile>
#include <QFileInfo>
#include <QLocale>

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <exception>

namespace socwb {

namespace {

constexpr size_t kSourceBlock = 1u << 20;

QString human(int64_t n) {
    return QLocale::c().formattedDataSize(n, 1, QLocale::DataSizeTraditionalFormat);
}

// Only filters libarchive decodes itself: none of those that hand the bytes to an external program
// (lrzip, lzop, grzip) is registered, since evidence is untrusted.
void supportFilters(archive* a) {
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_lzma(a);
    archive_read_support_filter_zstd(a);
    archive_read_support_filter_lz4(a);
    archive_read_support_filter_compress(a);
}

void supportEverything(archive* a) {
    supportFilters(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_zip(a); // streamable and, where the input can seek, seekable
    archive_read_support_format_7zip(a);
    archive_read_support_format_cpio(a);
    archive_read_support_format_rar(a);
    archive_read_support_format_rar5(a);
    // Anything no container format claims is one stream of (decompressed) bytes. Formats that bid on
    // plain text (mtree, warc) are left out so that a log is never mistaken for one.
    archive_read_support_format_raw(a);
}

QString libError(archive* a) {
    const char* s = archive_error_string(a);
    return s ? QString::fromUtf8(s) : QStringLiteral("unknown error");
}

} // namespace

ExpansionBudget::ExpansionBudget(QString receivedName, int64_t receivedSize, const ArchiveLimits& limits)
    : name_(std::move(receivedName)), receivedSize_(receivedSize), limits_(limits) {}

void ExpansionBudget::expanded(int64_t n) {
    total_ += n;
    const QString who = where_.isEmpty() ? name_ : QStringLiteral("%1 \u203a %2").arg(name_, where_);
    if (total_ > limits_.maxExpandedBytes) {
        throw ArchiveLimitError(QStringLiteral("%1: refused: everything in %2 expands to more than %3 (the limit); "
                                               "nothing of it was kept")
                                    .arg(who, name_, human(limits_.maxExpandedBytes))
                                    .toStdString());
    }
    if (total_ >= limits_.ratioFloor && total_ > limits_.maxRatio * std::max<int64_t>(receivedSize_, 1)) {
        throw ArchiveLimitError(
            QStringLiteral("%1: refused as a decompression bomb: %2 of %3 expand to more than %4 (over %5 times "
                           "its size); nothing of it was kept")
                .arg(who, human(receivedSize_), name_, human(total_), QString::number(limits_.maxRatio))
                .toStdString());
    }
}

void ExpansionBudget::entry() {
    if (++entries_ > limits_.maxMembers) {
        throw ArchiveLimitError(QStringLiteral("%1: refused: it holds more than %2 members (the limit); nothing of "
                                               "it was kept")
                                    .arg(name_, QString::number(limits_.maxMembers))
                                    .toStdString());
    }
}

ArchiveReader::ArchiveReader(ExpansionBudget* budget, Accept accept) : a_(archive_read_new()), budget_(budget) {
    if (!a_) {
        throw std::runtime_error("cannot start libarchive");
    }
    switch (accept) {
    case Accept::Everything:
        supportEverything(a_);
        break;
    case Accept::Streams:
        supportFilters(a_);
        archive_read_support_format_raw(a_);
        break;
    case Accept::StoredBytes:
        archive_read_support_format_raw(a_);
        break;
    }
}

ArchiveReader::~ArchiveReader() {
    archive_read_free(a_);
}

std::unique_ptr<ArchiveReader> ArchiveReader::openFile(const QString& path, ExpansionBudget* budget) {
    const QFileInfo info(path);
    if (info.isFile() && info.size() == 0) {
        throw std::runtime_error("the file is empty");
    }
    const QByteArray native = QFile::encodeName(path);
    for (const bool streamOnly : {false, true}) {
        std::unique_ptr<ArchiveReader> r(new ArchiveReader(budget, streamOnly ? Accept::Streams : Accept::Everything));
        r->knownRawSize_ = info.size();
        try {
            r->start(archive_read_open_filename(r->a_, native.constData(), kSourceBlock),
                     QStringLiteral("cannot be read"));
            return r;
        } catch (const ArchiveLimitError&) {
            throw;
        } catch (const std::exception&) {
            // Telling containers apart reads ahead, and a short compressed file cut in the middle
            // fails there: read it again as one stream, so the lines before the cut still come.
            if (streamOnly) {
                throw;
            }
        }
    }
    return nullptr;
}

std::unique_ptr<ArchiveReader> ArchiveReader::openMemory(std::string bytes, ExpansionBudget* budget) {
    std::unique_ptr<ArchiveReader> r(new ArchiveReader(budget));
    r->memory_ = std::move(bytes);
    r->knownRawSize_ = static_cast<int64_t>(r->memory_.size());
    r->start(archive_read_open_memory(r->a_, r->memory_.data(), r->memory_.size()), QStringLiteral("cannot be read"));
    return r;
}

std::unique_ptr<ArchiveReader> ArchiveReader::openStored(std::string bytes) {
    std::unique_ptr<ArchiveReader> r(new ArchiveReader(nullptr, Accept::StoredBytes));
    r->memory_ = std::move(bytes);
    r->knownRawSize_ = static_cast<int64_t>(r->memory_.size());
    r->start(archive_read_open_memory(r->a_, r->memory_.data(), r->memory_.size()), QStringLiteral("cannot be read"));
    return r;
}

// What libarchive calls for the next block of a nested stream. Nothing may be thrown through
// libarchive's C frames: a limit crossed below is kept and thrown again by the reader above.
struct EntryCallback {
    static la_ssize_t read(archive* a, void* self, const void** out) {
        auto* s = static_cast<EntrySource*>(self);
        try {
            const std::string_view v = s->next();
            *out = v.data();
            if (v.empty() && !s->error().isEmpty()) {
                archive_set_error(a, EIO, "%s", s->error().toUtf8().constData());
                return ARCHIVE_FATAL;
            }
            return static_cast<la_ssize_t>(v.size());
        } catch (...) {
            thrown() = std::current_exception();
            archive_set_error(a, EIO, "a limit was crossed");
            return ARCHIVE_FATAL;
        }
    }
    // One per thread: a reader and the sources under it are used by one thread at a time.
    static std::exception_ptr& thrown() {
        thread_local std::exception_ptr p;
        return p;
    }
    static void rethrow() {
        if (std::exception_ptr p = thrown()) {
            thrown() = nullptr;
            std::rethrow_exception(p);
        }
    }
};

std::unique_ptr<ArchiveReader> ArchiveReader::openEntry(EntrySource& source, ExpansionBudget* budget) {
    std::unique_ptr<ArchiveReader> r(new ArchiveReader(budget));
    r->start(archive_read_open(r->a_, &source, nullptr, &EntryCallback::read, nullptr),
             QStringLiteral("cannot be read"));
    return r;
}

void ArchiveReader::start(int openResult, const QString& what) {
    archive_entry* e = nullptr;
    int rc = openResult;
    if (rc == ARCHIVE_OK || rc == ARCHIVE_WARN) {
        rc = archive_read_next_header(a_, &e);
    }
    EntryCallback::rethrow();
    if (rc == ARCHIVE_EOF) {
        kind_ = Kind::Container; // a container without entries (an empty tar, or blocks of zeros)
        ended_ = true;
        return;
    }
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
        throw std::runtime_error(QStringLiteral("%1: %2").arg(what, libError(a_)).toStdString());
    }
    if (archive_format(a_) == ARCHIVE_FORMAT_RAW) {
        kind_ = Kind::Stream;
        return;
    }
    kind_ = Kind::Container;
    knownRawSize_ = -1;
    firstPending_ = true;
    first_ = {};
    first_.path = QString::fromUtf8(archive_entry_pathname_utf8(e) ? archive_entry_pathname_utf8(e)
                                    : archive_entry_pathname(e)    ? archive_entry_pathname(e)
                                                                   : "");
    first_.type = archive_entry_filetype(e);
    first_.size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
    first_.encrypted = archive_entry_is_encrypted(e) != 0;
    if (const char* s = archive_entry_symlink(e)) {
        first_.symlink = QString::fromUtf8(s);
    }
    if (const char* h = archive_entry_hardlink(e)) {
        first_.hardlink = QString::fromUtf8(h);
    }
}

QString ArchiveReader::formatName() const {
    const char* n = archive_format_name(a_);
    return n ? QString::fromLatin1(n) : QString();
}

QString ArchiveReader::compression() const {
    QStringList names;
    for (int i = 0; i < archive_filter_count(a_); ++i) {
        if (archive_filter_code(a_, i) != ARCHIVE_FILTER_NONE) {
            names << QString::fromLatin1(archive_filter_name(a_, i));
        }
    }
    return names.join(QLatin1Char('+'));
}

bool ArchiveReader::nextEntry(EntryInfo& info) {
    if (kind_ != Kind::Container) {
        return false;
    }
    if (firstPending_) {
        firstPending_ = false;
        info = first_;
        return true;
    }
    if (ended_) {
        return false;
    }
    archive_entry* e = nullptr;
    const int rc = archive_read_next_header(a_, &e);
    EntryCallback::rethrow();
    if (rc == ARCHIVE_EOF) {
        return false;
    }
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
        error_ = libError(a_);
        return false;
    }
    info = {};
    const char* p = archive_entry_pathname_utf8(e);
    info.path = QString::fromUtf8(p ? p : archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
    info.type = archive_entry_filetype(e);
    info.size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
    info.encrypted = archive_entry_is_encrypted(e) != 0;
    if (const char* s = archive_entry_symlink(e)) {
        info.symlink = QString::fromUtf8(s);
    }
    if (const char* h = archive_entry_hardlink(e)) {
        info.hardlink = QString::fromUtf8(h);
    }
    return true;
}

size_t ArchiveReader::read(char* out, size_t n) {
    if (ended_) {
        return 0;
    }
    // In small requests: a damaged stream fails the whole request, and what was decoded before the
    // damage is kept only when it was handed out first.
    const la_ssize_t got = archive_read_data(a_, out, std::min<size_t>(n, 64 * 1024));
    EntryCallback::rethrow();
    if (got > 0) {
        if (budget_) {
            budget_->expanded(got);
        }
        return static_cast<size_t>(got);
    }
    if (kind_ == Kind::Stream) {
        ended_ = true;
    }
    if (got < 0) {
        error_ = kind_ == Kind::Stream && compressed()
                     ? QStringLiteral("compressed stream is damaged or cut short (%1)").arg(libError(a_))
                     : QStringLiteral("cannot be read (%1)").arg(libError(a_));
    } else if (kind_ == Kind::Stream && compressed() && knownRawSize_ > 0 && rawConsumed() < knownRawSize_) {
        error_ = QStringLiteral("%1 bytes after the end of the compressed stream are not %2 data and were not read")
                     .arg(QString::number(knownRawSize_ - rawConsumed()), compression());
    }
    return 0;
}

int64_t ArchiveReader::rawConsumed() const {
    return archive_filter_bytes(a_, -1);
}

int64_t ArchiveReader::decodedConsumed() const {
    return archive_filter_bytes(a_, 0);
}

int64_t ArchiveReader::memoryLimit() const {
    return budget_ ? budget_->limits().maxMemoryCopy : ArchiveLimits{}.maxMemoryCopy;
}

bool EntrySource::pull() {
    if (eof_ || failed_) {
        return false;
    }
    if (buf_.size() < kSourceBlock) {
        buf_.resize(kSourceBlock);
    }
    if (pending_ == buf_.size()) {
        buf_.resize(buf_.size() * 2);
    }
    const size_t n = parent_.read(buf_.data() + pending_, buf_.size() - pending_);
    if (n == 0) {
        eof_ = true;
        failed_ = !parent_.error().isEmpty();
        return false;
    }
    sha_.update(std::string_view(buf_.data() + pending_, n));
    size_ += static_cast<int64_t>(n);
    pending_ += n;
    return true;
}

std::string_view EntrySource::peek(size_t n) {
    while (pending_ < n && pull()) {
    }
    return std::string_view(buf_.data(), std::min(pending_, n));
}

std::string_view EntrySource::next() {
    if (pending_ == 0 && !pull()) {
        return {};
    }
    const std::string_view v(buf_.data(), pending_);
    pending_ = 0;
    return v;
}

bool EntrySource::readAll(std::string& out, int64_t limit) {
    for (;;) {
        const std::string_view v = next();
        if (v.empty()) {
            return !failed_;
        }
        out.append(v);
        if (static_cast<int64_t>(out.size()) > limit) {
            return false;
        }
    }
}

bool EntrySource::drain(const std::atomic<bool>* cancel) {
    pending_ = 0;
    while (pull()) {
        pending_ = 0;
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            return false;
        }
    }
    return !failed_;
}

QString EntrySource::sha256() {
    if (!atEnd() || failed_) {
        return {};
    }
    if (hex_.isEmpty()) {
        hex_ = sha_.hex();
    }
    return hex_;
}

} // namespace socwb
