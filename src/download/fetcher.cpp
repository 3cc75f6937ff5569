#include "download/fetcher.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <ctime>
#include <deque>
#include <list>
#include <mutex>
#include <queue>
#include <random>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/http_client.h"
#include "core/ip_address.h"

namespace clipret::download {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kBrowserAgent =
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:72.0) Gecko/20100101 Firefox/72.0";
constexpr int kPollMilliseconds = 100;  // the contract's bound on noticing *stop
constexpr int kMaxBackoffDoublings = 20;
constexpr const char* kRobotsRefusal = "Use of image disallowed by X-Robots-Tag directive";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct MultiDeleter {
  void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};
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

// Python's http.HTTPStatus phrases, which urllib prints when a response has none (HTTP/2).
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

// Seconds to wait from a Retry-After value (delta seconds or an HTTP-date); < 0 when unusable.
double retry_after_seconds(std::string_view value) {
  value = trim(value);
  if (value.empty()) return -1;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    constexpr size_t kMaxDigits = 9;  // longer is "forever"; the caller caps it anyway
    return value.size() > kMaxDigits ? 1e9 : std::stod(std::string(value));
  }
  const time_t when = curl_getdate(std::string(value).c_str(), nullptr);
  if (when == -1) return -1;
  return std::max(0.0, std::difftime(when, std::time(nullptr)));
}

// Scheme and lower-cased host of a url, or why it cannot be fetched.
struct ParsedUrl {
  std::string host;
  std::string error;
};

std::string url_part(CURLU* url, CURLUPart part) {
  char* text = nullptr;
  if (curl_url_get(url, part, &text, CURLU_DEFAULT_PORT) != CURLUE_OK) return {};
  std::string out(text);
  curl_free(text);
  return out;
}

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
  const std::string scheme = lower(url_part(handle.get(), CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") {
    parsed.error = "unsupported url scheme '" + scheme + "'";
    return parsed;
  }
  parsed.host = lower(url_part(handle.get(), CURLUPART_HOST));
  return parsed;
}

// What the fetcher itself cut short, decided in curl's callbacks.
enum class Abort { kNone, kRobots, kTooLarge, kHttpError, kNoMemory };

// One attempt at one url: its curl handle, the head of the response being read, the body.
// Reads a response's head as curl hands it over line by line; a redirect or a 1xx starts a
// new head, so only the final response's headers decide.
struct Transfer {
  size_t job = 0;
  const FetchOptions* options = nullptr;
  std::unique_ptr<CURL, EasyDeleter> easy;
  char error[CURL_ERROR_SIZE] = {0};

  bool in_head = false;
  long status = 0;
  std::string reason;
  std::string location;     // of the last response that had one
  std::string retry_after;  // of the final response
  bool robots_refused = false;
  uint64_t content_length = 0;  // 0: unknown

  Abort abort = Abort::kNone;
  std::string refused_address;  // the private peer refused, if any
  std::string body;

  void start_head(std::string_view line) {
    in_head = true;
    status = 0;
    reason.clear();
    retry_after.clear();
    robots_refused = false;
    content_length = 0;
    // "HTTP/1.1 404 Not Found"; HTTP/2 has no reason phrase.
    const size_t space = line.find(' ');
    if (space == std::string_view::npos) return;
    std::string_view rest = line.substr(space + 1);
    size_t digits = 0;
    while (digits < rest.size() && digits < 3 &&
           std::isdigit(static_cast<unsigned char>(rest[digits]))) {
      status = status * 10 + (rest[digits] - '0');
      ++digits;
    }
    reason = trim(rest.substr(digits));
  }

  void header(std::string_view line) {
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;
    const std::string name = lower(trim(line.substr(0, colon)));
    const std::string_view value = trim(line.substr(colon + 1));
    if (name == "x-robots-tag") {
      robots_refused = robots_refused || refuses(value);
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

  // img2dataset's rule (notes §4): "token: d1, d2" applies to that token only, "d1, d2" to all.
  bool refuses(std::string_view value) const {
    if (options->disallowed_directives.empty()) return false;
    const size_t colon = value.find(':');
    std::string_view directives = value;
    if (colon != std::string_view::npos) {
      if (lower(value.substr(0, colon)) != options->user_agent_token) return false;
      directives = value.substr(colon + 1);
    }
    while (true) {
      const size_t comma = directives.find(',');
      const std::string directive = lower(trim(directives.substr(0, comma)));
      const auto& disallowed = options->disallowed_directives;
      if (std::find(disallowed.begin(), disallowed.end(), directive) != disallowed.end()) {
        return true;
      }
      if (comma == std::string_view::npos) return false;
      directives.remove_prefix(comma + 1);
    }
  }

  // The blank line closing a head: returns false to end the transfer before its body.
  bool end_head() {
    in_head = false;
    if (status >= 400) {
      abort = Abort::kHttpError;  // an error page is not worth reading
      return false;
    }
    if (status < 200 || status >= 300) return true;
    if (robots_refused) {
      abort = Abort::kRobots;
      return false;
    }
    if (content_length > options->max_body_bytes) {
      abort = Abort::kTooLarge;
      return false;
    }
    return true;
  }
};

// curl's callbacks are C: nothing may escape them.
size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  try {
    const std::string_view line = trim(std::string_view(data, n));
    if (line.rfind("HTTP/", 0) == 0) {
      t->start_head(line);
    } else if (!t->in_head) {
      // trailers after a chunked body: the head was judged already
    } else if (line.empty()) {
      return t->end_head() ? n : 0;
    } else {
      t->header(line);
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
  const void* ip = nullptr;
  if (address->family == AF_INET) {
    ip = &reinterpret_cast<const sockaddr_in*>(&address->addr)->sin_addr;
  } else if (address->family == AF_INET6) {
    ip = &reinterpret_cast<const sockaddr_in6*>(&address->addr)->sin6_addr;
  }
  if (ip == nullptr || core::is_private_address(address->family, ip)) {
    char text[INET6_ADDRSTRLEN] = "?";
    if (ip != nullptr) inet_ntop(address->family, ip, text, sizeof(text));
    if (t->refused_address.empty()) t->refused_address = text;
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

}  // namespace

std::string user_agent_for(const std::string& user_agent_token) {
  const std::string token = lower(trim(user_agent_token));
  std::string agent = kBrowserAgent;
  if (!token.empty()) {
    agent += " (compatible; " + token + "; +https://github.com/rom1504/img2dataset)";
  }
  return agent;
}

namespace {

// The state of one fetch_all call: jobs, queues, per-host counts, transfers in flight.
class Run {
 public:
  using Done = std::function<void(size_t, FetchResult&&)>;

  Run(const FetchOptions& options, CURLM* multi, std::mt19937_64& random,
      const std::vector<std::string>& urls, const Done& done)
      : options_(options),
        multi_(multi),
        random_(random),
        urls_(urls),
        done_(done),
        jobs_(urls.size()) {}

  ~Run() {
    // Handles leave the multi before they are cleaned up (an exception from done_ ends here).
    for (auto& [easy, transfer] : running_) curl_multi_remove_handle(multi_, easy);
  }

  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  void go(const std::atomic<bool>* stop) {
    for (size_t i = 0; i < urls_.size(); ++i) {
      ParsedUrl parsed = parse_url(urls_[i]);
      if (!parsed.error.empty()) {
        jobs_[i].result.error = std::move(parsed.error);
        report(i);
      } else {
        jobs_[i].host = std::move(parsed.host);
        make_ready(i);
      }
    }
    while (reported_ < jobs_.size()) {
      if (stop != nullptr && stop->load()) return;
      const Clock::time_point now = Clock::now();
      while (!waiting_.empty() && waiting_.top().first <= now) {
        make_ready(waiting_.top().second);
        waiting_.pop();
      }
      start_ready(now);
      int still_running = 0;
      curl_multi_perform(multi_, &still_running);
      int left = 0;
      while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
        if (message->msg == CURLMSG_DONE) finish(message->easy_handle, message->data.result);
      }
      if (reported_ == jobs_.size()) return;
      int wait_ms = kPollMilliseconds;
      if (!waiting_.empty()) {
        const auto until =
            std::chrono::ceil<std::chrono::milliseconds>(waiting_.top().first - Clock::now());
        wait_ms = static_cast<int>(std::clamp<int64_t>(until.count(), 0, wait_ms));
      }
      curl_multi_poll(multi_, nullptr, 0, wait_ms, nullptr);
    }
  }

 private:
  struct Job {
    std::string host;
    FetchResult result;
  };
  struct Host {
    int64_t running = 0;
    Clock::time_point paused_until;  // Retry-After: no new transfer before
    std::deque<size_t> ready;        // jobs waiting for a slot, in input order
  };
  using Due = std::pair<Clock::time_point, size_t>;

  void report(size_t i) {
    ++reported_;
    done_(i, std::move(jobs_[i].result));
  }

  void make_ready(size_t i) {
    Host& host = hosts_[jobs_[i].host];
    if (host.ready.empty()) ready_hosts_.push_back(&host);
    host.ready.push_back(i);
  }

  // Visits hosts, not urls: a shard with thousands of urls on one busy host costs one step.
  void start_ready(Clock::time_point now) {
    const auto max_running = static_cast<size_t>(std::max<int64_t>(1, options_.max_concurrent));
    const int64_t max_per_host = std::max<int64_t>(1, options_.max_per_host);
    for (auto it = ready_hosts_.begin();
         it != ready_hosts_.end() && running_.size() < max_running;) {
      Host& host = **it;
      while (!host.ready.empty() && host.running < max_per_host && host.paused_until <= now &&
             running_.size() < max_running) {
        const size_t i = host.ready.front();
        host.ready.pop_front();
        start(i, host);
      }
      it = host.ready.empty() ? ready_hosts_.erase(it) : std::next(it);
    }
  }

  void start(size_t i, Host& host) {
    Job& job = jobs_[i];
    ++job.result.attempts;
    auto transfer = std::make_unique<Transfer>();
    transfer->job = i;
    transfer->options = &options_;
    transfer->easy.reset(curl_easy_init());
    CURL* c = transfer->easy.get();
    if (c == nullptr) {
      job.result.error = "cannot create a curl handle";
      report(i);
      return;
    }
    const auto timeout_ms = static_cast<long>(std::max(1.0, options_.timeout_seconds * 1000));
    curl_easy_setopt(c, CURLOPT_URL, urls_[i].c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, options_.max_redirects);
    curl_easy_setopt(c, CURLOPT_USERAGENT, user_agent().c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, transfer->error);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, transfer.get());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, transfer.get());
    curl_easy_setopt(c, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);  // a proxy's head is not ours
    // One deadline for the connection and one for the whole attempt: a response that drips
    // or never ends fails at it (notes §8.2), which urllib's per-read timeout does not do.
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(c, CURLOPT_PIPEWAIT, 1L);  // wait to multiplex rather than open more
    if (CURLSH* share = SharedCache::get()) curl_easy_setopt(c, CURLOPT_SHARE, share);
    if (options_.ignore_ssl_certificate) {
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!options_.allow_private_addresses) {
      curl_easy_setopt(c, CURLOPT_PROXY, "");  // the check must see the server, not a proxy
      curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_public_socket);
      curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, transfer.get());
    }
    // No Accept-Encoding: img2dataset sends none and the bytes are hashed as they come.
    if (curl_multi_add_handle(multi_, c) != CURLM_OK) {
      job.result.error = "cannot start the transfer";
      report(i);
      return;
    }
    ++host.running;
    running_.emplace(c, std::move(transfer));
  }

  const std::string& user_agent() {
    if (user_agent_.empty()) {
      user_agent_ = options_.user_agent.empty() ? user_agent_for(options_.user_agent_token)
                                                : options_.user_agent;
    }
    return user_agent_;
  }

  void finish(CURL* easy, CURLcode code) {
    const auto it = running_.find(easy);
    if (it == running_.end()) return;
    std::unique_ptr<Transfer> t = std::move(it->second);
    running_.erase(it);
    curl_multi_remove_handle(multi_, easy);
    const size_t i = t->job;
    Job& job = jobs_[i];
    Host& host = hosts_[job.host];
    --host.running;

    FetchResult& result = job.result;
    result.http_status = t->status;
    result.ok = false;
    result.body.clear();
    bool retriable = false;
    if (!t->refused_address.empty()) {
      result.error = "refused address " + t->refused_address +
                     " (loopback, private or link-local; allow_private_addresses is off)";
    } else if (t->abort == Abort::kRobots) {
      result.error = kRobotsRefusal;
    } else if (t->abort == Abort::kTooLarge) {
      result.error = "body larger than " + std::to_string(options_.max_body_bytes) + " bytes";
    } else if (t->abort == Abort::kNoMemory) {
      result.error = "out of memory reading the response";
    } else if (t->abort == Abort::kHttpError || (code == CURLE_OK && t->status / 100 != 2)) {
      const std::string reason = t->reason.empty() ? standard_reason(t->status) : t->reason;
      result.error =
          "HTTP Error " + std::to_string(t->status) + (reason.empty() ? "" : ": ") + reason;
      retriable = is_retriable_status(t->status);
    } else if (code != CURLE_OK) {
      result.error = curl_error(*t, code);
      retriable = is_retriable_code(code);
    } else {
      result.ok = true;
      result.error.clear();
      result.body = std::move(t->body);
    }

    double wait = -1;
    if (t->status == 429 || t->status == 503) {
      wait = std::min(retry_after_seconds(t->retry_after), options_.max_retry_after_seconds);
      if (wait > 0) {
        // The whole host waits, not only this url: it asked for a pause.
        host.paused_until = std::max(host.paused_until, Clock::now() + seconds(wait));
      }
    }
    if (!result.ok && retriable && result.attempts <= options_.retries) {
      const int doublings = std::min(result.attempts - 1, kMaxBackoffDoublings);
      std::uniform_real_distribution<double> jitter(0.5, 1.5);
      const double backoff =
          options_.backoff_base_seconds * std::ldexp(1.0, doublings) * jitter(random_);
      waiting_.emplace(Clock::now() + seconds(std::max(backoff, wait)), i);
      return;
    }
    report(i);
  }

  static Clock::duration seconds(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  }

  std::string curl_error(const Transfer& t, CURLcode code) const {
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
        return "too many redirects (" + std::to_string(options_.max_redirects) + ")";
      case CURLE_UNSUPPORTED_PROTOCOL: {
        // A redirect to file:, ftp:... (the first url's scheme was checked before).
        const size_t colon = t.location.find(':');
        const std::string scheme = lower(std::string_view(t.location).substr(0, colon));
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

  const FetchOptions& options_;
  CURLM* multi_;
  std::mt19937_64& random_;
  const std::vector<std::string>& urls_;
  const Done& done_;
  std::vector<Job> jobs_;
  size_t reported_ = 0;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> waiting_;  // retries
  std::unordered_map<std::string, Host> hosts_;  // nodes stay put: ready_hosts_ points at them
  std::list<Host*> ready_hosts_;                 // hosts with jobs ready, first come first
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> running_;
  std::string user_agent_;
};

}  // namespace

struct Fetcher::Impl {
  FetchOptions options;
  std::unique_ptr<CURLM, MultiDeleter> multi;  // kept across calls: its connection cache
  std::string init_error;
  std::mt19937_64 random{std::random_device{}()};
};

Fetcher::Fetcher(FetchOptions options) : impl_(std::make_unique<Impl>()) {
  options.user_agent_token = lower(trim(options.user_agent_token));
  for (std::string& directive : options.disallowed_directives) {
    directive = lower(trim(directive));
  }
  impl_->options = std::move(options);
  impl_->init_error = core::init_curl_once();
  if (!impl_->init_error.empty()) return;
  impl_->multi.reset(curl_multi_init());
  if (!impl_->multi) {
    impl_->init_error = "cannot create a curl multi handle";
    return;
  }
  CURLM* m = impl_->multi.get();
  const auto max_concurrent =
      static_cast<long>(std::max<int64_t>(1, impl_->options.max_concurrent));
  const auto max_per_host = static_cast<long>(std::max<int64_t>(1, impl_->options.max_per_host));
  curl_multi_setopt(m, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  // Our own per-host gate keeps transfers out of curl's internal queue, where their deadline
  // would run while they wait; this only bounds connections opened by redirects.
  curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, max_per_host);
  curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, max_concurrent);  // idle ones kept alive
}

Fetcher::~Fetcher() = default;

void Fetcher::fetch_all(const std::vector<std::string>& urls,
                        const std::function<void(size_t index, FetchResult&& result)>& done,
                        const std::atomic<bool>* stop) {
  if (!impl_->init_error.empty()) {
    for (size_t i = 0; i < urls.size(); ++i) {
      FetchResult result;
      result.error = impl_->init_error;
      done(i, std::move(result));
    }
    return;
  }
  Run run(impl_->options, impl_->multi.get(), impl_->random, urls, done);
  run.go(stop);
}

}  // namespace clipret::download
