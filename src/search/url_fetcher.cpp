#include "search/url_fetcher.h"

#include "core/http_client.h"
#include "core/ip_address.h"

namespace clipret::search {
namespace {

constexpr const char* kUserAgent =
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:72.0) Gecko/20100101 Firefox/72.0";

}  // namespace

bool is_private_address(int family, const void* address) {
  return core::is_private_address(family, address);
}

UrlFetchResult fetch_url(const std::string& url, const UrlFetchOptions& options) {
  UrlFetchResult result;
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    result.error = "image_url must be an http:// or https:// URL";
    return result;
  }
  core::HttpRequestOptions request;
  request.timeout_seconds = options.timeout_seconds;
  request.connect_timeout_seconds = options.timeout_seconds;
  request.max_body_bytes = options.max_bytes;
  request.max_redirects = options.max_redirects;
  request.user_agent = kUserAgent;
  // Always a filter, even one allowing everything: it also turns off proxies from the
  // environment and refuses non-IP sockets.
  if (options.allow_private_addresses) {
    request.peer_filter = [](int, const void*) { return true; };
  } else {
    request.peer_filter = [](int family, const void* address) {
      return !is_private_address(family, address);
    };
  }
  core::HttpResult fetched = core::http_get(url, request);
  switch (fetched.failure) {
    case core::HttpFailure::kNone:
      break;
    case core::HttpFailure::kRefusedPeer:
      result.error =
          "image_url resolves to a loopback, private or link-local address: refused (start back "
          "with --allow_private_urls True to allow such addresses)";
      return result;
    case core::HttpFailure::kTooLarge:
      result.error =
          "image_url: the body is larger than " + std::to_string(options.max_bytes) + " bytes";
      return result;
    default:
      result.error = "image_url: cannot fetch: " + fetched.error;
      return result;
  }
  if (!fetched.ok()) {
    result.error = "image_url: the server answered HTTP " + std::to_string(fetched.status);
    return result;
  }
  result.body = std::move(fetched.body);
  return result;
}

}  // namespace clipret::search
