#include "generator_support.h"

#include <algorithm>

namespace socwb::scenario {

std::string randomToken(RandomSource& r, int n, const char* alphabet) {
    const int len = static_cast<int>(std::char_traits<char>::length(alphabet));
    std::string s;
    for (int i = 0; i < n; ++i) {
        s.push_back(alphabet[r.uniformInt(0, len - 1)]);
    }
    return s;
}

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
    size_t pos = 0;
    while ((pos = s.find(from, pos)) != std::string::npos) {
        s.replace(pos, from.size(), to);
        pos += to.size();
    }
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string basenameOf(const std::string& path) {
    const size_t p = path.find_last_of("\\/");
    return p == std::string::npos ? path : path.substr(p + 1);
}

bool isIpLiteral(const std::string& host) {
    return host.find_first_not_of("0123456789.") == std::string::npos;
}

uint64_t fnv1a(const std::string& s) {
    uint64_t h = 1469598103934665603ULL;
    for (char c : s) {
        h = (h ^ uint8_t(c)) * 1099511628211ULL;
    }
    return h;
}

bool systemImage(const std::string& imageLower) {
    return imageLower == "svchost.exe" || imageLower == "services.exe" || imageLower == "wmiprvse.exe" ||
           imageLower == "mssense.exe";
}

std::vector<char> quietProcesses(const std::vector<SimProcess>& processes,
                                 std::initializer_list<const char*> imageSuffixes) {
    std::vector<char> quiet(processes.size());
    for (size_t p = 0; p < processes.size(); ++p) {
        const std::string& image = processes[p].image;
        for (const char* suffix : imageSuffixes) {
            const size_t n = std::char_traits<char>::length(suffix);
            quiet[p] = quiet[p] || (image.size() >= n && image.compare(image.size() - n, n, suffix) == 0);
        }
    }
    return quiet;
}

} // namespace socwb::scenario
