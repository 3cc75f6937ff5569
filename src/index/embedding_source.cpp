#include "index/embedding_source.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <unordered_set>

#include "core/error.h"
#include "core/npy_reader.h"

namespace clipret::index {

namespace fs = std::filesystem;

EmbeddingSource::EmbeddingSource(EmbeddingSource&&) noexcept = default;
EmbeddingSource& EmbeddingSource::operator=(EmbeddingSource&&) noexcept = default;
EmbeddingSource::~EmbeddingSource() = default;

EmbeddingSource EmbeddingSource::open(const std::string& folder) {
  std::error_code ec;
  CLIPRET_CHECK(fs::is_directory(folder, ec), NotFound, "%s: embeddings folder not found",
                folder.c_str());
  std::vector<std::string> paths;
  for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".npy" && !it->is_directory()) {
      paths.push_back(it->path().string());
    }
  }
  CLIPRET_CHECK(!ec, Io, "%s: cannot list the folder: %s", folder.c_str(), ec.message().c_str());
  std::sort(paths.begin(), paths.end());

  EmbeddingSource source;
  source.folder_ = folder;
  std::string first_path;
  for (const auto& path : paths) {
    auto reader = std::make_unique<core::NpyReader>(core::NpyReader::open(path));
    CLIPRET_CHECK(reader->shape().size() == 2, InvalidInput,
                  "%s: embeddings must be a 2-D array (rows, dimension), got %zu dimension(s)",
                  path.c_str(), reader->shape().size());
    CLIPRET_CHECK(reader->dtype() == core::NpyDtype::kFloat16 ||
                      reader->dtype() == core::NpyDtype::kFloat32 ||
                      reader->dtype() == core::NpyDtype::kFloat64,
                  InvalidInput, "%s: embeddings must be float16, float32 or float64, got %s",
                  path.c_str(), core::npy_dtype_name(reader->dtype()));
    if (reader->rows() == 0) continue;
    const auto dim = static_cast<int64_t>(reader->row_elements());
    CLIPRET_CHECK(dim > 0, InvalidInput, "%s: embeddings of dimension 0", path.c_str());
    if (source.dim_ == 0) {
      source.dim_ = dim;
      first_path = path;
    }
    CLIPRET_CHECK(dim == source.dim_, InvalidInput,
                  "%s: embeddings of dimension %lld, but %s has dimension %lld: all files of a "
                  "folder must have the same dimension",
                  path.c_str(), static_cast<long long>(dim), first_path.c_str(),
                  static_cast<long long>(source.dim_));
    source.starts_.push_back(source.rows_);
    source.rows_ += static_cast<int64_t>(reader->rows());
    source.files_.push_back(std::move(reader));
  }
  source.starts_.push_back(source.rows_);
  CLIPRET_CHECK(source.rows_ > 0, InvalidInput, "No embeddings found in folder %s (no .npy rows)",
                folder.c_str());
  return source;
}

std::vector<std::string> EmbeddingSource::files() const {
  std::vector<std::string> paths;
  for (const auto& f : files_) paths.push_back(f->path());
  return paths;
}

size_t EmbeddingSource::file_of(int64_t row) const {
  const auto it = std::upper_bound(starts_.begin(), starts_.end(), row);
  return static_cast<size_t>(it - starts_.begin()) - 1;
}

void EmbeddingSource::check_finite(const float* rows, int64_t count, int64_t first_row) const {
  const int64_t elements = count * dim_;
  for (int64_t i = 0; i < elements; ++i) {
    if (!std::isfinite(rows[i])) {
      const int64_t row = first_row + i / dim_;
      const size_t f = file_of(row);
      CLIPRET_THROW(InvalidInput, "%s: row %lld holds a non-finite value (%s) at column %lld",
                    files_[f]->path().c_str(), static_cast<long long>(row - starts_[f]),
                    std::isnan(rows[i]) ? "NaN" : "infinity", static_cast<long long>(i % dim_));
    }
  }
}

void EmbeddingSource::read_rows(int64_t begin, int64_t end, float* out) const {
  CLIPRET_CHECK(0 <= begin && begin <= end && end <= rows_, InvalidInput,
                "%s: rows [%lld, %lld) out of range (%lld rows)", folder_.c_str(),
                static_cast<long long>(begin), static_cast<long long>(end),
                static_cast<long long>(rows_));
  // Mapped pages count as resident until released: converting a whole file's range before
  // releasing it would hold up to half the float32 batch again in float16 pages (a 1M-row file
  // of the original's inference is 1.5 GB), so release behind every chunk as it is converted.
  constexpr uint64_t kRowsPerRelease = 16384;
  int64_t row = begin;
  float* dst = out;
  while (row < end) {
    const size_t f = file_of(row);
    const auto local_begin = static_cast<uint64_t>(row - starts_[f]);
    const auto local_end = static_cast<uint64_t>(std::min(end, starts_[f + 1]) - starts_[f]);
    // Released from the previous chunk's start on, so that the page two chunks share goes too.
    uint64_t released_from = local_begin;
    for (uint64_t chunk = local_begin; chunk < local_end; chunk += kRowsPerRelease) {
      const uint64_t chunk_end = std::min(local_end, chunk + kRowsPerRelease);
      files_[f]->read_rows_f32(chunk, chunk_end,
                               dst + static_cast<int64_t>(chunk - local_begin) * dim_);
      files_[f]->release_rows(released_from, chunk_end);
      released_from = chunk;
    }
    const auto count = static_cast<int64_t>(local_end - local_begin);
    dst += count * dim_;
    row += count;
  }
  check_finite(out, end - begin, begin);
}

void EmbeddingSource::read_rows_at(const std::vector<int64_t>& ids, float* out) const {
  // Ids are sorted, so pages behind the current row are not needed again: release them as the
  // reading moves on, which keeps a sample scattered over all files from mapping them whole.
  constexpr size_t kReleaseEvery = 4096;
  size_t current_file = 0;
  uint64_t released_until = 0;  // rows of current_file before this are released
  const auto release_behind = [&](size_t f, uint64_t local_row) {
    if (f != current_file) {
      files_[current_file]->release_rows(released_until, files_[current_file]->rows());
      current_file = f;
      released_until = 0;
    }
    files_[f]->release_rows(released_until, local_row);
    released_until = local_row;
  };
  for (size_t i = 0; i < ids.size(); ++i) {
    const int64_t row = ids[i];
    CLIPRET_CHECK(0 <= row && row < rows_, InvalidInput, "%s: row %lld out of range",
                  folder_.c_str(), static_cast<long long>(row));
    CLIPRET_CHECK(i == 0 || ids[i - 1] <= row, Internal, "read_rows_at: ids must be sorted");
    const size_t f = file_of(row);
    const auto local = static_cast<uint64_t>(row - starts_[f]);
    if (f != current_file || i % kReleaseEvery == 0) release_behind(f, local);
    files_[f]->read_rows_f32(local, local + 1, out + i * dim_);
    check_finite(out + i * dim_, 1, row);
  }
  if (!files_.empty()) release_behind(current_file, files_[current_file]->rows());
}

std::vector<int64_t> EmbeddingSource::sample_ids(int64_t count, uint64_t seed) const {
  std::vector<int64_t> ids;
  if (count >= rows_) {
    ids.resize(static_cast<size_t>(rows_));
    for (int64_t i = 0; i < rows_; ++i) ids[i] = i;
    return ids;
  }
  // Floyd's algorithm: `count` distinct values without materialising all ids.
  std::mt19937_64 rng(seed);
  std::vector<int64_t> chosen;
  chosen.reserve(static_cast<size_t>(count));
  std::unordered_set<int64_t> taken;
  taken.reserve(static_cast<size_t>(count) * 2);
  for (int64_t j = rows_ - count; j < rows_; ++j) {
    std::uniform_int_distribution<int64_t> pick(0, j);
    const int64_t t = pick(rng);
    const int64_t v = taken.count(t) != 0 ? j : t;
    taken.insert(v);
    chosen.push_back(v);
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

}  // namespace clipret::index
