// Fuzz target knn_request: the request bodies of back's /knn-service and /metadata
// (back/knn_request.h: JSON, field types, defaults, base64 images, id lists) on arbitrary bytes,
// without a server. Malformed bodies must be an Error (a 4xx), never a crash or another exception
// (a 500).
#include <string>

#include "back/knn_request.h"
#include "fuzz/fuzz_targets.h"

namespace clipret::fuzz {

int fuzz_one_knn_request(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  accept_or_reject([&] { static_cast<void>(back::parse_knn_request(body)); });
  return accept_or_reject([&] { static_cast<void>(back::parse_metadata_request(body)); });
}

}  // namespace clipret::fuzz
