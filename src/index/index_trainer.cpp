#include "index/index_trainer.h"

#include <faiss/Index.h>

#include <chrono>
#include <vector>

#include "core/error.h"
#include "core/log.h"
#include "core/progress_bar.h"
#include "index/embedding_source.h"
#include "index/index_key.h"

namespace clipret::index {

IndexPtr train_new_index(const EmbeddingSource& source, const std::string& key, bool inner_product,
                         int64_t train_rows, uint64_t seed) {
  IndexPtr index = create_empty_index(key, source.dim(), inner_product);
  if (index->is_trained || train_rows <= 0) return index;
  const auto start = std::chrono::steady_clock::now();
  std::vector<float> sample(static_cast<size_t>(train_rows * source.dim()));
  if (train_rows >= source.rows()) {
    source.read_rows(0, source.rows(), sample.data());
    train_rows = source.rows();
  } else {
    source.read_rows_at(source.sample_ids(train_rows, seed), sample.data());
  }
  CLIPRET_LOG_INFO("training %s on %lld vectors of dimension %lld", key.c_str(),
                   static_cast<long long>(train_rows), static_cast<long long>(source.dim()));
  run_faiss("training the index", [&] { index->train(train_rows, sample.data()); });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CLIPRET_LOG_INFO("trained %s in %.1f s", key.c_str(), seconds);
  return index;
}

void add_embeddings(faiss::Index* index, const EmbeddingSource& source, int64_t begin, int64_t end,
                    const AddOptions& options) {
  CLIPRET_CHECK(options.batch_rows > 0, Internal, "add_embeddings: batch_rows must be positive");
  const int64_t d = source.dim();
  const int64_t batch = std::min(options.batch_rows, std::max<int64_t>(end - begin, 1));
  std::vector<float> rows(static_cast<size_t>(batch * d));
  std::vector<faiss::Index::idx_t> ids;
  core::ProgressBar bar({.label = options.label,
                         .unit = "vectors",
                         .total = static_cast<uint64_t>(end - begin),
                         .enabled = options.show_progress});
  for (int64_t first = begin; first < end; first += batch) {
    const int64_t last = std::min(end, first + batch);
    const int64_t count = last - first;
    source.read_rows(first, last, rows.data());
    if (options.with_global_ids) {
      ids.resize(static_cast<size_t>(count));
      for (int64_t i = 0; i < count; ++i) ids[i] = first + i;
      run_faiss("adding vectors", [&] { index->add_with_ids(count, rows.data(), ids.data()); });
    } else {
      run_faiss("adding vectors", [&] { index->add(count, rows.data()); });
    }
    bar.add(static_cast<uint64_t>(count));
  }
  bar.finish();
}

}  // namespace clipret::index
