// inference/batch_embedder.h: collects prepared samples into batches, embeds them with the
// model, L2-normalises the rows and hands them to the partition writer (spec §1.6).
#pragma once

#include <cstddef>
#include <vector>

#include "data/partition_writer.h"
#include "inference/sample_preparer.h"

namespace clipret::model {
class ClipModel;
class SentenceEncoder;
}  // namespace clipret::model

namespace clipret::inference {

// The models of a run, borrowed: CLIP embeds images, and texts unless `mclip` is set
// (--use_mclip), which then embeds the texts from the multilingual tokenizer's ids.
struct EmbeddingModels {
  model::ClipModel* clip = nullptr;
  model::SentenceEncoder* mclip = nullptr;
};

class BatchEmbedder {
 public:
  // The models and `writer` are borrowed for the embedder's lifetime.
  BatchEmbedder(EmbeddingModels models, data::PartitionWriter& writer,
                const data::PartitionWriterOptions& parts, size_t batch_size);

  // Queues one usable sample; embeds and writes the batch when it is full.
  void add(PreparedSample sample);
  // Embeds and writes what is queued (the partition's last, short batch).
  void flush();

  double model_seconds() const { return model_seconds_; }
  double write_seconds() const { return write_seconds_; }

 private:
  void embed_texts(size_t n);

  EmbeddingModels models_;
  data::PartitionWriter& writer_;
  bool image_;
  bool text_;
  size_t batch_size_;
  std::vector<PreparedSample> batch_;
  std::vector<float> pixels_;
  std::vector<int32_t> tokens_;
  std::vector<std::vector<int32_t>> mclip_ids_;
  std::vector<float> image_out_;
  std::vector<float> text_out_;
  double model_seconds_ = 0;
  double write_seconds_ = 0;
};

}  // namespace clipret::inference
