// download/image_spill.h: the parquet output format's images, appended to a temporary file as
// they complete and read back in key order when the shard closes: completion order is not key
// order, and a shard's images held in memory would cost gigabytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace clipret::download {

class ImageSpill {
 public:
  // Creates a temporary file beside `final_path` (core::create_temporary_file, so sweeps of
  // `final_path`'s temporaries also find it). Throws Error(kIo).
  explicit ImageSpill(const std::string& final_path);
  // Removes the file.
  ~ImageSpill();
  ImageSpill(const ImageSpill&) = delete;
  ImageSpill& operator=(const ImageSpill&) = delete;

  // Appends `bytes`; returns their offset. Throws Error(kIo).
  uint64_t append(std::string_view bytes);
  // The `size` bytes at `offset`, which append returned. Throws Error(kIo).
  std::string read(uint64_t offset, size_t size) const;

 private:
  int fd_ = -1;       // appends
  int read_fd_ = -1;  // reads back
  std::string path_;
  uint64_t size_ = 0;
};

}  // namespace clipret::download
