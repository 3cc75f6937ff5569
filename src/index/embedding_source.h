// index/embedding_source.h: all .npy embedding files of a folder as one (rows x dim) matrix.
//
// Files are found recursively and ordered by full path (as embedding-reader does), so a global
// row id is the position in the concatenation: the id the index stores and the back looks up
// in the metadata. Files are memory-mapped; rows are converted to float32 (float16 as inference
// writes them) batch by batch, checked to be finite, and their pages released behind the
// reader, so a pass over all data holds one batch in memory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace clipret::core {
class NpyReader;
}

namespace clipret::index {

class EmbeddingSource {
 public:
  // Opens every .npy under `folder` and validates their headers before anything is read:
  // Error(kNotFound) for a missing folder, Error(kInvalidInput) when there are no rows ("No
  // embeddings found in folder"), when a file is not 2-D or its dimension differs from the
  // first file's (naming both), and the reader's errors (unreadable, truncated, bad dtype)
  // naming the file. Empty files (0 rows) are skipped.
  static EmbeddingSource open(const std::string& folder);

  EmbeddingSource(EmbeddingSource&&) noexcept;
  EmbeddingSource& operator=(EmbeddingSource&&) noexcept;
  ~EmbeddingSource();

  int64_t rows() const { return rows_; }
  int64_t dim() const { return dim_; }
  const std::string& folder() const { return folder_; }
  // Paths of the non-empty files, in id order.
  std::vector<std::string> files() const;

  // Converts global rows [begin, end) to float32 into `out` (caller owns, (end - begin) * dim()
  // floats) and releases their pages. Throws Error(kInvalidInput) naming the file and row of a
  // NaN or infinite value.
  void read_rows(int64_t begin, int64_t end, float* out) const;

  // Rows at the given global ids (sorted ascending), into `out` (ids.size() * dim() floats).
  void read_rows_at(const std::vector<int64_t>& ids, float* out) const;

  // `count` distinct row ids drawn uniformly with a fixed seed, sorted (all rows when count
  // >= rows()).
  std::vector<int64_t> sample_ids(int64_t count, uint64_t seed) const;

 private:
  EmbeddingSource() = default;
  size_t file_of(int64_t row) const;
  void check_finite(const float* rows, int64_t count, int64_t first_row) const;

  std::string folder_;
  std::vector<std::unique_ptr<core::NpyReader>> files_;
  std::vector<int64_t> starts_;  // global id of each file's first row; starts_.back() = rows_
  int64_t rows_ = 0;
  int64_t dim_ = 0;
};

}  // namespace clipret::index
