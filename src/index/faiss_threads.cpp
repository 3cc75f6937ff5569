#include "index/faiss_threads.h"

#include <cblas.h>
#include <omp.h>

namespace clipret::index {

void set_faiss_threads(int threads) {
  omp_set_num_threads(threads);
  openblas_set_num_threads(1);
}

WideBlasForKmeans::WideBlasForKmeans() {
  openblas_set_num_threads(omp_get_max_threads());
}

WideBlasForKmeans::~WideBlasForKmeans() {
  openblas_set_num_threads(1);
}

}  // namespace clipret::index
