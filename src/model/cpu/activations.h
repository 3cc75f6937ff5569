// model/cpu/activations.h: in-place GELU variants for the CPU backend.
//
// On x86-64 CPUs with AVX-512 (x86-64-v4) the loops run a vectorised polynomial exp/erf
// (model/cpu/vector_math.h), about 10x faster than libm; elsewhere they call libm, which beats
// the same polynomial compiled for baseline SSE2. Chosen once per process from cpuid.
#pragma once

#include <cstddef>

namespace clipret::model::cpu {

// x[i] = x[i] * sigmoid(1.702 x[i]).
void quick_gelu_inplace(float* x, size_t count);
// x[i] = 0.5 x[i] (1 + erf(x[i] / sqrt(2))).
void gelu_inplace(float* x, size_t count);

// True when the vectorised path is in use (for benchmark reports).
bool has_vector_activations();

}  // namespace clipret::model::cpu
