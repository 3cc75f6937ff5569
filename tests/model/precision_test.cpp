// --precision bf16 (model/cpu/cpu_backend.h): the converted weights' products against a double
// reference, and whole models against fp32 — the fixture checkpoint against its float64
// Hugging Face embeddings, a random full-size ViT-B/32 against itself in fp32: cosine >= 0.999
// for every embedding, and nearest neighbours preserved (issue 18's acceptance).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/bfloat16.h"
#include "core/error.h"
#include "model/clip_model.h"
#include "model/cpu/cpu_backend.h"
#include "model/cpu/small_gemm.h"
#include "model_fixture.h"

namespace clipret::model {
namespace {

using testing::TinyClipFixture;

template <class T>
double cosine(const float* a, const T* b, size_t n) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < n; ++i) {
    ab += static_cast<double>(a[i]) * static_cast<double>(b[i]);
    aa += static_cast<double>(a[i]) * a[i];
    bb += static_cast<double>(b[i]) * static_cast<double>(b[i]);
  }
  return ab / std::sqrt(aa * bb);
}

template <class T>
double worst_cosine(const std::vector<float>& got, const std::vector<T>& want, size_t width) {
  double worst = 1.0;
  for (size_t row = 0; row * width < want.size(); ++row) {
    worst = std::min(worst, cosine(got.data() + row * width, want.data() + row * width, width));
  }
  return worst;
}

ClipModelOptions with_precision(WeightPrecision precision) {
  ClipModelOptions options;
  options.precision = precision;
  return options;
}

TEST(PrecisionTest, ParsesTheOptionValues) {
  EXPECT_EQ(parse_precision("fp32"), WeightPrecision::kFp32);
  EXPECT_EQ(parse_precision("bf16"), WeightPrecision::kBf16);
  EXPECT_STREQ(precision_name(WeightPrecision::kBf16), "bf16");
  try {
    parse_precision("fp16");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("fp16"), std::string::npos);
  }
}

void check_bf16_products(CpuBackend& backend, const std::string& name) {
  const auto& kernels = cpu::supported_small_gemm_bf16_kernels();
  bool bf16_products = false;
  for (const auto& kernel : kernels) {
    if (name.empty() ? &kernel == &kernels.front() : name == kernel.name) {
      bf16_products = kernel.bf16_products;
    }
  }
  std::mt19937 engine(5);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (const size_t m : {1, 12, 50, 97, 200}) {
    for (const auto& [n, k] : std::vector<std::pair<size_t, size_t>>{{96, 64}, {300, 257}}) {
      std::vector<float> w(n * k), a(m * k), c(m * n, 0.5f);
      for (float& v : w) v = dist(engine);
      for (float& v : a) v = dist(engine);
      Buffer buffer = backend.alloc(n * k);
      backend.upload(w.data(), n * k, buffer, 0);
      LinearWeight weight(std::move(buffer));
      backend.convert_linear_weight(weight, n, k);
      ASSERT_TRUE(weight.fp32.empty());
      ASSERT_NE(weight.converted, nullptr);
      const std::vector<float> before = c;
      backend.gemm_weight(m, n, k, 1.0f, a.data(), k, weight, 1.0f, c.data(), n);
      const auto round = [](float v) {
        return core::bfloat16_to_float32(core::float32_to_bfloat16(v));
      };
      for (size_t i = 0; i < m; ++i) {
        for (size_t j = 0; j < n; ++j) {
          double dot = 0, magnitude = 0;
          for (size_t p = 0; p < k; ++p) {
            const double x = bf16_products ? round(a[i * k + p]) : a[i * k + p];
            const double term = x * round(w[j * k + p]);
            dot += term;
            magnitude += std::abs(term);
          }
          ASSERT_NEAR(c[i * n + j], dot + before[i * n + j], 1e-6 * (k + 2) * (magnitude + 1))
              << "kernel '" << name << "' m " << m << " n " << n << " k " << k << " at " << i
              << ", " << j;
        }
      }
    }
  }
}

// A converted weight drops its fp32 copy, and products of every shape the towers use (a
// query's rows, a batch's hundreds, more than a row block) equal the double product with the
// weight rounded to bfloat16 — and the activations too where the CPU multiplies in bfloat16.
TEST(PrecisionTest, Bf16WeightProductsMatchDoubleReference) {
  std::vector<std::string> names = {""};  // the default, and each kernel by name
  for (const auto& kernel : cpu::supported_small_gemm_bf16_kernels()) names.push_back(kernel.name);
  for (const std::string& name : names) {
    CpuBackend backend(CpuBackendOptions{.precision = WeightPrecision::kBf16, .bf16_kernel = name});
    check_bf16_products(backend, name);
  }
}

// With each kernel this CPU has (the AVX2 one included on an AVX-512 machine).
TEST(PrecisionTest, Bf16FixtureCheckpointKeepsItsEmbeddings) {
  const TinyClipFixture f = TinyClipFixture::load();
  std::vector<std::string> names = {""};
  for (const auto& kernel : cpu::supported_small_gemm_bf16_kernels()) names.push_back(kernel.name);
  for (const std::string& name : names) {
    ClipModel model =
        ClipModel::load(testing::fixture_path("clip_tiny_hf"),
                        std::make_unique<CpuBackend>(CpuBackendOptions{
                            .precision = WeightPrecision::kBf16, .bf16_kernel = name}),
                        {});
    std::vector<float> images(f.images * f.embed_dim);
    model.encode_image(f.pixels.data(), f.images, images.data());
    std::vector<float> texts(f.texts * f.embed_dim);
    model.encode_text(f.ids.data(), f.texts, texts.data());
    std::cerr << "fixture, bf16 kernel '" << name << "' vs float64: worst image cosine "
              << worst_cosine(images, f.image_embeds, f.embed_dim) << ", text "
              << worst_cosine(texts, f.text_embeds, f.embed_dim) << "\n";
    EXPECT_GE(worst_cosine(images, f.image_embeds, f.embed_dim), 0.999) << name;
    EXPECT_GE(worst_cosine(texts, f.text_embeds, f.embed_dim), 0.999) << name;
    // Not the fp32 results: the weights really are rounded.
    EXPECT_GT(testing::max_relative_error(images, f.image_embeds, f.embed_dim), 1e-5) << name;
  }
  try {
    CpuBackend backend(
        CpuBackendOptions{.precision = WeightPrecision::kBf16, .bf16_kernel = "sse2"});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sse2"), std::string::npos);
  }
}

// Random ids of a caption's length: start token, 10 tokens, end token, zeros.
std::vector<int32_t> random_captions(size_t n, size_t context, int32_t vocab, uint32_t seed) {
  std::mt19937 engine(seed);
  std::uniform_int_distribution<int32_t> token(0, vocab - 3);
  std::vector<int32_t> ids(n * context, 0);
  for (size_t i = 0; i < n; ++i) {
    ids[i * context] = vocab - 2;
    for (size_t t = 1; t <= 10; ++t) ids[i * context + t] = token(engine);
    ids[i * context + 11] = vocab - 1;
  }
  return ids;
}

TEST(PrecisionTest, Bf16RandomVitB32MatchesFp32) {
  const ClipConfig config;  // ViT-B/32's sizes
  ClipModel fp32 = ClipModel::with_random_weights(config, 11);
  ClipModel bf16 =
      ClipModel::with_random_weights(config, 11, with_precision(WeightPrecision::kBf16));
  const auto embed = static_cast<size_t>(config.embed_dim);
  constexpr size_t kImages = 3;
  std::mt19937 engine(3);
  std::normal_distribution<float> pixel(0.0f, 1.0f);
  std::vector<float> pixels(kImages * 3 * 224 * 224);
  for (float& v : pixels) v = pixel(engine);
  std::vector<float> want(kImages * embed), got(kImages * embed);
  fp32.encode_image(pixels.data(), kImages, want.data());
  bf16.encode_image(pixels.data(), kImages, got.data());
  std::cerr << "ViT-B/32 bf16 vs fp32, worst image cosine " << worst_cosine(got, want, embed);
  EXPECT_GE(worst_cosine(got, want, embed), 0.999);
  constexpr size_t kTexts = 16;
  const auto context = static_cast<size_t>(config.text.context_length);
  const std::vector<int32_t> ids =
      random_captions(kTexts, context, static_cast<int32_t>(config.text.vocab_size), 4);
  want.resize(kTexts * embed);
  got.resize(kTexts * embed);
  fp32.encode_text(ids.data(), kTexts, want.data());
  bf16.encode_text(ids.data(), kTexts, got.data());
  std::cerr << ", text " << worst_cosine(got, want, embed) << "\n";
  EXPECT_GE(worst_cosine(got, want, embed), 0.999);
}

// The top 10 of each of 1,000 queries among 10,000 embeddings (cosine), by fp32 and by bf16
// embeddings of the same captions (the fixture's text tower): at least 95 % the same.
TEST(PrecisionTest, Bf16PreservesNearestNeighbours) {
  const std::string folder = testing::fixture_path("clip_tiny_hf");
  ClipModel fp32 = ClipModel::load(folder);
  ClipModel bf16 = ClipModel::load(folder, with_precision(WeightPrecision::kBf16));
  constexpr size_t kItems = 10000, kQueries = 1000, kTop = 10;
  const auto embed = static_cast<size_t>(fp32.embed_dim());
  const auto context = static_cast<size_t>(fp32.context_length());
  const std::vector<int32_t> ids =
      random_captions(kItems, context, static_cast<int32_t>(fp32.config().text.vocab_size), 9);
  std::vector<float> a(kItems * embed), b(kItems * embed);
  fp32.encode_text(ids.data(), kItems, a.data());
  bf16.encode_text(ids.data(), kItems, b.data());
  const auto normalise = [&](std::vector<float>& e) {
    for (size_t i = 0; i < kItems; ++i) {
      double norm = 0;
      for (size_t j = 0; j < embed; ++j) norm += double(e[i * embed + j]) * e[i * embed + j];
      for (size_t j = 0; j < embed; ++j) e[i * embed + j] /= static_cast<float>(std::sqrt(norm));
    }
  };
  normalise(a);
  normalise(b);
  const auto top = [&](const std::vector<float>& e, size_t q) {
    std::vector<std::pair<float, size_t>> scores(kItems);
    for (size_t i = 0; i < kItems; ++i) {
      float s = 0;
      for (size_t j = 0; j < embed; ++j) s += e[q * embed + j] * e[i * embed + j];
      scores[i] = {-s, i};
    }
    std::partial_sort(scores.begin(), scores.begin() + kTop, scores.end());
    std::set<size_t> ids;
    for (size_t i = 0; i < kTop; ++i) ids.insert(scores[i].second);
    return ids;
  };
  size_t kept = 0;
  for (size_t q = 0; q < kQueries; ++q) {
    const std::set<size_t> want = top(a, q * 7);
    for (size_t id : top(b, q * 7)) kept += want.count(id);
  }
  const double preserved = static_cast<double>(kept) / (kQueries * kTop);
  std::cerr << "bf16 top-10 neighbours preserved: " << preserved << "\n";
  EXPECT_GE(preserved, 0.95);
}

}  // namespace
}  // namespace clipret::model
