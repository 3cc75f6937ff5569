#include "model/cpu/vector_math.h"

#include <vector>

#include "model/cpu/activations.h"

#include <gtest/gtest.h>

#include <cmath>

namespace clipret::model::cpu {
namespace {

TEST(VectorMathTest, FastExpIsWithinAFewUlp) {
  double worst = 0.0;
  for (float x = -87.0f; x <= 88.0f; x += 0.0137f) {
    const double want = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::abs(fast_exp(x) - want) / want);
  }
  EXPECT_LT(worst, 5e-7);
  EXPECT_EQ(fast_exp(0.0f), 1.0f);
  EXPECT_LT(fast_exp(-1000.0f), 1e-37f);  // clamped, not NaN
  EXPECT_FALSE(std::isnan(fast_exp(1000.0f)));
}

TEST(VectorMathTest, FastErfIsWithinItsBound) {
  double worst = 0.0;
  for (float x = -6.0f; x <= 6.0f; x += 0.001f) {
    worst = std::max(worst, std::abs(fast_erf(x) - std::erf(static_cast<double>(x))));
  }
  EXPECT_LT(worst, 1e-6);
  EXPECT_NEAR(fast_erf(0.0f), 0.0f, 1e-6f);
}

TEST(VectorMathTest, ActivationsMatchDoublePrecision) {
  std::vector<float> xs;
  for (float x = -30.0f; x <= 30.0f; x += 0.01f) xs.push_back(x);
  std::vector<float> quick = xs;
  std::vector<float> exact = xs;
  quick_gelu_inplace(quick.data(), quick.size());
  gelu_inplace(exact.data(), exact.size());
  for (size_t i = 0; i < xs.size(); ++i) {
    const double x = xs[i];
    const double tolerance = 1e-6 * std::max(1.0, std::abs(x));
    EXPECT_NEAR(quick[i], x / (1.0 + std::exp(-1.702 * x)), tolerance) << x;
    EXPECT_NEAR(exact[i], 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))), tolerance) << x;
  }
  std::printf("vectorised activations: %s\n", has_vector_activations() ? "yes" : "no");
}

}  // namespace
}  // namespace clipret::model::cpu
