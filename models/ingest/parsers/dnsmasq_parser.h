// dnsmasq and Pi-hole (pihole-FTL, which embeds dnsmasq) query logs (`log-queries`), written by
// syslog or by dnsmasq's own log file (`log-facility=FILE`, no host name):
//   Mar  1 14:05:11 dnsmasq[1234]: query[A] raw.githubusercontent.com from 10.1.2.3
//   Mar  1 14:05:11 dnsmasq[1234]: forwarded raw.githubusercontent.com to 1.1.1.1
//   Mar  1 14:05:11 dnsmasq[1234]: reply raw.githubusercontent.com is 185.199.108.133
//   Mar  1 14:05:12 pi dnsmasq[1234]: cached example.com is <CNAME>
//   Mar  1 14:05:12 dnsmasq[1234]: 17 10.1.2.3/53000 query[AAAA] example.com from 10.1.2.3   (log-queries=extra)
// dnsmasq writes every log line as "<source> <name> <verb> <value>": verb "from" for queries,
// "to" for forwarding, "is" for answers (sources reply, cached, cached-stale, config, auth, DHCP,
// a hosts file path, and Pi-hole's "gravity blocked", "regex blacklisted", ...).
//
// One record per query[...] line, with time, client, name and type. Answers are joined to it
// with bounded memory: queries wait in a table of 1,024 (60 s of log time at most), indexed by
// name (and by dnsmasq's serial number under log-queries=extra). An answer line goes to the
// waiting queries of its name whose type fits the value (an IPv4 address to A, IPv6 to AAAA);
// lines after "is <CNAME>" follow the chain (their names and addresses become answers of the
// query that started it); a reverse answer "reply 10.1.2.3 is host" finds its
// 3.2.1.10.in-addr.arpa query. NXDOMAIN, SERVFAIL, REFUSED set the response code; NODATA, an
// address or a name mean NOERROR. dnsmasq logs all answers of one reply on consecutive lines, so
// the first line that is not an answer completes the queries that got answers and writes them;
// a query that gets none (no answer logged, or past the table) is written without rcode when it
// leaves the table or at the end of the file. "forwarded NAME to SERVER" gives serverIp.
// Records come out in answer order; each keeps its query's line number and time. TTLs and the
// transport are not logged by dnsmasq and stay empty.
//
// Consumed without record or reject: answer, forward and DNSSEC lines (dnssec-query, validation,
// DS/DNSKEY keytag answers, ipset/nftset), also when no waiting query claims them (the query was
// before the file began). Rejected with a reason: other dnsmasq messages (start-up, "read
// /etc/hosts", DHCP, ...), lines without a syslog time stamp, and malformed query lines.
// Time stamps are local time without a year: see syslog_prefix.h (year from a reference time,
// rolled back for dates in the future; --tz converts).
#pragma once

#include "ingest/read/parser.h"
#include "syslog_prefix.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace socwb {

class DnsmasqParser : public LineParser {
  public:
    explicit DnsmasqParser(const ParserOptions& options = {}, int64_t referenceUtcUs = -1);
    static int sniff(const SniffSample& sample);

    static constexpr size_t kMaxPending = 1024;
    static constexpr int64_t kMaxWaitUs = 60LL * 1000000;

  protected:
    void parseLine(std::string_view line, SourcePos pos, RecordSink& sink) override;
    void finish(RecordSink& sink) override;

  private:
    static constexpr size_t kBuckets = 4096;
    struct Slot {
        uint64_t seq = 0; // 0 = free
        SourcePos pos;
        int64_t tsUs = 0;
        uint32_t serial = 0; // log-queries=extra serial, 0 when absent
        uint32_t bucket = 0;
        int32_t nextInBucket = -1;
        bool answered = false; // got its answer in the current run of answer lines
        bool inChain = false;  // the current chain's names were added to its answers
        std::string client, qname, qtype, rcode, answers, server;
    };
    enum class Kind { Query, Answer, Forward, Dnssec, Other };

    static Kind classify(std::string_view msg, std::string_view& source, std::string_view& name, std::string_view& verb,
                         std::string_view& value, uint32_t& serial);
    void onQuery(std::string_view source, std::string_view name, std::string_view value, uint32_t serial, int64_t tsUs,
                 SourcePos pos, RecordSink& sink, std::string_view line);
    void onAnswer(std::string_view name, std::string_view value, uint32_t serial);
    void applyValue(Slot& s, std::string_view value, bool withChain);
    void keepFitting(std::vector<int32_t>& targets, std::string_view value) const;
    void markAnswered(int32_t slot);
    void onForward(std::string_view name, std::string_view value, uint32_t serial);
    void closeRun(RecordSink& sink);
    void writeRecord(Slot& s, RecordSink& sink);
    void release(int32_t slot);
    void evictUntil(int64_t nowUs, RecordSink& sink);
    void findTargets(std::string_view name, uint32_t serial, std::vector<int32_t>& out);
    static uint32_t bucketOf(std::string_view name);

    SyslogClock clock_;
    std::vector<Slot> slots_;
    std::array<int32_t, kBuckets> heads_;
    std::array<int32_t, kBuckets> bySerial_; // slot of serial % kBuckets (checked on use)
    size_t oldest_ = 0;
    size_t used_ = 0;
    uint64_t nextSeq_ = 1;
    std::vector<int32_t> run_;     // slots answered in the current run of answer lines
    std::vector<int32_t> targets_; // scratch
    std::vector<int32_t> chain_;   // the queries a CNAME chain started from
    std::string chainNames_;       // the chain's CNAME targets so far, comma-separated
    std::string chainLast_;        // the name the chain is at
    bool chainActive_ = false;
    std::string arpa_; // scratch: reverse name of an address
};

} // namespace socwb
