#include "download/image_spill.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/atomic_file.h"
#include "core/error.h"

namespace clipret::download {

ImageSpill::ImageSpill(const std::string& final_path) {
  fd_ = core::create_temporary_file(final_path, &path_);
  // The temporary is opened write-only; reading back needs a descriptor of its own.
  read_fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (read_fd_ < 0) {
    const int error = errno;
    ::close(fd_);
    ::unlink(path_.c_str());
    CLIPRET_THROW(Io, "%s: cannot open for reading: %s", path_.c_str(), std::strerror(error));
  }
}

ImageSpill::~ImageSpill() {
  ::close(read_fd_);
  ::close(fd_);
  ::unlink(path_.c_str());
}

uint64_t ImageSpill::append(std::string_view bytes) {
  const uint64_t offset = size_;
  for (size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    CLIPRET_CHECK(n > 0, Io, "%s: write failed: %s", path_.c_str(), std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  size_ += bytes.size();
  return offset;
}

std::string ImageSpill::read(uint64_t offset, size_t size) const {
  std::string bytes(size, '\0');
  for (size_t done = 0; done < size;) {
    const ssize_t n =
        ::pread(read_fd_, bytes.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    CLIPRET_CHECK(n > 0, Io, "%s: read failed: %s", path_.c_str(),
                  n == 0 ? "unexpected end of file" : std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return bytes;
}

}  // namespace clipret::download
