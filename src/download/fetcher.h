// download/fetcher.h: downloading many urls at once with libcurl's multi interface (img2dataset's
// downloader, notes §4, made polite and bounded).
//
// One Fetcher runs its transfers in the thread that calls fetch_all: up to max_concurrent at
// once, at most max_per_host to one host, keep-alive and HTTP/2 where offered, DNS answers
// cached and shared by every Fetcher of the process. Each attempt has a deadline (a response that
// drips or never ends fails at it), bodies past max_body_bytes fail, redirects are followed up to
// max_redirects (loops fail). Failures that may pass (timeouts, connection errors, HTTP 429 and
// 5xx) are retried `retries` times with exponential backoff and jitter; a 429/503 Retry-After
// pauses that host for the time asked (capped by max_retry_after_seconds). X-Robots-Tag opt-outs
// are honoured from the response headers, before any of the body is read.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace clipret::download {

struct FetchOptions {
  double timeout_seconds = 10;      // per attempt: connect, and the whole response
  int64_t retries = 0;              // extra attempts after a failure that may pass
  double backoff_base_seconds = 1;  // first retry after ~this, doubling, with ±50 % jitter
  double max_retry_after_seconds = 60;
  std::string user_agent;  // the whole header value; empty: user_agent_for(user_agent_token)
  // img2dataset's X-Robots-Tag rule: a header value "token: d1, d2" applies when token equals
  // user_agent_token, "d1, d2" applies to everyone; the url is refused when an applying
  // directive is one of these (lower-case). Empty: no check.
  std::string user_agent_token;  // stripped and lower-cased; empty: none
  std::vector<std::string> disallowed_directives;
  uint64_t max_body_bytes = uint64_t{64} << 20;
  int64_t max_concurrent = 256;
  int64_t max_per_host = 16;
  long max_redirects = 10;
  bool ignore_ssl_certificate = false;
  bool allow_private_addresses = true;  // false: loopback/private/link-local peers are refused
};

struct FetchResult {
  bool ok = false;   // a 2xx body arrived whole and was not refused
  std::string body;  // the body when ok
  // Why not ok, img2dataset's wording where it has one: "HTTP Error 404: Not Found",
  // "Use of image disallowed by X-Robots-Tag directive", "timed out", plus clear messages for
  // the rest ("could not resolve host example.invalid", "too many redirects (10)", "body larger
  // than 67108864 bytes", "unsupported url scheme 'file'", "no url").
  std::string error;
  long http_status = 0;  // of the last response; 0 when none arrived
  int attempts = 0;
};

// img2dataset's User-Agent, with " (compatible; TOKEN; +https://github.com/rom1504/img2dataset)"
// when a token is given (stripped and lower-cased).
std::string user_agent_for(const std::string& user_agent_token);

class Fetcher {
 public:
  explicit Fetcher(FetchOptions options);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Downloads every url and calls done(i, result) once per url, in completion order, from the
  // calling thread. `done` may block (back-pressure: no new transfer starts meanwhile). Returns
  // when all are done, or early, with the rest not reported, once *stop becomes true (checked at
  // least every 100 ms). Never throws for a failed url; exceptions from `done` propagate.
  void fetch_all(const std::vector<std::string>& urls,
                 const std::function<void(size_t index, FetchResult&& result)>& done,
                 const std::atomic<bool>* stop = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clipret::download
