// model/safetensors_writer.h: writes float tensors as a .safetensors file.
//
// Used to save converted checkpoints and, in tests, to build synthetic and corrupt files. The
// layout follows the reference writer: header padded with spaces to a multiple of 8 bytes, data
// in the order given, tightly packed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/safetensors_file.h"

namespace clipret::model {

struct SafetensorsTensorData {
  std::string name;
  std::vector<int64_t> shape;  // empty for a scalar
  std::vector<float> values;   // row-major, product of shape elements
  // F32, F16 (round to nearest even) or BF16 (round to nearest even); others are unsupported.
  SafetensorsDtype dtype = SafetensorsDtype::kF32;
};

// The complete file as bytes. Throws Error(kInvalidInput) when a shape does not match its
// values or a name repeats, Error(kUnsupported) for other dtypes.
std::string serialize_safetensors(const std::vector<SafetensorsTensorData>& tensors,
                                  const std::map<std::string, std::string>& metadata = {});

// Writes serialize_safetensors(...) to `path`; Error(kIo) on failure.
void write_safetensors(const std::string& path, const std::vector<SafetensorsTensorData>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace clipret::model
