#include "core/npy_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "core/error.h"
#include "core/file_open.h"
#include "core/float16.h"

namespace clipret::core {

// Owns the fd-less mapping of the whole file.
struct NpyReader::Impl {
  std::string path;
  NpyHeader header;
  const unsigned char* base = nullptr;  // start of the mapping; null for an empty mapping
  size_t mapped_bytes = 0;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    if (base != nullptr) ::munmap(const_cast<unsigned char*>(base), mapped_bytes);
  }
};

namespace {

// Closes an fd on every path out of open().
struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

}  // namespace

NpyReader::NpyReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NpyReader::NpyReader(NpyReader&& other) noexcept = default;
NpyReader& NpyReader::operator=(NpyReader&& other) noexcept = default;
NpyReader::~NpyReader() = default;

NpyReader NpyReader::open(const std::string& path) {
  uint64_t file_size = 0;
  const int fd = open_for_reading(path, &file_size);
  FdCloser closer{fd};

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->mapped_bytes = static_cast<size_t>(file_size);
  if (impl->mapped_bytes > 0) {
    void* base = ::mmap(nullptr, impl->mapped_bytes, PROT_READ, MAP_PRIVATE, fd, 0);
    CLIPRET_CHECK(base != MAP_FAILED, Io, "%s: cannot mmap %zu bytes: %s", path.c_str(),
                  impl->mapped_bytes, std::strerror(errno));
    impl->base = static_cast<const unsigned char*>(base);
  }
  const std::string_view bytes(reinterpret_cast<const char*>(impl->base), impl->mapped_bytes);
  impl->header = parse_npy_header(bytes, path);
  const NpyHeader& h = impl->header;
  const uint64_t available = impl->mapped_bytes - h.data_offset;
  CLIPRET_CHECK(h.data_bytes <= available, Corrupt,
                "%s: truncated .npy data: shape %s of %s needs %llu bytes, the file holds %llu "
                "after the header",
                path.c_str(), npy_shape_repr(h.shape).c_str(), npy_dtype_name(h.dtype),
                static_cast<unsigned long long>(h.data_bytes),
                static_cast<unsigned long long>(available));
  return NpyReader(std::move(impl));
}

const std::string& NpyReader::path() const {
  return impl_->path;
}
const NpyHeader& NpyReader::header() const {
  return impl_->header;
}

uint64_t NpyReader::rows() const {
  const auto& shape = impl_->header.shape;
  return shape.empty() ? 1 : shape[0];
}

uint64_t NpyReader::row_elements() const {
  const auto& shape = impl_->header.shape;
  uint64_t n = 1;
  for (size_t i = 1; i < shape.size(); ++i) n *= shape[i];  // no overflow: checked at open
  return n;
}

const void* NpyReader::data() const {
  if (impl_->base == nullptr) return nullptr;
  return impl_->base + impl_->header.data_offset;
}

const void* NpyReader::row(uint64_t r) const {
  CLIPRET_CHECK(r < rows(), InvalidInput, "%s: row %llu out of range (%llu rows)",
                impl_->path.c_str(), static_cast<unsigned long long>(r),
                static_cast<unsigned long long>(rows()));
  return static_cast<const unsigned char*>(data()) + r * row_bytes();
}

void NpyReader::read_rows_f32(uint64_t begin, uint64_t end, float* out) const {
  CLIPRET_CHECK(begin <= end && end <= rows(), InvalidInput,
                "%s: row range [%llu, %llu) out of range (%llu rows)", impl_->path.c_str(),
                static_cast<unsigned long long>(begin), static_cast<unsigned long long>(end),
                static_cast<unsigned long long>(rows()));
  const uint64_t count = (end - begin) * row_elements();
  if (count == 0) return;
  const auto* src = static_cast<const unsigned char*>(data()) + begin * row_bytes();
  // memcpy per element: the data of a file from an old writer need not be aligned.
  switch (dtype()) {
    case NpyDtype::kFloat32:
      std::memcpy(out, src, count * sizeof(float));
      return;
    case NpyDtype::kFloat16:
      for (uint64_t i = 0; i < count; ++i) {
        uint16_t bits;
        std::memcpy(&bits, src + i * sizeof(bits), sizeof(bits));
        out[i] = float16_to_float32(bits);
      }
      return;
    case NpyDtype::kFloat64:
      for (uint64_t i = 0; i < count; ++i) {
        double value;
        std::memcpy(&value, src + i * sizeof(value), sizeof(value));
        out[i] = static_cast<float>(value);
      }
      return;
    case NpyDtype::kInt32:
    case NpyDtype::kInt64:
      break;
  }
  CLIPRET_THROW(Unsupported, "%s: cannot read %s data as float32 rows", impl_->path.c_str(),
                npy_dtype_name(dtype()));
}

void NpyReader::release_rows(uint64_t begin, uint64_t end) const {
  if (impl_->base == nullptr || begin >= end) return;
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  const uint64_t first = impl_->header.data_offset + std::min(begin, rows()) * row_bytes();
  const uint64_t last = impl_->header.data_offset + std::min(end, rows()) * row_bytes();
  // Whole pages only: a page shared with rows outside the range stays.
  const uint64_t from = (first + page - 1) / page * page;
  const uint64_t to = std::min<uint64_t>(last, impl_->mapped_bytes) / page * page;
  if (from >= to) return;
  // Advice only: a failure leaves the pages resident, which is harmless.
  ::madvise(const_cast<unsigned char*>(impl_->base) + from, to - from, MADV_DONTNEED);
}

}  // namespace clipret::core
