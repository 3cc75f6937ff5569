// Metadata stores (spec §3.8) on a 1M-row url/caption/image_path/NSFW set: get() of 1M ids from
// the in-memory store, the SQLite store, and the SQLite store reordered by a permutation (as by
// the IVF lists), with contiguous new ids as one query's results are; plus small requests.
// Each with get() (owning rows) and for_each_row (cells lent in request order). Issue 7's target:
// 1M ids of metadata in ≤ 1 s. Build times and resident memory are printed.
//
//   cmake -B build -DCLIPRET_BUILD_BENCH=ON && cmake --build build --target metadata_bench
//   build/bench/metadata_bench
#include <benchmark/benchmark.h>

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "bench_main.h"
#include "core/process_memory.h"
#include "metadata/in_memory_store.h"
#include "metadata/metadata_source.h"
#include "metadata/metadata_store.h"
#include "metadata/sqlite_layout.h"
#include "metadata/sqlite_store.h"
#include "parquet/parquet_writer.h"

namespace {

namespace md = clipret::metadata;
namespace fs = std::filesystem;

constexpr int64_t kRows = 1'000'000;
constexpr int kFiles = 4;

double rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0.0;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void write_metadata(const fs::path& folder) {
  namespace pq = clipret::parquet;
  fs::create_directories(folder / "metadata");
  std::mt19937_64 rng(42);
  const char* const words[] = {"a",     "photo", "of",       "the",   "cat",   "dog",
                               "on",    "red",   "blue",     "beach", "house", "with",
                               "small", "large", "mountain", "city"};
  for (int f = 0; f < kFiles; ++f) {
    pq::Table table({{"image_path", pq::string_type(), true},
                     {"caption", pq::string_type(), true},
                     {"NSFW", pq::string_type(), true},
                     {"url", pq::string_type(), true}});
    for (int64_t i = f * kRows / kFiles; i < (f + 1) * kRows / kFiles; ++i) {
      table.column(0).append_bytes("/data/images/" + std::to_string(i / 10000) + "/" +
                                   std::to_string(i) + ".jpg");
      std::string caption;
      const size_t n = 4 + rng() % 12;
      for (size_t w = 0; w < n; ++w) caption.append(words[rng() % 16]).push_back(' ');
      table.column(1).append_bytes(caption);
      table.column(2).append_bytes(rng() % 10 == 0 ? "NSFW" : "UNLIKELY");
      table.column(3).append_bytes("https://images.example.com/" + std::to_string(rng() % 100000) +
                                   "/" + std::to_string(i) + ".jpg");
    }
    pq::write_parquet_file(
        (folder / "metadata" / ("metadata_" + std::to_string(f) + ".parquet")).string(), table);
  }
}

// A random permutation standing in for the IVF mapping: the store's work is the same.
class PermutationMapping final : public md::IdMapping {
 public:
  explicit PermutationMapping(int64_t n) : new_ids_(static_cast<size_t>(n)) {
    std::iota(new_ids_.begin(), new_ids_.end(), 0);
    std::shuffle(new_ids_.begin(), new_ids_.end(), std::mt19937_64(7));
  }
  int64_t map(int64_t old_id) const override { return new_ids_[static_cast<size_t>(old_id)]; }
  int64_t size() const override { return static_cast<int64_t>(new_ids_.size()); }

 private:
  std::vector<int64_t> new_ids_;
};

struct Stores {
  fs::path folder;
  std::unique_ptr<md::MetadataStore> in_memory;
  std::unique_ptr<md::MetadataStore> sqlite;
  std::unique_ptr<md::MetadataStore> reordered;
};

bool stores_built = false;

Stores& stores() {
  static Stores s = [] {
    stores_built = true;
    Stores out;
    out.folder =
        fs::temp_directory_path() / ("clipret_metadata_bench_" + std::to_string(::getpid()));
    write_metadata(out.folder);
    const md::MetadataSource source = md::MetadataSource::scan(out.folder.string());
    const std::vector<md::SourceColumn> columns = source.served_columns({});

    malloc_trim(0);
    double rss = rss_mib();
    auto start = std::chrono::steady_clock::now();
    out.sqlite = [&] {
      md::SqliteBuildRequest request{(out.folder / "metadata.sqlite").string(), columns,
                                     source.files(), nullptr};
      md::build_sqlite_store(source, request);
      std::fprintf(stderr, "sqlite build: %.2f s (%.0f MB file)\n", seconds_since(start),
                   static_cast<double>(fs::file_size(request.db_path)) / 1e6);
      return md::SqliteStore::open(request.db_path, {});
    }();
    malloc_trim(0);
    std::fprintf(stderr, "sqlite store: RSS %+.1f MiB after build and open\n", rss_mib() - rss);

    start = std::chrono::steady_clock::now();
    const PermutationMapping mapping(kRows);
    md::SqliteBuildRequest request{(out.folder / "metadata_reordered.sqlite").string(), columns,
                                   source.files(), &mapping};
    md::build_sqlite_store(source, request);
    std::fprintf(stderr, "sqlite reordered build: %.2f s\n", seconds_since(start));
    out.reordered = md::SqliteStore::open(request.db_path, {});

    malloc_trim(0);
    rss = rss_mib();
    start = std::chrono::steady_clock::now();
    out.in_memory = md::InMemoryStore::load(source, {});
    std::fprintf(stderr, "in-memory load: %.2f s, RSS %+.1f MiB\n", seconds_since(start),
                 rss_mib() - rss);
    return out;
  }();
  return s;
}

std::vector<int64_t> random_ids(size_t n) {
  std::mt19937_64 rng(n);
  std::vector<int64_t> ids(n);
  for (int64_t& id : ids) id = static_cast<int64_t>(rng() % kRows);
  return ids;
}

std::vector<int64_t> contiguous_ids(size_t n) {
  std::vector<int64_t> ids(n);
  std::iota(ids.begin(), ids.end(), (kRows - static_cast<int64_t>(n)) / 2);
  return ids;
}

// A query's results after IVF reordering: most of a few whole lists, in rank (not id) order.
std::vector<int64_t> shuffled_dense_ids(size_t n) {
  std::vector<int64_t> ids;
  std::mt19937_64 rng(n);
  for (int64_t id = 0; id < kRows && ids.size() < n; ++id) {
    if (rng() % 8 != 0) ids.push_back(id);  // 7 in 8 rows of the range
  }
  std::shuffle(ids.begin(), ids.end(), rng);
  return ids;
}

// state.range(1): 0 = get() (owning rows), 1 = for_each_row (cells lent, bytes summed).
void run(benchmark::State& state, const md::MetadataStore& store, const std::vector<int64_t>& ids) {
  const bool visit = state.range(1) != 0;
  for (auto _ : state) {
    if (visit) {
      size_t bytes = 0;
      store.for_each_row(ids, [&](size_t, std::span<const md::MetadataCell> cells) {
        for (const md::MetadataCell& cell : cells) {
          if (const auto* text = std::get_if<std::string_view>(&cell)) bytes += text->size();
        }
      });
      benchmark::DoNotOptimize(bytes);
    } else {
      auto rows = store.get(ids);
      benchmark::DoNotOptimize(rows.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(ids.size()));
  state.counters["rss_MiB"] = rss_mib();
}

size_t count(const benchmark::State& state) {
  return static_cast<size_t>(state.range(0));
}

void BM_InMemoryRandom(benchmark::State& state) {
  run(state, *stores().in_memory, random_ids(count(state)));
}
void BM_SqliteRandom(benchmark::State& state) {
  run(state, *stores().sqlite, random_ids(count(state)));
}
void BM_SqliteContiguous(benchmark::State& state) {
  run(state, *stores().sqlite, contiguous_ids(count(state)));
}
void BM_SqliteReorderedContiguous(benchmark::State& state) {
  run(state, *stores().reordered, contiguous_ids(count(state)));
}
void BM_SqliteReorderedShuffledDense(benchmark::State& state) {
  run(state, *stores().reordered, shuffled_dense_ids(count(state)));
}

constexpr int64_t kMillion = 1'000'000;
BENCHMARK(BM_InMemoryRandom)->ArgsProduct({{100, kMillion}, {0, 1}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SqliteRandom)
    ->ArgsProduct({{100, 10'000, kMillion}, {0, 1}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SqliteContiguous)->ArgsProduct({{kMillion}, {0, 1}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SqliteReorderedContiguous)
    ->ArgsProduct({{kMillion}, {0, 1}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SqliteReorderedShuffledDense)
    ->ArgsProduct({{800'000}, {1}})
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  // As the clip-retrieval binary does (cli/main.cpp).
  clipret::core::keep_freed_memory_for_reuse();
  const int code = clipret::bench::run_benchmarks(argc, argv);
  std::error_code ignored;
  if (stores_built) fs::remove_all(stores().folder, ignored);
  return code;
}
