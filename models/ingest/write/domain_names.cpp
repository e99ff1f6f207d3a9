#include "ingest/write/domain_names.h"

#include <libpsl.h>

namespace socwb {

DomainNames::DomainNames() {
    // psl_latest() prefers the system's newest list (/usr/share/publicsuffix) over the built-in one.
    psl_ = psl_latest(nullptr);
    if (!psl_) {
        psl_ = psl_builtin();
    }
}

DomainNames::~DomainNames() {
    if (psl_ && psl_ != psl_builtin()) {
        psl_free(const_cast<psl_ctx_t*>(psl_));
    }
}

std::string DomainNames::normalize(std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    while (!host.empty() && host.back() == '.') {
        host.remove_suffix(1);
    }
    std::string out(host);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c + ('a' - 'A'));
        }
    }
    return out;
}

bool DomainNames::isIpLiteral(std::string_view host) {
    if (host.empty()) {
        return false;
    }
    if (host.find(':') != std::string_view::npos) {
        return true;
    }
    for (char c : host) {
        if (!((c >= '0' && c <= '9') || c == '.')) {
            return false;
        }
    }
    return true;
}

std::string DomainNames::registrable(const std::string& host) const {
    if (!psl_ || host.empty() || isIpLiteral(host)) {
        return {};
    }
    const char* r = psl_registrable_domain(psl_, host.c_str());
    return r ? std::string(r) : std::string();
}

bool DomainNames::isPublicSuffix(const std::string& host) const {
    return psl_ && !host.empty() && !isIpLiteral(host) &&
           psl_is_public_suffix2(psl_, host.c_str(), PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

std::string DomainNames::service(const std::string& host) const {
    if (!psl_ || host.empty() || isIpLiteral(host)) {
        return {};
    }
    // The longest suffix that is an ICANN public suffix, plus one label.
    size_t prevDot = std::string::npos;
    size_t pos = 0;
    for (;;) {
        const char* suffix = host.c_str() + pos;
        if (psl_is_public_suffix2(psl_, suffix, PSL_TYPE_ICANN)) {
            if (prevDot == std::string::npos || prevDot == 0) {
                return {}; // the name itself is a public suffix
            }
            const size_t labelStart = host.rfind('.', pos - 2);
            return host.substr(labelStart == std::string::npos ? 0 : labelStart + 1);
        }
        const size_t dot = host.find('.', pos);
        if (dot == std::string::npos) {
            return {};
        }
        prevDot = dot;
        pos = dot + 1;
    }
}

} // namespace socwb
