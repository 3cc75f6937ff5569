#include "model/cpu/cpu_backend.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace clipret::model {
namespace {

std::vector<float> random_values(size_t n, uint32_t seed) {
  std::mt19937 engine(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> out(n);
  for (float& v : out) v = dist(engine);
  return out;
}

// Naive row-major reference: element (i, j) of op(x) for x stored rows x cols.
float at(const std::vector<float>& x, size_t ld, Transpose t, size_t i, size_t j) {
  return t == Transpose::kYes ? x[j * ld + i] : x[i * ld + j];
}

TEST(CpuBackendTest, GemmMatchesNaiveForEveryTranspose) {
  CpuBackend backend;
  const size_t m = 5, n = 7, k = 3;
  for (const Transpose ta : {Transpose::kNo, Transpose::kYes}) {
    for (const Transpose tb : {Transpose::kNo, Transpose::kYes}) {
      const size_t lda = ta == Transpose::kNo ? k : m;
      const size_t ldb = tb == Transpose::kNo ? n : k;
      const std::vector<float> a = random_values(m * k, 1);
      const std::vector<float> b = random_values(k * n, 2);
      std::vector<float> c = random_values(m * n, 3);
      std::vector<float> want = c;
      for (size_t i = 0; i < m; ++i) {
        for (size_t j = 0; j < n; ++j) {
          float sum = 0.0f;
          for (size_t p = 0; p < k; ++p) sum += at(a, lda, ta, i, p) * at(b, ldb, tb, p, j);
          want[i * n + j] = 0.5f * sum + 2.0f * want[i * n + j];
        }
      }
      backend.gemm(ta, tb, m, n, k, 0.5f, a.data(), lda, b.data(), ldb, 2.0f, c.data(), n);
      for (size_t i = 0; i < m * n; ++i) EXPECT_NEAR(c[i], want[i], 1e-5f);
    }
  }
}

TEST(CpuBackendTest, LayerNormNormalisesEachRow) {
  CpuBackend backend;
  const std::vector<float> x = {1, 2, 3, 4, -2, 0, 2, 4};
  const std::vector<float> gamma = {1, 2, 1, 1};
  const std::vector<float> beta = {0, 0, 1, 0};
  std::vector<float> y(8);
  backend.layer_norm(x.data(), 2, 4, gamma.data(), beta.data(), 0.0f, y.data());
  const float s = 1.0f / std::sqrt(1.25f);  // row 0: mean 2.5, variance 1.25
  EXPECT_NEAR(y[0], -1.5f * s, 1e-6f);
  EXPECT_NEAR(y[1], -0.5f * s * 2, 1e-6f);
  EXPECT_NEAR(y[2], 0.5f * s + 1, 1e-6f);
  EXPECT_NEAR(y[4], -3.0f / std::sqrt(5.0f), 1e-6f);  // row 1: mean 1, variance 5
}

TEST(CpuBackendTest, Activations) {
  CpuBackend backend;
  std::vector<float> quick = {-1.0f, 0.0f, 2.0f};
  backend.activate(quick.data(), 3, Activation::kQuickGelu);
  EXPECT_NEAR(quick[0], -1.0f / (1.0f + std::exp(1.702f)), 1e-6f);
  EXPECT_EQ(quick[1], 0.0f);
  EXPECT_NEAR(quick[2], 2.0f / (1.0f + std::exp(-3.404f)), 1e-6f);
  std::vector<float> exact = {-1.0f, 1.0f};
  backend.activate(exact.data(), 2, Activation::kGelu);
  EXPECT_NEAR(exact[0], -0.15865526f, 1e-6f);  // x * Phi(x)
  EXPECT_NEAR(exact[1], 0.84134474f, 1e-6f);
}

TEST(CpuBackendTest, AttentionMatchesNaive) {
  CpuBackend backend;
  const size_t batch = 2, seq = 5, heads = 3, head_dim = 4, width = heads * head_dim;
  const std::vector<float> qkv = random_values(batch * seq * 3 * width, 4);
  for (const bool causal : {false, true}) {
    std::vector<float> out(batch * seq * width);
    backend.attention(qkv.data(), batch, seq, heads, head_dim, causal, out.data());
    for (size_t b = 0; b < batch; ++b) {
      for (size_t h = 0; h < heads; ++h) {
        for (size_t i = 0; i < seq; ++i) {
          const size_t keys = causal ? i + 1 : seq;
          std::vector<double> p(keys);
          double total = 0.0;
          for (size_t j = 0; j < keys; ++j) {
            double dot = 0.0;
            for (size_t d = 0; d < head_dim; ++d) {
              dot += qkv[(b * seq + i) * 3 * width + h * head_dim + d] *
                     qkv[(b * seq + j) * 3 * width + width + h * head_dim + d];
            }
            p[j] = std::exp(dot / std::sqrt(static_cast<double>(head_dim)));
            total += p[j];
          }
          for (size_t d = 0; d < head_dim; ++d) {
            double want = 0.0;
            for (size_t j = 0; j < keys; ++j) {
              want += p[j] / total * qkv[(b * seq + j) * 3 * width + 2 * width + h * head_dim + d];
            }
            EXPECT_NEAR(out[(b * seq + i) * width + h * head_dim + d], want, 1e-5)
                << "causal " << causal << " b " << b << " h " << h << " i " << i;
          }
        }
      }
    }
  }
}

// Packed sequences of different lengths (1 to 70 tokens), each attending only within itself, on
// one and on two threads, against a float64 reference per sequence.
TEST(CpuBackendTest, PackedAttentionMatchesNaivePerSequence) {
  const size_t heads = 3, head_dim = 64, width = heads * head_dim;
  const std::vector<size_t> lengths = {5, 1, 70, 12, 33};
  std::vector<size_t> offsets = {0};
  for (const size_t length : lengths) offsets.push_back(offsets.back() + length);
  const size_t rows = offsets.back();
  const std::vector<float> qkv = random_values(rows * 3 * width, 9);
  for (const int threads : {1, 2}) {
    CpuBackend backend({.threads = threads});
    std::vector<float> out(rows * width, -1.0f);
    backend.attention_packed(qkv.data(), offsets.data(), lengths.size(), heads, head_dim,
                             out.data());
    for (size_t s = 0; s < lengths.size(); ++s) {
      for (size_t h = 0; h < heads; ++h) {
        for (size_t i = offsets[s]; i < offsets[s + 1]; ++i) {
          std::vector<double> p;
          double total = 0.0;
          for (size_t j = offsets[s]; j < offsets[s + 1]; ++j) {
            double dot = 0.0;
            for (size_t d = 0; d < head_dim; ++d) {
              dot += static_cast<double>(qkv[i * 3 * width + h * head_dim + d]) *
                     qkv[j * 3 * width + width + h * head_dim + d];
            }
            p.push_back(std::exp(dot / std::sqrt(static_cast<double>(head_dim))));
            total += p.back();
          }
          for (size_t d = 0; d < head_dim; ++d) {
            double want = 0.0;
            for (size_t j = offsets[s]; j < offsets[s + 1]; ++j) {
              want += p[j - offsets[s]] / total * qkv[j * 3 * width + 2 * width + h * head_dim + d];
            }
            ASSERT_NEAR(out[i * width + h * head_dim + d], want, 1e-5)
                << "threads " << threads << " sequence " << s << " head " << h << " row " << i;
          }
        }
      }
    }
  }
}

TEST(CpuBackendTest, Im2colOrdersPatchesAndValues) {
  CpuBackend backend;
  const size_t n = 2, channels = 3, size = 4, patch = 2, grid = 2;
  std::vector<float> images(n * channels * size * size);
  for (size_t i = 0; i < images.size(); ++i) images[i] = static_cast<float>(i);
  std::vector<float> cols(n * grid * grid * channels * patch * patch);
  backend.im2col(images.data(), n, channels, size, patch, cols.data());
  for (size_t b = 0; b < n; ++b)
    for (size_t gy = 0; gy < grid; ++gy)
      for (size_t gx = 0; gx < grid; ++gx)
        for (size_t c = 0; c < channels; ++c)
          for (size_t ky = 0; ky < patch; ++ky)
            for (size_t kx = 0; kx < patch; ++kx) {
              const size_t row = (b * grid + gy) * grid + gx;
              const size_t col = (c * patch + ky) * patch + kx;
              const size_t pixel =
                  ((b * channels + c) * size + gy * patch + ky) * size + gx * patch + kx;
              EXPECT_EQ(cols[row * channels * patch * patch + col], images[pixel]);
            }
}

TEST(CpuBackendTest, GatherBiasAndBroadcast) {
  CpuBackend backend;
  const std::vector<float> table = {0, 1, 10, 11, 20, 21};
  const int32_t rows[] = {2, 0, 2};
  std::vector<float> out(6);
  backend.gather_rows(table.data(), 3, 2, rows, 3, out.data());
  EXPECT_EQ(out, (std::vector<float>{20, 21, 0, 1, 20, 21}));
  const float bias[] = {1, 2};
  backend.add_bias(out.data(), 3, 2, bias);
  EXPECT_EQ(out, (std::vector<float>{21, 23, 1, 3, 21, 23}));
  const float pos[] = {1, 1, 1};
  backend.add_broadcast(out.data(), 2, 3, pos);
  EXPECT_EQ(out, (std::vector<float>{22, 24, 2, 4, 22, 24}));
  Buffer buffer = backend.alloc(4);
  const float host[] = {1, 2, 3, 4};
  backend.upload(host, 4, buffer, 0);
  float back[2];
  backend.download(buffer, 2, 2, back);
  EXPECT_EQ(back[0], 3);
  EXPECT_EQ(back[1], 4);
}

}  // namespace
}  // namespace clipret::model
