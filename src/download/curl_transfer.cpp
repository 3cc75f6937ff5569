#include "download/curl_transfer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <mutex>

#include "core/ascii_text.h"
#include "core/ip_address.h"
#include "download/fetcher.h"

namespace clipret::download {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

// DNS answers and TLS sessions shared by every Fetcher of the process, whatever its thread: a
// shard's hosts are mostly the previous shard's, and a resolver is the usual bottleneck of bulk
// downloads (notes §8.1). Connections are not shared: curl forbids that across threads.
class SharedCache {
 public:
  static CURLSH* get() {
    static SharedCache cache;
    return cache.share_;
  }

 private:
  SharedCache() : share_(curl_share_init()) {
    if (share_ == nullptr) return;
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  ~SharedCache() { curl_share_cleanup(share_); }
  static std::mutex& mutex_of(void* user, curl_lock_data data) {
    auto& mutexes = static_cast<SharedCache*>(user)->mutexes_;
    const auto i = static_cast<size_t>(data);
    return mutexes[i < kLocks ? i : 0];
  }
  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    mutex_of(user, data).lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) { mutex_of(user, data).unlock(); }

  static constexpr size_t kLocks = CURL_LOCK_DATA_LAST;
  std::mutex mutexes_[kLocks];
  CURLSH* share_;
};

std::string url_part(CURLU* url, CURLUPart part) {
  char* text = nullptr;
  if (curl_url_get(url, part, &text, CURLU_DEFAULT_PORT) != CURLUE_OK) return {};
  std::string out(text);
  curl_free(text);
  return out;
}

// curl's callbacks are C: nothing may escape them.
size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  try {
    const std::string_view line = core::trim_space(std::string_view(data, n));
    if (line.rfind("HTTP/", 0) == 0) {
      t->start_head(line);
    } else if (!t->in_head) {
      // trailers after a chunked body: the head was judged already
    } else if (line.empty()) {
      return t->end_head() ? n : 0;
    } else {
      t->head.add_header(line, *t->options);
    }
    return n;
  } catch (const std::bad_alloc&) {
    t->abort = Abort::kNoMemory;
    return 0;
  }
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->body.size() + n > t->options->max_body_bytes) {
    t->abort = Abort::kTooLarge;
    return 0;
  }
  try {
    t->body.append(data, n);
  } catch (const std::bad_alloc&) {
    t->abort = Abort::kNoMemory;
    return 0;
  }
  return n;
}

// Judges the address itself, after DNS and for every redirect, so a name cannot pass as public
// and then resolve to a private address (DNS rebinding).
curl_socket_t open_public_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  const void* ip = core::ip_of_socket_address(address->family, &address->addr);
  if (ip == nullptr || core::is_private_address(address->family, ip)) {
    char text[INET6_ADDRSTRLEN] = "?";
    if (ip != nullptr) inet_ntop(address->family, ip, text, sizeof(text));
    if (t->refused_address.empty()) t->refused_address = text;
    return CURL_SOCKET_BAD;
  }
  return core::open_socket_for_curl(address->family, address->socktype, address->protocol);
}

}  // namespace

ParsedUrl parse_url(const std::string& url) {
  ParsedUrl parsed;
  if (url.empty()) {
    parsed.error = "no url";
    return parsed;
  }
  std::unique_ptr<CURLU, UrlDeleter> handle(curl_url());
  if (!handle) {
    parsed.error = "cannot parse the url (out of memory)";
    return parsed;
  }
  const CURLUcode code =
      curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME);
  if (code != CURLUE_OK) {
    parsed.error = url.find("://") == std::string::npos
                       ? std::string("url without a scheme")
                       : std::string("invalid url: ") + curl_url_strerror(code);
    return parsed;
  }
  const std::string scheme = core::ascii_lower(url_part(handle.get(), CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") {
    parsed.error = "unsupported url scheme '" + scheme + "'";
    return parsed;
  }
  parsed.host = core::ascii_lower(url_part(handle.get(), CURLUPART_HOST));
  return parsed;
}

bool Transfer::end_head() {
  in_head = false;
  if (head.status >= 400) {
    abort = Abort::kHttpError;  // an error page is not worth reading
    return false;
  }
  if (head.status < 200 || head.status >= 300) return true;
  if (head.robots_refused) {
    abort = Abort::kRobots;
    return false;
  }
  if (head.content_length > options->max_body_bytes) {
    abort = Abort::kTooLarge;
    return false;
  }
  return true;
}

bool set_up_transfer(Transfer& t, const std::string& url, const std::string& user_agent) {
  const FetchOptions& o = *t.options;
  t.easy.reset(curl_easy_init());
  CURL* c = t.easy.get();
  if (c == nullptr) return false;
  const auto timeout_ms = static_cast<long>(std::max(1.0, o.timeout_seconds * 1000));
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, o.max_redirects);
  curl_easy_setopt(c, CURLOPT_USERAGENT, user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t.error);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);  // a proxy's head is not ours
  // One deadline for the connection and one for the whole attempt: a response that drips
  // or never ends fails at it (notes §8.2), which urllib's per-read timeout does not do.
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(c, CURLOPT_PIPEWAIT, 1L);  // wait to multiplex rather than open more
  if (CURLSH* share = SharedCache::get()) curl_easy_setopt(c, CURLOPT_SHARE, share);
  if (o.ignore_ssl_certificate) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!o.allow_private_addresses) {
    curl_easy_setopt(c, CURLOPT_PROXY, "");  // the check must see the server, not a proxy
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_public_socket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &t);
  }
  // No Accept-Encoding: img2dataset sends none and the bytes are hashed as they come.
  return true;
}

std::string transfer_error(const Transfer& t, CURLcode code) {
  CURL* c = t.easy.get();
  const std::string detail = t.error[0] != '\0' ? t.error : curl_easy_strerror(code);
  // The url being fetched when it failed, redirects included.
  std::string host;
  std::string port;
  char* effective = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective) {
    std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
    if (url && curl_url_set(url.get(), CURLUPART_URL, effective, 0) == CURLUE_OK) {
      host = url_part(url.get(), CURLUPART_HOST);
      port = url_part(url.get(), CURLUPART_PORT);
    }
  }
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return "timed out";  // img2dataset's words
    case CURLE_COULDNT_RESOLVE_HOST:
      return "could not resolve host " + host;
    case CURLE_COULDNT_CONNECT: {
      long os_error = 0;
      curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_error);
      if (os_error == ECONNREFUSED) return "connection refused (" + host + ":" + port + ")";
      return detail;
    }
    case CURLE_TOO_MANY_REDIRECTS:
      return "too many redirects (" + std::to_string(t.options->max_redirects) + ")";
    case CURLE_UNSUPPORTED_PROTOCOL: {
      // A redirect to file:, ftp:... (the first url's scheme was checked before).
      const size_t colon = t.head.location.find(':');
      const std::string scheme =
          core::ascii_lower(std::string_view(t.head.location).substr(0, colon));
      const bool is_scheme = colon != std::string::npos && colon > 0 &&
                             std::all_of(scheme.begin(), scheme.end(), [](char ch) {
                               return std::isalnum(static_cast<unsigned char>(ch)) || ch == '+' ||
                                      ch == '-' || ch == '.';
                             });
      if (is_scheme) return "unsupported url scheme '" + scheme + "' (redirect)";
      return detail;
    }
    default:
      return detail;
  }
}

bool is_retriable_code(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

}  // namespace clipret::download
