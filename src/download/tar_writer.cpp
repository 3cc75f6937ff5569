#include "download/tar_writer.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/atomic_file.h"
#include "core/error.h"

namespace clipret::download {
namespace {

constexpr size_t kBlock = 512;
constexpr size_t kRecord = 20 * kBlock;  // tarfile's RECORDSIZE: archives end on a record

// A NUL-terminated, zero-padded octal field of `width` bytes, as tarfile's itn() writes it.
void put_octal(char* field, size_t width, uint64_t value) {
  for (size_t i = width - 1; i-- > 0;) {
    field[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  field[width - 1] = '\0';
}

void put_text(char* field, size_t width, std::string_view text) {
  std::memcpy(field, text.data(), std::min(text.size(), width));
}

}  // namespace

TarWriter::TarWriter(std::string final_path) : final_path_(std::move(final_path)) {
  const int fd = core::create_temporary_file(final_path_, &temporary_);
  file_.reset(::fdopen(fd, "wb"));
  if (!file_) {
    const int error = errno;
    ::close(fd);
    std::remove(temporary_.c_str());
    CLIPRET_THROW(Io, "%s: cannot open for writing: %s", temporary_.c_str(), std::strerror(error));
  }
}

TarWriter::~TarWriter() {
  file_.reset();
  if (!temporary_.empty()) std::remove(temporary_.c_str());
}

void TarWriter::write_bytes(const void* data, size_t size) {
  if (size > 0 && std::fwrite(data, 1, size, file_.get()) != size) {
    CLIPRET_THROW(Io, "%s: write failed: %s", temporary_.c_str(), std::strerror(errno));
  }
}

void TarWriter::add(std::string_view name, std::string_view data, const TarMemberOptions& options) {
  CLIPRET_CHECK(!name.empty() && name.size() <= 100, InvalidInput,
                "%s: tar member name '%.*s' must be 1 to 100 bytes", final_path_.c_str(),
                static_cast<int>(name.size()), name.data());
  CLIPRET_CHECK(data.size() < (uint64_t{1} << 33), InvalidInput,
                "%s: tar member '%.*s' of %zu bytes is too large for USTAR", final_path_.c_str(),
                static_cast<int>(name.size()), name.data(), data.size());
  CLIPRET_CHECK(file_ != nullptr, Internal, "%s: add after close", final_path_.c_str());
  char header[kBlock] = {};
  put_text(header, 100, name);
  put_octal(header + 100, 8, options.mode);
  put_octal(header + 108, 8, 0);  // uid
  put_octal(header + 116, 8, 0);  // gid
  put_octal(header + 124, 12, data.size());
  put_octal(header + 136, 12, static_cast<uint64_t>(std::max<int64_t>(options.mtime, 0)));
  header[156] = '0';  // regular file
  std::memcpy(header + 257,
              "ustar\0"
              "00",
              8);
  put_text(header + 265, 31, options.user);
  put_text(header + 297, 31, options.user);
  // devmajor and devminor stay NUL: Python's tarfile fills them only for device entries.
  // The checksum is taken with its own field as spaces, then stored as 6 digits, NUL, space.
  std::memset(header + 148, ' ', 8);
  uint64_t checksum = 0;
  for (unsigned char c : header) checksum += c;
  put_octal(header + 148, 7, checksum);
  write_bytes(header, kBlock);
  write_bytes(data.data(), data.size());
  const char zeros[kBlock] = {};
  write_bytes(zeros, (kBlock - data.size() % kBlock) % kBlock);
}

void TarWriter::close() {
  CLIPRET_CHECK(file_ != nullptr, Internal, "%s: closed twice", final_path_.c_str());
  const long end = std::ftell(file_.get());
  CLIPRET_CHECK(end >= 0, Io, "%s: ftell failed: %s", temporary_.c_str(), std::strerror(errno));
  // Two zero blocks end the archive; tarfile then pads to a whole record.
  const size_t size = static_cast<size_t>(end) + 2 * kBlock;
  const size_t padded = (size + kRecord - 1) / kRecord * kRecord;
  const std::string zeros(padded - static_cast<size_t>(end), '\0');
  write_bytes(zeros.data(), zeros.size());
  std::FILE* file = file_.release();
  if (std::fclose(file) != 0) {
    CLIPRET_THROW(Io, "%s: close failed: %s", temporary_.c_str(), std::strerror(errno));
  }
  core::rename_into_place(temporary_, final_path_);
  temporary_.clear();
}

}  // namespace clipret::download
