// reorder_metadata_by_ivf_index against the inverted lists of a small IVF index built here.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <faiss/IVFlib.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/VectorTransform.h>
#include <faiss/index_factory.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/compute_threads.h"
#include "core/error.h"
#include "metadata/ivf_id_mapping.h"
#include "metadata/metadata_store.h"
#include "metadata_fixture.h"
#include "test_util.h"

namespace clipret::metadata {
namespace {

namespace fs = std::filesystem;

constexpr int kDim = 8;
const std::vector<int64_t> kRowsPerFile = {200, 150, 150};
constexpr int64_t kRows = 500;

std::unique_ptr<faiss::Index> make_index(const char* key, int64_t n, uint64_t seed) {
  // Tiny problems: OpenMP threads only contend with OpenBLAS's on a shared machine.
  core::configure_compute_threads({.openmp = 1});
  std::unique_ptr<faiss::Index> index(faiss::index_factory(kDim, key));
  if (auto* pre = dynamic_cast<faiss::IndexPreTransform*>(index.get())) {
    // OPQ's default 50 iterations take ~25 s under ASan; a few give the same kind of index.
    if (auto* opq = dynamic_cast<faiss::OPQMatrix*>(pre->chain.front())) {
      opq->niter = 4;
      opq->niter_pq = 2;
    }
  }
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> vectors(static_cast<size_t>(n) * kDim);
  for (float& v : vectors) v = normal(rng);
  index->train(n, vectors.data());
  index->add(n, vectors.data());
  return index;
}

// The mapping as spec §3.8 defines it, straight from the lists.
std::vector<int64_t> expected_mapping(const faiss::Index& index) {
  const faiss::IndexIVF* ivf = faiss::ivflib::extract_index_ivf(&index);
  std::vector<int64_t> mapping(static_cast<size_t>(index.ntotal), -1);
  int64_t position = 0;
  for (size_t list = 0; list < ivf->nlist; ++list) {
    const size_t n = ivf->invlists->list_size(list);
    const faiss::Index::idx_t* ids = ivf->invlists->get_ids(list);
    for (size_t j = 0; j < n; ++j) mapping[static_cast<size_t>(ids[j])] = position++;
    ivf->invlists->release_ids(list, ids);
  }
  return mapping;
}

int64_t mtime_ns(const std::string& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mtim.tv_sec * 1000000000LL + info.st_mtim.tv_nsec;
}

class IvfReorderTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::write_fixture_metadata(dir_.path(), kRowsPerFile, 64); }
  OpenedMetadata open(const faiss::Index* index, std::vector<std::string> columns = {}) {
    MetadataOptions options;
    options.indice_folder = dir_.path().string();
    options.columns_to_return = std::move(columns);
    options.enable_hdf5 = enable_hdf5_;
    options.reorder_metadata_by_ivf_index = true;
    return open_metadata(options, index);
  }
  void expect_error(const faiss::Index* index, ErrorKind kind, const std::string& needle) {
    try {
      open(index);
      FAIL() << "expected an error";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), kind) << error.what();
      EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
    }
  }
  std::string mapping_path() const { return dir_.file("ivf_old_to_new_mapping.npy"); }

  clipret::testing::TempDir dir_;
  bool enable_hdf5_ = true;
};

// Every original row is served under its new id, and the mapping file holds the raw ids.
void expect_reordered(const OpenedMetadata& opened, const faiss::Index& index,
                      const std::string& mapping_path) {
  const std::vector<int64_t> expected = expected_mapping(index);
  ASSERT_NE(opened.mapping, nullptr);
  ASSERT_EQ(opened.mapping->size(), kRows);
  for (int64_t old_id = 0; old_id < kRows; ++old_id) {
    ASSERT_EQ(opened.mapping->map(old_id), expected[static_cast<size_t>(old_id)]) << old_id;
  }
  EXPECT_EQ(opened.mapping->map(-1), -1);
  EXPECT_EQ(opened.mapping->map(kRows), -1);
  // Byte-compatible with the original's np.memmap(dtype="int64"): no header, little-endian.
  const std::string bytes = clipret::testing::read_file(mapping_path);
  ASSERT_EQ(bytes.size(), expected.size() * sizeof(int64_t));
  EXPECT_EQ(std::memcmp(bytes.data(), expected.data(), bytes.size()), 0);

  const std::vector<std::string> all = testing::all_fixture_columns();
  std::vector<int64_t> new_ids;
  for (int64_t old_id = 0; old_id < kRows; ++old_id) new_ids.push_back(opened.mapping->map(old_id));
  const auto rows = opened.store->get(new_ids);
  for (int64_t old_id = 0; old_id < kRows; ++old_id) {
    EXPECT_EQ(rows[static_cast<size_t>(old_id)], testing::fixture_row(old_id, all, kRowsPerFile))
        << "old id " << old_id;
  }
  // New ids in order: contiguous runs, as one query's results are.
  std::vector<int64_t> in_order(kRows);
  for (int64_t i = 0; i < kRows; ++i) in_order[static_cast<size_t>(i)] = i;
  const auto ordered = opened.store->get(in_order);
  for (int64_t old_id = 0; old_id < kRows; ++old_id) {
    const int64_t new_id = expected[static_cast<size_t>(old_id)];
    EXPECT_EQ(ordered[static_cast<size_t>(new_id)],
              testing::fixture_row(old_id, all, kRowsPerFile));
  }
}

TEST_F(IvfReorderTest, RowsServedUnderTheirIvfOrderIds) {
  const auto index = make_index("IVF8,Flat", kRows, 1);
  const OpenedMetadata opened = open(index.get(), testing::all_fixture_columns());
  expect_reordered(opened, *index, mapping_path());
  EXPECT_TRUE(fs::exists(dir_.file("metadata_reordered.sqlite")));
}

TEST_F(IvfReorderTest, WorksThroughAnOpqPreTransform) {
  const auto index = make_index("OPQ4,IVF8,Flat", kRows, 2);
  const OpenedMetadata opened = open(index.get(), testing::all_fixture_columns());
  expect_reordered(opened, *index, mapping_path());
}

TEST_F(IvfReorderTest, FilesReusedThenRebuiltForAnotherIndex) {
  const auto first = make_index("IVF8,Flat", kRows, 3);
  open(first.get());
  const int64_t mapping_time = mtime_ns(mapping_path());
  const std::string db = dir_.file("metadata_reordered.sqlite");
  const int64_t db_time = mtime_ns(db);
  open(first.get());
  EXPECT_EQ(mtime_ns(mapping_path()), mapping_time);
  EXPECT_EQ(mtime_ns(db), db_time);
  // Same size, other lists: the spot check notices and both files are rebuilt.
  const auto second = make_index("IVF8,Flat", kRows, 4);
  ASSERT_NE(expected_mapping(*first), expected_mapping(*second));
  const OpenedMetadata opened = open(second.get(), testing::all_fixture_columns());
  expect_reordered(opened, *second, mapping_path());
  EXPECT_NE(mtime_ns(db), db_time);
}

TEST_F(IvfReorderTest, AMappingWrittenByTheOriginalIsUsedAsIs) {
  const auto index = make_index("IVF8,Flat", kRows, 8);
  const std::vector<int64_t> expected = expected_mapping(*index);
  // What the original's np.memmap(path, dtype="int64", mode="w+") leaves: raw ids, no header.
  clipret::testing::write_file(mapping_path(),
                               std::string(reinterpret_cast<const char*>(expected.data()),
                                           expected.size() * sizeof(int64_t)));
  const int64_t written = mtime_ns(mapping_path());
  const OpenedMetadata opened = open(index.get(), testing::all_fixture_columns());
  EXPECT_EQ(mtime_ns(mapping_path()), written);
  expect_reordered(opened, *index, mapping_path());
}

TEST_F(IvfReorderTest, ATruncatedMappingIsRebuilt) {
  const auto index = make_index("IVF8,Flat", kRows, 9);
  clipret::testing::write_file(mapping_path(), std::string(13, '\0'));
  const OpenedMetadata opened = open(index.get(), testing::all_fixture_columns());
  expect_reordered(opened, *index, mapping_path());
}

TEST_F(IvfReorderTest, FlatAndHnswIndicesCannotBeReordered) {
  expect_error(make_index("Flat", kRows, 5).get(), ErrorKind::kUnsupported, "IVF");
  expect_error(make_index("HNSW8", kRows, 6).get(), ErrorKind::kUnsupported, "IVF");
  EXPECT_FALSE(fs::exists(mapping_path()));
}

TEST_F(IvfReorderTest, MissingImageIndex) {
  expect_error(nullptr, ErrorKind::kInvalidInput, "image index");
}

TEST_F(IvfReorderTest, IndexSizeMustMatchTheMetadata) {
  expect_error(make_index("IVF8,Flat", kRows - 100, 7).get(), ErrorKind::kInvalidInput, "400");
}

TEST_F(IvfReorderTest, IgnoredWithoutEnableHdf5AsInTheOriginal) {
  enable_hdf5_ = false;
  const auto index = make_index("IVF8,Flat", kRows, 10);
  const std::vector<std::string> columns = {"image_path"};
  const OpenedMetadata opened = open(index.get(), columns);
  EXPECT_EQ(opened.mapping, nullptr);
  EXPECT_FALSE(fs::exists(mapping_path()));
  const std::vector<int64_t> ids = {0, 499};
  const auto rows = opened.store->get(ids);
  EXPECT_EQ(rows[1], testing::fixture_row(499, columns, kRowsPerFile));
}

}  // namespace
}  // namespace clipret::metadata
