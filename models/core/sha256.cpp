#include "core/sha256.h"

#include <QByteArray>

#include <openssl/evp.h>

namespace socwb {

struct Sha256::Ctx {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
    ok_ = ctx_->md && EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr) == 1;
}

Sha256::~Sha256() = default;

bool Sha256::update(std::string_view bytes) {
    if (ok_ && !bytes.empty()) {
        ok_ = EVP_DigestUpdate(ctx_->md, bytes.data(), bytes.size()) == 1;
    }
    return ok_;
}

QString Sha256::hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!ok_ || EVP_DigestFinal_ex(ctx_->md, digest, &len) != 1 || len != 32) {
        ok_ = false;
        return {};
    }
    ok_ = false; // finished: no more updates
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(digest), static_cast<int>(len)).toHex());
}

} // namespace socwb
