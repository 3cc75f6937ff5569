#include "model/cpu/activations.h"

#include <cmath>

#include "model/cpu/vector_math.h"

namespace clipret::model::cpu {

namespace {

constexpr float kQuickGeluAlpha = 1.702f;
constexpr float kInvSqrt2 = 0.70710678118654752f;

void quick_gelu_libm(float* x, size_t count) {
  for (size_t i = 0; i < count; ++i) x[i] = x[i] / (1.0f + std::exp(-kQuickGeluAlpha * x[i]));
}

void gelu_libm(float* x, size_t count) {
  for (size_t i = 0; i < count; ++i) x[i] = 0.5f * x[i] * (1.0f + std::erf(x[i] * kInvSqrt2));
}

#if defined(__x86_64__) && defined(__GNUC__)
#define CLIPRET_VECTOR_ACTIVATIONS 1

__attribute__((target("arch=x86-64-v4"))) void quick_gelu_avx512(float* x, size_t count) {
  for (size_t i = 0; i < count; ++i) x[i] = x[i] / (1.0f + fast_exp(-kQuickGeluAlpha * x[i]));
}

__attribute__((target("arch=x86-64-v4"))) void gelu_avx512(float* x, size_t count) {
  for (size_t i = 0; i < count; ++i) x[i] = 0.5f * x[i] * (1.0f + fast_erf(x[i] * kInvSqrt2));
}

bool detect_avx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
}
#endif

}  // namespace

bool has_vector_activations() {
#ifdef CLIPRET_VECTOR_ACTIVATIONS
  static const bool supported = detect_avx512();
  return supported;
#else
  return false;
#endif
}

void quick_gelu_inplace(float* x, size_t count) {
#ifdef CLIPRET_VECTOR_ACTIVATIONS
  if (has_vector_activations()) return quick_gelu_avx512(x, count);
#endif
  quick_gelu_libm(x, count);
}

void gelu_inplace(float* x, size_t count) {
#ifdef CLIPRET_VECTOR_ACTIVATIONS
  if (has_vector_activations()) return gelu_avx512(x, count);
#endif
  gelu_libm(x, count);
}

}  // namespace clipret::model::cpu
