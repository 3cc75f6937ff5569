// core/npy_header.h: the header of a NumPy .npy file: dtype, shape, and where the data starts.
//
// Format (numpy.lib.format): magic "\x93NUMPY", version byte pair (1.0, 2.0 or 3.0), header
// length (uint16 LE for 1.0, uint32 LE for 2.0/3.0), then a Python dict literal such as
//   {'descr': '<f2', 'fortran_order': False, 'shape': (N, D), }
// padded with spaces and a final '\n' so the data starts on a 64-byte boundary. Only
// little-endian numeric dtypes in C order are supported: that is what embeddings use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace clipret::core {

// Element types we read and write, with their numpy descr.
enum class NpyDtype {
  kFloat16,  // '<f2', stored as raw uint16_t bits (core/float16.h converts)
  kFloat32,  // '<f4'
  kFloat64,  // '<f8'
  kInt32,    // '<i4'
  kInt64,    // '<i8'
};

// Bytes per element: 2, 4, 8, 4, 8.
size_t npy_dtype_size(NpyDtype dtype);
// numpy descr as written to files: "<f2", "<f4", "<f8", "<i4", "<i8".
const char* npy_dtype_descr(NpyDtype dtype);
// numpy name for messages: "float16", "float32", ...
const char* npy_dtype_name(NpyDtype dtype);

struct NpyHeader {
  int major_version = 1;  // 1, 2 or 3
  NpyDtype dtype = NpyDtype::kFloat32;
  std::vector<uint64_t> shape;  // C order; empty for a 0-d array (one element)
  uint64_t data_offset = 0;     // bytes from the file start to the first element
  uint64_t element_count = 1;   // product of shape (checked for overflow)
  uint64_t data_bytes = 0;      // element_count * npy_dtype_size(dtype) (checked for overflow)
};

// Parses the magic, version, length and dict at the start of `bytes` (which must hold at least
// the whole header; the data may follow). `name` (a path) prefixes every message. Throws
// Error(kCorrupt) for bad magic, a truncated or malformed header, bad shape or a shape whose
// byte size overflows; Error(kUnsupported) for versions other than 1.0/2.0/3.0, Fortran order
// (ndim >= 2), object, structured, big-endian or unknown dtypes. Does not look at the data.
NpyHeader parse_npy_header(std::string_view bytes, const std::string& name);

// Largest header (magic to data) parse_npy_header accepts, a guard against absurd files; numpy
// itself refuses headers over 10000 bytes by default.
inline constexpr uint64_t kNpyMaxHeaderBytes = uint64_t{1} << 20;
// Smallest prefix that tells the header's full length (magic + version + uint32 length).
inline constexpr size_t kNpyPreambleBytes = 12;

// Formats the complete header (magic to the final '\n') exactly as numpy >= 1.23's np.save does
// for a C-order array of `shape`: keys sorted, repr() of the shape, spare spaces so the first
// axis can grow to 21 digits without changing the length, padded to a multiple of 64 bytes.
// Version 1.0 unless the header needs more than 65535 bytes, then 2.0.
std::string format_npy_header(NpyDtype dtype, const std::vector<uint64_t>& shape);

// "(3, 4)", "(3,)", "()": Python's repr of a shape tuple, for headers and messages.
std::string npy_shape_repr(const std::vector<uint64_t>& shape);

}  // namespace clipret::core
