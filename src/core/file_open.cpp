#include "core/file_open.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace clipret::core {

int open_for_reading(const std::string& path, uint64_t* size, bool regular_only) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    CLIPRET_CHECK(err != ENOENT, NotFound, "%s: no such file", path.c_str());
    CLIPRET_THROW(Io, "%s: cannot open: %s", path.c_str(), std::strerror(err));
  }
  struct stat st {};
  const bool stat_ok = ::fstat(fd, &st) == 0;
  const bool usable = stat_ok && !S_ISDIR(st.st_mode) && (!regular_only || S_ISREG(st.st_mode));
  if (!usable) {
    const int err = errno;
    ::close(fd);
    CLIPRET_CHECK(stat_ok, Io, "%s: cannot stat: %s", path.c_str(), std::strerror(err));
    CLIPRET_THROW(
        Io, "%s: %s", path.c_str(),
        S_ISDIR(st.st_mode) ? "not a regular file: is a directory" : "not a regular file");
  }
  *size = static_cast<uint64_t>(st.st_size);
  return fd;
}

}  // namespace clipret::core
