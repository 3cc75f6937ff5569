#include "model/safetensors_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <utility>

#include "core/error.h"
#include "core/file_open.h"
#include "core/float16.h"

namespace clipret::model {

namespace {

constexpr size_t kLengthPrefixBytes = 8;

struct DtypeEntry {
  SafetensorsDtype dtype;
  const char* name;
  size_t bits;
};

constexpr DtypeEntry kDtypes[] = {
    {SafetensorsDtype::kBool, "BOOL", 8},
    {SafetensorsDtype::kU8, "U8", 8},
    {SafetensorsDtype::kI8, "I8", 8},
    {SafetensorsDtype::kI16, "I16", 16},
    {SafetensorsDtype::kU16, "U16", 16},
    {SafetensorsDtype::kF16, "F16", 16},
    {SafetensorsDtype::kBF16, "BF16", 16},
    {SafetensorsDtype::kI32, "I32", 32},
    {SafetensorsDtype::kU32, "U32", 32},
    {SafetensorsDtype::kF32, "F32", 32},
    {SafetensorsDtype::kF64, "F64", 64},
    {SafetensorsDtype::kI64, "I64", 64},
    {SafetensorsDtype::kU64, "U64", 64},
    {SafetensorsDtype::kC64, "C64", 64},
    {SafetensorsDtype::kF8E5M2, "F8_E5M2", 8},
    {SafetensorsDtype::kF8E4M3, "F8_E4M3", 8},
    {SafetensorsDtype::kF8E8M0, "F8_E8M0", 8},
    {SafetensorsDtype::kF8E4M3Fnuz, "F8_E4M3FNUZ", 8},
    {SafetensorsDtype::kF8E5M2Fnuz, "F8_E5M2FNUZ", 8},
    {SafetensorsDtype::kF6E2M3, "F6_E2M3", 6},
    {SafetensorsDtype::kF6E3M2, "F6_E3M2", 6},
    {SafetensorsDtype::kF4, "F4", 4},
};

const DtypeEntry& dtype_entry(SafetensorsDtype dtype) {
  for (const DtypeEntry& entry : kDtypes) {
    if (entry.dtype == dtype) return entry;
  }
  CLIPRET_THROW(Internal, "unknown safetensors dtype %d", static_cast<int>(dtype));
}

// Closes an fd on every path out of open().
struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

uint64_t read_u64_le(const unsigned char* p) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | p[i];
  return value;
}

uint64_t json_offset(const nlohmann::json& value, const std::string& path,
                     const std::string& tensor, const char* what) {
  CLIPRET_CHECK(value.is_number_unsigned(), Corrupt,
                "%s: tensor '%s': %s must be a non-negative integer", path.c_str(), tensor.c_str(),
                what);
  return value.get<uint64_t>();
}

SafetensorsTensorInfo parse_entry(const std::string& name, const nlohmann::json& entry,
                                  const std::string& path) {
  const char* n = name.c_str();
  const char* p = path.c_str();
  CLIPRET_CHECK(entry.is_object(), Corrupt, "%s: tensor '%s': header entry is not an object", p, n);
  SafetensorsTensorInfo info;
  info.name = name;

  const auto dtype_it = entry.find("dtype");
  CLIPRET_CHECK(dtype_it != entry.end() && dtype_it->is_string(), Corrupt,
                "%s: tensor '%s': missing or non-string dtype", p, n);
  const std::string& dtype = dtype_it->get_ref<const std::string&>();
  const DtypeEntry* found = nullptr;
  for (const DtypeEntry& candidate : kDtypes) {
    if (dtype == candidate.name) found = &candidate;
  }
  CLIPRET_CHECK(found != nullptr, Corrupt, "%s: tensor '%s': unknown dtype '%s'", p, n,
                dtype.c_str());
  info.dtype = found->dtype;

  const auto shape_it = entry.find("shape");
  CLIPRET_CHECK(shape_it != entry.end() && shape_it->is_array(), Corrupt,
                "%s: tensor '%s': missing or non-array shape", p, n);
  uint64_t count = 1;
  for (const nlohmann::json& dim_json : *shape_it) {
    const uint64_t dim = json_offset(dim_json, path, name, "every shape entry");
    CLIPRET_CHECK(dim <= static_cast<uint64_t>(INT64_MAX), Corrupt,
                  "%s: tensor '%s': shape entry too large", p, n);
    CLIPRET_CHECK(dim == 0 || count <= UINT64_MAX / dim, Corrupt,
                  "%s: tensor '%s': shape product overflows", p, n);
    count *= dim;
    info.shape.push_back(static_cast<int64_t>(dim));
  }
  info.element_count = count;

  const auto offsets_it = entry.find("data_offsets");
  CLIPRET_CHECK(offsets_it != entry.end() && offsets_it->is_array() && offsets_it->size() == 2,
                Corrupt, "%s: tensor '%s': data_offsets must be [begin, end]", p, n);
  info.begin = json_offset((*offsets_it)[0], path, name, "data_offsets[0]");
  info.end = json_offset((*offsets_it)[1], path, name, "data_offsets[1]");
  CLIPRET_CHECK(
      info.begin <= info.end, Corrupt, "%s: tensor '%s': data_offsets [%llu, %llu) run backwards",
      p, n, static_cast<unsigned long long>(info.begin), static_cast<unsigned long long>(info.end));

  CLIPRET_CHECK(count <= UINT64_MAX / found->bits, Corrupt, "%s: tensor '%s': byte size overflows",
                p, n);
  const uint64_t bits = count * found->bits;
  CLIPRET_CHECK(bits % 8 == 0, Corrupt, "%s: tensor '%s': %llu elements of %s are not whole bytes",
                p, n, static_cast<unsigned long long>(count), found->name);
  CLIPRET_CHECK(bits / 8 == info.end - info.begin, Corrupt,
                "%s: tensor '%s': shape and dtype %s need %llu bytes but data_offsets [%llu, %llu) "
                "hold %llu",
                p, n, found->name, static_cast<unsigned long long>(bits / 8),
                static_cast<unsigned long long>(info.begin),
                static_cast<unsigned long long>(info.end),
                static_cast<unsigned long long>(info.end - info.begin));
  return info;
}

}  // namespace

bool convert_to_f32(SafetensorsDtype dtype, const unsigned char* src, size_t count, float* out) {
  switch (dtype) {
    case SafetensorsDtype::kF32:
      if (count > 0) std::memcpy(out, src, count * sizeof(float));  // empty: pointers may be null
      return true;
    case SafetensorsDtype::kF16:
      for (size_t i = 0; i < count; ++i) {
        uint16_t bits;
        std::memcpy(&bits, src + 2 * i, sizeof(bits));
        out[i] = core::float16_to_float32(bits);
      }
      return true;
    case SafetensorsDtype::kBF16:
      // A bfloat16 is the upper half of a float32.
      for (size_t i = 0; i < count; ++i) {
        uint16_t half;
        std::memcpy(&half, src + 2 * i, sizeof(half));
        const uint32_t bits = static_cast<uint32_t>(half) << 16;
        std::memcpy(&out[i], &bits, sizeof(float));
      }
      return true;
    default:
      return false;
  }
}

const char* safetensors_dtype_name(SafetensorsDtype dtype) {
  return dtype_entry(dtype).name;
}
size_t safetensors_dtype_bits(SafetensorsDtype dtype) {
  return dtype_entry(dtype).bits;
}

struct SafetensorsFile::Impl {
  std::string path;
  const unsigned char* base = nullptr;  // the mapping; null for an empty file
  size_t mapped_bytes = 0;
  const unsigned char* data = nullptr;  // start of the data buffer
  std::vector<SafetensorsTensorInfo> tensors;
  std::unordered_map<std::string, size_t> index;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    if (base != nullptr) ::munmap(const_cast<unsigned char*>(base), mapped_bytes);
  }
};

SafetensorsFile::SafetensorsFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SafetensorsFile::SafetensorsFile(SafetensorsFile&& other) noexcept = default;
SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&& other) noexcept = default;
SafetensorsFile::~SafetensorsFile() = default;

SafetensorsFile SafetensorsFile::open(const std::string& path) {
  const char* p = path.c_str();
  uint64_t file_size = 0;
  const int fd = core::open_for_reading(path, &file_size);
  FdCloser closer{fd};
  CLIPRET_CHECK(file_size >= kLengthPrefixBytes, Corrupt,
                "%s: %llu bytes is too short for a safetensors file", p,
                static_cast<unsigned long long>(file_size));

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  void* mapping = ::mmap(nullptr, file_size, PROT_READ, MAP_PRIVATE, fd, 0);
  CLIPRET_CHECK(mapping != MAP_FAILED, Io, "%s: cannot map: %s", p, std::strerror(errno));
  impl->base = static_cast<const unsigned char*>(mapping);
  impl->mapped_bytes = file_size;

  const uint64_t header_bytes = read_u64_le(impl->base);
  CLIPRET_CHECK(header_bytes <= kSafetensorsMaxHeaderBytes, Corrupt,
                "%s: header length %llu exceeds the %llu-byte limit", p,
                static_cast<unsigned long long>(header_bytes),
                static_cast<unsigned long long>(kSafetensorsMaxHeaderBytes));
  CLIPRET_CHECK(header_bytes <= file_size - kLengthPrefixBytes, Corrupt,
                "%s: header length %llu runs past the end of the %llu-byte file (truncated?)", p,
                static_cast<unsigned long long>(header_bytes),
                static_cast<unsigned long long>(file_size));
  const char* header_begin = reinterpret_cast<const char*>(impl->base + kLengthPrefixBytes);
  CLIPRET_CHECK(header_bytes > 0 && header_begin[0] == '{', Corrupt,
                "%s: header does not start with '{'", p);
  const nlohmann::json header =
      nlohmann::json::parse(header_begin, header_begin + header_bytes, nullptr, false);
  CLIPRET_CHECK(!header.is_discarded(), Corrupt, "%s: header is not valid JSON", p);
  CLIPRET_CHECK(header.is_object(), Corrupt, "%s: header is not a JSON object", p);

  const uint64_t data_bytes = file_size - kLengthPrefixBytes - header_bytes;
  impl->data = impl->base + kLengthPrefixBytes + header_bytes;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      CLIPRET_CHECK(entry.is_object(), Corrupt, "%s: __metadata__ is not an object", p);
      for (const auto& [key, value] : entry.items()) {
        CLIPRET_CHECK(value.is_string(), Corrupt, "%s: __metadata__ '%s' is not a string", p,
                      key.c_str());
      }
      continue;
    }
    SafetensorsTensorInfo info = parse_entry(name, entry, path);
    CLIPRET_CHECK(info.end <= data_bytes, Corrupt,
                  "%s: tensor '%s': data_offsets [%llu, %llu) lie outside the %llu-byte data "
                  "buffer (truncated?)",
                  p, name.c_str(), static_cast<unsigned long long>(info.begin),
                  static_cast<unsigned long long>(info.end),
                  static_cast<unsigned long long>(data_bytes));
    impl->index.emplace(name, impl->tensors.size());
    impl->tensors.push_back(std::move(info));
  }

  // Ranges must not overlap (the reference loader also forbids holes; we tolerate them).
  std::vector<const SafetensorsTensorInfo*> by_offset;
  for (const SafetensorsTensorInfo& info : impl->tensors) {
    if (info.end > info.begin) by_offset.push_back(&info);
  }
  std::sort(by_offset.begin(), by_offset.end(),
            [](const auto* a, const auto* b) { return a->begin < b->begin; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    CLIPRET_CHECK(by_offset[i]->begin >= by_offset[i - 1]->end, Corrupt,
                  "%s: tensor '%s' overlaps tensor '%s'", p, by_offset[i]->name.c_str(),
                  by_offset[i - 1]->name.c_str());
  }
  return SafetensorsFile(std::move(impl));
}

const std::string& SafetensorsFile::path() const {
  return impl_->path;
}

const std::vector<SafetensorsTensorInfo>& SafetensorsFile::tensors() const {
  return impl_->tensors;
}

const SafetensorsTensorInfo* SafetensorsFile::find(const std::string& name) const {
  const auto it = impl_->index.find(name);
  return it == impl_->index.end() ? nullptr : &impl_->tensors[it->second];
}

std::vector<float> SafetensorsFile::read_f32(const std::string& name) const {
  const SafetensorsTensorInfo* info = find(name);
  CLIPRET_CHECK(info != nullptr, NotFound, "%s: no tensor '%s'", impl_->path.c_str(), name.c_str());
  std::vector<float> out(info->element_count);
  read_f32_range(name, 0, out.size(), out.data());
  return out;
}

void SafetensorsFile::read_f32_range(const std::string& name, size_t first, size_t count,
                                     float* out) const {
  const SafetensorsTensorInfo* info = find(name);
  CLIPRET_CHECK(info != nullptr, NotFound, "%s: no tensor '%s'", impl_->path.c_str(), name.c_str());
  CLIPRET_CHECK(first <= info->element_count && count <= info->element_count - first, InvalidInput,
                "%s: tensor '%s': elements [%zu, %zu) past its %llu", impl_->path.c_str(),
                name.c_str(), first, first + count,
                static_cast<unsigned long long>(info->element_count));
  const size_t element_bytes = safetensors_dtype_bits(info->dtype) / 8;
  const unsigned char* begin = impl_->data + info->begin + first * element_bytes;
  CLIPRET_CHECK(convert_to_f32(info->dtype, begin, count, out), Unsupported,
                "%s: tensor '%s' has dtype %s; only F32, F16 and BF16 load", impl_->path.c_str(),
                name.c_str(), safetensors_dtype_name(info->dtype));
  // The mapped pages count in the process's RSS until dropped: without this a model is held
  // twice (file pages and the loaded copy) while it loads. Clean private pages are simply read
  // again from the file if the range is read again.
  const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto from_address = reinterpret_cast<uintptr_t>(begin);
  const auto to_address = reinterpret_cast<uintptr_t>(begin + count * element_bytes);
  const uintptr_t from = (from_address + page - 1) / page * page, to = to_address / page * page;
  if (to > from) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
}

}  // namespace clipret::model
