// Fuzz target npy: the .npy header parser (core/npy_header.h) on arbitrary bytes, then the
// memory-mapped reader (core/npy_reader.h) on the same bytes as a file, reading every row as
// float32 for float dtypes. Accepted headers must keep their promises: sizes consistent, data
// inside the file, and rows readable.
#include <cstdio>
#include <string_view>
#include <vector>

#include "core/npy_header.h"
#include "core/npy_reader.h"
#include "fuzz/fuzz_targets.h"

namespace clipret::fuzz {

int fuzz_one_npy(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  accept_or_reject([&] {
    const core::NpyHeader h = core::parse_npy_header(bytes, "fuzz.npy");
    fuzz_check(h.data_offset <= size, "npy: data offset past the bytes parsed");
    uint64_t count = 1;
    for (const uint64_t dim : h.shape) count *= dim;  // parse checked for overflow
    fuzz_check(count == h.element_count, "npy: element_count is not the product of shape");
    fuzz_check(h.data_bytes == count * core::npy_dtype_size(h.dtype), "npy: data_bytes");
  });
  const std::string path = fuzz_temp_file("npy", data, size);
  accept_or_reject([&] {
    const core::NpyReader reader = core::NpyReader::open(path);
    const uint64_t rows = reader.rows();
    fuzz_check(reader.header().data_offset + reader.header().data_bytes <= size,
               "npy: reader accepted data past the end of the file");
    fuzz_check(rows * reader.row_bytes() == reader.header().data_bytes,
               "npy: rows * row_bytes != data_bytes");
    if (rows > 0) static_cast<void>(reader.row(rows - 1));
    const uint64_t elements = reader.header().element_count;
    if (elements > 0 && elements <= (uint64_t{1} << 20) && reader.row_elements() > 0) {
      std::vector<float> out(elements);
      reader.read_rows_f32(0, rows, out.data());  // Error(kUnsupported) for integer dtypes
    }
  });
  std::remove(path.c_str());
  return 0;
}

}  // namespace clipret::fuzz
