#include "core/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "loopback_http_server.h"

namespace clipret::core {
namespace {

std::string payload() {  // large enough to arrive in several chunks
  std::string bytes;
  for (int i = 0; i < 1 << 20; ++i) bytes += static_cast<char>(i * 7 % 251);
  return bytes;
}

// An HTTP server on 127.0.0.1 (never the network).
class LocalServer : public testing::LoopbackHttpServer {
 public:
  LocalServer() {
    server().Get("/ok", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("hello", "text/plain");
    });
    server().Get("/missing", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content("no such file", "text/plain");
    });
    server().Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(5000, 'x'), "text/plain");
    });
    // No Content-Length: only counting the bytes can enforce the limit.
    server().Get("/big_chunked", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("text/plain", [](size_t offset, httplib::DataSink& sink) {
        if (offset >= 5000) {
          sink.done();
          return true;
        }
        const std::string block(500, 'x');
        return sink.write(block.data(), block.size());
      });
    });
    server().Get("/payload", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(payload(), "application/octet-stream");
    });
    server().Get("/headers", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.get_header_value("X-Test") + "|" + req.get_header_value("User-Agent"),
                      "text/plain");
    });
    // /hop3 → /hop2 → /hop1 → /ok
    server().Get("/hop1",
                 [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/ok"); });
    server().Get("/hop2", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/hop1");
    });
    server().Get("/hop3", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/hop2");
    });
    start();
  }
};

HttpRequestOptions bounded() {
  HttpRequestOptions options;
  options.connect_timeout_seconds = 5;
  options.timeout_seconds = 30;  // a hung test fails instead of blocking ctest
  return options;
}

TEST(HttpClient, ReturnsStatusAndBody) {
  LocalServer server;
  HttpClient client;  // one handle for several requests
  HttpResult ok = client.get(server.url("/ok"), bounded());
  ASSERT_TRUE(ok.ok()) << ok.error;
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "hello");
  EXPECT_EQ(ok.bytes, 5u);

  // An error status is a completed request, and its page is not handed over as content.
  HttpResult missing = client.get(server.url("/missing"), bounded());
  EXPECT_TRUE(missing.completed()) << missing.error;
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "");
  EXPECT_EQ(missing.bytes, 0u);
}

TEST(HttpClient, SendsHeadersAndUserAgent) {
  LocalServer server;
  HttpRequestOptions options = bounded();
  options.headers = {"X-Test: one"};
  options.user_agent = "agent/2";
  HttpResult result = http_get(server.url("/headers"), options);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.body, "one|agent/2");
}

TEST(HttpClient, RefusesBodiesOverTheLimit) {
  LocalServer server;
  HttpRequestOptions options = bounded();
  options.max_body_bytes = 1000;
  for (const char* path : {"/big", "/big_chunked"}) {
    HttpResult result = http_get(server.url(path), options);
    EXPECT_EQ(result.failure, HttpFailure::kTooLarge) << path << ": " << result.error;
    EXPECT_NE(result.error.find("larger than 1000"), std::string::npos) << result.error;
    EXPECT_EQ(result.body, "");
  }
  options.max_body_bytes = 5000;  // exactly the size: allowed
  HttpResult result = http_get(server.url("/big_chunked"), options);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.body.size(), 5000u);
}

TEST(HttpClient, FollowsRedirectsUpToTheLimit) {
  LocalServer server;
  HttpRequestOptions options = bounded();
  options.max_redirects = 3;
  HttpResult result = http_get(server.url("/hop3"), options);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.body, "hello");
  options.max_redirects = 2;
  result = http_get(server.url("/hop3"), options);
  EXPECT_EQ(result.failure, HttpFailure::kTooManyRedirects) << result.error;
  EXPECT_FALSE(result.error.empty());
}

TEST(HttpClient, StreamsToTheSinkWithProgress) {
  LocalServer server;
  HttpRequestOptions options = bounded();
  std::string received;
  int chunks = 0;
  options.sink = [&](std::string_view chunk) {
    received.append(chunk);
    ++chunks;
    return true;
  };
  uint64_t last_delivered = 0;
  uint64_t last_expected = 0;
  options.progress = [&](uint64_t delivered, uint64_t expected) {
    EXPECT_GT(delivered, last_delivered);
    last_delivered = delivered;
    last_expected = expected;
  };
  HttpResult result = http_get(server.url("/payload"), options);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.body, "");  // the sink had the bytes
  EXPECT_EQ(result.bytes, payload().size());
  EXPECT_TRUE(received == payload());
  EXPECT_GT(chunks, 1);
  EXPECT_EQ(last_delivered, payload().size());
  EXPECT_EQ(last_expected, payload().size());
}

TEST(HttpClient, SinkFailureAndExceptionsStopTheTransfer) {
  LocalServer server;
  HttpRequestOptions options = bounded();
  options.sink = [](std::string_view) { return false; };
  HttpResult result = http_get(server.url("/payload"), options);
  EXPECT_EQ(result.failure, HttpFailure::kSinkFailed) << result.error;

  // Thrown inside a curl callback, rethrown on the caller's side of curl.
  options.sink = [](std::string_view) -> bool { throw std::runtime_error("sink broke"); };
  EXPECT_THROW(http_get(server.url("/payload"), options), std::runtime_error);
}

TEST(HttpClient, ResumesFromAnOffset) {
  LocalServer server;
  HttpRequestOptions options = bounded();
  options.resume_from = 2;
  HttpResult result = http_get(server.url("/ok"), options);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 206);
  EXPECT_EQ(result.body, "llo");

  options.progress = [](uint64_t, uint64_t expected) { EXPECT_EQ(expected, 3u); };
  std::string tail;
  options.sink = [&tail](std::string_view chunk) {
    tail.append(chunk);
    return true;
  };
  options.resume_from = payload().size() - 3;
  result = http_get(server.url("/payload"), options);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(tail, payload().substr(payload().size() - 3));
}

TEST(HttpClient, PeerFilterSeesAndRefusesTheAddress) {
  LocalServer server;
  HttpRequestOptions options = bounded();
  int calls = 0;
  bool saw_loopback = false;
  options.peer_filter = [&](int family, const void* address) {
    ++calls;
    saw_loopback =
        family == AF_INET && static_cast<const in_addr*>(address)->s_addr == htonl(INADDR_LOOPBACK);
    return false;
  };
  HttpResult refused = http_get(server.url("/ok"), options);
  EXPECT_EQ(refused.failure, HttpFailure::kRefusedPeer) << refused.error;
  EXPECT_EQ(refused.status, 0);
  EXPECT_EQ(refused.body, "");
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(saw_loopback);

  options.peer_filter = [](int, const void*) { return true; };
  HttpResult allowed = http_get(server.url("/hop1"), options);
  ASSERT_TRUE(allowed.ok()) << allowed.error;
  EXPECT_EQ(allowed.body, "hello");
}

// A public server redirecting to a private one (SSRF through a redirect): every hop's connected
// address meets the filter. Here 127.0.0.1 plays the public server, 127.0.0.2 the private one.
TEST(HttpClient, PeerFilterRefusesARedirectToARefusedAddress) {
  testing::LoopbackHttpServer private_server;
  private_server.server().Get("/secret", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("secret", "text/plain");
  });
  private_server.start("127.0.0.2");
  testing::LoopbackHttpServer public_server;
  const std::string target = private_server.url("/secret");
  public_server.server().Get("/go", [&target](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(target);
  });
  public_server.start();

  HttpRequestOptions options = bounded();
  std::vector<std::string> peers;
  options.peer_filter = [&](int family, const void* address) {
    char text[INET_ADDRSTRLEN] = {};
    if (family == AF_INET) inet_ntop(AF_INET, address, text, sizeof(text));
    peers.emplace_back(text);
    return peers.back() == "127.0.0.1";
  };
  HttpResult refused = http_get(public_server.url("/go"), options);
  EXPECT_EQ(refused.failure, HttpFailure::kRefusedPeer) << refused.error;
  EXPECT_EQ(refused.body, "");
  EXPECT_EQ(peers, (std::vector<std::string>{"127.0.0.1", "127.0.0.2"}));

  options.peer_filter = [](int, const void*) { return true; };
  HttpResult followed = http_get(public_server.url("/go"), options);
  ASSERT_TRUE(followed.ok()) << followed.error;
  EXPECT_EQ(followed.body, "secret");
}

TEST(HttpClient, ReportsUnreachableAndRefusedProtocols) {
  // Port 1 on loopback: nothing listens there, the connection is refused at once.
  HttpResult unreachable = http_get("http://127.0.0.1:1/x", bounded());
  EXPECT_EQ(unreachable.failure, HttpFailure::kUnreachable) << unreachable.error;
  EXPECT_FALSE(unreachable.error.empty());

  HttpResult file = http_get("file:///etc/hostname", bounded());
  EXPECT_EQ(file.failure, HttpFailure::kOther) << file.error;
  EXPECT_EQ(file.body, "");
}

}  // namespace
}  // namespace clipret::core
