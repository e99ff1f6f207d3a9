#include "evtx_parser.h"

#include "ingest/read/text_util.h"
#include "ingest/write/record_batch.h"

#include <QFile>

#include <libbfio.h>
#include <libevtx.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <thread>

namespace socwb {

namespace {

// Bytes of the render buffer: Sysmon events render to 1-4 KB of XML, the largest (long command
// lines, big UserData) to tens of KB.
constexpr size_t kRenderBuffer = 256 * 1024;

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

} // namespace

EvtxParser::EvtxParser(const ParserOptions&) {}

EvtxParser::~EvtxParser() = default;

EvtxParser::Reader::~Reader() {
    close();
}

void EvtxParser::Reader::close() {
    if (file) {
        libevtx_file_close(file, nullptr);
        libevtx_file_free(&file, nullptr);
    }
    if (memoryRange) {
        libbfio_handle_free(&memoryRange, nullptr);
    }
}

int EvtxParser::sniff(const SniffSample& sample) {
    return sample.head.size() >= 8 && std::string_view(sample.head).substr(0, 8) == std::string_view("ElfFile\0", 8)
               ? 100
               : 0;
}

void EvtxParser::open(InputReader& in, Reader& r) {
    libevtx_error_t* error = nullptr;
    libevtx_file_t* raw = nullptr;
    if (libevtx_file_initialize(&raw, &error) != 1) {
        throw std::runtime_error("evtx: libevtx could not start: " + takeError(error));
    }
    int opened = 0;
    if (in.isPlainFile()) {
        const QByteArray native = QFile::encodeName(in.path());
        opened = libevtx_file_open(raw, native.constData(), libevtx_get_access_flags_read(), &error);
    } else {
        libbfio_error_t* bfioError = nullptr;
        if (libbfio_memory_range_initialize(&r.memoryRange, &bfioError) != 1 ||
            libbfio_memory_range_set(r.memoryRange, reinterpret_cast<uint8_t*>(memory_.data()), memory_.size(),
                                     &bfioError) != 1) {
            libbfio_error_free(&bfioError);
            libevtx_file_free(&raw, nullptr);
            throw std::runtime_error("evtx: libbfio could not hold the file in memory");
        }
        opened = libevtx_file_open_file_io_handle(raw, r.memoryRange, LIBEVTX_OPEN_READ, &error);
    }
    if (opened != 1) {
        libevtx_file_free(&raw, nullptr);
        throw std::runtime_error("evtx: not a readable EVTX file: " + takeError(error));
    }
    r.file = raw;
}

void EvtxParser::Reader::read(int from, int to, RecordSink& sink) {
    libevtx_error_t* error = nullptr;
    for (int i = from; i < to; ++i) {
        SourcePos pos{i + 1, 0};
        libevtx_record_t* record = nullptr;
        if (libevtx_file_get_record_by_index(file, i, &record, &error) != 1) {
            sink.reject(pos, "evtx: record " + std::to_string(i + 1) + " cannot be read: " + takeError(error), {});
            continue;
        }
        off64_t offset = 0;
        if (libevtx_record_get_offset(record, &offset, nullptr) == 1) {
            pos.offset = offset;
        }
        // Rendered straight into a buffer that holds any usual event (libevtx's size query walks
        // the whole event once more); one that does not fit is measured and rendered again.
        text.resize(std::max(text.size(), kRenderBuffer));
        bool ok = libevtx_record_get_utf8_xml_string(record, reinterpret_cast<uint8_t*>(text.data()), text.size(),
                                                     nullptr) == 1;
        if (!ok) {
            size_t size = 0;
            ok = libevtx_record_get_utf8_xml_string_size(record, &size, &error) == 1 && size > 0;
            if (ok) {
                text.resize(std::max(size, text.size()));
                ok = libevtx_record_get_utf8_xml_string(record, reinterpret_cast<uint8_t*>(text.data()), text.size(),
                                                        &error) == 1;
            }
        }
        libevtx_record_free(&record, nullptr);
        if (!ok) {
            sink.reject(pos, "evtx: record " + std::to_string(i + 1) + " cannot be rendered: " + takeError(error), {});
            continue;
        }
        const std::string_view view(text.data(), strnlen(text.data(), text.size()));
        SysmonRecord rec;
        if (!xml.read(view, rec)) {
            sink.reject(pos, "evtx: record " + std::to_string(i + 1) + ": " + xml.error(), view);
            continue;
        }
        rec.pos = pos;
        sink.sysmon(rec);
    }
}

bool EvtxParser::parse(InputReader& in, RecordSink& sink, const ProgressCallback& progress) {
    // libevtx needs random access. A plain file it opens itself; compressed bytes or an archive
    // member are decoded into memory first, within the import's bound (nothing is written to disk),
    // and handed to it as a libbfio memory range.
    if (!in.isPlainFile() && !in.readRest(memory_, in.memoryLimit())) {
        throw std::runtime_error(!in.error().isEmpty()
                                     ? "evtx: " + in.error().toStdString()
                                     : "evtx: larger than " + std::to_string(in.memoryLimit() >> 20) +
                                           " MiB once decompressed; an EVTX is read in memory when it is compressed "
                                           "or inside an archive, and that is the limit");
    }
    main_.close();
    open(in, main_);
    libevtx_error_t* error = nullptr;
    if (libevtx_file_is_corrupted(main_.file, &error) == 1) {
        sink.reject(SourcePos{0, 0},
                    "evtx: the file is flagged corrupted (a damaged chunk or header); records libevtx could not "
                    "read there were skipped, the others are imported",
                    {});
    }
    libevtx_error_free(&error);
    int count = 0;
    if (libevtx_file_get_number_of_records(main_.file, &count, &error) != 1) {
        throw std::runtime_error("evtx: cannot count records: " + takeError(error));
    }
    const int blocks = (count + kBlock - 1) / kBlock;
    // libevtx reads the file itself, so the reader cannot see how far it got: the records done out
    // of the count libevtx knows up front, in bytes of the file.
    const int64_t size = in.rawSize();
    auto tick = [&](int done) {
        in.setLibraryPosition(size * done / std::max(count, 1));
        return !progress || progress(in);
    };
    auto blockEnd = [&](int b) { return std::min(count, (b + 1) * kBlock); };

    if (!parallel_ || blocks < 2 || std::thread::hardware_concurrency() < 2) {
        for (int b = 0; b < blocks; ++b) {
            if (!tick(b * kBlock)) {
                return false;
            }
            main_.read(b * kBlock, blockEnd(b), sink);
        }
    } else {
        // The second thread reads the odd blocks into batches; this one reads the even blocks
        // straight into the sink and replays each odd block after it.
        BatchPipe pipe(4);
        std::exception_ptr workerError;
        std::thread worker([&] {
            try {
                Reader second;
                open(in, second);
                for (int b = 1; b < blocks; b += 2) {
                    auto batch = pipe.acquire();
                    if (!batch) {
                        return; // this thread stopped reading
                    }
                    second.read(b * kBlock, blockEnd(b), *batch);
                    if (!pipe.push(std::move(batch))) {
                        return;
                    }
                }
            } catch (...) {
                workerError = std::current_exception();
            }
            pipe.close();
        });
        bool stopped = false;
        try {
            for (int b = 0; b < blocks; ++b) {
                if (!tick(b * kBlock)) {
                    stopped = true;
                    break;
                }
                if (b % 2 == 0) {
                    main_.read(b * kBlock, blockEnd(b), sink);
                    continue;
                }
                auto batch = pipe.pop();
                if (!batch) {
                    break; // the worker failed: its error is thrown below
                }
                batch->replay(sink);
                pipe.recycle(std::move(batch));
            }
        } catch (...) {
            pipe.close();
            worker.join();
            throw;
        }
        pipe.close();
        worker.join();
        if (workerError) {
            std::rethrow_exception(workerError);
        }
        if (stopped) {
            return false;
        }
    }
    return tick(count);
}

} // namespace socwb
