// model/zip_archive.h: the entries of a zip file (torch.save's checkpoint container), read
// through Debian's minizip with its 64-bit API so zip64 archives over 4 GiB work.
//
// Large entries are meant to be read in place: for an entry stored without compression (method
// 0, as torch.save writes tensor storages) open() records where its bytes start in the file, so
// callers pread them (core/random_access_file.h) instead of loading the archive. Small entries
// (a pickle, possibly deflated) are read whole with read_entry(). Every offset and size the
// archive claims is checked against the file; a truncated or corrupt zip is Error(kCorrupt)
// naming the file, never a crash.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace clipret::model {

struct ZipEntry {
  std::string name;     // path inside the archive, '/'-separated
  uint16_t method = 0;  // 0 stored, 8 deflated, ...
  uint64_t compressed_size = 0;
  uint64_t size = 0;  // uncompressed bytes
  // For a stored entry, the file offset of its first data byte ([data_offset, data_offset +
  // size) lies inside the file); 0 for compressed entries.
  uint64_t data_offset = 0;
  bool stored() const { return method == 0; }
};

class ZipArchive {
 public:
  // Opens `path` and lists its entries. Throws Error(kNotFound) when missing, Error(kCorrupt)
  // when it is not a zip (no end-of-central-directory record: garbage or truncated), for an
  // encrypted or duplicate entry, or when a stored entry's bytes lie outside the file.
  static ZipArchive open(const std::string& path);

  ZipArchive(ZipArchive&& other) noexcept;
  ZipArchive& operator=(ZipArchive&& other) noexcept;
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;
  ~ZipArchive();  // closes the archive

  const std::string& path() const;
  uint64_t file_size() const;
  // In central-directory order.
  const std::vector<ZipEntry>& entries() const;
  // Null when absent.
  const ZipEntry* find(const std::string& name) const;

  // Reads entry `name` whole (inflating it if needed) and checks its CRC. Throws
  // Error(kNotFound) when absent, Error(kCorrupt) when it is larger than `max_bytes`, does not
  // inflate, is shorter than the directory says or fails its CRC. Not thread-safe: minizip keeps
  // one read cursor per archive.
  std::string read_entry(const std::string& name, uint64_t max_bytes);

 private:
  struct Impl;
  explicit ZipArchive(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace clipret::model
