// download/curl_transfer.h: one attempt at one url as the Fetcher runs it on curl's multi
// interface: its easy handle with every option set (deadlines, redirects, protocols, the shared
// DNS/TLS cache, the private-address check), curl's callbacks reading the head and the body into
// it, and the messages for what went wrong.
//
// Internal to the fetcher (fetcher.cpp, curl_transfer.cpp): it includes curl, so no other
// header may include it (STYLE §2.3 keeps curl out of the headers the rest of the project sees).
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "download/response_head.h"

namespace clipret::download {

struct FetchOptions;

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct MultiDeleter {
  void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};

// Lower-cased host of a url, or why it cannot be fetched ("no url", "url without a scheme",
// "invalid url: ...", "unsupported url scheme 'ftp'"): only http and https are.
struct ParsedUrl {
  std::string host;
  std::string error;
};
ParsedUrl parse_url(const std::string& url);

// What the fetcher itself cut short, decided in curl's callbacks.
enum class Abort { kNone, kRobots, kTooLarge, kHttpError, kNoMemory };

// One attempt at one url: its curl handle, the head of the response being read, the body.
struct Transfer {
  size_t job = 0;
  const FetchOptions* options = nullptr;  // not owned; outlives the transfer
  std::unique_ptr<CURL, EasyDeleter> easy;
  char error[CURL_ERROR_SIZE] = {0};

  bool in_head = false;
  ResponseHead head;

  Abort abort = Abort::kNone;
  std::string refused_address;  // the private peer refused, if any
  std::string body;

  void start_head(std::string_view line) {
    in_head = true;
    head.start(line);
  }
  // The blank line closing a head: returns false to end the transfer before its body.
  bool end_head();
};

// Creates t.easy for `url` and sets its options and callbacks from *t.options (set by the
// caller, with t.job); false when curl cannot create a handle. `user_agent` is the whole
// User-Agent value (curl copies it).
bool set_up_transfer(Transfer& t, const std::string& url, const std::string& user_agent);

// The message for a transfer that ended with `code`: img2dataset's words where it has them
// ("timed out"), else clear ones naming the host ("could not resolve host h", "connection
// refused (h:p)", "too many redirects (10)", "unsupported url scheme 'file' (redirect)"), else
// curl's own.
std::string transfer_error(const Transfer& t, CURLcode code);

// Failures that may pass on a retry: timeouts, connection, resolution, transport and TLS
// handshake errors.
bool is_retriable_code(CURLcode code);

}  // namespace clipret::download
