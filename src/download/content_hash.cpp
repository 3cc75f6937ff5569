#include "download/content_hash.h"

#include <openssl/evp.h>

#include <memory>

#include "core/error.h"

namespace clipret::download {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// The implicitly fetched digests: they need no EVP_MD_free, unlike EVP_MD_fetch's.
const EVP_MD* find_digest(std::string_view type) {
  if (type == "md5") return EVP_md5();
  if (type == "sha256") return EVP_sha256();
  if (type == "sha512") return EVP_sha512();
  return nullptr;
}

}  // namespace

bool is_hash_type(std::string_view type) {
  return find_digest(type) != nullptr;
}

std::string hex_digest(std::string_view type, std::string_view bytes) {
  const EVP_MD* md = find_digest(type);
  CLIPRET_CHECK(md != nullptr, InvalidInput, "hash type must be md5, sha256 or sha512, got '%.*s'",
                static_cast<int>(type.size()), type.data());
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) {
    CLIPRET_THROW(Internal, "OpenSSL failed to compute a %.*s digest",
                  static_cast<int>(type.size()), type.data());
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

}  // namespace clipret::download
