// SHA-256 of evidence as it streams past (OpenSSL, which uses the CPU's SHA extensions where
// present): a received file, an archive member's stored bytes.
#pragma once

#include <QString>

#include <memory>
#include <string_view>

namespace socwb {

class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    // False when OpenSSL failed: a hash of part of the input must never be stored.
    bool update(std::string_view bytes);
    // The digest in lower-case hex; empty after a failure. Ends the hash.
    QString hex();

  private:
    struct Ctx;
    std::unique_ptr<Ctx> ctx_;
    bool ok_ = true;
};

} // namespace socwb
