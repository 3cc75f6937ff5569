// search/url_fetcher.h: fetches the image of an `image_url` query, safely.
//
// The URL comes from an anonymous client, so the fetch must not become a way into the server's
// network (SSRF): only http and https, no proxies from the environment, a total timeout, a size
// limit, and every address curl connects to (after DNS resolution, redirects included) is checked
// at the socket: loopback, private, link-local, multicast and other special ranges are refused
// unless allow_private_addresses. Checking the socket address, not the name, closes the DNS
// rebinding hole (a name resolving to a public address at check time and a private one later).
#pragma once

#include <cstddef>
#include <string>

namespace clipret::search {

struct UrlFetchOptions {
  long timeout_seconds = 10;             // the original's timeout (whole transfer here)
  size_t max_bytes = size_t{20} << 20;   // larger bodies are refused
  bool allow_private_addresses = false;  // --allow_private_urls (tests use a local server)
  long max_redirects = 5;
};

struct UrlFetchResult {
  std::string body;   // the bytes when error is empty
  std::string error;  // why nothing was fetched (bad scheme, refused address, HTTP status...)
  bool ok() const { return error.empty(); }
};

// GETs `url` with the original's User-Agent. Never throws for a bad URL or a failed transfer:
// the error says what happened (the caller answers 400).
UrlFetchResult fetch_url(const std::string& url, const UrlFetchOptions& options);

// True for addresses a public URL must not reach (exposed for tests). `family` is AF_INET or
// AF_INET6; `address` points at an in_addr / in6_addr.
bool is_private_address(int family, const void* address);

}  // namespace clipret::search
