// inference/encoded_rows.h: what `encode` produces (one row per input) and its two renderings,
// a .npy file or JSON lines on a caller-given stream.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "core/npy_header.h"

namespace clipret::inference {

// A row-major array whose first axis is the inputs, in the order given: n×embed_dim float32
// embeddings, n×context_length int64 token ids, or n×3×S×S float32 pixels.
struct EncodedRows {
  core::NpyDtype dtype = core::NpyDtype::kFloat32;  // kFloat32 (in `floats`) or kInt64 (`ints`)
  std::vector<uint64_t> shape;                      // {n, ...}; product = element count
  std::vector<float> floats;
  std::vector<int64_t> ints;

  uint64_t rows() const { return shape.empty() ? 0 : shape[0]; }
  // Elements per row: the product of shape[1:].
  uint64_t row_elements() const;
};

// Writes one JSON array per row to `out`, one line each, nested as the row's shape (a pixel row
// is [[[...]]] of 3×S×S). Floats are printed with %.9g, which round-trips float32 exactly;
// non-finite values (not JSON) become null. Throws Error(kIo) when the stream fails.
void write_json_lines(const EncodedRows& rows, std::ostream& out);

// Writes `rows` as a .npy file at `path` (atomically, via core::write_npy). Throws Error(kIo).
void write_npy_file(const EncodedRows& rows, const std::string& path);

}  // namespace clipret::inference
