// Fuzz target torch_pickle: the restricted unpickler of pytorch_model.bin (model/torch_pickle.h):
// any bytes as data.pkl must give tensor records or a clipret::Error, never a crash, a sanitizer
// report, an unbounded allocation, or a call of anything. Seeds are data.pkl files of real
// torch.save outputs (tests/fuzz/seed_torch_pickle.py).
#include <string_view>

#include "fuzz/fuzz_targets.h"
#include "model/torch_pickle.h"

namespace clipret::fuzz {

int fuzz_one_torch_pickle(const uint8_t* data, size_t size) {
  return accept_or_reject([&] {
    const auto records = model::parse_torch_pickle(
        std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.pkl");
    for (const auto& record : records) {
      // Records promise non-negative sizes and one stride per dimension.
      fuzz_check(record.shape.size() == record.strides.size(), "torch_pickle: strides");
      for (const int64_t dim : record.shape) fuzz_check(dim >= 0, "torch_pickle: negative size");
    }
  });
}

}  // namespace clipret::fuzz
