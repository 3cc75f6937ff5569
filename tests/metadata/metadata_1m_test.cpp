// Issue 7's acceptance check: over a 1M-row metadata set the on-disk store answers every id
// exactly like the in-memory store (and like the values written), while the process's resident
// memory grows little. Integration: builds a ~150 MB SQLite file.
#include <gtest/gtest.h>

#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "metadata/metadata_store.h"
#include "parquet/parquet_writer.h"
#include "test_util.h"

namespace clipret::metadata {
namespace {

constexpr int64_t kRows = 1'000'000;
constexpr int kFiles = 4;
constexpr size_t kChunk = 100'000;
// Generous: the store itself holds a connection with a 1 MiB page cache; the rest is allocator
// slack. The in-memory store of the same data takes ~150 MiB.
constexpr double kMaxRssGrowthMiB = 64.0;

double rss_mib() {
  malloc_trim(0);
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0.0;
}

MetadataRow expected_row(int64_t id) {
  MetadataRow row;
  row.fields.emplace_back("image_path", "/data/images/" + std::to_string(id / 10000) + "/" +
                                            std::to_string(id) + ".jpg");
  // Every 1000th caption is null.
  row.fields.emplace_back("caption", std::monostate{});
  if (id % 1000 != 0) {
    row.fields.back().second =
        "a photo of item " + std::to_string(id * 31 % 9973) + (id % 3 == 0 ? " 🐈 café" : "");
  }
  row.fields.emplace_back("url", "https://images.example.com/" +
                                     std::to_string(id * 7919 % 100003) + "/" + std::to_string(id) +
                                     ".jpg");
  return row;
}

void write_metadata(const std::string& folder) {
  namespace pq = clipret::parquet;
  for (int f = 0; f < kFiles; ++f) {
    pq::Table table({{"image_path", pq::string_type(), false},
                     {"caption", pq::string_type(), true},
                     {"url", pq::string_type(), false}});
    for (int64_t id = f * kRows / kFiles; id < (f + 1) * kRows / kFiles; ++id) {
      const MetadataRow row = expected_row(id);
      for (size_t c = 0; c < 3; ++c) {
        const auto* text = std::get_if<std::string>(&row.fields[c].second);
        if (text == nullptr) {
          table.column(c).append_null();
        } else {
          table.column(c).append_bytes(*text);
        }
      }
    }
    char name[64];
    std::snprintf(name, sizeof(name), "/metadata/metadata_%d.parquet", f);
    pq::write_parquet_file(folder + name, table);
  }
}

TEST(Metadata1M, SqliteAnswersLikeInMemoryWithLowRss) {
  clipret::testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "metadata");
  write_metadata(dir.path().string());
  MetadataOptions options;
  options.indice_folder = dir.path().string();
  options.columns_to_return = {"url", "caption", "image_path"};

  std::vector<int64_t> ids(kRows);
  std::iota(ids.begin(), ids.end(), 0);
  std::shuffle(ids.begin(), ids.end(), std::mt19937_64(1));

  const double rss_before = rss_mib();
  options.enable_hdf5 = true;
  const OpenedMetadata on_disk = open_metadata(options, nullptr);
  ASSERT_EQ(on_disk.store->num_rows(), kRows);
  const double rss_opened = rss_mib();
  size_t mismatches = 0;
  for (size_t begin = 0; begin < ids.size(); begin += kChunk) {
    const std::span<const int64_t> chunk(ids.data() + begin, std::min(kChunk, ids.size() - begin));
    const auto rows = on_disk.store->get(chunk);
    for (size_t i = 0; i < chunk.size(); ++i) {
      if (!rows[i] || *rows[i] != expected_row(chunk[i])) ++mismatches;
    }
  }
  const double rss_served = rss_mib();
  EXPECT_EQ(mismatches, 0u);
  std::printf(
      "SQLite store, 1M rows: RSS %+.1f MiB after build and open, %+.1f MiB after "
      "answering 1M ids\n",
      rss_opened - rss_before, rss_served - rss_before);
  ::testing::Test::RecordProperty("sqlite_rss_growth_mib", std::to_string(rss_served - rss_before));
  EXPECT_LT(rss_served - rss_before, kMaxRssGrowthMiB);

  options.enable_hdf5 = false;
  const OpenedMetadata in_memory = open_metadata(options, nullptr);
  std::printf("in-memory store, 1M rows: RSS %+.1f MiB\n", rss_mib() - rss_served);
  ASSERT_EQ(in_memory.store->columns(), on_disk.store->columns());
  mismatches = 0;
  for (size_t begin = 0; begin < ids.size(); begin += kChunk) {
    const std::span<const int64_t> chunk(ids.data() + begin, std::min(kChunk, ids.size() - begin));
    const auto from_disk = on_disk.store->get(chunk);
    const auto from_memory = in_memory.store->get(chunk);
    for (size_t i = 0; i < chunk.size(); ++i) mismatches += from_disk[i] != from_memory[i];
  }
  EXPECT_EQ(mismatches, 0u);
}

}  // namespace
}  // namespace clipret::metadata
