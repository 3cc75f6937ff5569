#include "back/guarded_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace clipret::back {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// httplib's TaskQueue with the number of connections still waiting for a worker known.
class WorkerPool : public httplib::TaskQueue {
 public:
  WorkerPool(size_t threads, std::atomic<WorkerPool*>* registry) : registry_(registry) {
    for (size_t i = 0; i < std::max<size_t>(1, threads); ++i) {
      workers_.emplace_back([this] { work(); });
    }
    registry_->store(this);
  }
  ~WorkerPool() override = default;
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void enqueue(std::function<void()> job) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      jobs_.push_back(std::move(job));
      waiting_.fetch_add(1, std::memory_order_relaxed);
    }
    ready_.notify_one();
  }

  // As httplib's ThreadPool: the jobs already queued still run, then the workers end.
  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (std::thread& worker : workers_) worker.join();
    registry_->store(nullptr);
  }

  size_t waiting() const { return waiting_.load(std::memory_order_relaxed); }

 private:
  void work() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, nothing left
        job = std::move(jobs_.front());
        jobs_.pop_front();
        waiting_.fetch_sub(1, std::memory_order_relaxed);
      }
      job();
    }
  }

  std::atomic<WorkerPool*>* registry_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::atomic<size_t> waiting_{0};
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

namespace {

// poll() slices: how often a wait looks at the pressure and the server's state.
constexpr milliseconds kPollSlice{50};
constexpr size_t kReadBufferBytes = 4096;
// Closing a socket with unread bytes sends a reset, which can destroy the error answer just
// written before the client reads it: a broken request's connection is half-closed and drained
// for at most this long (and this many bytes) first.
constexpr milliseconds kLingerTime{250};
constexpr size_t kLingerBytes = size_t{1} << 20;

// Waits up to `timeout` for `events` on `sock`; true when ready (or in error: the next recv or
// send says which).
bool poll_socket(int sock, short events, milliseconds timeout) {
  pollfd p{sock, events, 0};
  for (;;) {
    const int ready = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(0, timeout.count())));
    if (ready >= 0) return ready > 0;
    if (errno != EINTR) return true;
  }
}

void drain_then_close(int sock) {
  ::shutdown(sock, SHUT_WR);
  const Clock::time_point end = Clock::now() + kLingerTime;
  std::array<char, 16384> sink;
  size_t drained = 0;
  while (drained < kLingerBytes) {
    const auto left = std::chrono::duration_cast<milliseconds>(end - Clock::now());
    if (left.count() <= 0 || !poll_socket(sock, POLLIN, left)) break;
    const ssize_t n = ::recv(sock, sink.data(), sink.size(), MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) break;
    if (n > 0) drained += static_cast<size_t>(n);
  }
  ::close(sock);
}

milliseconds until(Clock::time_point deadline) {
  return std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
}

void address_text(const sockaddr_storage& address, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
    ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
    port = ntohs(v4->sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
    port = ntohs(v6->sin6_port);
  }
  ip = text;
}

// One connection's bytes as httplib reads and writes them, with the deadlines of the request
// being served. Kept across the connection's requests: a pipelining client's next request may
// already be in the buffer.
class ConnectionStream : public httplib::Stream {
 public:
  ConnectionStream(int sock, const ConnectionLimits& limits, std::function<bool()> under_pressure)
      : sock_(sock), limits_(limits), under_pressure_(std::move(under_pressure)) {}

  // Starts the deadlines of the next request.
  void begin_request() {
    started_ = Clock::now();
    read_deadline_ = started_ + limits_.header_timeout;
    in_headers_ = true;
    header_bytes_ = 0;
    last_four_ = 0;
    write_deadline_.reset();
  }

  // A deadline or the header limit ended the request: the connection must close.
  bool broken() const { return read_broken_ || write_broken_; }
  bool has_buffered() const { return offset_ < filled_; }

  bool is_readable() const override { return !read_broken_ && (has_buffered() || wait_readable()); }

  bool is_writable() const override {
    const Clock::time_point deadline =
        write_deadline_.value_or(Clock::now() + limits_.write_timeout);
    return poll_socket(sock_, POLLOUT, until(deadline));
  }

  ssize_t read(char* out, size_t size) override {
    if (read_broken_) return -1;
    if (!has_buffered()) {
      if (!wait_readable()) {
        read_broken_ = true;
        return -1;
      }
      ssize_t n;
      do {
        n = ::recv(sock_, buffer_.data(), buffer_.size(), 0);
      } while (n < 0 && errno == EINTR);
      if (n <= 0) {
        if (n < 0) read_broken_ = true;
        return n;
      }
      offset_ = 0;
      filled_ = static_cast<size_t>(n);
    }
    const size_t n = std::min(size, filled_ - offset_);
    std::memcpy(out, buffer_.data() + offset_, n);
    offset_ += n;
    if (in_headers_) note_header_bytes(out, n);
    return static_cast<ssize_t>(n);
  }

  // Non-blocking sends between polls: a blocking send of a large answer would wait for the
  // client to read all of it (up to the socket's SO_SNDTIMEO), past the deadline.
  ssize_t write(const char* data, size_t size) override {
    if (write_broken_) return -1;
    if (!write_deadline_) write_deadline_ = Clock::now() + limits_.write_timeout;
    for (;;) {
      if (!poll_socket(sock_, POLLOUT, until(*write_deadline_))) break;
      const ssize_t n = ::send(sock_, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0) return n;
      if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) break;
      if (until(*write_deadline_).count() <= 0) break;
    }
    write_broken_ = true;
    return -1;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      address_text(address, ip, port);
    }
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      address_text(address, ip, port);
    }
  }
  socket_t socket() const override { return sock_; }

 private:
  // Waits for bytes until the request's deadline, in slices, so that a request still sending its
  // headers under pressure is dropped after kHeaderTimeUnderPressure.
  bool wait_readable() const {
    for (;;) {
      Clock::time_point deadline = read_deadline_;
      if (in_headers_ && under_pressure_()) {
        deadline = std::min(deadline, started_ + kHeaderTimeUnderPressure);
      }
      const milliseconds left = until(deadline);
      if (left.count() <= 0) return false;
      if (poll_socket(sock_, POLLIN, std::min(left, kPollSlice))) return true;
    }
  }

  // The end of the headers (CR LF CR LF) starts the body's deadline.
  void note_header_bytes(const char* bytes, size_t n) {
    for (size_t i = 0; i < n && in_headers_; ++i) {
      last_four_ = (last_four_ << 8) | static_cast<uint8_t>(bytes[i]);
      if (++header_bytes_ > limits_.max_header_bytes) {
        read_broken_ = true;  // the next read fails: httplib answers 400 and we close
        return;
      }
      if (last_four_ == 0x0d0a0d0a) {
        in_headers_ = false;
        read_deadline_ = Clock::now() + limits_.body_timeout;
      }
    }
  }

  int sock_;
  const ConnectionLimits& limits_;
  std::function<bool()> under_pressure_;
  std::array<char, kReadBufferBytes> buffer_{};
  size_t offset_ = 0;
  size_t filled_ = 0;
  Clock::time_point started_;
  Clock::time_point read_deadline_;
  std::optional<Clock::time_point> write_deadline_;
  bool in_headers_ = true;
  size_t header_bytes_ = 0;
  uint32_t last_four_ = 0;
  bool read_broken_ = false;   // a deadline or the header limit: reads fail, the answer goes out
  bool write_broken_ = false;  // the write deadline or a send error
};

}  // namespace

GuardedServer::GuardedServer(const ConnectionLimits& limits) : limits_(limits) {
  new_task_queue = [this] { return new WorkerPool(limits_.threads, &pool_); };
  // For the Keep-Alive header httplib writes (whole seconds, at least 1).
  set_keep_alive_timeout(std::max<time_t>(
      1, std::chrono::duration_cast<std::chrono::seconds>(limits_.keep_alive_timeout).count()));
}

size_t GuardedServer::waiting_connections() const {
  const WorkerPool* pool = pool_.load();
  return pool == nullptr ? 0 : pool->waiting();
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  auto under_pressure = [this] { return waiting_connections() > 0 || svr_sock_ == INVALID_SOCKET; };
  ConnectionStream stream(sock, limits_, under_pressure);
  bool ok = true;
  for (size_t served = 0; served < keep_alive_max_count_; ++served) {
    // Waits for the next request: until keep_alive_timeout, or kGraceUnderPressure when another
    // connection waits for this worker, or the server's stop.
    const Clock::time_point idle_since = Clock::now();
    bool readable = stream.has_buffered();
    while (!readable && svr_sock_ != INVALID_SOCKET) {
      const milliseconds idle = std::chrono::duration_cast<milliseconds>(Clock::now() - idle_since);
      const milliseconds allowed = under_pressure()
                                       ? std::min(kGraceUnderPressure, limits_.keep_alive_timeout)
                                       : limits_.keep_alive_timeout;
      if (idle >= allowed) break;
      readable = poll_socket(sock, POLLIN, std::min(allowed - idle, kPollSlice));
    }
    if (!readable || svr_sock_ == INVALID_SOCKET) break;

    stream.begin_request();
    bool connection_closed = false;
    const bool last = served + 1 == keep_alive_max_count_;
    ok = process_request(stream, last, connection_closed, nullptr);
    if (!ok || connection_closed || stream.broken()) break;
  }
  if (stream.broken()) {
    drain_then_close(sock);
  } else {
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
  }
  return ok;
}

}  // namespace clipret::back
