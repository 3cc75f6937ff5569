// Parquet read and write throughput on a 1M-row metadata-like table (url, caption, key, width,
// height, similarity), with DuckDB (single-threaded) on the same file in the same run.
//
//   cmake -B build -DCLIPRET_BUILD_BENCH=ON && cmake --build build --target parquet_bench
//   build/bench/parquet_bench            (DuckDB side needs `npm install` in tests/parquet/duckdb)
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "bench_main.h"
#include "core/error.h"
#include "core/process_memory.h"
#include "parquet/parquet_reader.h"
#include "parquet/parquet_writer.h"

namespace {

using clipret::parquet::Compression;
using clipret::parquet::ParquetReader;
using clipret::parquet::Table;

constexpr size_t kRows = 1'000'000;

Table make_table() {
  namespace pq = clipret::parquet;
  Table table({{"url", pq::string_type(), true},
               {"caption", pq::string_type(), true},
               {"key", pq::string_type(), true},
               {"width", pq::int64_type(), true},
               {"height", pq::int64_type(), true},
               {"similarity", pq::double_type(), true}});
  std::mt19937_64 rng(42);
  const char* const words[] = {"a",     "photo", "of",       "the",   "cat",   "dog",
                               "on",    "red",   "blue",     "beach", "house", "with",
                               "small", "large", "mountain", "city"};
  char key[16];
  for (size_t i = 0; i < kRows; ++i) {
    table.column(0).append_bytes("https://images.example.com/" + std::to_string(rng() % 100000) +
                                 "/" + std::to_string(i) + ".jpg");
    if (i % 50 == 0) {
      table.column(1).append_null();
    } else {
      std::string caption;
      const size_t n = 4 + rng() % 12;
      for (size_t w = 0; w < n; ++w) caption.append(words[rng() % 16]).push_back(' ');
      table.column(1).append_bytes(caption);
    }
    std::snprintf(key, sizeof(key), "%09zu", i);
    table.column(2).append_bytes(key);
    table.column(3).append_int64(static_cast<int64_t>(64 + rng() % 4000));
    table.column(4).append_int64(static_cast<int64_t>(64 + rng() % 4000));
    table.column(5).append_double(std::uniform_real_distribution<double>(0.2, 0.5)(rng));
  }
  return table;
}

const Table& table() {
  static const Table t = make_table();
  return t;
}

std::string temp_path(const char* name) {
  return (std::filesystem::temp_directory_path() /
          (std::string("clipret_bench_") + std::to_string(::getpid()) + "_" + name))
      .string();
}

void BM_Write(benchmark::State& state) {
  clipret::parquet::WriterOptions options;
  options.compression = static_cast<Compression>(state.range(0));
  const std::string path = temp_path("write.parquet");
  table();  // build outside the timed loop
  for (auto _ : state) clipret::parquet::write_parquet_file(path, table(), options);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
  state.counters["file_MB"] = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  std::filesystem::remove(path);
}

void BM_Read(benchmark::State& state) {
  const std::string path = temp_path("read.parquet");
  clipret::parquet::WriterOptions options;
  options.compression = static_cast<Compression>(state.range(0));
  clipret::parquet::write_parquet_file(path, table(), options);
  for (auto _ : state) {
    Table t = ParquetReader::open(path)->read_all();
    benchmark::DoNotOptimize(t.num_rows());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
  std::filesystem::remove(path);
}

// DuckDB reads the file our writer made and writes the table back (best of 5, manual time).
void BM_DuckDb(benchmark::State& state) {
  const std::string path = temp_path("duck_in.parquet");
  const std::string out = temp_path("duck_out.parquet");
  clipret::parquet::write_parquet_file(path, table());
  const std::string script = std::string(CLIPRET_SOURCE_DIR) + "/bench/parquet_duckdb_bench.mjs";
  const std::string command = "node '" + script + "' '" + path + "' '" + out + "' 5";
  double read_ms = 0, write_ms = 0;
  for (auto _ : state) {
    FILE* pipe = ::popen(command.c_str(), "r");
    char line[256] = {0};
    const bool ok = pipe != nullptr && std::fgets(line, sizeof(line), pipe) != nullptr;
    if (pipe) ::pclose(pipe);
    if (!ok || std::sscanf(line, "{\"read_ms\":%lf,\"write_ms\":%lf}", &read_ms, &write_ms) != 2) {
      state.SkipWithError("DuckDB bench failed: npm install in tests/parquet/duckdb?");
      break;
    }
    state.SetIterationTime((read_ms + write_ms) / 1e3);
  }
  state.counters["read_ms"] = read_ms;
  state.counters["write_ms"] = write_ms;
  state.counters["read_rows_per_s"] = kRows / (read_ms / 1e3);
  state.counters["write_rows_per_s"] = kRows / (write_ms / 1e3);
  std::filesystem::remove(path);
  std::filesystem::remove(out);
}

}  // namespace

BENCHMARK(BM_Write)
    ->Arg(static_cast<int>(Compression::kSnappy))
    ->Arg(static_cast<int>(Compression::kZstd))
    ->Arg(static_cast<int>(Compression::kUncompressed))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3.0);
BENCHMARK(BM_Read)
    ->Arg(static_cast<int>(Compression::kSnappy))
    ->Arg(static_cast<int>(Compression::kZstd))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3.0);
BENCHMARK(BM_DuckDb)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(1);

int main(int argc, char** argv) {
  // glibc returns blocks over 32 MiB to the OS on free, so every read of a 1M-row table pays
  // its page faults again; DuckDB's allocator keeps memory between runs. With
  // CLIPRET_BENCH_RETAIN_MEMORY=1 this process keeps freed memory too, as the clip-retrieval
  // binary does (core/process_memory.h, called by cli/main.cpp).
  const char* retain = std::getenv("CLIPRET_BENCH_RETAIN_MEMORY");
  const bool retain_memory = retain != nullptr && std::string(retain) == "1";
  if (retain_memory) {
    clipret::core::keep_freed_memory_for_reuse();
  }
  benchmark::AddCustomContext("retain_memory", retain_memory ? "yes" : "no");
  return clipret::bench::run_benchmarks(argc, argv);
}
