#include "model/cpu/cpu_backend.h"

#include <cblas.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <new>
#include <vector>

#include "core/bfloat16.h"
#include "core/compute_threads.h"
#include "core/error.h"
#include "core/log.h"
#include "model/cpu/activations.h"
#include "model/cpu/int8_quantize.h"
#include "model/cpu/packed_attention.h"
#include "model/cpu/small_gemm.h"
#include "model/cpu/softmax.h"
#include "model/cpu/worker_pool.h"

namespace clipret::model {

namespace {

// Cache-line aligned: a 64-byte vector load of an unaligned row touches two lines (the
// small-row kernel loads every weight once, and rows start at multiples of 16 floats).
constexpr std::align_val_t kBufferAlignment{64};

class HostStorage : public BufferStorage {
 public:
  explicit HostStorage(size_t size)
      : data_(static_cast<float*>(::operator new[](size * sizeof(float), kBufferAlignment))) {}
  ~HostStorage() override { ::operator delete[](data_, kBufferAlignment); }
  HostStorage(const HostStorage&) = delete;
  HostStorage& operator=(const HostStorage&) = delete;
  float* data() override { return data_; }

 private:
  float* data_;
};

CBLAS_TRANSPOSE to_cblas(Transpose t) {
  return t == Transpose::kYes ? CblasTrans : CblasNoTrans;
}

blasint to_blasint(size_t value) {
  assert(value <= static_cast<size_t>(INT32_MAX));
  return static_cast<blasint>(value);
}

// A Linear weight kept in bfloat16 (raw bits, out x in).
class Bf16Weight : public WeightStorage {
 public:
  explicit Bf16Weight(size_t count) : bits(count) {}
  std::vector<uint16_t> bits;
};

// A Linear weight quantised to int8 per output row (model/cpu/int8_quantize.h): in the int8
// kernel's packed layout, or row-major (out x in) where the CPU has no int8 kernel.
class Int8Weight : public WeightStorage {
 public:
  Int8Weight(size_t out, size_t in) : values(out * in), scale(out), row_sum(out) {}
  std::vector<int8_t> values;
  std::vector<float> scale;
  std::vector<int32_t> row_sum;
};

// Without an int8 kernel the weight is quantised as with the AVX-512 one.
constexpr int kPortableInt8WeightMax = 127;

}  // namespace

CpuBackend::CpuBackend(CpuBackendOptions options)
    : name_("cpu (OpenBLAS)"), precision_(options.precision) {
  set_threads(options.threads);
  if (options.small_gemm) small_gemm_ = cpu::best_small_gemm_kernel();
  if (small_gemm_ != nullptr)
    name_ = std::string("cpu (OpenBLAS, ") + small_gemm_->name + " small-batch kernel)";
  if (precision_ == WeightPrecision::kBf16) {
    for (const cpu::SmallGemmBf16Kernel& kernel : cpu::supported_small_gemm_bf16_kernels()) {
      if (options.bf16_kernel.empty() || options.bf16_kernel == kernel.name) {
        bf16_gemm_ = &kernel;
        break;
      }
    }
    CLIPRET_CHECK(options.bf16_kernel.empty() || bf16_gemm_ != nullptr, InvalidInput,
                  "bf16 kernel '%s' is not supported on this CPU", options.bf16_kernel.c_str());
    if (bf16_gemm_ != nullptr && bf16_gemm_->bf16_products) {
      name_ += ", bf16 weights and products (AVX-512 BF16)";
    } else {
      name_ += ", bf16 weights widened to fp32";
      CLIPRET_LOG_INFO(
          "--precision bf16: this CPU has no AVX-512 BF16; the weights are kept in bfloat16 (half "
          "the memory) and widened to fp32 for the products");
    }
  }
  if (precision_ == WeightPrecision::kInt8) {
    for (const cpu::SmallGemmInt8Kernel& kernel : cpu::supported_small_gemm_int8_kernels()) {
      if (options.int8_kernel.empty() || options.int8_kernel == kernel.name) {
        int8_gemm_ = &kernel;
        break;
      }
    }
    CLIPRET_CHECK(options.int8_kernel.empty() || int8_gemm_ != nullptr, InvalidInput,
                  "int8 kernel '%s' is not supported on this CPU", options.int8_kernel.c_str());
    if (int8_gemm_ != nullptr) {
      name_ += std::string(", int8 weights and products (") + int8_gemm_->name + ")";
    } else {
      name_ += ", int8 weights widened to fp32";
      CLIPRET_LOG_INFO(
          "--precision int8: no int8 kernel for this CPU; the weights are kept in int8 (a quarter "
          "of the memory) and widened to fp32 for the products");
    }
  }
}

CpuBackend::~CpuBackend() = default;

void CpuBackend::set_threads(int threads) {
  // More threads than cores would only take turns spinning.
  const int cores = core::available_cores();
  const int wanted = threads > 0 ? std::min(threads, cores) : cores;
  if (wanted == threads_) return;
  threads_ = wanted;
  workers_.reset();  // joins the old workers; the next parallel product starts new ones
}

Buffer CpuBackend::alloc(size_t size) {
  return Buffer(std::make_unique<HostStorage>(std::max<size_t>(size, 1)), size);
}

void CpuBackend::upload(const float* host, size_t count, Buffer& dst, size_t offset) {
  assert(offset + count <= dst.size());
  if (count > 0) std::memcpy(dst.data() + offset, host, count * sizeof(float));
}

void CpuBackend::download(const Buffer& src, size_t offset, size_t count, float* host) {
  assert(offset + count <= src.size());
  if (count > 0) std::memcpy(host, src.data() + offset, count * sizeof(float));
}

void CpuBackend::gemm(Transpose trans_a, Transpose trans_b, size_t m, size_t n, size_t k,
                      float alpha, const float* a, size_t lda, const float* b, size_t ldb,
                      float beta, float* c, size_t ldc) {
  if (m == 0 || n == 0) return;
  // The kernel's dot products pay for long rows only: each output ends with a horizontal sum
  // (~4 instructions) after k / 16 vector multiply-adds. Attention's per-head products (k = 64)
  // stay on OpenBLAS: on the kernel, images at batch 32 took 7 % longer (4,608 such products per
  // batch).
  constexpr size_t kMinSmallGemmDepth = 256;
  if (small_gemm_ != nullptr && trans_a == Transpose::kNo && trans_b == Transpose::kYes &&
      m <= small_gemm_->max_rows && k >= kMinSmallGemmDepth) {
    small_gemm(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  cblas_sgemm(CblasRowMajor, to_cblas(trans_a), to_cblas(trans_b), to_blasint(m), to_blasint(n),
              to_blasint(k), alpha, a, to_blasint(lda), b, to_blasint(ldb), beta, c,
              to_blasint(ldc));
}

void CpuBackend::split_columns(size_t n, size_t k,
                               const std::function<void(size_t, size_t)>& columns,
                               size_t chunk_columns) {
  // Below ~64K weights (attention's per-head products) a second thread costs more than it saves.
  constexpr size_t kMinParallelWeights = size_t{1} << 16;
  // Chunks of ~32K weights (128 KB, ~5 us on one core): enough of them that a late worker
  // costs little, few enough that claiming them is free.
  constexpr size_t kChunkWeights = size_t{1} << 15;
  constexpr size_t kColumnGranule = 16;
  if (threads_ <= 1 || n * k < kMinParallelWeights) {
    columns(0, n);
    return;
  }
  if (!workers_) workers_ = std::make_unique<cpu::WorkerPool>(threads_ - 1);
  const size_t per_chunk = chunk_columns > 0
                               ? chunk_columns
                               : std::max(kColumnGranule, kChunkWeights / std::max<size_t>(k, 1)) /
                                     kColumnGranule * kColumnGranule;
  const size_t chunks = (n + per_chunk - 1) / per_chunk;
  auto chunk = [&](size_t index) {
    const size_t first = index * per_chunk;
    columns(first, std::min(per_chunk, n - first));
  };
  workers_->run(chunks, chunk);
}

void CpuBackend::small_gemm(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                            const float* b, size_t ldb, float beta, float* c, size_t ldc) {
  const cpu::SmallGemmNtFn kernel = small_gemm_->gemm_nt;
  split_columns(n, k, [&](size_t first, size_t count) {
    kernel(m, count, k, alpha, a, lda, b + first * ldb, ldb, beta, c + first, ldc);
  });
}

void CpuBackend::gemm_weight(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                             const LinearWeight& w, float beta, float* c, size_t ldc) {
  if (w.converted == nullptr) {
    gemm(Transpose::kNo, Transpose::kYes, m, n, k, alpha, a, lda, w.fp32.data(), k, beta, c, ldc);
    return;
  }
  if (precision_ == WeightPrecision::kInt8) {
    int8_gemm(m, n, k, alpha, a, lda, *w.converted, beta, c, ldc);
    return;
  }
  const auto& weight = static_cast<const Bf16Weight&>(*w.converted);
  bf16_gemm(m, n, k, alpha, a, lda, weight.bits.data(), beta, c, ldc);
}

void CpuBackend::convert_linear_weight(LinearWeight& w, size_t out, size_t in) {
  if (precision_ == WeightPrecision::kFp32 || w.converted != nullptr) return;
  CLIPRET_CHECK(w.fp32.size() == out * in, Internal,
                "linear weight of %zu values, expected %zu x %zu", w.fp32.size(), out, in);
  if (precision_ == WeightPrecision::kInt8) {
    auto weight = std::make_unique<Int8Weight>(out, in);
    cpu::quantize_weight_rows(
        w.fp32.data(), out, in,
        int8_gemm_ != nullptr ? int8_gemm_->weight_max : kPortableInt8WeightMax,
        weight->values.data(), weight->scale.data(), weight->row_sum.data());
    if (int8_gemm_ != nullptr) {
      const size_t group = int8_gemm_->packed_group;
      std::vector<int8_t> packed(cpu::packed_int8_size(out, in, group));
      cpu::pack_int8_weight(weight->values.data(), out, in, group, packed.data());
      weight->values = std::move(packed);
    }
    w.converted = std::move(weight);
  } else {
    auto weight = std::make_unique<Bf16Weight>(out * in);
    core::float32_to_bfloat16(w.fp32.data(), out * in, weight->bits.data());
    if (bf16_gemm_ != nullptr && bf16_gemm_->gemm_packed != nullptr) {
      std::vector<uint16_t> packed(cpu::packed_bf16_size(out, in));
      cpu::pack_bf16_weight(weight->bits.data(), out, in, packed.data());
      weight->bits = std::move(packed);
    }
    w.converted = std::move(weight);
  }
  w.fp32 = Buffer();
}

void CpuBackend::int8_gemm(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                           const WeightStorage& storage, float beta, float* c, size_t ldc) {
  if (m == 0 || n == 0) return;
  const auto& w = static_cast<const Int8Weight&>(storage);
  if (int8_gemm_ == nullptr) {
    // No kernel for this CPU: the weight widened in slices, then OpenBLAS (fp32 activations).
    std::vector<float> slice;
    constexpr size_t kSliceColumns = 256;
    for (size_t first = 0; first < n; first += kSliceColumns) {
      const size_t count = std::min(kSliceColumns, n - first);
      slice.resize(count * k);
      for (size_t j = 0; j < count; ++j) {
        for (size_t p = 0; p < k; ++p) {
          slice[j * k + p] = w.scale[first + j] * static_cast<float>(w.values[(first + j) * k + p]);
        }
      }
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, to_blasint(m), to_blasint(count),
                  to_blasint(k), alpha, a, to_blasint(lda), slice.data(), to_blasint(k), beta,
                  c + first, to_blasint(ldc));
    }
    return;
  }
  // Each calling thread has its own buffers (concurrent queries on one backend). Rows padded
  // to 4 bytes: the kernels read inputs 4 at a time (the padding meets zero weights).
  const size_t ldq = (k + 3) / 4 * 4;
  thread_local std::vector<uint8_t> quantized;
  thread_local std::vector<float> row_scale;
  thread_local std::vector<int32_t> row_zero;
  quantized.resize(m * ldq);
  row_scale.resize(m);
  row_zero.resize(m);
  int8_gemm_->quantize_rows(a, m, k, lda, quantized.data(), ldq, row_scale.data(), row_zero.data());
  // Pointers, not the names: inside the lambda, on a worker, a thread_local name would be the
  // worker's own (empty) buffer.
  const uint8_t* const qa = quantized.data();
  const float* const sa = row_scale.data();
  const int32_t* const za = row_zero.data();
  // Rows in blocks that stay in L2 while the weight streams past them; each block's columns
  // split over the threads, 64 per chunk (the AVX-512 kernel's register block: 4 groups of 16).
  constexpr size_t kRowBlock = 96;
  constexpr size_t kChunkColumns = 64;
  const size_t group = int8_gemm_->packed_group;
  const size_t group_bytes = (k + 3) / 4 * 4 * group;
  for (size_t row = 0; row < m; row += kRowBlock) {
    const size_t rows = std::min(kRowBlock, m - row);
    split_columns(
        n, k,
        [&](size_t first, size_t count) {
          const cpu::Int8Epilogue epilogue{
              alpha, beta, sa + row, za + row, w.scale.data() + first, w.row_sum.data() + first};
          int8_gemm_->gemm_packed(rows, count, k, qa + row * ldq, ldq,
                                  w.values.data() + first / group * group_bytes, epilogue,
                                  c + row * ldc + first, ldc);
        },
        kChunkColumns);
  }
}

void CpuBackend::bf16_gemm(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                           const uint16_t* w, float beta, float* c, size_t ldc) {
  if (m == 0 || n == 0) return;
  if (bf16_gemm_ == nullptr) {
    // No kernel for this CPU: the weight widened in slices, then OpenBLAS.
    std::vector<float> slice;
    constexpr size_t kSliceColumns = 256;
    for (size_t first = 0; first < n; first += kSliceColumns) {
      const size_t count = std::min(kSliceColumns, n - first);
      slice.resize(count * k);
      for (size_t i = 0; i < count * k; ++i) {
        slice[i] = core::bfloat16_to_float32(w[first * k + i]);
      }
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, to_blasint(m), to_blasint(count),
                  to_blasint(k), alpha, a, to_blasint(lda), slice.data(), to_blasint(k), beta,
                  c + first, to_blasint(ldc));
    }
    return;
  }
  // Rows of a in blocks that stay in L2 while the weight streams past them (the kernel has no
  // blocking of its own over a); each block's columns are split over the threads.
  constexpr size_t kRowBlock = 96;
  if (bf16_gemm_->gemm_packed != nullptr) {
    // The activations rounded once (padded to pairs with zeros), then 64 columns per chunk: the
    // kernel's register block.
    const size_t ldr = (k + 1) / 2 * 2;
    thread_local std::vector<uint16_t> rounded;
    rounded.assign(m * ldr, 0);
    bf16_gemm_->round_rows(a, m, k, lda, rounded.data(), ldr);
    const uint16_t* const ra = rounded.data();  // not the thread_local name on a worker
    const size_t group_values = ldr * 16;
    constexpr size_t kChunkColumns = 64;
    for (size_t row = 0; row < m; row += kRowBlock) {
      const size_t rows = std::min(kRowBlock, m - row);
      split_columns(
          n, k,
          [&](size_t first, size_t count) {
            bf16_gemm_->gemm_packed(rows, count, k, alpha, ra + row * ldr, ldr,
                                    w + first / 16 * group_values, beta, c + row * ldc + first,
                                    ldc);
          },
          kChunkColumns);
    }
    return;
  }
  const cpu::SmallGemmNtBf16Fn kernel = bf16_gemm_->gemm_nt;
  for (size_t row = 0; row < m; row += kRowBlock) {
    const size_t rows = std::min(kRowBlock, m - row);
    split_columns(n, k, [&](size_t first, size_t count) {
      kernel(rows, count, k, alpha, a + row * lda, lda, w + first * k, k, beta,
             c + row * ldc + first, ldc);
    });
  }
}

void CpuBackend::layer_norm(const float* x, size_t rows, size_t width, const float* gamma,
                            const float* beta, float eps, float* y) {
  for (size_t r = 0; r < rows; ++r) {
    const float* in = x + r * width;
    float* out = y + r * width;
    // Two passes in double: exact enough that the float32 model matches float64 references.
    double sum = 0.0;
    for (size_t j = 0; j < width; ++j) sum += in[j];
    const double mean = sum / static_cast<double>(width);
    double squares = 0.0;
    for (size_t j = 0; j < width; ++j) {
      const double d = in[j] - mean;
      squares += d * d;
    }
    const float inv_std =
        static_cast<float>(1.0 / std::sqrt(squares / static_cast<double>(width) + eps));
    const float mean_f = static_cast<float>(mean);
    for (size_t j = 0; j < width; ++j) out[j] = (in[j] - mean_f) * inv_std * gamma[j] + beta[j];
  }
}

void CpuBackend::copy(const float* src, size_t count, float* dst) {
  if (count > 0) std::memcpy(dst, src, count * sizeof(float));
}

void CpuBackend::add_bias(float* x, size_t rows, size_t width, const float* bias) {
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * width;
    for (size_t j = 0; j < width; ++j) row[j] += bias[j];
  }
}

void CpuBackend::add_broadcast(float* x, size_t batch, size_t count, const float* y) {
  add_bias(x, batch, count, y);
}

void CpuBackend::activate(float* x, size_t count, Activation activation) {
  if (activation == Activation::kQuickGelu) {
    cpu::quick_gelu_inplace(x, count);
  } else {
    cpu::gelu_inplace(x, count);
  }
}

void CpuBackend::attention(const float* qkv, size_t batch, size_t seq, size_t heads,
                           size_t head_dim, bool causal, float* out) {
  const size_t width = heads * head_dim;
  const size_t ld_qkv = 3 * width;
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  std::vector<float> scores(seq * seq);
  for (size_t b = 0; b < batch; ++b) {
    for (size_t h = 0; h < heads; ++h) {
      const float* q = qkv + b * seq * ld_qkv + h * head_dim;
      const float* k = q + width;
      const float* v = q + 2 * width;
      float* o = out + b * seq * width + h * head_dim;
      gemm(Transpose::kNo, Transpose::kYes, seq, seq, head_dim, scale, q, ld_qkv, k, ld_qkv, 0.0f,
           scores.data(), seq);
      for (size_t i = 0; i < seq; ++i) {
        float* row = scores.data() + i * seq;
        const size_t keys = causal ? i + 1 : seq;
        cpu::softmax_in_place(row, keys);
        std::fill(row + keys, row + seq, 0.0f);
      }
      gemm(Transpose::kNo, Transpose::kNo, seq, head_dim, seq, 1.0f, scores.data(), seq, v, ld_qkv,
           0.0f, o, width);
    }
  }
}

void CpuBackend::attention_packed(const float* qkv, const size_t* offsets, size_t n, size_t heads,
                                  size_t head_dim, float* out) {
  auto task = [&](size_t index) {
    const size_t item = index / heads;
    cpu::attend_one_head(qkv, heads, head_dim, offsets[item], offsets[item + 1] - offsets[item],
                         index % heads, out);
  };
  if (threads_ <= 1) {
    for (size_t index = 0; index < n * heads; ++index) task(index);
    return;
  }
  if (!workers_) workers_ = std::make_unique<cpu::WorkerPool>(threads_ - 1);
  workers_->run(n * heads, task);
}

void CpuBackend::gather_rows(const float* table, size_t table_rows, size_t width,
                             const int32_t* rows, size_t count, float* out) {
  for (size_t i = 0; i < count; ++i) {
    assert(rows[i] >= 0 && static_cast<size_t>(rows[i]) < table_rows);
    (void)table_rows;
    std::memcpy(out + i * width, table + static_cast<size_t>(rows[i]) * width,
                width * sizeof(float));
  }
}

void CpuBackend::im2col(const float* images, size_t n, size_t channels, size_t size, size_t patch,
                        float* out) {
  const size_t grid = size / patch;
  const size_t cols = channels * patch * patch;
  for (size_t b = 0; b < n; ++b) {
    for (size_t gy = 0; gy < grid; ++gy) {
      for (size_t gx = 0; gx < grid; ++gx) {
        float* dst = out + ((b * grid + gy) * grid + gx) * cols;
        for (size_t c = 0; c < channels; ++c) {
          const float* plane = images + (b * channels + c) * size * size;
          for (size_t ky = 0; ky < patch; ++ky) {
            std::memcpy(dst, plane + (gy * patch + ky) * size + gx * patch, patch * sizeof(float));
            dst += patch;
          }
        }
      }
    }
  }
}

}  // namespace clipret::model
