// Hostile connections against GuardedServer over real sockets: slow headers and bodies
// (slowloris), idle connections, clients that never read, oversized headers. Each case holds
// every worker with the bad clients first, then checks that they are cut within their limit
// and that a good client is still answered.
#include "back/guarded_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace clipret::back {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class Served {
 public:
  explicit Served(const ConnectionLimits& limits) : server_(limits) {
    server_.Get("/health", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ok", "text/plain");
    });
    server_.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(std::to_string(req.body.size()), "text/plain");
    });
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(kBigBytes, 'x'), "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(milliseconds(1));
  }
  ~Served() { stop(); }
  Served(const Served&) = delete;
  Served& operator=(const Served&) = delete;

  // Returns how long stop() took.
  double stop() {
    if (!thread_.joinable()) return 0;
    const Clock::time_point start = Clock::now();
    server_.stop();
    thread_.join();
    return seconds_since(start);
  }
  int port() const { return port_; }

  // A good client's GET /health on a new connection: the seconds it took, or -1 on failure.
  double good_request() const {
    const Clock::time_point start = Clock::now();
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(30, 0);
    client.set_read_timeout(30, 0);
    httplib::Result result = client.Get("/health");
    if (!result || result->status != 200 || result->body != "ok") return -1;
    return seconds_since(start);
  }

  static constexpr size_t kBigBytes = size_t{64} << 20;

 private:
  GuardedServer server_;
  int port_ = 0;
  std::thread thread_;
};

// A raw TCP client.
class RawClient {
 public:
  explicit RawClient(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  // False once the server has closed the connection (the send fails).
  bool send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // Reads until the server closes or `timeout` passes; returns what came.
  std::string read_until_closed(milliseconds timeout, bool* closed) {
    std::string got;
    const Clock::time_point end = Clock::now() + timeout;
    *closed = false;
    while (Clock::now() < end) {
      pollfd p{fd_, POLLIN, 0};
      const auto left = std::chrono::duration_cast<milliseconds>(end - Clock::now()).count();
      if (::poll(&p, 1, static_cast<int>(std::max<int64_t>(0, left))) <= 0) continue;
      char buffer[65536];
      const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        *closed = true;
        break;
      }
      got.append(buffer, static_cast<size_t>(n));
    }
    return got;
  }
  // Sends `bytes` one at a time every `gap` until the server closes the connection or `limit`
  // passes; returns the seconds until the server closed it, or -1.
  double trickle(const std::string& bytes, milliseconds gap, milliseconds limit) {
    const Clock::time_point start = Clock::now();
    for (size_t i = 0; Clock::now() - start < limit; i = (i + 1) % bytes.size()) {
      if (!send(bytes.substr(i, 1)) || closed_by_peer()) return seconds_since(start);
      std::this_thread::sleep_for(gap);
    }
    return -1;
  }

 private:
  bool closed_by_peer() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return false;
    char buffer[4096];
    for (;;) {  // drain an error answer; 0 means closed
      const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
      if (n == 0) return true;
      if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
    }
  }

  int fd_;
  bool connected_ = false;
};

constexpr const char* kRequestStart = "GET /health HTTP/1.1\r\nHost: x\r\n";

TEST(GuardedServer, SlowHeadersAreCutAtTheHeaderTimeout) {
  ConnectionLimits limits;
  limits.threads = 4;
  limits.header_timeout = milliseconds(600);
  Served served(limits);
  RawClient slow(served.port());
  ASSERT_TRUE(slow.connected());
  ASSERT_TRUE(slow.send(kRequestStart));
  // One header byte every 50 ms: each recv() is quick, so only a deadline over the whole
  // request ends it (httplib's own read timeout applies to each recv).
  const double cut_after =
      slow.trickle("X-Slow: abcdefgh\r\n", milliseconds(50), milliseconds(8000));
  EXPECT_GT(cut_after, 0.3);
  EXPECT_LT(cut_after, 3.0);
  EXPECT_GT(served.good_request(), 0);
}

TEST(GuardedServer, SlowBodiesAreCutAtTheBodyTimeout) {
  ConnectionLimits limits;
  limits.threads = 4;
  limits.body_timeout = milliseconds(600);
  Served served(limits);
  RawClient slow(served.port());
  ASSERT_TRUE(slow.connected());
  ASSERT_TRUE(slow.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"));
  const double cut_after = slow.trickle("0123456789", milliseconds(50), milliseconds(8000));
  EXPECT_GT(cut_after, 0.3);
  EXPECT_LT(cut_after, 3.0);

  // A body sent at once is read whole.
  RawClient fast(served.port());
  ASSERT_TRUE(
      fast.send("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                "Content-Length: 100000\r\n\r\n" +
                std::string(100000, 'b')));
  bool closed = false;
  const std::string answer = fast.read_until_closed(milliseconds(10000), &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  EXPECT_NE(answer.find("\r\n\r\n100000"), std::string::npos) << answer;
}

// Every worker held by a slow client with a long header timeout: a good client waits for a
// worker, so the slow ones get kHeaderTimeUnderPressure, not header_timeout.
TEST(GuardedServer, SlowClientsHoldingEveryWorkerGiveWayToAGoodOne) {
  ConnectionLimits limits;
  limits.threads = 2;
  limits.header_timeout = milliseconds(60000);
  Served served(limits);
  std::vector<std::unique_ptr<RawClient>> slow;
  std::vector<std::thread> tricklers;
  std::vector<double> cut_after(limits.threads, -1);
  for (size_t i = 0; i < limits.threads; ++i) {
    slow.push_back(std::make_unique<RawClient>(served.port()));
    ASSERT_TRUE(slow.back()->send(kRequestStart));
  }
  for (size_t i = 0; i < limits.threads; ++i) {
    tricklers.emplace_back([&, i] {
      cut_after[i] =
          slow[i]->trickle("X-Slow: abcdefgh\r\n", milliseconds(50), milliseconds(20000));
    });
  }
  std::this_thread::sleep_for(milliseconds(300));  // both workers now read slow headers
  const double good = served.good_request();
  for (std::thread& t : tricklers) t.join();
  EXPECT_GT(good, 0);
  EXPECT_LT(good, 5.0);
  for (double cut : cut_after) {
    EXPECT_GT(cut, 0) << "a slow client kept its worker for 20 s";
    EXPECT_LT(cut, 5.0);
  }
}

TEST(GuardedServer, IdleConnectionsGiveWayToAGoodClient) {
  ConnectionLimits limits;
  limits.threads = 2;
  limits.keep_alive_timeout = milliseconds(60000);
  Served served(limits);
  // Twenty connections that send nothing, and one that went idle after a keep-alive request.
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 20; ++i) {
    idle.push_back(std::make_unique<RawClient>(served.port()));
    ASSERT_TRUE(idle.back()->connected());
  }
  RawClient kept_alive(served.port());
  ASSERT_TRUE(kept_alive.send(std::string(kRequestStart) + "\r\n"));
  std::this_thread::sleep_for(milliseconds(200));
  const double good = served.good_request();
  EXPECT_GT(good, 0);
  EXPECT_LT(good, 5.0) << "idle connections held the workers";
  // The keep-alive client was answered before it went idle.
  bool closed = false;
  EXPECT_EQ(kept_alive.read_until_closed(milliseconds(500), &closed).rfind("HTTP/1.1 200", 0), 0u);
}

TEST(GuardedServer, IdleKeepAliveEndsAtItsTimeout) {
  ConnectionLimits limits;
  limits.threads = 4;
  limits.keep_alive_timeout = milliseconds(500);
  Served served(limits);
  RawClient client(served.port());
  const Clock::time_point start = Clock::now();
  ASSERT_TRUE(client.send(std::string(kRequestStart) + "\r\n"));
  bool closed = false;
  const std::string answer = client.read_until_closed(milliseconds(5000), &closed);
  EXPECT_TRUE(closed);
  EXPECT_LT(seconds_since(start), 3.0);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
}

TEST(GuardedServer, PipelinedRequestsOnOneConnectionAreAllAnswered) {
  ConnectionLimits limits;
  limits.threads = 2;
  Served served(limits);
  RawClient client(served.port());
  const std::string request = std::string(kRequestStart) + "\r\n";
  ASSERT_TRUE(client.send(request + request +
                          "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                          "Connection: close\r\n\r\nhello"));
  bool closed = false;
  const std::string answers = client.read_until_closed(milliseconds(5000), &closed);
  EXPECT_TRUE(closed);
  size_t count = 0;
  for (size_t at = answers.find("HTTP/1.1 200"); at != std::string::npos;
       at = answers.find("HTTP/1.1 200", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 3u) << answers;
  EXPECT_EQ(answers.substr(answers.size() - 1), "5");
}

TEST(GuardedServer, OversizedHeadersAre400AndClosed) {
  ConnectionLimits limits;
  limits.threads = 2;
  limits.max_header_bytes = 4096;
  Served served(limits);
  RawClient client(served.port());
  std::string headers = kRequestStart;
  while (headers.size() < 20000) headers += "X-Filler: " + std::string(80, 'f') + "\r\n";
  client.send(headers + "\r\n");  // may fail part-way: the server closes early
  bool closed = false;
  const std::string answer = client.read_until_closed(milliseconds(5000), &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
  EXPECT_GT(served.good_request(), 0);
}

TEST(GuardedServer, AClientThatDoesNotReadIsCutAtTheWriteTimeout) {
  ConnectionLimits limits;
  limits.threads = 2;
  limits.write_timeout = milliseconds(500);
  Served served(limits);
  RawClient client(served.port());
  ASSERT_TRUE(client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::this_thread::sleep_for(milliseconds(2000));  // never reading: the server gives up
  bool closed = false;
  const std::string got = client.read_until_closed(milliseconds(5000), &closed);
  EXPECT_TRUE(closed);
  EXPECT_LT(got.size(), Served::kBigBytes);
  EXPECT_GT(served.good_request(), 0);
}

TEST(GuardedServer, StopsPromptlyWithASlowClientConnected) {
  ConnectionLimits limits;
  limits.threads = 2;
  limits.header_timeout = milliseconds(60000);
  Served served(limits);
  RawClient slow(served.port());
  ASSERT_TRUE(slow.send(kRequestStart));
  std::atomic<bool> done{false};
  std::thread trickler([&] {
    slow.trickle("X-Slow: abcdefgh\r\n", milliseconds(50), milliseconds(20000));
    done = true;
  });
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_LT(served.stop(), 5.0);
  trickler.join();
}

}  // namespace
}  // namespace clipret::back
