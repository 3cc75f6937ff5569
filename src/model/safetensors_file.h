// model/safetensors_file.h: one memory-mapped .safetensors file, validated on open.
//
// Format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of JSON
// ({"name": {"dtype", "shape", "data_offsets": [begin, end)}, optional "__metadata__"}), then
// the data buffer that the offsets index. Every byte is distrusted: open() checks the header
// length, the JSON, each dtype, that shape product x dtype size equals the byte range, that
// ranges lie inside the file and do not overlap, and overflow; errors are Error(kCorrupt)
// naming the file and the tensor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace clipret::model {

// Every dtype the format defines; the loader converts F32, F16 and BF16 to float32.
enum class SafetensorsDtype {
  kBool,
  kU8,
  kI8,
  kI16,
  kU16,
  kF16,
  kBF16,
  kI32,
  kU32,
  kF32,
  kF64,
  kI64,
  kU64,
  kC64,
  kF8E5M2,
  kF8E4M3,
  kF8E8M0,
  kF8E4M3Fnuz,
  kF8E5M2Fnuz,
  kF6E2M3,
  kF6E3M2,
  kF4,
};

// The header name ("F32", "BF16", ...).
const char* safetensors_dtype_name(SafetensorsDtype dtype);
// Bits per element (4 for F4, 6 for F6_*, else 8 x bytes).
size_t safetensors_dtype_bits(SafetensorsDtype dtype);

// Converts `count` contiguous little-endian elements of `dtype` at `src` to float32 into `out`
// (caller owns, `count` floats): F32 copied, F16 and BF16 widened exactly. Returns false,
// writing nothing, for any other dtype. Shared by every weights format that stores these dtypes.
bool convert_to_f32(SafetensorsDtype dtype, const unsigned char* src, size_t count, float* out);

struct SafetensorsTensorInfo {
  std::string name;
  SafetensorsDtype dtype = SafetensorsDtype::kF32;
  std::vector<int64_t> shape;  // empty for a 0-d scalar (one element)
  uint64_t element_count = 1;  // product of shape
  uint64_t begin = 0;          // byte offsets into the data buffer, end exclusive
  uint64_t end = 0;
};

// Largest header the reference writer produces; bigger claims are corrupt.
inline constexpr uint64_t kSafetensorsMaxHeaderBytes = 100'000'000;

class SafetensorsFile {
 public:
  // Maps `path` and validates its header. Throws Error(kNotFound) when missing, Error(kIo) when
  // it cannot be opened or mapped, Error(kCorrupt) for any inconsistency.
  static SafetensorsFile open(const std::string& path);

  SafetensorsFile(SafetensorsFile&& other) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&& other) noexcept;
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;
  ~SafetensorsFile();  // unmaps

  const std::string& path() const;
  // Tensors in header order (metadata excluded).
  const std::vector<SafetensorsTensorInfo>& tensors() const;
  // Null when absent.
  const SafetensorsTensorInfo* find(const std::string& name) const;

  // Converts tensor `name` to float32 (row-major, element_count() floats). F32 is copied, F16
  // and BF16 converted; other dtypes throw Error(kUnsupported), a missing name Error(kNotFound).
  std::vector<float> read_f32(const std::string& name) const;
  // Elements [first, first + count) of `name` (row-major) into out, converted as read_f32 does;
  // Error(kInvalidInput) when the range runs past the tensor. The file's pages under the range
  // are dropped from memory afterwards (they would count in RSS next to the loaded copy).
  void read_f32_range(const std::string& name, size_t first, size_t count, float* out) const;

 private:
  struct Impl;
  explicit SafetensorsFile(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace clipret::model
