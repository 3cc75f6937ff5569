// libFuzzer target for the restricted unpickler of pytorch_model.bin (model/torch_pickle.h): any
// bytes as data.pkl must give tensor records or a clipret::Error, never a crash, a sanitizer
// report, an unbounded allocation, or a call of anything. Built by scripts/fuzz.sh (clang,
// outside CI); seeds are data.pkl files of real torch.save outputs
// (tests/fuzz/seed_torch_pickle.py).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "model/torch_pickle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto records = clipret::model::parse_torch_pickle(
        std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.pkl");
    for (const auto& record : records) {
      // Records promise non-negative sizes and one stride per dimension.
      if (record.shape.size() != record.strides.size()) __builtin_trap();
      for (const int64_t dim : record.shape) {
        if (dim < 0) __builtin_trap();
      }
    }
  } catch (const clipret::Error&) {
    // refused: fine
  }
  return 0;
}
