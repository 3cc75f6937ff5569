#include "index/faiss_threads.h"

namespace clipret::index {

void set_faiss_threads(int threads) {
  core::configure_compute_threads({.blas = 1, .openmp = threads});
}

WideBlasForKmeans::WideBlasForKmeans() : blas_(core::configured_compute_threads().openmp) {}

}  // namespace clipret::index
