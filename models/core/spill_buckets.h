// Fixed-size records parked on disk in numbered buckets, so that a pass over millions of rows holds
// a bucket's worth at a time instead of all of them (issue 20: memory bounded by what a pass must
// keep, not by events). Each bucket is a temporary file (std::tmpfile: unlinked, gone with the
// process) written through a small buffer; a bucket is read back once, in the order its records
// were added, and closed. Records are copied as bytes: plain structs only.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace socwb {

template <class Record> class SpillBuckets {
    static_assert(std::is_trivially_copyable_v<Record>, "records are written and read back as bytes");

  public:
    static constexpr size_t kBufferRecords = 512;

    // `what` names the pass in the errors ("the scoring pass"). False when a temporary file could
    // not be made; the buckets are then unusable (the caller keeps everything in memory instead).
    bool open(size_t buckets, std::string what) {
        what_ = std::move(what);
        buckets_.clear();
        buckets_.resize(buckets);
        for (Bucket& b : buckets_) {
            b.file.reset(std::tmpfile());
            if (!b.file) {
                buckets_.clear();
                return false;
            }
            b.buffer.reserve(kBufferRecords);
        }
        return true;
    }
    size_t buckets() const { return buckets_.size(); }
    int64_t records(size_t bucket) const { return buckets_[bucket].records; }

    void add(size_t bucket, const Record& r) {
        Bucket& b = buckets_[bucket];
        b.buffer.push_back(r);
        ++b.records;
        if (b.buffer.size() == kBufferRecords) {
            flush(b);
        }
    }
    // Calls each(record) for the bucket's records in the order they were added; the file is closed.
    template <class Each> void load(size_t bucket, Each&& each) {
        Bucket& b = buckets_[bucket];
        flush(b);
        std::rewind(b.file.get());
        std::vector<Record> chunk(kBufferRecords * 8);
        size_t got = 0;
        while ((got = std::fread(chunk.data(), sizeof(Record), chunk.size(), b.file.get())) > 0) {
            for (size_t i = 0; i < got; ++i) {
                each(chunk[i]);
            }
        }
        if (std::ferror(b.file.get())) {
            throw std::runtime_error(what_ + " could not read back its temporary file");
        }
        b.file.reset();
        std::vector<Record>().swap(b.buffer);
    }

  private:
    struct Closer {
        void operator()(FILE* f) const { std::fclose(f); }
    };
    struct Bucket {
        std::unique_ptr<FILE, Closer> file;
        std::vector<Record> buffer;
        int64_t records = 0;
    };
    void flush(Bucket& b) {
        if (!b.buffer.empty() &&
            std::fwrite(b.buffer.data(), sizeof(Record), b.buffer.size(), b.file.get()) != b.buffer.size()) {
            throw std::runtime_error(what_ + " could not write its temporary file (disk full?)");
        }
        b.buffer.clear();
    }
    std::string what_;
    std::vector<Bucket> buckets_;
};

} // namespace socwb
