// Registrable domains from the Public Suffix List (libpsl with the system's publicsuffix data).
// Two views of one name, because channel identity and service identity differ:
//  - registrable(): with the list's private section, so each hosting tenant is its own
//    ("raw.githubusercontent.com", "evil.workers.dev");
//  - service(): ICANN section only, so the service behind it ("githubusercontent.com",
//    "workers.dev").
#pragma once

#include <string>
#include <string_view>

struct psl_ctx_st;

namespace socwb {

class DomainNames {
  public:
    DomainNames();
    ~DomainNames();
    DomainNames(const DomainNames&) = delete;
    DomainNames& operator=(const DomainNames&) = delete;

    // Lower-cased, trailing dot removed, brackets of IPv6 literals removed.
    static std::string normalize(std::string_view host);
    static bool isIpLiteral(std::string_view host);
    // Empty for IP literals and names that are themselves public suffixes.
    std::string registrable(const std::string& normalizedHost) const;
    std::string service(const std::string& normalizedHost) const;
    // A name on the list itself ("com", "co.uk", "github.io"), not through the implicit "*" rule,
    // so a single-label internal name ("fileserver") is not one.
    bool isPublicSuffix(const std::string& normalizedHost) const;

  private:
    const psl_ctx_st* psl_;
};

} // namespace socwb
