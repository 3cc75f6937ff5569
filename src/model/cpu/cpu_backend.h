// model/cpu/cpu_backend.h: the Backend on the CPU: OpenBLAS sgemm for the matrix products,
// except products of a few rows (a text query) by a Linear weight, which run on this project's
// kernels (model/cpu/small_gemm.h); plain loops for the rest.
//
// Non-gemm ops run on the calling thread: they are a few percent of the work, and a second
// thread pool would fight OpenBLAS's for the cores. The small-row products run on the backend's
// own threads (CpuBackendOptions::threads: a pool of their own, model/cpu/worker_pool.h, idle
// while OpenBLAS works), so two backends in one process never change each other's setting.
// OpenBLAS's count is process-wide: the command sets it (core/compute_threads.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "model/backend.h"

namespace clipret::model {

namespace cpu {
struct SmallGemmKernel;
struct SmallGemmBf16Kernel;
struct SmallGemmInt8Kernel;
class WorkerPool;
}  // namespace cpu

struct CpuBackendOptions {
  // gemm(kNo, kYes, m <= the kernel's max_rows, n, k >= 256), x W^T with few rows, runs on the
  // small-row kernel when the CPU has AVX-512 or AVX2 (OpenBLAS 0.3.21 copies every weight into
  // panels it then uses for 12 rows only). false: every product goes to OpenBLAS (to compare).
  bool small_gemm = true;
  // Threads of the products the backend runs itself (the small-row kernel), the caller's
  // included; 0: every available core. A lone text query's products split well over 2 cores
  // (8.2 ms vs 12.2 ms on one: bench/RESULTS.md).
  int threads = 0;
  // The blocks' Linear weights: fp32, or bfloat16 (half the memory). With AVX-512 BF16 the
  // products are bfloat16's (activations rounded to bfloat16, sums in fp32: twice the fp32
  // rate); on other x86-64 CPUs the weights are widened to fp32 in registers (memory halved,
  // fp32 products), said once in the log.
  WeightPrecision precision = WeightPrecision::kFp32;
  // With bf16: the kernel by name ("avx512bf16", "avx512", "avx2": one of
  // supported_small_gemm_bf16_kernels(), so tests run each); empty: the fastest.
  std::string bf16_kernel = "";
  // With int8: the kernel by name ("avx512vnni", "avx2": one of
  // supported_small_gemm_int8_kernels()); empty: the fastest. Without any (not x86-64), the
  // int8 weights are widened to fp32 for OpenBLAS (weight-only quantisation), said in the log.
  std::string int8_kernel = "";
};

class CpuBackend : public Backend {
 public:
  explicit CpuBackend(CpuBackendOptions options = {});
  ~CpuBackend() override;

  const char* name() const override { return name_.c_str(); }
  // Changes CpuBackendOptions::threads (benchmarks compare counts on one loaded model). Not
  // during a call on this backend.
  void set_threads(int threads);
  Buffer alloc(size_t size) override;
  void upload(const float* host, size_t count, Buffer& dst, size_t offset) override;
  void download(const Buffer& src, size_t offset, size_t count, float* host) override;
  void synchronize() override {}

  void gemm(Transpose trans_a, Transpose trans_b, size_t m, size_t n, size_t k, float alpha,
            const float* a, size_t lda, const float* b, size_t ldb, float beta, float* c,
            size_t ldc) override;
  void gemm_weight(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                   const LinearWeight& w, float beta, float* c, size_t ldc) override;
  // bf16: rounds the weight to bfloat16 (nearest even); int8: quantises it per output row
  // (model/cpu/int8_quantize.h); either releases the fp32 copy.
  void convert_linear_weight(LinearWeight& w, size_t out, size_t in) override;
  void layer_norm(const float* x, size_t rows, size_t width, const float* gamma, const float* beta,
                  float eps, float* y) override;
  void copy(const float* src, size_t count, float* dst) override;
  void add_bias(float* x, size_t rows, size_t width, const float* bias) override;
  void add_broadcast(float* x, size_t batch, size_t count, const float* y) override;
  void activate(float* x, size_t count, Activation activation) override;
  void attention(const float* qkv, size_t batch, size_t seq, size_t heads, size_t head_dim,
                 bool causal, float* out) override;
  // One task per (sequence, head) on the backend's threads, each computed directly
  // (model/cpu/packed_attention.h): the products are too small for OpenBLAS to pay.
  void attention_packed(const float* qkv, const size_t* offsets, size_t n, size_t heads,
                        size_t head_dim, float* out) override;
  void gather_rows(const float* table, size_t table_rows, size_t width, const int32_t* rows,
                   size_t count, float* out) override;
  void im2col(const float* images, size_t n, size_t channels, size_t size, size_t patch,
              float* out) override;

 private:
  // The small-row product, split over the columns on threads_ threads.
  void small_gemm(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                  const float* b, size_t ldb, float beta, float* c, size_t ldc);
  // The product with a bfloat16 weight (n x k), rows of a in blocks, columns over the threads.
  void bf16_gemm(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                 const uint16_t* w, float beta, float* c, size_t ldc);
  // The product with an int8 weight: activations quantised per row, integer products on the
  // int8 kernel, then the scales (model/cpu/int8_quantize.h).
  void int8_gemm(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                 const WeightStorage& w, float beta, float* c, size_t ldc);
  // Runs columns(first, count) over [0, n) in chunks of about 32K weights / k columns (a
  // multiple of 16), or of `chunk_columns` when given, on threads_ threads when n x k is large
  // enough to pay for them.
  void split_columns(size_t n, size_t k, const std::function<void(size_t, size_t)>& columns,
                     size_t chunk_columns = 0);

  std::string name_;
  int threads_ = 0;                                   // set by set_threads()
  const cpu::SmallGemmKernel* small_gemm_ = nullptr;  // null: OpenBLAS only
  WeightPrecision precision_ = WeightPrecision::kFp32;
  const cpu::SmallGemmBf16Kernel* bf16_gemm_ = nullptr;  // with kBf16; null: widen, then OpenBLAS
  const cpu::SmallGemmInt8Kernel* int8_gemm_ = nullptr;  // with kInt8; null: widen, OpenBLAS
  std::unique_ptr<cpu::WorkerPool> workers_;             // started on first parallel use
};

}  // namespace clipret::model
