#include "core/stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "core/error.h"
#include "core/file_open.h"
#include "core/pipe_stream.h"

namespace clipret::core {
namespace {

constexpr const char kPipePrefix[] = "pipe:";
constexpr size_t kReadAllChunk = size_t{1} << 16;

// A local file read with read(2); owns the fd.
class FileInputStream final : public InputStream {
 public:
  FileInputStream(std::string path, int fd) : InputStream(std::move(path)), fd_(fd) {}
  ~FileInputStream() override { ::close(fd_); }

  size_t read(void* buffer, size_t n) override {
    for (;;) {
      const ssize_t got = ::read(fd_, buffer, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno == EINTR) continue;
      CLIPRET_THROW(Io, "%s: read failed: %s", name().c_str(), std::strerror(errno));
    }
  }

 private:
  int fd_;
};

// Bytes held in memory, handed out in order.
class MemoryInputStream final : public InputStream {
 public:
  MemoryInputStream(std::string name, std::string bytes)
      : InputStream(std::move(name)), bytes_(std::move(bytes)) {}

  size_t read(void* buffer, size_t n) override {
    const size_t count = std::min(n, bytes_.size() - position_);
    if (count > 0) std::memcpy(buffer, bytes_.data() + position_, count);
    position_ += count;
    return count;
  }

 private:
  std::string bytes_;
  size_t position_ = 0;
};

std::unique_ptr<InputStream> open_file_stream(const std::string& path) {
  uint64_t size = 0;  // a stream may be a FIFO or a device: any non-directory will do
  const int fd = open_for_reading(path, &size, /*regular_only=*/false);
  return std::make_unique<FileInputStream>(path, fd);
}

}  // namespace

bool is_pipe_location(const std::string& location) {
  return location.rfind(kPipePrefix, 0) == 0;
}

std::unique_ptr<InputStream> open_input_stream(const std::string& location) {
  if (is_pipe_location(location)) {
    return open_pipe_stream(location.substr(sizeof(kPipePrefix) - 1), location);
  }
  return open_file_stream(location);
}

std::unique_ptr<InputStream> open_memory_stream(std::string name, std::string bytes) {
  return std::make_unique<MemoryInputStream>(std::move(name), std::move(bytes));
}

std::string read_all(InputStream& stream, size_t max_bytes) {
  std::string out;
  std::vector<char> chunk(kReadAllChunk);
  for (;;) {
    const size_t got = stream.read(chunk.data(), chunk.size());
    if (got == 0) return out;
    CLIPRET_CHECK(got <= max_bytes - out.size(), InvalidInput,
                  "%s: larger than the %zu bytes allowed", stream.name().c_str(), max_bytes);
    out.append(chunk.data(), got);
  }
}

}  // namespace clipret::core
