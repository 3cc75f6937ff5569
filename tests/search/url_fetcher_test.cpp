#include "search/url_fetcher.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "loopback_http_server.h"

namespace clipret::search {
namespace {

bool private_v4(const char* text) {
  in_addr a{};
  EXPECT_EQ(inet_pton(AF_INET, text, &a), 1) << text;
  return is_private_address(AF_INET, &a);
}

bool private_v6(const char* text) {
  in6_addr a{};
  EXPECT_EQ(inet_pton(AF_INET6, text, &a), 1) << text;
  return is_private_address(AF_INET6, &a);
}

TEST(IsPrivateAddress, RefusesSpecialRanges) {
  for (const char* a :
       {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
        "0.0.0.0", "100.64.0.1", "224.0.0.1", "255.255.255.255"}) {
    EXPECT_TRUE(private_v4(a)) << a;
  }
  for (const char* a : {"8.8.8.8", "172.32.0.1", "93.184.216.34", "1.1.1.1"}) {
    EXPECT_FALSE(private_v4(a)) << a;
  }
  for (const char* a : {"::1", "::", "fe80::1", "fd00::1", "ff02::1", "::ffff:127.0.0.1",
                        "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe"}) {
    EXPECT_TRUE(private_v6(a)) << a;
  }
  for (const char* a : {"2606:4700:4700::1111", "::ffff:8.8.8.8"}) {
    EXPECT_FALSE(private_v6(a)) << a;
  }
}

class LocalServer : public testing::LoopbackHttpServer {
 public:
  LocalServer() {
    server().Get("/ok", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("hello", "text/plain");
    });
    server().Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(5000, 'x'), "text/plain");
    });
    server().Get("/missing",
                 [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
    server().Get("/redirect",
                 [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/ok"); });
    start();
  }
};

TEST(FetchUrl, RefusesLoopbackUnlessAllowed) {
  LocalServer server;
  UrlFetchOptions options;
  UrlFetchResult refused = fetch_url(server.url("/ok"), options);
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.error.find("private"), std::string::npos) << refused.error;
  // The refusal names the option that lifts it.
  EXPECT_NE(refused.error.find("--allow_private_urls"), std::string::npos) << refused.error;
  // A name resolving to loopback is refused too: the check is on the connected address.
  refused = fetch_url("http://localhost:1/ok", options);
  EXPECT_FALSE(refused.ok());

  options.allow_private_addresses = true;
  UrlFetchResult ok = fetch_url(server.url("/ok"), options);
  ASSERT_TRUE(ok.ok()) << ok.error;
  EXPECT_EQ(ok.body, "hello");
  ok = fetch_url(server.url("/redirect"), options);
  ASSERT_TRUE(ok.ok()) << ok.error;
  EXPECT_EQ(ok.body, "hello");
}

TEST(FetchUrl, ReportsSchemeStatusAndSize) {
  LocalServer server;
  UrlFetchOptions options;
  options.allow_private_addresses = true;
  EXPECT_NE(fetch_url("file:///etc/passwd", options).error.find("http"), std::string::npos);
  EXPECT_NE(fetch_url("ftp://example.com/x", options).error.find("http"), std::string::npos);
  EXPECT_NE(fetch_url(server.url("/missing"), options).error.find("404"), std::string::npos);
  options.max_bytes = 1000;
  EXPECT_NE(fetch_url(server.url("/big"), options).error.find("larger"), std::string::npos);
}

}  // namespace
}  // namespace clipret::search
