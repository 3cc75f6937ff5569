#include "index/index_trainer.h"

#include <faiss/Index.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/VectorTransform.h>

#include <algorithm>
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
#include "index/list_kmeans.h"
#include "index/opq_training.h"
#include "index/row_sample.h"
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

void train_transform(faiss::VectorTransform* transform, int64_t n, const float* x,
                     const TrainingRules& rules, bool verbose) {
  if (auto* opq = dynamic_cast<faiss::OPQMatrix*>(transform)) {
    train_opq_rotation(*opq, n, x,
                       {.rounds = rules.opq_rounds,
                        .max_rows = rules.opq_rows,
                        .first_round_pq_iterations = rules.opq_first_pq_iterations,
                        .verbose = verbose});
  } else {
    transform->train(n, x);
  }
}

// IndexIVF::train's two steps — the k-means of the lists, then the codebooks on the residuals —
// with the work the rules give each.
void train_ivf(faiss::IndexIVF* ivf, int64_t n, const float* x, const TrainingRules& rules,
               uint64_t seed, bool verbose) {
  auto stage = std::chrono::steady_clock::now();
  CLIPRET_LOG_INFO(
      "k-means of %zu lists over %lld vectors%s", ivf->nlist, static_cast<long long>(n),
      rules.two_level_min_lists > 0 && static_cast<int64_t>(ivf->nlist) >= rules.two_level_min_lists
          ? ", in two levels"
          : "");
  faiss::Index* quantizer = ivf->quantizer;
  const bool kmeans =
      ivf->quantizer_trains_alone != 1 &&
      !(quantizer->is_trained && quantizer->ntotal == faiss::Index::idx_t(ivf->nlist));
  if (kmeans) {
    std::vector<float> centroids;
    {
      const WideBlasForKmeans wide;
      const auto nlist = static_cast<int64_t>(ivf->nlist);
      centroids = train_list_centroids(
          x, n, ivf->d, nlist,
          {.max_iterations = rules.kmeans_iterations,
           .min_improvement = rules.kmeans_min_improvement,
           .two_level = rules.two_level_min_lists > 0 && nlist >= rules.two_level_min_lists,
           .spherical = ivf->cp.spherical,
           .seed = ivf->cp.seed});
    }
    // As IndexIVF::train_q1 fills the coarse quantizer (an HNSW over the centroids links them).
    quantizer->reset();
    if (!quantizer->is_trained) quantizer->train(ivf->nlist, centroids.data());
    quantizer->add(ivf->nlist, centroids.data());
    quantizer->is_trained = true;
  } else {
    ivf->train_q1(n, x, verbose, ivf->metric_type);
  }
  CLIPRET_LOG_INFO("k-means of %zu lists done in %.1f s", ivf->nlist, core::seconds_since(stage));

  // The PQ codebooks of an IVF-PQ (nothing for IVF-Flat), on a uniform subset of the sample.
  auto* ivfpq = dynamic_cast<faiss::IndexIVFPQ*>(ivf);
  if (ivfpq != nullptr) ivfpq->pq.cp.niter = rules.pq_iterations;
  if (ivfpq != nullptr && n > rules.pq_rows) {
    stage = std::chrono::steady_clock::now();
    CLIPRET_LOG_INFO("training the PQ codebooks (%zu x %d bits) on %lld residuals", ivfpq->pq.M,
                     static_cast<int>(ivfpq->pq.nbits), static_cast<long long>(rules.pq_rows));
    const std::vector<float> subset = random_rows(x, n, ivf->d, rules.pq_rows, seed);
    ivf->train_residual(rules.pq_rows, subset.data());
  } else {
    if (ivfpq != nullptr) {
      CLIPRET_LOG_INFO("training the PQ codebooks (%zu x %d bits) on %lld residuals", ivfpq->pq.M,
                       static_cast<int>(ivfpq->pq.nbits), static_cast<long long>(n));
    }
    ivf->train_residual(n, x);
  }
  if (ivfpq != nullptr) {
    CLIPRET_LOG_INFO("trained the PQ codebooks in %.1f s", core::seconds_since(stage));
  }
  ivf->is_trained = true;
}

}  // namespace

// Stage by stage, as faiss's IndexPreTransform::train does it (train a transform, apply it,
// train the next on its output), so that each stage — minutes at 1M rows — has its progress
// bar and its time in the log; with --verbose, faiss's own iteration lines follow on stderr.
IndexPtr train_new_index(const EmbeddingSource& source, const std::string& key, bool inner_product,
                         int64_t train_rows, uint64_t seed, const TrainingRules& rules) {
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
          train_transform(transform, train_rows, x, rules, verbose);
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
      train_ivf(ivf, train_rows, x, rules, seed, verbose);
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
