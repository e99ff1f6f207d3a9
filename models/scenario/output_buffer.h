// A file written through one large buffer with cheap appends for the pieces log lines are made of
// (text, integers, fixed-point decimals, timestamps). Writers build hundreds of thousands of lines;
// going through QString or iostreams per line would dominate the generator's run time.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace socwb::scenario {

class OutputBuffer {
  public:
    // Throws std::runtime_error when the file cannot be created.
    explicit OutputBuffer(const std::string& path);
    ~OutputBuffer();
    OutputBuffer(const OutputBuffer&) = delete;
    OutputBuffer& operator=(const OutputBuffer&) = delete;

    OutputBuffer& put(std::string_view s);
    OutputBuffer& put(char c);
    OutputBuffer& putInt(int64_t v);
    OutputBuffer& putPadded(int64_t v, int width, char pad = '0'); // right-aligned
    OutputBuffer& putHex(uint64_t v, int width, bool upper = false);
    // v / 10^decimals with exactly `decimals` digits after the point ("1709539262.123").
    OutputBuffer& putFixed(int64_t v, int decimals);
    // Text as a JSON string body (no quotes added) with the escapes JSON requires.
    OutputBuffer& putJsonEscaped(std::string_view s);
    // Text with XML's five special characters escaped.
    OutputBuffer& putXmlEscaped(std::string_view s);
    void close();
    int64_t bytesWritten() const { return written_ + static_cast<int64_t>(buf_.size()); }

  private:
    void flushIfFull();
    std::FILE* file_ = nullptr;
    std::string path_;
    std::string buf_;
    int64_t written_ = 0;
};

// Civil time pieces of a UTC microsecond timestamp.
struct CivilTime {
    int year, month, day, hour, minute, second;
    int micro;
    int weekday; // 0 = Sunday
};
CivilTime civilFromUs(int64_t us);
// "2024-03-04T08:01:02.123Z" (millisecond precision).
std::string isoMillis(int64_t us);

} // namespace socwb::scenario
