#include "core/random_access_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "core/file_open.h"

namespace clipret::core {
namespace {

void check_range(const RandomAccessFile& file, uint64_t offset, size_t n) {
  CLIPRET_CHECK(offset <= file.size() && n <= file.size() - offset, Corrupt,
                "%s: read of %zu bytes at offset %llu is past the end of the file (%llu bytes)",
                file.name().c_str(), n, static_cast<unsigned long long>(offset),
                static_cast<unsigned long long>(file.size()));
}

class PosixFile final : public RandomAccessFile {
 public:
  PosixFile(std::string path, int fd, uint64_t size)
      : RandomAccessFile(std::move(path)), fd_(fd), size_(size) {}
  ~PosixFile() override { ::close(fd_); }

  uint64_t size() const override { return size_; }

  void read_at(uint64_t offset, size_t n, void* out) const override {
    check_range(*this, offset, n);
    auto* dst = static_cast<char*>(out);
    while (n > 0) {
      const ssize_t got = ::pread(fd_, dst, n, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      CLIPRET_CHECK(got > 0, Io, "%s: read failed at offset %llu: %s", name().c_str(),
                    static_cast<unsigned long long>(offset),
                    got < 0 ? std::strerror(errno) : "unexpected end of file");
      dst += got;
      offset += static_cast<uint64_t>(got);
      n -= static_cast<size_t>(got);
    }
  }

 private:
  int fd_;
  uint64_t size_;
};

class MemoryFile final : public RandomAccessFile {
 public:
  MemoryFile(std::string name, std::string bytes)
      : RandomAccessFile(std::move(name)), bytes_(std::move(bytes)) {}

  uint64_t size() const override { return bytes_.size(); }

  void read_at(uint64_t offset, size_t n, void* out) const override {
    check_range(*this, offset, n);
    if (n > 0) std::memcpy(out, bytes_.data() + offset, n);
  }

 private:
  std::string bytes_;
};

}  // namespace

std::unique_ptr<RandomAccessFile> open_random_access_file(const std::string& path) {
  uint64_t size = 0;
  const int fd = open_for_reading(path, &size);
  return std::make_unique<PosixFile>(path, fd, size);
}

std::unique_ptr<RandomAccessFile> open_memory_file(std::string name, std::string bytes) {
  return std::make_unique<MemoryFile>(std::move(name), std::move(bytes));
}

}  // namespace clipret::core
