#include "evtx_parser.h"

#include "ingest/read/text_util.h"

#include <QFile>

#include <libbfio.h>
#include <libevtx.h>

#include <memory>
#include <stdexcept>

namespace socwb {

namespace {

std::string takeError(libevtx_error_t*& error) {
    if (!error) {
        return "unknown error";
    }
    char buf[512];
    const int n = libevtx_error_sprint(error, buf, sizeof buf);
    libevtx_error_free(&error);
    std::string s = n > 0 ? std::string(buf) : std::string("unknown error");
    // libyal stacks several lines, innermost last; one line reads better in a reject list.
    for (char& c : s) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    return std::string(trim(s));
}

struct FileCloser {
    void operator()(libevtx_file_t* f) const {
        libevtx_file_close(f, nullptr);
        libevtx_file_free(&f, nullptr);
    }
};

} // namespace

EvtxParser::EvtxParser(const ParserOptions&) {}

EvtxParser::~EvtxParser() {
    if (memoryRange_) {
        libbfio_handle_free(&memoryRange_, nullptr);
    }
}

int EvtxParser::sniff(const SniffSample& sample) {
    return sample.head.size() >= 8 && std::string_view(sample.head).substr(0, 8) == std::string_view("ElfFile\0", 8)
               ? 100
               : 0;
}

bool EvtxParser::parse(InputReader& in, RecordSink& sink, const ProgressCallback& progress) {
    libevtx_error_t* error = nullptr;
    libevtx_file_t* raw = nullptr;
    if (libevtx_file_initialize(&raw, &error) != 1) {
        throw std::runtime_error("evtx: libevtx could not start: " + takeError(error));
    }
    int opened = 0;
    // libevtx needs random access. A plain file it opens itself; compressed bytes or an archive
    // member are decoded into memory first, within the import's bound (nothing is written to disk),
    // and handed to it as a libbfio memory range.
    if (in.isPlainFile()) {
        const QByteArray native = QFile::encodeName(in.path());
        opened = libevtx_file_open(raw, native.constData(), libevtx_get_access_flags_read(), &error);
    } else {
        if (!in.readRest(memory_, in.memoryLimit())) {
            libevtx_file_free(&raw, nullptr);
            throw std::runtime_error(
                !in.error().isEmpty()
                    ? "evtx: " + in.error().toStdString()
                    : "evtx: larger than " + std::to_string(in.memoryLimit() >> 20) +
                          " MiB once decompressed; an EVTX is read in memory when it is compressed or inside an "
                          "archive, and that is the limit");
        }
        libbfio_error_t* bfioError = nullptr;
        if (libbfio_memory_range_initialize(&memoryRange_, &bfioError) != 1 ||
            libbfio_memory_range_set(memoryRange_, reinterpret_cast<uint8_t*>(memory_.data()), memory_.size(),
                                     &bfioError) != 1) {
            libbfio_error_free(&bfioError);
            libevtx_file_free(&raw, nullptr);
            throw std::runtime_error("evtx: libbfio could not hold the file in memory");
        }
        opened = libevtx_file_open_file_io_handle(raw, memoryRange_, LIBEVTX_OPEN_READ, &error);
    }
    if (opened != 1) {
        libevtx_file_free(&raw, nullptr);
        throw std::runtime_error("evtx: not a readable EVTX file: " + takeError(error));
    }
    std::unique_ptr<libevtx_file_t, FileCloser> file(raw);

    if (libevtx_file_is_corrupted(raw, &error) == 1) {
        sink.reject(SourcePos{0, 0},
                    "evtx: the file is flagged corrupted (a damaged chunk or header); records libevtx could not "
                    "read there were skipped, the others are imported",
                    {});
    }
    libevtx_error_free(&error);
    int count = 0;
    if (libevtx_file_get_number_of_records(raw, &count, &error) != 1) {
        throw std::runtime_error("evtx: cannot count records: " + takeError(error));
    }
    // libevtx reads the file itself, so the reader cannot see how far it got: the records done out
    // of the count libevtx knows up front, in bytes of the file.
    const int64_t size = in.rawSize();
    for (int i = 0; i < count; ++i) {
        if ((i & 255) == 0 && progress) {
            in.setLibraryPosition(size * i / count);
            if (!progress(in)) {
                return false;
            }
        }
        SourcePos pos{i + 1, 0};
        libevtx_record_t* record = nullptr;
        if (libevtx_file_get_record_by_index(raw, i, &record, &error) != 1) {
            sink.reject(pos, "evtx: record " + std::to_string(i + 1) + " cannot be read: " + takeError(error), {});
            continue;
        }
        off64_t offset = 0;
        if (libevtx_record_get_offset(record, &offset, nullptr) == 1) {
            pos.offset = offset;
        }
        size_t size = 0;
        bool ok = libevtx_record_get_utf8_xml_string_size(record, &size, &error) == 1 && size > 0;
        if (ok) {
            xml_.resize(size);
            ok = libevtx_record_get_utf8_xml_string(record, reinterpret_cast<uint8_t*>(xml_.data()), size, &error) == 1;
        }
        libevtx_record_free(&record, nullptr);
        if (!ok) {
            sink.reject(pos, "evtx: record " + std::to_string(i + 1) + " cannot be rendered: " + takeError(error), {});
            continue;
        }
        const std::string_view text(xml_.data(), xml_.size() - (xml_.back() == '\0' ? 1 : 0));
        SysmonRecord rec;
        if (!reader_.read(text, rec)) {
            sink.reject(pos, "evtx: record " + std::to_string(i + 1) + ": " + reader_.error(), text);
            continue;
        }
        rec.pos = pos;
        sink.sysmon(rec);
    }
    in.setLibraryPosition(size);
    if (progress) {
        progress(in);
    }
    return true;
}

} // namespace socwb
