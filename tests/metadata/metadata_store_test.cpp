// Both stores against the values the fixture wrote: every row, filtered columns, odd ids.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "metadata/metadata_store.h"
#include "metadata_fixture.h"
#include "parquet/parquet_writer.h"
#include "test_util.h"

namespace clipret::metadata {
namespace {

using testing::describe;
using testing::fixture_row;

const std::vector<int64_t> kRowsPerFile = {120, 70, 90};

class MetadataStoreTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { num_rows_ = testing::write_fixture_metadata(dir_.path(), kRowsPerFile); }
  OpenedMetadata open(std::vector<std::string> columns_to_return) {
    MetadataOptions options;
    options.indice_folder = dir_.path().string();
    options.columns_to_return = std::move(columns_to_return);
    options.enable_hdf5 = GetParam();
    return open_metadata(options, nullptr);
  }

  clipret::testing::TempDir dir_;
  int64_t num_rows_ = 0;
};

TEST_P(MetadataStoreTest, EveryRowOfEveryColumnAsWritten) {
  const std::vector<std::string> all = testing::all_fixture_columns();
  const OpenedMetadata opened = open(all);
  ASSERT_NE(opened.store, nullptr);
  EXPECT_EQ(opened.mapping, nullptr);
  EXPECT_EQ(opened.store->num_rows(), num_rows_);
  EXPECT_EQ(opened.store->columns(), all);
  std::vector<int64_t> ids(static_cast<size_t>(num_rows_));
  for (int64_t i = 0; i < num_rows_; ++i) ids[static_cast<size_t>(i)] = i;
  const auto rows = opened.store->get(ids);
  ASSERT_EQ(rows.size(), ids.size());
  for (int64_t id : ids) {
    const auto expected = fixture_row(id, all, kRowsPerFile);
    EXPECT_EQ(rows[static_cast<size_t>(id)], expected)
        << "id " << id << ": " << describe(rows[static_cast<size_t>(id)]) << " vs "
        << describe(expected);
  }
}

TEST_P(MetadataStoreTest, DefaultColumnsAreThoseOfTheOriginalInSchemaOrder) {
  const OpenedMetadata opened = open({});
  EXPECT_EQ(opened.store->columns(),
            (std::vector<std::string>{"image_path", "caption", "url", "NSFW"}));
}

TEST_P(MetadataStoreTest, ColumnsToReturnKeepSchemaOrderAndSkipAbsentOnes) {
  const OpenedMetadata opened = open({"width", "no_such_column", "caption", "extra"});
  const std::vector<std::string> served = {"caption", "width", "extra"};
  EXPECT_EQ(opened.store->columns(), served);
  const std::vector<int64_t> ids = {0, 130, 279, 120, 189, 190};
  const auto rows = opened.store->get(ids);
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(rows[i], fixture_row(ids[i], served, kRowsPerFile)) << "id " << ids[i];
  }
}

TEST_P(MetadataStoreTest, NoServedColumnGivesEmptyRows) {
  const OpenedMetadata opened = open({"no_such_column"});
  EXPECT_TRUE(opened.store->columns().empty());
  const std::vector<int64_t> ids = {3, -1, 280};
  const auto rows = opened.store->get(ids);
  ASSERT_TRUE(rows[0].has_value());
  EXPECT_TRUE(rows[0]->fields.empty());
  EXPECT_FALSE(rows[1].has_value());
  EXPECT_FALSE(rows[2].has_value());
}

TEST_P(MetadataStoreTest, OutOfRangeIdsAreNulloptInRequestOrder) {
  const std::vector<std::string> columns = {"image_path", "similarity"};
  const OpenedMetadata opened = open(columns);
  const std::vector<int64_t> ids = {5, -1, num_rows_, 5, num_rows_ - 1, INT64_MIN, INT64_MAX, 0};
  const auto rows = opened.store->get(ids);
  ASSERT_EQ(rows.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || ids[i] >= num_rows_) {
      EXPECT_FALSE(rows[i].has_value()) << "id " << ids[i];
    } else {
      EXPECT_EQ(rows[i], fixture_row(ids[i], columns, kRowsPerFile)) << "id " << ids[i];
    }
  }
  EXPECT_TRUE(opened.store->get({}).empty());
}

TEST_P(MetadataStoreTest, RandomIdsWithRepeatsAndRuns) {
  const std::vector<std::string> all = testing::all_fixture_columns();
  const OpenedMetadata opened = open(all);
  std::mt19937_64 rng(7);
  std::vector<int64_t> ids;
  for (int i = 0; i < 500; ++i) ids.push_back(static_cast<int64_t>(rng() % (num_rows_ + 3)) - 1);
  for (int64_t i = 2; i < 25; ++i) ids.push_back(i);  // a run, read by a range scan on disk
  std::shuffle(ids.begin(), ids.end(), rng);
  const auto rows = opened.store->get(ids);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || ids[i] >= num_rows_) {
      EXPECT_FALSE(rows[i].has_value());
    } else {
      EXPECT_EQ(rows[i], fixture_row(ids[i], all, kRowsPerFile)) << "id " << ids[i];
    }
  }
}

TEST_P(MetadataStoreTest, SparseIdsInManyBatches) {
  const std::vector<std::string> columns = {"caption", "is_ok", "raw"};
  const OpenedMetadata opened = open(columns);
  std::vector<int64_t> ids;  // far apart: looked up by batches of ids, the last one partial
  for (int64_t id = num_rows_ - 1; id >= 0; id -= 7) ids.push_back(id);
  for (int64_t id = 0; id < num_rows_; id += 9) ids.push_back(id);
  const auto rows = opened.store->get(ids);
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(rows[i], fixture_row(ids[i], columns, kRowsPerFile)) << "id " << ids[i];
  }
}

TEST_P(MetadataStoreTest, ForEachRowVisitsFoundIdsInRequestOrder) {
  const std::vector<std::string> columns = {"caption", "width", "score", "is_ok"};
  const OpenedMetadata opened = open(columns);
  std::vector<int64_t> ids = {num_rows_ - 1, -5, 3, 3, num_rows_, 0};
  for (int64_t id = 100; id < 140; ++id) ids.push_back(id);  // a range scan on disk
  std::vector<size_t> visited;
  opened.store->for_each_row(ids, [&](size_t index, std::span<const MetadataCell> cells) {
    visited.push_back(index);
    const MetadataRow expected = fixture_row(ids[index], columns, kRowsPerFile);
    ASSERT_EQ(cells.size(), columns.size());
    for (size_t c = 0; c < cells.size(); ++c) {
      const MetadataValue& want = expected.fields[c].second;
      if (const auto* s = std::get_if<std::string>(&want)) {
        ASSERT_TRUE(std::holds_alternative<std::string_view>(cells[c])) << "index " << index;
        EXPECT_EQ(std::get<std::string_view>(cells[c]), *s);
      } else if (std::holds_alternative<std::monostate>(want)) {
        EXPECT_TRUE(std::holds_alternative<std::monostate>(cells[c])) << "index " << index;
      } else if (const auto* i = std::get_if<int64_t>(&want)) {
        EXPECT_EQ(std::get<int64_t>(cells[c]), *i);
      } else if (const auto* d = std::get_if<double>(&want)) {
        EXPECT_EQ(std::get<double>(cells[c]), *d);
      } else {
        EXPECT_EQ(std::get<bool>(cells[c]), std::get<bool>(want));
      }
    }
  });
  std::vector<size_t> expected = {0, 2, 3, 5};
  for (size_t i = 6; i < ids.size(); ++i) expected.push_back(i);
  EXPECT_EQ(visited, expected);
}

TEST_P(MetadataStoreTest, ConcurrentGetsFromManyThreads) {
  const std::vector<std::string> all = testing::all_fixture_columns();
  const OpenedMetadata opened = open(all);
  constexpr int kThreads = 8;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<uint64_t>(t));
      for (int round = 0; round < 40; ++round) {
        std::vector<int64_t> ids;
        const int64_t start = static_cast<int64_t>(rng() % static_cast<uint64_t>(num_rows_));
        for (int i = 0; i < 30; ++i)
          ids.push_back(static_cast<int64_t>(rng() % static_cast<uint64_t>(num_rows_)));
        for (int64_t i = start; i < std::min(num_rows_, start + 20); ++i) ids.push_back(i);
        const auto rows = opened.store->get(ids);
        for (size_t i = 0; i < ids.size(); ++i) {
          if (rows[i] != fixture_row(ids[i], all, kRowsPerFile))
            ++mismatches[static_cast<size_t>(t)];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(mismatches[static_cast<size_t>(t)], 0) << "thread " << t;
}

TEST_P(MetadataStoreTest, AnEmptyFileAddsNoRows) {
  parquet::Table empty({{"image_path", parquet::string_type(), false}});
  // Sorted between metadata_0 and metadata_1: ids continue across it.
  parquet::write_parquet_file(dir_.file("metadata/metadata_0_empty.parquet"), empty);
  const std::vector<std::string> columns = {"image_path", "caption"};
  const OpenedMetadata opened = open(columns);
  EXPECT_EQ(opened.store->num_rows(), num_rows_);
  const std::vector<int64_t> ids = {119, 120, 121};
  const auto rows = opened.store->get(ids);
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(rows[i], fixture_row(ids[i], columns, kRowsPerFile)) << "id " << ids[i];
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, MetadataStoreTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("Sqlite") : std::string("InMemory");
                         });

}  // namespace
}  // namespace clipret::metadata
