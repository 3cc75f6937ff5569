#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include "core/error.h"

namespace clipret::core {

namespace {

// Names tried by create_temporary_file before giving up: only stale files of a dead process with
// the same pid can collide, so more than one retry means something else is wrong.
constexpr int kCreateAttempts = 16;

std::string file_name_of(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

}  // namespace

std::string temporary_path_for(const std::string& final_path) {
  // Process-wide by design (the one exception to "no global mutable state"): the counter only
  // makes names unique between threads and calls; the pid does it between processes.
  static std::atomic<unsigned long long> counter{0};
  const unsigned long long n = counter.fetch_add(1, std::memory_order_relaxed);
  return string_printf("%s.tmp-%ld-%llu", final_path.c_str(), static_cast<long>(::getpid()), n);
}

bool is_temporary_for(const std::string& candidate, const std::string& final_path) {
  return file_name_of(candidate).rfind(file_name_of(final_path) + ".tmp", 0) == 0;
}

void rename_into_place(const std::string& temporary, const std::string& final_path) {
  if (std::rename(temporary.c_str(), final_path.c_str()) == 0) return;
  CLIPRET_THROW(Io, "%s: cannot rename %s into place: %s", final_path.c_str(), temporary.c_str(),
                std::strerror(errno));
}

int create_temporary_file(const std::string& final_path, std::string* temporary, unsigned mode) {
  for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
    const std::string candidate = temporary_path_for(final_path);
    const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd >= 0) {
      *temporary = candidate;
      return fd;
    }
    CLIPRET_CHECK(errno == EEXIST, Io, "%s: cannot create: %s", candidate.c_str(),
                  std::strerror(errno));
  }
  CLIPRET_THROW(Io, "%s: cannot find a free temporary file name", final_path.c_str());
}

AtomicFile::AtomicFile(std::string final_path)
    : final_path_(std::move(final_path)), temporary_(temporary_path_for(final_path_)) {}

AtomicFile::~AtomicFile() {
  remove_temporary();
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : final_path_(std::move(other.final_path_)), temporary_(std::exchange(other.temporary_, {})) {}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this != &other) {
    remove_temporary();
    final_path_ = std::move(other.final_path_);
    temporary_ = std::exchange(other.temporary_, {});
  }
  return *this;
}

void AtomicFile::commit() {
  CLIPRET_CHECK(!temporary_.empty(), Internal, "%s: committed twice", final_path_.c_str());
  rename_into_place(temporary_, final_path_);
  temporary_.clear();
}

void AtomicFile::remove_temporary() noexcept {
  if (temporary_.empty()) return;
  // Best effort: a folder (index_runner copies one) goes with its content; nothing there is fine.
  std::error_code ignored;
  std::filesystem::remove_all(temporary_, ignored);
  temporary_.clear();
}

void write_file_atomically(const std::string& path, std::string_view bytes) {
  AtomicFile file(path);
  {
    std::ofstream out(file.path(), std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    CLIPRET_CHECK(out.good(), Io, "%s: cannot write", file.path().c_str());
  }
  file.commit();
}

}  // namespace clipret::core
