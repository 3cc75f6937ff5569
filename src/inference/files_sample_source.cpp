#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "core/file_open.h"
#include "inference/sample_source.h"

namespace clipret::inference {
namespace {

// The whole file. The listing was made when the run started: by now a file may have vanished,
// been replaced by a folder or become unreadable, which throws Error naming the file (the
// sample is then skipped and counted, never read as empty).
std::string read_sample_file(const std::string& path) {
  uint64_t size = 0;
  const int fd = core::open_for_reading(path, &size);
  std::string out;
  out.reserve(static_cast<size_t>(size));
  char chunk[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      throw Error(ErrorKind::kIo, path + ": read failed: " + std::strerror(error));
    }
    out.append(chunk, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

class FilesSource final : public SampleSource {
 public:
  FilesSource(std::vector<data::FileSample> samples, SourceParts parts)
      : samples_(std::move(samples)), parts_(parts) {}

  std::optional<RawSample> next() override {
    if (position_ == samples_.size()) return std::nullopt;
    const data::FileSample& s = samples_[position_++];
    RawSample raw;
    // The original's image_path is the image file's path (spec §1.4); text-only runs have none.
    raw.image_path = s.image_path.value_or(s.key);
    auto load = [&](const std::optional<std::string>& path, std::string& out) {
      if (!path || !raw.skip_reason.empty()) return;
      try {
        out = read_sample_file(*path);
      } catch (const Error& e) {
        raw.skip_reason = "unreadable file";
        raw.skip_detail = e.what();
      }
    };
    if (parts_.image) load(s.image_path, raw.image_bytes);
    if (parts_.text) load(s.caption_path, raw.caption);
    if (parts_.metadata) load(s.metadata_path, raw.metadata_json);
    return raw;
  }

 private:
  std::vector<data::FileSample> samples_;
  SourceParts parts_;
  size_t position_ = 0;
};

}  // namespace

std::unique_ptr<SampleSource> make_files_source(std::vector<data::FileSample> samples,
                                                SourceParts parts) {
  return std::make_unique<FilesSource>(std::move(samples), parts);
}

}  // namespace clipret::inference
