// Windows DNS Server debug log ("Log packets for debugging", dns.log), e.g.
//   3/1/2024 2:05:11 PM 0E5C PACKET  000000C8A2B4E160 UDP Rcv 10.1.2.3        a1b2   Q [0001   D   NOERROR] A
//   (3)raw(17)githubusercontent(3)com(0) 3/1/2024 2:05:11 PM 0E5C PACKET  000000C8A2B4E160 UDP Snd 10.1.2.3        a1b2
//   R Q [8081   DR  NOERROR] A      (3)raw(17)githubusercontent(3)com(0)
// Fields: date time thread PACKET packet-id UDP|TCP Snd|Rcv remote-ip xid [R] opcode
// [flags-hex flag-chars rcode] qtype qname, the name in wire form "(n)label...(0)".
//
// Dates are the server's local time written in its locale: "M/D/YYYY h:mm:ss AM|PM" (en-US),
// "M/D/YYYY HH:mm:ss", "YYYY-MM-DD HH:mm:ss" (ISO locales), "D.M.YYYY HH:mm:ss" (dotted,
// day first) and Windows 2003's "YYYYMMDD HH:mm:ss". They are converted to UTC with the source
// time zone (--tz). A slashed date is read month first; one whose first number is above 12 is
// rejected, with a reason that says so (a day-first locale such as en-GB cannot be told apart
// from en-US on days 1-12, so we do not guess).
//
// One record per client query, with the response joined to it:
//  - "Rcv" without R (a query from a client, opcode Q) waits in a bounded table (4,096 queries,
//    30 s of log time) keyed by transaction id (xid), client address and name;
//  - "Snd R" (the server's response to that client) completes it with the response code; when
//    the "Details" option was on, the answer records (DATA) and their TTLs from the response's
//    ANSWER SECTION become answers/ttls;
//  - a query whose response never comes (or was not logged) is written without rcode when it
//    leaves the table or at the end of the file; a response without its query (the log only
//    had "Snd", or the query was before the file began) is written on its own, with the client
//    taken from the response.
// Records therefore come out in response order, not strictly by line; each keeps the query's
// line number (or the response's, when alone) and time.
// Not events: the server's own recursive queries ("Snd" without R) and the responses it
// receives to them ("Rcv R"); notify and dynamic-update packets (opcode N, U, ?); the header
// ("DNS Server log file creation at", "Log file wrap at", the "Message logging key" block) and
// the indented detail lines of a packet. These are consumed without records or rejects.
// Rejected: EVENT lines (server status messages), and any other line that is not one of the
// above, with a reason.
#pragma once

#include "ingest/read/parser.h"
#include "ingest/read/text_util.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace socwb {

class WindowsDnsParser : public LineParser {
  public:
    explicit WindowsDnsParser(const ParserOptions& options = {});
    static int sniff(const SniffSample& sample);

    // "(3)www(7)example(3)com(0)" -> "www.example.com" into out (compression markers such as
    // "[C00C]" are skipped; an already dotted ".www.example.com." loses its outer dots).
    static void decodeName(std::string_view wire, std::string& out);

    static constexpr size_t kMaxPending = 4096;
    static constexpr int64_t kMaxWaitUs = 30LL * 1000000;

  protected:
    void parseLine(std::string_view line, SourcePos pos, RecordSink& sink) override;
    void finish(RecordSink& sink) override;

  private:
    struct Packet {
        int64_t localUs = 0;
        bool tcp = false;
        bool send = false;
        bool response = false;
        char opcode = 'Q';
        uint16_t xid = 0;
        std::string_view remoteIp;
        std::string_view packetId;
        std::string_view rcode;
        std::string_view qtype;
        std::string_view qnameWire;
        std::string_view context; // PACKET, EVENT, ...
    };
    // Splits a dated line; returns an empty string on success or the reason it is not a packet.
    static std::string_view parsePacket(std::string_view line, Packet& p, std::vector<std::string_view>& tokens,
                                        bool& isDated);

    struct Slot {
        uint64_t seq = 0; // 0 = free
        SourcePos pos;
        int64_t tsUs = 0;
        uint16_t xid = 0;
        bool tcp = false;
        int32_t nextSameXid = -1;
        std::string client, qname, qtype;
    };
    struct Ready {
        bool active = false;
        SourcePos pos;
        int64_t tsUs = 0;
        bool tcp = false;
        std::string client, qname, qtype, rcode, answers, ttls;
        std::string packetId; // the detail block that may follow belongs to this packet
    };

    void handlePacket(const Packet& p, SourcePos pos, RecordSink& sink);
    void handleDetail(std::string_view line);
    void flushReady(RecordSink& sink);
    void writeRecord(const Slot& s, std::string_view rcode, RecordSink& sink);
    void evictUntil(int64_t nowUs, RecordSink& sink);
    void unlink(int32_t slot);
    std::string_view normalizeType(std::string_view qtype);

    TzConverter tz_;
    std::vector<Slot> slots_;
    std::array<int32_t, 65536> headByXid_;
    size_t oldest_ = 0; // ring position of the oldest occupied slot
    size_t used_ = 0;   // occupied ring positions, from oldest_ on (some may have been answered)
    uint64_t nextSeq_ = 1;
    Ready ready_;
    bool inAnswers_ = false;
    bool detailForReady_ = false;
    std::vector<std::string_view> tokens_;
    std::string name_;
    std::string typeBuf_;
    std::string dataBuf_;
};

} // namespace socwb
