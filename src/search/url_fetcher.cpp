#include "search/url_fetcher.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>

namespace clipret::search {
namespace {

constexpr const char* kUserAgent =
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:72.0) Gecko/20100101 Firefox/72.0";

bool is_private_ipv4(uint32_t a) {  // host byte order
  const auto in = [a](uint32_t net, int bits) {
    const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
    return (a & mask) == net;
  };
  return in(0x00000000, 8) ||   // "this" network
         in(0x0A000000, 8) ||   // 10/8
         in(0x64400000, 10) ||  // 100.64/10 carrier-grade NAT
         in(0x7F000000, 8) ||   // loopback
         in(0xA9FE0000, 16) ||  // link-local (cloud metadata endpoints)
         in(0xAC100000, 12) ||  // 172.16/12
         in(0xC0000000, 24) ||  // 192.0.0/24 IETF
         in(0xC0A80000, 16) ||  // 192.168/16
         in(0xC6120000, 15) ||  // 198.18/15 benchmarking
         in(0xE0000000, 4) ||   // multicast
         in(0xF0000000, 4);     // reserved, broadcast
}

struct FetchState {
  std::string body;
  size_t max_bytes = 0;
  bool too_large = false;
  bool allow_private = false;
  bool refused_address = false;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<FetchState*>(user);
  const size_t n = size * count;
  if (state->body.size() + n > state->max_bytes) {
    state->too_large = true;
    return 0;  // aborts the transfer
  }
  state->body.append(data, n);
  return n;
}

curl_socket_t open_checked_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* state = static_cast<FetchState*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  const void* ip = nullptr;
  if (address->family == AF_INET) {
    ip = &reinterpret_cast<const sockaddr_in*>(&address->addr)->sin_addr;
  } else if (address->family == AF_INET6) {
    ip = &reinterpret_cast<const sockaddr_in6*>(&address->addr)->sin6_addr;
  } else {
    state->refused_address = true;
    return CURL_SOCKET_BAD;
  }
  if (!state->allow_private && is_private_address(address->family, ip)) {
    state->refused_address = true;
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype, address->protocol);
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};

}  // namespace

bool is_private_address(int family, const void* address) {
  if (family == AF_INET) {
    return is_private_ipv4(ntohl(static_cast<const in_addr*>(address)->s_addr));
  }
  if (family != AF_INET6) return true;
  const auto* b = static_cast<const in6_addr*>(address)->s6_addr;
  static const uint8_t kZero[16] = {};
  if (std::memcmp(b, kZero, 15) == 0 && (b[15] == 0 || b[15] == 1)) return true;  // :: and ::1
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d): judge the IPv4 address inside.
  static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  static const uint8_t kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(b, kMapped, 12) == 0 || std::memcmp(b, kNat64, 12) == 0) {
    const uint32_t v4 =
        (uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) | (uint32_t{b[14]} << 8) | b[15];
    return is_private_ipv4(v4);
  }
  if ((b[0] & 0xfe) == 0xfc) return true;                  // fc00::/7 unique local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;  // fe80::/10 link-local
  if (b[0] == 0xff) return true;                           // multicast
  return false;
}

UrlFetchResult fetch_url(const std::string& url, const UrlFetchOptions& options) {
  UrlFetchResult result;
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    result.error = "image_url must be an http:// or https:// URL";
    return result;
  }
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    result.error = "cannot create a curl handle";
    return result;
  }
  FetchState state;
  state.max_bytes = options.max_bytes;
  state.allow_private = options.allow_private_addresses;
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, options.max_redirects);
  curl_easy_setopt(h, CURLOPT_PROXY, "");  // no proxy from the environment: we check peers
  curl_easy_setopt(h, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, options.timeout_seconds);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, options.timeout_seconds);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_bytes));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_checked_socket);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &state);
  const CURLcode code = curl_easy_perform(h);
  if (state.refused_address) {
    result.error =
        "image_url resolves to a loopback, private or link-local address: refused (start back "
        "with --allow_private_urls True to allow such addresses)";
    return result;
  }
  if (state.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    result.error =
        "image_url: the body is larger than " + std::to_string(options.max_bytes) + " bytes";
    return result;
  }
  if (code != CURLE_OK) {
    result.error = std::string("image_url: cannot fetch: ") + curl_easy_strerror(code);
    return result;
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) {
    result.error = "image_url: the server answered HTTP " + std::to_string(status);
    return result;
  }
  result.body = std::move(state.body);
  return result;
}

}  // namespace clipret::search
