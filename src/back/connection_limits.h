// back/connection_limits.h: how long and how much one HTTP connection may hold a worker of
// `back` or `front` (enforced by back/guarded_server.h; the options of docs/back.md "Limits").
#pragma once

#include <chrono>
#include <cstddef>

namespace clipret::back {

struct ConnectionLimits {
  size_t threads = 64;  // workers: one per connection being served
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{60'000};
  std::chrono::milliseconds write_timeout{120'000};
  std::chrono::milliseconds keep_alive_timeout{5'000};
  size_t max_header_bytes = size_t{64} << 10;  // request line and headers together
};

}  // namespace clipret::back
