#include "index/distance_kernels.h"

namespace clipret::index {

namespace {

struct KernelList {
  const DistanceKernels* kernels[3];
  size_t count = 0;
};

KernelList detect() {
  KernelList list;
#if defined(CLIPRET_DISTANCE_KERNELS_X86)
  __builtin_cpu_init();
  // __builtin_cpu_supports also checks that the OS saves the vector registers (XGETBV).
  if (__builtin_cpu_supports("avx512f")) list.kernels[list.count++] = &kAvx512DistanceKernels;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    list.kernels[list.count++] = &kAvx2DistanceKernels;
  }
#endif
  list.kernels[list.count++] = &kBaselineDistanceKernels;
  return list;
}

const KernelList& supported() {
  static const KernelList list = detect();
  return list;
}

}  // namespace

const DistanceKernels& distance_kernels() {
  return *supported().kernels[0];
}

const DistanceKernels* const* supported_distance_kernels(size_t* count) {
  *count = supported().count;
  return supported().kernels;
}

}  // namespace clipret::index
