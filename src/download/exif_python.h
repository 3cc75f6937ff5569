// download/exif_python.h: the Python behaviours the exifread port (exif_locator, exif_values,
// exif_tags) leans on: the exceptions that decide between null and {} in img2dataset's `exif`
// field, and bytes indexing and slicing with Python's bounds rules. Internal to those files.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace clipret::download::exif_python {

// An exception that escapes exifread.process_file: img2dataset stores null.
struct PythonError {};
// Python's IndexError, which one branch of exifread's JPEG walk turns into "no EXIF".
struct IndexError : PythonError {};
// ExifNotFound / InvalidExif, which process_file turns into {}.
struct NoExif {};

// Python's data[index] for a non-negative index; IndexError past the end.
inline uint8_t byte_at(std::string_view data, int64_t index) {
  if (index < 0 || index >= static_cast<int64_t>(data.size())) throw IndexError{};
  return static_cast<uint8_t>(data[static_cast<size_t>(index)]);
}

// Python's data[begin:end] for non-negative bounds.
inline std::string_view slice(std::string_view data, int64_t begin, int64_t end) {
  const auto size = static_cast<int64_t>(data.size());
  begin = std::clamp<int64_t>(begin, 0, size);
  end = std::clamp<int64_t>(end, begin, size);
  return data.substr(static_cast<size_t>(begin), static_cast<size_t>(end - begin));
}

}  // namespace clipret::download::exif_python
