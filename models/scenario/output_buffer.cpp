#include "output_buffer.h"

#include <stdexcept>

namespace socwb::scenario {

namespace {
constexpr size_t kFlushAt = 1u << 20;
}

OutputBuffer::OutputBuffer(const std::string& path) : path_(path) {
    file_ = std::fopen(path.c_str(), "wb");
    if (!file_) {
        throw std::runtime_error("cannot create " + path);
    }
    buf_.reserve(kFlushAt + 65536);
}

OutputBuffer::~OutputBuffer() {
    try {
        close();
    } catch (...) {
        // A destructor must not throw; close() is called explicitly on the normal path.
    }
}

void OutputBuffer::flushIfFull() {
    if (buf_.size() >= kFlushAt) {
        if (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) {
            throw std::runtime_error("write failed: " + path_);
        }
        written_ += static_cast<int64_t>(buf_.size());
        buf_.clear();
    }
}

void OutputBuffer::close() {
    if (!file_) {
        return;
    }
    std::FILE* f = file_;
    file_ = nullptr;
    const bool ok = std::fwrite(buf_.data(), 1, buf_.size(), f) == buf_.size();
    written_ += static_cast<int64_t>(buf_.size());
    buf_.clear();
    if (std::fclose(f) != 0 || !ok) {
        throw std::runtime_error("write failed: " + path_);
    }
}

OutputBuffer& OutputBuffer::put(std::string_view s) {
    buf_.append(s);
    flushIfFull();
    return *this;
}

OutputBuffer& OutputBuffer::put(char c) {
    buf_.push_back(c);
    flushIfFull();
    return *this;
}

OutputBuffer& OutputBuffer::putInt(int64_t v) {
    char tmp[24];
    int n = 0;
    const bool neg = v < 0;
    uint64_t u = neg ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    do {
        tmp[n++] = static_cast<char>('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg) {
        buf_.push_back('-');
    }
    while (n) {
        buf_.push_back(tmp[--n]);
    }
    flushIfFull();
    return *this;
}

OutputBuffer& OutputBuffer::putPadded(int64_t v, int width, char pad) {
    char tmp[24];
    int n = 0;
    uint64_t u = v < 0 ? 0 : static_cast<uint64_t>(v);
    do {
        tmp[n++] = static_cast<char>('0' + u % 10);
        u /= 10;
    } while (u);
    for (int i = n; i < width; ++i) {
        buf_.push_back(pad);
    }
    while (n) {
        buf_.push_back(tmp[--n]);
    }
    flushIfFull();
    return *this;
}

OutputBuffer& OutputBuffer::putHex(uint64_t v, int width, bool upper) {
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[17];
    for (int i = width - 1; i >= 0; --i) {
        tmp[i] = digits[v & 0xf];
        v >>= 4;
    }
    buf_.append(tmp, static_cast<size_t>(width));
    flushIfFull();
    return *this;
}

OutputBuffer& OutputBuffer::putFixed(int64_t v, int decimals) {
    int64_t scale = 1;
    for (int i = 0; i < decimals; ++i) {
        scale *= 10;
    }
    if (v < 0) {
        buf_.push_back('-');
        v = -v;
    }
    putInt(v / scale);
    if (decimals > 0) {
        buf_.push_back('.');
        putPadded(v % scale, decimals);
    }
    return *this;
}

OutputBuffer& OutputBuffer::putJsonEscaped(std::string_view s) {
    for (char c : s) {
        switch (c) {
        case '"':
            buf_.append("\\\"");
            break;
        case '\\':
            buf_.append("\\\\");
            break;
        case '\n':
            buf_.append("\\n");
            break;
        case '\r':
            buf_.append("\\r");
            break;
        case '\t':
            buf_.append("\\t");
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                buf_.append("\\u00");
                putHex(static_cast<unsigned char>(c), 2);
            } else {
                buf_.push_back(c);
            }
        }
    }
    flushIfFull();
    return *this;
}

OutputBuffer& OutputBuffer::putXmlEscaped(std::string_view s) {
    for (char c : s) {
        switch (c) {
        case '&':
            buf_.append("&amp;");
            break;
        case '<':
            buf_.append("&lt;");
            break;
        case '>':
            buf_.append("&gt;");
            break;
        case '"':
            buf_.append("&quot;");
            break;
        case '\'':
            buf_.append("&apos;");
            break;
        default:
            buf_.push_back(c);
        }
    }
    flushIfFull();
    return *this;
}

CivilTime civilFromUs(int64_t us) {
    // Howard Hinnant's days-to-civil; no time zone library needed for UTC.
    int64_t secs = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
    CivilTime t{};
    t.micro = static_cast<int>(us - secs * 1000000);
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    t.hour = static_cast<int>(rem / 3600);
    t.minute = static_cast<int>(rem % 3600 / 60);
    t.second = static_cast<int>(rem % 60);
    t.weekday = static_cast<int>(((days % 7) + 11) % 7); // 1970-01-01 was a Thursday
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const int64_t doe = days - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    t.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    t.year = static_cast<int>(yoe + era * 400 + (t.month <= 2 ? 1 : 0));
    return t;
}

std::string isoMillis(int64_t us) {
    const CivilTime t = civilFromUs(us);
    char b[32];
    std::snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.year, t.month, t.day, t.hour, t.minute,
                  t.second, t.micro / 1000);
    return b;
}

} // namespace socwb::scenario
