// download/tar_writer.h: a USTAR archive written as a stream, as webdataset's TarWriter (Python's
// tarfile) writes img2dataset's shards: regular files only, uid/gid 0, one mode and user/group
// name for every member, the end marker padded to tarfile's 10240-byte record.
//
// The archive goes to a temporary file beside its final path and close() renames it into place,
// so a shard is either whole or absent; without close(), the destructor removes the temporary.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace clipret::download {

struct TarMemberOptions {
  unsigned mode = 0444;
  std::string user = "bigdata";  // uname and gname
  int64_t mtime = 0;             // unix seconds
};

class TarWriter {
 public:
  // Creates the temporary file. Throws Error(kIo).
  explicit TarWriter(std::string final_path);
  ~TarWriter();
  TarWriter(const TarWriter&) = delete;
  TarWriter& operator=(const TarWriter&) = delete;

  // Appends one regular file. Throws Error(kInvalidInput) for a name that USTAR cannot hold
  // (over 100 bytes: shard keys never are) or a file of 8 GiB or more, Error(kIo) on write errors.
  void add(std::string_view name, std::string_view data, const TarMemberOptions& options);

  // Writes the end of the archive and renames it to the final path. Throws Error(kIo).
  void close();

  const std::string& final_path() const { return final_path_; }

 private:
  void write_bytes(const void* data, size_t size);

  struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };

  std::string final_path_;
  std::string temporary_;  // empty once renamed
  std::unique_ptr<std::FILE, FileCloser> file_;
};

}  // namespace clipret::download
