#include "model/safetensors_writer.h"

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.h"
#include "core/float16.h"

namespace clipret::model {

namespace {

constexpr size_t kHeaderAlignment = 8;

uint16_t float_to_bf16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0) {
    return static_cast<uint16_t>((bits >> 16) | 0x0040u);  // keep NaN a NaN
  }
  const uint32_t rounding = 0x7fffu + ((bits >> 16) & 1u);  // nearest, ties to even
  return static_cast<uint16_t>((bits + rounding) >> 16);
}

void append_u16(std::string& out, uint16_t value) {
  out.push_back(static_cast<char>(value & 0xff));
  out.push_back(static_cast<char>(value >> 8));
}

}  // namespace

std::string serialize_safetensors(const std::vector<SafetensorsTensorData>& tensors,
                                  const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::string data;
  std::set<std::string> names;
  for (const SafetensorsTensorData& tensor : tensors) {
    CLIPRET_CHECK(names.insert(tensor.name).second, InvalidInput,
                  "safetensors writer: tensor '%s' appears twice", tensor.name.c_str());
    size_t count = 1;
    for (const int64_t dim : tensor.shape) {
      CLIPRET_CHECK(dim >= 0, InvalidInput, "safetensors writer: tensor '%s' has a negative dim",
                    tensor.name.c_str());
      count *= static_cast<size_t>(dim);
    }
    CLIPRET_CHECK(count == tensor.values.size(), InvalidInput,
                  "safetensors writer: tensor '%s' has %zu values for a shape of %zu elements",
                  tensor.name.c_str(), tensor.values.size(), count);
    const size_t begin = data.size();
    switch (tensor.dtype) {
      case SafetensorsDtype::kF32:
        data.append(reinterpret_cast<const char*>(tensor.values.data()), count * sizeof(float));
        break;
      case SafetensorsDtype::kF16:
        for (const float v : tensor.values) append_u16(data, core::float32_to_float16(v));
        break;
      case SafetensorsDtype::kBF16:
        for (const float v : tensor.values) append_u16(data, float_to_bf16(v));
        break;
      default:
        CLIPRET_THROW(Unsupported, "safetensors writer: tensor '%s': cannot write dtype %s",
                      tensor.name.c_str(), safetensors_dtype_name(tensor.dtype));
    }
    header[tensor.name] = {{"dtype", safetensors_dtype_name(tensor.dtype)},
                           {"shape", tensor.shape},
                           {"data_offsets", {begin, data.size()}}};
  }
  std::string json = header.dump();
  json.append((kHeaderAlignment - json.size() % kHeaderAlignment) % kHeaderAlignment, ' ');
  std::string out;
  uint64_t length = json.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((length >> (8 * i)) & 0xff));
  out += json;
  out += data;
  return out;
}

void write_safetensors(const std::string& path, const std::vector<SafetensorsTensorData>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  const std::string bytes = serialize_safetensors(tensors, metadata);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  CLIPRET_CHECK(out.good(), Io, "%s: cannot open for writing", path.c_str());
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  CLIPRET_CHECK(!out.fail(), Io, "%s: write failed", path.c_str());
}

}  // namespace clipret::model
