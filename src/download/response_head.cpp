#include "download/response_head.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <unordered_map>

#include "core/ascii_text.h"
#include "download/fetcher.h"

namespace clipret::download {

void ResponseHead::start(std::string_view line) {
  status = 0;
  reason.clear();
  retry_after.clear();
  robots_refused = false;
  content_length = 0;
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) return;
  std::string_view rest = line.substr(space + 1);
  size_t digits = 0;
  while (digits < rest.size() && digits < 3 &&
         std::isdigit(static_cast<unsigned char>(rest[digits]))) {
    status = status * 10 + (rest[digits] - '0');
    ++digits;
  }
  reason = core::trim_space(rest.substr(digits));
}

void ResponseHead::add_header(std::string_view line, const FetchOptions& options) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return;
  const std::string name = core::ascii_lower(core::trim_space(line.substr(0, colon)));
  const std::string_view value = core::trim_space(line.substr(colon + 1));
  if (name == "x-robots-tag") {
    robots_refused = robots_refused || x_robots_tag_refuses(value, options);
  } else if (name == "location") {
    location = value;
  } else if (name == "retry-after") {
    retry_after = value;
  } else if (name == "content-length") {
    content_length = 0;
    for (char c : value) {
      if (c < '0' || c > '9') break;
      content_length = std::min<uint64_t>(content_length * 10 + (c - '0'), uint64_t{1} << 62);
    }
  }
}

bool x_robots_tag_refuses(std::string_view value, const FetchOptions& options) {
  if (options.disallowed_directives.empty()) return false;
  const size_t colon = value.find(':');
  std::string_view directives = value;
  if (colon != std::string_view::npos) {
    if (core::ascii_lower(value.substr(0, colon)) != options.user_agent_token) return false;
    directives = value.substr(colon + 1);
  }
  while (true) {
    const size_t comma = directives.find(',');
    const std::string directive = core::ascii_lower(core::trim_space(directives.substr(0, comma)));
    const auto& disallowed = options.disallowed_directives;
    if (std::find(disallowed.begin(), disallowed.end(), directive) != disallowed.end()) {
      return true;
    }
    if (comma == std::string_view::npos) return false;
    directives.remove_prefix(comma + 1);
  }
}

const char* standard_reason(long status) {
  static const std::unordered_map<long, const char*> kPhrases = {
      {300, "Multiple Choices"},
      {301, "Moved Permanently"},
      {302, "Found"},
      {303, "See Other"},
      {304, "Not Modified"},
      {305, "Use Proxy"},
      {307, "Temporary Redirect"},
      {308, "Permanent Redirect"},
      {400, "Bad Request"},
      {401, "Unauthorized"},
      {402, "Payment Required"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {406, "Not Acceptable"},
      {407, "Proxy Authentication Required"},
      {408, "Request Timeout"},
      {409, "Conflict"},
      {410, "Gone"},
      {411, "Length Required"},
      {412, "Precondition Failed"},
      {413, "Request Entity Too Large"},
      {414, "Request-URI Too Long"},
      {415, "Unsupported Media Type"},
      {416, "Requested Range Not Satisfiable"},
      {417, "Expectation Failed"},
      {418, "I'm a Teapot"},
      {421, "Misdirected Request"},
      {422, "Unprocessable Entity"},
      {423, "Locked"},
      {424, "Failed Dependency"},
      {425, "Too Early"},
      {426, "Upgrade Required"},
      {428, "Precondition Required"},
      {429, "Too Many Requests"},
      {431, "Request Header Fields Too Large"},
      {451, "Unavailable For Legal Reasons"},
      {500, "Internal Server Error"},
      {501, "Not Implemented"},
      {502, "Bad Gateway"},
      {503, "Service Unavailable"},
      {504, "Gateway Timeout"},
      {505, "HTTP Version Not Supported"},
      {507, "Insufficient Storage"},
      {508, "Loop Detected"},
      {511, "Network Authentication Required"}};
  const auto it = kPhrases.find(status);
  return it == kPhrases.end() ? "" : it->second;
}

bool is_retriable_status(long status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

double retry_after_seconds(std::string_view value) {
  value = core::trim_space(value);
  if (value.empty()) return -1;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    constexpr size_t kMaxDigits = 9;  // longer is "forever"; the caller caps it anyway
    return value.size() > kMaxDigits ? 1e9 : std::stod(std::string(value));
  }
  const time_t when = curl_getdate(std::string(value).c_str(), nullptr);
  if (when == -1) return -1;
  return std::max(0.0, std::difftime(when, std::time(nullptr)));
}

}  // namespace clipret::download
