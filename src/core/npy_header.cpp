#include "core/npy_header.h"

#include <algorithm>
#include <bit>

#include "core/error.h"
#include "core/py_literal.h"

namespace clipret::core {
namespace {

static_assert(std::endian::native == std::endian::little,
              "npy I/O maps little-endian data directly; big-endian hosts are not supported");

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicBytes = 6;
constexpr size_t kArrayAlign = 64;           // numpy's ARRAY_ALIGN
constexpr size_t kGrowthAxisMaxDigits = 21;  // numpy's GROWTH_AXIS_MAX_DIGITS
constexpr uint64_t kV1MaxHeaderLength = 0xffff;

uint32_t read_le(const unsigned char* p, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}

NpyDtype parse_descr(const PyValue& descr, const std::string& name) {
  CLIPRET_CHECK(descr.kind != PyValue::Kind::kList, Unsupported,
                "%s: structured dtypes (a list as 'descr') are not supported", name.c_str());
  CLIPRET_CHECK(descr.kind == PyValue::Kind::kString, Corrupt,
                "%s: malformed .npy header: 'descr' is not a string", name.c_str());
  const std::string& d = descr.text;
  CLIPRET_CHECK(d != "|O" && d != "O" && d != "<O" && d != "=O", Unsupported,
                "%s: object arrays (dtype '%s', pickled Python objects) are not supported",
                name.c_str(), d.c_str());
  CLIPRET_CHECK(d.empty() || d[0] != '>', Unsupported,
                "%s: big-endian dtype '%s' is not supported (save with '<' byte order)",
                name.c_str(), d.c_str());
  // '=' is native order; this library only builds for little-endian hosts.
  const std::string body = (!d.empty() && (d[0] == '<' || d[0] == '=')) ? d.substr(1) : d;
  if (body == "f2") return NpyDtype::kFloat16;
  if (body == "f4") return NpyDtype::kFloat32;
  if (body == "f8") return NpyDtype::kFloat64;
  if (body == "i4") return NpyDtype::kInt32;
  if (body == "i8") return NpyDtype::kInt64;
  CLIPRET_THROW(Unsupported, "%s: unsupported dtype '%s' (supported: <f2, <f4, <f8, <i4, <i8)",
                name.c_str(), d.c_str());
}

}  // namespace

size_t npy_dtype_size(NpyDtype dtype) {
  switch (dtype) {
    case NpyDtype::kFloat16:
      return 2;
    case NpyDtype::kFloat32:
    case NpyDtype::kInt32:
      return 4;
    case NpyDtype::kFloat64:
    case NpyDtype::kInt64:
      return 8;
  }
  return 0;
}

const char* npy_dtype_descr(NpyDtype dtype) {
  switch (dtype) {
    case NpyDtype::kFloat16:
      return "<f2";
    case NpyDtype::kFloat32:
      return "<f4";
    case NpyDtype::kFloat64:
      return "<f8";
    case NpyDtype::kInt32:
      return "<i4";
    case NpyDtype::kInt64:
      return "<i8";
  }
  return "?";
}

const char* npy_dtype_name(NpyDtype dtype) {
  switch (dtype) {
    case NpyDtype::kFloat16:
      return "float16";
    case NpyDtype::kFloat32:
      return "float32";
    case NpyDtype::kFloat64:
      return "float64";
    case NpyDtype::kInt32:
      return "int32";
    case NpyDtype::kInt64:
      return "int64";
  }
  return "?";
}

std::string npy_shape_repr(const std::vector<uint64_t>& shape) {
  std::string out = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  if (shape.size() == 1) out += ",";
  out += ")";
  return out;
}

NpyHeader parse_npy_header(std::string_view bytes, const std::string& name) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  CLIPRET_CHECK(bytes.size() >= kMagicBytes + 2 && bytes.substr(0, kMagicBytes) == kMagic, Corrupt,
                "%s: not a .npy file (bad magic; expected \\x93NUMPY)", name.c_str());
  NpyHeader header;
  header.major_version = p[6];
  const int minor = p[7];
  CLIPRET_CHECK(minor == 0 && header.major_version >= 1 && header.major_version <= 3, Unsupported,
                "%s: unsupported .npy format version %d.%d (supported: 1.0, 2.0, 3.0)",
                name.c_str(), header.major_version, minor);
  const size_t length_bytes = header.major_version == 1 ? 2 : 4;
  const size_t dict_start = kMagicBytes + 2 + length_bytes;
  CLIPRET_CHECK(bytes.size() >= dict_start, Corrupt, "%s: truncated .npy header (%zu bytes)",
                name.c_str(), bytes.size());
  const uint64_t dict_length = read_le(p + kMagicBytes + 2, length_bytes);
  header.data_offset = dict_start + dict_length;
  CLIPRET_CHECK(header.data_offset <= kNpyMaxHeaderBytes, Corrupt,
                "%s: .npy header of %llu bytes is larger than the %llu-byte limit", name.c_str(),
                static_cast<unsigned long long>(header.data_offset),
                static_cast<unsigned long long>(kNpyMaxHeaderBytes));
  CLIPRET_CHECK(header.data_offset <= bytes.size(), Corrupt,
                "%s: truncated .npy header: it says %llu bytes, the file has %zu", name.c_str(),
                static_cast<unsigned long long>(header.data_offset), bytes.size());

  const PyValue* descr = nullptr;
  const PyValue* fortran_order = nullptr;
  const PyValue* shape = nullptr;
  const auto entries = parse_py_literal_dict(bytes.substr(dict_start, dict_length), name);
  for (const auto& [key, value] : entries) {
    if (key == "descr") {
      descr = &value;
    } else if (key == "fortran_order") {
      fortran_order = &value;
    } else if (key == "shape") {
      shape = &value;
    } else {
      CLIPRET_THROW(Corrupt, "%s: malformed .npy header: unexpected key '%s'", name.c_str(),
                    key.c_str());
    }
  }
  CLIPRET_CHECK(descr && fortran_order && shape, Corrupt,
                "%s: malformed .npy header: missing key '%s'", name.c_str(),
                !descr           ? "descr"
                : !fortran_order ? "fortran_order"
                                 : "shape");

  header.dtype = parse_descr(*descr, name);
  CLIPRET_CHECK(shape->kind == PyValue::Kind::kTuple, Corrupt,
                "%s: malformed .npy header: 'shape' is not a tuple", name.c_str());
  for (const PyValue& dim : shape->items) {
    CLIPRET_CHECK(dim.kind == PyValue::Kind::kInt && !dim.negative, Corrupt,
                  "%s: malformed .npy header: 'shape' holds something other than a "
                  "non-negative integer",
                  name.c_str());
    CLIPRET_CHECK(!dim.overflow, Corrupt, "%s: .npy shape dimension does not fit in 64 bits",
                  name.c_str());
    header.shape.push_back(dim.magnitude);
  }
  CLIPRET_CHECK(fortran_order->kind == PyValue::Kind::kBool, Corrupt,
                "%s: malformed .npy header: 'fortran_order' is not True or False", name.c_str());
  // With fewer than two dimensions both orders lay the bytes out the same way.
  CLIPRET_CHECK(!fortran_order->boolean || header.shape.size() < 2, Unsupported,
                "%s: Fortran-order (column-major) arrays are not supported; save a C-order "
                "array (np.ascontiguousarray)",
                name.c_str());

  const std::string shape_text = npy_shape_repr(header.shape);
  const bool empty = std::find(header.shape.begin(), header.shape.end(), 0) != header.shape.end();
  for (uint64_t dim : header.shape) {
    if (empty) {  // numpy computes the product exactly: any zero axis makes it 0
      header.element_count = 0;
      break;
    }
    CLIPRET_CHECK(header.element_count <= UINT64_MAX / dim, Corrupt, "%s: .npy shape %s overflows",
                  name.c_str(), shape_text.c_str());
    header.element_count *= dim;
  }
  const uint64_t element_size = npy_dtype_size(header.dtype);
  CLIPRET_CHECK(header.element_count <= UINT64_MAX / element_size, Corrupt,
                "%s: .npy shape %s of %s overflows", name.c_str(), shape_text.c_str(),
                npy_dtype_name(header.dtype));
  header.data_bytes = header.element_count * element_size;
  return header;
}

std::string format_npy_header(NpyDtype dtype, const std::vector<uint64_t>& shape) {
  std::string dict = "{'descr': '";
  dict += npy_dtype_descr(dtype);
  dict += "', 'fortran_order': False, 'shape': ";
  dict += npy_shape_repr(shape);
  dict += ", }";
  if (!shape.empty()) dict.append(kGrowthAxisMaxDigits - std::to_string(shape[0]).size(), ' ');
  const size_t with_newline = dict.size() + 1;

  int version = 1;
  size_t prefix = kMagicBytes + 2 + 2;
  size_t padding = kArrayAlign - (prefix + with_newline) % kArrayAlign;
  if (with_newline + padding > kV1MaxHeaderLength) {
    version = 2;
    prefix = kMagicBytes + 2 + 4;
    padding = kArrayAlign - (prefix + with_newline) % kArrayAlign;
  }
  const size_t length = with_newline + padding;
  std::string out(kMagic, kMagicBytes);
  out.push_back(static_cast<char>(version));
  out.push_back('\0');
  for (size_t i = 0; i < prefix - kMagicBytes - 2; ++i) {
    out.push_back(static_cast<char>((length >> (8 * i)) & 0xff));
  }
  out += dict;
  out.append(padding, ' ');
  out.push_back('\n');
  return out;
}

}  // namespace clipret::core
