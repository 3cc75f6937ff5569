#include "download/image_spill.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/atomic_file.h"
#include "core/error.h"

namespace clipret::download {

ImageSpill::ImageSpill(const std::string& final_path) {
  fd_ = core::create_temporary_file(final_path, &path_);
}

ImageSpill::~ImageSpill() {
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
        ::pread(fd_, bytes.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    CLIPRET_CHECK(n > 0, Io, "%s: read failed: %s", path_.c_str(),
                  n == 0 ? "unexpected end of file" : std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return bytes;
}

}  // namespace clipret::download
