// core/npy_writer.h: writes a .npy file row by row, safely.
//
// Inference appends batches of embeddings to img_emb_N.npy without knowing the final row count.
// NpyWriter writes to a temporary file beside the target, and close() rewrites the header with
// the final shape, flushes and renames it into place, so a crash or an exception never leaves a
// file under the final name that looks complete. Headers are byte-identical to np.save's
// (format_npy_header), whose spare space lets the row count change without moving the data.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/npy_header.h"

namespace clipret::core {

class NpyWriter {
 public:
  // Starts `path` for rows of `row_shape` (the shape without the first axis: {D} for an (N, D)
  // matrix, {} for a 1-d array of N values). Creates a temporary file in the same folder.
  // Throws Error(kIo) when it cannot be created.
  NpyWriter(const std::string& path, NpyDtype dtype, std::vector<uint64_t> row_shape);
  // Without close(): removes the temporary file and leaves `path` untouched.
  ~NpyWriter();
  NpyWriter(NpyWriter&& other) noexcept;
  NpyWriter& operator=(NpyWriter&& other) noexcept;
  NpyWriter(const NpyWriter&) = delete;
  NpyWriter& operator=(const NpyWriter&) = delete;

  // Appends `n_rows` rows from `data` (caller owns; n_rows * row_elements() elements of the
  // writer's dtype, row-major; float16 as raw uint16_t bits). Throws Error(kIo) on write failure
  // and Error(kInvalidInput) after close().
  void append_rows(const void* data, uint64_t n_rows);
  // Same, converting float32 values (n_rows * row_elements() floats) to the writer's float
  // dtype. Throws Error(kInvalidInput) for integer dtypes.
  void append_rows_f32(const float* data, uint64_t n_rows);

  // Writes the final header, flushes to disk and renames into `path` (replacing any file there).
  // Throws Error(kIo) on failure; the temporary file is then removed by the destructor.
  void close();

  uint64_t rows() const;
  uint64_t row_elements() const;
  const std::string& path() const;

 private:
  friend void write_npy(const std::string& path, NpyDtype dtype, const std::vector<uint64_t>& shape,
                        const void* data);
  // `scalar`: a 0-d array of one element (write_npy with an empty shape).
  NpyWriter(const std::string& path, NpyDtype dtype, std::vector<uint64_t> row_shape, bool scalar);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes a whole array in one call (same temporary-file-and-rename path). `data` holds
// product(shape) elements of `dtype`, row-major; a 0-d array (empty shape) holds one element.
void write_npy(const std::string& path, NpyDtype dtype, const std::vector<uint64_t>& shape,
               const void* data);

}  // namespace clipret::core
