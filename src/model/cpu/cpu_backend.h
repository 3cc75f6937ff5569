// model/cpu/cpu_backend.h: the Backend on the CPU: OpenBLAS sgemm for every matrix product,
// plain loops for the rest.
//
// Non-gemm ops run on the calling thread: they are a few percent of the work, and a second
// thread pool would fight OpenBLAS's for the cores. OpenBLAS's thread count is process-wide and
// is changed only by set_blas_threads().
#pragma once

#include <string>

#include "model/backend.h"

namespace clipret::model {

class CpuBackend : public Backend {
 public:
  CpuBackend();

  const char* name() const override { return name_.c_str(); }
  Buffer alloc(size_t size) override;
  void upload(const float* host, size_t count, Buffer& dst, size_t offset) override;
  void download(const Buffer& src, size_t offset, size_t count, float* host) override;
  void synchronize() override {}

  void gemm(Transpose trans_a, Transpose trans_b, size_t m, size_t n, size_t k, float alpha,
            const float* a, size_t lda, const float* b, size_t ldb, float beta, float* c,
            size_t ldc) override;
  void layer_norm(const float* x, size_t rows, size_t width, const float* gamma, const float* beta,
                  float eps, float* y) override;
  void copy(const float* src, size_t count, float* dst) override;
  void add_bias(float* x, size_t rows, size_t width, const float* bias) override;
  void add_broadcast(float* x, size_t batch, size_t count, const float* y) override;
  void activate(float* x, size_t count, Activation activation) override;
  void attention(const float* qkv, size_t batch, size_t seq, size_t heads, size_t head_dim,
                 bool causal, float* out) override;
  void gather_rows(const float* table, size_t table_rows, size_t width, const int32_t* rows,
                   size_t count, float* out) override;
  void im2col(const float* images, size_t n, size_t channels, size_t size, size_t patch,
              float* out) override;

 private:
  std::string name_;
};

// Sets OpenBLAS's (process-wide) thread count; threads <= 0 leaves it as it is. The only place
// the library changes it.
void set_blas_threads(int threads);
// OpenBLAS's current thread count.
int blas_threads();

}  // namespace clipret::model
