#include <fstream>
#include <iterator>

#include "inference/sample_source.h"

namespace clipret::inference {
namespace {

bool read_whole_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
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
      if (path && raw.skip_reason.empty() && !read_whole_file(*path, out)) {
        raw.skip_reason = "unreadable file";
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
