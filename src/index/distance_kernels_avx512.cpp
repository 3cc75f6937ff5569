// index/distance_kernels_avx512.cpp: index/distance_kernels_impl.h compiled for avx512 (its flags
// are set in index/CMakeLists.txt).
#define CLIPRET_DISTANCE_KERNELS_NAME kAvx512DistanceKernels
#define CLIPRET_DISTANCE_KERNELS_ISA "avx512"
#include "index/distance_kernels_impl.h"
