// core/stream.h: sequential byte sources with a name for error messages.
//
// Parsers read through InputStream so the same code handles a local path, a `pipe:CMD` child
// process (webdataset shards from `aws s3 cp ... -`) and bytes in memory (tests, fuzzing).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace clipret::core {

class InputStream {
 public:
  virtual ~InputStream() = default;
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;

  // Reads up to `n` bytes into `buffer` (caller owns, size >= n). Returns the number read; 0 means
  // end of stream. Throws Error(kIo) on a read failure, and for `pipe:` streams Error(kIo) carrying
  // the command's stderr when it exits non-zero.
  virtual size_t read(void* buffer, size_t n) = 0;

  // The path or `pipe:CMD` text this stream was opened from, for messages.
  const std::string& name() const { return name_; }

 protected:
  explicit InputStream(std::string name) : name_(std::move(name)) {}

 private:
  std::string name_;
};

// True when `location` names a command whose stdout is the stream ("pipe:CMD").
bool is_pipe_location(const std::string& location);

// Opens a local path, or runs CMD under /bin/sh for "pipe:CMD". Throws Error(kNotFound) for a
// missing file, Error(kIo) when it cannot be opened or the command cannot be started.
std::unique_ptr<InputStream> open_input_stream(const std::string& location);

// A stream over bytes held in memory; `name` appears in error messages.
std::unique_ptr<InputStream> open_memory_stream(std::string name, std::string bytes);

// Reads the whole stream. Throws Error(kInvalidInput) past `max_bytes` (a guard against
// reading an unexpectedly huge input into memory).
std::string read_all(InputStream& stream, size_t max_bytes = size_t{1} << 32);

}  // namespace clipret::core
