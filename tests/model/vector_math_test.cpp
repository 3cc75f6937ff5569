#include "model/cpu/vector_math.h"

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
  EXPECT_LT(worst, 2e-7);
  EXPECT_EQ(fast_erf(0.0f), 0.0f);
}

}  // namespace
}  // namespace clipret::model::cpu
