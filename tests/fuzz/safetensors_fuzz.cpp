// Fuzz target safetensors: model/safetensors_file.h on arbitrary bytes as a file: the 8-byte
// header length, the header JSON (dtypes, shapes, data_offsets, __metadata__), and the offsets
// against the data buffer. Every accepted tensor must lie inside the buffer with the byte size
// its dtype and shape give, and F32/F16/BF16 tensors must convert to float32.
#include <cstdio>
#include <vector>

#include "fuzz/fuzz_targets.h"
#include "model/safetensors_file.h"

namespace clipret::fuzz {

int fuzz_one_safetensors(const uint8_t* data, size_t size) {
  const std::string path = fuzz_temp_file("safetensors", data, size);
  accept_or_reject([&] {
    const model::SafetensorsFile file = model::SafetensorsFile::open(path);
    for (const model::SafetensorsTensorInfo& t : file.tensors()) {
      fuzz_check(t.begin <= t.end && t.end <= size, "safetensors: tensor outside the file");
      uint64_t count = 1;
      for (const int64_t dim : t.shape) {
        fuzz_check(dim >= 0, "safetensors: negative dimension accepted");
        count *= static_cast<uint64_t>(dim);
      }
      fuzz_check(count == t.element_count, "safetensors: element_count is not the shape's");
      fuzz_check(file.find(t.name) != nullptr, "safetensors: find() misses a listed tensor");
      if (t.dtype == model::SafetensorsDtype::kF32 || t.dtype == model::SafetensorsDtype::kF16 ||
          t.dtype == model::SafetensorsDtype::kBF16) {
        const std::vector<float> values = file.read_f32(t.name);
        fuzz_check(values.size() == t.element_count, "safetensors: read_f32 size");
      }
    }
  });
  std::remove(path.c_str());
  return 0;
}

}  // namespace clipret::fuzz
