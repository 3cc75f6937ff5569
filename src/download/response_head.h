// download/response_head.h: what the fetcher reads from an HTTP response's head, before any of
// its body: the status line, the headers it acts on (X-Robots-Tag, Location, Retry-After,
// Content-Length), and the policy tied to them: img2dataset's X-Robots-Tag rule (notes §4),
// urllib's reason phrases for messages, which statuses may pass on a retry, how long Retry-After
// asks to wait.
//
// curl hands a head over line by line; a redirect or a 1xx starts a new head, so only the final
// response's headers decide. Nothing here throws but std::bad_alloc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace clipret::download {

struct FetchOptions;

// The head of the response being read.
struct ResponseHead {
  long status = 0;  // 0 until a status line with digits arrives
  std::string reason;
  std::string location;     // of the last response that had one
  std::string retry_after;  // of the final response
  bool robots_refused = false;
  uint64_t content_length = 0;  // 0: unknown

  // A status line ("HTTP/1.1 404 Not Found"; HTTP/2 has no reason phrase), trimmed: starts a
  // new head, keeping only `location`.
  void start(std::string_view status_line);
  // One header line ("Name: value", trimmed); lines without a colon are ignored. `options`
  // gives the X-Robots-Tag rule.
  void add_header(std::string_view line, const FetchOptions& options);
};

// img2dataset's rule (notes §4): an X-Robots-Tag value "token: d1, d2" applies to that token
// only (options.user_agent_token), "d1, d2" to all; true when an applying directive is one of
// options.disallowed_directives (which, like the token, must be stripped and lower-cased).
bool x_robots_tag_refuses(std::string_view value, const FetchOptions& options);

// Python's http.HTTPStatus phrases, which urllib prints when a response has none (HTTP/2);
// "" for a status it has no phrase for.
const char* standard_reason(long status);

// 429 and the 5xx that may pass (500, 502, 503, 504).
bool is_retriable_status(long status);

// Seconds to wait from a Retry-After value (delta seconds or an HTTP-date, relative to now);
// < 0 when unusable. More than 9 digits reads as 1e9 (the caller caps it anyway).
double retry_after_seconds(std::string_view value);

}  // namespace clipret::download
