// Windows .evtx files (Sysmon/Operational, Security with 4688/4698, any channel) through libevtx.
// libevtx reads the binary XML and renders each record's event XML, which EventXmlReader turns into
// a record, the same path as the XML exports. libevtx opens the file itself, so this parser takes
// only the path from the InputReader, and tells it how far through the file the records are (its
// progress). Records libevtx cannot read become rejects; a file libevtx flags as corrupted (a
// damaged chunk, whose records it skips) gets one reject that says so, and every readable record
// still imports. libevtx needs random access: a compressed .evtx or one inside an archive is decoded
// into memory first (bounded by the import's ArchiveLimits::maxMemoryCopy) and read from there.
//
// Rendering is most of the cost, and an EVTX's 64 KiB chunks are independent (each carries its
// own string and template tables): a file of more than a few blocks of records is read on two
// threads, each through its own libevtx handle, one block of records after the other. The second
// thread's blocks come back as RecordBatches that the calling thread replays in order, so the sink
// sees the records, rejects included, exactly as one thread would give them.
#pragma once

#include "event_xml_reader.h"
#include "ingest/read/parser.h"

#include <cstdint>
#include <string>

typedef intptr_t libbfio_handle_t; // as libbfio/types.h declares it
typedef intptr_t libevtx_file_t;   // as libevtx/types.h declares it

namespace socwb {

class EvtxParser : public Parser {
  public:
    // Records per block handed between the threads: a progress report and a cancel check each.
    static constexpr int kBlock = 256;

    explicit EvtxParser(const ParserOptions& options = {});
    ~EvtxParser() override;
    static int sniff(const SniffSample& sample);
    bool parse(InputReader& in, RecordSink& sink, const ProgressCallback& progress) override;
    // Tests: read on one thread whatever the file's size, to compare with the two-thread reading.
    void setParallel(bool on) { parallel_ = on; }

  private:
    // What one thread reads with: its own libevtx handle (libevtx handles are not shared between
    // threads), its XML reader and its render buffer.
    struct Reader {
        libevtx_file_t* file = nullptr;
        libbfio_handle_t* memoryRange = nullptr; // over memory_, when the file is read from memory
        EventXmlReader xml;
        std::string text;
        ~Reader();
        void close();
        // Records [from, to) into sink.
        void read(int from, int to, RecordSink& sink);
    };
    // Opens the input for r: by path for a plain file, else over memory_ (read by the caller).
    void open(InputReader& in, Reader& r);

    Reader main_;
    std::string memory_; // the decoded file, when libevtx cannot open it by path
    bool parallel_ = true;
};

} // namespace socwb
