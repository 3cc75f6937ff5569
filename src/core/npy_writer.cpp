#include "core/npy_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/float16.h"
#include "core/log.h"

namespace clipret::core {
namespace {

constexpr size_t kConvertChunkElements = size_t{1} << 16;  // float32 -> dtype staging buffer

void write_all(int fd, const void* data, size_t n, const std::string& name) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t wrote = ::write(fd, p, n);
    if (wrote < 0 && errno == EINTR) continue;
    CLIPRET_CHECK(wrote > 0, Io, "%s: write failed: %s", name.c_str(),
                  wrote < 0 ? std::strerror(errno) : "no progress");
    p += wrote;
    n -= static_cast<size_t>(wrote);
  }
}

void pwrite_all(int fd, const std::string& bytes, const std::string& name) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t wrote =
        ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (wrote < 0 && errno == EINTR) continue;
    CLIPRET_CHECK(wrote > 0, Io, "%s: header write failed: %s", name.c_str(),
                  wrote < 0 ? std::strerror(errno) : "no progress");
    done += static_cast<size_t>(wrote);
  }
}

}  // namespace

struct NpyWriter::Impl {
  std::string path;       // final name
  std::string temp_path;  // temporary_path_for(path): never matches a *.npy glob
  NpyDtype dtype = NpyDtype::kFloat32;
  std::vector<uint64_t> row_shape;
  bool scalar = false;  // a 0-d array (write_npy with an empty shape)
  uint64_t row_elements = 1;
  uint64_t rows = 0;
  size_t header_bytes = 0;
  int fd = -1;          // open until close(); -1 after
  bool broken = false;  // a write failed part-way: the row count no longer matches the bytes

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    if (fd >= 0) ::close(fd);
    if (!temp_path.empty()) ::unlink(temp_path.c_str());
  }

  std::vector<uint64_t> shape() const {
    if (scalar) return {};
    std::vector<uint64_t> out{rows};
    out.insert(out.end(), row_shape.begin(), row_shape.end());
    return out;
  }

  void check_open() const {
    CLIPRET_CHECK(fd >= 0, InvalidInput, "%s: the .npy writer is already closed", path.c_str());
    CLIPRET_CHECK(!broken, InvalidInput, "%s: an earlier write failed; the file is abandoned",
                  path.c_str());
  }

  // Writes raw row bytes; a failure leaves the writer broken, so close() cannot publish it.
  void write_rows(const void* data, size_t n) {
    broken = true;
    write_all(fd, data, n, temp_path);
    broken = false;
  }
};

NpyWriter::NpyWriter(const std::string& path, NpyDtype dtype, std::vector<uint64_t> row_shape)
    : NpyWriter(path, dtype, std::move(row_shape), false) {}

NpyWriter::NpyWriter(const std::string& path, NpyDtype dtype, std::vector<uint64_t> row_shape,
                     bool scalar)
    : impl_(std::make_unique<Impl>()) {
  Impl& w = *impl_;
  w.path = path;
  w.scalar = scalar;
  w.dtype = dtype;
  w.row_shape = std::move(row_shape);
  for (uint64_t dim : w.row_shape) {
    CLIPRET_CHECK(dim == 0 || w.row_elements <= UINT64_MAX / dim / npy_dtype_size(dtype),
                  InvalidInput, "%s: row shape %s overflows", path.c_str(),
                  npy_shape_repr(w.row_shape).c_str());
    w.row_elements *= dim;
  }

  w.fd = create_temporary_file(path, &w.temp_path);

  // The header is rewritten by close(); its length does not depend on the row count.
  const std::string header = format_npy_header(dtype, w.shape());
  w.header_bytes = header.size();
  write_all(w.fd, header.data(), header.size(), w.temp_path);
}

NpyWriter::~NpyWriter() {
  if (impl_ && impl_->fd >= 0) {
    CLIPRET_LOG_DEBUG("%s: writer dropped before close(); removing %s", impl_->path.c_str(),
                      impl_->temp_path.c_str());
  }
}
NpyWriter::NpyWriter(NpyWriter&& other) noexcept = default;
NpyWriter& NpyWriter::operator=(NpyWriter&& other) noexcept = default;

void NpyWriter::append_rows(const void* data, uint64_t n_rows) {
  Impl& w = *impl_;
  w.check_open();
  CLIPRET_CHECK(!w.scalar || w.rows + n_rows <= 1, InvalidInput,
                "%s: a 0-d array holds one element", w.path.c_str());
  const uint64_t row_bytes = w.row_elements * npy_dtype_size(w.dtype);
  CLIPRET_CHECK(row_bytes == 0 || n_rows <= SIZE_MAX / row_bytes, InvalidInput,
                "%s: %llu rows of %llu bytes overflow", w.path.c_str(),
                static_cast<unsigned long long>(n_rows),
                static_cast<unsigned long long>(row_bytes));
  w.write_rows(data, static_cast<size_t>(n_rows * row_bytes));
  w.rows += n_rows;
}

void NpyWriter::append_rows_f32(const float* data, uint64_t n_rows) {
  Impl& w = *impl_;
  w.check_open();
  CLIPRET_CHECK(w.row_elements == 0 || n_rows <= SIZE_MAX / w.row_elements, InvalidInput,
                "%s: %llu rows overflow", w.path.c_str(), static_cast<unsigned long long>(n_rows));
  const size_t count = static_cast<size_t>(n_rows * w.row_elements);
  switch (w.dtype) {
    case NpyDtype::kFloat32:
      append_rows(data, n_rows);
      return;
    case NpyDtype::kFloat16: {
      std::vector<uint16_t> buffer(std::min(count, kConvertChunkElements));
      for (size_t done = 0; done < count; done += buffer.size()) {
        const size_t n = std::min(buffer.size(), count - done);
        float32_to_float16(data + done, n, buffer.data());
        w.write_rows(buffer.data(), n * sizeof(uint16_t));
      }
      break;
    }
    case NpyDtype::kFloat64: {
      std::vector<double> buffer(std::min(count, kConvertChunkElements));
      for (size_t done = 0; done < count; done += buffer.size()) {
        const size_t n = std::min(buffer.size(), count - done);
        std::copy(data + done, data + done + n, buffer.begin());
        w.write_rows(buffer.data(), n * sizeof(double));
      }
      break;
    }
    case NpyDtype::kInt32:
    case NpyDtype::kInt64:
      CLIPRET_THROW(InvalidInput, "%s: cannot append float32 rows to a %s array", w.path.c_str(),
                    npy_dtype_name(w.dtype));
  }
  w.rows += n_rows;
}

void NpyWriter::close() {
  Impl& w = *impl_;
  w.check_open();
  const std::string header = format_npy_header(w.dtype, w.shape());
  CLIPRET_CHECK(header.size() == w.header_bytes, Internal,
                "%s: .npy header length changed from %zu to %zu bytes", w.path.c_str(),
                w.header_bytes, header.size());
  pwrite_all(w.fd, header, w.temp_path);
  // Flush before the rename so that after a crash the final name never points at missing data.
  CLIPRET_CHECK(::fsync(w.fd) == 0, Io, "%s: fsync failed: %s", w.temp_path.c_str(),
                std::strerror(errno));
  const int fd = w.fd;
  w.fd = -1;
  CLIPRET_CHECK(::close(fd) == 0, Io, "%s: close failed: %s", w.temp_path.c_str(),
                std::strerror(errno));
  rename_into_place(w.temp_path, w.path);
  w.temp_path.clear();
}

uint64_t NpyWriter::rows() const {
  return impl_->rows;
}
uint64_t NpyWriter::row_elements() const {
  return impl_->row_elements;
}
const std::string& NpyWriter::path() const {
  return impl_->path;
}

void write_npy(const std::string& path, NpyDtype dtype, const std::vector<uint64_t>& shape,
               const void* data) {
  if (shape.empty()) {
    NpyWriter writer(path, dtype, {}, true);
    writer.append_rows(data, 1);
    writer.close();
    return;
  }
  NpyWriter writer(path, dtype, std::vector<uint64_t>(shape.begin() + 1, shape.end()));
  writer.append_rows(data, shape[0]);
  writer.close();
}

}  // namespace clipret::core
