#include "core/error.h"
#include "core/stream.h"
#include "data/webdataset_reader.h"
#include "inference/sample_source.h"

namespace clipret::inference {
namespace {

class WebdatasetSource final : public SampleSource {
 public:
  WebdatasetSource(std::vector<std::string> shards, SourceParts parts, std::string image_key,
                   std::string caption_key, ShardErrorCallback on_shard_error)
      : shards_(std::move(shards)),
        parts_(parts),
        image_key_(std::move(image_key)),
        caption_key_(std::move(caption_key)),
        on_shard_error_(std::move(on_shard_error)) {}

  std::optional<RawSample> next() override {
    while (true) {
      if (!reader_ && !open_next_shard()) return std::nullopt;
      std::optional<data::Sample> sample = reader_->next();
      if (sample) return convert(*sample);
      if (reader_->error()) on_shard_error_(reader_->error()->to_string());
      reader_.reset();
    }
  }

 private:
  bool open_next_shard() {
    while (next_shard_ < shards_.size()) {
      const std::string& shard = shards_[next_shard_++];
      try {
        reader_ = std::make_unique<data::WebdatasetReader>(core::open_input_stream(shard));
        return true;
      } catch (const Error& e) {
        // A missing or unreadable shard is one broken shard, not the end of the job.
        on_shard_error_(e.what());
      }
    }
    return false;
  }

  RawSample convert(data::Sample& sample) {
    RawSample raw;
    raw.image_path = sample.key;
    auto take = [&](const std::string& key, std::string& out, const char* reason) {
      if (std::string* member = sample.find_first(key)) {
        out = std::move(*member);
      } else if (raw.skip_reason.empty()) {
        raw.skip_reason = reason;
      }
    };
    if (parts_.image) take(image_key_, raw.image_bytes, "no image member");
    if (parts_.text) take(caption_key_, raw.caption, "no caption member");
    if (parts_.metadata) take("json", raw.metadata_json, "no json member");
    return raw;
  }

  std::vector<std::string> shards_;
  SourceParts parts_;
  std::string image_key_;
  std::string caption_key_;
  ShardErrorCallback on_shard_error_;
  size_t next_shard_ = 0;
  std::unique_ptr<data::WebdatasetReader> reader_;
};

}  // namespace

std::unique_ptr<SampleSource> make_webdataset_source(std::vector<std::string> shards,
                                                     SourceParts parts, std::string image_key,
                                                     std::string caption_key,
                                                     ShardErrorCallback on_shard_error) {
  return std::make_unique<WebdatasetSource>(std::move(shards), parts, std::move(image_key),
                                            std::move(caption_key), std::move(on_shard_error));
}

}  // namespace clipret::inference
