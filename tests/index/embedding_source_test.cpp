// The .npy files of a folder as one matrix: order, validation, conversion, sampling.
#include "index/embedding_source.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <set>

#include "core/error.h"
#include "index/index_metrics.h"
#include "index_test_data.h"
#include "test_util.h"

namespace clipret::index {
namespace {

using testing::Embeddings;

std::string error_of(const std::function<void()>& f, ErrorKind* kind = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (kind) *kind = e.kind();
    return e.what();
  }
  return "";
}

// A field of /proc/self/status in kB, -1 when absent.
int64_t status_kb(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) return std::stoll(line.substr(field.size()));
  }
  return -1;
}

TEST(EmbeddingSourceTest, FilesInPathOrderRecursivelyAsOneMatrix) {
  testing::TempDir dir;
  const Embeddings e = testing::clustered_embeddings(100, 8);
  // b/ sorts after a_1.npy; a_10 after a_1 (lexicographic, as embedding-reader).
  testing::write_float16_npy(dir.file("a_1.npy"), e, 0, 30);
  testing::write_float16_npy(dir.file("a_10.npy"), e, 30, 60);
  std::filesystem::create_directories(dir.file("b"));
  testing::write_float16_npy(dir.file("b/x.npy"), e, 60, 100);
  testing::write_file(dir.file("notes.txt"), "not embeddings");
  const auto source = EmbeddingSource::open(dir.path().string());
  EXPECT_EQ(source.rows(), 100);
  EXPECT_EQ(source.dim(), 8);
  ASSERT_EQ(source.files().size(), 3u);
  std::vector<float> rows(100 * 8);
  source.read_rows(25, 65, rows.data());  // crosses two file boundaries
  for (int64_t i = 0; i < 40 * 8; ++i) EXPECT_EQ(rows[i], e.values[25 * 8 + i]);
  const auto ids = source.sample_ids(10, 3);
  std::vector<float> picked(10 * 8);
  source.read_rows_at(ids, picked.data());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(picked[i * 8], e.values[ids[i] * 8]);
}

TEST(EmbeddingSourceTest, SampleIdsAreDistinctSortedAndDeterministic) {
  testing::TempDir dir;
  testing::write_embedding_files(dir.path().string(), testing::clustered_embeddings(1000, 4), 2);
  const auto source = EmbeddingSource::open(dir.path().string());
  const auto ids = source.sample_ids(100, 9);
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()).size(), 100u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(ids, source.sample_ids(100, 9));
  EXPECT_EQ(source.sample_ids(5000, 9).size(), 1000u);
}

TEST(EmbeddingSourceTest, BadInputsAreClearErrors) {
  testing::TempDir dir;
  ErrorKind kind;
  EXPECT_NE(error_of([&] { EmbeddingSource::open(dir.file("missing")); }, &kind).find("not found"),
            std::string::npos);
  EXPECT_EQ(kind, ErrorKind::kNotFound);
  EXPECT_NE(error_of([&] { EmbeddingSource::open(dir.path().string()); }, &kind)
                .find("No embeddings found"),
            std::string::npos);
  EXPECT_EQ(kind, ErrorKind::kInvalidInput);

  const Embeddings e8 = testing::clustered_embeddings(10, 8);
  const Embeddings e4 = testing::clustered_embeddings(10, 4);
  testing::write_float16_npy(dir.file("0.npy"), e8, 0, 10);
  testing::write_float16_npy(dir.file("1.npy"), e4, 0, 10);
  const std::string mixed = error_of([&] { EmbeddingSource::open(dir.path().string()); });
  EXPECT_NE(mixed.find("1.npy: embeddings of dimension 4"), std::string::npos) << mixed;
  EXPECT_NE(mixed.find("0.npy has dimension 8"), std::string::npos) << mixed;

  std::filesystem::remove(dir.file("1.npy"));
  testing::write_file(dir.file("2.npy"), "\x93NUMPY garbage");
  EXPECT_NE(error_of([&] { EmbeddingSource::open(dir.path().string()); }).find("2.npy"),
            std::string::npos);
}

TEST(EmbeddingSourceTest, NonFiniteRowsNameFileAndRow) {
  testing::TempDir dir;
  Embeddings e = testing::clustered_embeddings(20, 4);
  e.values[13 * 4 + 2] = std::numeric_limits<float>::quiet_NaN();
  testing::write_float16_npy(dir.file("a.npy"), e, 0, 10);
  testing::write_float16_npy(dir.file("b.npy"), e, 10, 20);
  const auto source = EmbeddingSource::open(dir.path().string());
  std::vector<float> rows(20 * 4);
  const std::string message = error_of([&] { source.read_rows(0, 20, rows.data()); });
  EXPECT_NE(message.find("b.npy: row 3 holds a non-finite value (NaN) at column 2"),
            std::string::npos)
      << message;
}

TEST(EmbeddingSourceTest, ExactNeighborsMatchBruteForce) {
  testing::TempDir dir;
  const Embeddings e = testing::clustered_embeddings(500, 16);
  testing::write_embedding_files(dir.path().string(), e, 3);
  const auto source = EmbeddingSource::open(dir.path().string());
  const int64_t k = 10;
  // Small batches exercise the merge across batches.
  const auto truth = exact_neighbors(source, e.row(0), 5, k, /*inner_product=*/true, 64);
  for (int64_t q = 0; q < 5; ++q) {
    const auto expected = testing::brute_force_top_k(e, e.row(q), k);
    // Compare as sets: float32 and double may order near-ties differently.
    const std::set<int64_t> got(truth.begin() + q * k, truth.begin() + (q + 1) * k);
    EXPECT_GE(std::count_if(expected.begin(), expected.end(),
                            [&](int64_t id) { return got.count(id) != 0; }),
              9);
  }
  EXPECT_DOUBLE_EQ(recall_at(truth, truth, 5, k, 10), 1.0);
  std::vector<int64_t> half = truth;
  for (int64_t q = 0; q < 5; ++q) {
    for (int64_t j = 0; j < 5; ++j) half[q * k + j] = -1;
  }
  EXPECT_DOUBLE_EQ(recall_at(half, truth, 5, k, 10), 0.5);
  EXPECT_DOUBLE_EQ(recall_at(half, truth, 5, k, 1), 0.0);
}

TEST(EmbeddingSourceTest, ReadingRowsReleasesTheMappedFileAsItGoes) {
  // Mapped float16 pages count as resident memory until released; a batch read whole from one
  // file before releasing would add the file's size to the build's peak (not in its plan).
  testing::TempDir dir;
  constexpr int64_t kRows = 200000;
  constexpr int64_t kDim = 128;  // 51 MB of float16 in one file
  const Embeddings e = testing::clustered_embeddings(kRows, kDim);
  testing::write_float16_npy(dir.file("big.npy"), e, 0, kRows);
  const auto source = EmbeddingSource::open(dir.path().string());
  std::vector<float> rows(static_cast<size_t>(kRows * kDim), 1.0f);  // resident before the reset
  {
    std::ofstream clear_refs("/proc/self/clear_refs");
    clear_refs << "5" << std::flush;  // resets VmHWM to the current resident size (Linux >= 4.0)
    if (!clear_refs) GTEST_SKIP() << "cannot reset the peak: /proc/self/clear_refs not writable";
  }
  const int64_t before_kb = status_kb("VmHWM:");
  ASSERT_GT(before_kb, 0);
  source.read_rows(0, kRows, rows.data());
  const int64_t growth_kb = status_kb("VmHWM:") - before_kb;
  // One 16,384-row chunk is 4 MB of float16 (plus the kernel's fault-around); the file is 51 MB.
  EXPECT_LT(growth_kb, 12 * 1024) << "peak grew by " << growth_kb << " kB while reading";
  EXPECT_TRUE(rows == e.values);  // the values are float16-rounded already
}

}  // namespace
}  // namespace clipret::index
