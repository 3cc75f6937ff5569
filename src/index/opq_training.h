// index/opq_training.h: an OPQ rotation trained round by round (faiss's algorithm, a progress
// bar with an estimate, and the round count of the training rules).
#pragma once

#include <cstdint>

namespace faiss {
struct OPQMatrix;
}

namespace clipret::index {

struct OpqTrainingOptions {
  int rounds = 50;           // outer iterations: PQ on the rotated rows, then a new rotation
  int64_t max_rows = 65536;  // faiss's OPQMatrix::max_train_points
  int first_round_pq_iterations = 40;  // faiss's OPQMatrix::niter_pq_0
  bool show_progress = true;
  bool verbose = false;  // faiss's own lines (stdout, diverted by the caller)
};

// Trains `opq` on the n rows `x` (its input dimension). The result is what faiss's
// OPQMatrix::train gives with niter = rounds: the same steps, one call per round, the rotation
// and the hot-started product quantizer carried from one call to the next.
void train_opq_rotation(faiss::OPQMatrix& opq, int64_t n, const float* x,
                        const OpqTrainingOptions& options);

}  // namespace clipret::index
