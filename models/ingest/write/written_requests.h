// The proxy requests and DNS-server queries one import wrote, as the attributor reads them back:
// row id, time, host and the ids it matches on. Kept by the CaseWriter as it inserts the rows, so
// that the import's attribution need not read back from the tables what the writer just had in
// memory (issue 20: 0.35 s of a 797,361-line proxy import in a case with Sysmon data). Held in
// chunks that the attributor frees as it takes them, so that the requests are not in memory twice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace socwb {

struct WrittenRequest {
    enum class Kind : uint8_t { Proxy, Dns };
    int64_t id, ts, host;
    int64_t domain;   // 0: none
    int64_t destPort; // proxy: -1 when the line had none; DNS: unused
    int64_t s1, s2;   // strings ids (0: none). Proxy: client, destination address; DNS: answers, unused
    Kind kind;
};

class WrittenRequests {
  public:
    static constexpr size_t kChunk = 65536;

    // Keeps at most `limit` rows; past it the whole is given up (valid() false), as it is after
    // invalidate(): the attributor then reads the tables.
    void start(int64_t limit) {
        on_ = true;
        valid_ = true;
        limit_ = limit;
    }
    bool keeping() const { return on_ && valid_; }
    // A row written; kept when it can be attributed at all (it has a host).
    void add(const WrittenRequest& r, bool attributable) {
        if (!keeping()) {
            return;
        }
        ++rows_[static_cast<int>(r.kind)];
        if (!attributable) {
            return;
        }
        if (size_ >= limit_) {
            invalidate();
            return;
        }
        if (chunks_.empty() || chunks_.back().size() == kChunk) {
            chunks_.emplace_back().reserve(kChunk);
        }
        chunks_.back().push_back(r);
        ++size_;
    }
    // Rows moved after they were kept (an inventory merging hosts in the same import): what was
    // kept no longer says what the tables hold.
    void invalidate() {
        valid_ = false;
        std::vector<std::vector<WrittenRequest>>().swap(chunks_);
        size_ = 0;
    }
    // True when every row the import wrote of the kept kinds is here, as written.
    bool valid() const { return on_ && valid_; }
    int64_t size() const { return size_; }
    // Rows written of a kind, kept or not: the attributor checks them against the table's ids.
    int64_t rows(WrittenRequest::Kind kind) const { return rows_[static_cast<int>(kind)]; }
    std::vector<std::vector<WrittenRequest>>& chunks() { return chunks_; }

  private:
    bool on_ = false;
    bool valid_ = false;
    int64_t limit_ = 0;
    int64_t size_ = 0;
    int64_t rows_[2] = {0, 0};
    std::vector<std::vector<WrittenRequest>> chunks_;
};

} // namespace socwb
