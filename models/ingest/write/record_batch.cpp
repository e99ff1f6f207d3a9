#include "ingest/write/record_batch.h"

#include "ingest/write/sysmon_writer.h"

namespace socwb {

namespace {
// The text fields of the network sensor records, in one list per record so that keeping and
// restoring them cannot drift apart.
template <class Record> struct TextFields;
template <> struct TextFields<ConnRecord> {
    static constexpr std::string_view ConnRecord::*kText[] = {
        &ConnRecord::uid,     &ConnRecord::origIp, &ConnRecord::respIp,  &ConnRecord::proto,
        &ConnRecord::service, &ConnRecord::state,  &ConnRecord::history, &ConnRecord::sensor};
};
template <> struct TextFields<TlsRecord> {
    static constexpr std::string_view TlsRecord::*kText[] = {
        &TlsRecord::uid,     &TlsRecord::origIp, &TlsRecord::respIp, &TlsRecord::serverName, &TlsRecord::version,
        &TlsRecord::cipher,  &TlsRecord::ja3,    &TlsRecord::ja3s,   &TlsRecord::ja4,        &TlsRecord::ja4s,
        &TlsRecord::subject, &TlsRecord::issuer, &TlsRecord::sensor};
};
template <> struct TextFields<SensorAlertRecord> {
    static constexpr std::string_view SensorAlertRecord::*kText[] = {
        &SensorAlertRecord::uid,      &SensorAlertRecord::srcIp,    &SensorAlertRecord::destIp,
        &SensorAlertRecord::proto,    &SensorAlertRecord::appProto, &SensorAlertRecord::signature,
        &SensorAlertRecord::category, &SensorAlertRecord::action,   &SensorAlertRecord::sensor};
};
} // namespace

template <class Record> void RecordBatch::keepText(const Record& r, Kind kind, std::vector<TextEntry<Record>>& into) {
    into.push_back(TextEntry<Record>{r, static_cast<uint32_t>(textSpans_.size())});
    for (auto member : TextFields<Record>::kText) {
        textSpans_.push_back(keep(r.*member));
    }
    entries_.push_back({kind, static_cast<uint32_t>(into.size() - 1)});
}

template <class Record> Record RecordBatch::restore(const TextEntry<Record>& e) const {
    Record r = e.numbers;
    size_t i = e.first;
    for (auto member : TextFields<Record>::kText) {
        r.*member = view(textSpans_[i++]);
    }
    return r;
}

void RecordBatch::connection(const ConnRecord& r) {
    keepText(r, Kind::Conn, conns_);
}

void RecordBatch::tls(const TlsRecord& r) {
    keepText(r, Kind::Tls, tlses_);
}

void RecordBatch::sensorAlert(const SensorAlertRecord& r) {
    keepText(r, Kind::Alert, alerts_);
}

RecordBatch::Span RecordBatch::keep(std::string_view v) {
    Span s{static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(v.size())};
    arena_.append(v.data(), v.size());
    return s;
}

void RecordBatch::proxy(const ProxyRecord& r) {
    ProxyEntry e{r, {}}; // its views point into the parser's buffer: replay() replaces every one
    const std::string_view fields[13] = {r.clientIp, r.user,   r.method,    r.url,         r.scheme, r.host,    r.path,
                                         r.query,    r.destIp, r.userAgent, r.contentType, r.action, r.referrer};
    for (int i = 0; i < 13; ++i) {
        e.s[i] = keep(fields[i]);
    }
    entries_.push_back({Kind::Proxy, static_cast<uint32_t>(proxies_.size())});
    proxies_.push_back(e);
}

void RecordBatch::dns(const DnsRecord& r) {
    DnsEntry e{r, {}}; // views replaced on replay, as for proxy records
    const std::string_view fields[8] = {r.clientIp, r.qname, r.qtype,    r.rcode,
                                        r.answers,  r.ttls,  r.serverIp, r.protocol};
    for (int i = 0; i < 8; ++i) {
        e.s[i] = keep(fields[i]);
    }
    entries_.push_back({Kind::Dns, static_cast<uint32_t>(dnses_.size())});
    dnses_.push_back(e);
}

void RecordBatch::asset(const AssetRecord& r) {
    AssetEntry e;
    e.pos = r.pos;
    const std::string_view fields[4] = {r.ip, r.hostname, r.role, r.owner};
    for (int i = 0; i < 4; ++i) {
        e.s[i] = keep(fields[i]);
    }
    entries_.push_back({Kind::Asset, static_cast<uint32_t>(assets_.size())});
    assets_.push_back(e);
}

void RecordBatch::sysmon(const SysmonRecord& r) {
    SysmonEntry e;
    e.numbers = r; // views, fields and JSON replaced on replay, as for proxy records
    e.computer = keep(r.computer);
    e.channel = keep(r.channel);
    e.provider = keep(r.provider);
    e.firstField = static_cast<uint32_t>(fieldSpans_.size());
    e.fieldCount = static_cast<uint32_t>(r.fields.size());
    for (const SysmonField& f : r.fields) {
        fieldSpans_.push_back(keep(f.name));
        fieldSpans_.push_back(keep(f.value));
    }
    // The stored JSON is built here, on the parse thread, so the writer's thread only writes; a
    // record replayed from another batch brings it built already.
    if (!r.fieldsJson.empty()) {
        e.json = keep(r.fieldsJson);
    } else {
        const size_t jsonStart = arena_.size();
        SysmonWriter::appendFieldsJson(r.fields, arena_);
        e.json = Span{static_cast<uint32_t>(jsonStart), static_cast<uint32_t>(arena_.size() - jsonStart)};
    }
    entries_.push_back({Kind::Sysmon, static_cast<uint32_t>(sysmons_.size())});
    sysmons_.push_back(e);
}

void RecordBatch::reject(SourcePos pos, std::string_view reason, std::string_view raw) {
    RejectEntry e{pos, keep(reason), keep(raw)};
    entries_.push_back({Kind::Reject, static_cast<uint32_t>(rejects_.size())});
    rejects_.push_back(e);
}

void RecordBatch::replay(RecordSink& sink) const {
    for (const Entry& entry : entries_) {
        switch (entry.kind) {
        case Kind::Proxy: {
            const ProxyEntry& e = proxies_[entry.index];
            ProxyRecord r = e.numbers;
            std::string_view* fields[13] = {&r.clientIp,    &r.user,   &r.method,  &r.url,    &r.scheme,
                                            &r.host,        &r.path,   &r.query,   &r.destIp, &r.userAgent,
                                            &r.contentType, &r.action, &r.referrer};
            for (int i = 0; i < 13; ++i) {
                *fields[i] = view(e.s[i]);
            }
            sink.proxy(r);
            break;
        }
        case Kind::Dns: {
            const DnsEntry& e = dnses_[entry.index];
            DnsRecord r = e.numbers;
            std::string_view* fields[8] = {&r.clientIp, &r.qname, &r.qtype,    &r.rcode,
                                           &r.answers,  &r.ttls,  &r.serverIp, &r.protocol};
            for (int i = 0; i < 8; ++i) {
                *fields[i] = view(e.s[i]);
            }
            sink.dns(r);
            break;
        }
        case Kind::Asset: {
            const AssetEntry& e = assets_[entry.index];
            AssetRecord r;
            r.pos = e.pos;
            r.ip = view(e.s[0]);
            r.hostname = view(e.s[1]);
            r.role = view(e.s[2]);
            r.owner = view(e.s[3]);
            sink.asset(r);
            break;
        }
        case Kind::Sysmon: {
            const SysmonEntry& e = sysmons_[entry.index];
            fields_.clear();
            for (uint32_t i = 0; i < e.fieldCount; ++i) {
                const uint32_t at = e.firstField + 2 * i;
                fields_.push_back(SysmonField{view(fieldSpans_[at]), view(fieldSpans_[at + 1])});
            }
            SysmonRecord r = e.numbers;
            r.computer = view(e.computer);
            r.channel = view(e.channel);
            r.provider = view(e.provider);
            r.fieldsJson = view(e.json);
            r.fields = std::span<const SysmonField>(fields_.data(), fields_.size());
            sink.sysmon(r);
            break;
        }
        case Kind::Conn:
            sink.connection(restore(conns_[entry.index]));
            break;
        case Kind::Tls:
            sink.tls(restore(tlses_[entry.index]));
            break;
        case Kind::Alert:
            sink.sensorAlert(restore(alerts_[entry.index]));
            break;
        case Kind::Reject: {
            const RejectEntry& e = rejects_[entry.index];
            sink.reject(e.pos, view(e.reason), view(e.raw));
            break;
        }
        }
    }
}

void RecordBatch::clear() {
    arena_.clear();
    entries_.clear();
    proxies_.clear();
    dnses_.clear();
    assets_.clear();
    sysmons_.clear();
    conns_.clear();
    tlses_.clear();
    alerts_.clear();
    textSpans_.clear();
    fieldSpans_.clear();
    rejects_.clear();
}

BatchPipe::BatchPipe(size_t capacity) {
    for (size_t i = 0; i < capacity; ++i) {
        free_.push_back(std::make_unique<RecordBatch>());
    }
}

std::unique_ptr<RecordBatch> BatchPipe::acquire() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return closed_ || !free_.empty(); });
    if (closed_) {
        return nullptr;
    }
    auto b = std::move(free_.back());
    free_.pop_back();
    return b;
}

bool BatchPipe::push(std::unique_ptr<RecordBatch> batch) {
    {
        std::lock_guard lock(mutex_);
        if (closed_) {
            return false;
        }
        filled_.push_back(std::move(batch));
    }
    changed_.notify_all();
    return true;
}

std::unique_ptr<RecordBatch> BatchPipe::pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return closed_ || !filled_.empty(); });
    if (filled_.empty()) {
        return nullptr;
    }
    auto b = std::move(filled_.front());
    filled_.pop_front();
    return b;
}

void BatchPipe::recycle(std::unique_ptr<RecordBatch> batch) {
    batch->clear();
    {
        std::lock_guard lock(mutex_);
        free_.push_back(std::move(batch));
    }
    changed_.notify_all();
}

void BatchPipe::close() {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    changed_.notify_all();
}

RecordBatch* BatchingSink::batch() {
    if (stopped_) {
        discard_.clear();
        return &discard_;
    }
    if (!current_) {
        current_ = pipe_.acquire();
        if (!current_) {
            stopped_ = true;
            return &discard_;
        }
    }
    return current_.get();
}

void BatchingSink::handOverIfFull() {
    if (current_ && current_->full()) {
        if (!pipe_.push(std::move(current_))) {
            stopped_ = true;
        }
        current_.reset();
    }
}

void BatchingSink::proxy(const ProxyRecord& r) {
    batch()->proxy(r);
    ++records_;
    handOverIfFull();
}

void BatchingSink::dns(const DnsRecord& r) {
    batch()->dns(r);
    ++records_;
    handOverIfFull();
}

void BatchingSink::asset(const AssetRecord& r) {
    batch()->asset(r);
    ++records_;
    handOverIfFull();
}

void BatchingSink::sysmon(const SysmonRecord& r) {
    batch()->sysmon(r);
    ++records_;
    handOverIfFull();
}

void BatchingSink::connection(const ConnRecord& r) {
    batch()->connection(r);
    ++records_;
    handOverIfFull();
}

void BatchingSink::tls(const TlsRecord& r) {
    batch()->tls(r);
    ++records_;
    handOverIfFull();
}

void BatchingSink::sensorAlert(const SensorAlertRecord& r) {
    batch()->sensorAlert(r);
    ++records_;
    handOverIfFull();
}

void BatchingSink::reject(SourcePos pos, std::string_view reason, std::string_view raw) {
    batch()->reject(pos, reason, raw);
    ++rejects_;
    handOverIfFull();
}

void BatchingSink::flush() {
    if (current_ && !current_->empty() && !stopped_) {
        if (!pipe_.push(std::move(current_))) {
            stopped_ = true;
        }
    }
    current_.reset();
}

} // namespace socwb
