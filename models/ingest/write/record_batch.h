// A batch of parsed records (proxy, DNS, assets, Windows events) with their bytes copied into one
// arena, so that parsing (one thread) and writing to SQLite (another) can overlap. replay() hands
// the records to a sink exactly as the parser did, in the same order, rejects included.
#pragma once

#include "ingest/read/record_sink.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace socwb {

class RecordBatch : public RecordSink {
  public:
    static constexpr size_t kRecords = 8192;

    void proxy(const ProxyRecord& r) override;
    void dns(const DnsRecord& r) override;
    void asset(const AssetRecord& r) override;
    void sysmon(const SysmonRecord& r) override;
    void connection(const ConnRecord& r) override;
    void tls(const TlsRecord& r) override;
    void sensorAlert(const SensorAlertRecord& r) override;
    void reject(SourcePos pos, std::string_view reason, std::string_view raw) override;

    void replay(RecordSink& sink) const;
    bool full() const { return entries_.size() >= kRecords || arena_.size() > (8u << 20); }
    bool empty() const { return entries_.empty(); }
    void clear();

  private:
    struct Span {
        uint32_t offset = 0;
        uint32_t length = 0;
    };
    enum class Kind : uint8_t { Proxy, Dns, Asset, Sysmon, Conn, Tls, Alert, Reject };
    struct Entry {
        Kind kind;
        uint32_t index; // into the vector of that kind
    };
    struct ProxyEntry {
        ProxyRecord numbers; // its string views are stale; the spans below hold the bytes
        Span s[13];
    };
    struct DnsEntry {
        DnsRecord numbers;
        Span s[8];
    };
    struct AssetEntry {
        SourcePos pos;
        Span s[4];
    };
    struct SysmonEntry {
        SysmonRecord numbers; // its views and fields are stale; the spans below hold the bytes
        Span computer, channel, provider, json;
        uint32_t firstField = 0; // into fieldSpans_, two spans (name, value) per field
        uint32_t fieldCount = 0;
    };
    // A record whose text fields are the string_view members listed in Record's kText (below).
    template <class Record> struct TextEntry {
        Record numbers;     // its views are stale; the spans hold the bytes
        uint32_t first = 0; // into textSpans_, one span per text field
    };
    template <class Record> void keepText(const Record& r, Kind kind, std::vector<TextEntry<Record>>& into);
    template <class Record> Record restore(const TextEntry<Record>& e) const;

    struct RejectEntry {
        SourcePos pos;
        Span reason;
        Span raw;
    };

    Span keep(std::string_view v);
    std::string_view view(Span s) const { return std::string_view(arena_.data() + s.offset, s.length); }

    std::string arena_;
    std::vector<Entry> entries_;
    std::vector<ProxyEntry> proxies_;
    std::vector<DnsEntry> dnses_;
    std::vector<AssetEntry> assets_;
    std::vector<SysmonEntry> sysmons_;
    std::vector<TextEntry<ConnRecord>> conns_;
    std::vector<TextEntry<TlsRecord>> tlses_;
    std::vector<TextEntry<SensorAlertRecord>> alerts_;
    std::vector<Span> fieldSpans_;
    std::vector<Span> textSpans_;
    std::vector<RejectEntry> rejects_;
    mutable std::vector<SysmonField> fields_; // replay's scratch for one event's fields
};

// A bounded hand-over of batches between one producer and one consumer; spent batches go back to
// the producer, so memory stays at `capacity` batches whatever the file size.
class BatchPipe {
  public:
    explicit BatchPipe(size_t capacity = 4);
    // Producer: an empty batch to fill (blocks while all are in flight); null once closed.
    std::unique_ptr<RecordBatch> acquire();
    // Producer: hand a filled batch over; false when the consumer has stopped.
    bool push(std::unique_ptr<RecordBatch> batch);
    // Consumer: the next filled batch, or null when the producer closed and all were taken.
    std::unique_ptr<RecordBatch> pop();
    void recycle(std::unique_ptr<RecordBatch> batch);
    // Either side: no more batches (the producer finished, or the consumer gave up).
    void close();

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::unique_ptr<RecordBatch>> filled_;
    std::vector<std::unique_ptr<RecordBatch>> free_;
    bool closed_ = false;
};

// The producer's side: a sink that fills batches and hands them over when full. Counts what it saw
// for progress reports (read from the producer's thread only).
class BatchingSink : public RecordSink {
  public:
    explicit BatchingSink(BatchPipe& pipe) : pipe_(pipe) {}
    void proxy(const ProxyRecord& r) override;
    void dns(const DnsRecord& r) override;
    void asset(const AssetRecord& r) override;
    void sysmon(const SysmonRecord& r) override;
    void connection(const ConnRecord& r) override;
    void tls(const TlsRecord& r) override;
    void sensorAlert(const SensorAlertRecord& r) override;
    void reject(SourcePos pos, std::string_view reason, std::string_view raw) override;
    // Hands over the last, partly filled batch.
    void flush();
    // The consumer has gone away: parsing should stop.
    bool stopped() const { return stopped_; }
    int64_t records() const { return records_; }
    int64_t rejects() const { return rejects_; }

  private:
    RecordBatch* batch();
    void handOverIfFull();

    BatchPipe& pipe_;
    std::unique_ptr<RecordBatch> current_;
    RecordBatch discard_; // where records go once the consumer stopped
    bool stopped_ = false;
    int64_t records_ = 0;
    int64_t rejects_ = 0;
};

} // namespace socwb
