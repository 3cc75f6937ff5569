#include "core/http_client.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <exception>
#include <limits>
#include <mutex>

#include "core/ip_address.h"

namespace clipret::core {
namespace {

// curl_global_init is not thread-safe and must run once before any handle exists; the first
// request of any thread pays for it.
CURLcode global_init() {
  static std::once_flag once;
  static CURLcode code = CURLE_OK;
  std::call_once(once, [] { code = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return code;
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// State shared with curl's callbacks during one request. Callbacks are called from C: they
// must not throw, so an exception is kept here and rethrown once curl has returned.
struct Transfer {
  CURL* curl = nullptr;
  const HttpRequestOptions* options = nullptr;
  HttpResult* result = nullptr;
  long status = 0;        // of the response whose body is arriving; 0 before the first byte
  uint64_t expected = 0;  // its Content-Length, 0 when unknown
  uint64_t received = 0;  // body bytes read, delivered or not
  bool too_large = false;
  bool sink_failed = false;
  bool refused_peer = false;
  std::exception_ptr exception;
};

bool is_success(long status) {
  return status >= 200 && status < 300;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  try {
    // curl hands bodies of followed redirects to nobody, so the first body byte belongs to the
    // final response.
    if (t->status == 0) {
      curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &t->status);
      curl_off_t length = -1;
      curl_easy_getinfo(t->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
      t->expected = length > 0 ? static_cast<uint64_t>(length) : 0;
    }
    t->received += n;
    const uint64_t max = t->options->max_body_bytes;
    if (max > 0 && t->received > max) {
      t->too_large = true;
      return 0;  // any count other than n aborts the transfer
    }
    if (!is_success(t->status) || n == 0) return n;  // error pages are not content
    if (t->options->sink) {
      if (!t->options->sink(std::string_view(data, n))) {
        t->sink_failed = true;
        return 0;
      }
    } else {
      t->result->body.append(data, n);
    }
    t->result->bytes += n;
    if (t->options->progress) t->options->progress(t->result->bytes, t->expected);
    return n;
  } catch (...) {
    t->exception = std::current_exception();
    return 0;
  }
}

// Runs for every connection curl opens, after DNS resolution and for each redirect: the one
// place where the peer's real address is known.
curl_socket_t open_filtered_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  const void* ip = ip_of_socket_address(address->family, &address->addr);
  if (ip == nullptr) {
    t->refused_peer = true;
    return CURL_SOCKET_BAD;
  }
  try {
    if (!t->options->peer_filter(address->family, ip)) {
      t->refused_peer = true;
      return CURL_SOCKET_BAD;
    }
  } catch (...) {
    t->exception = std::current_exception();
    return CURL_SOCKET_BAD;
  }
  return open_socket_for_curl(address->family, address->socktype, address->protocol);
}

HttpFailure failure_of(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return HttpFailure::kNone;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return HttpFailure::kUnreachable;
    case CURLE_OPERATION_TIMEDOUT:
      return HttpFailure::kTimedOut;
    case CURLE_TOO_MANY_REDIRECTS:
      return HttpFailure::kTooManyRedirects;
    case CURLE_FILESIZE_EXCEEDED:
      return HttpFailure::kTooLarge;
    default:
      return HttpFailure::kOther;
  }
}

// Clears a handle's options when a request ends, so it never keeps pointers into a finished
// request's state; connections and the DNS cache survive for the next request.
struct ResetOnExit {
  CURL* curl;
  ~ResetOnExit() { curl_easy_reset(curl); }
};

}  // namespace

struct HttpClient::Impl {
  std::unique_ptr<CURL, CurlDeleter> curl;
  char error_buffer[CURL_ERROR_SIZE] = {0};
};

HttpClient::HttpClient() : impl_(std::make_unique<Impl>()) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

HttpResult HttpClient::get(const std::string& url, const HttpRequestOptions& options) {
  HttpResult result;
  const auto fail = [&result](HttpFailure failure, std::string error) {
    result.failure = failure;
    result.error = std::move(error);
    result.body.clear();
    return result;
  };
  if (const CURLcode code = global_init(); code != CURLE_OK) {
    return fail(HttpFailure::kOther,
                std::string("cannot initialise curl: ") + curl_easy_strerror(code));
  }
  if (!impl_->curl) impl_->curl.reset(curl_easy_init());
  if (!impl_->curl) return fail(HttpFailure::kOther, "cannot create a curl handle");
  CURL* c = impl_->curl.get();
  const ResetOnExit reset{c};

  std::unique_ptr<curl_slist, SlistDeleter> headers;
  for (const std::string& header : options.headers) {
    curl_slist* appended = curl_slist_append(headers.get(), header.c_str());
    if (appended == nullptr) return fail(HttpFailure::kOther, "cannot build the request headers");
    if (!headers) headers.reset(appended);  // later appends return the same list
  }

  Transfer transfer;
  transfer.curl = c;
  transfer.options = &options;
  transfer.result = &result;
  impl_->error_buffer[0] = '\0';
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, options.allowed_protocols.c_str());
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, options.allowed_protocols.c_str());
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, options.max_redirects);
  curl_easy_setopt(c, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, impl_->error_buffer);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, options.connect_timeout_seconds);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, options.timeout_seconds);
  if (options.stall_timeout_seconds > 0) {
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, options.stall_timeout_seconds);
  }
  // Refuses early when the server announces the length; on_body counts the rest.
  constexpr uint64_t kMaxCurlOff = std::numeric_limits<curl_off_t>::max();
  if (options.max_body_bytes > 0 && options.max_body_bytes <= kMaxCurlOff) {
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_body_bytes));
  }
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  if (options.resume_from > 0 && options.resume_from <= kMaxCurlOff) {
    curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(options.resume_from));
  }
  if (options.peer_filter) {
    curl_easy_setopt(c, CURLOPT_PROXY, "");  // the filter must see the server, not a proxy
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_filtered_socket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &transfer);
  }

  const CURLcode code = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &result.status);
  if (transfer.exception) std::rethrow_exception(transfer.exception);
  // A name with one refused address is not trusted, even if another address answered.
  if (transfer.refused_peer) {
    return fail(HttpFailure::kRefusedPeer, "the server's address is refused");
  }
  if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return fail(HttpFailure::kTooLarge,
                "the body is larger than " + std::to_string(options.max_body_bytes) + " bytes");
  }
  if (transfer.sink_failed) return fail(HttpFailure::kSinkFailed, "storing the body failed");
  if (code != CURLE_OK) {
    return fail(failure_of(code),
                impl_->error_buffer[0] != '\0' ? impl_->error_buffer : curl_easy_strerror(code));
  }
  return result;
}

std::string init_curl_once() {
  const CURLcode code = global_init();
  if (code == CURLE_OK) return {};
  return std::string("cannot initialise curl: ") + curl_easy_strerror(code);
}

HttpResult http_get(const std::string& url, const HttpRequestOptions& options) {
  HttpClient client;
  return client.get(url, options);
}

}  // namespace clipret::core
