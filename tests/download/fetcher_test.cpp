// Tests of download/fetcher.cpp against servers in this process: httplib for well-behaved
// routes, a raw socket server for what httplib cannot do (silence, drips, endless bodies,
// malformed heads, resets, a head whose body never comes).
#include "download/fetcher.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../loopback_http_server.h"

namespace clipret::download {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One accepted connection of RawServer, seen from the server's side.
class RawConnection {
 public:
  RawConnection(int fd, const std::atomic<bool>& stopping) : fd_(fd), stopping_(stopping) {}

  // Reads up to the end of the request head; false when the client went away first.
  bool read_request() {
    std::string head;
    char buffer[4096];
    while (head.find("\r\n\r\n") == std::string::npos) {
      if (!readable(50)) {
        if (stopping_) return false;
        continue;
      }
      const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) return false;
      head.append(buffer, static_cast<size_t>(n));
    }
    return true;
  }

  bool send(const std::string& data) {
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }

  // Waits until the client closes (true) or `limit` passes or the server stops (false).
  bool wait_closed(std::chrono::milliseconds limit) {
    const Clock::time_point end = Clock::now() + limit;
    char buffer[4096];
    while (Clock::now() < end && !stopping_) {
      if (!readable(50)) continue;
      if (::recv(fd_, buffer, sizeof(buffer), 0) <= 0) return true;
    }
    return false;
  }

  // Sleeps `ms` unless the server stops.
  bool pause(int ms) {
    for (int waited = 0; waited < ms && !stopping_; waited += 10) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return !stopping_;
  }

  // Ends the connection with a TCP reset instead of a clean close.
  void reset() {
    const linger abortive{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abortive, sizeof(abortive));
  }

 private:
  bool readable(int ms) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, ms) > 0;
  }

  int fd_;
  const std::atomic<bool>& stopping_;
};

// A TCP server on 127.0.0.1 that hands each connection to `handler` in its own thread.
class RawServer {
 public:
  explicit RawServer(std::function<void(RawConnection&)> handler) : handler_(std::move(handler)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listener_, 64) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
    }
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~RawServer() {
    stopping_ = true;
    acceptor_.join();
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::thread& t : connections_) t.join();
    ::close(listener_);
  }

  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  void accept_loop() {
    while (!stopping_) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) continue;
      std::lock_guard<std::mutex> lock(mutex_);
      connections_.emplace_back([this, fd] {
        RawConnection connection(fd, stopping_);
        handler_(connection);
        ::close(fd);
      });
    }
  }

  std::function<void(RawConnection&)> handler_;
  std::atomic<bool> stopping_{false};
  int listener_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<std::thread> connections_;
};

// Runs fetch_all and returns the results by index, checking each index comes exactly once.
std::vector<FetchResult> fetch(const FetchOptions& options, const std::vector<std::string>& urls,
                               const std::atomic<bool>* stop = nullptr) {
  std::vector<FetchResult> results(urls.size());
  std::vector<int> calls(urls.size(), 0);
  Fetcher fetcher(options);
  fetcher.fetch_all(
      urls,
      [&](size_t i, FetchResult&& result) {
        ++calls[i];
        results[i] = std::move(result);
      },
      stop);
  if (stop == nullptr) {
    for (size_t i = 0; i < urls.size(); ++i) EXPECT_EQ(calls[i], 1) << urls[i];
  }
  return results;
}

FetchResult fetch_one(const FetchOptions& options, const std::string& url) {
  return fetch(options, {url}).at(0);
}

FetchOptions quick() {
  FetchOptions options;
  options.timeout_seconds = 1;
  options.backoff_base_seconds = 0.01;
  options.user_agent = "test-agent/1.0";
  return options;
}

std::string image_bytes() {
  std::string bytes;
  for (int i = 0; i < 5000; ++i) bytes.push_back(static_cast<char>(i * 7 % 256));
  return bytes;
}

TEST(UserAgentFor, AppendsTheNormalisedToken) {
  const std::string firefox =
      "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:72.0) Gecko/20100101 Firefox/72.0";
  EXPECT_EQ(user_agent_for(""), firefox);
  EXPECT_EQ(user_agent_for("  MyBot "),
            firefox + " (compatible; mybot; +https://github.com/rom1504/img2dataset)");
}

// httplib routes shared by most tests.
class FetcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    httplib::Server& s = http_.server();
    s.Get("/image", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex_);
      user_agent_ = req.get_header_value("User-Agent");
      had_accept_encoding_ = req.has_header("Accept-Encoding");
      res.set_content(image_bytes(), "image/jpeg");
    });
    s.Get("/404", [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
    s.Get("/500", [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
    s.Get("/counted404", [this](const httplib::Request&, httplib::Response& res) {
      ++hits_;
      res.status = 404;
    });
    s.Get("/always503", [this](const httplib::Request&, httplib::Response& res) {
      ++hits_;
      res.status = 503;
    });
    s.Get("/first503", [this](const httplib::Request&, httplib::Response& res) {
      if (hits_++ == 0) {
        res.status = 503;
      } else {
        res.set_content("fine", "image/jpeg");
      }
    });
    s.Get("/first429", [this](const httplib::Request& req, httplib::Response& res) {
      if (hits_++ == 0) {
        res.status = 429;
        res.set_header("Retry-After", req.get_param_value("after"));
      } else {
        res.set_content("fine", "image/jpeg");
      }
    });
    s.Get("/first503date", [this](const httplib::Request&, httplib::Response& res) {
      if (hits_++ == 0) {
        res.status = 503;
        const std::time_t later = std::time(nullptr) + 2;
        std::tm utc{};
        gmtime_r(&later, &utc);
        char date[64];
        std::strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &utc);
        res.set_header("Retry-After", date);
      } else {
        res.set_content("fine", "image/jpeg");
      }
    });
    s.Get(R"(/r(\d))", [](const httplib::Request& req, httplib::Response& res) {
      const int hop = std::stoi(req.matches[1]);
      res.set_redirect(hop == 1 ? "/image" : "/r" + std::to_string(hop - 1));
    });
    s.Get("/loop",
          [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/loop"); });
    s.Get("/to-file", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("file:///etc/passwd");
    });
    s.Get("/robots", [](const httplib::Request& req, httplib::Response& res) {
      for (size_t i = 0; i < req.get_param_value_count("v"); ++i) {
        res.set_header("X-Robots-Tag", req.get_param_value("v", i));
      }
      res.set_content("picture", "image/jpeg");
    });
    s.Get("/robots-redirect", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("X-Robots-Tag", "noai");
      res.set_redirect("/image");
    });
    s.Get("/robots404", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("X-Robots-Tag", "noai");
      res.status = 404;
    });
    s.Get(R"(/chunked/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
      const size_t total = std::stoul(req.matches[1]);
      res.set_chunked_content_provider(
          "image/jpeg", [total](size_t offset, httplib::DataSink& sink) {
            if (offset >= total) {
              sink.done();
              return true;
            }
            const std::string chunk(std::min<size_t>(500, total - offset), 'x');
            return sink.write(chunk.data(), chunk.size());
          });
    });
    s.Get("/counted", [this](const httplib::Request&, httplib::Response& res) {
      const int now = ++in_flight_;
      int seen = max_in_flight_.load();
      while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      --in_flight_;
      res.set_content("ok", "image/jpeg");
    });
    s.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      res.set_content("late", "image/jpeg");
    });
    http_.start();
  }

  std::string url(const std::string& path) const { return http_.url(path); }

  clipret::testing::LoopbackHttpServer http_;
  std::mutex mutex_;
  std::string user_agent_;
  bool had_accept_encoding_ = true;
  std::atomic<int> hits_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
};

TEST_F(FetcherTest, DownloadsTheBytesWithTheGivenUserAgentAndNoCompression) {
  const FetchResult r = fetch_one(quick(), url("/image"));
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.body, image_bytes());
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.attempts, 1);
  std::lock_guard<std::mutex> lock(mutex_);
  EXPECT_EQ(user_agent_, "test-agent/1.0");
  EXPECT_FALSE(had_accept_encoding_);
}

TEST_F(FetcherTest, HttpErrorsUseUrllibsWording) {
  const auto results = fetch(quick(), {url("/404"), url("/500")});
  EXPECT_FALSE(results[0].ok);
  EXPECT_EQ(results[0].error, "HTTP Error 404: Not Found");
  EXPECT_EQ(results[0].http_status, 404);
  EXPECT_EQ(results[0].body, "");
  EXPECT_EQ(results[1].error, "HTTP Error 500: Internal Server Error");
  EXPECT_EQ(results[1].http_status, 500);
}

TEST_F(FetcherTest, FollowsARedirectChain) {
  const FetchResult r = fetch_one(quick(), url("/r3"));
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.body, image_bytes());
  EXPECT_EQ(r.http_status, 200);
}

TEST_F(FetcherTest, RedirectLoopsAndNonHttpTargetsFail) {
  FetchOptions options = quick();
  options.max_redirects = 3;
  const auto results = fetch(options, {url("/loop"), url("/r5"), url("/to-file")});
  EXPECT_EQ(results[0].error, "too many redirects (3)");
  EXPECT_EQ(results[1].error, "too many redirects (3)");
  EXPECT_FALSE(results[2].ok);
  EXPECT_NE(results[2].error.find("unsupported url scheme 'file'"), std::string::npos)
      << results[2].error;
}

TEST_F(FetcherTest, XRobotsTagFollowsImg2datasetsTokenRule) {
  FetchOptions options = quick();
  options.user_agent_token = "MyBot";
  options.disallowed_directives = {"noai", "noimageai", "noindex", "noimageindex"};
  const auto results = fetch(options, {
                                          url("/robots?v=NoAI"),
                                          url("/robots?v=otherbot:%20noai"),
                                          url("/robots?v=mybot:%20noindex,%20nofollow"),
                                          url("/robots?v=nofollow&v=noimageai"),
                                          url("/robots?v=nofollow,%20noarchive"),
                                          url("/robots-redirect"),
                                          url("/robots404"),
                                      });
  const std::string refused = "Use of image disallowed by X-Robots-Tag directive";
  EXPECT_EQ(results[0].error, refused);
  EXPECT_TRUE(results[1].ok) << results[1].error;  // another bot's opt-out
  EXPECT_EQ(results[1].body, "picture");
  EXPECT_EQ(results[2].error, refused);  // ours
  EXPECT_EQ(results[3].error, refused);  // the second of two headers
  EXPECT_TRUE(results[4].ok) << results[4].error;
  EXPECT_TRUE(results[5].ok) << results[5].error;  // only the final response counts
  EXPECT_EQ(results[6].error, "HTTP Error 404: Not Found");
}

TEST_F(FetcherTest, EmptyDisallowedListDisablesTheCheck) {
  FetchOptions options = quick();
  options.disallowed_directives = {};
  const FetchResult r = fetch_one(options, url("/robots?v=noindex"));
  EXPECT_TRUE(r.ok) << r.error;
}

TEST_F(FetcherTest, BodiesOverTheLimitFail) {
  FetchOptions options = quick();
  options.max_body_bytes = 1000;
  const auto results = fetch(options, {url("/chunked/3000"), url("/chunked/1000"), url("/image")});
  EXPECT_EQ(results[0].error, "body larger than 1000 bytes");
  EXPECT_FALSE(results[0].ok);
  EXPECT_TRUE(results[1].ok) << results[1].error;  // exactly the limit
  EXPECT_EQ(results[1].body, std::string(1000, 'x'));
  EXPECT_EQ(results[2].error, "body larger than 1000 bytes");  // by its Content-Length
}

TEST_F(FetcherTest, RetryAfterPausesTheHost) {
  FetchOptions options = quick();
  options.retries = 1;
  options.max_per_host = 1;
  std::vector<double> finished_at(2);
  const Clock::time_point start = Clock::now();
  Fetcher fetcher(options);
  std::vector<FetchResult> results(2);
  fetcher.fetch_all({url("/first429?after=1"), url("/image")}, [&](size_t i, FetchResult&& r) {
    finished_at[i] = seconds_since(start);
    results[i] = std::move(r);
  });
  EXPECT_TRUE(results[0].ok) << results[0].error;
  EXPECT_EQ(results[0].attempts, 2);
  EXPECT_EQ(results[0].body, "fine");
  EXPECT_GE(finished_at[0], 0.9);
  // The other url of the host waited for the pause too.
  EXPECT_TRUE(results[1].ok) << results[1].error;
  EXPECT_GE(finished_at[1], 0.9);
  EXPECT_LT(finished_at[0], 10.0);
}

TEST_F(FetcherTest, RetryAfterIsCapped) {
  FetchOptions options = quick();
  options.retries = 1;
  options.max_retry_after_seconds = 0.2;
  const Clock::time_point start = Clock::now();
  const FetchResult r = fetch_one(options, url("/first429?after=3600"));
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_LT(seconds_since(start), 10.0);
}

TEST_F(FetcherTest, RetryAfterMayBeAnHttpDate) {
  FetchOptions options = quick();
  options.retries = 1;
  const Clock::time_point start = Clock::now();
  const FetchResult r = fetch_one(options, url("/first503date"));
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_GE(seconds_since(start), 0.9);  // the date is 1 to 2 s ahead
  EXPECT_LT(seconds_since(start), 10.0);
}

TEST_F(FetcherTest, Retries503WithBackoff) {
  FetchOptions options = quick();
  options.retries = 2;
  const FetchResult r = fetch_one(options, url("/first503"));
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(hits_, 2);
}

TEST_F(FetcherTest, OtherUrlsProceedWhileOneWaitsForItsRetry) {
  FetchOptions options = quick();
  options.retries = 1;
  options.backoff_base_seconds = 0.5;  // the retry waits 0.25 s at least
  options.max_concurrent = 1;
  std::vector<size_t> order;
  std::vector<FetchResult> results(2);
  Fetcher fetcher(options);
  fetcher.fetch_all({url("/first503"), url("/image")}, [&](size_t i, FetchResult&& r) {
    order.push_back(i);
    results[i] = std::move(r);
  });
  EXPECT_EQ(order, (std::vector<size_t>{1, 0}));
  EXPECT_TRUE(results[0].ok) << results[0].error;
  EXPECT_EQ(results[0].attempts, 2);
  EXPECT_TRUE(results[1].ok) << results[1].error;
}

TEST_F(FetcherTest, WithoutRetriesTheFirstFailureIsKept) {
  const FetchResult r = fetch_one(quick(), url("/first503"));
  EXPECT_EQ(r.error, "HTTP Error 503: Service Unavailable");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(hits_, 1);
}

TEST_F(FetcherTest, RetriesStopAtTheLimitAndSkipPermanentErrors) {
  FetchOptions options = quick();
  options.retries = 2;
  FetchResult r = fetch_one(options, url("/always503"));
  EXPECT_EQ(r.error, "HTTP Error 503: Service Unavailable");
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(hits_, 3);
  hits_ = 0;
  r = fetch_one(options, url("/counted404"));
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(hits_, 1);
}

TEST_F(FetcherTest, BadUrlsAreNeverTried) {
  const auto results = fetch(quick(), {"", "example.com/a.jpg", "file:///etc/passwd",
                                       "ftp://example.com/a.jpg", "http://nothing.invalid/a.jpg"});
  EXPECT_EQ(results[0].error, "no url");
  EXPECT_EQ(results[1].error, "url without a scheme");
  EXPECT_EQ(results[2].error, "unsupported url scheme 'file'");
  EXPECT_EQ(results[3].error, "unsupported url scheme 'ftp'");
  EXPECT_EQ(results[4].error, "could not resolve host nothing.invalid");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(results[i].attempts, 0) << i;
  for (const FetchResult& r : results) EXPECT_FALSE(r.ok);
}

TEST_F(FetcherTest, PerHostLimitHolds) {
  FetchOptions options = quick();
  options.max_per_host = 4;
  options.max_concurrent = 64;
  options.timeout_seconds = 10;
  const std::vector<std::string> urls(100, url("/counted"));
  const auto results = fetch(options, urls);
  for (const FetchResult& r : results) ASSERT_TRUE(r.ok) << r.error;
  EXPECT_LE(max_in_flight_, 4);
  EXPECT_GE(max_in_flight_, 2);  // and transfers did run side by side
}

TEST_F(FetcherTest, ConcurrencyLimitHolds) {
  FetchOptions options = quick();
  options.max_per_host = 16;
  options.max_concurrent = 2;
  options.timeout_seconds = 10;
  const auto results = fetch(options, std::vector<std::string>(40, url("/counted")));
  for (const FetchResult& r : results) ASSERT_TRUE(r.ok) << r.error;
  EXPECT_LE(max_in_flight_, 2);
}

TEST_F(FetcherTest, StopEndsEarly) {
  FetchOptions options = quick();
  options.max_concurrent = 2;
  options.timeout_seconds = 10;
  std::atomic<bool> stop{false};
  const std::vector<std::string> urls(30, url("/slow"));
  size_t reported = 0;
  const Clock::time_point start = Clock::now();
  Fetcher fetcher(options);
  fetcher.fetch_all(
      urls,
      [&](size_t, FetchResult&&) {
        ++reported;
        stop = true;
      },
      &stop);
  EXPECT_GE(reported, 1u);
  EXPECT_LT(reported, urls.size());
  EXPECT_LT(seconds_since(start), 5.0);
}

TEST_F(FetcherTest, ExceptionsFromDonePropagateAndTheFetcherStaysUsable) {
  Fetcher fetcher(quick());
  const std::vector<std::string> urls(5, url("/image"));
  EXPECT_THROW(
      fetcher.fetch_all(urls, [](size_t, FetchResult&&) { throw std::runtime_error("full"); }),
      std::runtime_error);
  size_t ok = 0;
  fetcher.fetch_all(urls, [&](size_t, FetchResult&& r) { ok += r.ok ? 1 : 0; });
  EXPECT_EQ(ok, urls.size());
}

TEST_F(FetcherTest, FetchersInSeveralThreadsShareTheCaches) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      FetchOptions options = quick();
      options.max_per_host = 1;  // httplib serves 8 connections at once, keep-alive ones too
      const auto results = fetch(options, std::vector<std::string>(20, url("/image")));
      for (const FetchResult& r : results) {
        ok += r.ok ? 1 : 0;
        if (!r.ok) ADD_FAILURE() << r.error;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok, 80);
}

TEST_F(FetcherTest, PrivateAddressesCanBeRefused) {
  FetchOptions options = quick();
  options.allow_private_addresses = false;
  options.retries = 2;
  const FetchResult r = fetch_one(options, url("/image"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.rfind("refused address 127.0.0.1", 0), 0u) << r.error;
  EXPECT_EQ(r.attempts, 1);
}

TEST(FetcherRaw, ConnectionRefused) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(::getsockname(s, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const int port = ntohs(address.sin_port);
  ::close(s);  // bound, never listened: nothing answers there
  const FetchResult r = fetch_one(quick(), "http://127.0.0.1:" + std::to_string(port) + "/a.jpg");
  EXPECT_EQ(r.error, "connection refused (127.0.0.1:" + std::to_string(port) + ")");
}

TEST(FetcherRaw, SilentServerTimesOut) {
  RawServer server([](RawConnection& c) {
    if (c.read_request()) c.wait_closed(std::chrono::seconds(20));
  });
  const Clock::time_point start = Clock::now();
  const FetchResult r = fetch_one(quick(), server.url("/a.jpg"));
  EXPECT_EQ(r.error, "timed out");
  EXPECT_EQ(r.http_status, 0);
  EXPECT_LT(seconds_since(start), 4.0);
}

TEST(FetcherRaw, HeadWithoutEndTimesOut) {
  RawServer server([](RawConnection& c) {
    if (c.read_request() && c.send("HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n")) {
      c.wait_closed(std::chrono::seconds(20));
    }
  });
  const Clock::time_point start = Clock::now();
  const FetchResult r = fetch_one(quick(), server.url("/a.jpg"));
  EXPECT_EQ(r.error, "timed out");
  EXPECT_LT(seconds_since(start), 4.0);
}

TEST(FetcherRaw, EndlessBodyEndsAtTheDeadline) {
  RawServer server([](RawConnection& c) {
    if (!c.read_request()) return;
    if (!c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")) return;
    const std::string chunk = "400\r\n" + std::string(1024, 'z') + "\r\n";
    while (c.send(chunk) && c.pause(10)) {
    }
  });
  const Clock::time_point start = Clock::now();
  const FetchResult r = fetch_one(quick(), server.url("/a.jpg"));
  EXPECT_EQ(r.error, "timed out");
  EXPECT_EQ(r.body, "");
  EXPECT_LT(seconds_since(start), 4.0);
}

TEST(FetcherRaw, SlowDripEndsAtTheDeadline) {
  RawServer server([](RawConnection& c) {
    if (!c.read_request()) return;
    if (!c.send("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")) return;
    while (c.send("x") && c.pause(200)) {
    }
  });
  const Clock::time_point start = Clock::now();
  const FetchResult r = fetch_one(quick(), server.url("/a.jpg"));
  EXPECT_EQ(r.error, "timed out");
  EXPECT_LT(seconds_since(start), 4.0);
}

TEST(FetcherRaw, RobotsRefusalDoesNotWaitForTheBody) {
  std::atomic<bool> client_closed{false};
  RawServer server([&](RawConnection& c) {
    if (!c.read_request()) return;
    // Announces a body and never sends it: only a client that stops at the head can finish.
    if (c.send("HTTP/1.1 200 OK\r\nX-Robots-Tag: noimageai\r\nContent-Length: 100000\r\n\r\n")) {
      client_closed = c.wait_closed(std::chrono::seconds(20));
    }
  });
  FetchOptions options = quick();
  options.timeout_seconds = 5;
  options.disallowed_directives = {"noai", "noimageai"};
  const FetchResult r = fetch_one(options, server.url("/a.jpg"));
  EXPECT_EQ(r.error, "Use of image disallowed by X-Robots-Tag directive");
  EXPECT_EQ(r.http_status, 200);
  for (int i = 0; i < 200 && !client_closed; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(client_closed);
}

TEST(FetcherRaw, ReasonPhraseComesFromTheStatusLine) {
  RawServer server([](RawConnection& c) {
    if (c.read_request()) c.send("HTTP/1.1 404 Gone Fishing\r\nContent-Length: 0\r\n\r\n");
  });
  const FetchResult r = fetch_one(quick(), server.url("/a.jpg"));
  EXPECT_EQ(r.error, "HTTP Error 404: Gone Fishing");
}

TEST(FetcherRaw, MalformedStatusLineFailsCleanly) {
  RawServer server([](RawConnection& c) {
    if (!c.read_request()) return;
    c.send("garbage\r\n\r\n");
  });
  const FetchResult r = fetch_one(quick(), server.url("/a.jpg"));
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error, "");
}

TEST(FetcherRaw, ConnectionResetIsRetried) {
  std::atomic<int> connections{0};
  RawServer server([&](RawConnection& c) {
    ++connections;
    if (c.read_request()) c.reset();
  });
  FetchOptions options = quick();
  options.retries = 1;
  const FetchResult r = fetch_one(options, server.url("/a.jpg"));
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error, "");
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(connections, 2);
}

TEST(FetcherRaw, StopIsSeenWhileTransfersHang) {
  RawServer server([](RawConnection& c) {
    if (c.read_request()) c.wait_closed(std::chrono::seconds(20));
  });
  FetchOptions options = quick();
  options.timeout_seconds = 30;
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop = true;
  });
  size_t reported = 0;
  const Clock::time_point start = Clock::now();
  Fetcher fetcher(options);
  fetcher.fetch_all(
      {server.url("/a.jpg"), server.url("/b.jpg")}, [&](size_t, FetchResult&&) { ++reported; },
      &stop);
  stopper.join();
  EXPECT_EQ(reported, 0u);
  EXPECT_LT(seconds_since(start), 3.0);
}

}  // namespace
}  // namespace clipret::download
