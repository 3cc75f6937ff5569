// download/content_hash.h: compute_hash / verify_hash digests of the downloaded bytes.
#pragma once

#include <string>
#include <string_view>

namespace clipret::download {

// True for md5, sha256 and sha512.
bool is_hash_type(std::string_view type);

// Lower-case hex digest of `bytes` (OpenSSL's EVP). Throws Error(kInvalidInput) for another
// type.
std::string hex_digest(std::string_view type, std::string_view bytes);

}  // namespace clipret::download
