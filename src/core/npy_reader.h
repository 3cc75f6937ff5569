// core/npy_reader.h: read-only, memory-mapped access to a .npy file.
//
// Embedding files are read many times by index building and search; mapping them lets the OS
// page rows in on demand instead of copying whole files. The data is row-major (C order):
// element (r, j) of an (N, D) array is at data() + (r * D + j) * element size.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/npy_header.h"

namespace clipret::core {

class NpyReader {
 public:
  // Maps `path` and validates its header and size. Throws Error(kNotFound) when missing,
  // Error(kIo) when it cannot be opened or mapped, and parse_npy_header's errors; Error(kCorrupt)
  // when the data is shorter than the shape says (extra bytes after it are ignored, as numpy
  // does).
  static NpyReader open(const std::string& path);

  NpyReader(NpyReader&& other) noexcept;
  NpyReader& operator=(NpyReader&& other) noexcept;
  NpyReader(const NpyReader&) = delete;
  NpyReader& operator=(const NpyReader&) = delete;
  ~NpyReader();  // unmaps; pointers from data() and row() die with it

  const std::string& path() const;
  const NpyHeader& header() const;
  NpyDtype dtype() const { return header().dtype; }
  const std::vector<uint64_t>& shape() const { return header().shape; }

  // shape[0], or 1 for a 0-d array.
  uint64_t rows() const;
  // Elements in one row: the product of shape[1:] (1 for 0-d and 1-d arrays).
  uint64_t row_elements() const;
  uint64_t row_bytes() const { return row_elements() * npy_dtype_size(dtype()); }

  // The first element (rows() * row_elements() elements of dtype(), row-major). Aligned to the
  // 64-byte header alignment numpy writes; a file from an old writer may be only 16-aligned.
  const void* data() const;
  // Row `r` (< rows(), else Error(kInvalidInput)).
  const void* row(uint64_t r) const;

  // Converts rows [begin, end) to float32 into `out` (caller owns, (end - begin) *
  // row_elements() floats). float16 and float64 are converted, float32 copied. Throws
  // Error(kInvalidInput) for a bad range and Error(kUnsupported) for integer dtypes.
  void read_rows_f32(uint64_t begin, uint64_t end, float* out) const;

  // Tells the OS that rows [begin, end) will not be needed soon: their pages leave this
  // process's resident set (they stay in the page cache and fault back in if read again). A
  // pass over a file larger than RAM budgets calls it behind itself, so resident memory stays
  // bounded by what it holds, not by what it has read.
  void release_rows(uint64_t begin, uint64_t end) const;

 private:
  struct Impl;
  explicit NpyReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The name the project brief uses for the same type.
using NpyArray = NpyReader;

}  // namespace clipret::core
