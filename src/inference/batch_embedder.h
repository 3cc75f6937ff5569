// inference/batch_embedder.h: collects prepared samples into batches, embeds them with the
// model, L2-normalises the rows and hands them to the partition writer (spec §1.6).
#pragma once

#include <cstddef>
#include <vector>

#include "data/partition_writer.h"
#include "inference/sample_preparer.h"

namespace clipret::model {
class ClipModel;
}

namespace clipret::inference {

class BatchEmbedder {
 public:
  // `model` and `writer` are borrowed for the embedder's lifetime.
  BatchEmbedder(model::ClipModel& model, data::PartitionWriter& writer,
                const data::PartitionWriterOptions& parts, size_t batch_size);

  // Queues one usable sample; embeds and writes the batch when it is full.
  void add(PreparedSample sample);
  // Embeds and writes what is queued (the partition's last, short batch).
  void flush();

  double model_seconds() const { return model_seconds_; }
  double write_seconds() const { return write_seconds_; }

 private:
  model::ClipModel& model_;
  data::PartitionWriter& writer_;
  bool image_;
  bool text_;
  size_t batch_size_;
  std::vector<PreparedSample> batch_;
  std::vector<float> pixels_;
  std::vector<int32_t> tokens_;
  std::vector<float> image_out_;
  std::vector<float> text_out_;
  double model_seconds_ = 0;
  double write_seconds_ = 0;
};

}  // namespace clipret::inference
