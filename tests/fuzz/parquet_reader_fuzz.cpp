// libFuzzer target for the Parquet reader: any bytes must give rows or a clipret::Error, never a
// crash, a sanitizer report or an unbounded allocation. Built by scripts/fuzz.sh parquet_reader
// (clang, outside CI). Crashes found go to tests/parquet/fuzz_regressions/, which parquet_test
// replays.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "core/error.h"
#include "core/log.h"
#include "core/random_access_file.h"
#include "parquet/json_lines.h"
#include "parquet/parquet_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace clipret;
  core::set_log_level(core::LogLevel::kOff);
  parquet::ReaderOptions options;
  // Small bounds so that a lying file cannot exceed libFuzzer's memory limit.
  options.max_page_bytes = 1 << 24;
  options.max_row_group_rows = 1 << 20;
  options.max_string_bytes = 1 << 26;
  try {
    auto reader = parquet::ParquetReader::open(
        core::open_memory_file("fuzz.parquet",
                               std::string(reinterpret_cast<const char*>(data), size)),
        options);
    for (size_t g = 0; g < reader->num_row_groups(); ++g) {
      const parquet::Table table = reader->read_row_group(g);
      std::ostringstream out;
      parquet::write_table_json_lines(table, 0, table.num_rows() < 64 ? table.num_rows() : 64, out);
    }
  } catch (const Error&) {
    // Expected for malformed input.
  }
  return 0;
}
