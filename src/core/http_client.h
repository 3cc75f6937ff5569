// core/http_client.h: the one HTTP(S) client of the project (libcurl behind a pimpl).
//
// Model downloads (hub/), `image_url` queries (search/) and bulk image downloads all GET through
// HttpClient, so curl is initialised in one place and every request gets the same options.
// A request that fails (unreachable host, timeout, body too large, refused address) is an
// expected per-item outcome: it comes back as an HttpResult, never as an exception (STYLE §2.6).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace clipret::core {

// Decides whether curl may connect to one resolved address, redirects included. `family` is
// AF_INET or AF_INET6 and `address` points at an in_addr / in6_addr; return true to allow.
using HttpPeerFilter = std::function<bool(int family, const void* address)>;

// Receives the body of a 2xx response, chunk by chunk; return false to abort (write failed).
using HttpBodySink = std::function<bool(std::string_view chunk)>;

// Called after each chunk of a 2xx body: `delivered` bytes so far in this request, `expected`
// the response's Content-Length (after a resume: the remaining bytes), 0 when unknown.
using HttpProgress = std::function<void(uint64_t delivered, uint64_t expected)>;

struct HttpRequestOptions {
  long connect_timeout_seconds = 20;  // per connection attempt; 0: curl's default (300 s)
  long timeout_seconds = 0;           // whole transfer, redirects included; 0: no limit
  long stall_timeout_seconds = 0;     // abort when under 1 byte/s for this long; 0: never
  uint64_t max_body_bytes = 0;        // larger bodies fail with kTooLarge; 0: no limit
  long max_redirects = 10;            // redirects followed; more fail with kTooManyRedirects
  std::string allowed_protocols = "http,https";  // curl's list, for the URL and redirects
  std::vector<std::string> headers;              // extra "Name: value" request headers
  std::string user_agent = "clip-retrieval-cpp/0.1";
  uint64_t resume_from = 0;  // > 0: ask for the bytes from this offset on (Range)
  // Empty: any address. Set: checked at the socket, after DNS resolution, so a name cannot
  // resolve to one address when checked and another when connected (DNS rebinding). Proxies
  // from the environment are then ignored: behind one, the filter would only see the proxy.
  // Addresses of other families (Unix sockets) are refused.
  HttpPeerFilter peer_filter;
  HttpBodySink sink;  // empty: a 2xx body is collected in HttpResult::body
  HttpProgress progress;
};

enum class HttpFailure {
  kNone,              // a whole response arrived (any status)
  kUnreachable,       // the name did not resolve or the connection was refused
  kTimedOut,          // a connect, total or stall timeout
  kTooManyRedirects,  // more than max_redirects
  kTooLarge,          // the body exceeds max_body_bytes
  kRefusedPeer,       // peer_filter refused an address curl tried
  kSinkFailed,        // the sink returned false
  kOther,             // anything else: bad URL or protocol, TLS, a broken connection...
};

struct HttpResult {
  HttpFailure failure = HttpFailure::kNone;
  std::string error;   // why the request failed (curl's message or ours); empty on kNone
  long status = 0;     // HTTP status of the last response; 0 when none arrived
  uint64_t bytes = 0;  // body bytes delivered to the sink or to `body` (2xx bodies only)
  std::string body;    // the 2xx body when no sink was given
  // A whole response arrived, whatever its status.
  bool completed() const { return failure == HttpFailure::kNone; }
  // A whole 2xx response arrived.
  bool ok() const { return completed() && status >= 200 && status < 300; }
};

// One curl easy handle, reused across requests so connections to the same host are kept alive.
// Not thread-safe: use one HttpClient per thread. Bodies of non-2xx responses are read (and
// count towards max_body_bytes) but not delivered, so an error page never ends up in a file.
class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // GETs `url`. Never throws for a failed request; exceptions from the callbacks propagate.
  HttpResult get(const std::string& url, const HttpRequestOptions& options);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Initialises libcurl for the process, once, before any handle exists (curl_global_init must
// not race with itself or other curl calls). Every user of curl calls it first, HttpClient
// included. Empty on success, else why it failed.
std::string init_curl_once();

// One request on a fresh HttpClient.
HttpResult http_get(const std::string& url, const HttpRequestOptions& options);

}  // namespace clipret::core
