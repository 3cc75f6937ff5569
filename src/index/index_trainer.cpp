#include "index/index_trainer.h"

#include <faiss/Index.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/VectorTransform.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/log.h"
#include "core/progress_bar.h"
#include "core/stopwatch.h"
#include "index/embedding_source.h"
#include "index/faiss_threads.h"
#include "index/index_key.h"
#include "index/stdout_diverted.h"

namespace clipret::index {

namespace {

std::string describe(const faiss::VectorTransform& transform) {
  const char* kind = dynamic_cast<const faiss::OPQMatrix*>(&transform)   ? "OPQ rotation"
                     : dynamic_cast<const faiss::PCAMatrix*>(&transform) ? "PCA"
                                                                         : "transform";
  return std::string(kind) + " " + std::to_string(transform.d_in) + " -> " +
         std::to_string(transform.d_out) + " dimensions";
}

}  // namespace

// Stage by stage, as faiss's IndexPreTransform::train does it (train a transform, apply it,
// train the next on its output), so that each stage — minutes to an hour at 1M rows — is
// announced and timed; with --verbose, faiss's own iteration lines follow on stderr.
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
  const bool verbose = StdoutDiverted::faiss_verbose();
  run_faiss("training the index", [&] {
    const StdoutDiverted faiss_progress;
    faiss::Index* target = index.get();
    const float* x = sample.data();
    std::unique_ptr<float[]> transformed;
    if (auto* pre = dynamic_cast<faiss::IndexPreTransform*>(target)) {
      for (faiss::VectorTransform* transform : pre->chain) {
        if (!transform->is_trained) {
          const auto stage = std::chrono::steady_clock::now();
          CLIPRET_LOG_INFO("training the %s", describe(*transform).c_str());
          if (auto* opq = dynamic_cast<faiss::OPQMatrix*>(transform)) opq->verbose = verbose;
          transform->train(train_rows, x);
          CLIPRET_LOG_INFO("trained the %s in %.1f s", describe(*transform).c_str(),
                           core::seconds_since(stage));
        }
        transformed.reset(transform->apply(train_rows, x));
        x = transformed.get();
        // The raw sample is not needed past the first transform: give its memory back.
        std::vector<float>().swap(sample);
      }
      target = pre->index;
    }
    target->verbose = verbose;
    if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(target)) {
      // IndexIVF::train's two steps, so the k-means alone gets every core for its sgemm.
      auto stage = std::chrono::steady_clock::now();
      CLIPRET_LOG_INFO("k-means of %zu lists over %lld vectors", ivf->nlist,
                       static_cast<long long>(train_rows));
      {
        const WideBlasForKmeans wide;
        ivf->train_q1(train_rows, x, verbose, ivf->metric_type);
      }
      CLIPRET_LOG_INFO("k-means of %zu lists done in %.1f s", ivf->nlist,
                       core::seconds_since(stage));
      // Trains the PQ codebooks of an IVF-PQ; nothing for IVF-Flat.
      const bool has_codebooks = dynamic_cast<faiss::IndexIVFPQ*>(ivf) != nullptr;
      stage = std::chrono::steady_clock::now();
      if (has_codebooks) CLIPRET_LOG_INFO("training the PQ codebooks on the residuals");
      ivf->train_residual(train_rows, x);
      if (has_codebooks) {
        CLIPRET_LOG_INFO("trained the PQ codebooks in %.1f s", core::seconds_since(stage));
      }
      ivf->is_trained = true;
    } else {
      target->train(train_rows, x);
    }
    target->verbose = false;
    index->is_trained = true;
  });
  CLIPRET_LOG_INFO("trained %s in %.1f s", key.c_str(), core::seconds_since(start));
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
