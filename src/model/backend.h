// model/backend.h: the narrow interface between the CLIP towers and the hardware
// (STYLE.md §2.14).
//
// The towers see memory only through Buffers the backend allocates and only through the ops
// below; model/cpu/ implements them with OpenBLAS, a later model/cuda/ with cuBLAS. Layout:
// every matrix is row-major float32; "rows x width" means width consecutive floats per row.
// Pointer arguments of the ops point into Buffers of the same backend (device memory for a GPU
// backend) unless they say "host". Ops may run asynchronously; download() and synchronize()
// wait for them. A backend is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "model/clip_config.h"

namespace clipret::model {

// Backend-owned storage behind a Buffer.
class BufferStorage {
 public:
  virtual ~BufferStorage() = default;
  virtual float* data() = 0;
};

// `size` floats of backend memory; move-only, freed with the object.
class Buffer {
 public:
  Buffer() = default;
  Buffer(std::unique_ptr<BufferStorage> storage, size_t size)
      : storage_(std::move(storage)), data_(storage_->data()), size_(size) {}

  float* data() { return data_; }
  const float* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  std::unique_ptr<BufferStorage> storage_;
  float* data_ = nullptr;
  size_t size_ = 0;
};

enum class Transpose { kNo, kYes };

// Backend-owned storage of a weight converted to another precision.
class WeightStorage {
 public:
  virtual ~WeightStorage() = default;
};

// A Linear layer's weight (out x in, nn.Linear's layout): loaded as fp32 into `fp32`, then
// possibly converted by Backend::convert_linear_weight, which moves it into `converted` and
// releases the fp32 copy. Exactly one of the two is set.
struct LinearWeight {
  LinearWeight() = default;
  LinearWeight(Buffer weight) : fp32(std::move(weight)) {}  // NOLINT: loaders return Buffers
  Buffer fp32;
  std::unique_ptr<WeightStorage> converted;
};

class Backend {
 public:
  virtual ~Backend() = default;
  Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  // "cpu (OpenBLAS, 2 threads)" for logs and benchmark reports.
  virtual const char* name() const = 0;

  // Uninitialised storage for `size` floats.
  virtual Buffer alloc(size_t size) = 0;
  // Copies `count` host floats into dst[offset, offset + count).
  virtual void upload(const float* host, size_t count, Buffer& dst, size_t offset) = 0;
  // Copies src[offset, offset + count) to `host` (caller owns, count floats); waits for pending
  // ops.
  virtual void download(const Buffer& src, size_t offset, size_t count, float* host) = 0;
  // Waits until every op issued so far has finished.
  virtual void synchronize() = 0;

  // c (m x n, leading dim ldc) = alpha * op(a) * op(b) + beta * c, with op(a) m x k and op(b)
  // k x n; a transposed operand is stored as its transpose (k x m, n x k). A Linear layer with
  // weight W (out x in) is gemm(kNo, kYes, rows, out, in, 1, x, in, W, in, 0, y, out).
  virtual void gemm(Transpose trans_a, Transpose trans_b, size_t m, size_t n, size_t k, float alpha,
                    const float* a, size_t lda, const float* b, size_t ldb, float beta, float* c,
                    size_t ldc) = 0;

  // The Linear product with a weight as convert_linear_weight left it: c (m x n, ldc) = alpha
  // * a (m x k, lda) * W^T + beta * c, W n x k. The default is gemm() on the fp32 weight.
  virtual void gemm_weight(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                           const LinearWeight& w, float beta, float* c, size_t ldc) {
    gemm(Transpose::kNo, Transpose::kYes, m, n, k, alpha, a, lda, w.fp32.data(), k, beta, c, ldc);
  }
  // Keeps `w` (out x in) in the backend's weight precision from now on; the default keeps fp32.
  virtual void convert_linear_weight(LinearWeight& w, size_t out, size_t in) {
    (void)w, (void)out, (void)in;
  }

  // y[r] = (x[r] - mean) / sqrt(var + eps) * gamma + beta per row (biased variance over width);
  // x and y (rows x width) may be the same.
  virtual void layer_norm(const float* x, size_t rows, size_t width, const float* gamma,
                          const float* beta, float eps, float* y) = 0;

  // dst[i] = src[i] for i < count (regions do not overlap).
  virtual void copy(const float* src, size_t count, float* dst) = 0;
  // x[r][j] += bias[j] for x rows x width.
  virtual void add_bias(float* x, size_t rows, size_t width, const float* bias) = 0;
  // x[b * count + i] += y[i] for b < batch, i < count (positional embeddings over a batch).
  virtual void add_broadcast(float* x, size_t batch, size_t count, const float* y) = 0;
  // x[i] = act(x[i]) for i < count.
  virtual void activate(float* x, size_t count, Activation activation) = 0;

  // Multi-head self-attention core. qkv is (batch x seq) x (3 width) with width = heads x
  // head_dim: columns [0, width) are Q, then K, then V; head h uses the column slice
  // [h head_dim, (h+1) head_dim) of each. out ((batch x seq) x width) gets, per item and head,
  // softmax(Q K^T / sqrt(head_dim) + mask) V with heads concatenated; `causal` masks keys after
  // the query.
  virtual void attention(const float* qkv, size_t batch, size_t seq, size_t heads, size_t head_dim,
                         bool causal, float* out) = 0;

  // attention() (not causal) over n packed sequences of different lengths: sequence i is rows
  // [offsets[i], offsets[i + 1]) of qkv and out (offsets: host, n + 1 entries, offsets[0] = 0)
  // and attends only within itself, so texts batch without padding or masks (the BERT-family
  // encoders). The default runs attention() once per sequence; backends may do them at once.
  virtual void attention_packed(const float* qkv, const size_t* offsets, size_t n, size_t heads,
                                size_t head_dim, float* out) {
    const size_t width = heads * head_dim;
    for (size_t i = 0; i < n; ++i) {
      attention(qkv + offsets[i] * 3 * width, 1, offsets[i + 1] - offsets[i], heads, head_dim,
                false, out + offsets[i] * width);
    }
  }

  // out[i] = table[rows[i]] for i < count; rows is a host array of indices < table_rows, each
  // row `width` floats (token embedding lookup, class token placement, pooling).
  virtual void gather_rows(const float* table, size_t table_rows, size_t width, const int32_t* rows,
                           size_t count, float* out) = 0;

  // Patch extraction for a stride = kernel convolution: images (n x channels x size x size)
  // become (n x grid^2) rows of channels x patch x patch values in (c, ky, kx) order, patches
  // row-major over the grid, grid = size / patch.
  virtual void im2col(const float* images, size_t n, size_t channels, size_t size, size_t patch,
                      float* out) = 0;
};

}  // namespace clipret::model
