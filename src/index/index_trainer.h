// index/index_trainer.h: train an empty index on a sample, then add vectors batch by batch.
#pragma once

#include <cstdint>
#include <string>

#include "index/faiss_index.h"
#include "index/training_rules.h"

namespace clipret::index {

class EmbeddingSource;

// An empty index for `key`, trained (when the key needs it) on `train_rows` rows drawn
// uniformly from `source` with `seed` (autofaiss takes the first rows, which is biased when
// files are ordered by anything; quirk, autofaiss-notes §7.4). The sample is freed on return.
// Each stage does the work `rules` give it (training_rules(key) unless a benchmark compares),
// with a progress bar and its time in the log.
IndexPtr train_new_index(const EmbeddingSource& source, const std::string& key, bool inner_product,
                         int64_t train_rows, uint64_t seed, const TrainingRules& rules);

struct AddOptions {
  int64_t batch_rows = 65536;  // rows converted to float32 and added per faiss call
  // Store the global row ids explicitly (add_with_ids): parts of a distributed build. Otherwise
  // ids are implicit and sequential, starting at the index's current count.
  bool with_global_ids = false;
  bool show_progress = true;
  std::string label = "adding";  // progress bar label
};

// Adds the global rows [begin, end) of `source` to `index`.
void add_embeddings(faiss::Index* index, const EmbeddingSource& source, int64_t begin, int64_t end,
                    const AddOptions& options);

}  // namespace clipret::index
