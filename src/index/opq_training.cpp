#include "index/opq_training.h"

#include <faiss/VectorTransform.h>
#include <faiss/impl/ProductQuantizer.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/progress_bar.h"

namespace clipret::index {

namespace {

// OPQMatrix::train pads its input with zeros when the output is wider (64 -> 96) and, when it
// is done, drops the rotation's columns for the padding. The next round expects them back:
// they only ever multiply the zero padding, so zeros restore exactly what that round computes.
void restore_padding_columns(faiss::OPQMatrix& opq) {
  const auto d_in = static_cast<size_t>(opq.d_in);
  const auto d_out = static_cast<size_t>(opq.d_out);
  if (d_out <= d_in) return;
  std::vector<float> padded(d_out * d_out, 0.0f);
  for (size_t row = 0; row < d_out; ++row) {
    std::copy_n(opq.A.data() + row * d_in, d_in, padded.data() + row * d_out);
  }
  opq.A = std::move(padded);
}

}  // namespace

void train_opq_rotation(faiss::OPQMatrix& opq, int64_t n, const float* x,
                        const OpqTrainingOptions& options) {
  CLIPRET_CHECK(options.rounds > 0, Internal, "OPQ training: no rounds");
  // faiss's default PQ for OPQ (8 bits per sub-quantizer), kept across the calls so that each
  // round hot-starts from the last codebooks, as inside one OPQMatrix::train.
  faiss::ProductQuantizer pq(opq.d_out, opq.M, 8);
  const int first_round_pq_iterations = options.first_round_pq_iterations;
  opq.pq = &pq;
  opq.niter = 1;
  opq.max_train_points = static_cast<size_t>(options.max_rows);
  opq.verbose = options.verbose;
  core::ProgressBar bar(
      {.label = "OPQ rotation " + std::to_string(opq.d_in) + " -> " + std::to_string(opq.d_out),
       .unit = "rounds",
       .total = static_cast<uint64_t>(options.rounds),
       .enabled = options.show_progress});
  try {
    for (int round = 0; round < options.rounds; ++round) {
      if (round > 0) restore_padding_columns(opq);
      opq.niter_pq_0 = round == 0 ? first_round_pq_iterations : opq.niter_pq;
      opq.train(n, x);
      bar.add(1);
    }
  } catch (...) {
    opq.pq = nullptr;
    throw;
  }
  opq.pq = nullptr;
  opq.niter = options.rounds;
  bar.finish();
}

}  // namespace clipret::index
