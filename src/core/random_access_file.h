// core/random_access_file.h: positioned reads from a file of known size (Parquet footers, npy).
//
// Memory-backed files make parsers testable and fuzzable without touching disk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace clipret::core {

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  RandomAccessFile(const RandomAccessFile&) = delete;
  RandomAccessFile& operator=(const RandomAccessFile&) = delete;

  // Size in bytes, fixed at open.
  virtual uint64_t size() const = 0;

  // Reads exactly `n` bytes at `offset` into `out` (caller owns, size >= n). Throws
  // Error(kCorrupt) when [offset, offset + n) is not inside the file, Error(kIo) on OS failure.
  // Safe to call from several threads at once.
  virtual void read_at(uint64_t offset, size_t n, void* out) const = 0;

  const std::string& name() const { return name_; }

 protected:
  explicit RandomAccessFile(std::string name) : name_(std::move(name)) {}

 private:
  std::string name_;
};

// Throws Error(kNotFound) if the path does not exist, Error(kIo) if it cannot be opened.
std::unique_ptr<RandomAccessFile> open_random_access_file(const std::string& path);

std::unique_ptr<RandomAccessFile> open_memory_file(std::string name, std::string bytes);

}  // namespace clipret::core
